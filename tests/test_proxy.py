"""Behind a proxy (QMS_PROXY_HOPS=1), the app sees each client's address as the proxy
names it, under `qms run`'s waitress as under gunicorn: the login limit counts per client,
not for everyone behind the proxy together."""

from __future__ import annotations

import threading

import pytest
import requests
from waitress.server import create_server

from app import create_app
from app.instance import initialise
from app.runner import serve_options
from jobs.connection import start_embedded

pytestmark = pytest.mark.process


def test_the_login_limit_counts_per_client_behind_the_proxy(tmp_path):
    """Two attempts from one client, then a 429 for it; another client is not refused."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'qms.db'}",
            "SECRET_KEY": "test-secret-key-that-is-long-enough-for-jwt-hs256",
            "REDIS_EMBEDDED_DIR": str(tmp_path / "redis"),
            "PROXY_HOPS": 1,
            "AUTH_RATE_LIMIT": "2 per minute",
        }
    )
    with app.app_context():
        initialise()
    start_embedded(str(tmp_path / "redis"))
    server = create_server(app, host="127.0.0.1", port=0, **serve_options(app))
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{server.effective_port}/api/v1/security/login"
    body = {"username": "nobody", "password": "wrong-password", "provider": "db"}

    def attempt(address: str) -> int:
        return requests.post(
            url, json=body, headers={"X-Forwarded-For": address}, timeout=30
        ).status_code

    try:
        first = [attempt("203.0.113.10") for _ in range(3)]
        assert first == [401, 401, 429], first
        assert attempt("203.0.113.11") == 401
        # The database away: the limit still answers 429 (its record is what is lost).
        (tmp_path / "qms.db").rename(tmp_path / "moved.db")
        with app.app_context():
            from app.extensions import db

            db.engine.dispose()
        assert attempt("203.0.113.10") == 429
    finally:
        server.close()
