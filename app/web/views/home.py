"""The landing page: my open tasks and my clients."""

import sqlalchemy as sa
from flask_appbuilder import IndexView, expose
from flask_login import current_user

from app.core.models import Client, Task
from app.core.models.choices import TaskStatus
from app.extensions import db
from jobs.health import sweep_health

HOME_ROWS = 10


class HomeView(IndexView):
    """Shows a signed-in user their open tasks (soonest first) and their clients.

    Both lists are limited to the user's own rows, which every role may see.
    """

    index_template = "home.html"

    @expose("/")
    def index(self):
        if not current_user.is_authenticated:
            return self.render_template(self.index_template, tasks=[], clients=[])
        tasks = sa.select(Task).where(
            Task.assignee_id == current_user.id, Task.status == TaskStatus.open
        )
        clients = sa.select(Client).where(Client.owner_id == current_user.id)
        tasks = db.session.scalars(tasks.order_by(Task.due_at).limit(HOME_ROWS)).all()
        clients = db.session.scalars(clients.order_by(Client.name).limit(HOME_ROWS)).all()
        return self.render_template(
            self.index_template, tasks=tasks, clients=clients, sweep=sweep_health(db.session)
        )
