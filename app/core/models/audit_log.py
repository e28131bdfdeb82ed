"""The audit trail: append-only, hash-chained rows of every change to a controlled record."""

from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models.base import sa

GENESIS_HASH = "0" * 64


class AuditLog(Model):
    """One create, update or delete: who, when (UTC), what, each field's old and new value."""

    __tablename__ = "audit_log"
    __table_args__ = (
        sa.Index("ix_audit_log_entity_record", "entity", "record_id", "seq"),
        # The last entry of an entity: what answers kept until the data changes read.
        sa.Index("ix_audit_log_entity_seq", "entity", "seq"),
    )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    # Gapless order of the chain, handed out under the head row's lock.
    seq: Mapped[int] = mapped_column(sa.BigInteger, nullable=False, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, index=True)
    actor: Mapped[str] = mapped_column(sa.String(150), nullable=False, index=True)
    # No foreign key: a row must outlive its user and is never updated.
    actor_id: Mapped[int | None] = mapped_column(sa.Integer)
    entity: Mapped[str] = mapped_column(sa.String(50), nullable=False)
    record_id: Mapped[int | None] = mapped_column(sa.Integer)
    action: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    changes: Mapped[str] = mapped_column(sa.Text, nullable=False)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    # A request's id, or an import's tag (import:<random>), which reverting it looks up.
    request_id: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    prev_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)


class AuditHead(Model):
    """The chain's end (one row): updating it first serialises writers on every database."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(sa.BigInteger, nullable=False, default=0)
    last_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False, default=GENESIS_HASH)
    # HMAC of the end (seq and hash) under a key kept outside the database: a chain that
    # someone with write access extended or rewrote no longer matches it.
    mac: Mapped[str | None] = mapped_column(sa.String(64))
    # The last entry that created or deleted a client or changed its name, owner, branch or
    # key status: what every record linked to a client shows of it, who sees it (the row
    # scope), and which clients are key.
    # Lists kept until their data changes read it instead of every client edit.
    client_link_seq: Mapped[int] = mapped_column(
        sa.BigInteger, nullable=False, default=0, server_default="0"
    )
