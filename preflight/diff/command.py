"""``python -m preflight diff``: the base (a git ref's program, or a saved plan) against the head (the
working tree, or a saved plan), per stack; exit 0 no blocking change, 1 a blocking change, 2 bad
input, 3 internal error (as ``check``)."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import subprocess
import tarfile
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Optional

from ..exits import EXIT_OK, EXIT_VIOLATION, InputError, InputErrors, show
from ..planfile import load_plan
from ..program import ROOT
from ..stackconfig import project_name, stacks
from . import changes as diffing
from . import render, verdict

FORMATS = ("text", "json", "markdown", "sarif")


def add_parser(sub: Any, common: argparse.ArgumentParser, once: type) -> None:
    p = sub.add_parser("diff", parents=[common],
                       help="what a change would create, update, replace and delete in each stack")
    p.add_argument("--stack", action="append", help="stack to diff (repeatable; default: every committed stack)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a config key on the head side")
    p.add_argument("--base", action=once, metavar="REF", help="git ref whose program is the base (default HEAD)")
    p.add_argument("--base-plan", action=once, metavar="FILE", help="a saved plan (check --json) as the base")
    p.add_argument("--plan", action=once, metavar="FILE", help="a saved plan as the head instead of the working tree")
    p.add_argument("--format", action=once, choices=FORMATS, help="what stdout shows (default: text)")
    p.add_argument("--json", action=once, metavar="FILE", help="write each stack's diff as JSON ({stack} in FILE)")
    p.add_argument("--output", action="append", default=[], metavar="FORMAT=FILE",
                   help="also write FORMAT (markdown, sarif, json, text) to FILE (repeatable)")
    p.add_argument("--accepted", action=once, metavar="FILE",
                   help=f"reviewed acceptances of data-losing changes (default {verdict.ACCEPTED_FILE})")
    p.add_argument("--no-cache", action="store_true", help="run the programs even when the plan cache holds them")
    p.set_defaults(func=cmd_diff)


# --------------------------------------------------------------------------- sides
def _git(*args: str, binary: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=not binary, timeout=120)


def base_tree(ref: str, into: Path) -> Path:
    """The project folder as it is at ``ref``, extracted under ``into`` (git archive: no worktree is
    registered, nothing in the repository changes)."""
    if not ref.strip() or ref.startswith("-"):
        raise InputError("--base", f"{show(ref)} is not a git ref", "a branch, tag or commit, e.g. origin/main")
    sha = _git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if sha.returncode != 0:
        raise InputError("--base", f"{show(ref)} names no commit of this repository", "a branch, tag or commit, e.g. origin/main")
    prefix = _git("rev-parse", "--show-prefix").stdout.strip()
    archive = _git("archive", "--format=tar", sha.stdout.strip(), *( [prefix] if prefix else []), binary=True)
    if archive.returncode != 0:
        raise InputError("--base", f"{show(ref)} holds no copy of this project folder ({prefix or 'the top'})")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    root = into / prefix
    try:
        same = project_name(root) == project_name(ROOT)
    except Exception:  # noqa: BLE001 - no or a broken Pulumi.yaml at the ref
        same = False
    if not same or not (root / "__main__.py").exists():
        raise InputError("--base", f"{show(ref)} holds no {project_name(ROOT)} project (Pulumi.yaml and __main__.py)")
    return root


def _base_plan_at(root: Path, stack: str, use_cache: bool) -> dict[str, Any]:
    from ..program import ProgramConfigError, recorded_plan
    from ..stackconfig import UsageError, validated_stack

    if not (root / f"Pulumi.{stack}.yaml").exists():
        return {"stack": stack, "project": project_name(ROOT), "resources": []}  # a new stack: all created
    try:
        validated = validated_stack(root, stack, [])
        return recorded_plan(stack, [], root, validated=validated, use_cache=use_cache)[0]
    except (UsageError, ProgramConfigError) as err:
        raise InputError(f"--base (stack {stack})", f"the base's stack config is refused: {show(str(err), 400)}") from None


def _head_plan(stack: str, sets: list[str], use_cache: bool) -> dict[str, Any]:
    from ..inputs import record, validate_stack_config

    return record(validate_stack_config(stack, sets), sets, use_cache=use_cache)[0]


# What a resource record says about its options when a hand-written or older plan leaves it out:
# what the program would have registered without the option.
RECORD_DEFAULTS = {"inputs": {}, "protect": False, "propertyDependencies": {}, "dependencies": [], "aliases": [],
                   "replaceOnChanges": [], "retainOnDelete": False, "deleteBeforeReplace": None, "provider": ""}


def _diffable(plan: dict[str, Any], flag: str) -> dict[str, Any]:
    """The plan with each record's options filled in; a custom resource of a type the replace-on table
    does not know is refused (a plan of another provider version: its replacements cannot be judged)."""
    from . import replace_on

    resources, unknown = [], []
    for r in plan["resources"]:
        r = {**RECORD_DEFAULTS, **r}
        r.setdefault("name", r["urn"].rsplit("::", 1)[-1])
        if "custom" not in r:  # what a record without the flag is: a provider resource or a table type
            r["custom"] = replace_on.known(r["type"]) or r["type"].startswith("pulumi:providers:")
        if r["custom"] and not r["type"].startswith("pulumi:providers:") and not replace_on.known(r["type"]):
            unknown.append(r["type"])
        resources.append(r)
    if unknown:
        names = sorted(set(unknown))
        raise InputError(flag, f"creates {', '.join(names[:5])}{' ...' if len(names) > 5 else ''}, which the "
                         "replace-on table (preflight/diff/replace_on.json) does not know: a plan of another "
                         "program or provider version", "a plan of this program's resource types")
    return {**plan, "resources": resources}


def _same_identity(base: dict, head: dict, what: str) -> None:
    for key in ("project", "stack"):
        b, h = base.get(key), head.get(key)
        if b and h and b != h:
            raise InputError(what, f"is a plan of {key} {show(b)}, the head is {key} {show(h)}",
                             f"a plan of the same {key}")


# --------------------------------------------------------------------------- the command
def cmd_diff(args: argparse.Namespace) -> int:
    from ..inputs import check_environment, check_set, stack_names

    check_environment()
    check_set(args.set)
    if args.base is not None and args.base_plan is not None:
        raise InputError("--base", "given with --base-plan", "one base: a git ref or a saved plan")
    if args.plan is not None and args.set:
        raise InputError("--set", "cannot apply to --plan: a saved plan has no stack config to override")
    if args.base is not None and not args.base.strip():
        raise InputError("--base", "empty value", "a branch, tag or commit, e.g. origin/main")
    fmt = args.format or "text"
    outputs = _outputs(args.output)
    accepted_path = Path(args.accepted) if args.accepted else ROOT / verdict.ACCEPTED_FILE
    accepted = verdict.load_accepted(accepted_path, dt.date.today())
    head_file = _diffable(load_plan(args.plan, "--plan"), "--plan") if args.plan else None
    base_file = _diffable(load_plan(args.base_plan, "--base-plan"), "--base-plan") if args.base_plan else None
    if head_file is not None:
        names = [head_file.get("stack") or "stack"]
        if args.stack and args.stack != names:
            raise InputError("--stack", f"{', '.join(args.stack)} differs from the plan's stack {names[0]!r}",
                             f"--stack {names[0]} or no --stack")
    else:
        names = stack_names(args.stack or stacks(ROOT))
    if base_file is not None and len(names) > 1:
        raise InputError("--base-plan", "is one stack's plan", "--stack NAME with --base-plan")
    if args.json and len(names) > 1 and "{stack}" not in args.json:
        raise InputError("--json", "names one file for several stacks", "a file name with {stack}")
    with tempfile.TemporaryDirectory() as tmp:
        base_root = base_tree(args.base or "HEAD", Path(tmp)) if base_file is None else None
        with ThreadPoolExecutor(max_workers=2) as pool:
            jobs = []
            for stack in names:
                head = pool.submit(lambda s=stack: head_file or _head_plan(s, args.set, not args.no_cache))
                base = pool.submit(lambda s=stack: base_file or _base_plan_at(base_root, s, not args.no_cache))
                jobs.append((stack, base, head))
            sides = [(stack, base.result(), head.result()) for stack, base, head in jobs]
    for stack, base, head in sides:
        _same_identity(base, head, "--base-plan" if base_file is not None else "--plan")
    docs = [_stack_diff(stack, base, head, accepted, args.base_plan or f"git {args.base or 'HEAD'}",
                        args.plan or "working tree") for stack, base, head in sides]
    problems = verdict.unmatched(accepted, set().union(*(d["used"] for d in docs)), set(names))
    if problems:
        raise InputErrors(show(str(accepted_path), 120), problems)
    for d in docs:
        d.pop("used")
    if args.json:
        for d in docs:
            _write(args.json.replace("{stack}", d["stack"]), json.dumps(d, indent=2, sort_keys=True) + "\n", "--json")
    for name, path in outputs:
        _write(path, render.RENDERERS[name](docs), f"--output {name}")
    from ..inputs import emit, terminal_columns

    emit(render.text(docs, terminal_columns()) if fmt == "text" else render.RENDERERS[fmt](docs))
    return EXIT_VIOLATION if any(d["verdict"] == "blocked" for d in docs) else EXIT_OK


def _stack_diff(stack: str, base: dict, head: dict, accepted: list[dict], base_label: str,
                head_label: str) -> dict[str, Any]:
    found = diffing.compare(base, head)
    violations, used = verdict.judge(found, accepted)
    _cost(found, base, head)
    changed = [c for c in found if c["action"] != "same"]
    return {"stack": stack, "project": head.get("project") or base.get("project"), "base": base_label,
            "head": head_label, "counts": diffing.counts(found), "changes": changed,
            "violations": sorted(violations, key=lambda v: (v["level"] != "mandatory", v["policy"], v["urn"])),
            "verdict": "blocked" if any(v["level"] == "mandatory" for v in violations) else "passed",
            "cost": _totals(base, head), "used": used}


def _by_urn(plan: dict) -> dict[str, float]:
    from .. import cost

    if not plan.get("resources"):
        return {}
    out: dict[str, float] = {}
    for line in cost.estimate(plan)["lines"]:
        out[line["urn"]] = out.get(line["urn"], 0.0) + line["monthly_usd"]
    return out


def _cost(found: list[dict], base: dict, head: dict) -> None:
    """Each changed resource's monthly cost before and after (the cost model of ``cost --against``)."""
    before, after = _by_urn(base), _by_urn(head)
    base["_cost_total"], head["_cost_total"] = sum(before.values()), sum(after.values())
    for c in found:
        old = before.get(c.get("was") or c["urn"], 0.0) if c["action"] != "create" else 0.0
        new = after.get(c["urn"], 0.0) if c["action"] != "delete" else 0.0
        c["monthly_usd"] = {"base": round(old, 2), "head": round(new, 2), "delta": round(new - old, 2)}


def _totals(base: dict, head: dict) -> dict[str, float]:
    b, h = base.pop("_cost_total", 0.0), head.pop("_cost_total", 0.0)
    return {"base_usd": round(b, 2), "head_usd": round(h, 2), "delta_usd": round(h - b, 2)}


def _outputs(values: list[str]) -> list[tuple[str, str]]:
    out = []
    for item in values:
        name, _, path = item.partition("=")
        if name not in FORMATS or not path.strip():
            raise InputError("--output", f"got {show(item)}", f"FORMAT=FILE with FORMAT one of {', '.join(FORMATS)}")
        out.append((name, path))
    return out


def _write(path: str, text: str, flag: str) -> None:
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    except OSError as err:
        raise InputError(f"{flag} {show(path, 120)}", f"cannot be written: {err.strerror}") from None
