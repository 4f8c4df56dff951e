"""Judge a recorded plan with every rule of the pack in-process (fast), as the engine would.

The engine path (preflight.analyzer.run_policy_pack: a pack process over gRPC) takes seconds per
plan; tables of mutated plans use this instead.  It builds the same arguments pulumi_policy builds
(props through a protobuf round trip and the unknown-checking proxy; every resource of the plan, as
the engine analyses components too; parents, dependencies and property dependencies resolved to
resources) and applies policies/config/<stack>.json the way the engine is configured with it: the
pack's own merge of levels and options over the schema defaults
(platform_policies.policy_config).
tests/test_mistakes_*.py check that it agrees with the real pack over gRPC.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Callable, Optional

from pulumi_policy import PolicyResource, ResourceValidationArgs, StackValidationArgs

from test_policies_support import _opts, wire, wire_config

from platform_policies import all_rules
from platform_policies.policy_config import effective_config

ROOT = Path(__file__).resolve().parent.parent


def stack_config(stack: str) -> dict:
    return json.loads((ROOT / "policies" / "config" / f"{stack}.json").read_text())


def find(plan: dict, type_: Optional[str] = None, name: Optional[str] = None) -> dict:
    """The one plan resource of ``type_`` and/or named ``name`` (LookupError when there is none)."""
    hits = [r for r in plan["resources"]
            if (type_ is None or r["type"] == type_) and (name is None or r["name"] == name)]
    if not hits:
        raise LookupError(f"no resource {type_ or ''} {name or ''}")
    assert len(hits) == 1, f"{type_ or ''} {name or ''}: {len(hits)} resources"
    return hits[0]


def mutated(plan: dict, edit: Callable[[dict], Any]) -> dict:
    """A deep copy of ``plan`` changed by ``edit(copy)``."""
    new = copy.deepcopy(plan)
    edit(new)
    return new


_WIRED: dict[str, Any] = {}


def _wired(inputs: dict) -> Any:
    """wire() of the inputs, cached by content (a mutated plan differs from its source in one resource)."""
    key = json.dumps(inputs, sort_keys=True)
    if key not in _WIRED:
        _WIRED[key] = wire(inputs)
    return _WIRED[key]


# A resource rule's findings for one resource, by (the resource's type, urn, name, protect, parent and
# wired props) and (the rule, its effective config): a resource validator sees nothing else (its
# ResourceValidationArgs), so the same inputs give the same findings.  A mutated plan differs from
# its source in a resource or two; the other resources' findings are reused.  Stack rules see the
# whole plan and always run.
_RESOURCE_FINDINGS: dict[tuple, dict[int, tuple[tuple[str, Optional[str]], ...]]] = {}
_RULE_KEYS: dict[tuple[str, str], int] = {}


def evaluate(plan: dict, stack: str, skip_areas: tuple[str, ...] = ("cost",)) -> list[dict]:
    """Every violation the pack reports on ``plan``: {policy, level, urn, message}.

    The cost area (budget and advice over the whole cost model) is skipped by default: it is slow and
    judged by its own tests."""
    config = stack_config(stack)
    resources = plan["resources"]
    props = {r["urn"]: _wired(r.get("inputs", {})) for r in resources}
    opts = {r["urn"]: _opts(bool(r.get("protect")), r.get("parent") or None) for r in resources}
    out: list[dict] = []
    built: dict[str, PolicyResource] = {}
    for r in resources:
        built[r["urn"]] = PolicyResource(r["type"], props[r["urn"]], r["urn"], r["name"], opts[r["urn"]],
                                         None, None, [], {})
    for r in resources:
        res = built[r["urn"]]
        res.parent = built.get(r.get("parent") or "")
        for prop, urns in (r.get("propertyDependencies") or {}).items():
            res.property_dependencies[prop] = [built[u] for u in urns if u in built]
        res.dependencies = [built[u] for u in r.get("dependencies", []) if u in built]
    findings_of = {r["urn"]: _RESOURCE_FINDINGS.setdefault(
        (r["type"], r["urn"], r["name"], bool(r.get("protect")), r.get("parent") or None, id(props[r["urn"]])), {})
        for r in resources}
    for rule in all_rules():
        if rule.area in skip_areas:
            continue
        effective = effective_config(rule, config)
        level = effective["enforcementLevel"]
        if level == "disabled":
            continue
        cfg = wire_config(effective["properties"]) if effective["properties"] else None

        def report(message, urn=None, _rule=rule, _level=level, _default=None):
            out.append({"policy": _rule.name, "level": _level, "urn": urn or _default, "message": message})
        if rule.stack:
            rule.validate(StackValidationArgs(list(built.values()), cfg), report)
            continue
        rule_key = _RULE_KEYS.setdefault((rule.name, json.dumps(effective, sort_keys=True, default=str)),
                                         len(_RULE_KEYS))
        for r in resources:
            known = findings_of[r["urn"]]
            if rule_key not in known:
                found: list[tuple[str, Optional[str]]] = []
                args = ResourceValidationArgs(r["type"], props[r["urn"]], r["urn"], r["name"], opts[r["urn"]], None,
                                              cfg)
                rule.validate(args, lambda message, urn=None, _found=found: _found.append((message, urn)))
                known[rule_key] = tuple(found)
            for message, urn in known[rule_key]:
                report(message, urn or r["urn"])
    return out


def mandatory(violations: list[dict]) -> set[tuple[str, str]]:
    """(policy, resource name) of the mandatory violations."""
    return {(v["policy"], (v["urn"] or "").split("::")[-1]) for v in violations if v["level"] == "mandatory"}
