"""The deployment files say what the code does: every `qms` command they run exists, every
QMS_* setting they (and the docs) name is read by the code, the compose file has the
services docs/deploy.md describes with Redis's append-only file on, nginx takes the largest
request the app does, and gunicorn's settings follow the environment."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
import yaml

import config
from app.cli import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SETTING = re.compile(r"\bQMS_[A-Z0-9_]*[A-Z0-9]\b")
# Variables of the deployment itself rather than of the app.
DEPLOYMENT_ONLY = {"QMS_DB_PASSWORD"}


def _code_settings() -> set[str]:
    """Every QMS_* name the code, the scripts and the tests read or set."""
    names = set(config.ENVIRONMENT)
    for pattern in ("app/**/*.py", "jobs/**/*.py", "config.py", "scripts/*", "tests/*.py", "run",
                    "test", "bench/*.py"):  # fmt: skip
        for path in ROOT.glob(pattern):
            if path.is_file() and path.name != Path(__file__).name:
                names |= set(SETTING.findall(path.read_text(errors="replace")))
    return names


def _commands(lines) -> list[list[str]]:
    """The arguments after `qms` of each command line."""
    found = []
    for line in lines:
        words = line.split() if isinstance(line, str) else list(line)
        for index, word in enumerate(words):
            if word == "qms" or word.endswith("/qms"):
                found.append(words[index + 1 :])
    return found


@pytest.mark.parametrize(
    "path",
    sorted([*DEPLOY.rglob("*"), ROOT / "docs" / "deploy.md", ROOT / "README.md"]),
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_every_setting_named_is_read_by_the_code(path):
    """A QMS_* name in a deployment file or the docs that nothing reads is a typo."""
    if path.is_dir():
        return
    unknown = set(SETTING.findall(path.read_text())) - _code_settings() - DEPLOYMENT_ONLY
    assert not unknown, f"{path.name} names settings nothing reads: {sorted(unknown)}"


def test_every_command_the_deployment_runs_exists():
    """systemd's ExecStart, compose's commands and the image's CMD name real commands."""
    known = {command.name for command in COMMANDS}
    lines = []
    for unit in (DEPLOY / "systemd").glob("*.service"):
        lines += [line for line in unit.read_text().splitlines() if line.startswith("ExecStart=")]
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    lines += [service["command"] for service in compose["services"].values() if "command" in service
              and service["command"][0] == "qms"]  # fmt: skip
    cmd = re.search(r"^CMD (\[.*\])$", (DEPLOY / "Dockerfile").read_text(), re.MULTILINE)
    lines.append(yaml.safe_load(cmd.group(1)))
    commands = _commands(lines)
    assert len(commands) >= 8
    assert {arguments[0] for arguments in commands} <= known
    assert {"web", "worker", "scheduler", "init"} <= {arguments[0] for arguments in commands}


def test_compose_runs_the_layout_of_the_guide():
    """PostgreSQL, Redis with its append-only file, the upgrade once before anything
    serves, web, three workers and one scheduler sharing one volume of files."""
    services = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    assert {"postgres", "redis", "migrate", "web", "worker", "scheduler"} <= set(services)
    assert "--appendonly" in services["redis"]["command"]
    assert services["worker"]["deploy"]["replicas"] == 3
    assert "replicas" not in services["scheduler"].get("deploy", {})
    for name in ("web", "worker", "scheduler"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
        assert services[name]["environment"]["QMS_EXPORT_DIR"].startswith("/var/lib/qms-crm/")
        assert services[name]["volumes"] == ["files:/var/lib/qms-crm"]


def test_nginx_takes_the_largest_request_the_app_does():
    """nginx's body limit is above QMS_MAX_REQUEST_MB, so the app answers with its 413."""
    text = (DEPLOY / "nginx" / "qms-crm.conf").read_text()
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", text).group(1))
    assert megabytes * 1024 * 1024 > config.MAX_CONTENT_LENGTH
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in text


def test_gunicorn_settings_follow_the_environment(monkeypatch):
    """Workers, threads and the address from QMS_WEB_*; threads in each process."""
    monkeypatch.setenv("QMS_WEB_WORKERS", "3")
    monkeypatch.setenv("QMS_WEB_THREADS", "6")
    monkeypatch.setenv("QMS_WEB_BIND", "0.0.0.0:9000")
    settings = importlib.reload(importlib.import_module("app.gunicorn_conf"))
    assert (settings.workers, settings.threads, settings.bind) == (3, 6, ["0.0.0.0:9000"])
    assert settings.worker_class == "gthread" and "x-request-id" in settings.access_log_format
