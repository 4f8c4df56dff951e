"""``python -m preflight``: the offline gate CI runs with no cloud account.

    python -m preflight [check] [--stack prod ...] [--set key=value ...] [--format FORMAT]
                        [--json FILE] [--output FORMAT=FILE ...] [--base FILE] [--verbose | --quiet] [--debug]
                        [--preview]
    python -m preflight check --plan plan.json
    python -m preflight cost --stack prod [--format table|json|markdown] [--against dev|plan.json]
    python -m preflight rehearse --stack prod [--profile FILE] [--json FILE] [--charts DIR]
    python -m preflight diff [--stack prod ...] [--base REF | --base-plan FILE] [--plan FILE] [--json FILE]
    python -m preflight export --stack prod --out FILE [--secrets-from FILE]

Formats: text (default), json, sarif, junit, markdown (the pull-request comment), github (annotations).
Exit codes: 0 passed, 1 a mandatory violation, 2 bad input or usage, 3 internal
error (preflight/exits.py).  Every input is checked before the program runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from . import formats, packenv, report_files, singletons
from .exits import EXIT_OK, EXIT_VIOLATION, InputError, InputErrors, InternalError, guard, show
from .inputs import (check_environment, check_set, emit, note, policy_config_path, record, stack_names,
                     terminal_columns, validate_stack_config)
from .planfile import MAX_PLAN_BYTES, load_plan, validate_plan
from .pack_options import load_policy_config, setting_conflicts
from .program import ROOT, plan_config
from .progress import Progress
from .result import build, run_document, stage
from .stackconfig import StackConfig, stacks
from .schema import POLICY_INFO as SCHEMA_POLICY
from .schema import schema_findings as check_schema

if TYPE_CHECKING:
    from .analyzer import PackRun


# --------------------------------------------------------------------------- stages
def schema_findings(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """The schema stage: every resource's inputs against the provider schema derived from the
    pinned SDKs (preflight/schema/); each finding is reported like a mandatory violation."""
    return check_schema(plan["resources"])


def evaluate(plan: dict[str, Any], file_config: dict[str, Any], *, settings: dict[str, Any],
             progress: Optional[Progress] = None, pack_run: Optional[PackRun] = None) -> dict[str, Any]:
    """The stages after the settings stage, for one plan and the content of its policy-config
    file; returns the per-stack result document.  ``pack_run``: the pack already judging the
    resources as the program registered them (preflight/analyzer.py); else one starts now."""
    from . import cost
    from .analyzer import PackRun

    progress = progress or Progress(enabled=False)
    stack = plan.get("stack")
    plan = {**plan, "resources": sorted(plan["resources"], key=lambda r: r["urn"])}
    pack_run = pack_run or PackRun.for_plan(plan, file_config)
    with progress.step(f"{stack}: policy pack"):
        try:
            pack = pack_run.finish(plan)
        except RuntimeError as err:
            lines = [line.strip() for line in str(err).splitlines() if line.strip()] or [""]
            cause = lines[0] if len(lines) == 1 else f"{lines[0].split(' (')[0]}: {lines[-1]}"
            raise InternalError(f"the policy pack failed (stack {stack}): {cause[:400]}", detail=str(err)) from None
        finally:
            pack_run.close()
    found = schema_findings(plan)
    schema = stage("schema", "failed" if found else "passed", len(found))
    from .waived import unwaive

    levels = {p["name"]: p["level"] for p in pack["policies"]}
    policy_findings = [{**v, "stage": "policies"} for v in unwaive(pack["violations"], stack, levels)]
    mandatory = sum(1 for v in policy_findings if v["level"] == "mandatory")
    with progress.step(f"{stack}: cost model"):
        report = cost.estimate(plan)
    verdict = (report.get("cap") or {}).get("verdict") or "no cap"
    # Over the cap, or unpriced while failing closed, is a violation of the monthly-budget-cap policy
    # (policies stage); the stage mirrors it.
    cost_stage = stage("cost", "failed" if verdict in ("over", "unpriced") else "passed",
                       note={"over": "over the cap", "ok": "within the cap"}.get(verdict, verdict))
    policies = [{"name": p["name"], "level": p["level"], "description": p["description"]}
                for p in [*pack["policies"], SCHEMA_POLICY]]
    return build(plan, stages=[settings, schema, stage("policies", "failed" if mandatory else "passed",
                                                       len(policy_findings), f"{len(policies)} evaluated"),
                               cost_stage],
                 findings={"schema": found or [], "policies": policy_findings}, policies=policies, cost=report)


# --------------------------------------------------------------------------- check: inputs first
@dataclass
class Check:
    jobs: list[tuple[str, Optional[dict[str, Any]]]]          # (stack, saved plan or None = run the program)
    policy_configs: dict[str, dict[str, Any]]                 # the policy-config file's content, checked
    targets: list[report_files.Target] = field(default_factory=list)
    bases: dict[str, Optional[dict[str, Any]]] = field(default_factory=dict)
    validated: dict[str, StackConfig] = field(default_factory=dict)   # read and validated once, handed on
    notes: list[str] = field(default_factory=list)                    # for stderr, before the runs


def _load_base(template: str, stack: str, several: bool) -> Optional[dict[str, Any]]:
    """The base branch's cost report for ``stack`` from a result/plan/report JSON; None when the file is absent."""
    from . import cost
    from .jsonfile import read_json

    if several and report_files.PLACEHOLDER not in template:
        raise InputError("--base", f"{show(template)} names one file for several stacks",
                         "a path with {stack}, e.g. build/base-{stack}.json")
    path = template.replace(report_files.PLACEHOLDER, stack)
    if not Path(path).exists():
        return None   # the base branch could not produce it: the reports say "no base"
    what = f"--base {show(path, 120)}"
    doc = read_json(path, what, max_bytes=MAX_PLAN_BYTES)
    if isinstance(doc, dict) and isinstance(doc.get("cost"), dict) and isinstance(doc["cost"].get("totals"), dict):
        return doc["cost"]
    if isinstance(doc, dict) and "lines" in doc and isinstance(doc.get("totals"), dict):
        return doc
    if isinstance(doc, dict) and "resources" in doc:
        return cost.estimate(validate_plan(doc, what))
    raise InputError(what, "is neither a preflight result, a plan nor a cost report",
                     "the --json output of a run on the base branch")


def prepare_check(args: argparse.Namespace) -> Check:
    """Every input of ``check``, validated before anything runs."""
    check_environment()
    check_set(args.set)
    given = stack_names(args.stack or [])
    if args.plan is not None:
        if args.set:
            raise InputError("--set", "cannot apply to --plan: a saved plan has no stack config to override",
                             "--set with --stack (runs the program), or edit the plan file")
        if args.preview:
            raise InputError("--preview", "cannot apply to --plan: a saved plan was recorded already",
                             "--preview with --stack (runs the program as a first preview sees it)")
        if len(given) > 1:
            raise InputError("--stack", f"{len(given)} stacks with --plan", "at most one --stack with --plan")
        if not args.plan.strip():
            raise InputError("--plan", "empty path", "a plan JSON file (the --json output of a run)")
        plan = load_plan(args.plan)
        if given and plan.get("stack") and plan["stack"] != given[0]:
            raise InputError("--stack", f"{given[0]!r} differs from the plan's stack {plan['stack']!r}",
                             f"--stack {plan['stack']} or no --stack")
        stack = plan.get("stack") or (given[0] if given else None)
        if not stack:
            raise InputError(f"--plan {show(args.plan, 120)}", "the plan names no stack",
                             "a plan with \"stack\", or --stack NAME")
        jobs: list[tuple[str, Optional[dict[str, Any]]]] = [(stack, {**plan, "stack": stack})]
    else:
        jobs = [(s, None) for s in (given or stacks(ROOT))]
    names = [s for s, _ in jobs]
    configs: dict[str, tuple[dict[str, Any], str]] = {}   # (content, what names it in messages)
    if args.policy_config is not None:
        if not args.policy_config.strip():
            raise InputError("--policy-config", "empty path", "a policy config JSON file")
        what = f"--policy-config {show(args.policy_config, 120)}"
        loaded = load_policy_config(args.policy_config, what)
        configs = {s: (loaded, what) for s in names}
    else:
        for s in names:
            path = policy_config_path(s)
            if not path.exists():
                committed = ", ".join(p.name for p in sorted(path.parent.glob("*.json")))
                raise InputError(f"stack {s}", f"no policy config policies/config/{s}.json",
                                 f"a committed config ({committed}) or --policy-config FILE")
            configs[s] = (load_policy_config(path, f"policies/config/{s}.json"), f"policies/config/{s}.json")
    targets = ([report_files.Target("--json", "result", args.json)] if args.json is not None else [])
    for spec in args.output:
        fmt, sep, file = spec.partition("=")
        if not sep or fmt not in formats.FORMATS:
            raise InputError("--output", f"got {show(spec)}", f"FORMAT=FILE with FORMAT one of {', '.join(formats.FORMATS)}")
        targets.append(report_files.Target(f"--output {fmt}", fmt, file))
    for target in targets:
        report_files.check_target(target, names)
    bases = {s: _load_base(args.base, s, len(names) > 1) for s in names} if args.base is not None else {}
    if args.pack_venv is not None:
        if not args.pack_venv.strip():
            raise InputError("--pack-venv", "empty value", "a virtualenv made from policies/requirements.txt, "
                             "'auto' or 'current'")
        try:
            packenv.resolve(ROOT / "policies", args.pack_venv)
        except packenv.PackVenvError as err:
            raise InputError("--pack-venv", str(err), "a virtualenv made from policies/requirements.txt, "
                             "'auto' or 'current'") from None
    validated = {}
    if args.plan is None:
        for s in names:   # the settings stage of every stack, before the first mock run
            validated[s] = validate_stack_config(s, args.set)
            conflicts = setting_conflicts(validated[s].settings, *configs[s])
            if conflicts:
                raise InputErrors(f"stack {s}", conflicts)
    from .waived import checked

    for s in names:   # each stack's waivers file, before anything runs
        checked(s)
    # Across the committed stacks: one owner of each account-wide singleton (preflight/singletons.py).
    notes = singletons.check(ROOT, validated) if validated else []
    return Check(jobs=jobs, policy_configs={s: content for s, (content, _) in configs.items()}, targets=targets,
                 bases=bases, validated=validated, notes=notes)


def cmd_check(args: argparse.Namespace) -> int:
    check = prepare_check(args)
    if args.quiet and (args.verbose or args.progress):
        raise InputError("--quiet", f"given with {'--verbose' if args.verbose else '--progress'}", "one of them")
    progress = Progress(enabled=False if args.quiet else None if args.progress is None else args.progress)
    previous = os.environ.get(packenv.PACK_VENV_ENV)
    if args.pack_venv is not None:   # read by the analyzer when it starts the pack
        os.environ[packenv.PACK_VENV_ENV] = args.pack_venv
    try:
        return _run_check(args, check, progress)
    finally:
        if previous is None:
            os.environ.pop(packenv.PACK_VENV_ENV, None)
        else:
            os.environ[packenv.PACK_VENV_ENV] = previous


def _judge_stack(args: argparse.Namespace, check: Check, stack: str, plan: Optional[dict[str, Any]],
                 progress: Progress) -> tuple[dict[str, Any], list[str]]:
    """One stack from mock run to result: (result, notes for stderr)."""
    from .analyzer import PackRun

    messages: list[str] = []
    pack_run: Optional[PackRun] = None
    if plan is None:
        sc = check.validated[stack]

        def start_pack() -> Any:
            # A cache miss: the program runs, and the pack starts now and judges each resource as
            # the program registers it (the engine's order), on the core the program leaves idle.
            nonlocal pack_run
            pack_run = PackRun(stack, sc.project, plan_config(sc.config, sc.secret_keys), args.preview,
                               check.policy_configs[stack])
            return pack_run.feed

        try:
            with progress.step(f"{stack}: program under mocks"):
                plan, hit = record(sc, args.set, preview=args.preview, use_cache=not args.no_cache,
                                    before_run=start_pack)
        except BaseException:
            if pack_run is not None:
                pack_run.close()
            raise
        if hit:
            messages.append(f"preflight: stack {stack}: note: plan from the plan cache (nothing it depends on "
                            "changed; --no-cache runs the program again)")
        notes = plan.get("notes") or []  # checks skipped for encrypted (secure:) values
        messages += [f"preflight: stack {stack}: note: {n}" for n in notes]
        settings = stage("settings", "passed", note="; ".join(notes))
    else:
        settings = stage("settings", "skipped", note="saved plan")
    return evaluate(plan, check.policy_configs[stack], settings=settings, progress=progress, pack_run=pack_run), messages


def _run_check(args: argparse.Namespace, check: Check, progress: Progress) -> int:
    from concurrent.futures import ThreadPoolExecutor

    _, venv_note = packenv.resolve(ROOT / "policies")
    say = (lambda line: None) if args.quiet else note
    if venv_note:
        say(f"preflight: note: {venv_note}")
    for line in check.notes:
        say(line)
    # Stacks are independent: each runs on its own core (the mock run and the pack are child
    # processes, so threads here only wait).  Reports keep the order of the stacks given.
    parallel = max(1, min(len(check.jobs), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        futures = [pool.submit(_judge_stack, args, check, stack, plan, progress)
                   for stack, plan in check.jobs]
        done = [f.result() for f in futures]
    results = []
    for result, messages in done:
        for m in messages:
            say(m)
        results.append(result)
    code = EXIT_VIOLATION if any(r["verdict"] == "failed" for r in results) else EXIT_OK
    run = run_document(results, code, check.bases)
    if args.quiet and args.format == "text":
        from .formats.text import headline

        emit("\n".join(f"preflight: stack {r['stack']}: {headline(r)}" for r in results))
    else:
        emit(formats.render(args.format, run, verbose=args.verbose, width=terminal_columns()))
    for target in check.targets:
        if target.fmt == "result":
            import json

            for r in results:
                report_files.write(target, json.dumps(r, indent=1, sort_keys=True, default=str), r["stack"])
        elif target.per_stack:
            for r in results:
                one = run_document([r], code, check.bases)
                report_files.write(target, formats.render(target.fmt, one, verbose=args.verbose), r["stack"])
        else:
            report_files.write(target, formats.render(target.fmt, run, verbose=args.verbose))
    return code


# --------------------------------------------------------------------------- cost
def _priceable(plan: dict[str, Any], what: str) -> dict[str, Any]:
    """A saved plan the cost model can read: no value the provider schema refuses.  Such a value
    (allocatedStorage "lots", containerDefinitions 5) would otherwise be priced as nothing and pass;
    `check --plan` reports it as a schema violation.  A missing input is not refused here: a sketch
    plan of the priced inputs only is a fair what-if for the cost model."""
    found = check_schema(plan["resources"], missing_inputs=False)
    if found:
        raise InputErrors(what, [f"{len(found)} input value(s) the provider schema refuses, so the plan cannot be "
                                 "priced; allowed: values that fit the schema (`check --plan` reports the same)"]
                          + [f"{show(f['urn'], 100)}: {f['message']}" for f in found])
    return plan


def cmd_cost(args: argparse.Namespace) -> int:
    """Price this side (--stack with every --set, or --plan); with --against, diff it against the
    other side (a stack as committed - never with this side's --set - or a saved plan/report)."""
    from . import cost
    from .jsonfile import read_json

    check_environment()
    check_set(args.set)
    if args.plan is not None and args.set:
        raise InputError("--set", "cannot apply to --plan: a saved plan has no stack config to override",
                         "--set with --stack")

    def is_file(ref: str) -> bool:
        return ref.endswith(".json") or "/" in ref

    def read(ref: str, flag: str) -> Optional[dict[str, Any]]:
        """A file side, read and checked now; None for a stack side (validated here, run below)."""
        if not ref.strip():
            raise InputError(flag, "empty value", "a stack name or a plan JSON file")
        if is_file(ref):
            what = f"{flag} {show(ref, 120)}"
            doc = read_json(ref, what, max_bytes=MAX_PLAN_BYTES)
            if isinstance(doc, dict) and "lines" in doc and "totals" in doc and "resources" not in doc:
                return doc    # a saved cost report
            return _priceable(validate_plan(doc, what), what)
        stack_names([ref])
        validated[flag] = validate_stack_config(ref, overrides_of[flag])
        return None

    this_ref, this_flag = (args.plan, "--plan") if args.plan is not None else (args.stack, "--stack")
    # The other side is as committed (or a saved plan/report): --set changes this side only.
    overrides_of = {this_flag: args.set, "--against": []}
    validated: dict[str, StackConfig] = {}
    sides = [(this_ref, this_flag)] + ([(args.against, "--against")] if args.against is not None else [])
    loaded = [read(ref, flag) for ref, flag in sides]   # every input checked before any run
    if args.plan is not None and args.stack_given:
        # As `check --plan`: a plan priced as another stack would be held to that stack's cap.
        named = loaded[0].get("stack")
        if named and named != args.stack:
            raise InputError("--stack", f"{args.stack!r} differs from the plan's stack {named!r}",
                             f"--stack {named} or no --stack")
        if not named and "resources" in loaded[0]:
            loaded[0] = {**loaded[0], "stack": args.stack}
    # The stack sides run side by side (one core each), so a diff costs about one run.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=len(sides)) as pool:
        runs = [None if doc is not None else
                pool.submit(record, validated[flag], overrides_of[flag], use_cache=not args.no_cache)
                for (ref, flag), doc in zip(sides, loaded)]
        loaded = [doc if run is None else run.result()[0] for doc, run in zip(loaded, runs)]
    this = loaded[0]
    report = cost.estimate(this)
    if args.against:
        other = cost.as_report(loaded[1])
        this_label = this_ref + (f" with --set {' '.join(args.set)}" if args.set else "")
        other_label = args.against + ("" if is_file(args.against) else " as committed")
        emit(cost.render_diff(cost.diff(other, report, a_label=other_label, b_label=this_label), args.format))
    else:
        emit(cost.render(report, "wide" if args.wide and args.format == "table" else args.format))
    return cost.exit_code(report)


# --------------------------------------------------------------------------- rehearse
def cmd_rehearse(args: argparse.Namespace) -> int:
    """Offline scaling rehearsal of the stack's recorded plan (preflight/rehearse/, docs/rehearsal.md)."""
    from . import rehearse

    check_environment()
    # The plan through the plan cache: rehearsing an unchanged stack runs no program.
    return rehearse.run(args, stack_names, lambda stack: record(validate_stack_config(stack, []), [],
                                                                   use_cache=True)[0], emit)


# --------------------------------------------------------------------------- arguments
class _Exit(Exception):
    def __init__(self, status: int):
        self.status = status


class Parser(argparse.ArgumentParser):
    """argparse that reports usage errors through the exit contract (bounded, exit 2) instead of exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise InputError("usage", show(message, 300)[1:-1], f"see {self.prog} --help")

    def exit(self, status: int = 0, message: Optional[str] = None) -> None:  # type: ignore[override]
        if message:
            print(message, file=sys.stderr)
        raise _Exit(status)


class OnceSwitch(argparse.BooleanOptionalAction):
    """--progress / --no-progress: one of them, once (both would leave the reader guessing which won)."""

    def __call__(self, parser, namespace, values, option_string=None):  # type: ignore[override]
        if getattr(namespace, self.dest, None) is not None:
            raise InputError(option_string or self.dest, "given twice (with --progress or --no-progress)",
                             "one of --progress, --no-progress")
        super().__call__(parser, namespace, values, option_string)


class Once(argparse.Action):
    """A single-valued option given twice is a conflict, not 'the last one wins'."""

    def __call__(self, parser, namespace, values, option_string=None):  # type: ignore[override]
        if getattr(namespace, self.dest, None) is not None:
            raise InputError(option_string or self.dest, "given twice", "once")
        setattr(namespace, self.dest, values)


def build_parser() -> argparse.ArgumentParser:
    ap = Parser(prog="python -m preflight", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command")
    common = Parser(add_help=False)
    common.add_argument("--debug", action="store_true", help="on an internal error (exit 3), print the traceback")
    check = sub.add_parser("check", parents=[common], help="run the program under mocks and judge it (default)")
    check.add_argument("--stack", action="append", help="stack to check (repeatable; default: every committed stack)")
    check.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                       help="override a config key for this run (dots reach into objects: multiAz.database=false)")
    check.add_argument("--format", action=Once, choices=formats.FORMATS, help="what stdout shows (default: text)")
    check.add_argument("--output", action="append", default=[], metavar="FORMAT=FILE",
                       help="also write FORMAT to FILE (repeatable; {stack} in FILE: one file per stack)")
    check.add_argument("--json", action=Once, metavar="FILE", help="write each stack's full result ({stack} in FILE)")
    check.add_argument("--plan", action=Once, metavar="FILE", help="judge a saved plan JSON instead of running the program")
    check.add_argument("--policy-config", action=Once, metavar="FILE",
                       help="policy config (default policies/config/<stack>.json)")
    check.add_argument("--base", action=Once, metavar="FILE",
                       help="the base branch's --json result ({stack} in FILE): cost difference in the reports")
    check.add_argument("--pack-venv", action=Once, metavar="DIR|auto|current",
                       help="virtualenv that runs the policy pack (default auto: the one PulumiPolicy.yaml names)")
    check.add_argument("--verbose", action="store_true", help="text: every finding, outputs, resource counts by type")
    check.add_argument("--quiet", action="store_true", help="text: only each stack's verdict line; no notes, no progress")
    check.add_argument("--progress", action=OnceSwitch, default=None,
                       help="progress on stderr (default: when stderr is a terminal)")
    check.add_argument("--preview", action="store_true",
                       help="judge the program as a first `pulumi preview` of a new stack sees it (ids, ARNs unknown)")
    check.add_argument("--no-cache", action="store_true",
                       help="run the program and the pack even when the plan cache holds this stack's plan")
    check.set_defaults(func=cmd_check)
    cost = sub.add_parser("cost", parents=[common], help="monthly cost breakdown of a stack, or a diff against another")
    cost.add_argument("--stack", action=Once)
    cost.add_argument("--plan", action=Once, metavar="FILE", help="price a saved plan JSON instead of a stack")
    cost.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                      help="override a config key on this side only (never on the --against side)")
    cost.add_argument("--format", action=Once, choices=("table", "json", "markdown"))
    cost.add_argument("--against", action=Once, metavar="STACK|PLAN.json", help="diff: this side (--stack with --set, or --plan) minus the other (a stack as committed, "
                           "or a saved plan or report)")
    cost.add_argument("--wide", action="store_true", help="table: every line with every column (default: a tree in 100 columns)")
    cost.add_argument("--no-cache", action="store_true", help="run the program even when the plan cache holds the plan")
    cost.set_defaults(func=cmd_cost)
    reh = sub.add_parser("rehearse", parents=[common], help="simulate autoscaling of the plan against a load profile")
    reh.add_argument("--stack", action=Once, help="stack to rehearse (default prod)")
    reh.add_argument("--profile", action=Once, metavar="FILE",
                     help="load profile and capacity model, YAML or JSON (default: docs/rehearsal.md)")
    reh.add_argument("--json", action=Once, metavar="FILE", help="also write the full result as JSON")
    reh.add_argument("--charts", action=Once, metavar="DIR", help="write one PNG chart per service into DIR")
    reh.set_defaults(func=cmd_rehearse)
    from .diff.command import add_parser as add_diff
    from .export import add_parser as add_export

    add_diff(sub, common, Once)
    add_export(sub, common, Once)
    return ap


def _defaults(args: argparse.Namespace) -> argparse.Namespace:
    if args.command == "check":
        args.format = args.format or "text"
    elif args.command == "rehearse":
        args.stack = args.stack if args.stack is not None else "prod"
    elif args.command in ("diff", "export"):
        pass
    else:
        args.format = args.format or "table"
        args.stack_given = args.stack is not None
        args.stack = args.stack if args.stack is not None else "prod"
    return args


def main(argv: Optional[list[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("check", "cost", "rehearse", "diff", "export", "-h", "--help"):
        argv.insert(0, "check")

    def run() -> int:
        try:
            args = build_parser().parse_args(argv)
        except _Exit as done:   # --help
            return done.status
        return args.func(_defaults(args))

    return guard(run, debug="--debug" in argv)
