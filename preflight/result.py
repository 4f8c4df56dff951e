"""The result document of ``check``: one per stack, and the run that collects them.

Per stack (also what ``--json`` writes and ``--plan`` reads back)::

    {"stack", "project", "region", "verdict": "passed" | "failed",
     "stages": [{"name", "status", "findings", "note"}],   # settings, schema, policies, cost - in that order
     "violations": [{"stage", "policy", "level", "urn", "resource", "type", "message", "source", "key",
                     "waived" (only when a waiver took it: {"waiver", "reason", "owner", "expires", "level"})}],
     "policies": [{"name", "level", "description"}], "resources": [...], "outputs": {...}, "cost": {...}}

Every violation names the stage that found it; the verdict is "failed" when any
stage found a mandatory one.  ``source`` is where the resource was created
(``{"path", "line"}`` relative to the repository, from the component that created
it); ``key`` is the stack config key behind a finding, when a stage knows it.
Every list is sorted, so two runs of the same input give the same document.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

STAGES = ("settings", "schema", "policies", "cost")
LEVEL_ORDER = ("mandatory", "remediate", "advisory", "disabled")
STATUS = ("passed", "failed", "skipped")


def stage(name: str, status: str, findings: int = 0, note: str = "") -> dict[str, Any]:
    assert name in STAGES and status in STATUS, (name, status)
    return {"name": name, "status": status, "findings": findings, "note": note}


def violation_key(v: dict[str, Any]) -> tuple:
    level = LEVEL_ORDER.index(v["level"]) if v["level"] in LEVEL_ORDER else len(LEVEL_ORDER)
    return (level, STAGES.index(v.get("stage", "policies")), v["policy"], v.get("urn") or "", v["message"])


def urn_name(urn: Optional[str]) -> Optional[str]:
    return urn.split("::")[-1] if urn else None


def nearest_source(urn: Optional[str], by_urn: dict[str, dict[str, Any]]) -> Optional[dict[str, Any]]:
    """The recorded source of the resource, else of its nearest ancestor (the component that made it)."""
    seen: set[str] = set()
    while urn and urn in by_urn and urn not in seen:
        seen.add(urn)
        r = by_urn[urn]
        if isinstance(r.get("source"), dict):
            return r["source"]
        urn = r.get("parent")
    return None


def normalize(finding: dict[str, Any], stage_name: str, by_urn: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A stage's finding in the one violation shape."""
    urn = finding.get("urn") or ""
    r = by_urn.get(urn) or {}
    return {"stage": stage_name, "policy": finding.get("policy") or stage_name,
            "level": finding.get("level") or "mandatory", "urn": urn,
            "resource": urn_name(urn), "type": r.get("type"),
            "message": (finding.get("message") or "").strip(),
            "source": finding.get("source") or nearest_source(urn, by_urn), "key": finding.get("key"),
            **({"waived": finding["waived"]} if finding.get("waived") else {})}


def display_message(v: dict[str, Any]) -> str:
    """The message without a leading '<resource name>: ' (the report already names the resource)."""
    message, name = v["message"], v.get("resource")
    if name and message.startswith(name + ": "):
        message = message[len(name) + 2:]
    w = v.get("waived")
    if w:  # still reported, marked: who accepted it, why, until when
        message = f"[waived until {w['expires']} by {w['owner']}: {w['reason']}] {message}"
    return message


def verdict(violations: Iterable[dict[str, Any]]) -> str:
    return "failed" if any(v["level"] == "mandatory" for v in violations) else "passed"


def mandatory_policies(result: dict[str, Any]) -> list[str]:
    return sorted({v["policy"] for v in result["violations"] if v["level"] == "mandatory"})


def count(result: dict[str, Any], level: str) -> int:
    return sum(1 for v in result["violations"] if v["level"] == level)


def ranked_drivers(cost: dict[str, Any]) -> list[dict[str, Any]]:
    """A cost summary's top drivers in the order every format lists them: dearest first, then by resource."""
    return sorted(cost.get("top_drivers") or [], key=lambda d: (-d["monthly_usd"], d["resource"]))


def build(plan: dict[str, Any], *, stages: list[dict[str, Any]], findings: dict[str, list[dict[str, Any]]],
          policies: list[dict[str, Any]], cost: dict[str, Any]) -> dict[str, Any]:
    """The per-stack result; ``findings`` maps a stage name to what it found."""
    resources = sorted(plan["resources"], key=lambda r: r["urn"])
    by_urn = {r["urn"]: r for r in resources}
    violations = sorted((normalize(f, name, by_urn) for name in STAGES for f in findings.get(name, [])),
                        key=violation_key)
    # The resource options a saved plan needs to be diffed too (preflight diff --base-plan).
    keep = ("urn", "type", "name", "parent", "inputs", "custom", "remote", "dependencies", "propertyDependencies",
            "protect", "provider", "source", "aliases", "replaceOnChanges", "deleteBeforeReplace", "retainOnDelete")
    return {
        "stack": plan.get("stack"), "project": plan.get("project"), "region": plan.get("region"),
        "verdict": verdict(violations),
        "stages": sorted(stages, key=lambda s: STAGES.index(s["name"])),
        "violations": violations,
        "policies": sorted(policies, key=lambda p: p["name"]),
        "resources": [{k: r.get(k) for k in keep} for r in resources],
        "outputs": plan.get("outputs") or {},
        "cost": cost,
    }


def cost_delta(result: dict[str, Any], base: Optional[dict[str, Any]]) -> Optional[dict[str, Any]]:
    """This stack's monthly total and per-tier amounts minus the base branch's (None without a base)."""
    if not base:
        return None
    now, then = result["cost"], base
    tiers = sorted(set(now.get("by_tier") or {}) | set(then.get("by_tier") or {}))
    by_tier = {t: (now.get("by_tier") or {}).get(t, 0.0) - (then.get("by_tier") or {}).get(t, 0.0) for t in tiers}
    total_now, total_then = now["totals"]["monthly_usd"], then["totals"].get("monthly_usd",
                                                                           then["totals"].get("total_usd", 0.0))
    return {"base_usd": total_then, "delta_usd": total_now - total_then,
            "by_tier": {t: d for t, d in sorted(by_tier.items(), key=lambda kv: (-abs(kv[1]), kv[0]))
                        if abs(d) >= 0.005}}


def run_document(results: list[dict[str, Any]], exit_code: int,
                 bases: Optional[dict[str, Optional[dict[str, Any]]]] = None) -> dict[str, Any]:
    """What the report formats render: every stack of one invocation."""
    bases = bases or {}
    return {"verdict": "failed" if any(r["verdict"] == "failed" for r in results) else "passed",
            "exit_code": exit_code, "stacks": results,
            "cost_deltas": {r["stack"]: cost_delta(r, bases.get(r["stack"])) for r in results}}
