"""ElastiCache rules: in VPC, AUTH, snapshots/protection, accepted values."""

from __future__ import annotations

from test_policies_support import check
from platform_policies.rules import cross_service, elasticache

RG = elasticache.REPLICATION_GROUP
GOOD = {"engine": "redis", "engineVersion": "7.1", "description": "cache", "subnetGroupName": "cache-subnets",
        "securityGroupIds": ["sg-1"], "authToken": "a" * 32, "transitEncryptionEnabled": True,
        "atRestEncryptionEnabled": True, "numCacheClusters": 2, "snapshotRetentionLimit": 1,
        "finalSnapshotIdentifier": "cache-final"}


def test_in_vpc():
    assert check(elasticache.validate_elasticache_in_vpc, RG, GOOD) == []
    assert check(elasticache.validate_elasticache_in_vpc, RG, {**GOOD, "subnetGroupName": None})
    assert check(elasticache.validate_elasticache_in_vpc, RG, {**GOOD, "securityGroupIds": []})


def test_auth():
    assert check(elasticache.validate_elasticache_auth, RG, GOOD) == []
    assert check(elasticache.validate_elasticache_auth, RG, {**GOOD, "userGroupIds": ["g"], "authToken": None}) == []
    assert check(elasticache.validate_elasticache_auth, RG, {**GOOD, "authToken": None})


def test_values():
    v = elasticache.validate_replication_group_values
    assert check(v, RG, GOOD) == []
    assert check(v, RG, {**GOOD, "transitEncryptionEnabled": False})  # token without TLS
    assert check(v, RG, {**GOOD, "authToken": "short"})
    assert check(v, RG, {**GOOD, "authToken": "a" * 20 + "@"})
    assert check(v, RG, {**GOOD, "snapshotRetentionLimit": 36})
    assert check(v, RG, {**GOOD, "numCacheClusters": 7})
    assert check(v, RG, {**GOOD, "replicasPerNodeGroup": 1})  # conflicts with numCacheClusters
    assert check(v, RG, {**GOOD, "engine": "valkey", "engineVersion": "7.1"})
    assert check(v, RG, {**GOOD, "logDeliveryConfigurations": [{"destinationType": "s3", "logFormat": "json",
                                                                "logType": "slow-log"}]})


def test_stateful_protection():
    v = cross_service.validate_stateful_protection
    assert check(v, RG, GOOD, protect=True) == []
    assert check(v, RG, GOOD)  # strict: protect missing
    assert check(v, RG, {**GOOD, "snapshotRetentionLimit": 0}, protect=True)
    assert check(v, RG, {**GOOD, "finalSnapshotIdentifier": None}, protect=True)
    dev = {"requireDeletionProtection": False, "minCacheSnapshotRetentionDays": 0}
    assert check(v, RG, {**GOOD, "snapshotRetentionLimit": 0, "finalSnapshotIdentifier": None}, config=dev) == []
