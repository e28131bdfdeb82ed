"""Entities: what belongs to one user: notifications and exports."""

from __future__ import annotations

from flask_babel import lazy_gettext as _

from app.core.actor import QUALITY_OFFICER
from app.core.models import (
    ExportJob,
    ImportJob,
    Notification,
)
from app.core.registry import (
    PERSONAL,
    Entity,
    Fields,
    MenuPlace,
)
from app.core.scope import personal

DECLARED: list[Entity] = []
declare = DECLARED.append

declare(
    Entity(
        "notification",
        Notification,
        _("Notification"),
        _("Notifications"),
        fields=Fields(
            list=("created_on", "title", "client", "read_at", "emailed_at"),
            search=("created_on", "title", "client", "origin", "read_at"),
            show=(..., "body", "origin", "related_entity", "related_id", "user"),
            order=("created_on", "title", "read_at"),
            sort=("created_on", "desc"),
        ),
        group=PERSONAL,
        audited=False,
        menu=(
            MenuPlace(20, "Notifications", _("My notifications"), "fa-envelope", "Clients", "mine"),
        ),
        scope=personal(Notification.user_id),
    )
)
declare(
    Entity(
        "export_job",
        ExportJob,
        _("Export"),
        _("My exports"),
        fields=Fields(
            list=("created_on", "title", "kind", "status", "rows_written", "rows_total"),
            search=("created_on", "title", "kind", "status"),
            show=(
                "created_on",
                "title",
                "kind",
                "status",
                "file_name",
                "filters_text",
                "rows_written",
                "rows_total",
                "finished_at",
                "expires_on",
                "error",
                "user",
            ),
            order=("created_on", "title", "status"),
            sort=("created_on", "desc"),
        ),
        group=PERSONAL,
        audited=False,
        menu=(MenuPlace(30, "Exports", _("My exports"), "fa-file-excel", "Clients"),),
        scope=personal(ExportJob.user_id),
    )
)
declare(
    Entity(
        "import_job",
        ImportJob,
        _("Import"),
        _("Imports"),
        fields=Fields(
            list=(
                "created_on",
                "file_name",
                "entity",
                "mode",
                "status",
                "rows_total",
                "created_count",
                "updated_count",
                "error_count",
                "user",
            ),
            search=("created_on", "file_name", "entity", "status", "user"),
            show=(
                "created_on",
                "user",
                "file_name",
                "checksum",
                "entity",
                "sheet",
                "mode",
                "dry_run",
                "status",
                "rows_total",
                "rows_done",
                "created_count",
                "updated_count",
                "unchanged_count",
                "error_count",
                "warning_count",
                "started_at",
                "finished_at",
                "error",
                "reverted_at",
                "reverted_by",
            ),
            order=("created_on", "file_name", "status"),
            sort=("created_on", "desc"),
        ),
        group=PERSONAL,
        audited=False,
        menu=(MenuPlace(275, "Imports", _("Imports"), "fa-file-import", "Administration"),),
        # The history of imports is part of what an audit reads: the quality officer,
        # who reads everything, sees everyone's (and, writing nothing, applies none).
        scope=personal(ImportJob.user_id, readers=(QUALITY_OFFICER,)),
    )
)
