"""Business time: naive datetimes are in QMS_TIMEZONE."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "Europe/Moscow"


def business_zone() -> ZoneInfo:
    name = current_app.config.get("TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or DEFAULT_TIMEZONE)


def business_now() -> datetime:
    return datetime.now(business_zone()).replace(tzinfo=None, microsecond=0)


def business_today() -> date:
    return business_now().date()
