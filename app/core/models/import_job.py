"""An import: who brought which file (name and checksum) into which entity, how, with
what result and how long it took; its rows' audit entries carry its tag, which is what
reverting it reads. And the column mapping each user chose per entity, kept for next time."""

import secrets
from datetime import datetime
from typing import Any

from flask_appbuilder import Model
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models.base import User, choice, now, sa, user_fk
from app.core.models.choices import ImportMode, ImportStatus


def new_tag() -> str:
    return f"import:{secrets.token_hex(12)}"


class ImportJob(Model):
    """One file imported (or checked) into one entity, in the foreground or on a worker."""

    __tablename__ = "import_job"
    __table_args__ = (sa.Index("ix_import_job_user_created", "user_id", "created_on"),)
    display_field = "file_name"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    # Empty for the command line without --user (the system, which sees every row).
    user_id: Mapped[int | None] = user_fk()
    user = relationship(User, foreign_keys=[user_id])
    entity: Mapped[str] = mapped_column(sa.String(50), nullable=False)
    file_name: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    checksum: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    sheet: Mapped[str | None] = mapped_column(sa.String(100))
    mode: Mapped[ImportMode] = choice(ImportMode, default=ImportMode.upsert)
    dry_run: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    # The headers as the user mapped them to fields ({header: field}).
    mapping: Mapped[Any] = mapped_column(sa.JSON, nullable=False, default=dict)
    status: Mapped[ImportStatus] = choice(ImportStatus, default=ImportStatus.queued, index=True)
    rows_total: Mapped[int | None] = mapped_column(sa.Integer)
    rows_done: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    created_count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    updated_count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    unchanged_count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    error_count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    warning_count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    # The summary as the command line and the API give it (errors and warnings by row).
    summary: Mapped[Any] = mapped_column(sa.JSON, nullable=True)
    # The file as brought, kept under the instance's import folder while it is needed
    # (a background import reads it; the error report copies its rows).
    stored_name: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_on: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=now)
    started_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    reverted_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    reverted_by_id: Mapped[int | None] = user_fk()
    reverted_by = relationship(User, foreign_keys=[reverted_by_id])

    # What its audit entries carry in place of a request id (import:<random>), which
    # reverting it looks up: random, since an id may be given again (SQLite reuses the id
    # of a deleted last row).
    tag: Mapped[str | None] = mapped_column(sa.String(64), unique=True, default=new_tag)


class ImportMapping(Model):
    """The header-to-field mapping a user chose for an entity, offered on their next import."""

    __tablename__ = "import_mapping"
    __table_args__ = (sa.UniqueConstraint("user_id", "entity"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    user_id: Mapped[int] = user_fk(nullable=False)
    entity: Mapped[str] = mapped_column(sa.String(50), nullable=False)
    mapping: Mapped[Any] = mapped_column(sa.JSON, nullable=False, default=dict)
