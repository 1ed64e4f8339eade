"""Audit the runtime requirements for known vulnerabilities with pip-audit (`make audit`).

Exit 1 on any known vulnerability (each printed) or if pip-audit itself fails. When the
vulnerability service cannot be asked — no network, or every package skipped as unauditable (a
package index mirror answers the project page but not the per-version one) — print one line
``audit=unavailable (<reason>)`` and exit 0: the machine could not audit, and says so, instead
of reporting "no known vulnerabilities". Otherwise print ``audit=ok (...)``.

    AUDIT_TIMEOUT_SECONDS   socket timeout of each request to the service (default 10)
    AUDIT_DEADLINE_SECONDS  the whole run, resolution included (default 180)
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NETWORK_ERRORS = ("ConnectionError", "NameResolutionError", "ConnectTimeout", "ReadTimeout")


def _fixes(vulnerability: dict) -> str:
    return ", ".join(vulnerability["fix_versions"]) or "no fix yet"


def verdict(returncode: int, stdout: str, stderr: str) -> tuple[int, str]:
    """(exit status, report) for one pip-audit run with ``--format json``."""
    try:
        dependencies = json.loads(stdout)["dependencies"]
    except (ValueError, KeyError, TypeError):
        network = next((e for e in NETWORK_ERRORS if e in stderr), None)
        if network:
            return 0, f"audit=unavailable (vulnerability service unreachable: {network})"
        return 1, f"audit=error (pip-audit exited {returncode})\n{stderr.strip()}"
    vulnerable = [d for d in dependencies if d.get("vulns")]
    if vulnerable:
        lines = [
            f"{d['name']} {d['version']}: {v['id']} (fixed in {_fixes(v)})"
            for d in vulnerable
            for v in d["vulns"]
        ]
        return 1, "\n".join([f"audit=vulnerable ({len(lines)} known vulnerabilities)", *lines])
    skipped = [d for d in dependencies if "skip_reason" in d]
    if dependencies and len(skipped) == len(dependencies):
        return 0, (
            f"audit=unavailable (all {len(skipped)} packages skipped as unauditable, "
            f"e.g. {skipped[0]['skip_reason']})"
        )
    if returncode != 0:
        return 1, f"audit=error (pip-audit exited {returncode})\n{stderr.strip()}"
    audited = len(dependencies) - len(skipped)
    note = f"; skipped: {', '.join(d['name'] for d in skipped)}" if skipped else ""
    return 0, f"audit=ok ({audited} packages, no known vulnerabilities{note})"


def main() -> int:
    command = [
        sys.executable,
        "-m",
        "pip_audit",
        "--requirement",
        str(ROOT / "requirements.txt"),
        "--format",
        "json",
        "--progress-spinner",
        "off",
        "--timeout",
        os.environ.get("AUDIT_TIMEOUT_SECONDS", "10"),
    ]
    deadline = float(os.environ.get("AUDIT_DEADLINE_SECONDS", "180"))
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=deadline)
    except subprocess.TimeoutExpired:
        print(f"audit=unavailable (pip-audit did not finish within {deadline:.0f} s)")
        return 0
    status, report = verdict(run.returncode, run.stdout, run.stderr)
    print(report)
    return status


if __name__ == "__main__":
    sys.exit(main())
