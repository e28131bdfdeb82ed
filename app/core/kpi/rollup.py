"""A user's KPI figures from the company's parts (app/core/kpi/query.py): the groups the
user's row scope reaches and the branch and manager filters ask for, summed to the total,
the branches or the managers, then divided where a figure is a share or a mean."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from app.core.actor import current_actor
from app.core.kpi.figures import FIGURES, Kind
from app.core.kpi.query import TOTAL
from app.core.scope import head_branches, reach
from app.extensions import db


def within(
    parts: pd.DataFrame, branch: int | None = None, manager: int | None = None
) -> pd.DataFrame:
    """The rows of `parts` (indexed by group) the acting user sees and the filters ask
    for: the groups of the clients in the user's reach (app/core/scope.reach, the same
    rule as the row scope's SQL) and, of the inquiries, those assigned to the user."""
    branches = parts.index.get_level_values("branch")
    managers = parts.index.get_level_values("manager")
    keep = np.ones(len(parts), dtype=bool)
    actor = current_actor()
    found = reach(actor)
    if found is not None:
        seen = parts.index.get_level_values("assignee") == getattr(actor, "id", None)
        if found.heads:
            seen |= branches.isin(db.session.scalars(head_branches(actor)).all())
        if found.owner is not None:
            seen |= managers == found.owner
        keep &= seen
    if branch:
        keep &= branches == branch
    if manager:
        keep &= managers == manager
    return parts[keep]


def total(parts: pd.DataFrame) -> pd.Series:
    """The parts summed over every group (zeros when there is none)."""
    return parts.sum().reindex(parts.columns, fill_value=0.0)


def figures(atoms: pd.DataFrame, dimension: str | None) -> pd.DataFrame:
    """One row per branch or manager (or one for all, at TOTAL), a column per figure: the
    atoms rolled up to that level, then divided where a figure is a share or a mean."""
    if dimension is None:
        sums = total(atoms).to_frame().T
        sums.index = [TOTAL]
    else:
        sums = atoms.groupby(level=dimension, dropna=False).sum()
        sums.index.name = None

    def ratio(top: str, bottom: str) -> pd.Series:
        return sums[top] / sums[bottom].where(sums[bottom] > 0)

    frame = pd.DataFrame(index=sums.index)
    frame["clients"] = sums["clients_0"]
    frame["activity"] = ratio("active_0", "clients_0")
    frame["activity_before"] = ratio("active_1", "clients_1")
    frame["activity_change"] = frame["activity"] - frame["activity_before"]
    frame["new_clients"] = sums["new_clients"]
    frame["revenue"] = sums["revenue"]
    frame["profitability"] = (sums["paid_amount"] - sums["paid_cost"]) / sums["paid_amount"].where(
        sums["paid_amount"] > 0
    )
    frame["inquiries"] = sums["inquiries"]
    frame["timeliness"] = ratio("on_time", "inquiries")
    frame["complaints"] = sums["complaints"]
    frame["resolution_rate"] = ratio("resolved", "complaints")
    frame["days_to_resolve"] = ratio("resolution_days", "resolutions")
    frame["sci"] = ratio("sci_sum", "sci_count")
    frame["lost"] = sums["lost"]
    frame["win_back_rate"] = ratio("won_back", "lost_clients")
    frame["plan_completion"] = ratio("revenue", "revenue_plan")
    for figure in FIGURES:
        if figure.kind == Kind.count:
            frame[figure.key] = frame[figure.key].fillna(0).astype(int)
    return frame[[figure.key for figure in FIGURES]]


def _part(sums: pd.Series, name: str, index: int) -> float:
    return float(sums.get(f"{name}_{index}", 0.0))


def sci_quarters(parts: pd.DataFrame, quarters: list[tuple[dt.date, dt.date]]) -> pd.DataFrame:
    """A row per quarter's first day: the SCI (none for a quarter without answers), the
    responses it rests on, the clients asked and the share of them who answered."""
    sums = total(parts)
    rows: list[dict[str, Any]] = []
    for index, (first, _) in enumerate(quarters):
        answers, asked = _part(sums, "sci_count", index), _part(sums, "invited", index)
        rows.append(
            {
                "quarter": first,
                "sci": _part(sums, "sci_sum", index) / answers if answers else None,
                "responses": int(_part(sums, "responses", index)),
                "invited": int(asked),
                "response_rate": _part(sums, "answered", index) / asked if asked else None,
            }
        )
    return pd.DataFrame(rows).set_index("quarter")


def trend(parts: pd.DataFrame, months: list[tuple[dt.date, dt.date]]) -> pd.DataFrame:
    """A row per month's first day: client-base activity at its end and its revenue."""
    sums = total(parts)
    activity = [
        _part(sums, "active", index) / clients
        if (clients := _part(sums, "clients", index))
        else float("nan")
        for index in range(len(months))
    ]
    revenue = [_part(sums, "revenue", index) for index in range(len(months))]
    return pd.DataFrame(
        {"activity": activity, "revenue": revenue}, index=[first for first, _ in months]
    )
