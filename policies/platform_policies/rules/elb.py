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

import fnmatch
import re
from typing import Any

from pulumi_policy import Severity

from ..baseline import baseline
from ..facts.elb_logs import ELB_LOG_ACCOUNTS, ELB_LOG_DELIVERY_PRINCIPAL
from ..rule import ACCEPTANCE, ADVISORY, AVAILABILITY, MANDATORY, SECURITY, rule
from ..support.azs import count_azs, stack_azs
from ..support.graph import producers, region_of, stack_region
from ..support.policy_documents import listify, statements
from ..support.options import options, string_list
from ..support.props import as_bool, as_int, as_list, as_mapping, as_str, get, is_unknown, parse_json
from ..support.report import report_problems
from .cross_service import ENCRYPTION_IN_TRANSIT, NameRule, check, physical_names
from .s3 import BUCKET_POLICY, BUCKET_TYPES, SSE as BUCKET_SSE, companions

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


# ---- availability (stack: subnet ids resolve to AZs through the graph) ------------------------------------

@rule(name="alb-multi-az", area=AVAILABILITY, resource_types=LB_TYPES, stack=True,
      description="Application load balancers have subnets in at least two distinct AZs (AZs are counted, "
                  "not subnets).",
      level=ADVISORY, severity=Severity.HIGH,
      remediation="Pass one public subnet per AZ in `subnets` (or `subnetMappings`).")
def validate_alb_multi_az(args, report_violation) -> None:
    resources = list(args.resources)
    azs_of = stack_azs(resources)
    for lb in resources:
        if lb.resource_type not in LB_TYPES:
            continue
        if as_str(get(lb.props, "loadBalancerType"), "application") != "application":
            continue
        subnets = get(lb.props, "subnets")
        prop = "subnets"
        mappings = as_list(get(lb.props, "subnetMappings"))
        if (subnets is None or as_list(subnets) == []) and not is_unknown(mappings) and mappings:
            subnets, prop = [get(m, "subnetId") for m in mappings], "subnetMappings"
        azs = count_azs(lb, prop, subnets if subnets is not None else [], azs_of)
        # AWS rejects an ALB with subnets in fewer than two AZs (ELB user guide, "Availability Zones and
        # load balancer nodes"; CreateLoadBalancer "You must specify subnets from at least two Availability
        # Zones"), read 2026-11.
        if azs.below(2):
            seen = azs.exact if azs.exact is not None else f"at most {azs.at_most}"
            report_violation(f"The ALB's {azs.subnets} subnet(s) span {seen} AZ(s); an ALB needs subnets in at "
                             f"least two distinct AZs.", lb.urn)


# ---- security: the private plain-HTTP listener (stack) ------------------------------------------------

def _all_deps(resource) -> list:
    found = list(getattr(resource, "dependencies", None) or [])
    for deps in (getattr(resource, "property_dependencies", None) or {}).values():
        found += list(deps or [])
    return found


def _vpc_link_groups(resources) -> set[str]:
    """URNs of the security groups API Gateway VPC links use."""
    return {d.urn for r in resources if r.resource_type == VPC_LINK for d in producers(r, "securityGroupIds")}


def _vpc_origins_of(resources, lb_urn: str) -> set[str]:
    """URNs of the CloudFront VPC origins that target the load balancer ``lb_urn``."""
    return {r.urn for r in resources if r.resource_type == VPC_ORIGIN
            and any(d.urn == lb_urn for d in producers(r, "vpcOriginEndpointConfig"))}


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
    if any(d.urn in link_groups for d in producers(rule, ref)):
        return None
    if any(d.urn in origins for d in _all_deps(rule)):
        return None  # CloudFront's VPC-origin group, looked up once that VPC origin exists
    return "admits a source that is neither an API Gateway VPC link's group nor the CloudFront VPC origin's"


@rule(name="alb-private-http-listener", area=SECURITY, stack=True,
      resource_types=(*LISTENER_TYPES, *LB_TYPES, SECURITY_GROUP, *INGRESS_RULE_TYPES),
      description="A plain-HTTP listener that forwards is on an internal ALB whose only sources are an API "
                  "Gateway VPC link and the CloudFront VPC origin (the one exception to HTTPS).",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Give the stack a domain (edge.domainName) for HTTPS, or keep the ALB internal with ingress "
                  "only from the VPC link's and the VPC origin's security groups.",
      anchors=("CKV_AWS_2", "CKV2_AWS_20"))
def validate_private_http_listener(args, report_violation) -> None:
    resources = list(args.resources)
    link_groups = _vpc_link_groups(resources)
    rules = [r for r in resources if r.resource_type in INGRESS_RULE_TYPES]
    for listener in resources:
        if listener.resource_type not in LISTENER_TYPES or not claims_private_origins(listener.props):
            continue
        lbs = [d for d in producers(listener, "loadBalancerArn") if d.resource_type in LB_TYPES]
        if len(lbs) != 1:
            report_violation("Plain-HTTP listener claiming private origins, but its load balancer is not a "
                             "resource of this stack: its sources cannot be checked.", listener.urn)
            continue
        lb = lbs[0]
        internal = as_bool(get(lb.props, "internal"), False)
        if not is_unknown(internal) and internal is not True:
            report_violation("Plain-HTTP listener on an internet-facing load balancer: only an internal ALB "
                             "reached from the VPC link and the CloudFront VPC origin may take HTTP.", listener.urn)
        groups = producers(lb, "securityGroups")
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
            if not any(d.urn in group_urns for d in producers(rule, "securityGroupId")):
                continue
            problem = _source_problem(rule, link_groups, origins)
            if problem:
                report_violation(f"Ingress rule {rule.name} of the plain-HTTP load balancer {problem}.", listener.urn)


# ---- security: load balancers and listeners ---------------------------------------------------------------

def _lb_is_application(props) -> bool:
    return as_str(get(props, "loadBalancerType"), "application") == "application"


@rule(name="alb-deletion-protection", area=SECURITY, resource_types=LB_TYPES,
      description="Load balancers have deletion protection (dev: advisory, the stack is torn down at will).",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Set enableDeletionProtection=true (settings deletionProtection).", anchors=("CKV_AWS_150",))
def validate_alb_deletion_protection(args, report_violation) -> None:
    if args.resource_type not in LB_TYPES:
        return
    if as_bool(get(args.props, "enableDeletionProtection"), False) is False:  # AWS default: off
        report_violation("enableDeletionProtection is not true: one bad update deletes the entry point.", None)


@rule(name="alb-access-logs", area=SECURITY, resource_types=LB_TYPES,
      description="Load balancers write access logs to S3.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Set accessLogs {enabled: true, bucket} (components/edge/alb.py).",
      anchors=("AwsSolutions-ELB2", "CKV_AWS_91", "aws-alb-loadbalancer-enable-access-logging",
               "aws-alb-loadbalancer-configure-access-logging"))
def validate_alb_access_logs(args, report_violation) -> None:
    if args.resource_type not in LB_TYPES:
        return
    logs = get(args.props, "accessLogs")
    if is_unknown(logs):
        return
    enabled, bucket = as_bool(get(logs, "enabled"), False), get(logs, "bucket")
    if logs is None or enabled is False or (not bucket and not is_unknown(bucket)):
        report_violation("accessLogs is not enabled with a bucket: requests to the load balancer are not "
                         "recorded.", None)


@rule(name="alb-request-hardening", area=SECURITY, resource_types=LB_TYPES,
      description="Application load balancers drop invalid header fields and keep desync mitigation at "
                  "defensive or strictest.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Set dropInvalidHeaderFields=true; leave desyncMitigationMode defensive.",
      anchors=("CKV_AWS_131", "CKV_AWS_328"))
def validate_alb_request_hardening(args, report_violation) -> None:
    if args.resource_type not in LB_TYPES or not _lb_is_application(args.props):
        return
    if as_bool(get(args.props, "dropInvalidHeaderFields"), False) is False:  # AWS default: false
        report_violation("dropInvalidHeaderFields is not true: malformed headers reach the services.", None)
    mode = as_str(get(args.props, "desyncMitigationMode"), "defensive")  # AWS default
    if not is_unknown(mode) and mode not in ("defensive", "strictest"):
        report_violation(f"desyncMitigationMode is {mode}; use defensive or strictest against request "
                         f"smuggling.", None)


# TLS 1.2+ predefined policies (ELB user guide, "Security policies for your Application Load Balancer",
# read 2026-11): the TLS13-1-2/1-3, TLS-1-2 and FS-1-2 families.  ELBSecurityPolicy-2016-08, the default
# when sslPolicy is omitted, still accepts TLS 1.0.
TLS12_POLICY = re.compile(r"ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)(-.*)?")
SECURE_PROTOCOLS = ("HTTPS", "TLS")


@rule(name="alb-listener-tls-policy", area=SECURITY, resource_types=LISTENER_TYPES,
      description="HTTPS/TLS listeners use a TLS 1.2+ security policy (the default ELBSecurityPolicy-2016-08 "
                  "accepts TLS 1.0).",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Set sslPolicy=ELBSecurityPolicy-TLS13-1-2-2021-06.",
      anchors=("CKV_AWS_103", "CKV2_AWS_74", "aws-alb-listener-configure-secure-tls"))
def validate_listener_tls_policy(args, report_violation) -> None:
    if args.resource_type not in LISTENER_TYPES:
        return
    protocol = as_str(get(args.props, "protocol"))
    if protocol not in SECURE_PROTOCOLS:
        return
    policy = as_str(get(args.props, "sslPolicy"), "ELBSecurityPolicy-2016-08")
    if not is_unknown(policy) and not TLS12_POLICY.fullmatch(policy):
        report_violation(f"sslPolicy {policy} accepts TLS below 1.2; use ELBSecurityPolicy-TLS13-1-2-2021-06 "
                         f"(or another TLS 1.2+ policy).", None)


# ---- acceptance ---------------------------------------------------------------------------------------

TARGET_CONFIG = {"allowedTargetTypes": string_list(
    "Target types allowed; Fargate (awsvpc) tasks register by IP.", ["ip"])}


@rule(name="alb-target-type-ip", area=ACCEPTANCE, resource_types=TARGET_GROUP_TYPES,
      description="Load balancer target groups use targetType ip (Fargate awsvpc tasks).",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Set targetType='ip' on the target group.", config=TARGET_CONFIG)
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


LISTENER_RULE_TYPES = ("aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule")

# Ranges and pairings CreateTargetGroup / CreateListener / CreateRule accept.  Sources: ELB API reference
# (CreateTargetGroup, CreateListener, CreateRule, Action, FixedResponseActionConfig, RedirectActionConfig)
# and terraform-provider-aws internal/service/elbv2/target_group.go, listener.go, listener_rule.go
# (ValidateFunc ranges), read 2026-11.
_FIXED_CONTENT_TYPES = ("text/plain", "text/css", "text/html", "application/javascript", "application/json")
_STATUS_CODE = re.compile(r"[245]\d\d")
_ACTION_TYPES = ("forward", "redirect", "fixed-response", "authenticate-cognito", "authenticate-oidc")
_HTTP_MATCHER = re.compile(r"\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*")


def _number(props, path) -> Any:
    value = as_int(get(props, path))
    return None if is_unknown(value) else value


def _health_check_problems(p) -> list[str]:
    out = []
    target_type = as_str(get(p, "targetType"), "instance")
    hc = get(p, "healthCheck")
    if hc is None or is_unknown(hc):
        return out
    if as_bool(get(hc, "enabled"), True) is False and target_type in ("instance", "ip", "alb"):
        out.append(f"health checks cannot be disabled for targetType {target_type}")
    interval, timeout = _number(hc, "interval"), _number(hc, "timeout")
    for key, value, low, high in (("interval", interval, 5, 300), ("timeout", timeout, 2, 120),
                                  ("healthyThreshold", _number(hc, "healthyThreshold"), 2, 10),
                                  ("unhealthyThreshold", _number(hc, "unhealthyThreshold"), 2, 10)):
        if value is not None and not low <= value <= high:
            out.append(f"healthCheck.{key} {value} is outside {low}-{high}")
    if interval is not None and timeout is not None and timeout >= interval:
        out.append(f"healthCheck.timeout {timeout}s must be smaller than the interval {interval}s")
    protocol = as_str(get(hc, "protocol"), "HTTP")
    tg_protocol = as_str(get(p, "protocol"))
    if tg_protocol in ("HTTP", "HTTPS") and protocol not in ("HTTP", "HTTPS"):
        out.append(f"healthCheck.protocol {protocol} is not HTTP or HTTPS (an HTTP(S) target group)")
    path = as_str(get(hc, "path"))
    if isinstance(path, str) and path and (not path.startswith("/") or len(path) > 1024):
        out.append(f"healthCheck.path {path!r} must start with '/' and be at most 1024 characters")
    matcher = as_str(get(hc, "matcher"))
    grpc = as_str(get(p, "protocolVersion")) == "GRPC"
    if isinstance(matcher, str) and matcher and not grpc and protocol in ("HTTP", "HTTPS"):
        codes = [int(x) for x in re.findall(r"\d+", matcher)]
        if not _HTTP_MATCHER.fullmatch(matcher) or any(not 200 <= c <= 499 for c in codes):
            out.append(f"healthCheck.matcher {matcher!r} must list HTTP codes within 200-499")
    port = as_str(get(hc, "port"))
    if isinstance(port, str) and port != "traffic-port" and (not port.isdigit() or not 1 <= int(port) <= 65535):
        out.append(f"healthCheck.port {port!r} is neither traffic-port nor 1-65535")
    return out


@rule(name="alb-target-group-constraints", area=ACCEPTANCE, resource_types=TARGET_GROUP_TYPES,
      description="Target groups CreateTargetGroup accepts: health-check interval 5-300 s, timeout 2-120 s and "
                  "below the interval, thresholds 2-10, HTTP matcher codes 200-499, path starting with /, health "
                  "checks on for ip/instance targets, port/protocol/vpc for non-Lambda targets.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Fix the target group's health check (settings services.<name>.healthCheck*).",
      anchors=("CKV_AWS_261",))
def validate_target_group_constraints(args, report_violation) -> None:
    if args.resource_type not in TARGET_GROUP_TYPES:
        return
    p = args.props
    problems = _health_check_problems(p)
    target_type = as_str(get(p, "targetType"), "instance")
    if target_type != "lambda":
        port, protocol = _number(p, "port"), as_str(get(p, "protocol"))
        if port is None and get(p, "port") is None:
            problems.append(f"targetType {target_type} needs a port")
        elif port is not None and not 1 <= port <= 65535:
            problems.append(f"port {port} is outside 1-65535")
        if protocol is None:
            problems.append(f"targetType {target_type} needs a protocol")
        if get(p, "vpcId") is None:
            problems.append(f"targetType {target_type} needs a vpcId")
    delay = _number(p, "deregistrationDelay")
    if delay is not None and not 0 <= delay <= 3600:
        problems.append(f"deregistrationDelay {delay} is outside 0-3600")
    slow = _number(p, "slowStart")
    if slow is not None and slow != 0 and not 30 <= slow <= 900:
        problems.append(f"slowStart {slow} is neither 0 nor 30-900")
    report_problems(report_violation, problems)


# CreateLoadBalancer / ModifyLoadBalancerAttributes (ELB API reference; ELB user guide "Application Load
# Balancers": idle timeout 1-4000 s, client keep-alive 60-604800 s, up to 5 security groups,
# dualstack-without-public-ipv4 only for internet-facing ALBs), terraform-provider-aws
# internal/service/elbv2/load_balancer.go (subnets ConflictsWith subnet_mapping), read 2026-11.
_IP_TYPES = ("ipv4", "dualstack", "dualstack-without-public-ipv4")
_LB_KINDS = ("application", "network", "gateway")


@rule(name="alb-load-balancer-constraints", area=ACCEPTANCE, resource_types=LB_TYPES,
      description="Load balancers CreateLoadBalancer accepts: type and IP address type values, idle timeout "
                  "1-4000 s, client keep-alive 60-604800 s, at most 5 security groups, subnets XOR "
                  "subnetMappings.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Fix the load balancer inputs (components/edge/alb.py).")
def validate_load_balancer_constraints(args, report_violation) -> None:
    if args.resource_type not in LB_TYPES:
        return
    p, problems = args.props, []
    kind = as_str(get(p, "loadBalancerType"), "application")
    if isinstance(kind, str) and kind not in _LB_KINDS:
        problems.append(f"loadBalancerType {kind!r} is not one of {', '.join(_LB_KINDS)}")
    ip_type = as_str(get(p, "ipAddressType"), "ipv4")
    if isinstance(ip_type, str) and ip_type not in _IP_TYPES:
        problems.append(f"ipAddressType {ip_type!r} is not one of {', '.join(_IP_TYPES)}")
    if ip_type == "dualstack-without-public-ipv4" and as_bool(get(p, "internal"), False) is True:
        problems.append("dualstack-without-public-ipv4 is only for internet-facing load balancers")
    idle = _number(p, "idleTimeout")
    if kind == "application" and idle is not None and not 1 <= idle <= 4000:
        problems.append(f"idleTimeout {idle} s is outside 1-4000")
    keep_alive = _number(p, "clientKeepAlive")
    if keep_alive is not None and not 60 <= keep_alive <= 604800:
        problems.append(f"clientKeepAlive {keep_alive} s is outside 60-604800")
    groups = as_list(get(p, "securityGroups"))
    if not is_unknown(groups) and len(groups) > 5:
        problems.append(f"{len(groups)} security groups; a load balancer takes at most 5")
    subnets, mappings = as_list(get(p, "subnets")), as_list(get(p, "subnetMappings"))
    if not is_unknown(subnets) and not is_unknown(mappings) and subnets and mappings:
        problems.append("subnets and subnetMappings are mutually exclusive")
    report_problems(report_violation, problems)


def _action_problems(actions, https: bool, where: str) -> list[str]:
    out = []
    if is_unknown(actions):
        return out
    if not actions:
        return [f"{where} has no action"]
    for a in actions:
        kind = as_str(get(a, "type"))
        if is_unknown(kind):
            continue
        if kind not in _ACTION_TYPES:
            out.append(f"{where}: action type {kind!r} is not one of {', '.join(_ACTION_TYPES)}")
        elif kind == "forward":
            groups = as_list(get(a, "forward.targetGroups"))
            if get(a, "targetGroupArn") is None and not is_unknown(groups) and not groups:
                out.append(f"{where}: a forward action needs targetGroupArn or forward.targetGroups")
            if not is_unknown(groups) and len(groups) > 5:
                out.append(f"{where}: a forward action takes at most 5 target groups")
            for g in [] if is_unknown(groups) else groups:
                weight = _number(g, "weight")
                if weight is not None and not 0 <= weight <= 999:
                    out.append(f"{where}: target group weight {weight} is outside 0-999")
        elif kind == "fixed-response":
            code = as_str(get(a, "fixedResponse.statusCode"))
            ctype = as_str(get(a, "fixedResponse.contentType"))
            body = as_str(get(a, "fixedResponse.messageBody"))
            if isinstance(code, str) and not _STATUS_CODE.fullmatch(code):
                out.append(f"{where}: fixedResponse.statusCode {code!r} is not a 2XX, 4XX or 5XX code")
            if isinstance(ctype, str) and ctype not in _FIXED_CONTENT_TYPES:
                out.append(f"{where}: fixedResponse.contentType {ctype!r} is not one of "
                           f"{', '.join(_FIXED_CONTENT_TYPES)}")
            if isinstance(body, str) and len(body) > 1024:
                out.append(f"{where}: fixedResponse.messageBody is longer than 1024 characters")
        elif kind == "redirect":
            code = as_str(get(a, "redirect.statusCode"))
            if isinstance(code, str) and code not in ("HTTP_301", "HTTP_302"):
                out.append(f"{where}: redirect.statusCode {code!r} is not HTTP_301 or HTTP_302")
        elif kind.startswith("authenticate-") and not https:
            out.append(f"{where}: {kind} actions are only supported on HTTPS listeners")
    return out


@rule(name="alb-listener-constraints", area=ACCEPTANCE, resource_types=LISTENER_TYPES,
      description="Listeners CreateListener accepts: HTTPS/TLS listeners carry a certificate, plain ones none, "
                  "ports 1-65535, well-formed default actions (fixed responses, redirects, forward weights).",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Give HTTPS listeners an issued certificate (edge.certificateArn or the managed ACM "
                  "certificate) and valid actions.")
def validate_listener_constraints(args, report_violation) -> None:
    if args.resource_type not in LISTENER_TYPES:
        return
    p = args.props
    protocol = as_str(get(p, "protocol"), "HTTP")
    port = _number(p, "port")
    problems = []
    if port is not None and not 1 <= port <= 65535:
        problems.append(f"port {port} is outside 1-65535")
    cert = get(p, "certificateArn")
    if protocol in SECURE_PROTOCOLS and cert in (None, ""):
        problems.append(f"a {protocol} listener needs certificateArn (a certificate for the TLS handshake)")
    # "A certificate must be specified for HTTPS listeners" / "A certificate cannot be specified for HTTP
    # listeners" (CreateListener ValidationError); SslPolicy is only valid on HTTPS and TLS listeners.
    if protocol not in SECURE_PROTOCOLS and cert not in (None, "") and not is_unknown(protocol):
        problems.append(f"certificateArn is set on a {protocol} listener, which takes no certificate")
    if protocol not in SECURE_PROTOCOLS and get(p, "sslPolicy") not in (None, "") and not is_unknown(protocol):
        problems.append(f"sslPolicy is set on a {protocol} listener; only HTTPS and TLS listeners take one")
    problems += _action_problems(as_list(get(p, "defaultActions")), protocol == "HTTPS", "defaultActions")
    report_problems(report_violation, problems)


@rule(name="alb-listener-rule-constraints", area=ACCEPTANCE, resource_types=LISTENER_RULE_TYPES, stack=True,
      description="Listener rules CreateRule accepts: priority 1-50000 and unique per listener, 1+ condition "
                  "with at most 5 values, well-formed actions.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Give every rule its own priority (components/edge/routing.py) and at most 5 condition "
                  "values.")
def validate_listener_rule_constraints(args, report_violation) -> None:
    """Stack: per rule ranges and, per listener, unique priorities (CreateRule: PriorityInUse)."""
    by_priority: dict[tuple, list] = {}
    for r in args.resources:
        if r.resource_type not in LISTENER_RULE_TYPES:
            continue
        p = r.props
        problems = []
        priority = _number(p, "priority")
        if priority is not None and not 1 <= priority <= 50000:
            problems.append(f"priority {priority} is outside 1-50000")
        conditions = as_list(get(p, "conditions"))
        if not is_unknown(conditions):
            if not conditions:
                problems.append("a listener rule needs at least one condition")
            values = sum(_condition_values(c) for c in conditions)
            # "Condition values per rule": 5 (ELB quotas for Application Load Balancers, read 2026-11).
            if values > 5:
                problems.append(f"the conditions carry {values} values; a rule allows at most 5")
        problems += _action_problems(as_list(get(p, "actions")), True, "actions")
        report_problems(report_violation, problems, r.urn)
        listener = _listener_key(r)
        if listener is not None and priority is not None:
            by_priority.setdefault((listener, priority), []).append(r)
    for (_, priority), rules in by_priority.items():
        if len(rules) > 1:
            names = ", ".join(sorted(r.name for r in rules))
            for r in rules:
                report_violation(f"Priority {priority} is used by several rules of one listener ({names}): "
                                 f"PriorityInUse.", r.urn)


def _condition_values(condition) -> int:
    count = len(as_list(get(condition, "queryStrings")) or [])
    for key in ("hostHeader", "pathPattern", "httpRequestMethod", "sourceIp", "httpHeader"):
        for field in ("values", "regexValues"):
            listed = as_list(get(condition, f"{key}.{field}"))
            count += 0 if is_unknown(listed) else len(listed)
    return count


def _listener_key(rule) -> Any:
    deps = producers(rule, "listenerArn")
    for d in deps:
        if d.resource_type in LISTENER_TYPES:
            return d.urn
    arn = as_str(get(rule.props, "listenerArn"))
    return arn if isinstance(arn, str) and arn else None


# ALB access-log delivery (who may put the objects): platform_policies.facts.elb_logs.
_ACCOUNT_IN = re.compile(r"^(?:arn:aws[a-z-]*:iam::)?(\d{12})(?::root)?$")
_BUCKET_OBJECT = re.compile(r"^arn:aws[a-z-]*:s3:::([^/]+)/(.*)$")


def _principal_values(principal) -> list[str]:
    if isinstance(principal, str):
        return [principal]
    values: list[str] = []
    if isinstance(principal, dict):
        for v in principal.values():
            values += [v] if isinstance(v, str) else [x for x in v if isinstance(x, str)] if isinstance(v, list) else []
    return values


def _delivers(principal, region: Any) -> bool:
    """The principal is one ELB delivers logs as in ``region`` (any region's ELB account when unknown)."""
    for value in _principal_values(principal):
        if value == ELB_LOG_DELIVERY_PRINCIPAL:
            return True
        m = _ACCOUNT_IN.match(value)
        if m and (m.group(1) == ELB_LOG_ACCOUNTS.get(region) if isinstance(region, str) and region
                  else m.group(1) in ELB_LOG_ACCOUNTS.values()):
            return True
    return False


def _log_key(prefix: str, resource: str, region: Any) -> str:
    """An object key the load balancer writes: <prefix>/AWSLogs/<account>/elasticloadbalancing/<region>/..."""
    account = next(iter(re.findall(r"/AWSLogs/(\d{12})/", resource)), "123456789012")
    head = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
    return f"{head}AWSLogs/{account}/elasticloadbalancing/{region or 'us-east-1'}/2026/01/01/log.gz"


def _covers(resource: str, key: str) -> bool:
    """The policy Resource (an object ARN, * and ? wildcards) matches the object key in its bucket."""
    m = _BUCKET_OBJECT.match(resource)
    if resource == "*" or (m is None and resource.endswith(":::*")):
        return True
    return bool(m) and fnmatch.fnmatchcase(key, m.group(2))


def _delivery_problem(policy_doc, region: Any, prefix: str) -> str | None:
    """Why the bucket policy does not let the load balancer write its logs, or None."""
    grants = []
    for st in statements(policy_doc):
        actions = listify(st.get("Action"))
        if st.get("Effect") == "Allow" and any(a in ("s3:PutObject", "s3:*", "*") for a in actions):
            grants.append(st)
    by_elb = [st for st in grants if _delivers(st.get("Principal"), region)]
    if not by_elb:
        want = ELB_LOG_ACCOUNTS.get(region) if isinstance(region, str) else None
        who = (f"the ELB account of {region} ({want}) or {ELB_LOG_DELIVERY_PRINCIPAL}" if want
               else ELB_LOG_DELIVERY_PRINCIPAL if isinstance(region, str) and region
               else f"an ELB log-delivery account or {ELB_LOG_DELIVERY_PRINCIPAL}")
        return f"no statement lets {who} s3:PutObject"
    resources = [r for st in by_elb for r in listify(st.get("Resource")) if isinstance(r, str)]
    if resources and not any(_covers(r, _log_key(prefix, r, region)) for r in resources):
        where = f"{prefix.strip('/')}/AWSLogs/<account>/" if prefix.strip("/") else "AWSLogs/<account>/"
        return f"the ELB grant covers {', '.join(resources)}, not {where} where the load balancer writes"
    return None


@rule(name="alb-access-log-bucket", area=ACCEPTANCE, resource_types=(*LB_TYPES, *BUCKET_TYPES), stack=True,
      description="An ALB's access-log bucket lets Elastic Load Balancing of the load balancer's region write "
                  "under the prefix the load balancer uses, and uses SSE-S3 (else enabling access logs fails).",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Grant the ELB account of the load balancer's region (or "
                  "logdelivery.elasticloadbalancing.amazonaws.com) s3:PutObject on "
                  "<bucket>/<accessLogs.prefix>/AWSLogs/<account>/* and keep SSE-S3.")
def validate_access_log_bucket(args, report_violation) -> None:
    resources = list(args.resources)
    for lb in resources:
        if lb.resource_type not in LB_TYPES or as_bool(get(lb.props, "accessLogs.enabled"), False) is not True:
            continue
        region = region_of(lb) or stack_region(resources)
        prefix = as_str(get(lb.props, "accessLogs.prefix"), "")
        deps = producers(lb, "accessLogs")
        buckets = [d for d in deps if d.resource_type in BUCKET_TYPES]
        for bucket in buckets:
            policies = companions(bucket, resources, BUCKET_POLICY)
            docs = [parse_json(get(p.props, "policy")) for p in policies]
            if any(is_unknown(d) for d in docs) or is_unknown(prefix):
                continue
            problems = [_delivery_problem(d, region, prefix or "") for d in docs] or ["it has no bucket policy"]
            if all(problems):
                report_violation(f"Access-log bucket {bucket.name}: {problems[0]}; enabling access logs fails "
                                 f"(AccessDenied).", lb.urn)
            for sse in companions(bucket, resources, BUCKET_SSE):
                algos = {as_str(get(rule, "applyServerSideEncryptionByDefault.sseAlgorithm"))
                         for rule in as_list(get(sse.props, "rules")) or []}
                if algos & {"aws:kms", "aws:kms:dsse"}:
                    report_violation(f"Access-log bucket {bucket.name} uses SSE-KMS; ALB access logs support "
                                     f"only SSE-S3 (AES256).", lb.urn)


# ---- checks of cross-service rules (cross_service.py) ----------------------------------------------------

def claims_private_origins(props) -> bool:
    tags = as_mapping(get(props, "tags"))
    return not is_unknown(tags) and tags.get(PRIVATE_ORIGIN_TAG[0]) == PRIVATE_ORIGIN_TAG[1]


@check(ENCRYPTION_IN_TRANSIT, *LISTENER_TYPES,
       anchors=("CKV_AWS_2", "CKV2_AWS_20", "aws-alb-listener-disallow-unencrypted-traffic"))
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


# CreateLoadBalancer / CreateTargetGroup Name: 32 characters, alphanumerics and inner hyphens
# (ELB API reference, read 2026-11).
_LB_NAME = re.compile(r"[A-Za-z0-9](-?[A-Za-z0-9])*")
physical_names(NameRule("name", 32, pattern=_LB_NAME), *LB_TYPES, *TARGET_GROUP_TYPES)


baseline(
    __name__,
    service="Elastic Load Balancing",
    resource_types=(
        "aws:lb/loadBalancer:LoadBalancer",
        "aws:lb/listener:Listener",
        "aws:lb/listenerRule:ListenerRule",
        "aws:lb/targetGroup:TargetGroup",
    ),
    not_applicable={
        "AwsSolutions-ELB1": "Judges Classic Load Balancers; the program creates only an Application Load Balancer.",
        "AwsSolutions-ELB3": "Connection draining of Classic Load Balancers; ALB target groups use "
                             "deregistrationDelay (checked in range by alb-target-group-constraints).",
        "AwsSolutions-ELB4": "Cross-zone balancing of Classic Load Balancers; an ALB always balances across zones.",
        "AwsSolutions-ELB5": "Listener protocols of Classic Load Balancers; ALB listeners are judged by "
                             "encryption-in-transit and alb-listener-tls-policy.",
        "CKV_AWS_152": "Cross-zone load balancing of Network/Gateway Load Balancers; always on for an ALB.",
        "CKV_AWS_378": "Requires HTTPS between the ALB and its targets; the targets are Fargate tasks in private "
                       "subnets reached only from the ALB's security group, and the services speak HTTP (TLS "
                       "terminates at the ALB, internal service-to-service traffic uses Service Connect TLS).",
        "CKV_AWS_376": "Judged per listener by encryption-in-transit (an HTTP listener may only redirect to "
                       "HTTPS) together with alb-listener-tls-policy for the HTTPS listener.",
    },
)
