"""Entities: the follow-up rules, their runs and the working calendar they count in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _

from app.core.models import (
    CalendarDay,
    FollowUpRule,
    RuleRun,
    WorkingCalendar,
)
from app.core.registry import (
    RULES,
    Entity,
    Fields,
    MenuPlace,
)

DECLARED: list[Entity] = []
declare = DECLARED.append

declare(
    Entity(
        "follow_up_rule",
        FollowUpRule,
        _("Follow-up rule"),
        _("Follow-up rules"),
        fields=Fields(
            list=("code", "name", "entity", "enabled", "once_per", "skipped_count"),
            search=("code", "name", "entity", "enabled"),
            add=(
                "code",
                "name",
                "description",
                "enabled",
                "entity",
                "trigger",
                "conditions",
                "action",
                "once_per",
            ),
            show=(..., "skipped_count"),
            order=("code", "name", "entity"),
            sort=("id", "asc"),
        ),
        group=RULES,
        menu=(
            MenuPlace(270, "Follow-up rules", _("Follow-up rules"), "fa-bell", "Administration"),
        ),
    )
)
declare(
    Entity(
        "rule_run",
        RuleRun,
        _("Rule run"),
        _("Rule runs"),
        fields=Fields(
            list=("as_of", "started_at", "finished_at", "status", "matched", "acted", "errors"),
            search=("as_of", "status"),
            show=(..., "results"),
            order=("as_of", "started_at"),
            sort=("id", "desc"),
        ),
        group=RULES,
        audited=False,
        menu=(
            MenuPlace(280, "Rule runs", _("Rule runs"), "fa-clock-rotate-left", "Administration"),
        ),
        register=("as_of", "started_at", "finished_at", "status", "matched", "acted", "errors"),
        audit_period="as_of",
    )
)
declare(
    Entity(
        "working_calendar",
        WorkingCalendar,
        _("Working calendar"),
        _("Working calendar"),
        fields=Fields(
            search=("name",),
            add=("name", "work_days", "day_starts", "day_ends"),
        ),
        group=RULES,
        menu=(
            MenuPlace(
                290, "Working calendar", _("Working calendar"), "fa-calendar", "Administration"
            ),
        ),
    )
)
declare(
    Entity(
        "calendar_day",
        CalendarDay,
        _("Calendar day"),
        _("Holidays and moved days"),
        fields=Fields(
            add=("day", "is_working", "description"),
            order=("day",),
            sort=("day", "desc"),
        ),
        group=RULES,
        menu=(
            MenuPlace(
                300,
                "Holidays",
                _("Holidays and moved days"),
                "fa-calendar-day",
                "Administration",
            ),
        ),
    )
)
