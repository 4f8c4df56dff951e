"""Edge tier: the platform's entry points, API Gateway and CloudFront, and the ALB behind them.

- Internal Application Load Balancer in the private subnets (components/edge/alb.py): one
  target group per public service; HTTPS with a modern TLS policy when there is a domain,
  plain HTTP inside the VPC without one (the edge modes: components/edge/mode.py).
- Regional REST API reaching the ALB through a VPC link v2 (components/edge/api.py): API
  keys, usage plan, access logs, X-Ray, optional Lambda authorizer.
- CloudFront (components/edge/cdn.py) reaching the ALB through a VPC origin, with its own
  us-east-1 web ACL, when edge.cdn.
- Certificates the stack requests and validates itself (components/edge/certificates.py).
- AWS WAF (components/edge/waf.py): one regional web ACL on the ALB and the API stage.
- Origin verification (components/edge/origin_verify.py): API Gateway and CloudFront add a secret
  header; the ALB routes only requests carrying it and answers everything else 403.
- The ALB's path rules accept API Gateway's `/<stage>` path prefix and strip it before
  forwarding, so services see the same paths through the API and through CloudFront.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

import pulumi
import pulumi_aws as aws

from .alb import build_alb
from .api import STAGE_NAME, build_api
from .cdn import CDN_REGION, build_cdn, us_east_1_provider
from .certificates import validated_certificate
from .mode import EdgeMode, edge_mode, manages_cdn_certificate
from .origin_verify import build_origin_verification
from .waf import build_web_acl
from ..config.settings import Settings


@dataclass
class EdgeArgs:
    settings: Settings
    """Stack settings (reads edge.*, services, deletionProtection, logRetentionDays, tracing, vpcCidr)."""
    vpc_id: pulumi.Input[str]
    """VPC of the ALB, target groups, VPC link and CloudFront VPC origin."""
    private_subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Private subnets (one per AZ, at least two) of the internal ALB and the VPC link ENIs."""
    authorizer_lambda_arn: Optional[pulumi.Input[str]] = None
    """Lambda REQUEST authorizer for every API method (identity: Authorization header), in
    addition to the API key. Default None: API key only."""
    manage_api_gateway_account: bool = True
    """Create the region-wide API Gateway account setting (CloudWatch logging role). Default
    True. Set False in every stack but one when several stacks share an account and region:
    the setting is a singleton and the last stack deployed (or deleted) owns it."""
    cdn_aliases: list[str] = field(default_factory=list)
    """Alternate domain names for CloudFront; edge.cdnCertificateArn must cover them, or the stack
    requests a certificate validated in edge.hostedZoneId. Default none: the distribution answers
    on its *.cloudfront.net name."""
    origin_verify_generation: int = 1
    """Generation of the secret origin header API Gateway and CloudFront send to the ALB.
    Default 1. Raising it rotates the value (a new secret per generation); do it together
    with ``origin_verify_accept_previous=True`` (see docs/edge.md)."""
    origin_verify_accept_previous: bool = False
    """Mid-rotation: the ALB also accepts the previous generation's value (and keeps its
    secret). Default False. Clear it once CloudFront has deployed the new value."""


class Edge(pulumi.ComponentResource):
    alb_arn: pulumi.Output[str]
    alb_arn_suffix: pulumi.Output[str]
    alb_dns_name: pulumi.Output[str]
    alb_zone_id: pulumi.Output[str]
    alb_security_group_id: pulumi.Output[str]
    https_listener_arn: pulumi.Output[str]
    listener_arn: pulumi.Output[str]
    certificate_arn: pulumi.Output[str]
    target_group_arns: dict[str, pulumi.Output[str]]
    target_group_arn_suffixes: dict[str, pulumi.Output[str]]
    alternate_target_group_arns: dict[str, pulumi.Output[str]]
    alternate_target_group_arn_suffixes: dict[str, pulumi.Output[str]]
    production_listener_rule_arns: dict[str, pulumi.Output[str]]
    load_balancer_dependencies: list[pulumi.Resource]
    access_log_bucket: pulumi.Output[str]
    api_id: pulumi.Output[str]
    api_stage_name: pulumi.Output[str]
    api_url: pulumi.Output[str]
    api_key_id: pulumi.Output[str]
    web_acl_arn: pulumi.Output[str]
    cdn_web_acl_arn: pulumi.Output[str]
    cdn_distribution_id: pulumi.Output[str]
    cdn_domain: pulumi.Output[str]
    origin_verify_secret_arn: pulumi.Output[str]

    def __init__(self, name: str, args: EdgeArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("platform:edge:Edge", name, None, opts)
        settings, cfg = args.settings, args.settings.config
        mode = edge_mode(cfg.edge)
        self.mode = mode

        certificate = None
        if mode is EdgeMode.MANAGED_CERTIFICATE:
            certificate = validated_certificate(f"{name}-alb-cert", settings, [cfg.edge.domainName],
                                                cfg.edge.hostedZoneId, self, service="alb")
        elif mode is EdgeMode.OWN_CERTIFICATE:
            certificate = pulumi.Output.from_input(cfg.edge.certificateArn)

        origin = build_origin_verification(name, settings, args.origin_verify_generation,
                                           args.origin_verify_accept_previous, self)
        alb = build_alb(name, settings, args.vpc_id, args.private_subnet_ids,
                        origin.header_name, origin.accepted_values, STAGE_NAME, mode, certificate, self)
        lb = alb.load_balancer
        # Senders switch value only after the ALB rules accept it (rotation without 403s).
        alb_rules = [*alb.listener_rules.values(), *([alb.unrouted_rule] if alb.unrouted_rule else [])]
        api = build_api(name, settings, vpc_id=args.vpc_id, private_subnet_ids=args.private_subnet_ids,
                        alb_arn=lb.arn, alb_dns_name=lb.dns_name,
                        alb_security_group_id=alb.security_group.id,
                        authorizer_lambda_arn=args.authorizer_lambda_arn,
                        manage_account=args.manage_api_gateway_account,
                        origin_header_name=origin.header_name, origin_header_value=origin.value,
                        origin_generation=origin.generation, alb_rules=alb_rules, mode=mode, parent=self)

        # One regional ACL for both entry points; the VPC (VPC link ENIs) is exempt from the
        # per-IP rate rule, which the API stage already applies per real client.
        web_acl = build_web_acl(f"{name}-waf", "REGIONAL", settings, self, service="alb",
                                exempt_cidrs=(cfg.vpcCidr,))
        aws.wafv2.WebAclAssociation(f"{name}-waf-alb", resource_arn=lb.arn,
                                    web_acl_arn=web_acl.arn, opts=pulumi.ResourceOptions(parent=self))
        aws.wafv2.WebAclAssociation(f"{name}-waf-api", resource_arn=api.stage.arn,
                                    web_acl_arn=web_acl.arn, opts=pulumi.ResourceOptions(parent=self))

        if cfg.edge.cdn:
            # CloudFront's global dependencies (web ACL, alias certificate) live in us-east-1.
            provider = us_east_1_provider(name, settings, self)
            cdn_certificate: Optional[pulumi.Input[str]] = cfg.edge.cdnCertificateArn or None
            if manages_cdn_certificate(cfg.edge) and args.cdn_aliases:
                cdn_certificate = validated_certificate(f"{name}-cdn-cert", settings, args.cdn_aliases,
                                                        cfg.edge.hostedZoneId, self, service="cdn",
                                                        provider=provider, region=CDN_REGION)
            if cdn_certificate is not None and not args.cdn_aliases:
                pulumi.log.warn("edge.cdnCertificateArn is set but no CloudFront aliases are: viewers can only "
                                "use the *.cloudfront.net name.", self)
                cdn_certificate = None
            cdn = build_cdn(name, settings, lb, self, args.cdn_aliases, mode=mode, provider=provider,
                            vpc_id=args.vpc_id, alb_security_group_id=alb.security_group.id,
                            origin_header_name=origin.header_name, origin_header_value=origin.value,
                            viewer_certificate_arn=cdn_certificate, alb_rules=alb_rules)
            self.cdn_web_acl_arn = cdn.web_acl.arn
            self.cdn_distribution_id = cdn.distribution.id
            self.cdn_domain = cdn.distribution.domain_name
        else:
            self.cdn_web_acl_arn = pulumi.Output.from_input("")
            self.cdn_distribution_id = pulumi.Output.from_input("")
            self.cdn_domain = pulumi.Output.from_input("")

        if cfg.edge.hostedZoneId:
            # edge.domainName -> the internal ALB: the name API Gateway and CloudFront verify its
            # certificate against (it resolves to private addresses).
            aws.route53.Record(
                f"{name}-alb-dns", zone_id=cfg.edge.hostedZoneId, name=cfg.edge.domainName, type="A",
                aliases=[aws.route53.RecordAliasArgs(name=lb.dns_name, zone_id=lb.zone_id,
                                                     evaluate_target_health=True)],
                opts=pulumi.ResourceOptions(parent=self))
        self.alb_arn = lb.arn
        self.alb_arn_suffix = lb.arn_suffix
        self.alb_dns_name = lb.dns_name
        self.alb_zone_id = lb.zone_id
        self.alb_security_group_id = alb.security_group.id
        # "" without a domain: then the serving listener is the HTTP one (listener_arn).
        self.https_listener_arn = alb.https_listener.arn if alb.https_listener else pulumi.Output.from_input("")
        self.listener_arn = alb.serving_listener.arn
        self.certificate_arn = pulumi.Output.from_input(certificate if certificate is not None else "")
        self.target_group_arns = {svc: tg.arn for svc, tg in alb.target_groups.items()}
        self.target_group_arn_suffixes = {svc: tg.arn_suffix for svc, tg in alb.target_groups.items()}
        # For ECS canary deployments (compute tier): the second group and the weighted rule.
        self.alternate_target_group_arns = {svc: tg.arn for svc, tg in alb.alternate_target_groups.items()}
        self.alternate_target_group_arn_suffixes = {svc: tg.arn_suffix
                                                    for svc, tg in alb.alternate_target_groups.items()}
        self.production_listener_rule_arns = {svc: r.arn for svc, r in alb.listener_rules.items()}
        # ECS rejects a target group not yet attached to a listener: services wait for these.
        self.load_balancer_dependencies = [alb.serving_listener, *alb.listener_rules.values()]
        self.access_log_bucket = alb.log_bucket.bucket
        self.api_id = api.rest_api.id
        self.api_stage_name = api.stage.stage_name
        self.api_url = api.stage.invoke_url
        self.api_key_id = api.api_key.id  # the id only; the key value stays secret in state
        self.web_acl_arn = web_acl.arn
        self.origin_verify_secret_arn = origin.secret_arn  # the ARN only; the value is never exported

        self.register_outputs({
            "alb_arn": self.alb_arn, "alb_arn_suffix": self.alb_arn_suffix, "alb_dns_name": self.alb_dns_name,
            "alb_zone_id": self.alb_zone_id, "alb_security_group_id": self.alb_security_group_id,
            "https_listener_arn": self.https_listener_arn, "listener_arn": self.listener_arn,
            "certificate_arn": self.certificate_arn, "target_group_arns": self.target_group_arns,
            "target_group_arn_suffixes": self.target_group_arn_suffixes,
            "alternate_target_group_arns": self.alternate_target_group_arns,
            "alternate_target_group_arn_suffixes": self.alternate_target_group_arn_suffixes,
            "production_listener_rule_arns": self.production_listener_rule_arns,
            "access_log_bucket": self.access_log_bucket, "api_id": self.api_id,
            "api_stage_name": self.api_stage_name, "api_url": self.api_url, "api_key_id": self.api_key_id,
            "web_acl_arn": self.web_acl_arn, "cdn_web_acl_arn": self.cdn_web_acl_arn,
            "cdn_distribution_id": self.cdn_distribution_id, "cdn_domain": self.cdn_domain,
            "origin_verify_secret_arn": self.origin_verify_secret_arn,
        })
