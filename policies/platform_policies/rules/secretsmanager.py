"""AWS Secrets Manager: secrets (judged only by cross-service rules so far)."""

from __future__ import annotations

from ..support.naming import NameRule

SECRET = "aws:secretsmanager/secret:Secret"

# CreateSecret Name: 512 characters (Secrets Manager API reference, read 2026-11).
PHYSICAL_NAMES = {SECRET: NameRule("name", 512)}

RULES: list = []
