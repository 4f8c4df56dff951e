"""SARIF 2.1.0 (OASIS) for GitHub code scanning: one run, one result per violation.

- rule id = policy name (``schema`` / ``settings`` for those stages), one rule per
  policy evaluated, described by the pack's description;
- level from the enforcement level: mandatory -> error, remediate and advisory ->
  warning (advisory findings are suggestions, not failures), as the engine ranks them;
- the resource URN is the logical location (kind "resource");
- the physical location is where the resource was created (the component's source
  line recorded during the mock run), or the stack config key behind the finding
  (its line in ``Pulumi.<stack>.yaml``), else the stack file itself: GitHub needs a
  file location to show a result.
- ``partialFingerprints`` keep an alert's identity across runs (stack, stage,
  policy, URN), so moving a line does not open a new alert.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from ..result import display_message

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"mandatory": "error", "remediate": "warning", "advisory": "warning", "disabled": "none"}
STAGE_RULES = {"settings": "Stack settings accepted by the platform's validator.",
               "schema": "Resource inputs match the pinned provider schema."}


@lru_cache(maxsize=64)
def _lines(path: str) -> tuple[str, ...]:
    try:
        return tuple((ROOT / path).read_text().splitlines())
    except OSError:
        return ()


def config_key_line(stack: str, key: str) -> Optional[tuple[str, int]]:
    """(file, line) of a stack config key: its top-level entry in Pulumi.<stack>.yaml, else in Pulumi.yaml."""
    top = key.split(":")[-1].split(".")[0]
    pattern = re.compile(rf"^\s+(?:[\w-]+:)?{re.escape(top)}\s*:")
    for path in (f"Pulumi.{stack}.yaml", "Pulumi.yaml"):
        for i, line in enumerate(_lines(path), start=1):
            if pattern.match(line):
                return path, i
    return None


def physical_location(v: dict[str, Any], stack: str) -> dict[str, Any]:
    if v.get("source") and v["source"].get("path"):
        path, line = v["source"]["path"], int(v["source"].get("line") or 1)
    elif v.get("key") and config_key_line(stack, v["key"]):
        path, line = config_key_line(stack, v["key"])  # type: ignore[misc]
    else:
        path, line = f"Pulumi.{stack}.yaml", 1
    return {"artifactLocation": {"uri": path, "uriBaseId": "%SRCROOT%"}, "region": {"startLine": max(1, line)}}


def _rules(run: dict[str, Any]) -> list[dict[str, Any]]:
    described: dict[str, tuple[str, str]] = {}
    for result in run["stacks"]:
        for p in result["policies"]:
            worst = "error" if p["level"] == "mandatory" else LEVELS.get(p["level"], "warning")
            prev = described.get(p["name"])
            if prev is None or (worst == "error" and prev[1] != "error"):
                described[p["name"]] = (p.get("description") or p["name"], worst)
        for v in result["violations"]:
            described.setdefault(v["policy"], (STAGE_RULES.get(v["stage"], v["policy"]), LEVELS[v["level"]]))
    rules = []
    for name, (description, level) in sorted(described.items()):
        rules.append({"id": name, "name": name, "shortDescription": {"text": description.splitlines()[0][:1000]},
                      "fullDescription": {"text": description[:4000]},
                      "defaultConfiguration": {"level": level if level != "none" else "note"},
                      "properties": {"tags": ["pulumi-policy", "infrastructure"]}})
    return rules


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def render(run: dict[str, Any]) -> str:
    rules = _rules(run)
    index = {r["id"]: i for i, r in enumerate(rules)}
    results = []
    for result in run["stacks"]:
        stack = result["stack"]
        occurrences: dict[tuple, int] = {}
        for v in result["violations"]:
            if v["level"] == "disabled":
                continue
            identity = (stack, v["stage"], v["policy"], v["urn"] or "")
            occurrences[identity] = occurrences.get(identity, 0) + 1
            where = v["resource"] or "the stack"
            location: dict[str, Any] = {"physicalLocation": physical_location(v, stack)}
            if v["urn"]:
                location["logicalLocations"] = [{"name": v["resource"], "fullyQualifiedName": v["urn"],
                                                 "kind": "resource"}]
            results.append({
                "ruleId": v["policy"], "ruleIndex": index[v["policy"]], "level": LEVELS[v["level"]],
                "message": {"text": f"[{stack}] {where}: {display_message(v)}"[:8000]},
                "locations": [location],
                "partialFingerprints": {"preflightViolation/v1": _fingerprint(*identity,
                                                                               str(occurrences[identity]))},
                **({"suppressions": [{"kind": "external", "status": "accepted",
                                      "justification": f"{v['waived']['waiver']}, owner {v['waived']['owner']}, until "
                                                       f"{v['waived']['expires']}: {v['waived']['reason']}"[:1000]}]}
                   if v.get("waived") else {}),
                "properties": {"stack": stack, "stage": v["stage"], "enforcementLevel": v["level"],
                               **({"resourceType": v["type"]} if v.get("type") else {}),
                               **({"configKey": v["key"]} if v.get("key") else {})},
            })
    doc = {
        "$schema": SCHEMA_URI, "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "preflight", "semanticVersion": "1.0.0",
                                "informationUri": "https://www.pulumi.com/docs/iac/using-pulumi/crossguard/",
                                "rules": rules}},
            "automationDetails": {"id": "preflight/" + "+".join(r["stack"] for r in run["stacks"]) + "/"},
            "invocations": [{"executionSuccessful": True, "exitCode": run["exit_code"]}],
            "results": results,
        }],
    }
    return json.dumps(doc, indent=1, sort_keys=True)
