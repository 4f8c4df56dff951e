"""One policy's declaration: what it checks, what it judges, how strict it is by default.

Every policy of the pack is a :class:`Rule`.  Besides what the engine needs (description,
validator, default enforcement level, severity, remediation, config schema) a rule says:

* ``area`` - why the rule exists (one of :data:`AREAS`):
  availability (survives the loss of one AZ), sizing (per-stack allow-lists and ceilings),
  acceptance (AWS rejects the value at ``pulumi up`` although mocks and preview accept it),
  deployability (a value only an example or another account or region could use: placeholders
  that make ``pulumi up`` fail half-way or send alerts nowhere),
  security (encryption, exposure, least privilege, retention, tags), cost (budget and advice);
* ``resource_types`` - the Pulumi type tokens it judges (``"*"`` = the whole stack at once);
* ``anchors`` - ids of the same check in public rule sets, so a baseline imported later maps
  onto the rule instead of duplicating it: cdk-nag ``AwsSolutions-XXX``, Checkov ``CKV_AWS_NNN``,
  pulumi compliance-policies names (``aws-<service>-<resource>-...``).  An id is listed only
  when that check judges the same setting (ids checked on 2026-11-26 against cdklabs/cdk-nag
  src/packs/aws-solutions.ts, bridgecrewio/checkov "docs/5.Policy Index/terraform.md" and the
  policy sources of pulumi/compliance-policies).

The ``name`` is the key in policies/config/<stack>.json and in the engine's reports: never
rename a rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Mapping, Optional, Union

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity, StackValidationPolicy

from .support.options import schema

AVAILABILITY = "availability"
SIZING = "sizing"
ACCEPTANCE = "acceptance"
DEPLOYABILITY = "deployability"
SECURITY = "security"
COST = "cost"
AREAS = (AVAILABILITY, SIZING, ACCEPTANCE, DEPLOYABILITY, SECURITY, COST)  # also the order of all_policies()

WHOLE_STACK = "*"

ADVISORY = EnforcementLevel.ADVISORY
MANDATORY = EnforcementLevel.MANDATORY

_KEBAB = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_ANCHOR = re.compile(r"AwsSolutions-[A-Z0-9]+|CKV2?_AWS_\d+|aws-[a-z0-9]+(-[a-z0-9]+)+")

Policy = Union[ResourceValidationPolicy, StackValidationPolicy]


@dataclass(frozen=True)
class Rule:
    name: str
    area: str
    description: str
    validate: Callable[..., None]
    level: EnforcementLevel
    resource_types: tuple[str, ...]
    severity: Optional[Severity] = None
    remediation: Optional[str] = None
    config: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    anchors: tuple[str, ...] = ()
    stack: bool = False  # a stack policy: judges every resource of the stack in one call

    def __post_init__(self) -> None:
        problems = []
        if not _KEBAB.fullmatch(self.name):
            problems.append("name is not kebab-case")
        if self.area not in AREAS:
            problems.append(f"area {self.area!r} is not one of {', '.join(AREAS)}")
        if not self.description.strip():
            problems.append("no description")
        if not self.resource_types:
            problems.append("no resource types")
        problems += [f"anchor {a!r} is not a cdk-nag, Checkov or compliance-policies id"
                     for a in self.anchors if not _ANCHOR.fullmatch(a)]
        if problems:
            raise ValueError(f"rule {self.name!r}: " + "; ".join(problems))

    @property
    def services(self) -> tuple[str, ...]:
        """AWS services judged, from the type tokens (``aws:rds/instance:Instance`` -> ``rds``)."""
        return tuple(sorted({service_of(t) for t in self.resource_types}))

    @cached_property
    def policy(self) -> Policy:
        """The pulumi_policy object the pack serves (built once)."""
        kind = StackValidationPolicy if self.stack else ResourceValidationPolicy
        return kind(name=self.name, description=self.description, validate=self.validate,
                    enforcement_level=self.level, severity=self.severity, remediation_steps=self.remediation,
                    config_schema=schema(dict(self.config)))


def service_of(resource_type: str) -> str:
    """``aws:rds/instance:Instance`` -> ``rds``; ``awsx:ec2:Vpc`` -> ``ec2``; ``*`` -> ``*``."""
    if resource_type == WHOLE_STACK:
        return WHOLE_STACK
    parts = resource_type.split(":")
    return parts[1].split("/")[0] if len(parts) > 1 else resource_type

