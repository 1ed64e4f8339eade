"""A throwaway Plaza for the web app's end-to-end tests (web/e2e, docs/web.md).

Creates a fresh PostgreSQL database next to ``DATABASE_URL``'s, migrates it, seeds the demo
world, starts a Celery worker and uvicorn on a free local port (Redis from ``REDIS_URL``, with
key prefixes and a queue of its own) and, when Debian's nginx with its RTMP module is installed
(``make media-tools``), the live video media server (``manage.py media_server``) on free ports
of its own; prints ``READY <url>`` and serves until stdin closes or a SIGTERM arrives; then it
stops every process it started and drops the database.
"""

import os
import secrets
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
from serving import uvicorn_command  # scripts/, this script's folder

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RTMP_MODULE = Path("/usr/lib/nginx/modules/ngx_rtmp_module.so")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def admin_connection(database_url: str):
    parts = urlsplit(database_url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def say(text: str) -> None:
    print(text, flush=True)


def wait_healthy(
    url: str, server: subprocess.Popen, timeout: float = 60.0, name: str = "uvicorn"
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"e2e server: {name} exited during startup")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"e2e server: {name} not healthy in time")


def media_server_available() -> bool:
    return shutil.which("nginx") is not None and RTMP_MODULE.exists()


def media_settings(tag: str) -> dict[str, str]:
    """The live media server's ports, folder and callback secret (docs/live.md, "Video")."""
    rtmp_port, http_port = free_port(), free_port()
    return {
        "LIVE_MEDIA_DIR": tempfile.mkdtemp(prefix=f"{tag}-live-"),
        "LIVE_MEDIA_CALLBACK_SECRET": secrets.token_urlsafe(32),
        "LIVE_MEDIA_RTMP_URL": f"rtmp://127.0.0.1:{rtmp_port}/live",
        "LIVE_MEDIA_PUBLIC_URL": f"http://127.0.0.1:{http_port}",
        "MEDIA_RTMP_PORT": str(rtmp_port),
        "MEDIA_HTTP_PORT": str(http_port),
    }


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
        # Links, QR codes and the apps' registered OAuth redirect URIs name this server.
        "PUBLIC_BASE_URL": url,
    }
    media = media_server_available()
    if media:
        env.update(media_settings(tag))
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
            uvicorn_command(port, "--log-level", "warning"),
            cwd=ROOT,
            env=env,
            stdout=server_log,
            stderr=subprocess.STDOUT,
        )
        children.append(server)
        wait_healthy(url, server)
        if media:
            start_media_server(env, url, log_dir, children)
        else:
            say("e2e server: no media server (nginx with its RTMP module is not installed)")
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
        if media:
            shutil.rmtree(env["LIVE_MEDIA_DIR"], ignore_errors=True)
        say(f"e2e server: stopped, database {name} dropped")


def start_media_server(env: dict, url: str, log_dir: Path, children: list) -> None:
    """nginx-rtmp in the foreground (``media_server`` replaces itself with nginx, so stopping
    the child stops nginx), calling this server back; waits for its ``/healthz``."""
    media_log = open(log_dir / "e2e-media-server.log", "w")  # noqa: SIM115
    media = subprocess.Popen(
        [
            *(PYTHON, "manage.py", "media_server"),
            *("--rtmp-port", env["MEDIA_RTMP_PORT"], "--http-port", env["MEDIA_HTTP_PORT"]),
            *("--plaza-url", url),
        ],
        cwd=ROOT,
        env=env,
        stdout=media_log,
        stderr=subprocess.STDOUT,
    )
    children.append(media)
    wait_healthy(env["LIVE_MEDIA_PUBLIC_URL"], media, timeout=30, name="media server")
    say(f"e2e server: media server RTMP {env['LIVE_MEDIA_RTMP_URL']}")


if __name__ == "__main__":
    main()
