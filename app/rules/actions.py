"""What a follow-up rule does to the records it fired for, in bulk, inside the rule's
transaction; each change appends its audit rows as `system:rule:<code>`."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_appbuilder.security.sqla.models import Role, User
from flask_babel import gettext
from sqlalchemy.dialects import postgresql, sqlite

from app.core import models as m
from app.core.labels import FIELD_LABELS, RULE_FIELD_LABELS
from app.core.models.choices import OncePer, SurveyKind, SurveyScope, SurveyStatus, TaskStatus
from app.core.models.task import RULE_ORIGIN
from app.core.services import audit, bulk
from app.core.services.survey import STANDARD_QUESTIONNAIRE
from app.extensions import connection_sessions
from app.rules.catalogue import ENTITIES
from app.rules.definition import PLACEHOLDER, period_start
from app.rules.query import SCHEDULE_UNITS, due_at

# A rule's task as its audit row records it (with due_at).
AUDITED_TASK_FIELDS = ("title", "assignee_id", "status", "origin", "client_id")
# Ids per statement: PostgreSQL takes at most 65,535 parameters, SQLite 32,766.
CHUNK = 10_000


def _text(value) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return "" if value is None else str(value)


def render(template: str, row) -> str:
    values = {"record": row.label, "client": row.client_name, "date": row.trigger_value}
    return PLACEHOLDER.sub(lambda match: _text(values.get(match[1], match[0])), template)[:255]


def assignees(connection, rule, rows, spec: str) -> dict[int, list[int]]:
    """Record id → the users a task goes to; records with nobody to take it are left out."""
    kind, _sep, name = spec.partition(":")
    if kind in ("owner", "branch_head"):
        column = "owner_id" if kind == "owner" else "branch_head_id"
        return {row.record_id: [getattr(row, column)] for row in rows if getattr(row, column)}
    query = sa.select(User.id).where(User.active.is_(True))
    if kind == "role":
        query = query.where(User.roles.any(Role.name == name))
    else:
        query = query.where(User.username == name)
    users = connection.execute(query.order_by(User.id)).scalars().all()
    return {row.record_id: users for row in rows} if users else {}


def id_array(ids) -> sa.BindParameter:
    """Ids as one PostgreSQL array parameter, which the driver need not parse out of a
    statement thousands of placeholders long."""
    return sa.bindparam(None, list(ids), type_=postgresql.ARRAY(sa.Integer))


def id_in(connection, column, ids) -> sa.ColumnElement:
    """`column IN ids`; on PostgreSQL `= ANY(array)`."""
    if connection.dialect.name == "postgresql":
        return column == sa.any_(id_array(ids))
    return column.in_(list(ids))


def claim(connection, rule, record_ids: list[int], period: str, as_of: dt.datetime) -> set[int]:
    """Insert the firings; those another sweep inserted first are not ours to act on."""
    if not record_ids:
        return set()
    now = m.base.now()
    if connection.dialect.name == "postgresql":
        rows = sa.select(
            sa.literal(rule.id),
            sa.func.unnest(id_array(record_ids)),
            sa.literal(period),
            sa.literal(as_of),
            sa.literal(now),
        )
        statement = (
            postgresql.insert(m.RuleFiring)
            .from_select(["rule_id", "record_id", "period", "as_of", "fired_at"], rows)
            .on_conflict_do_nothing(index_elements=["rule_id", "record_id", "period"])
            .returning(m.RuleFiring.record_id)
        )
        return set(connection.execute(statement).scalars().all())
    insert = (
        sqlite.insert(m.RuleFiring)
        .on_conflict_do_nothing(index_elements=["rule_id", "record_id", "period"])
        .returning(m.RuleFiring.record_id)
    )
    values = [
        {"rule_id": rule.id, "record_id": each, "period": period, "as_of": as_of, "fired_at": now}
        for each in record_ids
    ]
    return set(connection.execute(insert, values).scalars().all())


def skip(connection, rule, record_ids: sa.Select, period: str, as_of: dt.datetime) -> int:
    """Record as skipped, in one statement, the records `record_ids` selects (matches past
    the rule's horizon), so that no later sweep acts on them; add them to the rule's count."""
    rows = sa.select(
        sa.literal(rule.id),
        record_ids.order_by(None).subquery().c.id,
        sa.literal(period),
        sa.literal(as_of),
        sa.literal(m.base.now()),
        sa.true(),
    ).where(sa.true())  # SQLite reads an upsert's SELECT without a WHERE as a join
    columns = ["rule_id", "record_id", "period", "as_of", "fired_at", "skipped"]
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(m.RuleFiring)
        .from_select(columns, rows)
        .on_conflict_do_nothing(index_elements=["rule_id", "record_id", "period"])
        .returning(m.RuleFiring.record_id)
    )
    # Counted from RETURNING: psycopg reports no row count for an INSERT … SELECT.
    count = len(connection.execute(statement).all())
    if count:
        connection.execute(
            sa.update(m.FollowUpRule)
            .where(m.FollowUpRule.id == rule.id)
            .values(
                skipped_count=m.FollowUpRule.skipped_count + count,
                **m.base.unchanged_audit(m.FollowUpRule),
            )
        )
    return count


def chunks(ids, size: int = CHUNK) -> list[list[int]]:
    """Ids in order, in groups small enough for one statement's parameters."""
    ordered = sorted(ids)
    return [ordered[start : start + size] for start in range(0, len(ordered), size)]


def release(connection, rule, record_ids, period: str) -> None:
    """Forget firings whose action found the record changed meanwhile: the next sweep
    looks at them afresh."""
    for chunk in chunks(record_ids):
        connection.execute(
            sa.delete(m.RuleFiring).where(
                m.RuleFiring.rule_id == rule.id,
                m.RuleFiring.period == period,
                id_in(connection, m.RuleFiring.record_id, chunk),
            )
        )


# Marks where the record goes in the translated explanation, to be filled per row.
SLOT = "\x00record\x00"


def explainer(rule, action: dict, as_of):
    """row → why a task or notification exists: the rule's own words (its description
    template), then which rule, as of when, for which record and the date it counted from.
    The sentence is translated and filled once for a batch; only the record varies."""
    sentence = gettext("Rule %(code)s (%(name)s), as of %(as_of)s: %(entity)s %(record)s") % {
        "code": rule.code,
        "name": rule.name,
        "as_of": _text(as_of),
        "entity": rule.entity,
        "record": SLOT,
    }
    head, _slot, tail = sentence.partition(SLOT)
    field, description = rule.trigger.get("field"), action.get("description")
    # The date the rule counted from, by the field's label (the trigger names its column).
    counted_from = (
        str(RULE_FIELD_LABELS.get(field) or FIELD_LABELS.get(field, field)) if field else None
    )

    def explain(row) -> str:
        text = head + _text(row.label) + tail
        if counted_from:
            text += f"; {counted_from}: {_text(row.trigger_value)}"
        text += "."
        return f"{render(description, row)}\n{text}" if description else text

    return explain


def notify(connection, rule, rows, action: dict, people, as_of) -> int:
    """In-app notifications, in bulk; e-mail goes out after the rule's commit."""
    entity = ENTITIES[rule.entity]
    now = m.base.now()
    explain = explainer(rule, action, as_of)
    messages = [
        {
            "user_id": user_id,
            "title": render(action["title"], row),
            "body": explain(row),
            "origin": f"{RULE_ORIGIN}{rule.code}"[:50],
            "client_id": row.client_id if entity.client_id is not None else None,
            "related_entity": rule.entity,
            "related_id": row.record_id,
            "created_on": now,
        }
        for row in rows
        for user_id in people.get(row.record_id, [])
    ]
    if messages:
        connection.execute(sa.insert(m.Notification), messages)
    return len(messages)


def start_of(value, as_of, calendar) -> dt.datetime:
    """What a task's due offset counts from: the trigger's date or time (a date at the end
    of that working day, so "due that day" means by closing time), else the sweep's time."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, calendar.ends)
    return as_of


def create_tasks(connection, rule, rows, action: dict, people, as_of, calendar) -> int:
    entity = ENTITIES[rule.entity]
    now = m.base.now()
    offset = action.get("due", {"days": 0})
    tasks, explain, dues = [], explainer(rule, action, as_of), {}
    origin, status, has_client = (
        f"{RULE_ORIGIN}{rule.code}"[:50],
        TaskStatus.open.value,
        entity.client_id,
    )
    # A rule that repeats per period acts on a standing state (a key client without a
    # review): its task is due from the sweep that found it, not from an old anniversary.
    repeats = rule.once_per not in (None, OncePer.record)
    for row in rows:
        reason = explain(row)
        start = as_of if repeats else start_of(row.trigger_value, as_of, calendar)
        if start not in dues:  # many records share a trigger date
            dues[start] = due_at(offset, start, calendar)
        for user_id in people.get(row.record_id, []):
            tasks.append(
                {
                    "title": render(action["title"], row),
                    "description": reason,
                    "client_id": row.client_id if has_client is not None else None,
                    "assignee_id": user_id,
                    "due_at": dues[start],
                    "status": status,
                    "origin": origin,
                    "related_entity": rule.entity,
                    "related_id": row.record_id,
                    "version": 1,
                    "created_on": now,
                    "changed_on": now,
                }
            )
    if not tasks:
        return 0
    if connection.dialect.name == "postgresql":
        # Ids from the sequence first, then COPY: an INSERT … RETURNING of many rows is a
        # statement of thousands of placeholders per page for the driver to parse.
        ids = bulk.next_ids(connection, m.Task.__table__, len(tasks))
        rows = [{"id": task_id, **task} for task, task_id in zip(tasks, ids, strict=True)]
        bulk.insert_rows(connection, m.Task.__table__, rows)
    else:
        ids = connection.execute(sa.insert(m.Task).returning(m.Task.id), tasks).scalars().all()
    # The values are plain already but for the due time, which many tasks share.
    due_texts = {due: audit.plain(due) for due in {task["due_at"] for task in tasks}}
    entries = []
    for task_id, task in zip(ids, tasks, strict=True):
        changes = {"due_at": [None, due_texts[task["due_at"]]]}
        for key in AUDITED_TASK_FIELDS:
            if task[key] is not None:
                changes[key] = [None, task[key]]
        entries.append(
            {
                "entity": "task",
                "record_id": task_id,
                "action": "create",
                "changes": changes,
                "reason": task["description"],
            }
        )
    audit.append(connection, entries)
    return len(tasks)


def guarded_update(connection, rule, record_ids, values: dict, where, reason=None) -> set[int]:
    """Update only the records that still match (status unchanged, flag still empty, the
    rule's conditions still true): a payment posted meanwhile is never overwritten."""
    model = ENTITIES[rule.entity].model
    columns = [getattr(model, key) for key in values]
    now = m.base.now()
    before, updated = {}, set()
    for chunk in chunks(record_ids):
        found = {
            row.id: row
            for row in connection.execute(
                sa.select(model.id, *columns).where(id_in(connection, model.id, chunk), *where)
            )
        }
        if not found:
            continue
        before.update(found)
        updated |= set(
            connection.execute(
                sa.update(model)
                .where(id_in(connection, model.id, found), *where)
                .values(**values, version=model.version + 1, changed_on=now, changed_by_id=None)
                .returning(model.id)
                .execution_options(synchronize_session=False)
            ).scalars()
        )
    entries = [
        {
            "entity": model.__tablename__,
            "record_id": record_id,
            "action": "update",
            "changes": {
                key: [audit.plain(getattr(before[record_id], key)), audit.plain(value)]
                for key, value in values.items()
            },
            "reason": reason,
        }
        for record_id in sorted(updated)
    ]
    if entries:
        audit.append(connection, entries)
    return updated


def set_status(connection, rule, record_ids, action: dict, as_of, conditions) -> set[int]:
    model = ENTITIES[rule.entity].model
    values = {"status": action["to"]}
    if hasattr(model, "status_changed_at"):
        values["status_changed_at"] = as_of
    reason_column = "rejection_reason" if action["to"] == "rejected" else "reason"
    if hasattr(model, reason_column):
        values[reason_column] = action["reason"]
    where = [model.status.in_(action["from"]), *conditions]
    return guarded_update(connection, rule, record_ids, values, where, action["reason"])


def flag(connection, rule, record_ids, action: dict, as_of, conditions) -> set[int]:
    """Escalation's mark on the record; records without a flag column count as flagged."""
    name = action.get("flag")
    if not name:
        return set(record_ids)
    model = ENTITIES[rule.entity].model
    column = getattr(model, name)
    return guarded_update(
        connection, rule, record_ids, {name: as_of}, [column.is_(None), *conditions]
    )


def start_survey(connection, rule, action: dict, as_of, period: str, scope_id=None) -> int:
    """A survey for the period with the questionnaire last used for a planned survey."""
    unit = SCHEDULE_UNITS.get(rule.trigger.get("schedule")) or rule.trigger.get("period", "quarter")
    first = period_start(unit, as_of.date())
    months = {"month": 1, "quarter": 3, "year": 12}[unit]
    end_month = first.month - 1 + months
    last = dt.date(first.year + end_month // 12, end_month % 12 + 1, 1) - dt.timedelta(days=1)
    latest = connection.execute(
        sa.select(m.Survey.id)
        .where(m.Survey.kind == SurveyKind.planned)
        .order_by(m.Survey.period_start.desc(), m.Survey.id.desc())
        .limit(1)
    ).scalar()
    questions = STANDARD_QUESTIONNAIRE
    if latest is not None:
        stored = connection.execute(
            sa.select(m.SurveyQuestion.text, m.SurveyQuestion.answer_type)
            .where(m.SurveyQuestion.survey_id == latest)
            .order_by(m.SurveyQuestion.order)
        ).all()
        questions = [tuple(each) for each in stored] or questions
    # One of the app's sessions, on the step's connection: the guard and the trail hold for
    # what it writes.
    with connection_sessions(bind=connection) as session:
        survey = m.Survey(
            title=action["title"].replace("{date}", period)[:255],
            kind=action.get("kind", SurveyKind.planned),
            period_start=first,
            period_end=last,
            status=SurveyStatus.open,
            scope=action.get("scope", SurveyScope.all),
            scope_manager_id=scope_id if action.get("scope") == SurveyScope.manager else None,
            scope_branch_id=scope_id if action.get("scope") == SurveyScope.branch else None,
            scope_value_class=action.get("value_class"),
            reason=gettext(
                "Started by rule %(code)s for %(period)s.", code=rule.code, period=period
            ),
        )
        session.add(survey)
        for order, (text, answer_type) in enumerate(questions, start=1):
            session.add(
                m.SurveyQuestion(survey=survey, text=text, order=order, answer_type=answer_type)
            )
        session.flush()
    return 1
