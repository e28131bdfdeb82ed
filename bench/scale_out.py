"""The scale-out layout under load and faults (issue 17), on this machine, on loopback.

    bench/run-scale-out                     (installs, starts PostgreSQL, runs this)
    .venv/bin/python bench/scale_out.py --database-url postgresql://…/qms_scale [--minutes 5]

PostgreSQL (Debian's) holds the million-client demo database (seeded when it has fewer
clients); Debian's redis-server is started here with its append-only file. Phases:

1. load: 50 users (1–3 s of thought) for --minutes on gunicorn with 4 processes, then the
   same on one process: throughput and p50/p95/p99 per request kind, errors;
2. saturation: the same users without thought, one minute on 4 processes and on 1;
3. faults (bench/scale_faults.py) under load, each followed by its checks;
4. the embedded default (`qms run`: SQLite, waitress, embedded Redis) under 10 users.

Prints a summary and writes every figure to bench/results/scale_out.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from cluster_support import (  # noqa: E402
    QmsProcess,
    RedisServer,
    Web,
    environment,
    free_port,
    wait_for,
)

SECRET = "bench-secret-key-0123456789-abcdefghijklmnop"
PASSWORD = "bench-password-1"
RESULTS = ROOT / "bench" / "results"
KINDS = ("page", "api", "job")
TARGETS = {"page": 500, "api": 300}


def percentile(histogram: dict[int, int], share: float) -> float:
    """The response time (ms) below which `share` of the requests fell."""
    total = sum(histogram.values())
    if not total:
        return 0.0
    seen = 0
    for ms in sorted(histogram):
        seen += histogram[ms]
        if seen >= share * total:
            return float(ms)
    return float(max(histogram))


def summary(acks: dict, seconds: float) -> dict:
    """Per request kind (page:, api:, job:): requests, per second, p50/p95/p99; statuses."""
    kinds: dict[str, dict[int, int]] = {kind: {} for kind in KINDS}
    for name, times in acks["times"].items():
        kind = name.split(":")[0]
        if kind in kinds and "409" not in name:
            for ms, count in times.items():
                kinds[kind][int(ms)] = kinds[kind].get(int(ms), 0) + count
    result = {"seconds": round(seconds), "statuses": acks["statuses"]}
    for kind, histogram in kinds.items():
        count = sum(histogram.values())
        result[kind] = {
            "requests": count,
            "per_second": round(count / seconds, 1),
            **{f"p{int(q * 100)}": percentile(histogram, q) for q in (0.5, 0.95, 0.99)},
        }
    result["server_errors"] = len(acks["server_errors"])
    result["expected_409"] = sum(acks["times"].get("api: client edit (409 expected)", {}).values())
    return result


def run_load(url: str, plan_path: Path, users: int, seconds: int, think: bool, label: str):
    """Locust, headless, against `url`; returns (summary, acknowledgements)."""
    acks_path = RESULTS / f"{label}-acks.json"
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
            "--headless", "--users", str(users), "--spawn-rate", str(max(users // 5, 1)),
            "--run-time", f"{seconds}s", "--host", url, "--only-summary",
            "--exit-code-on-error", "0", "--loglevel", "WARNING", "--stop-timeout", "30",
        ],
        env={**os.environ, "QMS_BENCH_PLAN": str(plan_path), "QMS_BENCH_ACKS": str(acks_path),
             "QMS_BENCH_THINK": "1" if think else "0"},
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    acks = json.loads(acks_path.read_text())
    return summary(acks, time.monotonic() - started), acks


def prepare(database_url: str, clients: int, marker: str, import_rows: int) -> dict:
    """The database at the head with at least `clients` demo clients; the load's plan."""
    os.environ.setdefault("QMS_INSTANCE_DIR", tempfile.mkdtemp(prefix="qms-scale-"))
    import sqlalchemy as sa

    from app import create_app
    from app.core.models import Client
    from app.extensions import db
    from app.instance import initialise
    from seeds.demo import seed_demo

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET})
    with app.app_context():
        initialise()
        have = db.session.scalar(sa.select(sa.func.count()).select_from(Client))
        if have < clients:
            print(f"Seeding {clients - have} demo clients (once)…", flush=True)
            seed_demo(db.session, app.appbuilder.sm, clients - have, seed=1,
                      as_of=date(2026, 11, 23), password=PASSWORD)  # fmt: skip
        owners = db.session.execute(sa.text(
            "SELECT u.username, c.id FROM ab_user u JOIN LATERAL (SELECT id FROM client "
            "WHERE owner_id = u.id ORDER BY id LIMIT 200) c ON true "
            "WHERE u.username LIKE 'manager%'"
        ) if database_url.startswith("postgresql") else sa.text(
            "SELECT u.username, c.id FROM ab_user u JOIN client c ON c.owner_id = u.id "
            "WHERE u.username LIKE 'manager%' AND c.id IN (SELECT id FROM client c2 "
            "WHERE c2.owner_id = u.id ORDER BY id LIMIT 200)"
        )).all()  # fmt: skip
        # An industry whose clients number nearest 50,000 (the whole list when fewer).
        industry = db.session.execute(sa.text(
            "SELECT industry_id, count(*) AS n FROM client WHERE industry_id IS NOT NULL "
            "GROUP BY industry_id ORDER BY abs(count(*) - 50000) LIMIT 1"
        )).one()  # fmt: skip
        db.session.remove()
        db.engine.dispose()
    mine: dict[str, list[int]] = {}
    for username, client_id in owners:
        mine.setdefault(username, []).append(client_id)
    return {
        "password": PASSWORD,
        "managers": sorted(mine),
        "clients": mine,
        "exporter": "director",
        "importer": sorted(mine)[0],
        "export_query": f"(filters:!((col:industry,opr:rel_o_m,value:{industry.industry_id})))",
        "export_rows": industry.n,
        "import_rows": import_rows,
        "marker": marker,
    }


class Layout:
    """redis-server, gunicorn, RQ workers and the scheduler of one installation; a worker
    or the scheduler that stops is started again, as systemd would."""

    def __init__(self, database_url: str, directory: Path):
        self.directory = directory
        self.redis = RedisServer(directory / "redis")
        self.redis.start()
        self.settings = environment(
            database_url, self.redis.url, directory, SECRET,
            QMS_PROXY_HOPS=1, QMS_RULES_SWEEP_SECONDS=60, QMS_DATABASE_POOL_SIZE=5,
            QMS_DATABASE_STATEMENT_TIMEOUT=60, QMS_EXPORT_BACKGROUND_ROWS=1000,
            QMS_IMPORT_BACKGROUND_ROWS=1000,
        )  # fmt: skip
        self.logs = directory / "logs"
        self.web: Web | None = None
        self.workers = [self._process(f"worker-{n}", "worker") for n in (1, 2, 3)]
        self.scheduler = self._process("scheduler", "scheduler")

    def _process(self, name: str, *arguments: str) -> QmsProcess:
        return QmsProcess(name, list(arguments), self.settings, self.logs).start()

    def serve(self, processes: int) -> str:
        """gunicorn with `processes` workers (4 threads each); its address once ready."""
        if self.web is not None:
            self.web.stop()
        self.web = Web(f"web-{processes}", self.settings, self.logs, workers=processes)
        self.web.start()
        if not wait_for(self.web.ready, 120):
            raise RuntimeError(self.web.output()[-3000:])
        return self.web.url

    def keep_running(self) -> None:
        """Start again what stopped (called between the steps of the faults)."""
        for index, worker in enumerate(self.workers):
            if not worker.running():
                self.workers[index] = self._process(f"{worker.name}-again", "worker")

    def stop(self) -> None:
        for process in [self.web, *self.workers, self.scheduler]:
            if process is not None:
                process.stop()
        self.redis.stop()


def embedded(clients: int, users: int, seconds: int, marker: str) -> dict:
    """`qms run` (SQLite, waitress, embedded Redis) under `users`: figures, and whether any
    answer or log line said "database is locked"."""
    directory = Path(tempfile.mkdtemp(prefix="qms-embedded-"))
    # `qms run` holds the admin's (and the demo users') password to its strength rule.
    password = "Bench-quokka-lantern-42"
    settings = {**os.environ, "QMS_INSTANCE_DIR": str(directory), "QMS_ADMIN_PASSWORD": password,
                "QMS_PROXY_HOPS": "1", "QMS_EXPORT_BACKGROUND_ROWS": "2000",
                "QMS_IMPORT_BACKGROUND_ROWS": "500"}  # fmt: skip
    settings.pop("QMS_DATABASE_URL", None)
    settings.pop("QMS_REDIS_URL", None)
    port = free_port()
    server = QmsProcess("qms-run", ["run", "--port", str(port), "--demo-clients", str(clients)],
                        settings, directory / "logs").start()  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    import requests

    def up():
        try:
            return requests.get(f"{url}/health/ready", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    try:
        if not wait_for(up, 1800, every=2):
            raise RuntimeError(server.output()[-3000:])
        plan = prepare(f"sqlite:///{directory / 'qms.db'}", 0, marker, 1000) | {
            "password": password
        }
        plan_path = RESULTS / "embedded-plan.json"
        plan_path.write_text(json.dumps(plan))
        figures, acks = run_load(url, plan_path, users, seconds, True, "embedded")
    finally:
        server.stop()
    log = server.output()
    figures["database_locked"] = log.count("database is locked") + sum(
        1 for error in acks["server_errors"] if "locked" in json.dumps(error)
    )
    figures["export_rows"] = plan["export_rows"]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--saturation-seconds", type=int, default=60)
    parser.add_argument("--embedded-users", type=int, default=10)
    parser.add_argument("--embedded-clients", type=int, default=20_000)
    parser.add_argument("--skip", action="append", default=[],
                        choices=["load", "saturation", "faults", "embedded"])  # fmt: skip
    arguments = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    marker = f"bench-{int(time.time())}"
    results: dict = {"cores": os.cpu_count(), "marker": marker}
    plan = prepare(arguments.database_url, arguments.clients, marker, 5000)
    plan_path = RESULTS / "plan.json"
    plan_path.write_text(json.dumps(plan))
    results["export_rows"] = plan["export_rows"]
    layout = Layout(arguments.database_url, Path(tempfile.mkdtemp(prefix="qms-layout-")))
    seconds = int(arguments.minutes * 60)
    try:
        for processes in (4, 1):
            url = layout.serve(processes)
            if "load" not in arguments.skip:
                figures, acks = run_load(url, plan_path, arguments.users, seconds, True,
                                         f"load-{processes}")  # fmt: skip
                results[f"load_{processes}"] = figures
                print(f"load, {processes} web processes:", json.dumps(figures), flush=True)
            if "saturation" not in arguments.skip:
                figures, _ = run_load(url, plan_path, arguments.users,
                                      arguments.saturation_seconds, False,
                                      f"saturation-{processes}")  # fmt: skip
                results[f"saturation_{processes}"] = figures
                print(f"saturation, {processes}:", json.dumps(figures), flush=True)
        if "faults" not in arguments.skip:
            from scale_faults import inject_faults

            url = layout.serve(4)
            results["faults"] = inject_faults(layout, url, plan, plan_path, arguments.database_url)
            print("faults:", json.dumps(results["faults"]), flush=True)
    finally:
        layout.stop()
    if "embedded" not in arguments.skip:
        results["embedded"] = embedded(arguments.embedded_clients, arguments.embedded_users,
                                       seconds, marker)  # fmt: skip
        print("embedded:", json.dumps(results["embedded"]), flush=True)
    (RESULTS / "scale_out.json").write_text(json.dumps(results, indent=1))
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
