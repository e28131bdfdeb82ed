"""Entities: market research, the competitors it studies, and its files."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _

from app.core import models as m
from app.core.columns import Column
from app.core.models import Competitor, Research, ResearchCompetitor, ResearchFile
from app.core.models.choices import ResearchStatus
from app.core.registry import Entity, Fields, MenuPlace
from app.core.rule_subjects import RuleSubject, column_fields

DECLARED: list[Entity] = []
declare = DECLARED.append

# The plan, as the head of marketing approves it.
PLAN = (
    "title",
    "objective",
    "content",
    "method",
    "starts_on",
    "due_on",
    "budget",
    "currency",
    "responsible",
)
# The report, as they review it.
REPORT = ("reported_on", "findings", "conclusions", "recommendations", "brand_awareness")

declare(
    Entity(
        "research",
        Research,
        _("Market research"),
        _("Market research"),
        fields=Fields(
            list=("title", "method", "starts_on", "report_due", "status", "responsible"),
            search=("title", "method", "status", "responsible", "starts_on", "due_on"),
            add=PLAN,
            edit=(..., "status", *REPORT, "review_note", "reason"),
            show=(
                ...,
                "approved_by",
                "approved_at",
                "reviewed_by",
                "reviewed_at",
                "created_on",
                "changed_on",
            ),
            order=("title", "starts_on", "due_on", "status"),
            sort=("due_on", "desc"),
        ),
        menu=(
            MenuPlace(182, "Market research", _("Market research"), "fa-microscope", "Marketing"),
        ),
        register=(
            "title",
            Column("objective", width=40),
            "method",
            "starts_on",
            "due_on",
            "budget",
            "currency",
            "responsible",
            "status",
            "approved_by",
            "approved_at",
            "reported_on",
            Column("findings", width=50),
            Column("conclusions", width=50),
            Column("recommendations", width=50),
            "brand_awareness",
            "reviewed_by",
            "reviewed_at",
        ),
        audit_period="starts_on",
        import_key=("title",),
        rules=RuleSubject(
            model=Research,
            # Of no client: its responsible person is the owner; no branch head.
            joins=lambda query: query.outerjoin(m.Client, sa.false()).outerjoin(
                m.Branch, sa.false()
            ),
            owner=Research.responsible_id,
            label=Research.title,
            client_id=sa.null(),
            status=ResearchStatus,
            flags=(),
            fields=column_fields(Research, "id", "starts_on", "due_on", "status"),
        ),
    )
)
declare(
    Entity(
        "competitor",
        Competitor,
        _("Competitor"),
        _("Competitors"),
        fields=Fields(
            list=("name", "region", "price_position", "market_share", "website"),
            search=("name", "region", "price_position", "products"),
            add=(
                "name",
                "website",
                "region",
                "products",
                "price_position",
                "market_share",
                "strengths",
                "weaknesses",
                "note",
            ),
            show=(..., "created_on", "changed_on"),
            order=("name", "region", "market_share"),
            sort=("name", "asc"),
        ),
        menu=(MenuPlace(183, "Competitors", _("Competitors"), "fa-chess", "Marketing"),),
        register=(
            "name",
            "website",
            "region",
            Column("products", width=40),
            "price_position",
            "market_share",
            Column("strengths", width=40),
            Column("weaknesses", width=40),
            Column("note", width=40),
        ),
        import_key=("name",),
    )
)
declare(
    Entity(
        "research_competitor",
        ResearchCompetitor,
        _("Competitor studied"),
        _("Competitors studied"),
        fields=Fields(
            list=("research", "competitor", "observation"),
            search=("research", "competitor"),
            add=("research", "competitor", "observation"),
            order=(),
        ),
        register=("research", "competitor", Column("observation", width=60)),
    )
)
declare(
    Entity(
        "research_file",
        ResearchFile,
        _("Research file"),
        _("Research files"),
        # Uploaded, never typed in (app/web/views/research.py): no add or edit form.
        fields=Fields(
            list=("research", "file_name", "description", "size", "created_by", "created_on"),
            search=("research", "file_name", "description"),
            show=("research", "file_name", "description", "content_type", "size", "sha256")
            + ("created_by", "created_on"),
            order=("file_name", "size", "created_on"),
            sort=("created_on", "desc"),
        ),
        audit_period="created_on",
    )
)
