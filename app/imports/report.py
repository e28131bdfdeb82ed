"""The error report of an import: the file's rows as they were brought, each with the
problems found in it, as .xlsx, so that a person fixes the rows and brings the file again.
Written by xlsxwriter in constant memory; text is never a formula."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter
from flask_babel import gettext

from app.imports.files import Table
from exports.xlsx import RISKY


def write_report(table: Table, summary: dict, path: Path | str) -> None:
    problems: dict[int, list[str]] = {}
    for problem in summary["errors"]:
        where = f"{problem['column']}: " if problem["column"] else ""
        problems.setdefault(problem["row"], []).append(where + problem["message"])
    for warning in summary["warnings"]:
        problems.setdefault(warning["row"], []).append(
            gettext("Warning: %(message)s", message=warning["message"])
        )
    workbook = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = workbook.add_worksheet(table.sheet[:31] or "Import")
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "font_color": "#9C0006"})
    quoted = workbook.add_format({"quote_prefix": True})
    errors_column = len(table.headers)
    sheet.write_row(0, 0, table.headers, bold)
    sheet.write(0, errors_column, gettext("Errors"), bold)
    sheet.set_column(errors_column, errors_column, 60)
    file_problems = problems.get(0)
    for index, (number, row) in enumerate(table.numbered(), start=1):
        for column, value in enumerate(row):
            if isinstance(value, str) and value.startswith(RISKY):
                sheet.write_string(index, column, value, quoted)  # text, never a formula
            elif value is not None and value != "":
                sheet.write(index, column, value)
        found = problems.get(number)
        if found:
            sheet.write_string(index, errors_column, "\n".join(found), wrap)
    if file_problems:
        sheet.write_string(table.count + 2, 0, "\n".join(file_problems), wrap)
    workbook.close()
