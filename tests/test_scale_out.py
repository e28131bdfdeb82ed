"""The scale-out layout as it really runs: two `qms web` (gunicorn) processes, RQ workers and
the cron scheduler as processes of their own, on the suite's database (PostgreSQL in the
second pass) and Debian's redis-server. What one web process keeps, the other serves;
a worker killed in the middle of an export and of an import leaves them failed with the
reason, nothing half-written; a second scheduler waits and takes over when the first dies."""

from __future__ import annotations

import io
import re
import time
from datetime import date

import openpyxl
import pytest
import requests
import sqlalchemy as sa
from cluster_support import QmsProcess, RedisServer, Web, environment, started, wait_for
from conftest import PASSWORD, build_test_app
from test_imports import csv_bytes

from app.core.models import Client, ExportJob, ImportJob, RuleRun
from app.core.models.choices import ExportStatus, ImportStatus
from app.core.services.audit import verify
from app.extensions import db
from jobs.leadership import LOCK_SECONDS, STANDBY_SECONDS, holder, standing_by
from jobs.recovery import EXPORT_STOPPED, IMPORT_STOPPED
from seeds.demo import seed_demo

pytestmark = pytest.mark.process

# Exports of more rows than this, and imports of more rows, run on a worker.
BACKGROUND_ROWS = 500
LOGIN_LIMIT = 5
WORKING = ("queued", "running")
# An import long enough (some seconds) to be killed in its middle.
IMPORT_KILLED_ROWS = 15_000
# A worker's death is seen within its heartbeat's grace and the recovery pass's interval.
RECOVERY_WAIT = 120


class Cluster:
    """The processes of one installation and the app (in this process) on its database."""

    def __init__(self, app, redis, webs, workers, schedulers, settings, logs):
        self.app, self.redis = app, redis
        self.webs, self.workers, self.schedulers = webs, workers, schedulers
        self.settings, self.logs = settings, logs

    def output(self) -> str:
        """The end of every process's log, for a failing assertion to show."""
        return "\n".join(
            f"--- {process.name}\n{process.output()[-2500:]}"
            for process in self.webs + self.workers + self.schedulers
        )

    def token(self, web: Web, username: str = "admin") -> dict:
        answer = requests.post(
            f"{web.url}/api/v1/security/login",
            json={"username": username, "password": PASSWORD, "provider": "db"},
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}

    def worker(self, name: str, *options: str) -> QmsProcess:
        process = QmsProcess(name, ["worker", *options], self.settings, self.logs).start()
        self.workers.append(process)
        return process

    def count(self, model, *conditions) -> int:
        with self.app.app_context():
            return db.session.scalar(
                sa.select(sa.func.count()).select_from(model).where(*conditions)
            )

    def record(self, model, record_id: int):
        with self.app.app_context():
            return db.session.get(model, record_id)


@pytest.fixture
def cluster(request, tmp_path):
    """A fresh installation with demo clients: two web processes, two workers, a scheduler."""
    clients = request.node.get_closest_marker("clients").args[0]
    app = build_test_app(tmp_path, suffix=f"_clients{clients}")
    with app.app_context():
        seed_demo(
            db.session, app.appbuilder.sm, clients, seed=5, as_of=date(2026, 11, 23),
            password=PASSWORD,
        )  # fmt: skip
        db.session.remove()
    redis = RedisServer(tmp_path / "redis")
    redis.start()
    logs = tmp_path / "logs"
    settings = environment(
        app.config["SQLALCHEMY_DATABASE_URI"],
        redis.url,
        tmp_path,
        app.config["SECRET_KEY"],
        QMS_EXPORT_BACKGROUND_ROWS=BACKGROUND_ROWS,
        QMS_IMPORT_BACKGROUND_ROWS=BACKGROUND_ROWS,
        QMS_LOGIN_RATE_LIMIT=f"{LOGIN_LIMIT} per minute",
        QMS_RULES_SWEEP_SECONDS=5,
        # As behind one nginx: the tests name a client's address in X-Forwarded-For.
        QMS_PROXY_HOPS=1,
    )
    webs = [Web("web-a", settings, logs), Web("web-b", settings, logs)]
    workers = [QmsProcess(f"worker-{n}", ["worker"], settings, logs) for n in (1, 2)]
    schedulers = [QmsProcess("scheduler-1", ["scheduler"], settings, logs)]
    with started(webs + workers + schedulers):
        each = Cluster(app, redis, webs, workers, schedulers, settings, logs)
        assert wait_for(lambda: all(web.ready() for web in webs)), each.output()
        yield each
        for process in each.workers[2:] + each.schedulers[1:]:
            process.stop()
    redis.stop()
    with app.app_context():
        db.engine.dispose()


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def _poll(web: Web, headers: dict, url: str, done, seconds: float = 90):
    def answered():
        result = requests.get(f"{web.url}{url}", headers=headers, timeout=30).json()["result"]
        return result if done(result) else None

    return wait_for(answered, seconds, every=0.5)


@pytest.mark.clients(800)
def test_what_one_web_process_keeps_the_other_serves(cluster):
    """A session signed in on one process opens pages on the other and a sign-out there
    ends it on both; failed logins count against one limit whichever process they reach;
    an export written by a worker downloads from either process, and a file imported
    through one is applied by a worker and read back through the other."""
    a, b = cluster.webs

    browser = requests.Session()
    page = browser.get(f"{a.url}/login/", timeout=30).text
    signed_in = browser.post(
        f"{a.url}/login/",
        data={"username": "sales_manager", "password": PASSWORD, "csrf_token": _csrf(page)},
        allow_redirects=False,
        timeout=30,
    )
    assert signed_in.status_code == 302, signed_in.text[:500]
    clients = browser.get(f"{b.url}/clientview/list/", allow_redirects=False, timeout=30)
    assert clients.status_code == 200 and "/logout" in clients.text, clients.status_code
    browser.get(f"{b.url}/logout/", timeout=30)
    after = browser.get(f"{a.url}/clientview/list/", allow_redirects=False, timeout=30)
    assert after.status_code == 302 and "/login/" in after.headers["Location"]

    address = {"X-Forwarded-For": "203.0.113.7"}
    statuses = [
        requests.post(
            f"{web.url}/api/v1/security/login",
            json={"username": "sales_manager", "password": "wrong-password", "provider": "db"},
            headers=address,
            timeout=30,
        ).status_code
        for web in (a, b) * LOGIN_LIMIT
    ]
    assert statuses[:LOGIN_LIMIT] == [401] * LOGIN_LIMIT and set(statuses[LOGIN_LIMIT:]) == {429}

    admin_a, admin_b = cluster.token(a), cluster.token(b)
    asked = requests.get(f"{a.url}/api/v1/client/export/xlsx", headers=admin_a, timeout=60)
    assert asked.status_code == 202, asked.text[:500]
    done = _poll(b, admin_b, asked.json()["status_url"], lambda job: job["status"] == "done")
    assert done, cluster.output()
    files = [
        requests.get(f"{web.url}{done['download_url']}", headers=token, timeout=60)
        for web, token in ((a, admin_a), (b, admin_b))
    ]
    assert [file.status_code for file in files] == [200, 200]
    assert files[0].content == files[1].content
    sheet = openpyxl.load_workbook(io.BytesIO(files[1].content), read_only=True).active
    assert sheet.max_row > done["rows_total"] == cluster.count(Client)

    before = cluster.count(Client)
    rows = [["Name"]] + [[f"Imported across processes {n}"] for n in range(BACKGROUND_ROWS + 1)]
    sent = requests.post(
        f"{b.url}/api/v1/client/import/",
        headers=admin_b,
        files={"file": ("clients.csv", csv_bytes(rows), "text/csv")},
        timeout=60,
    )
    assert sent.status_code == 202, sent.text[:500]
    applied = _poll(a, admin_a, sent.json()["status_url"], lambda job: job["status"] not in WORKING)
    assert applied and applied["status"] == "applied", applied or cluster.output()
    assert cluster.count(Client) == before + BACKGROUND_ROWS + 1

    detail = requests.get(f"{a.url}/health/detail", headers=admin_a, timeout=30).json()
    assert detail["ready"] and len(detail["workers"]) == 2
    assert detail["scheduler"]["holder"].endswith(f":{cluster.schedulers[0].pid}")
    manager = cluster.token(b, "sales_manager")
    assert requests.get(f"{b.url}/health/detail", headers=manager, timeout=30).status_code == 403
    assert requests.get(f"{b.url}/health/detail", timeout=30).status_code == 401


@pytest.mark.clients(8_000)
def test_a_worker_killed_mid_job_and_a_scheduler_killed_lose_nothing(cluster):
    """kill -9 of the workers in the middle of an export and of an import: both end failed
    with the reason (the import wrote nothing, the audit trail holds), and a new worker
    exports again; kill -9 of the scheduler: the one waiting behind the lock takes over and
    sweeps go on, never two schedulers at once."""
    a, b = cluster.webs
    for worker in cluster.workers:
        worker.stop()
    exporter = cluster.worker("worker-exports", "--queues", "exports")
    importer = cluster.worker("worker-imports", "--queues", "imports")
    admin = cluster.token(a)
    clients = cluster.count(Client)

    asked = requests.get(f"{a.url}/api/v1/client/export/xlsx", headers=admin, timeout=60)
    assert asked.status_code == 202, asked.text[:500]
    rows = [["Name"]] + [[f"Imported then killed {n}"] for n in range(IMPORT_KILLED_ROWS)]
    sent = requests.post(
        f"{b.url}/api/v1/client/import/",
        headers=admin,
        files={"file": ("clients.csv", csv_bytes(rows), "text/csv")},
        timeout=60,
    )
    assert sent.status_code == 202, sent.text[:500]
    export_id, import_id = asked.json()["id"], sent.json()["import_job"]

    jobs = {exporter: (ExportJob, export_id), importer: (ImportJob, import_id)}

    def kill_each_once_running() -> bool:
        for worker, (model, record_id) in jobs.items():
            if worker.running() and cluster.record(model, record_id).status == "running":
                worker.kill()
        return not any(worker.running() for worker in jobs)

    assert wait_for(kill_each_once_running, 60, every=0.05), cluster.output()
    assert cluster.record(ExportJob, export_id).status == ExportStatus.running
    assert cluster.record(ImportJob, import_id).status == ImportStatus.running
    killed = time.monotonic()
    cluster.worker("worker-3")

    def closed():
        export, imported = (
            cluster.record(ExportJob, export_id),
            cluster.record(ImportJob, import_id),
        )
        return export.status == ExportStatus.failed and imported.status == ImportStatus.failed

    assert wait_for(closed, RECOVERY_WAIT, every=1), cluster.output()
    recovery = time.monotonic() - killed
    assert cluster.record(ExportJob, export_id).error == EXPORT_STOPPED
    assert cluster.record(ImportJob, import_id).error == IMPORT_STOPPED
    assert cluster.count(Client) == clients
    with cluster.app.app_context(), db.engine.connect() as connection:
        checked = verify(connection)
    assert checked["ok"], checked
    again = requests.get(f"{a.url}/api/v1/client/export/xlsx", headers=admin, timeout=60)
    assert _poll(
        b, cluster.token(b), again.json()["status_url"], lambda job: job["status"] == "done"
    )
    print(f"export and import of killed workers closed {recovery:.0f} s after the kill")

    connection = cluster.redis.client()
    first = cluster.schedulers[0]
    assert wait_for(lambda: holder(connection) == _host_pid(first, connection)), cluster.output()
    second = QmsProcess("scheduler-2", ["scheduler"], cluster.settings, cluster.logs).start()
    cluster.schedulers.append(second)
    assert wait_for(lambda: standing_by(connection), 30), cluster.output()
    time.sleep(STANDBY_SECONDS * 2)
    assert "holds the scheduler's lock" not in second.output()
    first.kill()
    died = time.monotonic()
    assert wait_for(
        lambda: holder(connection) == _host_pid(second, connection), LOCK_SECONDS + 15
    ), cluster.output()
    takeover = time.monotonic() - died
    runs = cluster.count(RuleRun)
    assert wait_for(lambda: cluster.count(RuleRun) > runs, 60), cluster.output()
    print(f"the waiting scheduler took over {takeover:.1f} s after the first was killed")


def _host_pid(process: QmsProcess, connection) -> str | None:
    """The holder's name as the lock records it (host:pid) when `process` holds it."""
    held = holder(connection)
    return held if held and held.endswith(f":{process.pid}") else None
