"""Physical-name limits: what a service module declares for the aws-physical-names rule.

Pulumi auto-names a resource that sets neither ``name`` nor ``namePrefix`` as
``<logical name>-<7 random characters>`` (pulumi docs, "Resource names", read 2026-11); AWS
then applies its own length and character rules to that name.
"""

from __future__ import annotations

import re
from typing import NamedTuple, Optional


class NameRule(NamedTuple):
    prop: str  # the input that holds the physical name
    max_length: int
    lowercase: bool = False  # pulumi-aws lower-cases the auto-name (RDS, ElastiCache)
    pattern: Optional[re.Pattern] = None  # the whole name must match; None = any characters


# Lower-case identifiers (RDS, ElastiCache): letter first, no "--", no trailing "-".
LOWER_ID = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
