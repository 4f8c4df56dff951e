"""Elastic Load Balancing: application load balancers, their target groups and listeners.

pulumi-aws exposes the same resources under two tokens (``aws:lb/*`` and the alias ``aws:alb/*``);
every rule here judges both.
"""

from __future__ import annotations

import re

from pulumi_policy import Severity

from ..baseline import Baseline
from ..rule import ACCEPTANCE, ADVISORY, AVAILABILITY, MANDATORY, Rule
from ..support.options import options, string_list
from ..support.props import as_list, as_str, get, is_unknown
from ..support.naming import NameRule

LB_TYPES = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
TARGET_GROUP_TYPES = ("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup")
LISTENER_TYPES = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")


# ---- availability -----------------------------------------------------------------------------------

def validate_alb_multi_az(args, report_violation) -> None:
    if args.resource_type not in LB_TYPES:
        return
    lb_type = as_str(get(args.props, "loadBalancerType"), "application")
    if lb_type != "application":
        return
    subnets = as_list(get(args.props, "subnets"))
    mappings = as_list(get(args.props, "subnetMappings"))
    if is_unknown(subnets) or is_unknown(mappings):
        return
    count = max(len(subnets), len(mappings))
    # AWS rejects an ALB with subnets in fewer than two AZs (ELB docs, "Availability Zones", 2026-11).
    if count < 2:
        report_violation(f"The ALB has {count} subnet(s); an ALB needs subnets in at least two AZs.", None)


# ---- acceptance ---------------------------------------------------------------------------------------

TARGET_CONFIG = {"allowedTargetTypes": string_list(
    "Target types allowed; Fargate (awsvpc) tasks register by IP.", ["ip"])}


def validate_target_group_type(args, report_violation) -> None:
    if args.resource_type not in TARGET_GROUP_TYPES:
        return
    allowed = options(args, TARGET_CONFIG)["allowedTargetTypes"]
    target_type = as_str(get(args.props, "targetType"), "instance")  # provider default
    if is_unknown(target_type):
        return
    if target_type not in allowed:
        report_violation(f"targetType is {target_type}; Fargate tasks (awsvpc) can only register with "
                         f"targetType ip.", None)


# ---- checks of cross-service rules (cross_service.py) ----------------------------------------------------

def listener_only_redirects_http(args, report_violation, opts) -> None:
    """encryption-in-transit: an HTTP listener only redirects to HTTPS."""
    protocol = as_str(get(args.props, "protocol"), "HTTP")  # ALB listener default
    if protocol != "HTTP":
        return  # HTTPS, or an NLB protocol (TCP/TLS/UDP) that this rule does not judge
    actions = as_list(get(args.props, "defaultActions"))
    if is_unknown(actions):
        return
    redirects = [a for a in actions if as_str(get(a, "type")) == "redirect"
                 and as_str(get(a, "redirect.protocol")) == "HTTPS"]
    if not actions or len(redirects) != len(actions):
        report_violation("An HTTP listener must only redirect to HTTPS.", None)


SHARED_CHECKS = {
    "encryption-in-transit": {t: listener_only_redirects_http for t in LISTENER_TYPES},
}

# CreateLoadBalancer / CreateTargetGroup Name: 32 characters, alphanumerics and inner hyphens
# (ELB API reference, read 2026-11).
_LB_NAME = re.compile(r"[A-Za-z0-9](-?[A-Za-z0-9])*")
PHYSICAL_NAMES = {
    **{t: NameRule("name", 32, pattern=_LB_NAME) for t in LB_TYPES},
    **{t: NameRule("name", 32, pattern=_LB_NAME) for t in TARGET_GROUP_TYPES},
}


RULES = [
    Rule(name="alb-multi-az", area=AVAILABILITY, resource_types=LB_TYPES,
         description="Application load balancers have subnets in at least two AZs.",
         validate=validate_alb_multi_az, level=ADVISORY, severity=Severity.HIGH,
         remediation="Pass the public subnets of every AZ in `subnets` (or `subnetMappings`)."),
    Rule(name="alb-target-type-ip", area=ACCEPTANCE, resource_types=TARGET_GROUP_TYPES,
         description="Load balancer target groups use targetType ip (Fargate awsvpc tasks).",
         validate=validate_target_group_type, level=MANDATORY, severity=Severity.HIGH,
         remediation="Set targetType='ip' on the target group.", config=TARGET_CONFIG),
]

# Public checks on Elastic Load Balancing and what the pack does with each (baseline.py; docs/policies.md).
BASELINE = Baseline(
    service='Elastic Load Balancing',
    resource_types=(
        'aws:lb/loadBalancer:LoadBalancer',
        'aws:lb/listener:Listener',
        'aws:lb/listenerRule:ListenerRule',
        'aws:lb/targetGroup:TargetGroup',
    ),
    covered={
        'CKV_AWS_2': ('encryption-in-transit',),
        'aws-alb-listener-disallow-unencrypted-traffic': ('encryption-in-transit',),
    },
)
