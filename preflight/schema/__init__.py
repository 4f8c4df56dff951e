"""Schema stage: recorded inputs against the provider schema derived from the installed SDKs."""

from .stage import POLICY, POLICY_INFO, schema_findings

__all__ = ["POLICY", "POLICY_INFO", "schema_findings"]
