"""The platform's policy pack: rules grouped by AWS service (``rules/<service>.py``).

Every policy is a :class:`~platform_policies.rule.Rule` with an area (availability, sizing,
acceptance, deployability, security, cost).  :func:`all_policies` returns them in this order: by area in the
order of ``rule.AREAS``, within an area by service module (``rules.SERVICE_MODULES``, alphabetical
file names), within a module in the module's ``RULES`` order.  Imports are deferred so that
``from platform_policies import cost_model`` (preflight's cost report) loads no rule.
"""

from __future__ import annotations


def all_rules() -> list:
    """Every rule of the pack, in the documented order."""
    from .rule import AREAS
    from .rules import SERVICE_MODULES

    declared = [r for module in SERVICE_MODULES for r in module.RULES]
    return sorted(declared, key=lambda r: AREAS.index(r.area))  # stable: module and declaration order stay


def all_policies() -> list:
    """Every policy of the pack (the pulumi_policy objects of :func:`all_rules`)."""
    return [r.policy for r in all_rules()]
