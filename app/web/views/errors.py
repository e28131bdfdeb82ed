"""What a person or a program gets when a request fails: a page in the user's language
(JSON under /api/), the request id to quote, and for a server error a log line with that
id. Nothing internal (exception text, SQL) reaches the answer."""

from __future__ import annotations

import sys

import redis
import sqlalchemy as sa
from flask import current_app, g, jsonify, render_template, request
from flask_appbuilder.api import BaseApi
from flask_babel import gettext
from flask_limiter.errors import RateLimitExceeded
from werkzeug.exceptions import (
    BadRequest,
    Forbidden,
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    NotFound,
    RequestEntityTooLarge,
    TooManyRequests,
)


def _message(error: HTTPException) -> str:
    if isinstance(error, RequestEntityTooLarge):
        megabytes = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
        return gettext("The request is too large: at most %(size)s MB.", size=megabytes)
    if isinstance(error, RateLimitExceeded):
        # Flask-Limiter describes the limit itself ("10 per 1 minute"); the only limits
        # here are on signing in.
        return gettext("Too many sign-in attempts from this address: wait a minute and try again.")
    if isinstance(error, TooManyRequests):
        if error.description and error.description != TooManyRequests.description:
            return error.description
        return gettext("Too many attempts: wait a minute and try again.")
    if isinstance(error, NotFound):
        return gettext("There is no such page or record, or it is not yours.")
    if isinstance(error, Forbidden):
        return gettext("You may not open this page.")
    if isinstance(error, MethodNotAllowed):
        return gettext("This page cannot be used that way.")
    if isinstance(error, InternalServerError):
        return gettext(
            "Something went wrong on our side; nothing was changed. If it happens again, "
            "give the administrator this reference: %(reference)s.",
            reference=g.get("request_id", ""),
        )
    if (
        isinstance(error, BadRequest)
        and error.description
        and error.description != BadRequest.description
    ):
        return error.description
    return gettext("The request could not be understood; nothing was changed.")


def answer(error: HTTPException):
    """An error answer for screens and API alike."""
    body, status = refusal(_message(error), error.code or 500)
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        return body, status, {"Allow": ", ".join(error.valid_methods)}
    return body, status


def refusal(message: str, status: int):
    """`message` as JSON under /api/ (with the request id), else as a page."""
    if request.path.startswith("/api/"):
        return jsonify(message=message, request_id=g.get("request_id")), status
    appbuilder = current_app.appbuilder
    page = render_template(
        "request_refused.html",
        message=message,
        base_template=appbuilder.base_template,
        appbuilder=appbuilder,
    )
    return page, status


def log_server_error(message: str = "") -> None:
    """One log line for a server error, with the request id the user was shown."""
    current_app.logger.error(
        "Server error on %s %s (request %s) %s",
        request.method,
        request.path,
        g.get("request_id"),
        message,
        exc_info=True,
    )


# A request that met the database or Redis away (a restart, a fail-over) is told to come
# back, with 503 and Retry-After, rather than given a server error: nothing was changed.
UNAVAILABLE = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.DisconnectionError,
               sa.exc.PendingRollbackError, redis.ConnectionError, redis.TimeoutError)  # fmt: skip
RETRY_SECONDS = 15


def unavailable(error: Exception):
    """503 for a dependency that does not answer; the page drawn without the database if
    need be (its menu reads the user's permissions from it)."""
    current_app.logger.warning(
        "Unavailable on %s %s (request %s): %s: %s",
        request.method, request.path, g.get("request_id"), type(error).__name__,
        str(error).splitlines()[0][:300] if str(error) else "",
    )  # fmt: skip
    message = gettext(
        "qms-crm cannot reach its database or job queue for a moment; nothing was changed. "
        "Try again in a minute."
    )
    headers = {"Retry-After": str(RETRY_SECONDS)}
    try:
        body, status = refusal(message, 503)
    except Exception:  # noqa: BLE001 (the page itself needs what is away)
        body, status = message, 503
        headers["Content-Type"] = "text/plain; charset=utf-8"
    return body, status, headers


def api_server_error(api, message: str | None = None):  # noqa: ARG001 (FAB's text: internal)
    """FAB's `@safe` answer to an unexpected error in any API (FAB's own among them): a
    dependency away is a 503; anything else is logged with the request id, which the
    answer gives instead of FAB's "Fatal error" or the exception's text."""
    happening = sys.exc_info()[1]
    if isinstance(happening, UNAVAILABLE):
        return unavailable(happening)
    log_server_error()
    return answer(InternalServerError())


def install(app) -> None:
    # Every API's answer to an error it caught, FAB's included (its security API's login).
    BaseApi.response_500 = api_server_error
    refused = (BadRequest, Forbidden, NotFound, MethodNotAllowed, RequestEntityTooLarge)
    for error in (*refused, TooManyRequests, InternalServerError):
        app.register_error_handler(error, answer)
    for error in UNAVAILABLE:
        app.register_error_handler(error, unavailable)
