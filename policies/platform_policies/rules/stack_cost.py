"""The stack's estimated monthly cost: the budget cap, its warning and cost-optimisation advice (stack
policies over the one cost model, ``cost_model``).

* ``monthly-budget-cap`` (mandatory): the estimated monthly cost is above ``maxMonthlyUsd`` - the
  expected cost, or the peak cost with ``capOn: peak``; and, with ``failOnUnpriced`` (the default),
  the plan has a billable resource the model cannot price (fail closed: named in the message).
* ``monthly-budget-warn`` (advisory): the capped cost is at or above ``warnAtPercent`` % of the cap
  (but not above it - then the cap policy speaks); the peak cost is above the cap while the cap is
  on the expected cost; or something is unpriced while ``failOnUnpriced`` is off.
  Both report expected and peak totals, baseline/usage split, the cap and the top cost drivers.
* ``cost-advice-graviton|gp3|valkey|commitments|spot`` (advisory): each finding names the
  monthly saving, computed from the same catalog.

Options (policies/config/<stack>.json): ``maxMonthlyUsd``, ``warnAtPercent``, ``capOn``,
``failOnUnpriced``, ``region`` (StackValidationArgs carries no stack config: the region the graph
shows wins, the option is the fallback when it shows none, then us-east-1; a region without a price
catalog is unpriced, so it fails closed under failOnUnpriced) and ``usage`` (an override; by default
the model reads the stack's usage profile policies/usage/<stack>.json, the stack name taken from the
resources' URNs).
"""

from __future__ import annotations

import json
from typing import Any, Callable, Mapping

from pulumi_policy import StackValidationArgs

from .. import cost_model
from ..rule import ADVISORY, COST, MANDATORY, WHOLE_STACK, rule
from ..support.per_request import once_per_request

DEFAULT_MAX_MONTHLY_USD = 9000.0
DEFAULT_WARN_AT_PERCENT = 80.0

_REGION_OPT = {"type": "string", "description": "AWS region of the stack (price catalog) when the graph shows "
                                                "none; default us-east-1."}
_USAGE_OPT = {"type": "object", "description": "Usage profile overriding policies/usage/<stack>.json "
                                               "(requests, stored GB, processed GB ...)."}
BUDGET_CONFIG = {
    "maxMonthlyUsd": {"type": "number", "minimum": 0, "default": DEFAULT_MAX_MONTHLY_USD,
                      "description": "Monthly cap in USD for the estimated stack cost."},
    "warnAtPercent": {"type": "number", "minimum": 1, "maximum": 100, "default": DEFAULT_WARN_AT_PERCENT,
                      "description": "Advisory warning from this share of the cap."},
    "capOn": {"type": "string", "enum": list(cost_model.CAP_ON), "default": "expected",
              "description": "The cost the cap applies to: expected (deploy-time task counts) or peak (every "
                             "scalable target at its maximum, storage at its autoscaling ceiling)."},
    "failOnUnpriced": {"type": "boolean", "default": True,
                       "description": "A billable resource the model cannot price is a violation of the cap "
                                      "(fail closed); false = only an advisory warning."},
    "region": _REGION_OPT,
    "usage": _USAGE_OPT,
}
ADVICE_CONFIG = {"region": _REGION_OPT, "usage": _USAGE_OPT}


def estimate_for(args: StackValidationArgs) -> dict:
    """The cost estimate of the stack the engine passes (config: region, usage override); read-only, and
    computed once for the seven cost policies of a request (support/per_request.py)."""
    cfg: Mapping[str, Any] = args.get_config() or {}
    return _estimate(args.resources, json.dumps(cfg.get("usage"), sort_keys=True, default=str), cfg.get("region"))


@once_per_request
def _estimate(policy_resources: list, usage: str, configured_region: Any) -> dict:
    resources = cost_model.from_policy_resources(policy_resources)
    # The region the graph shows wins over the configured one: a stack moved to another region must be
    # priced there (or fail closed without that region's catalog), not at the configured region's prices.
    region = (cost_model.infer_region(resources, default=None) or configured_region
              or cost_model.infer_region(resources))
    return cost_model.estimate(resources, usage=json.loads(usage), region=region)


def _options(cfg: Mapping[str, Any]) -> tuple[float, float, str, bool]:
    max_usd = float(cfg.get("maxMonthlyUsd", DEFAULT_MAX_MONTHLY_USD))
    warn = float(cfg.get("warnAtPercent", DEFAULT_WARN_AT_PERCENT))
    cap_on = str(cfg.get("capOn") or "expected")
    fail_closed = cfg.get("failOnUnpriced", True) is not False
    return max_usd, warn, cap_on, fail_closed


@rule(name="monthly-budget-cap", area=COST, resource_types=(WHOLE_STACK,), stack=True,
      description="The estimated monthly cost of the stack (expected, or peak with capOn) must stay within "
                  "maxMonthlyUsd, and every billable resource must be priced (failOnUnpriced).",
      level=MANDATORY, config=BUDGET_CONFIG)
def validate_budget_cap(args: StackValidationArgs, report_violation: Callable[..., None]) -> None:
    """Over the cap (expected or peak cost, per ``capOn``), or unpriced billable resources (fail closed)."""
    max_usd, warn, cap_on, fail_closed = _options(args.get_config() or {})
    est = estimate_for(args)
    if fail_closed and est["unpriced"]:
        report_violation(cost_model.unpriced_message(est) + " " + cost_model.budget_message(est, max_usd, warn, cap_on))
    total = cost_model.capped_total(est, cap_on)
    if cost_model.budget_verdict(total, max_usd, warn) == "over":
        report_violation(f"Over the monthly cap ({cap_on} cost). " + cost_model.budget_message(est, max_usd, warn, cap_on))


@rule(name="monthly-budget-warn", area=COST, resource_types=(WHOLE_STACK,), stack=True,
      description="The estimated monthly cost is at or above warnAtPercent of maxMonthlyUsd, or the peak cost "
                  "is above it.",
      level=ADVISORY, config=BUDGET_CONFIG)
def validate_budget_warn(args: StackValidationArgs, report_violation: Callable[..., None]) -> None:
    """Close to the cap; peak above the cap while the cap is on the expected cost; unpriced (fail open)."""
    max_usd, warn, cap_on, fail_closed = _options(args.get_config() or {})
    est = estimate_for(args)
    total = cost_model.capped_total(est, cap_on)
    verdict = cost_model.budget_verdict(total, max_usd, warn)
    msg = cost_model.budget_message(est, max_usd, warn, cap_on)
    if verdict == "warn":
        report_violation("Close to the monthly cap. " + msg)
    peak = cost_model.capped_total(est, "peak")
    if cap_on == "expected" and verdict != "over" and max_usd > 0 and peak > max_usd:
        report_violation(f"At peak the stack costs ${peak:,.2f}, over the cap ${max_usd:,.2f}. " + msg)
    if not fail_closed and est["unpriced"]:
        report_violation(cost_model.unpriced_message(est))


def _advice_rule(kind: str, name: str, description: str) -> Callable[..., None]:
    """The advice policy ``name``: one finding per saving of ``kind`` that cost_model.advice reports."""
    def validate(args: StackValidationArgs, report_violation: Callable[..., None]) -> None:
        est = estimate_for(args)
        for finding in cost_model.advice(est)[kind]:
            report_violation(finding["message"], finding["urn"] or None)
    validate.__name__ = f"validate_advice_{kind}"
    return rule(name=name, area=COST, resource_types=(WHOLE_STACK,), stack=True, description=description,
                level=ADVISORY, config=ADVICE_CONFIG)(validate)


validate_advice_graviton = _advice_rule("graviton", "cost-advice-graviton",
                                        "Graviton (ARM64) is available and cheaper for this workload.")
validate_advice_gp3 = _advice_rule("gp3", "cost-advice-gp3", "RDS storage should be gp3 rather than gp2.")
validate_advice_valkey = _advice_rule("valkey", "cost-advice-valkey",
                                      "ElastiCache Valkey costs 20% less than Redis OSS for the same nodes.")
validate_advice_commitments = _advice_rule("commitments", "cost-advice-commitments",
                                           "Always-on compute and databases qualify for Savings Plans / reserved "
                                           "capacity.")
validate_advice_spot = _advice_rule("spot", "cost-advice-spot",
                                    "Non-critical x86 services can run on Fargate Spot (it runs no ARM64 task).")
