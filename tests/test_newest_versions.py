"""On request only (QMS_TEST_NEWEST_VERSIONS=1): the suite on the newest versions that
pyproject.toml allows, not the locked ones, in a virtual environment of its own. It tells
whether an upgrade of the lock files (scripts/lock.sh) would pass, before one is made."""

import os
import subprocess
import venv
from pathlib import Path

import pytest

pytestmark = pytest.mark.process

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(
    os.environ.get("QMS_TEST_NEWEST_VERSIONS") != "1",
    reason="on request: QMS_TEST_NEWEST_VERSIONS=1 (needs internet access)",
)
def test_the_suite_passes_on_the_newest_allowed_versions(tmp_path):
    """pip resolves the newest versions within the declared ranges; the whole suite (but
    this test) then passes on SQLite with them."""
    environment = tmp_path / "newest"
    venv.create(environment, with_pip=True)
    python = str(environment / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--upgrade", f"{ROOT}[test]"], check=True
    )
    versions = subprocess.run(
        [python, "-m", "pip", "freeze"], check=True, capture_output=True, text=True
    ).stdout
    print(versions)
    run = subprocess.run(
        [
            python,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            "-x",
            "--ignore",
            "tests/test_newest_versions.py",
            # The installed set is not the locked one here, by design.
            "--deselect",
            "tests/test_lock.py::test_both_locks_agree_and_the_installed_set_is_the_locked_one",
        ],
        cwd=ROOT,
        env={**os.environ, "QMS_TEST_NEWEST_VERSIONS": "0", "PYTHONPATH": str(ROOT)},
    )
    assert run.returncode == 0, f"the suite failed on:\n{versions}"
