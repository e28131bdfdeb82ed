"""The code passes the project's lint, format, type and layer checks (configured in
pyproject.toml: ruff, mypy over the core, import-linter's contracts)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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
