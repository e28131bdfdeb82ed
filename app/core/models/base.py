"""Column helpers shared by the entity modules."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_appbuilder.security.sqla.models import User
from sqlalchemy.orm import Mapped, MappedColumn, declared_attr, mapped_column, relationship

from app.core.actor import current_actor_id
from app.core.clock import business_now

# What a column allows beyond its type, declared in its `info`: checked on every save
# (app/core/services/values.py) and stated in the API's schemas and OpenAPI spec.
FACT = "fact"  # when something happened: never in the future (True, or the message to give)
MINIMUM = "minimum"  # (bound, exclusive)
TEXT_MAX = 20_000  # characters of a Text column, unless its info gives "max_length"
POSITIVE = {MINIMUM: (0, True)}
NOT_NEGATIVE = {MINIMUM: (0, False)}
FILLED_BY_SERVICE = "filled_by_service"
# Kept for the machine only (a link token's hash): never shown, not even in a history.
INTERNAL = {"internal": True}


def filled_by_service(setting: str) -> dict:
    """`info` of a required column that its service fills, when it is not given, from the
    configuration `setting`: the API does not ask for it, and forms start with it."""
    return {FILLED_BY_SERVICE: setting}


def fact(message=True) -> dict:
    """`info` of a column that records when something happened."""
    return {FACT: message}


def choice(
    enum_class, default=None, nullable=False, constraint: str | None = None, **kwargs
) -> MappedColumn[Any]:
    """A column holding one value of `enum_class`, checked by the database too (by a CHECK
    named after the enum, or `constraint` where a table has two columns of it)."""
    return mapped_column(
        sa.Enum(
            enum_class,
            name=constraint or f"ck_{enum_class.__name__.lower()}",
            native_enum=False,
            create_constraint=True,
            length=max(len(member.value) for member in enum_class),
            values_callable=lambda members: [member.value for member in members],
        ),
        default=default,
        nullable=nullable,
        **kwargs,
    )


def user_fk(nullable=True, **kwargs) -> MappedColumn[Any]:
    return mapped_column(
        sa.Integer, sa.ForeignKey(User.id), nullable=nullable, index=True, **kwargs
    )


def now() -> datetime:
    """Business-time 'now' as a naive datetime (naive times are in QMS_TIMEZONE)."""
    return business_now()


def current_user_id() -> int | None:
    """The logged-in user's id; None for jobs, seeds and the command line."""
    return current_actor_id()


def search_key(text: str | None) -> str | None:
    """The case-folded form of a name, kept in an indexed `<column>_key` for prefix search
    (Unicode-aware, unlike SQLite's lower(), and index-friendly, unlike ILIKE)."""
    return text.strip().casefold() if text is not None else None


def phone_key(text: str | None) -> str | None:
    """A phone number's digits, kept in an indexed `phone_key`: "+7 (495) 123-45-67" and
    "74951234567" are found by the same search."""
    digits = "".join(character for character in text or "" if character.isdigit())
    return digits or None


def search_key_column(**kwargs) -> MappedColumn[Any]:
    """Compared by code point on PostgreSQL too, so that a prefix is an index range."""
    return mapped_column(sa.Text().with_variant(sa.Text(collation="C"), "postgresql"), **kwargs)


def unchanged_audit(model) -> dict:
    """Values for a set-based UPDATE of derived columns that is not anybody's edit:
    keeps changed_on/changed_by instead of letting their onupdate defaults fire."""
    return {"changed_on": model.changed_on, "changed_by_id": model.changed_by_id}


class Audited:
    """Created/changed on and by; the actor is nullable because jobs act as no user."""

    display_field = "id"
    if TYPE_CHECKING:  # every audited model declares its own key
        id: Mapped[int]

    # Optimistic locking: the version a form or API client loaded must still be the stored
    # one when it saves (checked by the guard; the UPDATE's WHERE closes the race).
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.version, "version_id_generator": False}

    created_on: Mapped[datetime] = mapped_column(sa.DateTime, default=now, nullable=False)
    changed_on: Mapped[datetime] = mapped_column(
        sa.DateTime, default=now, onupdate=now, nullable=False
    )

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.Integer, sa.ForeignKey(User.id), default=current_user_id)

    @declared_attr
    def changed_by_id(cls) -> Mapped[int | None]:
        return mapped_column(
            sa.Integer, sa.ForeignKey(User.id), default=current_user_id, onupdate=current_user_id
        )

    @declared_attr
    def created_by(cls: Any):
        return relationship(User, foreign_keys=f"{cls.__name__}.created_by_id")

    @declared_attr
    def changed_by(cls: Any):
        return relationship(User, foreign_keys=f"{cls.__name__}.changed_by_id")

    def __str__(self) -> str:
        return str(getattr(self, self.display_field, None) or self.id)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id}>"


__all__ = [
    "FACT",
    "MINIMUM",
    "NOT_NEGATIVE",
    "POSITIVE",
    "TEXT_MAX",
    "fact",
    "sa",
    "Audited",
    "User",
    "choice",
    "search_key",
    "search_key_column",
    "unchanged_audit",
    "user_fk",
    "now",
]
