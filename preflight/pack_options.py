"""Policy config files (``policies/config/<stack>.json``, ``--policy-config``): validated before any run.

The shape is the one ``pulumi preview --policy-pack-config`` reads (pulumi/pulumi
``pkg/resource/analyzer/config.go``: ``parsePolicyPackConfig``, ``applyConfig``,
``ReconcilePolicyPackConfig``): an object whose keys are policy names or ``all``;
each value is an enforcement level string, or an object with an optional
``enforcementLevel`` and the policy's options, validated against the policy's
``configSchema`` after the schema defaults are filled in.

preflight is stricter than the engine on purpose, because the engine keeps
unknown names and ignores options given to ``all`` without a word, so a typo
silently turns a rule off:
- an unknown policy name is refused (the message lists the close matches);
- an option the policy's schema does not declare is refused;
- ``all`` takes an enforcement level only.

The policies and their schemas come from the pack's own code
(``platform_policies.all_policies()``, what ``policies/__main__.py`` serves), so
this check needs no pack process and runs before the mock run.
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from pathlib import Path
from typing import Any

from platform_policies.policy_config import schema_defaults

from .exits import InputError, InputErrors, cut, show
from .jsonfile import read_json


LEVELS = ("advisory", "mandatory", "remediate", "disabled")
MAX_CONFIG_BYTES = 1024 * 1024


@lru_cache(maxsize=1)
def pack_policies() -> dict[str, dict[str, Any]]:
    """Policy name -> {"properties": {...}, "required": [...]} as the pack declares them."""
    from platform_policies import all_policies

    out: dict[str, dict[str, Any]] = {}
    for p in all_policies():
        schema = p.config_schema
        out[p.name] = {"properties": dict(schema.properties or {}) if schema else {},
                       "required": list(schema.required or []) if schema else []}
    return out


def _suggest(name: str, names: list[str]) -> str:
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    return f"did you mean {', '.join(close)}?" if close else f"one of the pack's {len(names)} policies"


def _level_problem(key: str, value: Any) -> str | None:
    if isinstance(value, str) and value in LEVELS:
        return None
    return f"{key}: enforcement level {show(value)}; allowed: {', '.join(LEVELS)}"


def _option_problems(name: str, options: dict[str, Any], declared: dict[str, Any]) -> list[str]:
    import jsonschema

    problems = []
    unknown = sorted(set(options) - set(declared["properties"]))
    for key in unknown:
        allowed = ", ".join(sorted(declared["properties"])) or "no options (only enforcementLevel)"
        problems.append(f"{name}.{key}: not an option of this policy; allowed: {allowed}")
    merged = {**schema_defaults(declared["properties"]),
              **{k: v for k, v in options.items() if k in declared["properties"]}}
    schema = {"type": "object", "properties": declared["properties"], "required": declared["required"]}
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(merged), key=lambda e: [str(p) for p in e.path])
    for e in errors:
        path = ".".join(str(p) for p in e.path)
        problems.append(f"{name}{'.' + path if path else ''}: {cut(e.message)}; allowed: {_allowed(e)}")
    return problems


def _allowed(error: Any) -> str:
    """What the failed JSON-schema keyword accepts, in words."""
    kind, value = error.validator, error.validator_value
    if kind == "type":
        return f"a value of type {' or '.join(value) if isinstance(value, list) else value}"
    if kind == "enum":
        return "one of " + ", ".join(show(v, 40) for v in value)
    if kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum", "minItems", "maxItems",
                "minLength", "maxLength"):
        return f"{kind} {value}"
    if kind == "required":
        return "the options " + ", ".join(value)
    return cut(f"what the schema says: {kind} {show(value, 60)}", 120)


def validate_policy_config(doc: Any, what: str) -> dict[str, Any]:
    """``doc`` if it fits the pack, else an InputError listing every problem."""
    if not isinstance(doc, dict):
        raise InputError(what, f"the document is {type(doc).__name__}",
                         'an object of policy name -> level or {"enforcementLevel": ..., options}')
    policies = pack_policies()
    names = sorted(policies)
    problems: list[str] = []
    for key in sorted(doc):
        value = doc[key]
        if key == "all":
            if isinstance(value, dict):
                extra = sorted(set(value) - {"enforcementLevel"})
                if extra:
                    problems.append(f"all.{extra[0]}: 'all' sets the enforcement level of every policy and takes no "
                                    "options; allowed: \"all\": \"<level>\" or {\"enforcementLevel\": \"<level>\"}")
                if "enforcementLevel" not in value:
                    problems.append("all: names no enforcementLevel; allowed: " + ", ".join(LEVELS))
                else:
                    problems += filter(None, [_level_problem("all.enforcementLevel", value["enforcementLevel"])])
            else:
                problems += filter(None, [_level_problem("all", value)])
            continue
        if key not in policies:
            problems.append(f"{show(key)}: not a policy of the pack; allowed: {_suggest(key, names)}")
            continue
        if isinstance(value, str):
            problems += filter(None, [_level_problem(key, value)])
        elif isinstance(value, dict):
            if "enforcementLevel" in value:
                problems += filter(None, [_level_problem(f"{key}.enforcementLevel", value["enforcementLevel"])])
            options = {k: v for k, v in value.items() if k != "enforcementLevel"}
            problems += _option_problems(key, options, policies[key])
        else:
            problems.append(f"{key}: got {show(value)}; allowed: an enforcement level ({', '.join(LEVELS)}) "
                            "or an object of enforcementLevel and options")
    for name in names:   # required options of policies the file does not mention
        if name not in doc and policies[name]["required"]:
            problems += _option_problems(name, {}, policies[name])
    if problems:
        raise InputErrors(what, problems)
    return doc


def load_policy_config(path: str | Path, what: str) -> dict[str, Any]:
    return validate_policy_config(read_json(path, what, max_bytes=MAX_CONFIG_BYTES), what)


# Settings the program accepts but that a mandatory policy of the stack then refuses on every run: the settings
# stage stops them (exit 2, before the mock run) and says both ways out, rather than a violation each time.
# (setting, value that conflicts, policy, what the value does)
SETTING_CONFLICTS = (
    ("tracing", False, "apigateway-xray", "turns X-Ray tracing off on the API stage (xrayTracingEnabled=false)"),
)


def setting_conflicts(settings: Any, file_config: dict[str, Any], what: str) -> list[str]:
    """One message per setting whose value a mandatory policy of ``file_config`` (named ``what``) refuses."""
    from platform_policies import all_rules
    from platform_policies.policy_config import effective_config

    rules = {r.name: r for r in all_rules()}
    stack_settings = getattr(settings, "config", settings)  # components.config.settings.Settings.config
    out = []
    for setting, value, policy, effect in SETTING_CONFLICTS:
        if getattr(stack_settings, setting, None) != value:
            continue
        if effective_config(rules[policy], file_config)["enforcementLevel"] != "mandatory":
            continue
        shown = str(value).lower() if isinstance(value, bool) else value
        out.append(f"{setting}={shown} {effect}, which policy {policy} requires (mandatory in {what}); keep "
                   f"{setting}={str(not value).lower() if isinstance(value, bool) else 'its default'}, or set "
                   f"{policy} to advisory in {what} if the stack is meant to run without it")
    return out
