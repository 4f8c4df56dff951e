"""The platform's S3 bucket baseline, in one place: the ALB's access-log bucket and the load
test's results bucket are built by it.

- ACLs off: the bucket owner owns every object (``BucketOwnerEnforced``);
- every kind of public access blocked;
- default encryption (SSE-S3 ``AES256`` unless the caller names another algorithm);
- a bucket policy that denies any request not made over TLS (``DenyInsecureTransport``,
  cdk-nag AwsSolutions-S10), together with the
  statements the caller needs.

Resource names: ``<name>``, ``<name>-owner``, ``<name>-public``, ``<name>-sse`` and ``<name>-policy``.
"""

from __future__ import annotations

import json
from typing import Any, Callable

import pulumi
import pulumi_aws as aws


def deny_insecure_transport(bucket_arn: str) -> dict[str, Any]:
    """The policy statement that refuses every request not made over TLS."""
    return {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*",
            "Action": "s3:*", "Resource": [bucket_arn, f"{bucket_arn}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def private_bucket(name: str, *, force_destroy: bool, tags: dict[str, str], parent: pulumi.Resource,
                   sse_algorithm: str = "AES256") -> tuple[aws.s3.Bucket, aws.s3.BucketPublicAccessBlock]:
    """The bucket with ownership controls, the public access block and default encryption, as
    children of ``parent``; returns the bucket and its public access block (a bucket policy must
    wait for it: S3 rejects policy changes racing it)."""
    opts = pulumi.ResourceOptions(parent=parent)
    bucket = aws.s3.Bucket(name, force_destroy=force_destroy, tags=tags, opts=opts)
    aws.s3.BucketOwnershipControls(f"{name}-owner", bucket=bucket.id,
                                   rule={"object_ownership": "BucketOwnerEnforced"}, opts=opts)
    public_block = aws.s3.BucketPublicAccessBlock(
        f"{name}-public", bucket=bucket.id, block_public_acls=True, block_public_policy=True,
        ignore_public_acls=True, restrict_public_buckets=True, opts=opts)
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{name}-sse", bucket=bucket.id,
        rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": sse_algorithm}}], opts=opts)
    return bucket, public_block


def tls_only_policy(name: str, bucket: aws.s3.Bucket, public_block: aws.s3.BucketPublicAccessBlock,
                    statements: Callable[[str, str], list[dict[str, Any]]],
                    parent: pulumi.Resource) -> aws.s3.BucketPolicy:
    """``<name>-policy``: ``statements(bucket ARN, account id)`` plus the TLS-only denial."""
    identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=parent))
    policy = pulumi.Output.all(bucket.arn, identity.account_id).apply(lambda a: json.dumps({
        "Version": "2012-10-17",
        "Statement": [*statements(a[0], a[1]), deny_insecure_transport(a[0])]}))
    return aws.s3.BucketPolicy(f"{name}-policy", bucket=bucket.id, policy=policy,
                               opts=pulumi.ResourceOptions(parent=parent, depends_on=[public_block]))


__all__ = ["deny_insecure_transport", "private_bucket", "tls_only_policy"]
