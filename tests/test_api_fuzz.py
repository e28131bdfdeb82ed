"""The REST API fuzzed from its own OpenAPI spec by schemathesis (bounded): for every
resource and method, no generated request gets a server error."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from conftest import PASSWORD, _fresh_postgres_database

from app import create_app
from app.extensions import db

# Malformed requests are refused before the database (schemas, parsing): the fuzz runs on
# SQLite only; what depends on the engine (huge numbers, ids beyond any record) is in
# test_hostile_input, which runs on both.
pytestmark = [pytest.mark.process, pytest.mark.engine_free]

# Examples per operation and the whole run's time budget: enough to find what the first
# hand-run found (12 kinds of 500 in 93 s), small enough for the suite.
EXAMPLES = int(os.environ.get("QMS_FUZZ_EXAMPLES", "4"))
SECONDS = int(os.environ.get("QMS_FUZZ_SECONDS", "75"))
SEED = 20261201


@pytest.fixture(scope="module")
def fuzzed_server(app, tmp_path_factory):
    """The app on its own database (the fuzzer creates and changes reference data and rules
    that other tests rely on), initialised, with an administrator, on a threaded server."""
    from waitress.server import create_server

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("postgresql"):
        url = _fresh_postgres_database(url.rsplit("_", 1)[0], suffix="fuzz")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"
    fuzzed = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": app.config["SECRET_KEY"],
            "REDIS_EMBEDDED_DIR": app.config["REDIS_EMBEDDED_DIR"],
            "RATELIMIT_ENABLED": False,
        }
    )
    with fuzzed.app_context():
        from app.instance import initialise

        initialise()
        sm = fuzzed.appbuilder.sm
        sm.add_user(
            "fuzz_admin", "Fuzz", "Admin", "fuzz@test.local", sm.find_role("Admin"), PASSWORD
        )
        db.session.remove()
    server = create_server(fuzzed, host="127.0.0.1", port=0, threads=8)
    threading.Thread(target=server.run, daemon=True).start()
    yield f"http://127.0.0.1:{server.effective_port}", fuzzed
    server.close()
    with fuzzed.app_context():
        db.session.remove()
        db.engine.dispose()


def test_no_generated_request_gets_a_server_error(fuzzed_server, tmp_path):
    """schemathesis's coverage and fuzzing phases, every operation but the token logins
    (rate limited by design, tested on their own): every answer is below 500."""
    base, fuzzed = fuzzed_server
    token = requests.post(
        f"{base}/api/v1/security/login",
        json={"username": "fuzz_admin", "password": PASSWORD, "provider": "db"},
        timeout=30,
    ).json()["access_token"]
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "run",
        f"{base}/api/v1/_openapi",
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        "not_a_server_error",
        "--max-examples",
        str(EXAMPLES),
        "--max-time",
        str(SECONDS),
        "--seed",
        str(SEED),
        "--phases",
        "coverage,fuzzing",
        "--suppress-health-check",
        "all",
        "--exclude-path-regex",
        "/security/",
        "--generation-database",
        "none",
        "--no-color",
    ]
    # In a folder of its own: schemathesis keeps a cache in its working directory.
    run = subprocess.run(
        command, capture_output=True, text=True, timeout=SECONDS + 300, cwd=tmp_path
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-6000:]
    assert "Server error" not in output
    with fuzzed.app_context():
        # The run really exercised the API: it wrote records through it.
        assert db.session.execute(sa.text("SELECT count(*) FROM audit_log")).scalar() > 0
