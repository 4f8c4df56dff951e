"""Keys, topics and queues admit the AWS services and roles the plan makes use them.

A key policy, topic policy or queue policy accepts any statement, so a log group encrypted with a key CloudWatch
Logs may not use, a topic whose policy forgets the EventBridge rule that targets it, or a secret whose key the
task execution role cannot decrypt all pass ``pulumi up`` (or fail half-way) and then stay silent.  Who must be
admitted, with which actions, is in facts/key_users.py with its sources; the users are found from the graph (a
log group's ``kmsKeyId``, the alarms, budgets, event targets, bucket notifications and subscriptions that name a
topic or queue, the buckets services deliver logs to, the secrets a task definition reads).

* ``key-policy-admits-services`` (stack): a customer managed key lets the service principal that encrypts or
  publishes for the stack use it, and no such service is pointed at an AWS managed key it cannot use;
* ``topic-and-queue-policies-admit-publishers`` (stack): the topic or queue policy lets each publishing service
  ``SNS:Publish`` / ``sqs:SendMessage``;
* ``execution-role-decrypts-secrets`` (stack): a task's execution role may ``kms:Decrypt`` with the customer
  managed key of each secret the task reads at start;
* ``log-bucket-encryption-supported`` (stack): a bucket that receives S3 server access logs is not SSE-KMS, and
  a CloudFront logging bucket does not use the AWS managed key;
* ``key-wiring-undecided`` (stack, advisory): the uses the plan cannot judge (a key or policy from outside the
  stack, a policy unknown at a first preview).

Whether CloudWatch may use an alarm topic's key is ``alarm-actions-reach``'s to say (rules/cloudwatch_alarms.py);
a budget's topic policy and key are ``budget-topic-accepts-alerts``'s (rules/budgets.py).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Optional

from pulumi_policy import Severity

from ..facts.key_users import (BUDGETS, CLOUDWATCH, EVENTS, LOG_DELIVERY_BUCKET_KEY_ACTIONS, LOG_DELIVERY_KEY_ACTIONS,
                               LOG_DELIVERY_PRINCIPAL, LOGS_CONTEXT_KEY, LOGS_KEY_ACTIONS, LOGS_PRINCIPAL,
                               PUBLISH_KEY_ACTIONS, QUEUE_POLICY_NEEDED, RDS_EVENTS, S3, SNS, TOPIC_POLICY_NEEDED)
from ..facts.partitions import partition_of
from ..rule import ADVISORY, DEPLOYABILITY, MANDATORY, WHOLE_STACK, rule
from ..support.graph import producer, producers, region_of, stack_region
from ..support.key_policies import (KeyRef, account_delegates, key_policy, key_ref, names_principal,
                                    resolve_key, service_admitted, stack_account)
from ..support.per_request import once_per_request
from ..support.policy_documents import listify, statements
from ..support.props import as_bool, as_list, as_str, get, is_unknown, parse_json
from ..support.report import report_findings

TOPIC, TOPIC_POLICY = "aws:sns/topic:Topic", "aws:sns/topicPolicy:TopicPolicy"
QUEUE, QUEUE_POLICY = "aws:sqs/queue:Queue", "aws:sqs/queuePolicy:QueuePolicy"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
BUDGET = "aws:budgets/budget:Budget"
EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget"
BUCKET_NOTIFICATION = "aws:s3/bucketNotification:BucketNotification"
RDS_EVENT_SUBSCRIPTION = "aws:rds/eventSubscription:EventSubscription"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
TASK_DEFINITION, SECRET = "aws:ecs/taskDefinition:TaskDefinition", "aws:secretsmanager/secret:Secret"
ROLE, ROLE_POLICY = "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy"
ATTACHMENT, MANAGED_POLICY = "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/policy:Policy"
BUCKET_TYPES = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
BUCKET_SSE_TYPES = ("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2")
BUCKET_LOGGING_TYPES = ("aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2")
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
WAF_LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"

VIOLATION, UNDECIDED = "violation", "undecided"
# Topic publishers whose use of the topic's key other rules judge: alarm-actions-reach (CloudWatch) and
# budget-topic-accepts-alerts (AWS Budgets, which also judges the topic policy).
OTHER_RULES = (CLOUDWATCH, BUDGETS)
Finding = tuple[str, str, str]  # (VIOLATION or UNDECIDED, URN, message)


@dataclass(frozen=True)
class Use:
    """A service (or role) the plan makes use a target: who, why, and the resource that does it."""

    principal: str
    what: str      # "AWS Budgets (budget-monthly)"
    source: Any


# ---- who publishes to which topic or queue ---------------------------------------------------------------------

def _by_name(resources: list, kind: str) -> dict:
    return {as_str(get(r.props, "name")): r for r in resources if r.resource_type == kind
            and isinstance(as_str(get(r.props, "name")), str)}


def _targets(r: Any, prop: str, arns: Any, kind: str, named: dict) -> list:
    """The topics or queues of the plan ``prop`` names: built from them, or named by a known ARN (by name)."""
    found = {d.urn: d for d in producers(r, prop, kind)}
    for arn in arns if isinstance(arns, list) else []:
        if isinstance(arn, str) and arn.rsplit(":", 1)[-1] in named:
            target = named[arn.rsplit(":", 1)[-1]]
            found[target.urn] = target
    return list(found.values())


def publishers(resources: list) -> dict[str, list[Use]]:
    """Topic or queue URN -> the services the plan makes publish to it."""
    topics, queues = _by_name(resources, TOPIC), _by_name(resources, QUEUE)
    out: dict[str, list[Use]] = {}

    def add(targets: list, principal: str, what: str, source: Any) -> None:
        for t in targets:
            out.setdefault(t.urn, []).append(Use(principal, what, source))

    for r in resources:
        t = r.resource_type
        if t == ALARM:
            for key in ("alarmActions", "okActions", "insufficientDataActions"):
                arns = as_list(get(r.props, key))
                add(_targets(r, key, arns, TOPIC, topics), CLOUDWATCH, f"CloudWatch alarm {r.name}", r)
        elif t == BUDGET:
            arns = [a for n in (as_list(get(r.props, "notifications")) or []) if not is_unknown(n)
                    for a in (as_list(get(n, "subscriberSnsTopicArns")) or []) if not is_unknown(a)]
            add(_targets(r, "notifications", arns, TOPIC, topics), BUDGETS, f"AWS Budgets ({r.name})", r)
        elif t == EVENT_TARGET:
            arn = [as_str(get(r.props, "arn"))]
            add(_targets(r, "arn", arn, TOPIC, topics) + _targets(r, "arn", arn, QUEUE, queues), EVENTS,
                f"EventBridge target {r.name}", r)
        elif t == BUCKET_NOTIFICATION:
            add(_targets(r, "topics", [], TOPIC, topics) + _targets(r, "queues", [], QUEUE, queues), S3,
                f"S3 event notifications ({r.name})", r)
        elif t == RDS_EVENT_SUBSCRIPTION:
            add(_targets(r, "snsTopic", [as_str(get(r.props, "snsTopic"))], TOPIC, topics), RDS_EVENTS,
                f"RDS event subscription {r.name}", r)
        elif t == SUBSCRIPTION and as_str(get(r.props, "protocol")) == "sqs":
            add(_targets(r, "endpoint", [as_str(get(r.props, "endpoint"))], QUEUE, queues), SNS,
                f"SNS subscription {r.name}", r)
    return out


def _uses(uses: list[Use]) -> dict[str, list[Use]]:
    grouped: dict[str, list[Use]] = {}
    for u in uses:
        grouped.setdefault(u.principal, []).append(u)
    return grouped


def _shown(uses: list[Use]) -> str:
    names = sorted({u.what for u in uses})
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


# ---- keys admit the services -------------------------------------------------------------------------------------

def _key_findings(target: Any, ref: Optional[KeyRef], principal: str, actions: tuple, why: str,
                  resources: list, managed_ok: bool = False, context: Optional[str] = None) -> Iterator[Finding]:
    if ref is None:
        return
    if ref.managed:
        if not managed_ok:
            yield VIOLATION, target.urn, (f"{target.name} is encrypted with the AWS managed key {ref.managed}, whose "
                                          f"policy cannot be changed to admit {principal}: {why} cannot use it. "
                                          f"Use a customer managed key whose policy admits {principal}")
        return
    if ref.foreign:
        yield UNDECIDED, target.urn, (f"{target.name}'s key is not a key of the stack: whether it admits {principal} "
                                      f"({why}) is not judged")
        return
    document = key_policy(ref.key, resources)
    if is_unknown(document):
        yield UNDECIDED, ref.key.urn, (f"Key {ref.key.name}'s policy is not known yet: whether it admits "
                                       f"{principal} for {target.name} ({why}) is judged on the update")
        return
    missing = list(actions) if document is None else service_admitted(
        document, principal, actions, context_key=LOGS_CONTEXT_KEY if context else None, context_value=context)
    if missing:
        policy = "has no key policy (the default admits no service)" if document is None else \
            f"policy does not let {principal} {', '.join(missing)}"
        scoped = f" for {context}" if context and document is not None else ""
        yield VIOLATION, ref.key.urn, (f"Key {ref.key.name} {policy}{scoped}, but {why} needs it to encrypt "
                                       f"{target.name}")


def _log_group_findings(resources: list) -> Iterator[Finding]:
    default_region, account = stack_region(resources), stack_account(resources)
    for lg in (r for r in resources if r.resource_type == LOG_GROUP):
        ref = key_ref(lg, "kmsKeyId", resources)
        if ref is None:
            continue
        region = region_of(lg) or default_region
        known = isinstance(region, str) and not is_unknown(region)
        name = as_str(get(lg.props, "name"))
        arn = (f"arn:{partition_of(region)}:logs:{region}:{account}:log-group:{name}"
               if known and isinstance(name, str) and account else None)
        region = region if known else "*"  # any region's CloudWatch Logs principal, when the plan does not say
        yield from _key_findings(lg, ref, LOGS_PRINCIPAL.format(region=region), LOGS_KEY_ACTIONS,
                                 "CloudWatch Logs", resources, context=arn)


def _publisher_key_findings(resources: list) -> Iterator[Finding]:
    uses = publishers(resources)
    for target in (r for r in resources if r.resource_type in (TOPIC, QUEUE) and r.urn in uses):
        ref = key_ref(target, "kmsMasterKeyId", resources)
        for principal, group in _uses(uses[target.urn]).items():
            if principal in OTHER_RULES and target.resource_type == TOPIC:
                continue
            yield from _key_findings(target, ref, principal, PUBLISH_KEY_ACTIONS, _shown(group), resources)


def _sse(bucket: Any, resources: list) -> list[tuple[Any, Any, Any]]:
    """(algorithm, key input owner, bucket key enabled) of a bucket's default encryption rules."""
    rules = []
    for r in resources:
        if r.resource_type in BUCKET_SSE_TYPES and any(d.urn == bucket.urn for d in producers(r, "bucket")):
            for i, rule_ in enumerate(as_list(get(r.props, "rules")) or []):
                rules.append((as_str(get(rule_, "applyServerSideEncryptionByDefault.sseAlgorithm")), r,
                              get(rule_, "applyServerSideEncryptionByDefault.kmsMasterKeyId"),
                              as_bool(get(rule_, "bucketKeyEnabled"), False) is True))
    return [(algo, owner, (key, bucket_key)) for algo, owner, key, bucket_key in rules]


def _delivery_buckets(resources: list) -> list[tuple[Any, str]]:
    """(bucket, who delivers to it) for the vended logs the plan sends to S3."""
    out = []
    for r in resources:
        if r.resource_type == DISTRIBUTION:
            out += [(b, f"CloudFront standard logging of {r.name}")
                    for b in producers(r, "loggingConfig", *BUCKET_TYPES)]
        elif r.resource_type == FLOW_LOG and as_str(get(r.props, "logDestinationType")) == "s3":
            out += [(b, f"VPC flow log {r.name}") for b in producers(r, "logDestination", *BUCKET_TYPES)]
        elif r.resource_type == WAF_LOGGING:
            out += [(b, f"WAF logging {r.name}") for b in producers(r, "logDestinationConfigs", *BUCKET_TYPES)]
    return out


def _bucket_key_findings(resources: list) -> Iterator[Finding]:
    for bucket, who in _delivery_buckets(resources):
        for algo, owner, (key, bucket_key) in _sse(bucket, resources):
            if algo not in ("aws:kms", "aws:kms:dsse") or key is None:
                continue  # SSE-S3, or the AWS managed key (log-bucket-encryption-supported says what it breaks)
            ref = resolve_key(key, producers(owner, "rules"), resources)
            actions = LOG_DELIVERY_BUCKET_KEY_ACTIONS if bucket_key else LOG_DELIVERY_KEY_ACTIONS
            yield from _key_findings(bucket, ref, LOG_DELIVERY_PRINCIPAL, actions, who, resources)


@once_per_request
def key_findings(resources: list) -> list[Finding]:
    return list(dict.fromkeys([*_log_group_findings(resources), *_publisher_key_findings(resources),
                               *_bucket_key_findings(resources)]))


@rule(name="key-policy-admits-services", area=DEPLOYABILITY, resource_types=(WHOLE_STACK,), stack=True,
      description="A customer managed KMS key lets each AWS service the plan makes use it do so: CloudWatch Logs "
                  "for encrypted log groups, the services publishing to encrypted topics and queues (EventBridge, "
                  "S3, RDS events, SNS), log delivery to SSE-KMS buckets; no such service is pointed at an AWS "
                  "managed key it cannot use.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Add the statement named in the message to the key policy (facts/key_users.py cites the AWS "
                  "page with the statement), or use a customer managed key instead of the AWS managed one.")
def validate_key_policy_admits_services(args, report_violation: Callable[..., None]) -> None:
    report_findings(report_violation, key_findings(list(args.resources)), VIOLATION)


# ---- topic and queue policies admit the publishers -----------------------------------------------------------

def _policies_of(target: Any, resources: list) -> list:
    """Policy documents (parsed, or UNKNOWN) that set a topic's or queue's policy."""
    kind, prop = (TOPIC_POLICY, "arn") if target.resource_type == TOPIC else (QUEUE_POLICY, "queueUrl")
    docs = [parse_json(get(r.props, "policy")) for r in resources
            if r.resource_type == kind and any(d.urn == target.urn for d in producers(r, prop))]
    own = get(target.props, "policy")
    if own not in (None, ""):
        docs.append(parse_json(own))
    return docs


def _target_arn(target: Any, resources: list) -> Optional[str]:
    for r in resources:
        if r.resource_type == TOPIC_POLICY and any(d.urn == target.urn for d in producers(r, "arn")):
            arn = as_str(get(r.props, "arn"))
            if isinstance(arn, str):
                return arn
    return None


@once_per_request
def policy_findings(resources: list) -> list[Finding]:
    uses = publishers(resources)
    out = []
    for target in (r for r in resources if r.resource_type in (TOPIC, QUEUE) and r.urn in uses):
        topic = target.resource_type == TOPIC
        needed, action = (TOPIC_POLICY_NEEDED, "SNS:Publish") if topic else (QUEUE_POLICY_NEEDED, "sqs:SendMessage")
        docs, arn = _policies_of(target, resources), _target_arn(target, resources)
        kind = "topic" if topic else "queue"
        for principal, group in _uses(uses[target.urn]).items():
            if principal == BUDGETS and topic:
                continue  # budget-topic-accepts-alerts judges it
            if not docs:
                if needed.get(principal, True):
                    out.append((VIOLATION, target.urn, (
                        f"{_shown(group)} publish(es) to {kind} {target.name}, but it has only the default {kind} "
                        f"policy, which does not let {principal} {action}: add a {kind} policy statement for it")))
                continue
            if any(is_unknown(d) for d in docs):
                out.append((UNDECIDED, target.urn, (f"The {kind} policy of {target.name} is not known yet: whether "
                                                    f"it lets {principal} {action} ({_shown(group)}) is judged on "
                                                    f"the update")))
                continue
            if all(service_admitted(d, principal, (action,), target=arn) for d in docs if d is not None):
                out.append((VIOLATION, target.urn, (
                    f"The {kind} policy of {target.name} does not let {principal} {action}, but {_shown(group)} "
                    f"publish(es) to it: those messages are refused")))
    return list(dict.fromkeys(out))


@rule(name="topic-and-queue-policies-admit-publishers", area=DEPLOYABILITY, resource_types=(WHOLE_STACK,),
      stack=True,
      description="The policy of an SNS topic or SQS queue lets each AWS service the plan makes publish to it do "
                  "so (EventBridge, S3 and SNS always need a statement; CloudWatch alarms once the topic has a "
                  "custom policy).",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Add an Allow statement for the service principal with SNS:Publish (sqs:SendMessage), scoped "
                  "with aws:SourceAccount / aws:SourceArn (facts/key_users.py cites the statement).")
def validate_topic_and_queue_policies(args, report_violation: Callable[..., None]) -> None:
    report_findings(report_violation, policy_findings(list(args.resources)), VIOLATION)


# ---- the execution role can decrypt the secrets --------------------------------------------------------------

def _identity_documents(role: Any, resources: list) -> tuple[list, bool]:
    """(the role's identity policy documents with the resources each was built from, whether others may apply)."""
    docs, unknown = [], False
    for entry in as_list(get(role.props, "inlinePolicies")) or []:
        docs.append((parse_json(get(entry, "policy")), producers(role, "inlinePolicies")))
    for r in resources:
        if r.resource_type == ROLE_POLICY and any(d.urn == role.urn for d in producers(r, "role")):
            docs.append((parse_json(get(r.props, "policy")), producers(r, "policy")))
        elif r.resource_type == ATTACHMENT and any(d.urn == role.urn for d in producers(r, "role")):
            managed = producer(r, "policyArn", MANAGED_POLICY)
            if managed is not None:
                docs.append((parse_json(get(managed.props, "policy")), producers(managed, "policy")))
            elif not str(as_str(get(r.props, "policyArn"), "")).startswith("arn:aws:iam::aws:policy/"):
                unknown = True  # a customer managed policy from outside the stack
    return docs, unknown


def _grants_decrypt(document: Any, built_from: list, key: Any) -> Any:
    if is_unknown(document):
        return None
    for st in statements(document):
        actions = listify(st.get("Action"))
        if st.get("Effect") != "Allow" or not any(isinstance(a, str) and fnmatch.fnmatchcase("kms:decrypt", a.lower())
                                                  for a in actions):
            continue
        resources = listify(st.get("Resource"))
        if "*" in resources or any(not isinstance(r, str) for r in resources):
            return True
        if any(d.urn == key.urn for d in built_from) or any(isinstance(r, str) and r.startswith("arn:")
                                                              and ":kms:" in r and r.endswith(("/*", ":*"))
                                                              for r in resources):
            return True
    return False


@once_per_request
def secret_findings(resources: list) -> list[Finding]:
    out = []
    for task in (r for r in resources if r.resource_type == TASK_DEFINITION):
        secrets = {d.urn: d for d in producers(task, "containerDefinitions", SECRET)}
        role = producer(task, "executionRoleArn", ROLE)
        for secret in secrets.values():
            ref = key_ref(secret, "kmsKeyId", resources)
            if ref is None or ref.managed:
                continue  # aws/secretsmanager: its key policy admits the account's principals via Secrets Manager
            if ref.foreign or role is None:
                out.append((UNDECIDED, task.urn, (f"{task.name} reads secret {secret.name}, whose key or execution "
                                                  f"role is not in the stack: kms:Decrypt is not judged")))
                continue
            document = key_policy(ref.key, resources)
            if is_unknown(document):
                out.append((UNDECIDED, ref.key.urn, (f"Key {ref.key.name}'s policy is not known yet: whether "
                                                     f"execution role {role.name} may decrypt secret {secret.name} "
                                                     f"is judged on the update")))
                continue
            direct = document is not None and names_principal(
                document, "kms:Decrypt", as_str(get(role.props, "arn")),
                any(d.urn == role.urn for d in producers(ref.key, "policy")))
            delegated = document is None or account_delegates(document, "kms:Decrypt")
            docs, others = _identity_documents(role, resources)
            grants = [_grants_decrypt(d, built, ref.key) for d, built in docs]
            if direct or (delegated and any(g is True for g in grants)):
                continue
            if None in grants or others:
                out.append((UNDECIDED, role.urn, (f"Whether execution role {role.name} may kms:Decrypt key "
                                                  f"{ref.key.name} (secret {secret.name}) is not decided: a policy "
                                                  f"of it is unknown or from outside the stack")))
                continue
            why = ("its policies grant no kms:Decrypt on the key" if delegated
                   else f"key {ref.key.name}'s policy neither names the role nor lets IAM policies grant it")
            out.append((VIOLATION, role.urn, (
                f"Task definition {task.name} injects secret {secret.name}, encrypted with customer managed key "
                f"{ref.key.name}, but execution role {role.name} cannot decrypt it ({why}): the task fails to "
                f"start (ResourceInitializationError)")))
    return list(dict.fromkeys(out))


@rule(name="execution-role-decrypts-secrets", area=DEPLOYABILITY, resource_types=(WHOLE_STACK,), stack=True,
      description="A task's execution role may kms:Decrypt with the customer managed key of every secret the "
                  "task injects (the key policy names the role, or lets IAM policies grant it and one does).",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Add kms:Decrypt on the secret's key to the execution role's policy (and keep the key policy's "
                  "account statement), or leave the secret on the aws/secretsmanager key.")
def validate_execution_role_decrypts_secrets(args, report_violation: Callable[..., None]) -> None:
    report_findings(report_violation, secret_findings(list(args.resources)), VIOLATION)


# ---- log buckets use an encryption their writers support -------------------------------------------------------

def bucket_findings(resources: list) -> list[Finding]:
    out = []
    for r in resources:
        if r.resource_type in BUCKET_LOGGING_TYPES:
            for target in producers(r, "targetBucket", *BUCKET_TYPES):
                if any(algo in ("aws:kms", "aws:kms:dsse") for algo, _, _ in _sse(target, resources)):
                    out.append((VIOLATION, target.urn, (
                        f"Bucket {target.name} receives S3 server access logs ({r.name}) but its default encryption "
                        f"is SSE-KMS, which server access logging does not support: no logs are delivered. Use "
                        f"SSE-S3 (AES256) on the log bucket")))
    for bucket, who in _delivery_buckets(resources):
        if not who.startswith("CloudFront"):
            continue
        for algo, _, (key, _bk) in _sse(bucket, resources):
            if algo in ("aws:kms", "aws:kms:dsse") and key is None:
                out.append((VIOLATION, bucket.urn, (
                    f"Bucket {bucket.name} receives {who} but is encrypted with the AWS managed key aws/s3: "
                    f"CloudFront cannot write log files to it. Use SSE-S3, or a customer managed key whose policy "
                    f"lets {LOG_DELIVERY_PRINCIPAL} kms:GenerateDataKey*")))
    return list(dict.fromkeys(out))


@rule(name="log-bucket-encryption-supported", area=DEPLOYABILITY, resource_types=(WHOLE_STACK,), stack=True,
      description="A bucket receiving S3 server access logs is not SSE-KMS, and a CloudFront standard-logging "
                  "bucket is not encrypted with the AWS managed key (neither writer can use them).",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Use SSE-S3 (AES256) on log buckets, or for CloudFront a customer managed key that admits "
                  "delivery.logs.amazonaws.com.")
def validate_log_bucket_encryption(args, report_violation: Callable[..., None]) -> None:
    report_findings(report_violation, bucket_findings(list(args.resources)), VIOLATION)


# ---- what the plan cannot decide ----------------------------------------------------------------------------------

@rule(name="key-wiring-undecided", area=DEPLOYABILITY, resource_types=(WHOLE_STACK,), stack=True,
      description="Says which key, topic-policy and secret uses the plan cannot judge: a key or policy from outside "
                  "the stack, a policy unknown at a first preview.",
      level=ADVISORY, severity=Severity.LOW,
      remediation="Check these key and resource policies once by hand, or create them in the stack.")
def validate_key_wiring_undecided(args, report_violation: Callable[..., None]) -> None:
    resources = list(args.resources)
    report_findings(report_violation, [*key_findings(resources), *policy_findings(resources), *secret_findings(resources)],
                    UNDECIDED)
