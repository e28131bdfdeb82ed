"""The RQ worker for qms-crm's queues."""

import threading

from rq import Queue, Worker
from rq.defaults import DEFAULT_WORKER_TTL

from app.extensions import db
from jobs.connection import QUEUES, connect
from jobs.schedule import start_in_background

# A worker waits for a job with BLPOP for its TTL less 15 s, and the scheduler's thread
# shares its connection: redis-py 8 times a socket out after 5 s by default, and RQ raises
# the timeout only for connections made after the worker starts, so the first one timed out
# and the worker quit ("Redis connection timeout") every few seconds of an idle queue.
SOCKET_TIMEOUT = DEFAULT_WORKER_TTL
# A running job's heartbeat: renewed this often, and lapsing this long after the last
# renewal when its worker died (RQ's 30 s and 60 s would leave an export of a killed worker
# "running" for 90 s before the recovery pass could see it: jobs/recovery.py).
MONITOR_SECONDS = 10
HEARTBEAT_GRACE_SECONDS = 20


def worker_connection(config):
    """The worker's Redis connection, with a socket timeout longer than its wait for a job."""
    return connect(config, socket_timeout=SOCKET_TIMEOUT)


def queues(connection, names=QUEUES) -> list[Queue]:
    return [Queue(name, connection=connection) for name in names]


class QmsWorker(Worker):
    """RQ's worker; each job runs in a forked work horse, which must not reuse the parent's
    pooled database connections (their sockets and driver state are the parent's)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("job_monitoring_interval", MONITOR_SECONDS)
        super().__init__(*args, **kwargs)

    def main_work_horse(self, job, queue):
        db.engine.dispose(close=False)
        super().main_work_horse(job, queue)

    def get_heartbeat_ttl(self, job) -> int:
        """Seconds until a running job counts as abandoned unless its heartbeat is renewed."""
        interval = self.job_monitoring_interval
        if job.timeout and job.timeout > 0:
            interval = min(job.timeout - self.current_job_working_time, interval)
        return int(interval) + HEARTBEAT_GRACE_SECONDS


def run_worker(
    app,
    burst: bool = False,
    with_scheduler: bool = True,
    cron: bool = False,
    queue_names: tuple[str, ...] = QUEUES,
) -> bool:
    """Work the queues (`queue_names`, in order) inside the app's context until stopped (or
    empty, with `burst`); with `cron`, also run the cron scheduler behind its lock."""
    connection = worker_connection(app.config)
    stop, scheduler = threading.Event(), None
    with app.app_context():
        if cron:
            scheduler = start_in_background(connection, stop)
        worker = QmsWorker(queues(connection, queue_names), connection=connection)
        try:
            return worker.work(burst=burst, with_scheduler=with_scheduler)
        finally:
            stop.set()
            if scheduler is not None:
                scheduler.join(timeout=10)
