"""Imports into the entities: headers in any language, values as people write them, natural
keys and modes, all or nothing, the guard's checks and the audit trail, scope."""

from __future__ import annotations

import csv
import io
import threading
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.core.actor import acting
from app.core.models import AuditLog, Client, Contact, ImportJob, Invoice, Payment
from app.core.models.choices import ClientStatus, ImportStatus, InvoiceStatus
from app.core.services import audit
from app.extensions import db
from app.imports import job
from app.imports.files import UnreadableFile


def csv_bytes(rows: list[list], delimiter: str = ";", encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode(encoding)


def imported(key, rows, user=None, dry_run=False, mode="upsert", **options):
    """Import `rows` (header first) as CSV into `key` as `user`; the summary."""
    with acting(user):
        record, summary = job.start(
            key, csv_bytes(rows), "file.csv", mode, dry_run, background=False, **options
        )
    db.session.expire_all()
    return summary


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


CLIENTS = [
    ["Наименование", "ИНН", "Ключевой клиент", "Потребности"],
    ["ООО «Ромашка»", "7701234567", "да", "Поставки 1 234,50 т"],
    ["Acme Ltd", "7702345678", "no", ""],
]


def test_clients_from_russian_headers_are_created_with_their_audit_rows(ctx, users):
    """Russian headers match the fields; да/no read as booleans; each client is created
    through the guard (owner defaults to the importer) with its audit entry."""
    before = db.session.scalar(sa.select(sa.func.max(AuditLog.seq))) or 0
    summary = imported("client", CLIENTS, users["sales_manager"])
    assert summary["errors"] == [] and summary["applied"]
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (2, 0, 0)
    romashka = db.session.scalar(sa.select(Client).where(Client.tax_id == "7701234567"))
    assert romashka.name == "ООО «Ромашка»" and romashka.is_key is True
    assert romashka.owner_id == users["sales_manager"].id and romashka.status == ClientStatus.new
    assert romashka.match_key == "ромашка" and romashka.name_key == "ооо «ромашка»"
    entries = db.session.scalars(
        sa.select(AuditLog).where(
            AuditLog.entity == "client", AuditLog.record_id == romashka.id, AuditLog.seq > before
        )
    ).all()
    assert [entry.action for entry in entries] == ["create"]
    assert entries[0].actor == "sales_manager" and entries[0].request_id.startswith("import:")
    assert audit.verify(db.session.connection())["ok"]


def test_the_same_file_twice_changes_nothing(ctx, users):
    """A second import of the same file finds every row by its key and leaves it."""
    imported("client", CLIENTS, users["sales_manager"])
    entries = count(AuditLog)
    summary = imported("client", CLIENTS, users["sales_manager"])
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (0, 0, 2)
    assert count(Client) == 2 and count(AuditLog) == entries


def test_a_dry_run_writes_nothing_but_the_record_of_the_import(ctx, users):
    """A dry run counts what it would create and leaves no client and no audit entry."""
    entries = count(AuditLog)
    summary = imported("client", CLIENTS, users["sales_manager"], dry_run=True)
    assert summary["created"] == 2 and not summary["applied"]
    assert count(Client) == 0 and count(AuditLog) == entries
    record = db.session.scalars(sa.select(ImportJob)).one()
    assert record.status == ImportStatus.checked and record.created_count == 2
    assert record.dry_run and len(record.checksum) == 64


def test_one_bad_row_writes_nothing_and_names_row_and_column(ctx, users):
    """A row the guard refuses (a malformed tax ID) and a cell that is no number fail by
    row and column; the good rows are not written either."""
    rows = [
        ["Name", "Tax ID", "Key client"],
        ["Good Ltd", "7701234567", "yes"],
        ["Bad Ltd", "12", "yes"],
        ["Worse Ltd", "7709999999", "perhaps"],
    ]
    summary = imported("client", rows, users["sales_manager"])
    assert not summary["applied"] and count(Client) == 0
    problems = {(e["row"], e["column"]) for e in summary["errors"]}
    assert problems == {(3, "Tax ID"), (4, "Key client")}
    assert db.session.scalars(sa.select(ImportJob)).one().status == ImportStatus.refused


def test_update_mode_changes_only_the_given_columns(ctx, users, make):
    """Update finds the client by tax ID and sets the filled cells; blank cells keep the
    stored value; a row with no such client is refused."""
    client = make.client(users["sales_manager"], name="Old", tax_id="7701234567", needs="keep")
    rows = [
        ["ИНН", "Наименование", "Потребности"],
        ["7701234567", "New", ""],
        ["7700000000", "X", ""],
    ]
    summary = imported("client", rows, users["sales_manager"], mode="update")
    assert [e["row"] for e in summary["errors"]] == [3]
    rows.pop()
    summary = imported("client", rows, users["sales_manager"], mode="update")
    assert summary["updated"] == 1 and summary["applied"]
    db.session.refresh(client)
    assert (client.name, client.needs, client.version) == ("New", "keep", 2)


def test_create_mode_refuses_rows_that_exist(ctx, users):
    """Create only: a second import of the same rows is refused row by row."""
    imported("client", CLIENTS, users["sales_manager"])
    summary = imported("client", CLIENTS, users["sales_manager"], mode="create")
    assert [e["row"] for e in summary["errors"]] == [2, 3]


def test_a_key_twice_in_the_file_is_refused(ctx, users):
    """Two rows with one tax ID: the second names the first."""
    rows = [CLIENTS[0], CLIENTS[1], ["Другая", "7701234567", "", ""]]
    summary = imported("client", rows, users["sales_manager"])
    assert summary["errors"][0]["row"] == 3 and "row 2" in summary["errors"][0]["message"]


def test_another_managers_client_is_refused_row_by_row(ctx, users, make):
    """A manager's update of another manager's client (found by its tax ID) is refused."""
    make.client(users["sales_manager_b"], name="Theirs", tax_id="7701234567")
    rows = [["Tax ID", "Name"], ["7701234567", "Mine now"]]
    summary = imported("client", rows, users["sales_manager"])
    assert [e["row"] for e in summary["errors"]] == [2]
    assert db.session.scalar(sa.select(Client.name)) == "Theirs"


def test_similar_names_are_warnings_linking_the_card(ctx, users, make):
    """A new client named like a stored one (legal form, quotes, case aside) is created
    with a warning that links the stored card; a repeat within the file also warns."""
    stored = make.client(users["sales_manager"], name="ООО «Ромашка»")
    rows = [["Name"], ["Ромашка ООО"], ['"ромашка"']]
    summary = imported("client", rows, users["sales_manager"])
    assert summary["applied"] and summary["created"] == 2
    linked = [w for w in summary["warnings"] if w.get("record_id") == stored.id]
    assert {w["row"] for w in linked} == {2, 3}
    assert any(w["row"] == 3 and "row 2" in w["message"] for w in summary["warnings"])


def test_contacts_find_their_client_by_name_or_tax_id_and_their_key(ctx, users, make):
    """A contact names its client by tax ID or name; a second import finds each contact by
    client and e-mail, or client and phone."""
    first = make.client(users["sales_manager"], name="First", tax_id="7701234567")
    make.client(users["sales_manager"], name="Second")
    rows = [
        ["Клиент", "ФИО", "Телефон", "E-mail", "Основной контакт"],
        ["7701234567", "Иван", "+7 900 000-00-01", "ivan@first.ru", "да"],
        ["second", "Пётр", "+7 900 000-00-02", "", "нет"],
    ]
    summary = imported("contact", rows, users["sales_manager"])
    assert summary["errors"] == [] and summary["created"] == 2
    ivan = db.session.scalar(sa.select(Contact).where(Contact.full_name == "Иван"))
    assert ivan.client_id == first.id and ivan.is_primary
    assert db.session.get(Client, first.id).is_complete is False  # no industry yet
    again = imported("contact", rows, users["sales_manager"])
    assert (again["created"], again["unchanged"]) == (0, 2)


def test_links_that_name_nothing_or_several_are_refused(ctx, users, make):
    """A client that does not exist, or a name two clients share, fails its row."""
    make.client(users["sales_manager"], name="Twin")
    make.client(users["sales_manager"], name="twin")
    rows = [["Client", "Full name"], ["Nobody", "A"], ["Twin", "B"]]
    summary = imported("contact", rows, users["sales_manager"])
    messages = {e["row"]: e["message"] for e in summary["errors"]}
    assert "No such record" in messages[2] and "several" in messages[3]


def test_invoices_and_payments_pay_the_invoice(ctx, users, make):
    """Invoices with amounts written with a decimal comma and spaces and dates as
    31.12.2026; their payments, imported next, pay a covered invoice and leave a partly
    paid one on approval; a second import of the payments posts nothing twice."""
    make.client(users["sales_manager"], name="Payer", tax_id="7701234567")
    invoices = [
        ["Номер", "Клиент", "Дата выставления", "Сумма", "Валюта", "Статус"],
        ["INV-1", "7701234567", "01.03.2026", "1 234,50", "RUB", "На согласовании"],
        ["INV-2", "Payer", "2026-03-02", "10\u00a0000", "RUB", "on_approval"],
    ]
    summary = imported("invoice", invoices, users["sales_manager"])
    assert summary["errors"] == [] and summary["created"] == 2
    payments = [
        ["Счёт", "Дата оплаты", "Сумма", "Номер документа"],
        ["INV-1", "05.03.2026", "1234.5", "п/п 1"],
        ["INV-2", "06.03.2026", "4 000", "п/п 2"],
    ]
    summary = imported("payment", payments, users["sales_manager"])
    assert summary["errors"] == [] and summary["unmatched"] == [] and summary["created"] == 2
    statuses = dict(db.session.execute(sa.select(Invoice.number, Invoice.status)).all())
    assert statuses == {"INV-1": InvoiceStatus.paid, "INV-2": InvoiceStatus.on_approval}
    assert db.session.scalar(
        sa.select(Payment.amount).where(Payment.reference == "п/п 2")
    ) == Decimal("4000.00")
    again = imported("payment", payments, users["sales_manager"])
    assert (again["created"], again["unchanged"]) == (0, 2) and count(Payment) == 2


def test_an_unreadable_file_is_refused_before_anything_is_recorded(ctx, users):
    """A file of an unknown kind raises before an import is recorded."""
    with acting(users["sales_manager"]), pytest.raises(UnreadableFile):
        job.start("client", b"\x00\x01", "clients.pdf")
    assert count(ImportJob) == 0


def test_an_import_is_a_security_event(ctx, users):
    """Who imported what file into which entity, with its counts, is in the security log."""
    from app.core.models import SecurityEvent

    imported("client", CLIENTS, users["sales_manager"])
    event = db.session.scalars(  # the newest: the log outlives each test
        sa.select(SecurityEvent)
        .where(SecurityEvent.event == "imported")
        .order_by(SecurityEvent.id.desc())
    ).first()
    assert (
        event.username == "sales_manager"
        and "client" in event.detail
        and "2 created" in event.detail
    )


def test_dates_before_today_keep_their_day(ctx, users, make):
    """An interaction imported with its past date keeps it (it is history, not new)."""
    make.client(users["sales_manager"], name="Past", tax_id="7701234567")
    rows = [
        ["Client", "Occurred at", "Channel", "Kind", "Summary"],
        ["7701234567", "15.01.2025 10:30", "Телефон", "contact", "First call"],
    ]
    summary = imported("interaction", rows, users["sales_manager"])
    assert summary["errors"] == [], summary
    from app.core.models import Interaction

    occurred = db.session.scalar(sa.select(Interaction.occurred_at))
    assert occurred.date() == date(2025, 1, 15)


def test_windows_of_rows_still_see_the_whole_file(ctx, users, monkeypatch):
    """Read two rows at a time and written one at a time, a file still finds a key or a
    name repeated across windows (the name as a client this import created), and counts
    every row."""
    from app.imports import service

    monkeypatch.setattr(service, "WINDOW", 2)
    monkeypatch.setattr(service, "CHUNK", 1)
    rows = [
        ["Name", "Tax ID"],
        ["One", "7700000001"],
        ["Two", "7700000002"],
        ["Three", "7700000003"],
        ["ООО «One»", "7700000004"],
        ["Five", "7700000001"],
    ]
    summary = imported("client", rows, users["sales_manager"], dry_run=True)
    assert summary["created"] == 4 and summary["rows"] == 5
    assert [(e["row"], "row 2" in e["message"]) for e in summary["errors"]] == [(6, True)]
    assert [w["row"] for w in summary["warnings"] if w.get("record_id")] == [5]


def test_the_garbage_collector_pauses_for_an_import_and_comes_back(ctx, users, monkeypatch):
    """During an import the cyclic collector is off, swept between windows; it is back on
    after it, even when the import fails, and stays off after it if it was off before."""
    import gc

    from app.imports import service

    seen, collected = [], []
    real_write = service._write_chunk

    def write(*arguments):
        seen.append(gc.isenabled())
        return real_write(*arguments)

    monkeypatch.setattr(service, "_write_chunk", write)
    monkeypatch.setattr(service, "WINDOW", 1)
    monkeypatch.setattr(service.bulk, "collect_young", lambda: collected.append(1))
    assert gc.isenabled()
    imported("client", CLIENTS, users["sales_manager"], dry_run=True)
    assert seen == [False, False] and len(collected) == 2 and gc.isenabled()
    monkeypatch.setattr(service, "_write_chunk", lambda *arguments: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        imported("client", CLIENTS, users["sales_manager"], dry_run=True)
    assert gc.isenabled()
    gc.disable()
    try:
        monkeypatch.setattr(service, "_write_chunk", write)
        imported("client", CLIENTS, users["sales_manager"], dry_run=True)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_import_holds_its_audit_entries_until_it_commits(ctx, users, monkeypatch):
    """While an import runs, its audit entries wait outside the chain, whose head stays
    free for others' saves (on PostgreSQL another transaction appends meanwhile); at the
    commit they follow, tagged with the import, and the chain verifies. A dry run leaves
    the chain as it was."""
    from app.imports import service

    def last_seq() -> int:
        return db.session.scalar(sa.select(sa.func.max(AuditLog.seq))) or 0

    start, during, meanwhile = last_seq(), [], []
    real_write = service._write_chunk

    def write(*arguments):
        real_write(*arguments)
        meanwhile.clear()
        during.append(last_seq())  # the import's own transaction sees no entry of its own
        if db.engine.dialect.name == "postgresql":  # SQLite's writer holds the whole file
            saving = threading.Thread(target=save_meanwhile)  # another request's thread
            saving.start()
            saving.join()
            assert meanwhile == ["saved"]

    def save_meanwhile():
        with ctx.app_context(), db.engine.begin() as other:
            other.execute(sa.text("SELECT 1 FROM audit_head FOR UPDATE NOWAIT"))
            change = {"note": [None, "meanwhile"]}
            audit.append(other, [{"entity": "client", "action": "update", "changes": change}])
        meanwhile.append("saved")

    monkeypatch.setattr(service, "_write_chunk", write)
    imported("client", CLIENTS, users["sales_manager"], dry_run=True)
    assert during == [start] and last_seq() == start + (db.engine.dialect.name == "postgresql")
    start, during = last_seq(), []
    summary = imported("client", CLIENTS, users["sales_manager"])
    assert summary["applied"] and during == [start]
    record = db.session.scalars(sa.select(ImportJob).order_by(ImportJob.id.desc())).first()
    entries = db.session.scalars(
        sa.select(AuditLog).where(AuditLog.request_id == record.tag).order_by(AuditLog.seq)
    ).all()
    assert [entry.action for entry in entries] == ["create", "create"]
    assert entries[0].seq > start and audit.verify(db.session.connection())["ok"]
