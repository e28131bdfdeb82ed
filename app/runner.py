"""`qms run`: the whole system on one machine, stopped cleanly by Ctrl-C."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading

import click
import sqlalchemy as sa

from app.core.clock import business_today
from app.core.models import Client
from app.extensions import db
from app.instance import ADMIN_USERNAME, admin_password, ensure_admin, initialise
from jobs.connection import environment_for_children, redis_url, stop_embedded
from seeds.demo import seed_demo

WORKER_STOP_SECONDS = 10
# Seconds before a worker that stopped is started again, growing up to the last.
RESTART_SECONDS = (2, 5, 10, 30, 60)


def prepare(app, demo_clients: int) -> str:
    """Init, demo data once, the admin account; returns the admin password."""

    initialise()
    password, given = admin_password(app)
    ensure_admin(app, password, given)
    if demo_clients and not db.session.execute(sa.select(Client.id).limit(1)).first():
        with click.progressbar(length=demo_clients, label="Demo data", file=sys.stderr) as bar:
            seed_demo(
                db.session,
                app.appbuilder.sm,
                demo_clients,
                seed=1,
                as_of=business_today(),
                password=password,
                progress=bar.update,
            )
    return password


def start_worker(app) -> subprocess.Popen:

    environment = environment_for_children(app.config)
    environment["QMS_DATABASE_URL"] = app.config["SQLALCHEMY_DATABASE_URI"]
    environment["QMS_INSTANCE_DIR"] = app.instance_path
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "worker", "--scheduler"], env=environment
    )


def stop_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(WORKER_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


class WorkerSupervisor:
    """Keeps the worker (and with it the cron scheduler) running while the web server
    serves: RQ's worker quits on some Redis errors by design, expecting a service manager
    to start it again, and under `qms run` there is none but us."""

    def __init__(self, app):
        self.app = app
        self.stopping = threading.Event()
        self.worker = start_worker(app)
        self.restarts = 0
        self.thread = threading.Thread(target=self._watch, name="qms-worker-watch", daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        while not self.stopping.wait(1):
            status = self.worker.poll()
            if status is None:
                continue
            delay = RESTART_SECONDS[min(self.restarts, len(RESTART_SECONDS) - 1)]
            self.restarts += 1
            # Ctrl-C reaches the worker too: only a worker that stopped on its own is
            # started again.
            if self.stopping.wait(delay):
                return
            click.echo(
                f"The worker had stopped (exit status {status}); it is started again.", err=True
            )
            self.worker = start_worker(self.app)

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)
        stop_worker(self.worker)


def ensure_port_free(host: str, port: int) -> None:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise click.ClickException(
                f"Cannot listen on {host}:{port} ({error.strerror}): is qms-crm already "
                f"running? Stop it or choose another --port."
            ) from error


def serve_options(app) -> dict:
    """waitress's settings for `qms run`. Behind a proxy (QMS_PROXY_HOPS), waitress must
    keep the X-Forwarded-* headers it removes by default (3.x): the app's ProxyFix is the
    one place that decides which to believe, as under gunicorn."""
    return {
        "threads": 8,
        "ident": "qms-crm",
        "clear_untrusted_proxy_headers": not app.config["PROXY_HOPS"],
    }


def run_all(app, host: str, port: int, demo_clients: int) -> None:
    from waitress import serve

    ensure_port_free(host, port)
    # Ctrl-C must stop us even when started from a shell that made SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    password = prepare(app, demo_clients)
    app.config["REDIS_URL"] = redis_url(app.config)
    worker = WorkerSupervisor(app)
    # SIGTERM (from a service manager) stops us the way Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    click.echo(
        f"qms-crm is running at http://{host}:{port}/  "
        f"(log in as {ADMIN_USERNAME} / {password}; demo users share this password)"
    )
    click.echo(f"Queue: Redis at {app.config['REDIS_URL']}")
    click.echo("Press Ctrl-C to stop the web server, the worker and the embedded Redis.")
    try:
        serve(app, host=host, port=port, **serve_options(app))
    except KeyboardInterrupt:
        pass
    finally:
        worker.stop()
        stop_embedded()
        click.echo("qms-crm stopped.")
