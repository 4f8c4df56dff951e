"""Each pricer against an independent hand calculation with the cited catalog price (us-east-1,
730 h), on small graphs and on the real program with one setting changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from platform_policies import cost_model
from platform_policies.cost_model import Res

ROOT = Path(__file__).resolve().parent.parent

H = 730


def res(type_: str, name: str, inputs: dict, **kw) -> Res:
    return Res(type=type_, name=name, urn=f"urn:pulumi:test::p::{type_}::{name}", inputs=inputs, **kw)


def price(resources: list[Res], usage: dict | None = None) -> dict:
    return cost_model.estimate(resources, usage=usage or {}, region="us-east-1")


def total(est: dict, prefix: str, field: str = "monthly_usd") -> float:
    return sum(l[field] for l in est["lines"] if l["price_key"].startswith(prefix))


# --------------------------------------------------------------------------- RDS
def test_read_replica_carries_its_sources_storage():
    src = res("aws:rds/instance:Instance", "db", {"engine": "postgres", "identifier": "prod-db",
                                                  "instanceClass": "db.t3.medium", "multiAz": True,
                                                  "allocatedStorage": 100, "maxAllocatedStorage": 500,
                                                  "storageType": "gp3"})
    rep = res("aws:rds/instance:Instance", "db-replica1", {"identifier": "prod-db-r1", "replicateSourceDb": "prod-db",
                                                           "instanceClass": "db.t3.medium", "storageType": "gp3",
                                                           "maxAllocatedStorage": 500})
    est = price([src, rep], {"database": {"dataGbPerInstance": 0}})
    lines = {(l["resource"], l["attrs"].get("part")): l for l in est["lines"]}
    # replica: Single-AZ (no multiAz of its own), 730 h x $0.072, 100 GB x $0.115 like its source
    assert lines[("db-replica1", "instance")]["monthly_usd"] == pytest.approx(730 * 0.072)
    assert lines[("db-replica1", "storage")]["monthly_usd"] == pytest.approx(100 * 0.115)
    assert lines[("db-replica1", "storage")]["peak_usd"] == pytest.approx(500 * 0.115)
    # source: Multi-AZ = two instances and two copies of the storage
    assert lines[("db", "instance")]["monthly_usd"] == pytest.approx(2 * 730 * 0.072)
    assert lines[("db", "storage")]["monthly_usd"] == pytest.approx(2 * 100 * 0.115)
    # found through the property dependency when the identifier is unknown (a preview)
    rep.inputs["replicateSourceDb"] = None
    rep.property_dependencies = {"replicateSourceDb": [src.urn]}
    assert total(price([src, rep], {"database": {"dataGbPerInstance": 0}}), "rds/storage/") == \
        pytest.approx(3 * 100 * 0.115)


def test_rds_proxy_is_billed_per_vcpu_of_the_instance_it_serves():
    # aws.amazon.com/rds/proxy/pricing (us-east-1): $0.015 per vCPU-hour of the proxied instance, at least
    # 2 vCPUs; db.t3.medium has 2 vCPUs (catalog): 2 x $0.015 x 730 h = $21.90, Multi-AZ or not.
    db = res("aws:rds/instance:Instance", "db", {"engine": "postgres", "identifier": "prod-user-db",
                                                 "instanceClass": "db.t3.medium", "multiAz": True,
                                                 "allocatedStorage": 100, "storageType": "gp3"})
    proxy = res("aws:rds/proxy:Proxy", "proxy", {"name": "prod-user-db-proxy", "engineFamily": "POSTGRESQL"})
    target = res("aws:rds/proxyTarget:ProxyTarget", "target", {"dbProxyName": None, "dbInstanceIdentifier": None},
                 property_dependencies={"dbProxyName": [proxy.urn], "dbInstanceIdentifier": [db.urn]})
    pool = res("aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup", "pool", {"dbProxyName": "x"})
    est = price([db, proxy, target, pool], {"database": {"dataGbPerInstance": 0}})
    (line,) = [l for l in est["lines"] if l["price_key"] == "rds/proxy/vcpu-hour"]
    assert line["monthly_usd"] == pytest.approx(2 * 0.015 * 730) == pytest.approx(21.90)
    assert not est["unpriced"]  # target and pool are billed on the proxy
    # A proxy whose target is not in the plan cannot be priced: the vCPUs are the instance's.
    assert [u["resource"] for u in price([proxy])["unpriced"]] == ["proxy"]


def test_replica_without_a_source_in_the_plan_is_unpriced():
    rep = res("aws:rds/instance:Instance", "r", {"replicateSourceDb": "elsewhere", "instanceClass": "db.t3.medium"})
    assert [u["resource"] for u in price([rep])["unpriced"]] == ["r"]


@pytest.mark.heavy
def test_three_replicas_per_database_on_the_real_program():
    """The issue's case: 3 databases x 3 replicas x 100 GB x $0.115 = $103.50 a month of replica storage."""
    from preflight.program import record_plan

    est = cost_model.estimate(cost_model.from_plan(record_plan("prod", ["database.readReplicas=3"])))
    replica_storage = [l for l in est["lines"] if l["attrs"].get("part") == "storage" and "replica" in l["resource"]]
    assert len(replica_storage) == 9
    assert sum(l["monthly_usd"] for l in replica_storage) == pytest.approx(103.50)
    assert est["unpriced"] == []


def test_postgres_past_standard_support_adds_extended_support_per_vcpu_of_every_instance():
    """PostgreSQL 13 (standard support ended 2026-02-28): $0.100 per vCPU-hour for the primary and
    the Multi-AZ standby (db.t3.medium: 2 vCPUs); a replica of it pays its own; 16 pays nothing extra."""
    src = res("aws:rds/instance:Instance", "db", {"engine": "postgres", "engineVersion": "13", "identifier": "d",
                                                  "instanceClass": "db.t3.medium", "multiAz": True,
                                                  "allocatedStorage": 20, "storageType": "gp3"})
    rep = res("aws:rds/instance:Instance", "db-r", {"replicateSourceDb": "d", "instanceClass": "db.t3.medium"})
    est = price([src, rep])
    lines = {(l["resource"], l["attrs"].get("part")): l for l in est["lines"]}
    assert lines[("db", "extended-support")]["monthly_usd"] == pytest.approx(2 * 2 * 730 * 0.100)  # $292
    assert lines[("db-r", "extended-support")]["monthly_usd"] == pytest.approx(2 * 730 * 0.100)
    assert est["unpriced"] == []
    src.inputs["engineVersion"] = "16.6"
    assert total(price([src, rep]), "rds/extended-support/") == 0
    src.inputs["engineVersion"] = "10"   # past Extended Support too: no price, so unpriced (fail closed)
    assert "no price 'rds/extended-support/postgres/10'" in price([src])["unpriced"][0]["reason"]


def test_redis_past_standard_support_is_unpriced_until_its_extended_support_price_is_known():
    group = res("aws:elasticache/replicationGroup:ReplicationGroup", "cache",
                {"engine": "redis", "engineVersion": "5.0.6", "nodeType": "cache.t4g.small", "numCacheClusters": 2})
    est = price([group])
    assert [u["reason"] for u in est["unpriced"]] == [
        "ElastiCache Extended Support, Redis OSS 5 (2 node(s)): no price 'elasticache/extended-support/redis/5' "
        "in the us-east-1 catalog"]
    group.inputs["engineVersion"] = "7.1"
    assert price([group])["unpriced"] == []


def test_rds_storage_growth_peak_and_insights():
    db = res("aws:rds/instance:Instance", "db", {"engine": "postgres", "instanceClass": "db.t3.micro",
                                                 "allocatedStorage": 20, "maxAllocatedStorage": 100,
                                                 "storageType": "gp3"})
    est = price([db], {"database": {"dataGbPerInstance": 50}})
    # expected: 20 GB allocated + 30 GB autoscaled (usage), peak: the 100 GB ceiling
    assert total(est, "rds/storage/") == pytest.approx(50 * 0.115)
    assert total(est, "rds/storage/", "peak_usd") == pytest.approx(100 * 0.115)
    growth = [l for l in est["lines"] if l["kind"] == "usage"]
    assert growth[0]["usage"] == {"database.dataGbPerInstance": 50}
    db.inputs.update({"performanceInsightsEnabled": True, "databaseInsightsMode": "advanced"})
    assert "Database Insights advanced" in price([db])["unpriced"][0]["reason"]


# --------------------------------------------------------------------------- MSK / MQ
def test_msk_storage_per_broker_times_brokers_and_its_autoscaling_peak():
    kafka = res("aws:msk/cluster:Cluster", "kafka", {"numberOfBrokerNodes": 2, "brokerNodeGroupInfo": {
        "instanceType": "kafka.t3.small", "storageInfo": {"ebsStorageInfo": {"volumeSize": 20}}}})
    target = res("aws:appautoscaling/target:Target", "kafka-storage", {
        "resourceId": None, "serviceNamespace": "kafka", "scalableDimension": "kafka:broker-storage:VolumeSize",
        "maxCapacity": 100}, property_dependencies={"resourceId": [kafka.urn]})
    est = price([kafka, target])
    assert total(est, "msk/broker-hour/") == pytest.approx(2 * 730 * 0.0456)  # 66.576
    assert total(est, "msk/storage/") == pytest.approx(2 * 20 * 0.10)         # 4.00
    assert total(est, "msk/storage/", "peak_usd") == pytest.approx(2 * 100 * 0.10)  # 20.00
    kafka.inputs["enhancedMonitoring"] = "PER_TOPIC_PER_BROKER"
    assert "enhanced monitoring" in price([kafka])["unpriced"][0]["reason"]


def test_mq_active_standby_is_two_brokers_sharing_one_store():
    mq = res("aws:mq/broker:Broker", "mq", {"engineType": "ActiveMQ", "hostInstanceType": "mq.m5.large",
                                            "deploymentMode": "ACTIVE_STANDBY_MULTI_AZ", "storageType": "efs"})
    est = price([mq], {"mq": {"storedGbPerBroker": 10}})
    assert total(est, "mq/activemq/") == pytest.approx(2 * 730 * 0.288)  # 420.48
    assert total(est, "mq/storage/") == pytest.approx(10 * 0.30)         # once, not per broker
    mq.inputs.update({"deploymentMode": "SINGLE_INSTANCE", "storageType": "ebs"})
    est = price([mq], {"mq": {"storedGbPerBroker": 10}})
    assert total(est, "mq/activemq/") == pytest.approx(730 * 0.288) and total(est, "mq/storage/") == pytest.approx(1.0)


# --------------------------------------------------------------------------- compute
def _cluster(mode: str | None) -> Res:
    settings = [{"name": "containerInsights", "value": mode}] if mode else []
    return res("aws:ecs/cluster:Cluster", "cluster", {"name": "c", "settings": settings})


def _service(name: str, family: str, tasks: int = 2, arch: str = "ARM64", tls: bool = False,
             ephemeral: int | None = None) -> list[Res]:
    td_inputs = {"family": family, "cpu": "512", "memory": "1024", "runtimePlatform": {"cpuArchitecture": arch}}
    if ephemeral:
        td_inputs["ephemeralStorage"] = {"sizeInGib": ephemeral}
    td = res("aws:ecs/taskDefinition:TaskDefinition", f"{name}-td", td_inputs)
    sc = {"enabled": True, "services": [{"portName": "http", **({"tls": {"issuerCertAuthority": {}}} if tls else {})}]}
    svc = res("aws:ecs/service:Service", name, {"name": name, "cluster": "arn:aws:ecs:us-east-1:1:cluster/c",
                                                "desiredCount": tasks, "launchType": "FARGATE",
                                                "serviceConnectConfiguration": sc},
              property_dependencies={"taskDefinition": [td.urn]})
    return [td, svc]


def test_container_insights_metrics_per_cluster_service_and_task_family():
    graph = [_cluster("enabled"), *_service("a", "fa"), *_service("b", "fa"), *_service("c", "fc")]
    est = price(graph)
    # 12 cluster + 15 x 3 services + 10 x 2 task families = 77 metrics x $0.30
    assert total(est, "cloudwatch/metric-month") == pytest.approx(77 * 0.30)
    assert "aws:ecs/cluster:Cluster (Container Insights off)" in price([_cluster(None)])["free_types"]
    assert "enhanced observability" in price([_cluster("enhanced")])["unpriced"][0]["reason"]


def test_service_connect_tls_secrets_and_fargate_x86_vs_arm():
    arm = price(_service("a", "fa", tasks=3, tls=True))
    # 3 tasks x (0.5 vCPU x $0.03238 + 1 GB x $0.00356) x 730 h
    assert total(arm, "fargate/") == pytest.approx(3 * 730 * (0.5 * 0.03238 + 1 * 0.00356))
    assert total(arm, "secretsmanager/") == pytest.approx(0.40)  # one TLS endpoint, one ECS-managed secret
    x86 = price(_service("a", "fa", tasks=3, arch="X86_64"))
    assert total(x86, "fargate/") == pytest.approx(3 * 730 * (0.5 * 0.04048 + 1 * 0.004445))
    assert total(x86, "secretsmanager/") == 0
    eph = price(_service("a", "fa", tasks=3, ephemeral=50))
    assert total(eph, "fargate/ephemeral") == pytest.approx(3 * 30 * 730 * 0.000111)  # 30 GB above the free 20


# --------------------------------------------------------------------------- delivery, security, data
def test_codebuild_arm_and_x86_minutes():
    def build(env_type):
        return res("aws:codebuild/project:Project", "b", {"environment": {"computeType": "BUILD_GENERAL1_SMALL",
                                                                          "type": env_type}})
    usage = {"codebuild": {"buildMinutesPerProject": 100}}
    assert total(price([build("ARM_CONTAINER")], usage), "codebuild/") == pytest.approx(100 * 0.0034)
    assert total(price([build("LINUX_CONTAINER")], usage), "codebuild/") == pytest.approx(100 * 0.005)


def test_private_ca_modes_and_general_purpose_tiers():
    def ca(mode, certs):
        return price([res("aws:acmpca/certificateAuthority:CertificateAuthority", "ca", {"usageMode": mode})],
                     {"privateCa": {"certificatesPerMonth": certs}})
    short = ca("SHORT_LIVED_CERTIFICATE", 150)
    assert total(short, "privateca/") == pytest.approx(50 + 150 * 0.058)
    gp = ca("GENERAL_PURPOSE", 1500)
    # $400 + 1,000 x $0.75 + 500 x $0.35
    assert total(gp, "privateca/") == pytest.approx(400 + 1000 * 0.75 + 500 * 0.35)


def test_efs_automatic_backups_are_backup_storage_priced_from_usage():
    """AWS Backup, Amazon EFS warm storage $0.05/GB-month (us-east-1): 50 GB backed up = $2.50; off = nothing."""
    on = res("aws:efs/backupPolicy:BackupPolicy", "bp", {"fileSystemId": "fs-1", "backupPolicy": {"status": "ENABLED"}})
    est = price([on], {"efs": {"backupGbPerFileSystem": 50}})
    (line,) = est["lines"]
    assert line["price_key"] == "backup/efs/warm/gb-month" and line["monthly_usd"] == pytest.approx(50 * 0.05)
    assert line["usage"] == {"efs.backupGbPerFileSystem": 50}
    off = res("aws:efs/backupPolicy:BackupPolicy", "bp", {"fileSystemId": "fs-1", "backupPolicy": {"status": "DISABLED"}})
    assert price([off], {"efs": {"backupGbPerFileSystem": 50}})["lines"] == []


def test_efs_elastic_throughput_is_usage_with_its_keys():
    fs = res("aws:efs/fileSystem:FileSystem", "fs", {"throughputMode": "elastic"})
    est = price([fs], {"efs": {"storedGbPerFileSystem": 10, "readGbPerMonth": 100, "writeGbPerMonth": 20}})
    assert total(est, "efs/") == pytest.approx(10 * 0.30 + 100 * 0.03 + 20 * 0.06)
    assert {k for l in est["lines"] for k in l["usage"]} == {"efs.storedGbPerFileSystem", "efs.readGbPerMonth",
                                                             "efs.writeGbPerMonth"}


def test_waf_rules_and_high_resolution_alarms():
    waf = res("aws:wafv2/webAcl:WebAcl", "waf", {"rules": [{"name": str(i)} for i in range(6)]})
    est = price([waf], {"requestsPerMonth": 2_000_000})
    assert total(est, "waf/") == pytest.approx(5 + 6 * 1.0 + 2 * 0.60)
    fast = res("aws:cloudwatch/metricAlarm:MetricAlarm", "a", {"period": 10})
    assert total(price([fast]), "cloudwatch/alarm-high-res-month") == pytest.approx(0.30)


# --------------------------------------------------------------------------- usage labelling
def test_every_usage_line_names_its_usage_keys_and_the_assumptions_list_them_all():
    from conftest import plan_for

    est = cost_model.estimate(cost_model.from_plan(plan_for("prod")))
    usage_lines = [l for l in est["lines"] if l["kind"] == "usage"]
    assert usage_lines and all(l["usage"] for l in usage_lines)
    profile = json.loads((ROOT / "policies" / "usage" / "prod.json").read_text())
    for l in usage_lines:
        for key, value in l["usage"].items():
            section, _, sub = key.partition(".")
            assert (profile[section][sub] if sub else profile[section]) == value, key
    listed = {a["key"]: a for a in est["usage_assumptions"]}
    assert {k for l in usage_lines for k in l["usage"]} <= set(listed)
    assert sum(a["monthly_usd"] for a in listed.values() if a["key"] != "requestsPerMonth") <= \
        est["totals"]["usage_usd"] + 1e-9
    assert any(a.startswith("usage logs.ingestGbPerLogGroup = 2 (policies/usage/prod.json)")
               for a in est["assumptions"])
    with pytest.raises(ValueError):  # a usage line that does not say where its quantity comes from
        from platform_policies.cost_model.context import EstimateContext
        ctx = EstimateContext([], cost_model.load_catalog(), {})
        ctx.add(Res("t", "n", "u"), "x", 1, "GB", "s3/standard/gb-month", kind="usage")


@pytest.mark.heavy
def test_cloudfront_off_removes_its_lines_on_the_real_program():
    from preflight.program import record_plan

    est = cost_model.estimate(cost_model.from_plan(record_plan("prod", ["edge.cdn=false"])))
    assert not [l for l in est["lines"] if l["price_key"].startswith("cloudfront/")]
    assert est["unpriced"] == []


def test_providers_are_free_and_unknown_billable_types_are_unpriced():
    est = price([res("pulumi:providers:random", "default", {}), res("aws:lambda/function:Function", "fn", {})])
    assert est["free_types"] == {"pulumi:providers:random": 1}
    assert [(u["resource"], u["reason"]) for u in est["unpriced"]] == [("fn", "resource type not in the cost model")]
