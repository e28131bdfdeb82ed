"""Domain errors: what went wrong, per field, in words a user can act on."""

from __future__ import annotations

from flask_babel import lazy_gettext as _

from app.core.text import has_visible


class DomainError(Exception):
    """A rule of the business was broken; nothing was saved."""

    status_code = 422

    def __init__(self, messages: dict | str, field: str | None = None):
        if isinstance(messages, dict):
            self.messages = {
                key: [str(m) for m in (v if isinstance(v, list) else [v])]
                for key, v in messages.items()
            }
        else:
            self.messages = {field or "_schema": [str(messages)]}
        super().__init__(self.text())

    def text(self) -> str:
        return "; ".join(
            (f"{field}: " if field != "_schema" else "") + " ".join(messages)
            for field, messages in self.messages.items()
        )


def check_transition(transitions: dict, old, new, message) -> None:
    """Refuse a status change the entity's transition table does not allow.

    `message` is a lazy string with %(old)s and %(new)s placeholders.
    """
    if new not in transitions[old]:
        # The table's keys are its statuses (and None, where a record starts); one given as
        # a plain string (the API, a test) is labelled all the same.
        statuses = next(type(status) for status in transitions if status is not None)

        def label(value):
            return statuses.label_for(value) if value else "—"

        raise DomainError({"status": str(message) % {"old": label(old), "new": label(new)}})


class StaleEdit(DomainError):
    """Someone saved the record after it was loaded; nothing was overwritten."""

    status_code = 409

    @classmethod
    def lost_race(cls) -> StaleEdit:
        """Two saves of the same version at the same moment: the database's WHERE on the
        version let one through."""
        return cls(_("Someone saved this record at the same moment: reload it."))


class NotFound(DomainError):
    """No such record among those the actor sees."""

    status_code = 404


def filled(record, field: str) -> bool:
    """A text with something in it, or a link set by object or by id."""
    value = getattr(record, field)
    if isinstance(value, str):
        return bool(value.strip())
    return value is not None or getattr(record, f"{field}_id", None) is not None


class NotAllowed(DomainError):
    """The actor may not do this, whatever the data."""

    status_code = 403


class Collector:
    """Gathers every problem of one record so the user sees them all at once."""

    def __init__(self):
        self.messages: dict[str, list[str]] = {}

    def add(self, field: str, message) -> None:
        self.messages.setdefault(field, []).append(str(message))

    def require(self, obj, *fields: str) -> None:
        """Each field has a value: text counts only if something of it can be seen."""
        for field in fields:
            value = getattr(obj, field)
            if value is None or (isinstance(value, str) and not has_visible(value)):
                self.add(field, _("This field is required."))

    def require_link(self, obj, *relations: str) -> None:
        """A link (e.g. `client`) must be set, as an object or as its id."""
        for relation in relations:
            # The id first: reading the relationship would load the linked record.
            if getattr(obj, f"{relation}_id") is None and getattr(obj, relation) is None:
                self.add(relation, _("This field is required."))

    def raise_if_any(self) -> None:
        if self.messages:
            raise DomainError(self.messages)
