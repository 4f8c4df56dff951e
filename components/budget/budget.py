"""AWS Budgets for one stack: a monthly COST budget on the stack's `stack` tag with
FORECASTED alerts at 80 % and 100 % of the amount, published to the stack's SNS alarm topic
(observability tier) and, with an alert address, e-mailed to it as well.

The topic must be in the budget's account and its policy must let budgets.amazonaws.com
publish (AWS Cost Management user guide, "Creating an Amazon SNS topic for budget
notifications", read 2026-11); the observability tier's topic and KMS key policies do.

The cost filter ``TagKeyValue = user:stack$<stack>`` only matches once `stack` is
activated as a user-defined cost allocation tag (Billing console, "Cost allocation
tags"; AWS Billing user guide, read 2026-11).  Until then the budget sees $0.
AWS Budgets without budget actions carry no charge (AWS Budgets pricing, read 2026-11).

The amount should equal the `maxMonthlyUsd` of the `monthly-budget-cap` policy in
policies/config/<stack>.json: the policy stops a deployment whose *estimate* is over the
cap, the budget warns when the *bill* is forecast to reach it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

import pulumi
import pulumi_aws as aws

from ..shared.tags import tier_tags

TIER = "cost"
ALERT_THRESHOLDS_PERCENT = (80.0, 100.0)


@dataclass
class BudgetArgs:
    """Inputs of :class:`Budget`."""

    stack: str
    """Stack whose `stack` tag the budget filters on."""
    amount_usd: float
    """Monthly budget in USD (more than 0)."""
    base_tags: Mapping[str, str]
    """Tags of the budget; the tier adds ``service`` and ``tier``."""
    sns_topic_arn: Optional[pulumi.Input[str]] = None
    """SNS topic the alerts are published to (the alarm topic); None = e-mail only."""
    alert_email: Optional[str] = None
    """E-mail recipient of the alerts; None = the topic only (one of the two is required)."""
    thresholds_percent: tuple[float, ...] = ALERT_THRESHOLDS_PERCENT
    """FORECASTED alert thresholds in percent of the amount."""

    def __post_init__(self) -> None:
        if self.amount_usd <= 0:
            raise ValueError(f"amount_usd must be > 0; got {self.amount_usd}")
        if not self.alert_email and self.sns_topic_arn is None:
            raise ValueError("BudgetArgs needs a subscriber: sns_topic_arn and/or alert_email")


class Budget(pulumi.ComponentResource):
    """Monthly cost budget of the stack with 80 %/100 % forecast alerts."""

    budget_name: pulumi.Output[str]
    budget_arn: pulumi.Output[str]

    def __init__(self, name: str, args: BudgetArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("platform:cost:Budget", name, None, opts)
        stack, email, tags = args.stack, args.alert_email or None, tier_tags(args.base_tags, TIER)
        topics = [args.sns_topic_arn] if args.sns_topic_arn is not None else None
        notifications = [aws.budgets.BudgetNotificationArgs(
            comparison_operator="GREATER_THAN", notification_type="FORECASTED", threshold=float(pct),
            threshold_type="PERCENTAGE", subscriber_email_addresses=[email] if email else None,
            subscriber_sns_topic_arns=topics)
            for pct in args.thresholds_percent]
        self._budget = aws.budgets.Budget(
            f"{name}-monthly",
            name=f"microservices-platform-{stack}-monthly",
            budget_type="COST",
            time_unit="MONTHLY",
            limit_amount=f"{args.amount_usd:.2f}",
            limit_unit="USD",
            cost_filters=[aws.budgets.BudgetCostFilterArgs(name="TagKeyValue",
                                                           values=[f"user:stack${stack}"])],
            notifications=notifications,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self))
        self.budget_name = self._budget.name
        self.budget_arn = self._budget.arn
        self.register_outputs({"budgetName": self.budget_name, "budgetArn": self.budget_arn})


__all__ = ["Budget", "BudgetArgs", "ALERT_THRESHOLDS_PERCENT"]
