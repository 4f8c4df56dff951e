"""What the public rule sets check on each AWS service this program uses, and where the pack does not follow.

The security baselines a reviewer runs - cdk-nag ``AwsSolutions`` (cdklabs/cdk-nag, one rule per
service under ``src/rules/<service>/``), Checkov's AWS checks (bridgecrewio/checkov, one check per file,
``CKV_AWS_*`` / ``CKV2_AWS_*``) and pulumi/compliance-policies (``policies/aws/<service>/...``) - are
read service by service.  Each service module (``rules/<service>.py``) declares its :func:`baseline`:
the resource types the program creates and every check on them the pack does not implement, with the
reason.  The checks it implements are the anchors of its rules (reference.coverage derives the table in
docs/policies.md; tests/test_policy_coverage.py checks that every type the program creates has a
baseline and every anchor lands in one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional

from .registry import Registry
from .rule import source_of

BASELINES = Registry("baseline")  # {declaring module: Baseline}


@dataclass(frozen=True)
class Baseline:
    service: str
    """Display name, e.g. "Amazon RDS"."""
    resource_types: tuple[str, ...]
    """Pulumi type tokens of this service that the program creates (under mocks or the real engine)."""
    not_applicable: Mapping[str, str] = field(default_factory=dict)
    """Check id -> why it does not apply to this program (one sentence, specific)."""

    def __post_init__(self) -> None:
        problems = [f"{a}: no reason given" for a, why in self.not_applicable.items() if not why.strip()]
        for anchor in self.not_applicable:
            try:
                source_of(anchor)
            except ValueError as err:
                problems.append(str(err))
        if problems:
            raise ValueError(f"baseline {self.service!r}: " + "; ".join(problems))


def baseline(module: str, service: str, resource_types: tuple[str, ...],
             not_applicable: Optional[Mapping[str, str]] = None) -> Baseline:
    """Declare the baseline of the service module ``module`` (its ``__name__``)."""
    return BASELINES.add(module, Baseline(service, resource_types, not_applicable or {}))
