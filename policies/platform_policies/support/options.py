"""Policy options: config-schema builders and the read of a policy's effective options.

A rule declares its options as JSON-schema properties (``{"minAzs": integer(...)}``).  The
engine sends the schema defaults overlaid with policies/config/<stack>.json; tests and other
callers may send nothing, so :func:`options` merges the defaults in again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from pulumi_policy import PolicyConfigSchema

from .props import plain

Schema = dict[str, dict[str, Any]]


def schema(properties: Schema) -> Optional[PolicyConfigSchema]:
    return PolicyConfigSchema(properties=properties) if properties else None


def options(args: Any, properties: Schema) -> dict[str, Any]:
    """Policy options: the engine fills schema defaults; tests and other callers may not, so merge."""
    try:
        given = args.get_config() or {}
    except Exception:  # a fake args without get_config
        given = {}
    result = {k: spec.get("default") for k, spec in properties.items()}
    for key in list(given):
        value = given[key]
        result[key] = plain(value) if isinstance(value, (Mapping, list, tuple)) else value
    return result


def string_list(description: str, default: list[str]) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string"}, "description": description, "default": default}


def integer(description: str, default: int, minimum: int = 0) -> dict[str, Any]:
    return {"type": "integer", "minimum": minimum, "description": description, "default": default}


def boolean(description: str, default: bool) -> dict[str, Any]:
    return {"type": "boolean", "description": description, "default": default}
