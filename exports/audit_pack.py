"""The audit pack: one workbook for a period with every register of AUDIT_PACK (each entity's
declared register, limited to the period by its declared `audit_period` field): the records,
the survey results, the rule runs and the audit trail, after an index sheet linking to each.
Streamed like a register (constant memory); rows are those the user may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext

from app.core.clock import business_now
from app.core.entities import ENTITIES
from app.core.visible import condition_for
from app.extensions import db
from exports.columns import Resolver
from exports.documents import document
from exports.register import FETCH, exported_by, snapshot
from exports.xlsx import Header, RegisterWorkbook

# The registers of the pack, in its order (entity keys).
AUDIT_PACK = (
    "client",
    "contact",
    "interaction",
    "inquiry",
    "invoice",
    "payment",
    "complaint",
    "corrective_action",
    "task",
    "survey",
    "survey_response",
    "survey_answer",
    "rule_run",
    "audit_log",
)


class PeriodRegister:
    """One register of the pack: its columns, and its rows of the period as one query."""

    def __init__(self, key: str, start: dt.date, end: dt.date):
        entity = ENTITIES[key]
        self.entity, self.model = key, entity.model
        resolver = Resolver(self.model)
        self.columns = [resolver.resolve(each, i) for i, each in enumerate(entity.register)]
        period = resolver.resolve(entity.audit_period, len(self.columns)).expression.element
        low, high = start, end + dt.timedelta(days=1)
        if isinstance(period.type, sa.DateTime):
            low, high = (dt.datetime.combine(day, dt.time()) for day in (low, high))
        query = sa.select(*(each.expression for each in self.columns)).select_from(self.model)
        query = resolver.apply_joins(query).where(period >= low, period < high)
        condition = condition_for(self.model)
        if condition is not None:
            query = query.where(condition)
        self.statement = query.order_by(period, self.model.id)
        ids = query.with_only_columns(self.model.id).order_by(None).subquery()
        self.count_statement = sa.select(sa.func.count()).select_from(ids)
        self.title = str(entity.many)


def write_audit_pack(
    start: dt.date, end: dt.date, target, progress: Callable[[int, int], None] | None = None
) -> int:
    """Write the pack for [start, end]; returns the number of rows over all registers."""
    registers = [PeriodRegister(key, start, end) for key in AUDIT_PACK]
    period = f"{start.isoformat()} – {end.isoformat()}"
    exported_at = business_now()
    with snapshot() as connection:
        counts = [connection.scalar(each.count_statement) for each in registers]
        total = sum(counts)
        if progress:
            progress(0, total)
        book = RegisterWorkbook(target)
        title = gettext("Audit pack")
        common = [
            (gettext("Organisation"), current_app.config["ORGANISATION_NAME"]),
            (gettext("Period"), period),
            (gettext("Exported by"), exported_by()),
            (gettext("Exported at (%(zone)s)", zone=current_app.config["TIMEZONE"]), exported_at),
        ]
        index_name = book.reserve(title)
        names = [book.reserve(each.title) for each in registers]
        book.index(
            index_name,
            Header(title, [*common, (gettext("Rows"), total)]),
            [gettext("Sheet"), gettext("Contents"), gettext("Rows")],
            [
                (name, f"{each.title}: {period}", count)
                for name, each, count in zip(names, registers, counts, strict=True)
            ],
        )
        written = 0
        for name, register, count in zip(names, registers, counts, strict=True):
            doc = document("registers", register.entity)
            lines = [
                *common,
                (gettext("Form code"), doc.code),
                (gettext("Revision"), doc.revision),
                (gettext("Rows"), count),
            ]
            book.begin(Header(register.title, lines), register.columns, name)
            result = connection.execution_options(stream_results=True, yield_per=FETCH).execute(
                register.statement
            )
            for batch in result.partitions(FETCH):
                for row in batch:
                    book.write(row)
                written += len(batch)
                if progress:
                    progress(written, total)
        book.close()
    if progress:
        progress(written, total)
    return written


def count_audit_pack(start: dt.date, end: dt.date) -> int:
    with db.engine.connect() as connection:
        return sum(
            connection.scalar(PeriodRegister(key, start, end).count_statement) for key in AUDIT_PACK
        )
