"""Web app budgets (docs/web.md, "Budgets"), printed as name=value.

first_screen_js_gzip_kb: the gzipped JavaScript the first screen loads: the entry script of
web/app/dist/index.html and the chunks it imports statically (the screens behind routes load
later). Build first (`make web-build`).

Not measured yet (printed as such, with the reason): lighthouse_performance and
lighthouse_accessibility (the `lighthouse` package is not in web/package-lock.json yet) and
send_to_render_p95_ms.
"""

import gzip
import re
import sys
from pathlib import Path

DIST = Path(__file__).resolve().parent.parent / "web" / "app" / "dist"
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
    print("lighthouse_performance=unmeasured (lighthouse not installed)")
    print("lighthouse_accessibility=unmeasured (lighthouse not installed)")
    print("send_to_render_p95_ms=unmeasured (not implemented)")


if __name__ == "__main__":
    main()
