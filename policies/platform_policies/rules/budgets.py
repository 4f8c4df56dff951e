"""AWS Budgets: the stack's budget resource (the cost policies over the estimate live in budget.py)."""

from __future__ import annotations

import re

from pulumi_policy import Severity

from ..baseline import baseline
from ..rule import ACCEPTANCE, MANDATORY, SECURITY, rule
from ..support.props import as_list, as_str, get, is_unknown

BUDGET = "aws:budgets/budget:Budget"


@rule(name="budget-notifications", area=SECURITY, resource_types=(BUDGET,),
      description="AWS Budgets budgets notify at least one subscriber.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Set budget.alertEmails in the stack settings (components/budget).")
def validate_budget_notifications(args, report_violation) -> None:
    """A budget warns someone: without a notification with a subscriber it only draws a chart."""
    if args.resource_type != BUDGET:
        return
    notes = as_list(get(args.props, "notifications"))
    if is_unknown(notes):
        return
    heard = [n for n in notes if as_list(get(n, "subscriberEmailAddresses")) or as_list(get(n, "subscriberSnsTopicArns"))]
    if not heard:
        report_violation("The budget has no notification with a subscriber: nobody hears when it is exceeded.",
                         None)


# AWS Budgets API reference CreateBudget / Notification (read 2026-11) and terraform-provider-aws
# internal/service/budgets/budget.go: BudgetName up to 100 characters without ':' or '\'; TimeUnit DAILY,
# MONTHLY, QUARTERLY, ANNUALLY; BudgetType enum; limit a positive decimal; at most 5 notifications; each
# notification ACTUAL/FORECASTED, an operator, a threshold (0-40,000,000; PERCENTAGE thresholds are percent)
# and at most 10 email subscribers; FORECASTED notifications are not allowed for USAGE-type budgets.
TIME_UNITS = ("DAILY", "MONTHLY", "QUARTERLY", "ANNUALLY")
BUDGET_TYPES = ("USAGE", "COST", "RI_UTILIZATION", "RI_COVERAGE", "SAVINGS_PLANS_UTILIZATION",
                "SAVINGS_PLANS_COVERAGE")
OPERATORS = ("GREATER_THAN", "LESS_THAN", "EQUAL_TO")
_NAME = re.compile(r"[^:\\]{1,100}")


@rule(name="budget-values", area=ACCEPTANCE, resource_types=(BUDGET,),
      description="Budget name, time unit, type, limit and notifications are values AWS Budgets accepts.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Fix the value named in the message (AWS Budgets CreateBudget API reference).")
def validate_budget_values(args, report_violation) -> None:
    if args.resource_type != BUDGET:
        return
    p = args.props
    name = as_str(get(p, "name"))
    if name and not is_unknown(name) and not _NAME.fullmatch(name):
        report_violation(f"Budget name {name!r} must be 1-100 characters without ':' or '\\'.", None)
    for key, allowed in (("timeUnit", TIME_UNITS), ("budgetType", BUDGET_TYPES)):
        value = as_str(get(p, key))
        if value and not is_unknown(value) and value not in allowed:
            report_violation(f"{key} {value!r} is not one of {', '.join(allowed)}.", None)
    limit = as_str(get(p, "limitAmount"))
    if limit is not None and not is_unknown(limit):
        try:
            if float(limit) <= 0:
                report_violation(f"limitAmount {limit} must be positive.", None)
        except ValueError:
            report_violation(f"limitAmount {limit!r} is not a number.", None)
    notes = as_list(get(p, "notifications"))
    if is_unknown(notes):
        return
    if len(notes) > 5:
        report_violation(f"{len(notes)} notifications; a budget takes at most 5.", None)
    for i, n in enumerate(notes):
        operator = as_str(get(n, "comparisonOperator"))
        if operator and not is_unknown(operator) and operator not in OPERATORS:
            report_violation(f"notifications[{i}] comparisonOperator {operator!r} is not one of "
                             f"{', '.join(OPERATORS)}.", None)
        kind = as_str(get(n, "notificationType"))
        if kind and not is_unknown(kind) and kind not in ("ACTUAL", "FORECASTED"):
            report_violation(f"notifications[{i}] notificationType {kind!r} is not ACTUAL or FORECASTED.", None)
        if kind == "FORECASTED" and as_str(get(p, "budgetType")) == "USAGE":
            report_violation(f"notifications[{i}]: FORECASTED notifications are not available for USAGE budgets.",
                             None)
        threshold = get(n, "threshold")
        if isinstance(threshold, (int, float)) and not 0 < threshold <= 40_000_000:
            report_violation(f"notifications[{i}] threshold {threshold} is not above 0.", None)
        emails = as_list(get(n, "subscriberEmailAddresses"))
        if not is_unknown(emails) and len(emails) > 10:
            report_violation(f"notifications[{i}] has {len(emails)} email subscribers; at most 10.", None)


# cdk-nag AwsSolutions, Checkov and compliance-policies have no check on budgets.
baseline(
    __name__,
    service='AWS Budgets',
    resource_types=('aws:budgets/budget:Budget',),
)
