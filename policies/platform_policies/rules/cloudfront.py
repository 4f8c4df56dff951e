"""Amazon CloudFront: distributions."""

from __future__ import annotations

from pulumi_policy import Severity

from ..baseline import Baseline
from ..rule import ACCEPTANCE, MANDATORY, Rule
from ..support.graph import per_resource, producer_regions
from ..support.props import arn_region, get, is_unknown

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


RULES = [
    # A stack policy so that a first preview decides from the certificate's and web ACL's region.
    Rule(name="cloudfront-us-east-1-dependencies", area=ACCEPTANCE, resource_types=(DISTRIBUTION,), stack=True,
         description="CloudFront's ACM certificate and WAF web ACL are in us-east-1.",
         validate=per_resource((DISTRIBUTION,), validate_cloudfront_us_east_1), level=MANDATORY,
         severity=Severity.HIGH,
         remediation="Create the certificate and the CLOUDFRONT web ACL with a us-east-1 provider."),
]

# Public checks on Amazon CloudFront and what the pack does with each (baseline.py; docs/policies.md).
BASELINE = Baseline(
    service='Amazon CloudFront',
    resource_types=(
        'aws:cloudfront/distribution:Distribution',
        'aws:cloudfront/vpcOrigin:VpcOrigin',
    ),
    covered={},
)
