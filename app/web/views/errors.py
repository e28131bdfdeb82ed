"""What a person or a program gets when a request fails: a page in the user's language
(JSON under /api/), the request id to quote, and for a server error a log line with that
id. Nothing internal (exception text, SQL) reaches the answer."""

from __future__ import annotations

from flask import current_app, g, jsonify, render_template, request
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


def install(app) -> None:
    refused = (BadRequest, Forbidden, NotFound, MethodNotAllowed, RequestEntityTooLarge)
    for error in (*refused, TooManyRequests, InternalServerError):
        app.register_error_handler(error, answer)
