"""An invitation to answer a survey through a public link: per contact, by e-mail, in the
contact's language, until a day; only a hash of its token is kept."""

from datetime import date, datetime, timedelta

from flask_appbuilder import Model
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import business_now
from app.core.models.base import INTERNAL, Audited, choice, sa
from app.core.models.choices import InvitationState, Language

# How long a new link works when the inviter gives no day.
LINK_DAYS = 14


def link_expiry() -> date:
    return business_now().date() + timedelta(days=LINK_DAYS)


class SurveyInvitation(Audited, Model):
    """A contact asked to answer a survey: sent, opened, answered (each recorded)."""

    __tablename__ = "survey_invitation"
    __table_args__ = (
        sa.UniqueConstraint("survey_id", "contact_id", name="uq_survey_invitation_contact"),
    )
    display_field = "contact"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("survey.id", ondelete="CASCADE"), nullable=False
    )
    survey = relationship("Survey")
    contact_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("contact.id", ondelete="CASCADE"), nullable=False, index=True
    )
    contact = relationship("Contact")
    # The contact's client, kept for the row scope and the one response per client.
    client_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("client.id", ondelete="CASCADE"), nullable=False, index=True
    )
    client = relationship("Client")
    language: Mapped[Language] = choice(Language, default=Language.en)
    valid_until: Mapped[date] = mapped_column(sa.Date, nullable=False, default=link_expiry)
    # SHA-256 of the link's token: the token itself is only in the e-mail.
    token_hash: Mapped[str] = mapped_column(
        sa.String(64), nullable=False, unique=True, info=INTERNAL
    )
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime, index=True)
    # Why the e-mail did not go out (the SMTP server's answer).
    send_error: Mapped[str | None] = mapped_column(sa.Text)
    opened_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    answered_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    response_id: Mapped[int | None] = mapped_column(
        sa.Integer, sa.ForeignKey("survey_response.id", ondelete="SET NULL")
    )
    response = relationship("SurveyResponse")

    @property
    def expired(self) -> bool:
        return self.answered_at is None and self.valid_until < business_now().date()

    @property
    def state(self) -> InvitationState:
        if self.answered_at is not None:
            return InvitationState.answered
        if self.expired:
            return InvitationState.expired
        if self.opened_at is not None:
            return InvitationState.opened
        return InvitationState.sent if self.sent_at is not None else InvitationState.not_sent
