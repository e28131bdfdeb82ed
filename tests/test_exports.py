"""Excel registers, opened with openpyxl: the header block, typed cells and formats, the
list's filters, sort order and row-level rules, print set-up, sheet roll-over, formula
injection and the user's language."""

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from conftest import api_client, login

from app.core import models
from app.extensions import db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(response):
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == XLSX
    return openpyxl.load_workbook(BytesIO(response.data))


def header_block(sheet) -> dict:
    """Label → value of the header block (column A → B), up to the blank row."""
    block = {}
    for row in sheet.iter_rows(min_row=2, max_col=2):
        if row[0].value is None:
            break
        block[row[0].value] = row[1].value
    return block


def table(sheet) -> tuple[int, list[str], list[list]]:
    """The table header's row number, its titles and the data rows (values)."""
    head = len(header_block(sheet)) + 3
    titles = [cell.value for cell in sheet[head] if cell.value is not None]
    rows = [
        [cell.value for cell in row[: len(titles)]]
        for row in sheet.iter_rows(min_row=head + 1)
        if any(cell.value is not None for cell in row)
    ]
    return head, titles, rows


def filter_arg(app, view_name: str, column: str, operation: str) -> str:
    """FAB's list URL parameter for one filter: _flt_<index of the operation>_<column>."""
    view = next(v for v in app.appbuilder.baseviews if type(v).__name__ == view_name)
    codes = [each.arg_name for each in view._filters.get_search_filters()[column]]
    return f"_flt_{codes.index(operation)}_{column}"


@pytest.fixture
def invoices(make, users):
    """Invoices of two managers' clients: three of A's, one of B's."""
    mine = make.client(users["sales_manager"], name="Alpha LLC")
    theirs = make.client(users["sales_manager_b"], name="Beta LLC")
    make.invoice(mine, "INV-1", amount="1500.50", issued_on=date(2026, 11, 2))
    make.invoice(mine, "INV-2", amount="99.99", status="draft", issued_on=date(2026, 11, 3))
    make.invoice(mine, "INV-3", amount="12000.00", issued_on=date(2026, 11, 4))
    make.invoice(theirs, "INV-B", amount="5.00", issued_on=date(2026, 11, 5))
    return mine, theirs


def test_register_has_the_header_block_typed_cells_and_print_setup(app, invoices):
    """The invoice register: organisation, title, form code and revision from configuration,
    filters in words, who and when, row count; dates as dates, money as numbers with two
    decimals, statuses as labels; frozen bold header, autofilter, landscape, fit to width,
    header row on every page, "page N of M"."""
    client = app.test_client()
    login(client, "sales_manager")
    flt = filter_arg(app, "InvoiceView", "status", "eq")
    book = workbook(client.get(f"/invoiceview/export/xlsx?{flt}=on_approval"))
    sheet = book.active
    assert sheet["A1"].value == "Invoices" and sheet["A1"].font.b
    block = header_block(sheet)
    assert block["Organisation"] == app.config["ORGANISATION_NAME"]
    assert block["Form code"] == "R-SP2-09" and block["Revision"] == "2"
    assert block["Effective date"] == datetime(2026, 1, 15)
    assert block["Filters applied"] == "Status equal to On approval"
    assert "(sales_manager)" in block["Exported by"]
    assert isinstance(block[f"Exported at ({app.config['TIMEZONE']})"], datetime)
    assert block["Rows"] == 2
    head, titles, rows = table(sheet)
    assert titles[:4] == ["Number", "Client", "Issued on", "Amount"]
    assert [row[0] for row in rows] == ["INV-3", "INV-1"]  # the list's order: newest first
    issued, amount, status = (
        sheet.cell(head + 1, titles.index(t) + 1) for t in ("Issued on", "Amount", "Status")
    )
    assert issued.value == datetime(2026, 11, 4) and issued.number_format == "yyyy-mm-dd"
    assert amount.value == 12000 and amount.number_format == "#,##0.00"
    assert status.value == "On approval"
    assert all(cell.font.b for cell in sheet[head] if cell.value)
    assert sheet.freeze_panes == f"A{head + 1}"
    assert (
        sheet.auto_filter.ref == f"A{head}:{sheet.cell(head, len(titles)).column_letter}{head + 2}"
    )
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == f"${head}:${head}"
    assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
    assert sheet.column_dimensions["B"].width >= 30


def test_register_follows_the_list_sort_order_and_all_pages(app, invoices, make):
    """Sorted by amount ascending as on screen; every row, though the list pages by 25."""
    mine, _ = invoices
    for number in range(30):
        make.invoice(mine, f"INV-X{number:02}", amount=f"{1000 + number}.00")
    client = app.test_client()
    login(client, "sales_manager")
    book = workbook(
        client.get("/invoiceview/export/xlsx?_oc_InvoiceView=amount&_od_InvoiceView=asc")
    )
    _, titles, rows = table(book.active)
    amounts = [row[titles.index("Amount")] for row in rows]
    assert len(rows) == 33 and amounts == sorted(amounts)


def test_row_level_rules_hold_in_the_export(app, invoices):
    """A sales manager's register holds only their clients' invoices; an administrator's
    holds all; "My clients" holds only one's own even for a head of sales."""
    client = app.test_client()
    login(client, "sales_manager_b")
    _, _, rows = table(workbook(client.get("/invoiceview/export/xlsx")).active)
    assert [row[0] for row in rows] == ["INV-B"]
    admin = app.test_client()
    login(admin, "admin")
    _, _, rows = table(workbook(admin.get("/invoiceview/export/xlsx")).active)
    assert len(rows) == 4
    _, _, rows = table(workbook(admin.get("/myclients/export/xlsx")).active)
    assert rows == []


def test_text_that_looks_like_a_formula_stays_text(app, make, users):
    """Names starting with = + - @ are stored as text with a quote prefix, never as
    formulas; numbers stay numbers. (Tab, CR and LF, which Excel also reads as the start of
    a formula, are refused in a name; the writer guards against them all the same.)"""
    risky = ['=HYPERLINK("http://x","y")', "+7 495", "-1", "@SUM(A1)", "=1+1", "+SUM(1)"]
    for name in risky:
        make.client(users["sales_manager"], name=name)
    client = app.test_client()
    login(client, "admin")
    response = client.get("/clientview/export/xlsx")
    assert b"<f>" not in _sheet_xml(response.data)  # no formula anywhere in the sheet
    sheet = workbook(response).active
    head, titles, rows = table(sheet)
    names = {ooxml_text(row[titles.index("Name")]) for row in rows}
    assert names == set(risky)
    for row in sheet.iter_rows(min_row=head + 1, max_col=1):
        assert row[0].data_type == "s" and row[0].quotePrefix
    number = sheet.cell(len(header_block(sheet)) + 1, 2)  # "Rows" in the header block
    assert number.data_type == "n"


@pytest.mark.parametrize("text", ["\tTab", "\rCR", "\nLF", "=1", "@A1"])
def test_the_writers_quote_every_formula_start(text):
    """Text that Excel would read as a formula (leading = + - @ tab CR LF) is written as text
    with a quote prefix, whatever its source (multi-line fields may hold line breaks)."""
    from openpyxl import Workbook

    from exports.xlsx import literal

    cell = Workbook().active["A1"]
    literal(cell, text)
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)


def ooxml_text(value: str) -> str:
    """openpyxl leaves the file's escapes of control characters (_x000D_) as they are."""
    import re

    return re.sub(r"_x([0-9A-F]{4})_", lambda match: chr(int(match[1], 16)), value)


def _sheet_xml(data: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(BytesIO(data)) as archive:
        return b"".join(
            archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/")
        )


def test_more_rows_than_a_sheet_holds_continue_on_the_next(app, invoices, make, monkeypatch):
    """With a sheet of 25 rows, 34 invoices fill three sheets, each with the header block
    and the table header; no row is lost or repeated."""
    import exports.xlsx

    assert exports.xlsx.SHEET_ROWS == 1_048_576
    monkeypatch.setattr(exports.xlsx, "SHEET_ROWS", 25)
    mine, _ = invoices
    for number in range(30):
        make.invoice(mine, f"INV-R{number:02}")
    client = app.test_client()
    login(client, "admin")
    book = workbook(client.get("/invoiceview/export/xlsx"))
    assert book.sheetnames == ["Invoices", "Invoices (2)", "Invoices (3)"]
    numbers = []
    for sheet in book.worksheets:
        head, titles, rows = table(sheet)
        assert titles[0] == "Number" and sheet.max_row <= 25
        numbers += [row[0] for row in rows]
    assert len(numbers) == 34 and len(set(numbers)) == 34


def test_register_in_russian_and_chinese(app, invoices):
    """Titles, labels, statuses and the date format follow the user's language."""
    client = app.test_client()
    login(client, "sales_manager")
    client.get("/lang/ru")
    sheet = workbook(client.get("/invoiceview/export/xlsx")).active
    assert sheet["A1"].value == "Счета"
    head, titles, rows = table(sheet)
    assert "Сумма" in titles and "На согласовании" in {row[titles.index("Статус")] for row in rows}
    assert sheet.cell(head + 1, titles.index("Дата выставления") + 1).number_format == "dd.mm.yyyy"
    client.get("/lang/zh")
    sheet = workbook(client.get("/invoiceview/export/xlsx")).active
    assert sheet["A1"].value == "发票"
    assert "第 &P 页" in sheet.oddFooter.center.text


def test_api_export_takes_the_list_query(app, invoices):
    """The rison `q` of the list endpoint filters and orders the file; an unknown column
    is a 400 with the reason."""
    client = api_client(app, "sales_manager")
    query = (
        "(filters:!((col:status,opr:eq,value:on_approval)),order_column:amount,order_direction:asc)"
    )
    _, titles, rows = table(workbook(client.get(f"/api/v1/invoice/export/xlsx?q={query}")).active)
    assert [row[0] for row in rows] == ["INV-1", "INV-3"]
    bad = client.get("/api/v1/invoice/export/xlsx?q=(filters:!((col:secret,opr:eq,value:1)))")
    assert bad.status_code == 400


def test_every_export_is_recorded(app, invoices, users):
    """Who, what, filters, rows and when, in the export log and the security log."""
    client = app.test_client()
    login(client, "sales_manager")
    flt = filter_arg(app, "InvoiceView", "status", "eq")
    workbook(client.get(f"/invoiceview/export/xlsx?{flt}=draft"))
    db.session.expire_all()
    job = db.session.query(models.ExportJob).order_by(models.ExportJob.id.desc()).first()
    assert job.user_id == users["sales_manager"].id and job.subject == "invoice"
    assert job.rows_written == 1 and job.filters_text == "Status equal to Draft"
    assert job.parameters["filters"] == [{"col": "status", "opr": "eq", "value": "draft"}]
    event = db.session.query(models.SecurityEvent).order_by(models.SecurityEvent.id.desc()).first()
    assert event.event == "export" and event.username == "sales_manager"
    assert f"#{job.id}" in event.detail


def test_every_register_column_resolves(ctx):
    """Each declared register (and each screen's fallback) builds its query."""
    from exports.register import RegisterQuery, RegisterSpec

    for view in ctx.appbuilder.baseviews:
        if hasattr(view, "export_xlsx") and hasattr(view, "datamodel"):
            query = RegisterQuery(RegisterSpec(view.entity_key, view.variant))
            assert query.columns, type(view).__name__
            db.session.execute(query.statement.limit(1)).all()


def test_money_keeps_two_decimals(app, make, users):
    """Decimal amounts are written as numbers, exactly."""
    mine = make.client(users["sales_manager"])
    make.invoice(mine, "INV-D", amount=str(Decimal("1234567.89")))
    client = app.test_client()
    login(client, "sales_manager")
    head, titles, rows = table(workbook(client.get("/invoiceview/export/xlsx")).active)
    assert rows[0][titles.index("Amount")] == pytest.approx(1234567.89)
