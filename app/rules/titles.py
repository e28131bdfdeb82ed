"""The titles a rule gives its tasks, read in the reader's language: a task keeps its title
as written (in the language the rule's template is stored in), and a title that reads as
one of the rules' templates with its values is shown as that template translated, with the
same values. A title typed by hand, or of a template since changed, reads as written."""

from __future__ import annotations

import re
from collections.abc import Callable

import sqlalchemy as sa
from flask import g, has_app_context
from flask_babel import gettext

from app.core.models import FollowUpRule
from app.extensions import db
from app.rules.definition import PLACEHOLDER


def _pattern(template: str) -> re.Pattern[str]:
    """The template as a pattern: each placeholder a named group of any text."""
    parts, position = [], 0
    for match in PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[position : match.start()]))
        parts.append(f"(?P<{match[1]}>.+?)")
        position = match.end()
    parts.append(re.escape(template[position:]))
    return re.compile("".join(parts) + r"\Z", re.DOTALL)


def _templates(action: dict) -> list[str]:
    return [
        each["title"]
        for each in (action, action.get("then_task") or {})
        if isinstance(each.get("title"), str) and PLACEHOLDER.search(each["title"])
    ]


def _known() -> list[tuple[re.Pattern[str], str]]:
    """The rules' task title templates as patterns, once per request."""
    cached = g.get("_qms_rule_titles") if has_app_context() else None
    if cached is None:
        actions = db.session.scalars(sa.select(FollowUpRule.action)).all()
        templates = {template for action in actions for template in _templates(action or {})}
        cached = [(_pattern(each), each) for each in sorted(templates, key=len, reverse=True)]
        if has_app_context():
            g._qms_rule_titles = cached
    return cached


def _filled(values: dict[str, str]) -> Callable[[re.Match[str]], str]:
    """A placeholder's value, or the placeholder as it is."""
    return lambda found: values.get(found[1], found[0])


def shown_title(title: str | None) -> str:
    """`title` in the reader's language when a rule's template wrote it; else as it is."""
    if not title:
        return title or ""
    for pattern, template in _known():
        match = pattern.match(title)
        if match is None:
            continue
        translated = gettext(template)
        if translated == template:
            return title
        values = match.groupdict()
        return PLACEHOLDER.sub(_filled(values), translated)
    return title
