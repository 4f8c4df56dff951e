"""Amazon S3: buckets and their companion resources (public access block, policy, lifecycle, encryption).

S3 encrypts every new object since 2023-01-05 (SSE-S3 default, S3 user guide) and nothing can switch
that off; the explicit encryption configuration is still required on every bucket (s3-bucket-baseline)
because it is where the choice of key is stated and audited.
"""

from __future__ import annotations

import re

from pulumi_policy import Severity

from ..baseline import baseline
from ..rule import ACCEPTANCE, MANDATORY, SECURITY, rule
from ..support.graph import producers
from ..support.policy_documents import statements
from ..support.props import (AUTONAME_SUFFIX_LENGTH, as_bool, as_int, as_list, as_str, get, is_unknown, parse_json,
                             physical_name)
from ..support.report import report_problems

PUBLIC_ACCESS_BLOCK_TYPES = ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                             "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock")
ACL_TYPES = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:s3/bucketAcl:BucketAcl",
             "aws:s3/bucketAclV2:BucketAclV2")

S3_PUBLIC_ACLS = ("public-read", "public-read-write", "authenticated-read")
S3_BLOCK_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


@rule(name="s3-no-public-access", area=SECURITY, resource_types=(*PUBLIC_ACCESS_BLOCK_TYPES, *ACL_TYPES),
      description="S3 buckets are not public (ACLs, public access block).",
      level=MANDATORY, severity=Severity.CRITICAL,
      remediation="Turn all four public-access-block flags on and use private ACLs.",
      anchors=("AwsSolutions-S2", "CKV_AWS_20", "CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56",
               "CKV_AWS_57", "CKV2_AWS_43", "aws-s3-bucket-disallow-public-read"))
def validate_s3_no_public_access(args, report_violation) -> None:
    t, p = args.resource_type, args.props
    if t in PUBLIC_ACCESS_BLOCK_TYPES:
        off = [f for f in S3_BLOCK_FLAGS if as_bool(get(p, f), False) is False]
        if off:
            report_violation(f"Public access block leaves {', '.join(off)} off.", None)
    elif t in ACL_TYPES:
        acl = as_str(get(p, "acl"))
        if not is_unknown(acl) and acl in S3_PUBLIC_ACLS:
            report_violation(f"acl {acl} makes the bucket readable outside the account.", None)


BUCKET_TYPES = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
COMPANION_TYPES = (PUBLIC_ACCESS_BLOCK, BUCKET_POLICY, LIFECYCLE, SSE, OWNERSHIP)


def companions(bucket, resources: list, kind: str) -> list:
    """Resources of ``kind`` configuring ``bucket``: their ``bucket`` input comes from it (graph) or names it."""
    name = as_str(get(bucket.props, "bucket"))
    out = []
    for r in resources:
        if r.resource_type != kind:
            continue
        deps = producers(r, "bucket")
        value = as_str(get(r.props, "bucket"))
        if any(d.urn == bucket.urn for d in deps) or (isinstance(name, str) and name and value == name):
            out.append(r)
    return out


def _is_everyone(principal) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, dict):
        values = principal.get("AWS", [])
        return values == "*" or (isinstance(values, list) and "*" in values)
    return False


def denies_insecure_transport(doc) -> bool:
    for st in statements(doc):
        cond = st.get("Condition", {})
        flag = (cond.get("Bool", {}) if isinstance(cond, dict) else {}).get("aws:SecureTransport")
        if st.get("Effect") == "Deny" and _is_everyone(st.get("Principal")) and str(flag).lower() == "false":
            return True
    return False


# ---- security (stack: every bucket and its companion resources) --------------------------------------

@rule(name="s3-bucket-baseline", area=SECURITY, resource_types=(*BUCKET_TYPES, *COMPANION_TYPES), stack=True,
      description="Every bucket has a public access block, an encryption configuration, ACLs disabled "
                  "(BucketOwnerEnforced), a bucket policy that denies requests without TLS, and a lifecycle "
                  "configuration that aborts incomplete multipart uploads.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Create the BucketPublicAccessBlock, BucketServerSideEncryptionConfiguration, "
                  "BucketOwnershipControls, a DenyInsecureTransport BucketPolicy and a BucketLifecycleConfiguration "
                  "with every bucket.",
      anchors=("AwsSolutions-S3", "AwsSolutions-S10", "CKV_AWS_19", "CKV_AWS_379", "CKV2_AWS_6", "CKV2_AWS_61",
               "CKV2_AWS_65", "CKV_AWS_300", "aws-s3-bucket-server-side-encryption"))
def validate_bucket_baseline(args, report_violation) -> None:
    """Every bucket has a public access block, an encryption configuration, ACLs disabled
    (BucketOwnerEnforced), a TLS-only bucket policy and a lifecycle configuration that aborts incomplete
    multipart uploads."""
    resources = list(args.resources)
    for bucket in resources:
        if bucket.resource_type not in BUCKET_TYPES:
            continue
        if not companions(bucket, resources, PUBLIC_ACCESS_BLOCK):
            report_violation(f"Bucket {bucket.name} has no BucketPublicAccessBlock.", bucket.urn)
        if not companions(bucket, resources, SSE):
            report_violation(f"Bucket {bucket.name} has no BucketServerSideEncryptionConfiguration stating its "
                             f"encryption.", bucket.urn)
        owners = [as_str(get(o.props, "rule.objectOwnership")) for o in companions(bucket, resources, OWNERSHIP)]
        if "BucketOwnerEnforced" not in owners and not any(is_unknown(o) for o in owners):
            report_violation(f"Bucket {bucket.name} keeps ACLs enabled: add BucketOwnershipControls with "
                             f"objectOwnership BucketOwnerEnforced.", bucket.urn)
        docs = [parse_json(get(p.props, "policy")) for p in companions(bucket, resources, BUCKET_POLICY)]
        if not any(is_unknown(d) for d in docs) and not any(denies_insecure_transport(d) for d in docs):
            report_violation(f"Bucket {bucket.name} has no bucket policy denying requests without TLS "
                             f"(aws:SecureTransport false).", bucket.urn)
        lifecycles = companions(bucket, resources, LIFECYCLE)
        if not lifecycles:
            report_violation(f"Bucket {bucket.name} has no lifecycle configuration: objects are kept forever.",
                             bucket.urn)
            continue
        rules = [rule for lc in lifecycles for rule in (as_list(get(lc.props, "rules")) or [])
                 if not is_unknown(rule)]
        if rules and not any(get(rule, "abortIncompleteMultipartUpload.daysAfterInitiation") is not None
                             and as_str(get(rule, "status")) == "Enabled" for rule in rules):
            report_violation(f"Bucket {bucket.name}'s lifecycle never aborts incomplete multipart uploads "
                             f"(their parts are billed forever).", bucket.urn)


@rule(name="s3-bucket-policy-no-public-allow", area=SECURITY, resource_types=(BUCKET_POLICY,),
      description="Bucket policies allow nobody as Principal * without a condition and do not lock everyone out.",
      level=MANDATORY, severity=Severity.CRITICAL,
      remediation="Name the principals (services, accounts) that may act on the bucket.",
      anchors=("CKV_AWS_70", "CKV_AWS_93"))
def validate_bucket_policy(args, report_violation) -> None:
    if args.resource_type != BUCKET_POLICY:
        return
    doc = parse_json(get(args.props, "policy"))
    if is_unknown(doc):
        return
    if not isinstance(doc, dict):
        report_violation("policy is not a JSON policy document.", None)
        return
    for st in statements(doc):
        if st.get("Effect") == "Allow" and _is_everyone(st.get("Principal")) and not st.get("Condition"):
            report_violation(f"Statement {st.get('Sid', '?')!r} allows everyone (Principal *) without a "
                             f"condition.", None)
        actions = st.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        if (st.get("Effect") == "Deny" and _is_everyone(st.get("Principal")) and not st.get("Condition")
                and any(a in ("*", "s3:*") for a in actions)):
            report_violation(f"Statement {st.get('Sid', '?')!r} denies every action to everyone without a "
                             f"condition: the bucket is locked out for all but the root user.", None)


# ---- acceptance ----------------------------------------------------------------------------------------

# Bucket naming rules (S3 user guide, "General purpose bucket naming rules", read 2026-11).
_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_SSE_ALGORITHMS = ("AES256", "aws:kms", "aws:kms:dsse")
_OWNERSHIP = ("BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter")
_LIFECYCLE_ACTIONS = ("expiration", "abortIncompleteMultipartUpload", "transitions", "noncurrentVersionExpiration",
                      "noncurrentVersionTransitions")


def _bucket_name_problems(name: str, auto: bool) -> list[str]:
    how = "auto-named" if auto else "bucket"
    body = name[:-AUTONAME_SUFFIX_LENGTH] + "-a" if auto else name
    out = []
    if not 3 <= len(name) <= 63:
        out.append(f"{how} name {name!r} is {len(name)} characters; S3 allows 3-63")
    if not _BUCKET_NAME.fullmatch(body if len(body) >= 3 else body + "aa") or ".." in name:
        out.append(f"{how} name {name!r} may only hold lower-case letters, digits, '.' and '-', starting and ending "
                   f"with a letter or digit")
    if re.fullmatch(r"\d+\.\d+\.\d+\.\d+", name) or name.startswith(("xn--", "sthree-")) \
            or name.endswith(("-s3alias", "--ol-s3", ".mrap", "--x-s3")):
        out.append(f"{how} name {name!r} uses a form S3 reserves")
    return out


def _lifecycle_problems(rules) -> list[str]:
    out = []
    ids = [as_str(get(r, "id")) for r in rules]
    dupes = sorted({str(i) for i in ids if i and ids.count(i) > 1})
    if dupes:
        out.append(f"lifecycle rule ids are not unique: {', '.join(dupes)}")
    for r in rules:
        rid = as_str(get(r, "id"), "?")
        if isinstance(rid, str) and len(rid) > 255:
            out.append(f"lifecycle rule id {rid[:20]}... is longer than 255 characters")
        status = as_str(get(r, "status"))
        if isinstance(status, str) and status not in ("Enabled", "Disabled"):
            out.append(f"lifecycle rule {rid!r}: status {status!r} is not Enabled or Disabled")
        if not any(get(r, a) not in (None, []) for a in _LIFECYCLE_ACTIONS):
            out.append(f"lifecycle rule {rid!r} has no action")
        if get(r, "filter") is not None and get(r, "prefix") not in (None, ""):
            out.append(f"lifecycle rule {rid!r} sets both filter and prefix")
        for path in ("expiration.days", "abortIncompleteMultipartUpload.daysAfterInitiation"):
            days = as_int(get(r, path))
            if isinstance(days, int) and days < 1:
                out.append(f"lifecycle rule {rid!r}: {path} {days} must be at least 1")
    return out


def _foreign_resources(doc: dict, bucket) -> list[str]:
    """PutBucketPolicy refuses statements about other buckets ("Policy has invalid resource")."""
    if not isinstance(bucket, str) or not bucket:
        return []
    out = []
    for st in statements(doc):
        resources = st.get("Resource", [])
        for arn in [resources] if isinstance(resources, str) else resources:
            if isinstance(arn, str) and arn.startswith("arn:") and ":s3:::" in arn:
                name = arn.split(":::", 1)[1].split("/", 1)[0]
                if name != bucket and "*" not in name:
                    out.append(f"statement {st.get('Sid', '?')!r} names bucket {name!r}, not {bucket!r}: "
                               f"the policy is rejected (invalid resource)")
    return out


@rule(name="s3-constraints", area=ACCEPTANCE, resource_types=(*BUCKET_TYPES, LIFECYCLE, SSE, OWNERSHIP,
                                                              BUCKET_POLICY),
      description="S3 inputs AWS accepts: bucket names (3-63, lower case, no reserved forms), lifecycle rules "
                  "(unique ids, an action each, days >= 1, filter XOR prefix), SSE algorithms, ownership "
                  "values, a policy document with statements.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Use a lower-case logical name or explicit bucket name; fix the lifecycle rules.")
def validate_s3_constraints(args, report_violation) -> None:
    t, p, out = args.resource_type, args.props, []
    if t in BUCKET_TYPES:
        name, auto = physical_name(args, "bucket", lowercase=False)
        if isinstance(name, str) and name:
            out += _bucket_name_problems(name, auto)
    elif t == LIFECYCLE:
        rules = as_list(get(p, "rules"))
        if not is_unknown(rules):
            out += ["a lifecycle configuration needs at least one rule"] if not rules else _lifecycle_problems(rules)
    elif t == SSE:
        for rule in as_list(get(p, "rules")) or []:
            algo = as_str(get(rule, "applyServerSideEncryptionByDefault.sseAlgorithm"))
            key = get(rule, "applyServerSideEncryptionByDefault.kmsMasterKeyId")
            if isinstance(algo, str) and algo not in _SSE_ALGORITHMS:
                out.append(f"sseAlgorithm {algo!r} is not one of {', '.join(_SSE_ALGORITHMS)}")
            if algo == "AES256" and key not in (None, ""):
                out.append("kmsMasterKeyId is only valid with sseAlgorithm aws:kms")
    elif t == OWNERSHIP:
        value = as_str(get(p, "rule.objectOwnership"))
        if isinstance(value, str) and value not in _OWNERSHIP:
            out.append(f"objectOwnership {value!r} is not one of {', '.join(_OWNERSHIP)}")
    elif t == BUCKET_POLICY:
        doc = parse_json(get(p, "policy"))
        if not is_unknown(doc) and (not isinstance(doc, dict) or not statements(doc)):
            out.append("policy is not a JSON document with at least one statement")
        elif isinstance(doc, dict):
            out += _foreign_resources(doc, as_str(get(p, "bucket")))
    report_problems(report_violation, out)


baseline(
    __name__,
    service="Amazon S3",
    resource_types=(
        "aws:s3/bucket:Bucket",
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        "aws:s3/bucketPolicy:BucketPolicy",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    ),
    not_applicable={
        "AwsSolutions-S1": "Server access logs: one bucket holds the ALB's access logs (logging it would log the "
                           "logger), the other pipeline artifacts rebuilt per commit; CloudTrail records API access.",
        "CKV_AWS_18": "Same as AwsSolutions-S1.",
        "CKV_AWS_145": "ALB access logs only support SSE-S3 (alb-access-log-bucket enforces it); the artifact bucket "
                       "already uses SSE-KMS.",
        "aws-s3-bucket-server-side-encryption-kms": "Same as CKV_AWS_145.",
        "aws-s3-bucket-server-side-encryption-customer-managed-key": "Same as CKV_AWS_145: the log bucket cannot use "
                                                                    "KMS; artifacts use the AWS-managed key.",
        "aws-s3-bucket-server-side-encryption-with-bucket-key": (
            "Bucket keys only apply to SSE-KMS; the artifact bucket sets bucketKeyEnabled, the log bucket is "
            "SSE-S3."),
        "CKV_AWS_21": "Versioning protects irreplaceable objects; both buckets hold regenerable, expiring data "
                      "(30-day access logs, per-run pipeline artifacts).",
        "CKV_AWS_143": "Object Lock keeps objects immutable for compliance retention; access logs and artifacts "
                       "expire by design.",
        "CKV_AWS_144": "Cross-region replication of regenerable logs and artifacts buys nothing.",
        "aws-s3-bucket-replication-enabled": "Same as CKV_AWS_144.",
        "CKV2_AWS_62": "Event notifications: nothing consumes bucket events.",
        "CKV_AWS_375": "Judges ACL grants; both buckets use BucketOwnerEnforced, which disables ACLs "
                       "(s3-bucket-baseline requires it).",
        "AwsSolutions-S5": "Judges static-website buckets behind CloudFront (origin access identity); neither "
                           "bucket is a website or an origin.",
    },
)
