"""A filled QMS form (exports/forms.py) for one record, written with openpyxl: merged cells,
borders, a print area on one A4 page width, signature lines. The record and its related
rows are read as the current user may see them (the same row-level rules as the screens).
openpyxl stores a text beginning with "=" as a formula: every text cell here is forced
to a string, and risky ones get a quote prefix."""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask import current_app
from flask_babel import get_locale, gettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from app.core import columns as c
from app.core.models.choices import Choice
from app.core.visible import condition_for
from app.extensions import db
from exports.columns import Resolver
from exports.forms import WIDTH, Form, model_of, text_in
from exports.xlsx import DATE_FORMATS, NUMBER_FORMATS, literal

THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
LINE = Border(bottom=THIN)
SECTION_FILL = PatternFill("solid", fgColor="DDE4EE")
WRAP = Alignment(wrap_text=True, vertical="top")
SIGNATURE_LABELS = {
    "prepared": lambda: gettext("Prepared by"),
    "checked": lambda: gettext("Checked by"),
    "approved": lambda: gettext("Approved by"),
}


def _visible(query, model):
    condition = condition_for(model)
    return query if condition is None else query.where(condition)


def _select(model, paths, where, order=None):
    resolver = Resolver(model)
    columns = [resolver.resolve(path, index) for index, path in enumerate(paths)]
    query = resolver.apply_joins(
        sa.select(*(each.expression for each in columns)).select_from(model)
    )
    if order:
        query = query.order_by(resolver.resolve(order, len(paths)).expression, model.id)
    return columns, db.session.execute(_visible(query.where(where), model)).all()


class FormSheet:
    """Writes rows top to bottom on one sheet, merging value cells across the form width."""

    def __init__(self, form: Form):
        self.book = Workbook()
        self.sheet = self.book.active
        self.sheet.title = form.code[:31]
        self.row = 1
        language = str(get_locale() or "en").split("_")[0]
        self.date_format = DATE_FORMATS.get(language, DATE_FORMATS["en"])
        self.sheet.column_dimensions["A"].width = 26
        for column in range(2, WIDTH + 1):
            self.sheet.column_dimensions[get_column_letter(column)].width = 16

    def cell(self, column: int, value=None, fmt: str = c.TEXT, border=BOX, bold=False):
        cell = self.sheet.cell(self.row, column)
        self._put(cell, value, fmt)
        cell.alignment = WRAP
        if border is not None:
            cell.border = border
        if bold:
            cell.font = Font(bold=True)
        return cell

    def merged(self, first: int, value=None, fmt=c.TEXT, border=BOX, bold=False, last=WIDTH):
        cell = self.cell(first, value, fmt, border, bold)
        for column in range(first + 1, last + 1):  # borders of the covered cells too
            if border is not None:
                self.sheet.cell(self.row, column).border = border
        if last > first:
            self.sheet.merge_cells(
                start_row=self.row, start_column=first, end_row=self.row, end_column=last
            )
        return cell

    def next(self, height: float | None = None) -> None:
        if height:
            self.sheet.row_dimensions[self.row].height = height
        self.row += 1

    def _put(self, cell, value, fmt: str) -> None:
        if value is None:
            return
        if fmt in (c.DATE, c.DATETIME):
            cell.value = value
            cell.number_format = self.date_format + (" hh:mm" if fmt == c.DATETIME else "")
        elif fmt in NUMBER_FORMATS and fmt != c.TIME:
            cell.value = float(value) if fmt == c.MONEY else value
            cell.number_format = NUMBER_FORMATS[fmt]
        else:
            if fmt == c.CHOICE:
                text = str(value.label) if isinstance(value, Choice) else str(value)
            elif fmt == c.BOOL:
                text = gettext("Yes") if value else gettext("No")
            elif fmt == c.JSON and not isinstance(value, str):
                text = json.dumps(value, ensure_ascii=False)
            else:
                text = str(value)
            literal(cell, text)


def record_visible(form: Form, record_id: int) -> bool:
    """Whether the record exists and the current user may see it."""
    model = model_of(form.entity)
    query = _visible(sa.select(model.id).where(model.id == record_id), model)
    return db.session.execute(query).first() is not None


def write_form(form: Form, record_id: int, target) -> int:
    """Fill `form` for record `record_id` into `target`; returns the number of list rows.
    LookupError when the record does not exist or the user may not see it."""
    model = model_of(form.entity)
    if not record_visible(form, record_id):
        raise LookupError(f"{form.entity} {record_id}")
    sheet = FormSheet(form)
    _heading(sheet, form, record_id)
    listed = 0
    for section in form.sections:
        sheet.merged(1, text_in(section.title), bold=True).fill = SECTION_FILL
        sheet.next()
        if section.list:
            listed += _list(sheet, section, record_id)
        elif section.fields:
            columns, rows = _select(model, section.fields, model.id == record_id)
            for resolved, value in zip(columns, rows[0], strict=True):
                sheet.cell(1, str(resolved.header), bold=True)
                sheet.merged(2, value, resolved.format)
                text_length = len(str(value or ""))
                sheet.next(15 * max(1, min(8, text_length // 70 + 1)) if text_length > 70 else None)
        for label in section.blank:
            sheet.cell(1, text_in(label), bold=True)
            sheet.merged(2)
            sheet.next(20)
        for _ in range(section.lines):
            sheet.merged(1, border=LINE)
            sheet.next(20)
        sheet.next()
    _signatures(sheet, form)
    _print_setup(sheet, form)
    sheet.book.save(target)
    return listed


def _heading(sheet: FormSheet, form: Form, record_id: int) -> None:
    sheet.merged(1, current_app.config["ORGANISATION_NAME"], border=None)
    sheet.next()
    title = sheet.merged(1, text_in(form.title), border=None, bold=True)
    title.font, title.alignment = Font(bold=True, size=14), Alignment(horizontal="center")
    sheet.next(22)
    line = gettext(
        "Form %(code)s, revision %(revision)s, effective %(effective)s",
        code=form.code,
        revision=form.revision,
        effective=form.effective.isoformat(),
    )
    sheet.merged(1, line, border=None).alignment = Alignment(horizontal="center")
    sheet.next()
    sheet.next()


def _list(sheet: FormSheet, section, record_id: int) -> int:
    target = model_of(section.list)
    columns, rows = _select(
        target, section.fields, getattr(target, section.link) == record_id, section.order
    )
    headers = [str(each.header) for each in columns]
    if section.answer:
        headers.append(text_in(section.answer))
    widths = _spread(len(headers))
    for header, (first, last) in zip(headers, widths, strict=True):
        sheet.merged(first, header, bold=True, last=last)
    sheet.next()
    for row in list(rows) + [None] * max(0, section.rows - len(rows)):
        values = list(row) if row is not None else [None] * len(columns)
        # The widths run one further when the section has an answer column.
        for resolved, value, (first, last) in zip(columns, values, widths, strict=False):
            sheet.merged(first, value, resolved.format, last=last)
        if section.answer:
            first, last = widths[len(columns)]
            sheet.merged(first, last=last)
        sheet.next(30 if section.answer else None)
    return len(rows)


def _spread(count: int) -> list[tuple[int, int]]:
    """Column ranges sharing the form's width among `count` list columns."""
    spans, first = [], 1
    for index in range(count):
        last = first + (WIDTH - first + 1) // (count - index) - 1
        spans.append((first, last))
        first = last + 1
    return spans


def _signatures(sheet: FormSheet, form: Form) -> None:
    if not form.signatures:
        return
    for header, (first, last) in zip(
        ("", gettext("Name"), gettext("Signature"), gettext("Date")),
        ((1, 1), (2, 3), (4, 5), (6, 6)),
        strict=True,
    ):
        sheet.merged(first, header, bold=True, last=last)
    sheet.next()
    for key in form.signatures:
        sheet.cell(1, SIGNATURE_LABELS[key](), bold=True)
        for first, last in ((2, 3), (4, 5), (6, 6)):
            sheet.merged(first, last=last)
        sheet.next(28)


def _print_setup(sheet: FormSheet, form: Form) -> None:
    ws = sheet.sheet
    ws.print_area = f"A1:{get_column_letter(WIDTH)}{sheet.row - 1}"
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.left.text = f"{form.code} rev. {form.revision}".replace("&", "&&")
    ws.oddFooter.center.text = gettext("Page &P of &N")
