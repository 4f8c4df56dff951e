"""What the public rule sets check on each AWS service this program uses, and what the pack does with it.

The security baselines a reviewer runs - cdk-nag ``AwsSolutions`` (cdklabs/cdk-nag, one rule per
service under ``src/rules/<service>/``), Checkov's AWS checks (bridgecrewio/checkov, one check per file,
``CKV_AWS_*`` / ``CKV2_AWS_*``) and pulumi/compliance-policies (``policies/aws/<service>/...``) - are
read service by service.  Every check that judges a resource type this program creates is listed in the
service module's ``BASELINE`` (``rules/<service>.py``) either as covered, naming the pack's policy that
implements it (that policy lists the id in its ``anchors``), or as not applicable, saying why.

tests/test_policy_coverage.py keeps this honest: every resource type in the committed plans (and the
awsx VPC's children, which only the real engine shows) belongs to exactly one baseline; every covered id
names a policy that lists it; every anchor a policy lists is claimed by a baseline.  docs/policies.md
shows the table (generated).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping

SOURCES = {
    "cdk-nag": re.compile(r"AwsSolutions-[A-Z0-9]+"),
    "Checkov": re.compile(r"CKV2?_AWS_\d+"),
    "compliance-policies": re.compile(r"aws-[a-z0-9]+(-[a-z0-9]+)+"),
}


def source_of(anchor: str) -> str:
    """Which rule set an id comes from (cdk-nag, Checkov or compliance-policies)."""
    for name, pattern in SOURCES.items():
        if pattern.fullmatch(anchor):
            return name
    raise ValueError(f"{anchor!r} is not a cdk-nag, Checkov or compliance-policies id")


@dataclass(frozen=True)
class Baseline:
    """One AWS service: the resource types the program creates, and each public check on them."""

    service: str
    """Display name, e.g. "Amazon RDS"."""
    resource_types: tuple[str, ...]
    """Pulumi type tokens of this service that the program creates (under mocks or the real engine)."""
    covered: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Check id -> names of the pack's policies that implement it (usually one)."""
    not_applicable: Mapping[str, str] = field(default_factory=dict)
    """Check id -> why it does not apply to this program (one sentence, specific)."""

    def __post_init__(self) -> None:
        problems = [f"{a}: covered and not applicable" for a in set(self.covered) & set(self.not_applicable)]
        problems += [f"{a}: no reason given" for a, why in self.not_applicable.items() if not why.strip()]
        for anchor in (*self.covered, *self.not_applicable):
            try:
                source_of(anchor)
            except ValueError as err:
                problems.append(str(err))
        if problems:
            raise ValueError(f"baseline {self.service!r}: " + "; ".join(problems))


def all_baselines() -> list[Baseline]:
    """The baseline of every service module that declares one, in module order."""
    from .rules import SERVICE_MODULES

    return [m.BASELINE for m in SERVICE_MODULES if getattr(m, "BASELINE", None) is not None]


def coverage_markdown() -> str:
    """docs/policies.md's coverage table: per service, each public check and what the pack does."""
    lines = ["| service | resource types | check | source | pack |", "|---|---|---|---|---|"]
    for b in all_baselines():
        types = "<br>".join(f"`{t}`" for t in b.resource_types)
        entries = sorted([(a, ", ".join(f"`{p}`" for p in ps)) for a, ps in b.covered.items()]
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
