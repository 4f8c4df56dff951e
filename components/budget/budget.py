"""AWS Budgets for one stack: a monthly COST budget with ACTUAL alerts at 80 % and 100 % and a
FORECASTED alert at 100 % of the amount, published to the stack's SNS alarm topic (observability
tier) and, with an alert address, e-mailed to it as well.

Why both kinds: "AWS requires approximately five weeks of usage data to generate budget forecasts"
and a forecast alert "isn't initiated until you have enough historical usage information" (AWS Cost
Management user guide, "Best practices for AWS Budgets", read 2026-12), so a forecast-only budget is
silent for the first weeks; ACTUAL alerts fire from the first day's billing data.  "A budget can have
up to five notifications, and each notification can have one SNS subscriber and up to 10 email
subscribers" (CloudFormation user guide, AWS::Budgets::Budget NotificationsWithSubscribers, read
2026-12).

What it counts (``scope``):

* ``account``: no filter, every cost of the account (a management account's budget counts the
  organisation's consolidated bill).  Needs no activation, so it alerts from the first day.
* ``stack``: ``TagKeyValue = user:stack$<stack>``.  A user-defined tag counts only once it is an
  active cost allocation tag, and only for cost from then on (AWS Billing user guide, "User-defined
  cost allocation tags", read 2026-12): until then the budget sees $0.

``activate_cost_allocation_tag`` makes the stack activate ``stack`` (Cost Explorer
UpdateCostAllocationTagsStatus).  AWS lists a tag key for activation only after it has seen it on a
resource's usage, "up to 24 hours" after it was applied (pulumi_aws costexplorer.CostAllocationTag),
and refuses activation from a member account of an organisation ("Linked account doesn't have access
to cost allocation tags"; only the management account and standalone accounts have the cost
allocation tags manager, Billing user guide): so it is off on a first deployment and on in one stack
per account from the second day.

The topic must be in the budget's account and its policy must let budgets.amazonaws.com publish
("Creating an Amazon SNS topic for budget notifications", AWS Cost Management user guide, read
2026-12); the observability tier's topic and key policies do, and the budget is created after them.
Budgets without actions carry no charge (AWS Price List, AWSBudgets: $0.00 per budget-day for
notification budgets; only action-enabled budgets cost $0.10 a day after the first 62 budget-days).

The amount should equal the `maxMonthlyUsd` of the `monthly-budget-cap` policy in
policies/config/<stack>.json: the policy stops a deployment whose *estimate* is over the cap, the
budget warns when the *bill* reaches it or is forecast to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence

import pulumi
import pulumi_aws as aws

from ..shared.tags import tier_tags

TIER = "cost"
STACK_TAG = "stack"
SCOPES = ("account", "stack")
ACTUAL_THRESHOLDS_PERCENT = (80.0, 100.0)
FORECAST_THRESHOLDS_PERCENT = (100.0,)
MAX_NOTIFICATIONS = 5  # per budget (AWS::Budgets::Budget)


def stack_tag_filter(stack: str) -> str:
    """The TagKeyValue filter value of the stack's own costs (user-defined tag ``stack``)."""
    return f"user:{STACK_TAG}${stack}"


@dataclass
class BudgetArgs:
    """Inputs of :class:`Budget`."""

    stack: str
    """Stack whose budget this is (its `stack` tag in scope ``stack``)."""
    amount_usd: float
    """Monthly budget in USD (more than 0)."""
    base_tags: Mapping[str, str]
    """Tags of the budget; the tier adds ``service`` and ``tier``."""
    sns_topic_arn: Optional[pulumi.Input[str]] = None
    """SNS topic the alerts are published to (the alarm topic); None = e-mail only."""
    alert_email: Optional[str] = None
    """E-mail recipient of the alerts; None = the topic only (one of the two is required)."""
    scope: str = "account"
    """``account`` (every cost of the account) or ``stack`` (costs tagged stack=<stack>)."""
    activate_cost_allocation_tag: bool = False
    """Activate the `stack` cost allocation tag (one stack per account)."""
    actual_thresholds_percent: tuple[float, ...] = ACTUAL_THRESHOLDS_PERCENT
    """ACTUAL alert thresholds in percent of the amount."""
    forecast_thresholds_percent: tuple[float, ...] = FORECAST_THRESHOLDS_PERCENT
    """FORECASTED alert thresholds in percent of the amount."""
    depends_on: Sequence[pulumi.Resource] = field(default_factory=list)
    """What must exist before the budget: the topic's policy (and key) that let AWS Budgets publish."""

    def __post_init__(self) -> None:
        if self.amount_usd <= 0:
            raise ValueError(f"amount_usd must be > 0; got {self.amount_usd}")
        if not self.alert_email and self.sns_topic_arn is None:
            raise ValueError("BudgetArgs needs a subscriber: sns_topic_arn and/or alert_email")
        if self.scope not in SCOPES:
            raise ValueError(f"scope must be one of {', '.join(SCOPES)}; got {self.scope!r}")
        if not self.actual_thresholds_percent:
            raise ValueError("a budget needs an ACTUAL threshold: forecasts need weeks of history")
        count = len(self.actual_thresholds_percent) + len(self.forecast_thresholds_percent)
        if count > MAX_NOTIFICATIONS:
            raise ValueError(f"{count} notifications; a budget takes at most {MAX_NOTIFICATIONS}")


class Budget(pulumi.ComponentResource):
    """Monthly cost budget of the stack: ACTUAL 80 %/100 % and FORECASTED 100 % alerts."""

    budget_name: pulumi.Output[str]
    budget_arn: pulumi.Output[str]

    def __init__(self, name: str, args: BudgetArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("platform:cost:Budget", name, None, opts)
        stack, email, tags = args.stack, args.alert_email or None, tier_tags(args.base_tags, TIER)
        topics = [args.sns_topic_arn] if args.sns_topic_arn is not None else None
        kinds = [("ACTUAL", pct) for pct in args.actual_thresholds_percent] + \
                [("FORECASTED", pct) for pct in args.forecast_thresholds_percent]
        notifications = [aws.budgets.BudgetNotificationArgs(
            comparison_operator="GREATER_THAN", notification_type=kind, threshold=float(pct),
            threshold_type="PERCENTAGE", subscriber_email_addresses=[email] if email else None,
            subscriber_sns_topic_arns=topics)
            for kind, pct in kinds]
        depends_on = list(args.depends_on)
        if args.activate_cost_allocation_tag:
            depends_on.append(aws.costexplorer.CostAllocationTag(
                f"{name}-stack-tag", tag_key=STACK_TAG, status="Active",
                opts=pulumi.ResourceOptions(parent=self)))
        filters = ([aws.budgets.BudgetCostFilterArgs(name="TagKeyValue", values=[stack_tag_filter(stack)])]
                   if args.scope == "stack" else None)
        self._budget = aws.budgets.Budget(
            f"{name}-monthly",
            name=f"microservices-platform-{stack}-monthly",
            budget_type="COST",
            time_unit="MONTHLY",
            limit_amount=f"{args.amount_usd:.2f}",
            limit_unit="USD",
            cost_filters=filters,
            notifications=notifications,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=depends_on))
        self.budget_name = self._budget.name
        self.budget_arn = self._budget.arn
        self.register_outputs({"budgetName": self.budget_name, "budgetArn": self.budget_arn})


__all__ = ["Budget", "BudgetArgs", "ACTUAL_THRESHOLDS_PERCENT", "FORECAST_THRESHOLDS_PERCENT", "SCOPES",
           "STACK_TAG", "stack_tag_filter"]
