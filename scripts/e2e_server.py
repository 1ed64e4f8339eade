"""A throwaway Plaza for the web app's end-to-end tests (web/e2e, docs/web.md).

Creates a fresh PostgreSQL database next to ``DATABASE_URL``'s, migrates it, seeds the demo
world, starts a Celery worker and uvicorn on a free local port (Redis from ``REDIS_URL``, with
key prefixes and a queue of its own), prints ``READY <url>`` and serves until stdin closes or a
SIGTERM arrives; then it stops both processes and drops the database.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def admin_connection(database_url: str):
    parts = urlsplit(database_url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def say(text: str) -> None:
    print(text, flush=True)


def wait_healthy(url: str, server: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("e2e server: uvicorn exited during startup")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("e2e server: not healthy in time")


def main() -> None:
    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/plaza")
    name = f"{urlsplit(base_url).path.lstrip('/')}_e2e_{os.getpid()}"
    database_url = urlunsplit(urlsplit(base_url)._replace(path=f"/{name}"))
    tag = f"plaza-e2e-{os.getpid()}"
    log_dir = Path(os.environ.get("E2E_LOG_DIR", ROOT / "web" / "e2e" / "test-results"))
    log_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # Uploads go to a throwaway folder and are served by this server, so the app's pages load
    # them from their own origin (the CSP's 'self').
    media_root = tempfile.mkdtemp(prefix=f"{tag}-media-")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CHANNEL_PREFIX": tag,
        "CACHE_KEY_PREFIX": tag,
        "LIVE_REDIS_PREFIX": tag,
        "CELERY_QUEUE": tag,
        "LOG_LEVEL": "WARNING",
        # A development server: mini-program bundles may call servers on localhost (the coffee
        # example's), and webhooks may go to them (miniprograms/views.py, settings).
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "superapp.settings",
        "MEDIA_ROOT": media_root,
        "MEDIA_BASE_URL": f"{url}/media/",
    }
    with admin_connection(base_url) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    say(f"e2e server: database {name} created")
    children: list[subprocess.Popen] = []
    try:
        for command in (["migrate", "--noinput"], ["seed_demo"]):
            subprocess.run(
                [PYTHON, "manage.py", *command],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        say("e2e server: migrated and seeded")
        worker_log = open(log_dir / "e2e-celery.log", "w")  # noqa: SIM115 (lives as long as the worker)
        children.append(
            subprocess.Popen(
                [
                    PYTHON,
                    "-m",
                    "celery",
                    "-A",
                    "superapp",
                    "worker",
                    "--pool",
                    "solo",
                    "--loglevel",
                    "WARNING",
                    "--hostname",
                    f"{tag}@localhost",
                ],
                cwd=ROOT,
                env=env,
                stdout=worker_log,
                stderr=subprocess.STDOUT,
            )
        )
        server_log = open(log_dir / "e2e-uvicorn.log", "w")  # noqa: SIM115
        server = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "uvicorn"),
                "superapp.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=server_log,
            stderr=subprocess.STDOUT,
        )
        children.append(server)
        wait_healthy(url, server)
        say(f"READY {url}")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
        stop.wait()
    finally:
        for child in children:
            child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
        with admin_connection(base_url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(media_root, ignore_errors=True)
        say(f"e2e server: stopped, database {name} dropped")


if __name__ == "__main__":
    main()
