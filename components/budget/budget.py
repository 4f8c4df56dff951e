"""AWS Budgets for one stack: a monthly COST budget on the stack's `stack` tag with
FORECASTED alerts at 80 % and 100 % of the amount, published to the stack's SNS alarm topic
(observability tier) and, when `alertEmail` is set, e-mailed to it as well.

The topic must be in the budget's account and its policy must let budgets.amazonaws.com
publish (AWS Cost Management user guide, "Creating an Amazon SNS topic for budget
notifications", read 2026-11); the observability tier's topic and KMS key policies do.

The cost filter ``TagKeyValue = user:stack$<stack>`` only matches once `stack` is
activated as a user-defined cost allocation tag (Billing console, "Cost allocation
tags"; AWS Billing user guide, read 2026-11).  Until then the budget sees $0.
AWS Budgets without budget actions carry no charge (AWS Budgets pricing, read 2026-11).

The amount (config `monthlyBudgetUsd`) should equal the `maxMonthlyUsd` of the
`monthly-budget-cap` policy in policies/config/<stack>.json: the policy stops a
deployment whose *estimate* is over the cap, the budget warns when the *bill* is
forecast to reach it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from ..config.settings import Settings

TIER = "cost"
ALERT_THRESHOLDS_PERCENT = (80.0, 100.0)


@dataclass
class BudgetArgs:
    """Inputs of :class:`Budget`: the stack settings, with optional explicit overrides."""

    settings: Optional[Settings] = None
    """Stack settings: stack, config.monthlyBudgetUsd, config.alertEmail, tags("cost")."""
    amount_usd: Optional[float] = None
    """Monthly budget in USD; default config `monthlyBudgetUsd`."""
    alert_email: Optional[str] = None
    """E-mail recipient of the forecast alerts; default config `alertEmail` (unset: none)."""
    sns_topic_arn: Optional[pulumi.Input[str]] = None
    """SNS topic the alerts are published to (the alarm topic). Default None: e-mail only."""
    stack: Optional[str] = None
    """Stack name for the `stack` tag filter; default settings.stack."""
    tags: Optional[dict[str, str]] = None
    """Tags of the budget resource; default settings.tags("cost")."""
    thresholds_percent: tuple[float, ...] = ALERT_THRESHOLDS_PERCENT
    """FORECASTED alert thresholds in percent of the amount."""

    def resolved(self) -> tuple[str, float, Optional[str], dict[str, str]]:
        """(stack, amount, email or None, tags) with the settings filling what is not given."""
        s = self.settings
        stack = self.stack or (s.stack if s else None)
        amount = self.amount_usd if self.amount_usd is not None else (
            float(s.config.monthlyBudgetUsd) if s else None)
        email = self.alert_email or (s.config.alertEmail if s else None)
        tags = self.tags if self.tags is not None else (s.tags(TIER) if s else {})
        if not stack or amount is None:
            raise ValueError("BudgetArgs needs settings or stack and amount_usd")
        if not email and self.sns_topic_arn is None:
            raise ValueError("BudgetArgs needs a subscriber: sns_topic_arn and/or an alert e-mail")
        return stack, amount, email or None, dict(tags)


class Budget(pulumi.ComponentResource):
    """Monthly cost budget of the stack with 80 %/100 % forecast alerts."""

    budget_name: pulumi.Output[str]
    budget_arn: pulumi.Output[str]

    def __init__(self, name: str, args: BudgetArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("platform:cost:Budget", name, None, opts)
        stack, amount, email, tags = args.resolved()
        if amount <= 0:
            raise ValueError(f"monthlyBudgetUsd must be > 0; got {amount}")
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
            limit_amount=f"{amount:.2f}",
            limit_unit="USD",
            cost_filters=[aws.budgets.BudgetCostFilterArgs(name="TagKeyValue",
                                                           values=[f"user:stack${stack}"])],
            notifications=notifications,
            tags=tags or None,
            opts=pulumi.ResourceOptions(parent=self))
        self.budget_name = self._budget.name
        self.budget_arn = self._budget.arn
        self.register_outputs({"budgetName": self.budget_name, "budgetArn": self.budget_arn})


__all__ = ["Budget", "BudgetArgs", "ALERT_THRESHOLDS_PERCENT"]
