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

from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

import pulumi
import pulumi_aws as aws
from platform_policies.facts.elb_logs import elb_log_principal

from ..shared.buckets import private_bucket, tls_only_policy
from ..shared.naming import LIMITS, fit
from ..shared.tags import ServiceTags
from .mode import HTTP_PORT, HTTPS_PORT, EdgeMode
from .origin_verify import OriginVerification
from .routing import API_STAGE, CATCH_ALL_PATH, CATCH_ALL_PRIORITY, default_route_service, path_rules, stage_rewrite

# TLS 1.3 + 1.2, forward-secret AEAD ciphers only: AWS's recommendation for new HTTPS listeners
# (ELB user guide, "Security policies for your Application Load Balancer", read 2026-11).
ALB_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"

# An access-log bucket takes SSE-S3 only (ELB user guide, "Enable access logs for your
# Application Load Balancer", read 2026-11).
ACCESS_LOG_SSE = "AES256"
ACCESS_LOG_PREFIX = "alb"
HSTS = "max-age=31536000; includeSubDomains"

# A plain-HTTP listener that forwards declares that only private AWS paths reach it (the
# CloudFront VPC origin and the API Gateway VPC link).  The policy pack's encryption-in-transit
# accepts such a listener only with this tag, and its alb-private-http-listener rule checks the
# claim against the graph (internal ALB, no source but those two): the tag alone proves nothing.
PRIVATE_ORIGIN_TAG = ("origin-access", "cloudfront-vpc-origin+api-vpc-link")

# ALB takes at most 3 match values per condition and 5 per rule, regex values included (ELB user
# guide, "Condition types for listener rules", read 2026-11): a rule has 1 path regex plus the
# origin-verify header's 1 value (2 mid-rotation).
MAX_VALUES_PER_CONDITION = 3
MAX_VALUES_PER_RULE = 5

# Requests without the origin-verify header (anything in the VPC other than the two senders).
FORBIDDEN = {"type": "fixed-response",
             "fixed_response": {"content_type": "text/plain", "message_body": "Forbidden", "status_code": "403"}}
NOT_FOUND = {"type": "fixed-response",
             "fixed_response": {"content_type": "text/plain", "message_body": "Not found", "status_code": "404"}}


@dataclass(frozen=True)
class PublicService:
    """A service the ALB routes to."""

    port: int = 8080
    """Container port: the target groups' port and the ALB's egress."""
    path: str = ""
    """ALB path pattern, e.g. ``/orders/*``; "" or ``/*`` = the default route."""
    health_check_path: str = "/health"
    """HTTP health-check path of the target groups."""


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


def _access_log_bucket(name: str, region: str, tags: dict[str, str], deletion_protection: bool,
                       log_retention_days: int, parent: pulumi.Resource) -> tuple[aws.s3.Bucket, aws.s3.BucketPolicy]:
    # force_destroy: dev may delete a bucket that still holds logs.
    bucket, public_block = private_bucket(f"{name}-alb-logs", force_destroy=not deletion_protection,
                                          tags=tags, parent=parent, sse_algorithm=ACCESS_LOG_SSE)
    aws.s3.BucketLifecycleConfiguration(
        f"{name}-alb-logs-expiry", bucket=bucket.id,
        rules=[{"id": "expire-access-logs", "status": "Enabled", "filter": {},
                "expiration": {"days": log_retention_days},
                "abort_incomplete_multipart_upload": {"days_after_initiation": 1}}],
        opts=pulumi.ResourceOptions(parent=parent))
    principal = elb_log_principal(region)
    bucket_policy = tls_only_policy(f"{name}-alb-logs", bucket, public_block, lambda arn, account: [
        {"Sid": "ElbAccessLogDelivery", "Effect": "Allow", "Principal": principal, "Action": "s3:PutObject",
         "Resource": f"{arn}/{ACCESS_LOG_PREFIX}/AWSLogs/{account}/*"}], parent)
    return bucket, bucket_policy


def _security_group(name: str, vpc_id: pulumi.Input[str], vpc_cidr: str, ports: Sequence[int],
                    tags: dict[str, str], parent: pulumi.Resource) -> aws.ec2.SecurityGroup:
    """The ALB's group: no ingress of its own.  The senders add theirs, from their own group
    only (cdn.py: the CloudFront VPC origin's; api.py: the VPC link's).  Egress reaches only the
    service ports inside the VPC.  (Tag tier=edge and the description prefix "ALB" are how the
    policy pack's no-open-ingress rule recognises an edge group; nothing here is open.)"""
    opts = pulumi.ResourceOptions(parent=parent)
    sg = aws.ec2.SecurityGroup(
        f"{name}-alb-sg", vpc_id=vpc_id,
        description="ALB (internal): only from the CloudFront VPC origin and the API Gateway VPC link",
        tags=tags, opts=opts)
    # Targets are Fargate tasks in the VPC; their own groups admit only this one (compute tier).
    for port in sorted(set(ports)):
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-alb-out-{port}", security_group_id=sg.id, ip_protocol="tcp", from_port=port, to_port=port,
            cidr_ipv4=vpc_cidr, description=f"To service tasks on {port} (traffic and health checks)",
            tags=tags, opts=opts)
    return sg


def _target_group(logical_base: str, svc: PublicService, vpc_id: pulumi.Input[str], tags: dict[str, str],
                  parent: pulumi.Resource) -> aws.lb.TargetGroup:
    # Logical name fitted so "<logical>-<7 chars>" stays within AWS's 32 characters.
    logical = fit(logical_base, LIMITS["target_group"], autonamed=True)
    return aws.lb.TargetGroup(
        logical, vpc_id=vpc_id, port=svc.port, protocol="HTTP", protocol_version="HTTP1",
        target_type="ip",  # Fargate awsvpc tasks register by IP
        deregistration_delay=30,
        health_check={"enabled": True, "path": svc.health_check_path, "protocol": "HTTP", "port": "traffic-port",
                      "matcher": "200-399", "interval": 15, "timeout": 5, "healthy_threshold": 3,
                      "unhealthy_threshold": 3},
        tags=tags,
        opts=pulumi.ResourceOptions(parent=parent))


def _listeners(name: str, alb: aws.lb.LoadBalancer, mode: EdgeMode, certificate_arn: Optional[pulumi.Input[str]],
               tags: dict[str, str], parent: pulumi.Resource) -> tuple[Optional[aws.lb.Listener], aws.lb.Listener]:
    """(HTTPS listener or None, HTTP listener).  Only rules forward, and every rule needs the
    origin header: the default action answers 403."""
    opts = pulumi.ResourceOptions(parent=parent)
    if not mode.tls_to_alb:
        # No domain, so no certificate the senders would accept: CloudFront (VPC origin) and API
        # Gateway (VPC link) speak HTTP to the internal ALB over AWS's network inside the VPC,
        # and viewers get HTTPS at CloudFront and execute-api (docs/edge.md, edge modes).
        return None, aws.lb.Listener(
            f"{name}-http", load_balancer_arn=alb.arn, port=HTTP_PORT, protocol="HTTP",
            default_actions=[FORBIDDEN], tags={**tags, PRIVATE_ORIGIN_TAG[0]: PRIVATE_ORIGIN_TAG[1]}, opts=opts)
    if certificate_arn is None:
        raise ValueError(f"edge mode {mode.value} needs the certificate of the edge's domain")
    https = aws.lb.Listener(
        f"{name}-https", load_balancer_arn=alb.arn, port=HTTPS_PORT, protocol="HTTPS",
        ssl_policy=ALB_TLS_POLICY, certificate_arn=certificate_arn,
        routing_http_response_strict_transport_security_header_value=HSTS,
        default_actions=[FORBIDDEN], tags=tags, opts=opts)
    # Kept in every mode so switching modes updates it in place; nothing may reach port 80
    # while there is a certificate (the senders' ingress rules open 443 only).
    http = aws.lb.Listener(
        f"{name}-http", load_balancer_arn=alb.arn, port=HTTP_PORT, protocol="HTTP",
        default_actions=[{"type": "redirect",
                          "redirect": {"protocol": "HTTPS", "port": str(HTTPS_PORT), "status_code": "HTTP_301"}}],
        tags=tags, opts=opts)
    return https, http


def _listener_rules(name: str, paths: Mapping[str, str], serving: aws.lb.Listener,
                    groups: dict[str, aws.lb.TargetGroup], alternates: dict[str, aws.lb.TargetGroup],
                    origin: OriginVerification, tags: ServiceTags, parent: pulumi.Resource
                    ) -> tuple[dict[str, aws.lb.ListenerRule], Optional[aws.lb.ListenerRule]]:
    """The forwarding rule of each public service, and the 404 rule when no service takes the
    default route."""
    rules = {}
    for rule in path_rules(paths, API_STAGE):
        rules[rule.service] = aws.lb.ListenerRule(
            f"{name}-rule-{rule.service}", listener_arn=serving.arn, priority=rule.priority,
            conditions=rule_conditions((rule.regex,), origin.header_name, origin.accepted_values, regex=True),
            # API Gateway's `/<stage>` prefix off, so services see the same paths from both senders.
            transforms=[stage_transform(API_STAGE)],
            actions=[{"type": "forward", "forward": {"target_groups": [
                {"arn": groups[rule.service].arn, "weight": 100},
                {"arn": alternates[rule.service].arn, "weight": 0}]}}],
            tags=tags(rule.service),
            # ECS owns the forward action once a service deploys: each canary rewrites it to
            # weights over the pair (go-to-k/cdk-real-drift#1730, observed 2026-08), and putting
            # the program's 100/0 back would send traffic to the idle group (aws/aws-cdk#36649).
            # Conditions and the transform stay managed here: the origin header must never
            # drift away.
            opts=pulumi.ResourceOptions(parent=parent, ignore_changes=["actions"]))
    unrouted = None
    if default_route_service(paths) is None:
        # Verified requests no rule routes: 404 (the default action answers unverified ones 403).
        unrouted = aws.lb.ListenerRule(
            f"{name}-rule-unrouted", listener_arn=serving.arn, priority=CATCH_ALL_PRIORITY,
            conditions=rule_conditions((CATCH_ALL_PATH,), origin.header_name, origin.accepted_values),
            actions=[NOT_FOUND], tags=tags("alb"),
            opts=pulumi.ResourceOptions(parent=parent))
    return rules, unrouted


def build_alb(name: str, *, services: Mapping[str, PublicService], vpc_id: pulumi.Input[str], vpc_cidr: str,
              subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]], region: str, origin: OriginVerification,
              mode: EdgeMode, certificate_arn: Optional[pulumi.Input[str]], tags: ServiceTags,
              deletion_protection: bool, log_retention_days: int, parent: pulumi.Resource) -> AlbResources:
    """The ALB of ``services`` (service -> how it is routed).  A request is routed only when it
    carries one of ``origin.accepted_values`` in ``origin.header_name``; the rules accept and strip
    the API stage's ``/<stage>`` path prefix.  ``certificate_arn``: the (validated) certificate of
    the domain for the HTTPS listener; None without a domain (``mode``)."""
    alb_tags = tags("alb")
    bucket, bucket_policy = _access_log_bucket(name, region, alb_tags, deletion_protection, log_retention_days,
                                               parent)
    sg = _security_group(name, vpc_id, vpc_cidr, [s.port for s in services.values()], alb_tags, parent)

    # Internal in every mode: `internal` cannot change in place (a new load balancer), so the
    # edge modes never flip it.  Private subnets: the VPC origin and the VPC link live there.
    alb = aws.lb.LoadBalancer(
        fit(f"{name}-alb", LIMITS["lb"], autonamed=True),
        load_balancer_type="application", internal=True, ip_address_type="ipv4",
        subnets=subnet_ids, security_groups=[sg.id],
        drop_invalid_header_fields=True,
        enable_deletion_protection=deletion_protection,
        enable_http2=True, idle_timeout=60,
        access_logs={"bucket": bucket.bucket, "prefix": ACCESS_LOG_PREFIX, "enabled": True},
        tags=alb_tags,
        # ELB checks it can write to the bucket when logging is turned on.
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[bucket_policy]))

    groups = {n: _target_group(f"{name}-{n}", s, vpc_id, tags(n), parent) for n, s in services.items()}
    # Second group per service: ECS canary deployments start the new revision there and
    # shift the rule's weights (ECS developer guide, "Application Load Balancer resources
    # for blue/green, linear, and canary deployments", read 2026-11).
    alternates = {n: _target_group(f"{name}-{n}-alt", s, vpc_id, tags(n), parent) for n, s in services.items()}
    https, http = _listeners(name, alb, mode, certificate_arn, alb_tags, parent)
    serving = https or http
    rules, unrouted = _listener_rules(name, {n: s.path for n, s in services.items()}, serving, groups, alternates,
                                      origin, tags, parent)
    return AlbResources(sg, alb, https, http, serving, groups, alternates, rules, unrouted, bucket)
