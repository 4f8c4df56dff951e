"""Small helpers shared by the tier tests (test_data, test_messaging, test_edge, test_observability)."""

from __future__ import annotations

REQUIRED_TAGS = ("service", "tier", "stack", "cost-center")


def private_subnets(n: int) -> list[str]:
    """Subnet ids the tier tests pass as the ``n`` private subnets."""
    return [f"subnet-priv{i}" for i in range(n)]


def resources_by_urn(graph) -> dict:
    return {r["urn"]: r for r in graph.resources}


def assert_required_tags(graph, tier: str, stack: str, untaggable: set[str]) -> None:
    """Every AWS resource not in ``untaggable`` carries the required tags of ``tier``."""
    for r in graph.resources:
        if not r["type"].startswith("aws:") or r["type"] in untaggable:
            continue
        tags = r["inputs"].get("tags") or {}
        assert all(tags.get(k) for k in REQUIRED_TAGS), (r["name"], tags)
        assert tags["tier"] == tier and tags["stack"] == stack


def base_tags(stack: str) -> dict[str, str]:
    """The stack-wide tags the root gives every tier (the committed cost center and owner)."""
    return {"stack": stack, "cost-center": "platform-engineering", "owner": "platform-team",
            "managed-by": "pulumi", "project": "microservices-platform"}
