"""The RQ worker for qms-crm's queues."""

import threading

from rq import Queue, Worker
from rq.defaults import DEFAULT_WORKER_TTL

from app.extensions import db
from jobs.connection import connect
from jobs.schedule import start_in_background

QUEUES = ("default", "exports", "imports")
# A worker waits for a job with BLPOP for its TTL less 15 s, and the scheduler's thread
# shares its connection: redis-py 8 times a socket out after 5 s by default, and RQ raises
# the timeout only for connections made after the worker starts, so the first one timed out
# and the worker quit ("Redis connection timeout") every few seconds of an idle queue.
SOCKET_TIMEOUT = DEFAULT_WORKER_TTL


def worker_connection(config):
    """The worker's Redis connection, with a socket timeout longer than its wait for a job."""
    return connect(config, socket_timeout=SOCKET_TIMEOUT)


def queues(connection) -> list[Queue]:
    return [Queue(name, connection=connection) for name in QUEUES]


class QmsWorker(Worker):
    """RQ's worker; each job runs in a forked work horse, which must not reuse the parent's
    pooled database connections (their sockets and driver state are the parent's)."""

    def main_work_horse(self, job, queue):
        db.engine.dispose(close=False)
        super().main_work_horse(job, queue)


def run_worker(app, burst: bool = False, with_scheduler: bool = True, cron: bool = False) -> bool:
    """Work the queues inside the app's context until stopped (or empty, with `burst`);
    with `cron`, also run the follow-up sweep's cron scheduler."""
    connection = worker_connection(app.config)
    stop, scheduler = threading.Event(), None
    with app.app_context():
        if cron:
            scheduler = start_in_background(connection, stop)
        worker = QmsWorker(queues(connection), connection=connection)
        try:
            return worker.work(burst=burst, with_scheduler=with_scheduler)
        finally:
            stop.set()
            if scheduler is not None:
                scheduler.join(timeout=10)
