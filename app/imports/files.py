"""A file brought for import, read as a table: the header row and the data rows of one
sheet. Spreadsheets (.xlsx, .xlsm, .xls, .ods) are read by calamine, which takes the
cached value of a formula and evaluates nothing, and expands no XML entities; CSV files
have their encoding (UTF-8 with or without a BOM, Windows-1251, CP866) and delimiter
(`;`, `,` or tab) told from their bytes. What cannot be read is refused in words, and
nothing is guessed silently: a file that is not what its name says is refused too."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import charset_normalizer
import python_calamine
from flask_babel import lazy_gettext as _

SPREADSHEETS = {".xlsx", ".xlsm", ".xls", ".ods"}
# Zip containers (.xlsx, .xlsm, .ods) are checked before they are unpacked.
ZIPPED = {".xlsx", ".xlsm", ".ods"}
CSV_DELIMITERS = ";,\t"
# The encodings a CSV file from here may be in, tried as charset-normalizer ranks them.
CSV_ENCODINGS = ("utf_8", "cp1251", "cp866")


class UnreadableFile(ValueError):
    """The file cannot be read as a table; the message says why, in the user's language."""


@dataclass
class Table:
    """One sheet: its name, the header row as text, and its data rows, read one by one as
    they are asked for (a file of 200,000 rows is never a list of 200,000 rows of Python
    values). Empty rows are left out; each row comes with its number in the file."""

    sheet: str
    headers: list[str]
    count: int  # the data rows
    source: Callable[[], Iterator[list[Any]]]  # every row of the sheet from its top
    header_number: int = 1  # the header's row number

    def numbered(self) -> Iterator[tuple[int, list[Any]]]:
        """(row number as the file shows it, cells) of each data row, as wide as the
        header."""
        width = len(self.headers)
        for number, cells in enumerate(self.source(), start=1):
            if number <= self.header_number or not any(_filled(value) for value in cells):
                continue
            cells = list(cells)[:width] if len(cells) >= width else list(cells)
            yield number, cells + [""] * (width - len(cells))

    @property
    def rows(self) -> list[list[Any]]:
        """Every data row at once (for small tables)."""
        return [cells for _number, cells in self.numbered()]


@dataclass(frozen=True)
class Limits:
    """How much a file may hold: its size unpacked (a zip bomb is refused before it is
    unpacked) and its data rows."""

    max_bytes: int
    max_rows: int

    @classmethod
    def of(cls, config) -> Limits:
        return cls(config["IMPORT_MAX_MB"] * 1024 * 1024, config["IMPORT_MAX_ROWS"])


def read_table(data: bytes, file_name: str, limits: Limits, sheet: str | None = None) -> Table:
    """The table in `data`, a file called `file_name` (its extension says its kind)."""
    if len(data) > limits.max_bytes:
        raise UnreadableFile(_("The file is larger than %(mb)s MB.", mb=limits.max_bytes >> 20))
    suffix = PurePath(file_name).suffix.lower()
    if suffix == ".csv":
        table = _read_csv(data)
    elif suffix in SPREADSHEETS:
        if suffix in ZIPPED:
            _check_zip(data, limits)
        table = _read_spreadsheet(data, sheet)
    else:
        raise UnreadableFile(
            _("Bring an .xlsx, .xls, .ods or .csv file; %(name)s is none of them.", name=file_name)
        )
    if table.count > limits.max_rows:
        raise UnreadableFile(
            _("The file has more than %(rows)s rows; split it.", rows=limits.max_rows)
        )
    return table


def _check_zip(data: bytes, limits: Limits) -> None:
    """Refuse a container that is not a zip, or whose contents unpack to more than the
    limit (the sizes its directory declares; a lying entry fails when calamine reads it)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise UnreadableFile(_("The file is damaged or not a spreadsheet.")) from None
    if unpacked > limits.max_bytes:
        raise UnreadableFile(
            _("The file unpacks to more than %(mb)s MB.", mb=limits.max_bytes >> 20)
        )


def _read_spreadsheet(data: bytes, sheet: str | None) -> Table:
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = book.sheet_names
        name = sheet if sheet is not None else names[0]
        found = book.get_sheet_by_name(name) if name in names else None
        if found is None:
            raise UnreadableFile(
                _(
                    "There is no sheet %(sheet)s; the sheets are: %(names)s.",
                    sheet=sheet,
                    names=", ".join(names),
                )
            )
        return _table(name, found.iter_rows)
    except UnreadableFile:
        raise
    except python_calamine.PasswordError:
        raise UnreadableFile(_("The file is protected by a password.")) from None
    except (python_calamine.CalamineError, ValueError, IndexError):
        raise UnreadableFile(_("The file is damaged or not a spreadsheet.")) from None


def _read_csv(data: bytes) -> Table:
    text = _decoded(data)
    try:
        dialect = csv.Sniffer().sniff(text[: 64 * 1024], delimiters=CSV_DELIMITERS)
        delimiter = dialect.delimiter
    except csv.Error:  # one column, or a sample the sniffer cannot tell
        delimiter = max(CSV_DELIMITERS, key=lambda each: text.split("\n", 1)[0].count(each))
    return _table("CSV", lambda: csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _decoded(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data, cp_isolation=list(CSV_ENCODINGS[1:])).best()
    if best is None:
        raise UnreadableFile(
            _("The text's encoding is none of UTF-8, Windows-1251 or CP866; save it as UTF-8.")
        )
    return str(best)


def _table(sheet: str, source: Callable[[], Iterator[list[Any]]]) -> Table:
    """The sheet's header (its first row with something in it) and its count of data rows,
    in one pass; the rows themselves are read again when asked for."""
    header_number, headers, count = 0, None, 0
    for number, cells in enumerate(source(), start=1):
        if not any(_filled(value) for value in cells):
            continue
        if headers is None:
            header_number = number
            headers = [str(value).strip() if _filled(value) else "" for value in cells]
        else:
            count += 1
    if headers is None:
        raise UnreadableFile(_("The sheet %(sheet)s has no rows.", sheet=sheet))
    return Table(sheet, headers, count, source, header_number)


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())
