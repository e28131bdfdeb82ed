"""The load bench/scale_out.py puts on qms-crm (Locust): sales staff using the screens and
the API with 1–3 s of thought between requests (none at saturation), an export of about
50,000 rows every minute and an import of new clients every minute.

Reads its plan (users, their clients, the export's filter, the import's size) from the JSON
file named by QMS_BENCH_PLAN and writes what the server acknowledged (records created,
rows imported, exports finished) to QMS_BENCH_ACKS when the run stops.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import random
import re
import time
import uuid
from pathlib import Path

from locust import HttpUser, between, constant, events, task
from locust.clients import HttpSession

PLAN = json.loads(Path(os.environ["QMS_BENCH_PLAN"]).read_text())
THINK = os.environ.get("QMS_BENCH_THINK", "1") != "0"
ACKS = {
    "interactions": [],
    "imported_rows": 0,
    "imports": 0,
    "exports": 0,
    "jobs_failed": [],
    "statuses": {},
    "server_errors": [],
}
ADDRESSES = itertools.count(1)
PREFIXES = "ABCDEFGHKLMNOPRSTАБВГДКЛМНОПРСТ"
JOB_SECONDS = 900


def _address() -> str:
    """A client address of its own per simulated user (nginx's X-Forwarded-For)."""
    n = next(ADDRESSES)
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


class Signed(HttpUser):
    """A user signed in on the screens (a session) and on the API (a token)."""

    abstract = True
    username = ""

    def on_start(self) -> None:
        address = {"X-Forwarded-For": _address()}
        self.client.headers.update(address)
        self.api = HttpSession(
            base_url=self.host, request_event=self.environment.events.request, user=self
        )
        self.api.headers.update(address)
        page = self.client.get("/login/", name="page: login").text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        self.client.post(
            "/login/",
            data={
                "username": self.username,
                "password": PLAN["password"],
                "csrf_token": token.group(1) if token else "",
            },
            name="page: sign in",
        )
        answer = self.api.post(
            "/api/v1/security/login",
            json={"username": self.username, "password": PLAN["password"], "provider": "db"},
            name="api: login",
        )
        self.api.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"

    def wait_job(self, status_url: str, kind: str, started: float) -> dict | None:
        """Poll a background job until it ends; report its duration as a request."""
        deadline = time.monotonic() + JOB_SECONDS
        result: dict = {}
        while time.monotonic() < deadline:
            time.sleep(2)
            answer = self.api.get(status_url, name=f"api: {kind} status")
            if answer.status_code != 200:
                continue
            result = answer.json()["result"]
            if result["status"] not in ("queued", "running"):
                break
        failed = result.get("status") not in ("done", "applied")
        events.request.fire(
            request_type="JOB",
            name=f"job: {kind}",
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            exception=RuntimeError(result.get("status", "timed out")) if failed else None,
            context={},
        )
        if failed:
            ACKS["jobs_failed"].append({"kind": kind, "result": result})
            return None
        return result


class Staff(Signed):
    """A sales manager at work: lists with filters, records, the API, new interactions and
    edits of client cards (a stale version is the expected 409)."""

    wait_time = between(1, 3) if THINK else constant(0)

    def on_start(self) -> None:
        self.username = random.choice(PLAN["managers"])
        self.clients = PLAN["clients"][self.username]
        super().on_start()

    @task(4)
    def client_list(self) -> None:
        prefix = random.choice(PREFIXES)
        self.client.get(f"/clientview/list/?_flt_0_name={prefix}", name="page: clients filtered")

    @task(2)
    def invoice_list(self) -> None:
        self.client.get("/invoiceview/list/", name="page: invoices")

    @task(1)
    def task_list(self) -> None:
        self.client.get("/taskview/list/", name="page: tasks")

    @task(3)
    def client_page(self) -> None:
        self.client.get(f"/clientview/show/{random.choice(self.clients)}", name="page: client")

    @task(3)
    def client_read(self) -> None:
        self.api.get(f"/api/v1/client/{random.choice(self.clients)}", name="api: client")

    @task(2)
    def invoice_read(self) -> None:
        self.api.get("/api/v1/invoice/?q=(page_size:25)", name="api: invoices")

    @task(1)
    def interaction_create(self) -> None:
        summary = f"{PLAN['marker']} {uuid.uuid4().hex}"
        answer = self.api.post(
            "/api/v1/interaction/",
            json={"client": random.choice(self.clients), "summary": summary},
            name="api: interaction create",
        )
        if answer.status_code == 201:
            ACKS["interactions"].append(summary)

    @task(1)
    def client_edit(self) -> None:
        # A few shared records, so that two people edit one at times.
        client_id = random.choice(self.clients[:20])
        got = self.api.get(f"/api/v1/client/{client_id}", name="api: client")
        if got.status_code != 200:
            return
        version = got.json()["result"]["version"]
        with self.api.put(
            f"/api/v1/client/{client_id}",
            json={"notes": f"{PLAN['marker']} {uuid.uuid4().hex}", "version": version},
            name="api: client edit",
            catch_response=True,
        ) as answer:
            if answer.status_code == 409:
                answer.success()  # someone saved it first: the expected refusal
                events.request.fire(
                    request_type="PUT", name="api: client edit (409 expected)",
                    response_time=0, response_length=0, exception=None, context={},
                )  # fmt: skip


class Exporter(Signed):
    """The director's register of about 50,000 clients, every minute, on a worker."""

    fixed_count = 1
    wait_time = constant(60)

    def on_start(self) -> None:
        self.username = PLAN["exporter"]
        super().on_start()

    @task
    def export(self) -> None:
        started = time.perf_counter()
        answer = self.api.get(
            f"/api/v1/client/export/xlsx?q={PLAN['export_query']}", name="api: export asked"
        )
        if answer.status_code == 202 and self.wait_job(
            answer.json()["status_url"], "export", started
        ):
            ACKS["exports"] += 1


class Importer(Signed):
    """New clients from a spreadsheet, every minute, on a worker."""

    fixed_count = 1
    wait_time = constant(60)

    def on_start(self) -> None:
        self.username = PLAN["importer"]
        super().on_start()

    @task
    def import_clients(self) -> None:
        batch = uuid.uuid4().hex[:8]
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["Name"])
        rows = range(PLAN["import_rows"])
        writer.writerows([f"{PLAN['marker']} import {batch} {n}"] for n in rows)
        started = time.perf_counter()
        answer = self.api.post(
            "/api/v1/client/import/",
            files={"file": ("clients.csv", out.getvalue().encode(), "text/csv")},
            name="api: import sent",
        )
        if answer.status_code == 202:
            done = self.wait_job(answer.json()["status_url"], "import", started)
            if done:
                ACKS["imports"] += 1
                ACKS["imported_rows"] += done["summary"]["created"]


@events.request.add_listener
def _count_status(name, response=None, **_) -> None:
    """Answers by status; a server error (5xx) is kept with its request id."""
    status = getattr(response, "status_code", None)
    if status is None:
        return
    ACKS["statuses"][str(status)] = ACKS["statuses"].get(str(status), 0) + 1
    if status >= 500:
        ACKS["server_errors"].append(
            {"name": name, "status": status, "request": response.headers.get("X-Request-ID")}
        )


@events.test_stop.add_listener
def _write_acknowledged(environment, **_) -> None:
    """What was acknowledged, and each request kind's response times (ms: count), which
    bench/scale_out.py merges into percentiles per kind."""
    ACKS["times"] = {
        name: {str(ms): count for ms, count in entry.response_times.items()}
        for (name, _method), entry in environment.stats.entries.items()
    }
    ACKS["seconds"] = {
        name: entry.last_request_timestamp - entry.start_time
        for (name, _method), entry in environment.stats.entries.items()
        if entry.last_request_timestamp
    }
    Path(os.environ["QMS_BENCH_ACKS"]).write_text(json.dumps(ACKS))
