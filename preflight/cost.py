"""`python -m preflight cost`: cost report, cap check and diff over a recorded plan.

The numbers come from the one cost model in the policy pack
(``policies/platform_policies/cost_model/``), the same code the budget policy runs under the
real engine, with the same usage profile (``policies/usage/<stack>.json``).  This module only
adds: the cap options from ``policies/config/<stack>.json``, rendering (table / json /
markdown) and the diff.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping, Optional

from platform_policies import cost_model

ROOT = Path(__file__).resolve().parent.parent
POLICY_CONFIG_DIR = ROOT / "policies" / "config"

CAP_POLICY, WARN_POLICY = "monthly-budget-cap", "monthly-budget-warn"


# --------------------------------------------------------------------------- inputs
def load_usage(stack: Optional[str]) -> dict:
    """The usage profile of ``stack`` (policies/usage/<stack>.json), {} if none."""
    return cost_model.load_stack_usage(stack) or {}


def load_cap_options(stack: Optional[str]) -> dict:
    """maxMonthlyUsd, warnAtPercent, capOn, failOnUnpriced of the budget policies in
    policies/config/<stack>.json (the cap policy's entry wins over the warn policy's)."""
    opts = {"maxMonthlyUsd": None, "warnAtPercent": 80.0, "capOn": "expected", "failOnUnpriced": True}
    path = POLICY_CONFIG_DIR / f"{stack}.json" if stack else None
    if path is None or not path.exists():
        return opts
    cfg = json.loads(path.read_text())
    for name in (WARN_POLICY, CAP_POLICY):
        entry = cfg.get(name) if isinstance(cfg.get(name), dict) else {}
        opts.update({k: entry[k] for k in opts if k in entry})
    if opts["maxMonthlyUsd"] is not None:
        opts["maxMonthlyUsd"] = float(opts["maxMonthlyUsd"])
    opts["warnAtPercent"] = float(opts["warnAtPercent"])
    opts["failOnUnpriced"] = opts["failOnUnpriced"] is not False
    return opts


def load_cap(stack: Optional[str]) -> tuple[Optional[float], float]:
    """(maxMonthlyUsd, warnAtPercent) of the budget policies in policies/config/<stack>.json."""
    o = load_cap_options(stack)
    return o["maxMonthlyUsd"], o["warnAtPercent"]


# --------------------------------------------------------------------------- estimate
def _cap_block(est: Mapping[str, Any], max_usd: Optional[float], warn: float, cap_on: str,
               fail_closed: bool) -> dict:
    t = est["totals"]
    capped = cost_model.capped_total(est, cap_on)
    peak = t.get("peak_usd", t["total_usd"])
    blocked = bool(fail_closed and est["unpriced"])
    if blocked:
        verdict = "unpriced"
    elif max_usd:
        verdict = cost_model.budget_verdict(capped, max_usd, warn) or "ok"
    else:
        verdict = "no cap"
    return {"max_monthly_usd": max_usd, "warn_at_percent": warn, "cap_on": cap_on, "capped_usd": capped,
            "percent": (100.0 * capped / max_usd) if max_usd else None,
            "peak_usd": peak, "peak_percent": (100.0 * peak / max_usd) if max_usd else None,
            "peak_over_cap": bool(max_usd) and peak > max_usd, "fail_on_unpriced": fail_closed,
            "unpriced_blocks": blocked, "verdict": verdict}


def estimate(plan: Mapping[str, Any], usage: Optional[Mapping[str, Any]] = None, *, stack: Optional[str] = None,
             region: Optional[str] = None, cap: Optional[float] = None,
             warn_at_percent: Optional[float] = None, cap_on: Optional[str] = None,
             fail_on_unpriced: Optional[bool] = None) -> dict:
    """Cost report of a plan dict (the `preflight --json` format, docs/preflight.md).

    usage: None = policies/usage/<stack>.json; cap options: None = policies/config/<stack>.json.
    Report keys: stack, region, catalog_date, lines[{tier, service, resource, type, component,
    quantity, unit, unit_price, monthly_usd, peak_quantity, peak_usd, kind, usage, basis}],
    totals{baseline_usd, usage_usd, total_usd, monthly_usd, peak_usd}, by_tier, by_service,
    unpriced{type: count}, unpriced_resources[...], free_types, assumptions,
    usage_assumptions[{key, value, source, lines, monthly_usd}], cap_usd, cap{max_monthly_usd,
    warn_at_percent, cap_on, capped_usd, percent, peak_usd, peak_percent, peak_over_cap,
    fail_on_unpriced, unpriced_blocks, verdict}, top_drivers, advice[...].
    """
    if "lines" in plan and "totals" in plan and "resources" not in plan:
        return dict(plan)  # already a cost report (e.g. --against a saved `--format json` output)
    stack = stack or plan.get("stack")
    resources = cost_model.from_plan(plan)
    reg = region or plan.get("region") or cost_model.infer_region(resources)
    est = cost_model.estimate(resources, usage=usage, region=reg, stack=stack)
    opts = load_cap_options(stack)
    max_usd = cap if cap is not None else opts["maxMonthlyUsd"]
    warn = warn_at_percent if warn_at_percent is not None else opts["warnAtPercent"]
    on = cap_on or opts["capOn"]
    fail_closed = opts["failOnUnpriced"] if fail_on_unpriced is None else fail_on_unpriced
    report = dict(est)
    report["stack"] = stack
    report["totals"] = {**est["totals"], "monthly_usd": est["totals"]["total_usd"]}
    report["unpriced_resources"] = est["unpriced"]
    report["unpriced"] = dict(sorted(est["unpriced_types"].items()))
    report.pop("unpriced_types", None)
    report["cap_usd"] = max_usd
    report["cap"] = _cap_block(est, max_usd, warn, on, fail_closed)
    report["top_drivers"] = cost_model.top_drivers(est, 5)
    adv = cost_model.advice(est)
    report["advice"] = [{"kind": k, **f} for k, fs in adv.items() for f in fs]
    return report


def exit_code(report: Mapping[str, Any]) -> int:
    """1 when the capped estimate is over the cap, or a billable resource is unpriced and the stack
    fails closed (what `python -m preflight cost` must return), else 0."""
    return 1 if (report.get("cap") or {}).get("verdict") in ("over", "unpriced") else 0


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


def basis_of(line: Mapping[str, Any]) -> str:
    """What a line's quantity rests on: the usage keys and values, else the schedule or pricing rule."""
    usage = line.get("usage") or {}
    if usage:
        return "usage " + ", ".join(f"{k}={v:g}" for k, v in usage.items())
    return "; ".join(x for x in (line.get("basis") or "", line.get("price_rule") or "") if x)


def _cap_text(cap: Mapping[str, Any]) -> str:
    if not cap.get("max_monthly_usd"):
        return "none"
    text = (f"{_money(cap['max_monthly_usd'])} on the {cap.get('cap_on', 'expected')} cost "
            f"({cap['percent']:.1f}% used, warn at {cap.get('warn_at_percent'):g}%) -> {cap.get('verdict')}")
    if cap.get("peak_over_cap") and cap.get("cap_on", "expected") == "expected":
        text += f"; WARNING: peak {_money(cap.get('peak_usd'))} is {cap.get('peak_percent'):.1f}% of the cap"
    return text


def _unpriced_lines(report: Mapping[str, Any]) -> list[str]:
    return [f"{u['resource']} ({u['type']}): {u['reason']}" for u in report.get("unpriced_resources") or []]


def render(report: Mapping[str, Any], fmt: str = "table") -> str:
    """``table``: the terminal tree (preflight/cost_tree.py); ``wide``: every line with every column,
    the totals, cap, unpriced, advice and every assumption; ``markdown``; ``json``."""
    if fmt == "json":
        return json.dumps(_round(dict(report)), indent=1, sort_keys=True, default=str)
    if fmt == "table":
        from .cost_tree import render as tree

        return tree(report)
    lines = _sorted_lines(report["lines"])
    t, cap = report["totals"], report.get("cap") or {}
    title = (f"Monthly cost estimate - stack {report.get('stack') or '?'} ({report['region']}, prices "
             f"{report['catalog_date']}, {report['hours_per_month']:g} h/month)")
    headers = ["Tier", "Service", "Resource", "Component", "Qty", "Unit", "Unit $", "Monthly $", "Peak $", "Kind",
               "Basis"]
    rows = [[l["tier"], l["service"], l["resource"], l["component"], _qty(l["quantity"]), l["unit"],
             f"{l['unit_price']:.6g}", f"{l['monthly_usd']:,.2f}", f"{l.get('peak_usd', l['monthly_usd']):,.2f}",
             l["kind"], basis_of(l)] for l in lines]
    summary = [("Baseline", t["baseline_usd"]), ("Usage", t["usage_usd"]), ("Total", t["total_usd"]),
               ("Peak", t.get("peak_usd", t["total_usd"]))]
    unpriced = _unpriced_lines(report)
    if fmt == "markdown":
        out = [f"### {title}", ""]
        out.append("| " + " | ".join(headers) + " |")
        out.append("|" + "|".join("---:" if i in (4, 6, 7, 8) else "---" for i in range(len(headers))) + "|")
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
        out += ["", "| Tier | Monthly $ |", "|---|---:|"]
        out += [f"| {k} | {v:,.2f} |" for k, v in report["by_tier"].items()]
        out += ["", "| | Monthly $ |", "|---|---:|"]
        out += [f"| **{k}** | **{v:,.2f}** |" if k == "Total" else f"| {k} | {v:,.2f} |" for k, v in summary]
        out += ["", f"**Cap:** {_cap_text(cap)}"]
        if unpriced:
            out += ["", "**Not priced (billable):**", ""] + [f"- {u}" for u in unpriced]
        if report.get("advice"):
            out += ["", "<details><summary>Cost advice</summary>", ""]
            out += [f"- **{a['kind']}**: {a['message']}" for a in report["advice"]]
            out += ["", "</details>"]
        if report.get("assumptions"):
            out += ["", "<details><summary>Assumptions</summary>", ""]
            out += [f"- {a}" for a in report["assumptions"]] + ["", "</details>"]
        return "\n".join(out)
    out = [title, ""] + _table(headers, rows, {4, 6, 7, 8}) + [""]
    out += _table(["Tier", "Monthly $"], [[k, f"{v:,.2f}"] for k, v in report["by_tier"].items()], {1}) + [""]
    out += [f"{k:<9} {_money(v):>14}" for k, v in summary]
    out.append(f"Cap       {_cap_text(cap)}")
    if unpriced:
        out.append("Not priced (billable):")
        out += [f"  - {u}" for u in unpriced]
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


_TOTALS = ("baseline_usd", "usage_usd", "total_usd", "peak_usd")


def diff(a: Mapping[str, Any], b: Mapping[str, Any], a_label: Optional[str] = None,
         b_label: Optional[str] = None) -> dict:
    """Per-line deltas b - a (a = the other side, e.g. --against prod as committed; b = this side)."""
    a, b = as_report(a), as_report(b)
    agg: dict[tuple, dict] = {}
    for side, rep in (("a", a), ("b", b)):
        for l in rep["lines"]:
            k = _line_key(l)
            e = agg.setdefault(k, {"tier": k[0], "service": k[1], "resource": k[2], "type": k[3], "kind": k[7],
                                   "a_component": "", "b_component": "", "a_quantity": 0.0, "b_quantity": 0.0,
                                   "a_usd": 0.0, "b_usd": 0.0, "a_peak_usd": 0.0, "b_peak_usd": 0.0,
                                   "unit": l["unit"]})
            e[f"{side}_component"] = l["component"] if not e[f"{side}_component"] else e[f"{side}_component"]
            e[f"{side}_quantity"] += l["quantity"]
            e[f"{side}_usd"] += l["monthly_usd"]
            e[f"{side}_peak_usd"] += l.get("peak_usd", l["monthly_usd"])
    rows = []
    for e in agg.values():
        e["delta_usd"] = e["b_usd"] - e["a_usd"]
        e["delta_peak_usd"] = e["b_peak_usd"] - e["a_peak_usd"]
        e["status"] = "added" if e["a_usd"] == 0 and e["a_component"] == "" else \
            "removed" if e["b_component"] == "" else \
            "changed" if abs(e["delta_usd"]) > 1e-9 or abs(e["delta_peak_usd"]) > 1e-9 else "same"
        rows.append(e)
    rows.sort(key=lambda e: (-abs(e["delta_usd"]), e["tier"], e["service"], e["resource"]))
    ta, tb = a["totals"], b["totals"]
    tot = lambda t, k: t.get(k, t["total_usd"]) if k == "peak_usd" else t[k]  # noqa: E731
    tiers = sorted(set(a["by_tier"]) | set(b["by_tier"]))
    return {
        "a": {"stack": a.get("stack"), "label": a_label or a.get("stack") or "other", "totals": ta},
        "b": {"stack": b.get("stack"), "label": b_label or b.get("stack") or "this", "totals": tb},
        "lines": rows,
        "totals": {k: tot(tb, k) - tot(ta, k) for k in _TOTALS},
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
    an, bn = d["a"].get("label") or d["a"].get("stack") or "a", d["b"].get("label") or d["b"].get("stack") or "b"
    short_a, short_b = "other", "this"
    changed = [e for e in d["lines"] if e["status"] != "same"]
    headers = ["Tier", "Service", "Resource", "Item", f"{short_a} $", f"{short_b} $", "Delta $", "Delta peak $",
               "Status"]
    rows = [[e["tier"], e["service"], e["resource"], _item(e), f"{e['a_usd']:,.2f}",
             f"{e['b_usd']:,.2f}", f"{e['delta_usd']:+,.2f}", f"{e.get('delta_peak_usd', 0.0):+,.2f}", e["status"]]
            for e in changed]
    tot = [("Baseline", "baseline_usd"), ("Usage", "usage_usd"), ("Total", "total_usd"), ("Peak", "peak_usd")]
    get = lambda side, k: d[side]["totals"].get(k, d[side]["totals"]["total_usd"])  # noqa: E731
    title = f"Monthly cost diff: {bn} vs {an} ({len(changed)} changed line(s))"
    sides = f"this side = {bn}; other side = {an}; delta = this - other"
    if fmt == "markdown":
        out = [f"### {title}", "", f"_{sides}_", "", "| " + " | ".join(headers) + " |",
               "|" + "|".join("---:" if i in (4, 5, 6, 7) else "---" for i in range(len(headers))) + "|"]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
        out += ["", f"| | {short_a} $ | {short_b} $ | Delta $ |", "|---|---:|---:|---:|"]
        out += [f"| {n} | {get('a', k):,.2f} | {get('b', k):,.2f} | {d['totals'][k]:+,.2f} |" for n, k in tot]
        return "\n".join(out)
    out = [title, sides, ""] + _table(headers, rows, {4, 5, 6, 7}) + [""]
    out += _table(["", f"{short_a} $", f"{short_b} $", "Delta $"],
                  [[n, f"{get('a', k):,.2f}", f"{get('b', k):,.2f}", f"{d['totals'][k]:+,.2f}"] for n, k in tot],
                  {1, 2, 3})
    return "\n".join(out)

