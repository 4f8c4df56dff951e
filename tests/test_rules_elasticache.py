"""ElastiCache rules: in VPC, AUTH, snapshots/protection, accepted values."""

from __future__ import annotations

from test_policies_support import check, check_stack, urn
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


def test_engine_version_has_the_features_the_plan_uses():
    v = elasticache.validate_replication_group_values
    slow = {**GOOD, "logDeliveryConfigurations": [{"destinationType": "cloudwatch-logs", "logFormat": "json",
                                                   "logType": "slow-log"}]}
    assert check(v, RG, {**slow, "engineVersion": "6.0"}) == []
    assert check(v, RG, {**slow, "engineVersion": "6.x"}) == []
    assert check(v, RG, {**slow, "engineVersion": "5.0.6"})
    assert check(v, RG, {**slow, "engineVersion": "3.2.6"})
    engine_log = {**GOOD, "logDeliveryConfigurations": [{**slow["logDeliveryConfigurations"][0],
                                                         "logType": "engine-log"}]}
    assert check(v, RG, {**engine_log, "engineVersion": "6.0"})
    assert check(v, RG, {**engine_log, "engineVersion": "6.2"}) == []
    mode = {**GOOD, "transitEncryptionMode": "required"}
    assert check(v, RG, {**mode, "engineVersion": "7.0"}) == []  # 7.0 is the latest 7.0 patch
    assert check(v, RG, {**mode, "engineVersion": "7.0.4"})
    assert check(v, RG, {**mode, "engineVersion": "6.2"})
    assert check(v, RG, {**mode, "engine": "valkey", "engineVersion": "7.2"}) == []


def _cache_stack(azs, multi_az=True):
    sub = "aws:ec2/subnet:Subnet"
    subnets = [{"type": sub, "name": f"s{i}", "props": {"availabilityZone": az}} for i, az in enumerate(azs)]
    group = {"type": elasticache.SUBNET_GROUP, "name": "cache-subnets",
             "props": {"subnetIds": [f"id-{i}" for i in range(len(azs))]},
             "deps": {"subnetIds": [urn(sub, f"s{i}") for i in range(len(azs))]}}
    rg = {"type": RG, "name": "cache", "props": {**GOOD, "multiAzEnabled": multi_az},
          "deps": {"subnetGroupName": [urn(elasticache.SUBNET_GROUP, "cache-subnets")]}}
    return subnets + [group, rg]


def test_multi_az_subnet_group_spans_two_azs():
    v = elasticache.validate_subnet_group_azs
    assert check_stack(v, _cache_stack(["us-east-1a", "us-east-1b"])) == []
    found = check_stack(v, _cache_stack(["us-east-1a"]))
    assert found and found[0][1] == urn(elasticache.SUBNET_GROUP, "cache-subnets")
    assert check_stack(v, _cache_stack(["us-east-1a"], multi_az=False)) == []


def test_snapshot_window_must_not_overlap_the_maintenance_window():
    v = elasticache.validate_replication_group_values
    windows = {**GOOD, "snapshotWindow": "05:00-06:00", "maintenanceWindow": "sun:03:00-sun:04:00"}
    assert check(v, RG, windows) == []
    assert check(v, RG, {**windows, "snapshotWindow": "03:00-04:00"})  # hashicorp/terraform#17247
    assert check(v, RG, {**windows, "snapshotWindow": "23:00-03:30"})  # across midnight into sunday's window
    assert check(v, RG, {**windows, "maintenanceWindow": "sun:03:00-sun:03:30"})  # under 60 minutes
    assert check(v, RG, {**windows, "snapshotWindow": "05:00-6:00"})


def _with_group(family=None, name=None, version="7.1", engine="redis"):
    props = {**GOOD, "engine": engine, "engineVersion": version}
    resources = []
    if family:
        resources.append({"type": elasticache.PARAMETER_GROUP, "name": "cache-params",
                          "props": {"family": family, "name": "cache-params-1"}})
        props["parameterGroupName"] = "cache-params-1"
        deps = {"parameterGroupName": [urn(elasticache.PARAMETER_GROUP, "cache-params")]}
    else:
        props["parameterGroupName"] = name
        deps = {}
    return [*resources, {"type": RG, "name": "cache", "props": props, "deps": deps}]


def test_parameter_group_family_matches_engine_and_major_version():
    v = elasticache.validate_cache_parameter_group_family
    assert check_stack(v, _with_group(name="default.redis7")) == []
    assert check_stack(v, _with_group(name="default.redis7.cluster.on")) == []
    assert check_stack(v, _with_group(name="default.redis6.x", version="6.2")) == []
    assert check_stack(v, _with_group(name="default.valkey8", version="8.0", engine="valkey")) == []
    assert check_stack(v, _with_group(family="valkey7", version="7.2", engine="valkey")) == []
    assert check_stack(v, _with_group(name="my-own-group")) == []  # not created here: not judged
    ((message, where),) = check_stack(v, _with_group(name="default.redis6.x"))
    assert "redis7" in message and where == urn(RG, "cache")
    assert check_stack(v, _with_group(family="redis6.x"))
    assert check_stack(v, _with_group(family="redis7", version="8.0", engine="valkey"))
    assert check_stack(v, _with_group(name="default.valkey7", version="8.0", engine="valkey"))
