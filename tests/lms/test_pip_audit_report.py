"""CI's pip-audit step: a finding fails it, an unreachable vulnerability service is reported as
"unavailable" and never as clean."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "pip_audit_report.py"


@pytest.fixture(scope="module")
def report_module():
    spec = importlib.util.spec_from_file_location("pip_audit_report", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def dep(name, version="1.0", vulns=(), skip_reason=None):
    entry = {"name": name, "version": version, "vulns": list(vulns)}
    if skip_reason:
        entry = {"name": name, "skip_reason": skip_reason}
    return entry


def test_a_known_vulnerability_fails_the_step_and_is_named(report_module):
    # given
    report = {
        "dependencies": [
            dep("django", "5.2.0", vulns=[{"id": "PYSEC-2026-1", "fix_versions": ["5.2.9"]}]),
            dep("wagtail", "8.0.1"),
            dep("amqp", skip_reason="Dependency not found on PyPI and could not be audited: amqp (5.4.2)"),
        ]
    }

    # when
    status, lines = report_module.summarize(report)

    # then
    assert status == 1
    assert lines == [
        "pip-audit: django 5.2.0: PYSEC-2026-1 (fixed in 5.2.9)",
        "pip-audit: FAILED, 1 of 3 locked packages have known vulnerabilities",
    ]


def test_no_package_looked_up_is_unavailable_not_clean(report_module):
    # given: behind a registry mirror, PyPI's JSON API knows none of the packages
    reason = "Dependency not found on PyPI and could not be audited: amqp (5.4.2)"
    report = {"dependencies": [dep("amqp", skip_reason=reason), dep("django", skip_reason="not found")]}

    # when
    status, lines = report_module.summarize(report)

    # then
    assert status == 0
    assert lines == [f"pip-audit: unavailable (none of the 2 locked packages could be looked up: {reason})"]


def test_packages_not_looked_up_are_counted_beside_the_audited_ones(report_module):
    # when
    status, lines = report_module.summarize(
        {"dependencies": [dep("django"), dep("wagtail"), dep("private-pkg", skip_reason="not on PyPI")]}
    )

    # then
    assert status == 0
    assert lines == ["pip-audit: no known vulnerabilities in 2 packages; 1 could not be looked up (private-pkg)"]


def test_every_package_audited_without_finding_is_clean(report_module):
    # when
    status, lines = report_module.summarize({"dependencies": [dep("django"), dep("wagtail")]})

    # then
    assert (status, lines) == (0, ["pip-audit: no known vulnerabilities in the 2 locked packages"])


def test_no_report_at_all_is_unavailable(report_module, tmp_path, capsys):
    # when: pip-audit wrote nothing readable (its service timed out mid-way)
    missing = report_module.main(["pip_audit_report.py", str(tmp_path / "absent.json")])
    told = report_module.main(["pip_audit_report.py", "--unavailable", "no answer within 180 s"])

    # then
    out = capsys.readouterr().out.splitlines()
    assert (missing, told) == (0, 0)
    assert out[0].startswith("pip-audit: unavailable (no readable report: ")
    assert out[1] == "pip-audit: unavailable (no answer within 180 s)"
