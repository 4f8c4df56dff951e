"""Text for people: per stack the verdict line, the mandatory violations in full, the other findings
grouped by policy with counts, the cost; details with --verbose.

The last lines repeat each stack's verdict, so the end of a CI log says it all.
"""

from __future__ import annotations

import json
import textwrap
from collections import Counter, defaultdict
from typing import Any, Optional

from ..result import count, display_message, mandatory_policies, ranked_drivers

RESOURCES_SHOWN = 4   # per policy without --verbose; mandatory violations are always listed in full


def tier_of(resource: dict[str, Any], by_urn: dict[str, dict[str, Any]]) -> str:
    """A resource's tier: its `tier` tag, else the nearest platform component's tier (cycle-safe)."""
    tags = (resource.get("inputs") or {}).get("tags")
    if isinstance(tags, dict) and isinstance(tags.get("tier"), str):
        return tags["tier"]
    node: Optional[dict[str, Any]] = resource
    seen: set[str] = set()
    while node is not None and node["urn"] not in seen:
        seen.add(node["urn"])
        parts = node["type"].split(":")
        if parts[0] == "platform" and len(parts) == 3:
            return parts[1]
        node = by_urn.get(node.get("parent") or "")
    return "other"


def type_breakdown(resources: list[dict[str, Any]]) -> list[str]:
    by_urn = {r["urn"]: r for r in resources}
    tiers: dict[str, Counter] = defaultdict(Counter)
    for r in resources:
        tiers[tier_of(r, by_urn)][r["type"]] += 1
    out = []
    for tier, types in sorted(tiers.items()):
        out.append(f"  {tier:<14} {sum(types.values()):>4}")
        out += [f"      {n:>4}  {t}" for t, n in sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))]
    return out


def _money(v: float) -> str:
    return f"${v:,.2f}"


def headline(result: dict[str, Any]) -> str:
    if result["verdict"] == "failed":
        return f"FAILED - mandatory violations of {', '.join(mandatory_policies(result))}"
    return "passed"


def _violation_line(v: dict[str, Any]) -> str:
    where = v["resource"] or "(stack)"
    stage = "" if v["stage"] in ("policies", v["policy"]) else f" ({v['stage']})"
    first = display_message(v).splitlines()[0] if v["message"] else ""
    return f"  [{v['level']}] {v['policy']}{stage}: {where}: {first}"


def _grouped(violations: list[dict[str, Any]]) -> list[str]:
    """One line per policy: its level, how many findings and on which resources (--verbose: each)."""
    by_policy: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for v in violations:
        by_policy[(v["level"] if not v.get("waived") else "waived", v["policy"])].append(v)
    out = []
    for (level, policy), found in sorted(by_policy.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        names = sorted({v["resource"] or "(stack)" for v in found})
        shown = ", ".join(names[:RESOURCES_SHOWN]) + (f" and {len(names) - RESOURCES_SHOWN} more"
                                                     if len(names) > RESOURCES_SHOWN else "")
        out.append(f"  [{level}] {policy} x{len(found)}: {shown}")
    if out:
        out.append("  (--verbose: every finding with its message)")
    return out


def _cost_lines(result: dict[str, Any], delta: Optional[dict[str, Any]]) -> list[str]:
    cost = result.get("cost") or {}
    t = cost.get("totals")
    if not t:
        return []
    line = f"-- cost: {_money(t['monthly_usd'])}/month"
    if "baseline_usd" in t:
        line += f" (baseline {_money(t['baseline_usd'])} + usage {_money(t.get('usage_usd', 0))})"
    if cost.get("cap_usd"):
        line += f"; cap {_money(cost['cap_usd'])}"
    if delta:
        line += f"; {delta['delta_usd']:+,.2f} vs base"
    out = [line]
    drivers = ranked_drivers(cost)
    if drivers:
        out.append("   top drivers: " + ", ".join(f"{d['resource']} {_money(d['monthly_usd'])}" for d in drivers))
    if cost.get("unpriced"):
        out.append(f"   not priced: {', '.join(sorted(cost['unpriced']))}")
    return out


def render_stack(result: dict[str, Any], delta: Optional[dict[str, Any]], verbose: bool) -> list[str]:
    mandatory, advisory = count(result, "mandatory"), count(result, "advisory")
    out = [f"== stack {result['stack']}: {headline(result)} ({mandatory} mandatory, {advisory} advisory; "
           f"{len(result['resources'])} resources)"]
    mandatory_v = [v for v in result["violations"] if v["level"] == "mandatory"]
    others = [v for v in result["violations"] if v["level"] != "mandatory"]
    out += [_violation_line(v) for v in mandatory_v]
    if verbose:
        out += [_violation_line(v) for v in others]
    else:
        out += _grouped(others)
    out += _cost_lines(result, delta)
    stages = ", ".join(f"{s['name']} {s['status']}" + (f" ({s['note']})" if s["note"] else "")
                       for s in result["stages"])
    out.append(f"-- stages: {stages}")
    if verbose:
        out.append(f"-- policies: {len(result['policies'])} evaluated")
        out.append("-- outputs:")
        for k, v in sorted(result["outputs"].items()):
            text = v if isinstance(v, str) else json.dumps(v, sort_keys=True)
            out.append(f"  {k} = {text if len(text) <= 110 else text[:107] + '...'}")
        out.append("-- resources by tier and type:")
        out += type_breakdown(result["resources"])
    return out


def fit(line: str, width: int) -> list[str]:
    """``line`` wrapped to ``width``, continuation lines indented under its text."""
    if len(line) <= width:
        return [line]
    indent = " " * min(len(line) - len(line.lstrip()) + 4, width // 2)
    return textwrap.wrap(line, width=width, subsequent_indent=indent, break_on_hyphens=False) or [line]


def render(run: dict[str, Any], *, verbose: bool = False, width: Optional[int] = None) -> str:
    """``width``: wrap to it (a terminal's width); None (not a terminal, CI logs): lines as they are."""
    out: list[str] = []
    for result in run["stacks"]:
        out += render_stack(result, run["cost_deltas"].get(result["stack"]), verbose) + [""]
    out += [f"preflight: stack {r['stack']}: {headline(r)}" for r in run["stacks"]]
    if width:
        out = [part for line in out for part in fit(line, width)]
    return "\n".join(out)
