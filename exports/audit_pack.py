"""The audit pack: one workbook for a period with every register (exports/registers.py,
AUDIT_PACK: each limited to the period by its date field), the survey results, the rule
runs and the audit trail, after an index sheet linking to each. Streamed like a register
(constant memory); rows are those the user may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext

from app.extensions import db
from app.security.scope import condition_for
from app.services.clock import business_now
from exports.columns import Resolver
from exports.documents import document
from exports.forms import model_of
from exports.register import FETCH, exported_by, permission_of, snapshot
from exports.registers import AUDIT_PACK, REGISTERS, TITLES
from exports.xlsx import Header, RegisterWorkbook


class PeriodRegister:
    """One register of the pack: its columns, and its rows of the period as one query."""

    def __init__(self, entity: str, field: str, start: dt.date, end: dt.date):
        from app.views.labels import ENTITY_LABELS

        self.entity, self.model = entity, model_of(entity)
        resolver = Resolver(self.model)
        self.columns = [resolver.resolve(each, i) for i, each in enumerate(REGISTERS[entity])]
        period = resolver.resolve(field, len(self.columns)).expression.element
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
        title = TITLES.get(entity) or ENTITY_LABELS[permission_of(entity)][1]
        self.title = str(title)


def write_audit_pack(
    start: dt.date, end: dt.date, target, progress: Callable[[int, int], None] | None = None
) -> int:
    """Write the pack for [start, end]; returns the number of rows over all registers."""
    registers = [PeriodRegister(entity, field, start, end) for entity, field in AUDIT_PACK.items()]
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
                for name, each, count in zip(names, registers, counts)
            ],
        )
        written = 0
        for name, register, count in zip(names, registers, counts):
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
            connection.scalar(PeriodRegister(entity, field, start, end).count_statement)
            for entity, field in AUDIT_PACK.items()
        )
