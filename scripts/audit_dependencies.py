"""Checks the installed packages against known vulnerabilities with pip-audit.

Exit 1 when any installed package has a known vulnerability. When the vulnerability
service cannot be reached (a machine without internet access), it says so and exits 0,
or 1 with --require (for CI runners that do have access)."""

import json
import subprocess
import sys
import tempfile
from pathlib import Path


def judge(report: dict | None, require: bool) -> tuple[int, list[str]]:
    """The exit code and the lines to print for one pip-audit JSON report."""
    if report is None:
        return (1 if require else 0), ["dependency audit: pip-audit could not run"]
    dependencies = report["dependencies"]
    lines = [
        f"{each['name']} {each['version']}: {vulnerability['id']} (fixed in "
        f"{', '.join(vulnerability.get('fix_versions') or []) or 'no release yet'})"
        for each in dependencies
        for vulnerability in each.get("vulns") or []
    ]
    if lines:
        return 1, lines
    audited = [each for each in dependencies if "skip_reason" not in each]
    if not audited:
        message = "dependency audit: the vulnerability service was not reachable; nothing checked"
        return (1 if require else 0), [message]
    return 0, [f"dependency audit: {len(audited)} packages, no known vulnerability"]


def main() -> int:
    with tempfile.NamedTemporaryFile(suffix=".json") as output:
        subprocess.run(
            [sys.executable, "-m", "pip_audit", "--skip-editable", "--progress-spinner=off"]
            + ["-f", "json", "-o", output.name],
            capture_output=True,
        )
        try:
            report = json.loads(Path(output.name).read_text())
        except ValueError:
            report = None
    code, lines = judge(report, require="--require" in sys.argv)
    print("\n".join(lines))
    return code


if __name__ == "__main__":
    sys.exit(main())
