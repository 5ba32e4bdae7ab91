"""Name every failed test of the last scripts/test run, with the first lines of its
message, and every browser test that passed only when run again (flaky): from the JUnit
XML of pytest and jest and the JSON of Playwright (Galata, hub). CI shows only the end of
a long output, so scripts/test and .ci/run end with this list."""

import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RELIABILITY = REPO / ".stack" / "reliability"
JUNIT = {"pytest": RELIABILITY / "pytest.xml", "jest": REPO / "junit.xml"}
PLAYWRIGHT = {"galata": RELIABILITY / "playwright" / "galata.json", "hub": RELIABILITY / "playwright" / "hub.json"}
MESSAGE_LINES = 6
COLOUR = re.compile(r"\x1b\[[0-9;]*m")  # Playwright's messages carry terminal colours


def _first_lines(text: str) -> list:
    text = COLOUR.sub("", text)
    return [line.rstrip()[:300] for line in text.strip().splitlines() if line.strip()][:MESSAGE_LINES]


def junit_failures(path: Path) -> list:
    """(test name, message lines) for each failed or errored case in one JUnit file."""
    found = []
    for case in ET.parse(path).getroot().iter("testcase"):
        for bad in case.findall("failure") + case.findall("error"):
            text = (bad.get("message") or "") + "\n" + (bad.text or "")
            found.append((f"{case.get('classname', '')} :: {case.get('name', '')}", _first_lines(text)))
    return found


def playwright_outcomes(path: Path) -> dict:
    """{"unexpected": [(name, message lines)], "flaky": [...], "expected": n, ...} from
    Playwright's JSON report: a test's status is "unexpected" when its last try failed,
    "flaky" when a retry passed."""
    outcomes: dict = {"expected": 0, "skipped": 0, "unexpected": [], "flaky": []}

    def walk(suite: dict, where: str):
        for spec in suite.get("specs", []):
            for test in spec.get("tests", []):
                status = test.get("status", "unexpected")
                if status in ("expected", "skipped"):
                    outcomes[status] += 1
                    continue
                errors = [r.get("error", {}).get("message", "") for r in test.get("results", []) if r.get("error")]
                name = f"{spec.get('file', where)}:{spec.get('line', '')} {spec.get('title', '')}"
                outcomes.setdefault(status, []).append((name, _first_lines(errors[0] if errors else status)))
        for child in suite.get("suites", []):
            walk(child, child.get("file", where))

    report = json.loads(path.read_text())
    for suite in report.get("suites", []):
        walk(suite, suite.get("file", ""))
    return outcomes


def main() -> int:
    total = 0

    def show(label: str, name: str, lines: list):
        print(f"failures: {label}: {name}")
        for line in lines:
            print(f"    {line}")

    reports = [(suite, path, junit_failures) for suite, path in JUNIT.items()]
    reports += [(suite, path, playwright_outcomes) for suite, path in PLAYWRIGHT.items()]
    for suite, path, read in reports:
        if not path.exists():
            print(f"failures: {suite}: no report ({path.relative_to(REPO)}); it did not run or did not finish")
            continue
        try:
            found = read(path)
        except (ET.ParseError, ValueError) as err:
            print(f"failures: {suite}: unreadable report {path.relative_to(REPO)}: {err}")
            continue
        if isinstance(found, dict):
            for name, lines in found["flaky"]:
                show(f"{suite} (flaky: failed, then passed when run again)", name, lines)
            found = found["unexpected"]
        total += len(found)
        for name, lines in found:
            show(suite, name, lines)
    print(f"failures: {total} failed test(s) in the reports")
    return 0


if __name__ == "__main__":
    sys.exit(main())
