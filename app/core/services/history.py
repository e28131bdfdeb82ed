"""A record's history, read from the audit trail for its show page: fields by their
screen labels, values as people read them (choices by label, links by name, yes or no),
times in the business zone."""

import json
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _

from app.core.clock import business_zone
from app.core.models.audit_log import AuditLog
from app.core.models.choices import Choice
from app.core.models.reference import ReferenceData, shown_name
from app.core.models.user import User

ACTION_LABELS = {
    "create": _("Created"),
    "update": _("Changed"),
    "delete": _("Deleted"),
    "bulk_create": _("Created in bulk"),
    # Many records given one value at once (the demo's clients that name a campaign).
    "bulk_update": _("Changed in bulk"),
}
HISTORY_ROWS = 50


def _links(model) -> dict:
    """Foreign-key column → the related model and the column that names its records."""
    links = {}
    for relationship in model.__mapper__.relationships:
        if relationship.direction.name != "MANYTOONE":
            continue
        related = relationship.mapper.class_
        named_by = "username" if related.__tablename__ == "ab_user" else None
        named_by = named_by or getattr(related, "display_field", "id")
        for column in relationship.local_columns:
            links[column.key] = (related, named_by)
    return links


def _names(session, links: dict, changes: list[dict]) -> dict:
    """The names of every linked record the changes mention, one query per related model."""
    wanted: defaultdict[tuple, set[int]] = defaultdict(set)
    for change in changes:
        for field, values in change.items():
            if field in links:
                wanted[links[field]] |= {value for value in values if isinstance(value, int)}
    names: dict[tuple, str] = {}
    for (related, named_by), ids in wanted.items():
        if named_by == "username":  # a person is named as on every screen: first and last
            columns = (related.id, related.first_name, related.last_name, related.username)
            rows = session.execute(sa.select(*columns).where(related.id.in_(ids)))
            names |= {(related, pk): full_name(*parts) for pk, *parts in rows}
            continue
        rows = session.execute(
            sa.select(related.id, getattr(related, named_by)).where(related.id.in_(ids))
        )
        # A reference list's entry reads in the reader's language, as on its screens.
        named = shown_name if issubclass(related, ReferenceData) else str
        names |= {(related, pk): named(name) for pk, name in rows}
    return names


def full_name(first: str | None, last: str | None, username: str) -> str:
    return " ".join(part for part in (first, last) if part) or username


# The trail's plain JSON values → the values the screen's formatters read.
_TYPED = (
    (sa.DateTime, lambda value: datetime.fromisoformat(value) if isinstance(value, str) else value),
    (sa.Date, lambda value: date.fromisoformat(value) if isinstance(value, str) else value),
    (sa.Numeric, lambda value: Decimal(str(value))),
    (sa.JSON, lambda value: value),
)


def _readable(model, links, names, formatters):
    columns = model.__table__.columns

    def readable(field, value):
        if value is None:
            return None
        if field in links:
            return names.get((links[field][0], value), "—")
        column = columns.get(field)
        kind = column.type if column is not None else None
        if isinstance(kind, sa.Boolean):
            return str(_("Yes") if value else _("No"))
        if isinstance(kind, sa.Enum) and kind.enum_class is not None:
            return cast(type[Choice], kind.enum_class).label_for(value)
        for type_, typed in _TYPED:
            if isinstance(kind, type_):
                value = typed(value)
                break
        if field in formatters:
            try:
                return formatters[field](value)
            except (TypeError, ValueError):  # an old value of another shape
                pass
        if isinstance(kind, sa.JSON):  # no formatter: at least not a Python repr
            return json.dumps(value, ensure_ascii=False)
        return value

    return readable


# The system's work that records changes under a code of its own, as a reader names it.
SYSTEM_WORK = {
    "seed": _("demo data"),
    "scorecards": _("scorecards drafted"),
    "survey-link": _("a client's survey link"),
    "value-classes": _("nightly value classes"),
}


def actor_label(actor: str, people: dict | None = None) -> str:
    """Who made a change: the person's name (the trail keeps the user name), or the
    system and what of it (a rule, a seed)."""
    if actor == "system":
        return str(_("System"))
    if actor.startswith("system:"):
        code = actor.removeprefix("system:")
        return str(_("System (%(what)s)", what=SYSTEM_WORK.get(code, code)))
    return (people or {}).get(actor, actor)


def people_named(session, actors) -> dict:
    """{user name: first and last name} for the users among `actors`, in one query."""
    rows = session.execute(
        sa.select(User.username, User.first_name, User.last_name).where(
            User.username.in_(set(actors))
        )
    )
    return {username: full_name(first, last, username) for username, first, last in rows}


def history(
    session, model, entity: str, record_id: int, labels: dict, formatters: dict | None = None
) -> list[dict]:
    """The newest changes of one record of `model` (table `entity`); values read through
    the screen's `formatters` (dates and amounts in the reader's language, rules in
    words)."""
    same_record = (AuditLog.entity == entity, AuditLog.record_id == record_id)
    # SQLite gives a deleted record's id to the next one: its history starts at its creation.
    created = (
        sa.select(sa.func.coalesce(sa.func.max(AuditLog.seq), 0))
        .where(*same_record, AuditLog.action == "create")
        .scalar_subquery()
    )
    rows = session.scalars(
        sa.select(AuditLog)
        .where(*same_record, AuditLog.seq >= created)
        .order_by(AuditLog.seq.desc())
        .limit(HISTORY_ROWS)
    ).all()
    described = described_changes(session, model, rows, labels, formatters)
    zone = business_zone()
    people = people_named(session, [row.actor for row in rows])
    return [
        {
            # The trail keeps UTC; people read business time.
            "occurred_at": row.occurred_at.replace(tzinfo=UTC).astimezone(zone),
            "actor": actor_label(row.actor, people),
            "reason": row.reason,
            "action_label": ACTION_LABELS.get(row.action, row.action),
            "changes": changes,
        }
        for row, changes in zip(rows, described, strict=True)
    ]


def described_changes(
    session, model, rows, labels: dict, formatters: dict | None = None
) -> list[list[tuple]]:
    """Each audit row's changes as people read them: (field label, [old, new]) with links
    by name, choices by label and values through the screen's `formatters`."""
    changes = [json.loads(row.changes) if row.changes else {} for row in rows]
    internal = {column.key for column in model.__table__.columns if column.info.get("internal")}
    links = _links(model)
    readable = _readable(model, links, _names(session, links, changes), formatters or {})
    return [
        [
            (
                labels.get(field.removesuffix("_id"), field),
                [readable(field, value) for value in values],
            )
            for field, values in sorted(change.items())
            # The record's own number says nothing to a person; nor does an empty
            # field saved empty again ("" for None, from a form).
            if isinstance(values, list)
            and len(values) == 2
            and field != "id"
            and field not in internal
            and any(value not in (None, "") for value in values)
        ]
        for change in changes
    ]
