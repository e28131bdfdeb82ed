"""An export: the record of who exported what (filters, rows, when) and, while it is kept,
the file."""

from flask_appbuilder import Model
from sqlalchemy.orm import relationship

from app.core.models.base import User, choice, now, sa, user_fk
from app.core.models.choices import ExportKind, ExportStatus


class ExportJob(Model):
    """One Excel export asked for by a user (or the command line), small or in the background."""

    __tablename__ = "export_job"
    __table_args__ = (sa.Index("ix_export_job_user_created", "user_id", "created_on"),)
    display_field = "title"

    id = sa.Column(sa.Integer, primary_key=True)
    # Empty for the command line without --user (the system, which sees every row).
    user_id = user_fk()
    user = relationship(User, foreign_keys=[user_id])
    kind = choice(ExportKind, default=ExportKind.register)
    # What was exported: the register's entity, the form code, "kpi", "audit_pack".
    subject = sa.Column(sa.String(100), nullable=False)
    title = sa.Column(sa.String(255), nullable=False)
    # How to make it again: the entity and its screen, filters, order, period, language.
    parameters = sa.Column(sa.JSON, nullable=False, default=dict)
    # The filters in words, as printed in the file's header block.
    filters_text = sa.Column(sa.Text)
    status = choice(ExportStatus, default=ExportStatus.queued, index=True)
    rows_total = sa.Column(sa.Integer)
    rows_written = sa.Column(sa.Integer, nullable=False, default=0)
    file_name = sa.Column(sa.String(255))
    # Random name of the file under the instance's export folder; cleared when it expires.
    stored_name = sa.Column(sa.String(64), unique=True)
    size = sa.Column(sa.Integer)
    error = sa.Column(sa.Text)
    created_on = sa.Column(sa.DateTime, nullable=False, default=now)
    started_at = sa.Column(sa.DateTime)
    finished_at = sa.Column(sa.DateTime)
    expires_on = sa.Column(sa.DateTime, index=True)
