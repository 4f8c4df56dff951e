"""Origin verification: a secret header only API Gateway and CloudFront send to the ALB.

The ALB admits only the VPC link and CloudFront's VPC origin (components/edge/alb.py); this
header is the second line, so nothing else inside the VPC can skip the API key, usage plan,
throttling and authorizer.  The value is generated once into Secrets Manager
(components/shared/credentials.py; username = the header name); the ALB's rules forward only
requests that carry it.  Each generation is its own secret, so a rotation (two `pulumi up` runs
with ``accept_previous`` in between, docs/edge.md) never loses the value the senders still use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import pulumi

from ..shared.credentials import GeneratedCredentials, GeneratedCredentialsArgs, recovery_window_days

# 15 characters; the ALB http-header condition allows header names up to 40 characters
# (ELB API reference, HttpHeaderConditionConfig, read 2026-11).  Not a header clients
# or AWS services set themselves.
ORIGIN_VERIFY_HEADER = "X-Origin-Verify"


@dataclass
class OriginVerification:
    header_name: str
    value: pulumi.Output[str]
    """Current generation's value (secret): what API Gateway and CloudFront send."""
    accepted_values: list[pulumi.Output[str]]
    """Values the ALB accepts (secret): the current one, plus the previous one mid-rotation."""
    secret_arn: pulumi.Output[str]
    """ARN of the current generation's secret (the value itself is never exported)."""
    generation: int


def _secret_name(name: str, generation: int) -> str:
    # Generation 1 keeps the plain name; later ones get their own secret.
    base = f"{name}-origin-verify"
    return base if generation == 1 else f"{base}-g{generation}"


def build_origin_verification(name: str, generation: int, accept_previous: bool, parent: pulumi.Resource, *,
                              stack: str, tags: Mapping[str, str], deletion_protection: bool) -> OriginVerification:
    """The secret(s) of ``generation`` (and of the previous one when ``accept_previous``);
    ``deletion_protection`` keeps a deleted secret recoverable for 30 days instead of 7."""
    if generation < 1:
        raise ValueError(f"origin verify generation must be >= 1; got {generation}")
    if accept_previous and generation == 1:
        raise ValueError("origin verify accept_previous needs a previous generation (generation >= 2)")

    def credentials(gen: int) -> GeneratedCredentials:
        return GeneratedCredentials(
            _secret_name(name, gen),
            GeneratedCredentialsArgs(
                username=ORIGIN_VERIFY_HEADER,
                description=f"{ORIGIN_VERIFY_HEADER} value API Gateway and CloudFront send to the ALB "
                            f"({stack}, generation {gen})",
                tags=dict(tags),
                recovery_window_days=recovery_window_days(deletion_protection)),
            opts=pulumi.ResourceOptions(parent=parent))

    current = credentials(generation)
    accepted = [current.password]
    if accept_previous:
        accepted.append(credentials(generation - 1).password)
    return OriginVerification(ORIGIN_VERIFY_HEADER, current.password, accepted, current.secret_arn, generation)
