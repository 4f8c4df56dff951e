"""``python -m preflight``: the offline gate CI runs with no cloud account.

    python -m preflight [check] [--stack prod ...] [--set key=value ...] [--json FILE]
    python -m preflight check --plan plan.json
    python -m preflight cost --stack prod [--format table|json|markdown] [--against dev|plan.json]

Exit codes: 0 no mandatory violation, 1 a mandatory violation, 2 bad config or
usage, 3 the program itself crashed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Optional

from .analyzer import PolicyConfigError, run_policy_pack
from .program import ROOT, ProgramConfigError, record_plan
from .stackconfig import UsageError, stacks

EXIT_OK, EXIT_VIOLATION, EXIT_USAGE, EXIT_CRASH = 0, 1, 2, 3
LEVEL_ORDER = ("mandatory", "advisory", "remediate", "disabled")


def policy_config_path(stack: str) -> Path:
    return ROOT / "policies" / "config" / f"{stack}.json"


def tier_of(resource: dict[str, Any], by_urn: dict[str, dict[str, Any]]) -> str:
    """A resource's tier: its `tier` tag, else the nearest platform component's tier."""
    tags = (resource.get("inputs") or {}).get("tags")
    if isinstance(tags, dict) and isinstance(tags.get("tier"), str):
        return tags["tier"]
    node: Optional[dict[str, Any]] = resource
    while node is not None:
        parts = node["type"].split(":")
        if parts[0] == "platform" and len(parts) == 3:
            return parts[1]
        node = by_urn.get(node.get("parent") or "")
    return "other"


def summarize(plan: dict[str, Any]) -> dict[str, Any]:
    by_urn = {r["urn"]: r for r in plan["resources"]}
    tiers: dict[str, Counter] = defaultdict(Counter)
    for r in plan["resources"]:
        tiers[tier_of(r, by_urn)][r["type"]] += 1
    return {"total": len(plan["resources"]), "tiers": {t: dict(c) for t, c in sorted(tiers.items())}}


def _cost(plan: dict[str, Any]) -> dict[str, Any]:
    from . import cost

    return cost.estimate(plan)


def evaluate(plan: dict[str, Any], policy_config: Optional[Path]) -> dict[str, Any]:
    """Policies + cost for a recorded plan; returns the full result document."""
    pack = run_policy_pack(plan, policy_config)
    result = {
        "stack": plan.get("stack"),
        "project": plan.get("project"),
        "resources": [{k: r.get(k) for k in ("urn", "type", "name", "parent", "inputs", "custom", "remote",
                                             "dependencies", "propertyDependencies", "protect", "provider")}
                      for r in plan["resources"]],
        "violations": [{k: v[k] for k in ("policy", "level", "urn", "message")} for v in pack["violations"]],
        "policies": pack["policies"],
        "outputs": plan.get("outputs", {}),
        "cost": _cost(plan),
    }
    return result


def render_check(result: dict[str, Any], summary: dict[str, Any]) -> str:
    out = [f"== stack {result['stack']}: {summary['total']} resources =="]
    for tier, types in summary["tiers"].items():
        out.append(f"  {tier:<14} {sum(types.values()):>4}")
        for t, n in sorted(types.items(), key=lambda kv: (-kv[1], kv[0])):
            out.append(f"      {n:>4}  {t}")
    grouped: dict[str, list[dict]] = defaultdict(list)
    for v in result["violations"]:
        grouped[v["level"]].append(v)
    out.append(f"-- policies: {len(result['policies'])} evaluated, "
               + ", ".join(f"{len(grouped.get(lv, []))} {lv}" for lv in ("mandatory", "advisory")))
    for level in LEVEL_ORDER:
        for v in sorted(grouped.get(level, []), key=lambda v: (v["policy"], v["urn"])):
            name = v["urn"].split("::")[-1] if v["urn"] else "(stack)"
            out.append(f"  [{level}] {v['policy']}: {name}: {v['message'].splitlines()[0]}")
    cost = result.get("cost") or {}
    if cost.get("totals"):
        t = cost["totals"]
        line = f"-- cost: ${t.get('monthly_usd', 0):,.2f}/month"
        if "baseline_usd" in t:
            line += f" (baseline ${t['baseline_usd']:,.2f} + usage ${t.get('usage_usd', 0):,.2f})"
        if cost.get("cap_usd"):
            line += f"; cap ${cost['cap_usd']:,.2f}"
        out.append(line)
        if cost.get("unpriced"):
            out.append(f"   not priced: {', '.join(sorted(cost['unpriced']))}")
    out.append("-- outputs:")
    for k, v in sorted(result["outputs"].items()):
        text = json.dumps(v) if not isinstance(v, str) else v
        out.append(f"  {k} = {text if len(text) <= 110 else text[:107] + '...'}")
    return "\n".join(out)


def _write_json(path_template: Optional[str], stack: str, doc: dict[str, Any], multiple: bool) -> None:
    if not path_template:
        return
    if multiple and "{stack}" not in path_template:
        raise UsageError("--json with several stacks needs a {stack} placeholder, e.g. build/{stack}.json")
    path = Path(path_template.replace("{stack}", stack))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=1, sort_keys=True, default=str))


def cmd_check(args: argparse.Namespace) -> int:
    worst = EXIT_OK
    if args.plan:
        try:
            plan = json.loads(Path(args.plan).read_text())
        except (OSError, json.JSONDecodeError) as err:
            raise UsageError(f"--plan {args.plan}: cannot read plan JSON ({err})") from None
        if not isinstance(plan, dict) or not isinstance(plan.get("resources"), list):
            raise UsageError(f"--plan {args.plan}: not a plan (needs a 'resources' list)")
        plan.setdefault("stack", args.stack[0] if args.stack else "prod")
        jobs = [(plan["stack"], plan)]
    else:
        names = args.stack or stacks(ROOT)
        jobs = [(s, None) for s in names]
    for stack, plan in jobs:
        if plan is None:
            try:
                plan = record_plan(stack, args.set)
            except ProgramConfigError as err:
                print(f"preflight: stack {stack}: {err}", file=sys.stderr)
                worst = max(worst, EXIT_USAGE)
                continue
            except RuntimeError as err:
                print(f"preflight: {err}", file=sys.stderr)
                return EXIT_CRASH
        cfg = Path(args.policy_config) if args.policy_config else policy_config_path(stack)
        if not cfg.exists():
            raise UsageError(f"no policy config {cfg}; committed: "
                             f"{', '.join(p.name for p in sorted(cfg.parent.glob('*.json')))}")
        result = evaluate(plan, cfg)
        print(render_check(result, summarize(plan)))
        _write_json(args.json, stack, result, len(jobs) > 1)
        if any(v["level"] == "mandatory" for v in result["violations"]):
            names = sorted({v["policy"] for v in result["violations"] if v["level"] == "mandatory"})
            print(f"preflight: stack {stack}: FAILED - mandatory violations of {', '.join(names)}")
            worst = max(worst, EXIT_VIOLATION)
        else:
            print(f"preflight: stack {stack}: passed")
    return worst


def cmd_cost(args: argparse.Namespace) -> int:
    """Price this side (--stack with every --set, or --plan); with --against, diff it against the
    other side (a stack as committed - never with this side's --set - or a saved plan/report)."""
    from . import cost

    def is_file(ref: str) -> bool:
        return ref.endswith(".json") or "/" in ref

    def load(ref: str, overrides: list[str]) -> dict[str, Any]:
        if is_file(ref):
            try:
                return json.loads(Path(ref).read_text())
            except (OSError, json.JSONDecodeError) as err:
                raise UsageError(f"cannot read plan {ref}: {err}") from None
        try:
            return record_plan(ref, overrides)
        except ProgramConfigError as err:
            raise UsageError(f"stack {ref}: {err}") from None

    this_ref = args.plan or args.stack
    if args.set and args.plan:
        raise UsageError("--set applies to a stack run; it cannot change a saved --plan")
    report = cost.estimate(load(this_ref, args.set))
    if args.against:
        other = cost.as_report(load(args.against, []))
        this_label = this_ref + (f" with --set {' '.join(args.set)}" if args.set else "")
        other_label = args.against + ("" if is_file(args.against) else " as committed")
        print(cost.render_diff(cost.diff(other, report, a_label=other_label, b_label=this_label), args.format))
    else:
        print(cost.render(report, args.format))
    return cost.exit_code(report)


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m preflight", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command")
    check = sub.add_parser("check", help="run the program under mocks and evaluate the policy pack (default)")
    check.add_argument("--stack", action="append", help="stack to check (repeatable; default: every committed stack)")
    check.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                       help="override a config key for this run (dots reach into objects: multiAz.database=false)")
    check.add_argument("--json", metavar="FILE", help="write the full result (use {stack} with several stacks)")
    check.add_argument("--plan", metavar="FILE", help="judge a saved plan JSON instead of running the program")
    check.add_argument("--policy-config", metavar="FILE", help="policy config (default policies/config/<stack>.json)")
    check.set_defaults(func=cmd_check)
    cost = sub.add_parser("cost", help="monthly cost breakdown of a stack, or a diff against another")
    cost.add_argument("--stack", default="prod")
    cost.add_argument("--plan", metavar="FILE", help="price a saved plan JSON instead of a stack")
    cost.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                      help="override a config key on this side only (never on the --against side)")
    cost.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    cost.add_argument("--against", metavar="STACK|PLAN.json",
                      help="diff: this side (--stack with --set, or --plan) minus the other (a stack as committed, "
                           "or a saved plan or report)")
    cost.set_defaults(func=cmd_cost)
    return ap


def main(argv: Optional[list[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("check", "cost", "-h", "--help"):
        argv.insert(0, "check")
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage error
        return EXIT_USAGE if exc.code else EXIT_OK
    try:
        return args.func(args)
    except (UsageError, PolicyConfigError) as err:
        print(f"preflight: {err}", file=sys.stderr)
        return EXIT_USAGE
