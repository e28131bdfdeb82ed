"""Screens for tasks, and "My tasks" for managers: due and overdue highlighted, and a task
marked done with its result."""

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.models.sqla.filters import FilterEqualFunction, FilterNotEqual
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from markupsafe import Markup, escape
from wtforms import TextAreaField
from wtforms.validators import DataRequired

from app.core.actor import current_actor_id
from app.core.clock import business_now
from app.core.models.choices import TaskStatus
from app.core.services.errors import DomainError
from app.extensions import db
from app.rules.titles import shown_title
from app.web.views.base import SCREENS, QmsModelView
from app.web.views.formatters import origin_label, record_kind
from app.web.views.local_values import show_datetime


# The screen of each entity a rule acts on, for the link from its tasks and notifications.
def record_url(entity: str | None, record_id: int | None, external: bool = False) -> str | None:
    """Where a record is shown (a task's or notification's, a calendar item's, a search
    result): its entity's declared screen, if it has one."""
    screen = SCREENS.get((entity or "", ""))
    if screen is None or not record_id:
        return None
    return url_for(f"{screen.__name__}.show", pk=record_id, _external=external)


def due_label(due_at) -> Markup:
    """An open task's deadline, marked when it has passed or falls today."""
    if due_at is None:
        return Markup("")
    text, now = escape(show_datetime(due_at)), business_now()
    if due_at < now:
        return Markup('<span class="label label-danger task-overdue">%s · %s</span>') % (
            text,
            gettext("overdue"),
        )
    if due_at.date() == now.date():
        return Markup('<span class="label label-warning task-due-today">%s · %s</span>') % (
            text,
            gettext("today"),
        )
    return Markup("%s") % text


class TaskDoneForm(DynamicForm):
    """What came of the task: required to close it."""

    result = TextAreaField(_("Result"), validators=[DataRequired()])


class TaskColumns:
    """What the task screens show; FAB picks related views by isinstance, so "My tasks"
    shares this rather than subclassing TaskView."""

    entity_key = "task"
    show_template = "task_show.html"
    formatters_columns = {
        "origin": origin_label,
        "related_entity": record_kind,
        "title": shown_title,
    }

    def show_extras(self, pk) -> dict:
        task = self.visible(pk)
        if task is None:
            return {}
        return {
            "task_open": task.status == TaskStatus.open,
            "record_url": record_url(task.related_entity, task.related_id),
        }


class TaskView(TaskColumns, QmsModelView):
    """SMART tasks, soonest due first."""

    @expose("/done/<int:pk>", methods=["GET", "POST"])
    @has_access
    def done(self, pk):
        """Close an open task with its result (the service refuses an empty one)."""
        task = self.visible(pk)
        if task is None:
            abort(404)
        if task.status != TaskStatus.open:
            flash(gettext("Only an open task can be marked done."), "warning")
            return redirect(url_for("TaskView.show", pk=pk))
        form = TaskDoneForm(request.form if request.method == "POST" else None)
        if request.method == "POST" and form.validate():
            task.status, task.result = TaskStatus.done, form.result.data
            try:
                db.session.commit()
            except DomainError as error:
                db.session.rollback()
                flash(str(error), "danger")
            else:
                flash(gettext("Task done: %(title)s", title=shown_title(task.title)), "success")
                return redirect(request.args.get("next") or url_for("MyTaskView.list"))
        return self.render_template("task_done.html", task=task, form=form)


class MyTaskView(TaskColumns, QmsModelView):
    """The open tasks assigned to me, overdue and due today marked."""

    route_base = "/mytasks"
    variant = "mine"
    list_title = _("My tasks")
    formatters_columns = {**TaskColumns.formatters_columns, "due_at": due_label}
    base_filters = QmsModelView.base_filters + [
        ["assignee_id", FilterEqualFunction, current_actor_id],
        ["status", FilterNotEqual, TaskStatus.done],
        ["status", FilterNotEqual, TaskStatus.cancelled],
    ]
