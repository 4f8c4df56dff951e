"""Amazon RDS: DB instances and parameter groups."""

from __future__ import annotations

import re

from pulumi_policy import Severity

from ..baseline import baseline
from ..rule import ACCEPTANCE, ADVISORY, AVAILABILITY, DEPLOYABILITY, MANDATORY, SECURITY, SIZING, rule
from ..support.allow_list import allow_list_fix, check_allowed
from ..support.options import integer, options, string_list
from ..support.azs import count_azs, stack_azs
from ..support.graph import of_type, per_resource, producer, producers
from ..support.placement import placement_problems
from ..support.props import as_bool, as_int, as_list, as_str, get, is_unknown, parse_json
from ..support.windows import window_problems
from .cross_service import (ENCRYPTION_AT_REST, ENCRYPTION_IN_TRANSIT, LOWER_ID, NO_PUBLIC_STATEFUL,
                            STATEFUL_PROTECTION, NameRule, check, physical_names)

RDS_INSTANCE = "aws:rds/instance:Instance"
PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
SUBNET_GROUP = "aws:rds/subnetGroup:SubnetGroup"
PROXY = "aws:rds/proxy:Proxy"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"


def is_read_replica(props) -> bool:
    """A read replica (or an unknown source): Multi-AZ, encryption and backups are the source's business."""
    return get(props, "replicateSourceDb") not in (None, "")


# ---- availability -------------------------------------------------------------------------------------

@rule(name="rds-multi-az", area=AVAILABILITY, resource_types=(RDS_INSTANCE,),
      description="RDS instances (except read replicas) run Multi-AZ.",
      level=ADVISORY, severity=Severity.HIGH,
      remediation="Set multiAz=true on the instance (settings multiAz.database).",
      anchors=("AwsSolutions-RDS3", "CKV_AWS_157"))
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


@rule(name="allowed-rds-instance-classes", area=SIZING, resource_types=(RDS_INSTANCE,),
      description="RDS instance classes come from the stack's allow-list.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation=allow_list_fix("database.instanceClass"), config=CLASS_CONFIG)
def validate_rds_instance_class(args, report_violation) -> None:
    if args.resource_type != RDS_INSTANCE:
        return
    allowed = options(args, CLASS_CONFIG)["allowedInstanceClasses"]
    check_allowed(args, report_violation, "instanceClass", allowed, "instanceClass")


STORAGE_CONFIG = {"maxStorageGb": integer(
    "Ceiling (GiB) for allocatedStorage and maxAllocatedStorage of an RDS instance.", 1000, 20)}


@rule(name="rds-storage-limits", area=SIZING, resource_types=(RDS_INSTANCE,),
      description="RDS allocatedStorage and maxAllocatedStorage stay under the ceiling.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Lower database.allocatedStorageGb/maxAllocatedStorageGb or raise maxStorageGb.",
      config=STORAGE_CONFIG)
def validate_rds_storage_limits(args, report_violation) -> None:
    if args.resource_type != RDS_INSTANCE:
        return
    ceiling = as_int(options(args, STORAGE_CONFIG)["maxStorageGb"], 1000)
    for key in ("allocatedStorage", "maxAllocatedStorage"):
        value = as_int(get(args.props, key))
        if not is_unknown(value) and value is not None and value > ceiling:
            report_violation(f"{key} {value} GiB is above this stack's ceiling of {ceiling} GiB.", None)


# ---- security: operations the baselines ask for -------------------------------------------------------

def _instance(args) -> bool:
    return args.resource_type == RDS_INSTANCE and not is_read_replica(args.props)


@rule(name="rds-observability", area=SECURITY, resource_types=(RDS_INSTANCE,),
      description="RDS instances export their logs to CloudWatch and have Performance Insights on.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Set enabledCloudwatchLogsExports=['postgresql', 'upgrade'] and "
                  "performanceInsightsEnabled=true.",
      anchors=("CKV_AWS_129", "CKV_AWS_353", "aws-rds-instance-enable-performance-insights"))
def validate_rds_observability(args, report_violation) -> None:
    """Logs exported to CloudWatch (CKV_AWS_129) and Performance Insights on (CKV_AWS_353)."""
    if not _instance(args):
        return
    p = args.props
    engine = as_str(get(p, "engine"), "")
    exports = as_list(get(p, "enabledCloudwatchLogsExports"))
    if not is_unknown(exports) and not is_unknown(engine):
        # The engine's main log per engine (CreateDBInstance EnableCloudwatchLogsExports, read 2026-11).
        main = {"postgres": "postgresql", "mysql": "error", "mariadb": "error"}.get(engine)
        if main and main not in exports:
            report_violation(f"enabledCloudwatchLogsExports does not include {main!r}: database logs stay on "
                             f"the instance and are lost with it.", None)
    if as_bool(get(p, "performanceInsightsEnabled"), False) is False:
        report_violation("performanceInsightsEnabled is not true.", None)


# Certificate authorities RDS offers today; rds-ca-2019 expired 2024-08 (RDS user guide, "Using SSL/TLS to
# encrypt a connection to a DB instance", read 2026-11).
CURRENT_CAS = ("rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1")


@rule(name="rds-maintenance", area=SECURITY, resource_types=(RDS_INSTANCE,),
      description="RDS instances take minor upgrades, use a current CA certificate and copy tags to snapshots.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Set autoMinorVersionUpgrade=true, caCertIdentifier=rds-ca-rsa2048-g1, "
                  "copyTagsToSnapshot=true.",
      anchors=("CKV_AWS_226", "CKV_AWS_211", "CKV2_AWS_60"))
def validate_rds_maintenance(args, report_violation) -> None:
    """Minor upgrades on (CKV_AWS_226), a current CA (CKV_AWS_211), tags copied to snapshots (CKV2_AWS_60)."""
    if not _instance(args):
        return
    p = args.props
    if as_bool(get(p, "autoMinorVersionUpgrade"), True) is False:  # provider default: true
        report_violation("autoMinorVersionUpgrade is false: security patches are not applied.", None)
    ca = as_str(get(p, "caCertIdentifier"))
    if ca and not is_unknown(ca) and ca not in CURRENT_CAS:
        report_violation(f"caCertIdentifier {ca} is not a current RDS CA ({', '.join(CURRENT_CAS)}).", None)
    if as_bool(get(p, "copyTagsToSnapshot"), False) is False:
        report_violation("copyTagsToSnapshot is not true: snapshots lose the cost and ownership tags.", None)


@rule(name="rds-in-vpc", area=SECURITY, resource_types=(RDS_INSTANCE,),
      description="RDS instances use the platform's DB subnet group and their own security groups.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Pass dbSubnetGroupName (private subnets) and vpcSecurityGroupIds "
                  "(components/data/database.py).")
def validate_rds_in_vpc(args, report_violation) -> None:
    """The instance uses the platform's DB subnet group and its own security groups: without a subnet group
    RDS places it in the default VPC (public subnets), where the platform's security groups do not exist."""
    if args.resource_type != RDS_INSTANCE:
        return
    # A same-region read replica takes its source's subnet group (Pulumi aws.rds.Instance dbSubnetGroupName).
    for problem in placement_problems(args.props, "dbSubnetGroupName", "vpcSecurityGroupIds", "the database",
                                      check_subnet_group=not is_read_replica(args.props)):
        report_violation(problem, None)


@rule(name="rds-managed-master-password", area=SECURITY, resource_types=(RDS_INSTANCE,),
      description="RDS instances keep their master password in Secrets Manager (manageMasterUserPassword), "
                  "never in the program.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Set manageMasterUserPassword=true and remove password (components/data/database.py).")
def validate_rds_managed_password(args, report_violation) -> None:
    """RDS manages the master password in Secrets Manager and rotates it; the services read that secret.  A
    password in the program sits in the Pulumi state and plan and is never rotated.  A read replica uses its
    source's master user."""
    if not _instance(args):
        return
    p = args.props
    if get(p, "password") not in (None, ""):
        report_violation("A master password is set in the program (password): it is stored in the Pulumi state "
                         "and never rotated. Set manageMasterUserPassword=true instead.", None)
    elif as_bool(get(p, "manageMasterUserPassword"), False) is False:
        report_violation("manageMasterUserPassword is not true: the master password is not kept and rotated in "
                         "Secrets Manager.", None)


@rule(name="rds-postgres-query-logging", area=SECURITY, resource_types=(RDS_INSTANCE, PARAMETER_GROUP),
      stack=True,
      description="PostgreSQL instances use a parameter group that logs queries (log_min_duration_statement "
                  "or log_statement).",
      level=MANDATORY, severity=Severity.LOW,
      remediation="Keep log_min_duration_statement in the database's parameter group.",
      anchors=("CKV2_AWS_30",))
def validate_postgres_query_logging(args, report_violation) -> None:
    """PostgreSQL instances log queries: their parameter group sets log_statement or
    log_min_duration_statement (CKV2_AWS_30)."""
    resources = list(args.resources)
    for db in of_type(resources, RDS_INSTANCE):
        if as_str(get(db.props, "engine"), "") != "postgres" or is_read_replica(db.props):
            continue
        group = _parameter_group_of(db, resources)
        if group is None:
            if get(db.props, "parameterGroupName") in (None, ""):
                report_violation("The instance uses the default parameter group: no query logging "
                                 "(log_min_duration_statement) can be set.", db.urn)
            continue
        params = as_list(get(group.props, "parameters"))
        if is_unknown(params):
            continue
        values = {as_str(get(x, "name")): as_str(get(x, "value")) for x in params}
        logged = [k for k in QUERY_LOGGING if values.get(k) not in (None, "none", "-1")]
        if not logged:
            report_violation(f"Parameter group {group.name} sets neither log_statement nor "
                             f"log_min_duration_statement: slow and failing queries leave no trace.", db.urn)


# ---- acceptance ---------------------------------------------------------------------------------------

@rule(name="rds-instance-values", area=ACCEPTANCE, resource_types=(RDS_INSTANCE,),
      description="RDS retention, monitoring, storage, IOPS and throughput, master user, password, database "
                  "name, Multi-AZ placement, snapshot-identifier and backup/maintenance window values (formats, "
                  "lengths, no overlap) are ones CreateDBInstance accepts.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Fix the value named in the message (RDS CreateDBInstance API reference).")
def validate_rds_instance_values(args, report_violation) -> None:
    if args.resource_type != RDS_INSTANCE:
        return
    p = args.props
    engine = as_str(get(p, "engine"), "")
    engine = "" if is_unknown(engine) else engine

    def number(key):
        value = as_int(get(p, key))
        return None if is_unknown(value) else value

    retention = number("backupRetentionPeriod")
    if retention is not None and not 0 <= retention <= 35:
        report_violation(f"backupRetentionPeriod {retention} is outside 0-35 days.", None)
    interval = number("monitoringInterval")
    if interval is not None and interval not in MONITORING_INTERVALS:
        report_violation(f"monitoringInterval {interval} is not one of {MONITORING_INTERVALS}.", None)
    if interval and get(p, "monitoringRoleArn") in (None, ""):
        report_violation("monitoringInterval > 0 needs monitoringRoleArn.", None)
    pi_days = number("performanceInsightsRetentionPeriod")
    if pi_days is not None and pi_days not in (7, 731) and pi_days % 31 != 0:
        report_violation(f"performanceInsightsRetentionPeriod {pi_days} is not 7, 731 or a multiple of 31.", None)
    allocated, maximum = number("allocatedStorage"), number("maxAllocatedStorage")
    if allocated is not None and maximum and maximum <= allocated:
        report_violation(f"maxAllocatedStorage {maximum} must be above allocatedStorage {allocated} "
                         f"(or 0 to turn storage autoscaling off).", None)
    storage = as_str(get(p, "storageType"), "gp2" if get(p, "iops") is None else "io1")
    if allocated is not None and storage in ("gp2", "gp3") and not 20 <= allocated <= 65536:
        report_violation(f"allocatedStorage {allocated} GiB is outside 20-65536 for {storage}.", None)
    iops = number("iops")
    if storage in ("io1", "io2") and get(p, "iops") is None:
        report_violation(f"storageType {storage} needs iops.", None)
    if storage == "gp2" and iops:
        report_violation("iops cannot be set with storageType gp2.", None)
    if get(p, "password") not in (None, "") and as_bool(get(p, "manageMasterUserPassword"), False) is True:
        report_violation("password and manageMasterUserPassword are mutually exclusive.", None)
    final = as_str(get(p, "finalSnapshotIdentifier"))
    if final and not is_unknown(final) and (len(final) > 255 or not _SNAPSHOT_ID.fullmatch(final)):
        report_violation(f"finalSnapshotIdentifier {final!r} is not a valid snapshot identifier (letter first, "
                         f"letters, digits, single hyphens, at most 255 characters).", None)
    # CreateDBInstance AvailabilityZone: not with a Multi-AZ deployment (RDS picks the primary's and
    # standby's AZs), read 2026-11.
    if as_bool(get(p, "multiAz"), False) is True and get(p, "availabilityZone") not in (None, ""):
        report_violation("availabilityZone cannot be set on a Multi-AZ instance (RDS places the primary and "
                         "the standby).", None)
    problems = _storage_problems(p, engine, allocated)
    problems += window_problems("backupWindow", get(p, "backupWindow"), "maintenanceWindow",
                                get(p, "maintenanceWindow"), *RDS_WINDOW_MINUTES)
    if not is_read_replica(p) and get(p, "snapshotIdentifier") in (None, ""):
        problems += _credential_problems(p, engine)
    for problem in problems:
        report_violation(problem + ".", None)


@rule(name="rds-subnet-group-azs", area=ACCEPTANCE, resource_types=(SUBNET_GROUP,), stack=True,
      description="RDS DB subnet groups cover at least two AZs.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Pass the private subnets of every AZ (components/data/data.py).")
def validate_subnet_group_azs(args, report_violation) -> None:
    """A DB subnet group covers at least two AZs: CreateDBSubnetGroup refuses one that does not
    (DBSubnetGroupDoesNotCoverEnoughAZs, RDS API reference, read 2026-11), and a Multi-AZ standby needs the
    second AZ."""
    resources = list(args.resources)
    azs_of = stack_azs(resources)
    for group in of_type(resources, SUBNET_GROUP):
        azs = count_azs(group, "subnetIds", get(group.props, "subnetIds"), azs_of)
        if azs.below(2):
            seen = azs.exact if azs.exact is not None else f"at most {azs.at_most}"
            report_violation(f"The DB subnet group's {azs.subnets} subnet(s) cover {seen} AZ(s); RDS needs subnets "
                             f"in at least two AZs.", group.urn)


QUERY_LOGGING = ("log_statement", "log_min_duration_statement")


def _parameter_group_of(db, resources: list):
    """The aws.rds.ParameterGroup an instance uses: its parameterGroupName dependency, else the name."""
    group = producer(db, "parameterGroupName", PARAMETER_GROUP)
    if group is not None:
        return group
    name = as_str(get(db.props, "parameterGroupName"))
    if not name or is_unknown(name):
        return None
    return next((g for g in of_type(resources, PARAMETER_GROUP) if as_str(get(g.props, "name")) == name), None)


@rule(name="rds-parameter-group-family", area=ACCEPTANCE, resource_types=(RDS_INSTANCE, PARAMETER_GROUP),
      stack=True,
      description="An RDS instance's parameter group family matches its engine and major version.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Derive the parameter group family from the engine version (components/data/database.py).")
def validate_parameter_group_family(args, report_violation) -> None:
    """An instance's parameter group family matches its engine and major version: CreateDBInstance rejects
    a mismatch ("DBParameterGroupFamily ... can't be used for this instance", RDS API reference and user
    guide "Working with parameter groups", read 2026-11)."""
    resources = list(args.resources)
    for db in of_type(resources, RDS_INSTANCE):
        group = _parameter_group_of(db, resources)
        if group is None:
            continue
        engine, version = as_str(get(db.props, "engine"), ""), as_str(get(db.props, "engineVersion"), "")
        family = as_str(get(group.props, "family"), "")
        if any(is_unknown(v) for v in (engine, version, family)) or not (engine and version and family):
            continue
        if engine == "postgres":
            want = "postgres" + version.split(".")[0]
        elif engine in ("mysql", "mariadb"):
            want = engine + ".".join(version.split(".")[:2])
        else:
            continue
        if family != want:
            report_violation(f"engine {engine} {version} needs a parameter group of family {want}; "
                             f"{group.name} is {family}.", db.urn)


# CreateDBInstance / terraform-provider-aws internal/service/rds/instance.go (read 2026-11):
# BackupRetentionPeriod 0-35; MonitoringInterval one of 0, 1, 5, 10, 15, 30, 60 and a monitoring role when
# > 0; PerformanceInsightsRetentionPeriod 7, 731 or a multiple of 31; MaxAllocatedStorage above
# AllocatedStorage; gp2/gp3 storage 20-65536 GiB; Iops only (and required) with io1/io2; password and
# manageMasterUserPassword are mutually exclusive; FinalDBSnapshotIdentifier: letter first, letters, digits
# and single hyphens, at most 255 characters, no trailing hyphen.
_SNAPSHOT_ID = re.compile(r"[A-Za-z](-?[A-Za-z0-9])*")
MONITORING_INTERVALS = (0, 1, 5, 10, 15, 30, 60)


# Naming constraints in Amazon RDS (RDS user guide) and CreateDBInstance MasterUsername, MasterUserPassword,
# DBName (read 2026-11): PostgreSQL master user name 1-63 and MySQL/MariaDB 1-16 characters, letters, digits
# and underscores, a letter first; master password 8-128 (PostgreSQL) or 8-41 (MySQL, MariaDB) printable
# ASCII characters other than / ' " @ and space, required unless RDS manages it (ManageMasterUserPassword);
# PostgreSQL database name 1-63 letters, digits and underscores, a letter first, not a reserved word; MySQL
# and MariaDB 1-64 letters and digits.  Without a source (replica, snapshot) the user name is required.
USERNAME_MAX = {"postgres": 63, "mysql": 16, "mariadb": 16}
PASSWORD_LENGTH = {"postgres": (8, 128), "mysql": (8, 41), "mariadb": (8, 41)}
_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_PASSWORD = re.compile(r"[\x21-\x7e]+")
PASSWORD_FORBIDDEN = "/'\"@ "
DB_NAME = {"postgres": (re.compile(r"[A-Za-z][A-Za-z0-9_]*"), 63), "mysql": (re.compile(r"[A-Za-z0-9]+"), 64),
           "mariadb": (re.compile(r"[A-Za-z0-9]+"), 64)}
# PostgreSQL key words reserved in PostgreSQL (PostgreSQL 16 documentation, Appendix C "SQL Key Words", column
# "PostgreSQL": reserved, not "can be function or type"); words a service name could be.
POSTGRES_RESERVED = frozenset("""
    all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create
    current_catalog current_date current_role current_time current_timestamp current_user default deferrable
    desc distinct do else end except false fetch for foreign from grant group having in initially intersect
    into lateral leading limit localtime localtimestamp not null offset on only or order placing primary
    references returning select session_user some symmetric system_user table then to trailing true union
    unique user using variadic when where window with""".split())
# gp3 (RDS user guide, "Amazon RDS DB instance storage", gp3 storage table, read 2026-11): below 400 GiB the
# Db2, MariaDB, MySQL and PostgreSQL volume runs at its baseline (3,000 IOPS, 125 MiB/s) and CreateDBInstance
# refuses Iops and StorageThroughput ("You can't specify IOPS or storage throughput for engine postgres and a
# storage size less than 400", terraform-provider-aws issue #28382); StorageThroughput is for gp3 only.
GP3_PROVISIONED_FROM_GIB = {"postgres": 400, "mysql": 400, "mariadb": 400}


def _credential_problems(p, engine: str) -> list[str]:
    """Master user, password and database name of an instance that has no source to take them from."""
    out = []
    username = as_str(get(p, "username"))
    if not is_unknown(username) and not username:
        out.append("username is not set: CreateDBInstance needs a master user name")
    elif username and not is_unknown(username) and (len(username) > USERNAME_MAX.get(engine, 63)
                                                   or not _USERNAME.fullmatch(username)):
        out.append(f"username {username!r} must be 1-{USERNAME_MAX.get(engine, 63)} letters, digits or "
                   f"underscores, a letter first")
    password = get(p, "password")
    managed = as_bool(get(p, "manageMasterUserPassword"), False)
    if password in (None, "") and managed is False:
        out.append("neither password nor manageMasterUserPassword=true: CreateDBInstance needs a master "
                   "password (set manageMasterUserPassword=true)")
    if isinstance(password, str) and password:
        low, high = PASSWORD_LENGTH.get(engine, (8, 128))
        if not low <= len(password) <= high or not _PASSWORD.fullmatch(password) \
                or set(PASSWORD_FORBIDDEN) & set(password):
            out.append(f"the master password must be {low}-{high} printable ASCII characters without / ' \" @ "
                       f"or space")
    name = as_str(get(p, "dbName"))
    if name and not is_unknown(name) and engine in DB_NAME:
        shape, limit = DB_NAME[engine]
        if len(name) > limit or not shape.fullmatch(name):
            kind = "letters, digits, underscores, a letter first" if engine == "postgres" else "letters and digits"
            out.append(f"dbName {name!r} is not a {engine} database name ({limit} characters at most, {kind})")
        elif engine == "postgres" and name.lower() in POSTGRES_RESERVED:
            out.append(f"dbName {name!r} is a word PostgreSQL reserves")
    return out


def _storage_problems(p, engine: str, allocated) -> list[str]:
    out = []
    storage = as_str(get(p, "storageType"), "gp2" if get(p, "iops") is None else "io1")
    throughput = get(p, "storageThroughput")
    if throughput not in (None, 0) and not is_unknown(storage) and storage != "gp3":
        out.append(f"storageThroughput is for gp3 storage only; storageType is {storage}")
    floor = GP3_PROVISIONED_FROM_GIB.get(engine)
    if storage == "gp3" and floor and allocated is not None and allocated < floor:
        given = [k for k in ("iops", "storageThroughput") if get(p, k) not in (None, 0)]
        if given:
            out.append(f"{' and '.join(given)} cannot be set on gp3 below {floor} GiB for {engine} (allocatedStorage "
                       f"{allocated}): the volume runs at its 3,000 IOPS / 125 MiB/s baseline")
    return out


# CreateDBInstance (RDS API reference, read 2026-11): PreferredBackupWindow "hh24:mi-hh24:mi" in UTC, at least
# 30 minutes, "must not conflict with the preferred maintenance window"; PreferredMaintenanceWindow
# "ddd:hh24:mi-ddd:hh24:mi" in UTC, at least 30 minutes.
RDS_WINDOW_MINUTES = (30, 30)


# ---- checks of cross-service rules (cross_service.py) ----------------------------------------------------

@check(ENCRYPTION_AT_REST, RDS_INSTANCE,
       anchors=("AwsSolutions-RDS2", "CKV_AWS_16", "aws-rds-instance-disallow-unencrypted-storage"))
def instance_storage_encrypted(args, report_violation, opts) -> None:
    if is_read_replica(args.props):
        return  # a replica inherits the source's encryption
    if as_bool(get(args.props, "storageEncrypted"), False) is False:  # provider default: unencrypted
        report_violation("storageEncrypted is not true.", None)


@check(ENCRYPTION_IN_TRANSIT, PARAMETER_GROUP, anchors=("CKV2_AWS_69",))
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


@check(NO_PUBLIC_STATEFUL, RDS_INSTANCE, anchors=("CKV_AWS_17", "aws-rds-instance-disallow-public-access"))
def instance_not_public(args, report_violation, opts) -> None:
    if as_bool(get(args.props, "publiclyAccessible"), False) is True:
        report_violation("publiclyAccessible is true on a database.", None)


@check(STATEFUL_PROTECTION, RDS_INSTANCE,
       anchors=("AwsSolutions-RDS10", "AwsSolutions-RDS13", "CKV_AWS_133", "CKV_AWS_293",
                "aws-rds-instance-configure-backup-retention", "aws-rds-instance-enable-backup-retention"))
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


# ---- connections over time ------------------------------------------------------------------------------

@rule(name="rds-proxy-iam-tls", area=SECURITY, resource_types=(PROXY,),
      description="RDS proxies require TLS and IAM authentication from every client.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Set requireTls=true and iamAuth=REQUIRED on every auths entry: clients then sign in with "
                  "15-minute IAM tokens, and no password reaches them.")
def validate_rds_proxy_iam_tls(args, report_violation) -> None:
    if args.resource_type != PROXY:
        return
    if as_bool(get(args.props, "requireTls"), False) is False:
        report_violation("requireTls is not true: clients may connect to the proxy without TLS.", None)
    auths = as_list(get(args.props, "auths"))
    if is_unknown(auths):
        return
    loose = [i for i, a in enumerate(auths) if not is_unknown(get(a, "iamAuth")) and get(a, "iamAuth") != "REQUIRED"]
    if not auths or loose:
        report_violation(f"auths{'' if not auths else [loose[0]]} does not require IAM authentication "
                         f"(iamAuth: REQUIRED): clients sign in with the database password.", None)


# RDS rotates a managed master password every 7 days; ECS injects a secret only when a task starts, so a
# running task keeps the old password and its new connections fail after the rotation (RDS user guide,
# "Password management with Amazon RDS and AWS Secrets Manager"; ECS developer guide, "Pass Secrets
# Manager secrets through environment variables"; read 2026-12-07).
_MANAGED_PASSWORD = re.compile(r":secret:rds!.*:password::$")


@rule(name="rds-rotated-password-in-task", area=DEPLOYABILITY, resource_types=(TASK_DEFINITION,), stack=True,
      description="No task is handed the RDS-managed master password, which RDS rotates under it.",
      level=ADVISORY, severity=Severity.HIGH,
      remediation="Connect through the database's RDS Proxy with an IAM token (services.<name>.databaseAuth: "
                  "iam, docs/data-and-messaging.md); password mode is for a migration period only.")
@per_resource(TASK_DEFINITION)
def validate_rotated_password_in_task(args, report_violation) -> None:
    if args.resource_type != TASK_DEFINITION:
        return
    containers = parse_json(get(args.props, "containerDefinitions"))
    if isinstance(containers, list):
        for c in containers:
            for s in (c.get("secrets") or []) if isinstance(c, dict) else []:
                ref = s.get("valueFrom") if isinstance(s, dict) else None
                if isinstance(ref, str) and _MANAGED_PASSWORD.search(ref):
                    report_violation(f"container {c.get('name')!r} gets {s.get('name')} from an RDS-managed master "
                                     f"secret: after the next rotation (every 7 days) its new connections fail "
                                     f"until the task restarts.", None)
        return
    # A first preview: the definitions are unknown; a task built from a managed-password instance that
    # allows no IAM sign-in can only use its password.
    for db in producers(getattr(args, "resource", None), "containerDefinitions", RDS_INSTANCE):
        if as_bool(get(db.props, "manageMasterUserPassword"), False) and \
                not as_bool(get(db.props, "iamDatabaseAuthenticationEnabled"), False):
            report_violation(f"the containers are built from database {db.name}, which takes only its "
                             f"RDS-managed password: after the next rotation (every 7 days) their new "
                             f"connections fail until the tasks restart.", None)


# CreateDBInstance DBInstanceIdentifier: 63; CreateDBParameterGroup name: 255; both lower-case
# identifiers (RDS API reference, read 2026-11).
physical_names(NameRule("identifier", 63, lowercase=True, pattern=LOWER_ID), RDS_INSTANCE)
physical_names(NameRule("name", 255, lowercase=True, pattern=LOWER_ID), PARAMETER_GROUP)


baseline(
    __name__,
    service='Amazon RDS',
    resource_types=(
        'aws:rds/instance:Instance',
        'aws:rds/parameterGroup:ParameterGroup',
        'aws:rds/subnetGroup:SubnetGroup',
        'aws:rds/proxy:Proxy',
        'aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup',
        'aws:rds/proxyTarget:ProxyTarget',
    ),
    not_applicable={
        'AwsSolutions-RDS6': "Aurora only: the platform runs RDS for PostgreSQL instances, not Aurora clusters.",
        'AwsSolutions-RDS14': "Aurora MySQL only (Backtrack); the platform runs RDS for PostgreSQL.",
        'AwsSolutions-RDS16': "Aurora MySQL Serverless only; the platform runs RDS for PostgreSQL.",
        'CKV_AWS_388': "Aurora PostgreSQL only; the platform runs RDS for PostgreSQL instances.",
        'AwsSolutions-RDS11': "Port obfuscation adds nothing here: each database accepts connections only from its "
                              "service's security group in private subnets, over TLS with a managed password.",
        'CKV_AWS_161': "Services sign in with IAM tokens to the database's RDS Proxy (rds-proxy-iam-tls); the "
                       "proxy signs in to the instance with the RDS-managed master secret, so IAM authentication "
                       "on the instance itself would add a second path in.",
        'CKV_AWS_118': "Enhanced Monitoring (OS metrics at 1-60 s) needs an extra monitoring role; Performance "
                       "Insights and the CloudWatch alarms (rds-observability) cover what the runbooks use.",
        'CKV_AWS_250': "Concerns PostgreSQL minor versions from 2022 with log_fdw; the platform pins major "
                       "version 16 with automatic minor upgrades (rds-maintenance).",
        'CKV_AWS_354': "Performance Insights data is always encrypted (AWS managed key aws/rds); a customer "
                       "managed key would only matter for cross-account sharing, which the platform does not do.",
        'aws-rds-instance-disallow-unencrypted-performance-insights': "Same as CKV_AWS_354: Performance Insights "
                                                                      "is encrypted with aws/rds by default.",
        'aws-rds-instance-configure-customer-managed-key': "Storage is encrypted (encryption-at-rest) with the AWS "
                                                           "managed key aws/rds; no cross-account snapshot "
                                                           "sharing needs a customer managed key.",
    },
)
