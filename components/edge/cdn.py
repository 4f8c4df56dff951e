"""CloudFront in front of the internal ALB: static assets cached at the edge, everything else
passed through uncached; HTTPS to viewers; its own CLOUDFRONT-scope web ACL.

The ALB is reached through a CloudFront *VPC origin*: network interfaces CloudFront manages in the
VPC (of the distribution's account), so the internal ALB needs no public address (CloudFront
developer guide, "Restrict access with VPC origins", read 2026-11).  It speaks HTTPS to the ALB with
a domain (the origin's name, which the ALB certificate covers) and HTTP without one (``http-only``;
CloudFront API reference, VpcOriginEndpointConfig, read 2026-11).  The ALB admits the group
CloudFront creates with the VPC's first VPC origin, ``CloudFront-VPCOrigins-Service-SG``.

CloudFront reads web ACLs and ACM certificates only from us-east-1 (CloudFront developer
guide, "Requirements for using SSL/TLS certificates with CloudFront"; WAF developer guide,
"Using AWS WAF with Amazon CloudFront", read 2026-11), so the ACL, its log group and a managed
alias certificate are created through an explicit us-east-1 provider whatever the stack's region.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

import pulumi
import pulumi_aws as aws

from ..shared.tags import ServiceTags
from .mode import HTTP_PORT, HTTPS_PORT, EdgeMode
from .origin_verify import OriginVerification

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

# The security group CloudFront creates in a VPC with its first VPC origin there; its network
# interfaces carry it, so the ALB admits exactly them by referencing it.
VPC_ORIGIN_SERVICE_SG = "CloudFront-VPCOrigins-Service-SG"
ORIGIN_TLS_PROTOCOLS = ["TLSv1.2"]
# Hosted zone id of every CloudFront distribution for Route 53 alias records (Route 53 API
# reference, AliasTarget "HostedZoneId", read 2026-11).
CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2"


@dataclass(frozen=True)
class CdnOptions:
    """CloudFront in front of the ALB."""

    aliases: Sequence[str] = ()
    """Alternate domain names (covered by ``certificate_arn`` or a managed one); none = *.cloudfront.net."""
    certificate_arn: str = ""
    """Your own us-east-1 ACM certificate for the aliases; "" = managed in the edge's hosted zone."""


def us_east_1_provider(name: str, tags: Mapping[str, str], parent: pulumi.Resource) -> aws.Provider:
    """Explicit provider for CloudFront's global dependencies, tagging with ``tags``.

    An explicit provider does not read the stack's aws:* config, only the environment;
    carry over a configured profile so both providers use the same credentials."""
    profile = pulumi.Config("aws").get("profile")
    return aws.Provider(
        f"{name}-{CDN_REGION}", region=CDN_REGION, profile=profile, default_tags={"tags": dict(tags)},
        opts=pulumi.ResourceOptions(parent=parent))


def viewer_certificate(certificate_arn: Optional[pulumi.Input[str]]) -> dict:
    """The aliases' certificate (us-east-1), or CloudFront's own *.cloudfront.net one."""
    if certificate_arn is not None:
        return {"acm_certificate_arn": certificate_arn, "ssl_support_method": "sni-only",
                "minimum_protocol_version": VIEWER_MIN_TLS}
    return {"cloudfront_default_certificate": True}


def _vpc_origin(name: str, stack: str, alb_arn: pulumi.Input[str], mode: EdgeMode, tags: dict[str, str],
                parent: pulumi.Resource) -> aws.cloudfront.VpcOrigin:
    return aws.cloudfront.VpcOrigin(
        f"{name}-vpc-origin",
        vpc_origin_endpoint_config={
            "name": f"microservices-{stack}-alb", "arn": alb_arn,
            "http_port": HTTP_PORT, "https_port": HTTPS_PORT,
            "origin_protocol_policy": "https-only" if mode.tls_to_alb else "http-only",
            # Required by the API even for http-only (unused then).
            "origin_ssl_protocols": {"items": ORIGIN_TLS_PROTOCOLS, "quantity": len(ORIGIN_TLS_PROTOCOLS)}},
        tags=tags,
        # Switching edge modes changes the protocol: a new VPC origin (the distribution moves over,
        # then the old one goes) rather than an in-place change of one the distribution is using.
        opts=pulumi.ResourceOptions(parent=parent,
                                    replace_on_changes=["vpcOriginEndpointConfig.originProtocolPolicy"]))


def admit_vpc_origin(name: str, vpc_id: pulumi.Input[str], alb_security_group_id: pulumi.Input[str],
                     vpc_origin: aws.cloudfront.VpcOrigin, port: int, tags: dict[str, str],
                     parent: pulumi.Resource) -> aws.vpc.SecurityGroupIngressRule:
    """The ALB's ingress from CloudFront's VPC-origin group (and nothing else of CloudFront's)."""
    service_sg = aws.ec2.get_security_group_output(
        filters=[{"name": "group-name", "values": [VPC_ORIGIN_SERVICE_SG]}, {"name": "vpc-id", "values": [vpc_id]}],
        opts=pulumi.InvokeOutputOptions(parent=parent, depends_on=[vpc_origin]))
    return aws.vpc.SecurityGroupIngressRule(
        f"{name}-alb-from-cloudfront", security_group_id=alb_security_group_id, ip_protocol="tcp",
        from_port=port, to_port=port, referenced_security_group_id=service_sg.id,
        description="CloudFront VPC origin", tags=tags,
        # Also a plain dependency: the policy pack ties this source to the VPC origin even while the
        # group's id is unknown (first preview).
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[vpc_origin]))


def build_cdn(name: str, *, stack: str, alb: aws.lb.LoadBalancer, alb_security_group_id: pulumi.Input[str],
              vpc_id: pulumi.Input[str], mode: EdgeMode, domain_name: str, web_acl_arn: pulumi.Input[str],
              origin: OriginVerification, aliases: Sequence[str] = (),
              viewer_certificate_arn: Optional[pulumi.Input[str]] = None,
              alb_rules: Sequence[pulumi.Resource] = (), tags: ServiceTags,
              parent: pulumi.Resource) -> aws.cloudfront.Distribution:
    """``origin``: the secret header CloudFront adds to every origin request so the ALB routes
    it (components/edge/origin_verify.py); CloudFront replaces a viewer's header of the same
    name.  ``alb_rules``: the distribution changes only after the ALB accepts the value.
    ``viewer_certificate_arn``: the aliases' certificate in us-east-1 (None = the default
    *.cloudfront.net one; then there are no aliases).  With a ``domain_name`` the ALB certificate
    covers it and CloudFront verifies the origin against the origin name, so that is the origin;
    without one the VPC origin speaks HTTP to the ALB's own DNS name."""
    if aliases and viewer_certificate_arn is None:
        raise ValueError("CloudFront aliases need a certificate (your own, or a managed one in the hosted zone)")
    cdn_tags = tags("cdn")
    vpc_origin = _vpc_origin(name, stack, alb.arn, mode, cdn_tags, parent)
    admit_vpc_origin(name, vpc_id, alb_security_group_id, vpc_origin, mode.alb_port, tags("alb"), parent)
    behaviour = {"target_origin_id": ORIGIN_ID, "viewer_protocol_policy": "redirect-to-https",
                 "cached_methods": ["GET", "HEAD"], "response_headers_policy_id": SECURITY_HEADERS, "compress": True}
    dynamic = {**behaviour, "allowed_methods": ALL_METHODS, "cache_policy_id": CACHE_DISABLED,
               "origin_request_policy_id": ORIGIN_ALL_VIEWER_EXCEPT_HOST}
    static = {**behaviour, "path_pattern": STATIC_PATH, "allowed_methods": ["GET", "HEAD", "OPTIONS"],
              "cache_policy_id": CACHE_OPTIMIZED}
    return aws.cloudfront.Distribution(
        f"{name}-cdn", enabled=True, is_ipv6_enabled=True, http_version="http2and3",
        comment=f"{stack} platform edge",
        price_class=PRICE_CLASS, aliases=list(aliases) or None,
        origins=[{"origin_id": ORIGIN_ID, "domain_name": domain_name or alb.dns_name,
                  "custom_headers": [{"name": origin.header_name, "value": pulumi.Output.secret(origin.value)}],
                  "vpc_origin_config": {"vpc_origin_id": vpc_origin.id}}],
        default_cache_behavior=dynamic, ordered_cache_behaviors=[static],
        restrictions={"geo_restriction": {"restriction_type": "none"}},
        viewer_certificate=viewer_certificate(viewer_certificate_arn),
        web_acl_id=web_acl_arn,  # WAFv2: the ACL's ARN, not its id
        tags=cdn_tags,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=list(alb_rules)))
