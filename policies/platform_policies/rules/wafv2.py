"""AWS WAF (v2): web ACLs."""

from __future__ import annotations

import re

from pulumi_policy import Severity

from ..baseline import Baseline
from ..rule import ACCEPTANCE, MANDATORY, Rule
from ..support.naming import NameRule
from ..support.props import as_str, get, is_unknown, provider_region
from .cloudfront import GLOBAL_REGION

WEB_ACL = "aws:wafv2/webAcl:WebAcl"


def validate_wafv2_cloudfront_region(args, report_violation) -> None:
    if args.resource_type != WEB_ACL:
        return
    if as_str(get(args.props, "scope")) != "CLOUDFRONT":
        return
    region = provider_region(args)
    if is_unknown(region) or not region:
        return  # the default provider's region is not always sent to policies: nothing to judge
    if region != GLOBAL_REGION:
        report_violation(f"A CLOUDFRONT-scope web ACL must be created in {GLOBAL_REGION}; this one is created "
                         f"in {region}. Use a provider with region us-east-1.", None)


# CreateWebACL Name: 128 characters (WAFv2 API reference, read 2026-11).
PHYSICAL_NAMES = {WEB_ACL: NameRule("name", 128, pattern=re.compile(r"[\w-]+"))}


RULES = [
    Rule(name="wafv2-cloudfront-scope-region", area=ACCEPTANCE, resource_types=(WEB_ACL,),
         description="A CLOUDFRONT-scope WAFv2 web ACL is created in us-east-1.",
         validate=validate_wafv2_cloudfront_region, level=MANDATORY, severity=Severity.HIGH,
         remediation="Create the web ACL with a provider whose region is us-east-1."),
]

# Public checks on AWS WAF and what the pack does with each (baseline.py; docs/policies.md).
BASELINE = Baseline(
    service='AWS WAF',
    resource_types=(
        'aws:wafv2/webAcl:WebAcl',
        'aws:wafv2/ipSet:IpSet',
        'aws:wafv2/webAclAssociation:WebAclAssociation',
        'aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration',
    ),
    covered={},
)
