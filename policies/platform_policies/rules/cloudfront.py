"""Amazon CloudFront: distributions."""

from __future__ import annotations

from pulumi_policy import Severity

from ..baseline import Baseline
from ..rule import ACCEPTANCE, MANDATORY, Rule
from ..support.props import arn_region, get, is_unknown

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"

# CloudFront is a global service: it only reads ACM certificates and WAF web ACLs from us-east-1
# (CloudFront developer guide, "Requirements for using SSL/TLS certificates"; WAF developer guide, 2026-11).
GLOBAL_REGION = "us-east-1"


def validate_cloudfront_us_east_1(args, report_violation) -> None:
    if args.resource_type != DISTRIBUTION:
        return
    cert_region = arn_region(get(args.props, "viewerCertificate.acmCertificateArn"))
    if not is_unknown(cert_region) and cert_region and cert_region != GLOBAL_REGION:
        report_violation(f"viewerCertificate.acmCertificateArn is in {cert_region}; CloudFront needs an ACM "
                         f"certificate in {GLOBAL_REGION}.", None)
    acl_region = arn_region(get(args.props, "webAclId"))
    if not is_unknown(acl_region) and acl_region and acl_region != GLOBAL_REGION:
        report_violation(f"webAclId is a web ACL in {acl_region}; CloudFront needs a CLOUDFRONT-scope web ACL "
                         f"in {GLOBAL_REGION}.", None)


RULES = [
    Rule(name="cloudfront-us-east-1-dependencies", area=ACCEPTANCE, resource_types=(DISTRIBUTION,),
         description="CloudFront's ACM certificate and WAF web ACL are in us-east-1.",
         validate=validate_cloudfront_us_east_1, level=MANDATORY, severity=Severity.HIGH,
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
