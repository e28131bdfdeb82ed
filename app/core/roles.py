"""The roles of qms-crm as data: which entity each may read, write or approve."""

from collections.abc import Iterable
from typing import Any

from app.core import registry
from app.core.actor import (
    ADMIN,
    CUSTOMER_SERVICE,
    DIRECTOR,
    HEAD_OF_MARKETING,
    HEAD_OF_SALES,
    MARKETING,
    QUALITY_OFFICER,
    SALES_MANAGER,
)
from app.core.entities import ENTITIES as REGISTRY
from app.core.permissions import APPROVE, READ, VERIFY, WRITE

R = (READ,)
RW = (READ, WRITE)
REFERENCE = REGISTRY.permissions(registry.REFERENCE)
# The records of the processes and the reference lists, by permission name.
ENTITIES = REGISTRY.permissions(registry.PROCESS) + REFERENCE

# Every user reads their own notifications (the row scope keeps them personal).
PERSONAL = REGISTRY.permissions(registry.PERSONAL)

# Report pages that are not an entity's list: the KPI workbook and the audit pack.
REPORTS = ("KpiReport", "AuditPack")

# Rules and the calendar are the administrator's; quality reads them for audits.
RULES = REGISTRY.permissions(registry.RULES)
# The trails nobody edits: quality (and Admin) read them.
TRAILS = REGISTRY.permissions(registry.TRAIL)


def _all(access: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return {entity: access for entity in ENTITIES}


_SALES = {
    "Client": RW,
    "Contact": RW,
    "Interaction": RW,
    "Invoice": RW,
    "Payment": RW,
    "BankPayment": RW,
    "Task": RW,
    "Inquiry": R,
    "Complaint": R,
    "CorrectiveAction": R,
    "Survey": R,
    "SurveyQuestion": R,
    "SurveyResponse": R,
    "SurveyInvitation": R,
    # The campaigns they took part in, what they cost and how they did (the row scope).
    "Campaign": R,
    "CampaignCost": R,
    "CampaignEvaluation": R,
    # The nightly value classes' trail of their clients (the row scope).
    "ClientValueChange": R,
    # Their own targets (a head of sales: their branches', which they set).
    "SalesTarget": R,
    # Market research and competitors inform their selling; the departments' scorecards.
    "Research": R,
    "ResearchCompetitor": R,
    "ResearchFile": R,
    "Competitor": R,
    "Scorecard": R,
    "ScorecardLine": R,
    **{entity: R for entity in REFERENCE},
}

_MARKETING = {
    **_all(R),
    "Survey": RW,
    "SurveyQuestion": RW,
    "SurveyResponse": RW,
    "SurveyInvitation": RW,
    "Segment": RW,
    "Campaign": RW,
    "CampaignCost": RW,
    "CampaignEvaluation": RW,
    "Research": RW,
    "ResearchCompetitor": RW,
    "ResearchFile": RW,
    "Competitor": RW,
    "Scorecard": RW,
    "ScorecardLine": RW,
    "Task": RW,
    "KpiReport": R,
    "ClientValueChange": R,
}

ROLES: dict[str, dict[str, tuple]] = {
    # Every role reads the KPIs (home page, workbook, API), each within its row scope: a
    # manager's are their own clients'.
    SALES_MANAGER: {**_SALES, "KpiReport": R},
    # Heads of sales set the sales targets of their branches (the row scope).
    HEAD_OF_SALES: {**_SALES, "Client": RW + (APPROVE,), "SalesTarget": RW, "KpiReport": R},
    MARKETING: _MARKETING,
    # Owns the process "client attraction and marketing": approves what marketing plans.
    HEAD_OF_MARKETING: {
        **_MARKETING,
        "Campaign": RW + (APPROVE,),
        "Research": RW + (APPROVE,),
        "Scorecard": RW + (APPROVE,),
    },
    CUSTOMER_SERVICE: {
        **_all(R),
        "Client": RW,
        "Contact": RW,
        "Interaction": RW,
        "Inquiry": RW,
        "Complaint": RW,
        # The department that carries out an action reports it done through service.
        "CorrectiveAction": RW,
        "SurveyResponse": RW,
        "Task": RW,
        "KpiReport": R,
        "ClientValueChange": R,
    },
    # The audit trail is for quality (and Admin); it is not an entity of the processes.
    QUALITY_OFFICER: {
        **_all(R),
        **{entity: R for entity in RULES},
        "CorrectiveAction": R + (VERIFY,),
        **{entity: R for entity in TRAILS},
        "KpiReport": R,
        "AuditPack": R,
    },
    DIRECTOR: {
        **_all(R),
        "Interaction": RW,
        "Task": RW,
        "KpiReport": R,
        "ClientValueChange": R,
    },
}
for _grants in ROLES.values():
    _grants.update({entity: R for entity in PERSONAL})


def holders(entity: str, access: str) -> tuple[str, ...]:
    """The roles granted `access` to `entity` (Admin holds every access besides)."""
    return tuple(role for role, grants in ROLES.items() if access in grants.get(entity, ()))


def _writers(entity: str) -> tuple[str, ...]:
    return holders(entity, WRITE)


# Who may be named in a record's person field: the roles that do that work. Whom a given
# user may name among them is their reach (app/core/services/people.py). Admin is not staff.
PERSON_FIELDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("Client", "owner"): (SALES_MANAGER, HEAD_OF_SALES),
    ("Invoice", "owner"): (SALES_MANAGER, HEAD_OF_SALES),
    ("Interaction", "owner"): _writers("Interaction"),
    ("Task", "assignee"): _writers("Task"),
    ("Inquiry", "assignee"): _writers("Inquiry"),
    # Quality investigates complaints; customer service keeps the record.
    ("Complaint", "investigator"): _writers("Complaint") + (QUALITY_OFFICER,),
    # Any member of staff may carry out a corrective action; quality included.
    ("CorrectiveAction", "responsible"): tuple(ROLES),
    ("Survey", "scope_manager"): (SALES_MANAGER, HEAD_OF_SALES),
    ("Campaign", "responsible"): (MARKETING, HEAD_OF_MARKETING),
    ("CampaignEvaluation", "evaluator"): (MARKETING, HEAD_OF_MARKETING),
    ("Research", "responsible"): (MARKETING, HEAD_OF_MARKETING),
    ("Branch", "head"): (HEAD_OF_SALES,),
}

# Row scope per role, for the matrix; the rules themselves are in scope.py.
SCOPES = {
    ADMIN: "all records",
    SALES_MANAGER: "own clients and their records; tasks and requests assigned to them",
    HEAD_OF_SALES: (
        "clients of the branches they head, and their own; new callers' inquiries (no client "
        "card) assigned to people of those branches"
    ),
    MARKETING: "all records",
    HEAD_OF_MARKETING: "all records",
    CUSTOMER_SERVICE: "all records",
    QUALITY_OFFICER: "all records (read only, but for verifying corrective actions)",
    DIRECTOR: "all records",
}

# What every signed-in user needs: their own profile, password, the menu and the API spec.
COMMON = [
    ("can_userinfo", "UserDBModelView"),
    ("resetmypassword", "UserDBModelView"),
    ("userinfoedit", "UserDBModelView"),
    ("can_this_form_get", "ResetMyPasswordView"),
    ("can_this_form_post", "ResetMyPasswordView"),
    ("can_this_form_get", "UserInfoEditView"),
    ("can_this_form_post", "UserInfoEditView"),
    ("can_get", "MenuApi"),
    ("can_get", "OpenApi"),
    ("can_show", "SwaggerView"),
]


def permissions_of(role: str, menu: Iterable[tuple[Any, Any]]) -> set[tuple[str, str]]:
    """(permission, view menu) pairs for a role; `menu` is app.web.views.menu(), the (screen,
    place) pairs whose entries the role may open."""
    pairs = set(COMMON)
    grants = ROLES[role]
    for entity, accesses in grants.items():
        pairs |= {(f"can_{access}", entity) for access in accesses}
    for view, place in menu:
        if READ in grants.get(view.class_permission_name, ()):
            pairs |= {("menu_access", place.name), ("menu_access", place.category)}
    return pairs


def matrix_markdown() -> str:
    """docs/roles.md, generated from ROLES."""
    roles = [ADMIN] + list(ROLES)
    lines = [
        "# Roles and permissions",
        "",
        "Generated from `app/core/roles.py` by `qms roles matrix`; do not edit by hand.",
        "`qms init` syncs these roles into the database (declared permissions are added,",
        "undeclared ones removed). R = read, W = write (add, edit, delete), A = approve,",
        "V = verify (record a corrective action's effectiveness check).",
        "",
        "| entity | " + " | ".join(roles) + " |",
        "| --- |" + " --- |" * len(roles),
    ]
    letters = {READ: "R", WRITE: "W", APPROVE: "A", VERIFY: "V"}
    read_only = {entity: "R" for entity in TRAILS + PERSONAL + REPORTS}
    for entity in ENTITIES + TRAILS + PERSONAL + REPORTS:
        full = {
            "Client": "R W A",
            "Campaign": "R W A",
            "Research": "R W A",
            "Scorecard": "R W A",
            "CorrectiveAction": "R W V",
        }
        cells = [{**full, **read_only}.get(entity, "R W")]
        cells += [
            " ".join(letters[a] for a in ROLES[role].get(entity, ())) or "—" for role in roles[1:]
        ]
        lines.append(f"| {entity} | " + " | ".join(cells) + " |")
    lines += ["", "## Row-level scope", "", "| role | sees |", "| --- | --- |"]
    lines += [f"| {role} | {SCOPES[role]} |" for role in roles]
    return "\n".join(lines) + "\n"
