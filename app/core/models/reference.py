"""Reference data an administrator edits: branches, departments, industries, sources, segments
and the reasons clients are lost."""

from flask_appbuilder import Model
from flask_babel import gettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models.base import Audited, User, sa, user_fk


def shown_name(name: str | None) -> str:
    """A reference list's stored name as the reader reads it: the lists an installation
    starts with are kept in English and read in the reader's language (seeds/reference.py);
    a name added later reads as written."""
    return gettext(name) if name else ""


class ReferenceData(Audited):
    """A named entry of a reference list."""

    display_field = "name"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(150), nullable=False, unique=True)

    def __str__(self) -> str:
        return shown_name(self.name)


class Branch(ReferenceData, Model):
    """A sales branch; its head sees the branch's clients."""

    __tablename__ = "branch"
    head_id: Mapped[int | None] = user_fk()
    head = relationship(User, foreign_keys=[head_id])


class Department(ReferenceData, Model):
    """A department that can be made responsible for a complaint or an action."""

    __tablename__ = "department"


class Industry(ReferenceData, Model):
    """The client's industry."""

    __tablename__ = "industry"


class Source(ReferenceData, Model):
    """How a client heard of us."""

    __tablename__ = "source"


class Segment(ReferenceData, Model):
    """A marketing segment of clients."""

    __tablename__ = "segment"


class LossReason(ReferenceData, Model):
    """Why a client was lost: the lost-client analysis groups by it."""

    __tablename__ = "loss_reason"
