"""Amazon SNS: topics (judged only by cross-service rules so far)."""

from __future__ import annotations

from ..baseline import Baseline

import re

from ..support.naming import NameRule

TOPIC = "aws:sns/topic:Topic"

# CreateTopic Name: 256 characters, ".fifo" suffix for FIFO topics (SNS API reference, read 2026-11).
PHYSICAL_NAMES = {TOPIC: NameRule("name", 256, pattern=re.compile(r"[A-Za-z0-9_-]+(\.fifo)?"))}

RULES: list = []

# Public checks on Amazon SNS and what the pack does with each (baseline.py; docs/policies.md).
BASELINE = Baseline(
    service='Amazon SNS',
    resource_types=(
        'aws:sns/topic:Topic',
        'aws:sns/topicPolicy:TopicPolicy',
        'aws:sns/topicSubscription:TopicSubscription',
    ),
    covered={},
)
