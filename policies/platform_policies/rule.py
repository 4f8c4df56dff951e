"""One policy's declaration: what it checks, what it judges, how strict it is by default.

A rule is declared once, on its validator: ``@rule(name=..., area=..., resource_types=..., ...)``.
Besides what the engine needs (description, validator, default enforcement level, severity,
remediation, config schema) a rule says:

* ``area`` - why the rule exists (one of :data:`AREAS`):
  availability (survives the loss of one AZ), sizing (per-stack allow-lists and ceilings),
  acceptance (AWS rejects the value at ``pulumi up`` although mocks and preview accept it),
  deployability (a value only an example or another account or region could use: placeholders
  that make ``pulumi up`` fail half-way or send alerts nowhere),
  security (encryption, exposure, least privilege, retention, tags), cost (budget and advice),
  waivers (findings accepted for a while: platform_policies/waivers.py);
* ``resource_types`` - the Pulumi type tokens it judges (``"*"`` = the whole stack at once), or the
  registry of a cross-service rule's per-type checks (it judges the types registered there);
* ``anchors`` - ids of the same check in public rule sets, so a baseline imported later maps
  onto the rule instead of duplicating it: cdk-nag ``AwsSolutions-XXX``, Checkov ``CKV_AWS_NNN``,
  pulumi compliance-policies names (``aws-<service>-<resource>-...``).  An id is listed only
  when that check judges the same setting (ids checked on 2026-11-26 against cdklabs/cdk-nag
  src/packs/aws-solutions.ts, bridgecrewio/checkov "docs/5.Policy Index/terraform.md" and the
  policy sources of pulumi/compliance-policies).  The ids count for the baseline of the declaring
  module's service; ``{type token: ids}`` names the service by one of its types instead.

The ``name`` is the key in policies/config/<stack>.json and in the engine's reports: never
rename a rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Mapping, Optional, Union

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity, StackValidationPolicy

from .registry import Registry
from .waivers import waivable
from .support.options import schema

AVAILABILITY = "availability"
SIZING = "sizing"
ACCEPTANCE = "acceptance"
DEPLOYABILITY = "deployability"
SECURITY = "security"
COST = "cost"
WAIVERS = "waivers"
# Also the order of all_policies(), so the engine runs them in it: the waiver rules judge what the
# others waived, so they come last.
AREAS = (AVAILABILITY, SIZING, ACCEPTANCE, DEPLOYABILITY, SECURITY, COST, WAIVERS)

WHOLE_STACK = "*"

ADVISORY = EnforcementLevel.ADVISORY
MANDATORY = EnforcementLevel.MANDATORY

SOURCES = {
    "cdk-nag": re.compile(r"AwsSolutions-[A-Z0-9]+"),
    "Checkov": re.compile(r"CKV2?_AWS_\d+"),
    "compliance-policies": re.compile(r"aws-[a-z0-9]+(-[a-z0-9]+)+"),
}
_KEBAB = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")

Policy = Union[ResourceValidationPolicy, StackValidationPolicy]
Anchors = Union[tuple[str, ...], Mapping[str, tuple[str, ...]]]

RULES = Registry("rule")  # {name: Rule}, filled as the rules package loads


def source_of(anchor: str) -> str:
    """Which rule set an id comes from (cdk-nag, Checkov or compliance-policies)."""
    for name, pattern in SOURCES.items():
        if pattern.fullmatch(anchor):
            return name
    raise ValueError(f"{anchor!r} is not a cdk-nag, Checkov or compliance-policies id")


@dataclass(frozen=True)
class Rule:
    name: str
    area: str
    description: str
    validate: Callable[..., None]
    level: EnforcementLevel
    judges: Union[tuple[str, ...], Mapping[str, Any]]  # type tokens, or {type token: per-type check}
    severity: Optional[Severity] = None
    remediation: Optional[str] = None
    config: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    ids: Anchors = ()
    stack: bool = False  # a stack policy: judges every resource of the stack in one call

    def __post_init__(self) -> None:
        problems = []
        if not _KEBAB.fullmatch(self.name):
            problems.append("name is not kebab-case")
        if self.area not in AREAS:
            problems.append(f"area {self.area!r} is not one of {', '.join(AREAS)}")
        if not self.description.strip():
            problems.append("no description")
        if not self.judges and not isinstance(self.judges, Mapping):
            problems.append("no resource types")
        for anchor in self.anchors:
            try:
                source_of(anchor)
            except ValueError as err:
                problems.append(str(err))
        if problems:
            raise ValueError(f"rule {self.name!r}: " + "; ".join(problems))

    @property
    def module(self) -> str:
        """The module that declares the rule (where its validator lives)."""
        return self.validate.__module__

    @property
    def resource_types(self) -> tuple[str, ...]:
        return tuple(sorted(self.judges)) if isinstance(self.judges, Mapping) else self.judges

    @property
    def claims(self) -> list[tuple[str, str]]:
        """(anchor id, where it counts: a module name, or a type token whose service is meant)."""
        if isinstance(self.judges, Mapping):  # a cross-service rule: the ids come with the per-type checks
            checks = self.judges.values()
            return list(dict.fromkeys((a, c.module) for c in checks for a in getattr(c, "anchors", ())))
        if isinstance(self.ids, Mapping):
            return [(a, t) for t, ids in self.ids.items() for a in ids]
        return [(a, self.module) for a in self.ids]

    @property
    def anchors(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a for a, _ in self.claims))

    @cached_property
    def policy(self) -> Policy:
        """The pulumi_policy object the pack serves (built once)."""
        kind = StackValidationPolicy if self.stack else ResourceValidationPolicy
        validate = self.validate if self.area == WAIVERS else waivable(self.name, self.validate, self.stack, RULES)
        return kind(name=self.name, description=self.description, validate=validate,
                    enforcement_level=self.level, severity=self.severity, remediation_steps=self.remediation,
                    config_schema=schema(dict(self.config)))


def rule(*, name: str, area: str, description: str, level: EnforcementLevel,
         resource_types: Union[tuple[str, ...], Mapping[str, Any]], severity: Optional[Severity] = None,
         remediation: Optional[str] = None, config: Optional[Mapping[str, dict[str, Any]]] = None,
         anchors: Anchors = (), stack: bool = False) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Declare the decorated validator as the policy ``name`` (registered in :data:`RULES`)."""
    def register(validate: Callable[..., None]) -> Callable[..., None]:
        RULES.add(name, Rule(name, area, description, validate, level, resource_types, severity, remediation,
                             config or {}, anchors, stack))
        return validate
    return register
