"""Every page every role can reach, in en, ru and zh, over demo data: each menu entry, each
list, and from each list a record's page, its edit form and the add form.

Each page is read in every language through the app (fast) and fails on a server error or
a Python internal on screen or in a form ("None", "__None", a repr, a dict, an enum key).
Each page is also opened in Chromium, in one of the three languages in turn (role by role,
so that each language is drawn), and fails on a CSP violation, a request to another
origin, or a width beyond a 1280-pixel screen. A screenshot per role and language of the
home page is kept (test-artifacts/screens/). The reading pass is of the db tier (it runs on
both databases); the drawing pass is of the browser tier, marked `drawing` too, as what it
checks does not depend on the database."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from html.parser import HTMLParser

import pytest
from browser_support import Watch, launch, log_in, shot
from conftest import PASSWORD, build_test_app, login, serving

from app.core.models import choices
from app.extensions import db

LANGUAGES = ("en", "ru", "zh")
DEMO_USERS = {
    "Admin": "admin",
    "Sales Manager": "manager1a",
    "Head of Sales": "head1",
    "Marketing": "marketing",
    "Head of Marketing": "marketinghead",
    "Customer Service": "service",
    "Quality Officer": "quality",
    "Director": "director",
}
# Stored keys that must never be read as such (those with an underscore cannot be words).
ENUM_KEYS = sorted(
    {
        member.value
        for enum in vars(choices).values()
        if isinstance(enum, type)
        and issubclass(enum, choices.Choice)
        and enum is not choices.Choice
        for member in enum
        if "_" in member.value
    }
)
INTERNALS = re.compile(
    r"\bNone\b|__None|<[\w.]+ object at 0x|\{'|\[<|\bTrue\b|\bFalse\b|"
    + "|".join(rf"\b{re.escape(key)}\b" for key in ENUM_KEYS)
)
# Not screens of a record: signing out, language, downloads, actions, the API.
SKIP = re.compile(r"/logout|/lang/|/export|/download|/form/|/action|/delete/|/api/|/swagger")


class _Reader(HTMLParser):
    """What a person reads on a page: its text, the values in its boxes, the menu's links."""

    def __init__(self):
        super().__init__()
        self.text: list[str] = []
        self.menu: list[str] = []
        self.links: list[str] = []
        self._skipping = 0
        self._navbar: list[bool] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        # A rule's JSON is the stored form behind its editor, shown on request.
        if tag in ("script", "style") or (tag == "textarea" and "data-raw-json" in attributes):
            self._skipping += 1
        if tag not in ("input", "br", "img", "meta", "link", "hr"):
            self._navbar.append("navbar" in (attributes.get("class") or ""))
        if tag == "a" and (attributes.get("href") or "").startswith("/"):
            self.links.append(attributes["href"])
            if any(self._navbar):
                self.menu.append(attributes["href"])
        if tag == "input" and attributes.get("type") not in ("hidden", "checkbox", "radio"):
            self.text.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style") or (tag == "textarea" and self._skipping):
            self._skipping -= 1
        if tag not in ("input", "br", "img", "meta", "link", "hr") and self._navbar:
            self._navbar.pop()

    def handle_data(self, data):
        if not self._skipping:
            self.text.append(data)


def _read(client, path: str):
    response = client.get(path)
    reader = _Reader()
    reader.feed(response.get_data(as_text=True))
    return response.status_code, unescape(" ".join(reader.text)), reader


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A small demo company on an app and database of its own (the demo users and records
    stay out of the other tests), served on a real server: (app, its address)."""
    from seeds.demo import seed_demo

    app = build_test_app(tmp_path_factory.mktemp("crawl"), "_crawl")
    with app.app_context():
        seed_demo(db.session, app.appbuilder.sm, 12, 5, date(2026, 11, 20), PASSWORD)
        db.session.remove()
    with serving(app) as url:
        yield app, url
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _pages(client) -> list[str]:
    """The menu's screens, and from each list its first record's page and edit form and
    its add form, where the role has them."""
    _status, _text, home = _read(client, "/")
    menu = [href for href in dict.fromkeys(home.menu) if not SKIP.search(href)]
    found = list(menu)
    for path in menu:
        if "/list/" not in path:
            continue
        _status, _text, listing = _read(client, path)
        picked = {}
        for href in listing.links:
            kind = next((each for each in ("/show/", "/edit/", "/add") if each in href), None)
            if kind and kind not in picked and not SKIP.search(href):
                picked[kind] = href.split("?")[0]
        found += list(picked.values())
    return list(dict.fromkeys(found))


@pytest.fixture(scope="module")
def pages(demo):
    """Each role's pages, found once for both passes: {role: [path, ...]}."""
    app, _url = demo
    found = {}
    for role, username in DEMO_USERS.items():
        client = app.test_client()
        login(client, username)
        found[role] = _pages(client)
        assert len(found[role]) > 5, found[role]
    return found


@pytest.mark.db
@pytest.mark.parametrize("role", list(DEMO_USERS))
def test_every_page_of_the_role_reads_right_in_every_language(demo, pages, role):
    """No page of the role, in any language, fails or shows a Python internal."""
    app, _url = demo
    client = app.test_client()
    login(client, DEMO_USERS[role])
    problems: list[str] = []
    # What the database gives a page is the same in every language: on PostgreSQL each
    # role's pages are read in one language (role by role, each language in turn); SQLite
    # reads them in all three, which is what checks the translations.
    languages = LANGUAGES
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        languages = (LANGUAGES[list(DEMO_USERS).index(role) % len(LANGUAGES)],)
    for language in languages:
        client.get(f"/lang/{language}")
        for path in pages[role]:
            status, text, _reader = _read(client, path)
            if status >= 500:
                problems.append(f"{language} {path}: HTTP {status}")
            for found in sorted(set(INTERNALS.findall(text))):
                problems.append(f"{language} {path}: shows {found!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.browser
@pytest.mark.drawing
@pytest.mark.parametrize("role", list(DEMO_USERS))
def test_every_page_of_the_role_is_drawn_within_the_screen_and_the_origin(demo, pages, role):
    """No page of the role, in Chromium, is wider than 1280 px, breaks the CSP, asks
    another origin or misses something it asks for (its icon too); each language's home
    page is kept as a screenshot."""
    from playwright.sync_api import sync_playwright

    _app, live_server = demo
    problems: list[str] = []
    drawn_in = LANGUAGES[list(DEMO_USERS).index(role) % len(LANGUAGES)]
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(base_url=live_server, viewport={"width": 1280, "height": 900})
        page.set_default_timeout(15_000)
        watch = Watch(page, live_server)
        log_in(page, DEMO_USERS[role], drawn_in)
        for path in pages[role]:
            page.goto(path, wait_until="domcontentloaded")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 1280:
                problems.append(f"{drawn_in} {path}: {width} px wide")
        for language in LANGUAGES:
            page.goto(f"/lang/{language}")
            page.goto("/")
            # Every chart of the home page is drawn, its table beside it.
            charts = page.eval_on_selector_all(
                "canvas", "canvases => canvases.map(c => Boolean(c.chart))"
            )
            if not all(charts):
                problems.append(f"{language} home: a chart is not drawn")
            tables = page.eval_on_selector_all(".qms-chart + table", "tables => tables.length")
            if tables != len(charts):
                problems.append(f"{language} home: a chart without its table")
            shot(page, f"crawl-{role}-{language}-home")
        browser.close()
    problems += [f"CSP: {each}" for each in watch.violations]
    problems += [f"outside request: {each}" for each in watch.outside]
    problems += [f"not found: {each}" for each in watch.missing]
    problems += [f"script error: {each}" for each in watch.errors]
    assert not problems, "\n".join(problems)
