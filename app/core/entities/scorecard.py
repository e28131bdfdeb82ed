"""Entities: the departments' scorecards and their indicators."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _

from app.core import models as m
from app.core.columns import Column
from app.core.models import Scorecard, ScorecardLine
from app.core.models.choices import ScorecardStatus
from app.core.registry import Entity, Fields, MenuPlace
from app.core.rule_subjects import RuleSubject, column_fields

DECLARED: list[Entity] = []
declare = DECLARED.append

# What a scorecard is: the department's and period's, and where it stands.
HEADER = ("number", "department", "period", "starts_on", "ends_on", "status")

declare(
    Entity(
        "scorecard",
        Scorecard,
        _("Scorecard"),
        _("Scorecards"),
        # Drafted by the scheduler: never added by hand; reviewed, approved or reopened.
        fields=Fields(
            list=("number", "department", "period", "starts_on", "status", "approved_by"),
            search=("department", "period", "status", "starts_on"),
            edit=("status", "note", "reason"),
            show=(
                *HEADER,
                "note",
                "reason",
                "drafted_on",
                "computed_at",
                "reviewed_by",
                "reviewed_at",
                "approved_by",
                "approved_at",
            ),
            order=("number", "starts_on", "status"),
            sort=("starts_on", "desc"),
        ),
        menu=(MenuPlace(181, "Scorecards", _("Scorecards"), "fa-clipboard-check", "Marketing"),),
        register=(
            *HEADER,
            "drafted_on",
            "reviewed_by",
            "reviewed_at",
            "approved_by",
            "approved_at",
            Column("note", width=50),
        ),
        audit_period="starts_on",
        rules=RuleSubject(
            model=Scorecard,
            # Of no client; the reviewer is its owner; no branch head.
            joins=lambda query: query.outerjoin(m.Client, sa.false()).outerjoin(
                m.Branch, sa.false()
            ),
            owner=Scorecard.reviewed_by_id,
            label=Scorecard.number,
            client_id=sa.null(),
            status=ScorecardStatus,
            flags=(),
            fields=column_fields(Scorecard, "id", "department", "period", "drafted_on", "status"),
        ),
    )
)
declare(
    Entity(
        "scorecard_line",
        ScorecardLine,
        _("Scorecard indicator"),
        _("Scorecard indicators"),
        fields=Fields(
            list=("scorecard", "indicator", "value", "goal", "computed", "entered_by"),
            search=("scorecard", "indicator", "computed"),
            edit=("value", "note"),
            show=(
                "scorecard",
                "indicator",
                "value",
                "goal",
                "computed",
                "note",
                "entered_by",
                "entered_at",
            ),
            order=("indicator",),
            sort=("position", "asc"),
        ),
        register=(
            "scorecard",
            "indicator",
            "value",
            "goal",
            "computed",
            "entered_by",
            "entered_at",
            Column("note", width=40),
        ),
        audit_period="created_on",
    )
)
