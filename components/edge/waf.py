"""AWS WAF web ACLs for the edge tier (regional for ALB + API stage, CLOUDFRONT for the CDN)."""

from __future__ import annotations

from typing import Mapping, Optional

import pulumi
import pulumi_aws as aws

# AWS managed rule groups (WAF developer guide, "AWS Managed Rules rule groups list", read
# 2026-11).  Each counts as one rule plus its WCUs against the 5,000 WCU web ACL limit
# (Common 700, KnownBadInputs 200, SQLi 200).
MANAGED_RULE_GROUPS = (
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesSQLiRuleSet",
)
RATE_RULE_NAME = "rate-limit-per-ip"

# WAF only logs to CloudWatch log groups whose name starts with this (WAF developer guide,
# "Sending web ACL traffic logs to an Amazon CloudWatch Logs log group", read 2026-11).
WAF_LOG_GROUP_PREFIX = "aws-waf-logs-"

# WAFv2 description pattern: no parentheses (WAF API reference, CreateWebACL/CreateIPSet
# "Description", read 2026-11).
DESCRIPTION_PATTERN = r"[\w+=:#@/\-,.][\w+=:#@/\-,.\s]+[\w+=:#@/\-,.]"

# Credentials never land in WAF logs (x-origin-verify: the ALB's origin secret,
# components/edge/origin_verify.py; WAF matches header names case-insensitively).
REDACTED_HEADERS = ("authorization", "x-api-key", "cookie", "x-origin-verify")


def _visibility(metric: str) -> dict:
    return {"cloudwatch_metrics_enabled": True, "metric_name": metric, "sampled_requests_enabled": True}


def web_acl_rules(prefix: str, rate_limit: int, exempt_ip_set_arn: Optional[pulumi.Input[str]] = None) -> list[dict]:
    """Managed rule groups first (cheap blocks), then the per-IP rate limit.

    ``exempt_ip_set_arn``: sources the rate rule does not count (the VPC, where API
    Gateway's VPC link reaches the ALB from a handful of ENI addresses that carry every
    API client's traffic; the API stage's own association already rate-limits by client)."""
    rules: list[dict] = []
    for priority, group in enumerate(MANAGED_RULE_GROUPS):
        rules.append({
            "name": group, "priority": priority,
            "override_action": {"none": {}},  # keep each group's own block actions
            "statement": {"managed_rule_group_statement": {"vendor_name": "AWS", "name": group}},
            "visibility_config": _visibility(f"{prefix}-{group}"),
        })
    rate: dict = {"limit": rate_limit, "aggregate_key_type": "IP", "evaluation_window_sec": 300}
    if exempt_ip_set_arn is not None:
        rate["scope_down_statement"] = {"not_statement": {
            "statement": {"ip_set_reference_statement": {"arn": exempt_ip_set_arn}}}}
    rules.append({
        "name": RATE_RULE_NAME, "priority": len(MANAGED_RULE_GROUPS),
        "action": {"block": {}},
        "statement": {"rate_based_statement": rate},
        "visibility_config": _visibility(f"{prefix}-{RATE_RULE_NAME}"),
    })
    return rules


def build_web_acl(name: str, scope: str, parent: pulumi.Resource, *, stack: str, service: str,
                  tags: Mapping[str, str], rate_limit: int, log_retention_days: int,
                  exempt_cidrs: tuple[str, ...] = (), provider: Optional[aws.Provider] = None) -> aws.wafv2.WebAcl:
    """A web ACL with the managed groups and a per-IP rate rule (``rate_limit`` requests per 5
    minutes), logging to ``aws-waf-logs-*``.

    ``provider``: required for CLOUDFRONT scope, which AWS only accepts in us-east-1."""
    opts = pulumi.ResourceOptions(parent=parent, provider=provider)
    exempt_arn = None
    if exempt_cidrs:
        ip_set = aws.wafv2.IpSet(
            f"{name}-exempt", scope=scope, ip_address_version="IPV4", addresses=list(exempt_cidrs),
            description="Sources the rate rule does not count: VPC link ENIs", tags=tags, opts=opts)
        exempt_arn = ip_set.arn
    metric = f"{stack}-{name}".replace("_", "-")
    acl = aws.wafv2.WebAcl(
        name, scope=scope, description=f"{scope} web ACL of the {stack} edge: {service}",
        default_action={"allow": {}},
        rules=web_acl_rules(metric, rate_limit, exempt_arn),
        visibility_config=_visibility(metric),
        tags=tags, opts=opts)
    log_group = aws.cloudwatch.LogGroup(
        f"{name}-logs",
        name=f"{WAF_LOG_GROUP_PREFIX}microservices-{stack}-{service}",
        retention_in_days=log_retention_days, tags=tags, opts=opts)
    # WAF adds the log group resource policy for delivery itself when the deployer may
    # call logs:PutResourcePolicy (WAF developer guide, CloudWatch Logs destination).
    aws.wafv2.WebAclLoggingConfiguration(
        f"{name}-logging", resource_arn=acl.arn, log_destination_configs=[log_group.arn],
        redacted_fields=[{"single_header": {"name": h}} for h in REDACTED_HEADERS],
        opts=opts)
    return acl
