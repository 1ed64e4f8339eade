"""A fresh PostgreSQL database and free local ports for one bench run.

A bench that reused one database would measure a little slower each run: the tables grow, and
on a server without autovacuum (like the development machine) nothing refreshes the planner's
statistics. Each run gets its own database next to ``DATABASE_URL``'s, dropped at exit.
"""

import atexit
import os
import socket
from urllib.parse import urlsplit, urlunsplit

import psycopg


def fresh_database(suffix: str) -> str:
    """Create ``<database>_<suffix>`` (dropping a leftover one), point ``DATABASE_URL`` at it
    for this process and the ones it starts, and drop it when the process exits. Call before
    ``django.setup()``. Returns the new URL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("this bench needs DATABASE_URL pointing at PostgreSQL")
    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'plaza'}_{suffix}"
    maintenance = urlunsplit(parts._replace(path="/postgres"))

    def run(statement: str) -> None:
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(statement)

    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run(f'CREATE DATABASE "{name}"')
    atexit.register(run, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    return os.environ["DATABASE_URL"]


def analyze() -> None:
    """Refresh the planner's statistics after the set-up, as autovacuum would."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def free_ports(count: int) -> list[int]:
    """``count`` distinct local ports nothing listens on now (the kernel picks them), so a bench
    never talks to another program's server and several checkouts' benches run side by side."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()
