"""Amazon CloudFront: distributions."""

from __future__ import annotations

import re
from typing import Any

from pulumi_policy import Severity

from ..baseline import baseline
from ..rule import ACCEPTANCE, MANDATORY, SECURITY, SIZING, rule
from ..support.graph import per_resource, producer_regions, producers
from ..support.options import options, string_list
from ..support.props import UNKNOWN, arn_region, as_bool, as_int, as_list, as_str, get, is_unknown
from ..support.report import report_problems

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"

# CloudFront is a global service: it only reads ACM certificates and WAF web ACLs from us-east-1
# (CloudFront developer guide, "Requirements for using SSL/TLS certificates"; WAF developer guide, 2026-11).
GLOBAL_REGION = "us-east-1"


# Resources whose ARNs a distribution takes; a first preview knows their region, not their ARN.
CERTIFICATE_SOURCES = ("aws:acm/certificate:Certificate", "aws:acm/certificateValidation:CertificateValidation")
WEB_ACL_SOURCES = ("aws:wafv2/webAcl:WebAcl",)


def _regions(args, path: str, sources: tuple[str, ...]) -> list:
    """Region of the ARN at ``path``; when it is unknown, the regions of the resources it was built from."""
    region = arn_region(get(args.props, path))
    if is_unknown(region):
        return sorted(producer_regions(args, path, sources))
    return [region] if region else []


# A stack policy so that a first preview decides from the certificate's and web ACL's region.
@rule(name="cloudfront-us-east-1-dependencies", area=ACCEPTANCE, resource_types=(DISTRIBUTION,), stack=True,
      description="CloudFront's ACM certificate and WAF web ACL are in us-east-1.",
      level=MANDATORY,
      severity=Severity.HIGH,
      remediation="Create the certificate and the CLOUDFRONT web ACL with a us-east-1 provider.")
@per_resource(DISTRIBUTION)
def validate_cloudfront_us_east_1(args, report_violation) -> None:
    if args.resource_type != DISTRIBUTION:
        return
    for cert_region in _regions(args, "viewerCertificate.acmCertificateArn", CERTIFICATE_SOURCES):
        if cert_region != GLOBAL_REGION:
            report_violation(f"viewerCertificate.acmCertificateArn is in {cert_region}; CloudFront needs an ACM "
                             f"certificate in {GLOBAL_REGION}.", None)
    for acl_region in _regions(args, "webAclId", WEB_ACL_SOURCES):
        if acl_region != GLOBAL_REGION:
            report_violation(f"webAclId is a web ACL in {acl_region}; CloudFront needs a CLOUDFRONT-scope web ACL "
                             f"in {GLOBAL_REGION}.", None)


VPC_ORIGIN = "aws:cloudfront/vpcOrigin:VpcOrigin"
LB_TYPES = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
WEB_ACL = "aws:wafv2/webAcl:WebAcl"
WAF_LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
LOG_DELIVERY_SOURCE = "aws:cloudwatch/logDeliverySource:LogDeliverySource"


def _behaviors(props) -> Any:
    """The default and ordered cache behaviors (UNKNOWN when either list is unknown)."""
    default = get(props, "defaultCacheBehavior")
    ordered = as_list(get(props, "orderedCacheBehaviors"))
    if is_unknown(default) or is_unknown(ordered):
        return UNKNOWN
    return ([default] if default is not None else []) + ordered


def _judged_behaviors(args) -> list:
    """The cache behaviors a per-behavior rule judges: those of a distribution, none while unknown."""
    if args.resource_type != DISTRIBUTION:
        return []
    behaviors = _behaviors(args.props)
    return [] if is_unknown(behaviors) else behaviors


# ---- security ------------------------------------------------------------------------------------------

@rule(name="cloudfront-viewer-https", area=SECURITY, resource_types=(DISTRIBUTION,),
      description="CloudFront serves viewers over HTTPS only (no allow-all behavior).",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Set viewerProtocolPolicy=redirect-to-https on every cache behavior.",
      anchors=("CKV_AWS_34", "aws-cloudfront-distribution-disallow-unencrypted-traffic"))
def validate_viewer_https(args, report_violation) -> None:
    for b in _judged_behaviors(args):
        policy = as_str(get(b, "viewerProtocolPolicy"))
        if policy == "allow-all":
            where = as_str(get(b, "pathPattern"), "default")
            report_violation(f"Cache behavior {where!r} allows plain HTTP viewers (viewerProtocolPolicy allow-all).",
                             None)


# Viewer security policies with TLS 1.2 as the floor (CloudFront developer guide, "Supported protocols and
# ciphers between viewers and CloudFront", read 2026-11).
TLS12_VIEWER_POLICIES = ("TLSv1.2_2018", "TLSv1.2_2019", "TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025")


@rule(name="cloudfront-viewer-tls-policy", area=SECURITY, resource_types=(DISTRIBUTION,),
      description="With an own certificate, viewers need TLS 1.2+ (minimumProtocolVersion); the default "
                  "*.cloudfront.net certificate's fixed policy is exempt.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Set viewerCertificate.minimumProtocolVersion=TLSv1.2_2021.",
      anchors=("AwsSolutions-CFR4", "CKV_AWS_174", "aws-cloudfront-distribution-secure-tls-configured"))
def validate_viewer_tls_policy(args, report_violation) -> None:
    """With an own certificate the minimum protocol must be TLS 1.2+ (CloudFront's default for one is TLSv1).
    The default *.cloudfront.net certificate is exempt unless a weak minimum is set explicitly: its policy
    is fixed by CloudFront and only an own domain can raise it."""
    if args.resource_type != DISTRIBUTION:
        return
    cert = get(args.props, "viewerCertificate")
    if cert is None or is_unknown(cert):
        return
    default_cert = as_bool(get(cert, "cloudfrontDefaultCertificate"), False) is True
    # With the default certificate only an explicit weak value is reported: it states an intent to accept
    # old TLS that must not carry over to an own certificate.
    version = as_str(get(cert, "minimumProtocolVersion"), None if default_cert else "TLSv1")
    if version is None:
        return
    if not is_unknown(version) and version not in TLS12_VIEWER_POLICIES:
        report_violation(f"viewerCertificate.minimumProtocolVersion is {version}; use TLSv1.2_2021 or newer.", None)


SECURE_ORIGIN_PROTOCOLS = ("TLSv1.2",)


def _origin_tls_problems(policy: Any, protocols: Any, where: str) -> list[str]:
    out = []
    if isinstance(policy, str) and policy != "https-only":
        out.append(f"{where} uses originProtocolPolicy {policy}; use https-only")
    if not is_unknown(protocols):
        weak = [p for p in protocols if isinstance(p, str) and p not in SECURE_ORIGIN_PROTOCOLS]
        if weak:
            out.append(f"{where} allows {', '.join(weak)} to the origin; allow TLSv1.2 only")
    return out


@rule(name="cloudfront-origin-tls", area=SECURITY, resource_types=(DISTRIBUTION, VPC_ORIGIN), stack=True,
      description="CloudFront reaches custom origins with https-only over TLS 1.2 (a VPC origin to an internal "
                  "load balancer of the stack may use http-only).",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Set originProtocolPolicy=https-only and originSslProtocols=[TLSv1.2].",
      anchors=("AwsSolutions-CFR5", "CKV2_AWS_54", "CKV2_AWS_72",
               "aws-cloudfront-distribution-origin-secure-tls-enabled",
               "aws-cloudfront-distribution-origin-secure-tls-configured"))
def validate_origin_tls(args, report_violation) -> None:
    """Distribution custom origins and VPC origins talk TLS 1.2 to the origin.

    Exception, narrow on purpose: a VPC origin may use http-only when it targets an *internal* load
    balancer of this stack - the traffic never leaves AWS's network and reaches only private subnets
    (CloudFront developer guide, "Restrict access with VPC origins", read 2026-11), and an internal
    ALB has no public certificate to offer without a custom domain.  Judged in the stack pass."""
    resources = list(args.resources)
    for r in resources:
        if r.resource_type == DISTRIBUTION:
            origins = as_list(get(r.props, "origins"))
            if is_unknown(origins):
                continue
            problems = []
            for o in origins:
                custom = get(o, "customOriginConfig")
                if custom is None or is_unknown(custom):
                    continue
                problems += _origin_tls_problems(as_str(get(custom, "originProtocolPolicy")),
                                                 as_list(get(custom, "originSslProtocols")),
                                                 f"origin {as_str(get(o, 'originId'), '?')!r}")
            report_problems(report_violation, problems, r.urn)
        elif r.resource_type == VPC_ORIGIN:
            cfg = get(r.props, "vpcOriginEndpointConfig")
            if cfg is None or is_unknown(cfg):
                continue
            policy = as_str(get(cfg, "originProtocolPolicy"))
            if policy == "http-only" and _targets_internal_lb(r):
                continue
            report_problems(report_violation, _origin_tls_problems(policy, as_list(get(cfg, "originSslProtocols.items")),
                                                               f"VPC origin {r.name}"), r.urn)


def _targets_internal_lb(vpc_origin) -> bool:
    for d in producers(vpc_origin, "vpcOriginEndpointConfig"):
        if d.resource_type in LB_TYPES:
            return as_bool(get(d.props, "internal"), False) is True
    return False


@rule(name="cloudfront-s3-origin-access", area=SECURITY, resource_types=(DISTRIBUTION,),
      description="S3 origins are read through an origin access control (no public bucket, no legacy OAI, no "
                  "website endpoint).",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Create an aws.cloudfront.OriginAccessControl (signing sigv4, always) and set the origin's "
                  "originAccessControlId; grant cloudfront.amazonaws.com s3:GetObject with an AWS:SourceArn "
                  "condition in the bucket policy.",
      anchors=("AwsSolutions-CFR6", "AwsSolutions-CFR7", "CKV2_AWS_46"))
def validate_s3_origin_access(args, report_violation) -> None:
    if args.resource_type != DISTRIBUTION:
        return
    origins = as_list(get(args.props, "origins"))
    if is_unknown(origins):
        return
    report_problems(report_violation, [p for p in (_s3_origin_problem(o) for o in origins) if p])


@rule(name="cloudfront-security-headers", area=SECURITY, resource_types=(DISTRIBUTION,),
      description="Every cache behavior adds security headers (responseHeadersPolicyId).",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Attach the managed SecurityHeadersPolicy (components/edge/cdn.py).", anchors=("CKV2_AWS_32",))
def validate_security_headers(args, report_violation) -> None:
    for b in _judged_behaviors(args):
        if get(b, "responseHeadersPolicyId") in (None, ""):
            where = as_str(get(b, "pathPattern"), "default")
            report_violation(f"Cache behavior {where!r} has no responseHeadersPolicyId (HSTS, X-Content-Type-"
                             f"Options ... are not added).", None)


@rule(name="cloudfront-access-logging", area=SECURITY, resource_types=(DISTRIBUTION,), stack=True,
      description="Viewer requests are recorded: standard or v2 access logs, or full logging of the "
                  "distribution's web ACL (which sees every request).",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Keep the CDN web ACL's logging configuration, or enable CloudFront access logs.",
      anchors=("AwsSolutions-CFR3", "CKV_AWS_86",
               "aws-cloudfront-distribution-disallow-distribution-without-logging"))
def validate_access_logging(args, report_violation) -> None:
    """Stack: standard logs to S3, CloudFront v2 logging (a log delivery source of the distribution), or
    - equivalent for who-accessed-what - full logging of the distribution's web ACL, which sees every
    viewer request."""
    resources = list(args.resources)
    for r in resources:
        if r.resource_type != DISTRIBUTION:
            continue
        logging = get(r.props, "loggingConfig")
        if is_unknown(logging) or (logging is not None and get(logging, "bucket") not in (None, "")):
            continue
        if any(s.resource_type == LOG_DELIVERY_SOURCE and any(d.urn == r.urn for d in producers(s, "resourceArn"))
               for s in resources):
            continue
        acls = {d.urn for d in producers(r, "webAclId") if d.resource_type == WEB_ACL}
        if any(c.resource_type == WAF_LOGGING and {d.urn for d in producers(c, "resourceArn")} & acls
               for c in resources):
            continue
        if is_unknown(get(r.props, "webAclId")):
            continue
        report_violation(f"Distribution {r.name} records no viewer requests: no loggingConfig, no v2 log delivery "
                         f"and no logged web ACL.", r.urn)


# S3 origins: the bucket is reached through CloudFront only when the origin signs its requests with an
# origin access control (OAC; origin access identity, OAI, is the legacy way AWS advises to migrate from:
# CloudFront developer guide, "Restrict access to an Amazon S3 origin", read 2026-11).  A website endpoint
# (s3-website) cannot use either: its bucket must be public.
_S3_REST_ORIGIN = re.compile(r"\.s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?$")
_S3_WEBSITE_ORIGIN = re.compile(r"\.s3-website[.-][a-z0-9-]+\.amazonaws\.com(?:\.cn)?$")


def _s3_origin_problem(o) -> Any:
    oid = as_str(get(o, "originId"), "?")
    domain = as_str(get(o, "domainName"))
    s3_config = get(o, "s3OriginConfig")
    if is_unknown(domain) and s3_config is None:
        return None
    domain = domain if isinstance(domain, str) else ""
    if _S3_WEBSITE_ORIGIN.search(domain):
        return (f"origin {oid!r} is an S3 website endpoint ({domain}): its bucket must be public; use the bucket's "
                f"REST endpoint with an origin access control")
    if s3_config is None and not _S3_REST_ORIGIN.search(domain):
        return None  # not an S3 origin (a custom or VPC origin)
    if get(o, "originAccessControlId") not in (None, ""):
        return None
    if as_str(get(s3_config, "originAccessIdentity"), ""):
        return (f"S3 origin {oid!r} uses a legacy origin access identity; use an origin access control "
                f"(originAccessControlId)")
    return (f"S3 origin {oid!r} ({domain or 's3OriginConfig'}) has no origin access control: the bucket must be "
            f"public for CloudFront to read it, and viewers can bypass CloudFront")


# CloudFront standard (legacy) logging writes to the bucket with an ACL grant; a bucket with S3 Object
# Ownership "BucketOwnerEnforced" has ACLs disabled and CloudFront cannot deliver (CloudFront developer guide,
# "Configure standard logging (legacy)", bucket requirements; read 2026-11).  The v2 logging (CloudWatch Logs
# delivery) has no such requirement.
BUCKET_OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
BUCKET_TYPES = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
_LOG_BUCKET_DOMAIN = re.compile(r"^(?P<name>[a-z0-9][a-z0-9.-]*?)\.s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?$")


def _enforced_buckets(resources: list) -> tuple[set, set]:
    """(bucket URNs, bucket names) whose ownership controls are BucketOwnerEnforced (ACLs disabled)."""
    urns, names = set(), set()
    for r in resources:
        if r.resource_type != BUCKET_OWNERSHIP or as_str(get(r.props, "rule.objectOwnership")) != "BucketOwnerEnforced":
            continue
        urns.update(d.urn for d in producers(r, "bucket") if d.resource_type in BUCKET_TYPES)
        name = as_str(get(r.props, "bucket"))
        if isinstance(name, str) and name:
            names.add(name)
    for r in resources:
        if r.urn in urns:
            name = as_str(get(r.props, "bucket"))
            if isinstance(name, str) and name:
                names.add(name)
    return urns, names


@rule(name="cloudfront-logging-bucket-acls", area=ACCEPTANCE, resource_types=(DISTRIBUTION, BUCKET_OWNERSHIP),
      stack=True,
      description="Standard (legacy) access logs go to a bucket domain name whose bucket keeps ACLs enabled "
                  "(not BucketOwnerEnforced), else CloudFront cannot deliver them.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Use CloudFront v2 logging (CloudWatch Logs delivery) or keep the web ACL's logs; the pack "
                  "requires BucketOwnerEnforced on every bucket (s3-bucket-baseline).")
def validate_logging_bucket_acls(args, report_violation) -> None:
    resources = list(args.resources)
    enforced_urns, enforced_names = _enforced_buckets(resources)
    for r in resources:
        if r.resource_type != DISTRIBUTION:
            continue
        bucket = as_str(get(r.props, "loggingConfig.bucket"))
        from_graph = any(d.urn in enforced_urns for d in producers(r, "loggingConfig"))
        m = _LOG_BUCKET_DOMAIN.match(bucket) if isinstance(bucket, str) else None
        if isinstance(bucket, str) and bucket and not m:
            report_violation(f"loggingConfig.bucket {bucket!r} is not a bucket domain name "
                             f"(<bucket>.s3.amazonaws.com).", r.urn)
        if from_graph or (m and m.group("name") in enforced_names):
            report_violation(f"Distribution {r.name} writes standard logs to a bucket with ACLs disabled "
                             f"(BucketOwnerEnforced): CloudFront cannot deliver them. Use CloudFront v2 logging to "
                             f"CloudWatch Logs, or the web ACL's logs.", r.urn)


# ---- sizing: the viewer certificate's SSL support method --------------------------------------------------

# sni-only is free; "vip" (dedicated IP custom SSL) costs $600 per month per certificate, pro-rated by the hour
# (AWS whitepaper "How AWS Pricing Works", CloudFront; Amazon CloudFront pricing page; read 2026-11), and
# "static-ip" needs an AWS-approved static IP set.  Every client of an API speaks SNI.
SSL_METHOD_CONFIG = {"allowedSslSupportMethods": string_list(
    "viewerCertificate.sslSupportMethod values this stack may use (vip: dedicated IPs, $600/month).",
    ["sni-only"])}


@rule(name="cloudfront-ssl-support-method", area=SIZING, resource_types=(DISTRIBUTION,),
      description="An own viewer certificate uses an SSL support method from the stack's allow-list (sni-only; "
                  "vip costs $600/month per certificate).",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Set viewerCertificate.sslSupportMethod=sni-only (components/edge/cdn.py).",
      config=SSL_METHOD_CONFIG)
def validate_ssl_support_method(args, report_violation) -> None:
    if args.resource_type != DISTRIBUTION:
        return
    cert = get(args.props, "viewerCertificate")
    if cert is None or is_unknown(cert) or as_bool(get(cert, "cloudfrontDefaultCertificate"), False) is True:
        return
    method = as_str(get(cert, "sslSupportMethod"))
    allowed = options(args, SSL_METHOD_CONFIG)["allowedSslSupportMethods"]
    if isinstance(method, str) and method and method not in allowed:
        extra = " (dedicated IP custom SSL: $600 per month per certificate)" if method == "vip" else ""
        report_violation(f"viewerCertificate.sslSupportMethod {method}{extra} is not allowed in this stack; "
                         f"allowed: {', '.join(allowed) or 'none'}.", None)


# ---- acceptance ----------------------------------------------------------------------------------------

# CreateDistribution (CloudFront API reference: DistributionConfig, CacheBehavior, ViewerCertificate,
# CustomOriginConfig; developer guide "Values that you specify when you create or update a distribution"),
# read 2026-11.
ALLOWED_METHOD_SETS = ({"GET", "HEAD"}, {"GET", "HEAD", "OPTIONS"},
                       {"GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"})
CACHED_METHOD_SETS = ({"GET", "HEAD"}, {"GET", "HEAD", "OPTIONS"})
VIEWER_POLICIES = ("allow-all", "https-only", "redirect-to-https")
PRICE_CLASSES = ("PriceClass_All", "PriceClass_200", "PriceClass_100")
HTTP_VERSIONS = ("http1.1", "http2", "http2and3", "http3")
ORIGIN_POLICIES = ("http-only", "https-only", "match-viewer")
ORIGIN_SSL = ("SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2")


def _behavior_problems(b, origin_ids: set) -> list[str]:
    where = f"cache behavior {as_str(get(b, 'pathPattern'), 'default')!r}"
    out = []
    target = as_str(get(b, "targetOriginId"))
    if isinstance(target, str) and origin_ids is not None and target not in origin_ids:
        out.append(f"{where} targets origin {target!r}, which the distribution does not define")
    allowed = as_list(get(b, "allowedMethods"))
    cached = as_list(get(b, "cachedMethods"))
    if not is_unknown(allowed) and allowed and set(allowed) not in ALLOWED_METHOD_SETS:
        out.append(f"{where}: allowedMethods {sorted(allowed)} is not one of the three sets CloudFront offers")
    if not is_unknown(cached) and cached and set(cached) not in CACHED_METHOD_SETS:
        out.append(f"{where}: cachedMethods {sorted(cached)} must be GET,HEAD or GET,HEAD,OPTIONS")
    if not is_unknown(allowed) and not is_unknown(cached) and allowed and not set(cached) <= set(allowed):
        out.append(f"{where}: cachedMethods must be a subset of allowedMethods")
    policy = as_str(get(b, "viewerProtocolPolicy"))
    if isinstance(policy, str) and policy not in VIEWER_POLICIES:
        out.append(f"{where}: viewerProtocolPolicy {policy!r} is not one of {', '.join(VIEWER_POLICIES)}")
    has_policy, has_forwarded = get(b, "cachePolicyId") not in (None, ""), get(b, "forwardedValues") is not None
    if has_policy and has_forwarded:
        out.append(f"{where}: cachePolicyId and forwardedValues are mutually exclusive")
    if not has_policy and not has_forwarded and not is_unknown(get(b, "cachePolicyId")):
        out.append(f"{where}: needs a cachePolicyId (or legacy forwardedValues)")
    return out


def _origin_problems(o) -> list[str]:
    oid = as_str(get(o, "originId"), "?")
    where = f"origin {oid!r}"
    out = []
    kinds = [k for k in ("customOriginConfig", "s3OriginConfig", "vpcOriginConfig") if get(o, k) is not None]
    if len(kinds) > 1:
        out.append(f"{where} sets {', '.join(kinds)}; an origin has one kind")
    if get(o, "domainName") in (None, "") and not is_unknown(get(o, "domainName")):
        out.append(f"{where} has no domainName")
    custom = get(o, "customOriginConfig")
    if custom is not None and not is_unknown(custom):
        for key in ("httpPort", "httpsPort"):
            port = as_int(get(custom, key))
            if isinstance(port, int) and not (port in (80, 443) or 1024 <= port <= 65535):
                out.append(f"{where}: {key} {port} must be 80, 443 or 1024-65535")
        policy = as_str(get(custom, "originProtocolPolicy"))
        if isinstance(policy, str) and policy not in ORIGIN_POLICIES:
            out.append(f"{where}: originProtocolPolicy {policy!r} is not one of {', '.join(ORIGIN_POLICIES)}")
        protocols = as_list(get(custom, "originSslProtocols"))
        if not is_unknown(protocols):
            if not protocols:
                out.append(f"{where}: originSslProtocols may not be empty")
            bad = [p for p in protocols if isinstance(p, str) and p not in ORIGIN_SSL]
            if bad:
                out.append(f"{where}: originSslProtocols {bad} are not one of {', '.join(ORIGIN_SSL)}")
        for key in ("originReadTimeout", "originKeepaliveTimeout"):
            value = as_int(get(custom, key))
            if isinstance(value, int) and not 1 <= value <= 180:
                out.append(f"{where}: {key} {value} is outside 1-180 seconds")
    return out


def _certificate_problems(props) -> list[str]:
    cert = get(props, "viewerCertificate")
    if cert is None or is_unknown(cert):
        return ["viewerCertificate is required"] if cert is None else []
    out = []
    sources = [k for k in ("cloudfrontDefaultCertificate", "acmCertificateArn", "iamCertificateId")
               if get(cert, k) not in (None, "", False)]
    if len(sources) != 1 and not any(is_unknown(get(cert, k)) for k in ("acmCertificateArn", "iamCertificateId")):
        out.append("viewerCertificate needs exactly one of cloudfrontDefaultCertificate, acmCertificateArn, "
                   "iamCertificateId")
    if sources and sources[0] != "cloudfrontDefaultCertificate" and get(cert, "sslSupportMethod") in (None, ""):
        out.append("a custom viewer certificate needs sslSupportMethod (sni-only)")
    aliases = as_list(get(props, "aliases"))
    if not is_unknown(aliases) and aliases and sources == ["cloudfrontDefaultCertificate"]:
        out.append("aliases need a custom certificate covering them; the default *.cloudfront.net certificate "
                   "does not")
    return out


@rule(name="cloudfront-distribution-constraints", area=ACCEPTANCE, resource_types=(DISTRIBUTION,),
      description="Distributions CreateDistribution accepts: behaviors target defined origins, CloudFront's "
                  "method sets, a cache policy XOR forwardedValues, one certificate source (aliases need an own "
                  "one), origin ports/protocols/timeouts in range, unique origin ids.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Fix the distribution (components/edge/cdn.py).")
def validate_distribution_constraints(args, report_violation) -> None:
    if args.resource_type != DISTRIBUTION:
        return
    p, out = args.props, []
    origins = as_list(get(p, "origins"))
    origin_ids = None
    if not is_unknown(origins):
        if not origins:
            out.append("a distribution needs at least one origin")
        ids = [as_str(get(o, "originId")) for o in origins]
        dupes = sorted({str(i) for i in ids if ids.count(i) > 1})
        if dupes:
            out.append(f"origin ids are not unique: {', '.join(dupes)}")
        origin_ids = {i for i in ids if isinstance(i, str)}
        for o in origins:
            out += _origin_problems(o)
    behaviors = _behaviors(p)
    if not is_unknown(behaviors):
        if get(p, "defaultCacheBehavior") is None:
            out.append("a distribution needs a defaultCacheBehavior")
        for b in behaviors:
            out += _behavior_problems(b, origin_ids)
    out += _certificate_problems(p)
    acl = as_str(get(p, "webAclId"))
    # A WAFv2 web ACL is given by its ARN and must be CLOUDFRONT-scoped ("global/webacl" in the ARN).
    if isinstance(acl, str) and acl.startswith("arn:") and "/webacl/" in acl and ":global/webacl/" not in acl:
        out.append(f"webAclId {acl} is a REGIONAL web ACL; CloudFront needs a CLOUDFRONT-scope (global) one")
    price, http = as_str(get(p, "priceClass")), as_str(get(p, "httpVersion"))
    if isinstance(price, str) and price not in PRICE_CLASSES:
        out.append(f"priceClass {price!r} is not one of {', '.join(PRICE_CLASSES)}")
    if isinstance(http, str) and http not in HTTP_VERSIONS:
        out.append(f"httpVersion {http!r} is not one of {', '.join(HTTP_VERSIONS)}")
    report_problems(report_violation, out)


@rule(name="cloudfront-vpc-origin-constraints", area=ACCEPTANCE, resource_types=(VPC_ORIGIN,),
      description="VPC origins point at a load balancer or instance ARN with valid ports, protocol policy and "
                  "SSL protocol list.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Fix vpcOriginEndpointConfig (components/edge/cdn.py).")
def validate_vpc_origin_constraints(args, report_violation) -> None:
    if args.resource_type != VPC_ORIGIN:
        return
    cfg = get(args.props, "vpcOriginEndpointConfig")
    if cfg is None or is_unknown(cfg):
        return
    out = []
    arn = as_str(get(cfg, "arn"))
    if isinstance(arn, str) and arn and not re.match(r"arn:aws[a-z-]*:(elasticloadbalancing|ec2):", arn):
        out.append(f"vpcOriginEndpointConfig.arn {arn!r} is not a load balancer or EC2 instance ARN")
    for key in ("httpPort", "httpsPort"):
        port = as_int(get(cfg, key))
        if isinstance(port, int) and not 1 <= port <= 65535:
            out.append(f"vpcOriginEndpointConfig.{key} {port} is outside 1-65535")
    policy = as_str(get(cfg, "originProtocolPolicy"))
    if isinstance(policy, str) and policy not in ORIGIN_POLICIES:
        out.append(f"originProtocolPolicy {policy!r} is not one of {', '.join(ORIGIN_POLICIES)}")
    items = as_list(get(cfg, "originSslProtocols.items"))
    quantity = as_int(get(cfg, "originSslProtocols.quantity"))
    if not is_unknown(items) and isinstance(quantity, int) and quantity != len(items):
        out.append(f"originSslProtocols.quantity {quantity} does not match its {len(items)} items")
    report_problems(report_violation, out)


baseline(
    __name__,
    service="Amazon CloudFront",
    resource_types=(DISTRIBUTION, VPC_ORIGIN),
    not_applicable={
        "AwsSolutions-CFR1": "Geo restriction is a business decision; the platform serves a public API to "
                             "clients anywhere (restrictionType none on purpose).",
        "CKV_AWS_374": "Same as AwsSolutions-CFR1: no country is to be blocked.",
        "CKV_AWS_305": "A default root object serves a website's index; the origin is an API behind the ALB.",
        "CKV_AWS_310": "Origin failover needs a second origin; the single origin is the Multi-AZ ALB.",
        "CKV2_AWS_42": "Requires an own certificate; without a configured domain the distribution serves "
                       "*.cloudfront.net with CloudFront's certificate, the only one that name can have.",
        "CKV_AWS_259": "Judges aws_cloudfront_response_headers_policy resources; the program attaches AWS's managed "
                       "SecurityHeadersPolicy (HSTS included) instead of creating one.",
        "CKV_AWS_216": "A disabled distribution is a maintenance state, not a security gap; nothing to enforce.",
    },
)
