"""REST resource `task`."""

from app.api.base import QmsModelRestApi
from app.views.task import TaskView


class TaskApi(QmsModelRestApi):
    """/api/v1/task/"""

    resource_name = "task"
    view = TaskView
