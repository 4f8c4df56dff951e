"""MSK and Amazon MQ rules: client authentication, logging, replication, versions, accepted values."""

from __future__ import annotations

from test_policies_support import check, check_stack, urn
from platform_policies.rules import cross_service, mq, msk

MSK, CONF, MQ = msk.MSK_CLUSTER, msk.MSK_CONFIGURATION, mq.MQ_BROKER
CLUSTER = {"kafkaVersion": "3.8.x", "numberOfBrokerNodes": 3,
           "clientAuthentication": {"sasl": {"iam": True}, "unauthenticated": False},
           "encryptionInfo": {"encryptionInTransit": {"clientBroker": "TLS", "inCluster": True}},
           "enhancedMonitoring": "DEFAULT",
           "brokerNodeGroupInfo": {"storageInfo": {"ebsStorageInfo": {"volumeSize": 100}}},
           "loggingInfo": {"brokerLogs": {"cloudwatchLogs": {"enabled": True, "logGroup": "g"}}}}


def test_msk_client_authentication():
    v = msk.validate_msk_client_authentication
    assert check(v, MSK, CLUSTER) == []
    assert check(v, MSK, {**CLUSTER, "clientAuthentication": {"sasl": {"iam": True}, "unauthenticated": True}})
    assert check(v, MSK, {**CLUSTER, "clientAuthentication": None})  # AWS default: unauthenticated
    assert check(v, MSK, {**CLUSTER, "clientAuthentication": {"unauthenticated": False}})


def test_msk_broker_logging():
    assert check(msk.validate_msk_broker_logging, MSK, CLUSTER) == []
    assert check(msk.validate_msk_broker_logging, MSK, {**CLUSTER, "loggingInfo": None})


def test_msk_values():
    v = msk.validate_msk_cluster_values
    assert check(v, MSK, CLUSTER) == []
    assert check(v, MSK, {**CLUSTER, "enhancedMonitoring": "PER_TOPIC"})
    assert check(v, MSK, {**CLUSTER, "brokerNodeGroupInfo": {"storageInfo": {"ebsStorageInfo": {"volumeSize": 0}}}})
    assert check(v, MSK, {**CLUSTER, "encryptionInfo": {"encryptionInTransit": {"clientBroker": "PLAINTEXT"}}})


def _with_config(kafka_versions=("3.8.x",), properties="default.replication.factor=3\nmin.insync.replicas=2\n",
                 brokers=3, version="3.8.x"):
    return [{"type": CONF, "name": "conf", "props": {"kafkaVersions": list(kafka_versions),
                                                    "serverProperties": properties}},
            {"type": MSK, "name": "kafka", "props": {**CLUSTER, "kafkaVersion": version, "numberOfBrokerNodes": brokers},
             "deps": {"configurationInfo": [urn(CONF, "conf")]}}]


def test_msk_configuration_version():
    assert check_stack(msk.validate_msk_configuration_version, _with_config()) == []
    assert check_stack(msk.validate_msk_configuration_version, _with_config(version="3.9.x"))


def test_msk_replication():
    assert check_stack(msk.validate_msk_replication, _with_config()) == []
    assert check_stack(msk.validate_msk_replication, _with_config(brokers=2))  # factor 3 > 2 brokers
    assert check_stack(msk.validate_msk_replication,
                       _with_config(properties="default.replication.factor=3\nmin.insync.replicas=3\n"))
    assert check_stack(msk.validate_msk_replication,
                       _with_config(properties="default.replication.factor=2\nmin.insync.replicas=1\n",
                                    brokers=2)) == []


BROKER = {"engineType": "ActiveMQ", "engineVersion": "5.18", "autoMinorVersionUpgrade": True,
          "logs": {"general": True, "audit": True}, "securityGroups": ["sg-1"],
          "maintenanceWindowStartTime": {"dayOfWeek": "SUNDAY", "timeOfDay": "03:00", "timeZone": "UTC"},
          "users": [{"username": "payment", "password": "a1b2c3d4e5f6g7h8"}]}


def test_mq_logging_and_upgrades():
    assert check(mq.validate_mq_logging, MQ, BROKER) == []
    assert check(mq.validate_mq_logging, MQ, {**BROKER, "logs": {"general": True}})
    assert check(mq.validate_mq_logging, MQ, {**BROKER, "engineType": "RabbitMQ", "logs": {"general": True}}) == []
    assert check(mq.validate_mq_minor_upgrades, MQ, BROKER) == []
    assert check(mq.validate_mq_minor_upgrades, MQ, {**BROKER, "autoMinorVersionUpgrade": False})


def test_mq_values():
    v = mq.validate_mq_broker_values
    assert check(v, MQ, BROKER) == []
    assert check(v, MQ, {**BROKER, "users": [{"username": "payment", "password": "short"}]})
    assert check(v, MQ, {**BROKER, "users": [{"username": "payment", "password": "a,b:c=d1234567"}]})
    assert check(v, MQ, {**BROKER, "users": [{"username": "pay ment", "password": "a1b2c3d4e5f6g7h8"}]})
    assert check(v, MQ, {**BROKER, "autoMinorVersionUpgrade": False})
    assert check(v, MQ, {**BROKER, "engineType": "RabbitMQ", "engineVersion": "3.13"})  # audit log
    assert check(v, MQ, {**BROKER, "maintenanceWindowStartTime": {"dayOfWeek": "SUN", "timeOfDay": "3am"}})


def test_protection_for_msk_and_mq():
    v = cross_service.validate_stateful_protection
    for t, props in ((MSK, CLUSTER), (MQ, BROKER)):
        assert check(v, t, props, protect=True) == []
        assert check(v, t, props)
        assert check(v, t, props, config={"requireDeletionProtection": False}) == []


def test_msk_kafka_version_is_one_msk_offers():
    v = msk.validate_msk_cluster_values
    for version in ("3.6.0", "3.8.x", "3.9.x.kraft", "4.0.x"):
        assert check(v, MSK, {**CLUSTER, "kafkaVersion": version}) == [], version
    for version in ("2.2.1", "3.5.1", "latest"):
        assert check(v, MSK, {**CLUSTER, "kafkaVersion": version}), version


def test_msk_client_subnets_are_distinct_azs():
    sub = "aws:ec2/subnet:Subnet"

    def stack(azs, ids):
        subnets = [{"type": sub, "name": f"s{i}", "props": {"id": f"subnet-{i}", "availabilityZone": az}}
                   for i, az in enumerate(azs)]
        cluster = {"type": MSK, "name": "kafka",
                   "props": {**CLUSTER, "brokerNodeGroupInfo": {**CLUSTER["brokerNodeGroupInfo"],
                                                                "clientSubnets": ids}}}
        return subnets + [cluster]

    validate = msk.validate_msk_multi_az
    three = ["us-east-1a", "us-east-1b", "us-east-1c"]
    assert check_stack(validate, stack(three, ["subnet-0", "subnet-1", "subnet-2"]), {"minAzs": 3}) == []
    assert check_stack(validate, stack(three, ["subnet-0", "subnet-0", "subnet-1"]), {"minAzs": 3})
    same_az = ["us-east-1a", "us-east-1a", "us-east-1b"]
    assert check_stack(validate, stack(same_az, ["subnet-0", "subnet-1", "subnet-2"]), {"minAzs": 3})
    # without the graph, distinct ids bound the count
    assert check(msk.validate_msk_multi_az, MSK, {"numberOfBrokerNodes": 3, "brokerNodeGroupInfo": {
        "clientSubnets": ["a", "a", "b"]}}, config={"minAzs": 3})


def test_msk_refuses_duplicate_client_subnets():
    v = msk.validate_msk_brokers_per_subnet
    props = {**CLUSTER, "brokerNodeGroupInfo": {"clientSubnets": ["a", "b", "c"]}}
    assert check(v, MSK, props) == []
    assert check(v, MSK, {**props, "brokerNodeGroupInfo": {"clientSubnets": ["a", "a", "b"]}})


def test_mq_engine_version_form():
    v = mq.validate_mq_broker_values
    assert check(v, MQ, {**BROKER, "engineVersion": "5.17.6"}) == []
    assert check(v, MQ, {**BROKER, "engineVersion": "5.17"})  # before 5.18: full version only
    assert check(v, MQ, {**BROKER, "engineVersion": "5.18.4"})  # from 5.18: major.minor only
    assert check(v, MQ, {**BROKER, "engineVersion": "latest"})
    rabbit = {**BROKER, "engineType": "RabbitMQ", "logs": {"general": True},
              "users": [{"username": "payment", "password": "a1b2c3d4e5f6g7h8"}]}
    assert check(v, MQ, {**rabbit, "engineVersion": "3.13"}) == []
    assert check(v, MQ, {**rabbit, "engineVersion": "3.11.20"}) == []
    assert check(v, MQ, {**rabbit, "engineVersion": "3.11"})
