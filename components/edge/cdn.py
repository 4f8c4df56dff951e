"""CloudFront in front of the ALB: static assets cached at the edge, everything else passed
through uncached; HTTPS to viewers and to the origin; its own CLOUDFRONT-scope web ACL.

CloudFront reads web ACLs and ACM certificates only from us-east-1 (CloudFront developer
guide, "Requirements for using SSL/TLS certificates with CloudFront"; WAF developer guide,
"Using AWS WAF with Amazon CloudFront", read 2026-11), so the ACL and its log group are
created through an explicit us-east-1 provider whatever the stack's region.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import pulumi
import pulumi_aws as aws

from .waf import build_web_acl
from ..config.settings import Settings

CDN_REGION = "us-east-1"
ORIGIN_ID = "alb"
STATIC_PATH = "/static/*"
PRICE_CLASS = "PriceClass_100"  # North America + Europe edges: the cheapest class

# AWS managed policy ids (CloudFront developer guide, "Use managed cache policies",
# "Use managed origin request policies", "Use managed response headers policies", 2026-11).
CACHE_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHE_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ORIGIN_ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
SECURITY_HEADERS = "67f7725c-6f97-4210-82d7-5512b31e9d03"

# Minimum viewer TLS with a custom certificate: TLS 1.2 with the 2021 cipher set
# (CloudFront developer guide, "Supported protocols and ciphers between viewers and
# CloudFront", read 2026-11).  The default *.cloudfront.net certificate cannot set one.
VIEWER_MIN_TLS = "TLSv1.2_2021"

ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]


@dataclass
class CdnResources:
    provider: aws.Provider
    web_acl: aws.wafv2.WebAcl
    distribution: aws.cloudfront.Distribution


def us_east_1_provider(name: str, settings: Settings, parent: pulumi.Resource) -> aws.Provider:
    """Explicit provider for CloudFront's global dependencies.

    An explicit provider does not read the stack's aws:* config, only the environment;
    carry over a configured profile so both providers use the same credentials."""
    profile = pulumi.Config("aws").get("profile")
    return aws.Provider(
        f"{name}-{CDN_REGION}", region=CDN_REGION, profile=profile,
        default_tags={"tags": settings.tags("edge", "cdn")},
        opts=pulumi.ResourceOptions(parent=parent))


def viewer_certificate(settings: Settings) -> dict:
    cert = settings.config.edge.cdnCertificateArn
    if cert:
        return {"acm_certificate_arn": cert, "ssl_support_method": "sni-only",
                "minimum_protocol_version": VIEWER_MIN_TLS}
    return {"cloudfront_default_certificate": True}


def origin_domain(settings: Settings, alb_dns_name: pulumi.Input[str]) -> pulumi.Input[str]:
    """The ALB certificate covers edge.domainName, and CloudFront verifies the origin's
    certificate against the origin name: use the domain when there is one.  Without it
    the ALB DNS name is the only name available (the origin TLS check then fails until a
    domain is configured)."""
    return settings.config.edge.domainName or alb_dns_name


def build_cdn(name: str, settings: Settings, alb_dns_name: pulumi.Input[str], parent: pulumi.Resource,
              aliases: Sequence[str] = (), *, origin_header_name: str, origin_header_value: pulumi.Input[str],
              alb_rules: Sequence[pulumi.Resource] = ()) -> CdnResources:
    """``origin_header_*``: the secret header CloudFront adds to every origin request so the
    ALB routes it (components/edge/origin_verify.py); CloudFront replaces a viewer's header of the
    same name.  ``alb_rules``: the distribution changes only after the ALB accepts the value."""
    provider = us_east_1_provider(name, settings, parent)
    acl = build_web_acl(f"{name}-waf-cdn", "CLOUDFRONT", settings, parent, service="cdn", provider=provider)
    behaviour = {"target_origin_id": ORIGIN_ID, "viewer_protocol_policy": "redirect-to-https",
                 "cached_methods": ["GET", "HEAD"], "response_headers_policy_id": SECURITY_HEADERS, "compress": True}
    dynamic = {**behaviour, "allowed_methods": ALL_METHODS, "cache_policy_id": CACHE_DISABLED,
               "origin_request_policy_id": ORIGIN_ALL_VIEWER_EXCEPT_HOST}
    static = {**behaviour, "path_pattern": STATIC_PATH, "allowed_methods": ["GET", "HEAD", "OPTIONS"],
              "cache_policy_id": CACHE_OPTIMIZED}
    distribution = aws.cloudfront.Distribution(
        f"{name}-cdn", enabled=True, is_ipv6_enabled=True, http_version="http2and3",
        comment=f"{settings.stack} platform edge",
        price_class=PRICE_CLASS, aliases=list(aliases) or None,
        origins=[{"origin_id": ORIGIN_ID, "domain_name": origin_domain(settings, alb_dns_name),
                  "custom_headers": [{"name": origin_header_name,
                                      "value": pulumi.Output.secret(origin_header_value)}],
                  "custom_origin_config": {"http_port": 80, "https_port": 443,
                                           "origin_protocol_policy": "https-only",
                                           "origin_ssl_protocols": ["TLSv1.2"]}}],
        default_cache_behavior=dynamic, ordered_cache_behaviors=[static],
        restrictions={"geo_restriction": {"restriction_type": "none"}},
        viewer_certificate=viewer_certificate(settings),
        web_acl_id=acl.arn,  # WAFv2: the ACL's ARN, not its id
        tags=settings.tags("edge", "cdn"),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=list(alb_rules)))
    return CdnResources(provider, acl, distribution)
