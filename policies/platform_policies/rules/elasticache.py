"""Amazon ElastiCache: replication groups (Redis OSS / Valkey) and cache clusters."""

from __future__ import annotations

import re
from typing import Any

from pulumi_policy import Severity

from ..baseline import baseline
from ..rule import ACCEPTANCE, ADVISORY, AVAILABILITY, MANDATORY, SECURITY, SIZING, rule
from ..support.allow_list import allow_list_fix, check_allowed
from ..support.azs import count_azs, stack_azs
from ..support.graph import of_type, producer
from ..support.options import options, string_list
from ..support.placement import placement_problems
from ..support.props import UNKNOWN, as_bool, as_int, as_list, as_str, get, is_unknown
from ..support.windows import window_problems
from .cross_service import (ENCRYPTION_AT_REST, ENCRYPTION_IN_TRANSIT, LOWER_ID, STATEFUL_PROTECTION, NameRule, check,
                            physical_names, require_protect_when_strict)

REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
CACHE_CLUSTER = "aws:elasticache/cluster:Cluster"
SUBNET_GROUP = "aws:elasticache/subnetGroup:SubnetGroup"
PARAMETER_GROUP = "aws:elasticache/parameterGroup:ParameterGroup"


def cache_has_replica(props: Any) -> Any:
    """Whether a replication group has at least one replica; UNKNOWN when not known.

    numCacheClusters counts the primary; replicasPerNodeGroup counts replicas only.
    """
    clusters = as_int(get(props, "numCacheClusters"))
    replicas = as_int(get(props, "replicasPerNodeGroup"))
    if is_unknown(clusters) or is_unknown(replicas):
        return UNKNOWN
    return (clusters or 0) >= 2 or (replicas or 0) >= 1


def _engine_default_on(props) -> bool:
    # Encryption defaults: off for redis, on for valkey (pulumi-aws ReplicationGroup docs, 7.x).
    return as_str(get(props, "engine"), "redis") == "valkey"


# ---- availability -------------------------------------------------------------------------------------

@rule(name="elasticache-multi-az", area=AVAILABILITY, resource_types=(REPLICATION_GROUP,),
      description="ElastiCache replication groups have automatic failover, Multi-AZ and at least one replica.",
      level=ADVISORY, severity=Severity.HIGH,
      remediation="Set automaticFailoverEnabled=true, multiAzEnabled=true and numCacheClusters>=2 "
                  "(settings multiAz.cache and cache.replicas>=1).",
      anchors=("AwsSolutions-AEC4", "CKV2_AWS_50"))
def validate_elasticache_multi_az(args, report_violation) -> None:
    if args.resource_type != REPLICATION_GROUP:
        return
    failover = as_bool(get(args.props, "automaticFailoverEnabled"), False)
    multi_az = as_bool(get(args.props, "multiAzEnabled"), False)
    problems = []
    if failover is False:
        problems.append("automaticFailoverEnabled is not true")
    if multi_az is False:
        problems.append("multiAzEnabled is not true")
    if cache_has_replica(args.props) is False:
        problems.append("no replica (numCacheClusters < 2 and replicasPerNodeGroup < 1)")
    if problems:
        report_violation("Cache is not Multi-AZ: " + "; ".join(problems) + ".", None)


# ---- sizing -------------------------------------------------------------------------------------------

NODE_TYPE_CONFIG = {"allowedNodeTypes": string_list(
    "ElastiCache node types this stack may use.",
    ["cache.t4g.small", "cache.t4g.medium", "cache.m6g.large", "cache.m7g.large"])}


@rule(name="allowed-cache-node-types", area=SIZING, resource_types=(REPLICATION_GROUP, CACHE_CLUSTER),
      description="ElastiCache node types come from the stack's allow-list.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation=allow_list_fix("cache.nodeType"), config=NODE_TYPE_CONFIG)
def validate_cache_node_type(args, report_violation) -> None:
    if args.resource_type not in (REPLICATION_GROUP, CACHE_CLUSTER):
        return
    allowed = options(args, NODE_TYPE_CONFIG)["allowedNodeTypes"]
    check_allowed(args, report_violation, "nodeType", allowed, "nodeType")


# ---- acceptance ---------------------------------------------------------------------------------------

@rule(name="elasticache-multi-az-prerequisites", area=ACCEPTANCE, resource_types=(REPLICATION_GROUP,),
      description="ElastiCache Multi-AZ has automatic failover and at least one replica.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Set automaticFailoverEnabled=true and numCacheClusters>=2, or turn Multi-AZ off.")
def validate_elasticache_multi_az_prerequisites(args, report_violation) -> None:
    if args.resource_type != REPLICATION_GROUP:
        return
    multi_az = as_bool(get(args.props, "multiAzEnabled"), False)
    failover = as_bool(get(args.props, "automaticFailoverEnabled"), False)
    # ElastiCache user guide, "Multi-AZ": needs automatic failover and >= 1 replica (read 2026-11).
    if multi_az is True and failover is False:
        report_violation("multiAzEnabled needs automaticFailoverEnabled=true.", None)
    if (multi_az is True or failover is True) and cache_has_replica(args.props) is False:
        report_violation("Multi-AZ / automatic failover needs at least one replica "
                         "(numCacheClusters >= 2 or replicasPerNodeGroup >= 1).", None)


# ElastiCache API reference CreateReplicationGroup (read 2026-11): AuthToken 16-128 printable characters
# without @, " or /, only with TransitEncryptionEnabled; SnapshotRetentionLimit at most 35 days;
# NumCacheClusters 1-6 without cluster mode (primary + 5 replicas), ReplicasPerNodeGroup 0-5;
# terraform-provider-aws internal/service/elasticache/replication_group.go: num_cache_clusters conflicts with
# num_node_groups/replicas_per_node_group, description required, transit_encryption_mode needs
# transit_encryption_enabled, log_delivery_configuration enums.
_AUTH_TOKEN = re.compile(r'[\x21-\x7e]{16,128}')
_LOG_ENUMS = {"destinationType": ("cloudwatch-logs", "kinesis-firehose"), "logFormat": ("text", "json"),
              "logType": ("slow-log", "engine-log")}


# CreateReplicationGroup (ElastiCache API reference, read 2026-11): PreferredMaintenanceWindow
# "ddd:hh24:mi-ddd:hh24:mi" in UTC, "the minimum maintenance window is a 60 minute period"; SnapshotWindow
# "hh24:mi-hh24:mi" in UTC; the two must not overlap (CreateReplicationGroup refuses it:
# InvalidParameterCombination, "The snapshot window and maintenance window must not overlap").
CACHE_WINDOW_MINUTES = (0, 60)


@rule(name="elasticache-replication-group-values", area=ACCEPTANCE, resource_types=(REPLICATION_GROUP,),
      description="ElastiCache auth token, snapshot retention, node counts, log delivery, snapshot and "
                  "maintenance windows (formats, no overlap) and engine version are values ElastiCache accepts, and the engine version has the features the plan uses "
                  "(slow-log and engine-log delivery, transitEncryptionMode).",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Fix the value named in the message (ElastiCache CreateReplicationGroup API reference).")
def validate_replication_group_values(args, report_violation) -> None:
    if args.resource_type != REPLICATION_GROUP:
        return
    p = args.props
    transit = as_bool(get(p, "transitEncryptionEnabled"), _engine_default_on(p))
    token = get(p, "authToken")
    if token not in (None, "") and transit is False:
        report_violation("authToken needs transitEncryptionEnabled=true.", None)
    if isinstance(token, str) and token and (not _AUTH_TOKEN.fullmatch(token) or set('@"/') & set(token)):
        report_violation("authToken must be 16-128 printable characters without @, \" or /.", None)
    if get(p, "transitEncryptionMode") not in (None, "") and transit is False:
        report_violation("transitEncryptionMode needs transitEncryptionEnabled=true.", None)
    retention = as_int(get(p, "snapshotRetentionLimit"))
    if retention is not None and not is_unknown(retention) and not 0 <= retention <= 35:
        report_violation(f"snapshotRetentionLimit {retention} is outside 0-35 days.", None)
    clusters = as_int(get(p, "numCacheClusters"))
    if clusters is not None and not is_unknown(clusters) and not 1 <= clusters <= 6:
        report_violation(f"numCacheClusters {clusters} is outside 1-6 (a primary and up to 5 replicas).", None)
    replicas = as_int(get(p, "replicasPerNodeGroup"))
    if replicas is not None and not is_unknown(replicas) and not 0 <= replicas <= 5:
        report_violation(f"replicasPerNodeGroup {replicas} is outside 0-5.", None)
    if clusters is not None and (get(p, "numNodeGroups") is not None or replicas is not None):
        report_violation("numCacheClusters conflicts with numNodeGroups/replicasPerNodeGroup.", None)
    if not as_str(get(p, "description"), "x"):
        report_violation("description must not be empty.", None)
    configs = as_list(get(p, "logDeliveryConfigurations"))
    for c in ([] if is_unknown(configs) else configs):
        for key, allowed in _LOG_ENUMS.items():
            value = as_str(get(c, key))
            if value and not is_unknown(value) and value not in allowed:
                report_violation(f"logDeliveryConfigurations {key} {value!r} is not one of {', '.join(allowed)}.",
                                 None)
    for problem in window_problems("snapshotWindow", get(p, "snapshotWindow"), "maintenanceWindow",
                                   get(p, "maintenanceWindow"), *CACHE_WINDOW_MINUTES):
        report_violation(problem + ".", None)
    engine, version = as_str(get(p, "engine"), "redis"), as_str(get(p, "engineVersion"))
    if engine == "valkey" and version and not is_unknown(version):
        major = as_int(version.split(".")[0], 0)
        if major < 7 or version.startswith("7.0") or version.startswith("7.1"):
            report_violation(f"Valkey starts at 7.2; engineVersion {version} is a Redis OSS version.", None)
    if engine == "redis" and version and not is_unknown(version):
        for problem in _redis_version_problems(p, version):
            report_violation(problem, None)


# Features of the plan that need a minimum Redis OSS engine version (every Valkey version has them):
# slow-log delivery 6.0, engine-log delivery 6.2 (ElastiCache user guide, "Log delivery", read 2026-11);
# TransitEncryptionMode 7.0.5 (ElastiCache user guide, "Enabling in-transit encryption on an existing
# cluster": the preferred/required modes need Redis OSS 7.0.5 or later, read 2026-11).
LOG_TYPE_MIN_REDIS = {"slow-log": (6, 0), "engine-log": (6, 2)}
TRANSIT_MODE_MIN_REDIS = (7, 0, 5)


def _version(text: str) -> tuple[int, ...]:
    """'6.2' -> (6, 2), '7.x' -> (7,), '5.0.6' -> (5, 0, 6): the numeric prefix only."""
    out = []
    for part in text.split("."):
        if not part.isdigit():
            break
        out.append(int(part))
    return tuple(out)


def _older(have: tuple[int, ...], need: tuple[int, ...]) -> bool:
    """Whether version ``have`` is below ``need``; a shorter version ("7.0") stands for its latest patch."""
    n = min(len(have), len(need))
    return have[:n] < need[:n]


def _redis_version_problems(p, version: str) -> list[str]:
    have = _version(version)
    if not have:
        return []
    shown = lambda v: ".".join(map(str, v))  # noqa: E731
    out = []
    configs = as_list(get(p, "logDeliveryConfigurations"))
    for c in ([] if is_unknown(configs) else configs):
        log_type = as_str(get(c, "logType"))
        need = LOG_TYPE_MIN_REDIS.get(log_type) if isinstance(log_type, str) else None
        if need and _older(have, need):
            out.append(f"{log_type} delivery needs Redis OSS {shown(need)} or later; engineVersion is {version}.")
    mode = get(p, "transitEncryptionMode")
    if mode not in (None, "") and _older(have, TRANSIT_MODE_MIN_REDIS):
        out.append(f"transitEncryptionMode needs Redis OSS {shown(TRANSIT_MODE_MIN_REDIS)} or later; "
                   f"engineVersion is {version}.")
    return out


@rule(name="elasticache-parameter-group-family", area=ACCEPTANCE,
      resource_types=(REPLICATION_GROUP, PARAMETER_GROUP), stack=True,
      description="An ElastiCache replication group's parameter group family (a default.<family> group or a "
                  "created one) matches its engine and major version (redis6.x, redis7, valkey7, valkey8).",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Use the parameter group of the engine's family (default.redis7 for Redis OSS 7.x, "
                  "default.valkey8 for Valkey 8), or leave parameterGroupName unset for the default.")
def validate_cache_parameter_group_family(args, report_violation) -> None:
    """A replication group's parameter group family matches its engine and major version."""
    resources = list(args.resources)
    for group in of_type(resources, REPLICATION_GROUP):
        engine, version = as_str(get(group.props, "engine"), "redis"), as_str(get(group.props, "engineVersion"))
        if is_unknown(engine) or is_unknown(version) or not version:
            continue
        want = cache_family(engine, version)
        family, source = _cache_parameter_group(group, resources)
        if want and family and family != want:
            report_violation(f"engine {engine} {version} needs a parameter group of family {want}; {source} is "
                             f"{family}.", group.urn)


@rule(name="elasticache-subnet-group-azs", area=ACCEPTANCE, resource_types=(REPLICATION_GROUP, SUBNET_GROUP),
      stack=True,
      description="The subnet group of a Multi-AZ ElastiCache replication group covers at least two AZs.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Pass the private subnets of every AZ (components/data/cache.py).")
def validate_subnet_group_azs(args, report_violation) -> None:
    """A Multi-AZ replication group needs its cache subnet group to span at least two AZs: ElastiCache places
    the replica in another AZ than the primary (ElastiCache user guide, "Minimizing downtime with Multi-AZ",
    read 2026-11)."""
    resources = list(args.resources)
    azs_of = stack_azs(resources)
    for group in of_type(resources, REPLICATION_GROUP):
        if as_bool(get(group.props, "multiAzEnabled"), False) is not True:
            continue
        subnets = producer(group, "subnetGroupName", SUBNET_GROUP)
        if subnets is None:
            continue
        azs = count_azs(subnets, "subnetIds", get(subnets.props, "subnetIds"), azs_of)
        if azs.below(2):
            seen = azs.exact if azs.exact is not None else f"at most {azs.at_most}"
            report_violation(f"The cache subnet group's {azs.subnets} subnet(s) cover {seen} AZ(s); a Multi-AZ "
                             f"replication group needs subnets in at least two AZs.", subnets.urn)


# CreateCacheParameterGroup CacheParameterGroupFamily (ElastiCache API reference, and user guide "Parameter
# group families", read 2026-11): redis2.6, redis2.8, redis3.2, redis4.0, redis5.0, redis6.x (Redis OSS 6.0 and
# 6.2), redis7 (7.x), valkey7, valkey8; a cluster refuses a group of another family (InvalidParameterCombination,
# "... parameter group ... is not compatible with engine version").  The default groups are named
# default.<family>, and default.<family>.cluster.on for cluster mode.
_DEFAULT_GROUP = re.compile(r"default\.(?P<family>[a-z]+[0-9.x]+?)(?:\.cluster\.on)?")


def cache_family(engine: str, version: str) -> Any:
    """The parameter group family an engine version needs, or None when the version is not one to judge."""
    have = _version(version)
    if not have:
        return None
    if engine == "valkey":
        return f"valkey{have[0]}"
    if engine != "redis":
        return None
    if have[0] >= 7:
        return f"redis{have[0]}"
    if have[0] == 6:
        return "redis6.x"
    return f"redis{have[0]}.{have[1]}" if len(have) > 1 else None


def _cache_parameter_group(group, resources: list) -> tuple[Any, Any]:
    """(family, where it comes from) of a replication group's parameter group, or (None, None) when not known."""
    created = producer(group, "parameterGroupName", PARAMETER_GROUP)
    name = as_str(get(group.props, "parameterGroupName"))
    if created is None and name and not is_unknown(name):
        created = next((g for g in of_type(resources, PARAMETER_GROUP) if as_str(get(g.props, "name")) == name),
                       None)
    if created is not None:
        family = as_str(get(created.props, "family"))
        return (None, None) if is_unknown(family) or not family else (family, created.name)
    match = _DEFAULT_GROUP.fullmatch(name) if name and not is_unknown(name) else None
    return (match.group("family"), name) if match else (None, None)


# ---- security -----------------------------------------------------------------------------------------

@rule(name="elasticache-in-vpc", area=SECURITY, resource_types=(REPLICATION_GROUP,),
      description="ElastiCache replication groups use the platform's subnet group and security groups.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Pass subnetGroupName (private subnets) and securityGroupIds (components/data/cache.py).",
      anchors=("AwsSolutions-AEC1",))
def validate_elasticache_in_vpc(args, report_violation) -> None:
    if args.resource_type != REPLICATION_GROUP:
        return
    for problem in placement_problems(args.props, "subnetGroupName", "securityGroupIds", "the cache"):
        report_violation(problem, None)


@rule(name="elasticache-auth", area=SECURITY, resource_types=(REPLICATION_GROUP,),
      description="ElastiCache replication groups require authentication (AUTH token or RBAC user groups).",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Set authToken from the generated credentials secret (components/data/cache.py).",
      anchors=("AwsSolutions-AEC6", "CKV_AWS_31"))
def validate_elasticache_auth(args, report_violation) -> None:
    if args.resource_type != REPLICATION_GROUP:
        return
    token, groups = get(args.props, "authToken"), as_list(get(args.props, "userGroupIds"))
    if is_unknown(token) or is_unknown(groups):
        return
    if token in (None, "") and not groups:
        report_violation("Neither authToken (Redis AUTH) nor userGroupIds (RBAC) is set: any client that "
                         "reaches the port can read and write the cache.", None)


# ---- checks of cross-service rules (cross_service.py) ----------------------------------------------------

@check(ENCRYPTION_AT_REST, REPLICATION_GROUP, anchors=("AwsSolutions-AEC3", "CKV_AWS_29"))
def encrypted_at_rest(args, report_violation, opts) -> None:
    if as_bool(get(args.props, "atRestEncryptionEnabled"), _engine_default_on(args.props)) is False:
        report_violation("atRestEncryptionEnabled is not true.", None)


@check(ENCRYPTION_IN_TRANSIT, REPLICATION_GROUP, anchors=("AwsSolutions-AEC3", "CKV_AWS_30"))
def encrypted_in_transit(args, report_violation, opts) -> None:
    if as_bool(get(args.props, "transitEncryptionEnabled"), _engine_default_on(args.props)) is False:
        report_violation("transitEncryptionEnabled is not true.", None)


@check(STATEFUL_PROTECTION, REPLICATION_GROUP, anchors=("CKV_AWS_134",))
def keeps_snapshots(args, report_violation, opts) -> None:
    """stateful-resource-protection, ElastiCache part: daily snapshots; in strict stacks a final snapshot and
    the Pulumi `protect` option (replication groups have no deletion protection)."""
    p = args.props
    minimum = as_int(opts.get("minCacheSnapshotRetentionDays"), 1)
    days = as_int(get(p, "snapshotRetentionLimit"), 0)  # API default 0: no automatic snapshots
    if not is_unknown(days) and days < minimum:
        report_violation(f"snapshotRetentionLimit is {days} day(s); at least {minimum} required.", None)
    if as_bool(opts.get("requireDeletionProtection"), True):
        final = get(p, "finalSnapshotIdentifier")
        if not is_unknown(final) and not final:
            report_violation("finalSnapshotIdentifier is not set: deleting the cache keeps no copy.", None)
        require_protect_when_strict("The ElastiCache replication group", args, report_violation, opts)


# CreateReplicationGroup ReplicationGroupId: 40; CreateCacheCluster CacheClusterId: 50; lower-case
# identifiers (ElastiCache API reference, read 2026-11).
physical_names(NameRule("replicationGroupId", 40, lowercase=True, pattern=LOWER_ID), REPLICATION_GROUP)
physical_names(NameRule("clusterId", 50, lowercase=True, pattern=LOWER_ID), CACHE_CLUSTER)


baseline(
    __name__,
    service='Amazon ElastiCache',
    resource_types=(
        'aws:elasticache/replicationGroup:ReplicationGroup',
        'aws:elasticache/subnetGroup:SubnetGroup',
    ),
    not_applicable={
        'AwsSolutions-AEC5': "Port obfuscation adds nothing here: the cache is reachable only from the inventory "
                             "service's security group in private subnets, and clients authenticate with TLS and "
                             "AUTH; the default port keeps client configuration standard.",
        'CKV_AWS_191': "A customer managed key adds nothing here: only this account's services read the cache, "
                       "and the AWS managed key encrypts it at rest.",
    },
)
