"""The home page: the parts each of the user's roles needs on its first screen (the day's
work, the KPIs against their goals, the system's health), each number one click from the
filtered list behind it. Which parts a role sees is data: PAGES."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property, partial

import sqlalchemy as sa
from flask import request
from flask_appbuilder import IndexView, expose
from flask_appbuilder.security.sqla.models import Role
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_login import current_user

from app.core.actor import (
    ADMIN,
    CUSTOMER_SERVICE,
    DIRECTOR,
    HEAD_OF_MARKETING,
    HEAD_OF_SALES,
    MARKETING,
    QUALITY_OFFICER,
    SALES_MANAGER,
    role_names,
)
from app.core.clock import business_now
from app.core.kpi.cache import KPI_ENTITIES, cached
from app.core.kpi.query import quarter_of
from app.core.kpi.report import KpiReport, kpi_report, kpi_trend
from app.core.models import Branch, Segment, Source, User
from app.core.models.reference import shown_name
from app.core.scope import UNRESTRICTED, head_branches
from app.core.services.errors import DomainError
from app.extensions import db
from app.web.kpi import period_arguments, period_text
from app.web.views.home import care, figures, marketing, system, work
from app.web.views.home.parts import SCOPE, Part
from app.web.views.local_values import date_pattern, language, read_date
from jobs.health import sweep_health

SALES_KPIS = ("activity", "new_clients", "revenue", "plan_completion", "profitability")
SERVICE_KPIS = ("inquiries", "timeliness", "complaints", "resolution_rate", "days_to_resolve")
QUALITY_KPIS = ("timeliness", "resolution_rate", "days_to_resolve", "sci")
LOSS_KPIS = ("lost", "win_back_rate")
COMPANY_KPIS = (
    "activity",
    "new_clients",
    "revenue",
    "plan_completion",
    "profitability",
    "timeliness",
    "resolution_rate",
    "sci",
)


def _kpis(keys, title, part="kpi"):
    return lambda home: figures.kpi_cards(home, keys, title, part)


def _mine(home):
    return work.tasks(home, team=False)


def _team(home):
    return work.tasks(home, team=True)


def _by_source(home):
    return figures.clients_by(home, "source", Source, _("Source"))


def _by_segment(home):
    return figures.clients_by(home, "segment", Segment, _("Segment"))


# The lost clients and their win-back (CRM control procedure), on marketing's pages.
LOSS_PARTS = (
    ("win_back", _kpis(LOSS_KPIS, _("Lost clients and win-back"), "win_back")),
    ("lost_clients", marketing.lost_by_reason),
    ("lost_managers", marketing.lost_by_manager),
)
# The parts of each role's page, in order, by key: a user of several roles sees each key
# once (the first role's version of it).
PAGES = {
    SALES_MANAGER: (
        ("tasks", _mine),
        ("recontacts", work.recontacts),
        ("invoice_ages", work.invoice_ages),
        ("kpi", _kpis(SALES_KPIS, _("My client base"))),
        ("prospects", work.prospects),
    ),
    HEAD_OF_SALES: (
        ("tasks", _team),
        ("recontacts", work.recontacts),
        ("invoice_ages", work.invoice_ages),
        ("kpi", _kpis(SALES_KPIS, _("The branch's client base"))),
        ("managers", figures.managers),
        ("prospects", work.prospects),
        ("inquiries", care.inquiries),
        ("nearing", work.nearing_rejection),
    ),
    CUSTOMER_SERVICE: (
        ("inquiries", care.inquiries),
        ("tasks", _mine),
        ("complaint_stages", care.complaint_stages),
        ("follow_ups", care.follow_ups),
        ("kpi", _kpis(SERVICE_KPIS, _("Requests and complaints"))),
    ),
    MARKETING: (
        ("sci", figures.sci_quarters),
        ("campaigns", marketing.campaigns),
        ("research", marketing.research),
        ("scorecards", marketing.scorecards),
        ("drops", figures.activity_drops),
        ("by_source", _by_source),
        ("by_segment", _by_segment),
        *LOSS_PARTS,
        ("tasks", _mine),
    ),
    # The process owner's page is marketing's: the campaigns to approve come first.
    HEAD_OF_MARKETING: (
        ("campaigns", marketing.campaigns),
        ("scorecards", marketing.scorecards),
        ("research", marketing.research),
        ("sci", figures.sci_quarters),
        ("drops", figures.activity_drops),
        ("by_source", _by_source),
        ("by_segment", _by_segment),
        *LOSS_PARTS,
        ("tasks", _mine),
    ),
    QUALITY_OFFICER: (
        ("complaint_stages", care.complaint_stages),
        ("corrective_actions", care.corrective_actions),
        ("kpi", _kpis(QUALITY_KPIS, _("Service quality"))),
        ("audit_chain", system.audit_chain),
        ("tasks", _mine),
    ),
    DIRECTOR: (
        ("kpi", _kpis(COMPANY_KPIS, _("Company KPIs against their goals"))),
        ("trend", figures.trend),
        ("key_clients", care.key_clients),
        ("service_reviews", care.service_reviews),
        ("scorecards", marketing.scorecards),
        ("tasks", _mine),
    ),
    ADMIN: (("system", system.system_health),),
}
# Parts read from the queues and files, not the database: drawn afresh each time.
LIVE = frozenset({"system", "audit_chain"})
# What each part reads beside the scope: it is kept until one of these changes, so a new
# request leaves a manager's task counts as they were, and a client's new phone number the
# lists of tasks. The KPI parts read the KPI service's records (its own answers are brought
# up to date by the change, app/core/kpi/store.py).
READS = {
    "tasks": ("task",),
    "recontacts": ("interaction",),
    "invoice_ages": ("invoice",),
    "nearing": ("invoice",),
    "prospects": ("client",),
    "campaigns": ("campaign",),
    "research": ("research",),
    "scorecards": ("scorecard", "scorecard_line"),
    "inquiries": ("inquiry",),
    "complaint_stages": ("complaint",),
    "follow_ups": ("complaint", "task"),
    "corrective_actions": ("complaint", "corrective_action"),
    # Key clients by name, manager, branch and creation: the scope's mark says when those
    # change (CLIENT_LINK).
    "key_clients": ("interaction",),
    "service_reviews": ("interaction",),
    "by_source": ("client", "source"),
    "by_segment": ("client", "segment"),
    **{key: KPI_ENTITIES for key in ("kpi", "sci", "drops", "trend", "win_back")},
    "lost_clients": ("client", "loss_reason"),
    "lost_managers": ("client",),
    # Its overdue tasks too (app/core/kpi/open_tasks.py).
    "managers": (*KPI_ENTITIES, "task"),
}
# Whose figures the manager filter offers.
SELLERS = (SALES_MANAGER, HEAD_OF_SALES)
# Whose version of a shared part comes first for a user of several roles.
ROLE_ORDER = (
    ADMIN,
    DIRECTOR,
    HEAD_OF_SALES,
    SALES_MANAGER,
    CUSTOMER_SERVICE,
    QUALITY_OFFICER,
    HEAD_OF_MARKETING,
    MARKETING,
)


@dataclass
class Home:
    """One user's home page request: who, when, and the KPI period and filters chosen."""

    user: object
    now: dt.datetime
    start: dt.date
    end: dt.date
    branch: int | None = None
    manager: int | None = None

    @property
    def today(self) -> dt.date:
        return self.now.date()

    @cached_property
    def kpi(self) -> KpiReport:
        """The period's KPIs, by branch and manager too (the managers' table, the drops)."""
        return kpi_report(self.start, self.end, self.branch, self.manager)

    @cached_property
    def totals(self) -> KpiReport:
        """The period's KPIs in total only (the cards)."""
        return kpi_report(self.start, self.end, self.branch, self.manager, groups=False)

    def trend(self):
        return kpi_trend(self.end, self.branch, self.manager)

    def period_note(self) -> str:
        return gettext("Period: %(period)s.", period=period_text(self.start, self.end))


def _period(now: dt.datetime) -> tuple[dt.date, dt.date, int | None, int | None]:
    """The KPI period and filters from the address, dates as the reader writes them (or
    ISO); a wrong value falls back to the current quarter up to today, for everyone."""
    try:
        start, end, branch, manager = period_arguments(request.args, read_date)
    except DomainError:
        return quarter_of(now.date())[0], now.date(), None, None
    return min(start, end), max(start, end), branch, manager


def parts_for(home: Home, roles: set[str]) -> list[Part]:
    """The parts of the user's roles' pages, each once, in the order of the roles. A part
    is kept until what it reads changes (READS), and for the minute at most (what is
    overdue moves with the clock); per user, language, period and filters."""
    seen, parts = set(), []
    question = (
        home.user.id,
        language(),
        home.now.replace(second=0),
        home.start,
        home.end,
        home.branch,
        home.manager,
    )
    for role in ROLE_ORDER:
        for key, make in PAGES[role] if role in roles else ():
            if key in seen:
                continue
            seen.add(key)
            if key in LIVE:
                parts.append(make(home))
            else:
                reads = tuple(sorted({*SCOPE, *READS[key]}))
                parts.append(
                    cached("home part", (role, key, *question), partial(make, home), reads)
                )
    return parts


def filter_choices(user, roles: set[str]) -> dict | None:
    """The KPI filters the user's scope allows: the period always; the branches and the
    managers of all of them for who sees every client, of their own branches for a head
    of sales; nothing for an administrator alone (whose page has no KPI)."""
    if roles <= {ADMIN}:
        return None
    branches = sa.select(Branch.id, Branch.name).order_by(Branch.name)
    if roles & UNRESTRICTED:
        pass
    elif HEAD_OF_SALES in roles:
        branches = branches.where(Branch.id.in_(head_branches(user)))
    else:
        return {"branches": [], "managers": []}
    branch_rows = db.session.execute(branches).all()
    sellers = (
        sa.select(User.id, User.first_name + " " + User.last_name)
        .where(User.active.is_(True), User.roles.any(Role.name.in_(SELLERS)))
        .order_by(User.first_name, User.last_name)
    )
    if not roles & UNRESTRICTED:
        sellers = sellers.where(User.branch_id.in_([row.id for row in branch_rows]))
    return {
        "branches": [(row.id, shown_name(row.name)) for row in branch_rows],
        "managers": db.session.execute(sellers).all(),
    }


class HomeView(IndexView):
    """The signed-in user's home page; the sign-in invitation for everyone else."""

    index_template = "home.html"

    @expose("/")
    def index(self):
        if not current_user.is_authenticated:
            return self.render_template(self.index_template, parts=[])
        now = business_now()
        start, end, branch, manager = _period(now)
        home = Home(current_user, now, start, end, branch, manager)
        try:
            parts = parts_for(home, role_names(current_user))
        except DomainError:  # a filter naming no branch or manager: the whole scope
            home = Home(current_user, now, start, end)
            parts = parts_for(home, role_names(current_user))
        return self.render_template(
            self.index_template,
            parts=parts,
            home=home,
            home_filters=filter_choices(current_user, role_names(current_user)),
            date_pattern=date_pattern(),
            sweep=sweep_health(db.session),
            # The administrator and quality see the last sweep even when all is well.
            show_last=bool(role_names(current_user) & {ADMIN, QUALITY_OFFICER}),
        )
