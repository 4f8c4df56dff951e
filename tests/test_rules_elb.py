"""Elastic Load Balancing rules (rules/elb.py): a compliant and a violating case per rule."""

from __future__ import annotations

import json

from test_policies_support import U_LIST, U_STR, check, check_stack, urn

from platform_policies.rules import elb

LB, TG, LISTENER, RULE = ("aws:lb/loadBalancer:LoadBalancer", "aws:lb/targetGroup:TargetGroup",
                          "aws:lb/listener:Listener", "aws:lb/listenerRule:ListenerRule")
HC = {"enabled": True, "interval": 15, "timeout": 5, "healthyThreshold": 3, "unhealthyThreshold": 3,
      "matcher": "200-399", "path": "/health", "port": "traffic-port", "protocol": "HTTP"}
TG_OK = {"port": 8080, "protocol": "HTTP", "targetType": "ip", "vpcId": "vpc-1", "healthCheck": HC,
         "deregistrationDelay": 30}
FIXED = {"type": "fixed-response", "fixedResponse": {"statusCode": "403", "contentType": "text/plain",
                                                     "messageBody": "Forbidden"}}
HTTPS = {"port": 443, "protocol": "HTTPS", "certificateArn": "arn:aws:acm:us-east-1:1:certificate/x",
         "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06", "defaultActions": [FIXED]}


def test_deletion_protection():
    assert check(elb.validate_alb_deletion_protection, LB, {"enableDeletionProtection": True}) == []
    assert check(elb.validate_alb_deletion_protection, LB, {})


def test_access_logs():
    v = elb.validate_alb_access_logs
    assert check(v, LB, {"accessLogs": {"enabled": True, "bucket": "logs"}}) == []
    assert check(v, LB, {})
    assert check(v, LB, {"accessLogs": {"enabled": True}})
    assert check(v, LB, {"accessLogs": {"enabled": True, "bucket": U_STR}}) == []


def test_request_hardening():
    v = elb.validate_alb_request_hardening
    assert check(v, LB, {"dropInvalidHeaderFields": True}) == []
    assert check(v, LB, {})
    assert check(v, LB, {"dropInvalidHeaderFields": True, "desyncMitigationMode": "monitor"})
    assert check(v, LB, {"loadBalancerType": "network"}) == []


def test_listener_tls_policy():
    v = elb.validate_listener_tls_policy
    assert check(v, LISTENER, HTTPS) == []
    assert check(v, LISTENER, {**HTTPS, "sslPolicy": "ELBSecurityPolicy-FS-1-2-Res-2020-10"}) == []
    assert check(v, LISTENER, {**HTTPS, "sslPolicy": "ELBSecurityPolicy-TLS-1-1-2017-01"})
    assert check(v, LISTENER, {k: x for k, x in HTTPS.items() if k != "sslPolicy"})
    assert check(v, LISTENER, {"protocol": "HTTP", "port": 80}) == []


def test_target_group_constraints():
    v = elb.validate_target_group_constraints
    assert check(v, TG, TG_OK) == []
    for bad in ({"timeout": 20}, {"interval": 1}, {"healthyThreshold": 11}, {"unhealthyThreshold": 1},
                {"matcher": "200-600"}, {"matcher": "ok"}, {"path": "health"}, {"enabled": False},
                {"protocol": "TCP"}, {"port": "99999"}):
        assert check(v, TG, {**TG_OK, "healthCheck": {**HC, **bad}}), bad
    assert check(v, TG, {**TG_OK, "deregistrationDelay": 4000})
    assert check(v, TG, {**TG_OK, "slowStart": 10})
    assert check(v, TG, {k: x for k, x in TG_OK.items() if k != "port"})
    assert check(v, TG, {"targetType": "lambda", "healthCheck": {"enabled": False}}) == []
    assert check(v, TG, {**TG_OK, "healthCheck": {**HC, "interval": U_STR}}) == []


def test_listener_constraints():
    v = elb.validate_listener_constraints
    assert check(v, LISTENER, HTTPS) == []
    assert check(v, LISTENER, {k: x for k, x in HTTPS.items() if k != "certificateArn"})
    assert check(v, LISTENER, {"protocol": "HTTP", "port": 80, "certificateArn": "arn:x", "defaultActions": [FIXED]})
    assert check(v, LISTENER, {"protocol": "HTTP", "port": 80, "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
                               "defaultActions": [FIXED]})
    assert check(v, LISTENER, {**HTTPS, "port": 70000})
    assert check(v, LISTENER, {**HTTPS, "defaultActions": []})
    assert check(v, LISTENER, {**HTTPS, "defaultActions": [{"type": "forward"}]})
    assert check(v, LISTENER, {**HTTPS, "defaultActions": [{**FIXED, "fixedResponse": {
        "statusCode": "403", "contentType": "text/xml"}}]})
    assert check(v, LISTENER, {"protocol": "HTTP", "port": 80, "defaultActions": [{"type": "authenticate-oidc"}]})
    assert check(v, LISTENER, {"protocol": "HTTP", "port": 80, "defaultActions": [
        {"type": "redirect", "redirect": {"protocol": "HTTPS", "statusCode": "HTTP_301"}}]}) == []
    assert check(v, LISTENER, {**HTTPS, "defaultActions": U_LIST}) == []


def _rule(name: str, priority, listener: str = "l1", **extra) -> dict:
    return {"type": RULE, "name": name, "props": {
        "priority": priority, "listenerArn": f"arn:{listener}",
        "conditions": [{"pathPattern": {"values": ["/a/*"]}}],
        "actions": [{"type": "forward", "targetGroupArn": "arn:tg"}], **extra}}


def test_listener_rule_constraints():
    v = elb.validate_listener_rule_constraints
    assert check_stack(v, [_rule("a", 10), _rule("b", 20), _rule("c", 10, listener="l2")]) == []
    clash = check_stack(v, [_rule("a", 10), _rule("b", 10)])
    assert len(clash) == 2 and all("PriorityInUse" in m for m, _ in clash)
    assert check_stack(v, [_rule("a", 0)])
    assert check_stack(v, [_rule("a", 10, conditions=[])])
    assert check_stack(v, [_rule("a", 10, conditions=[{"pathPattern": {"values": [f"/{i}" for i in range(6)]}}])])
    assert check_stack(v, [_rule("a", 10, actions=[{"type": "forward", "forward": {"targetGroups": [
        {"arn": "x", "weight": 1000}]}}])])


def _log_stack(statements: list, sse: str = "AES256", prefix: str = "", region: str = "") -> list[dict]:
    b_urn = urn("aws:s3/bucket:Bucket", "logs")
    lb_props = {"accessLogs": {"enabled": True, "bucket": "logs-1", **({"prefix": prefix} if prefix else {})},
                **({"region": region} if region else {})}
    return [{"type": "aws:s3/bucket:Bucket", "name": "logs", "urn": b_urn, "props": {}},
            {"type": "aws:s3/bucketPolicy:BucketPolicy", "name": "logs-policy", "deps": {"bucket": [b_urn]},
             "props": {"bucket": "logs-1", "policy": json.dumps({"Version": "2012-10-17", "Statement": statements})}},
            {"type": elb.BUCKET_SSE, "name": "logs-sse", "deps": {"bucket": [b_urn]}, "props": {
                "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": sse}}]}},
            {"type": LB, "name": "alb", "deps": {"accessLogs": [b_urn]}, "props": lb_props}]


def test_access_log_bucket():
    v = elb.validate_access_log_bucket
    grant = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::127311923021:root"}, "Action": "s3:PutObject",
             "Resource": "arn:aws:s3:::logs-1/*"}
    service = {**grant, "Principal": {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}}
    assert check_stack(v, _log_stack([grant])) == []
    assert check_stack(v, _log_stack([service])) == []
    assert check_stack(v, _log_stack([{**grant, "Effect": "Deny"}]))
    assert check_stack(v, _log_stack([grant], sse="aws:kms"))


def test_access_log_bucket_region_and_prefix():
    v = elb.validate_access_log_bucket
    acct = "arn:aws:iam::{}:root".format
    grant = {"Effect": "Allow", "Principal": {"AWS": acct("127311923021")}, "Action": "s3:PutObject",
             "Resource": "arn:aws:s3:::logs-1/alb/AWSLogs/111122223333/*"}
    assert check_stack(v, _log_stack([grant], prefix="alb", region="us-east-1")) == []
    # The eu-west-1 ELB account cannot deliver for a us-east-1 load balancer.
    assert check_stack(v, _log_stack([{**grant, "Principal": {"AWS": acct("156460612806")}}], prefix="alb",
                                     region="us-east-1"))
    assert check_stack(v, _log_stack([{**grant, "Principal": {"AWS": acct("156460612806")}}], prefix="alb",
                                     region="eu-west-1")) == []
    # A region opened after August 2022 has no ELB account: only the log-delivery service principal works.
    service = {**grant, "Principal": {"Service": elb.ELB_LOG_DELIVERY_PRINCIPAL}}
    assert check_stack(v, _log_stack([service], prefix="alb", region="eu-central-2")) == []
    assert check_stack(v, _log_stack([grant], prefix="alb", region="eu-central-2"))
    # The grant must cover where the load balancer writes: <prefix>/AWSLogs/<account>/...
    assert check_stack(v, _log_stack([{**grant, "Resource": "arn:aws:s3:::logs-1/other/AWSLogs/111122223333/*"}],
                                     prefix="alb", region="us-east-1"))
    assert check_stack(v, _log_stack([grant], region="us-east-1"))  # no prefix: logs go to AWSLogs/ at the root
    assert check_stack(v, _log_stack([{**grant, "Resource": "arn:aws:s3:::logs-1/*"}], prefix="alb",
                                     region="us-east-1")) == []
    # Region unknown to the pack: any ELB account of the table is accepted, not any account.
    assert check_stack(v, _log_stack([{**grant, "Principal": {"AWS": acct("999988887777")}}], prefix="alb"))



def test_load_balancer_constraints():
    v = elb.validate_load_balancer_constraints
    good = {"loadBalancerType": "application", "idleTimeout": 60, "ipAddressType": "ipv4",
            "securityGroups": ["sg-1"], "subnets": ["a", "b"]}
    assert check(v, LB, good) == []
    for bad in ({"idleTimeout": 5000}, {"ipAddressType": "ipv6"}, {"loadBalancerType": "classic"},
                {"securityGroups": [f"sg-{i}" for i in range(6)]}, {"clientKeepAlive": 10},
                {"subnetMappings": [{"subnetId": "a"}]},
                {"internal": True, "ipAddressType": "dualstack-without-public-ipv4"}):
        assert check(v, LB, {**good, **bad}), bad
