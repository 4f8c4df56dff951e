"""Realistic mistakes in the services of the data, messaging, network, IAM and observability tiers, applied to
the recorded prod and dev plans: each must be caught by a mandatory policy (judged in-process, see
tests/pack_inproc.py), and the unmutated plans pass.  One mistake also goes through the real pack over gRPC."""

from __future__ import annotations

import copy
import json
from typing import Callable

import pytest

from conftest import plan_for
from pack_inproc import evaluate, find, mandatory


def _set(name: str, path: str, value, type_: str = None) -> Callable[[dict], None]:
    def mutate(plan: dict) -> None:
        node = find(plan, type_, name)["inputs"]
        keys = path.split(".")
        for k in keys[:-1]:
            node = node.setdefault(k, {})
        if value is _DROP:
            node.pop(keys[-1], None)
        else:
            node[keys[-1]] = value
    return mutate


_DROP = object()


def _json(name: str, key: str, edit: Callable[[dict], None]) -> Callable[[dict], None]:
    def mutate(plan: dict) -> None:
        inputs = find(plan, name=name)["inputs"]
        doc = json.loads(inputs[key])
        edit(doc)
        inputs[key] = json.dumps(doc)
    return mutate


def _drop_resource(name: str) -> Callable[[dict], None]:
    def mutate(plan: dict) -> None:
        gone = find(plan, name=name)
        plan["resources"].remove(gone)
        for r in plan["resources"]:
            r["propertyDependencies"] = {k: [u for u in v if u != gone["urn"]]
                                         for k, v in (r.get("propertyDependencies") or {}).items()}
    return mutate


def _keep_first(name: str, key: str) -> Callable[[dict], None]:
    """Cut the list ``key`` of resource ``name`` to its first entry."""
    def mutate(plan: dict) -> None:
        inputs = find(plan, name=name)["inputs"]
        inputs[key] = inputs[key][:1]
    return mutate


def _repeat_first(name: str, path: str) -> Callable[[dict], None]:
    """Replace the second entry of the list at dotted ``path`` by the first (one id listed twice)."""
    def mutate(plan: dict) -> None:
        node = find(plan, name=name)["inputs"]
        *parents, key = path.split(".")
        for k in parents:
            node = node[k]
        node[key] = [node[key][0], node[key][0], *node[key][2:]]
    return mutate


def _edit(name: str, edit: Callable[[dict], None]) -> Callable[[dict], None]:
    """Edit the inputs of resource ``name`` in place."""
    def mutate(plan: dict) -> None:
        edit(find(plan, name=name)["inputs"])
    return mutate


def _vpc_edit(edit: Callable[[dict], None]) -> Callable[[dict], None]:
    return _edit("network-vpc", edit)


def _add_secret_policy(secret: str, statement: dict) -> Callable[[dict], None]:
    """A new aws.secretsmanager.SecretPolicy on ``secret`` with one statement."""
    def mutate(plan: dict) -> None:
        owner = find(plan, name=secret)
        name = f"{secret}-policy"
        plan["resources"].append({
            "urn": owner["urn"].rsplit("::", 2)[0] + f"::aws:secretsmanager/secretPolicy:SecretPolicy::{name}",
            "type": "aws:secretsmanager/secretPolicy:SecretPolicy", "name": name, "parent": owner.get("parent"),
            "inputs": {"secretArn": "arn:aws:secretsmanager:us-east-1:314159265358:secret:x",
                       "policy": json.dumps({"Version": "2012-10-17", "Statement": [statement]})},
            "propertyDependencies": {"secretArn": [owner["urn"]]}, "dependencies": [owner["urn"]]})
    return mutate


def _unprotect(name: str) -> Callable[[dict], None]:
    def mutate(plan: dict) -> None:
        find(plan, name=name)["protect"] = False
    return mutate


def _add_statement(name: str, key: str, statement: dict) -> Callable[[dict], None]:
    return _json(name, key, lambda d: d["Statement"].append(statement))


def _msk_properties(text: str) -> Callable[[dict], None]:
    return _set("messaging-kafka-config", "serverProperties", text)


ALLOW_ALL_NACL = {"action": "allow", "cidrBlock": "0.0.0.0/0", "fromPort": 0, "protocol": "-1", "ruleNo": 90,
                  "toPort": 0}

# (id, mutation, policy that must report it as mandatory, stacks)
MISTAKES = [
    ("nacl-cidr-prefix-99", _edit("network-private-acl", lambda i: i["ingress"][0].update(cidrBlock="10.0.0.0/99")),
     "network-values", ("prod", "dev")),
    ("nacl-cidr-host-bits", _edit("network-private-acl", lambda i: i["egress"][0].update(cidrBlock="10.0.0.1/16")),
     "network-values", ("prod", "dev")),
    ("rds-unencrypted", _set("data-user-db", "storageEncrypted", False), "encryption-at-rest", ("prod", "dev")),
    ("rds-public", _set("data-user-db", "publiclyAccessible", True), "no-public-stateful-resources", ("prod", "dev")),
    ("rds-no-deletion-protection", _set("data-user-db", "deletionProtection", False), "stateful-resource-protection",
     ("prod",)),
    ("rds-backup-retention-40", _set("data-user-db", "backupRetentionPeriod", 40), "rds-instance-values",
     ("prod", "dev")),
    ("rds-engine-17-family-16", _set("data-user-db", "engineVersion", "17.2"), "rds-parameter-group-family",
     ("prod", "dev")),
    ("rds-no-performance-insights", _set("data-user-db", "performanceInsightsEnabled", False), "rds-observability",
     ("prod", "dev")),
    ("rds-no-log-exports", _set("data-user-db", "enabledCloudwatchLogsExports", []), "rds-observability",
     ("prod", "dev")),
    ("rds-no-minor-upgrades", _set("data-user-db", "autoMinorVersionUpgrade", False), "rds-maintenance",
     ("prod", "dev")),
    ("rds-backup-overlaps-maintenance", _edit("data-user-db", lambda i: i.update(
        backupWindow="03:00-04:00", maintenanceWindow="sun:03:30-sun:04:30")), "rds-instance-values",
     ("prod", "dev")),
    ("rds-max-storage-not-above", _set("data-user-db", "maxAllocatedStorage", 100), "rds-instance-values",
     ("prod",)),
    ("rds-no-master-password", _set("data-user-db", "manageMasterUserPassword", _DROP), "rds-instance-values",
     ("prod", "dev")),
    ("rds-no-username", _set("data-user-db", "username", _DROP), "rds-instance-values", ("prod", "dev")),
    ("rds-db-name-hyphen", _set("data-user-db", "dbName", "order-db"), "rds-instance-values", ("prod", "dev")),
    ("rds-gp3-iops-below-400-gib", _set("data-user-db", "iops", 12000), "rds-instance-values", ("prod", "dev")),
    ("rds-multi-az-with-az", _set("data-user-db", "availabilityZone", "us-east-1a"), "rds-instance-values",
     ("prod",)),
    ("rds-subnet-group-one-subnet", _keep_first("data-db-subnets", "subnetIds"), "rds-subnet-group-azs",
     ("prod", "dev")),
    ("rds-default-vpc", _set("data-user-db", "dbSubnetGroupName", _DROP), "rds-in-vpc", ("prod", "dev")),
    ("rds-plaintext-password", lambda plan: (_set("data-user-db", "manageMasterUserPassword", False)(plan),
                                             _set("data-user-db", "password", "long-enough-1")(plan)),
     "rds-managed-master-password", ("prod", "dev")),
    ("rds-force-ssl-off", _set("data-user-params", "parameters",
                               [{"applyMethod": "immediate", "name": "rds.force_ssl", "value": "0"},
                                {"applyMethod": "immediate", "name": "log_min_duration_statement", "value": "1000"}]),
     "encryption-in-transit", ("prod", "dev")),
    ("cache-no-tls", _set("data-cache-group", "transitEncryptionEnabled", False), "encryption-in-transit",
     ("prod", "dev")),
    ("cache-no-auth", _set("data-cache-group", "authToken", _DROP), "elasticache-auth", ("prod", "dev")),
    ("cache-no-snapshots", _set("data-cache-group", "snapshotRetentionLimit", 0), "stateful-resource-protection",
     ("prod",)),
    ("cache-unprotected", _unprotect("data-cache-group"), "stateful-resource-protection", ("prod",)),
    ("cache-no-subnet-group", _set("data-cache-group", "subnetGroupName", _DROP), "elasticache-in-vpc",
     ("prod", "dev")),
    ("cache-engine-5-with-slow-log", _set("data-cache-group", "engineVersion", "5.0.6"),
     "elasticache-replication-group-values", ("prod", "dev")),
    ("cache-snapshot-overlaps-maintenance", _edit("data-cache-group", lambda i: i.update(
        snapshotWindow="03:00-04:00", maintenanceWindow="sun:03:00-sun:04:00")),
     "elasticache-replication-group-values", ("prod", "dev")),
    ("cache-redis6-group-on-7", _set("data-cache-group", "parameterGroupName", "default.redis6.x"),
     "elasticache-parameter-group-family", ("prod", "dev")),
    ("cache-subnet-group-one-subnet", _keep_first("data-cache-subnets", "subnetIds"), "elasticache-subnet-group-azs",
     ("prod",)),
    ("msk-unauthenticated", _set("messaging-kafka-cluster", "clientAuthentication.unauthenticated", True),
     "msk-client-authentication", ("prod", "dev")),
    ("msk-plaintext", _set("messaging-kafka-cluster", "encryptionInfo.encryptionInTransit.clientBroker", "PLAINTEXT"),
     "encryption-in-transit", ("prod", "dev")),
    ("msk-no-broker-logs", _set("messaging-kafka-cluster", "loggingInfo", _DROP), "msk-broker-logging",
     ("prod", "dev")),
    ("msk-version-not-in-config", _set("messaging-kafka-cluster", "kafkaVersion", "3.9.x"),
     "msk-configuration-kafka-version", ("prod", "dev")),
    ("msk-old-kafka-version", _set("messaging-kafka-cluster", "kafkaVersion", "2.2.1"), "msk-cluster-values",
     ("prod", "dev")),
    ("msk-client-subnet-twice", _repeat_first("messaging-kafka-cluster", "brokerNodeGroupInfo.clientSubnets"),
     "msk-broker-count-multiple-of-subnets", ("prod", "dev")),
    ("msk-client-subnets-two-azs", _repeat_first("messaging-kafka-cluster", "brokerNodeGroupInfo.clientSubnets"),
     "msk-multi-az", ("prod",)),
    ("msk-min-insync-equals-factor", _msk_properties("default.replication.factor=3\nmin.insync.replicas=3\n"),
     "msk-replication-factor", ("prod",)),
    ("msk-factor-above-brokers", _msk_properties("default.replication.factor=3\nmin.insync.replicas=2\n"),
     "msk-replication-factor", ("dev",)),
    ("msk-unprotected", _unprotect("messaging-kafka-cluster"), "stateful-resource-protection", ("prod",)),
    ("mq-public", _set("messaging-mq-broker", "publiclyAccessible", True), "no-public-stateful-resources",
     ("prod", "dev")),
    ("mq-no-audit-log", _set("messaging-mq-broker", "logs.audit", False), "mq-broker-logging", ("prod", "dev")),
    ("mq-no-minor-upgrades", _set("messaging-mq-broker", "autoMinorVersionUpgrade", False),
     "mq-auto-minor-version-upgrade", ("prod", "dev")),
    ("mq-version-without-patch", _set("messaging-mq-broker", "engineVersion", "5.17"), "mq-broker-values",
     ("prod", "dev")),
    ("mq-unprotected", _unprotect("messaging-mq-broker"), "stateful-resource-protection", ("prod",)),
    ("efs-unencrypted", _set("data-efs-fs", "encrypted", False), "encryption-at-rest", ("prod", "dev")),
    ("efs-mount-target-missing", _drop_resource("data-efs-mt-1"), "efs-mount-target-per-az", ("prod", "dev")),
    ("efs-backup-disabled", _set("data-efs-backup", "backupPolicy.status", "DISABLED"), "efs-backup-enabled",
     ("prod", "dev")),
    ("efs-access-point-root", _set("data-efs-ap-inventory", "posixUser", _DROP), "efs-access-point-identity",
     ("prod", "dev")),
    ("efs-policy-allows-plain-nfs", _json("data-efs-policy", "policy",
                                          lambda d: d.update(Statement=d["Statement"][1:])),
     "encryption-in-transit", ("prod", "dev")),
    ("efs-unprotected", _unprotect("data-efs-fs"), "stateful-resource-protection", ("prod",)),
    ("sg-egress-all", _set("compute-gateway-to-https", "ipProtocol", "-1"), "no-unrestricted-egress",
     ("prod", "dev")),
    ("sg-rule-no-description", _set("network-endpoints-https", "description", _DROP), "security-group-descriptions",
     ("prod", "dev")),
    ("sg-rule-bad-cidr", _set("network-endpoints-https", "cidrIpv4", "10.0.0.0/33"), "security-group-values",
     ("prod", "dev")),
    ("sg-open-to-internet", _set("network-endpoints-https", "cidrIpv4", "0.0.0.0/0"), "no-open-ingress",
     ("prod", "dev")),
    ("sg-db-ingress-half-internet", lambda plan: (
        _set("compute-user-grant-user-database-proxy", "referencedSecurityGroupId", _DROP)(plan),
        _set("compute-user-grant-user-database-proxy", "cidrIpv4", "0.0.0.0/1")(plan)), "no-open-ingress", ("prod", "dev")),
    ("vpc-nat-none-with-private-subnets", _set("network-vpc", "natGateways.strategy", "None"), "awsx-vpc-values",
     ("prod", "dev")),
    ("vpc-subnets-overlap", _vpc_edit(lambda v: v["subnetSpecs"][1]["cidrBlocks"].__setitem__(0, v["cidrBlock"])),
     "awsx-vpc-values", ("prod", "dev")),
    ("vpc-subnet-outside-cidr", _vpc_edit(lambda v: v["subnetSpecs"][0]["cidrBlocks"].__setitem__(0, "10.9.0.0/22")),
     "awsx-vpc-values", ("prod", "dev")),
    ("vpc-az-of-another-region", _vpc_edit(lambda v: v["availabilityZoneNames"].__setitem__(1, "eu-west-1b")),
     "awsx-vpc-values", ("prod", "dev")),
    ("nacl-duplicate-rule-number", _edit("network-private-acl",
                                         lambda e: e["ingress"][1].update(ruleNo=e["ingress"][0]["ruleNo"])),
     "network-values", ("prod", "dev")),
    ("vpc-no-flow-log", _drop_resource("network-flow-log"), "vpc-flow-logs", ("prod", "dev")),
    ("vpc-default-sg-unmanaged", _drop_resource("network-default-sg"), "default-security-group-closed",
     ("prod", "dev")),
    ("nacl-allow-all", _set("network-private-acl", "ingress", [ALLOW_ALL_NACL]), "nacl-ingress-restricted",
     ("prod", "dev")),
    ("flow-log-interval-300", _set("network-flow-log", "maxAggregationInterval", 300), "network-values",
     ("prod", "dev")),
    ("iam-service-wildcard", _add_statement("compute-gateway-task-policy", "policy",
                                            {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::x/*"}),
     "iam-no-wildcard-actions", ("prod", "dev")),
    ("iam-secrets-on-star", _add_statement("compute-gateway-task-policy", "policy",
                                           {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
                                            "Resource": "*"}),
     "iam-no-wildcard-resources", ("prod", "dev")),
    ("iam-passrole-star", _add_statement("compute-gateway-task-policy", "policy",
                                         {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}),
     "iam-no-privilege-escalation", ("prod", "dev")),
    ("iam-admin-attached", _set("compute-lb-infra-policy", "policyArn", "arn:aws:iam::aws:policy/AdministratorAccess"),
     "iam-managed-policies", ("prod", "dev")),
    ("iam-trust-anyone", _json("compute-lb-infra-role", "assumeRolePolicy",
                               lambda d: d["Statement"][0].update(Principal={"AWS": "*"})),
     "iam-trust-policy", ("prod", "dev")),
    ("iam-partial-action-wildcard", _add_statement("compute-gateway-task-policy", "policy",
                                                   {"Effect": "Allow", "Action": ["s3:Get*", "s3:*Object"],
                                                    "Resource": "arn:aws:s3:::x/*"}),
     "iam-no-wildcard-actions", ("prod", "dev")),
    ("iam-passrole-any-role", _add_statement("compute-gateway-task-policy", "policy",
                                             {"Effect": "Allow", "Action": "iam:PassRole",
                                              "Resource": "arn:aws:iam::314159265358:role/*"}),
     "iam-no-wildcard-resources", ("prod", "dev")),
    ("iam-secrets-any-region-account", _add_statement("compute-gateway-task-policy", "policy",
                                                      {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
                                                       "Resource": "arn:aws:secretsmanager:*:*:secret:*"}),
     "iam-no-wildcard-resources", ("prod", "dev")),
    ("iam-allow-not-resource", _add_statement("compute-gateway-task-policy", "policy",
                                              {"Effect": "Allow", "Action": "s3:GetObject",
                                               "NotResource": "arn:aws:s3:::nothing/*"}),
     "iam-no-wildcard-resources", ("prod", "dev")),
    ("iam-action-without-service", _add_statement("compute-gateway-task-policy", "policy",
                                                  {"Effect": "Allow", "Action": "GetObject",
                                                   "Resource": "arn:aws:s3:::x/*"}),
     "iam-policy-documents", ("prod", "dev")),
    ("iam-trust-service-typo", _json("compute-lb-infra-role", "assumeRolePolicy", lambda d: d["Statement"][0].update(
        Principal={"Service": "apigateways.amazonaws.com"})),
     "iam-policy-documents", ("prod", "dev")),
    ("iam-trust-ecs-task-typo", _json("compute-gateway-task-role", "assumeRolePolicy",
                                      lambda d: d["Statement"][0].update(Principal={"Service": "ecs-task.amazonaws.com"})),
     "iam-policy-documents", ("prod", "dev")),
    ("iam-trust-malformed-service", _json("compute-gateway-task-role", "assumeRolePolicy",
                                          lambda d: d["Statement"][0].update(Principal={"Service": "ecs-tasks"})),
     "iam-policy-documents", ("prod", "dev")),
    ("iam-session-50000", _set("compute-lb-infra-role", "maxSessionDuration", 50000), "iam-policy-documents",
     ("prod", "dev")),
    ("iam-github-oidc-any-repo", _json("compute-lb-infra-role", "assumeRolePolicy", lambda d: d["Statement"][0].update(
        Principal={"Federated": "arn:aws:iam::314159265358:oidc-provider/token.actions.githubusercontent.com"},
        Action="sts:AssumeRoleWithWebIdentity",
        Condition={"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}})),
     "iam-trust-policy", ("prod", "dev")),
    ("kms-no-rotation", _set("observability-alarm-key", "enableKeyRotation", False), "kms-key-rotation",
     ("prod", "dev")),
    ("kms-window-3-days", _set("observability-alarm-key", "deletionWindowInDays", 3), "kms-values", ("prod", "dev")),
    ("kms-policy-without-admin", _json("observability-alarm-key", "policy",
                                       lambda d: d.update(Statement=d["Statement"][1:])),
     "kms-values", ("prod", "dev")),
    ("secret-policy-for-anyone", _add_secret_policy("data-cache-auth-secret", {
        "Effect": "Allow", "Principal": "*", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}),
     "secret-resource-policy", ("prod", "dev")),
    ("secret-name-with-space", _set("data-cache-auth-secret", "name", "cache auth token"), "aws-physical-names",
     ("prod", "dev")),
    ("secret-no-rotation-reason", _set("data-cache-auth-secret", "tags.rotation", _DROP), "secret-rotation",
     ("prod", "dev")),
    ("log-retention-1-day", _set("compute-gateway-logs", "retentionInDays", 1), "log-group-retention",
     ("prod", "dev")),
    ("log-retention-14-days-prod", _set("compute-gateway-logs", "retentionInDays", 14), "log-group-retention",
     ("prod",)),
    ("alarm-datapoints-above-periods", _set("observability-gateway-cpu", "datapointsToAlarm", 10),
     "cloudwatch-values", ("prod", "dev")),
    ("alarm-no-actions", _set("observability-gateway-cpu", "alarmActions", []), "metric-alarm-actions",
     ("prod", "dev")),
    ("sns-unencrypted", _set("observability-alarms", "kmsMasterKeyId", _DROP), "sns-topic-encryption",
     ("prod", "dev")),
    ("sns-policy-allows-plain-http", _json("observability-alarms-policy", "policy",
                                           lambda d: d.update(Statement=d["Statement"][:-1])),
     "sns-topic-policy", ("prod", "dev")),
    ("alarm-two-series-returned", _edit("observability-gateway-5xx",
                                        lambda i: i["metricQueries"][0].update(returnData=True)),
     "cloudwatch-values", ("prod", "dev")),
    ("fis-unknown-action", _edit("chaos-user-db-failover",
                                 lambda i: i["actions"][0].update(actionId="aws:rds:reboot-db-instance")),
     "fis-experiment-values", ("prod",)),
    ("fis-no-stop-condition", _set("chaos-user-db-failover", "stopConditions", [{"source": "none"}]),
     "fis-stop-conditions", ("prod",)),
    ("budget-no-subscribers", _set("budget-monthly", "notifications", []), "budget-notifications", ("prod", "dev")),
    ("budget-zero-limit", _set("budget-monthly", "limitAmount", "0"), "budget-values", ("prod", "dev")),
]

CASES = [pytest.param(stack, mutate, policy, id=f"{stack}-{mid}")
         for mid, mutate, policy, stacks in MISTAKES for stack in stacks]


def _anomaly_band(name: str) -> Callable[[dict], None]:
    """Turn metric alarm ``name`` into an anomaly-detection alarm: a metric and its band, both returning data."""
    def edit(inputs: dict) -> None:
        metric = {"metricName": inputs.pop("metricName"), "namespace": inputs.pop("namespace"),
                  "period": inputs.pop("period"), "stat": inputs.pop("statistic"),
                  "dimensions": inputs.pop("dimensions", {})}
        inputs.pop("threshold", None)
        inputs.update(comparisonOperator="LessThanLowerOrGreaterThanUpperThreshold", thresholdMetricId="ad1",
                      metricQueries=[{"id": "m1", "returnData": True, "metric": metric},
                                     {"id": "ad1", "expression": "ANOMALY_DETECTION_BAND(m1, 2)",
                                      "returnData": True}])
    return _edit(name, edit)


# Variants AWS accepts that must not turn into a mandatory finding: (id, mutation, stacks).
ACCEPTED = [
    ("iam-deny-not-resource", _add_statement("compute-gateway-task-policy", "policy",
                                             {"Effect": "Deny", "Action": "s3:DeleteObject",
                                              "NotResource": "arn:aws:s3:::nothing/*"}), ("prod", "dev")),
    ("nacl-private-range", _edit("network-private-acl", lambda i: i["ingress"][0].update(cidrBlock="10.0.0.0/8")),
     ("prod", "dev")),
    ("cache-default-group-of-its-family", _edit("data-cache-group", lambda i: i.update(
        parameterGroupName=f"default.{'valkey' if i.get('engine') == 'valkey' else 'redis'}"
                           f"{str(i['engineVersion']).split('.')[0]}")), ("prod", "dev")),
    ("rds-backup-before-maintenance", _edit("data-user-db", lambda i: i.update(
        backupWindow="03:00-04:00", maintenanceWindow="sun:04:00-sun:04:30")), ("prod", "dev")),
    ("cache-snapshot-apart-from-maintenance", _edit("data-cache-group", lambda i: i.update(
        snapshotWindow="05:00-06:00", maintenanceWindow="sun:23:00-mon:00:30")), ("prod", "dev")),
    *[(f"fis-{aid.split(':')[1]}-action", _edit("chaos-order-db-failover",
                                                lambda i, aid=aid: i["actions"][0].update(actionId=aid)), ("prod",))
      for aid in ("aws:elasticache:replicationgroup-interrupt-az-power", "aws:ebs:pause-volume-io",
                  "aws:eks:pod-network-latency")],
    *[(f"iam-trust-{who.split('.')[0]}", _json("compute-gateway-task-role", "assumeRolePolicy",
                                               lambda d, who=who: d["Statement"][0].update(Principal={"Service": who})),
       ("prod", "dev"))
      for who in ("pipes.amazonaws.com", "sagemaker.amazonaws.com", "logs.us-east-1.amazonaws.com")],
    ("alarm-anomaly-detection-band", _anomaly_band("observability-gateway-cpu"), ("prod", "dev")),
]

ACCEPTED_CASES = [pytest.param(stack, mutate, id=f"{stack}-{aid}")
                  for aid, mutate, stacks in ACCEPTED for stack in stacks]


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_committed_plans_pass(stack):
    assert mandatory(evaluate(plan_for(stack), stack)) == set()


@pytest.mark.parametrize("stack,mutate,policy", CASES)
def test_mistake_is_caught(stack, mutate, policy):
    plan = copy.deepcopy(plan_for(stack))
    mutate(plan)
    caught = {p for p, _ in mandatory(evaluate(plan, stack))}
    assert policy in caught, f"not caught by {policy}; mandatory findings: {sorted(caught)}"


@pytest.mark.parametrize("stack,mutate", ACCEPTED_CASES)
def test_accepted_variant_passes(stack, mutate):
    plan = copy.deepcopy(plan_for(stack))
    mutate(plan)
    assert mandatory(evaluate(plan, stack)) == set()


@pytest.mark.heavy
def test_one_mistake_through_the_real_pack(tmp_path):
    """End to end over gRPC (preflight.analyzer): a missing EFS mount target fails the prod plan."""
    from preflight import analyzer

    from pack_inproc import ROOT

    plan = copy.deepcopy(plan_for("prod"))
    _drop_resource("data-efs-mt-2")(plan)
    result = analyzer.run_policy_pack(plan, ROOT / "policies" / "config" / "prod.json",
                                      policy_dir=ROOT / "policies")
    hits = [v for v in result["violations"] if v["policy"] == "efs-mount-target-per-az"]
    assert hits and hits[0]["level"] == "mandatory"
