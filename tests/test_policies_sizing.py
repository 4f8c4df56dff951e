"""Sizing rules: allow-lists and ceilings from policy config, plus the committed per-stack lists."""

from __future__ import annotations

import json

from test_policies_support import ROOT, U_NUM, U_STR, check

from platform_policies.rules import ec2, ecs, elasticache, mq, msk, rds

DEV = json.loads((ROOT / "policies/config/dev.json").read_text())
PROD = json.loads((ROOT / "policies/config/prod.json").read_text())


def cfg(stack: dict, policy: str) -> dict:
    return {k: v for k, v in stack[policy].items() if k != "enforcementLevel"}


def test_rds_instance_class_per_stack():
    t, p = "aws:rds/instance:Instance", "allowed-rds-instance-classes"
    assert check(rds.validate_rds_instance_class, t, {"instanceClass": "db.t3.medium"}, config=cfg(PROD, p)) == []
    assert check(rds.validate_rds_instance_class, t, {"instanceClass": "db.t3.medium"}, config=cfg(DEV, p))
    assert check(rds.validate_rds_instance_class, t, {"instanceClass": "db.t3.micro"}, config=cfg(DEV, p)) == []
    assert check(rds.validate_rds_instance_class, t, {"instanceClass": "db.r6g.16xlarge"})  # schema default list
    assert check(rds.validate_rds_instance_class, t, {"instanceClass": U_STR}) == []
    assert check(rds.validate_rds_instance_class, t, {}) == []  # missing: the provider itself requires it


def test_cache_msk_mq_types():
    rg, cl = "aws:elasticache/replicationGroup:ReplicationGroup", "aws:elasticache/cluster:Cluster"
    assert check(elasticache.validate_cache_node_type, rg, {"nodeType": "cache.t4g.small"}) == []
    assert check(elasticache.validate_cache_node_type, cl, {"nodeType": "cache.t4g.small"},
                 config=cfg(DEV, "allowed-cache-node-types"))
    kafka = "aws:msk/cluster:Cluster"
    assert check(msk.validate_msk_broker_type, kafka, {"brokerNodeGroupInfo": {"instanceType": "kafka.m5.large"}}) == []
    assert check(msk.validate_msk_broker_type, kafka, {"brokerNodeGroupInfo": {"instanceType": "kafka.m5.large"}},
                 config=cfg(DEV, "allowed-msk-broker-types"))
    broker = "aws:mq/broker:Broker"
    assert check(mq.validate_mq_host_type, broker, {"hostInstanceType": "mq.t3.micro"},
                 config=cfg(DEV, "allowed-mq-host-types")) == []
    assert check(mq.validate_mq_host_type, broker, {"hostInstanceType": "mq.t3.micro"},
                 config=cfg(PROD, "allowed-mq-host-types"))


FARGATE = {"requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc"}


def test_fargate_task_sizes():
    t = "aws:ecs/taskDefinition:TaskDefinition"
    dev = cfg(DEV, "allowed-fargate-task-sizes")
    assert check(ecs.validate_fargate_task_size, t, {**FARGATE, "cpu": "256", "memory": "512"}, config=dev) == []
    assert len(check(ecs.validate_fargate_task_size, t, {**FARGATE, "cpu": "512", "memory": "1024"},
                     config=dev)) == 2
    assert check(ecs.validate_fargate_task_size, t, {**FARGATE, "cpu": "0.5 vCPU", "memory": "1GB"}) == []
    assert check(ecs.validate_fargate_task_size, t, {**FARGATE, "cpu": "4096", "memory": "16384"})
    assert check(ecs.validate_fargate_task_size, t, {**FARGATE, "cpu": U_STR, "memory": U_STR}, config=dev) == []
    assert check(ecs.validate_fargate_task_size, t, {"cpu": "4096", "memory": "30720"}) == []  # EC2, not Fargate


def test_architecture():
    t = "aws:ecs/taskDefinition:TaskDefinition"
    dev = cfg(DEV, "allowed-cpu-architectures")
    arm = {**FARGATE, "runtimePlatform": {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"}}
    assert check(ecs.validate_task_architecture, t, arm, config=dev) == []
    assert check(ecs.validate_task_architecture, t, FARGATE, config=dev)  # missing = X86_64
    assert check(ecs.validate_task_architecture, t, FARGATE) == []  # default list allows both


def test_task_counts():
    t = "aws:appautoscaling/target:Target"
    svc = {"serviceNamespace": "ecs", "scalableDimension": "ecs:service:DesiredCount"}
    prod, dev = cfg(PROD, "task-count-limits"), cfg(DEV, "task-count-limits")
    assert check(ecs.validate_task_count_limits, t, {**svc, "minCapacity": 3, "maxCapacity": 20}, config=prod) == []
    assert len(check(ecs.validate_task_count_limits, t, {**svc, "minCapacity": 1, "maxCapacity": 100},
                     config=prod)) == 2
    assert check(ecs.validate_task_count_limits, t, {**svc, "minCapacity": 1, "maxCapacity": 2}, config=dev) == []
    assert check(ecs.validate_task_count_limits, t, {**svc, "minCapacity": 1, "maxCapacity": 20}, config=dev)
    assert check(ecs.validate_task_count_limits, t, {**svc, "minCapacity": U_NUM, "maxCapacity": U_NUM}) == []
    assert check(ecs.validate_task_count_limits, t, {"serviceNamespace": "kafka", "maxCapacity": 5000}) == []


def test_scheduled_task_counts_are_held_to_the_floor_and_ceiling():
    """A schedule (min/max 0 at night) must not bypass prod's floor of 2 tasks; dev's floor is 0."""
    t = "aws:appautoscaling/scheduledAction:ScheduledAction"
    prod, dev = cfg(PROD, "task-count-limits"), cfg(DEV, "task-count-limits")
    svc = {"serviceNamespace": "ecs", "scalableDimension": "ecs:service:DesiredCount",
           "resourceId": "service/microservices-prod/order"}
    night = {**svc, "schedule": "cron(0 18 ? * MON-FRI *)", "scalableTargetAction": {"minCapacity": 0, "maxCapacity": 0}}
    morning = {**svc, "schedule": "cron(0 8 ? * MON-FRI *)", "scalableTargetAction": {"minCapacity": 3, "maxCapacity": 20}}
    msgs = check(ecs.validate_task_count_limits, t, night, config=prod)
    assert len(msgs) == 1 and "minCapacity 0 and maxCapacity 0 at cron(0 18 ? * MON-FRI *), below this stack's " \
                              "floor of 2 tasks" in msgs[0], msgs
    assert check(ecs.validate_task_count_limits, t, morning, config=prod) == []
    assert check(ecs.validate_task_count_limits, t, night, config=dev) == []  # dev may scale to 0
    assert "above this stack's ceiling of 2 tasks" in check(ecs.validate_task_count_limits, t, morning, config=dev)[0]
    assert check(ecs.validate_task_count_limits, t, {**svc, "scalableTargetAction": {"minCapacity": U_NUM}},
                 config=prod) == []
    assert check(ecs.validate_task_count_limits, t, {**night, "serviceNamespace": "kafka"}, config=prod) == []


def test_storage_ceilings():
    db = "aws:rds/instance:Instance"
    assert check(rds.validate_rds_storage_limits, db, {"allocatedStorage": 100, "maxAllocatedStorage": 500}) == []
    assert check(rds.validate_rds_storage_limits, db, {"allocatedStorage": 100, "maxAllocatedStorage": 500},
                 config=cfg(DEV, "rds-storage-limits"))
    assert check(rds.validate_rds_storage_limits, db, {"allocatedStorage": U_NUM}) == []
    kafka = "aws:msk/cluster:Cluster"
    vol = {"brokerNodeGroupInfo": {"storageInfo": {"ebsStorageInfo": {"volumeSize": 100}}}}
    assert check(msk.validate_msk_storage_limits, kafka, vol) == []
    assert check(msk.validate_msk_storage_limits, kafka, vol, config={"maxStorageGb": 50})
    assert check(msk.validate_msk_storage_limits, "aws:appautoscaling/target:Target",
                 {"serviceNamespace": "kafka", "maxCapacity": 1000}, config=cfg(DEV, "msk-storage-limits"))
    assert check(msk.validate_msk_storage_limits, kafka, {}) == []
    ebs = "aws:ebs/volume:Volume"
    assert check(ec2.validate_ebs_volume_size, ebs, {"size": 20}) == []
    assert check(ec2.validate_ebs_volume_size, ebs, {"size": 2000})


def test_prod_seed_sizes_are_allowed_in_prod_and_dev_sizes_in_dev():
    """The committed stacks' own sizes pass their own lists (settings.py defaults / Pulumi.dev.yaml)."""
    import yaml

    from components.config.settings import StackSettings

    seed = StackSettings()
    assert seed.database.instanceClass in PROD["allowed-rds-instance-classes"]["allowedInstanceClasses"]
    assert seed.cache.nodeType in PROD["allowed-cache-node-types"]["allowedNodeTypes"]
    assert seed.kafka.brokerType in PROD["allowed-msk-broker-types"]["allowedBrokerTypes"]
    assert seed.mq.hostType in PROD["allowed-mq-host-types"]["allowedHostTypes"]
    dev = {k.split(":", 1)[1]: v for k, v in yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())["config"].items()
           if k.startswith("microservices-platform:")}
    assert dev["database"]["instanceClass"] in DEV["allowed-rds-instance-classes"]["allowedInstanceClasses"]
    assert dev["cache"]["nodeType"] in DEV["allowed-cache-node-types"]["allowedNodeTypes"]
    assert dev["kafka"]["brokerType"] in DEV["allowed-msk-broker-types"]["allowedBrokerTypes"]
    assert dev["mq"]["hostType"] in DEV["allowed-mq-host-types"]["allowedHostTypes"]
    assert dev["serviceSizeOverride"]["cpu"] in DEV["allowed-fargate-task-sizes"]["allowedCpu"]
