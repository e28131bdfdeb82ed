"""A scorecard as a workbook, like the KPI workbook (openpyxl: small tables, native
charts): the scorecard with its goals met or missed, its department's trend over the
periods before it with a chart per indicator, and the indicators' definitions."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext, pgettext
from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Font

from app.core import models as m
from app.core.clock import business_now
from app.core.kpi.scorecards import BY_INDICATOR, of_department
from app.core.models.choices import Indicator, ScorecardDepartment, ScorecardPeriod
from app.core.models.choices import ScorecardStatus as S
from app.extensions import db
from exports.kpi_writer import BAD, GOOD, HEAD
from exports.xlsx import literal

# Periods of the trend: a year of months, or five years.
TREND = {ScorecardPeriod.monthly: 12, ScorecardPeriod.yearly: 5}
COUNTS = (Indicator.new_clients, Indicator.suggestions, Indicator.exposure)


def _format(indicator) -> str:
    return "#,##0" if indicator in COUNTS else "#,##0.00"


def period_name(scorecard) -> str:
    if scorecard.period == ScorecardPeriod.yearly:
        return str(scorecard.starts_on.year)
    return scorecard.starts_on.strftime("%Y-%m")


def _header(sheet, first_row: int, headers) -> None:
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(first_row, column, str(header))
        cell.font, cell.fill = Font(bold=True), HEAD


def _user(user) -> str:
    return "" if user is None else str(user)


def _stamp(moment) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M")


def write_scorecard(scorecard, target, exported_by: str) -> None:
    """Write the workbook of `scorecard` to `target` (a path or a binary file)."""
    book = Workbook()
    sheet = book.active
    sheet.title = pgettext("scorecard workbook sheet", "Scorecard")[:31]
    sheet["A1"] = gettext("Scorecard %(number)s", number=scorecard.number)
    sheet["A1"].font = Font(bold=True, size=14)
    lines = [
        (gettext("Organisation"), current_app.config["ORGANISATION_NAME"]),
        (gettext("Department"), ScorecardDepartment.label_for(scorecard.department)),
        (gettext("Period"), f"{scorecard.starts_on.isoformat()} – {scorecard.ends_on.isoformat()}"),
        (gettext("Status"), S.label_for(scorecard.status)),
        (gettext("Reviewed by"), _user(scorecard.reviewed_by)),
        (gettext("Approved by"), _user(scorecard.approved_by)),
        (gettext("Approved at"), _stamp(scorecard.approved_at)),
        (gettext("Exported by"), exported_by),
        (
            gettext("Exported at (%(zone)s)", zone=current_app.config["TIMEZONE"]),
            business_now().strftime("%Y-%m-%d %H:%M"),
        ),
    ]
    for row, (label, value) in enumerate(lines, start=2):
        sheet.cell(row, 1, label).font = Font(bold=True)
        literal(sheet.cell(row, 2), str(value))
    first = len(lines) + 3
    headers = (
        gettext("Indicator"),
        gettext("Value"),
        gettext("Goal"),
        gettext("Goal met"),
        gettext("Source"),
        gettext("Entered by"),
        gettext("Entered at"),
        gettext("Note"),
    )
    _header(sheet, first, headers)
    for row, line in enumerate(scorecard.lines, start=first + 1):
        measure = BY_INDICATOR[line.indicator]
        meets = measure.meets(line.value, line.goal)
        literal(sheet.cell(row, 1), str(Indicator.label_for(line.indicator)))
        for column, number in ((2, line.value), (3, line.goal)):
            cell = sheet.cell(row, column, None if number is None else float(number))
            cell.number_format = _format(line.indicator)
        if meets is not None:
            cell = sheet.cell(row, 4, gettext("Yes") if meets else gettext("No"))
            cell.fill = GOOD if meets else BAD
        source = gettext("Computed by qms-crm") if line.computed else gettext("Entered")
        literal(sheet.cell(row, 5), source)
        literal(sheet.cell(row, 6), _user(line.entered_by))
        literal(sheet.cell(row, 7), _stamp(line.entered_at))
        literal(sheet.cell(row, 8), line.note or "")
    for letter, width in zip("ABCDEFGH", (44, 14, 12, 10, 22, 22, 18, 50), strict=True):
        sheet.column_dimensions[letter].width = width
    _trend(book, scorecard)
    _definitions(book, scorecard)
    book.save(target)


def _trend(book, scorecard) -> None:
    """The department's scorecards of this kind up to this one, with a chart per indicator."""
    sheet = book.create_sheet(gettext("Trend")[:31])
    cards = db.session.execute(
        sa.select(m.Scorecard.id, m.Scorecard.starts_on, m.Scorecard.period)
        .where(
            m.Scorecard.department == scorecard.department,
            m.Scorecard.period == scorecard.period,
            m.Scorecard.starts_on <= scorecard.starts_on,
        )
        .order_by(m.Scorecard.starts_on.desc())
        .limit(TREND[scorecard.period])
    ).all()[::-1]
    values = {
        (card_id, indicator): value
        for card_id, indicator, value in db.session.execute(
            sa.select(
                m.ScorecardLine.scorecard_id, m.ScorecardLine.indicator, m.ScorecardLine.value
            ).where(m.ScorecardLine.scorecard_id.in_([card.id for card in cards]))
        )
    }
    measures = of_department(scorecard.department)
    _header(
        sheet, 1, [gettext("Period")] + [Indicator.label_for(each.indicator) for each in measures]
    )
    for row, card in enumerate(cards, start=2):
        literal(sheet.cell(row, 1), period_name(card))
        for column, measure in enumerate(measures, start=2):
            value = values.get((card.id, measure.indicator))
            cell = sheet.cell(row, column, None if value is None else float(value))
            cell.number_format = _format(measure.indicator)
    last = len(cards) + 1
    sheet.column_dimensions["A"].width = 12
    for index, measure in enumerate(measures):
        chart = LineChart()
        chart.title = str(Indicator.label_for(measure.indicator))
        chart.legend, chart.height, chart.width = None, 7, 13
        data = Reference(sheet, min_col=index + 2, min_row=1, max_row=last)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=last))
        column = "B" if index % 2 == 0 else "J"
        sheet.add_chart(chart, f"{column}{last + 3 + (index // 2) * 15}")


def _definitions(book, scorecard) -> None:
    sheet = book.create_sheet(gettext("Definitions")[:31])
    _header(
        sheet, 1, (gettext("Indicator"), gettext("Definition"), gettext("Source"), gettext("Goal"))
    )
    for row, measure in enumerate(of_department(scorecard.department), start=2):
        literal(sheet.cell(row, 1), str(Indicator.label_for(measure.indicator)))
        literal(sheet.cell(row, 2), str(measure.definition))
        source = gettext("Computed by qms-crm") if measure.computed else gettext("Entered")
        literal(sheet.cell(row, 3), source)
        goal = measure.goal_value()
        if goal is not None:
            sign = "≤" if measure.at_most else "≥"
            literal(sheet.cell(row, 4), f"{sign} {goal:g}")
    for letter, width in zip("ABCD", (44, 80, 22, 10), strict=True):
        sheet.column_dimensions[letter].width = width
