"""`make audit` (scripts/audit.py): fails on a known vulnerability, and says plainly when the
vulnerability service could not be asked instead of reporting a clean audit."""

import importlib.util
import json

from tests.system.processes import ROOT

spec = importlib.util.spec_from_file_location("audit", ROOT / "scripts" / "audit.py")
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)


def pip_audit_json(*dependencies) -> str:
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


CLEAN = {"name": "django", "version": "5.2.19", "vulns": []}
VULNERABLE = {
    "name": "requests",
    "version": "2.0.0",
    "vulns": [{"id": "PYSEC-2014-13", "fix_versions": ["2.3.0"], "aliases": []}],
}
UNAUDITABLE = {
    "name": "channels",
    "skip_reason": "Dependency not found on PyPI and could not be audited: channels (4.3.2)",
}


def test_a_known_vulnerability_fails_the_audit_and_is_named():
    status, report = audit.verdict(1, pip_audit_json(CLEAN, VULNERABLE), "")
    assert status == 1
    assert "requests 2.0.0: PYSEC-2014-13 (fixed in 2.3.0)" in report


def test_a_clean_audit_passes():
    assert audit.verdict(0, pip_audit_json(CLEAN), "") == (
        0,
        "audit=ok (1 packages, no known vulnerabilities)",
    )


def test_packages_that_could_not_be_audited_are_named_even_when_the_rest_is_clean():
    status, report = audit.verdict(0, pip_audit_json(CLEAN, UNAUDITABLE), "")
    assert (status, report) == (
        0,
        "audit=ok (1 packages, no known vulnerabilities; skipped: channels)",
    )


def test_when_every_package_was_skipped_the_audit_says_it_was_unavailable():
    status, report = audit.verdict(0, pip_audit_json(UNAUDITABLE, UNAUDITABLE), "")
    assert status == 0
    assert report.startswith("audit=unavailable (all 2 packages skipped as unauditable")
    assert "\n" not in report


def test_an_unreachable_service_is_unavailable_not_a_failure():
    stderr = "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.osv.dev')"
    assert audit.verdict(1, "", stderr) == (
        0,
        "audit=unavailable (vulnerability service unreachable: ConnectionError)",
    )


def test_any_other_failure_of_pip_audit_fails_the_audit():
    status, report = audit.verdict(1, "", "ResolutionImpossible: no version of nosuchpackage")
    assert status == 1
    assert "ResolutionImpossible" in report
