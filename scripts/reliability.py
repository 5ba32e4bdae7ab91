"""Write docs/reliability.md from this run of scripts/test: each class of test, how many
cases it tried and what held. Reads pytest's JUnit XML and the JSON summaries tests
leave in .stack/reliability/ (guard.json, faults.json, load.json, schemathesis.json), and
the browser tests' Playwright reports (.stack/reliability/playwright/)."""

import json
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

from failures import PLAYWRIGHT, playwright_outcomes

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / ".stack" / "reliability"
OUT = REPO / "docs" / "reliability.md"

CLASSES = [  # (title, test files, what it shows)
    (
        "The guard, as a table and as properties",
        ("test_guard",),
        "who may write, overwrite and delete which key: a table of (root, path, action) and hypothesis "
        "over random usernames, prefix templates and paths (look-alikes, escapes, dot segments, separators)",
    ),
    (
        "Hostile requests through the API",
        (
            "test_trust",
            "test_redteam",
            "test_deletes",
            "test_transfers",
            "test_uploads",
            "test_local",
            "test_api_",
            "test_authorizer",
            "test_auth",
        ),
        "each failure of issue 16 reproduced through the HTTP API, and a red team's attacks (odd paths, aliases, "
        "renames, races, an outage), checked with the emulators' own API, boto3 and the disk; schemathesis runs "
        "docs/api.yaml against a live server (its figures below)",
    ),
    (
        "Faults (Toxiproxy, killed emulators, killed server)",
        ("test_faults",),
        "latency, timeouts, resets and cut bodies during listings, transfers and deletes (Toxiproxy in front of "
        "both emulators); the emulators and the Jupyter server SIGKILLed in the middle and restarted",
    ),
    ("Load", ("test_load", "test_limits"), "concurrent jobs, tabs, cancels and a large listing at once"),
    (
        "GCS's own write-rate limit (nginx answering 429)",
        ("test_rate_limit", "test_backoff"),
        "uploads, rewrites and batch deletes of 300 objects through 50 writes/s a bucket: done, nothing lost, "
        "few requests per object, near the limit's rate (nginx's access log counts them); the backoff and pacing rules",
    ),
]


def junit_counts(path: Path) -> dict:
    """test file stem -> [passed, failed, skipped, xfailed (a known bug, kept as a test)]"""
    counts = defaultdict(lambda: [0, 0, 0, 0])
    if not path.exists():
        return counts
    for case in ET.parse(path).iter("testcase"):
        stem = case.get("classname", "").split(".")
        stem = next((part for part in stem if part.startswith("test_")), "?")
        skipped = case.find("skipped")
        if case.find("failure") is not None or case.find("error") is not None:
            counts[stem][1] += 1
        elif skipped is not None and "xfail" in (skipped.get("type", "") + skipped.get("message", "")):
            counts[stem][3] += 1
        elif skipped is not None:
            counts[stem][2] += 1
        else:
            counts[stem][0] += 1
    return counts


def faults_section(data: dict) -> list:
    lines = [f"{data.get('how', '')}", "", "| class | cases tried | held | known bugs (xfail) |", "|---|---|---|---|"]
    for name, cls in data.get("classes", {}).items():
        cases = cls.get("cases", [])
        bugs = sum(1 for c in cases if c.get("outcome") not in ("held", None))
        held = sum(1 for c in cases if c.get("outcome") == "held")
        lines.append(f"| {name} | {len(cases)} | {held} | {bugs} |")
    lines.append("")
    for name, cls in data.get("classes", {}).items():
        lines.append(f"- **{name}**")
        for case in cls.get("cases", []):
            checks = "; ".join(case.get("held", []))
            lines.append(f"  - {case.get('case')}: {case.get('outcome')}" + (f" ({checks})" if checks else ""))
    return lines


def schemathesis_section(data: dict) -> list:
    ops = data.get("operations", {})
    total = sum(o.get("cases", 0) for o in ops.values())
    failures = sum(o.get("failures", 0) for o in ops.values())
    lines = [
        f"{total} cases over {len(ops)} operations, {failures} failing, in {data.get('seconds')} s "
        f"(checks: {', '.join(data.get('checks', []))}).",
        "",
        "| operation | cases | failures | statuses |",
        "|---|---|---|---|",
    ]
    for name, op in sorted(ops.items()):
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(op.get("statuses", {}).items()))
        lines.append(f"| {name} | {op.get('cases')} | {op.get('failures')} | {statuses} |")
    return lines


def flat_section(data: dict) -> list:
    return [f"- {key}: {json.dumps(value)}" for key, value in data.items()]


def browser_section() -> list:
    """The browser tests' outcomes, each flaky one (failed once, passed when run again) by name."""
    lines = ["", "## Browser tests (Playwright; a failed test runs once more)", ""]
    for suite, path in PLAYWRIGHT.items():
        if not path.exists():
            lines.append(f"- {suite}: did not run")
            continue
        found = playwright_outcomes(path)
        lines.append(
            f"- {suite}: {found['expected']} passed, {len(found['flaky'])} flaky, "
            f"{len(found['unexpected'])} failed, {found['skipped']} skipped"
        )
        lines += [f"  - flaky: {name}" for name, _ in found["flaky"]]
        lines += [f"  - failed: {name}" for name, _ in found["unexpected"]]
    return lines


SECTIONS = {"faults": faults_section, "schemathesis": schemathesis_section}


def main() -> int:
    counts = junit_counts(DATA / "pytest.xml")
    summaries = {p.stem: json.loads(p.read_text()) for p in sorted(DATA.glob("*.json"))}
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Reliability: what the tests tried and what held",
        "",
        f"Written by `scripts/test` ({Path(__file__).name}) from its run of {when}; do not edit by hand.",
        "Each class below is a set of tests that try to break the server on purpose. A class",
        "holds when every one of its cases passed; a known bug is a test kept as a strict xfail",
        "that says what is wrong, until it is fixed.",
        "",
        "| class | test files | cases | passed | failed | known bugs | skipped |",
        "|---|---|---|---|---|---|---|",
    ]
    for title, prefixes, _ in CLASSES:
        files = sorted(stem for stem in counts if any(stem.startswith(p) for p in prefixes))
        passed, failed, skipped, xfailed = (sum(counts[f][i] for f in files) for i in range(4))
        lines.append(
            f"| {title} | {', '.join(files) or '(none ran)'} | {passed + failed + skipped + xfailed} "
            f"| {passed} | {failed} | {xfailed} | {skipped} |"
        )
    lines += browser_section()
    lines += ["", "## What each class tries", ""]
    for title, _, what in CLASSES:
        lines.append(f"- **{title}**: {what}.")
    if summaries:
        lines += ["", "## Figures the tests recorded", ""]
        for name, data in summaries.items():
            lines += [f"### {name}", ""] + SECTIONS.get(name, flat_section)(data) + [""]
    OUT.write_text("\n".join(lines) + "\n")
    print(f"reliability: wrote {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
