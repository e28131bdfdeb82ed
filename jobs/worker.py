"""The RQ worker for qms-crm's queues."""

import os

from rq import Queue, Worker

from app.extensions import db
from jobs.connection import connect

QUEUES = ("default", "exports")


def queues(connection) -> list[Queue]:
    return [Queue(name, connection=connection) for name in QUEUES]


def run_worker(app, burst: bool = False, with_scheduler: bool = True, cron: bool = False) -> bool:
    """Work the queues inside the app's context until stopped (or empty, with `burst`);
    with `cron`, also run the follow-up sweep's cron scheduler."""
    connection = connect(app.config)
    with app.app_context():
        # RQ runs each job in a forked work horse: the child must not reuse the parent's
        # pooled database connections (their sockets and driver state are the parent's).
        engine = db.engine
        os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
        if cron:
            from jobs.schedule import start_in_background

            start_in_background(connection)
        worker = Worker(queues(connection), connection=connection)
        return worker.work(burst=burst, with_scheduler=with_scheduler)
