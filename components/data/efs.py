"""EFS shared storage for the services that mount it.

Regional (multi-AZ) and encrypted, with a mount target in every private subnet,
automatic backups, and one access point per service.  A file system policy
refuses unencrypted connections and any access that does not go through an
access point; the compute tier grants each service ClientMount/ClientWrite on
its own access point and mounts it with TLS and IAM authorization.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

import pulumi
import pulumi_aws as aws

from ..shared.access import EfsMount, ServiceAccess
from ..shared.tags import tier_tags

PORT = 2049  # NFS
# All services share one POSIX identity in one directory, so files one writes the
# other can change.  1000 is the usual non-root container user.
POSIX_UID = 1000
POSIX_GID = 1000
ROOT_PATH = "/shared"
CONTAINER_PATH = "/mnt/shared"


@dataclass
class SharedFileSystemArgs:
    """The file system the services ``mounted_by`` share."""

    stack: str
    """Stack name, in Name tags."""
    vpc_id: pulumi.Input[str]
    """VPC of the security group."""
    subnet_ids: pulumi.Output[list[str]]
    """Private subnets, one mount target in each of the first ``az_count``."""
    base_tags: Mapping[str, str]
    """Tags of every resource; the file system adds ``service`` and ``tier``."""
    mounted_by: Sequence[str] = ("inventory", "stream-processor")
    """Services that mount it, each through its own access point."""
    az_count: int = 3
    """Mount targets (one per AZ)."""
    deletion_protection: bool = True
    """Pulumi ``protect`` on the file system."""


class SharedFileSystem(pulumi.ComponentResource):
    """An encrypted EFS file system with per-service access points."""

    file_system_id: pulumi.Output[str]
    file_system_arn: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    access: list[ServiceAccess]

    def __init__(self, name: str, args: SharedFileSystemArgs,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("platform:data:SharedFileSystem", name, None, opts)
        tags = tier_tags(args.base_tags, "data")
        protect = args.deletion_protection
        child = pulumi.ResourceOptions(parent=self)

        self.security_group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=args.vpc_id,
            description="Shared EFS: opened only to the services that mount it",
            tags={**tags, "Name": f"{args.stack}-shared-efs-sg"},
            opts=child,
        )  # no rules: the compute tier adds NFS ingress from each mounting service's SG

        self.file_system = aws.efs.FileSystem(
            f"{name}-fs",
            encrypted=True,
            performance_mode="generalPurpose",
            # Elastic throughput: AWS's recommendation for spiky or unknown loads (EFS user guide,
            # "Throughput modes"; read 2026-11).
            throughput_mode="elastic",
            lifecycle_policies=[
                aws.efs.FileSystemLifecyclePolicyArgs(transition_to_ia="AFTER_30_DAYS"),
                aws.efs.FileSystemLifecyclePolicyArgs(transition_to_primary_storage_class="AFTER_1_ACCESS"),
            ],
            tags={**tags, "Name": f"{args.stack}-shared"},
            opts=pulumi.ResourceOptions(parent=self, protect=protect),
        )
        fs_id = self.file_system.id

        aws.efs.BackupPolicy(
            f"{name}-backup",
            file_system_id=fs_id,
            backup_policy=aws.efs.BackupPolicyBackupPolicyArgs(status="ENABLED"),
            opts=child,
        )

        self.mount_targets = [
            aws.efs.MountTarget(
                f"{name}-mt-{i}",
                file_system_id=fs_id,
                subnet_id=args.subnet_ids.apply(lambda ids, i=i: ids[i]),
                security_groups=[self.security_group.id],
                opts=child,
            )
            for i in range(args.az_count)
        ]

        self.access_points: dict[str, aws.efs.AccessPoint] = {}
        for service in args.mounted_by:
            self.access_points[service] = aws.efs.AccessPoint(
                f"{name}-ap-{service}",
                file_system_id=fs_id,
                posix_user=aws.efs.AccessPointPosixUserArgs(uid=POSIX_UID, gid=POSIX_GID),
                root_directory=aws.efs.AccessPointRootDirectoryArgs(
                    path=ROOT_PATH,
                    creation_info=aws.efs.AccessPointRootDirectoryCreationInfoArgs(
                        owner_uid=POSIX_UID, owner_gid=POSIX_GID, permissions="0775"),
                ),
                tags={**tier_tags(args.base_tags, "data", service), "Name": f"{args.stack}-shared-{service}"},
                # Tasks mount through the access point id, and a mount works only once a mount
                # target is available in the task's subnet (EFS user guide, "Creating mount
                # targets"; read 2026-11): anything that takes this id waits for all of them.
                opts=pulumi.ResourceOptions(parent=self, depends_on=self.mount_targets),
            )

        aws.efs.FileSystemPolicy(
            f"{name}-policy",
            file_system_id=fs_id,
            policy=self.file_system.arn.apply(_file_system_policy),
            opts=child,
        )

        self.file_system_id = fs_id
        self.file_system_arn = self.file_system.arn
        self.security_group_id = self.security_group.id
        self.access = [self._grant(service, ap) for service, ap in self.access_points.items()]
        self.register_outputs({"file_system_id": self.file_system_id})

    def _grant(self, service: str, ap: aws.efs.AccessPoint) -> ServiceAccess:
        return ServiceAccess(
            service=service,
            description=f"{service} shared EFS",
            security_group_id=self.security_group.id,
            port=PORT,
            policy_statements=[{
                "Effect": "Allow",
                "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
                "Resource": [self.file_system.arn],
                "Condition": {"StringEquals": {"elasticfilesystem:AccessPointArn": ap.arn}},
            }],
            efs=EfsMount(file_system_id=self.file_system.id, access_point_id=ap.id,
                         container_path=CONTAINER_PATH),
        )


def _file_system_policy(fs_arn: str) -> str:
    """Deny NFS without TLS, and mounts that bypass an access point (which enforces the
    POSIX identity and root directory)."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": "*",
                "Resource": fs_arn,
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
            {
                "Sid": "DenyWithoutAccessPoint",
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite",
                           "elasticfilesystem:ClientRootAccess"],
                "Resource": fs_arn,
                "Condition": {"Null": {"elasticfilesystem:AccessPointArn": "true"}},
            },
        ],
    })
