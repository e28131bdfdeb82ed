"""A SMART task for a manager, made by hand or by a follow-up rule."""

from flask_appbuilder import Model
from sqlalchemy.orm import relationship

from app.core.models.base import Audited, User, choice, fact, sa, user_fk
from app.core.models.choices import TaskStatus

MANUAL_ORIGIN = "manual"


class Task(Audited, Model):
    """Something a person must do by a date, about a client or a record."""

    __tablename__ = "task"
    __table_args__ = (sa.Index("ix_task_assignee_status_due", "assignee_id", "status", "due_at"),)
    display_field = "title"

    id = sa.Column(sa.Integer, primary_key=True)
    title = sa.Column(sa.String(255), nullable=False)
    description = sa.Column(sa.Text)
    client_id = sa.Column(sa.Integer, sa.ForeignKey("client.id", ondelete="CASCADE"), index=True)
    client = relationship("Client")
    assignee_id = user_fk()
    assignee = relationship(User, foreign_keys=[assignee_id])
    due_at = sa.Column(sa.DateTime, nullable=False)
    status = choice(TaskStatus, default=TaskStatus.open)
    origin = sa.Column(sa.String(50), nullable=False, default=MANUAL_ORIGIN)
    related_entity = sa.Column(sa.String(50))
    related_id = sa.Column(sa.Integer)
    done_at = sa.Column(sa.DateTime, info=fact())
    result = sa.Column(sa.Text)
