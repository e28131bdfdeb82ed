"""The KPI service: the figures of a period for the user, as the dashboards, the API and
the KPI workbook read them — the total, by branch, by manager and the quarterly SCI, within
the user's row scope and the optional branch and manager filters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
from flask_babel import gettext

from app.core import models as m
from app.core.actor import current_actor
from app.core.kpi import rollup
from app.core.kpi.cache import KPI_ENTITIES, cached
from app.core.kpi.query import (
    TOTAL,
    KpiQuery,
    months_up_to,
    names,
    previous_period,
    quarters_up_to,
)
from app.core.kpi.store import company_parts
from app.core.scope import reach
from app.core.services.errors import DomainError
from app.extensions import db

# Quarters of the SCI shown beside a period's figures.
SCI_QUARTERS = 4
# Months of the trend shown on the director's page.
TREND_MONTHS = 12


@dataclass
class KpiReport:
    """The figures of one period for one user: a frame per grouping and the SCI quarters."""

    start: dt.date
    end: dt.date
    branch: int | None
    manager: int | None
    # Whether the user sees every record (the total is then the whole company's).
    whole_company: bool
    total: pd.Series
    by_branch: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_manager: pd.DataFrame = field(default_factory=pd.DataFrame)
    branch_names: dict = field(default_factory=dict)
    manager_names: dict = field(default_factory=dict)
    quarters: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def previous(self) -> tuple[dt.date, dt.date]:
        return previous_period(self.start, self.end)


def quarter_name(first: dt.date) -> str:
    """A quarter as the reader names it, by its first day: 2026 Q4, 4 кв. 2026, 2026年第4季度."""
    return gettext("%(year)s Q%(number)s", year=first.year, number=(first.month - 1) // 3 + 1)


def _check_filter(model: type, key: int | None, message: str) -> None:
    if key is not None and db.session.get(model, key) is None:
        raise DomainError({message: [gettext("No such record.")]})


def kpi_report(
    start: dt.date,
    end: dt.date,
    branch: int | None = None,
    manager: int | None = None,
    groups: bool = True,
) -> KpiReport:
    """The KPIs of [start, end] as the acting user sees them; `groups`: by branch and by
    manager as well as the total. Refuses an empty period or an unknown branch or manager.
    Computed once per data change (app/core/kpi/cache.py): the report is shared, read-only."""
    if end < start:
        raise DomainError({"to": [gettext("The period ends before it starts.")]})
    _check_filter(m.Branch, branch, "branch")
    _check_filter(m.User, manager, "manager")
    return cached(
        "report",
        (start, end, branch, manager, groups),
        lambda: _compute(start, end, branch, manager, groups),
        KPI_ENTITIES,
    )


def kpi_trend(
    end: dt.date,
    branch: int | None = None,
    manager: int | None = None,
    months: int = TREND_MONTHS,
) -> pd.DataFrame:
    """Client-base activity at each month's end and the revenue of each month, over the
    `months` months up to `end`, as the acting user sees them."""
    return cached(
        "trend",
        (end, branch, manager, months),
        lambda: rollup.trend(
            rollup.within(month_parts(end, months), branch, manager), months_up_to(end, months)
        ),
        KPI_ENTITIES,
    )


def period_parts(start: dt.date, end: dt.date) -> pd.DataFrame:
    """The company's parts of the figures of [start, end], per group, up to date."""
    return company_parts(
        "atoms", (start, end), lambda touched: KpiQuery(start, end, touched).atoms()
    )


def quarter_parts(end: dt.date) -> pd.DataFrame:
    """The company's parts of the SCI quarters up to the one holding `end`, per group."""
    return company_parts(
        "quarters",
        (end, SCI_QUARTERS),
        lambda touched: KpiQuery(end, end, touched).sci_quarters(SCI_QUARTERS),
    )


def month_parts(end: dt.date, months: int) -> pd.DataFrame:
    """The company's parts of the trend of the `months` months up to `end`, per group."""
    return company_parts(
        "monthly", (end, months), lambda touched: KpiQuery(end, end, touched).monthly(months)
    )


def _compute(
    start: dt.date, end: dt.date, branch: int | None, manager: int | None, groups: bool
) -> KpiReport:
    atoms = rollup.within(period_parts(start, end), branch, manager)
    report = KpiReport(
        start,
        end,
        branch,
        manager,
        whole_company=reach(current_actor()) is None,
        total=rollup.figures(atoms, None).loc[TOTAL],
        quarters=rollup.sci_quarters(
            rollup.within(quarter_parts(end), branch, manager), quarters_up_to(end, SCI_QUARTERS)
        ),
    )
    if groups:
        report.by_branch = rollup.figures(atoms, "branch")
        report.by_manager = rollup.figures(atoms, "manager")
        report.branch_names = names("branch", report.by_branch.index)
        report.manager_names = names("manager", report.by_manager.index)
    return report
