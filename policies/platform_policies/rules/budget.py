"""Stack-wide cost: the monthly budget cap and cost-optimisation advice (stack policies over the one
cost model, ``cost_model``).

* ``monthly-budget-cap`` (mandatory): the estimated monthly total is above ``maxMonthlyUsd``.
* ``monthly-budget-warn`` (advisory): the total is at or above ``warnAtPercent`` % of the cap
  (but not above it - then the cap policy speaks).
  Both report the total, baseline/usage split, the cap and the top cost drivers.
* ``cost-advice-graviton|gp3|valkey|commitments|spot`` (advisory): each finding names the
  monthly saving, computed from the same catalog.

Options (policies/config/<stack>.json): ``maxMonthlyUsd``, ``warnAtPercent``, ``region``
(StackValidationArgs carries no stack config; default us-east-1 or what the graph shows)
and ``usage`` (the stack's usage profile; same content as preflight/usage/<stack>.json).
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from pulumi_policy import StackValidationArgs

from .. import cost_model
from ..rule import ADVISORY, COST, MANDATORY, WHOLE_STACK, Rule

DEFAULT_MAX_MONTHLY_USD = 9000.0
DEFAULT_WARN_AT_PERCENT = 80.0

_REGION_OPT = {"type": "string", "description": "AWS region of the stack (price catalog); default: inferred, "
                                                "else us-east-1."}
_USAGE_OPT = {"type": "object", "description": "Usage profile overriding the cost model defaults "
                                               "(requests, stored GB, schedule hours ...)."}
BUDGET_CONFIG = {
    "maxMonthlyUsd": {"type": "number", "minimum": 0, "default": DEFAULT_MAX_MONTHLY_USD,
                      "description": "Monthly cap in USD for the estimated stack cost."},
    "warnAtPercent": {"type": "number", "minimum": 1, "maximum": 100, "default": DEFAULT_WARN_AT_PERCENT,
                      "description": "Advisory warning from this share of the cap."},
    "region": _REGION_OPT,
    "usage": _USAGE_OPT,
}
ADVICE_CONFIG = {"region": _REGION_OPT, "usage": _USAGE_OPT}


def estimate_for(args: StackValidationArgs) -> dict:
    """The cost estimate of the stack the engine passes (config: region, usage)."""
    cfg: Mapping[str, Any] = args.get_config() or {}
    resources = cost_model.from_policy_resources(args.resources)
    region = cfg.get("region") or cost_model.infer_region(resources)
    return cost_model.estimate(resources, usage=cfg.get("usage"), region=region)


def _budget_validator(verdict: str, lead: str) -> Callable[[StackValidationArgs, Callable[..., None]], None]:
    """A validator reporting ``lead`` + the budget message when the estimate's verdict is ``verdict``."""
    def validate(args: StackValidationArgs, report_violation: Callable[..., None]) -> None:
        cfg = args.get_config() or {}
        max_usd = float(cfg.get("maxMonthlyUsd", DEFAULT_MAX_MONTHLY_USD))
        warn = float(cfg.get("warnAtPercent", DEFAULT_WARN_AT_PERCENT))
        est = estimate_for(args)
        if cost_model.budget_verdict(est["totals"]["total_usd"], max_usd, warn) == verdict:
            report_violation(lead + cost_model.budget_message(est, max_usd, warn))
    return validate


validate_budget_cap = _budget_validator("over", "Over the monthly cap. ")
validate_budget_warn = _budget_validator("warn", "Close to the monthly cap. ")


def _advice_validator(kind: str) -> Callable[[StackValidationArgs, Callable[..., None]], None]:
    def validate(args: StackValidationArgs, report_violation: Callable[..., None]) -> None:
        est = estimate_for(args)
        for finding in cost_model.advice(est)[kind]:
            report_violation(finding["message"], finding["urn"] or None)
    validate.__name__ = f"validate_advice_{kind}"
    return validate


validate_advice_graviton = _advice_validator("graviton")
validate_advice_gp3 = _advice_validator("gp3")
validate_advice_valkey = _advice_validator("valkey")
validate_advice_commitments = _advice_validator("commitments")
validate_advice_spot = _advice_validator("spot")


def _advice_rule(name: str, description: str, fn) -> Rule:
    return Rule(name=name, area=COST, resource_types=(WHOLE_STACK,), stack=True, description=description,
                validate=fn, level=ADVISORY, config=ADVICE_CONFIG)


RULES = [
    Rule(name="monthly-budget-cap", area=COST, resource_types=(WHOLE_STACK,), stack=True,
         description="The estimated monthly cost of the stack must stay within maxMonthlyUsd.",
         validate=validate_budget_cap, level=MANDATORY, config=BUDGET_CONFIG),
    Rule(name="monthly-budget-warn", area=COST, resource_types=(WHOLE_STACK,), stack=True,
         description="The estimated monthly cost of the stack is at or above warnAtPercent of maxMonthlyUsd.",
         validate=validate_budget_warn, level=ADVISORY, config=BUDGET_CONFIG),
    _advice_rule("cost-advice-graviton", "Graviton (ARM64) is available and cheaper for this workload.",
                 validate_advice_graviton),
    _advice_rule("cost-advice-gp3", "RDS storage should be gp3 rather than gp2.", validate_advice_gp3),
    _advice_rule("cost-advice-valkey", "ElastiCache Valkey costs 20% less than Redis OSS for the same nodes.",
                 validate_advice_valkey),
    _advice_rule("cost-advice-commitments", "Always-on compute and databases qualify for Savings Plans / "
                                            "reserved capacity.", validate_advice_commitments),
    _advice_rule("cost-advice-spot", "Non-critical services can run on Fargate Spot.", validate_advice_spot),
]

__all__ = ["RULES", "estimate_for", "validate_budget_cap", "validate_budget_warn",
           "validate_advice_graviton", "validate_advice_gp3", "validate_advice_valkey",
           "validate_advice_commitments", "validate_advice_spot"]
