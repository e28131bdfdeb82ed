"""The example files of seeds/examples/ (one per importable entity, and a bank statement),
imported in their order into an empty company: every row goes in, a second pass changes
nothing, and the statement pays the invoice its payment names."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import ENTITY_TABLES, empty_entity_tables

from app.core.actor import acting
from app.core.entities import ENTITIES
from app.core.models import BankPayment, Invoice
from app.core.models.choices import BankPaymentStatus, InvoiceStatus
from app.extensions import db
from app.imports import job
from app.imports.columns import importable

EXAMPLES = Path(__file__).resolve().parent.parent / "seeds" / "examples"
# File name (after its number) -> entity key.
ENTITY_OF = {
    "industries": "industry",
    "sources": "source",
    "segments": "segment",
    "branches": "branch",
    "departments": "department",
    "loss_reasons": "loss_reason",
    "clients": "client",
    "contacts": "contact",
    "interactions": "interaction",
    "inquiries": "inquiry",
    "invoices": "invoice",
    "payments": "payment",
    "complaints": "complaint",
    "campaigns": "campaign",
    "competitors": "competitor",
    "research": "research",
    "sales_targets": "sales_target",
}


def _files():
    return sorted(path for path in EXAMPLES.iterdir() if path.suffix == ".csv")


def test_every_importable_entity_has_an_example():
    """An importable entity without an example file fails here."""
    covered = {ENTITY_OF[path.stem.split("_", 1)[1]] for path in _files()}
    assert covered == {entity.key for entity in ENTITIES if importable(entity)}


@pytest.fixture
def reference_rows_removed(ctx):
    """The reference lists the examples add to (the suite empties only the process records
    after a test) lose those rows again, so later tests meet the lists as seeded."""
    tables = [
        entity.model.__table__
        for entity in ENTITIES
        if importable(entity) and entity.model.__tablename__ not in ENTITY_TABLES
    ]
    last = {
        table.name: db.session.scalar(sa.select(sa.func.max(table.c.id))) or 0 for table in tables
    }
    yield
    empty_entity_tables()  # the process records first: they name the reference rows
    with db.engine.begin() as connection:
        for table in reversed(sa.schema.sort_tables(tables)):
            connection.execute(sa.delete(table).where(table.c.id > last[table.name]))


def test_the_examples_import_cleanly_and_twice_changes_nothing(ctx, users, reference_rows_removed):
    """Each example file applies without an error or an unrecognised column; the second
    import of each creates and updates nothing; the statement posts one payment."""
    for path in _files():
        key = ENTITY_OF[path.stem.split("_", 1)[1]]
        with acting(users["admin"]):
            _record, summary = job.start(key, path.read_bytes(), path.name, dry_run=False)
        assert summary["errors"] == [] and summary["unmatched"] == [], (path.name, summary)
        assert summary["created"] > 0, path.name
    for path in _files():
        key = ENTITY_OF[path.stem.split("_", 1)[1]]
        with acting(users["admin"]):
            _record, again = job.start(key, path.read_bytes(), path.name, dry_run=False)
        assert (again["created"], again["updated"]) == (0, 0), (path.name, again)
    statement = EXAMPLES / "20_bank_statement.txt"
    with acting(users["admin"]):
        _record, loaded = job.load_statement(statement.read_bytes(), statement.name)
    assert (loaded["posted"], loaded["to_match"]) == (1, 1), loaded
    db.session.expire_all()
    statuses = dict(db.session.execute(sa.select(Invoice.number, Invoice.status)).tuples().all())
    assert statuses == {"INV-2026-0101": InvoiceStatus.paid, "INV-2026-0102": InvoiceStatus.paid}
    waiting = db.session.scalars(
        sa.select(BankPayment).where(BankPayment.status == BankPaymentStatus.to_match)
    ).one()
    assert waiting.payer == "ИП Сидоров"
