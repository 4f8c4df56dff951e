"""The tags every resource carries."""

from __future__ import annotations

from typing import Callable, Mapping


def tier_tags(base: Mapping[str, str], tier: str, service: str = "platform") -> dict[str, str]:
    """``base`` (the stack-wide tags: stack, cost-center, owner, ...) plus ``service`` and ``tier``."""
    return {**base, "service": service, "tier": tier}


ServiceTags = Callable[[str], dict[str, str]]
"""service -> the tags of its resources in one tier: ``functools.partial(tier_tags, base, tier)``."""
