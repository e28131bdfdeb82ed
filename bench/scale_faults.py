"""Faults for bench/scale_out.py, injected under load, each timed until the system serves
again and followed by its checks:

- kill -9 of the worker writing an export, then of the one running an import;
- redis-server restarted; PostgreSQL restarted; the scheduler stopped for a while.

Then, over the whole phase: `qms audit verify`; every record the load generator saw
acknowledged is in the database (and what it did not see is counted); no rule fired twice
and no two sweeps ran for one tick; no export or import is left queued or running, and
every failed one says why.
"""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import requests
import sqlalchemy as sa
from cluster_support import wait_for

ROOT = Path(__file__).resolve().parent.parent
LOAD_USERS = 20
LOAD_SECONDS = 720
# The import killed in its middle: long enough to be caught running.
KILLED_IMPORT_ROWS = 20_000


def _scalar(engine, sql: str, **values):
    with engine.connect() as connection:
        return connection.execute(sa.text(sql), values).scalar()


def _token(url: str, username: str, password: str) -> dict:
    answer = requests.post(
        f"{url}/api/v1/security/login",
        json={"username": username, "password": password, "provider": "db"},
        headers={"X-Forwarded-For": "10.250.0.1"},
        timeout=60,
    )
    return {"Authorization": f"Bearer {answer.json()['access_token']}",
            "X-Forwarded-For": "10.250.0.1"}  # fmt: skip


def _ready(url: str) -> bool:
    try:
        return requests.get(f"{url}/health/ready", timeout=3).status_code == 200
    except requests.RequestException:
        return False


def _kill_mid_job(layout, engine, table: str, record_id: int, kind: str) -> dict:
    """Wait until the record runs, kill -9 the worker running it (with its work horse),
    start a worker again five seconds later (as systemd would); time until the record is
    closed with its reason."""
    from rq import Worker

    assert wait_for(
        lambda: _scalar(engine, f"SELECT status FROM {table} WHERE id = :id", id=record_id)
        == "running", 300, every=0.1,
    ), f"{table} {record_id} never ran"  # fmt: skip
    job_id = f"qms-{kind}-{record_id}"
    pid = wait_for(lambda: next((w.pid for w in Worker.all(connection=layout.redis.client())
                                 if w.get_current_job_id() == job_id), None), 30)  # fmt: skip
    worker = next(each for each in layout.workers if each.pid == pid)
    worker.kill()
    killed = time.monotonic()
    time.sleep(5)
    layout.keep_running()
    closed = wait_for(
        lambda: _scalar(engine, f"SELECT error FROM {table} WHERE id = :id AND status <> "
                        "'running'", id=record_id), 300, every=1,
    )  # fmt: skip
    return {"recovery_seconds": round(time.monotonic() - killed, 1), "closed_with": closed}


def _restart(layout, url: str, engine, stop, start, name: str) -> dict:
    """Stop a service, start it again; time until ready, a page served and a sweep run."""
    began = time.monotonic()
    last_run = _scalar(engine, "SELECT max(id) FROM rule_run") or 0
    stop()
    start()
    ready = wait_for(lambda: _ready(url), 300, every=0.5)
    ready_seconds = time.monotonic() - began
    for _ in range(120):
        layout.keep_running()
        try:
            if _scalar(engine, "SELECT count(*) FROM rule_run WHERE id > :id AND status = "
                       "'succeeded'", id=last_run):  # fmt: skip
                break
        except sa.exc.OperationalError:  # PostgreSQL still starting
            pass
        time.sleep(1)
    return {"fault": name, "ready": bool(ready), "ready_seconds": round(ready_seconds, 1),
            "sweep_after_seconds": round(time.monotonic() - began, 1)}  # fmt: skip


def _postgres_cluster() -> list[str]:
    version = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))[-1].split("/")[4]
    return ["pg_ctlcluster", version, "main"]


def inject_faults(layout, url: str, plan: dict, plan_path: Path, database_url: str) -> dict:
    """The faults one after another under a steady load; their recovery and the checks."""
    engine = sa.create_engine(database_url)
    acks_path = plan_path.parent / "faults-acks.json"
    load = subprocess.Popen(
        [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
         "--headless", "--users", str(LOAD_USERS), "--spawn-rate", "5",
         "--run-time", f"{LOAD_SECONDS}s", "--host", url, "--only-summary",
         "--exit-code-on-error", "0", "--loglevel", "ERROR", "--stop-timeout", "60"],
        env={**os.environ, "QMS_BENCH_PLAN": str(plan_path), "QMS_BENCH_ACKS": str(acks_path)},
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    faults: dict = {}
    since = _scalar(engine, "SELECT max(id) FROM rule_run") or 0
    time.sleep(30)
    director = _token(url, plan["exporter"], plan["password"])
    # Every client the director reads: the longest export there is.
    asked = requests.get(f"{url}/api/v1/client/export/xlsx", headers=director, timeout=120)
    assert asked.status_code == 202, asked.text[:300]
    asked = asked.json()
    faults["worker killed mid export"] = _kill_mid_job(layout, engine, "export_job", asked["id"],
                                                       "export")  # fmt: skip
    importer = _token(url, plan["importer"], plan["password"])
    rows = "Name\n" + "".join(f"{plan['marker']} killed {n}\n" for n in range(KILLED_IMPORT_ROWS))
    sent = requests.post(
        f"{url}/api/v1/client/import/",
        headers=importer,
        timeout=120,
        files={"file": ("clients.csv", rows.encode(), "text/csv")},
    ).json()
    faults["worker killed mid import"] = _kill_mid_job(
        layout, engine, "import_job", sent["import_job"], "import"
    )
    faults["redis restarted"] = _restart(layout, url, engine, layout.redis.stop,
                                         layout.redis.start, "redis")  # fmt: skip
    postgres = _postgres_cluster()
    faults["postgresql restarted"] = _restart(
        layout, url, engine,
        lambda: subprocess.run([*postgres, "stop"], check=True),
        lambda: subprocess.run([*postgres, "start"], check=True), "postgresql",
    )  # fmt: skip

    def scheduler_away():
        layout.scheduler.stop()
        time.sleep(90)  # a sweep and a half missed

    faults["scheduler stopped 90 s"] = _restart(layout, url, engine, scheduler_away,
                                                layout.scheduler.start, "scheduler")  # fmt: skip
    # The load runs its full time (its figures are written when it ends on its own).
    load.wait(LOAD_SECONDS + 120)
    time.sleep(60)  # the jobs under way end; the recovery pass runs
    return {"faults": faults, "checks": _checks(layout, engine, plan, acks_path, since)}


def _checks(layout, engine, plan: dict, acks_path: Path, since: int) -> dict:
    acks = json.loads(acks_path.read_text())
    marker = plan["marker"]
    verified = subprocess.run([sys.executable, "-m", "app.cli", "audit", "verify"], cwd=ROOT,
                              env=layout.settings, capture_output=True, text=True)  # fmt: skip
    with engine.connect() as connection:
        stored = set(connection.execute(sa.text(
            "SELECT summary FROM interaction WHERE summary LIKE :m"), {"m": f"{marker} %"}
        ).scalars())  # fmt: skip
        duplicates = connection.execute(sa.text(
            "SELECT count(*) FROM (SELECT 1 FROM rule_firing GROUP BY rule_id, record_id, period "
            "HAVING count(*) > 1) d")).scalar()  # fmt: skip
        starts = connection.execute(sa.text(
            "SELECT started_at FROM rule_run WHERE id > :id ORDER BY started_at"), {"id": since}
        ).scalars().all()  # fmt: skip
        left = connection.execute(
            sa.text(
                "SELECT (SELECT count(*) FROM export_job WHERE status IN ('queued','running')) + "
                "(SELECT count(*) FROM import_job WHERE status IN ('queued','running'))"
            )
        ).scalar()
        unexplained = connection.execute(sa.text(
            "SELECT (SELECT count(*) FROM export_job WHERE status = 'failed' AND error IS NULL)"
            " + (SELECT count(*) FROM import_job WHERE status = 'failed' AND error IS NULL)"
        )).scalar()  # fmt: skip
    acknowledged = set(acks["interactions"])
    return {
        "audit_verify_exit": verified.returncode,
        "audit_verify": verified.stdout.strip()[-300:],
        "interactions_acknowledged": len(acknowledged),
        "acknowledged_missing": len(acknowledged - stored),
        "stored_not_acknowledged": len(stored - acknowledged),
        "duplicate_firings": duplicates,
        "sweeps": len(starts),
        "sweeps_closer_than_half_an_interval": sum(
            1 for a, b in zip(starts, starts[1:], strict=False) if (b - a).total_seconds() < 30
        ),
        "exports_imports_left_running": left,
        "failed_without_reason": unexplained,
        "server_errors_during_faults": len(acks["server_errors"]),
        "statuses_during_faults": acks["statuses"],
    }
