"""`python -m preflight cost`: cost report, cap check and diff over a recorded plan.

The numbers come from the one cost model in the policy pack
(``policies/platform_policies/cost_model/``), the same code the budget policy
runs under the real engine.  This module only adds: the stack's usage profile
(``preflight/usage/<stack>.json``), the cap from ``policies/config/<stack>.json``,
rendering (table / json / markdown) and the diff.

Functions for the CLI:
    estimate(plan, usage=None, *, stack=None, region=None, cap=None) -> report dict
    render(report, fmt="table") -> str          fmt: table | json | markdown
    diff(a, b) -> dict                           b minus a, per line
    render_diff(d, fmt="table") -> str
    exit_code(report) -> int                     1 when the estimate is over the cap
    load_plan_or_report(path) -> dict            a plan JSON or a saved report JSON
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Mapping, Optional

ROOT = Path(__file__).resolve().parent.parent
USAGE_DIR = Path(__file__).resolve().parent / "usage"
POLICY_CONFIG_DIR = ROOT / "policies" / "config"
if str(ROOT / "policies") not in sys.path:
    sys.path.insert(0, str(ROOT / "policies"))

from platform_policies import cost_model  # noqa: E402

CAP_POLICY, WARN_POLICY = "monthly-budget-cap", "monthly-budget-warn"


# --------------------------------------------------------------------------- inputs
def load_usage(stack: Optional[str]) -> dict:
    """The usage profile of ``stack`` (preflight/usage/<stack>.json), {} if none."""
    if not stack:
        return {}
    path = USAGE_DIR / f"{stack}.json"
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    return {k: v for k, v in data.items() if not k.startswith("_")}


def load_cap(stack: Optional[str]) -> tuple[Optional[float], float]:
    """(maxMonthlyUsd, warnAtPercent) of the budget policies in policies/config/<stack>.json."""
    if not stack:
        return None, 80.0
    path = POLICY_CONFIG_DIR / f"{stack}.json"
    if not path.exists():
        return None, 80.0
    cfg = json.loads(path.read_text())
    cap_entry = cfg.get(CAP_POLICY) if isinstance(cfg.get(CAP_POLICY), dict) else {}
    warn_entry = cfg.get(WARN_POLICY) if isinstance(cfg.get(WARN_POLICY), dict) else {}
    cap = cap_entry.get("maxMonthlyUsd", warn_entry.get("maxMonthlyUsd"))
    warn = warn_entry.get("warnAtPercent", cap_entry.get("warnAtPercent", 80.0))
    return (float(cap) if cap is not None else None), float(warn)


# --------------------------------------------------------------------------- estimate
def estimate(plan: Mapping[str, Any], usage: Optional[Mapping[str, Any]] = None, *, stack: Optional[str] = None,
             region: Optional[str] = None, cap: Optional[float] = None,
             warn_at_percent: Optional[float] = None) -> dict:
    """Cost report of a plan dict (the `preflight --json` format, docs/preflight.md).

    usage: None = preflight/usage/<stack>.json; cap: None = policies/config/<stack>.json.
    Report keys: stack, region, catalog_date, lines[{tier, service, resource, type, component,
    quantity, unit, unit_price, monthly_usd, kind}], totals{baseline_usd, usage_usd, total_usd,
    monthly_usd}, by_tier, by_service, unpriced{type: count}, unpriced_resources[...],
    free_types, assumptions, cap_usd, cap{max_monthly_usd, warn_at_percent, percent, verdict},
    top_drivers, advice[...].
    """
    if "lines" in plan and "totals" in plan and "resources" not in plan:
        return dict(plan)  # already a cost report (e.g. --against a saved `--format json` output)
    stack = stack or plan.get("stack")
    resources = cost_model.from_plan(plan)
    use = load_usage(stack) if usage is None else dict(usage)
    reg = region or plan.get("region") or cost_model.infer_region(resources)
    est = cost_model.estimate(resources, usage=use, region=reg)
    file_cap, file_warn = load_cap(stack)
    max_usd = cap if cap is not None else file_cap
    warn = warn_at_percent if warn_at_percent is not None else file_warn
    total = est["totals"]["total_usd"]
    report = dict(est)
    report["stack"] = stack
    report["totals"] = {**est["totals"], "monthly_usd": total}
    report["unpriced_resources"] = est["unpriced"]
    report["unpriced"] = dict(sorted(est["unpriced_types"].items()))
    report.pop("unpriced_types", None)
    report["cap_usd"] = max_usd
    report["cap"] = {"max_monthly_usd": max_usd, "warn_at_percent": warn,
                     "percent": (100.0 * total / max_usd) if max_usd else None,
                     "verdict": (cost_model.budget_verdict(total, max_usd, warn) or "ok") if max_usd else "no cap"}
    report["top_drivers"] = cost_model.top_drivers(est, 5)
    adv = cost_model.advice(est)
    report["advice"] = [{"kind": k, **f} for k, fs in adv.items() for f in fs]
    return report


def exit_code(report: Mapping[str, Any]) -> int:
    """1 when the estimate is over the cap (what `python -m preflight cost` must return), else 0."""
    return 1 if (report.get("cap") or {}).get("verdict") == "over" else 0


def load_plan_or_report(path: str | Path) -> dict:
    return json.loads(Path(path).read_text())


def as_report(doc: Mapping[str, Any], **kw: Any) -> dict:
    """A report from a plan dict, a saved report, or a preflight check result with a "cost" key."""
    if "lines" in doc and "totals" in doc:
        return dict(doc)
    if isinstance(doc.get("cost"), dict) and "lines" in doc["cost"]:
        return dict(doc["cost"])
    return estimate(doc, **kw)


# --------------------------------------------------------------------------- render
def _money(v: Optional[float]) -> str:
    return "-" if v is None else f"${v:,.2f}"


def _qty(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.4g}"


def _round(obj: Any) -> Any:
    if isinstance(obj, float):
        return round(obj, 6)
    if isinstance(obj, dict):
        return {k: _round(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_round(v) for v in obj]
    return obj


def _sorted_lines(lines: list[dict]) -> list[dict]:
    return sorted(lines, key=lambda l: (l["tier"], l["service"], l["resource"], l["kind"], -l["monthly_usd"]))


def _table(headers: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    def fmt(cells: list[str]) -> str:
        return "  ".join(c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(cells))
    return [fmt(headers), "  ".join("-" * w for w in widths)] + [fmt(r) for r in rows]


def render(report: Mapping[str, Any], fmt: str = "table") -> str:
    """The breakdown by tier, service and resource; totals; cap; unpriced; advice."""
    if fmt == "json":
        return json.dumps(_round(dict(report)), indent=1, sort_keys=True, default=str)
    lines = _sorted_lines(report["lines"])
    t, cap = report["totals"], report.get("cap") or {}
    title = (f"Monthly cost estimate - stack {report.get('stack') or '?'} ({report['region']}, prices "
             f"{report['catalog_date']}, {report['hours_per_month']:g} h/month)")
    headers = ["Tier", "Service", "Resource", "Component", "Qty", "Unit", "Unit $", "Monthly $", "Kind"]
    rows = [[l["tier"], l["service"], l["resource"], l["component"], _qty(l["quantity"]), l["unit"],
             f"{l['unit_price']:.6g}", f"{l['monthly_usd']:,.2f}", l["kind"]] for l in lines]
    cap_text = (f"{_money(cap.get('max_monthly_usd'))} ({cap['percent']:.1f}% used, warn at "
                f"{cap.get('warn_at_percent'):g}%) -> {cap.get('verdict')}") if cap.get("max_monthly_usd") else "none"
    summary = [("Baseline", t["baseline_usd"]), ("Usage", t["usage_usd"]), ("Total", t["total_usd"])]
    if fmt == "markdown":
        out = [f"### {title}", ""]
        out.append("| " + " | ".join(headers) + " |")
        out.append("|" + "|".join("---:" if i in (4, 6, 7) else "---" for i in range(len(headers))) + "|")
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
        out += ["", "| Tier | Monthly $ |", "|---|---:|"]
        out += [f"| {k} | {v:,.2f} |" for k, v in report["by_tier"].items()]
        out += ["", "| | Monthly $ |", "|---|---:|"]
        out += [f"| **{k}** | **{v:,.2f}** |" if k == "Total" else f"| {k} | {v:,.2f} |" for k, v in summary]
        out += ["", f"**Cap:** {cap_text}"]
        if report.get("unpriced"):
            out += ["", "**Not priced:** " + ", ".join(f"`{k}` x{v}" for k, v in report["unpriced"].items())]
        if report.get("advice"):
            out += ["", "<details><summary>Cost advice</summary>", ""]
            out += [f"- **{a['kind']}**: {a['message']}" for a in report["advice"]]
            out += ["", "</details>"]
        if report.get("assumptions"):
            out += ["", "<details><summary>Assumptions</summary>", ""]
            out += [f"- {a}" for a in report["assumptions"]] + ["", "</details>"]
        return "\n".join(out)
    out = [title, ""] + _table(headers, rows, {4, 6, 7}) + [""]
    out += _table(["Tier", "Monthly $"], [[k, f"{v:,.2f}"] for k, v in report["by_tier"].items()], {1}) + [""]
    out += [f"{k:<9} {_money(v):>14}" for k, v in summary]
    out.append(f"Cap       {cap_text}")
    if report.get("unpriced"):
        out.append("Not priced: " + ", ".join(f"{k} x{v}" for k, v in report["unpriced"].items()))
    if report.get("advice"):
        out.append("Advice:")
        out += [f"  - [{a['kind']}] {a['message']}" for a in report["advice"]]
    if report.get("assumptions"):
        out.append("Assumptions:")
        out += [f"  - {a}" for a in report["assumptions"]]
    return "\n".join(out)


# --------------------------------------------------------------------------- diff
def _family(price_key: str) -> str:
    parts = price_key.split("/")
    if parts[0] == "privateca":
        return f"privateca/{parts[-1]}"
    return "/".join(parts[:2])


def _line_key(l: Mapping[str, Any]) -> tuple:
    a = l.get("attrs") or {}
    return (l["tier"], l["service"], l["resource"], l["type"], _family(l["price_key"]), a.get("part", ""),
            bool(a.get("spot")), l["kind"])


def diff(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict:
    """Per-line deltas b - a (a = the reference, e.g. --against dev; b = the stack)."""
    a, b = as_report(a), as_report(b)
    agg: dict[tuple, dict] = {}
    for side, rep in (("a", a), ("b", b)):
        for l in rep["lines"]:
            k = _line_key(l)
            e = agg.setdefault(k, {"tier": k[0], "service": k[1], "resource": k[2], "type": k[3], "kind": k[7],
                                   "a_component": "", "b_component": "", "a_quantity": 0.0, "b_quantity": 0.0,
                                   "a_usd": 0.0, "b_usd": 0.0, "unit": l["unit"]})
            e[f"{side}_component"] = l["component"] if not e[f"{side}_component"] else e[f"{side}_component"]
            e[f"{side}_quantity"] += l["quantity"]
            e[f"{side}_usd"] += l["monthly_usd"]
    rows = []
    for e in agg.values():
        e["delta_usd"] = e["b_usd"] - e["a_usd"]
        e["status"] = "added" if e["a_usd"] == 0 and e["a_component"] == "" else \
            "removed" if e["b_component"] == "" else "changed" if abs(e["delta_usd"]) > 1e-9 else "same"
        rows.append(e)
    rows.sort(key=lambda e: (-abs(e["delta_usd"]), e["tier"], e["service"], e["resource"]))
    ta, tb = a["totals"], b["totals"]
    tiers = sorted(set(a["by_tier"]) | set(b["by_tier"]))
    return {
        "a": {"stack": a.get("stack"), "totals": ta}, "b": {"stack": b.get("stack"), "totals": tb},
        "lines": rows,
        "totals": {k: tb[k] - ta[k] for k in ("baseline_usd", "usage_usd", "total_usd")},
        "by_tier": {t: {"a_usd": a["by_tier"].get(t, 0.0), "b_usd": b["by_tier"].get(t, 0.0),
                        "delta_usd": b["by_tier"].get(t, 0.0) - a["by_tier"].get(t, 0.0)} for t in tiers},
        "unpriced": {"a": a.get("unpriced", {}), "b": b.get("unpriced", {})},
        "cap": b.get("cap"),
    }


def _item(e: Mapping[str, Any]) -> str:
    """The line's label on both sides when they differ (e.g. Single-AZ -> Multi-AZ)."""
    a, b = e["a_component"], e["b_component"]
    return f"{a} -> {b}" if a and b and a != b else (b or a)


def render_diff(d: Mapping[str, Any], fmt: str = "table") -> str:
    if fmt == "json":
        return json.dumps(_round(dict(d)), indent=1, sort_keys=True, default=str)
    an, bn = d["a"].get("stack") or "a", d["b"].get("stack") or "b"
    changed = [e for e in d["lines"] if e["status"] != "same"]
    headers = ["Tier", "Service", "Resource", "Item", f"{an} $", f"{bn} $", "Delta $", "Status"]
    rows = [[e["tier"], e["service"], e["resource"], _item(e), f"{e['a_usd']:,.2f}",
             f"{e['b_usd']:,.2f}", f"{e['delta_usd']:+,.2f}", e["status"]] for e in changed]
    tot = [("Baseline", "baseline_usd"), ("Usage", "usage_usd"), ("Total", "total_usd")]
    title = f"Monthly cost diff: {bn} vs {an} ({len(changed)} changed line(s))"
    if fmt == "markdown":
        out = [f"### {title}", "", "| " + " | ".join(headers) + " |",
               "|" + "|".join("---:" if i in (4, 5, 6) else "---" for i in range(len(headers))) + "|"]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
        out += ["", f"| | {an} $ | {bn} $ | Delta $ |", "|---|---:|---:|---:|"]
        out += [f"| {n} | {d['a']['totals'][k]:,.2f} | {d['b']['totals'][k]:,.2f} | {d['totals'][k]:+,.2f} |"
                for n, k in tot]
        return "\n".join(out)
    out = [title, ""] + _table(headers, rows, {4, 5, 6}) + [""]
    out += _table(["", f"{an} $", f"{bn} $", "Delta $"],
                  [[n, f"{d['a']['totals'][k]:,.2f}", f"{d['b']['totals'][k]:,.2f}", f"{d['totals'][k]:+,.2f}"]
                   for n, k in tot], {1, 2, 3})
    return "\n".join(out)


__all__ = ["estimate", "render", "diff", "render_diff", "exit_code", "load_usage", "load_cap", "as_report",
           "load_plan_or_report"]
