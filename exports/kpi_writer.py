"""The KPI workbook as a file (openpyxl: small tables, native charts, conditional
formatting): Summary (per branch, with charts), By branch, By manager, Lost clients,
Definitions."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from flask import current_app
from flask_babel import gettext, pgettext
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from app.core import models as m
from app.core.clock import business_now
from app.core.kpi.figures import BY_KEY, FIGURES, Kind
from app.core.kpi.losses import lost_clients
from app.core.kpi.query import TOTAL, display_names, ranked
from app.core.kpi.report import kpi_report, quarter_name
from app.core.models.choices import ValueClass
from app.core.models.reference import shown_name
from exports.xlsx import literal

GOOD = PatternFill("solid", fgColor="C6EFCE")
BAD = PatternFill("solid", fgColor="FFC7CE")
HEAD = PatternFill("solid", fgColor="DDE4EE")
EXCEL_COUNT = "#,##0"


def _table(sheet, first_row: int, label: str, frame: pd.DataFrame, titles: dict) -> int:
    """Write a KPI table at `first_row`; returns the row after it. Goals are marked by
    conditional formatting, so they stay marked if someone edits a figure."""
    sheet.cell(first_row, 1, label).font = Font(bold=True)
    for column, figure in enumerate(FIGURES, start=2):
        cell = sheet.cell(first_row, column, str(figure.header))
        cell.font, cell.fill = Font(bold=True), HEAD
    row = first_row
    for index, values in frame.iterrows():
        row += 1
        name = sheet.cell(row, 1)
        literal(name, str(titles.get(index, index)))
        if index == TOTAL:
            name.font = Font(bold=True)
        for column, figure in enumerate(FIGURES, start=2):
            value = values[figure.key]
            cell = sheet.cell(row, column, None if pd.isna(value) else float(value))
            cell.number_format = figure.number_format
    for column, figure in enumerate(FIGURES, start=2):
        if figure.goal() is not None and row > first_row:
            letter = get_column_letter(column)
            cells = f"{letter}{first_row + 1}:{letter}{row}"
            goal = str(figure.goal())
            sheet.conditional_formatting.add(
                cells, CellIsRule(operator="greaterThanOrEqual", formula=[goal], fill=GOOD)
            )
            sheet.conditional_formatting.add(
                cells, CellIsRule(operator="lessThan", formula=[goal], fill=BAD)
            )
    sheet.column_dimensions["A"].width = 30
    for column in range(2, len(FIGURES) + 2):
        sheet.column_dimensions[get_column_letter(column)].width = 14
    return row + 1


def _chart(sheet, key: str, title: str, first_row: int, last_row: int, anchor: str) -> None:
    column = 2 + [figure.key for figure in FIGURES].index(key)
    chart = BarChart()
    chart.title, chart.y_axis.title = title, "%"
    chart.y_axis.numFmt, chart.height, chart.width = "0%", 7.5, 16
    data = Reference(sheet, min_col=column, min_row=first_row, max_row=last_row)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=first_row + 1, max_row=last_row))
    sheet.add_chart(chart, anchor)


def _charts(sheet, first: int, after: int, *anchors: tuple[str, int]) -> None:
    """Activity and profitability charts of the rows of a table (header at `first`, next
    free row `after`), without its total row."""
    last = after - 2
    if last <= first:
        return
    for (key, title), (column, row) in zip(
        (
            ("activity", gettext("Client-base activity")),
            ("profitability", gettext("Profitability")),
        ),
        anchors,
        strict=True,
    ):
        _chart(sheet, key, title, first, last, f"{column}{row}")


def _quarters(sheet, first_row: int, quarters: pd.DataFrame) -> int:
    """The SCI per quarter against its target, below a table; returns the row after it."""
    target = BY_KEY["sci"].goal()
    sheet.cell(first_row, 1, gettext("SCI by quarter")).font = Font(bold=True)
    headers = (gettext("Quarter"), gettext("SCI"), gettext("Target"), gettext("Responses"))
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(first_row + 1, column, header)
        cell.font, cell.fill = Font(bold=True), HEAD
    row = first_row + 1
    for first, values in quarters.iterrows():
        row += 1
        literal(sheet.cell(row, 1), quarter_name(first))
        sci = None if pd.isna(values["sci"]) else float(values["sci"])
        sheet.cell(row, 2, sci).number_format = BY_KEY["sci"].number_format
        sheet.cell(row, 3, target).number_format = BY_KEY["sci"].number_format
        sheet.cell(row, 4, int(values["responses"]))
    cells = f"B{first_row + 2}:B{row}"
    for operator, fill in (("greaterThanOrEqual", GOOD), ("lessThan", BAD)):
        sheet.conditional_formatting.add(
            cells, CellIsRule(operator=operator, formula=[str(target)], fill=fill)
        )
    return row + 1


def _counts(sheet, first_row: int, headers: tuple, rows: list[tuple]) -> int:
    """A table of names and counts at `first_row`; returns the row after it."""
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(first_row, column, header)
        cell.font, cell.fill = Font(bold=True), HEAD
    for row, values in enumerate(rows, start=first_row + 1):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row, column)
            if isinstance(value, int):
                cell.value, cell.number_format = value, EXCEL_COUNT
            else:
                literal(cell, value)
    return first_row + len(rows) + 2


def _losses(book) -> None:
    """The clients lost now (as the reader sees them) by reason, with a chart, and by
    branch and manager: the CRM control procedure's analysis of lost clients."""
    losses = lost_clients()
    sheet = book.create_sheet(gettext("Lost clients")[:31])
    none = gettext("Not given")
    reasons = display_names(m.LossReason, losses.by_reason)
    branches = display_names(m.Branch, losses.by_branch)
    managers = display_names(m.User, {manager for _, manager in losses.by_manager})
    sheet["A1"] = gettext("Lost clients by reason")
    sheet["A1"].font = Font(bold=True)
    by_reason = [(name, count) for _, name, count in ranked(losses.by_reason, reasons, none)]
    after = _counts(sheet, 2, (gettext("Reason"), gettext("Clients")), by_reason)
    if by_reason:
        chart = BarChart()
        chart.title, chart.legend, chart.height, chart.width = sheet["A1"].value, None, 7.5, 16
        chart.add_data(
            Reference(sheet, min_col=2, min_row=2, max_row=after - 2), titles_from_data=True
        )
        chart.set_categories(Reference(sheet, min_col=1, min_row=3, max_row=after - 2))
        sheet.add_chart(chart, "E2")
    sheet.cell(after, 1, gettext("Lost clients by value class")).font = Font(bold=True)
    by_class = [(ValueClass.label_for(each), losses.by_class.get(each, 0)) for each in ValueClass]
    after = _counts(sheet, after + 1, (gettext("Value class"), gettext("Clients")), by_class)
    sheet.cell(after, 1, gettext("Lost clients by branch and manager")).font = Font(bold=True)
    rows = [
        (branches.get(branch, none), managers.get(manager, none), count)
        for (branch, manager), count in losses.by_manager.items()
    ]
    headers = (gettext("Branch"), gettext("Manager"), gettext("Clients"))
    _counts(sheet, after + 1, headers, rows)
    for column, width in zip("ABC", (34, 30, 12), strict=True):
        sheet.column_dimensions[column].width = width


def _definitions(book) -> None:
    """Each figure's definition, goal and the clause of the standard it comes from: the
    same text as the dashboards' tooltips and docs/kpi.md."""
    sheet = book.create_sheet(gettext("Definitions")[:31])
    headers = (gettext("Figure"), gettext("Definition"), gettext("Goal"), gettext("Source"))
    for column, (header, width) in enumerate(zip(headers, (28, 90, 10, 60), strict=True), 1):
        sheet.cell(1, column, header).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = width
    for row, figure in enumerate(FIGURES, start=2):
        sheet.cell(row, 1, str(figure.header)).font = Font(bold=True)
        sheet.cell(row, 2, str(figure.definition))
        if figure.goal() is not None:
            sheet.cell(row, 3, figure.goal()).number_format = figure.number_format
        sheet.cell(row, 4, str(figure.clause))


def write_kpi(start: dt.date, end: dt.date, target, exported_by: str) -> int:
    """Write the workbook for [start, end]; returns the number of branch and manager rows."""
    report = kpi_report(start, end)
    total = report.total.to_frame().T
    by_branch = pd.concat([report.by_branch, total])
    by_manager = pd.concat([report.by_manager, total])
    # A head of sales sums only the clients they see: the total row says which it holds.
    if report.whole_company:
        everyone = gettext("All (the whole company)")
    else:
        everyone = gettext("All (the clients you see)")
    unassigned = gettext("(none)")
    # Kept once for every language: the stored names, read in the reader's here.
    branch_names = {
        TOTAL: everyone,
        **{key: shown_name(name) for key, name in report.branch_names.items()},
    }
    manager_names = {TOTAL: everyone, **report.manager_names}
    for table, titles in ((by_branch, branch_names), (by_manager, manager_names)):
        for index in table.index:
            titles.setdefault(index, unassigned)
    before = report.previous
    goals = ", ".join(
        f"{figure.header} ≥ {_goal_text(figure)}" for figure in FIGURES if figure.goal() is not None
    )
    book = Workbook()
    summary = book.active
    summary.title = pgettext("KPI workbook sheet", "Summary")[:31]
    lines = [
        (gettext("Organisation"), current_app.config["ORGANISATION_NAME"]),
        (gettext("Period"), f"{start.isoformat()} – {end.isoformat()}"),
        (gettext("Previous period"), f"{before[0].isoformat()} – {before[1].isoformat()}"),
        (gettext("Goals"), goals),
        (gettext("Exported by"), exported_by),
        (
            gettext("Exported at (%(zone)s)", zone=current_app.config["TIMEZONE"]),
            business_now().strftime("%Y-%m-%d %H:%M"),
        ),
    ]
    summary["A1"] = gettext("KPI workbook")
    summary["A1"].font = Font(bold=True, size=14)
    for row, (label, value) in enumerate(lines, start=2):
        summary.cell(row, 1, label).font = Font(bold=True)
        literal(summary.cell(row, 2), "" if value is None else str(value))
    first = len(lines) + 3
    after = _table(summary, first, gettext("Branch"), by_branch, branch_names)
    _charts(summary, first, after, ("B", after + 1), ("J", after + 1))
    _quarters(summary, after + 17, report.quarters)
    for title, frame, titles, label in (
        (gettext("By branch"), by_branch, branch_names, gettext("Branch")),
        (gettext("By manager"), by_manager, manager_names, gettext("Manager")),
    ):
        sheet = book.create_sheet(title[:31])
        after = _table(sheet, 1, label, frame, titles)
        sheet.freeze_panes = "B2"
        if frame is by_manager:
            # A company of one office still compares its people: charts beside the table.
            right = get_column_letter(len(FIGURES) + 3)
            _charts(sheet, 1, after, (right, 2), (right, 18))
    _losses(book)
    _definitions(book)
    book.save(target)
    return len(by_branch) + len(by_manager) - 2


def _goal_text(figure) -> str:
    goal = figure.goal()
    return f"{goal:.0%}" if figure.kind == Kind.share else f"{goal:g}"
