"""The tables of docs/policies.md, generated from the pack and the per-stack config files.

The reference table: a row per rule (in all_policies() order): name and module, area, resource types,
what it checks, anchor ids, the enforcement level per stack and the options.  Levels and option values
are what the engine would be configured with (policy_config.effective_config, the merge preflight's
analyzer uses too; tests/test_policies_docs.py checks the table's levels against preflight's).
The coverage table: per service baseline, each public check and the policies implementing it (from the
rules' anchors) or why it does not apply.  Nothing here runs in the pack process.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Mapping

from . import all_rules
from .baseline import BASELINES, Baseline
from .policy_config import effective_config
from .rule import WHOLE_STACK, Rule, source_of


def stack_configs(config_dir: Path) -> dict[str, dict]:
    """{stack: policy-config file content} for every policies/config/<stack>.json, stacks sorted."""
    return {p.stem: json.loads(p.read_text()) for p in sorted(Path(config_dir).glob("*.json"))}


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(v) for v in value)
    return str(value)


def _option(name: str, spec: Mapping[str, Any], per_stack: dict[str, Any]) -> str:
    if spec.get("type") == "object":  # too big for a cell: say where it is set
        where = [stack for stack, v in per_stack.items() if v is not None]
        return f"`{name}`: " + (f"object, set in {', '.join(where)}" if where else "not set")
    shown = {stack: _value(v) for stack, v in per_stack.items() if v is not None}
    if len(set(shown.values())) == 1 and len(shown) == len(per_stack):
        text = next(iter(shown.values()))
    else:
        text = " / ".join(f"{stack} {v}" for stack, v in shown.items()) or "not set"
    if "default" in spec and _value(spec["default"]) not in shown.values():
        text += f" (default {_value(spec['default'])})"
    return f"`{name}`: {text}"


def _types(rule: Rule) -> str:
    names = []
    for t in rule.resource_types:
        if t == WHOLE_STACK:
            names.append("the whole stack")
        elif t.endswith(":*"):
            names.append(f"every `{t[:-1]}` resource")
        else:
            names.append(f"`{t}`")
    return ", ".join(names)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def module_path(rule: Rule) -> str:
    """Repository path of the module that declares ``rule`` (where its validator lives)."""
    return "policies/" + rule.module.replace(".", "/") + ".py"


def policies_table_markdown(config_dir: Path) -> str:
    """The reference table (markdown, no trailing newline) for the stacks in ``config_dir``."""
    configs = stack_configs(config_dir)
    stacks = list(configs)
    head = ["policy", "area", "judges", "checks", "anchors", *(f"level ({s})" for s in stacks), "options"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for rule in all_rules():
        effective = {s: effective_config(rule, configs[s]) for s in stacks}
        options = [_option(name, spec, {s: effective[s]["properties"].get(name) for s in stacks})
                   for name, spec in rule.config.items()]
        cells = [
            f"[`{rule.name}`](../{module_path(rule)})" + (" (stack)" if rule.stack else ""),
            rule.area,
            _types(rule),
            _cell(rule.description),
            ", ".join(f"`{a}`" for a in rule.anchors) or "–",
            *(effective[s]["enforcementLevel"] for s in stacks),
            _cell("<br>".join(options)) or "–",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def all_baselines() -> dict[str, Baseline]:
    """{declaring module: baseline}, in module order."""
    all_rules()  # loads the rules package, whose modules declare the baselines
    return {m: BASELINES[m] for m in sorted(BASELINES)}


def coverage() -> dict[str, dict[str, list[str]]]:
    """{module: {check id: names of the policies implementing it}} per baseline, from the rules' anchors.

    An id counts for the baseline of the module that declares it, or of the type token it is given with
    (Rule.claims).  An id that lands on no baseline, or that its baseline calls not applicable, is an error.
    """
    baselines = all_baselines()
    owner = {t: m for m, b in baselines.items() for t in b.resource_types}
    covered: dict[str, dict[str, list[str]]] = {m: {} for m in baselines}
    problems = []
    for r in all_rules():
        for anchor, where in r.claims:
            module = owner.get(where, where)
            if module not in baselines:
                problems.append(f"{r.name}: {anchor} ({where} has no baseline)")
            elif anchor in baselines[module].not_applicable:
                problems.append(f"{r.name}: {anchor} is also not applicable to {baselines[module].service}")
            else:
                covered[module].setdefault(anchor, []).append(r.name)
    if problems:
        raise ValueError("anchors: " + "; ".join(problems))
    return covered


def coverage_markdown() -> str:
    """docs/policies.md's coverage table: per service, each public check and what the pack does."""
    covered = coverage()
    lines = ["| service | resource types | check | source | pack |", "|---|---|---|---|---|"]
    for module, b in all_baselines().items():
        types = "<br>".join(f"`{t}`" for t in b.resource_types)
        entries = sorted([(a, ", ".join(f"`{p}`" for p in ps)) for a, ps in covered[module].items()]
                         + [(a, f"not applicable: {why}") for a, why in b.not_applicable.items()],
                         key=lambda e: (source_of(e[0]), _natural(e[0])))
        if not entries:
            lines.append(f"| {b.service} | {types} | – | – | – |")
        for i, (anchor, what) in enumerate(entries):
            first = i == 0
            lines.append(f"| {b.service if first else ''} | {types if first else ''} | `{anchor}` | "
                         f"{source_of(anchor)} | {what.replace('|', '/')} |")
    return "\n".join(lines)


def _natural(text: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))
