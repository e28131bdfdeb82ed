"""A SMART task for a manager, made by hand or by a follow-up rule."""

from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models.base import Audited, User, choice, fact, sa, user_fk
from app.core.models.choices import TaskStatus

MANUAL_ORIGIN = "manual"
# A rule's tasks and notifications: this, then the rule's code.
RULE_ORIGIN = "rule:"


class Task(Audited, Model):
    """Something a person must do by a date, about a client or a record."""

    __tablename__ = "task"
    __table_args__ = (
        sa.Index("ix_task_assignee_status_due", "assignee_id", "status", "due_at"),
        # A team's first open tasks by due time (a branch, the company): read in order.
        sa.Index("ix_task_status_due", "status", "due_at"),
    )
    display_field = "title"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    description: Mapped[str | None] = mapped_column(sa.Text)
    client_id: Mapped[int | None] = mapped_column(
        sa.Integer, sa.ForeignKey("client.id", ondelete="CASCADE"), index=True
    )
    client = relationship("Client")
    assignee_id: Mapped[int | None] = user_fk()
    assignee = relationship(User, foreign_keys=[assignee_id])
    due_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False)
    status: Mapped[TaskStatus] = choice(TaskStatus, default=TaskStatus.open)
    origin: Mapped[str] = mapped_column(sa.String(50), nullable=False, default=MANUAL_ORIGIN)
    related_entity: Mapped[str | None] = mapped_column(sa.String(50))
    related_id: Mapped[int | None] = mapped_column(sa.Integer)
    done_at: Mapped[datetime | None] = mapped_column(sa.DateTime, info=fact())
    result: Mapped[str | None] = mapped_column(sa.Text)
