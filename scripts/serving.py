"""How the tools around the app (the benches, the end-to-end server, the system tests) start
Plaza's ASGI server."""

import sys


def uvicorn_command(port: int, *options: str) -> list[str]:
    """The command of one uvicorn serving Plaza on 127.0.0.1:``port``, with ``options`` (log
    level, workers, event loop…), run by this interpreter."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "superapp.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *options,
    ]
