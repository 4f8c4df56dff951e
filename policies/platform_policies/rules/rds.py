"""Amazon RDS: DB instances and parameter groups."""

from __future__ import annotations

from pulumi_policy import Severity

from ..baseline import Baseline
from ..rule import ADVISORY, AVAILABILITY, MANDATORY, SIZING, Rule
from ..support.allow_list import allow_list_fix, check_allowed
from ..support.naming import LOWER_ID, NameRule
from ..support.options import integer, options, string_list
from ..support.props import as_bool, as_int, as_list, as_str, get, is_unknown

RDS_INSTANCE = "aws:rds/instance:Instance"
PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"


def is_read_replica(props) -> bool:
    """A read replica (or an unknown source): Multi-AZ, encryption and backups are the source's business."""
    return get(props, "replicateSourceDb") not in (None, "")


# ---- availability -------------------------------------------------------------------------------------

def validate_rds_multi_az(args, report_violation) -> None:
    if args.resource_type != RDS_INSTANCE:
        return
    if is_read_replica(args.props):
        return
    multi_az = as_bool(get(args.props, "multiAz"), False)  # provider default: single-AZ
    if multi_az is False:
        report_violation("multiAz is not true: the database has no standby in a second AZ.", None)


# ---- sizing -------------------------------------------------------------------------------------------

CLASS_CONFIG = {"allowedInstanceClasses": string_list(
    "RDS instance classes this stack may use.",
    ["db.t3.medium", "db.t4g.medium", "db.t3.large", "db.t4g.large", "db.m6g.large", "db.m7g.large"])}


def validate_rds_instance_class(args, report_violation) -> None:
    if args.resource_type != RDS_INSTANCE:
        return
    allowed = options(args, CLASS_CONFIG)["allowedInstanceClasses"]
    check_allowed(args, report_violation, "instanceClass", allowed, "instanceClass")


STORAGE_CONFIG = {"maxStorageGb": integer(
    "Ceiling (GiB) for allocatedStorage and maxAllocatedStorage of an RDS instance.", 1000, 20)}


def validate_rds_storage_limits(args, report_violation) -> None:
    if args.resource_type != RDS_INSTANCE:
        return
    ceiling = as_int(options(args, STORAGE_CONFIG)["maxStorageGb"], 1000)
    for key in ("allocatedStorage", "maxAllocatedStorage"):
        value = as_int(get(args.props, key))
        if not is_unknown(value) and value is not None and value > ceiling:
            report_violation(f"{key} {value} GiB is above this stack's ceiling of {ceiling} GiB.", None)


# ---- checks of cross-service rules (cross_service.py) ----------------------------------------------------

def instance_storage_encrypted(args, report_violation, opts) -> None:
    if is_read_replica(args.props):
        return  # a replica inherits the source's encryption
    if as_bool(get(args.props, "storageEncrypted"), False) is False:  # provider default: unencrypted
        report_violation("storageEncrypted is not true.", None)


def postgres_forces_ssl(args, report_violation, opts) -> None:
    p = args.props
    family = as_str(get(p, "family"), "")
    if is_unknown(family) or not family.startswith("postgres"):
        return
    params = as_list(get(p, "parameters"))
    if is_unknown(params):
        return
    force = next((as_str(get(x, "value")) for x in params if as_str(get(x, "name")) == "rds.force_ssl"), None)
    # rds.force_ssl defaults to 1 from PostgreSQL 15 (RDS user guide, "SSL/TLS with PostgreSQL", 2026-11).
    version = as_int(family[len("postgres"):].split(".")[0], 0)
    if force is not None and not is_unknown(force) and str(force).strip() not in ("1", "true"):
        report_violation(f"rds.force_ssl is {force}; set it to 1.", None)
    elif force is None and version < 15:
        report_violation(f"{family} does not force SSL by default; set rds.force_ssl=1.", None)


def instance_not_public(args, report_violation, opts) -> None:
    if as_bool(get(args.props, "publiclyAccessible"), False) is True:
        report_violation("publiclyAccessible is true on a database.", None)


def instance_keeps_backups(args, report_violation, opts) -> None:
    """stateful-resource-protection, RDS part: retention, final snapshot, deletion protection."""
    p = args.props
    if is_read_replica(p):
        return  # replicas: no own backups or final snapshot
    strict = as_bool(opts["requireDeletionProtection"], True)
    min_days = as_int(opts["minBackupRetentionDays"], 7)
    # RDS API default retention when not given: 1 day (CreateDBInstance BackupRetentionPeriod).
    days = as_int(get(p, "backupRetentionPeriod"), 1)
    if not is_unknown(days) and days < min_days:
        report_violation(f"backupRetentionPeriod is {days} day(s); at least {min_days} required.", None)
    skip = as_bool(get(p, "skipFinalSnapshot"), False)
    final_id = get(p, "finalSnapshotIdentifier")
    if skip is False and not final_id and not is_unknown(final_id):
        # The provider refuses to delete the instance without it (terraform aws_db_instance docs).
        report_violation("skipFinalSnapshot is false but finalSnapshotIdentifier is not set: the delete will fail.",
                         None)
    if strict:
        if as_bool(get(p, "deletionProtection"), False) is False:
            report_violation("deletionProtection is not true.", None)
        if skip is True:
            report_violation("skipFinalSnapshot is true: deleting the database loses its data.", None)


SHARED_CHECKS = {
    "encryption-at-rest": {RDS_INSTANCE: instance_storage_encrypted},
    "encryption-in-transit": {PARAMETER_GROUP: postgres_forces_ssl},
    "no-public-stateful-resources": {RDS_INSTANCE: instance_not_public},
    "stateful-resource-protection": {RDS_INSTANCE: instance_keeps_backups},
}

# CreateDBInstance DBInstanceIdentifier: 63; CreateDBParameterGroup name: 255; both lower-case
# identifiers (RDS API reference, read 2026-11).
PHYSICAL_NAMES = {
    RDS_INSTANCE: NameRule("identifier", 63, lowercase=True, pattern=LOWER_ID),
    PARAMETER_GROUP: NameRule("name", 255, lowercase=True, pattern=LOWER_ID),
}


RULES = [
    Rule(name="rds-multi-az", area=AVAILABILITY, resource_types=(RDS_INSTANCE,),
         description="RDS instances (except read replicas) run Multi-AZ.",
         validate=validate_rds_multi_az, level=ADVISORY, severity=Severity.HIGH,
         remediation="Set multiAz=true on the instance (settings multiAz.database).",
         anchors=("AwsSolutions-RDS3", "CKV_AWS_157")),
    Rule(name="allowed-rds-instance-classes", area=SIZING, resource_types=(RDS_INSTANCE,),
         description="RDS instance classes come from the stack's allow-list.",
         validate=validate_rds_instance_class, level=MANDATORY, severity=Severity.MEDIUM,
         remediation=allow_list_fix("database.instanceClass"), config=CLASS_CONFIG),
    Rule(name="rds-storage-limits", area=SIZING, resource_types=(RDS_INSTANCE,),
         description="RDS allocatedStorage and maxAllocatedStorage stay under the ceiling.",
         validate=validate_rds_storage_limits, level=MANDATORY, severity=Severity.MEDIUM,
         remediation="Lower database.allocatedStorageGb/maxAllocatedStorageGb or raise maxStorageGb.",
         config=STORAGE_CONFIG),
]

# Public checks on Amazon RDS and what the pack does with each (baseline.py; docs/policies.md).
BASELINE = Baseline(
    service='Amazon RDS',
    resource_types=(
        'aws:rds/instance:Instance',
        'aws:rds/parameterGroup:ParameterGroup',
        'aws:rds/subnetGroup:SubnetGroup',
    ),
    covered={
        'AwsSolutions-RDS3': ('rds-multi-az',),
        'CKV_AWS_157': ('rds-multi-az',),
        'AwsSolutions-RDS2': ('encryption-at-rest',),
        'CKV_AWS_16': ('encryption-at-rest',),
        'aws-rds-instance-disallow-unencrypted-storage': ('encryption-at-rest',),
        'CKV_AWS_17': ('no-public-stateful-resources',),
        'aws-rds-instance-disallow-public-access': ('no-public-stateful-resources',),
        'AwsSolutions-RDS10': ('stateful-resource-protection',),
        'AwsSolutions-RDS13': ('stateful-resource-protection',),
        'CKV_AWS_133': ('stateful-resource-protection',),
        'CKV_AWS_293': ('stateful-resource-protection',),
        'aws-rds-instance-configure-backup-retention': ('stateful-resource-protection',),
    },
)
