"""Bulk statements skip the ORM events that feed the audit trail: each one against an
audited table is either limited to derived columns or writes its own audit rows. A new
bulk write fails here until it is reviewed and listed."""

import ast
from pathlib import Path

import sqlalchemy as sa

from app.core.models import AuditLog
from app.core.services.audit import AUDITED
from app.extensions import db
from seeds.demo import seed_demo

ROOT = Path(__file__).resolve().parent.parent
AUDITED_NAMES = {model.__name__ for model in AUDITED}
SEEDED = {
    "Client",
    "Contact",
    "Invoice",
    "Payment",
    "Interaction",
    "Inquiry",
    "Complaint",
    "CorrectiveAction",
    "SurveyResponse",
    "SurveyAnswer",
    "Task",
}
# (file, function) → (models written in bulk, why the trail stays whole: "appends" its
# own entries, "derived" columns only, or "unaudited" models)
REVIEWED = {
    ("app/core/services/client.py", "recompute_completeness"): ({"Client"}, "derived"),
    ("app/core/services/survey.py", "recompute_scores"): ({"SurveyResponse"}, "derived"),
    ("seeds/demo.py", "_seed_demo"): (SEEDED, "appends"),
    # The demo's clients and requests that name a campaign: one entry per table.
    ("seeds/demo_campaigns.py", "_name"): ({"*"}, "appends"),
    # The demo's survey invitations: one entry for them all.
    ("seeds/demo_invitations.py", "seed_invitations"): ({"SurveyInvitation"}, "appends"),
    # A survey link answered: the invitation claimed, then its response named, with an
    # entry of its own; sent (or why not) after the e-mail, with an entry of its own.
    ("app/web/public_survey.py", "_record"): ({"SurveyInvitation"}, "appends"),
    ("app/core/services/survey_invitation.py", "_send_committed"): (
        {"SurveyInvitation"},
        "appends",
    ),
    # The rule engine's tasks and guarded status / flag updates.
    ("app/rules/actions.py", "create_tasks"): ({"Task"}, "appends"),
    ("app/rules/actions.py", "guarded_update"): ({"*"}, "appends"),
    # Imports: new records validated by the guard, written at once with their entries.
    ("app/core/services/batch.py", "create_all"): ({"*"}, "appends"),
    # The nightly value classes: the changed clients, one entry per kind of change.
    ("app/core/services/value_class.py", "recompute"): ({"Client"}, "appends"),
    # An export or import whose worker died closed with its reason: their records are not
    # audited (the security log keeps exports and imports), and the update touches no other.
    ("jobs/recovery.py", "_close"): ({"ExportJob", "ImportJob"}, "unaudited"),
    # The sweep's count of matches past a rule's horizon, not part of the definition.
    ("app/rules/actions.py", "skip"): ({"FollowUpRule"}, "derived"),
}


def _bulk_writes(path: Path):
    """(function, model) for sa.insert/update/delete(Model), Model.__table__.<verb>(), and
    <verb>() or bulk.insert_rows() on a name the function set to Model.__table__."""
    tree = ast.parse(path.read_text())
    for function in [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]:
        tables = {
            node.targets[0].id: node.value.value.id
            for node in ast.walk(function)
            if isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "__table__"
            and isinstance(node.value.value, ast.Name)
        }
        for call in [node for node in ast.walk(function) if isinstance(node, ast.Call)]:
            target = None
            name = getattr(call.func, "attr", getattr(call.func, "id", None))
            if (
                name in ("insert", "update", "delete")
                and isinstance(call.func, ast.Attribute)
                and isinstance(call.func.value, ast.Name)
                and call.func.value.id in tables
            ):
                target = tables[call.func.value.id]
            elif (
                name == "insert_rows"
                and len(call.args) > 1
                and isinstance(call.args[1], ast.Name)
                and call.args[1].id in tables
            ):
                target = tables[call.args[1].id]
            elif (
                name in ("insert", "update", "delete")
                and call.args
                and isinstance(call.args[0], ast.Name)
            ):
                target = call.args[0].id
            elif (
                name in ("insert", "update", "delete")
                and call.args
                and isinstance(call.args[0], ast.Attribute)  # models.Task
            ):
                target = call.args[0].attr
            elif (
                name in ("insert", "update", "delete")
                and isinstance(call.func, ast.Attribute)
                and isinstance(call.func.value, ast.Attribute)
                and call.func.value.attr == "__table__"
                and isinstance(call.func.value.value, ast.Name)
            ):
                target = call.func.value.value.id
            elif (
                name == "execute"
                and call.args
                and isinstance(call.args[0], ast.Call)
                and getattr(call.args[0].func, "attr", None) == "insert"
            ):
                continue  # counted by the inner sa.insert(...)
            if target == "model":  # a loop variable over models: resolved by the listing
                target = "*"
            if target in AUDITED_NAMES or target == "*":
                yield function, target


def test_every_bulk_write_to_audited_tables_is_reviewed():
    """Each bulk write to an audited model is listed; those listed as appending call
    audit.append in the same function, the derived ones set only unrecorded columns."""
    found = {}
    for path in [
        *ROOT.glob("app/**/*.py"),
        *ROOT.glob("jobs/**/*.py"),
        *ROOT.glob("seeds/**/*.py"),
        *ROOT.glob("exports/**/*.py"),
    ]:
        for function, target in _bulk_writes(path):
            key = (str(path.relative_to(ROOT)), function.name)
            assert key in REVIEWED, f"unreviewed bulk write to {target} in {key}"
            models, why = REVIEWED[key]
            assert target == "*" or target in models, (key, target)
            found[key] = function
    assert set(found) == set(REVIEWED), "a reviewed bulk write no longer exists: update the list"
    for key, (_models, why) in REVIEWED.items():
        source = ast.unparse(found[key])
        if why == "appends":
            assert "audit.append(" in source, key
        elif why == "unaudited":  # written through a variable: its models are named here
            assert not _models & AUDITED_NAMES, key
        else:
            assert "unchanged_audit(" in source and "values(" in source, key


def test_seeding_records_its_bulk_inserts(ctx):
    """A demo seed leaves one `bulk_create` entry per table, by system:seed, with the ids."""
    from datetime import date

    before = db.session.scalar(sa.select(sa.func.max(AuditLog.seq))) or 0
    counts = seed_demo(
        db.session,
        ctx.appbuilder.sm,
        clients=60,
        seed=4,
        as_of=date(2026, 6, 15),
        password="demo-password-1",
    )
    rows = db.session.scalars(
        sa.select(AuditLog).where(AuditLog.seq > before, AuditLog.action == "bulk_create")
    ).all()
    assert {row.entity for row in rows} == {table for table, n in counts.items() if n}
    assert {row.actor for row in rows} == {"system:seed"}


def test_an_imported_record_is_checked_and_audited_as_a_save_would_be(ctx, users):
    """A client created by an import (set-based) and one saved through the ORM get the
    same defaults from the checks and the same fields in their audit entries."""
    import orjson
    from test_imports import csv_bytes

    from app.core.actor import acting
    from app.core.models import Client
    from app.imports import job

    manager = users["sales_manager"]
    with acting(manager):
        db.session.add(Client(name="Saved Ltd", tax_id="7701111111", needs="x", is_key=True))
        db.session.commit()
        rows = [
            ["Name", "Tax ID", "Needs", "Key client"],
            ["Imported Ltd", "7702222222", "x", "yes"],
        ]
        job.start("client", csv_bytes(rows), "c.csv", dry_run=False, background=False)
    entries = {
        row.record_id: orjson.loads(row.changes)
        for row in db.session.scalars(
            sa.select(AuditLog).where(AuditLog.entity == "client", AuditLog.action == "create")
        )
    }
    saved, imported = (
        db.session.scalar(sa.select(Client.id).where(Client.tax_id == tax_id))
        for tax_id in ("7701111111", "7702222222")
    )
    assert set(entries[saved]) == set(entries[imported])
    differing = {key for key in entries[saved] if entries[saved][key] != entries[imported][key]}
    assert differing == {"id", "name", "tax_id"}
