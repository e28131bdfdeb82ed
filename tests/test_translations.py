"""Every user-visible string of ours is translated into Russian and Chinese, and the
language switch changes our screens and messages as well as FAB's."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from conftest import api_client, login

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "app" / "translations"


def _ids(path) -> dict:
    with open(path, "rb") as handle:
        return {message.id: message.string for message in read_po(handle) if message.id}


def test_template_is_up_to_date_with_the_source(tmp_path):
    """Re-extracting the source finds exactly the strings of messages.pot."""
    fresh = tmp_path / "fresh.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "lazy_gettext",
            "-k",
            "_",
            "-k",
            "lazy_pgettext:1c,2",
            "-o",
            str(fresh),
            "--no-location",
            "--omit-header",
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    assert set(_ids(fresh)) == set(_ids(TRANSLATIONS / "messages.pot"))


@pytest.mark.parametrize("locale", ["ru", "zh"])
def test_every_string_is_translated(locale):
    """Each template string has a non-empty translation in the catalog."""
    catalog = _ids(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po")
    template = _ids(TRANSLATIONS / "messages.pot")
    untranslated = [msgid for msgid in template if not catalog.get(msgid)]
    assert untranslated == []


@pytest.mark.parametrize("locale", ["ru", "zh"])
def test_every_translation_compiles(locale):
    """No translation breaks its message's placeholders: `pybabel compile`, which a fresh
    install runs, would stop on one ("80 % of" once read as a "% o" placeholder)."""
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle, locale=locale)
    problems = [(message.id, errors) for message, errors in catalog.check() if errors]
    assert problems == []


# FAB's own template strings that our screens never show (sign-in with OAuth providers).
NOT_SHOWN = {"Sign In with ", "Sign in using:"}


@pytest.mark.parametrize("locale", ["ru", "zh"])
def test_every_fab_template_string_is_translated(locale):
    """Each string in FAB's templates (buttons' screen-reader names, the delete
    confirmation, ...) is translated by FAB's catalog or, where FAB has none, by ours."""
    import re

    import flask_appbuilder

    fab = Path(flask_appbuilder.__file__).parent
    strings = {
        match.group(1)
        for template in (fab / "templates" / "appbuilder").rglob("*.html")
        for match in re.finditer(r"_\(\s*['\"]([^'\"]+)['\"]", template.read_text())
    }
    theirs = _ids(fab / "translations" / locale / "LC_MESSAGES" / "messages.po")
    ours = _ids(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po")
    missing = [text for text in strings - NOT_SHOWN if not (theirs.get(text) or ours.get(text))]
    assert sorted(missing) == []


@pytest.mark.parametrize(
    "locale,ours,fabs",
    [
        ("ru", ["Клиенты", "Ответственный менеджер", "Мои задачи"], ["Выход"]),
        ("zh", ["客户", "负责经理", "我的任务"], ["注销"]),
    ],
)
def test_language_switch_translates_screens(app, ctx, locale, ours, fabs):
    """After /lang/<locale> the client list shows our menu, labels and FAB's own strings."""
    browser = app.test_client()
    login(browser, "admin")
    browser.get(f"/lang/{locale}")
    page = browser.get("/clientview/list/").get_data(as_text=True)
    for text in ours + fabs:
        assert text in page, text


def test_api_messages_follow_the_requested_language(app, make, users):
    """A domain error from the API comes in Russian when asked with _l_=ru."""
    invoice = make.invoice(make.client(users["sales_manager"]), number="RU-1")
    api = api_client(app, "sales_manager")
    response = api.put(
        f"/api/v1/invoice/{invoice.id}?_l_=ru", json={"status": "rejected", "version": 1}
    )
    assert response.json["message"]["rejection_reason"] == ["Укажите причину отклонения счёта."]
