"""AWS WAF (v2): web ACLs."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from pulumi_policy import Severity

from ..baseline import baseline
from ..rule import ACCEPTANCE, MANDATORY, SECURITY, rule
from ..support.graph import producers, region_of
from ..support.options import integer, options
from ..support.props import (UNKNOWN, arn_region, as_bool, as_int, as_list, as_str, get, is_unknown, plain,
                             provider_region)
from ..support.report import report_problems
from .cloudfront import GLOBAL_REGION
from .cross_service import NameRule, physical_names

WEB_ACL = "aws:wafv2/webAcl:WebAcl"


@rule(name="wafv2-cloudfront-scope-region", area=ACCEPTANCE, resource_types=(WEB_ACL,),
      description="A CLOUDFRONT-scope WAFv2 web ACL is created in us-east-1.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Create the web ACL with a provider whose region is us-east-1.")
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


# ---- every public entry is behind a web ACL (stack) ------------------------------------------------------

LB_TYPES = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
STAGE = "aws:apigateway/stage:Stage"
REST_API = "aws:apigateway/restApi:RestApi"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"
LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
IP_SET = "aws:wafv2/ipSet:IpSet"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def _points_at(resource, prop: str, target) -> bool:
    """``resource.prop`` comes from ``target`` (graph) or equals its ARN (outputs under the real engine)."""
    if any(d.urn == target.urn for d in producers(resource, prop)):
        return True
    value, arn = as_str(get(resource.props, prop)), as_str(get(target.props, "arn"))
    return isinstance(value, str) and bool(value) and value == arn


def _stage_is_public(stage, resources: list) -> Any:
    apis = [d for d in producers(stage, "restApi") if d.resource_type == REST_API]
    if not apis:
        return True  # an API the stack does not show: judge it as public (the AWS default is EDGE)
    types = get(apis[0].props, "endpointConfiguration.types")  # a string in pulumi-aws 7, a list before
    if is_unknown(types):
        return UNKNOWN
    types = [types] if isinstance(types, str) else as_list(types)
    return "PRIVATE" not in (types or [])


def public_entries(resources: list) -> list:
    """Internet-facing ALBs, public REST API stages and CloudFront distributions."""
    out = []
    for r in resources:
        t = r.resource_type
        if t in LB_TYPES and as_str(get(r.props, "loadBalancerType"), "application") == "application" \
                and as_bool(get(r.props, "internal"), False) is False:
            out.append(r)
        elif t == STAGE and _stage_is_public(r, resources) is True:
            out.append(r)
        elif t == DISTRIBUTION:
            out.append(r)
    return out


@rule(name="waf-on-public-entry", area=SECURITY, resource_types=(*LB_TYPES, STAGE, DISTRIBUTION, ASSOCIATION),
      stack=True,
      description="Every public entry - internet-facing ALB, non-private REST API stage, CloudFront "
                  "distribution - is protected by an AWS WAF web ACL.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Associate the regional web ACL (WebAclAssociation) or set the distribution's webAclId.",
      anchors={STAGE: ("AwsSolutions-APIG3", "CKV2_AWS_29"), LB_TYPES[0]: ("CKV2_AWS_28",),
               DISTRIBUTION: ("AwsSolutions-CFR2", "CKV_AWS_68",
                              "aws-cloudfront-distribution-disallow-distribution-without-waf-acl")})
def validate_waf_on_public_entry(args, report_violation) -> None:
    resources = list(args.resources)
    associations = [r for r in resources if r.resource_type == ASSOCIATION]
    for entry in public_entries(resources):
        if entry.resource_type == DISTRIBUTION:
            acl = get(entry.props, "webAclId")
            if acl in (None, "") and not is_unknown(acl):
                report_violation(f"CloudFront distribution {entry.name} has no webAclId: the public entry is not "
                                 f"behind AWS WAF.", entry.urn)
            continue
        if not any(_points_at(a, "resourceArn", entry) for a in associations):
            kind = "load balancer" if entry.resource_type in LB_TYPES else "API stage"
            report_violation(f"Public {kind} {entry.name} has no WebAclAssociation: the public entry is not "
                             f"behind AWS WAF.", entry.urn)


# ---- the web ACL itself --------------------------------------------------------------------------------

# CreateWebACL limits (WAFv2 API reference: Rule, RateBasedStatement, VisibilityConfig; read 2026-11).
_METRIC = re.compile(r"[\w#:.\-/]{1,255}")
_RATE_WINDOWS = (60, 120, 300, 600)
_AGGREGATE_KEYS = ("IP", "FORWARDED_IP", "CUSTOM_KEYS", "CONSTANT")
_GROUP_STATEMENTS = ("managedRuleGroupStatement", "ruleGroupReferenceStatement")
SCOPES = ("REGIONAL", "CLOUDFRONT")


def _metric_problem(visibility, where: str) -> list[str]:
    metric = as_str(get(visibility, "metricName"))
    if visibility is None:
        return [f"{where} has no visibilityConfig"]
    if isinstance(metric, str) and not _METRIC.fullmatch(metric):
        return [f"{where}: metricName {metric!r} must be 1-255 characters of letters, digits and #:.-/_"]
    return []


def _rule_problems(rule, index: int) -> list[str]:
    where = f"rule {as_str(get(rule, 'name'), '#' + str(index))!r}"
    out = []
    statement = get(rule, "statement")
    if is_unknown(statement):
        return out
    is_group = any(get(statement, k) is not None for k in _GROUP_STATEMENTS)
    has_action, has_override = get(rule, "action") is not None, get(rule, "overrideAction") is not None
    if is_group and (has_action or not has_override):
        out.append(f"{where}: a rule-group statement takes overrideAction, not action")
    if not is_group and (has_override or not has_action):
        out.append(f"{where}: a rule without a rule group takes action, not overrideAction")
    rate = get(statement, "rateBasedStatement")
    if rate is not None and not is_unknown(rate):
        limit, window = as_int(get(rate, "limit")), as_int(get(rate, "evaluationWindowSec"), 300)
        key = as_str(get(rate, "aggregateKeyType"), "IP")
        if isinstance(limit, int) and not 10 <= limit <= 2_000_000_000:
            out.append(f"{where}: rate limit {limit} is outside 10-2,000,000,000")
        if isinstance(window, int) and window not in _RATE_WINDOWS:
            out.append(f"{where}: evaluationWindowSec {window} is not one of {_RATE_WINDOWS}")
        if isinstance(key, str) and key not in _AGGREGATE_KEYS:
            out.append(f"{where}: aggregateKeyType {key} is not one of {', '.join(_AGGREGATE_KEYS)}")
    return out + _metric_problem(get(rule, "visibilityConfig"), where)


@rule(name="wafv2-web-acl-constraints", area=ACCEPTANCE, resource_types=(WEB_ACL,),
      description="Web ACLs CreateWebACL accepts: one default action, unique rule names and priorities, "
                  "overrideAction only on rule-group rules, rate limits 10-2e9 over 60/120/300/600 s, metric "
                  "names WAF allows.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Fix the rule list (components/edge/waf.py).", anchors=("CKV_AWS_342",))
def validate_web_acl_constraints(args, report_violation) -> None:
    if args.resource_type != WEB_ACL:
        return
    p = args.props
    problems = []
    scope = as_str(get(p, "scope"))
    if isinstance(scope, str) and scope not in SCOPES:
        problems.append(f"scope {scope!r} is not REGIONAL or CLOUDFRONT")
    default = get(p, "defaultAction")
    if not is_unknown(default):
        chosen = [k for k in ("allow", "block") if get(default, k) is not None]
        if len(chosen) != 1:
            problems.append("defaultAction needs exactly one of allow or block")
    problems += _metric_problem(get(p, "visibilityConfig"), "the web ACL")
    rules = as_list(get(p, "rules"))
    if not is_unknown(rules):
        for key in ("name", "priority"):
            values = [get(r, key) for r in rules if not is_unknown(get(r, key))]
            dupes = sorted({str(v) for v in values if values.count(v) > 1})
            if dupes:
                problems.append(f"rule {key}s are not unique: {', '.join(dupes)}")
        for i, rule in enumerate(rules):
            problems += _rule_problems(rule, i)
    report_problems(report_violation, problems)


@rule(name="wafv2-ip-set-constraints", area=ACCEPTANCE, resource_types=(IP_SET,),
      description="IP sets hold CIDR blocks of their address version, none of them /0.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="List CIDRs such as 10.0.0.0/16 of the set's ipAddressVersion.")
def validate_ip_set_constraints(args, report_violation) -> None:
    if args.resource_type != IP_SET:
        return
    version = as_str(get(args.props, "ipAddressVersion"))
    addresses = as_list(get(args.props, "addresses"))
    if is_unknown(addresses) or is_unknown(version):
        return
    for a in addresses:
        if not isinstance(a, str):
            continue
        try:
            net = ipaddress.ip_network(a, strict=False)
        except ValueError:
            report_violation(f"{a!r} is not a CIDR block.", None)
            continue
        if "/" not in a:
            report_violation(f"{a!r} needs a prefix length (e.g. /32).", None)
        if net.prefixlen == 0:
            report_violation(f"{a} is a /0 range, which WAF IP sets do not accept.", None)
        if version and f"IPV{net.version}" != version:
            report_violation(f"{a} is IPv{net.version} but the IP set is {version}.", None)


@rule(name="wafv2-scope-matches-target", area=ACCEPTANCE, resource_types=(ASSOCIATION, DISTRIBUTION),
      stack=True,
      description="REGIONAL web ACLs are associated with regional resources, CLOUDFRONT ones set as a "
                  "distribution's webAclId.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Use the REGIONAL ACL for the ALB and API stage, the CLOUDFRONT ACL for the distribution.")
def validate_waf_scope_matches_target(args, report_violation) -> None:
    """A CLOUDFRONT web ACL only protects distributions, a REGIONAL one only regional resources."""
    resources = list(args.resources)
    for r in resources:
        if r.resource_type == ASSOCIATION:
            acls = [d for d in producers(r, "webAclArn") if d.resource_type == WEB_ACL]
            if acls and as_str(get(acls[0].props, "scope")) == "CLOUDFRONT":
                report_violation(f"{r.name} associates CLOUDFRONT-scope web ACL {acls[0].name} with a regional "
                                 f"resource; use a REGIONAL web ACL (CloudFront takes its ACL via webAclId).", r.urn)
            targets = producers(r, "resourceArn")
            if any(t.resource_type == DISTRIBUTION for t in targets):
                report_violation(f"{r.name} associates a CloudFront distribution; set the distribution's webAclId "
                                 f"instead (AssociateWebACL does not take distributions).", r.urn)
        elif r.resource_type == DISTRIBUTION:
            acls = [d for d in producers(r, "webAclId") if d.resource_type == WEB_ACL]
            if acls and as_str(get(acls[0].props, "scope")) == "REGIONAL":
                report_violation(f"Distribution {r.name} uses REGIONAL web ACL {acls[0].name}; CloudFront needs a "
                                 f"CLOUDFRONT-scope web ACL.", r.urn)


# ---- security: what an IP set exempts from the web ACL ----------------------------------------------------

# An IP set in an exemption position - the NOT of a rate rule's scope-down statement (those sources are never
# counted) or an allow rule (those sources skip every later rule) - must stay narrow: the committed set is the
# VPC's own range (a /16 at most).  A /1 or /8 exempts a large part of the internet.
EXEMPTION_CONFIG = {
    "minPrefixLengthIpv4": integer("Shortest IPv4 prefix an exempting IP set may hold (a VPC is /16 to /28).", 16, 1),
    "minPrefixLengthIpv6": integer("Shortest IPv6 prefix an exempting IP set may hold (a VPC is /56).", 48, 1),
}


def _exempting_references(rules: list) -> list:
    """ipSetReferenceStatement ARNs (values, possibly unknown) in exemption positions of a rule list."""
    out = []
    for rule in rules:
        plain_rule = plain(rule) if not is_unknown(rule) else {}
        if not isinstance(plain_rule, dict):
            continue
        statement = plain_rule.get("statement") or {}
        scope_down = ((statement.get("rateBasedStatement") or {}).get("scopeDownStatement") or {})
        negated = ((scope_down.get("notStatement") or {}).get("statement") or {})
        refs = [negated.get("ipSetReferenceStatement")]
        if "allow" in (plain_rule.get("action") or {}):
            refs.append(statement.get("ipSetReferenceStatement"))
        out += [ref.get("arn") for ref in refs if isinstance(ref, dict)]
    return out


def _exempting_ip_sets(resources: list) -> dict:
    """IP set resource URN -> web ACL name, for the IP sets some web ACL uses to exempt sources."""
    out = {}
    for acl in resources:
        if acl.resource_type != WEB_ACL:
            continue
        rules = as_list(get(acl.props, "rules"))
        if is_unknown(rules):
            continue
        refs = _exempting_references(rules)
        if not refs:
            continue
        sets = [d for d in producers(acl, "rules") if d.resource_type == IP_SET]
        for ip_set in sets:
            marker = as_str(get(ip_set.props, "name"), ip_set.name)
            if len(sets) == 1 or any(not isinstance(a, str) or marker in a for a in refs):
                out[ip_set.urn] = acl.name
    return out


@rule(name="wafv2-rate-exemption-scope", area=SECURITY, resource_types=(IP_SET, WEB_ACL), stack=True,
      description="IP sets a web ACL uses to exempt sources (rate-rule scope-down NOT, allow rules) hold no range "
                  "wider than minPrefixLengthIpv4/Ipv6.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Exempt only the VPC's range (components/edge/waf.py exempt_cidrs) or single partner addresses.",
      config=EXEMPTION_CONFIG)
def validate_rate_exemption_scope(args, report_violation) -> None:
    opts = options(args, EXEMPTION_CONFIG)
    shortest = {4: as_int(opts["minPrefixLengthIpv4"], 16), 6: as_int(opts["minPrefixLengthIpv6"], 48)}
    resources = list(args.resources)
    exempting = _exempting_ip_sets(resources)
    for ip_set in resources:
        if ip_set.urn not in exempting:
            continue
        addresses = as_list(get(ip_set.props, "addresses"))
        if is_unknown(addresses):
            continue
        wide = []
        for a in addresses:
            try:
                net = ipaddress.ip_network(a, strict=False) if isinstance(a, str) else None
            except ValueError:
                net = None  # wafv2-ip-set-constraints reports it
            if net is not None and net.prefixlen < shortest[net.version]:
                wide.append(a)
        if wide:
            report_violation(f"IP set {ip_set.name} exempts {', '.join(wide)} from web ACL {exempting[ip_set.urn]}'s "
                             f"rules (shorter than /{shortest[4]} IPv4, /{shortest[6]} IPv6): a large part of the "
                             f"internet escapes the rate limit.", ip_set.urn)


# ---- logging ------------------------------------------------------------------------------------------

@rule(name="wafv2-logging", area=SECURITY, resource_types=(WEB_ACL, LOGGING), stack=True,
      description="Every web ACL has a logging configuration.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Add a WebAclLoggingConfiguration to an aws-waf-logs-* log group.", anchors=("CKV2_AWS_31",))
def validate_waf_logging(args, report_violation) -> None:
    resources = list(args.resources)
    configs = [r for r in resources if r.resource_type == LOGGING]
    for acl in resources:
        if acl.resource_type == WEB_ACL and not any(_points_at(c, "resourceArn", acl) for c in configs):
            report_violation(f"Web ACL {acl.name} has no WebAclLoggingConfiguration: blocked and allowed requests "
                             f"leave no trace.", acl.urn)


# WAF logs only go to destinations named aws-waf-logs-* (WAF developer guide, "Logging destinations",
# and PutLoggingConfiguration, read 2026-11); one destination per web ACL.
WAF_LOG_PREFIX = "aws-waf-logs-"


def _destination_name(arn: str) -> str:
    if ":log-group:" in arn:
        return arn.split(":log-group:", 1)[1].split(":", 1)[0]
    if arn.startswith("arn:") and ":s3:::" in arn:
        return arn.split(":::", 1)[1].split("/", 1)[0]
    return arn.rsplit("/", 1)[-1]


def _acl_region(acl) -> Any:
    """Region of a web ACL: us-east-1 for CLOUDFRONT scope, else where its provider creates it (None if unsaid)."""
    if as_str(get(acl.props, "scope")) == "CLOUDFRONT":
        return GLOBAL_REGION
    return region_of(acl)


def _destination_regions(config) -> set:
    """Regions of a logging configuration's destinations: where the log groups/buckets/streams it was built
    from are created, else the region in the destination ARN."""
    made = {region_of(d) for d in producers(config, "logDestinationConfigs")}
    regions = {m for m in made if isinstance(m, str) and m}
    if regions:
        return regions
    destinations = as_list(get(config.props, "logDestinationConfigs"))
    if is_unknown(destinations):
        return set()
    return {arn_region(d) for d in destinations if isinstance(d, str) and arn_region(d)}


@rule(name="wafv2-logging-destination", area=ACCEPTANCE, resource_types=(LOGGING,), stack=True,
      description="WAF logging goes to exactly one destination named aws-waf-logs-*, in the web ACL's region "
                  "(us-east-1 for CLOUDFRONT scope).",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Name the log group aws-waf-logs-<...> (components/edge/waf.py).")
def validate_waf_logging_destination(args, report_violation) -> None:
    for r in args.resources:
        if r.resource_type != LOGGING:
            continue
        # The destination lives in the web ACL's region - us-east-1 for a CLOUDFRONT-scope ACL (WAF developer
        # guide, "Sending web ACL traffic logs to an Amazon CloudWatch Logs log group"; PutLoggingConfiguration
        # rejects another region; read 2026-11).
        for acl in (d for d in producers(r, "resourceArn") if d.resource_type == WEB_ACL):
            wanted = _acl_region(acl)
            if not isinstance(wanted, str) or not wanted:
                continue
            for region in sorted(_destination_regions(r) - {wanted}):
                scope = "CLOUDFRONT-scope " if wanted == GLOBAL_REGION and \
                    as_str(get(acl.props, "scope")) == "CLOUDFRONT" else ""
                report_violation(f"{r.name} logs {scope}web ACL {acl.name} ({wanted}) to a destination in {region}; "
                                 f"WAF only logs to its web ACL's region.", r.urn)
        destinations = as_list(get(r.props, "logDestinationConfigs"))
        if is_unknown(destinations):
            continue
        if len(destinations) != 1:
            report_violation(f"{r.name} lists {len(destinations)} log destinations; WAF takes exactly one.", r.urn)
        names = [_destination_name(d) for d in destinations if isinstance(d, str)]
        if any(is_unknown(d) for d in destinations):  # decide from the log group resource the ARN comes from
            names += [as_str(get(g.props, "name")) for g in producers(r, "logDestinationConfigs")
                      if g.resource_type == LOG_GROUP]
        for name in names:
            if isinstance(name, str) and name and not name.startswith(WAF_LOG_PREFIX):
                report_violation(f"WAF log destination {name!r} does not start with {WAF_LOG_PREFIX!r}; "
                                 f"PutLoggingConfiguration rejects it.", r.urn)


# ---- managed protections ------------------------------------------------------------------------------

# The AWS managed group that blocks Log4j (CVE-2021-44228) and other known-bad inputs (WAF developer
# guide, "Known bad inputs managed rule group", read 2026-11).
KNOWN_BAD_INPUTS = "AWSManagedRulesKnownBadInputsRuleSet"


def _managed_group(rule) -> Any:
    return as_str(get(rule, "statement.managedRuleGroupStatement.name"))


@rule(name="wafv2-managed-protections", area=SECURITY, resource_types=(WEB_ACL,),
      description="Web ACLs have rules, including the AWS known-bad-inputs group (Log4j) in blocking mode.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Keep AWSManagedRulesKnownBadInputsRuleSet with overrideAction none.",
      anchors=("CKV_AWS_175", "CKV_AWS_192", "CKV2_AWS_47", "CKV2_AWS_76", "CKV2_AWS_77"))
def validate_web_acl_protections(args, report_violation) -> None:
    if args.resource_type != WEB_ACL:
        return
    rules = as_list(get(args.props, "rules"))
    if is_unknown(rules):
        return
    if not rules:
        report_violation("The web ACL has no rules: it only applies its default action.", None)
        return
    bad_inputs = [r for r in rules if _managed_group(r) == KNOWN_BAD_INPUTS]
    if not bad_inputs:
        report_violation(f"The web ACL does not use {KNOWN_BAD_INPUTS} (Log4j and other known exploits).", None)
    elif all(get(r, "overrideAction.count") is not None for r in bad_inputs):
        report_violation(f"{KNOWN_BAD_INPUTS} is overridden to count: it blocks nothing.", None)


# CreateWebACL Name: 128 characters (WAFv2 API reference, read 2026-11).
physical_names(NameRule("name", 128, pattern=re.compile(r"[\w-]+")), WEB_ACL)


baseline(
    __name__,
    service="AWS WAF",
    resource_types=(
        "aws:wafv2/webAcl:WebAcl",
        "aws:wafv2/ipSet:IpSet",
        "aws:wafv2/webAclAssociation:WebAclAssociation",
        "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
    ),
)
