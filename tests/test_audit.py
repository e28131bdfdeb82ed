"""The audit trail: every change recorded in its own transaction, append-only in the
database, hash-chained and verifiable, shown as a record's history."""

import json
from datetime import date

import pytest
import sqlalchemy as sa
from conftest import api_client, login

from app.core.models import AuditHead, AuditLog, Campaign, Client, Interaction
from app.core.services import audit, batch, guard
from app.extensions import db

START = 0


@pytest.fixture(autouse=True)
def _trail_start(ctx):
    """The trail outlives each test, and SQLite gives a deleted row's id to the next one:
    only this test's rows count."""
    global START
    START = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(AuditLog.seq), 0)))


def _trail(entity, record_id):
    return db.session.scalars(
        sa.select(AuditLog)
        .where(AuditLog.entity == entity, AuditLog.record_id == record_id, AuditLog.seq > START)
        .order_by(AuditLog.seq)
    ).all()


def test_create_update_delete_are_recorded_field_by_field(make, users, as_user):
    """A user's create, update and delete each leave a row: who, action, old → new."""
    with as_user(users["sales_manager"]):
        client = Client(name="Audited Ltd", needs="Pumps")
        db.session.add(client)
        db.session.commit()
        client.needs = "Valves"
        db.session.commit()
        client_id = client.id
        db.session.delete(client)
        db.session.commit()
    rows = _trail("client", client_id)
    assert [row.action for row in rows] == ["create", "update", "delete"]
    assert {row.actor for row in rows} == {"sales_manager"}
    assert json.loads(rows[0].changes)["name"] == [None, "Audited Ltd"]
    assert json.loads(rows[1].changes) == {"needs": ["Pumps", "Valves"]}
    assert json.loads(rows[2].changes)["needs"] == ["Valves", None]


def test_the_head_marks_what_others_show_of_a_client_and_who_sees_it(make, users, branch):
    """The head's client link position moves with a client created (one by one or in bulk)
    or deleted and with a new name, owner, branch or key status, not with other edits."""

    def mark():
        db.session.expire_all()
        return db.session.scalar(sa.select(AuditHead.client_link_seq))

    def last():
        return db.session.scalar(sa.select(sa.func.max(AuditLog.seq)))

    client = make.client(users["sales_manager"], name="Linked Ltd")
    assert mark() == last()
    for field, value in (("needs", "Pumps"), ("tax_id", "7700000001"), ("notes", "On Mondays")):
        before = mark()
        setattr(client, field, value)
        db.session.commit()
        assert mark() == before < last(), field
    for field, value in (
        ("name", "Linked Group"),
        ("owner_id", users["head_of_sales"].id),
        ("branch_id", branch.id),
        ("is_key", True),
    ):
        setattr(client, field, value)
        db.session.commit()
        assert mark() == last(), field
    db.session.add(Interaction(client_id=client.id, summary="Called", owner_id=client.owner_id))
    db.session.commit()
    assert mark() < last()
    imported = [Client(name="Imported Ltd")]
    assert guard.validate(db.session, imported) == {}
    batch.create_all(db.session, imported)
    db.session.commit()
    assert mark() == last()
    db.session.delete(client)
    db.session.commit()
    assert mark() == last()


def test_a_rolled_back_change_leaves_no_audit_row(make, users):
    """Audit rows share the change's transaction: a rollback takes both away."""
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog))
    db.session.add(Client(name="Never saved"))
    db.session.flush()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)) == before


def test_jobs_are_recorded_as_system_with_their_code(make, users):
    """Outside a request the actor is `system:<code>`; a reason is kept with the change."""
    invoice = make.invoice(make.client(users["sales_manager"]), number="SYS-1")
    with audit.recorded_as("invoice_15_days"):
        invoice.status, invoice.rejection_reason = "rejected", "No payment in 15 days"
        db.session.commit()
    last = _trail("invoice", invoice.id)[-1]
    assert last.actor == "system:invoice_15_days" and last.reason == "No payment in 15 days"
    assert json.loads(last.changes)["status"] == ["on_approval", "rejected"]


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"]
)
def test_the_database_refuses_to_change_the_trail(make, users, statement):
    """UPDATE and DELETE on audit_log fail in the database itself."""
    make.client(users["sales_manager"])
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), db.engine.begin() as connection:
        connection.execute(sa.text(statement))


def test_verify_passes_and_finds_the_first_tampered_row(ctx, make, users):
    """The chain verifies; with the trigger out of the way, an edited row is reported."""
    make.client(users["sales_manager"], name="Chain one")
    make.client(users["sales_manager"], name="Chain two")
    with db.engine.connect() as connection:
        assert audit.verify(connection)["ok"]
    result = ctx.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and json.loads(result.output)["ok"]
    with db.engine.connect() as connection, connection.begin() as transaction:
        victim = connection.execute(sa.select(sa.func.max(AuditLog.seq) - 1)).scalar()
        if connection.dialect.name == "postgresql":
            connection.execute(
                sa.text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
            )
        else:
            connection.execute(sa.text("DROP TRIGGER audit_log_no_update"))
        connection.execute(
            sa.text("UPDATE audit_log SET actor = 'forger' WHERE seq = :seq"), {"seq": victim}
        )
        assert audit.verify(connection) == {
            "ok": False,
            "checked": victim - 1,
            "first_broken_seq": victim,
        }
        transaction.rollback()


def test_api_changes_carry_the_request_id(app, make, users):
    """A change through the API is recorded with the request id the response returns."""
    invoice = make.invoice(make.client(users["sales_manager"]), number="REQ-1")
    api = api_client(app, "sales_manager")
    response = api.put(
        f"/api/v1/invoice/{invoice.id}",
        json={"cost": "500.00", "version": 1},
        headers={"X-Request-ID": "trace-0123456789"},
    )
    assert response.status_code == 200 and response.headers["X-Request-ID"] == "trace-0123456789"
    last = _trail("invoice", invoice.id)[-1]
    assert (last.actor, last.request_id) == ("sales_manager", "trace-0123456789")
    assert json.loads(last.changes) == {"cost": [None, "500"]}


def test_show_page_has_a_readable_history(app, make, users):
    """The invoice's page lists its changes: field label, old → new, who (by name)."""
    invoice = make.invoice(make.client(users["sales_manager"]), number="HIST-1")
    invoice.status, invoice.rejection_reason = "rejected", "Too expensive"
    db.session.commit()
    browser = app.test_client()
    login(browser, "sales_manager")
    page = browser.get(f"/invoiceview/show/{invoice.id}").get_data(as_text=True)
    assert "History" in page and "On approval" in page and "→ Rejected" in page
    trail = " ".join(page.split('id="history"')[1].split())
    assert "on_approval" not in trail  # labels, never stored keys
    assert "Responsible manager</strong>: — → Sales Manager A" in trail  # people by name
    assert "<strong>ID</strong>" not in trail and "System" in trail
    assert "Rejection reason" in page and "Too expensive" in page


def test_a_reference_entry_in_the_history_reads_in_the_readers_language(app, make, users):
    """A client's loss reason and industry, entries of reference lists, read in Russian in
    its history as on its card (Цена, Сельское хозяйство), not as stored."""
    from app.core.models import Industry, LossReason

    def named(model, name):
        """The seeded entry (another test may have removed it: then made again)."""
        found = db.session.scalar(sa.select(model.id).where(model.name == name))
        if found is None:
            record = model(name=name)
            db.session.add(record)
            db.session.commit()
            found = record.id
        return found

    reason, industry = named(LossReason, "Price"), named(Industry, "Agriculture")
    client = make.client(users["sales_manager"], status="active")
    client.industry_id, client.status = industry, "lost"
    client.loss_reason_id, client.loss_note = reason, "Cheaper elsewhere"
    db.session.commit()
    browser = app.test_client()
    login(browser, "sales_manager")
    browser.get("/lang/ru")
    page = browser.get(f"/clientview/show/{client.id}").get_data(as_text=True)
    trail = " ".join(page.split('id="history"')[1].split())
    assert "→ Цена" in trail and "→ Сельское хозяйство" in trail
    assert "Price" not in trail and "Agriculture" not in trail


@pytest.mark.parametrize("language", ["en", "ru", "zh"])
def test_an_audit_record_shows_its_changes_in_words(app, make, users, language):
    """Quality reads an entry of the trail as the record's history reads: field labels,
    links by name, choices by label, in their language; never the stored JSON."""
    invoice = make.invoice(make.client(users["sales_manager"]), number="TRAIL-1")
    invoice.status, invoice.rejection_reason = "rejected", "Too expensive"
    db.session.commit()
    # The page is the entry's by its id (its place in the chain, seq, may differ).
    entry = db.session.scalar(
        sa.select(AuditLog.id)
        .where(AuditLog.entity == "invoice", AuditLog.record_id == invoice.id)
        .order_by(AuditLog.seq.desc())
        .limit(1)
    )
    browser = app.test_client()
    login(browser, "quality_officer")
    browser.get(f"/lang/{language}")
    page = browser.get(f"/auditlogview/show/{entry}").get_data(as_text=True)
    words = {"en": "Rejected", "ru": "Отклон", "zh": "已拒绝"}[language]
    assert words in page and "Too expensive" in page
    assert '{"' not in page and "rejection_reason" not in page and 'rejected"' not in page


def test_a_bulk_entry_reads_as_a_sentence(app, ctx):
    """The demo data's one entry per table says how many records, not its JSON."""
    with audit.recorded_as("seed"), db.engine.begin() as connection:
        audit.append(
            connection,
            [{"entity": "client", "action": "bulk_create", "changes": {"rows": 3, "ids": [7, 9]}}],
        )
    entry = db.session.scalar(sa.select(AuditLog.id).order_by(AuditLog.seq.desc()).limit(1))
    browser = app.test_client()
    login(browser, "quality_officer")
    page = browser.get(f"/auditlogview/show/{entry}").get_data(as_text=True)
    assert "3 records created at once, numbers 7 to 9." in page and "Created in bulk" in page
    assert '{"' not in page


def test_user_changes_are_recorded_without_passwords(ctx):
    """Creating a user is audited; the password hash never reaches the trail."""
    sm = ctx.appbuilder.sm
    user = sm.add_user(
        "audited_user", "A", "U", "au@test.local", sm.find_role("Director"), "secret-password-1"
    )
    rows = _trail("user", user.id)
    assert rows and rows[0].action == "create"
    assert "password" not in json.loads(rows[0].changes)
    assert all("secret" not in row.changes for row in rows)


def test_quality_officer_reads_the_trail_through_the_api(app, make, users):
    """The audit_log resource lists entries, filterable by entity, for the quality officer."""
    make.invoice(make.client(users["sales_manager"]), number="QO-1")
    api = api_client(app, "quality_officer")
    body = api.get("/api/v1/audit_log/?q=(filters:!((col:entity,opr:eq,value:invoice)))").json
    assert body["count"] >= 1 and {row["entity"] for row in body["result"]} == {"invoice"}


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        "Северный ветер 北风",
        'quote " and \\ backslash',
        "tab\tnew\nline\r\x00\x1f",
        "\u2028\u2029\ufeff😀",
        "=HYPERLINK()",
    ],
)
def test_chain_digest_is_unchanged_from_the_json_module(text):
    """Rows hashed before the switch to orjson still verify: the digest text is byte for
    byte what json.dumps(ensure_ascii=False, compact) wrote."""
    import hashlib
    import json
    from datetime import datetime

    from app.core.services.audit import digest

    row = {
        "seq": 12_345_678_901,
        "occurred_at": datetime(2026, 11, 23, 10, 0, 0, 123456),
        "actor": text,
        "actor_id": None,
        "entity": "client",
        "record_id": 7,
        "action": "update",
        "changes": json.dumps({"name": [text, None]}),
        "reason": text,
        "request_id": None,
        "prev_hash": "0" * 64,
    }
    fields = [
        row["seq"],
        row["occurred_at"].isoformat(),
        *[
            row[key]
            for key in (
                "actor",
                "actor_id",
                "entity",
                "record_id",
                "action",
                "changes",
                "reason",
                "request_id",
                "prev_hash",
            )
        ],
    ]
    before = json.dumps(fields, ensure_ascii=False, separators=(",", ":"), default=str)
    assert digest(row) == hashlib.sha256(before.encode("utf-8")).hexdigest()


def test_a_forged_row_appended_with_a_correct_hash_breaks_the_seal(ctx, make, users):
    """Someone with write access to the database appends a row whose hash and link are
    right and moves the chain's end to it: the chain links, but its end no longer carries
    the HMAC that only the key (outside the database) makes; verify says so and fails."""
    from datetime import datetime

    from app.core.models.audit_log import AuditHead

    make.client(users["sales_manager"], name="Sealed")
    with db.engine.connect() as connection, connection.begin() as transaction:
        head = connection.execute(sa.select(AuditHead.__table__)).mappings().one()
        forged = {
            "seq": head["last_seq"] + 1,
            "occurred_at": datetime(2026, 12, 1, 9, 0),
            "actor": "admin",
            "actor_id": None,
            "entity": "client",
            "record_id": 1,
            "action": "delete",
            "changes": "{}",
            "reason": None,
            "request_id": None,
            "prev_hash": head["last_hash"],
        }
        forged["hash"] = audit.digest(forged)
        connection.execute(sa.insert(AuditLog), forged)
        connection.execute(
            sa.update(AuditHead).values(last_seq=forged["seq"], last_hash=forged["hash"])
        )
        result = audit.verify(connection)
        assert result["ok"] is False and result["seal"] == "broken"
        assert result["checked"] == forged["seq"]  # every link holds: only the seal tells
        transaction.rollback()
    with db.engine.connect() as connection:
        assert audit.verify(connection)["ok"]


def test_a_new_record_does_not_inherit_a_deleted_ones_history(app, make, users):
    """On SQLite a new record may get the id of a deleted one: its page shows only its
    own history."""
    gone = make.client(users["sales_manager"], name="Deleted Ltd")
    gone_id = gone.id
    db.session.delete(gone)
    db.session.commit()
    reborn = Client(id=gone_id, name="Fresh Ltd", owner_id=users["sales_manager"].id)
    db.session.add(reborn)
    db.session.commit()
    browser = app.test_client()
    login(browser, "admin")
    page = browser.get(f"/clientview/show/{gone_id}").get_data(as_text=True)
    trail = page.split('id="history"')[1]
    assert "Fresh Ltd" in trail and "Deleted Ltd" not in trail


def test_a_bulk_change_reads_in_words(app, make, users):
    """The demo's entry for the clients that name a campaign shows the field and the
    campaign by their names, not its JSON."""
    from seeds.demo_campaigns import _name

    campaign = Campaign(
        name="Fair of the trail", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)
    )
    db.session.add(campaign)
    db.session.commit()
    make.client(users["sales_manager"], name="Named by the fair")
    assert _name(db.session, Client, Client.created_on, campaign, 1) >= 1
    db.session.commit()
    entry = db.session.scalar(sa.select(AuditLog.id).order_by(AuditLog.seq.desc()).limit(1))
    browser = app.test_client()
    login(browser, "quality_officer")
    page = browser.get(f"/auditlogview/show/{entry}").get_data(as_text=True)
    assert "Changed in bulk" in page and "Fair of the trail" in page and "Campaign" in page
    assert '{"' not in page and "campaign_id" not in page
