"""Every screen endpoint and API method, for every role and for anonymous users: the role
data in app/core/roles.py is what the server enforces."""

import pytest
from conftest import ROLE_NAMES, api_token, login, username_for

from app.core.permissions import METHOD_PERMISSIONS, VERIFY, WRITE
from app.core.roles import ROLES, holders
from app.web.api import APIS
from app.web.api.health import HealthApi
from app.web.views import VIEWS
from app.web.views.board import BOARDS
from app.web.views.calendar import CalendarView
from app.web.views.invoice import InvoiceView
from app.web.views.research import ResearchFileView, ResearchView
from app.web.views.scorecard import ScorecardView
from app.web.views.search import SearchView

MISSING = 999_999
# (FAB method, HTTP method, path under the view's route base)
VIEW_ENDPOINTS = [
    ("list", "GET", "/list/"),
    ("show", "GET", f"/show/{MISSING}"),
    ("add", "GET", "/add"),
    ("edit", "GET", f"/edit/{MISSING}"),
    ("delete", "POST", f"/delete/{MISSING}"),
    ("export_xlsx", "GET", "/export/xlsx"),
    ("print_form", "GET", f"/form/F-SP2-01/{MISSING}"),
]
API_ENDPOINTS = [
    ("get_list", "GET", "/"),
    ("get", "GET", f"/{MISSING}"),
    ("info", "GET", "/_info"),
    ("post", "POST", "/"),
    ("put", "PUT", f"/{MISSING}"),
    ("delete", "DELETE", f"/{MISSING}"),
    ("export_xlsx", "GET", "/export/xlsx"),
]
WHO = ROLE_NAMES + [None]  # None: not logged in
# Who may call what is FAB's decision from the role data, whatever the database engine: the
# matrix runs on SQLite only (row scope and every write run on PostgreSQL too).
pytestmark = pytest.mark.engine_free


def allowed(role, resource, method) -> bool:
    """Whether the role may call `method` of a view or API class."""
    permission = METHOD_PERMISSIONS[method]
    if resource.base_permissions and f"can_{permission}" not in resource.base_permissions:
        return False  # a read-only resource (the audit trail) refuses writes to everyone
    if role == "Admin":
        return True
    return permission in ROLES[role].get(resource.class_permission_name, ())


def served(resource, method) -> bool:
    """Whether the view or API serves `method` at all (bank payments are never written
    field by field: no add, edit or delete routes)."""
    routes = getattr(resource, "include_route_methods", None)
    return routes is None or method in routes


def _id(value):
    return "anonymous" if value is None else str(value).replace(" ", "_")


@pytest.fixture(scope="module")
def browsers(app):
    """A logged-in test client per role (and one anonymous), kept for the module."""
    clients = {}
    for role in WHO:
        client = app.test_client()
        if role is not None:
            login(client, username_for(role))
        clients[role] = client
    return clients


@pytest.fixture(scope="module")
def tokens(app):
    """A JWT per role, used on clients that hold no browser session."""
    return {role: api_token(app.test_client(), username_for(role)) for role in ROLE_NAMES}


def _route(app, view_class) -> str:
    return next(v.route_base for v in app.appbuilder.baseviews if type(v) is view_class)


@pytest.mark.parametrize("role", WHO, ids=_id)
@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.__name__)
@pytest.mark.parametrize("endpoint", VIEW_ENDPOINTS, ids=lambda e: e[0])
def test_screen_permission(app, browsers, role, view, endpoint):
    """A screen endpoint answers 403 exactly when the role lacks its permission."""
    method, http, path = endpoint
    response = browsers[role].open(_route(app, view) + path, method=http)
    if not served(view, method):
        assert response.status_code in (404, 405)
    elif role is None:
        assert response.status_code == 302 and "/login/" in response.headers["Location"]
    elif allowed(role, view, method):
        assert response.status_code in (200, 302, 404), response.status_code
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", WHO, ids=_id)
@pytest.mark.parametrize("api", APIS, ids=lambda a: a.resource_name)
@pytest.mark.parametrize("endpoint", API_ENDPOINTS, ids=lambda e: e[0])
def test_api_permission(app, tokens, role, api, endpoint):
    """An API method answers 401 to anonymous callers and 403 exactly when the role lacks it."""
    method, http, path = endpoint
    headers = {"Authorization": f"Bearer {tokens[role]}"} if role else {}
    response = app.test_client().open(
        f"/api/v1/{api.resource_name}{path}",
        method=http,
        json={} if http in ("POST", "PUT") else None,
        headers=headers,
    )
    if not served(api, method):
        assert response.status_code in (404, 405)
    elif role is None:
        # A method no one may call (writes to the audit trail) is refused before login.
        assert response.status_code == (401 if allowed("Admin", api, method) else 403)
    elif allowed(role, api, method):
        assert response.status_code in (200, 400, 404, 422), (response.status_code, response.json)
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", WHO, ids=_id)
@pytest.mark.parametrize(
    "path, permission", [("/api/v1/kpi/?from=2026-10-01&to=2026-10-31", "KpiReport")]
)
def test_report_api_permission(app, tokens, role, path, permission):
    """The KPI API answers 401 to anonymous callers, 403 to roles without the report's read
    permission (the one its screen checks) and 200 to the rest."""
    headers = {"Authorization": f"Bearer {tokens[role]}"} if role else {}
    response = app.test_client().get(path, headers=headers)
    if role is None:
        assert response.status_code == 401
    elif role == "Admin" or "read" in ROLES[role].get(permission, ()):
        assert response.status_code == 200 and "figures" in response.json
    else:
        assert response.status_code == 403


# Pages of their own that are no entity's list: (view, method, HTTP, path, what an allowed
# caller gets — a record they do not see is 404; a new calendar address redirects).
OWN_VIEW_ENDPOINTS = [
    *(
        (board, method, http, path, code)
        for board in BOARDS
        for method, http, path, code in (
            ("show_board", "GET", "/", 200),
            ("move_card", "POST", f"/move/{MISSING}", 404),
        )
    ),
    (CalendarView, "show_calendar", "GET", "/", 200),
    (CalendarView, "feed_address", "POST", "/address", 302),
    (SearchView, "find", "GET", "/?q=zz", 200),
    # What a form's link to an entity of many rows may name (every entity screen has it).
    (InvoiceView, "choices", "GET", "/choices/client?q=zz", 200),
    # A research's files: kept from its page, fetched by its readers.
    (ResearchFileView, "upload", "POST", f"/upload/{MISSING}", 404),
    (ResearchFileView, "download", "GET", f"/download/{MISSING}", 404),
    # A scorecard computed again while a draft; its workbook.
    (ScorecardView, "recompute", "POST", f"/recompute/{MISSING}", 404),
    (ScorecardView, "workbook", "GET", f"/workbook/{MISSING}", 404),
]


@pytest.mark.parametrize("role", WHO, ids=_id)
@pytest.mark.parametrize(
    "view, method, http, path, code",
    OWN_VIEW_ENDPOINTS,
    ids=lambda value: value.__name__ if isinstance(value, type) else str(value),
)
def test_own_page_permission(app, browsers, role, view, method, http, path, code):
    """Boards open for the readers of their entity and take moves from its writers; the
    calendar for the readers of tasks; the rest get 403, anonymous users the login page."""
    response = browsers[role].open(_route(app, view) + path, method=http, data={"status": "x"})
    if role is None:
        assert response.status_code == 302 and "/login/" in response.headers["Location"]
    elif allowed(role, view, method):
        assert response.status_code == code, response.status_code
    else:
        assert response.status_code == 403


# API methods of their own: (resource, method, HTTP, path, what an allowed caller gets).
OWN_API_ENDPOINTS = [
    ("research_file", "upload", "POST", "/upload/", 400),
    ("research_file", "download", "GET", f"/{MISSING}/download", 404),
    # The system's health in detail, at /health/detail (administrators only).
    ("health", "detail", "GET", "/detail", 200),
]


@pytest.mark.parametrize("role", WHO, ids=_id)
@pytest.mark.parametrize("resource, method, http, path, code", OWN_API_ENDPOINTS)
def test_own_api_permission(app, tokens, role, resource, method, http, path, code):
    """A research's files are kept through the API by its writers and fetched by its
    readers; the health detail is for administrators; others get 403, anonymous callers
    401."""
    api = next(api for api in (*APIS, HealthApi) if api.resource_name == resource)
    headers = {"Authorization": f"Bearer {tokens[role]}"} if role else {}
    base = api.route_base or f"/api/v1/{resource}"
    response = app.test_client().open(f"{base}{path}", method=http, headers=headers)
    if role is None:
        assert response.status_code == 401
    elif allowed(role, api, method):
        assert response.status_code == code, response.get_json()
    else:
        assert response.status_code == 403


def test_role_data_spot_checks():
    """The matrix itself: quality reads everything and writes nothing, but verifies
    corrective actions; customer service writes them; managers cannot run surveys; only a
    head of sales approves."""
    quality = ROLES["Quality Officer"]
    assert all(WRITE not in access for access in quality.values()) and len(quality) >= 17
    assert holders("CorrectiveAction", VERIFY) == ("Quality Officer",)
    assert "Customer Service" in holders("CorrectiveAction", WRITE)
    assert WRITE not in ROLES["Sales Manager"]["Survey"]
    assert [role for role, grants in ROLES.items() if "approve" in grants.get("Client", ())] == [
        "Head of Sales"
    ]


def test_roles_doc_is_generated_from_the_data():
    """docs/roles.md is exactly what `qms roles matrix` prints."""
    from pathlib import Path

    from app.core.roles import matrix_markdown

    assert (Path(__file__).parent.parent / "docs" / "roles.md").read_text() == matrix_markdown()


@pytest.mark.parametrize("role", WHO, ids=_id)
def test_approve_permission(app, tokens, browsers, role):
    """Approving a prospect (API endpoint and list action) is for Admin and Head of Sales."""
    from app.web.views.client import ClientView

    headers = {"Authorization": f"Bearer {tokens[role]}"} if role else {}
    response = app.test_client().post(f"/api/v1/client/{MISSING}/approve", headers=headers)
    action = browsers[role].post("/clientview/action_post", data={"action": "approve", "rowid": []})
    if role is None:
        assert response.status_code == 401 and action.status_code == 302
    elif allowed(role, ClientView, "approve"):
        assert response.status_code == 404
        assert action.status_code == 302 and "Access is Denied" not in _flashes(browsers[role])
    else:
        assert response.status_code == 403
        assert "Access is Denied" in _flashes(browsers[role])


@pytest.mark.parametrize("role", WHO, ids=_id)
@pytest.mark.parametrize("view", [ResearchView, ScorecardView], ids=lambda v: v.__name__)
def test_marketing_approve_permission(app, browsers, role, view):
    """Approving a research plan or a scorecard (list action) is for Admin and the head of
    marketing."""
    route = _route(app, view)
    action = browsers[role].post(f"{route}/action_post", data={"action": "approve", "rowid": []})
    assert action.status_code == 302
    denied = "Access is Denied" in _flashes(browsers[role])
    assert denied == (role is None or not allowed(role, view, "approve"))


@pytest.mark.parametrize("role", WHO, ids=_id)
def test_verify_permission(app, tokens, browsers, role):
    """Checking a corrective action's effectiveness (API endpoint and screen) is for Admin
    and quality."""
    from app.web.views.complaint import CorrectiveActionView

    headers = {"Authorization": f"Bearer {tokens[role]}"} if role else {}
    response = app.test_client().post(
        f"/api/v1/corrective_action/{MISSING}/verify", headers=headers, json={}
    )
    screen = browsers[role].get(f"/correctiveactionview/verify/{MISSING}")
    if role is None:
        assert response.status_code == 401 and screen.status_code == 302
    elif allowed(role, CorrectiveActionView, "verify"):
        assert (response.status_code, screen.status_code) == (404, 404)
    else:
        assert (response.status_code, screen.status_code) == (403, 403)


def _flashes(browser) -> str:
    with browser.session_transaction() as session:
        return " ".join(message for _category, message in session.pop("_flashes", []))


def test_the_public_role_has_no_permission(app, ctx):
    """`qms init` leaves the Public role empty: nothing answers anyone signed out but the
    login (the security manager relies on it instead of reading the role twice a request)."""
    public = app.appbuilder.sm.find_role(app.config["AUTH_ROLE_PUBLIC"])
    assert public is not None and list(public.permissions) == []


# Every signed-in user's own pages (roles.COMMON), and the administrator's security screens.
OWN_PAGES = ["/users/userinfo/", "/resetmypassword/form", "/userinfoeditview/form"]
ADMIN_PAGES = ["/users/list/", "/users/add", "/roles/list/", "/permissions/list/"]


@pytest.mark.parametrize("role", WHO, ids=_id)
@pytest.mark.parametrize("path", OWN_PAGES + ADMIN_PAGES)
def test_security_screen_permission(browsers, role, path):
    """Each user opens their own profile and password form; only the administrator opens
    the users, roles and permissions screens; anonymous users are sent to log in."""
    response = browsers[role].get(path)
    if role is None:
        assert response.status_code == 302 and "/login" in response.location
    elif path in OWN_PAGES or role == "Admin":
        assert response.status_code == 200, response.data[:300]
    else:
        assert response.status_code in (302, 403)
        assert response.status_code == 403 or "/login" not in (response.location or "")


def test_users_are_given_access_by_roles_alone(browsers):
    """The user form offers roles (one at least) and no groups; the menu lists no groups
    screen, and FAB's user chart (its library comes from a CDN) is not served."""
    admin = browsers["Admin"]
    form = admin.get("/users/add").get_data(as_text=True)
    assert 'name="roles"' in form and 'name="groups"' not in form
    refused = admin.post("/users/add", data={"username": "no_role", "first_name": "N"})
    assert "Choose at least one role." in refused.get_data(as_text=True)
    assert "/groups/list/" not in admin.get("/").get_data(as_text=True)
    assert admin.get("/userstatschartview/chart/").status_code == 404
