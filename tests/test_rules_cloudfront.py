"""CloudFront rules (rules/cloudfront.py): a compliant and a violating case per rule."""

from __future__ import annotations

from test_policies_support import U_STR, check, check_stack, urn

from platform_policies.rules import cloudfront as cf

BEHAVIOR = {"targetOriginId": "alb", "viewerProtocolPolicy": "redirect-to-https", "cachePolicyId": "p",
            "allowedMethods": ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
            "cachedMethods": ["GET", "HEAD"], "responseHeadersPolicyId": "h"}
ORIGIN = {"originId": "alb", "domainName": "alb.example.internal", "customOriginConfig": {
    "httpPort": 80, "httpsPort": 443, "originProtocolPolicy": "https-only", "originSslProtocols": ["TLSv1.2"]}}
DIST = {"enabled": True, "origins": [ORIGIN], "defaultCacheBehavior": BEHAVIOR, "priceClass": "PriceClass_100",
        "httpVersion": "http2and3", "viewerCertificate": {"cloudfrontDefaultCertificate": True},
        "webAclId": "arn:aws:wafv2:us-east-1:1:global/webacl/x/1"}
OWN_CERT = {"acmCertificateArn": "arn:aws:acm:us-east-1:1:certificate/x", "sslSupportMethod": "sni-only",
            "minimumProtocolVersion": "TLSv1.2_2021"}


def test_viewer_https():
    assert check(cf.validate_viewer_https, cf.DISTRIBUTION, DIST) == []
    assert check(cf.validate_viewer_https, cf.DISTRIBUTION, {**DIST, "orderedCacheBehaviors": [
        {**BEHAVIOR, "pathPattern": "/x/*", "viewerProtocolPolicy": "allow-all"}]})


def test_viewer_tls_policy():
    v = cf.validate_viewer_tls_policy
    assert check(v, cf.DISTRIBUTION, DIST) == []  # the default certificate is exempt
    assert check(v, cf.DISTRIBUTION, {**DIST, "viewerCertificate": {"cloudfrontDefaultCertificate": True,
                                                                    "minimumProtocolVersion": "TLSv1"}})
    assert check(v, cf.DISTRIBUTION, {**DIST, "viewerCertificate": OWN_CERT}) == []
    assert check(v, cf.DISTRIBUTION, {**DIST, "viewerCertificate": {**OWN_CERT, "minimumProtocolVersion": "TLSv1"}})
    assert check(v, cf.DISTRIBUTION, {**DIST, "viewerCertificate": {k: x for k, x in OWN_CERT.items()
                                                                    if k != "minimumProtocolVersion"}})


def test_origin_tls():
    v = cf.validate_origin_tls
    assert check_stack(v, [{"type": cf.DISTRIBUTION, "name": "cdn", "props": DIST}]) == []
    http = {**ORIGIN, "customOriginConfig": {**ORIGIN["customOriginConfig"], "originProtocolPolicy": "match-viewer"}}
    assert check_stack(v, [{"type": cf.DISTRIBUTION, "name": "cdn", "props": {**DIST, "origins": [http]}}])
    weak = {**ORIGIN, "customOriginConfig": {**ORIGIN["customOriginConfig"], "originSslProtocols": ["TLSv1.1"]}}
    assert check_stack(v, [{"type": cf.DISTRIBUTION, "name": "cdn", "props": {**DIST, "origins": [weak]}}])


def test_vpc_origin_http_only_is_allowed_to_an_internal_alb_only():
    v = cf.validate_origin_tls
    lb_urn = urn("aws:lb/loadBalancer:LoadBalancer", "alb")
    cfg = {"arn": "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/alb/1", "httpPort": 80,
           "httpsPort": 443, "name": "alb", "originProtocolPolicy": "http-only",
           "originSslProtocols": {"items": ["TLSv1.2"], "quantity": 1}}

    def stack(internal: bool) -> list[dict]:
        return [{"type": "aws:lb/loadBalancer:LoadBalancer", "name": "alb", "urn": lb_urn,
                 "props": {"internal": internal}},
                {"type": cf.VPC_ORIGIN, "name": "vo", "props": {"vpcOriginEndpointConfig": cfg},
                 "deps": {"vpcOriginEndpointConfig": [lb_urn]}}]
    assert check_stack(v, stack(True)) == []
    assert check_stack(v, stack(False))


def test_security_headers():
    assert check(cf.validate_security_headers, cf.DISTRIBUTION, DIST) == []
    no_headers = {k: x for k, x in BEHAVIOR.items() if k != "responseHeadersPolicyId"}
    assert check(cf.validate_security_headers, cf.DISTRIBUTION, {**DIST, "defaultCacheBehavior": no_headers})


def test_access_logging():
    v = cf.validate_access_logging
    acl_urn = urn("aws:wafv2/webAcl:WebAcl", "acl")
    dist = {"type": cf.DISTRIBUTION, "name": "cdn", "props": DIST, "deps": {"webAclId": [acl_urn]}}
    acl = {"type": "aws:wafv2/webAcl:WebAcl", "name": "acl", "urn": acl_urn, "props": {"scope": "CLOUDFRONT"}}
    logged = {"type": cf.WAF_LOGGING, "name": "log", "props": {}, "deps": {"resourceArn": [acl_urn]}}
    assert check_stack(v, [acl, dist, logged]) == []
    assert check_stack(v, [acl, dist])
    standard_logs = {**DIST, "loggingConfig": {"bucket": "logs.s3.amazonaws.com"}}
    assert check_stack(v, [acl, {**dist, "props": standard_logs}]) == []


def test_distribution_constraints():
    v = cf.validate_distribution_constraints
    assert check(v, cf.DISTRIBUTION, DIST) == []
    bad_behaviors = ({"targetOriginId": "s3"}, {"allowedMethods": ["GET", "POST"]},
                     {"cachedMethods": ["GET", "HEAD", "POST"]}, {"viewerProtocolPolicy": "http-only"},
                     {"forwardedValues": {"queryString": True}}, {"cachePolicyId": None})
    for bad in bad_behaviors:
        assert check(v, cf.DISTRIBUTION, {**DIST, "defaultCacheBehavior": {**BEHAVIOR, **bad}}), bad
    assert check(v, cf.DISTRIBUTION, {**DIST, "aliases": ["www.shop.test"]})
    assert check(v, cf.DISTRIBUTION, {**DIST, "aliases": ["www.shop.test"], "viewerCertificate": OWN_CERT}) == []
    assert check(v, cf.DISTRIBUTION, {**DIST, "viewerCertificate": {**OWN_CERT, "cloudfrontDefaultCertificate": True}})
    assert check(v, cf.DISTRIBUTION, {**DIST, "origins": [ORIGIN, ORIGIN]})
    assert check(v, cf.DISTRIBUTION, {**DIST, "origins": [{**ORIGIN, "customOriginConfig": {
        **ORIGIN["customOriginConfig"], "httpsPort": 444}}]})
    assert check(v, cf.DISTRIBUTION, {**DIST, "priceClass": "PriceClass_50"})
    assert check(v, cf.DISTRIBUTION, {**DIST, "webAclId": "arn:aws:wafv2:us-east-1:1:regional/webacl/x/1"})
    assert check(v, cf.DISTRIBUTION, {**DIST, "origins": U_STR}) == []


def test_vpc_origin_constraints():
    v = cf.validate_vpc_origin_constraints
    cfg = {"arn": "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/alb/1", "httpPort": 80,
           "httpsPort": 443, "name": "alb", "originProtocolPolicy": "https-only",
           "originSslProtocols": {"items": ["TLSv1.2"], "quantity": 1}}
    assert check(v, cf.VPC_ORIGIN, {"vpcOriginEndpointConfig": cfg}) == []
    assert check(v, cf.VPC_ORIGIN, {"vpcOriginEndpointConfig": {**cfg, "arn": "arn:aws:s3:::bucket"}})
    assert check(v, cf.VPC_ORIGIN, {"vpcOriginEndpointConfig": {**cfg, "originSslProtocols": {
        "items": ["TLSv1.2"], "quantity": 2}}})
    assert check(v, cf.VPC_ORIGIN, {"vpcOriginEndpointConfig": {**cfg, "originProtocolPolicy": "tls"}})


def test_s3_origin_access():
    v = cf.validate_s3_origin_access

    def dist(**origin) -> dict:
        return {**DIST, "origins": [ORIGIN, {"originId": "assets", **origin}]}
    rest = "assets.s3.us-east-1.amazonaws.com"
    assert check(v, cf.DISTRIBUTION, DIST) == []  # a custom origin is not an S3 origin
    assert check(v, cf.DISTRIBUTION, dist(domainName=rest, originAccessControlId="E2OAC")) == []
    assert check(v, cf.DISTRIBUTION, dist(domainName=rest, originAccessControlId=U_STR)) == []
    assert check(v, cf.DISTRIBUTION, dist(domainName=rest))
    assert check(v, cf.DISTRIBUTION, dist(domainName="assets.s3.amazonaws.com", s3OriginConfig={
        "originAccessIdentity": "origin-access-identity/cloudfront/E1"}))
    assert check(v, cf.DISTRIBUTION, dist(domainName=U_STR, s3OriginConfig={"originAccessIdentity": ""}))
    assert check(v, cf.DISTRIBUTION, dist(domainName="assets.s3-website-us-east-1.amazonaws.com",
                                          originAccessControlId="E2OAC"))
    assert check(v, cf.DISTRIBUTION, dist(domainName=U_STR)) == []  # unknown and no S3 config: undecided


def test_logging_bucket_acls():
    v = cf.validate_logging_bucket_acls
    b_urn = urn(cf.BUCKET_TYPES[0], "logs")
    bucket = {"type": cf.BUCKET_TYPES[0], "name": "logs", "urn": b_urn, "props": {"bucket": "logs-1"}}

    def owner(mode: str) -> dict:
        return {"type": cf.BUCKET_OWNERSHIP, "name": "own", "props": {"bucket": "logs-1",
                                                                       "rule": {"objectOwnership": mode}},
                "deps": {"bucket": [b_urn]}}

    def cdn(**logging) -> dict:
        return {"type": cf.DISTRIBUTION, "name": "cdn", "props": {**DIST, "loggingConfig": logging}}
    by_name = cdn(bucket="logs-1.s3.amazonaws.com")
    assert check_stack(v, [bucket, owner("BucketOwnerPreferred"), by_name]) == []
    assert check_stack(v, [bucket, owner("BucketOwnerEnforced"), by_name])
    assert check_stack(v, [bucket, owner("BucketOwnerEnforced"), cdn(bucket="other.s3.amazonaws.com")]) == []
    through_graph = {**cdn(bucket=U_STR), "deps": {"loggingConfig": [b_urn]}}
    assert check_stack(v, [bucket, owner("BucketOwnerEnforced"), through_graph])
    assert check_stack(v, [cdn(bucket="logs-1")])  # a bucket name, not its domain name


def test_ssl_support_method():
    v = cf.validate_ssl_support_method
    assert check(v, cf.DISTRIBUTION, {**DIST, "viewerCertificate": OWN_CERT}) == []
    assert check(v, cf.DISTRIBUTION, DIST) == []  # the default certificate has no method
    vip = {**DIST, "viewerCertificate": {**OWN_CERT, "sslSupportMethod": "vip"}}
    assert any("$600" in m for m in check(v, cf.DISTRIBUTION, vip))
    assert check(v, cf.DISTRIBUTION, vip, config={"allowedSslSupportMethods": ["sni-only", "vip"]}) == []
