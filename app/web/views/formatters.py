"""How values read on lists and record pages: labels for stored keys, business time,
yes/no, and nothing at all for an empty value (never Python's "None")."""

from datetime import UTC, date, datetime
from decimal import Decimal

from flask_babel import gettext
from flask_babel import lazy_gettext as _

from app.core.clock import business_zone
from app.core.entities import ENTITIES
from app.core.labels import role_label
from app.core.models.task import MANUAL_ORIGIN, RULE_ORIGIN
from app.web.views.local_values import show_count, show_date, show_datetime, show_number


def choice_labels(enum_class):
    """A formatter of a choice column: lists hand formatters raw stored strings, show pages
    hand enum members; both read as the enum's label."""

    def label(value) -> str:
        return "" if value is None else enum_class.label_for(value)

    return label


def business_time(value) -> str:
    """A time the logs keep in UTC, shown in the business time zone."""
    if value is None:
        return ""
    moment = value.replace(tzinfo=UTC).astimezone(business_zone())
    return show_datetime(moment, seconds=True)


def blank(value):
    """An empty value is shown empty, not as Python's "None"; dates, times and amounts as
    the reader writes them."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return show_datetime(value)
    if isinstance(value, date):
        return show_date(value)
    if isinstance(value, (Decimal, float)):
        return show_number(value)
    return value


def file_size(size) -> str:
    """A file's size in the unit that reads best, in the reader's numbers."""
    if size is None:
        return ""
    if size < 1024:
        return gettext("%(size)s bytes", size=show_count(size))
    if size < 1024 * 1024:
        return gettext("%(size)s KB", size=show_number(Decimal(size) / 1024, "#,##0.0"))
    return gettext("%(size)s MB", size=show_number(Decimal(size) / (1024 * 1024), "#,##0.0"))


def yes_no(value) -> str:
    return "" if value is None else str(_("Yes") if value else _("No"))


def role_names(roles) -> str:
    """A user's roles, translated, comma-separated."""
    return ", ".join(role_label(role.name) for role in roles or ())


def translated(text) -> str:
    """A name kept in English that people read in their language (the reference lists
    and rules an installation starts with); one added later reads as written."""
    return gettext(text) if text else ""


def origin_label(origin: str | None) -> str:
    """Where a task or notification came from: set by hand, or by which rule (named by
    its code, as the rules list names it); never the stored key."""
    if not origin:
        return ""
    if origin == MANUAL_ORIGIN:
        return gettext("Set by hand")
    if origin.startswith(RULE_ORIGIN):
        return gettext("Rule %(code)s", code=origin.removeprefix(RULE_ORIGIN))
    return origin


# The trail and links keep table names; a person reads what kind of record it was (users
# and roles are FAB's records, in the audit trail only).
RECORD_KINDS = {entity.key: entity.one for entity in ENTITIES} | {
    "user": _("User"),
    "role": _("Role"),
}


def record_kind(key: str | None) -> str:
    """A record's kind by its entity's label; an unknown table reads as stored."""
    return str(RECORD_KINDS.get(key, key)) if key else ""
