"""Every class and size the sizing policies allow in a committed policy config is priced (or, where
AWS does not sell the combination, reported unpriced with the reason - which fails the cap closed).

Widening an allow-list in policies/config/<stack>.json without adding its price to
policies/pricing/us-east-1.json makes ``test_every_allowed_*`` fail.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import pytest

from components.config.settings import FARGATE_SIZES
from platform_policies import cost_model
from platform_policies.cost_model import Res

ROOT = Path(__file__).resolve().parent.parent

H = 730
CATALOG = json.loads((ROOT / "policies" / "pricing" / "us-east-1.json").read_text())
PRICES, FACTS = CATALOG["prices"], CATALOG["facts"]
CONFIGS = {p.stem: json.loads(p.read_text()) for p in sorted((ROOT / "policies" / "config").glob("*.json"))}


def allowed(policy: str, option: str) -> list:
    """Union of an allow-list over every committed policy config."""
    out: list = []
    for cfg in CONFIGS.values():
        for v in (cfg.get(policy) or {}).get(option) or []:
            if v not in out:
                out.append(v)
    return out


def price(resources: list[Res]) -> dict:
    return cost_model.estimate(resources, usage={}, region="us-east-1")


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:test::p::{type_}::{name}"


def res(type_: str, name: str, inputs: dict, **kw) -> Res:
    return Res(type=type_, name=name, urn=urn(type_, name), inputs=inputs, **kw)


def total(est: dict, prefix: str) -> float:
    return sum(l["monthly_usd"] for l in est["lines"] if l["price_key"].startswith(prefix))


# --------------------------------------------------------------------------- RDS
def rds(cls: str, multi: bool, storage_type: Optional[str] = "gp3", gb: float = 100) -> Res:
    return res("aws:rds/instance:Instance", "db", {"engine": "postgres", "instanceClass": cls, "multiAz": multi,
                                                   "allocatedStorage": gb, "storageType": storage_type})


@pytest.mark.parametrize("cls", allowed("allowed-rds-instance-classes", "allowedInstanceClasses"))
@pytest.mark.parametrize("multi", [False, True])
def test_every_allowed_rds_class_is_priced_single_and_multi_az(cls, multi):
    est = price([rds(cls, multi)])
    assert est["unpriced"] == [], est["unpriced"]
    base = PRICES[f"rds/postgres/{cls}"]["usd"]
    copies = 2 if multi else 1  # Multi-AZ: primary + standby, hours and storage
    assert total(est, "rds/postgres/") == pytest.approx(copies * H * base)
    assert total(est, "rds/storage/") == pytest.approx(copies * 100 * 0.115)


@pytest.mark.parametrize("storage_type", ["gp2", "gp3", None])
def test_rds_storage_types_used_are_priced(storage_type):
    est = price([rds("db.t3.medium", False, storage_type, 20)])
    assert est["unpriced"] == []
    assert total(est, "rds/storage/") == pytest.approx(20 * 0.115)


def test_rds_hand_figures_for_the_issue_examples():
    # db.t4g.large Multi-AZ: 2 x 730 h x $0.129 = 188.34; db.t4g.micro Single-AZ: 730 x $0.016 = 11.68
    assert total(price([rds("db.t4g.large", True)]), "rds/postgres/") == pytest.approx(188.34)
    assert total(price([rds("db.t4g.micro", False)]), "rds/postgres/") == pytest.approx(11.68)


# --------------------------------------------------------------------------- ElastiCache
@pytest.mark.parametrize("node", allowed("allowed-cache-node-types", "allowedNodeTypes"))
@pytest.mark.parametrize("engine", ["redis", "valkey"])
def test_every_allowed_cache_node_is_priced_for_both_engines(node, engine):
    est = price([res("aws:elasticache/replicationGroup:ReplicationGroup", "cache",
                     {"engine": engine, "nodeType": node, "numCacheClusters": 2})])
    assert est["unpriced"] == []
    factor = FACTS["elasticache/valkey-price-factor"]["value"] if engine == "valkey" else 1.0
    assert total(est, "elasticache/") == pytest.approx(2 * H * PRICES[f"elasticache/node-hour/{node}"]["usd"] * factor)


def test_cache_hand_figures_for_the_issue_examples():
    def cache(node, engine, n):
        return total(price([res("aws:elasticache/replicationGroup:ReplicationGroup", "c",
                                {"engine": engine, "nodeType": node, "numCacheClusters": n})]), "elasticache/")
    assert cache("cache.t4g.medium", "redis", 1) == pytest.approx(730 * 0.065)          # 47.45
    assert cache("cache.m7g.large", "valkey", 2) == pytest.approx(2 * 730 * 0.158 * 0.8)  # 184.544


# --------------------------------------------------------------------------- MSK, MQ
@pytest.mark.parametrize("itype", allowed("allowed-msk-broker-types", "allowedBrokerTypes"))
def test_every_allowed_msk_broker_is_priced(itype):
    est = price([res("aws:msk/cluster:Cluster", "kafka", {"numberOfBrokerNodes": 3, "brokerNodeGroupInfo": {
        "instanceType": itype, "storageInfo": {"ebsStorageInfo": {"volumeSize": 100}}}})])
    assert est["unpriced"] == []
    assert total(est, "msk/broker-hour/") == pytest.approx(3 * H * PRICES[f"msk/broker-hour/{itype}"]["usd"])
    assert total(est, "msk/storage/") == pytest.approx(3 * 100 * 0.10)  # per broker x brokers


def _mq_hosts_allowed_anywhere() -> list:
    """Committed configs' MQ allow-lists plus the pack's default (used when a config leaves it out)."""
    from platform_policies.rules.mq import HOST_TYPE_CONFIG
    hosts = allowed("allowed-mq-host-types", "allowedHostTypes")
    return hosts + [h for h in HOST_TYPE_CONFIG["allowedHostTypes"]["default"] if h not in hosts]


@pytest.mark.parametrize("host", _mq_hosts_allowed_anywhere())
@pytest.mark.parametrize("mode", ["SINGLE_INSTANCE", "ACTIVE_STANDBY_MULTI_AZ"])
def test_every_allowed_mq_host_is_priced_in_each_mode_aws_offers(host, mode):
    est = price([res("aws:mq/broker:Broker", "mq", {"engineType": "ActiveMQ", "hostInstanceType": host,
                                                    "deploymentMode": mode})])
    entry = PRICES[f"mq/activemq/{host}"]
    if mode in entry.get("deploymentModes", [mode]):
        assert est["unpriced"] == []
        brokers = 2 if mode == "ACTIVE_STANDBY_MULTI_AZ" else 1
        assert total(est, "mq/activemq/") == pytest.approx(brokers * H * entry["usd"])
        # storage of a pair is shared: one EFS store, 5 GB of the default profile
        assert total(est, "mq/storage/") == pytest.approx(5 * 0.30)
    else:  # fail closed: AWS does not sell it, and the estimate says so
        assert [u["reason"] for u in est["unpriced"]] == [
            f"Amazon MQ {host} is not offered as {mode} (only SINGLE_INSTANCE; Amazon MQ developer guide, "
            f"'Broker instance types')"]


def test_an_activemq_host_aws_does_not_offer_is_unpriced_with_the_reason():
    est = price([res("aws:mq/broker:Broker", "mq", {"engineType": "ActiveMQ", "hostInstanceType": "mq.m7g.large",
                                                    "deploymentMode": "SINGLE_INSTANCE"})])
    assert len(est["unpriced"]) == 1 and "not offered by AWS" in est["unpriced"][0]["reason"]
    assert "only available for RabbitMQ" in est["unpriced"][0]["reason"]


# --------------------------------------------------------------------------- Fargate
def _fargate_sizes() -> list[tuple[int, int, str]]:
    out = []
    for cfg in CONFIGS.values():
        sizes = cfg.get("allowed-fargate-task-sizes") or {}
        archs = (cfg.get("allowed-cpu-architectures") or {}).get("allowedArchitectures") or ["X86_64"]
        for cpu in sizes.get("allowedCpu") or []:
            for mem in FARGATE_SIZES[cpu]:
                if mem <= sizes.get("maxMemoryMiB", mem):
                    out += [(cpu, mem, arch) for arch in archs + ["X86_64", "ARM64"]]
    return sorted(set(out))


def fargate(cpu: int, mem: int, arch: str, tasks: int = 2) -> list[Res]:
    td = res("aws:ecs/taskDefinition:TaskDefinition", "td", {"family": "f", "cpu": str(cpu), "memory": str(mem),
                                                            "runtimePlatform": {"cpuArchitecture": arch}})
    svc = res("aws:ecs/service:Service", "svc", {"desiredCount": tasks, "launchType": "FARGATE"},
              property_dependencies={"taskDefinition": [td.urn]})
    return [td, svc]


@pytest.mark.parametrize("cpu,mem,arch", _fargate_sizes())
def test_every_allowed_fargate_size_is_priced_on_both_architectures(cpu, mem, arch):
    est = price(fargate(cpu, mem, arch))
    assert est["unpriced"] == []
    want = 2 * H * (cpu / 1024 * PRICES[f"fargate/vcpu-hour/{arch}"]["usd"]
                    + mem / 1024 * PRICES[f"fargate/gb-hour/{arch}"]["usd"])
    assert total(est, "fargate/") == pytest.approx(want)


def test_the_coverage_test_can_fail():
    """A class nobody priced is caught: the same checks on db.r7g.large / cache.r7g.large report it."""
    assert price([rds("db.r7g.large", False)])["unpriced"]
    est = price([res("aws:elasticache/replicationGroup:ReplicationGroup", "c",
                     {"engine": "redis", "nodeType": "cache.r7g.large", "numCacheClusters": 1})])
    assert est["unpriced"] and "no price 'elasticache/node-hour/cache.r7g.large'" in est["unpriced"][0]["reason"]
