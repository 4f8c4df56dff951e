"""How a policy-config file (policies/config/<stack>.json) configures one policy, as the engine reads it.

pulumi/pulumi ``pkg/resource/analyzer/config.go`` (``applyConfig``, ``ReconcilePolicyPackConfig``): the
options start from the defaults of the policy's config schema; the level starts from the policy's own,
is replaced by a top-level ``"all"`` level, then by the policy's entry - a level string, or an object
whose ``enforcementLevel`` and options override the defaults.

The one implementation of that merge: the docs table (reference.py), preflight's gRPC driver
(preflight.analyzer), preflight's config check (preflight.pack_options) and the in-process test judge
use it.  Nothing here runs in the pack process and nothing here imports preflight.
"""

from __future__ import annotations

from typing import Any, Mapping

from pulumi_policy import EnforcementLevel

LEVEL_NAMES = {EnforcementLevel.ADVISORY: "advisory", EnforcementLevel.MANDATORY: "mandatory",
               EnforcementLevel.DISABLED: "disabled", EnforcementLevel.REMEDIATE: "remediate"}


def schema_defaults(properties: Mapping[str, Any]) -> dict[str, Any]:
    """{option: default} for the options of a config schema that declare a default."""
    return {k: v["default"] for k, v in properties.items() if isinstance(v, dict) and "default" in v}


def configured(name: str, default_level: str, properties: Mapping[str, Any],
               file_config: Mapping[str, Any]) -> dict[str, Any]:
    """{"enforcementLevel", "properties"} of the policy ``name`` (default level name ``default_level``,
    config-schema ``properties``) under one policy-config file.  Values are not validated here."""
    props = schema_defaults(properties)
    level = default_level
    every = file_config.get("all")  # "all": "<level>" or {"enforcementLevel": "<level>"}
    if isinstance(every, dict):
        every = every.get("enforcementLevel")
    if isinstance(every, str):
        level = every
    entry = file_config.get(name)
    if isinstance(entry, str):
        level = entry
    elif isinstance(entry, dict):
        for key, value in entry.items():
            if key == "enforcementLevel":
                level = value
            else:
                props[key] = value
    return {"enforcementLevel": level, "properties": props}


def effective_config(rule: Any, file_config: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`configured` for a :class:`~platform_policies.rule.Rule`."""
    return configured(rule.name, LEVEL_NAMES[rule.level], rule.config, file_config)
