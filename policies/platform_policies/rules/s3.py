"""Amazon S3: buckets, bucket ACLs and public access blocks.

Encryption at rest is not judged: S3 encrypts every new object since 2023-01-05 (SSE-S3 default,
S3 user guide) and nothing can switch that off.
"""

from __future__ import annotations

from pulumi_policy import Severity

from ..baseline import Baseline
from ..rule import MANDATORY, SECURITY, Rule
from ..support.props import as_bool, as_str, get, is_unknown

PUBLIC_ACCESS_BLOCK_TYPES = ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                             "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock")
ACL_TYPES = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:s3/bucketAcl:BucketAcl",
             "aws:s3/bucketAclV2:BucketAclV2")

S3_PUBLIC_ACLS = ("public-read", "public-read-write", "authenticated-read")
S3_BLOCK_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


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


RULES = [
    Rule(name="s3-no-public-access", area=SECURITY, resource_types=(*PUBLIC_ACCESS_BLOCK_TYPES, *ACL_TYPES),
         description="S3 buckets are not public (ACLs, public access block).",
         validate=validate_s3_no_public_access, level=MANDATORY, severity=Severity.CRITICAL,
         remediation="Turn all four public-access-block flags on and use private ACLs.",
         anchors=("AwsSolutions-S2", "CKV_AWS_20", "CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56",
                  "CKV_AWS_57", "aws-s3-bucket-disallow-public-read")),
]

# Public checks on Amazon S3 and what the pack does with each (baseline.py; docs/policies.md).
BASELINE = Baseline(
    service='Amazon S3',
    resource_types=(
        'aws:s3/bucket:Bucket',
        'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration',
        'aws:s3/bucketOwnershipControls:BucketOwnershipControls',
        'aws:s3/bucketPolicy:BucketPolicy',
        'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock',
        'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration',
    ),
    covered={
        'AwsSolutions-S2': ('s3-no-public-access',),
        'CKV_AWS_20': ('s3-no-public-access',),
        'CKV_AWS_53': ('s3-no-public-access',),
        'CKV_AWS_54': ('s3-no-public-access',),
        'CKV_AWS_55': ('s3-no-public-access',),
        'CKV_AWS_56': ('s3-no-public-access',),
        'CKV_AWS_57': ('s3-no-public-access',),
        'aws-s3-bucket-disallow-public-read': ('s3-no-public-access',),
    },
)
