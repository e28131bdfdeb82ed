"""Imports every service module so that their checks are registered with the guard."""

from app.services import (  # noqa: F401
    client,
    complaint,
    corrective_action,
    inquiry,
    interaction,
    invoice,
    rule_definition,
    survey,
    task,
    working_calendar,
)
