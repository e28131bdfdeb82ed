"""The client (counterparty) card."""

from datetime import date, datetime
from decimal import Decimal

from flask_appbuilder import Model
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models.base import Audited, User, choice, sa, search_key_column, user_fk
from app.core.models.choices import ClientStatus, ValueClass

# A prospect no head of sales has approved yet, written as the partial indexes' condition
# (SQLite reads a partial index only for a query that says the same).
AWAITING = "approved_at IS NULL AND status = 'new'"


class Client(Audited, Model):
    """A counterparty: prospect, new, active, inactive or lost client."""

    __tablename__ = "client"
    __table_args__ = (
        sa.Index("ix_client_owner_name", "owner_id", "name"),
        sa.Index("ix_client_branch_name", "branch_id", "name"),
        # Follow-up rules read the clients whose creation a moved threshold passed.
        sa.Index("ix_client_created_on", "created_on"),
        # The key clients, a few in a hundred, read by the director's home page.
        *(
            sa.Index(
                f"ix_client_key_{name}",
                column,
                sqlite_where=sa.text("is_key = true"),
                postgresql_where=sa.text("is_key = true"),
            )
            for name, column in (("name", "name"), ("created", "created_on"))
        ),
        # The prospects awaiting a head of sales' approval, by manager and branch (the home
        # pages count them within the row scope).
        *(
            sa.Index(
                f"ix_client_awaiting_{column}",
                column,
                sqlite_where=sa.text(AWAITING),
                postgresql_where=sa.text(AWAITING),
            )
            for column in ("owner_id", "branch_id")
        ),
    )
    display_field = "name"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(255), nullable=False, index=True)
    # Kept by the client service: the case-folded name, for "starts with" searches.
    name_key: Mapped[str] = search_key_column(nullable=False, index=True)
    # Kept by the client service: the name as duplicates are found by (app.core.domain).
    match_key: Mapped[str | None] = mapped_column(sa.String(255), index=True)
    tax_id: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    status: Mapped[ClientStatus] = choice(ClientStatus, default=ClientStatus.new, index=True)
    industry_id: Mapped[int | None] = mapped_column(
        sa.Integer, sa.ForeignKey("industry.id"), index=True
    )
    industry = relationship("Industry")
    segment_id: Mapped[int | None] = mapped_column(
        sa.Integer, sa.ForeignKey("segment.id"), index=True
    )
    segment = relationship("Segment")
    source_id: Mapped[int | None] = mapped_column(
        sa.Integer, sa.ForeignKey("source.id"), index=True
    )
    source = relationship("Source")
    # The campaign that brought the client (its first paid invoice is the campaign's revenue).
    campaign_id: Mapped[int | None] = mapped_column(
        sa.Integer, sa.ForeignKey("campaign.id"), index=True
    )
    campaign = relationship("Campaign", foreign_keys=[campaign_id])
    needs: Mapped[str | None] = mapped_column(sa.Text)
    branch_id: Mapped[int | None] = mapped_column(
        sa.Integer, sa.ForeignKey("branch.id"), index=True
    )
    branch = relationship("Branch")
    owner_id: Mapped[int | None] = user_fk()
    owner = relationship(User, foreign_keys=[owner_id])
    is_key: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    approved_by_id: Mapped[int | None] = user_fk()
    approved_by = relationship(User, foreign_keys=[approved_by_id])
    approved_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    notes: Mapped[str | None] = mapped_column(sa.Text)
    # Required when the client is set to lost (client service); kept when it is won back,
    # so that the analysis of losses still reads why.
    loss_reason_id: Mapped[int | None] = mapped_column(
        sa.Integer, sa.ForeignKey("loss_reason.id"), index=True
    )
    loss_reason = relationship("LossReason")
    loss_note: Mapped[str | None] = mapped_column(sa.Text)
    # Kept by the client service: the day it was last set to lost, and the day it last
    # came back from lost to active (the win-back rule and rate read them).
    lost_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    won_back_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    # Kept by the nightly value-class job (app/core/services/value_class.py): C until the
    # client's paid revenue of the last 12 months puts it higher.
    value_class: Mapped[ValueClass] = choice(
        ValueClass, default=ValueClass.c, index=True, server_default=ValueClass.c.value
    )
    # Kept by the client service: a primary contact, industry, needs and source are known.
    is_complete: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False, index=True)

    contacts = relationship("Contact", back_populates="client", passive_deletes=True)


class ClientValueChange(Model):
    """A change of a client's value class, as the nightly job found it."""

    __tablename__ = "client_value_change"
    __table_args__ = (sa.Index("ix_client_value_change_client_day", "client_id", "changed_on"),)
    display_field = "changed_on"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("client.id", ondelete="CASCADE"), nullable=False
    )
    client = relationship("Client")
    changed_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    old_class: Mapped[ValueClass] = choice(ValueClass, constraint="ck_value_change_old_class")
    new_class: Mapped[ValueClass] = choice(ValueClass, constraint="ck_value_change_new_class")
    # The paid revenue of the 12 months up to the day, that put it in its new class.
    revenue: Mapped[Decimal] = mapped_column(sa.Numeric(16, 2), nullable=False)
