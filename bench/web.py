"""Web app budgets (docs/web.md, "Budgets"), printed as name=value.

first_screen_js_gzip_kb: the gzipped JavaScript the first screen loads: the entry script of
web/app/dist/index.html and the chunks it imports statically (the screens behind routes load
later). Build first (`make web-build`).

lighthouse_performance, lighthouse_accessibility and send_to_render_p95_ms: web/e2e/bench.mjs
in Debian's Chromium (CHROMIUM) against a throwaway demo server that scripts/e2e_server.py starts
on a free port (a fresh database next to DATABASE_URL's, migrated and seeded, dropped after).
"""

import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "web" / "app" / "dist"
_IMPORT = re.compile(rb"""(?:import|from)\s*["'](\./[^"']+\.js)["']""")


def first_screen_js_bytes(dist: Path) -> int:
    index = (dist / "index.html").read_text()
    entries = re.findall(r'<script type="module"[^>]*src="/([^"]+)"', index)
    entries += re.findall(r'<link rel="modulepreload"[^>]*href="/([^"]+)"', index)
    seen: set[Path] = set()
    pending = [dist / entry for entry in entries]
    while pending:
        script = pending.pop()
        if script in seen:
            continue
        seen.add(script)
        body = script.read_bytes()
        pending += [script.parent / name.decode() for name in _IMPORT.findall(body)]
    return sum(len(gzip.compress(path.read_bytes(), 9)) for path in seen)


def main() -> None:
    if not (DIST / "index.html").is_file():
        sys.exit("bench/web.py: build the app first (make web-build)")
    print(f"first_screen_js_gzip_kb={first_screen_js_bytes(DIST) / 1024:.1f}")
    browser_figures()


def browser_figures() -> None:
    """Starts the demo server, runs web/e2e/bench.mjs against it, prints its figures."""
    server = subprocess.Popen(
        [sys.executable, "scripts/e2e_server.py"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = ""
        for line in server.stdout:
            print(line.rstrip(), file=sys.stderr, flush=True)
            if line.startswith("READY "):
                url = line.split()[1]
                break
        if not url:
            sys.exit("bench/web.py: the demo server did not start")
        figures = subprocess.run(
            ["node", "bench.mjs"],
            cwd=ROOT / "web" / "e2e",
            env={**os.environ, "PLAZA_URL": url},
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        print(figures.stdout, end="", flush=True)
    finally:
        server.stdin.close()
        server.wait(timeout=60)


if __name__ == "__main__":
    main()
