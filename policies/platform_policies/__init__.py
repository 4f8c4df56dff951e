"""The platform's policy pack: rules grouped by AWS service (``rules/<service>.py``).

Every policy is a :class:`~platform_policies.rule.Rule`, declared with ``@rule(...)`` on its validator;
importing the ``rules`` package loads every module in it.  :func:`all_policies` returns them by area
(the order of ``rule.AREAS``), within an area by module file name, within a module in declaration
order.  The rules are loaded on first call, so ``from platform_policies import cost_model``
(preflight's cost report) loads no rule.
"""

from __future__ import annotations


def all_rules() -> list:
    """Every rule of the pack, in the documented order."""
    from . import rules  # noqa: F401  (loading the package registers every rule)
    from .rule import AREAS, RULES

    return sorted(RULES.values(), key=lambda r: (AREAS.index(r.area), r.module))


def all_policies() -> list:
    """Every policy of the pack (the pulumi_policy objects of :func:`all_rules`)."""
    return [r.policy for r in all_rules()]
