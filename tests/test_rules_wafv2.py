"""WAF rules (rules/wafv2.py): a compliant and a violating case per rule."""

from __future__ import annotations

from test_policies_support import U_STR, check, check_stack, urn

from platform_policies.rules import wafv2 as waf

VIS = {"cloudwatchMetricsEnabled": True, "metricName": "prod-edge-waf", "sampledRequestsEnabled": True}


def managed(name: str, priority: int, **extra) -> dict:
    return {"name": name, "priority": priority, "overrideAction": {"none": {}}, "visibilityConfig": VIS,
            "statement": {"managedRuleGroupStatement": {"vendorName": "AWS", "name": name}}, **extra}


RATE = {"name": "rate", "priority": 9, "action": {"block": {}}, "visibilityConfig": VIS,
        "statement": {"rateBasedStatement": {"limit": 2000, "aggregateKeyType": "IP", "evaluationWindowSec": 300}}}
ACL = {"scope": "REGIONAL", "defaultAction": {"allow": {}}, "visibilityConfig": VIS,
       "rules": [managed("AWSManagedRulesCommonRuleSet", 0), managed(waf.KNOWN_BAD_INPUTS, 1), RATE]}


def test_web_acl_protections():
    v = waf.validate_web_acl_protections
    assert check(v, waf.WEB_ACL, ACL) == []
    assert check(v, waf.WEB_ACL, {**ACL, "rules": []})
    assert check(v, waf.WEB_ACL, {**ACL, "rules": [RATE]})
    assert check(v, waf.WEB_ACL, {**ACL, "rules": [managed(waf.KNOWN_BAD_INPUTS, 1, overrideAction={"count": {}})]})


def test_web_acl_constraints():
    v = waf.validate_web_acl_constraints
    assert check(v, waf.WEB_ACL, ACL) == []
    assert check(v, waf.WEB_ACL, {**ACL, "defaultAction": {}})
    assert check(v, waf.WEB_ACL, {**ACL, "scope": "GLOBAL"})
    assert check(v, waf.WEB_ACL, {**ACL, "rules": [managed("A", 0), managed("B", 0)]})
    assert check(v, waf.WEB_ACL, {**ACL, "rules": [managed("A", 0, action={"block": {}})]})
    assert check(v, waf.WEB_ACL, {**ACL, "rules": [{**RATE, "overrideAction": {"none": {}}}]})
    for bad in ({"limit": 5}, {"evaluationWindowSec": 30}, {"aggregateKeyType": "COUNTRY"}):
        rule = {**RATE, "statement": {"rateBasedStatement": {**RATE["statement"]["rateBasedStatement"], **bad}}}
        assert check(v, waf.WEB_ACL, {**ACL, "rules": [rule]}), bad
    assert check(v, waf.WEB_ACL, {**ACL, "visibilityConfig": {**VIS, "metricName": "has space"}})


def test_ip_set_constraints():
    v = waf.validate_ip_set_constraints
    assert check(v, waf.IP_SET, {"ipAddressVersion": "IPV4", "addresses": ["10.0.0.0/16", "1.2.3.4/32"]}) == []
    assert check(v, waf.IP_SET, {"ipAddressVersion": "IPV4", "addresses": ["0.0.0.0/0"]})
    assert check(v, waf.IP_SET, {"ipAddressVersion": "IPV4", "addresses": ["2001:db8::/32"]})
    assert check(v, waf.IP_SET, {"ipAddressVersion": "IPV4", "addresses": ["10.0.0.300/8"]})
    assert check(v, waf.IP_SET, {"ipAddressVersion": "IPV4", "addresses": ["10.0.0.1"]})
    assert check(v, waf.IP_SET, {"ipAddressVersion": U_STR, "addresses": ["x"]}) == []


def _edge(internal: bool = False, with_assoc: bool = True, api_private: bool = False) -> list[dict]:
    lb_urn, stage_urn, api_urn, acl_urn = (urn(waf.LB_TYPES[0], "alb"), urn(waf.STAGE, "stage"),
                                           urn(waf.REST_API, "api"), urn(waf.WEB_ACL, "acl"))
    out = [{"type": waf.WEB_ACL, "name": "acl", "urn": acl_urn, "props": {"scope": "REGIONAL"}},
           {"type": waf.LB_TYPES[0], "name": "alb", "urn": lb_urn, "props": {"internal": internal}},
           {"type": waf.REST_API, "name": "api", "urn": api_urn,
            "props": {"endpointConfiguration": {"types": "PRIVATE" if api_private else "REGIONAL"}}},
           {"type": waf.STAGE, "name": "stage", "urn": stage_urn, "props": {"stageName": "v1"},
            "deps": {"restApi": [api_urn]}},
           {"type": waf.ASSOCIATION, "name": "waf-api", "props": {}, "deps": {"resourceArn": [stage_urn],
                                                                              "webAclArn": [acl_urn]}}]
    if with_assoc:
        out.append({"type": waf.ASSOCIATION, "name": "waf-alb", "props": {},
                    "deps": {"resourceArn": [lb_urn], "webAclArn": [acl_urn]}})
    return out


def test_waf_on_public_entry():
    v = waf.validate_waf_on_public_entry
    assert check_stack(v, _edge()) == []
    out = check_stack(v, _edge(with_assoc=False))
    assert len(out) == 1 and out[0][1].endswith("::alb")
    assert check_stack(v, _edge(internal=True, with_assoc=False)) == []  # an internal ALB is no public entry
    stage_only = [r for r in _edge(api_private=False) if r["name"] != "waf-api"]
    assert check_stack(v, stage_only)
    private = [r for r in _edge(api_private=True) if r["name"] != "waf-api"]
    assert check_stack(v, private) == []
    assert check_stack(v, [{"type": waf.DISTRIBUTION, "name": "cdn", "props": {}}])
    assert check_stack(v, [{"type": waf.DISTRIBUTION, "name": "cdn", "props": {"webAclId": "arn:x"}}]) == []
    # Under the real engine the association's resourceArn is the ALB's arn output.
    lb = {"type": waf.LB_TYPES[0], "name": "alb", "props": {"arn": "arn:lb"}}
    assert check_stack(v, [lb, {"type": waf.ASSOCIATION, "name": "a", "props": {"resourceArn": "arn:lb"}}]) == []


def test_waf_scope_matches_target():
    v = waf.validate_waf_scope_matches_target
    assert check_stack(v, _edge()) == []
    wrong = [dict(r, props={"scope": "CLOUDFRONT"}) if r["name"] == "acl" else r for r in _edge()]
    assert check_stack(v, wrong)
    acl_urn = urn(waf.WEB_ACL, "r")
    assert check_stack(v, [{"type": waf.WEB_ACL, "name": "r", "urn": acl_urn, "props": {"scope": "REGIONAL"}},
                           {"type": waf.DISTRIBUTION, "name": "cdn", "props": {"webAclId": "x"},
                            "deps": {"webAclId": [acl_urn]}}])


def test_waf_logging():
    v = waf.validate_waf_logging
    acl_urn = urn(waf.WEB_ACL, "acl")
    acl = {"type": waf.WEB_ACL, "name": "acl", "urn": acl_urn, "props": {}}
    assert check_stack(v, [acl, {"type": waf.LOGGING, "name": "l", "props": {}, "deps": {"resourceArn": [acl_urn]}}]) \
        == []
    assert check_stack(v, [acl])


def test_waf_logging_destination():
    v = waf.validate_waf_logging_destination
    good = "arn:aws:logs:us-east-1:1:log-group:aws-waf-logs-prod"
    assert check_stack(v, [{"type": waf.LOGGING, "name": "l", "props": {"logDestinationConfigs": [good]}}]) == []
    assert check_stack(v, [{"type": waf.LOGGING, "name": "l", "props": {
        "logDestinationConfigs": ["arn:aws:logs:us-east-1:1:log-group:prod-waf"]}}])
    assert check_stack(v, [{"type": waf.LOGGING, "name": "l", "props": {"logDestinationConfigs": [good, good]}}])
    # Unknown ARN (first preview): the log group resource it comes from decides.
    g_urn = urn(waf.LOG_GROUP, "g")
    for name, bad in (("aws-waf-logs-x", False), ("waf-x", True)):
        out = check_stack(v, [{"type": waf.LOG_GROUP, "name": "g", "urn": g_urn, "props": {"name": name}},
                              {"type": waf.LOGGING, "name": "l", "props": {"logDestinationConfigs": [U_STR]},
                               "deps": {"logDestinationConfigs": [g_urn]}}])
        assert bool(out) is bad


def test_rate_exemption_scope():
    v = waf.validate_rate_exemption_scope
    set_urn = urn(waf.IP_SET, "exempt")
    arn = "arn:aws:wafv2:us-east-1:1:regional/ipset/exempt/1"
    scoped = {**RATE, "statement": {"rateBasedStatement": {**RATE["statement"]["rateBasedStatement"],
                                                           "scopeDownStatement": {"notStatement": {"statement": {
                                                               "ipSetReferenceStatement": {"arn": arn}}}}}}}

    def stack(addresses: list, rules: list) -> list:
        return [{"type": waf.IP_SET, "name": "exempt", "urn": set_urn,
                 "props": {"name": "exempt", "addresses": addresses, "ipAddressVersion": "IPV4"}},
                {"type": waf.WEB_ACL, "name": "acl", "props": {**ACL, "rules": rules}, "deps": {"rules": [set_urn]}}]
    assert check_stack(v, stack(["10.0.0.0/16"], [scoped])) == []
    halves = check_stack(v, stack(["0.0.0.0/1", "128.0.0.0/1"], [scoped]))
    assert halves and halves[0][1] == set_urn
    allow = {"name": "partners", "priority": 1, "action": {"allow": {}}, "visibilityConfig": VIS,
             "statement": {"ipSetReferenceStatement": {"arn": arn}}}
    assert check_stack(v, stack(["10.0.0.0/8"], [allow]))
    block = {**allow, "action": {"block": {}}}
    assert check_stack(v, stack(["0.0.0.0/1"], [block])) == []  # blocking a wide range exempts nobody
    assert check_stack(v, stack(["10.0.0.0/8"], [scoped]), config={"minPrefixLengthIpv4": 8}) == []


def test_waf_logging_destination_region():
    v = waf.validate_waf_logging_destination
    acl_urn, g_urn = urn(waf.WEB_ACL, "cdn-acl"), urn(waf.LOG_GROUP, "g")

    def stack(scope: str, group_region: str) -> list:
        arn = f"arn:aws:logs:{group_region}:1:log-group:aws-waf-logs-cdn"
        return [{"type": waf.WEB_ACL, "name": "cdn-acl", "urn": acl_urn, "props": {"scope": scope,
                                                                                    "region": "eu-west-1"}},
                {"type": waf.LOGGING, "name": "l", "props": {"logDestinationConfigs": [arn], "resourceArn": U_STR},
                 "deps": {"resourceArn": [acl_urn]}}]
    assert check_stack(v, stack("CLOUDFRONT", "us-east-1")) == []
    bad = check_stack(v, stack("CLOUDFRONT", "eu-west-1"))
    assert bad and "us-east-1" in bad[0][0]
    assert check_stack(v, stack("REGIONAL", "eu-west-1")) == []
    assert check_stack(v, stack("REGIONAL", "us-east-1"))
    # The log group resource's region decides over its (unknown) ARN.
    made_elsewhere = [{"type": waf.LOG_GROUP, "name": "g", "urn": g_urn, "props": {"name": "aws-waf-logs-cdn",
                                                                                 "region": "eu-west-1"}},
                      {"type": waf.WEB_ACL, "name": "cdn-acl", "urn": acl_urn, "props": {"scope": "CLOUDFRONT"}},
                      {"type": waf.LOGGING, "name": "l", "props": {"logDestinationConfigs": [U_STR]},
                       "deps": {"resourceArn": [acl_urn], "logDestinationConfigs": [g_urn]}}]
    assert check_stack(v, made_elsewhere)
