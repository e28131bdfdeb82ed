"""Entities: tasks of managers, set by people and by the follow-up rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _

from app.core.columns import Column
from app.core.models import (
    Task,
)
from app.core.registry import (
    Entity,
    Fields,
    MenuPlace,
)
from app.core.scope import of_client, or_assigned

DECLARED: list[Entity] = []
declare = DECLARED.append

declare(
    Entity(
        "task",
        Task,
        _("Task"),
        _("Tasks"),
        many_rows=True,
        fields=Fields(
            list=("due_at", "title", "client", "assignee", "status", "origin"),
            search=("title", "client", "assignee", "status", "origin", "due_at"),
            add=("title", "description", "client", "assignee", "due_at"),
            edit=(..., "status", "result"),
            show=(
                ...,
                "origin",
                "related_entity",
                "related_id",
                "done_at",
                "created_on",
                "changed_on",
            ),
            order=("due_at", "title", "status"),
            sort=("due_at", "asc"),
        ),
        menu=(
            MenuPlace(10, "My tasks", _("My tasks"), "fa-tasks", "Clients", "mine"),
            MenuPlace(90, "Tasks", _("Tasks"), "fa-list-check", "Clients"),
        ),
        register=(
            "due_at",
            Column("title", width=40),
            "client",
            "assignee",
            "status",
            "origin",
            "done_at",
            Column("result", width=40),
        ),
        audit_period="created_on",
        scope=or_assigned(Task.assignee_id, of_client(Task.client_id)),
    )
)
