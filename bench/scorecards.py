"""The departments' monthly scorecards of a whole client base (app/core/services/
scorecard.py, figures from app/core/kpi/), set-based, against a per-client Python loop, in
the same run.

    python bench/scorecards.py --database-url postgresql://…/qms_home_1m --sample 2000

On a seeded database (bench/seed_million.py), migrated first:
- cold: the three scorecards of last month drafted with nothing kept (a new instance, so
  an empty KPI store): every figure computed from the records;
- warm: the same again in a new transaction, the KPI parts kept by the first (what the
  scheduler's drafting finds when the home pages' figures were prepared within the hour);
- the loop: for `--sample` clients, the client-based figures the scorecards read (was it
  created in the month, its paid revenue, its survey answers, its requests answered in
  time, its complaints resolved) by one query each per client, summed in Python: what a
  job written client by client does. Its time is given for the sample and for the whole
  base at the same rate (the loop is not run over a million clients: that is the point).
Every draft is rolled back, so the database ends as it began.
"""

import argparse
import os
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--sample", type=int, default=2000)
    arguments = parser.parse_args()
    # A new instance: its embedded Redis holds no KPI parts (the cold run is cold).
    os.environ["QMS_INSTANCE_DIR"] = tempfile.mkdtemp(prefix="qms-bench-scorecards-")
    os.environ.setdefault("QMS_SECRET_KEY", "bench-secret-key-0123456789-abcdefghijklmnop")

    import datetime as dt

    import flask_migrate
    import sqlalchemy as sa

    from app import create_app
    from app.core import models as m
    from app.core.clock import business_now
    from app.core.models.choices import ScorecardDepartment, ScorecardPeriod
    from app.core.services import scorecard
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": arguments.database_url})
    with app.app_context():
        flask_migrate.upgrade()
        today = business_now().date()
        month_end = today.replace(day=1) - dt.timedelta(days=1)
        start = month_end.replace(day=1)
        clients = db.session.scalar(sa.select(sa.func.count(m.Client.id)))
        print(f"engine {db.engine.dialect.name}, {clients:,} clients; month {start:%Y-%m}")

        def draft_all() -> tuple[float, dict]:
            db.session.execute(sa.delete(m.Scorecard).where(m.Scorecard.starts_on == start))
            started = time.perf_counter()
            values = {}
            for department in ScorecardDepartment:
                monthly = ScorecardPeriod.monthly
                made = scorecard.draft(db.session, department, monthly, start, today)
                values[department.value] = {
                    line.indicator.value: line.value for line in made.lines if line.computed
                }
            seconds = time.perf_counter() - started
            db.session.rollback()
            return seconds, values

        cold, values = draft_all()
        warm, again = draft_all()
        assert values == again, "the warm run computed other figures"
        print(f"set-based, cold (nothing kept): {cold:.2f} s")
        print(f"set-based, warm (KPI parts kept): {warm:.2f} s")
        for department, found in values.items():
            print(f"  {department}: {found}")

        ids = db.session.scalars(
            sa.select(m.Client.id).order_by(m.Client.id).limit(arguments.sample)
        ).all()
        low = dt.datetime.combine(start, dt.time.min)
        high = dt.datetime.combine(month_end + dt.timedelta(days=1), dt.time.min)
        started = time.perf_counter()
        totals = {"new": 0, "revenue": 0, "answers": 0, "in_time": 0, "resolved": 0}
        for client_id in ids:
            created = db.session.scalar(
                sa.select(m.Client.created_on).where(m.Client.id == client_id)
            )
            totals["new"] += int(low <= created < high)
            paid = db.session.scalar(
                sa.select(sa.func.sum(m.Payment.amount))
                .join(m.Invoice, m.Payment.invoice_id == m.Invoice.id)
                .where(
                    m.Invoice.client_id == client_id,
                    m.Payment.paid_on.between(start, month_end),
                )
            )
            totals["revenue"] += paid or 0
            totals["answers"] += db.session.scalar(
                sa.select(sa.func.count(m.SurveyResponse.id)).where(
                    m.SurveyResponse.client_id == client_id,
                    m.SurveyResponse.answered_on.between(start, month_end),
                )
            )
            totals["in_time"] += db.session.scalar(
                sa.select(sa.func.count(m.Inquiry.id)).where(
                    m.Inquiry.client_id == client_id,
                    m.Inquiry.received_at >= low,
                    m.Inquiry.received_at < high,
                    m.Inquiry.first_response_at <= m.Inquiry.sla_due_at,
                )
            )
            totals["resolved"] += db.session.scalar(
                sa.select(sa.func.count(m.Complaint.id)).where(
                    m.Complaint.client_id == client_id,
                    m.Complaint.received_at >= low,
                    m.Complaint.received_at < high,
                )
            )
        loop = time.perf_counter() - started
        whole = loop / len(ids) * clients
        print(
            f"per-client loop: {loop:.2f} s for {len(ids):,} clients "
            f"= {whole:,.0f} s for {clients:,} at that rate (x{whole / cold:,.0f} the cold run)"
        )


if __name__ == "__main__":
    main()
