"""The building blocks of row-level scope. An entity declares its scope (app/core/entities/)
as one of these: a function of the actor giving the SQL condition on its rows that the actor
may see, or None for every row. One definition serves lists, the API, drop-downs and
exports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import util as sql_util

from app.core.actor import (
    ADMIN,
    CUSTOMER_SERVICE,
    DIRECTOR,
    HEAD_OF_MARKETING,
    HEAD_OF_SALES,
    MARKETING,
    QUALITY_OFFICER,
    SALES_MANAGER,
    role_names,
)
from app.core.models import BankPayment, Branch, Campaign, Client, Inquiry, SalesTarget, User

Condition = sa.ColumnElement[bool]
# actor -> the condition on the rows the actor sees; None: every row.
Scope = Callable[[Any], Condition | None]

# Roles that see every client; Sales Manager and Head of Sales are limited.
UNRESTRICTED = {
    ADMIN,
    MARKETING,
    HEAD_OF_MARKETING,
    CUSTOMER_SERVICE,
    QUALITY_OFFICER,
    DIRECTOR,
}


def head_branches(actor: Any) -> sa.Select[Any]:
    """The ids of the branches the actor heads."""
    return sa.select(Branch.id).where(Branch.head_id == actor.id)


@dataclass(frozen=True)
class Reach:
    """Which clients a scoped actor sees, by their branch and manager: those of the branches
    the actor heads (`heads`) and those the actor manages (`owner`)."""

    owner: int | None = None
    heads: bool = False


def reach(actor: Any) -> Reach | None:
    """The actor's reach over the clients; None: every client (the system, unrestricted
    roles). An anonymous actor has no roles and so reaches none."""
    if actor is None:
        return None
    roles = role_names(actor)
    if roles & UNRESTRICTED:
        return None
    sells = bool(roles & {HEAD_OF_SALES, SALES_MANAGER})
    return Reach(owner=actor.id if sells else None, heads=HEAD_OF_SALES in roles)


def client_condition(actor: Any) -> Condition | None:
    """Which clients the actor may see (its reach as SQL); None means all of them."""
    found = reach(actor)
    if found is None:
        return None
    conditions: list[Condition] = []
    if found.heads:
        conditions.append(Client.branch_id.in_(head_branches(actor)))
    if found.owner is not None:
        conditions.append(Client.owner_id == found.owner)
    return sa.or_(*conditions) if conditions else sa.false()


def the_clients(actor: Any) -> Condition | None:
    """The scope of the client itself."""
    return client_condition(actor)


def names_one(column: Any, model: type[Any], condition: Condition) -> Condition:
    """Whether `column` names a `model` row that meets `condition`: a correlated EXISTS
    on the row's key, not `column IN (every such id)`. PostgreSQL hashes an IN list only
    while it fits in work_mem; a head of sales' hundred thousand clients did not, and a
    count of the branch's tasks ran for minutes. The row is read through an alias, so a
    query that joins `model` itself keeps its own."""
    alias, adapted = _aliased(model, condition)
    return sa.exists().where(alias.id == column, adapted)


def _aliased(model: type[Any], condition: Condition) -> tuple[Any, Condition]:
    """An alias of `model` and `condition` read on it, for a correlated EXISTS."""
    alias = sa.orm.aliased(model)
    return alias, sql_util.ClauseAdapter(sa.inspect(alias).selectable).traverse(condition)


def of_client(column: Any) -> Scope:
    """Rows of the clients the actor sees, through their `column` (a client id)."""

    def scope(actor: Any) -> Condition | None:
        condition = client_condition(actor)
        if condition is None:
            return None
        return names_one(column, Client, condition)

    return scope


def through(column: Any, parent: type[Any], parent_scope: Scope) -> Scope:
    """Rows whose `column` names a `parent` row the actor sees."""

    def scope(actor: Any) -> Condition | None:
        condition = parent_scope(actor)
        if condition is None:
            return None
        return names_one(column, parent, condition)

    return scope


def or_assigned(column: Any, inner: Scope) -> Scope:
    """What `inner` allows, and besides every row whose `column` names the actor."""

    def scope(actor: Any) -> Condition | None:
        condition = inner(actor)
        if condition is None:
            return None
        return sa.or_(column == actor.id, condition)

    return scope


def inquiries(actor: Any) -> Condition | None:
    """An inquiry of a client the actor sees, or assigned to them; a new caller's, of no
    client card yet, also to the head of the branch its assignee works in."""
    condition = or_assigned(Inquiry.assignee_id, of_client(Inquiry.client_id))(actor)
    if condition is None or HEAD_OF_SALES not in role_names(actor):
        return condition
    team = sa.select(User.id).where(User.branch_id.in_(head_branches(actor)))
    return sa.or_(condition, sa.and_(Inquiry.client_id.is_(None), Inquiry.assignee_id.in_(team)))


def personal(column: Any, readers: tuple[str, ...] = ()) -> Scope:
    """The actor's own rows, whatever their client scope; Admin, and the roles `readers`,
    see everyone's."""

    def scope(actor: Any) -> Condition | None:
        if actor is None or {ADMIN, *readers} & set(role_names(actor)):
            return None
        return column == actor.id

    return scope


def bank_payments(actor: Any) -> Condition | None:
    """Incoming payments: of the clients the actor sees, by the payer's tax ID; a head of
    sales also sees those of payers who are no client (someone has to match them)."""
    condition = client_condition(actor)
    if condition is None:
        return None
    own = names_one(BankPayment.client_id, Client, condition)
    if HEAD_OF_SALES in role_names(actor):
        return sa.or_(own, BankPayment.client_id.is_(None))
    return own


def named_by(link: Any, key: Any, condition: Condition) -> Condition:
    """Whether a row (its `key`) is named by the `link` column of a row that meets
    `condition` (a campaign by a client's campaign_id): a correlated EXISTS through an
    alias, as in names_one."""
    alias, adapted = _aliased(link.class_, condition)
    return sa.exists().where(getattr(alias, link.key) == key, adapted)


def campaigns(actor: Any) -> Condition | None:
    """Every campaign for who sees every client; a seller sees those they are responsible
    for and those their clients came by (the campaigns they took part in)."""
    condition = client_condition(actor)
    if condition is None:
        return None
    return sa.or_(
        Campaign.responsible_id == actor.id, named_by(Client.campaign_id, Campaign.id, condition)
    )


def sales_targets(actor: Any) -> Condition | None:
    """A head of sales sees the targets of the branches they head, a manager their own;
    who sees every client sees every target."""
    found = reach(actor)
    if found is None:
        return None
    conditions: list[Condition] = []
    if found.heads:
        conditions.append(SalesTarget.branch_id.in_(head_branches(actor)))
    if found.owner is not None:
        conditions.append(SalesTarget.manager_id == found.owner)
    return sa.or_(*conditions) if conditions else sa.false()
