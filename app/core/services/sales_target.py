"""Sales targets: set by a head of sales for the branches they head (or an administrator),
one per branch and month (its total) and one per manager of the branch and month; the
managers' targets add up to no more than their branch's total, and the sales expense is the
branch's own."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _

from app.core.actor import (
    ADMIN,
    HEAD_OF_SALES,
    SALES_MANAGER,
    current_actor,
    role_names,
)
from app.core.models import SalesTarget, User
from app.core.scope import head_branches
from app.core.services import guard
from app.core.services.errors import Collector, NotAllowed

# What the managers' targets are checked against their branch's total on.
PLANNED = ("revenue_target", "new_clients_target")
# How a planned figure reads in a message, in the reader's language.
SHOWN = {"revenue_target": "#,##0.00", "new_clients_target": "#,##0"}
EXPENSE = ("expense_budget", "expense_actual")


@guard.checks(SalesTarget)
def check_target(change: guard.Change) -> None:
    target, errors = change.obj, Collector()
    errors.require(target, "month", *PLANNED)
    errors.require_link(target, "branch")
    errors.raise_if_any()
    target.month = target.month.replace(day=1)
    _allowed(change)
    session, branch_id = change.session, change.current("branch_id")
    manager_id = change.current("manager_id")
    if manager_id is not None:
        manager = session.get(User, manager_id)
        if manager is None or not role_names(manager) & {HEAD_OF_SALES, SALES_MANAGER}:
            errors.add("manager", _("A target is set for a sales manager or a head of sales."))
        elif manager.branch_id != branch_id:
            errors.add("manager", _("This manager does not work in the branch."))
        for field in EXPENSE:
            if getattr(target, field) is not None:
                errors.add(field, _("The sales expense is the branch's, not a manager's."))
    same = sa.select(SalesTarget.id).where(
        SalesTarget.month == target.month,
        SalesTarget.branch_id == branch_id,
        SalesTarget.manager_id.is_(None)
        if manager_id is None
        else SalesTarget.manager_id == manager_id,
        SalesTarget.id != (target.id or 0),
    )
    if session.scalar(same) is not None:
        errors.add("month", _("There is a target for this month already: edit it."))
    errors.raise_if_any()
    _within_branch_total(change, target, branch_id, manager_id)


def _allowed(change: guard.Change) -> None:
    """A head of sales sets the targets of the branches they head; an administrator any."""
    actor = current_actor()
    if actor is None:
        return  # the system (seeds, imports run as a job name their user)
    roles = role_names(actor)
    if ADMIN in roles:
        return
    branches = (
        set(change.session.scalars(head_branches(actor))) if HEAD_OF_SALES in roles else set()
    )
    touched = {change.current("branch_id")}
    if not change.is_new:
        touched.add(change.previous("branch_id"))
    if not touched <= branches:
        raise NotAllowed({"branch": _("Only the head of the branch sets its sales targets.")})


def _within_branch_total(change, target, branch_id, manager_id) -> None:
    """The managers' targets of the month add up to no more than the branch's total (when
    it is set), on each planned figure."""
    rows = change.session.execute(
        sa.select(
            SalesTarget.id,
            SalesTarget.manager_id,
            *(getattr(SalesTarget, field) for field in PLANNED),
        ).where(SalesTarget.month == target.month, SalesTarget.branch_id == branch_id)
    ).all()
    mine = {"id": target.id, "manager_id": manager_id, **{f: getattr(target, f) for f in PLANNED}}
    rows = [row._asdict() for row in rows if row.id != target.id] + [mine]
    total = next((row for row in rows if row["manager_id"] is None), None)
    if total is None:
        return
    errors = Collector()
    for field in PLANNED:
        managers = sum(row[field] or 0 for row in rows if row["manager_id"] is not None)
        if managers > (total[field] or 0):
            errors.add(
                field,
                _(
                    "The managers' targets add up to %(sum)s, more than the branch's total "
                    "of %(total)s.",
                    sum=format_decimal(managers, SHOWN[field]),
                    total=format_decimal(total[field] or 0, SHOWN[field]),
                ),
            )
    errors.raise_if_any()
