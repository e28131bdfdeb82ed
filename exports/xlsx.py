"""Streaming Excel writer for registers (xlsxwriter in constant-memory mode: each row goes
to disk as it is written, so a million rows take the memory of one). Typed cells, a
header block stating the controlled document, print set-up, and a next sheet when one
is full. Text is never a formula: formulas are off for the whole workbook, and a text
that Excel would read as one when a user edits the cell is stored with a quote prefix.

Why xlsxwriter here (and openpyxl for template forms): at 200,000 rows it writes in
12.5 s and 27 MB what pandas with openpyxl writes in 34 s and 1.3 GB (../STACK-NOTES,
bench/export_register.py); it cannot edit an existing file, which forms need."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

import xlsxwriter
from flask_babel import get_locale, gettext

from app.core import columns as c
from app.core.models.choices import Choice

# Rows of one Excel sheet.
SHEET_ROWS = 1_048_576
# First characters that make Excel (or a CSV import) read a text as a formula.
RISKY = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
DATE_FORMATS = {"ru": "dd.mm.yyyy", "zh": "yyyy-mm-dd", "en": "yyyy-mm-dd"}
NUMBER_FORMATS = {
    c.MONEY: "#,##0.00",
    c.NUMBER: "#,##0.##",
    c.INTEGER: "0",
    c.TIME: "hh:mm",
}


def literal(cell, text: str) -> None:
    """An openpyxl cell holding `text` as text: never a formula (openpyxl would store a
    leading "=" as one), and quote-prefixed when Excel would read it as one on editing."""
    cell.value = text
    cell.data_type = "s"
    if text.startswith(RISKY):
        cell.quotePrefix = True


_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\']")


@dataclass(frozen=True)
class Header:
    """The header block above the table: label and value per line."""

    title: str
    lines: list[tuple[str, object]]


def sheet_name(title: str, number: int) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\ or quotes; unique."""
    base = _SHEET_NAME_BAD.sub(" ", title).strip() or "Sheet"
    suffix = f" ({number})" if number > 1 else ""
    return base[: 31 - len(suffix)] + suffix


class RegisterWorkbook:
    """Registers, one after another: `begin` one (header block and table header), `write`
    its rows in order, and `close` the book. An index sheet, when wanted, comes first."""

    def __init__(self, target, sheet_rows=None):
        self.book = xlsxwriter.Workbook(
            target,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "in_memory": False,
            },
        )
        self.sheet_rows = sheet_rows or SHEET_ROWS
        self.names: set[str] = set()
        self.sheet = None
        language = str(get_locale() or "en").split("_")[0]
        date = DATE_FORMATS.get(language, DATE_FORMATS["en"])
        book = self.book
        self.formats = {
            "title": book.add_format({"bold": True, "font_size": 14}),
            "label": book.add_format({"bold": True, "font_color": "#444444"}),
            "value": book.add_format({"align": "left"}),
            "value_datetime": book.add_format({"num_format": f"{date} hh:mm", "align": "left"}),
            "head": book.add_format(
                {"bold": True, "bg_color": "#DDE4EE", "border": 1, "text_wrap": True}
            ),
            "literal": book.add_format({"quote_prefix": True}),
            c.DATE: book.add_format({"num_format": date}),
            c.DATETIME: book.add_format({"num_format": f"{date} hh:mm"}),
            **{
                key: book.add_format({"num_format": value}) for key, value in NUMBER_FORMATS.items()
            },
        }
        self._labels: dict[tuple, str] = {}
        self._yes_no = (gettext("No"), gettext("Yes"))

    def reserve(self, title: str) -> str:
        """A sheet name for `title` that no other sheet of this book has or will have."""
        number = 1
        while (name := sheet_name(title, number)) in self.names:
            number += 1
        self.names.add(name)
        return name

    def begin(self, header: Header, columns: list[c.Resolved], name: str | None = None) -> None:
        """Start a register on a sheet of its own (`name` if reserved, else from the title)."""
        if self.sheet is not None:
            self._finish_sheet()
        self.header, self.columns = header, columns
        self.rows = 0
        self._new_sheet(name or self.reserve(header.title))

    def _header_block(self, sheet, header: Header) -> int:
        """Title and label/value lines from the top; returns the next free row."""
        formats = self.formats
        sheet.write_string(0, 0, header.title, formats["title"])
        row = 1
        for label, value in header.lines:
            sheet.write_string(row, 0, label, formats["label"])
            if isinstance(value, dt.datetime):
                sheet.write_datetime(row, 1, value, formats["value_datetime"])
            elif isinstance(value, dt.date):
                sheet.write_datetime(row, 1, value, formats[c.DATE])
            elif isinstance(value, int | float):
                sheet.write_number(row, 1, value, formats["value"])
            else:
                self._text(row, 1, "" if value is None else str(value), formats["value"], sheet)
            row += 1
        return row

    def _new_sheet(self, name: str) -> None:
        sheet = self.sheet = self.book.add_worksheet(name)
        formats = self.formats
        self.head_row = self._header_block(sheet, self.header) + 1
        for index, column in enumerate(self.columns):
            sheet.write_string(self.head_row, index, str(column.header), formats["head"])
            sheet.set_column(index, index, column.width)
        sheet.set_column(0, 0, max(self.columns[0].width if self.columns else 0, 18))
        last = max(len(self.columns) - 1, 0)
        sheet.freeze_panes(self.head_row + 1, 0)
        sheet.repeat_rows(self.head_row)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
        sheet.set_footer("&L" + _escape(self.header.title) + "&C" + gettext("Page &P of &N"))
        self.last_column = last
        self.next_row = self.head_row + 1

    def write(self, row) -> None:
        """One record: its values in the order of the columns."""
        if self.next_row >= self.sheet_rows:
            self._finish_sheet()
            self._new_sheet(self.reserve(self.header.title))
        sheet, number, formats = self.sheet, self.next_row, self.formats
        for index, (column, value) in enumerate(zip(self.columns, row, strict=True)):
            if value is None:
                continue
            kind = column.format
            if kind == c.TEXT:
                self._text(number, index, str(value))
            elif kind == c.DATE or kind == c.DATETIME:
                sheet.write_datetime(number, index, value, formats[kind])
            elif kind in NUMBER_FORMATS and kind != c.TIME:
                sheet.write_number(number, index, value, formats[kind])
            elif kind == c.CHOICE:
                sheet.write_string(number, index, self._label(value))
            elif kind == c.BOOL:
                sheet.write_string(number, index, self._yes_no[bool(value)])
            elif kind == c.TIME:
                sheet.write_datetime(number, index, value, formats[c.TIME])
            else:  # JSON and anything else: its text
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                self._text(number, index, text)
        self.next_row += 1
        self.rows += 1

    def _text(self, row: int, column: int, text: str, cell_format=None, sheet=None) -> None:
        if text.startswith(RISKY):
            cell_format = self.formats["literal"]
        (sheet or self.sheet).write_string(row, column, text, cell_format)

    def _label(self, value) -> str:
        """A choice's label: the database hands its enum's member. Kept by enum and value,
        translated once per export, not per cell."""
        key = (type(value), str(value))
        if key not in self._labels:
            self._labels[key] = str(value.label) if isinstance(value, Choice) else str(value)
        return self._labels[key]

    def _finish_sheet(self) -> None:
        last_row = max(self.next_row - 1, self.head_row)
        self.sheet.autofilter(self.head_row, 0, last_row, self.last_column)
        self.sheet.print_area(0, 0, last_row, self.last_column)

    def index(self, name: str, header: Header, headers: list[str], entries: list[tuple]) -> None:
        """A first sheet listing the registers: (sheet name, contents, rows) each, the name
        a link to the sheet."""
        sheet = self.book.add_worksheet(name)
        row = self._header_block(sheet, header) + 1
        for column, text in enumerate(headers):
            sheet.write_string(row, column, text, self.formats["head"])
        for name, contents, rows in entries:
            row += 1
            sheet.write_url(row, 0, f"internal:'{name}'!A1", string=name)
            self._text(row, 1, contents, None, sheet)
            sheet.write_number(row, 2, rows)
        sheet.set_column(0, 0, 34)
        sheet.set_column(1, 1, 60)
        sheet.set_column(2, 2, 12)

    def close(self) -> None:
        if self.sheet is not None:
            self._finish_sheet()
        self.book.close()


def _escape(text: str) -> str:
    """Header and footer text: '&' starts a control code there."""
    return text.replace("&", "&&")
