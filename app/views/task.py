"""Screens for tasks, and "My tasks" for managers."""

from flask_appbuilder.models.sqla.filters import FilterEqualFunction, FilterNotEqual
from flask_babel import lazy_gettext as _

from app.models import Task
from app.models.choices import TaskStatus
from app.services.actor import current_actor_id
from app.views.base import QmsModelView
from app.views.datamodel import QmsInterface


class TaskColumns:
    """What the task screens show; FAB picks related views by isinstance, so "My tasks"
    shares this rather than subclassing TaskView."""

    datamodel = QmsInterface(Task)
    class_permission_name = "Task"
    list_columns = ["due_at", "title", "client", "assignee", "status", "origin"]
    search_columns = ["title", "client", "assignee", "status", "origin", "due_at"]
    add_columns = ["title", "description", "client", "assignee", "due_at"]
    edit_columns = add_columns + ["status", "result"]
    show_columns = edit_columns + [
        "origin",
        "related_entity",
        "related_id",
        "done_at",
        "created_on",
        "changed_on",
    ]
    order_columns = ["due_at", "title", "status"]
    base_order = ("due_at", "asc")


class TaskView(TaskColumns, QmsModelView):
    """SMART tasks, soonest due first."""


class MyTaskView(TaskColumns, QmsModelView):
    """The open tasks assigned to me."""

    route_base = "/mytasks"
    list_title = _("My tasks")
    base_filters = QmsModelView.base_filters + [
        ["assignee_id", FilterEqualFunction, current_actor_id],
        ["status", FilterNotEqual, TaskStatus.done],
        ["status", FilterNotEqual, TaskStatus.cancelled],
    ]
