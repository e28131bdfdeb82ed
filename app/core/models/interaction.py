"""A communication or return-visit record."""

from datetime import date, datetime

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models.base import Audited, User, choice, fact, now, sa, user_fk
from app.core.models.choices import Channel, InteractionKind, YesNoUnknown


class Interaction(Audited, Model):
    """One contact with a client: call, visit, review meeting, follow-up."""

    __tablename__ = "interaction"
    __table_args__ = (sa.Index("ix_interaction_client_occurred", "client_id", "occurred_at"),)
    display_field = "summary"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("client.id", ondelete="CASCADE"), nullable=False
    )
    client = relationship("Client")
    contact_id: Mapped[int | None] = mapped_column(
        sa.Integer, sa.ForeignKey("contact.id", ondelete="SET NULL"), index=True
    )
    contact = relationship("Contact")
    occurred_at: Mapped[datetime] = mapped_column(
        sa.DateTime,
        nullable=False,
        default=now,
        index=True,
        info=fact(_("Record what happened, not what is planned: use a task.")),
    )
    channel: Mapped[Channel] = choice(Channel, default=Channel.phone)
    kind: Mapped[InteractionKind] = choice(
        InteractionKind, default=InteractionKind.contact, index=True
    )
    summary: Mapped[str] = mapped_column(sa.Text, nullable=False)
    interest: Mapped[YesNoUnknown] = choice(YesNoUnknown, default=YesNoUnknown.unknown)
    next_contact_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    owner_id: Mapped[int | None] = user_fk()
    owner = relationship(User, foreign_keys=[owner_id])
