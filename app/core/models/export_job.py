"""An export: the record of who exported what (filters, rows, when) and, while it is kept,
the file."""

from datetime import datetime
from typing import Any

from flask_appbuilder import Model
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models.base import User, choice, now, sa, user_fk
from app.core.models.choices import ExportKind, ExportStatus


class ExportJob(Model):
    """One Excel export asked for by a user (or the command line), small or in the background."""

    __tablename__ = "export_job"
    __table_args__ = (sa.Index("ix_export_job_user_created", "user_id", "created_on"),)
    display_field = "title"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    # Empty for the command line without --user (the system, which sees every row).
    user_id: Mapped[int | None] = user_fk()
    user = relationship(User, foreign_keys=[user_id])
    kind: Mapped[ExportKind] = choice(ExportKind, default=ExportKind.register)
    # What was exported: the register's entity, the form code, "kpi", "audit_pack".
    subject: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    title: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    # How to make it again: the entity and its screen, filters, order, period, language.
    parameters: Mapped[Any] = mapped_column(sa.JSON, nullable=False, default=dict)
    # The filters in words, as printed in the file's header block.
    filters_text: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[ExportStatus] = choice(ExportStatus, default=ExportStatus.queued, index=True)
    rows_total: Mapped[int | None] = mapped_column(sa.Integer)
    rows_written: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    file_name: Mapped[str | None] = mapped_column(sa.String(255))
    # Random name of the file under the instance's export folder; cleared when it expires.
    stored_name: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    size: Mapped[int | None] = mapped_column(sa.Integer)
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_on: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=now)
    started_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    expires_on: Mapped[datetime | None] = mapped_column(sa.DateTime, index=True)
