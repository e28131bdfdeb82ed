"""The RQ worker for qms-crm's queues."""

from rq import Queue, Worker

from jobs.connection import connect

QUEUES = ("default", "exports")


def queues(connection) -> list[Queue]:
    return [Queue(name, connection=connection) for name in QUEUES]


def run_worker(app, burst: bool = False, with_scheduler: bool = True) -> bool:
    """Work the queues inside the app's context until stopped (or empty, with `burst`)."""
    connection = connect(app.config)
    with app.app_context():
        worker = Worker(queues(connection), connection=connection)
        return worker.work(burst=burst, with_scheduler=with_scheduler)
