"""The security log: sign-ins, failures, sign-outs, refusals; never a password or token."""

from flask_appbuilder import Model

from app.core.models.base import sa


class SecurityEvent(Model):
    """One security-relevant event, with where it came from."""

    __tablename__ = "security_event"

    id = sa.Column(sa.Integer, primary_key=True)
    occurred_at = sa.Column(sa.DateTime, nullable=False, index=True)
    event = sa.Column(sa.String(30), nullable=False, index=True)
    username = sa.Column(sa.String(150), index=True)
    user_id = sa.Column(sa.Integer)
    ip = sa.Column(sa.String(64))
    request_id = sa.Column(sa.String(64))
    detail = sa.Column(sa.String(500))
