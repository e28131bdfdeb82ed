"""Latency of every role's home page on a seeded database (bench/seed_million.py), against
computing the same KPIs by the KPI workbook's code path, in the same run.

    python bench/home_pages.py --database-url sqlite:////tmp/bench.db --requests 30

For each demo user (one per role), through the whole Flask stack in-process (session,
permission checks, queries, template):
- the first page of the day with nothing kept anywhere (every figure computed);
- the first page of a process just started, after the scheduler prepared the day's KPI
  parts (jobs/kpi.py, run here in-process);
- `--requests` pages each right after a change (a client's card edited, a new caller's
  inquiry, a task renamed, an interaction logged, a client moved to another manager of its
  branch, in turn): the company's kept parts catch up on the change's block, the lists
  that read what changed count again;
- `--requests` pages while nothing changes.
Then the KPI workbook for the same period and user (app/core/kpi with nothing kept, plus
openpyxl): what a home page would cost if its figures were computed on every request.
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

    import sqlalchemy as sa
    from flask import g

    from app import create_app
    from app.core import models as m
    from app.core.actor import acting
    from app.core.clock import business_now
    from app.core.kpi import store as cache
    from app.core.kpi.query import quarter_of
    from app.extensions import db
    from exports.kpi_writer import write_kpi
    from jobs.connection import redis_url, stop_embedded
    from jobs.kpi import prepare_home_figures

    app = create_app({"SQLALCHEMY_DATABASE_URI": arguments.database_url, "WTF_CSRF_ENABLED": False})
    redis_url(app.config)  # the embedded Redis, where the processes share KPI parts
    today = business_now().date()
    start = quarter_of(today)[0]
    results = []
    changes = iter(range(10**9))

    kinds = ("client", "inquiry", "task", "interaction", "owner")

    def nth_client(number: int) -> m.Client:
        client_id = db.session.scalar(
            sa.select(m.Client.id).order_by(m.Client.id).offset(number * 7919 % 900_000)
        )
        return db.session.get(m.Client, client_id)

    def change() -> str:
        """One change as the director (a client moved: as the administrator): a client's
        card, a new inquiry, a task, an interaction, a client's manager, in turn."""
        number = next(changes)
        kind = kinds[number % len(kinds)]
        with app.app_context():
            who = "admin" if kind == "owner" else "director"
            with acting(app.appbuilder.sm.find_user(username=who)):
                if kind == "inquiry":
                    agent = app.appbuilder.sm.find_user(username="service")
                    db.session.add(
                        m.Inquiry(
                            contact_name=f"Bench caller {number}",
                            subject="Prices?",
                            assignee_id=agent.id,
                        )
                    )
                elif kind == "task":
                    task_id = db.session.scalar(
                        sa.select(m.Task.id).order_by(m.Task.id).offset(number * 7919 % 100_000)
                    )
                    db.session.get(m.Task, task_id).title = f"Bench call {number}"
                elif kind == "interaction":
                    db.session.add(
                        m.Interaction(
                            client_id=nth_client(number).id,
                            summary=f"Bench call {number}",
                            occurred_at=business_now(),
                        )
                    )
                elif kind == "owner":
                    client = nth_client(number)
                    # Another manager of the branch, one who owns clients there.
                    client.owner_id = db.session.scalar(
                        sa.select(m.Client.owner_id)
                        .where(
                            m.Client.branch_id == client.branch_id,
                            m.Client.owner_id != client.owner_id,
                        )
                        .limit(1)
                    )
                else:
                    nth_client(number).needs = f"Bench change {time.time()}"
                db.session.commit()
            db.session.remove()
        return kind

    def prepare() -> None:
        with app.app_context():
            prepare_home_figures()
            db.session.remove()

    for username in arguments.users.split(","):
        client = app.test_client()
        response = client.post(
            "/login/", data={"username": username, "password": "bench-password-1"}
        )
        assert response.status_code == 302, f"cannot log in as {username}"

        def home(client=client):
            page = client.get("/")
            assert page.status_code == 200, page.status_code

        with app.app_context():  # the first page of the day: nothing kept anywhere
            cache.clear()
        cold = timed(home)
        prepare()
        with app.app_context():  # a process just started, the day's parts prepared
            cache.clear(shared=False)
        started = timed(home)
        changed, by_kind = [], {kind: [] for kind in kinds}
        for _ in range(arguments.requests):
            kind = change()
            changed.append(timed(home))
            by_kind[kind].append(changed[-1])
        edits = [each for kind, times in by_kind.items() if kind != "owner" for each in times]
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
            "first_of_day_ms": round(cold, 1),
            "prepared_ms": round(started, 1),
            "after_change_p50_ms": round(percentile(changed, 0.5), 1),
            "after_change_p95_ms": round(percentile(changed, 0.95), 1),
            "after_change_ms": [round(each, 1) for each in changed],
            "after_change_p50_by_kind_ms": {
                kind: round(percentile(each, 0.5), 1) for kind, each in by_kind.items() if each
            },
            "after_change_p95_by_kind_ms": {
                kind: round(percentile(each, 0.95), 1) for kind, each in by_kind.items() if each
            },
            # The everyday edits: all but a client moved to another manager (an
            # administrative act, which touches every figure and list of its block).
            "after_edit_p95_ms": round(percentile(edits, 0.95), 1),
            "p50_ms": round(percentile(samples, 0.5), 1),
            "p95_ms": round(percentile(samples, 0.95), 1),
            "workbook_path_ms": round(workbook, 1),
            "ratio_workbook_to_p95": round(workbook / percentile(samples, 0.95), 1),
        }
        results.append(row)
        print(
            f"{username:10} first of day {cold:8.1f} ms   prepared {started:7.1f} ms"
            f"   after a change p50 {row['after_change_p50_ms']:7.1f}"
            f" p95 {row['after_change_p95_ms']:7.1f} ms"
            f" (p50 by kind {row['after_change_p50_by_kind_ms']};"
            f" p95 of the edits {row['after_edit_p95_ms']:7.1f})"
            f"   unchanged p50 {row['p50_ms']:6.1f}"
            f" p95 {row['p95_ms']:6.1f} ms   workbook path {row['workbook_path_ms']:8.1f} ms",
            flush=True,
        )
    stop_embedded()
    print(json.dumps({"database": arguments.database_url.split(":")[0], "results": results}))


if __name__ == "__main__":
    main()
