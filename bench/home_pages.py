"""Latency of every role's home page on a seeded database (bench/seed_million.py), against
computing the same KPIs by the KPI workbook's code path, in the same run.

    python bench/home_pages.py --database-url sqlite:////tmp/bench.db --requests 30

For each demo user (one per role): the first request after a data change (nothing kept:
every figure computed), then `--requests` requests as they come while nothing changes
(p50/p95), through the whole Flask stack in-process (session, permission checks, queries,
template). Then the KPI workbook for the same period and user (app/core/kpi with nothing
kept, plus openpyxl): what a home page would cost without the KPI service's kept answers.
"""

import argparse
import json
import os
import time
from pathlib import Path

USERS = ("director", "manager1a", "head1", "service", "marketing", "quality", "admin")


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--users", default=",".join(USERS))
    arguments = parser.parse_args()
    os.environ.setdefault("QMS_INSTANCE_DIR", str(Path("/tmp/qms-bench-instance")))
    os.environ.setdefault("QMS_SECRET_KEY", "bench-secret-key-0123456789-abcdefghijklmnop")

    from flask import g

    from app import create_app
    from app.core.actor import acting
    from app.core.clock import business_now
    from app.core.kpi import cache
    from app.core.kpi.query import quarter_of
    from app.extensions import db
    from exports.kpi_writer import write_kpi

    app = create_app({"SQLALCHEMY_DATABASE_URI": arguments.database_url, "WTF_CSRF_ENABLED": False})
    today = business_now().date()
    start = quarter_of(today)[0]
    results = []
    for username in arguments.users.split(","):
        client = app.test_client()
        response = client.post(
            "/login/", data={"username": username, "password": "bench-password-1"}
        )
        assert response.status_code == 302, f"cannot log in as {username}"

        def home(client=client):
            page = client.get("/")
            assert page.status_code == 200, page.status_code

        cache.clear()  # as after a data change: every figure is computed
        cold = timed(home)
        samples = [timed(home) for _ in range(arguments.requests)]
        with app.test_request_context():
            user = app.appbuilder.sm.find_user(username=username)
            g.user = user
            with acting(user):
                cache.clear()
                workbook = timed(
                    lambda user=username: write_kpi(start, today, "/tmp/bench-kpi.xlsx", user)
                )
            db.session.remove()
        row = {
            "user": username,
            "first_after_change_ms": round(cold, 1),
            "p50_ms": round(percentile(samples, 0.5), 1),
            "p95_ms": round(percentile(samples, 0.95), 1),
            "workbook_path_ms": round(workbook, 1),
            "ratio_workbook_to_p95": round(workbook / percentile(samples, 0.95), 1),
        }
        results.append(row)
        print(
            f"{username:10} first {row['first_after_change_ms']:8.1f} ms   p50 {row['p50_ms']:7.1f}"
            f"   p95 {row['p95_ms']:7.1f} ms   workbook path {row['workbook_path_ms']:8.1f} ms"
            f"   ×{row['ratio_workbook_to_p95']}",
            flush=True,
        )
    print(json.dumps({"database": arguments.database_url.split(":")[0], "results": results}))


if __name__ == "__main__":
    main()
