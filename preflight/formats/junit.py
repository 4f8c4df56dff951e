"""JUnit XML for CI test reports: a test suite per stack, a test case per policy and per stage.

A policy with mandatory violations is a failure (each violation one line of the
failure text); advisory findings go to the case's ``system-out``; a disabled
policy is skipped.  The stages other than policies (settings, schema, cost) are
cases of their own, so a schema finding shows up as a failed test too.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import Any

from ..result import display_message

MAX_TEXT = 20_000


def _line(v: dict[str, Any]) -> str:
    return f"{v['resource'] or '(stack)'}: {display_message(v)}"


def _case(suite: ET.Element, classname: str, name: str, violations: list[dict[str, Any]], skipped: str = "",
          failed: str = "") -> str:
    case = ET.SubElement(suite, "testcase", classname=classname, name=name, time="0")
    mandatory = [v for v in violations if v["level"] == "mandatory"]
    others = [v for v in violations if v["level"] != "mandatory"]
    if skipped:
        ET.SubElement(case, "skipped", message=skipped)
        return "skipped"
    if mandatory:
        failure = ET.SubElement(case, "failure", type="mandatory",
                                message=f"{len(mandatory)} mandatory violation(s)")
        failure.text = "\n".join(_line(v) for v in mandatory)[:MAX_TEXT]
    elif failed:   # a stage that failed without findings of its own (cost over the cap: see the budget policy)
        ET.SubElement(case, "failure", type="stage", message=failed)
        return "failure"
    if others:
        ET.SubElement(case, "system-out").text = "\n".join(f"[{v['level']}] {_line(v)}" for v in others)[:MAX_TEXT]
    return "failure" if mandatory else "passed"


def render(run: dict[str, Any]) -> str:
    root = ET.Element("testsuites", name="preflight")
    totals = defaultdict(int)
    for result in run["stacks"]:
        stack = result["stack"]
        suite = ET.SubElement(root, "testsuite", name=f"preflight.{stack}")
        by_policy: dict[str, list] = defaultdict(list)
        for v in result["violations"]:
            by_policy[(v["stage"], v["policy"])].append(v)
        counts = defaultdict(int)
        for s in result["stages"]:
            if s["name"] == "policies":
                continue
            found = [v for (stage, _), vs in sorted(by_policy.items()) if stage == s["name"] for v in vs]
            skipped = (s["note"] or "skipped") if s["status"] == "skipped" else ""
            failed = (s["note"] or "failed") if s["status"] == "failed" else ""
            counts[_case(suite, f"preflight.{stack}.stages", s["name"], found, skipped, failed)] += 1
        for p in result["policies"]:
            skipped = "disabled" if p["level"] == "disabled" else ""
            counts[_case(suite, f"preflight.{stack}.policies", p["name"],
                         by_policy.get(("policies", p["name"]), []), skipped)] += 1
        tests = sum(counts.values())
        suite.set("tests", str(tests))
        suite.set("failures", str(counts["failure"]))
        suite.set("errors", "0")
        suite.set("skipped", str(counts["skipped"]))
        for k in ("failure", "skipped"):
            totals[k] += counts[k]
        totals["tests"] += tests
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failure"]))
    root.set("errors", "0")
    root.set("skipped", str(totals["skipped"]))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
