"""Amazon EFS: file systems."""

from __future__ import annotations

from pulumi_policy import Severity

from ..baseline import Baseline
from ..rule import ADVISORY, AVAILABILITY, Rule
from ..support.props import as_bool, get, is_unknown

EFS_FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"


def validate_efs_regional(args, report_violation) -> None:
    if args.resource_type != EFS_FILE_SYSTEM:
        return
    az = get(args.props, "availabilityZoneName")
    if is_unknown(az):
        return
    if az:
        report_violation(f"availabilityZoneName is {az}: a One Zone file system is lost with its AZ; "
                         f"omit it for a Regional file system.", None)


# ---- checks of cross-service rules (cross_service.py) ----------------------------------------------------

def encrypted_at_rest(args, report_violation, opts) -> None:
    if as_bool(get(args.props, "encrypted"), False) is False:
        report_violation("encrypted is not true.", None)


SHARED_CHECKS = {
    "encryption-at-rest": {EFS_FILE_SYSTEM: encrypted_at_rest},
    "stateful-resource-protection": {EFS_FILE_SYSTEM: None},
}


RULES = [
    Rule(name="efs-regional", area=AVAILABILITY, resource_types=(EFS_FILE_SYSTEM,),
         description="EFS file systems are Regional (no One Zone availabilityZoneName).",
         validate=validate_efs_regional, level=ADVISORY, severity=Severity.MEDIUM,
         remediation="Remove availabilityZoneName and add a mount target in each AZ.",
         anchors=("aws-efs-filesystem-disallow-single-availability-zone",)),
]

# Public checks on Amazon EFS and what the pack does with each (baseline.py; docs/policies.md).
BASELINE = Baseline(
    service='Amazon EFS',
    resource_types=(
        'aws:efs/fileSystem:FileSystem',
        'aws:efs/mountTarget:MountTarget',
        'aws:efs/accessPoint:AccessPoint',
        'aws:efs/backupPolicy:BackupPolicy',
        'aws:efs/fileSystemPolicy:FileSystemPolicy',
    ),
    covered={
        'AwsSolutions-EFS1': ('encryption-at-rest',),
        'CKV_AWS_42': ('encryption-at-rest',),
        'aws-efs-filesystem-disallow-unencrypted-file-system': ('encryption-at-rest',),
        'aws-efs-filesystem-disallow-single-availability-zone': ('efs-regional',),
    },
)
