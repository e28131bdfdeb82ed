"""The scale-out layout on one machine, for the tests (and bench/scale_out.py): Debian's
redis-server on a free port, and `qms web`, `qms worker` and `qms scheduler` as processes of
their own, each in its own process group so that a test can kill one (and its work horse)
the way a crash would."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import redis
import requests

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 60


def descendants(pid: int) -> list[int]:
    """The processes started by `pid`, and theirs (Linux's /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            for child in (task / "children").read_text().split():
                found += [int(child), *descendants(int(child))]
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, seconds: float = START_SECONDS, every: float = 0.2):
    """The condition's first true value within `seconds`, else None."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    return None


class RedisServer:
    """Debian's redis-server with the append-only file on, as docs/deploy.md sets it up."""

    def __init__(self, directory: Path, port: int | None = None):
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (./test installs it as root)")
        self.binary, self.directory, self.port = binary, directory, port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--dir", str(self.directory),
                "--appendonly", "yes",
                "--appendfsync", "everysec",
                "--save", "",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        if not wait_for(self.answers, 20):
            raise RuntimeError("redis-server did not start")

    def answers(self) -> bool:
        try:
            return bool(redis.Redis.from_url(self.url, socket_timeout=1).ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)


class QmsProcess:
    """One `qms …` command in a process group of its own, its output kept in a file."""

    def __init__(self, name: str, arguments: list[str], environment: dict, logs: Path):
        self.name, self.arguments, self.environment = name, arguments, environment
        self.log = logs / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> QmsProcess:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "app.cli", *self.arguments],
                cwd=ROOT,
                env=self.environment,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """kill -9 of the process and everything it started, as a crash of its host would:
        an RQ worker's work horse runs in a session of its own and would go on."""
        if self.running():
            for pid in [*descendants(self.pid), self.pid]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            self.process.wait(20)

    def stop(self, seconds: float = 30) -> None:
        if self.running():
            os.killpg(self.pid, signal.SIGTERM)
            try:
                self.process.wait(seconds)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


class Web(QmsProcess):
    """`qms web` (gunicorn) on a port of its own."""

    def __init__(self, name, environment, logs, workers: int = 1, threads: int = 4):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        environment = {
            **environment,
            "QMS_WEB_BIND": f"127.0.0.1:{self.port}",
            "QMS_WEB_WORKERS": str(workers),
            "QMS_WEB_THREADS": str(threads),
        }
        super().__init__(name, ["web"], environment, logs)

    def ready(self) -> bool:
        try:
            return requests.get(f"{self.url}/health/ready", timeout=2).status_code == 200
        except requests.RequestException:
            return False


def environment(
    database_url: str, redis_url: str, instance: Path, secret_key: str, **settings
) -> dict:
    """What every process of one installation shares: the database, Redis, the secret key
    and the folders of exported, imported and research files."""
    return {
        **os.environ,
        "QMS_DATABASE_URL": database_url,
        "QMS_REDIS_URL": redis_url,
        "QMS_SECRET_KEY": secret_key,
        "QMS_INSTANCE_DIR": str(instance),
        "QMS_EXPORT_DIR": str(instance / "shared" / "exports"),
        "QMS_IMPORT_DIR": str(instance / "shared" / "imports"),
        "QMS_RESEARCH_FILE_DIR": str(instance / "shared" / "research"),
        **{key: str(value) for key, value in settings.items()},
    }


@contextmanager
def started(processes: list[QmsProcess]):
    """Start them; stop them all at the end, killing what does not stop."""
    try:
        for process in processes:
            process.start()
        yield processes
    finally:
        for process in processes:
            process.stop()
