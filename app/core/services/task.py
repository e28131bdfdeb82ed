"""SMART tasks: done with a result, cancelled, or reopened."""

from flask_babel import lazy_gettext as _

from app.core.clock import business_now
from app.core.models import Client, Task
from app.core.models.choices import TaskStatus as S
from app.core.services import guard
from app.core.services.access import ensure_visible
from app.core.services.errors import Collector, DomainError, check_transition
from app.core.services.people import default_to_actor

TRANSITIONS = {
    None: {S.open},
    S.open: {S.done, S.cancelled},
    S.done: {S.open},
    S.cancelled: {S.open},
}


@guard.checks(Task)
def check_task(change: guard.Change) -> None:
    task, errors = change.obj, Collector()
    errors.require(task, "title", "due_at")
    errors.raise_if_any()
    ensure_visible(change, Client, "client")
    default_to_actor(change, "Task", "assignee")
    if task.status is None:
        task.status = S.open
    old = change.previous("status")
    if not change.changed("status") or old == task.status:
        return
    check_transition(TRANSITIONS, old, task.status, _("A task cannot go from %(old)s to %(new)s."))
    if task.status == S.done:
        if not (task.result or "").strip():
            raise DomainError({"result": _("Record the result of the task.")})
        task.done_at = business_now()
    elif task.status == S.open:
        task.done_at = None
