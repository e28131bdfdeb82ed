"""The embedded default (`qms run`: waitress with 8 threads, SQLite, the embedded Redis, a
worker and the cron scheduler sweeping every few seconds) under concurrent users, with the
load generator on the same machine.

    python bench/concurrent_load.py --clients 30 --seconds 60

Each simulated user is a thread with its own sign-in (JWT) that loops over clients of its
own: GET the client, PUT new notes with the version it read, and every fifth round list
its clients. First, in the same run, one user alone gives the baseline. Printed as JSON:
requests, rate, p50/p95/p99 in ms, the 5xx count, "database is locked" lines in the server
log, and misdirected writes (a client whose notes are not the last its own user sent, or
whose name, owner or tax ID changed; rows created by a PUT).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(instance: Path, port: int, password: str, demo_clients: int, sweep_seconds: int):
    environment = {
        **os.environ,
        "QMS_INSTANCE_DIR": str(instance),
        "QMS_ADMIN_PASSWORD": password,
        "QMS_RULES_SWEEP_SECONDS": str(sweep_seconds),
        # The load signs in 30 users from one address within a minute.
        "QMS_LOGIN_RATE_LIMIT": "1000 per minute",
    }
    log = open(instance / "server.log", "w")  # noqa: SIM115 (the server writes it while it runs)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app.cli",
            "run",
            "--port",
            str(port),
            "--demo-clients",
            str(demo_clients),
        ],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/login/", timeout=2).status_code == 200:
                return server
        except requests.ConnectionError:
            time.sleep(0.5)
    raise SystemExit("qms run did not answer")


class User(threading.Thread):
    """One simulated user: its own token and its own clients."""

    def __init__(self, base, token, clients, until, results, lock):
        super().__init__(daemon=True)
        self.base, self.clients, self.until = base, clients, until
        self.results, self.lock = results, lock
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.sent: dict[int, str] = {}

    def call(self, method, path, **kwargs):
        started = time.perf_counter()
        response = self.session.request(method, f"{self.base}{path}", timeout=60, **kwargs)
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.results["latency"].append(elapsed)
            self.results["statuses"][response.status_code] += 1
        return response

    def run(self):
        round_ = 0
        while time.monotonic() < self.until:
            client_id = self.clients[round_ % len(self.clients)]
            got = self.call("GET", f"/api/v1/client/{client_id}")
            if got.status_code == 200:
                notes = f"load {self.name} {client_id} {round_} {secrets.token_hex(4)}"
                put = self.call(
                    "PUT",
                    f"/api/v1/client/{client_id}",
                    json={"notes": notes, "version": got.json()["result"]["version"]},
                )
                if put.status_code == 200:
                    self.sent[client_id] = notes
            if round_ % 5 == 0:
                self.call("GET", "/api/v1/client/", params={"q": "(page_size:25)"})
            round_ += 1


def token(base, username, password) -> str:
    answer = requests.post(
        f"{base}/api/v1/security/login",
        json={"username": username, "password": password, "provider": "db"},
        timeout=30,
    )
    answer.raise_for_status()
    return answer.json()["access_token"]


def own_clients(database: Path) -> dict[str, list[int]]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT u.username, c.id FROM client c JOIN ab_user u ON u.id = c.owner_id "
            "WHERE u.username LIKE 'manager%' OR u.username LIKE 'head%' ORDER BY c.id"
        ).fetchall()
    owned: dict[str, list[int]] = {}
    for username, client_id in rows:
        owned.setdefault(username, []).append(client_id)
    return owned


def snapshot(database: Path) -> dict[int, tuple]:
    with sqlite3.connect(database) as connection:
        return {
            row[0]: row[1:]
            for row in connection.execute("SELECT id, name, owner_id, tax_id, notes FROM client")
        }


def run_load(base, password, owned, clients, seconds) -> tuple[dict, list]:
    """`clients` users at once for `seconds`; each thread gets clients no other one has."""
    usernames = sorted(owned)
    slices, taken = [], Counter()
    for number in range(clients):
        username = usernames[number % len(usernames)]
        share = owned[username][taken[username] :: max(1, clients // len(usernames) + 1)][:4]
        taken[username] += 1
        slices.append((username, share))
    tokens = {username: token(base, username, password) for username, _share in slices}
    results, lock = {"latency": [], "statuses": Counter()}, threading.Lock()
    until = time.monotonic() + seconds
    users = [
        User(base, tokens[username], share, until, results, lock)
        for username, share in slices
        if share
    ]
    started = time.monotonic()
    for user in users:
        user.start()
    for user in users:
        user.join()
    elapsed = time.monotonic() - started
    latency = results["latency"]
    figures = {
        "users": len(users),
        "seconds": round(elapsed, 1),
        "requests": len(latency),
        "per_second": round(len(latency) / elapsed, 1),
        "p50_ms": round(percentile(latency, 0.5)),
        "p95_ms": round(percentile(latency, 0.95)),
        "p99_ms": round(percentile(latency, 0.99)),
        "statuses": dict(results["statuses"]),
        "server_errors": sum(n for status, n in results["statuses"].items() if status >= 500),
    }
    return figures, users


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--demo-clients", type=int, default=200)
    parser.add_argument("--sweep-seconds", type=int, default=10)
    arguments = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="qms-load-"))
    password, port = secrets.token_urlsafe(16), free_port()
    server = start(instance, port, password, arguments.demo_clients, arguments.sweep_seconds)
    base, database = f"http://127.0.0.1:{port}", instance / "qms.db"
    try:
        owned = own_clients(database)
        baseline, _ = run_load(base, password, owned, 1, 10)
        print(json.dumps({"run": "baseline, one user", **baseline}))
        before = snapshot(database)
        figures, users = run_load(base, password, owned, arguments.clients, arguments.seconds)
        after = snapshot(database)
        sent = {client: notes for user in users for client, notes in user.sent.items()}
        misdirected = [
            client
            for client, row in after.items()
            if client not in before
            or row[:3] != before[client][:3]
            or (client in sent and row[3] != sent[client])
            or (client not in sent and row[3] != before[client][3])
        ]
        log = (instance / "server.log").read_text(errors="replace")
        figures |= {
            "misdirected_writes": len(misdirected),
            "database_locked_lines": log.count("database is locked"),
            "server_error_lines": log.count("Server error on"),
            "sweeps_succeeded": sqlite3.connect(database)
            .execute("SELECT count(*) FROM rule_run WHERE status = 'succeeded'")
            .fetchone()[0],
            "p95_to_baseline": round(figures["p95_ms"] / max(baseline["p95_ms"], 1), 1),
        }
        print(json.dumps({"run": f"{arguments.clients} users at once", **figures}))
    finally:
        os.killpg(server.pid, signal.SIGINT)
        server.wait(60)


if __name__ == "__main__":
    main()
