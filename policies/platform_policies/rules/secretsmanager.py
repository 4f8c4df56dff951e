"""AWS Secrets Manager: secrets (judged only by cross-service rules so far)."""

from __future__ import annotations

from ..baseline import Baseline

from ..support.naming import NameRule

SECRET = "aws:secretsmanager/secret:Secret"

# CreateSecret Name: 512 characters (Secrets Manager API reference, read 2026-11).
PHYSICAL_NAMES = {SECRET: NameRule("name", 512)}

RULES: list = []

# Public checks on AWS Secrets Manager and what the pack does with each (baseline.py; docs/policies.md).
BASELINE = Baseline(
    service='AWS Secrets Manager',
    resource_types=(
        'aws:secretsmanager/secret:Secret',
        'aws:secretsmanager/secretVersion:SecretVersion',
    ),
    covered={},
)
