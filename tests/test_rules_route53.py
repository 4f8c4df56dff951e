"""Route 53 and Cloud Map rules (rules/route53.py, rules/servicediscovery.py): compliant and violating cases."""

from __future__ import annotations

from test_policies_support import check, check_stack, urn

from platform_policies.rules import route53, servicediscovery

ALIAS = {"name": "api.shop.test", "type": "A", "zoneId": "Z1",
         "aliases": [{"name": "d111.cloudfront.net", "zoneId": "Z2FDTNDATAQYW2", "evaluateTargetHealth": False}]}
CNAME = {"name": "_x.api.shop.test", "type": "CNAME", "zoneId": "Z1", "records": ["_y.acm-validations.aws"],
         "ttl": 60}


def test_record_constraints():
    v = route53.validate_record_constraints
    assert check(v, route53.RECORD, ALIAS) == [] and check(v, route53.RECORD, CNAME) == []
    assert check(v, route53.RECORD, {**ALIAS, "ttl": 60})
    assert check(v, route53.RECORD, {**CNAME, "ttl": None})
    assert check(v, route53.RECORD, {"name": "x", "type": "A", "zoneId": "Z1"})
    assert check(v, route53.RECORD, {**CNAME, "type": "ALIAS"})
    assert check(v, route53.RECORD, {"name": "x", "type": "A", "records": ["::1"], "ttl": 60})
    assert check(v, route53.RECORD, {**ALIAS, "aliases": [{"name": "d.cloudfront.net"}]})


def test_no_dangling_records():
    v = route53.validate_no_dangling_records
    cdn = urn("aws:cloudfront/distribution:Distribution", "cdn")
    dist = {"type": "aws:cloudfront/distribution:Distribution", "name": "cdn", "urn": cdn, "props": {}}
    assert check_stack(v, [dist, {"type": route53.RECORD, "name": "r", "props": ALIAS, "deps": {"aliases": [cdn]}}]) \
        == []
    assert check_stack(v, [{"type": route53.RECORD, "name": "r", "props": ALIAS}])
    assert check_stack(v, [{"type": route53.RECORD, "name": "r", "props": {**CNAME, "type": "TXT"}}]) == []


def test_namespace_constraints():
    v = servicediscovery.validate_namespace_constraints
    t = servicediscovery.HTTP_NAMESPACE
    assert check(v, t, {"name": "microservices-prod.internal", "description": "d"}) == []
    assert check(v, t, {"name": "micro services"}) and check(v, t, {"name": "x", "description": "d" * 1025})
