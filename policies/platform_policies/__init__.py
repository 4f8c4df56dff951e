"""The platform's policies, one module per area."""

from __future__ import annotations


def all_policies() -> list:
    """Every policy of the pack, in a stable order."""
    from . import availability, constraints, cost, security, sizing

    return [*availability.POLICIES, *sizing.POLICIES, *constraints.POLICIES, *security.POLICIES, *cost.POLICIES]
