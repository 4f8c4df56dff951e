"""Schema stage: recorded inputs against the provider schema derived from the installed SDKs."""

from .stage import POLICY, schema_findings

__all__ = ["POLICY", "schema_findings"]
