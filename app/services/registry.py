"""Imports every service module so that their checks are registered with the guard."""

from app.services import (  # noqa: F401
    client,
    complaint,
    corrective_action,
    inquiry,
    interaction,
    invoice,
    survey,
    task,
)
