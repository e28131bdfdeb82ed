"""A contact person of a client."""

from flask_appbuilder import Model
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models.base import Audited, choice, sa, search_key_column
from app.core.models.choices import Channel


class Contact(Audited, Model):
    """A person at the client we talk to."""

    __tablename__ = "contact"
    __table_args__ = (sa.Index("ix_contact_client_primary", "client_id", "is_primary"),)
    display_field = "full_name"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("client.id", ondelete="CASCADE"), nullable=False
    )
    client = relationship("Client", back_populates="contacts")
    full_name: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    # Kept by the contact service, for the search by name (prefix) and by phone (digits).
    full_name_key: Mapped[str] = search_key_column(nullable=False, index=True)
    position: Mapped[str | None] = mapped_column(sa.String(150))
    phone: Mapped[str | None] = mapped_column(sa.String(50))
    phone_key: Mapped[str | None] = mapped_column(sa.String(50), index=True)
    # Indexed: an import looks for the other contacts with a new contact's e-mail.
    email: Mapped[str | None] = mapped_column(sa.String(255), index=True)
    preferred_channel: Mapped[Channel | None] = choice(Channel, nullable=True)
    is_primary: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)

    def __str__(self) -> str:
        """Two contacts may share a name ("Alice Taylor"): drop-downs and links name the
        client too. Screens read contacts with their client joined (QmsInterface)."""
        client = self.client
        return f"{self.full_name} — {client.name}" if client is not None else self.full_name
