"""The resources as the cost model sees them, the adapters that build them, and small value readers.

:func:`from_plan` reads preflight's plan JSON, :func:`from_policy_resources` reads
``StackValidationArgs.resources`` under the real engine; both give a list of :class:`Res`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Optional

from .catalog import DEFAULT_REGION

# The engine's placeholders for values not known yet at preview; read as None.
_UNKNOWN_SENTINELS = {
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58", "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
}


@dataclass
class Res:
    """One resource as the cost model sees it (engine camelCase inputs)."""

    type: str
    name: str
    urn: str
    parent: Optional[str] = None
    inputs: dict = field(default_factory=dict)
    custom: Optional[bool] = None
    dependencies: list = field(default_factory=list)
    property_dependencies: dict = field(default_factory=dict)


def clean(value: Any) -> Any:
    """Plain JSON data with unknown-value sentinels (preview) turned into None."""
    if isinstance(value, Mapping):
        target = value
        try:  # pulumi_policy proxies expose the raw dict under "__target"
            target = value["__target"]  # type: ignore[index]
        except Exception:  # noqa: BLE001 - any mapping without the hook
            target = value
        if not isinstance(target, Mapping):
            target = value
        return {str(k): clean(v) for k, v in dict(target).items()}
    if isinstance(value, (list, tuple)) or (hasattr(value, "__len__") and hasattr(value, "__getitem__")
                                            and not isinstance(value, (str, bytes))):
        try:
            items = value["__target"]  # type: ignore[index]
        except Exception:  # noqa: BLE001
            items = value
        return [clean(v) for v in list(items)]
    if isinstance(value, str) and value in _UNKNOWN_SENTINELS:
        return None
    return value


def from_plan(plan: Mapping[str, Any]) -> list[Res]:
    """Resources of a preflight plan dict (the preflight plan format, docs/preflight.md)."""
    out = []
    for r in plan.get("resources", []) or []:
        out.append(Res(type=r.get("type", ""), name=r.get("name", ""), urn=r.get("urn", ""),
                       parent=r.get("parent") or None, inputs=clean(r.get("inputs") or {}),
                       custom=r.get("custom"), dependencies=list(r.get("dependencies") or []),
                       property_dependencies={k: list(v or []) for k, v in
                                              (r.get("propertyDependencies") or {}).items()}))
    return out


def from_policy_resources(resources: Iterable[Any]) -> list[Res]:
    """Resources of ``StackValidationArgs.resources`` (pulumi_policy.PolicyResource)."""
    out = []
    for r in resources:
        try:
            props = clean(r.props)
        except Exception:  # noqa: BLE001 - never let one odd resource stop the estimate
            props = {}
        parent = getattr(getattr(r, "parent", None), "urn", None) or getattr(getattr(r, "opts", None), "parent", None)
        deps = [getattr(d, "urn", d) for d in (getattr(r, "dependencies", None) or [])]
        pdeps = {k: [getattr(d, "urn", d) for d in (v or [])]
                 for k, v in (getattr(r, "property_dependencies", None) or {}).items()}
        res = Res(type=r.resource_type, name=r.name, urn=r.urn, parent=parent or None, inputs=props,
                  dependencies=deps, property_dependencies=pdeps)
        prov = getattr(r, "provider", None)
        if prov is not None and res.inputs.get("region") is None:
            try:
                region = clean(prov.props).get("region")
            except Exception:  # noqa: BLE001
                region = None
            if isinstance(region, str):
                res.inputs = {**res.inputs, "__providerRegion": region}
        out.append(res)
    return out


_REGION_RE = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
_ARN_REGION_RE = re.compile(r"arn:aws[a-z-]*:[a-z0-9-]+:([a-z]{2}(?:-gov)?-[a-z]+-\d):")


def infer_region(resources: list[Res], default: Optional[str] = DEFAULT_REGION) -> Optional[str]:
    """Region of the stack: aws provider input, a resource's region input, then an ARN; else ``default``."""
    for r in resources:
        if r.type == "pulumi:providers:aws" and _REGION_RE.match(str(r.inputs.get("region") or "")):
            return r.inputs["region"]
    for key in ("region", "__providerRegion"):
        for r in resources:
            v = r.inputs.get(key)
            if isinstance(v, str) and _REGION_RE.match(v):
                return v
    for r in resources:
        if r.type.startswith("aws:cloudfront") or r.type.startswith("aws:wafv2"):
            continue  # CloudFront/WAF CLOUDFRONT scope live in us-east-1 whatever the stack
        m = _ARN_REGION_RE.search(json.dumps(r.inputs, default=str))
        if m:
            return m.group(1)
    return default


# ---- value readers: tolerant of unknowns (None) and of strings where the engine gives them
def num(v: Any, default: Optional[float] = None) -> Optional[float]:
    """A number ("2" and 2 alike); ``default`` when unknown, missing or not numeric."""
    if v is None or isinstance(v, bool):
        return default
    try:
        return float(v)
    except (TypeError, ValueError):
        return default


def truthy(v: Any) -> bool:
    """True for ``True`` and ``"true"`` only (unknown is not true)."""
    return v is True or (isinstance(v, str) and v.lower() == "true")


def tags_of(inputs: Mapping[str, Any]) -> dict:
    """The resource's tags (``tags``, else ``tagsAll``), {} when unknown."""
    tags = inputs.get("tags") or inputs.get("tagsAll") or {}
    return tags if isinstance(tags, dict) else {}


def known_list(v: Any) -> Optional[list]:
    """The list when every item is known, else None (a count from it would be a guess)."""
    if isinstance(v, list) and all(x is not None for x in v):
        return v
    return None


def is_component(r: Res) -> bool:
    """Component resources (ours "platform:*", remote ones such as "awsx:ec2:Vpc")."""
    if r.custom is False:
        return True
    t = r.type
    if t.startswith("platform:") or t == "pulumi:pulumi:Stack":
        return True
    parts = t.split(":")
    return (len(parts) == 3 and not t.startswith(("aws:", "pulumi:providers:")) and "/" not in parts[1])
