"""The edge tier's Application Load Balancer: access-log bucket, security group,
target groups (one per public service), listeners and path rules.

The ALB is internal (private subnets) in every edge mode (components/edge/mode.py): only the
CloudFront VPC origin (components/edge/cdn.py) and the API Gateway VPC link (api.py) reach it,
each through an ingress rule on its security group.  With a domain its serving listener is
HTTPS (443); without one it is plain HTTP (80), which the policy pack accepts only for such a
private listener (``alb-private-http-listener``, policies/platform_policies/rules/elb.py).

Used by :class:`components.edge.edge.Edge`; every resource is a child of that component.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Optional, Sequence

import pulumi
import pulumi_aws as aws
from platform_policies.facts.elb_logs import ELB_LOG_DELIVERY_PRINCIPAL, elb_log_principal  # noqa: F401

from ..shared.buckets import private_bucket, tls_only_policy
from ..shared.naming import LIMITS, fit
from .mode import HTTP_PORT, HTTPS_PORT, EdgeMode
from .routing import CATCH_ALL_PATH, DEFAULT_ROUTE_PATHS, path_problem, stage_rewrite, wildcard_to_regex
from ..config.settings import ServiceSettings, Settings

# TLS 1.3 + TLS 1.2 with forward-secret AEAD ciphers only; the policy AWS recommends for
# new HTTPS listeners (ELB user guide, "Security policies for your Application Load
# Balancer", read 2026-11).
ALB_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"

# Only SSE-S3 is supported on an ALB access-log bucket ("The only server-side encryption
# option that's supported is Amazon S3-managed keys (SSE-S3)": ELB user guide, "Enable
# access logs for your Application Load Balancer", read 2026-11).
ACCESS_LOG_SSE = "AES256"
ACCESS_LOG_PREFIX = "alb"

# A service whose path is one of these takes the listener's default action.
# Rule priorities must stay put when services are added or removed: ALB rejects a
# priority another rule still holds (PriorityInUse), and Pulumi updates the surviving
# rules before it deletes a removed one, so renumbering by position breaks `pulumi up`
# (pulumi/pulumi-aws#175, closed by-design).  A rule's priority therefore depends only
# on its own path's length (longer = more specific = lower) and a hash of its service
# name: band (MAX_PATH_LENGTH - len(path)), slot sha256(service) % PRIORITY_SLOTS.
# Path patterns are at most 128 characters (ELB user guide, "Listener rules for your
# Application Load Balancer", path conditions, read 2026-11), so priorities stay within
# 100..12899, below the catch-all.
FIRST_RULE_PRIORITY = 100
MAX_PATH_LENGTH = 128
PRIORITY_SLOTS = 100
# The default-route service also gets a catch-all rule (ECS canary deployments shift the
# weights of a listener *rule*); it goes last.  50000 is the highest priority ALB accepts
# (ELB API reference, CreateRule "Priority", read 2026-11).
CATCH_ALL_PRIORITY = 50000
HSTS = "max-age=31536000; includeSubDomains"

# A plain-HTTP listener that forwards declares that only private AWS paths reach it (the
# CloudFront VPC origin and the API Gateway VPC link).  The policy pack's encryption-in-transit
# accepts such a listener only with this tag, and its alb-private-http-listener rule checks the
# claim against the graph (internal ALB, no source but those two): the tag alone proves nothing.
PRIVATE_ORIGIN_TAG = ("origin-access", "cloudfront-vpc-origin+api-vpc-link")

# Every rule also needs the origin-verify header (components/edge/origin_verify.py).  ALB allows
# at most 3 match values per condition and 5 per rule, regex values included ("You can
# specify up to three match evaluations per condition ... up to five match evaluations per
# rule"; with host-header, http-header and path-pattern "you can use value matching or
# regular expression (regex) matching": ELB user guide, "Condition types for listener
# rules", condition basics, read 2026-11): a path rule has 1 regex value, plus 1 header
# value (2 mid-rotation).
MAX_VALUES_PER_CONDITION = 3
MAX_VALUES_PER_RULE = 5
# Each regex value is at most 128 characters ("The maximum length of each string is 128
# characters" for RegexValues: ELB API reference, PathPatternConditionConfig, read
# 2026-11); components/edge/routing.py checks it (MAX_PATH_REGEX_LENGTH).

# Requests without the origin-verify header (anything in the VPC other than the two senders).
FORBIDDEN = {"type": "fixed-response",
             "fixed_response": {"content_type": "text/plain", "message_body": "Forbidden", "status_code": "403"}}
NOT_FOUND = {"type": "fixed-response",
             "fixed_response": {"content_type": "text/plain", "message_body": "Not found", "status_code": "404"}}


# ---- routing (pure: tested without Pulumi) ---------------------------------------------------
#
# API Gateway sends the stage in the path over a private integration: `/users/1` on stage
# v1 reaches the ALB as `/v1/users/1` ("API Gateway includes the stage portion of the API
# endpoint in the request to your backend resources": API Gateway developer guide,
# "Private integrations for REST APIs", considerations, read 2026-11); CloudFront sends the
# path as is.  So each rule matches its path with or without `/<stage>` (a path-pattern
# regex), and a url-rewrite transform strips the stage before forwarding.  ALB evaluates
# the conditions on the original request and rewrites afterwards ("A rule transform
# rewrites inbound requests before they are routed to targets. Rewriting a request does
# not change the routing decision made when evaluating the rule conditions"; at most one
# URL rewrite per rule; no pattern match = the request goes unchanged; a match whose
# rewrite fails = HTTP 500: ELB user guide, "Transforms for listener rules", read 2026-11).
# ALB regexes are PCRE-like without lookarounds, backreferences, atomic groups, possessive
# quantifiers, recursion or \p{..} classes (same guide, "Listener rules for your
# Application Load Balancer", rule basics, read 2026-11): only ^ $ ( ) | ? * . \ are used.

def public_services(settings: Settings) -> dict[str, ServiceSettings]:
    """Services routed from the ALB, in config order."""
    return {n: s for n, s in settings.config.services.items() if s is not None and s.public}


def default_route_service(settings: Settings) -> Optional[str]:
    """The public service taking the default route (settings allows at most one)."""
    return next((n for n, s in public_services(settings).items() if s.path in DEFAULT_ROUTE_PATHS), None)


@dataclass(frozen=True)
class PathRule:
    service: str
    priority: int
    path: str
    """The configured ALB wildcard path (``/*`` for the default route's catch-all)."""
    regex: str
    """The path-pattern regex the rule matches (see :func:`wildcard_to_regex`)."""


def _priority_slot(service: str) -> int:
    return int(hashlib.sha256(service.encode()).hexdigest(), 16) % PRIORITY_SLOTS


def _check_path(service: str, path: str, stage: str) -> None:
    # Settings validation refuses such paths first; this guards direct callers.
    problem = path_problem(path, stage)
    if problem:
        raise ValueError(f"services.{service}.path {path!r} {problem}")


def path_rules(settings: Settings, stage: str) -> list[PathRule]:
    """One listener rule per public service (ECS canaries shift the weights of exactly one).

    Each rule matches its service's path with or without the ``/<stage>`` prefix API
    Gateway adds (``stage``: the REST API stage name).  Longer (more specific) patterns
    get lower priorities so `/orders/items/*` wins over `/orders/*`.  The default-route
    service's rule matches everything and is evaluated last.  Priorities do not move when
    other services come or go (see FIRST_RULE_PRIORITY); only two services with equally
    long paths and the same hash slot share a band and probe to the next free slot, in
    name order.
    """
    routed = [(n, s.path) for n, s in public_services(settings).items() if s.path not in DEFAULT_ROUTE_PATHS]
    routed.sort(key=lambda item: (-len(item[1]), item[0]))
    taken: set[int] = set()
    rules = []
    for service, path in routed:
        _check_path(service, path, stage)
        band = FIRST_RULE_PRIORITY + max(0, MAX_PATH_LENGTH - len(path)) * PRIORITY_SLOTS
        slot = _priority_slot(service)
        for _ in range(PRIORITY_SLOTS):
            if band + slot not in taken:
                break
            slot = (slot + 1) % PRIORITY_SLOTS
        else:  # 100 public services with equally long paths: past ALB's 100-rule default quota anyway
            raise ValueError(f"more than {PRIORITY_SLOTS} public services have {len(path)}-character paths")
        taken.add(band + slot)
        rules.append(PathRule(service, band + slot, path, wildcard_to_regex(path, stage)))
    default = default_route_service(settings)
    if default is not None:
        rules.append(PathRule(default, CATCH_ALL_PRIORITY, CATCH_ALL_PATH, wildcard_to_regex(CATCH_ALL_PATH, stage)))
    return rules


def check_condition_budget(path_values: Sequence[str], header_values: int) -> None:
    """Raise if a rule's match values exceed what ALB accepts (see MAX_VALUES_PER_RULE).

    ``path_values``: the path-pattern condition's values, wildcard or regex alike (both
    count as match evaluations)."""
    counts = (len(path_values), header_values)
    if max(counts) > MAX_VALUES_PER_CONDITION or sum(counts) > MAX_VALUES_PER_RULE:
        raise ValueError(f"listener rule with paths {list(path_values)} and {header_values} header value(s) "
                         f"exceeds ALB's {MAX_VALUES_PER_CONDITION} values per condition / "
                         f"{MAX_VALUES_PER_RULE} per rule")


def rule_conditions(path_values: Sequence[str], header_name: str, header_values: Sequence[pulumi.Input[str]],
                    *, regex: bool = False) -> list[aws.lb.ListenerRuleConditionArgs]:
    """Path match (wildcard ``values`` or, with ``regex``, ``regex_values``) AND the
    origin-verify header (any of its accepted values)."""
    check_condition_budget(path_values, len(header_values))
    path = (aws.lb.ListenerRuleConditionPathPatternArgs(regex_values=list(path_values)) if regex
            else aws.lb.ListenerRuleConditionPathPatternArgs(values=list(path_values)))
    return [aws.lb.ListenerRuleConditionArgs(path_pattern=path),
            aws.lb.ListenerRuleConditionArgs(http_header=aws.lb.ListenerRuleConditionHttpHeaderArgs(
                http_header_name=header_name, values=list(header_values)))]


def stage_transform(stage: str) -> aws.lb.ListenerRuleTransformArgs:
    """The url-rewrite transform every forwarding rule carries (see :func:`stage_rewrite`)."""
    regex, replace = stage_rewrite(stage)
    return aws.lb.ListenerRuleTransformArgs(
        type="url-rewrite",
        url_rewrite_config=aws.lb.ListenerRuleTransformUrlRewriteConfigArgs(
            rewrite=aws.lb.ListenerRuleTransformUrlRewriteConfigRewriteArgs(regex=regex, replace=replace)))




# ---- resources -------------------------------------------------------------------------------

@dataclass
class AlbResources:
    security_group: aws.ec2.SecurityGroup
    load_balancer: aws.lb.LoadBalancer
    https_listener: Optional[aws.lb.Listener]
    """The HTTPS listener (443) when the mode has a certificate; None without a domain."""
    http_listener: aws.lb.Listener
    """Port 80: redirects to HTTPS when there is one, else it is the serving listener."""
    serving_listener: aws.lb.Listener
    """The listener the path rules hang off (HTTPS with a domain, HTTP without)."""
    target_groups: dict[str, aws.lb.TargetGroup]
    alternate_target_groups: dict[str, aws.lb.TargetGroup]
    listener_rules: dict[str, aws.lb.ListenerRule]
    """Service -> the rule forwarding to its primary/alternate pair (ECS canaries)."""
    unrouted_rule: Optional[aws.lb.ListenerRule]
    """Without a default-route service: verified requests no rule routes get a 404."""
    log_bucket: aws.s3.Bucket


def _access_log_bucket(name: str, settings: Settings, parent: pulumi.Resource) -> tuple[aws.s3.Bucket, aws.s3.BucketPolicy]:
    cfg = settings.config
    # force_destroy: dev may delete a bucket that still holds logs.
    bucket, public_block = private_bucket(f"{name}-alb-logs", force_destroy=not cfg.deletionProtection,
                                          tags=settings.tags("edge", "alb"), parent=parent,
                                          sse_algorithm=ACCESS_LOG_SSE)
    aws.s3.BucketLifecycleConfiguration(
        f"{name}-alb-logs-expiry", bucket=bucket.id,
        rules=[{"id": "expire-access-logs", "status": "Enabled", "filter": {},
                "expiration": {"days": cfg.logRetentionDays},
                "abort_incomplete_multipart_upload": {"days_after_initiation": 1}}],
        opts=pulumi.ResourceOptions(parent=parent))
    principal = elb_log_principal(settings.region)
    bucket_policy = tls_only_policy(f"{name}-alb-logs", bucket, public_block, lambda arn, account: [
        {"Sid": "ElbAccessLogDelivery", "Effect": "Allow", "Principal": principal, "Action": "s3:PutObject",
         "Resource": f"{arn}/{ACCESS_LOG_PREFIX}/AWSLogs/{account}/*"}], parent)
    return bucket, bucket_policy


def _security_group(name: str, settings: Settings, vpc_id: pulumi.Input[str], ports: Sequence[int],
                    parent: pulumi.Resource) -> aws.ec2.SecurityGroup:
    """The ALB's group: no ingress of its own.  The senders add theirs, from their own group
    only (cdn.py: the CloudFront VPC origin's; api.py: the VPC link's).  Egress reaches only the
    service ports inside the VPC.  (Tag tier=edge and the description prefix "ALB" are how the
    policy pack's no-open-ingress rule recognises an edge group; nothing here is open.)"""
    opts = pulumi.ResourceOptions(parent=parent)
    sg = aws.ec2.SecurityGroup(
        f"{name}-alb-sg", vpc_id=vpc_id,
        description="ALB (internal): only from the CloudFront VPC origin and the API Gateway VPC link",
        tags=settings.tags("edge", "alb"), opts=opts)
    # Targets are Fargate tasks in the VPC; their own groups admit only this one (compute tier).
    for port in sorted(set(ports)):
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-alb-out-{port}", security_group_id=sg.id, ip_protocol="tcp", from_port=port, to_port=port,
            cidr_ipv4=settings.config.vpcCidr, description=f"To service tasks on {port} (traffic and health checks)",
            tags=settings.tags("edge", "alb"), opts=opts)
    return sg


def _target_group(logical_base: str, service: str, svc: ServiceSettings, settings: Settings,
                  vpc_id: pulumi.Input[str], parent: pulumi.Resource) -> aws.lb.TargetGroup:
    # Logical name fitted so "<logical>-<7 chars>" stays within AWS's 32 characters.
    logical = fit(logical_base, LIMITS["target_group"], autonamed=True)
    return aws.lb.TargetGroup(
        logical, vpc_id=vpc_id, port=svc.port, protocol="HTTP", protocol_version="HTTP1",
        target_type="ip",  # Fargate awsvpc tasks register by IP
        deregistration_delay=30,
        health_check={"enabled": True, "path": svc.healthCheckPath, "protocol": "HTTP", "port": "traffic-port",
                      "matcher": "200-399", "interval": 15, "timeout": 5, "healthy_threshold": 3,
                      "unhealthy_threshold": 3},
        tags=settings.tags("edge", service),
        opts=pulumi.ResourceOptions(parent=parent))


def build_alb(name: str, settings: Settings, vpc_id: pulumi.Input[str],
              private_subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]],
              origin_header_name: str, origin_header_values: Sequence[pulumi.Input[str]],
              api_stage_name: str, mode: EdgeMode, certificate_arn: Optional[pulumi.Input[str]],
              parent: pulumi.Resource) -> AlbResources:
    """``origin_header_values``: the secret values (any of them) a request must carry in
    ``origin_header_name`` to be routed; everything else gets the listener's 403.
    ``api_stage_name``: the REST API stage, whose ``/<stage>`` path prefix the rules accept
    and strip before forwarding.  ``certificate_arn``: the (validated) certificate of
    edge.domainName for the HTTPS listener; None without a domain (``mode``)."""
    cfg = settings.config
    services = public_services(settings)
    bucket, bucket_policy = _access_log_bucket(name, settings, parent)
    sg = _security_group(name, settings, vpc_id, [s.port for s in services.values()], parent)

    # Internal in every mode: `internal` cannot change in place (a new load balancer), so the
    # edge modes never flip it.  Private subnets: the VPC origin and the VPC link live there.
    alb = aws.lb.LoadBalancer(
        fit(f"{name}-alb", LIMITS["lb"], autonamed=True),
        load_balancer_type="application", internal=True, ip_address_type="ipv4",
        subnets=private_subnet_ids, security_groups=[sg.id],
        drop_invalid_header_fields=True,
        enable_deletion_protection=cfg.deletionProtection,
        enable_http2=True, idle_timeout=60,
        access_logs={"bucket": bucket.bucket, "prefix": ACCESS_LOG_PREFIX, "enabled": True},
        tags=settings.tags("edge", "alb"),
        # ELB checks it can write to the bucket when logging is turned on.
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[bucket_policy]))

    groups = {svc: _target_group(f"{name}-{svc}", svc, s, settings, vpc_id, parent) for svc, s in services.items()}
    # Second group per service: ECS canary deployments start the new revision there and
    # shift the rule's weights (ECS developer guide, "Application Load Balancer resources
    # for blue/green, linear, and canary deployments", read 2026-11).
    alternates = {svc: _target_group(f"{name}-{svc}-alt", svc, s, settings, vpc_id, parent)
                  for svc, s in services.items()}
    # Only rules forward, and every rule needs the origin header: the default answers 403.
    # The default-route service is reached through its catch-all rule instead.
    https = None
    if mode.tls_to_alb:
        if certificate_arn is None:
            raise ValueError(f"edge mode {mode.value} needs the certificate of edge.domainName")
        https = aws.lb.Listener(
            f"{name}-https", load_balancer_arn=alb.arn, port=HTTPS_PORT, protocol="HTTPS",
            ssl_policy=ALB_TLS_POLICY, certificate_arn=certificate_arn,
            routing_http_response_strict_transport_security_header_value=HSTS,
            default_actions=[FORBIDDEN], tags=settings.tags("edge", "alb"),
            opts=pulumi.ResourceOptions(parent=parent))
        # Kept in every mode so switching modes updates it in place; nothing may reach port 80
        # while there is a certificate (the senders' ingress rules open 443 only).
        http = aws.lb.Listener(
            f"{name}-http", load_balancer_arn=alb.arn, port=HTTP_PORT, protocol="HTTP",
            default_actions=[{"type": "redirect",
                              "redirect": {"protocol": "HTTPS", "port": str(HTTPS_PORT), "status_code": "HTTP_301"}}],
            tags=settings.tags("edge", "alb"), opts=pulumi.ResourceOptions(parent=parent))
    else:
        # No domain, so no certificate the senders would accept: CloudFront (VPC origin) and API
        # Gateway (VPC link) speak HTTP to the internal ALB over AWS's network inside the VPC,
        # and viewers get HTTPS at CloudFront and execute-api (docs/edge.md, edge modes).
        http = aws.lb.Listener(
            f"{name}-http", load_balancer_arn=alb.arn, port=HTTP_PORT, protocol="HTTP",
            default_actions=[FORBIDDEN],
            tags={**settings.tags("edge", "alb"), PRIVATE_ORIGIN_TAG[0]: PRIVATE_ORIGIN_TAG[1]},
            opts=pulumi.ResourceOptions(parent=parent))
    serving = https or http

    rules = {}
    for rule in path_rules(settings, api_stage_name):
        rules[rule.service] = aws.lb.ListenerRule(
            f"{name}-rule-{rule.service}", listener_arn=serving.arn, priority=rule.priority,
            conditions=rule_conditions((rule.regex,), origin_header_name, origin_header_values, regex=True),
            # API Gateway's `/<stage>` prefix off, so services see the same paths from both senders.
            transforms=[stage_transform(api_stage_name)],
            actions=[{"type": "forward", "forward": {"target_groups": [
                {"arn": groups[rule.service].arn, "weight": 100},
                {"arn": alternates[rule.service].arn, "weight": 0}]}}],
            tags=settings.tags("edge", rule.service),
            # ECS owns the weights once a service deploys (it swaps primary and alternate).
            # Conditions and the transform stay managed here: the origin header must never
            # drift away.
            opts=pulumi.ResourceOptions(parent=parent, ignore_changes=["actions"]))

    unrouted = None
    if default_route_service(settings) is None:
        # Keeps "verified but no such route" a 404 now that the default action is 403.
        unrouted = aws.lb.ListenerRule(
            f"{name}-rule-unrouted", listener_arn=serving.arn, priority=CATCH_ALL_PRIORITY,
            conditions=rule_conditions((CATCH_ALL_PATH,), origin_header_name, origin_header_values),
            actions=[NOT_FOUND], tags=settings.tags("edge", "alb"),
            opts=pulumi.ResourceOptions(parent=parent))

    return AlbResources(sg, alb, https, http, serving, groups, alternates, rules, unrouted, bucket)
