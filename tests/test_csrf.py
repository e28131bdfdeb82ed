"""Cross-site request forgery: with CSRF protection on (as in production), every screen
endpoint that changes state refuses a GET, a POST without the session's token and a POST
from another site; JWT calls to the API need no token."""

import re

import pytest
import sqlalchemy as sa
from conftest import PASSWORD, api_token

from app import create_app
from app.core.models import Client, SecurityEvent
from app.extensions import db

MISSING = 999_999
EVIL = "https://evil.example"
# FAB's own mutations over GET (its delete and action links).
GET_MUTATIONS = ("delete", "action")


@pytest.fixture(scope="module")
def csrf_app(app):
    """The suite's database, served as production serves it: CSRF protection on."""
    settings = {
        key: app.config[key]
        for key in ("SQLALCHEMY_DATABASE_URI", "TESTING", "SECRET_KEY", "REDIS_EMBEDDED_DIR")
    }
    protected = create_app({**settings, "WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": False})
    protected.test_client_class = app.test_client_class
    yield protected
    with protected.app_context():
        db.engine.dispose()


def _token_of(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def _signed_in(app, username="admin"):
    """A browser that logged in through the login form (with its token), and its token."""
    browser = app.test_client()
    token = _token_of(browser.get("/login/").get_data(as_text=True))
    response = browser.post(
        "/login/", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    page = browser.get("/clientview/add").get_data(as_text=True)
    return browser, _token_of(page)


def _writes(app) -> list[tuple[str, str]]:
    """(rule with sample values, endpoint) of every screen URL that takes a POST."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/api/", "/static", "/appbuilder")) or "POST" not in rule.methods:
            continue
        path = rule.rule
        for argument in rule.arguments:
            path = re.sub(
                rf"<[^>]*\b{argument}>", "approve" if argument == "name" else str(MISSING), path
            )
        found.append((path, rule.endpoint))
    return sorted(found)


@pytest.fixture(scope="module")
def admin_browser(csrf_app):
    """The administrator's browser (every permission) and its CSRF token."""
    return _signed_in(csrf_app)


def test_every_state_changing_screen_endpoint_refuses_forgeries(csrf_app, admin_browser, ctx):
    """For each screen URL that takes a POST (about 170): a POST without the token is 400,
    the same POST from another site is 403, and nothing is written."""
    browser, token = admin_browser
    writes = _writes(csrf_app)
    assert len(writes) > 100
    before = _table_counts()
    for path, endpoint in writes:
        if endpoint == "AuthDBView.login":
            continue  # before any session: checked below
        tokenless = browser.post(path, data={"action": "approve", "rowid": [str(MISSING)]})
        assert tokenless.status_code == 400, (endpoint, tokenless.status_code)
        assert "Nothing was changed" in tokenless.get_data(as_text=True), endpoint
        forged = browser.post(
            path, data={"csrf_token": token, "action": "approve"}, headers={"Origin": EVIL}
        )
        assert forged.status_code == 403, (endpoint, forged.status_code)
    assert _table_counts() == before


def test_fab_get_mutations_are_refused_on_every_screen(csrf_app, admin_browser, ctx):
    """A GET to any screen's delete or action URL changes nothing: it is sent back (302)
    before the record is even looked up (a missing record would otherwise be a 404), or
    refused (403) where nobody may write (the audit trail)."""
    browser, _token = admin_browser
    paths = [
        (path, endpoint)
        for path, endpoint in _writes(csrf_app)
        if endpoint.rsplit(".", 1)[-1] in GET_MUTATIONS
    ]
    assert len(paths) > 50
    for path, endpoint in paths:
        assert browser.get(path).status_code in (302, 403), endpoint


def test_the_reported_forgeries_change_nothing(csrf_app, admin_browser, make, users, branch):
    """The attacks seen: GET delete of a client and a user, GET approve, and a cross-site
    action_post; each refused, each record as it was."""
    browser, token = admin_browser
    client = make.client(users["sales_manager"], name="Forgery target", branch_id=branch.id)
    victim = users["director_b"]
    referer = {"Referer": f"{EVIL}/page"}
    browser.get(f"/clientview/delete/{client.id}", headers=referer)
    browser.get(f"/users/delete/{victim.id}", headers=referer)
    browser.get(f"/clientview/action/approve/{client.id}", headers=referer)
    cross = browser.post(
        "/clientview/action_post",
        data={"csrf_token": token, "action": "approve", "rowid": [str(client.id)]},
        headers={"Origin": EVIL},
    )
    assert cross.status_code == 403
    db.session.expire_all()
    stored = db.session.get(Client, client.id)
    assert stored is not None and stored.approved_at is None
    assert csrf_app.appbuilder.sm.get_user_by_id(victim.id) is not None
    refusals = db.session.scalars(
        sa.select(SecurityEvent).where(SecurityEvent.event == "csrf_refused")
    ).all()
    assert any("/clientview/action_post" in (event.detail or "") for event in refusals)


def test_same_site_forms_with_the_token_still_work(csrf_app, admin_browser, ctx):
    """The positive case: the app's own form, with its token and origin, saves."""
    browser, token = admin_browser
    response = browser.post(
        "/clientview/add",
        data={"csrf_token": token, "name": "Saved with a token", "status": "new"},
        headers={"Origin": "http://localhost"},
    )
    assert response.status_code == 302
    assert db.session.execute(
        sa.select(Client.id).where(Client.name == "Saved with a token")
    ).first()


def test_login_form_needs_its_token(csrf_app, users):
    """A login posted without the form's token is refused (login CSRF)."""
    response = csrf_app.test_client().post(
        "/login/", data={"username": "admin", "password": PASSWORD}
    )
    assert response.status_code == 400


def test_api_with_a_token_needs_no_csrf_but_with_the_session_it_does(csrf_app, admin_browser, ctx):
    """A JWT call writes without a CSRF token; the same call made with the browser's session
    cookie needs the token (header X-CSRFToken) and this site's origin."""
    jwt = api_token(csrf_app.test_client(), "admin")
    by_token = csrf_app.test_client().post(
        "/api/v1/client/",
        json={"name": "By JWT"},
        headers={"Authorization": f"Bearer {jwt}"},
    )
    assert by_token.status_code == 201, by_token.json
    browser, token = admin_browser
    assert browser.post("/api/v1/client/", json={"name": "By cookie"}).status_code == 400
    cross = browser.post(
        "/api/v1/client/",
        json={"name": "By cookie"},
        headers={"X-CSRFToken": token, "Origin": EVIL},
    )
    assert cross.status_code == 403
    same = browser.post(
        "/api/v1/client/", json={"name": "By cookie"}, headers={"X-CSRFToken": token}
    )
    assert same.status_code == 201
    names = set(db.session.scalars(sa.select(Client.name)))
    assert {"By JWT", "By cookie"} <= names and len([n for n in names if n == "By cookie"]) == 1


def _table_counts() -> dict:
    from flask_appbuilder.security.sqla.models import Role, User

    db.session.expire_all()
    return {
        model.__name__: db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar()
        for model in (Client, User, Role)
    }
