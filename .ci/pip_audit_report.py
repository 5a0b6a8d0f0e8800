"""Reads pip-audit's JSON report (``pip-audit -f json``) and says what it found, in one line.

Exit status: 1 when a locked package has a known vulnerability (each is listed), 0 otherwise.
Packages pip-audit could not look up (its vulnerability service unreachable, or answering
"not found" for every package behind a registry mirror) are never reported as clean: when none
could be looked up the line reads "pip-audit: unavailable (...)", when some could not, it says
how many. Also called with ``--unavailable REASON`` when pip-audit wrote no report at all.

Usage: python .ci/pip_audit_report.py REPORT.json | --unavailable REASON
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def summarize(report: dict) -> tuple[int, list[str]]:
    """(exit status, lines to print) for a pip-audit JSON report."""
    dependencies = report.get("dependencies", [])
    vulnerable = [dep for dep in dependencies if dep.get("vulns")]
    skipped = [dep for dep in dependencies if dep.get("skip_reason")]
    audited = len(dependencies) - len(skipped)
    lines = []
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version"
            lines.append(
                f"pip-audit: {dep['name']} {dep.get('version', '?')}: {vuln.get('id', '?')} (fixed in {fixes})"
            )
    if vulnerable:
        lines.append(
            f"pip-audit: FAILED, {len(vulnerable)} of {len(dependencies)} locked packages have known vulnerabilities"
        )
        return 1, lines
    if not dependencies:
        return 0, ["pip-audit: unavailable (the report lists no package)"]
    if audited == 0:
        reason = skipped[0]["skip_reason"]
        return 0, [
            f"pip-audit: unavailable (none of the {len(dependencies)} locked packages could be looked up: {reason})"
        ]
    if skipped:
        names = ", ".join(dep["name"] for dep in skipped[:5]) + (", ..." if len(skipped) > 5 else "")
        return 0, [
            f"pip-audit: no known vulnerabilities in {audited} packages; "
            f"{len(skipped)} could not be looked up ({names})"
        ]
    return 0, [f"pip-audit: no known vulnerabilities in the {audited} locked packages"]


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[1] == "--unavailable":
        print(f"pip-audit: unavailable ({argv[2]})")
        return 0
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    path = Path(argv[1])
    try:
        report = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        print(f"pip-audit: unavailable (no readable report: {error})")
        return 0
    status, lines = summarize(report)
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
