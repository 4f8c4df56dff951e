"""The policy reference table of docs/policies.md, generated from the pack and the per-stack config files.

A row per rule (in all_policies() order): name and module, area, resource types, what it checks,
anchor ids, the enforcement level per stack and the options.  Levels and option values are what the
engine would be configured with (policy_config.effective_config, the merge preflight's analyzer uses too;
tests/test_policies_docs.py checks the table's levels against preflight's).  Nothing here runs in the pack
process.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

from . import all_rules
from .policy_config import effective_config
from .rule import WHOLE_STACK, Rule


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
    return "policies/" + rule.validate.__module__.replace(".", "/") + ".py"


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
