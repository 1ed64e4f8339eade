"""Real Plaza processes for system tests: uvicorn servers, a Celery worker with beat, a Redis.

Every process points at the pytest test database (so fixtures written by the test are what the
servers read) and runs with Celery eager mode OFF: a job scheduled by a server can only run in
the worker.
"""

import itertools
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from django.db import connection

from scripts.serving import uvicorn_command

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def wait_for(condition, timeout: float = 30.0, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


def embedded_env(tmp_path: Path) -> dict[str, str]:
    """The environment of the embedded default (``make run``): a file-backed SQLite database
    in ``tmp_path``, no Redis, no eager flag."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_TASK_ALWAYS_EAGER")
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'plaza.sqlite3'}"
    return env


def manage(*args: str, env: dict) -> str:
    """``manage.py <args>`` in a fresh process; its output (the test fails if it fails)."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def database_url_for_tests() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def service_env(**overrides: str) -> dict[str, str]:
    """The environment of a Plaza process in these tests: the test database, eager off, the
    test suite's fast password hasher (users are created by the test process)."""
    return {
        **os.environ,
        "DATABASE_URL": database_url_for_tests(),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "PASSWORD_HASHERS": "django.contrib.auth.hashers.MD5PasswordHasher",
        "WEBHOOK_ALLOW_PRIVATE_NETWORKS": "1",  # the receivers listen on localhost
        "LOG_LEVEL": "WARNING",
        **overrides,
    }


def assert_ledger_verifies() -> None:
    """``manage.py ledger_verify`` in its own process, against the test database, exits 0."""
    verify = subprocess.run(
        [sys.executable, "manage.py", "ledger_verify"],
        cwd=ROOT,
        env=service_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def free_port() -> int:
    """A local port nothing listens on now: suites of several checkouts run side by side."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class Process:
    """A subprocess that is stopped politely, then killed."""

    process: subprocess.Popen | None = None

    def _spawn(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        with open(log, "ab") as out:
            self.process = subprocess.Popen(
                args,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: a kill reaches its children
            )

    def _await(self, condition, timeout: float = 30.0) -> None:
        """Wait until the process is ready; if it never is, stop it and fail with its log."""
        if not wait_for(condition, timeout=timeout):
            self.kill()
            raise AssertionError(f"{self.log.name} did not start:\n{self.log.read_text()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, in-flight requests die mid-way."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


class Server(Process):
    """``uvicorn superapp.asgi:application`` on 127.0.0.1:<port>."""

    def __init__(self, port: int, log_dir: Path, log_level: str = "warning", **env: str):
        self.port = port
        self.env = service_env(**env)
        self.log_dir = log_dir
        self.log_level = log_level
        self.log = log_dir / f"uvicorn-{port}.log"
        self.url = f"http://127.0.0.1:{port}"
        self.ws_url = f"ws://127.0.0.1:{port}/ws/"

    def start(self) -> "Server":
        assert not _port_open(self.port), f"port {self.port} is taken"
        self._spawn(
            uvicorn_command(self.port, "--log-level", self.log_level),
            self.env,
            self.log,
        )
        self._await(self._ready)
        return self

    def restart(self) -> "Server":
        self.kill()
        assert wait_for(lambda: not _port_open(self.port), timeout=10)
        return self.start()

    def _ready(self) -> bool:
        return self.process.poll() is None and _http_ready(self)


def worker_name() -> str:
    """A Celery node name of its own for each worker a test starts, so that the readiness ping
    asks that worker, not any worker on the shared broker (the other xdist worker's)."""
    return f"plaza-test-{os.getpid()}-{next(_worker_numbers)}@localhost"


_worker_numbers = itertools.count(1)


def worker_ready(celery_app, name: str) -> bool:
    return bool(celery_app.control.ping(destination=[name], timeout=0.5))


class Worker(Process):
    """``celery -A superapp worker --beat`` (solo pool), ready once it answers a ping: a task
    sent before it declared its queue would be dropped."""

    def __init__(self, log_dir: Path, **env: str):
        self.env = service_env(HEARTBEAT_INTERVAL_SECONDS="1", **env)
        self.log_dir = log_dir
        self.name = worker_name()

    def start(self, celery_app) -> "Worker":
        self._spawn(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "superapp",
                "worker",
                "--beat",
                "--pool",
                "solo",
                "--schedule",
                str(self.log_dir / "beat-schedule"),
                "--loglevel",
                "WARNING",
                "--hostname",
                self.name,
            ],
            self.env,
            self.log_dir / "celery.log",
        )
        self._await(lambda: worker_ready(celery_app, self.name))
        return self

    def stop(self, sig: int = signal.SIGQUIT) -> None:  # cold shutdown
        super().stop(sig)


class RedisServer(Process):
    """A throw-away ``redis-server`` (no persistence) the test may stop and start again."""

    def __init__(self, port: int, log_dir: Path):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.log_dir = log_dir

    def start(self) -> "RedisServer":
        self._spawn(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            dict(os.environ),
            self.log_dir / f"redis-{self.port}.log",
        )
        self._await(lambda: _port_open(self.port), timeout=10)
        return self


class Services(Process):
    """``scripts/run_services.sh`` (what ``make run-services`` starts): uvicorn on each port, a
    Celery worker and beat. Stopped with SIGTERM, which the script forwards to all of them."""

    def __init__(self, ports: list[int], log_dir: Path, **env: str):
        self.servers = [Server(port, log_dir) for port in ports]
        self.worker_name = worker_name()
        self.env = service_env(
            BIN=str(BIN),
            CELERY_WORKER_NAME=self.worker_name,
            WEB_PORTS=" ".join(map(str, ports)),
            BEAT_SCHEDULE=str(log_dir / "beat-schedule"),
            HEARTBEAT_INTERVAL_SECONDS="1",
            **{"MEDIA_SERVER": "0", **env},  # the media server only when a test asks for it
        )
        self.log_dir = log_dir

    def start(self, celery_app) -> "Services":
        for server in self.servers:
            assert not _port_open(server.port), f"port {server.port} is taken"
        self._spawn(
            ["bash", str(ROOT / "scripts" / "run_services.sh")],
            self.env,
            self.log_dir / "run_services.log",
        )
        self._await(
            lambda: (
                all(map(_http_ready, self.servers)) and worker_ready(celery_app, self.worker_name)
            ),
            timeout=60,
        )
        return self

    def stop(self, sig: int = signal.SIGTERM) -> None:
        super().stop(sig)
        assert wait_for(lambda: not any(_port_open(s.port) for s in self.servers), timeout=15)


def _http_ready(server: Server) -> bool:
    try:
        return requests.get(f"{server.url}/healthz", timeout=1).status_code in (200, 503)
    except requests.RequestException:
        return False
