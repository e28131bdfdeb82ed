"""Cross-site request forgery: a change made with the browser's session needs this site's
origin and the session's CSRF token; only calls carrying an API token are exempt.

FAB accepts GET for its delete and action links and its REST API takes the session cookie
too. With Flask-WTF's `CSRFProtect` registered FAB refuses those GETs; the check itself is
ours (`WTF_CSRF_CHECK_DEFAULT` is off) so that it covers the API's cookie callers as well.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request
from flask_babel import gettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from app.core.services import security_log
from app.extensions import csrf
from app.web.views.errors import refusal

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Token logins answer with tokens, never with a session cookie: nothing to forge.
TOKEN_ENDPOINTS = ("/api/v1/security/login", "/api/v1/security/refresh")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _own_origins() -> set[str]:
    own = {_origin(request.host_url)}
    if current_app.config.get("PUBLIC_URL"):
        own.add(_origin(current_app.config["PUBLIC_URL"]))
    return own


def cross_site() -> bool:
    """Whether the browser says the request comes from another site (Fetch metadata, else
    Origin, else Referer). A request that says nothing (a script, curl) is not cross-site:
    the token check stands for it."""
    if request.headers.get("Sec-Fetch-Site") in ("cross-site", "same-site"):
        return True
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin == "null" or _origin(origin) not in _own_origins()
    referer = request.headers.get("Referer")
    return bool(referer) and _origin(referer) not in _own_origins()


def _by_api_token() -> bool:
    """An API call with an Authorization header: no other site can make a browser add one
    (it would need CORS, which is off), and it carries no session to abuse."""
    return request.path.startswith("/api/") and (
        bool(request.headers.get("Authorization")) or not current_user.is_authenticated
    )


def protect_writes():
    """before_request: refuse a forged change before any view runs."""
    if request.method in SAFE_METHODS or request.path in TOKEN_ENDPOINTS or _by_api_token():
        return None
    if cross_site():
        raise CSRFError("The request came from another site.")
    if current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()
    return None


def refused(error: CSRFError):
    """A refused change: the reason in the user's language, and nothing was changed."""
    user = current_user if current_user.is_authenticated else None
    security_log.record(
        security_log.CSRF_REFUSED,
        username=getattr(user, "username", None),
        user_id=getattr(user, "id", None),
        detail=f"{request.method} {request.path}: {error.description}",
    )
    message = gettext(
        "Nothing was changed: this form came from another site, or it is older than your "
        "session. Go back, reload the page and send it again."
    )
    return refusal(message, 403 if cross_site() else 400)


def install(app) -> None:
    csrf.init_app(app)
    app.before_request(protect_writes)
    app.register_error_handler(CSRFError, refused)
