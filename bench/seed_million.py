"""Time to seed N demo clients (with contacts, invoices and the rest) into a fresh database.

    python bench/seed_million.py --clients 1000000 --database-url sqlite:////tmp/bench.db

Prints rows per table, seconds and rows per second; the database is kept for list_latency.py.
"""

import argparse
import json
import os
import time
from datetime import date
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    os.environ.setdefault("QMS_INSTANCE_DIR", str(Path("/tmp/qms-bench-instance")))

    from app import create_app
    from app.extensions import db
    from app.instance import initialise
    from seeds.demo import seed_demo

    app = create_app({"SQLALCHEMY_DATABASE_URI": arguments.database_url})
    with app.app_context():
        initialise()
        started = time.perf_counter()
        counts = seed_demo(
            db.session,
            app.appbuilder.sm,
            arguments.clients,
            arguments.seed,
            as_of=date(2026, 11, 23),
            password="bench-password-1",
        )
        seconds = time.perf_counter() - started
    rows = sum(counts.values())
    print(
        json.dumps(
            {
                "database": app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0],
                "clients": arguments.clients,
                "rows": counts,
                "total_rows": rows,
                "seconds": round(seconds, 1),
                "rows_per_second": round(rows / seconds),
            }
        )
    )


if __name__ == "__main__":
    main()
