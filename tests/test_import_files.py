"""Reading a file brought for import (app/imports/files.py): spreadsheets and CSV of the
encodings and delimiters people use here, and hostile files refused in words."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from flask_babel import force_locale

from app.imports.files import Limits, UnreadableFile, read_table

LIMITS = Limits(max_bytes=2 * 1024 * 1024, max_rows=1000)
HEADERS = ["Название", "ИНН", "Выручка", "Дата"]
ROWS = [
    ["ООО «Ромашка»", "7707083893", 1234.5, datetime(2026, 12, 31)],
    ["上海金桥建材有限公司", "91310000", 10, datetime(2026, 1, 2)],
]


def _xlsx(rows, formula: str | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Клиенты"
    for row in rows:
        sheet.append(row)
    if formula:
        sheet["E2"] = formula
    book.create_sheet("Second").append(["Other"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _ods(rows, doctype: str = "") -> bytes:
    """A minimal OpenDocument spreadsheet, as LibreOffice writes its parts."""
    cells = "".join(
        "<table:table-row>"
        + "".join(
            '<table:table-cell office:value-type="string">'
            f"<text:p>{value}</text:p></table:table-cell>"
            for value in row
        )
        + "</table:table-row>"
        for row in rows
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Лист1">{cells}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _refusal(data: bytes, name: str, limits: Limits = LIMITS, **options) -> str:
    with pytest.raises(UnreadableFile) as refused:
        read_table(data, name, limits, **options)
    return str(refused.value)


def test_an_xlsx_gives_its_first_sheet_with_typed_values():
    """Headers as text, numbers and dates as values, the first sheet unless one is named."""
    table = read_table(_xlsx([HEADERS, *ROWS]), "clients.xlsx", LIMITS)
    assert (table.sheet, table.headers) == ("Клиенты", HEADERS)
    assert table.rows[0][:3] == ["ООО «Ромашка»", "7707083893", 1234.5]
    assert table.rows[0][3] == date(2026, 12, 31)  # a date at midnight reads as a date
    assert read_table(_xlsx([HEADERS]), "x.xlsx", LIMITS, sheet="Second").headers == ["Other"]


def test_a_missing_sheet_is_named_with_the_sheets_there():
    """Asking for a sheet the file lacks lists the sheets it has."""
    message = _refusal(_xlsx([HEADERS]), "x.xlsx", sheet="Третий")
    assert "Третий" in message and "Клиенты, Second" in message


def test_an_empty_sheet_says_so():
    """A sheet with no rows is refused as empty, not as a damaged file."""
    assert "has no rows" in _refusal(_xlsx([]), "empty.xlsx")


def test_an_ods_is_read():
    """OpenDocument spreadsheets (LibreOffice) are read like .xlsx."""
    table = read_table(_ods([["Name", "Phone"], ["Anna", "+7 495 1"]]), "c.ods", LIMITS)
    assert (table.sheet, table.headers, table.rows) == (
        "Лист1",
        ["Name", "Phone"],
        [["Anna", "+7 495 1"]],
    )


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1251", b""), ("cp866", b"")],
    ids=["utf8", "utf8-bom", "windows-1251", "cp866"],
)
@pytest.mark.parametrize("delimiter", [";", ",", "\t"], ids=["semicolon", "comma", "tab"])
def test_a_csv_is_decoded_and_split_whatever_its_encoding_and_delimiter(encoding, bom, delimiter):
    """Russian text in UTF-8 (with or without a BOM), Windows-1251 or CP866, split on
    `;`, `,` or tab, reads the same."""
    lines = [
        ["Название", "Контактное лицо", "Телефон"],
        ["ООО Ромашка", "Иванова Мария Петровна", "+7 495 123-45-67"],
        ["ИП Сидоров", "Сидоров Пётр", "8 800 555 35 35"],
    ]
    text = "\r\n".join(delimiter.join(row) for row in lines) + "\r\n"
    table = read_table(bom + text.encode(encoding), "clients.csv", LIMITS)
    assert table.headers == lines[0] and table.rows == lines[1:]


def test_quoted_csv_fields_keep_their_delimiters():
    """A quoted field may hold the delimiter and a line break."""
    text = 'Name;Notes\r\n"Ромашка; ООО";"two\nlines"\r\n'
    assert read_table(text.encode(), "c.csv", LIMITS).rows == [["Ромашка; ООО", "two\nlines"]]


def test_formulas_are_read_as_their_cached_values_never_evaluated():
    """A formula without a cached value reads empty, not computed and not as its text."""
    table = read_table(_xlsx([HEADERS, *ROWS], formula="=1+1"), "f.xlsx", LIMITS)
    formula_cell = table.rows[0][4:]  # empty, or not there at all
    assert all(value in ("", None) for value in formula_cell)
    assert "=1+1" not in map(str, table.rows[0])


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    """A container declaring more than the limit unpacked is refused by its directory."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w") as member,
    ):
        for _ in range(8):
            member.write(b"\0" * (512 * 1024))
    bomb = out.getvalue()
    assert len(bomb) < 100_000
    limits = Limits(max_bytes=1024 * 1024, max_rows=10)
    assert "unpacks to more than 1 MB" in _refusal(bomb, "bomb.xlsx", limits)


def test_xml_entities_are_not_expanded():
    """A sheet declaring nested entities (a 'billion laughs') is refused or read without
    expanding them: nothing grows."""
    laughs = (
        '<!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    )
    try:
        table = read_table(_ods([["Name"], ["&lol3;"]], doctype=laughs), "lol.ods", LIMITS)
    except UnreadableFile:
        return
    assert all(len(str(value)) < 100 for row in table.rows for value in row)


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"PK\x03\x04 not really a zip", "x.xlsx", "damaged or not a spreadsheet"),
        (b"%PDF-1.7", "report.pdf", "Bring an .xlsx, .xls, .ods or .csv file"),
        (b"\xd0\xa0" * 10 + b"\xff\xfe\x00", "x.xls", "damaged or not a spreadsheet"),
        (b"", "empty.csv", "has no rows"),
    ],
    ids=["broken-zip", "pdf", "broken-xls", "empty"],
)
def test_what_cannot_be_read_is_refused_in_words(data, name, words):
    """A damaged or foreign file is refused with a reason, never guessed at."""
    assert words in _refusal(data, name)


def test_size_and_row_limits():
    """A file above the size limit, or with more data rows than allowed, is refused."""
    small = Limits(max_bytes=1000, max_rows=2)
    assert "larger than 0 MB" in _refusal(b"a;b\r\n" * 300, "big.csv", small)
    rows = "Name\r\n" + "x\r\n" * 3
    assert "more than 2 rows" in _refusal(rows.encode(), "rows.csv", small)


def test_refusals_read_in_the_users_language(ctx):
    """The reason is translated (here Russian)."""
    with force_locale("ru"):
        message = _refusal(b"%PDF", "report.pdf")
    assert "report.pdf" in message and "Bring" not in message
