"""The code passes the project's lint, format, type and layer checks (configured in
pyproject.toml: ruff, mypy over the core, import-linter's contracts)."""

import hashlib
import inspect
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from flask_appbuilder.baseviews import BaseCRUDView

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["app", "jobs", "exports", "seeds", "scripts", "tests", "bench", "config.py"]


def _tool(name: str) -> str:
    return shutil.which(name, path=str(Path(sys.executable).parent)) or name


def _run(*command: str) -> subprocess.CompletedProcess:
    # The checkout's packages, whichever the environment installed.
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=environment)


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff(command):
    """ruff finds nothing to report or reformat."""
    result = _run(_tool("ruff"), *command, *SOURCES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy():
    """mypy finds no type error in the core layer."""
    result = _run(_tool("mypy"), "--no-incremental")
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contracts():
    """The layers import only downwards: import-linter keeps every contract."""
    result = _run(_tool("lint-imports"), "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr


# FAB's methods that app/web/views/saving.py follows, by the digest of their source in the
# version it was written against: an upgrade that changes them fails here, to be compared.
FOLLOWED_FAB_METHODS = {"_add": "a025a0c68594773e", "_edit": "d761e7bd3d3ff992"}


@pytest.mark.parametrize("name", FOLLOWED_FAB_METHODS)
def test_copied_fab_methods_are_those_followed(name):
    """FAB's _add and _edit are still the ones KeepsFormOnError follows."""
    source = inspect.getsource(getattr(BaseCRUDView, name)).encode()
    assert hashlib.sha256(source).hexdigest()[:16] == FOLLOWED_FAB_METHODS[name], (
        f"FAB's {name} changed: compare it with app/web/views/saving.py and update the digest"
    )
