"""Schema stage: recorded inputs against the provider schema derived from the installed SDKs."""

from .check import MISSING
from .stage import POLICY, POLICY_INFO, schema_findings

__all__ = ["MISSING", "POLICY", "POLICY_INFO", "schema_findings"]
