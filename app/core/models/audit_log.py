"""The audit trail: append-only, hash-chained rows of every change to a controlled record."""

from flask_appbuilder import Model

from app.core.models.base import sa

GENESIS_HASH = "0" * 64


class AuditLog(Model):
    """One create, update or delete: who, when (UTC), what, each field's old and new value."""

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_entity_record", "entity", "record_id", "seq"),)

    id = sa.Column(sa.Integer, primary_key=True)
    # Gapless order of the chain, handed out under the head row's lock.
    seq = sa.Column(sa.BigInteger, nullable=False, unique=True)
    occurred_at = sa.Column(sa.DateTime, nullable=False, index=True)
    actor = sa.Column(sa.String(150), nullable=False, index=True)
    # No foreign key: a row must outlive its user and is never updated.
    actor_id = sa.Column(sa.Integer)
    entity = sa.Column(sa.String(50), nullable=False)
    record_id = sa.Column(sa.Integer)
    action = sa.Column(sa.String(20), nullable=False)
    changes = sa.Column(sa.Text, nullable=False)
    reason = sa.Column(sa.Text)
    request_id = sa.Column(sa.String(64))
    prev_hash = sa.Column(sa.String(64), nullable=False)
    hash = sa.Column(sa.String(64), nullable=False)


class AuditHead(Model):
    """The chain's end (one row): updating it first serialises writers on every database."""

    __tablename__ = "audit_head"

    id = sa.Column(sa.Integer, primary_key=True)
    last_seq = sa.Column(sa.BigInteger, nullable=False, default=0)
    last_hash = sa.Column(sa.String(64), nullable=False, default=GENESIS_HASH)
    # HMAC of the end (seq and hash) under a key kept outside the database: a chain that
    # someone with write access extended or rewrote no longer matches it.
    mac = sa.Column(sa.String(64))
