"""Elastic Load Balancing: application load balancers, their target groups and listeners.

pulumi-aws exposes the same resources under two tokens (``aws:lb/*`` and the alias ``aws:alb/*``);
every rule here judges both.

The one exception to "HTTP only redirects" (encryption-in-transit, Checkov CKV_AWS_2/CKV2_AWS_20):
a stack without a domain has no certificate CloudFront or API Gateway would accept on the ALB, so
they speak HTTP to it - inside the VPC, from CloudFront's VPC origin and the API's VPC link, while
viewers and API clients get HTTPS at CloudFront and execute-api (docs/edge.md, edge modes).  Such a
listener carries the tag :data:`PRIVATE_ORIGIN_TAG`; encryption-in-transit leaves it to
``alb-private-http-listener``, a stack rule that checks the claim on the graph: the listener's load
balancer is internal, and every source its security groups admit is the security group of an API
Gateway VPC link or the one CloudFront gives its VPC origin for this load balancer - no address
range, no prefix list, nothing else.  A tag on any other listener buys nothing but that violation.
"""

from __future__ import annotations

import re

from pulumi_policy import Severity

from ..baseline import Baseline
from ..rule import ACCEPTANCE, ADVISORY, AVAILABILITY, MANDATORY, SECURITY, Rule
from ..support.options import options, string_list
from ..support.props import as_bool, as_list, as_mapping, as_str, get, is_unknown
from ..support.naming import NameRule

LB_TYPES = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
TARGET_GROUP_TYPES = ("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup")
LISTENER_TYPES = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
INGRESS_RULE_TYPES = ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                      "aws:ec2/securityGroupRule:SecurityGroupRule")
VPC_LINK = "aws:apigatewayv2/vpcLink:VpcLink"
VPC_ORIGIN = "aws:cloudfront/vpcOrigin:VpcOrigin"

# The program's claim on a plain-HTTP listener that only private AWS paths reach it
# (components/edge/alb.py sets the same tag); alb-private-http-listener verifies it.
PRIVATE_ORIGIN_TAG = ("origin-access", "cloudfront-vpc-origin+api-vpc-link")


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

def claims_private_origins(props) -> bool:
    tags = as_mapping(get(props, "tags"))
    return not is_unknown(tags) and tags.get(PRIVATE_ORIGIN_TAG[0]) == PRIVATE_ORIGIN_TAG[1]


def listener_only_redirects_http(args, report_violation, opts) -> None:
    """encryption-in-transit: an HTTP listener only redirects to HTTPS (a listener claiming only
    private origins is judged by alb-private-http-listener instead)."""
    protocol = as_str(get(args.props, "protocol"), "HTTP")  # ALB listener default
    if protocol != "HTTP":
        return  # HTTPS, or an NLB protocol (TCP/TLS/UDP) that this rule does not judge
    if claims_private_origins(args.props):
        return
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


# ---- the private plain-HTTP listener (stack) ----------------------------------------------------------

def _deps(resource, prop: str) -> list:
    return list((getattr(resource, "property_dependencies", None) or {}).get(prop) or [])


def _all_deps(resource) -> list:
    found = list(getattr(resource, "dependencies", None) or [])
    for deps in (getattr(resource, "property_dependencies", None) or {}).values():
        found += list(deps or [])
    return found


def _vpc_link_groups(resources) -> set[str]:
    """URNs of the security groups API Gateway VPC links use."""
    return {d.urn for r in resources if r.resource_type == VPC_LINK for d in _deps(r, "securityGroupIds")}


def _vpc_origins_of(resources, lb_urn: str) -> set[str]:
    """URNs of the CloudFront VPC origins that target the load balancer ``lb_urn``."""
    return {r.urn for r in resources if r.resource_type == VPC_ORIGIN
            and any(d.urn == lb_urn for d in _deps(r, "vpcOriginEndpointConfig"))}


def _source_problem(rule, link_groups: set[str], origins: set[str]) -> str | None:
    """Why an ingress rule's source is not one of the two private senders, or None."""
    props = rule.props
    if as_str(get(props, "type"), "ingress") != "ingress":
        return None
    for key in ("cidrIpv4", "cidrIpv6", "prefixListId", "cidrBlocks", "ipv6CidrBlocks", "prefixListIds"):
        value = get(props, key)
        if value not in (None, "", []):
            return f"admits {key} {value if not is_unknown(value) else '(unknown)'}"
    ref = "referencedSecurityGroupId" if get(props, "referencedSecurityGroupId") is not None \
        else "sourceSecurityGroupId"
    if any(d.urn in link_groups for d in _deps(rule, ref)):
        return None
    if any(d.urn in origins for d in _all_deps(rule)):
        return None  # CloudFront's VPC-origin group, looked up once that VPC origin exists
    return "admits a source that is neither an API Gateway VPC link's group nor the CloudFront VPC origin's"


def validate_private_http_listener(args, report_violation) -> None:
    resources = list(args.resources)
    link_groups = _vpc_link_groups(resources)
    rules = [r for r in resources if r.resource_type in INGRESS_RULE_TYPES]
    for listener in resources:
        if listener.resource_type not in LISTENER_TYPES or not claims_private_origins(listener.props):
            continue
        lbs = [d for d in _deps(listener, "loadBalancerArn") if d.resource_type in LB_TYPES]
        if len(lbs) != 1:
            report_violation("Plain-HTTP listener claiming private origins, but its load balancer is not a "
                             "resource of this stack: its sources cannot be checked.", listener.urn)
            continue
        lb = lbs[0]
        internal = as_bool(get(lb.props, "internal"), False)
        if not is_unknown(internal) and internal is not True:
            report_violation("Plain-HTTP listener on an internet-facing load balancer: only an internal ALB "
                             "reached from the VPC link and the CloudFront VPC origin may take HTTP.", listener.urn)
        groups = _deps(lb, "securityGroups")
        declared = as_list(get(lb.props, "securityGroups"))
        if not groups or (not is_unknown(declared) and len(declared) != len(groups)):
            report_violation("Plain-HTTP listener whose load balancer has security groups from outside the stack: "
                             "their sources cannot be checked.", listener.urn)
        origins = _vpc_origins_of(resources, lb.urn)
        group_urns = {g.urn for g in groups}
        for group in groups:
            inline = as_list(get(group.props, "ingress"))
            if not is_unknown(inline) and inline:
                report_violation(f"Security group {group.name} of the plain-HTTP load balancer has inline ingress "
                                 f"rules; only rules from the VPC link and the CloudFront VPC origin may admit "
                                 f"traffic.", listener.urn)
        for rule in rules:
            if not any(d.urn in group_urns for d in _deps(rule, "securityGroupId")):
                continue
            problem = _source_problem(rule, link_groups, origins)
            if problem:
                report_violation(f"Ingress rule {rule.name} of the plain-HTTP load balancer {problem}.", listener.urn)

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
    Rule(name="alb-private-http-listener", area=SECURITY, stack=True,
         resource_types=(*LISTENER_TYPES, *LB_TYPES, SECURITY_GROUP, *INGRESS_RULE_TYPES),
         description="A plain-HTTP listener that forwards is on an internal ALB whose only sources are an API "
                     "Gateway VPC link and the CloudFront VPC origin (the one exception to HTTPS).",
         validate=validate_private_http_listener, level=MANDATORY, severity=Severity.HIGH,
         remediation="Give the stack a domain (edge.domainName) for HTTPS, or keep the ALB internal with ingress "
                     "only from the VPC link's and the VPC origin's security groups.",
         anchors=("CKV_AWS_2", "CKV2_AWS_20")),
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
        'CKV_AWS_2': ('encryption-in-transit', 'alb-private-http-listener'),
        'CKV2_AWS_20': ('encryption-in-transit', 'alb-private-http-listener'),
        'aws-alb-listener-disallow-unencrypted-traffic': ('encryption-in-transit',),
    },
)
