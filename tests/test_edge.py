"""Edge tier under mocks: ALB, target groups, listeners, access logs, API Gateway, WAF,
CloudFront, certificates, security groups, names, tags and outputs, for prod and dev, in the
committed mode (no domain: default endpoints) and with a domain (own or managed certificate)."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any, Optional

import pytest

from _helpers import REQUIRED_TAGS, base_tags
from conftest import plan_for, run_mocked
from components.edge.alb import ALB_TLS_POLICY, MAX_VALUES_PER_RULE, PRIVATE_ORIGIN_TAG, check_condition_budget
from components.edge.api import SHARED_ACCOUNT_ROLE_TAG, STAGE_NAME
from components.edge.cdn import CACHE_OPTIMIZED, CLOUDFRONT_ZONE_ID, VIEWER_MIN_TLS, VPC_ORIGIN_SERVICE_SG
from components.edge.edge import ApiOptions, CdnOptions, Edge, EdgeArgs, PublicService
from components.edge.origin_verify import ORIGIN_VERIFY_HEADER, build_origin_verification
from components.edge.routing import default_route_service, path_rules, stage_rewrite, wildcard_to_regex
from components.edge.waf import DESCRIPTION_PATTERN, MANAGED_RULE_GROUPS, WAF_LOG_GROUP_PREFIX
from platform_policies.facts.elb_logs import ELB_LOG_DELIVERY_PRINCIPAL, elb_log_principal
from preflight.mocks import ACCOUNT, SECRET_SIG, SIG_KEY, autoname

STACKS = ("prod", "dev")
PUBLIC = ["gateway", "user", "order", "inventory", "payment"]
VPC_ID = "vpc-0edge"
PRIVATE_SUBNETS = ["subnet-priv-a", "subnet-priv-b", "subnet-priv-c"]
OPEN = ("0.0.0.0/0", "::/0")
AUTHORIZER_ARN = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:api-authorizer"
DOMAIN, ZONE = "api.acme-shop.io", "Z0123456789ABC"
CERT = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/alb"
VPC_ORIGIN = "aws:cloudfront/vpcOrigin:VpcOrigin"
RECORD = "aws:route53/record:Record"

SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
LB = "aws:lb/loadBalancer:LoadBalancer"
TG = "aws:lb/targetGroup:TargetGroup"
LISTENER = "aws:lb/listener:Listener"
RULE = "aws:lb/listenerRule:ListenerRule"
WEB_ACL = "aws:wafv2/webAcl:WebAcl"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
# API Gateway prefixes private-integration paths with the stage; the ALB strips it.
STAGE_TRANSFORM = {"type": "url-rewrite", "urlRewriteConfig": {"rewrite": {
    "regex": r"^/v1(/|$)(.*)$", "replace": "/$2"}}}


# The committed stacks' public services (all on port 8080 with /health checks).
SERVICES = {"gateway": PublicService(path="/*"), "user": PublicService(path="/users/*"),
            "order": PublicService(path="/orders/*"), "inventory": PublicService(path="/inventory/*"),
            "payment": PublicService(path="/payments/*")}


def edge_args(stack: str, **changes: Any) -> EdgeArgs:
    """prod: the defaults; dev: its own VPC block, no deletion protection, 7-day logs."""
    dev = {} if stack == "prod" else dict(vpc_cidr="10.1.0.0/16", deletion_protection=False, log_retention_days=7)
    return EdgeArgs(**{**dict(stack=stack, region="us-east-1", base_tags=base_tags(stack), vpc_id=VPC_ID,
                              vpc_cidr="10.0.0.0/16", private_subnet_ids=PRIVATE_SUBNETS, services=SERVICES),
                       **dev, **changes})


def paths(services: dict[str, PublicService] = SERVICES) -> dict[str, str]:
    return {n: svc.path for n, svc in services.items()}


def run_edge(args: EdgeArgs):
    holder: dict[str, Edge] = {}

    def build():
        edge = Edge("edge", args)
        holder["edge"] = edge
        return {"alb_dns_name": edge.alb_dns_name, "api_url": edge.api_url, "cdn_domain": edge.cdn_domain,
                "alb_arn": edge.alb_arn, "alb_arn_suffix": edge.alb_arn_suffix,
                "alb_security_group_id": edge.alb_security_group_id,
                "https_listener_arn": edge.https_listener_arn, "listener_arn": edge.listener_arn,
                "certificate_arn": edge.certificate_arn, "target_group_arns": edge.target_group_arns,
                "target_group_arn_suffixes": edge.target_group_arn_suffixes, "api_key_id": edge.api_key_id,
                "alternate_target_group_arns": edge.alternate_target_group_arns,
                "production_listener_rule_arns": edge.production_listener_rule_arns,
                "lb_dependencies": [r.urn for r in edge.load_balancer_dependencies],
                "web_acl_arn": edge.web_acl_arn, "cdn_web_acl_arn": edge.cdn_web_acl_arn,
                "origin_verify_secret_arn": edge.origin_verify_secret_arn}

    return run_mocked(build, stack=args.stack, region=args.region)


@lru_cache(maxsize=None)
def graph(stack: str):
    """No domain (the committed mode): HTTP from the VPC origin and the VPC link to the ALB."""
    return run_edge(edge_args(stack))


@lru_cache(maxsize=None)
def tls_graph(stack: str):
    """With a domain and its own certificate (edge mode OWN_CERTIFICATE)."""
    return run_edge(edge_args(stack, certificate_arn=CERT, domain_name=DOMAIN))


@lru_cache(maxsize=None)
def managed_graph():
    """A domain, its hosted zone and a CloudFront alias: the stack requests both certificates."""
    return run_edge(edge_args("prod", domain_name=DOMAIN, hosted_zone_id=ZONE,
                              cdn=CdnOptions(aliases=["www.acme-shop.io"])))


def serving_listener(g) -> dict:
    """The listener the rules hang off: HTTPS with a domain, HTTP (the only one) without."""
    listeners = g.of_type(LISTENER)
    https = [r for r in listeners if r["inputs"]["protocol"] == "HTTPS"]
    return https[0] if https else listeners[0]


def by_id(g, type_: str) -> dict[str, dict]:
    return {r["id"]: r for r in g.of_type(type_)}


def alb_sg(g) -> dict:
    return g.named("edge-alb-sg")


# ---- routing (pure) ------------------------------------------------------------------------------

def test_gateway_is_default_route_and_others_get_path_rules():
    assert default_route_service(paths()) == "gateway"
    rules = {r.service: r for r in path_rules(paths(), STAGE_NAME)}
    assert set(rules) == set(PUBLIC)
    assert rules["user"].path == "/users/*"
    assert rules["user"].regex == r"^(/v1)?/users(/.*)?$" and STAGE_NAME == "v1"
    # The default route also has a (last) catch-all rule: ECS canaries shift rule weights.
    assert rules["gateway"].path == "/*" and rules["gateway"].priority == 50000
    assert rules["gateway"].regex == r"^(/v1)?(/.*)?$"
    assert max(r.priority for r in rules.values()) == rules["gateway"].priority
    assert len({r.priority for r in rules.values()}) == len(rules)


def test_more_specific_paths_get_lower_priorities():
    rules = {r.service: r.priority
             for r in path_rules({**paths(), "order": "/orders/*", "payment": "/orders/payments/*"}, STAGE_NAME)}
    assert rules["payment"] < rules["order"]


def test_rule_priorities_do_not_move_when_services_come_or_go():
    # ALB rejects a priority another rule still holds, and Pulumi updates the surviving
    # rules before deleting a removed one: renumbering by position fails `pulumi up`.
    before = {r.service: r.priority for r in path_rules(paths(), STAGE_NAME)}
    fewer = {n: p for n, p in paths().items() if n != "inventory"}
    more = {**paths(), "cart": "/carts/*", "search": "/search/items/*"}
    for routes in (fewer, more):
        after = {r.service: r.priority for r in path_rules(routes, STAGE_NAME)}
        assert {n: p for n, p in after.items() if n in before} == {n: p for n, p in before.items() if n in after}
        assert len(set(after.values())) == len(after)
        assert all(100 <= p < 50000 for n, p in after.items() if n != "gateway")


# Constructs the rules may use: ALB regexes have no lookarounds, backreferences, atomic groups,
# possessive quantifiers, recursion or \p{..} (ELB user guide, listener rules, read 2026-11).
ALLOWED_REGEX = re.compile(r"[A-Za-z0-9_\-/^$().|?*\\]+")


def alb_match(regex: str, path: str) -> bool:
    """Unanchored search, as a PCRE-like engine would run it: the regex anchors itself."""
    return re.search(regex, path) is not None


def apply_rewrite(path: str, stage: str = STAGE_NAME) -> str:
    regex, replace = stage_rewrite(stage)
    return re.sub(regex, re.sub(r"\$(\d)", r"\\\1", replace), path, count=1)


@pytest.mark.parametrize("pattern,matches,misses", [
    ("/orders/*", ["/orders", "/orders/", "/orders/1", "/orders/1/items", "/v1/orders", "/v1/orders/1/x"],
     ["/ordersX", "/order", "/v2/orders/1", "/v1", "/x/orders/1", "/v1/v1/orders", "/Orders/1", "/orders1"]),
    ("/a.b/*", ["/a.b", "/a.b/c", "/v1/a.b/c"], ["/axb", "/axb/c", "/a.bc"]),
    ("/x?/*", ["/xa", "/xa/b", "/x1", "/x/", "/v1/xa/b"], ["/x", "/xab", "/xab/c"]),  # ? is any one character
    ("/*", ["/", "/anything", "/a/b/c", "/v1", "/v1/", "/v1/users/1"], []),
    ("/api/v?/items*", ["/api/v2/items", "/api/v9/itemsX/y", "/v1/api/v2/items"], ["/api/v22/items", "/api/v2"]),
])
def test_wildcard_patterns_become_anchored_regexes_with_an_optional_stage(pattern, matches, misses):
    regex = wildcard_to_regex(pattern, STAGE_NAME)
    assert regex.startswith("^(/v1)?") and regex.endswith("$") and len(regex) <= 128
    assert ALLOWED_REGEX.fullmatch(regex), regex
    for path in matches:
        assert alb_match(regex, path), (regex, path)
    for path in misses:
        assert not alb_match(regex, path), (regex, path)


def test_wildcard_regex_escapes_metacharacters_and_the_stage():
    assert wildcard_to_regex("/orders/*", "v1") == r"^(/v1)?/orders(/.*)?$"
    assert wildcard_to_regex("/a.b/*", "v1") == r"^(/v1)?/a\.b(/.*)?$"
    assert wildcard_to_regex("/x?/*", "v1") == r"^(/v1)?/x.(/.*)?$"
    assert wildcard_to_regex("/*", "v1") == wildcard_to_regex("", "v1") == r"^(/v1)?(/.*)?$"
    assert wildcard_to_regex("/users/*", "prod.2") == r"^(/prod\.2)?/users(/.*)?$"
    assert not alb_match(wildcard_to_regex("/users/*", "prod.2"), "/prodX2/users")
    # ALB's 128-character limit on each regex value: a long path fails the build, not `pulumi up`.
    with pytest.raises(ValueError, match="128"):
        wildcard_to_regex("/" + "a." * 60 + "/*", STAGE_NAME)


def test_stage_rewrite_strips_only_a_leading_stage_segment():
    regex, replace = stage_rewrite(STAGE_NAME)
    assert (regex, replace) == (r"^/v1(/|$)(.*)$", "/$2")
    assert ALLOWED_REGEX.fullmatch(regex)
    assert apply_rewrite("/v1/users/1") == "/users/1"
    assert apply_rewrite("/v1/users/1/v1/x") == "/users/1/v1/x"
    assert apply_rewrite("/v1") == "/"
    assert apply_rewrite("/v1/") == "/"
    # No match: ALB forwards the request unchanged (CloudFront's paths, lookalike prefixes).
    for unchanged in ("/users/1", "/", "/v1x/users", "/v10/users", "/x/v1/users"):
        assert re.search(regex, unchanged) is None and apply_rewrite(unchanged) == unchanged


def test_a_service_path_under_the_stage_prefix_is_rejected():
    for path in ("/v1/*", "/v1/things/*"):
        with pytest.raises(ValueError, match="stage"):
            path_rules({**paths(), "order": path}, STAGE_NAME)
    assert any(r.path == "/v1beta/*" for r in path_rules({**paths(), "order": "/v1beta/*"}, STAGE_NAME))


# ---- ALB --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("stack", STACKS)
def test_alb_is_internal_hardened_and_logged(stack):
    g, s = graph(stack), edge_args(stack)
    lb = g.one(LB)["inputs"]
    # Internal in every edge mode (`internal` cannot change in place): the same with a domain.
    assert lb["loadBalancerType"] == "application" and lb["internal"] is True
    assert tls_graph(stack).one(LB)["inputs"]["internal"] is True
    assert lb["subnets"] == PRIVATE_SUBNETS
    assert lb["securityGroups"] == [alb_sg(g)["id"]]
    assert lb["dropInvalidHeaderFields"] is True
    assert lb["enableDeletionProtection"] is s.deletion_protection
    assert lb["enableDeletionProtection"] is (stack == "prod")
    bucket = g.one("aws:s3/bucket:Bucket")
    assert lb["accessLogs"] == {"enabled": True, "bucket": bucket["id"], "prefix": "alb"}
    # ELB must be allowed to write before logging is switched on.
    policy_urn = g.one("aws:s3/bucketPolicy:BucketPolicy")["urn"]
    assert policy_urn in g.one(LB)["dependencies"]


@pytest.mark.parametrize("stack", STACKS)
def test_with_a_domain_the_https_listener_uses_modern_tls_and_the_certificate(stack):
    g = tls_graph(stack)
    listeners = {r["inputs"]["port"]: r["inputs"] for r in g.of_type(LISTENER)}
    assert set(listeners) == {443, 80}
    https = listeners[443]
    assert https["protocol"] == "HTTPS"
    assert https["sslPolicy"] == ALB_TLS_POLICY == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert https["certificateArn"] == CERT == g.outputs["certificate_arn"]
    # Requests without the origin header match no rule: nothing is forwarded by default.
    assert https["defaultActions"] == [{"type": "fixed-response", "fixedResponse": {
        "contentType": "text/plain", "messageBody": "Forbidden", "statusCode": "403"}}]
    assert https["routingHttpResponseStrictTransportSecurityHeaderValue"].startswith("max-age=")


@pytest.mark.parametrize("stack", STACKS)
def test_with_a_domain_the_http_listener_only_redirects_to_https(stack):
    http = next(r["inputs"] for r in tls_graph(stack).of_type(LISTENER) if r["inputs"]["port"] == 80)
    assert http["protocol"] == "HTTP"
    assert http["defaultActions"] == [{"type": "redirect", "redirect": {
        "protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}]
    assert PRIVATE_ORIGIN_TAG[0] not in http["tags"]


@pytest.mark.parametrize("stack", STACKS)
def test_without_a_domain_one_private_http_listener_serves(stack):
    g = graph(stack)
    (listener,) = g.of_type(LISTENER)
    http = listener["inputs"]
    assert (http["port"], http["protocol"]) == (80, "HTTP")
    # Forbidden unless a rule with the origin header matches; the claim the policy pack verifies.
    assert http["defaultActions"] == [{"type": "fixed-response", "fixedResponse": {
        "contentType": "text/plain", "messageBody": "Forbidden", "statusCode": "403"}}]
    assert http["tags"][PRIVATE_ORIGIN_TAG[0]] == PRIVATE_ORIGIN_TAG[1]
    assert "sslPolicy" not in http and "certificateArn" not in http
    assert g.outputs["https_listener_arn"] == "" and g.outputs["certificate_arn"] == ""
    assert g.outputs["listener_arn"] == listener["id"]
    assert listener["name"] == tls_graph(stack).named("edge-http")["name"]  # same resource in every mode


@pytest.mark.parametrize("stack", STACKS)
def test_one_ip_target_group_per_public_service_with_config_health_check(stack):
    g, s = graph(stack), edge_args(stack)
    groups = {r["inputs"]["tags"]["service"]: r["inputs"] for r in g.of_type(TG)}
    assert sorted(groups) == sorted(PUBLIC)
    for svc, tg in groups.items():
        conf = s.services[svc]
        assert tg["targetType"] == "ip"
        assert tg["port"] == conf.port and tg["protocol"] == "HTTP"
        assert tg["vpcId"] == VPC_ID
        assert tg["healthCheck"]["path"] == conf.health_check_path
        assert tg["healthCheck"]["enabled"] is True


@pytest.mark.parametrize("stack", STACKS)
def test_alternate_target_groups_mirror_the_primary_ones(stack):
    g = graph(stack)
    by_name = {r["name"]: r["inputs"] for r in g.of_type(TG)}
    for svc in PUBLIC:
        primary, alt = by_name[f"edge-{svc}"], by_name[f"edge-{svc}-alt"]
        assert {k: v for k, v in alt.items()} == primary  # same port, health check, tags, type
    assert set(g.outputs["alternate_target_group_arns"]) == set(PUBLIC)
    assert not set(g.outputs["alternate_target_group_arns"].values()) & set(g.outputs["target_group_arns"].values())


@pytest.mark.parametrize("stack", STACKS)
def test_listener_rules_route_paths_to_their_target_groups(stack):
    g = graph(stack)
    serving_arn = serving_listener(g)["id"]
    primary, alternate = g.outputs["target_group_arns"], g.outputs["alternate_target_group_arns"]
    rules = {r["inputs"]["tags"]["service"]: r for r in g.of_type(RULE)}
    assert set(rules) == set(PUBLIC)
    for svc, record in rules.items():
        rule = record["inputs"]
        path = SERVICES[svc].path
        assert rule["conditions"][0]["pathPattern"] == {"regexValues": [wildcard_to_regex(path, STAGE_NAME)]}
        # All traffic to the primary group; ECS shifts the weights during a canary.
        assert rule["actions"] == [{"type": "forward", "forward": {"targetGroups": [
            {"arn": primary[svc], "weight": 100}, {"arn": alternate[svc], "weight": 0}]}}]
        assert rule["listenerArn"] == serving_arn
        assert f"listener-rule/app/edge-rule-{svc}/" in g.outputs["production_listener_rule_arns"][svc]  # this rule's ARN (mocks)
    assert len({r["inputs"]["priority"] for r in rules.values()}) == len(rules)
    # With a domain the same rules hang off the HTTPS listener.
    tls = tls_graph(stack)
    assert {r["inputs"]["listenerArn"] for r in tls.of_type(RULE)} == {serving_listener(tls)["id"]}
    assert serving_listener(tls)["inputs"]["port"] == 443


@pytest.mark.parametrize("stack", STACKS)
def test_every_forwarding_rule_strips_the_api_stage(stack):
    g = graph(stack)
    forwarding = [r for r in g.of_type(RULE) if r["inputs"]["actions"][0]["type"] == "forward"]
    assert len(forwarding) == len(PUBLIC)  # one rule per service, the gateway's catch-all included
    for r in forwarding:
        assert r["inputs"]["transforms"] == [STAGE_TRANSFORM], r["name"]
        assert "values" not in r["inputs"]["conditions"][0]["pathPattern"]  # conflicts with regexValues
    assert any(r["inputs"]["priority"] == 50000 for r in forwarding)


def _route(g, path: str) -> tuple[str, str]:
    """(service, forwarded path) for a verified request, evaluating the recorded rules as ALB
    does: by priority, conditions on the original path, then the rule's rewrite."""
    for r in sorted(g.of_type(RULE), key=lambda rule: rule["inputs"]["priority"]):
        inputs = r["inputs"]
        (regex,) = inputs["conditions"][0]["pathPattern"]["regexValues"]
        if alb_match(regex, path):
            (transform,) = inputs["transforms"]
            rewrite = transform["urlRewriteConfig"]["rewrite"]
            forwarded = re.sub(rewrite["regex"], re.sub(r"\$(\d)", r"\\\1", rewrite["replace"]), path, count=1)
            return inputs["tags"]["service"], forwarded
    raise AssertionError(f"no rule routes {path}")


@pytest.mark.parametrize("stack", STACKS)
def test_api_and_cloudfront_paths_reach_the_same_service_with_the_same_path(stack):
    g, s = graph(stack), edge_args(stack)
    rules = {r["inputs"]["tags"]["service"]: r["inputs"]["conditions"][0]["pathPattern"]["regexValues"][0]
             for r in g.of_type(RULE)}
    prefixes = {svc: s.services[svc].path[:-2] for svc in PUBLIC if svc != "gateway"}
    assert prefixes == {"user": "/users", "order": "/orders", "inventory": "/inventory", "payment": "/payments"}
    for svc, prefix in prefixes.items():
        regex = rules[svc]
        for path in (f"{prefix}/1", f"/v1{prefix}/1/x", prefix, f"/v1{prefix}", f"{prefix}/"):
            assert alb_match(regex, path), (svc, path)
        for other, other_prefix in prefixes.items():
            if other != svc:
                for path in (f"{other_prefix}/1", f"/v1{other_prefix}/1", other_prefix):
                    assert not alb_match(regex, path), (svc, path)
        assert not alb_match(regex, f"{prefix}x/1") and not alb_match(regex, f"/v2{prefix}/1")
        # Through API Gateway (stage prefix) and CloudFront (none): same service, same path.
        assert _route(g, f"/v1{prefix}/42") == _route(g, f"{prefix}/42") == (svc, f"{prefix}/42")
        assert _route(g, f"/v1{prefix}") == _route(g, prefix) == (svc, prefix)
    assert _route(g, "/v1/") == _route(g, "/v1") == _route(g, "/") == ("gateway", "/")
    assert _route(g, "/v1/other/path") == _route(g, "/other/path") == ("gateway", "/other/path")
    assert _route(g, "/usersx/1") == ("gateway", "/usersx/1")


def test_without_a_default_service_the_listener_answers_404():
    g = run_edge(edge_args("dev", services={**SERVICES, "gateway": PublicService(path="/gw/*")}))
    serving = serving_listener(g)["inputs"]
    assert serving["defaultActions"][0]["type"] == "fixed-response"
    assert serving["defaultActions"][0]["fixedResponse"]["statusCode"] == "403"  # unverified
    gateway_rule = next(r["inputs"] for r in g.of_type(RULE) if r["inputs"]["tags"]["service"] == "gateway")
    assert gateway_rule["conditions"][0]["pathPattern"] == {"regexValues": [r"^(/v1)?/gw(/.*)?$"]}
    assert gateway_rule["transforms"] == [STAGE_TRANSFORM]
    # Verified requests no service routes get a 404 from a last rule that forwards nothing.
    unrouted = g.named("edge-rule-unrouted")["inputs"]
    assert unrouted["priority"] == 50000
    assert unrouted["actions"] == [{"type": "fixed-response", "fixedResponse": {
        "contentType": "text/plain", "messageBody": "Not found", "statusCode": "404"}}]
    assert _header_values(unrouted) == [origin_value(g)]
    assert unrouted["conditions"][0] == {"pathPattern": {"values": ["/*"]}}
    assert "transforms" not in unrouted  # answers itself, forwards nothing
    assert all(r["inputs"]["priority"] < 50000 for r in g.of_type(RULE) if r["name"] != "edge-rule-unrouted")
    assert "edge-rule-unrouted" not in g.outputs["production_listener_rule_arns"]
    _assert_every_rule_needs_the_header(g)


@pytest.mark.parametrize("stack", STACKS)
def test_alb_and_target_group_names_fit_32_characters_after_autonaming(stack):
    long_name = "a-very-long-service1"  # 20 characters, the longest settings allow
    g = run_edge(edge_args(stack, services={**SERVICES, long_name: PublicService(path="/long/*")}))
    names = [r["inputs"].get("name") or autoname(r["name"]) for r in g.of_type(TG) + g.of_type(LB)]
    assert len(names) == 2 * (len(PUBLIC) + 1) + 1  # primary + alternate per public service, one ALB
    assert all(len(n) <= 32 for n in names), names
    assert len(set(names)) == len(names)


# ---- access-log bucket ------------------------------------------------------------------------------

@pytest.mark.parametrize("stack", STACKS)
def test_access_log_bucket_is_private_sse_s3_and_expires(stack):
    g, s = graph(stack), edge_args(stack)
    bucket = g.one("aws:s3/bucket:Bucket")
    assert bucket["inputs"].get("forceDestroy", False) is (not s.deletion_protection)
    sse = g.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")["inputs"]
    assert sse["bucket"] == bucket["id"]
    assert sse["rules"][0]["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "AES256"}  # ALB: SSE-S3 only
    block = g.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")["inputs"]
    assert all(block[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                          "restrictPublicBuckets"))
    lifecycle = g.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")["inputs"]
    assert lifecycle["rules"][0]["status"] == "Enabled"
    assert lifecycle["rules"][0]["expiration"]["days"] == s.log_retention_days
    owner = g.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls")["inputs"]
    assert owner["rule"]["objectOwnership"] == "BucketOwnerEnforced"


@pytest.mark.parametrize("stack", STACKS)
def test_bucket_policy_lets_only_regional_elb_write_its_prefix(stack):
    g = graph(stack)
    bucket = g.one("aws:s3/bucket:Bucket")["id"]
    doc = json.loads(g.one("aws:s3/bucketPolicy:BucketPolicy")["inputs"]["policy"])
    allow = [st for st in doc["Statement"] if st["Effect"] == "Allow"]
    assert len(allow) == 1
    assert allow[0]["Principal"] == {"AWS": "arn:aws:iam::127311923021:root"}  # us-east-1 ELB account
    assert allow[0]["Action"] == "s3:PutObject"
    assert allow[0]["Resource"] == f"arn:aws:s3:::{bucket}/alb/AWSLogs/{ACCOUNT}/*"
    deny = [st for st in doc["Statement"] if st["Effect"] == "Deny"]
    assert deny and deny[0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_newer_regions_use_the_log_delivery_service_principal():
    assert elb_log_principal("eu-west-1") == {"AWS": "arn:aws:iam::156460612806:root"}
    assert elb_log_principal("us-gov-west-1") == {"AWS": "arn:aws-us-gov:iam::048591011584:root"}
    assert elb_log_principal("mx-central-1") == {"Service": ELB_LOG_DELIVERY_PRINCIPAL}
    g = run_edge(edge_args("prod", region="mx-central-1"))
    doc = json.loads(g.one("aws:s3/bucketPolicy:BucketPolicy")["inputs"]["policy"])
    assert doc["Statement"][0]["Principal"] == {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}


# ---- security groups ---------------------------------------------------------------------------------

@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize("mode_graph, port", [(graph, 80), (tls_graph, 443)])
def test_alb_admits_only_the_vpc_link_and_the_cloudfront_vpc_origin(stack, mode_graph, port):
    g = mode_graph(stack)
    sg = alb_sg(g)
    assert sg["inputs"]["tags"]["tier"] == "edge"
    assert sg["inputs"]["description"].startswith("ALB")
    assert "ingress" not in sg["inputs"] and "egress" not in sg["inputs"]  # standalone rules only
    ingress = {r["name"]: r for r in g.of_type(INGRESS) if r["inputs"]["securityGroupId"] == sg["id"]}
    assert set(ingress) == {"edge-alb-from-vpclink", "edge-alb-from-cloudfront"}
    for rule in ingress.values():
        inputs = rule["inputs"]
        assert (inputs["fromPort"], inputs["toPort"], inputs["ipProtocol"]) == (port, port, "tcp")
        assert not {"cidrIpv4", "cidrIpv6", "prefixListId"} & set(inputs)
    assert ingress["edge-alb-from-vpclink"]["inputs"]["referencedSecurityGroupId"] == g.named("edge-vpclink-sg")["id"]
    # CloudFront's own group in the VPC, looked up once the VPC origin exists (and a plain dependency).
    cloudfront = ingress["edge-alb-from-cloudfront"]
    assert cloudfront["inputs"]["referencedSecurityGroupId"].startswith("sg-")
    assert g.one(VPC_ORIGIN)["urn"] in cloudfront["dependencies"]
    assert g.one(VPC_ORIGIN)["urn"] in cloudfront["propertyDependencies"]["referencedSecurityGroupId"]
    assert VPC_ORIGIN_SERVICE_SG == "CloudFront-VPCOrigins-Service-SG"
    assert g.outputs["alb_security_group_id"] == sg["id"]


@pytest.mark.parametrize("stack", STACKS)
def test_no_other_security_group_allows_the_internet(stack):
    g = graph(stack)
    alb_id = alb_sg(g)["id"]
    groups = g.of_type(SG)
    assert len(groups) == 2  # the ALB's and the VPC link's
    for sg in groups:
        for rule in sg["inputs"].get("ingress", []):
            assert not set(rule.get("cidrBlocks", []) + rule.get("ipv6CidrBlocks", [])) & set(OPEN)
    assert alb_id
    for rule in g.of_type(INGRESS):  # the ALB's included: it is internal
        inputs = rule["inputs"]
        assert inputs.get("cidrIpv4") not in OPEN and inputs.get("cidrIpv6") not in OPEN, rule["name"]
        assert inputs.get("referencedSecurityGroupId"), rule["name"]
    # Nothing in the edge tier sends traffic to the internet either.
    for rule in g.of_type(EGRESS):
        assert rule["inputs"].get("cidrIpv4") not in OPEN and rule["inputs"].get("cidrIpv6") not in OPEN


@pytest.mark.parametrize("stack", STACKS)
def test_alb_egress_reaches_only_service_ports_inside_the_vpc(stack):
    g, s = graph(stack), edge_args(stack)
    alb_id = alb_sg(g)["id"]
    egress = [r["inputs"] for r in g.of_type(EGRESS) if r["inputs"]["securityGroupId"] == alb_id]
    ports = {s.services[n].port for n in PUBLIC}
    assert {(e["fromPort"], e["toPort"]) for e in egress} == {(p, p) for p in ports}
    assert all(e["cidrIpv4"] == s.vpc_cidr and e["ipProtocol"] == "tcp" for e in egress)


@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize("mode_graph, port", [(graph, 80), (tls_graph, 443)])
def test_vpc_link_reaches_only_the_alb_on_the_serving_port(stack, mode_graph, port):
    g = mode_graph(stack)
    alb_id = alb_sg(g)["id"]
    link_sg = g.named("edge-vpclink-sg")
    egress = [r["inputs"] for r in g.of_type(EGRESS) if r["inputs"]["securityGroupId"] == link_sg["id"]]
    assert egress == [{**egress[0], "ipProtocol": "tcp", "fromPort": port, "toPort": port,
                       "referencedSecurityGroupId": alb_id}]
    link = g.one("aws:apigatewayv2/vpcLink:VpcLink")["inputs"]
    assert link["subnetIds"] == PRIVATE_SUBNETS and link["securityGroupIds"] == [link_sg["id"]]
    from_link = [r["inputs"] for r in g.of_type(INGRESS) if r["inputs"].get("referencedSecurityGroupId") == link_sg["id"]]
    assert [(r["securityGroupId"], r["fromPort"]) for r in from_link] == [(alb_id, port)]


# ---- API Gateway -------------------------------------------------------------------------------------

@pytest.mark.parametrize("stack", STACKS)
def test_api_is_regional_and_every_method_needs_an_api_key(stack):
    g = graph(stack)
    api = g.one("aws:apigateway/restApi:RestApi")["inputs"]
    assert api["endpointConfiguration"]["types"] == "REGIONAL"
    assert api["apiKeySource"] == "HEADER"
    methods = g.of_type("aws:apigateway/method:Method")
    assert len(methods) == 2  # "/" and "/{proxy+}"
    for m in methods:
        assert m["inputs"]["apiKeyRequired"] is True
        assert m["inputs"]["authorization"] == "NONE" and "authorizerId" not in m["inputs"]
    assert not g.of_type("aws:apigateway/authorizer:Authorizer")


@pytest.mark.parametrize("stack", STACKS)
def test_api_reaches_the_alb_through_vpc_link_v2(stack):
    for g, scheme in ((graph(stack), f"http://{graph(stack).outputs['alb_dns_name']}:80/"),
                      (tls_graph(stack), f"https://{DOMAIN}:443/")):
        alb_arn = g.outputs["alb_arn"]
        link_id = g.one("aws:apigatewayv2/vpcLink:VpcLink")["id"]
        integrations = g.of_type("aws:apigateway/integration:Integration")
        assert len(integrations) == 2
        for i in integrations:
            inputs = i["inputs"]
            assert inputs["type"] == "HTTP_PROXY" and inputs["connectionType"] == "VPC_LINK"
            assert inputs["connectionId"] == link_id
            assert inputs["integrationTarget"] == alb_arn
            # No domain: HTTP to the internal ALB's own name; with one, HTTPS to the name its certificate covers.
            assert inputs["uri"].startswith(scheme)
        proxy = next(i["inputs"] for i in integrations if i["inputs"]["uri"].endswith("{proxy}"))
        assert proxy["requestParameters"]["integration.request.path.proxy"] == "method.request.path.proxy"


@pytest.mark.parametrize("stack", STACKS)
def test_stage_logs_traces_and_throttles(stack):
    g, s = graph(stack), edge_args(stack)
    stage = g.one("aws:apigateway/stage:Stage")["inputs"]
    assert stage["xrayTracingEnabled"] is True
    log_group = g.named("edge-api-access")
    assert stage["accessLogSettings"]["destinationArn"].endswith(":log-group:" + autoname("edge-api-access"))
    assert json.loads(stage["accessLogSettings"]["format"])["requestId"] == "$context.requestId"
    assert log_group["inputs"]["retentionInDays"] == s.log_retention_days
    settings = g.one("aws:apigateway/methodSettings:MethodSettings")["inputs"]
    assert settings["methodPath"] == "*/*"
    assert settings["settings"]["throttlingRateLimit"] == s.api.throttle_rate_per_second
    assert settings["settings"]["throttlingBurstLimit"] == s.api.throttle_burst
    assert settings["settings"]["dataTraceEnabled"] is False  # no request bodies in logs
    # API Gateway refuses stage logging until the account has a CloudWatch role.
    account = g.one("aws:apigateway/account:Account")
    assert account["urn"] in g.one("aws:apigateway/stage:Stage")["dependencies"]
    api_id = g.one("aws:apigateway/restApi:RestApi")["id"]
    assert g.outputs["api_url"] == f"https://{api_id}.execute-api.us-east-1.amazonaws.com/v1"  # stage invokeUrl


@pytest.mark.parametrize("stack", STACKS)
def test_api_execution_log_group_exists_before_logging_with_retention(stack):
    g, s = graph(stack), edge_args(stack)
    api_id = g.one("aws:apigateway/restApi:RestApi")["id"]
    group = g.named("edge-api-execution")
    assert group["inputs"]["name"] == f"API-Gateway-Execution-Logs_{api_id}/v1"
    assert group["inputs"]["retentionInDays"] == s.log_retention_days
    # Stage (and so the method settings that switch logging on) wait for it.
    assert group["urn"] in g.one("aws:apigateway/stage:Stage")["dependencies"]


@pytest.mark.parametrize("stack", STACKS)
def test_api_deployment_waits_for_every_method_and_is_redeployed_on_change(stack):
    g = graph(stack)
    deployment = g.one("aws:apigateway/deployment:Deployment")
    wiring = {r["urn"] for r in g.of_type("aws:apigateway/method:Method") + g.of_type(
        "aws:apigateway/integration:Integration")}
    assert len(wiring) == 4 and wiring <= set(deployment["dependencies"])
    stage = g.one("aws:apigateway/stage:Stage")["inputs"]
    assert stage["deployment"] == deployment["id"]
    # A changed routing surface (here: an authorizer) must yield a new deployment.
    with_auth = run_edge(edge_args(stack, api=ApiOptions(authorizer_lambda_arn=AUTHORIZER_ARN)))
    assert (with_auth.one("aws:apigateway/deployment:Deployment")["inputs"]["triggers"]["redeployment"]
            != deployment["inputs"]["triggers"]["redeployment"])


@pytest.mark.parametrize("stack", STACKS)
def test_usage_plan_and_api_key(stack):
    g, s = graph(stack), edge_args(stack)
    plan = g.one("aws:apigateway/usagePlan:UsagePlan")
    inputs = plan["inputs"]
    assert inputs["throttleSettings"] == {"rateLimit": s.api.throttle_rate_per_second,
                                          "burstLimit": s.api.throttle_burst}
    assert inputs["quotaSettings"] == {"limit": s.api.quota_per_month, "period": "MONTH"}
    assert inputs["apiStages"] == [{"apiId": g.one("aws:apigateway/restApi:RestApi")["id"], "stage": "v1"}]
    key = g.one("aws:apigateway/apiKey:ApiKey")
    assert "value" not in key["inputs"]  # AWS generates it
    link = g.one("aws:apigateway/usagePlanKey:UsagePlanKey")["inputs"]
    assert link == {**link, "keyId": key["id"], "keyType": "API_KEY", "usagePlanId": plan["id"]}
    assert g.outputs["api_key_id"] == key["id"]  # the id only: no output carries the key value
    assert not any("key" in k and k != "api_key_id" for k in g.outputs)


def test_lambda_authorizer_is_attached_when_given():
    g = run_edge(edge_args("prod", api=ApiOptions(authorizer_lambda_arn=AUTHORIZER_ARN)))
    auth = g.one("aws:apigateway/authorizer:Authorizer")
    assert auth["inputs"]["type"] == "REQUEST"
    assert auth["inputs"]["authorizerUri"] == (
        f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{AUTHORIZER_ARN}/invocations")
    for m in g.of_type("aws:apigateway/method:Method"):
        assert m["inputs"]["authorization"] == "CUSTOM" and m["inputs"]["authorizerId"] == auth["id"]
        assert m["inputs"]["apiKeyRequired"] is True
    perm = g.one("aws:lambda/permission:Permission")["inputs"]
    assert perm["function"] == AUTHORIZER_ARN and perm["principal"] == "apigateway.amazonaws.com"
    assert perm["sourceArn"].endswith(f"/authorizers/{auth['id']}")


def test_api_gateway_account_setting_can_be_left_to_another_stack():
    g = run_edge(edge_args("dev", api=ApiOptions(manage_account=False)))
    assert not g.of_type("aws:apigateway/account:Account")
    assert not g.of_type("aws:iam/role:Role")
    # the stage says so, for the pack's apigateway-logging-role (which cannot see the other stack)
    stage = g.one("aws:apigateway/stage:Stage")["inputs"]
    assert stage["tags"][SHARED_ACCOUNT_ROLE_TAG[0]] == SHARED_ACCOUNT_ROLE_TAG[1]
    owner = run_edge(edge_args("dev")).one("aws:apigateway/stage:Stage")["inputs"]
    assert SHARED_ACCOUNT_ROLE_TAG[0] not in owner["tags"]



@pytest.mark.heavy
def test_a_stack_that_leaves_the_account_role_to_another_passes_the_pack():
    """docs/deploying.md: dev and prod in one account and region, dev without the account role."""
    import pack_inproc

    from preflight.program import record_plan

    plan = record_plan("dev", ["edge.manageApiGatewayAccount=false"])
    found = {v["policy"] for v in pack_inproc.evaluate(plan, "dev") if v["level"] == "mandatory"}
    assert found == set(), found


# ---- WAF ----------------------------------------------------------------------------------------------

def _managed_groups(acl: dict) -> list[str]:
    return [r["statement"]["managedRuleGroupStatement"]["name"] for r in acl["rules"]
            if "managedRuleGroupStatement" in r["statement"]]


def _rate_rule(acl: dict) -> dict:
    return next(r for r in acl["rules"] if "rateBasedStatement" in r["statement"])


@pytest.mark.parametrize("stack", STACKS)
def test_regional_web_acl_protects_alb_and_api_stage(stack):
    g, s = graph(stack), edge_args(stack)
    acl = g.named("edge-waf")
    inputs = acl["inputs"]
    assert inputs["scope"] == "REGIONAL" and inputs["defaultAction"] == {"allow": {}}
    assert _managed_groups(inputs) == list(MANAGED_RULE_GROUPS) == [
        "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesSQLiRuleSet"]
    assert all(r["overrideAction"] == {"none": {}} for r in inputs["rules"] if "managedRuleGroupStatement" in r["statement"])
    rate = _rate_rule(inputs)
    assert rate["action"] == {"block": {}}
    assert rate["statement"]["rateBasedStatement"]["limit"] == s.waf_rate_limit
    assert rate["statement"]["rateBasedStatement"]["aggregateKeyType"] == "IP"
    assert len({r["priority"] for r in inputs["rules"]}) == len(inputs["rules"])
    acl_arn = g.outputs["web_acl_arn"]
    targets = {a["inputs"]["resourceArn"] for a in g.of_type("aws:wafv2/webAclAssociation:WebAclAssociation")
               if a["inputs"]["webAclArn"] == acl_arn}
    stage_arn = f"arn:aws:apigateway:us-east-1::/restapis/{g.one('aws:apigateway/restApi:RestApi')['id']}/stages/v1"
    assert targets == {g.outputs["alb_arn"], stage_arn}


@pytest.mark.parametrize("stack", STACKS)
def test_waf_names_and_descriptions_are_accepted_by_aws(stack):
    g = graph(stack)
    for r in g.of_type(WEB_ACL) + g.of_type("aws:wafv2/ipSet:IpSet"):
        assert re.fullmatch(DESCRIPTION_PATTERN, r["inputs"]["description"]), r["inputs"]["description"]
        assert re.fullmatch(r"[\w-]{1,128}", autoname(r["name"]))
    for r in g.of_type(WEB_ACL):
        for rule in r["inputs"]["rules"] + [{"visibilityConfig": r["inputs"]["visibilityConfig"]}]:
            assert re.fullmatch(r"[\w#:.\-/]{1,255}", rule["visibilityConfig"]["metricName"])


@pytest.mark.parametrize("stack", STACKS)
def test_rate_rule_on_the_alb_does_not_count_the_vpc_link(stack):
    g, s = graph(stack), edge_args(stack)
    ip_set = g.one("aws:wafv2/ipSet:IpSet")["inputs"]
    assert ip_set["addresses"] == [s.vpc_cidr] and ip_set["scope"] == "REGIONAL"
    scope_down = _rate_rule(g.named("edge-waf")["inputs"])["statement"]["rateBasedStatement"]["scopeDownStatement"]
    assert "ipSetReferenceStatement" in scope_down["notStatement"]["statement"]


@pytest.mark.parametrize("stack", STACKS)
def test_waf_logs_go_to_aws_waf_logs_groups_with_secrets_redacted(stack):
    g, s = graph(stack), edge_args(stack)
    logging = g.of_type("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration")
    acl_arns = {g.outputs["web_acl_arn"], g.outputs["cdn_web_acl_arn"]}
    assert {c["inputs"]["resourceArn"] for c in logging} == acl_arns
    groups = {r["inputs"]["name"]: r["inputs"] for r in g.of_type("aws:cloudwatch/logGroup:LogGroup")
              if r["inputs"].get("name", "").startswith(WAF_LOG_GROUP_PREFIX)}
    assert len(groups) == 2
    assert all(gr["retentionInDays"] == s.log_retention_days for gr in groups.values())
    for c in logging:
        dest = c["inputs"]["logDestinationConfigs"][0]
        assert dest.split(":log-group:")[1].startswith("aws-waf-logs-") and not dest.endswith(":*")
        redacted = {f["singleHeader"]["name"] for f in c["inputs"]["redactedFields"]}
        assert {"authorization", "x-api-key"} <= redacted


# ---- CloudFront -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("stack", STACKS)
def test_cloudfront_acl_and_logs_live_in_us_east_1_via_an_explicit_provider(stack):
    g = graph(stack)
    provider = g.one("pulumi:providers:aws")
    assert provider["inputs"]["region"] == "us-east-1"
    assert provider["parent"] == g.one("platform:edge:Edge")["urn"]
    assert json.loads(provider["inputs"]["defaultTags"])["tags"]["tier"] == "edge"
    cdn_acl = g.named("edge-waf-cdn")
    assert cdn_acl["inputs"]["scope"] == "CLOUDFRONT"
    assert cdn_acl["provider"].startswith(provider["urn"] + "::")
    assert _managed_groups(cdn_acl["inputs"]) == list(MANAGED_RULE_GROUPS)
    assert g.named("edge-waf-cdn-logs")["provider"].startswith(provider["urn"] + "::")
    assert g.named("edge-waf")["provider"] == ""  # the regional ACL stays on the stack's provider


def test_cloudfront_acl_stays_in_us_east_1_when_the_stack_is_elsewhere():
    g = run_edge(edge_args("prod", region="eu-west-1"))
    assert g.one("pulumi:providers:aws")["inputs"]["region"] == "us-east-1"
    assert ":wafv2:us-east-1:" in g.one(DISTRIBUTION)["inputs"]["webAclId"]
    assert ":wafv2:eu-west-1:" in g.outputs["web_acl_arn"]
    # Resources made through the us-east-1 provider carry us-east-1 ARNs (the mocks follow the provider), so
    # the CLOUDFRONT ACL logs to a us-east-1 log group as WAF requires; the regional ACL logs in eu-west-1.
    (cdn_logs,) = g.named("edge-waf-cdn-logging")["inputs"]["logDestinationConfigs"]
    (alb_logs,) = g.named("edge-waf-logging")["inputs"]["logDestinationConfigs"]
    assert cdn_logs.startswith("arn:aws:logs:us-east-1:") and alb_logs.startswith("arn:aws:logs:eu-west-1:")


@pytest.mark.parametrize("stack", STACKS)
def test_distribution_serves_https_with_static_caching_from_a_vpc_origin(stack):
    g = graph(stack)
    d = g.one(DISTRIBUTION)["inputs"]
    assert d["enabled"] is True and d["priceClass"] == "PriceClass_100"
    assert d["webAclId"] == g.outputs["cdn_web_acl_arn"]
    origin = d["origins"][0]
    vpc_origin = g.one(VPC_ORIGIN)
    assert origin["vpcOriginConfig"] == {"vpcOriginId": vpc_origin["id"]} and "customOriginConfig" not in origin
    endpoint = vpc_origin["inputs"]["vpcOriginEndpointConfig"]
    assert endpoint["arn"] == g.outputs["alb_arn"] and endpoint["name"] == f"microservices-{stack}-alb"
    assert (endpoint["httpPort"], endpoint["httpsPort"]) == (80, 443)
    assert endpoint["originSslProtocols"] == {"items": ["TLSv1.2"], "quantity": 1}
    # No domain: HTTP to the ALB's own name inside the VPC.  With one: HTTPS to the name its certificate covers.
    assert endpoint["originProtocolPolicy"] == "http-only" and origin["domainName"] == g.outputs["alb_dns_name"]
    tls = tls_graph(stack)
    assert tls.one(VPC_ORIGIN)["inputs"]["vpcOriginEndpointConfig"]["originProtocolPolicy"] == "https-only"
    assert tls.one(DISTRIBUTION)["inputs"]["origins"][0]["domainName"] == DOMAIN
    # A mode switch (http-only <-> https-only) brings a new VPC origin rather than changing one in use.
    assert vpc_origin["replaceOnChanges"] == ["vpcOriginEndpointConfig.originProtocolPolicy"]
    assert d["defaultCacheBehavior"]["viewerProtocolPolicy"] == "redirect-to-https"
    static = d["orderedCacheBehaviors"]
    assert [b["pathPattern"] for b in static] == ["/static/*"]
    assert static[0]["cachePolicyId"] == CACHE_OPTIMIZED
    assert static[0]["viewerProtocolPolicy"] == "redirect-to-https"
    assert d["viewerCertificate"] == {"cloudfrontDefaultCertificate": True}  # no cdnCertificateArn configured
    assert g.outputs["cdn_domain"].endswith(".cloudfront.net")


def test_custom_cdn_certificate_enforces_tls_1_2():
    cert = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/cdn"
    g = run_edge(edge_args("prod", cdn=CdnOptions(aliases=["cdn.acme-shop.io"], certificate_arn=cert)))
    d = g.one(DISTRIBUTION)["inputs"]
    assert d["viewerCertificate"] == {"acmCertificateArn": cert, "sslSupportMethod": "sni-only",
                                      "minimumProtocolVersion": VIEWER_MIN_TLS}
    assert VIEWER_MIN_TLS.startswith("TLSv1.2")
    assert d["aliases"] == ["cdn.acme-shop.io"]
    assert not g.of_type("aws:acm/certificate:Certificate")  # brought, not requested


def test_managed_certificates_are_validated_in_the_zone_before_use():
    g = managed_graph()
    certs = {r["name"]: r for r in g.of_type("aws:acm/certificate:Certificate")}
    assert set(certs) == {"edge-alb-cert", "edge-cdn-cert"}
    assert certs["edge-alb-cert"]["inputs"]["domainName"] == DOMAIN
    assert certs["edge-cdn-cert"]["inputs"]["domainName"] == "www.acme-shop.io"
    assert all(c["inputs"]["validationMethod"] == "DNS" for c in certs.values())
    # CloudFront's certificate comes from us-east-1, through the explicit provider.
    provider = g.one("pulumi:providers:aws")
    assert certs["edge-cdn-cert"]["provider"].startswith(provider["urn"] + "::")
    assert certs["edge-cdn-cert"]["inputs"]["region"] == "us-east-1"
    records = {r["name"]: r["inputs"] for r in g.of_type(RECORD)}
    validations = {r["name"]: r for r in g.of_type("aws:acm/certificateValidation:CertificateValidation")}
    for cert, domain in (("edge-alb-cert", DOMAIN), ("edge-cdn-cert", "www.acme-shop.io")):
        record = records[f"{cert}-dns-{domain.replace('.', '-')}"]
        assert record["zoneId"] == ZONE and record["type"] == "CNAME" and record["name"].endswith(domain + ".")
        validation = validations[f"{cert}-validation"]
        assert validation["inputs"]["certificateArn"] == certs[cert]["id"]
        assert validation["inputs"]["validationRecordFqdns"] == [record["name"].rstrip(".")]
    # The listener and the distribution take the validated ARN: they wait for the certificate.
    https = serving_listener(g)
    assert https["inputs"]["port"] == 443 and https["inputs"]["certificateArn"] == certs["edge-alb-cert"]["id"]
    assert validations["edge-alb-cert-validation"]["urn"] in https["dependencies"]
    d = g.one(DISTRIBUTION)
    assert d["inputs"]["aliases"] == ["www.acme-shop.io"]
    assert d["inputs"]["viewerCertificate"]["acmCertificateArn"] == certs["edge-cdn-cert"]["id"]
    assert validations["edge-cdn-cert-validation"]["urn"] in d["dependencies"]
    # DNS: the domain to the internal ALB, the alias (IPv4 and IPv6) to CloudFront.
    assert records["edge-alb-dns"]["aliases"][0]["name"] == g.outputs["alb_dns_name"]
    for suffix, kind in (("", "A"), ("-ipv6", "AAAA")):
        alias = records[f"edge-cdn-alias-www-acme-shop-io{suffix}"]
        assert alias["type"] == kind and alias["name"] == "www.acme-shop.io"
        assert alias["aliases"][0] == {"name": g.outputs["cdn_domain"], "zoneId": CLOUDFRONT_ZONE_ID,
                                       "evaluateTargetHealth": False}


def test_without_a_domain_nothing_is_certified_or_named():
    g = graph("prod")
    assert not g.of_type("aws:acm/certificate:Certificate") and not g.of_type(RECORD)
    assert g.one(DISTRIBUTION)["inputs"]["viewerCertificate"] == {"cloudfrontDefaultCertificate": True}


def test_cdn_can_be_switched_off():
    g = run_edge(edge_args("dev", cdn=None))
    assert not g.of_type(DISTRIBUTION) and not g.of_type("pulumi:providers:aws") and not g.of_type(VPC_ORIGIN)
    assert "edge-alb-from-cloudfront" not in {r["name"] for r in g.of_type(INGRESS)}
    assert [a["inputs"]["scope"] for a in g.of_type(WEB_ACL)] == ["REGIONAL"]
    assert g.outputs["cdn_domain"] == ""


# ---- outputs, tags, hierarchy --------------------------------------------------------------------------

@pytest.mark.parametrize("stack", STACKS)
def test_outputs_contract(stack):
    g = graph(stack)
    out = g.outputs
    lb = g.one(LB)
    assert out["alb_dns_name"].endswith(".elb.amazonaws.com")
    assert out["alb_arn"] == lb["id"] and out["alb_arn_suffix"].startswith("app/edge-alb-")
    assert out["api_url"].startswith("https://") and out["api_url"].endswith("/v1")
    assert set(out["target_group_arns"]) == set(out["target_group_arn_suffixes"]) == set(PUBLIC)
    for svc in PUBLIC:
        assert out["target_group_arns"][svc].endswith(out["target_group_arn_suffixes"][svc])
    serving = serving_listener(g)
    assert out["listener_arn"] == serving["id"] and out["https_listener_arn"] == ""
    assert sorted(out["lb_dependencies"]) == sorted([serving["urn"]] + [r["urn"] for r in g.of_type(RULE)])
    tls = tls_graph(stack)
    assert tls.outputs["https_listener_arn"] == tls.outputs["listener_arn"] == serving_listener(tls)["id"]


@pytest.mark.parametrize("stack", STACKS)
def test_every_taggable_resource_carries_the_required_tags(stack):
    g = graph(stack)
    tagged = [r for r in g.resources if "tags" in r["inputs"]]
    assert len(tagged) >= 20
    for r in tagged:
        tags = r["inputs"]["tags"]
        assert all(tags.get(k) for k in REQUIRED_TAGS), (r["name"], tags)
        assert tags["tier"] == "edge" and tags["stack"] == stack
    must_tag = {LB, TG, LISTENER, SG, WEB_ACL, DISTRIBUTION, VPC_ORIGIN, "aws:s3/bucket:Bucket",
                "aws:apigateway/restApi:RestApi", "aws:apigateway/stage:Stage", "aws:cloudwatch/logGroup:LogGroup",
                "aws:apigatewayv2/vpcLink:VpcLink"}
    assert all("tags" in r["inputs"] for r in g.resources if r["type"] in must_tag)


@pytest.mark.parametrize("stack", STACKS)
def test_everything_is_a_child_of_the_component(stack):
    g = graph(stack)
    component = g.one("platform:edge:Edge")
    assert component["inputs"] == {}
    # The origin-verify secret is a GeneratedCredentials component (components/shared/credentials.py).
    credentials = {r["urn"] for r in g.of_type("platform:secrets:GeneratedCredentials")}
    assert len(credentials) == 1
    for r in g.resources:
        if r["type"] not in ("pulumi:pulumi:Stack", "platform:edge:Edge"):
            assert r["parent"] == component["urn"] or r["parent"] in credentials, r["name"]
            assert r["name"].startswith("edge-"), r["name"]


# ---- origin verification ----------------------------------------------------------------------------------

def _unsecret(value: Any) -> str:
    """The plain value of an engine secret; fails if ``value`` is not marked secret."""
    assert isinstance(value, dict) and value.get(SIG_KEY) == SECRET_SIG, value
    return value["value"]


def origin_value(g, generation: int = 1) -> str:
    """The generated header value, read from its Secrets Manager version."""
    name = "edge-origin-verify" if generation == 1 else f"edge-origin-verify-g{generation}"
    version = g.named(f"{name}-value")["inputs"]
    doc = json.loads(_unsecret(version["secretString"]))
    assert doc["username"] == ORIGIN_VERIFY_HEADER
    return doc["password"]


def _header_values(rule: dict) -> list[str]:
    headers = [c["httpHeader"] for c in rule["conditions"] if "httpHeader" in c]
    assert len(headers) == 1 and headers[0]["httpHeaderName"] == ORIGIN_VERIFY_HEADER
    return [_unsecret(v) for v in headers[0]["values"]]


def _assert_every_rule_needs_the_header(g, accepted: Optional[list[str]] = None) -> None:
    accepted = accepted or [origin_value(g)]
    rules = g.of_type(RULE)
    assert rules
    for r in rules:
        inputs = r["inputs"]
        assert _header_values(inputs) == accepted, r["name"]
        values = sum(len(c.get(kind, {}).get(key, [])) for c in inputs["conditions"]
                     for kind in ("pathPattern", "httpHeader") for key in ("values", "regexValues"))
        assert 2 <= values <= MAX_VALUES_PER_RULE, r["name"]


def _plain_parts(value: Any) -> str:
    """Everything in ``value`` that is not inside an engine secret, as text."""
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG:
            return ""
        return " ".join(f"{k} {_plain_parts(v)}" for k, v in value.items())
    if isinstance(value, list):
        return " ".join(_plain_parts(v) for v in value)
    return str(value)


@pytest.mark.parametrize("stack", STACKS)
def test_no_rule_forwards_without_the_origin_header(stack):
    g = graph(stack)
    value = origin_value(g)
    assert re.fullmatch(r"[A-Za-z0-9]{32,128}", value)  # no ALB wildcard (* ?) characters, <= 128
    _assert_every_rule_needs_the_header(g)
    # The rules forwarding to the canary pairs are exactly the header-guarded ones.
    forwarding = {r["id"] for r in g.of_type(RULE) if r["inputs"]["actions"][0]["type"] == "forward"}
    assert forwarding == set(g.outputs["production_listener_rule_arns"].values())
    gateway = next(r for r in g.of_type(RULE) if r["inputs"]["tags"]["service"] == "gateway")
    assert gateway["inputs"]["priority"] == 50000 and gateway["inputs"]["conditions"][0] == {
        "pathPattern": {"regexValues": [r"^(/v1)?(/.*)?$"]}}
    # ECS owns the weights (actions); the conditions stay managed.
    assert all(r["ignoreChanges"] == ["actions"] for r in g.of_type(RULE))
    for listener in g.of_type(LISTENER):
        assert all(a["type"] != "forward" for a in listener["inputs"]["defaultActions"])


def test_rule_condition_budget_is_checked():
    check_condition_budget((r"^(/v1)?/users(/.*)?$",), 2)  # 3 values: fine mid-rotation
    check_condition_budget(("/users/*", "/users"), 2)  # 4 wildcard values: fine too
    check_condition_budget(("^/a$", "^/b$", "^/c$"), 2)  # 5: the most a rule takes
    with pytest.raises(ValueError):
        check_condition_budget(("^/a$",), 4)  # more than 3 values in one condition
    with pytest.raises(ValueError):
        check_condition_budget(("^/a$", "^/b$", "^/c$"), 3)  # 6 values in the rule (regex values count)


@pytest.mark.parametrize("stack", STACKS)
def test_api_integrations_send_the_origin_header_after_the_alb_accepts_it(stack):
    g = graph(stack)
    value = origin_value(g)
    rule_urns = {r["urn"] for r in g.of_type(RULE)}
    integrations = g.of_type("aws:apigateway/integration:Integration")
    assert len(integrations) == 2
    for i in integrations:
        params = i["inputs"]["requestParameters"]
        # A static value is written in single quotes.
        assert _unsecret(params[f"integration.request.header.{ORIGIN_VERIFY_HEADER}"]) == f"'{value}'"
        assert rule_urns <= set(i["dependencies"])


@pytest.mark.parametrize("stack", STACKS)
def test_cloudfront_origin_sends_the_origin_header(stack):
    g = graph(stack)
    d = g.one(DISTRIBUTION)
    headers = d["inputs"]["origins"][0]["customHeaders"]
    assert [h["name"] for h in headers] == [ORIGIN_VERIFY_HEADER]
    assert _unsecret(headers[0]["value"]) == origin_value(g)
    assert {r["urn"] for r in g.of_type(RULE)} <= set(d["dependencies"])


@pytest.mark.parametrize("stack", STACKS)
def test_origin_header_value_is_a_secret_and_never_exported(stack):
    g, s = graph(stack), edge_args(stack)
    value = origin_value(g)
    secret = g.one("aws:secretsmanager/secret:Secret")
    assert secret["inputs"]["tags"]["tier"] == "edge"
    assert secret["inputs"]["recoveryWindowInDays"] == (30 if s.deletion_protection else 7)
    assert g.outputs["origin_verify_secret_arn"] == secret["id"]
    # Wherever the value is an input, it is marked secret; no output carries it.
    for r in g.resources:
        assert value not in _plain_parts(r["inputs"]), r["name"]
    assert value not in json.dumps(g.outputs)
    # The regional WAF sees the header on ALB requests: it is redacted from its logs.
    for c in g.of_type("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"):
        assert "x-origin-verify" in {f["singleHeader"]["name"] for f in c["inputs"]["redactedFields"]}


def test_whole_program_outputs_do_not_carry_the_origin_header_value():
    plan = plan_for("prod")
    version = next(r for r in plan["resources"] if r["name"] == "edge-origin-verify-value")
    value = json.loads(_unsecret(version["inputs"]["secretString"]))["password"]
    assert value not in json.dumps(plan["outputs"])


def test_rotation_accepts_both_values_until_the_previous_one_is_dropped():
    before = graph("prod")
    old = origin_value(before)
    # Step 1: new generation, previous still accepted.
    g = run_edge(edge_args("prod", origin_verify_generation=2, origin_verify_accept_previous=True))
    new = origin_value(g, 2)
    assert origin_value(g, 1) == old  # the previous generation's secret is kept as is
    assert len(g.of_type("aws:secretsmanager/secret:Secret")) == 2
    _assert_every_rule_needs_the_header(g, accepted=[new, old])
    for i in g.of_type("aws:apigateway/integration:Integration"):
        header = i["inputs"]["requestParameters"][f"integration.request.header.{ORIGIN_VERIFY_HEADER}"]
        assert _unsecret(header) == f"'{new}'"
    assert _unsecret(g.one(DISTRIBUTION)["inputs"]["origins"][0]["customHeaders"][0]["value"]) == new
    # The stage is redeployed so the integrations' new header takes effect.
    trigger = lambda graph_: graph_.one("aws:apigateway/deployment:Deployment")["inputs"]["triggers"]["redeployment"]
    assert trigger(g) != trigger(before)
    assert new not in trigger(g) and old not in trigger(before)
    # Step 2: only the new generation.
    done = run_edge(edge_args("prod", origin_verify_generation=2))
    assert [r["name"] for r in done.of_type("aws:secretsmanager/secret:Secret")] == ["edge-origin-verify-g2-secret"]
    _assert_every_rule_needs_the_header(done, accepted=[origin_value(done, 2)])


def test_rotation_arguments_are_validated():
    with pytest.raises(ValueError):
        build_origin_verification("edge", 1, True, None, stack="dev", tags={}, deletion_protection=False)
    with pytest.raises(ValueError):
        build_origin_verification("edge", 0, False, None, stack="dev", tags={}, deletion_protection=False)
