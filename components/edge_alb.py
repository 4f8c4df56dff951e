"""The edge tier's Application Load Balancer: access-log bucket, security group,
target groups (one per public service), HTTPS/HTTP listeners and path rules.

Used by :class:`components.edge.Edge`; every resource is a child of that component.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional, Sequence

import pulumi
import pulumi_aws as aws

from .naming import LIMITS, fit
from .settings import ServiceSettings, Settings

# TLS 1.3 + TLS 1.2 with forward-secret AEAD ciphers only; the policy AWS recommends for
# new HTTPS listeners (ELB user guide, "Security policies for your Application Load
# Balancer", read 2026-11).
ALB_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"

# Only SSE-S3 is supported on an ALB access-log bucket ("The only server-side encryption
# option that's supported is Amazon S3-managed keys (SSE-S3)": ELB user guide, "Enable
# access logs for your Application Load Balancer", read 2026-11).
ACCESS_LOG_SSE = "AES256"
ACCESS_LOG_PREFIX = "alb"

# Regions opened before August 2022 deliver ALB logs from a regional ELB account; newer
# regions use the logdelivery.elasticloadbalancing.amazonaws.com service principal.
# Source: ELB user guide, "Enable access logs for your Application Load Balancer",
# step 2 "Attach a policy to your S3 bucket" (read 2026-11).
ELB_LOG_DELIVERY_PRINCIPAL = "logdelivery.elasticloadbalancing.amazonaws.com"
ELB_LOG_ACCOUNTS = {
    "us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980",
    "us-west-2": "797873946194", "af-south-1": "098369216593", "ap-east-1": "754344448648",
    "ap-southeast-3": "589379963580", "ap-south-1": "718504428378", "ap-northeast-3": "383597477331",
    "ap-northeast-2": "600734575887", "ap-southeast-1": "114774131450", "ap-southeast-2": "783225319266",
    "ap-northeast-1": "582318560864", "ca-central-1": "985666609251", "eu-central-1": "054676820928",
    "eu-west-1": "156460612806", "eu-west-2": "652711504416", "eu-south-1": "635631232127",
    "eu-west-3": "009996457667", "eu-north-1": "897822967062", "me-south-1": "076674570225",
    "sa-east-1": "507241528517", "us-gov-west-1": "048591011584", "us-gov-east-1": "190560391635",
    "cn-north-1": "638102146993", "cn-northwest-1": "037604701340",
}

# A service whose path is one of these takes the listener's default action.
DEFAULT_ROUTE_PATHS = ("", "/*")
FIRST_RULE_PRIORITY = 100
RULE_PRIORITY_STEP = 10
# The default-route service also gets a catch-all rule (ECS canary deployments shift the
# weights of a listener *rule*); it goes last.  50000 is the highest priority ALB accepts
# (ELB API reference, CreateRule "Priority", read 2026-11).
CATCH_ALL_PRIORITY = 50000
CATCH_ALL_PATH = "/*"
HSTS = "max-age=31536000; includeSubDomains"


# ---- routing (pure: tested without Pulumi) ---------------------------------------------------

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
    paths: tuple[str, ...]


def path_rules(settings: Settings) -> list[PathRule]:
    """One listener rule per public service.

    Longer (more specific) patterns get lower priorities so `/orders/items/*` wins over
    `/orders/*`.  `/x/*` also matches the bare `/x`, which the wildcard alone does not.
    The default-route service's rule matches everything and is evaluated last.
    """
    routed = [(n, s.path) for n, s in public_services(settings).items() if s.path not in DEFAULT_ROUTE_PATHS]
    routed.sort(key=lambda item: (-len(item[1]), item[0]))
    rules = []
    for i, (service, path) in enumerate(routed):
        paths = [path]
        if path.endswith("/*") and len(path) > 2:
            paths.append(path[:-2])
        rules.append(PathRule(service, FIRST_RULE_PRIORITY + i * RULE_PRIORITY_STEP, tuple(paths)))
    default = default_route_service(settings)
    if default is not None:
        rules.append(PathRule(default, CATCH_ALL_PRIORITY, (CATCH_ALL_PATH,)))
    return rules


def elb_log_principal(region: str) -> dict[str, str]:
    """Bucket-policy principal that delivers ALB access logs in ``region``."""
    account = ELB_LOG_ACCOUNTS.get(region)
    if account:
        partition = "aws-cn" if region.startswith("cn-") else "aws-us-gov" if "-gov-" in region else "aws"
        return {"AWS": f"arn:{partition}:iam::{account}:root"}
    return {"Service": ELB_LOG_DELIVERY_PRINCIPAL}


# ---- resources -------------------------------------------------------------------------------

@dataclass
class AlbResources:
    security_group: aws.ec2.SecurityGroup
    load_balancer: aws.lb.LoadBalancer
    https_listener: aws.lb.Listener
    http_listener: aws.lb.Listener
    target_groups: dict[str, aws.lb.TargetGroup]
    alternate_target_groups: dict[str, aws.lb.TargetGroup]
    listener_rules: dict[str, aws.lb.ListenerRule]
    log_bucket: aws.s3.Bucket


def _access_log_bucket(name: str, settings: Settings, parent: pulumi.Resource) -> tuple[aws.s3.Bucket, aws.s3.BucketPolicy]:
    cfg = settings.config
    opts = pulumi.ResourceOptions(parent=parent)
    bucket = aws.s3.Bucket(
        f"{name}-alb-logs",
        force_destroy=not cfg.deletionProtection,  # dev may delete a bucket that still holds logs
        tags=settings.tags("edge", "alb"),
        opts=opts)
    aws.s3.BucketOwnershipControls(
        f"{name}-alb-logs-owner", bucket=bucket.id,
        rule={"object_ownership": "BucketOwnerEnforced"}, opts=opts)
    public_block = aws.s3.BucketPublicAccessBlock(
        f"{name}-alb-logs-public", bucket=bucket.id, block_public_acls=True, block_public_policy=True,
        ignore_public_acls=True, restrict_public_buckets=True, opts=opts)
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{name}-alb-logs-sse", bucket=bucket.id,
        rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": ACCESS_LOG_SSE}}], opts=opts)
    aws.s3.BucketLifecycleConfiguration(
        f"{name}-alb-logs-expiry", bucket=bucket.id,
        rules=[{"id": "expire-access-logs", "status": "Enabled", "filter": {},
                "expiration": {"days": cfg.logRetentionDays},
                "abort_incomplete_multipart_upload": {"days_after_initiation": 1}}],
        opts=opts)

    identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=parent))
    principal = elb_log_principal(settings.region)
    policy = pulumi.Output.all(bucket.arn, identity.account_id).apply(lambda a: json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "ElbAccessLogDelivery", "Effect": "Allow", "Principal": principal, "Action": "s3:PutObject",
             "Resource": f"{a[0]}/{ACCESS_LOG_PREFIX}/AWSLogs/{a[1]}/*"},
            {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": [a[0], f"{a[0]}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        ]}))
    # The public access block must exist first: S3 rejects policy changes racing it.
    bucket_policy = aws.s3.BucketPolicy(
        f"{name}-alb-logs-policy", bucket=bucket.id, policy=policy,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[public_block]))
    return bucket, bucket_policy


def _security_group(name: str, settings: Settings, vpc_id: pulumi.Input[str], ports: Sequence[int],
                    parent: pulumi.Resource) -> aws.ec2.SecurityGroup:
    """The only security group open to the internet: 443, and 80 (which only redirects).

    The tag tier=edge and the description prefix "ALB" are how the policy pack's
    no-open-ingress rule recognises it."""
    opts = pulumi.ResourceOptions(parent=parent)
    sg = aws.ec2.SecurityGroup(
        f"{name}-alb-sg", vpc_id=vpc_id,
        description="ALB: HTTPS from the internet, HTTP only to redirect to HTTPS",
        tags=settings.tags("edge", "alb"), opts=opts)
    for port, why in ((443, "HTTPS from the internet"), (80, "HTTP from the internet (redirected to HTTPS)")):
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-alb-in-{port}", security_group_id=sg.id, ip_protocol="tcp", from_port=port, to_port=port,
            cidr_ipv4="0.0.0.0/0", description=why, tags=settings.tags("edge", "alb"), opts=opts)
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
              public_subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]],
              parent: pulumi.Resource) -> AlbResources:
    cfg = settings.config
    services = public_services(settings)
    bucket, bucket_policy = _access_log_bucket(name, settings, parent)
    sg = _security_group(name, settings, vpc_id, [s.port for s in services.values()], parent)

    alb = aws.lb.LoadBalancer(
        fit(f"{name}-alb", LIMITS["lb"], autonamed=True),
        load_balancer_type="application", internal=False, ip_address_type="ipv4",
        subnets=public_subnet_ids, security_groups=[sg.id],
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
    default_svc = default_route_service(settings)
    if default_svc is not None:
        default_action = {"type": "forward", "target_group_arn": groups[default_svc].arn}
    else:
        default_action = {"type": "fixed-response",
                          "fixed_response": {"content_type": "text/plain", "message_body": "Not found",
                                             "status_code": "404"}}
    https = aws.lb.Listener(
        f"{name}-https", load_balancer_arn=alb.arn, port=443, protocol="HTTPS",
        ssl_policy=ALB_TLS_POLICY, certificate_arn=cfg.edge.certificateArn,
        routing_http_response_strict_transport_security_header_value=HSTS,
        default_actions=[default_action], tags=settings.tags("edge", "alb"),
        opts=pulumi.ResourceOptions(parent=parent))
    http = aws.lb.Listener(
        f"{name}-http", load_balancer_arn=alb.arn, port=80, protocol="HTTP",
        default_actions=[{"type": "redirect",
                          "redirect": {"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}}],
        tags=settings.tags("edge", "alb"), opts=pulumi.ResourceOptions(parent=parent))

    rules = {}
    for rule in path_rules(settings):
        rules[rule.service] = aws.lb.ListenerRule(
            f"{name}-rule-{rule.service}", listener_arn=https.arn, priority=rule.priority,
            conditions=[{"path_pattern": {"values": list(rule.paths)}}],
            actions=[{"type": "forward", "forward": {"target_groups": [
                {"arn": groups[rule.service].arn, "weight": 100},
                {"arn": alternates[rule.service].arn, "weight": 0}]}}],
            tags=settings.tags("edge", rule.service),
            # ECS owns the weights once a service deploys (it swaps primary and alternate).
            opts=pulumi.ResourceOptions(parent=parent, ignore_changes=["actions"]))

    return AlbResources(sg, alb, https, http, groups, alternates, rules, bucket)
