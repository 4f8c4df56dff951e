"""S3 rules (rules/s3.py): a compliant and a violating case per rule."""

from __future__ import annotations

import json

from test_policies_support import U_STR, check, check_stack, urn

from platform_policies.rules import s3

BUCKET = "aws:s3/bucket:Bucket"
TLS = {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
       "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
RULE = {"id": "expire", "status": "Enabled", "filter": {}, "expiration": {"days": 30},
        "abortIncompleteMultipartUpload": {"daysAfterInitiation": 1}}


def bucket_stack(*, pab=True, policy=(TLS,), lifecycle=(RULE,), owner="BucketOwnerEnforced", sse=True) -> list[dict]:
    b = urn(BUCKET, "logs")
    out = [{"type": BUCKET, "name": "logs", "urn": b, "props": {}}]
    if sse:
        out.append({"type": s3.SSE, "name": "sse", "deps": {"bucket": [b]}, "props": {
            "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]}})
    if owner:
        out.append({"type": s3.OWNERSHIP, "name": "own", "deps": {"bucket": [b]},
                    "props": {"rule": {"objectOwnership": owner}}})
    if pab:
        out.append({"type": s3.PUBLIC_ACCESS_BLOCK, "name": "pab", "deps": {"bucket": [b]}, "props": {}})
    if policy is not None:
        out.append({"type": s3.BUCKET_POLICY, "name": "pol", "deps": {"bucket": [b]},
                    "props": {"policy": json.dumps({"Version": "2012-10-17", "Statement": list(policy)})}})
    if lifecycle is not None:
        out.append({"type": s3.LIFECYCLE, "name": "lc", "deps": {"bucket": [b]}, "props": {"rules": list(lifecycle)}})
    return out


def test_bucket_baseline():
    v = s3.validate_bucket_baseline
    assert check_stack(v, bucket_stack()) == []
    assert check_stack(v, bucket_stack(pab=False))
    assert check_stack(v, bucket_stack(sse=False))
    assert check_stack(v, bucket_stack(owner=None)) and check_stack(v, bucket_stack(owner="ObjectWriter"))
    assert check_stack(v, bucket_stack(policy=None))
    assert check_stack(v, bucket_stack(policy=({**TLS, "Effect": "Allow"},)))
    assert check_stack(v, bucket_stack(lifecycle=None))
    no_abort = {k: x for k, x in RULE.items() if k != "abortIncompleteMultipartUpload"}
    assert check_stack(v, bucket_stack(lifecycle=(no_abort,)))
    # A companion found by bucket name when the graph does not say.
    named = [{"type": BUCKET, "name": "b", "props": {"bucket": "shop-logs"}},
             {"type": s3.PUBLIC_ACCESS_BLOCK, "name": "pab", "props": {"bucket": "shop-logs"}},
             {"type": s3.SSE, "name": "sse", "props": {"bucket": "shop-logs", "rules": []}},
             {"type": s3.OWNERSHIP, "name": "own", "props": {"bucket": "shop-logs",
                                                             "rule": {"objectOwnership": "BucketOwnerEnforced"}}},
             {"type": s3.BUCKET_POLICY, "name": "pol", "props": {"bucket": "shop-logs", "policy": json.dumps(
                 {"Statement": [TLS]})}},
             {"type": s3.LIFECYCLE, "name": "lc", "props": {"bucket": "shop-logs", "rules": [RULE]}}]
    assert check_stack(v, named) == []


def test_bucket_policy_no_public_allow():
    v = s3.validate_bucket_policy
    assert check(v, s3.BUCKET_POLICY, {"policy": json.dumps({"Statement": [TLS]})}) == []
    public = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
    assert check(v, s3.BUCKET_POLICY, {"policy": json.dumps({"Statement": [public]})})
    lockout = {k: x for k, x in TLS.items() if k != "Condition"}
    assert check(v, s3.BUCKET_POLICY, {"policy": json.dumps({"Statement": [lockout]})})
    assert check(v, s3.BUCKET_POLICY, {"policy": U_STR}) == []


def test_s3_constraints():
    v = s3.validate_s3_constraints
    assert check(v, BUCKET, {}, name="edge-alb-logs") == []
    assert check(v, BUCKET, {}, name="Edge_ALB_Logs")  # auto-named from an upper-case logical name
    assert check(v, BUCKET, {"bucket": "my..bucket"}) and check(v, BUCKET, {"bucket": "192.168.1.1"})
    assert check(v, BUCKET, {"bucket": "ab"}) and check(v, BUCKET, {"bucket": "shop-logs"}) == []
    assert check(v, s3.LIFECYCLE, {"rules": [RULE]}) == []
    for bad in ({"status": "On"}, {"expiration": {"days": 0}}, {"prefix": "logs/"}):
        assert check(v, s3.LIFECYCLE, {"rules": [{**RULE, **bad}]}), bad
    assert check(v, s3.LIFECYCLE, {"rules": [RULE, RULE]})  # duplicate ids
    assert check(v, s3.LIFECYCLE, {"rules": [{"id": "x", "status": "Enabled", "filter": {}}]})
    assert check(v, s3.SSE, {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]}) == []
    assert check(v, s3.SSE, {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES128"}}]})
    assert check(v, s3.SSE, {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256",
                                                                                "kmsMasterKeyId": "k"}}]})
    assert check(v, s3.OWNERSHIP, {"rule": {"objectOwnership": "BucketOwnerEnforced"}}) == []
    assert check(v, s3.OWNERSHIP, {"rule": {"objectOwnership": "Owner"}})
    assert check(v, s3.BUCKET_POLICY, {"policy": "{}"})
    own = {"Statement": [{**TLS, "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]}]}
    assert check(v, s3.BUCKET_POLICY, {"bucket": "b", "policy": json.dumps(own)}) == []
    assert check(v, s3.BUCKET_POLICY, {"bucket": "c", "policy": json.dumps(own)})  # copied from another bucket
