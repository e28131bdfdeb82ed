"""Imports every service module so that their checks are registered with the guard; the
person-field check is registered last (it checks what the others set), the value check
first (the others may then rely on well-formed values)."""

from app.services import (  # noqa: F401
    client,
    complaint,
    corrective_action,
    inquiry,
    interaction,
    invoice,
    people,
    rule_definition,
    survey,
    task,
    values,
    working_calendar,
)

people.register()
values.register()
