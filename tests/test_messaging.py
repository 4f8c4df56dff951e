"""Messaging tier (components/messaging/messaging.py, kafka.py, mq.py) under mocks, prod and dev."""

from __future__ import annotations

import dataclasses
import json

import pytest

from _helpers import assert_required_tags, base_tags, private_subnets, resources_by_urn
from components.messaging.kafka import KafkaOptions
from components.messaging.messaging import Messaging, MessagingArgs
from components.messaging.mq import MqOptions
from conftest import run_mocked
from preflight.mocks import ACCOUNT, SECRET_SIG, SIG_KEY

MSK = "aws:msk/cluster:Cluster"
MQ = "aws:mq/broker:Broker"
SG = "aws:ec2/securityGroup:SecurityGroup"


# dev: 2 AZs (one broker each), the smallest sizes, a single-instance broker; prod: the defaults.
DEV_KAFKA = KafkaOptions(broker_type="kafka.t3.small", broker_count=2, storage_gb=20, max_storage_gb=100)
DEV_MQ = MqOptions(host_type="mq.t3.micro", deployment_mode="SINGLE_INSTANCE")


def _run(stack: str, **changes):
    import pulumi

    prod = stack == "prod"
    holder = {}

    def build():
        dev = {} if prod else dict(kafka=DEV_KAFKA, mq=DEV_MQ, deletion_protection=False, log_retention_days=7)
        holder["args"] = args = MessagingArgs(
            stack=stack, region="us-east-1", vpc_id="vpc-0abc",
            private_subnet_ids=pulumi.Output.from_input(private_subnets(3 if prod else 2)),
            base_tags=base_tags(stack), **{**dev, **changes})
        m = Messaging("messaging", args)
        out = {k: getattr(m, k) for k in (
            "kafka_cluster_arn", "kafka_cluster_name", "kafka_bootstrap_brokers_tls", "kafka_bootstrap_brokers_iam",
            "mq_broker_name", "mq_endpoints", "mq_secret_arn")}
        out["access"] = [{"service": a.service, "sg": a.security_group_id, "port": a.port, "port_to": a.port_to,
                          "statements": a.policy_statements, "env": a.environment, "secrets": a.secrets,
                          "exec": a.execution_secret_arns, "efs": a.efs is not None} for a in m.access]
        return out

    g = run_mocked(build, stack=stack)
    return holder["args"], g


@pytest.fixture(scope="module", params=["prod", "dev"])
def run(request):
    return _run(request.param)


def _props(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.strip().splitlines())


# ---- MSK --------------------------------------------------------------------------------------------

def test_msk_brokers_span_every_private_subnet(run):
    args, g = run
    prod = args.stack == "prod"
    i = g.one(MSK)["inputs"]
    info = i["brokerNodeGroupInfo"]
    assert info["clientSubnets"] == private_subnets(3 if prod else 2)
    assert i["numberOfBrokerNodes"] == (3 if prod else 2) == args.kafka.broker_count
    assert i["numberOfBrokerNodes"] % len(info["clientSubnets"]) == 0
    assert info["instanceType"] == ("kafka.m5.large" if prod else "kafka.t3.small")
    assert info["storageInfo"]["ebsStorageInfo"]["volumeSize"] == args.kafka.storage_gb
    assert info["connectivityInfo"]["publicAccess"]["type"] == "DISABLED"
    assert i["kafkaVersion"] == args.kafka.kafka_version


def test_msk_takes_the_given_broker_count():
    _, g = _run("prod", kafka=KafkaOptions(broker_count=6))
    i = g.one(MSK)["inputs"]
    assert i["numberOfBrokerNodes"] == 6 and len(i["brokerNodeGroupInfo"]["clientSubnets"]) == 3


def test_msk_encrypts_and_authenticates_with_iam_only(run):
    _, g = run
    i = g.one(MSK)["inputs"]
    assert i["encryptionInfo"]["encryptionInTransit"] == {"clientBroker": "TLS", "inCluster": True}
    assert i["clientAuthentication"]["sasl"] == {"iam": True}
    assert i["clientAuthentication"]["unauthenticated"] is False
    assert "tls" not in i["clientAuthentication"] and "scram" not in i["clientAuthentication"]["sasl"]


def test_msk_logs_to_cloudwatch_with_retention(run):
    args, g = run
    msk = g.one(MSK)
    by_urn = resources_by_urn(g)
    logs = msk["inputs"]["loggingInfo"]["brokerLogs"]["cloudwatchLogs"]
    assert logs["enabled"] is True
    (lg_urn,) = msk["propertyDependencies"]["loggingInfo"]
    assert by_urn[lg_urn]["inputs"]["retentionInDays"] == args.log_retention_days
    assert by_urn[lg_urn]["id"] == logs["logGroup"]  # auto-named: the id is the name


def test_msk_configuration_is_safe_for_the_broker_count(run):
    args, g = run
    prod = args.stack == "prod"
    msk = g.one(MSK)
    cfg = g.one("aws:msk/configuration:Configuration")
    props = _props(cfg["inputs"]["serverProperties"])
    assert props["auto.create.topics.enable"] == "false"
    assert props["default.replication.factor"] == ("3" if prod else "2")
    assert props["min.insync.replicas"] == ("2" if prod else "1")
    assert props["unclean.leader.election.enable"] == "false"
    assert cfg["inputs"]["kafkaVersions"] == [args.kafka.kafka_version]
    assert msk["inputs"]["configurationInfo"]["arn"].startswith("arn:aws:kafka:")
    assert msk["propertyDependencies"]["configurationInfo"] == [cfg["urn"]]


def test_msk_storage_autoscales_up_to_the_ceiling(run):
    args, g = run
    msk = g.one(MSK)
    target = g.one("aws:appautoscaling/target:Target")["inputs"]
    assert target["serviceNamespace"] == "kafka"
    assert target["scalableDimension"] == "kafka:broker-storage:VolumeSize"
    assert target["resourceId"] == g.outputs["kafka_cluster_arn"]
    assert target["maxCapacity"] == args.kafka.max_storage_gb > args.kafka.storage_gb
    policy = g.one("aws:appautoscaling/policy:Policy")["inputs"]
    tt = policy["targetTrackingScalingPolicyConfiguration"]
    assert policy["policyType"] == "TargetTrackingScaling" and tt["disableScaleIn"] is True
    assert tt["predefinedMetricSpecification"]["predefinedMetricType"] == "KafkaBrokerStorageUtilization"
    assert msk["protect"] is (args.stack == "prod")


def test_autoscaled_storage_and_generated_password_survive_the_next_up(run):
    """Without these ignore_changes the next `pulumi up` would try to shrink autoscaled
    broker volumes back to storageGb (MSK cannot shrink), and would set a freshly drawn
    MQ password on every run."""
    _, g = run
    assert g.one(MSK)["ignoreChanges"] == ["brokerNodeGroupInfo.storageInfo.ebsStorageInfo.volumeSize"]
    (version,) = g.of_type("aws:secretsmanager/secretVersion:SecretVersion")
    assert version["ignoreChanges"] == ["secretString"]


def test_no_storage_autoscaling_without_headroom():
    _, g = _run("dev", kafka=dataclasses.replace(DEV_KAFKA, max_storage_gb=20))
    assert not g.of_type("aws:appautoscaling/target:Target")


# ---- Amazon MQ --------------------------------------------------------------------------------------

def test_mq_active_standby_on_two_subnets_in_prod_single_in_dev(run):
    args, g = run
    i = g.one(MQ)["inputs"]
    if args.stack == "prod":
        assert i["deploymentMode"] == "ACTIVE_STANDBY_MULTI_AZ" and i["subnetIds"] == private_subnets(3)[:2]
        assert i["hostInstanceType"] == "mq.m5.large"
        assert len(g.outputs["mq_endpoints"]) == 4  # two instances x (OpenWire, AMQP) under the mocks
    else:
        assert i["deploymentMode"] == "SINGLE_INSTANCE" and i["subnetIds"] == private_subnets(2)[:1]
        assert i["hostInstanceType"] == "mq.t3.micro"
    assert i["engineType"] == "ActiveMQ" and i["engineVersion"] == args.mq.engine_version


def test_mq_is_private_encrypted_logged_and_protected(run):
    args, g = run
    mq = g.one(MQ)
    i = mq["inputs"]
    assert i["publiclyAccessible"] is False
    assert i["logs"] == {"general": True, "audit": True}
    assert i["encryptionOptions"] == {"useAwsOwnedKey": False}
    assert i["autoMinorVersionUpgrade"] is True and i["authenticationStrategy"] == "simple"
    assert mq["protect"] is (args.stack == "prod")
    # Amazon MQ may write its logs only once this policy exists.
    by_urn = resources_by_urn(g)
    policies = [by_urn[u] for u in mq["dependencies"]
                if by_urn[u]["type"] == "aws:cloudwatch/logResourcePolicy:LogResourcePolicy"]
    assert len(policies) == 1
    doc = json.loads(policies[0]["inputs"]["policyDocument"])
    (st,) = doc["Statement"]
    assert st["Principal"] == {"Service": "mq.amazonaws.com"}
    assert st["Resource"].endswith(":log-group:/aws/amazonmq/*")
    assert st["Condition"]["StringEquals"]["aws:SourceAccount"] == ACCOUNT


def test_mq_user_password_comes_from_the_secret_version(run):
    _, g = run
    by_urn = resources_by_urn(g)
    mq = g.one(MQ)
    (user,) = mq["inputs"]["users"]
    assert user["username"] == "payment" and user["consoleAccess"] is False
    assert user["password"].get(SIG_KEY) == SECRET_SIG
    versions = [by_urn[u] for u in mq["propertyDependencies"]["users"]]
    assert [v["type"] for v in versions] == ["aws:secretsmanager/secretVersion:SecretVersion"]
    secret = by_urn[versions[0]["propertyDependencies"]["secretId"][0]]
    assert g.outputs["mq_secret_arn"].startswith("arn:aws:secretsmanager:")
    assert secret["name"].startswith("messaging-mq")


# ---- access -----------------------------------------------------------------------------------------

def test_kafka_grants_are_scoped_to_the_cluster(run):
    _, g = run
    arn = g.outputs["kafka_cluster_arn"]
    kafka = [a for a in g.outputs["access"] if a["port"] == 9098]
    assert sorted(a["service"] for a in kafka) == sorted(["order", "inventory", "notification", "stream-processor"])
    for a in kafka:
        actions = {act: st["Resource"] for st in a["statements"] for act in st["Action"]}
        assert actions["kafka-cluster:Connect"] == [arn]
        assert actions["kafka-cluster:WriteDataIdempotently"] == [arn]
        topic = arn.replace(":cluster/", ":topic/") + "/*"
        assert actions["kafka-cluster:ReadData"] == [topic] and actions["kafka-cluster:WriteData"] == [topic]
        assert actions["kafka-cluster:AlterGroup"] == [arn.replace(":cluster/", ":group/") + "/*"]
        assert ("kafka-cluster:CreateTopic" in actions) is (a["service"] == "stream-processor")
        assert all(r != "*" for rs in actions.values() for r in rs)
        assert a["env"]["KAFKA_BOOTSTRAP_SERVERS"] == g.outputs["kafka_bootstrap_brokers_iam"]
        assert not a["secrets"] and a["port_to"] is None
    assert len({a["sg"] for a in kafka}) == 1


def test_mq_grants_the_owner_openwire_and_amqp_with_the_secret(run):
    _, g = run
    mq = [a for a in g.outputs["access"] if a["port"] in (61617, 5671)]
    assert sorted(a["port"] for a in mq) == [5671, 61617]
    assert {a["service"] for a in mq} == {"payment"}
    (openwire,) = [a for a in mq if a["port"] == 61617]
    secret = g.outputs["mq_secret_arn"]
    assert openwire["secrets"] == {"MQ_USERNAME": f"{secret}:username::", "MQ_PASSWORD": f"{secret}:password::"}
    assert openwire["exec"] == [secret]
    assert openwire["env"]["MQ_OPENWIRE_URL"].startswith("failover:(ssl://")
    assert len(g.outputs["access"]) == 4 + 2


def test_security_groups_have_no_rules_of_their_own(run):
    _, g = run
    sgs = g.of_type(SG)
    assert len(sgs) == 2
    for sg in sgs:
        assert "ingress" not in sg["inputs"] and "egress" not in sg["inputs"]
    assert not [r for r in g.resources if "securityGroup" in r["type"] and r["type"] != SG]
    access_sgs = {a["sg"] for a in g.outputs["access"]}
    assert access_sgs == {sg["id"] for sg in sgs}


def test_outputs_and_names(run):
    _, g = run
    out = g.outputs
    assert out["kafka_bootstrap_brokers_iam"].count(":9098") == g.one(MSK)["inputs"]["numberOfBrokerNodes"]
    assert out["kafka_cluster_arn"].startswith("arn:aws:kafka:")
    assert len(out["kafka_cluster_name"]) <= 64 and len(out["mq_broker_name"]) <= 50
    assert all(e.startswith(("ssl://", "amqp+ssl://")) for e in out["mq_endpoints"])
    assert "password" not in json.dumps({k: v for k, v in out.items() if k != "access"})


def test_every_taggable_resource_has_the_required_tags(run):
    args, g = run
    untaggable = {"aws:secretsmanager/secretVersion:SecretVersion", "aws:appautoscaling/policy:Policy",
                  "aws:msk/configuration:Configuration", "aws:cloudwatch/logResourcePolicy:LogResourcePolicy"}
    assert_required_tags(g, "messaging", args.stack, untaggable)
