"""The `qms` command line: init is idempotent, FAB's user commands work, the script runs."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from flask_appbuilder.cli import fab


def test_init_is_idempotent(ctx):
    """A second `qms init` changes no role and adds no reference data. (The first may put
    back a reference entry another test deleted.)"""
    runner = ctx.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert set(summary["roles_changed"].values()) == {0}
    assert summary["reference_rows_added"] == 0


def test_fab_user_commands(ctx):
    """`qms fab create-user` makes a user with the named role; create-admin an admin."""
    runner = ctx.test_cli_runner()
    result = runner.invoke(
        fab,
        [
            "create-user",
            "--role",
            "Director",
            "--username",
            "boss",
            "--firstname",
            "Big",
            "--lastname",
            "Boss",
            "--email",
            "boss@test.local",
            "--password",
            "boss-password-1",
        ],
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        fab,
        [
            "create-admin",
            "--username",
            "root2",
            "--firstname",
            "R",
            "--lastname",
            "Two",
            "--email",
            "root2@test.local",
            "--password",
            "root-password-1",
        ],
    )
    assert result.exit_code == 0, result.output
    sm = ctx.appbuilder.sm
    assert [role.name for role in sm.find_user(username="boss").roles] == ["Director"]
    assert [role.name for role in sm.find_user(username="root2").roles] == ["Admin"]


@pytest.mark.process
def test_console_script_lists_the_contract_commands():
    """The installed `qms` script offers init, run, seed, worker, roles and fab."""
    script = shutil.which("qms", path=str(Path(sys.executable).parent)) or "qms"
    output = subprocess.run([script, "--help"], capture_output=True, text=True, check=True).stdout
    for command in ("init", "run", "seed", "worker", "roles", "fab"):
        assert f"  {command} " in output, command
