"""Amazon EFS: file systems, mount targets, access points, backup and file-system policies."""

from __future__ import annotations

import re
from typing import Any

from pulumi_policy import Severity

from ..baseline import baseline
from ..rule import ACCEPTANCE, ADVISORY, AVAILABILITY, MANDATORY, SECURITY, rule
from ..support.azs import AWSX_VPC, StackAzs, stack_azs, vpc_az_count
from ..support.graph import depends_on, of_type, producer, producers, string_list
from ..support.policy_documents import statements
from ..support.props import as_bool, as_int, as_list, as_str, get, is_unknown, parse_json
from .cross_service import ENCRYPTION_AT_REST, ENCRYPTION_IN_TRANSIT, check, no_deletion_protection

EFS_FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
MOUNT_TARGET = "aws:efs/mountTarget:MountTarget"
ACCESS_POINT = "aws:efs/accessPoint:AccessPoint"
BACKUP_POLICY = "aws:efs/backupPolicy:BackupPolicy"
FILE_SYSTEM_POLICY = "aws:efs/fileSystemPolicy:FileSystemPolicy"
ECS_SERVICE = "aws:ecs/service:Service"


@rule(name="efs-regional", area=AVAILABILITY, resource_types=(EFS_FILE_SYSTEM,),
      description="EFS file systems are Regional (no One Zone availabilityZoneName).",
      level=ADVISORY, severity=Severity.MEDIUM,
      remediation="Remove availabilityZoneName and add a mount target in each AZ.",
      anchors=("aws-efs-filesystem-disallow-single-availability-zone",))
def validate_efs_regional(args, report_violation) -> None:
    if args.resource_type != EFS_FILE_SYSTEM:
        return
    az = get(args.props, "availabilityZoneName")
    if is_unknown(az):
        return
    if az:
        report_violation(f"availabilityZoneName is {az}: a One Zone file system is lost with its AZ; "
                         f"omit it for a Regional file system.", None)


# ---- which resources belong to which file system ---------------------------------------------------------

def _belongs_to(child, fs, file_systems: list) -> bool:
    """Whether a mount target / backup policy / access point is for ``fs``: its fileSystemId dependency, else
    the id value, else - one file system in the stack - that one."""
    if producers(child, "fileSystemId", EFS_FILE_SYSTEM):
        return depends_on(child, fs, "fileSystemId")
    return len(file_systems) == 1


# ---- availability (mission rule): a mount target in every AZ the services run in ---------------------------

def _service_subnets(services: list) -> Any:
    """Subnet ids the ECS services run in; UNKNOWN when any is unknown (first preview)."""
    subnets: set[str] = set()
    for s in services:
        ids = string_list(s, "networkConfiguration.subnets")
        if is_unknown(ids):
            return ids
        subnets.update(ids)
    return subnets


def _services_az_count(stack: StackAzs, services: list) -> Any:
    """How many AZs the services span, from the graph: the awsx VPC their subnets come from (its AZs),
    else the number of distinct subnets (awsx creates one subnet per AZ and tier)."""
    counts = []
    for s in services:
        vpc = producer(s, "networkConfiguration", AWSX_VPC)
        if vpc is not None:
            counts.append(vpc_az_count(vpc, stack))
            continue
        ids = string_list(s, "networkConfiguration.subnets")
        counts.append(ids if is_unknown(ids) else len(set(ids)))
    if any(is_unknown(c) for c in counts):
        return next(c for c in counts if is_unknown(c))
    return max(counts, default=0)


@rule(name="efs-mount-target-per-az", area=AVAILABILITY, resource_types=(EFS_FILE_SYSTEM, MOUNT_TARGET,
                                                                         ECS_SERVICE), stack=True,
      description="Every EFS file system has a mount target in every AZ (subnet) the ECS services run in.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Create one aws.efs.MountTarget per private subnet the services use "
                  "(components/data/efs.py).")
def validate_efs_mount_targets(args, report_violation) -> None:
    resources = list(args.resources)
    file_systems = of_type(resources, EFS_FILE_SYSTEM)
    services = of_type(resources, ECS_SERVICE)
    if not file_systems or not services:
        return
    wanted = _service_subnets(services)
    for fs in file_systems:
        if get(fs.props, "availabilityZoneName") not in (None, ""):
            continue  # One Zone: efs-regional speaks; it can only have a mount target in its own AZ
        targets = [m for m in of_type(resources, MOUNT_TARGET) if _belongs_to(m, fs, file_systems)]
        if not targets:
            report_violation("The file system has no mount target: no service task can mount it.", fs.urn)
            continue
        have = set()
        for m in targets:
            subnet = as_str(get(m.props, "subnetId"))
            have.add(subnet if not is_unknown(subnet) else None)
        if not is_unknown(wanted) and None not in have:
            missing = sorted(wanted - have)
            if missing:
                # Fargate mounts through the file system's DNS name, which resolves only to a mount target in
                # the task's own AZ (EFS user guide, "Mounting with the EFS DNS name", read 2026-11).
                report_violation(f"Services run in subnet(s) {', '.join(missing)} where the file system has no "
                                 f"mount target: tasks placed there cannot mount it. Add a mount target per "
                                 f"private subnet (one per AZ).", fs.urn)
            continue
        # Ids unknown (first preview): EFS allows one mount target per AZ, so count them against the AZs.
        azs = _services_az_count(stack_azs(resources), services)
        if not is_unknown(azs) and len(targets) < azs:
            report_violation(f"Services span {azs} AZs but the file system has {len(targets)} mount target(s) "
                             f"(one per AZ at most): tasks in the other AZs cannot mount it.", fs.urn)


# ---- backups ---------------------------------------------------------------------------------------------

@rule(name="efs-backup-enabled", area=SECURITY, resource_types=(EFS_FILE_SYSTEM, BACKUP_POLICY), stack=True,
      description="Every EFS file system has an ENABLED backup policy (automatic AWS Backup).",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Add aws.efs.BackupPolicy(status=ENABLED) for the file system.",
      anchors=("CKV2_AWS_18",))
def validate_efs_backup(args, report_violation) -> None:
    resources = list(args.resources)
    file_systems = of_type(resources, EFS_FILE_SYSTEM)
    for fs in file_systems:
        policies = [b for b in of_type(resources, BACKUP_POLICY) if _belongs_to(b, fs, file_systems)]
        status = [as_str(get(b.props, "backupPolicy.status")) for b in policies]
        if any(is_unknown(s) for s in status):
            continue
        if "ENABLED" not in status:
            report_violation("No aws.efs.BackupPolicy with status ENABLED for this file system: its data has no "
                             "automatic AWS Backup copy.", fs.urn)


# ---- access points ------------------------------------------------------------------------------------------

@rule(name="efs-access-point-identity", area=SECURITY, resource_types=(ACCESS_POINT,),
      description="EFS access points enforce a non-root POSIX user and their own root directory.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Set posixUser (uid/gid != 0) and rootDirectory.path to a service directory.",
      anchors=("CKV_AWS_329", "CKV_AWS_330"))
def validate_access_point_identity(args, report_violation) -> None:
    if args.resource_type != ACCESS_POINT:
        return
    p = args.props
    path = as_str(get(p, "rootDirectory.path"), "/")
    if not is_unknown(path) and path in ("", "/"):
        report_violation("rootDirectory.path is the file system root: the access point exposes every "
                         "service's files. Give each access point its own directory.", None)
    uid = get(p, "posixUser.uid")
    if uid is None:
        report_violation("posixUser is not set: clients act with their own (possibly root) identity.", None)
    elif as_int(uid) == 0:
        report_violation("posixUser.uid is 0 (root).", None)


# ---- file system policy: TLS only, not public ----------------------------------------------------------------

def _denies_insecure_transport(doc: Any) -> bool:
    for st in statements(doc):
        cond = st.get("Condition") or {}
        secure = (cond.get("Bool") or {}).get("aws:SecureTransport") if isinstance(cond, dict) else None
        if st.get("Effect") == "Deny" and str(secure).lower() == "false":
            return True
    return False


@check(ENCRYPTION_IN_TRANSIT, FILE_SYSTEM_POLICY)
def file_system_policy_requires_tls(args, report_violation, opts) -> None:
    doc = parse_json(get(args.props, "policy"))
    if is_unknown(doc) or doc is None:
        return
    if not _denies_insecure_transport(doc):
        report_violation("The file system policy does not deny requests without TLS "
                         "(Deny with Condition Bool aws:SecureTransport=false).", None)


@rule(name="efs-file-system-policy-not-public", area=SECURITY, resource_types=(FILE_SYSTEM_POLICY,),
      description="EFS file system policies do not allow any principal without a condition.",
      level=MANDATORY, severity=Severity.CRITICAL,
      remediation="Allow only this account's roles, or add a condition (access point, source VPC).")
def validate_file_system_policy_not_public(args, report_violation) -> None:
    if args.resource_type != FILE_SYSTEM_POLICY:
        return
    doc = parse_json(get(args.props, "policy"))
    if is_unknown(doc) or doc is None:
        return
    for st in statements(doc):
        principal = st.get("Principal")
        anyone = principal == "*" or (isinstance(principal, dict) and "*" in (
            principal.get("AWS") if isinstance(principal.get("AWS"), list) else [principal.get("AWS")]))
        if st.get("Effect") == "Allow" and anyone and not st.get("Condition"):
            report_violation("The file system policy allows any principal without a condition.", None)


# ---- acceptance --------------------------------------------------------------------------------------------

_PERMISSIONS = re.compile(r"[0-7]{3,4}")
_TRANSITIONS = ("AFTER_1_DAY", "AFTER_7_DAYS", "AFTER_14_DAYS", "AFTER_30_DAYS", "AFTER_60_DAYS", "AFTER_90_DAYS",
                "AFTER_180_DAYS", "AFTER_270_DAYS", "AFTER_365_DAYS")


@rule(name="efs-mount-targets-one-per-az", area=ACCEPTANCE, resource_types=(MOUNT_TARGET,), stack=True,
      description="A file system has at most one mount target per subnet (AZ).",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Create mount targets from the list of private subnets, one each.")
def validate_mount_targets_one_per_subnet(args, report_violation) -> None:
    """EFS allows one mount target per file system and AZ (CreateMountTarget: MountTargetConflict, EFS API
    reference, read 2026-11): two mount targets of one file system in one subnet always conflict."""
    resources = list(args.resources)
    file_systems = of_type(resources, EFS_FILE_SYSTEM)
    for fs in file_systems:
        seen: dict[str, str] = {}
        for m in of_type(resources, MOUNT_TARGET):
            if not _belongs_to(m, fs, file_systems):
                continue
            subnet = as_str(get(m.props, "subnetId"))
            if not subnet or is_unknown(subnet):
                continue
            if subnet in seen:
                report_violation(f"Mount targets {seen[subnet]} and {m.name} of one file system are in the same "
                                 f"subnet {subnet}: EFS allows one per AZ (MountTargetConflict).", m.urn)
            seen[subnet] = m.name


@rule(name="efs-values", area=ACCEPTANCE, resource_types=(EFS_FILE_SYSTEM, ACCESS_POINT),
      description="EFS throughput/performance modes, lifecycle transitions and access-point identities are "
                  "values EFS accepts.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Fix the value named in the message (EFS API reference).")
def validate_efs_values(args, report_violation) -> None:
    """Values EFS rejects at create time.

    Sources (read 2026-11): EFS API reference CreateFileSystem (ProvisionedThroughputInMibps required with
    throughputMode provisioned; Elastic throughput only with generalPurpose; One Zone only generalPurpose),
    LifecyclePolicy enums; CreateAccessPoint (PosixUser Uid/Gid 0-4294967295, RootDirectory Path 1-100
    characters starting with "/", CreationInfo Permissions octal); terraform-provider-aws
    internal/service/efs/file_system.go and access_point.go validation.
    """
    t, p = args.resource_type, args.props
    if t == EFS_FILE_SYSTEM:
        mode = as_str(get(p, "throughputMode"), "bursting")
        perf = as_str(get(p, "performanceMode"), "generalPurpose")
        provisioned = get(p, "provisionedThroughputInMibps")
        if mode == "provisioned" and provisioned is None:
            report_violation("throughputMode provisioned needs provisionedThroughputInMibps.", None)
        if mode not in ("provisioned",) and provisioned is not None and not is_unknown(mode):
            report_violation(f"provisionedThroughputInMibps is set but throughputMode is {mode}.", None)
        if mode == "elastic" and perf == "maxIO":
            report_violation("Elastic throughput works only with performanceMode generalPurpose.", None)
        if perf == "maxIO" and get(p, "availabilityZoneName") not in (None, ""):
            report_violation("One Zone file systems support only performanceMode generalPurpose.", None)
        policies = as_list(get(p, "lifecyclePolicies"))
        for policy in ([] if is_unknown(policies) else policies):
            for key in ("transitionToIa", "transitionToArchive"):
                value = as_str(get(policy, key))
                if value and not is_unknown(value) and value not in _TRANSITIONS:
                    report_violation(f"lifecyclePolicies {key} {value!r} is not one of {', '.join(_TRANSITIONS)}.",
                                     None)
    elif t == ACCESS_POINT:
        for key in ("posixUser.uid", "posixUser.gid", "rootDirectory.creationInfo.ownerUid",
                    "rootDirectory.creationInfo.ownerGid"):
            value = as_int(get(p, key))
            if value is not None and not is_unknown(value) and not 0 <= value <= 4294967295:
                report_violation(f"{key} {value} is outside 0-4294967295.", None)
        path = as_str(get(p, "rootDirectory.path"))
        if path and not is_unknown(path) and (not path.startswith("/") or len(path) > 100):
            report_violation(f"rootDirectory.path {path!r} must start with '/' and have at most 100 characters.",
                             None)
        perms = as_str(get(p, "rootDirectory.creationInfo.permissions"))
        if perms and not is_unknown(perms) and not _PERMISSIONS.fullmatch(perms):
            report_violation(f"rootDirectory.creationInfo.permissions {perms!r} is not an octal mode like 0755.",
                             None)


# ---- checks of cross-service rules (cross_service.py) ----------------------------------------------------

@check(ENCRYPTION_AT_REST, EFS_FILE_SYSTEM,
       anchors=("AwsSolutions-EFS1", "CKV_AWS_42", "aws-efs-filesystem-disallow-unencrypted-file-system"))
def encrypted_at_rest(args, report_violation, opts) -> None:
    if as_bool(get(args.props, "encrypted"), False) is False:
        report_violation("encrypted is not true.", None)


no_deletion_protection(EFS_FILE_SYSTEM, "The EFS file system")


baseline(
    __name__,
    service='Amazon EFS',
    resource_types=(
        'aws:efs/fileSystem:FileSystem',
        'aws:efs/mountTarget:MountTarget',
        'aws:efs/accessPoint:AccessPoint',
        'aws:efs/backupPolicy:BackupPolicy',
        'aws:efs/fileSystemPolicy:FileSystemPolicy',
    ),
    not_applicable={
        'CKV_AWS_184': "A customer managed key adds nothing here: the file system is read only by this account's "
                       "tasks through access points, and the AWS managed key aws/elasticfilesystem encrypts it.",
        'aws-efs-filesystem-configure-customer-managed-key': "Same as CKV_AWS_184: the AWS managed key "
                                                              "aws/elasticfilesystem encrypts the file system.",
    },
)
