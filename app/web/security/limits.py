"""Limits on what a request may carry, checked before any view reads it: the body's size
(MAX_CONTENT_LENGTH), JSON nesting, and the size, depth and number of filters of a list
query. Past them a request is refused with a 4xx that says why, instead of a 500."""

from __future__ import annotations

import json

import prison
from flask import current_app, jsonify, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from app.core.services.values import text_problem

MAX_QUERY_CHARACTERS = 10_000
MAX_QUERY_DEPTH = 12
MAX_FILTERS = 50
MAX_PAGE = 1_000_000


class QmsJSONProvider(DefaultJSONProvider):
    """Flask's JSON, with a body nested too deep for the parser refused as bad JSON (a
    RecursionError would otherwise end as a 500)."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("The JSON document is nested too deeply.") from None


def _depth(text: str) -> int:
    """The deepest nesting of ( and ! ( in a rison text, outside its quoted strings."""
    depth = deepest = 0
    quoted = escaped = False
    for char in text:
        if quoted:
            if escaped:
                escaped = False
            elif char == "!":
                escaped = True
            elif char == "'":
                quoted = False
        elif char == "'":
            quoted = True
        elif char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth -= 1
    return deepest


def _parse(text: str):
    """`q` as FAB reads it: rison, else JSON."""
    try:
        return prison.loads(text)
    except prison.decoder.ParserException:
        return json.loads(text)


def _texts(value):
    """Every string in a parsed query, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(key)
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _whole(value, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def query_problem(text: str) -> str | None:
    """Why the API's `q` argument cannot be read, or None."""
    if len(text) > MAX_QUERY_CHARACTERS or _depth(text) > MAX_QUERY_DEPTH:
        return gettext("The query is too large or nested too deeply.")
    try:
        parsed = _parse(text)
    except (RecursionError, ValueError, TypeError, IndexError, KeyError):
        return gettext("Not a valid query.")
    if not isinstance(parsed, dict):
        return gettext("The query must be an object, such as (page:0,page_size:25).")
    if not isinstance(parsed.get("filters", []), list):
        return gettext("Not a valid query.")
    if len(parsed.get("filters", [])) > MAX_FILTERS:
        return gettext("At most %(count)s filters in one query.", count=MAX_FILTERS)
    if any(text_problem(each, multiline=True) for each in _texts(parsed)):
        return gettext("Not a valid query.")
    limits = {"page": MAX_PAGE, "page_size": current_app.config["FAB_API_MAX_PAGE_SIZE"]}
    for key, high in limits.items():
        if key in parsed and not _whole(parsed[key], 0, high):
            return gettext("%(key)s must be a whole number from 0 to %(high)s.", key=key, high=high)
    return None


def check_request():
    """before_request: refuse a body over the size limit (before FAB's views, which would
    turn the error into a 500), and a list query or search beyond the limits."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()
    if request.path.startswith("/api/") and "q" in request.args:
        problem = query_problem(request.args["q"])
        if problem:
            return jsonify(message=problem), 400
    searched = sum(len(values) for key, values in request.args.lists() if key.startswith("_flt_"))
    if searched > MAX_FILTERS:
        raise BadRequest(gettext("At most %(count)s filters in one query.", count=MAX_FILTERS))
    return None


def install(app) -> None:
    app.json = QmsJSONProvider(app)
    app.before_request(check_request)
