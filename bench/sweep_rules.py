"""Follow-up rule sweeps on a seeded database (bench/seed_million.py): catch-up, steady
state, a sweep that fires for N records, and a naive per-record ORM loop as the baseline.

    python bench/sweep_rules.py --database-url sqlite:////tmp/bench.db

In one run:
1. a catch-up sweep over the seeded history;
2. steady-state sweeps with nothing new to do (median of --repeat each), a minute apart:
   with no change between sweeps (app/rules/memo.py skips the rules or reads the minute
   their thresholds passed), with an audited change of a table no rule reads before each,
   and with a change of a client before each (every rule evaluated in full, the worst
   minute of a working day);
3. --fire records made due by SQL (60 % invoices two days unpaid → a task each, 40 %
   unanswered requests → breach flag and a task each) and one sweep acting on them all;
4. the baseline: the invoice rule as a naive per-record ORM loop, on --baseline invoices.
Prints one JSON document. The database is changed (tasks, firings): copy it before a
clean re-run. After each mass write the tables are vacuumed and analysed.
"""

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import time
from pathlib import Path

import sqlalchemy as sa

INVOICE_RULE, INQUIRY_RULE = "invoice-decision-2d", "inquiry-answer-30m"


def timed(call):
    started = time.perf_counter()
    result = call()
    return result, round(time.perf_counter() - started, 3)


def make_due(session, m, rules, as_of, invoices: int, inquiries: int) -> list[int]:
    """Invoices without payment put on approval three days ago, requests left unanswered
    since yesterday, their earlier firings forgotten; returns the invoice ids in order.
    Each changed record gets its audit row, as the services write them (the rules' change
    check reads the audit trail to know which tables changed)."""
    invoice_ids = session.scalars(
        sa.select(m.Invoice.id)
        .where(~sa.exists().where(m.Payment.invoice_id == m.Invoice.id))
        .order_by(m.Invoice.id)
        .limit(invoices)
    ).all()
    inquiry_ids = session.scalars(  # escalated to a branch head: one the inquiry reaches
        sa.select(m.Inquiry.id)
        .join(m.Client, m.Client.id == m.Inquiry.client_id)
        .join(m.Branch, m.Branch.id == m.Client.branch_id)
        .where(m.Branch.head_id.is_not(None))
        .order_by(m.Inquiry.id)
        .limit(inquiries)
    ).all()
    issued = as_of.date() - dt.timedelta(days=3)
    received = as_of - dt.timedelta(days=1)
    _redo(
        session,
        m,
        m.Invoice,
        invoice_ids,
        {"status": "on_approval", "issued_on": issued},
        [rules[INVOICE_RULE], rules["invoice-reject-15d"]],
    )
    _redo(
        session,
        m,
        m.Inquiry,
        inquiry_ids,
        {"received_at": received, "first_response_at": None, "breached_at": None},
        [rules[INQUIRY_RULE]],
    )
    session.commit()
    return list(invoice_ids)


def _redo(session, m, model, ids, values: dict, rule_ids: list[int]) -> None:
    """Set `values` on the records `ids` in chunks, with an audit row each (as the
    services write them), and forget the given rules' firings for them."""
    from app.core.services import audit

    changes = {key: [None, audit.plain(value)] for key, value in values.items()}
    for start in range(0, len(ids), 10_000):
        chunk = ids[start : start + 10_000]
        session.execute(sa.update(model).where(model.id.in_(chunk)).values(**values))
        with audit.recorded_as("bench"):
            audit.append(
                session.connection(),
                [
                    {
                        "entity": model.__tablename__,
                        "record_id": each,
                        "action": "update",
                        "changes": changes,
                    }
                    for each in chunk
                ],
            )
        session.execute(
            sa.delete(m.RuleFiring).where(
                m.RuleFiring.rule_id.in_(rule_ids), m.RuleFiring.record_id.in_(chunk)
            )
        )


def peak_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def settle(engine) -> None:
    """Vacuum and analyse after a mass write, as autovacuum soon would: measuring while
    it runs would time the maintenance, not the sweep."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM (ANALYZE)")
    else:
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")


def naive_invoice_rule(session, m, rule, ids, as_of) -> int:
    """The baseline: rule 2 as one would write it record by record with the ORM."""
    from app.core.services import audit

    latest_issue = as_of.date() - dt.timedelta(days=2)
    acted = 0
    with audit.recorded_as("bench:naive"):
        for invoice_id in ids:
            invoice = session.get(m.Invoice, invoice_id)
            if invoice.status != "on_approval" or invoice.issued_on > latest_issue:
                continue
            if session.query(m.Payment.id).filter_by(invoice_id=invoice.id).first():
                continue
            fired = session.query(m.RuleFiring.id).filter_by(
                rule_id=rule.id, record_id=invoice.id, period=""
            )
            if fired.first():
                continue
            client = invoice.client
            session.add(m.RuleFiring(rule_id=rule.id, record_id=invoice.id, period="", as_of=as_of))
            session.add(
                m.Task(
                    title=f"Invoice {invoice.number}: ask {client.name} for the decision",
                    description=f"Rule {rule.code}: invoice {invoice.number} unpaid.",
                    client_id=client.id,
                    assignee_id=invoice.owner_id or client.owner_id,
                    due_at=as_of + dt.timedelta(days=3),
                    origin=f"rule:{rule.code}",
                    related_entity="invoice",
                    related_id=invoice.id,
                )
            )
            acted += 1
        session.commit()
    return acted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--as-of", default="2026-11-23T10:00:00")
    parser.add_argument("--fire", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    arguments = parser.parse_args()
    os.environ.setdefault("QMS_INSTANCE_DIR", str(Path("/tmp/qms-bench-instance")))

    from app import create_app
    from app.core import models as m
    from app.extensions import db
    from app.instance import initialise
    from app.rules.sweep import sweep, sweep_workers

    app = create_app({"SQLALCHEMY_DATABASE_URI": arguments.database_url})
    as_of = dt.datetime.fromisoformat(arguments.as_of)
    minute = dt.timedelta(minutes=1)
    report = {"database": db_name(arguments.database_url)}
    with app.app_context():
        initialise()
        report["sweep_workers"] = sweep_workers(app.config, db.engine)
        counts = {
            table: db.session.scalar(sa.select(sa.func.count()).select_from(sa.table(table)))
            for table in ("client", "invoice", "inquiry", "interaction", "payment")
        }
        report["rows"] = counts
        run, seconds = timed(lambda: sweep(as_of))
        report["catch_up"] = {
            "seconds": seconds,
            "acted": run.acted,
            "errors": run.errors,
            "peak_memory_mb_so_far": peak_mb(),
        }
        report["kpi_daily_evaluation_seconds"] = run.results["survey-activity-drop"]["seconds"]
        settle(db.engine)

        def touch(model):
            """An audited change, as users make all day: of a reference name (a table no
            rule reads), or of a client's notes (a table every rule reads: each is then
            evaluated in full)."""
            record = db.session.scalars(sa.select(model).order_by(model.id).limit(1)).one()
            field = "name" if model is m.Industry else "notes"
            text = getattr(record, field) or ""
            setattr(record, field, text[:-1] if text.endswith("*") else text + "*")
            db.session.commit()

        def steady(start):
            at = iter(start + minute * index for index in range(3 * arguments.repeat))
            runs = {"unchanged": [], "unrelated_change": [], "full": []}
            for kind, before in (
                ("unchanged", None),
                ("unrelated_change", m.Industry),
                ("full", m.Client),
            ):
                for _ in range(arguments.repeat):
                    if before is not None:
                        touch(before)
                    run, seconds = timed(lambda: sweep(next(at)))
                    runs[kind].append(seconds)
                    if kind == "full":
                        slowest = max(run.results.items(), key=lambda item: item[1]["seconds"])
            # The first quiet sweep follows the catch-up's (or the 100k sweep's) own writes.
            runs["unchanged"] = runs["unchanged"][1:] or runs["unchanged"]
            report = {
                f"{kind}_median_seconds": statistics.median(each) for kind, each in runs.items()
            }
            return {
                **report,
                "runs": runs,
                "acted_last": run.acted,
                "slowest_rule": [slowest[0], slowest[1]["seconds"]],
            }

        report["steady_before"] = steady(as_of + minute)
        rules = dict(db.session.execute(sa.select(m.FollowUpRule.code, m.FollowUpRule.id)).all())
        fire_at = as_of + minute * (3 * arguments.repeat + 2)
        invoices = round(arguments.fire * 0.6)
        invoice_ids = make_due(
            db.session,
            m,
            rules,
            fire_at,
            invoices + arguments.baseline,
            arguments.fire - invoices,
        )
        settle(db.engine)
        rule = db.session.get(m.FollowUpRule, rules[INVOICE_RULE])
        baseline_ids = invoice_ids[: arguments.baseline]
        acted, seconds = timed(
            lambda: naive_invoice_rule(db.session, m, rule, baseline_ids, fire_at)
        )
        report["baseline"] = {
            "peak_memory_mb_before": peak_mb(),
            "records": acted,
            "seconds": seconds,
            "ms_per_record": round(seconds * 1000 / max(acted, 1), 3),
        }
        run, seconds = timed(lambda: sweep(fire_at))
        report["fire"] = {
            "acted": run.acted,
            "seconds": seconds,
            "ms_per_record": round(seconds * 1000 / max(run.acted, 1), 4),
            "per_rule": {
                code: each["acted"] for code, each in run.results.items() if each["acted"]
            },
            "errors": run.errors,
            "peak_memory_mb_so_far": peak_mb(),
        }
        settle(db.engine)
        report["speedup_per_record"] = round(
            report["baseline"]["ms_per_record"] / report["fire"]["ms_per_record"], 1
        )
        report["steady_after"] = steady(fire_at + minute)
    report["peak_memory_mb"] = peak_mb()
    print(json.dumps(report, indent=2))


def db_name(url: str) -> str:
    return url.split(":")[0]


if __name__ == "__main__":
    main()
