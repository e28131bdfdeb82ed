"""Signing in and out, protected: attempts per client address (the login page and the
API's token login counted together) and failures per user name (ten in fifteen minutes
lock that name, from any address), both counted by Flask-Limiter in Redis; a refusal is a
429 (JSON from the API) and in the security log. The API's logout revokes its tokens: a
deny-list in Redis until they expire."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, request
from flask_appbuilder.api import expose, safe
from flask_babel import gettext
from flask_jwt_extended import decode_token, get_jwt, jwt_required
from limits import parse
from werkzeug.exceptions import TooManyRequests

from app.core.services import security_log
from jobs.connection import connect

LOGIN_PATHS = ("/login/", "/api/v1/security/login")
FAILURES = "qms-login-failures"
REVOKED = "qms:jwt:revoked:"


def account_limit():
    return parse(current_app.config["AUTH_ACCOUNT_LIMIT"])


def _strategy():
    """Flask-Limiter's rate limiter over its storage (Redis), or None when limits are off."""
    limiter = current_app.appbuilder.sm.limiter
    if not current_app.config.get("RATELIMIT_ENABLED") or not limiter.enabled:
        return None
    return limiter.limiter


def _name(username: str | None) -> str:
    return (username or "").strip().casefold()[:150]


def locked(username: str | None) -> bool:
    strategy = _strategy()
    return strategy is not None and not strategy.test(account_limit(), FAILURES, _name(username))


def failed(username: str | None) -> None:
    """Count a failure; the one that locks the name goes to the security log."""
    strategy = _strategy()
    if strategy is None:
        return
    strategy.hit(account_limit(), FAILURES, _name(username))
    if not strategy.test(account_limit(), FAILURES, _name(username)):
        security_log.record(security_log.ACCOUNT_LOCKED, username=username)


def succeeded(username: str | None) -> None:
    strategy = _strategy()
    if strategy is not None:
        strategy.clear(account_limit(), FAILURES, _name(username))


def _attempted_name() -> str | None:
    if request.is_json:
        body = request.get_json(silent=True)
        return body.get("username") if isinstance(body, dict) else None
    return request.form.get("username")


def refuse_locked_names():
    """before_request: a sign-in for a locked name is refused before any password check."""
    if request.method == "POST" and request.path in LOGIN_PATHS:
        name = _attempted_name()
        if isinstance(name, str) and locked(name):
            raise TooManyRequests(
                gettext("Too many failed sign-ins for this user name: try again later.")
            )


def _revoke(claims: dict) -> None:
    seconds = int(claims["exp"] - datetime.now(UTC).timestamp())
    if seconds > 0:
        revocations().set(REVOKED + claims["jti"], 1, ex=seconds)


def revocations():
    """The Redis the deny-list lives in (the app's own)."""
    if "qms_revocations" not in current_app.extensions:
        current_app.extensions["qms_revocations"] = connect(current_app.config)
    return current_app.extensions["qms_revocations"]


def is_revoked(_header, claims) -> bool:
    """flask-jwt-extended's deny-list check, for every token it accepts."""
    return bool(revocations().exists(REVOKED + claims["jti"]))


class LogoutEndpoint:
    """`POST /api/v1/security/logout` on FAB's security API."""

    @expose("/logout", methods=["POST"])
    @jwt_required()
    @safe
    def logout(self):
        """Revoke the access token (and the refresh token sent in the body)
        ---
        post:
          description: >-
            Revokes the access token of the call and, when given as `refresh_token`, its
            refresh token: both are refused from now on.
          requestBody:
            required: false
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    refresh_token:
                      type: string
          responses:
            200:
              description: Signed out
            401:
              $ref: '#/components/responses/401'
          security:
            - jwt: []
        """
        claims = get_jwt()
        _revoke(claims)
        body = request.get_json(silent=True) if request.is_json else None
        refresh = body.get("refresh_token") if isinstance(body, dict) else None
        if isinstance(refresh, str):
            try:
                refresh_claims = decode_token(refresh)
            except Exception:  # noqa: BLE001 (an invalid token is no token)
                refresh_claims = None
            if refresh_claims and refresh_claims.get("sub") == claims.get("sub"):
                _revoke(refresh_claims)
        user = current_app.appbuilder.sm.get_user_by_id(int(claims["sub"]))
        security_log.record(
            security_log.LOGOUT,
            username=getattr(user, "username", None),
            user_id=getattr(user, "id", None),
            detail="API",
        )
        return self.response(200, message=gettext("Signed out."))


def install(app) -> None:
    sm = app.appbuilder.sm
    sm.jwt_manager.token_in_blocklist_loader(is_revoked)
    app.before_request(refuse_locked_names)
    if app.config.get("AUTH_RATE_LIMITED"):
        # One count per address for the page and the API together.
        shared = sm.limiter.shared_limit(
            lambda: app.config["AUTH_RATE_LIMIT"], scope="qms-login", methods=["POST"]
        )
        shared(sm.auth_view.blueprint)
        api = next(
            view
            for view in app.appbuilder.baseviews
            if getattr(view, "resource_name", None) == "security"
        )
        shared(api.blueprint)
