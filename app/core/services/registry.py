"""Imports every service module so that their checks are registered with the guard.
`register()`, called by create_app once every feature's checks are in (the rules' too),
adds the value check first (the others may then rely on well-formed values) and the
person-field check last (it checks what the others set)."""

from app.core.services import (  # noqa: F401
    bank_payment,
    campaign,
    client,
    complaint,
    corrective_action,
    inquiry,
    interaction,
    invoice,
    people,
    research,
    research_file,
    sales_target,
    scorecard,
    survey,
    survey_invitation,
    task,
    values,
    working_calendar,
)


def register() -> None:
    people.register()
    values.register()
