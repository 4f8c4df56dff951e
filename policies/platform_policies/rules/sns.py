"""Amazon SNS: topics, topic policies and subscriptions."""

from __future__ import annotations

import re

from pulumi_policy import Severity

from ..baseline import baseline
from ..rule import ACCEPTANCE, MANDATORY, SECURITY, rule
from ..support.policy_documents import statements
from ..support.props import as_bool, as_str, get, is_unknown, parse_json
from .cross_service import NameRule, physical_names

TOPIC = "aws:sns/topic:Topic"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"


@rule(name="sns-topic-encryption", area=SECURITY, resource_types=(TOPIC,),
      description="SNS topics encrypt messages at rest with KMS.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Set kmsMasterKeyId (components/observability: the alarm topic key).",
      anchors=("AwsSolutions-SNS2", "CKV_AWS_26"))
def validate_topic_encryption(args, report_violation) -> None:
    if args.resource_type != TOPIC:
        return
    key = get(args.props, "kmsMasterKeyId")
    if not is_unknown(key) and not key:
        report_violation("kmsMasterKeyId is not set: messages are stored unencrypted.", None)


def _aws_principals(st: dict) -> list[str]:
    principal = st.get("Principal")
    if principal == "*":
        return ["*"]
    if not isinstance(principal, dict):
        return []
    aws = principal.get("AWS", [])
    return [a for a in (aws if isinstance(aws, list) else [aws]) if isinstance(a, str)]


def _account(value: str) -> str:
    if re.fullmatch(r"\d{12}", value):
        return value
    parts = value.split(":")
    return parts[4] if value.startswith("arn:") and len(parts) > 4 else ""


@rule(name="sns-topic-policy", area=SECURITY, resource_types=(TOPIC_POLICY,),
      description="SNS topic policies are not public, grant no other account and require TLS for publishing.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Grant this account and named services only; add a Deny for aws:SecureTransport=false.",
      anchors=("AwsSolutions-SNS3", "CKV_AWS_169", "CKV_AWS_385"))
def validate_topic_policy(args, report_violation) -> None:
    """Topic policies: no public access (CKV_AWS_169), no other account (CKV_AWS_385), publishers must use
    TLS (AwsSolutions-SNS3: a Deny on aws:SecureTransport=false)."""
    if args.resource_type != TOPIC_POLICY:
        return
    doc = parse_json(get(args.props, "policy"))
    if is_unknown(doc) or doc is None:
        return
    topic_arn = as_str(get(args.props, "arn"), "")
    own = _account(topic_arn) if not is_unknown(topic_arn) else ""
    secure = False
    for st in statements(doc):
        condition = st.get("Condition") or {}
        if st.get("Effect") == "Deny" and str((condition.get("Bool") or {}).get("aws:SecureTransport")).lower() \
                == "false":
            secure = True
        if st.get("Effect") != "Allow":
            continue
        for who in _aws_principals(st):
            if who == "*" and not condition:
                report_violation("The topic policy allows any principal without a condition.", None)
            elif who != "*" and own and _account(who) and _account(who) != own:
                report_violation(f"The topic policy grants account {_account(who)}, not the topic's account "
                                 f"{own}.", None)
    if not secure:
        report_violation("The topic policy does not deny publishing without TLS (Deny with Condition Bool "
                         "aws:SecureTransport=false).", None)


# SNS API reference (read 2026-11): Subscribe Protocol enum and endpoint per protocol; CreateTopic FIFO topics
# end in ".fifo" and need FifoTopic=true (terraform-provider-aws internal/service/sns/topic.go).
PROTOCOLS = ("http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose")
_ENDPOINTS = {"email": re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+"), "email-json": re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+"),
              "https": re.compile(r"https://\S+"), "http": re.compile(r"http://\S+"),
              "sqs": re.compile(r"arn:aws[a-z-]*:sqs:\S+"), "lambda": re.compile(r"arn:aws[a-z-]*:lambda:\S+"),
              "firehose": re.compile(r"arn:aws[a-z-]*:firehose:\S+"), "sms": re.compile(r"\+?[0-9]{6,15}")}


@rule(name="sns-values", area=ACCEPTANCE, resource_types=(TOPIC, SUBSCRIPTION),
      description="SNS subscription protocols and endpoints, FIFO names and topic keys are values SNS accepts.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Fix the value named in the message (SNS Subscribe / CreateTopic API reference).")
def validate_sns_values(args, report_violation) -> None:
    t, p = args.resource_type, args.props
    if t == SUBSCRIPTION:
        protocol = as_str(get(p, "protocol"))
        endpoint = as_str(get(p, "endpoint"))
        if protocol and not is_unknown(protocol) and protocol not in PROTOCOLS:
            report_violation(f"protocol {protocol!r} is not one of {', '.join(PROTOCOLS)}.", None)
        pattern = _ENDPOINTS.get(protocol) if isinstance(protocol, str) else None
        if pattern and endpoint and not is_unknown(endpoint) and not pattern.fullmatch(endpoint):
            report_violation(f"endpoint {endpoint!r} is not a valid {protocol} endpoint.", None)
        if protocol == "firehose" and get(p, "subscriptionRoleArn") in (None, ""):
            report_violation("firehose subscriptions need subscriptionRoleArn.", None)
    elif t == TOPIC:
        name = as_str(get(p, "name"), "")
        fifo = as_bool(get(p, "fifoTopic"), False)
        if not is_unknown(name) and name.endswith(".fifo") != (fifo is True) and name:
            report_violation("A FIFO topic's name ends in '.fifo' and sets fifoTopic=true (both or neither).", None)
        key = as_str(get(p, "kmsMasterKeyId"))
        if key and not is_unknown(key) and not re.fullmatch(r"(arn:aws[a-z-]*:kms:\S+|alias/\S+|[0-9a-f-]{36})",
                                                            key):
            report_violation(f"kmsMasterKeyId {key!r} is not a key ARN, key id or alias.", None)


# CreateTopic Name: 256 characters, ".fifo" suffix for FIFO topics (SNS API reference, read 2026-11).
physical_names(NameRule("name", 256, pattern=re.compile(r"[A-Za-z0-9_-]+(\.fifo)?")), TOPIC)


baseline(
    __name__,
    service='Amazon SNS',
    resource_types=(
        'aws:sns/topic:Topic',
        'aws:sns/topicPolicy:TopicPolicy',
        'aws:sns/topicSubscription:TopicSubscription',
    ),
)
