"""Edge tier: the platform's entry points, API Gateway (api.py) and CloudFront (cdn.py), and the
internal ALB behind them (alb.py, routed by routing.py), with WAF (waf.py), certificates the stack
requests itself (certificates.py) and a secret origin header (origin_verify.py); the edge modes
are in mode.py, the whole picture in docs/edge.md.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence

import pulumi
import pulumi_aws as aws

from ..shared.tags import ServiceTags, tier_tags
from .alb import AlbResources, PublicService, build_alb
from .api import ApiOptions, ApiResources, build_api
from .cdn import CDN_REGION, CLOUDFRONT_ZONE_ID, CdnOptions, build_cdn, us_east_1_provider
from .certificates import domain_slug, validated_certificate
from .mode import EdgeMode, edge_mode
from .origin_verify import OriginVerification, build_origin_verification
from .waf import build_web_acl

TIER = "edge"

__all__ = ["ApiOptions", "CdnOptions", "Edge", "EdgeArgs", "PublicService"]


@dataclass
class EdgeArgs:
    """Inputs of the edge tier."""

    stack: str
    """Stack name, in descriptions, log group and WAF metric names."""
    region: str
    """Region of the stack: who delivers ALB access logs, the authorizer's invocation URI."""
    base_tags: Mapping[str, str]
    """Tags of every resource; the tier adds ``service`` and ``tier``."""
    vpc_id: pulumi.Input[str]
    """VPC of the ALB, target groups, VPC link and CloudFront VPC origin."""
    vpc_cidr: str
    """The VPC's block: the ALB's egress, and the sources the WAF rate rule does not count."""
    private_subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Private subnets (one per AZ, at least two) of the internal ALB and the VPC link ENIs."""
    services: Mapping[str, PublicService]
    """The services the ALB routes to (the public ones), in config order."""
    domain_name: str = ""
    """The ALB's name API Gateway and CloudFront verify its certificate against; "" = no domain."""
    certificate_arn: str = ""
    """Your own ACM certificate for ``domain_name``; "" = a managed one when ``hosted_zone_id`` is set."""
    hosted_zone_id: str = ""
    """Route 53 zone of the domain and aliases (records, managed certificates); "" = DNS elsewhere."""
    api: ApiOptions = field(default_factory=ApiOptions)
    """The REST API's limits, tracing, account setting and authorizer."""
    cdn: Optional[CdnOptions] = field(default_factory=CdnOptions)
    """CloudFront in front of the ALB; None = no CloudFront."""
    waf_rate_limit: int = 2000
    """Requests per 5 minutes per client IP before WAF blocks."""
    origin_verify_generation: int = 1
    """Generation of the secret origin header; raising it rotates the value (docs/edge.md)."""
    origin_verify_accept_previous: bool = False
    """Mid-rotation: the ALB also accepts (and keeps) the previous generation's value."""
    deletion_protection: bool = True
    """ALB deletion protection; False also frees the log bucket and shortens secret recovery to 7 days."""
    log_retention_days: int = 30
    """Retention of the log groups and of the ALB access logs."""


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
        self.mode = mode = edge_mode(args.certificate_arn, args.domain_name)
        tags: ServiceTags = functools.partial(tier_tags, args.base_tags, TIER)

        certificate = None
        if mode is EdgeMode.MANAGED_CERTIFICATE:
            certificate = validated_certificate(f"{name}-alb-cert", [args.domain_name], args.hosted_zone_id, self,
                                                tags=tags("alb"))
        elif mode is EdgeMode.OWN_CERTIFICATE:
            certificate = pulumi.Output.from_input(args.certificate_arn)

        origin = build_origin_verification(name, args.origin_verify_generation, args.origin_verify_accept_previous,
                                           self, stack=args.stack, tags=tags("alb"),
                                           deletion_protection=args.deletion_protection)
        alb = build_alb(name, services=args.services, vpc_id=args.vpc_id, vpc_cidr=args.vpc_cidr,
                        subnet_ids=args.private_subnet_ids, region=args.region, origin=origin, mode=mode,
                        certificate_arn=certificate, tags=tags, deletion_protection=args.deletion_protection,
                        log_retention_days=args.log_retention_days, parent=self)
        lb = alb.load_balancer
        # Senders switch value only after the ALB rules accept it (rotation without 403s).
        alb_rules = [*alb.listener_rules.values(), *([alb.unrouted_rule] if alb.unrouted_rule else [])]
        api = build_api(name, stack=args.stack, region=args.region, vpc_id=args.vpc_id,
                        subnet_ids=args.private_subnet_ids, alb=lb, alb_security_group_id=alb.security_group.id,
                        domain_name=args.domain_name, options=args.api, origin=origin, alb_rules=alb_rules,
                        mode=mode, tags=tags, log_retention_days=args.log_retention_days, parent=self)
        web_acl = self._regional_waf(name, args, tags, lb, api)

        if args.cdn is not None:
            self._cdn(name, args, args.cdn, tags, alb, origin, alb_rules)
        else:
            self.cdn_web_acl_arn = pulumi.Output.from_input("")
            self.cdn_distribution_id = pulumi.Output.from_input("")
            self.cdn_domain = pulumi.Output.from_input("")

        if args.hosted_zone_id:
            # The domain -> the internal ALB: the name API Gateway and CloudFront verify its
            # certificate against (it resolves to private addresses).
            aws.route53.Record(
                f"{name}-alb-dns", zone_id=args.hosted_zone_id, name=args.domain_name, type="A",
                aliases=[aws.route53.RecordAliasArgs(name=lb.dns_name, zone_id=lb.zone_id,
                                                     evaluate_target_health=True)],
                opts=pulumi.ResourceOptions(parent=self))
        self._export(alb, api, web_acl, origin, certificate)

    def _regional_waf(self, name: str, args: EdgeArgs, tags: ServiceTags, lb: aws.lb.LoadBalancer,
                      api: ApiResources) -> aws.wafv2.WebAcl:
        """One regional ACL for both entry points; the VPC (VPC link ENIs) is exempt from the
        per-IP rate rule, which the API stage already applies per real client."""
        web_acl = build_web_acl(f"{name}-waf", "REGIONAL", self, stack=args.stack, service="alb", tags=tags("alb"),
                                rate_limit=args.waf_rate_limit, log_retention_days=args.log_retention_days,
                                exempt_cidrs=(args.vpc_cidr,))
        aws.wafv2.WebAclAssociation(f"{name}-waf-alb", resource_arn=lb.arn,
                                    web_acl_arn=web_acl.arn, opts=pulumi.ResourceOptions(parent=self))
        aws.wafv2.WebAclAssociation(f"{name}-waf-api", resource_arn=api.stage.arn,
                                    web_acl_arn=web_acl.arn, opts=pulumi.ResourceOptions(parent=self))
        return web_acl

    def _cdn(self, name: str, args: EdgeArgs, cdn: CdnOptions, tags: ServiceTags, alb: AlbResources,
             origin: OriginVerification, alb_rules: Sequence[pulumi.Resource]) -> None:
        # CloudFront's global dependencies (web ACL, alias certificate) live in us-east-1.
        provider = us_east_1_provider(name, tags("cdn"), self)
        aliases = list(cdn.aliases)
        certificate: Optional[pulumi.Input[str]] = cdn.certificate_arn or None
        if aliases and not cdn.certificate_arn and args.hosted_zone_id:
            certificate = validated_certificate(f"{name}-cdn-cert", aliases, args.hosted_zone_id, self,
                                                tags=tags("cdn"), provider=provider, region=CDN_REGION)
        if certificate is not None and not aliases:
            pulumi.log.warn("edge.cdnCertificateArn is set but no CloudFront aliases are: viewers can only "
                            "use the *.cloudfront.net name.", self)
            certificate = None
        acl = build_web_acl(f"{name}-waf-cdn", "CLOUDFRONT", self, stack=args.stack, service="cdn", tags=tags("cdn"),
                            rate_limit=args.waf_rate_limit, log_retention_days=args.log_retention_days,
                            provider=provider)
        distribution = build_cdn(
            name, stack=args.stack, alb=alb.load_balancer, alb_security_group_id=alb.security_group.id,
            vpc_id=args.vpc_id, mode=self.mode, domain_name=args.domain_name, web_acl_arn=acl.arn, origin=origin,
            aliases=aliases, viewer_certificate_arn=certificate, alb_rules=alb_rules, tags=tags,
            parent=self)
        if args.hosted_zone_id:
            for alias in aliases:
                for record_type, suffix in (("A", ""), ("AAAA", "-ipv6")):
                    aws.route53.Record(
                        f"{name}-cdn-alias-{domain_slug(alias)}{suffix}", zone_id=args.hosted_zone_id, name=alias,
                        type=record_type,
                        aliases=[aws.route53.RecordAliasArgs(name=distribution.domain_name,
                                                             zone_id=CLOUDFRONT_ZONE_ID, evaluate_target_health=False)],
                        opts=pulumi.ResourceOptions(parent=self))
        self.cdn_web_acl_arn = acl.arn
        self.cdn_distribution_id = distribution.id
        self.cdn_domain = distribution.domain_name

    def _export(self, alb: AlbResources, api: ApiResources, web_acl: aws.wafv2.WebAcl, origin: OriginVerification,
                certificate: Optional[pulumi.Input[str]]) -> None:
        lb = alb.load_balancer
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
        self.register_outputs({k: getattr(self, k) for k in Edge.__annotations__ if k != "load_balancer_dependencies"})
