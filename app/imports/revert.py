"""Reverting an applied import: the records it created are deleted and the values it
changed restored, through the guard and into the audit trail, in one transaction. What the
import did is read from its audit entries (tagged `import:<random>`). A revert that cannot be
complete is refused with the reason: a record it touched was changed since, another
record now refers to one it created, or the business rules forbid the way back (a paid
invoice stays paid)."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import orjson
import sqlalchemy as sa
from flask_appbuilder import Model
from flask_babel import lazy_gettext as _

from app.core.actor import ADMIN, current_actor, role_names
from app.core.clock import business_now
from app.core.entities import ENTITIES
from app.core.models import AuditLog, ImportJob
from app.core.models.choices import ImportStatus
from app.core.services import audit
from app.core.services.bulk import among, chunks
from app.core.services.errors import DomainError, NotAllowed
from app.extensions import db


def revert(job_id: int) -> dict:
    """Revert the applied import `job_id` as the acting user (its importer or an
    administrator). Returns {"deleted": n, "restored": n}; raises DomainError, changing
    nothing, when it cannot be complete."""
    job = db.session.get(ImportJob, job_id)
    actor = current_actor()
    if job is None:
        raise DomainError(_("No such import."))
    if actor is not None and ADMIN not in role_names(actor) and job.user_id != actor.id:
        raise NotAllowed(_("Only who made an import, or an administrator, reverts it."))
    if job.status != ImportStatus.applied or not job.tag:
        raise DomainError(
            _(
                "Only an applied import can be reverted; this one is %(status)s.",
                status=job.status.label,
            )
        )
    entries = db.session.scalars(
        sa.select(AuditLog).where(AuditLog.request_id == job.tag).order_by(AuditLog.seq)
    ).all()
    try:
        _refuse_if_changed_since(job, entries)
        _refuse_if_referred_to(entries)
        deleted = restored = 0
        with audit.tagged(f"revert:{job.tag}"):
            for entry in reversed(entries):
                model = _model(entry.entity)
                record = db.session.get(model, entry.record_id)
                if record is None:
                    continue
                if entry.action == "create":
                    db.session.delete(record)
                    deleted += 1
                elif entry.action == "update":
                    for name, (before, _after) in orjson.loads(entry.changes).items():
                        setattr(record, name, _value(model, name, before))
                    restored += 1
                db.session.flush()
        db.session.execute(
            sa.update(ImportJob)
            .where(ImportJob.id == job.id)
            .values(
                status=ImportStatus.reverted,
                reverted_at=business_now(),
                reverted_by_id=getattr(actor, "id", None),
            )
        )
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise DomainError(
            _("The import cannot be reverted: %(reason)s", reason=error.text())
        ) from error
    return {"deleted": deleted, "restored": restored}


def _many(table: str) -> str:
    return str(ENTITIES[table].many) if table in ENTITIES else table


def _model(entity: str):
    return {key: model for model, key in audit.AUDITED.items()}[entity]


def _refuse_if_changed_since(job: ImportJob, entries: list[AuditLog]) -> None:
    """A record the import touched that someone changed later: reverting would undo their
    change too."""
    if not entries:
        return
    last = entries[-1].seq
    touched = {(entry.entity, entry.record_id) for entry in entries}
    by_entity: dict[str, list[int]] = {}
    for entity, record_id in touched:
        by_entity.setdefault(entity, []).append(record_id)
    for entity, ids in by_entity.items():
        for part in chunks(ids):
            later = db.session.execute(
                sa.select(AuditLog.record_id, AuditLog.actor, AuditLog.occurred_at)
                .where(
                    AuditLog.entity == entity,
                    among(db.session, AuditLog.record_id, part),
                    AuditLog.seq > last,
                    sa.or_(AuditLog.request_id.is_(None), AuditLog.request_id != job.tag),
                )
                .limit(1)
            ).first()
            if later is not None:
                record = db.session.get(_model(entity), later.record_id)
                raise DomainError(
                    _(
                        "%(entity)s %(record)s was changed after the import by %(who)s on "
                        "%(when)s.",
                        entity=ENTITIES[entity].one,
                        record=str(record) if record is not None else "",
                        who=later.actor,
                        when=later.occurred_at.strftime("%Y-%m-%d %H:%M"),
                    )
                )


def _refuse_if_referred_to(entries: list[AuditLog]) -> None:
    """Records that refer to one the import created (a contact of an imported client), and
    were not created by it, keep it."""
    created: dict[str, set[int]] = {}
    for entry in entries:
        if entry.action == "create":
            created.setdefault(entry.entity, set()).add(entry.record_id)
    for entity, ids in created.items():
        table = _model(entity).__table__
        for other in Model.metadata.tables.values():
            for key in other.foreign_keys:
                if key.column.table is not table or other.name == "audit_log":
                    continue
                mine = created.get(other.name, set())
                for part in chunks(sorted(ids)):
                    linked = among(db.session, key.parent, part)
                    if mine and "id" in other.c:
                        # The import's own records referring to each other (as many as it
                        # wrote) are set aside here, not in a NOT IN list of them all.
                        found = db.session.scalars(sa.select(other.c.id).where(linked))
                        referring = sum(1 for each in found if each not in mine)
                    else:
                        statement = sa.select(sa.func.count()).select_from(other).where(linked)
                        referring = db.session.scalar(statement)
                    if referring:
                        raise DomainError(
                            _(
                                "%(other)s (%(count)s) refer to the records it created "
                                "(%(entity)s).",
                                count=referring,
                                other=_many(other.name),
                                entity=ENTITIES[entity].many,
                            )
                        )


def _value(model, name: str, stored):
    """A value as the audit trail wrote it (JSON), as the column holds it."""
    if stored is None:
        return None
    column_type = model.__table__.c[name].type
    if isinstance(column_type, sa.Enum) and column_type.enum_class is not None:
        return column_type.enum_class(stored)
    if isinstance(column_type, sa.DateTime):
        return dt.datetime.fromisoformat(stored)
    if isinstance(column_type, sa.Date):
        return dt.date.fromisoformat(stored)
    if isinstance(column_type, sa.Numeric) and not isinstance(column_type, sa.Float):
        return Decimal(str(stored))
    if isinstance(stored, enum.Enum):
        return stored.value
    return stored
