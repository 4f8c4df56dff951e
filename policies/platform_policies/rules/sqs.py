"""Amazon SQS: queues (judged only by cross-service rules so far)."""

from __future__ import annotations

import re

from ..baseline import baseline
from ..support.props import as_bool, get
from .cross_service import ENCRYPTION_AT_REST, NameRule, check, physical_names

QUEUE = "aws:sqs/queue:Queue"


@check(ENCRYPTION_AT_REST, QUEUE, anchors=("AwsSolutions-SQS2", "CKV_AWS_27"))
def not_opted_out_of_encryption(args, report_violation, opts) -> None:
    # SSE-SQS is on by default since 2022-10 (SQS developer guide); only an explicit opt-out is bad.
    if as_bool(get(args.props, "sqsManagedSseEnabled")) is False and not get(args.props, "kmsMasterKeyId"):
        report_violation("sqsManagedSseEnabled is false and no kmsMasterKeyId is set.", None)


# CreateQueue QueueName: 80 characters, ".fifo" suffix for FIFO queues (SQS API reference, read 2026-11).
physical_names(NameRule("name", 80, pattern=re.compile(r"[A-Za-z0-9_-]+(\.fifo)?")), QUEUE)


baseline(__name__, service="Amazon SQS", resource_types=(QUEUE,))
