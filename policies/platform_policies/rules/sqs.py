"""Amazon SQS: queues (judged only by cross-service rules so far)."""

from __future__ import annotations

from ..baseline import Baseline

import re

from ..support.naming import NameRule
from ..support.props import as_bool, get

QUEUE = "aws:sqs/queue:Queue"


def not_opted_out_of_encryption(args, report_violation, opts) -> None:
    # SSE-SQS is on by default since 2022-10 (SQS developer guide); only an explicit opt-out is bad.
    if as_bool(get(args.props, "sqsManagedSseEnabled")) is False and not get(args.props, "kmsMasterKeyId"):
        report_violation("sqsManagedSseEnabled is false and no kmsMasterKeyId is set.", None)


SHARED_CHECKS = {"encryption-at-rest": {QUEUE: not_opted_out_of_encryption}}

# CreateQueue QueueName: 80 characters, ".fifo" suffix for FIFO queues (SQS API reference, read 2026-11).
PHYSICAL_NAMES = {QUEUE: NameRule("name", 80, pattern=re.compile(r"[A-Za-z0-9_-]+(\.fifo)?"))}

RULES: list = []

# Public checks on Amazon SQS and what the pack does with each (baseline.py; docs/policies.md).
BASELINE = Baseline(
    service='Amazon SQS',
    resource_types=(
        'aws:sqs/queue:Queue',
    ),
    covered={
        'AwsSolutions-SQS2': ('encryption-at-rest',),
        'CKV_AWS_27': ('encryption-at-rest',),
    },
)
