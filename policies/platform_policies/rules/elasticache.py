"""Amazon ElastiCache: replication groups (Redis OSS / Valkey) and cache clusters."""

from __future__ import annotations

from typing import Any

from pulumi_policy import Severity

from ..baseline import Baseline
from ..rule import ACCEPTANCE, ADVISORY, AVAILABILITY, MANDATORY, SIZING, Rule
from ..support.allow_list import allow_list_fix, check_allowed
from ..support.naming import LOWER_ID, NameRule
from ..support.options import options, string_list
from ..support.props import UNKNOWN, as_bool, as_int, as_str, get, is_unknown

REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
CACHE_CLUSTER = "aws:elasticache/cluster:Cluster"


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


def validate_cache_node_type(args, report_violation) -> None:
    if args.resource_type not in (REPLICATION_GROUP, CACHE_CLUSTER):
        return
    allowed = options(args, NODE_TYPE_CONFIG)["allowedNodeTypes"]
    check_allowed(args, report_violation, "nodeType", allowed, "nodeType")


# ---- acceptance ---------------------------------------------------------------------------------------

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


# ---- checks of cross-service rules (cross_service.py) ----------------------------------------------------

def encrypted_at_rest(args, report_violation, opts) -> None:
    if as_bool(get(args.props, "atRestEncryptionEnabled"), _engine_default_on(args.props)) is False:
        report_violation("atRestEncryptionEnabled is not true.", None)


def encrypted_in_transit(args, report_violation, opts) -> None:
    if as_bool(get(args.props, "transitEncryptionEnabled"), _engine_default_on(args.props)) is False:
        report_violation("transitEncryptionEnabled is not true.", None)


SHARED_CHECKS = {
    "encryption-at-rest": {REPLICATION_GROUP: encrypted_at_rest},
    "encryption-in-transit": {REPLICATION_GROUP: encrypted_in_transit},
    "stateful-resource-protection": {REPLICATION_GROUP: None},
}

# CreateReplicationGroup ReplicationGroupId: 40; CreateCacheCluster CacheClusterId: 50; lower-case
# identifiers (ElastiCache API reference, read 2026-11).
PHYSICAL_NAMES = {
    REPLICATION_GROUP: NameRule("replicationGroupId", 40, lowercase=True, pattern=LOWER_ID),
    CACHE_CLUSTER: NameRule("clusterId", 50, lowercase=True, pattern=LOWER_ID),
}


RULES = [
    Rule(name="elasticache-multi-az", area=AVAILABILITY, resource_types=(REPLICATION_GROUP,),
         description="ElastiCache replication groups have automatic failover, Multi-AZ and at least one replica.",
         validate=validate_elasticache_multi_az, level=ADVISORY, severity=Severity.HIGH,
         remediation="Set automaticFailoverEnabled=true, multiAzEnabled=true and numCacheClusters>=2 "
                     "(settings multiAz.cache and cache.replicas>=1).",
         anchors=("AwsSolutions-AEC4",)),
    Rule(name="allowed-cache-node-types", area=SIZING, resource_types=(REPLICATION_GROUP, CACHE_CLUSTER),
         description="ElastiCache node types come from the stack's allow-list.",
         validate=validate_cache_node_type, level=MANDATORY, severity=Severity.MEDIUM,
         remediation=allow_list_fix("cache.nodeType"), config=NODE_TYPE_CONFIG),
    Rule(name="elasticache-multi-az-prerequisites", area=ACCEPTANCE, resource_types=(REPLICATION_GROUP,),
         description="ElastiCache Multi-AZ has automatic failover and at least one replica.",
         validate=validate_elasticache_multi_az_prerequisites, level=MANDATORY, severity=Severity.HIGH,
         remediation="Set automaticFailoverEnabled=true and numCacheClusters>=2, or turn Multi-AZ off."),
]

# Public checks on Amazon ElastiCache and what the pack does with each (baseline.py; docs/policies.md).
BASELINE = Baseline(
    service='Amazon ElastiCache',
    resource_types=(
        'aws:elasticache/replicationGroup:ReplicationGroup',
        'aws:elasticache/subnetGroup:SubnetGroup',
    ),
    covered={
        'AwsSolutions-AEC4': ('elasticache-multi-az',),
        'AwsSolutions-AEC3': ('encryption-at-rest', 'encryption-in-transit'),
        'CKV_AWS_29': ('encryption-at-rest',),
        'CKV_AWS_30': ('encryption-in-transit',),
    },
)
