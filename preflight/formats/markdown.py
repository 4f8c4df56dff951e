"""The pull-request comment: verdict, violations, cost and its change against the base branch.

GitHub cuts a comment at 65,536 characters, so the comment is built to a budget
(LIMIT, with room to spare) whatever the number of stacks, resources or
violations: a fixed number of rows per table, each message cut to one line, and
if it is still too long the detail sections go first, the summary table last.
The full lists are in the SARIF and JSON artifacts of the same run.
MARKER lets the workflow find and update its own comment instead of adding one per push.
"""

from __future__ import annotations

from typing import Any, Optional

from ..result import count, display_message, mandatory_policies, ranked_drivers

MARKER = "<!-- preflight-report -->"
LIMIT = 60_000
MANDATORY_ROWS = 25
ADVISORY_ROWS = 10
DRIVER_ROWS = 5
TIER_ROWS = 5
MESSAGE_CHARS = 180


def _cell(text: str, limit: int = MESSAGE_CHARS) -> str:
    text = " ".join(str(text).split())
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return text.replace("|", "\\|").replace("<", "&lt;")


def _money(v: Optional[float]) -> str:
    return "–" if v is None else f"${v:,.2f}"


def _signed(v: float) -> str:
    return "±$0.00" if abs(v) < 0.005 else f"{'+' if v > 0 else '−'}${abs(v):,.2f}"


def _delta_text(delta: Optional[dict[str, Any]]) -> str:
    if not delta:
        return "no base"
    pct = f" ({100 * delta['delta_usd'] / delta['base_usd']:+.1f}%)" if delta["base_usd"] else ""
    return f"{_signed(delta['delta_usd'])}{pct}"


def summary_table(run: dict[str, Any]) -> list[str]:
    out = ["| stack | verdict | mandatory | advisory | monthly cost | vs base |", "|---|---|---:|---:|---:|---:|"]
    for r in run["stacks"]:
        total = ((r.get("cost") or {}).get("totals") or {}).get("monthly_usd")
        mark = "❌ failed" if r["verdict"] == "failed" else "✅ passed"
        out.append(f"| {_cell(r['stack'], 60)} | {mark} | {count(r, 'mandatory')} | {count(r, 'advisory')} | "
                   f"{_money(total)} | {_delta_text(run['cost_deltas'].get(r['stack']))} |")
    return out


def _violation_rows(violations: list[dict[str, Any]], limit: int) -> list[str]:
    out = ["| policy | resource | message |", "|---|---|---|"]
    for v in violations[:limit]:
        stage = "" if v["stage"] == "policies" else f" ({v['stage']})"
        out.append(f"| `{_cell(v['policy'], 80)}`{stage} | {_cell(v['resource'] or '(stack)', 80)} | "
                   f"{_cell(display_message(v).splitlines()[0] if v['message'] else '')} |")
    if len(violations) > limit:
        out.append(f"\n… and {len(violations) - limit} more (SARIF and JSON artifacts list all).")
    return out


def _cost_section(r: dict[str, Any], delta: Optional[dict[str, Any]]) -> list[str]:
    cost = r.get("cost") or {}
    t = cost.get("totals") or {}
    if not t:
        return []
    cap = cost.get("cap") or {}
    line = f"**Cost:** {_money(t.get('monthly_usd'))}/month"
    if "baseline_usd" in t:
        line += f" (baseline {_money(t['baseline_usd'])} + usage {_money(t.get('usage_usd'))})"
    if cap.get("max_monthly_usd"):
        line += f"; cap {_money(cap['max_monthly_usd'])}, {cap.get('percent') or 0:.0f}% used ({cap.get('verdict')})"
    if delta:
        line += f"; {_delta_text(delta)} against the base branch ({_money(delta['base_usd'])})"
    out = [line, ""]
    drivers = ranked_drivers(cost)[:DRIVER_ROWS]
    if drivers:
        out += ["| top cost drivers | tier | service | monthly |", "|---|---|---|---:|"]
        out += [f"| {_cell(d['resource'], 80)} | {_cell(d.get('tier', ''), 30)} | {_cell(d.get('service', ''), 30)} | "
                f"{_money(d['monthly_usd'])} |" for d in drivers]
        out.append("")
    if delta and delta["by_tier"]:
        rows = list(delta["by_tier"].items())[:TIER_ROWS]
        out += ["| tier | change vs base |", "|---|---:|"] + [f"| {_cell(t, 40)} | {_signed(d)} |" for t, d in rows]
        out.append("")
    return out


def stack_section(r: dict[str, Any], delta: Optional[dict[str, Any]]) -> list[str]:
    mandatory = [v for v in r["violations"] if v["level"] == "mandatory"]
    advisory = [v for v in r["violations"] if v["level"] != "mandatory"]
    head = f"### {_cell(r['stack'], 60)}: " + (
        f"failed - {_cell(', '.join(mandatory_policies(r)), 400)}" if mandatory else "passed")
    out = [head, ""]
    if mandatory:
        out += _violation_rows(mandatory, MANDATORY_ROWS) + [""]
    out += _cost_section(r, delta)
    if advisory:
        out += [f"<details><summary>{len(advisory)} advisory finding(s)</summary>", ""]
        out += _violation_rows(advisory, ADVISORY_ROWS) + ["", "</details>", ""]
    return out


def render(run: dict[str, Any], limit: int = LIMIT) -> str:
    verdict = "❌ failed" if run["verdict"] == "failed" else "✅ passed"
    head = [MARKER, f"## preflight: {verdict}", ""] + summary_table(run) + [""]
    tail = ["<sub>Offline gate: the program under Pulumi mocks, the policy pack over gRPC, the cost model. "
            "Full results: the workflow's SARIF and JSON artifacts.</sub>"]
    sections = [stack_section(r, run["cost_deltas"].get(r["stack"])) for r in run["stacks"]]
    text = "\n".join(head + [line for s in sections for line in s] + tail)
    if len(text) <= limit:
        return text
    # Over budget: keep whole stack sections while they fit, then say what was left out.
    kept: list[str] = []
    budget = limit - len("\n".join(head + tail)) - 200
    for s in sections:
        block = "\n".join(s)
        if len(block) + 1 > budget:
            kept.append(f"_{len(sections) - len(kept)} stack section(s) left out to stay within GitHub's "
                        "comment limit; see the artifacts._")
            break
        kept.append(block)
        budget -= len(block) + 1
    text = "\n".join(head + kept + tail)
    return text if len(text) <= limit else text[: limit - 20] + "\n… (cut)"
