"""Keys, topics and queues admit the services and roles that use them (rules/wiring_keys.py,
support/key_policies.py, facts/key_users.py).  Violating, compliant and first-preview cases on small plans,
mistakes nobody wrote a rule test for, then the recorded plans."""

from __future__ import annotations

import copy
import json

import pytest

from test_policies_support import U_STR, check_stack, urn

from conftest import plan_for, preview_plan_for
from pack_inproc import evaluate, find, mutated
from platform_policies.rules import wiring_keys as rules

KEYS, POLICIES, SECRETS, BUCKETS, UNDECIDED = (
    rules.validate_key_policy_admits_services, rules.validate_topic_and_queue_policies,
    rules.validate_execution_role_decrypts_secrets, rules.validate_log_bucket_encryption,
    rules.validate_key_wiring_undecided)
KEY = "aws:kms/key:Key"
ACCOUNT = "123456789012"
ROOT = {"Sid": "Account", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Action": "kms:*", "Resource": "*"}
LOGS = {"Sid": "Logs", "Effect": "Allow", "Principal": {"Service": "logs.us-east-1.amazonaws.com"},
        "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        "Resource": "*",
        "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn":
                                  f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/app/*"}}}


def service_statement(principal: str, actions=("kms:Decrypt", "kms:GenerateDataKey*")) -> dict:
    return {"Effect": "Allow", "Principal": {"Service": principal}, "Action": list(actions), "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}


def res(type_, name, props, **deps) -> dict:
    return {"type": type_, "name": name, "props": props,
            "deps": {k: [urn(*v) for v in vs] for k, vs in deps.items()}}


def key(*statements, name="key") -> dict:
    policy = U_STR if statements == (U_STR,) else json.dumps({"Version": "2012-10-17",
                                                                 "Statement": [ROOT, *statements]})
    return res(KEY, name, {"description": "k", "policy": policy} if statements != (None,) else {"description": "k"})


def messages(validator, resources) -> list[tuple[str, str]]:
    return [(m, u.split("::")[-1]) for m, u in check_stack(validator, copy.deepcopy(resources))]


# ---- log groups -------------------------------------------------------------------------------------------------

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def log_group(name="/app/orders", kms=f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k", from_key=True) -> dict:
    return res(LOG_GROUP, "logs", {"name": name, "kmsKeyId": kms, "retentionInDays": 30},
               **({"kmsKeyId": [(KEY, "key")]} if from_key else {}))


def test_a_log_group_key_admits_cloudwatch_logs_of_its_region():
    assert messages(KEYS, [key(LOGS), log_group()]) == []
    (found,) = messages(KEYS, [key(), log_group()])
    assert found[1] == "key" and "logs.us-east-1.amazonaws.com" in found[0] and "CloudWatch Logs" in found[0]


def test_a_log_group_key_without_the_regional_principal_or_actions_is_refused():
    global_principal = {**LOGS, "Principal": {"Service": "logs.amazonaws.com"}}
    assert messages(KEYS, [key(global_principal), log_group()])
    too_few = {**LOGS, "Action": ["kms:Encrypt", "kms:Decrypt"]}
    (found,) = messages(KEYS, [key(too_few), log_group()])
    assert "kms:GenerateDataKey" in found[0] and "kms:ReEncryptFrom" in found[0]


def test_the_encryption_context_must_name_the_log_group():
    (found,) = messages(KEYS, [key(LOGS), log_group(name="/other/orders")])
    assert "log-group:/other/orders" in found[0]


def test_a_key_without_a_policy_admits_no_service():
    (found,) = messages(KEYS, [key(None), log_group()])
    assert "has no key policy" in found[0]


def test_a_policy_unknown_at_a_first_preview_is_advisory_and_a_missing_one_is_decided():
    preview = [key(U_STR), log_group(kms=U_STR)]
    assert messages(KEYS, preview) == []
    (found,) = messages(UNDECIDED, preview)
    assert "judged on the update" in found[0]
    # the key has no policy at all: the graph decides even while the key's ARN is unknown
    assert messages(KEYS, [key(None), log_group(kms=U_STR)])


def test_a_key_from_outside_the_stack_is_advisory():
    outside = [log_group(from_key=False, kms="arn:aws:kms:us-east-1:210987654321:key/other")]
    assert messages(KEYS, outside) == []
    assert len(messages(UNDECIDED, outside)) == 1


# ---- topics: keys and topic policies ----------------------------------------------------------------------------

TOPIC, TOPIC_POLICY = "aws:sns/topic:Topic", "aws:sns/topicPolicy:TopicPolicy"
TOPIC_ARN = f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts"


def topic(kms=f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k") -> dict:
    return res(TOPIC, "topic", {"name": "alerts", **({"kmsMasterKeyId": kms} if kms else {})},
               **({"kmsMasterKeyId": [(KEY, "key")]} if kms and "alias/aws" not in kms else {}))


def topic_policy(*principals) -> dict:
    statements = [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sns:Publish",
                   "Resource": TOPIC_ARN}]
    statements += [{"Effect": "Allow", "Principal": {"Service": p}, "Action": "SNS:Publish", "Resource": TOPIC_ARN}
                   for p in principals]
    return res(TOPIC_POLICY, "topic-policy", {"arn": TOPIC_ARN, "policy": json.dumps(
        {"Version": "2012-10-17", "Statement": statements})}, arn=[(TOPIC, "topic")])


def budget(arn=TOPIC_ARN) -> dict:
    return res("aws:budgets/budget:Budget", "budget", {"name": "monthly", "notifications": [
        {"subscriberSnsTopicArns": [arn], "threshold": 80}]}, notifications=[(TOPIC, "topic")])


def event_target(arn=TOPIC_ARN) -> dict:
    return res("aws:cloudwatch/eventTarget:EventTarget", "target", {"rule": "deploys", "arn": arn},
               arn=[(TOPIC, "topic")])


def alarm() -> dict:
    return res("aws:cloudwatch/metricAlarm:MetricAlarm", "alarm", {"alarmActions": [TOPIC_ARN]},
               alarmActions=[(TOPIC, "topic")])


def test_an_eventbridge_topic_key_and_policy_admit_eventbridge():
    good = [key(service_statement("events.amazonaws.com")), topic(), topic_policy("events.amazonaws.com"),
            event_target()]
    for v in (KEYS, POLICIES, UNDECIDED):
        assert messages(v, good) == []
    (found,) = messages(KEYS, [key(), *good[1:]])
    assert "events.amazonaws.com" in found[0] and "EventBridge target target" in found[0]
    (found,) = messages(POLICIES, [good[0], good[1], topic_policy(), good[3]])
    assert found[1] == "topic" and "events.amazonaws.com SNS:Publish" in found[0]


def test_an_eventbridge_topic_with_the_default_policy_is_refused_an_alarm_topic_is_not():
    (found,) = messages(POLICIES, [key(service_statement("events.amazonaws.com")), topic(), event_target()])
    assert "default topic policy" in found[0]
    assert messages(POLICIES, [topic(kms=None), alarm()]) == []  # same-account alarms publish by default
    (found,) = messages(POLICIES, [topic(kms=None), alarm(), topic_policy()])  # a custom policy must name them
    assert "cloudwatch.amazonaws.com" in found[0]
    assert messages(POLICIES, [topic(kms=None), alarm(), topic_policy("cloudwatch.amazonaws.com")]) == []


def test_budget_and_alarm_topics_are_left_to_their_own_rules():
    """budget-topic-accepts-alerts and alarm-actions-reach judge these keys: no second report."""
    plan = [key(), topic(), budget(), alarm()]
    assert messages(KEYS, plan) == [] and messages(POLICIES, plan) == []


def test_an_aws_managed_topic_key_cannot_admit_eventbridge():
    (found,) = messages(KEYS, [topic(kms="alias/aws/sns"), topic_policy("events.amazonaws.com"), event_target()])
    assert found[1] == "topic" and "alias/aws/sns" in found[0]


def test_a_first_preview_finds_the_target_topic_from_the_graph():
    preview = [key(service_statement("events.amazonaws.com")), topic(kms=U_STR), event_target(arn=U_STR)]
    (found,) = messages(POLICIES, preview)  # no topic policy in the plan at all: decided
    assert "default topic policy" in found[0]
    unknown_policy = [*preview, {**topic_policy(), "props": {"arn": U_STR, "policy": U_STR}}]
    assert messages(POLICIES, unknown_policy) == []
    assert "judged on the update" in messages(UNDECIDED, unknown_policy)[0][0]


# ---- queues ------------------------------------------------------------------------------------------------------

QUEUE, QUEUE_POLICY = "aws:sqs/queue:Queue", "aws:sqs/queuePolicy:QueuePolicy"


def queue() -> dict:
    return res(QUEUE, "queue", {"name": "orders", "kmsMasterKeyId": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k"},
               kmsMasterKeyId=[(KEY, "key")])


def queue_policy(principal) -> dict:
    return res(QUEUE_POLICY, "queue-policy", {"queueUrl": "https://sqs/orders", "policy": json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": principal},
                                                "Action": "sqs:SendMessage", "Resource": "*"}]})},
               queueUrl=[(QUEUE, "queue")])


def test_an_eventbridge_target_queue_admits_eventbridge():
    target = res("aws:cloudwatch/eventTarget:EventTarget", "target", {"rule": "r", "arn": U_STR},
                 arn=[(QUEUE, "queue")])
    good = [key(service_statement("events.amazonaws.com")), queue(), queue_policy("events.amazonaws.com"), target]
    assert messages(KEYS, good) == [] and messages(POLICIES, good) == []
    assert [u for _, u in messages(KEYS, [key(), *good[1:]])] == ["key"]
    assert [u for _, u in messages(POLICIES, [good[0], good[1], target])] == ["queue"]


def test_an_sns_subscription_to_an_encrypted_queue_needs_sns_in_the_key():
    sub = res("aws:sns/topicSubscription:TopicSubscription", "sub", {"protocol": "sqs", "endpoint": U_STR,
                                                                    "topic": TOPIC_ARN},
              endpoint=[(QUEUE, "queue")])
    plan = [key(), queue(), queue_policy("sns.amazonaws.com"), topic(kms=None), sub]
    (found,) = messages(KEYS, plan)
    assert "sns.amazonaws.com" in found[0]
    assert messages(KEYS, [key(service_statement("sns.amazonaws.com")), *plan[1:]]) == []


# ---- secrets of a task -------------------------------------------------------------------------------------------

TASK, SECRET, ROLE = "aws:ecs/taskDefinition:TaskDefinition", "aws:secretsmanager/secret:Secret", "aws:iam/role:Role"


def task_with_secret(role_statements=None, key_statements=(), secret_kms=True) -> list[dict]:
    secret = res(SECRET, "secret", {"kmsKeyId": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k"} if secret_kms else {},
                 **({"kmsKeyId": [(KEY, "key")]} if secret_kms else {}))
    role = res(ROLE, "exec", {"assumeRolePolicy": "{}"})
    task = res(TASK, "task", {"family": "t", "containerDefinitions": U_STR, "executionRoleArn": U_STR},
               containerDefinitions=[(SECRET, "secret")], executionRoleArn=[(ROLE, "exec")])
    out = [key(*key_statements), secret, role, task]
    if role_statements is not None:
        out.append(res("aws:iam/rolePolicy:RolePolicy", "exec-policy", {"role": "exec", "policy": json.dumps(
            {"Version": "2012-10-17", "Statement": role_statements}) if role_statements != U_STR else U_STR},
            role=[(ROLE, "exec")], policy=[(KEY, "key"), (SECRET, "secret")]))
    return out


DECRYPT = {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k"}
READ = {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "arn:secret"}


def test_the_execution_role_decrypts_a_secret_on_a_customer_managed_key():
    assert messages(SECRETS, task_with_secret([READ, DECRYPT])) == []
    (found,) = messages(SECRETS, task_with_secret([READ]))
    assert found[1] == "exec" and "grant no kms:Decrypt" in found[0] and "ResourceInitializationError" in found[0]
    assert messages(SECRETS, task_with_secret([READ], secret_kms=False)) == []  # aws/secretsmanager


def test_a_key_policy_without_the_account_statement_must_name_the_role():
    no_root = task_with_secret([READ, DECRYPT])
    no_root[0]["props"]["policy"] = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/admin"}, "Action": "kms:*",
         "Resource": "*"}]})
    (found,) = messages(SECRETS, no_root)
    assert "neither names the role" in found[0]


def test_a_role_policy_unknown_at_a_first_preview_is_advisory():
    preview = task_with_secret(U_STR)
    assert messages(SECRETS, preview) == []
    assert len(messages(UNDECIDED, preview)) == 1


# ---- log buckets -------------------------------------------------------------------------------------------------

BUCKET, SSE = "aws:s3/bucket:Bucket", \
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"


def sse(algorithm, kms=None, bucket_key=False) -> dict:
    default = {"sseAlgorithm": algorithm, **({"kmsMasterKeyId": kms} if kms else {})}
    return res(SSE, "logs-sse", {"bucket": "logs", "rules": [
        {"applyServerSideEncryptionByDefault": default, "bucketKeyEnabled": bucket_key}]},
        bucket=[(BUCKET, "logs")], **({"rules": [(KEY, "key")]} if kms else {}))


def test_server_access_logs_need_an_sse_s3_target():
    logging = res("aws:s3/bucketLogging:BucketLogging", "access-logs", {"bucket": "data", "targetBucket": "logs"},
                  targetBucket=[(BUCKET, "logs")])
    assert messages(BUCKETS, [res(BUCKET, "logs", {}), sse("AES256"), logging]) == []
    (found,) = messages(BUCKETS, [res(BUCKET, "logs", {}), sse("aws:kms"), logging])
    assert found[1] == "logs" and "server access logging does not support" in found[0]


def test_cloudfront_standard_logs_need_a_key_cloudfront_may_use():
    cdn = res("aws:cloudfront/distribution:Distribution", "cdn", {"loggingConfig": {"bucket": "logs.s3"}},
              loggingConfig=[(BUCKET, "logs")])
    (found,) = messages(BUCKETS, [res(BUCKET, "logs", {}), sse("aws:kms"), cdn])
    assert "AWS managed key aws/s3" in found[0]
    kms = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k"
    delivery = service_statement("delivery.logs.amazonaws.com", ("kms:GenerateDataKey*",))
    assert messages(KEYS, [key(delivery), res(BUCKET, "logs", {}), sse("aws:kms", kms), cdn]) == []
    (found,) = messages(KEYS, [key(delivery), res(BUCKET, "logs", {}), sse("aws:kms", kms, bucket_key=True), cdn])
    assert "kms:Decrypt" in found[0]  # an S3 Bucket Key needs kms:Decrypt too
    assert messages(KEYS, [key(), res(BUCKET, "logs", {}), sse("aws:kms", kms), cdn])


# ---- the recorded plans ------------------------------------------------------------------------------------------

OWN = {"key-policy-admits-services", "topic-and-queue-policies-admit-publishers", "execution-role-decrypts-secrets",
       "log-bucket-encryption-supported", "key-wiring-undecided"}


def _ours(plan: dict, stack: str = "prod") -> list[tuple[str, str, str]]:
    return [(v["policy"], v["level"], v["urn"].split("::")[-1]) for v in evaluate(plan, stack)
            if v["policy"] in OWN]


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_the_committed_plans_pass(stack):
    assert _ours(plan_for(stack), stack) == []


def test_a_first_preview_of_prod_leaves_only_the_topic_policy_to_the_update():
    found = _ours(preview_plan_for("prod"))
    assert found == [("key-wiring-undecided", "advisory", "observability-alarms")], found


def _policy_without(name: str, key_: str, sid: str):
    def edit(plan: dict) -> None:
        inputs = find(plan, name=name)["inputs"]
        doc = json.loads(inputs[key_])
        doc["Statement"] = [s for s in doc["Statement"] if s.get("Sid") != sid]
        inputs[key_] = json.dumps(doc)
    return edit


def _encrypt_a_log_group(plan: dict) -> None:
    """The gateway's log group on the alarm topic's key, whose policy knows nothing of CloudWatch Logs."""
    key_ = find(plan, name="observability-alarm-key")
    group = find(plan, name="compute-gateway-logs")
    group["inputs"]["kmsKeyId"] = "arn:aws:kms:us-east-1:314159265358:key/c1a07c3c-3f53-39c4-aa38-50d46a08e38e"
    group["propertyDependencies"] = {**group.get("propertyDependencies", {}), "kmsKeyId": [key_["urn"]]}


def _deploy_events_to_the_alarm_topic(plan: dict) -> None:
    """An EventBridge rule sends ECS deployment events to the alarm topic; nobody told the topic or its key."""
    topic_ = find(plan, name="observability-alarms")
    base = topic_["urn"].rsplit("::", 2)[0]
    plan["resources"].append({
        "urn": base + "::aws:cloudwatch/eventTarget:EventTarget::deploy-events", "name": "deploy-events",
        "type": "aws:cloudwatch/eventTarget:EventTarget", "parent": topic_.get("parent"),
        "inputs": {"rule": "ecs-deployments", "arn": "arn:aws:sns:us-east-1:314159265358:microservices-prod-alarms"},
        "propertyDependencies": {"arn": [topic_["urn"]]}, "dependencies": [topic_["urn"]]})


@pytest.mark.parametrize("edit,expected", [
    (_deploy_events_to_the_alarm_topic, ("key-policy-admits-services", "observability-alarm-key")),
    (_deploy_events_to_the_alarm_topic, ("topic-and-queue-policies-admit-publishers", "observability-alarms")),
    (_policy_without("observability-alarms-policy", "policy", "CloudWatchAlarmsPublish"),
     ("topic-and-queue-policies-admit-publishers", "observability-alarms")),
    (_encrypt_a_log_group, ("key-policy-admits-services", "observability-alarm-key")),
], ids=["eventbridge-key", "eventbridge-topic-policy", "topic-policy-forgets-alarms", "log-group-on-alarm-key"])
def test_mistakes_in_the_prod_plan_are_refused(edit, expected):
    plan = mutated(plan_for("prod"), lambda p: edit(p))
    found = {(p, u) for p, level, u in _ours(plan) if level == "mandatory"}
    assert expected in found, found
