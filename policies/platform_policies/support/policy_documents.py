"""Policy documents (IAM identity and trust policies, bucket, topic and file-system policies): their parts.

A document's ``Statement`` - and a statement's ``Action``, ``Resource`` or principal list - may be one
value or a list of them (IAM JSON policy reference, "Grammar of the IAM JSON policy language", read 2026-11).
"""

from __future__ import annotations

from typing import Any


def listify(value: Any) -> list:
    """One value or a list of them as a list ([] for None)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def statements(document: Any) -> list[dict]:
    """The statements of a parsed policy document that are objects ([] when it is not a document)."""
    if not isinstance(document, dict):
        return []
    return [st for st in listify(document.get("Statement")) if isinstance(st, dict)]


# Where each resource type carries policy documents: identity policies, trust policies and the resource
# policies of keys, topics, queues, buckets, file systems, repositories, secrets, log groups and VPC endpoints.
DOCUMENT_PROPS: dict[str, tuple[str, ...]] = {
    "aws:iam/role:Role": ("assumeRolePolicy",),
    "aws:iam/policy:Policy": ("policy",), "aws:iam/rolePolicy:RolePolicy": ("policy",),
    "aws:iam/userPolicy:UserPolicy": ("policy",), "aws:iam/groupPolicy:GroupPolicy": ("policy",),
    "aws:kms/key:Key": ("policy",), "aws:kms/keyPolicy:KeyPolicy": ("policy",),
    "aws:sns/topic:Topic": ("policy",), "aws:sns/topicPolicy:TopicPolicy": ("policy",),
    "aws:sqs/queue:Queue": ("policy",), "aws:sqs/queuePolicy:QueuePolicy": ("policy",),
    "aws:s3/bucketPolicy:BucketPolicy": ("policy",), "aws:efs/fileSystemPolicy:FileSystemPolicy": ("policy",),
    "aws:ecr/repositoryPolicy:RepositoryPolicy": ("policy",), "aws:ecr/registryPolicy:RegistryPolicy": ("policy",),
    "aws:secretsmanager/secretPolicy:SecretPolicy": ("policy",),
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": ("policyDocument",),
    "aws:ec2/vpcEndpoint:VpcEndpoint": ("policy",),
}
