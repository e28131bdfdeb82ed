"""docs/architecture.md's recipe for adding an entity holds: a model and one declaration
give screens, menu, API, permissions, audit and an export, with no other edit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.process
HERE = Path(__file__).parent


def test_a_declared_entity_gets_screens_api_permissions_audit_and_export(tmp_path):
    """A throwaway reference list declared in a process of its own is served whole."""
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE.parent), str(HERE)])}
    run = subprocess.run(
        [sys.executable, str(HERE / "recipe_entity.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
        cwd=HERE.parent,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    found = json.loads(run.stdout.strip().splitlines()[-1])
    assert found == {
        "created": 201,
        "listed": ["Sprocket"],
        "edited": 200,
        "marketing_reads": 200,
        "marketing_writes": 403,
        "export_title": "Gadgets",
        "exported": True,
        "in_menu": True,
        "screen": 200,
        "marketing_add_screen": 403,
        "deleted": 200,
        "audited": ["create", "update", "delete"],
    }
