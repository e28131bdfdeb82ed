"""Sessions kept on the server (Flask-Session in Redis): a logout ends the session there, so
a copied or replayed cookie opens nothing; a sign-in gets a new session id; every web
process and host shares the sessions. Answers for signed-in users are never cached, and a
user whose password an administrator reset must choose a new one before anything else."""

from __future__ import annotations

import msgspec
import redis
from flask import current_app, flash, g, jsonify, redirect, request, session, url_for
from flask_babel import gettext
from flask_babel.speaklater import LazyString
from flask_login import current_user, user_logged_in, user_logged_out
from flask_session.redis import RedisSessionInterface

from jobs.connection import known_url, start_embedded

# Paths that never have a session: the health probes (app/web/health.py).
PROBES = frozenset({"/health/live", "/health/ready"})
# While a new password is due, only these endpoints answer (and static files).
PASSWORD_CHANGE_ENDPOINTS = {
    "ResetMyPasswordView.this_form_get",
    "ResetMyPasswordView.this_form_post",
    "AuthDBView.logout",
    "AuthDBView.login",
    "LocaleView.index",
    "appbuilder.static",
    "static",
}


def _new_session_id(sender, user=None, **_extra) -> None:
    """At sign-in and sign-out: a new id, so an id seen before (fixation) is worthless."""
    if hasattr(current_app.session_interface, "regenerate"):
        current_app.session_interface.regenerate(session)


def _ended(sender, user=None, **_extra) -> None:
    session.clear()
    _new_session_id(sender, user)


def _as_text(value):
    """What msgpack cannot store as is: lazy translations (and Markup) as their text."""
    if isinstance(value, (LazyString, str)):
        return str(value)
    raise NotImplementedError(f"cannot keep a {type(value).__name__} in a session")


class QmsSessionInterface(RedisSessionInterface):
    """Flask-Session's Redis sessions. On the embedded default a request that finds no
    server starts (or joins) the embedded one, whoever started the process; a command that
    serves no request starts nothing."""

    def __init__(self, app):
        super().__init__(
            app,
            client=redis.Redis.from_url(known_url(app.config)),
            key_prefix="qms:session:",
            permanent=True,
        )
        self.embedded_dir = (
            None if app.config.get("REDIS_URL") else app.config["REDIS_EMBEDDED_DIR"]
        )
        # FAB flashes lazy strings ("Added Row"); msgpack is told to store them as text.
        self.serializer.encoder = msgspec.msgpack.Encoder(enc_hook=_as_text)

    def open_session(self, app, request):
        # A health probe reads no session and leaves none behind (nor fails when Redis is
        # what is down: the readiness check says so).
        if request.path in PROBES:
            return self.make_null_session(app)
        if self.embedded_dir is not None:
            # A dictionary lookup once this process runs the server; a ping when it joined
            # another process's (every process of the embedded default may be the first).
            start_embedded(self.embedded_dir)
        return super().open_session(app, request)


def password_change_first():
    """before_request: with a new password due, only the password form, sign-out and the
    language switch answer; the API refuses with 403 until it is changed."""
    if not (
        current_user.is_authenticated and getattr(current_user, "password_change_required", False)
    ):
        return None
    if request.endpoint in PASSWORD_CHANGE_ENDPOINTS:
        return None
    message = gettext("Choose a new password before you go on.")
    if request.path.startswith("/api/"):
        return jsonify(message=message), 403
    flash(message, "warning")
    return redirect(url_for("ResetMyPasswordView.this_form_get"))


def no_store(response):
    """after_request: what a signed-in user sees (but the static files), and any API
    answer, stays out of caches."""
    signed_in = g.get("user") is not None and getattr(g.user, "is_authenticated", False)
    # Style sheets and scripts are the same for everyone: caching them saves every page
    # some twenty downloads.
    static = (request.endpoint or "").endswith("static")
    if (signed_in and not static) or request.path.startswith("/api/"):
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    return response


def install(app) -> None:
    app.session_interface = QmsSessionInterface(app)
    app.before_request(password_change_first)
    app.after_request(no_store)
    user_logged_in.connect(_new_session_id, app)
    user_logged_out.connect(_ended, app)
