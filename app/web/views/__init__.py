"""The screens: each entity's from its declaration (app/core/entities/), refined by the
modules below where the entity needs more than the generated screen; the menu in the
declared places, with the report pages among them."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _

from app.core.entities import CATEGORIES, ENTITIES
from app.core.registry import MenuPlace

# Each module declares its screens (QmsModelView subclasses register themselves).
from app.web.views import (  # noqa: F401
    audit_log,
    bank_payment,
    campaign,
    client,
    complaint,
    contact,
    export,
    follow_up_rule,
    import_job,
    inquiry,
    interaction,
    invoice,
    local_values,
    notification,
    reference,
    research,
    sales_target,
    scorecard,
    security_event,
    survey,
    task,
)
from app.web.views.base import SCREENS, QmsModelView
from app.web.views.board import ComplaintBoardView, InvoiceBoardView
from app.web.views.calendar import CalendarFeedView, CalendarView
from app.web.views.report import AuditPackView, KpiWorkbookView
from app.web.views.search import SearchView

# The report pages are no entity's list; they sit among the entities' places.
REPORTS = (
    (KpiWorkbookView, MenuPlace(170, "KPI workbook", _("KPI workbook"), "fa-chart-bar", "Quality")),
    (AuditPackView, MenuPlace(180, "Audit pack", _("Audit pack"), "fa-archive", "Quality")),
    (CalendarView, MenuPlace(15, "Calendar", _("Calendar"), "fa-calendar-days", "Clients")),
    (
        InvoiceBoardView,
        MenuPlace(105, "Invoice board", _("Invoice board"), "fa-table-columns", "Sales"),
    ),
    (
        ComplaintBoardView,
        MenuPlace(135, "Complaint board", _("Complaint board"), "fa-table-columns", "Service"),
    ),
)


def screen_of(key: str, variant: str = "") -> type:
    """The screen class of an entity (and variant): the declared one, else a generated one."""
    if (key, variant) not in SCREENS:
        if variant:
            raise LookupError(f"{key} has no screen {variant!r}")
        model = ENTITIES[key].model
        attributes = {"entity_key": key, "__doc__": f"The list of {key}, generated."}
        type(f"{model.__name__}View", (QmsModelView,), attributes)
    return SCREENS[(key, variant)]


def menu() -> list[tuple[type, MenuPlace]]:
    """(screen, place) for every menu entry, in menu order."""
    entries = [
        (screen_of(entity.key, place.variant), place)
        for entity in ENTITIES
        for place in entity.menu
    ]
    return sorted(entries + list(REPORTS), key=lambda entry: entry[1].position)


# Every screen of a list (the menu's and those reached from a parent's page), and the
# report pages: what the permission tests walk.
VIEWS = [view for view, _place in menu() if issubclass(view, QmsModelView)] + [
    screen_of(entity.key) for entity in ENTITIES if not entity.menu
]
REPORT_VIEWS = [view for view, _place in REPORTS]


def register_views(appbuilder) -> None:
    # Templates show dates, times and numbers as the reader writes them.
    # The navbar's bell reads the signed-in user's unread notifications on each page.
    current_app.jinja_env.globals["unread_notifications"] = notification.unread_notifications
    current_app.jinja_env.filters.update(
        local_date=local_values.show_date,
        local_datetime=local_values.show_datetime,
        local_number=local_values.show_number,
        local_count=local_values.show_count,
    )
    for view, place in menu():
        category_label, category_icon = CATEGORIES[place.category]
        appbuilder.add_view(
            view,
            place.name,
            label=place.label,
            icon=place.icon,
            category=place.category,
            category_label=category_label,
            category_icon=category_icon,
        )
    for entity in ENTITIES:
        if not entity.menu:  # a screen reached from its parent's page (survey answers)
            appbuilder.add_view_no_menu(screen_of(entity.key))
    # The private calendar feed: opened by its secret token, by a calendar program.
    appbuilder.add_view_no_menu(CalendarFeedView)
    appbuilder.add_view_no_menu(SearchView)
