"""Client value classes of a whole client base (app/core/services/value_class.py), set-based,
against a per-client Python loop, in the same run.

    python bench/value_classes.py --database-url postgresql://…/qms_home_1m --sample 2000

On a seeded database (bench/seed_million.py), migrated first:
- the first night: every client at C (a base never classed: the run is rolled back, so it
  stays so), every paying client in A or B moves (each change recorded);
- the next night: the same day again, nothing moves (the pass reads everything, writes
  nothing);
- the loop: for `--sample` clients, one query for a client's revenue, then the classes in
  Python and one UPDATE per client that moves: what a job written client by client does.
  Its time is given for the sample and for the whole base at the same rate (the loop is
  not run over a million clients: that is the point).
Every run is rolled back or undone, so the database ends as it began.
"""

import argparse
import os
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--loop-only", action="store_true", help="skip the set-based nights")
    arguments = parser.parse_args()
    os.environ.setdefault("QMS_INSTANCE_DIR", str(Path("/tmp/qms-bench-instance")))
    os.environ.setdefault("QMS_SECRET_KEY", "bench-secret-key-0123456789-abcdefghijklmnop")

    import datetime as dt

    import flask_migrate
    import sqlalchemy as sa

    from app import create_app
    from app.core import models as m
    from app.core.clock import business_now
    from app.core.services import value_class
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": arguments.database_url})
    with app.app_context():
        flask_migrate.upgrade()
        today = business_now().date()
        clients = db.session.scalar(sa.select(sa.func.count(m.Client.id)))
        payments = db.session.scalar(sa.select(sa.func.count(m.Payment.id)))
        db.session.remove()
        print(f"engine {db.engine.dialect.name}, {clients:,} clients, {payments:,} payments")

        def night(connection) -> tuple[float, int]:
            started = time.perf_counter()
            changes = value_class.recompute(connection, today)
            return time.perf_counter() - started, sum(changes.values())

        first = again = float("nan")
        moved = moved_again = 0
        with db.engine.connect() as connection:
            unclassed = connection.execute(
                sa.select(sa.func.count()).where(m.Client.value_class != "c")
            ).scalar()
            if unclassed and not arguments.loop_only:
                raise SystemExit("Run on a base whose clients were never classed (all C).")
            if not arguments.loop_only:
                first, moved = night(connection)
                print(f"set-based, first night: {first:.2f} s ({moved:,} moved, each recorded)")
                again, moved_again = night(connection)
                print(f"set-based, next night:  {again:.2f} s ({moved_again:,} moved)", flush=True)
            connection.rollback()

        def loop(connection, ids) -> float:
            """The per-client way: a query per client, Python sorting, an UPDATE per move."""
            started = time.perf_counter()
            since = today - dt.timedelta(days=365)
            revenue = {}
            for client_id in ids:
                revenue[client_id] = float(
                    connection.execute(
                        sa.select(sa.func.coalesce(sa.func.sum(m.Payment.amount), 0))
                        .join(m.Invoice, m.Invoice.id == m.Payment.invoice_id)
                        .where(
                            m.Invoice.client_id == client_id,
                            m.Payment.paid_on > since,
                            m.Payment.paid_on <= today,
                        )
                    ).scalar()
                )
            total, before = sum(revenue.values()), 0.0
            for client_id, amount in sorted(revenue.items(), key=lambda item: (-item[1], item[0])):
                new = "c"
                if amount > 0:
                    new = "a" if before < 0.8 * total else "b" if before < 0.95 * total else "c"
                before += amount
                old = connection.execute(
                    sa.select(m.Client.value_class).where(m.Client.id == client_id)
                ).scalar()
                if str(old) != new:
                    connection.execute(
                        sa.update(m.Client).where(m.Client.id == client_id).values(value_class=new)
                    )
            return time.perf_counter() - started

        with db.engine.connect() as connection:
            ids = (
                connection.execute(
                    sa.select(m.Client.id).order_by(m.Client.id).limit(arguments.sample)
                )
                .scalars()
                .all()
            )
            looped = loop(connection, ids)
            connection.rollback()

    whole_loop = looped / len(ids) * clients
    print(f"per-client loop: {looped:.2f} s for {len(ids):,} clients")
    print(f"per-client loop at that rate for {clients:,}: {whole_loop:.0f} s")
    if not arguments.loop_only:
        print(f"ratio loop / set-based first night: x{whole_loop / first:.0f}")
        print(f"ratio loop / set-based next night: x{whole_loop / again:.0f}")


if __name__ == "__main__":
    main()
