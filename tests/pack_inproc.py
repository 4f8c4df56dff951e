"""Run every rule of the pack in-process over a recorded plan, with a stack's committed config.

The real gRPC path (preflight.analyzer.run_policy_pack) starts a pack process per call; tables of many
mutations use this instead: the same validators, the same pulumi_policy argument objects (props through the
engine's wire format), the config file's levels and options.  tests/test_policies_pack.py and
test_mistakes_*.py keep one end-to-end check through the real pack.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

from pulumi_policy import (PolicyCustomTimeouts, PolicyResource, PolicyResourceOptions, ResourceValidationArgs,
                           StackValidationArgs)

from test_policies_support import wire, wire_config
from platform_policies import all_rules

ROOT = Path(__file__).resolve().parent.parent


def stack_config(stack: str) -> dict[str, dict]:
    return json.loads((ROOT / "policies" / "config" / f"{stack}.json").read_text())


def _opts(r: dict) -> PolicyResourceOptions:
    return PolicyResourceOptions(bool(r.get("protect")), [], None, [], PolicyCustomTimeouts(0, 0, 0), [],
                                 r.get("parent") or None)


def run_pack(plan: dict[str, Any], stack: str) -> set[tuple[str, str, str]]:
    """(level, policy, urn) of every violation."""
    config = stack_config(stack)
    resources = [r for r in plan["resources"] if r.get("custom", True) or r["type"].startswith("awsx:")]
    built = {r["urn"]: PolicyResource(r["type"], wire(r.get("inputs") or {}), r["urn"], r["name"], _opts(r),
                                      None, None, [], {}) for r in plan["resources"]}
    for r in plan["resources"]:
        res = built[r["urn"]]
        if r.get("parent") in built:
            res.parent = built[r["parent"]]
        for prop, urns in (r.get("propertyDependencies") or {}).items():
            res.property_dependencies[prop] = [built[u] for u in urns if u in built]
            res.dependencies.extend(built[u] for u in urns if u in built)
    found: set[tuple[str, str, str]] = set()
    for rule in all_rules():
        if rule.area == "cost":
            continue
        cfg = dict(config.get(rule.name, {}))
        level = cfg.pop("enforcementLevel", rule.level.name.lower() if hasattr(rule.level, "name") else "mandatory")
        level = str(level).lower().replace("enforcementlevel.", "")
        if level == "disabled":
            continue
        conf = wire_config(cfg) if cfg else None

        def report(message, urn=None, _rule=rule, _default=None):
            found.add((level, _rule.name, urn or _default))

        if rule.stack:
            rule.validate(StackValidationArgs(list(built.values()), conf), report)
            continue
        for r in resources:
            res = built[r["urn"]]
            args = ResourceValidationArgs(r["type"], res.props, r["urn"], r["name"], res.opts, None, conf)
            rule.validate(args, lambda message, urn=None, _u=r["urn"], _rule=rule:
                          found.add((level, _rule.name, urn or _u)))
    return found


def find(plan: dict, name: str, type_: Optional[str] = None) -> dict:
    hits = [r for r in plan["resources"] if r["name"] == name and (type_ is None or r["type"] == type_)]
    assert len(hits) == 1, f"{name}: {len(hits)} resources"
    return hits[0]
