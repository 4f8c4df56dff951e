"""Reading the resource graph a stack policy receives.

A stack policy gets every resource with its inputs, its parent and - per input - the resources
that input was built from (``property_dependencies``).  Ids and ARNs are outputs: in a first
``pulumi preview`` they are unknown, and even when known the inputs never say which resource
an id belongs to.  So a rule that has to relate two resources (a mount target and its file
system, an instance and its parameter group) follows the property dependency first and only
then falls back to matching values.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from .props import as_list, as_str, get, is_unknown


def of_type(resources: Iterable, *types: str) -> list:
    return [r for r in resources if r.resource_type in types]


def producers(resource: Any, prop: str, *types: str) -> list:
    """Resources the input ``prop`` of ``resource`` was built from (optionally only of ``types``)."""
    deps = getattr(resource, "property_dependencies", None) or {}
    found = list(deps.get(prop, []) or [])
    return [d for d in found if not types or getattr(d, "resource_type", None) in types]


def producer(resource: Any, prop: str, *types: str) -> Optional[Any]:
    """The one resource of ``types`` the input ``prop`` comes from, None when there is not exactly one."""
    found = {d.urn: d for d in producers(resource, prop, *types)}
    return next(iter(found.values())) if len(found) == 1 else None


def depends_on(resource: Any, target: Any, prop: Optional[str] = None) -> bool:
    """True when ``resource`` (its input ``prop``, or any input) was built from ``target``."""
    deps = getattr(resource, "property_dependencies", None) or {}
    lists = [deps.get(prop, [])] if prop else list(deps.values())
    lists.append([] if prop else (getattr(resource, "dependencies", None) or []))
    return any(getattr(d, "urn", None) == target.urn for dl in lists for d in (dl or []))


def string_list(resource: Any, path: str) -> Any:
    """A list of strings at ``path``; UNKNOWN when the list or any element is unknown."""
    values = as_list(get(resource.props, path))
    if is_unknown(values) or any(is_unknown(v) for v in values):
        from .props import UNKNOWN
        return UNKNOWN
    return [v for v in values if isinstance(v, str)]


def vpc_az_count(resources: Iterable, resource: Any, prop: str) -> Any:
    """AZ count of the awsx VPC the input ``prop`` of ``resource`` comes from (None if not from one).

    From the VPC's inputs (availabilityZoneNames, numberOfAvailabilityZones) or, where the engine shows the
    VPC's outputs instead, its child subnets' availabilityZone; UNKNOWN when nothing says."""
    vpc = producer(resource, prop, "awsx:ec2:Vpc")
    if vpc is None:
        return None
    names = as_list(get(vpc.props, "availabilityZoneNames"))
    if not is_unknown(names) and names:
        return len(names)
    count = get(vpc.props, "numberOfAvailabilityZones")
    if isinstance(count, (int, float)) and count:
        return int(count)
    zones = {as_str(get(s.props, "availabilityZone")) for s in resources
             if s.resource_type == "aws:ec2/subnet:Subnet" and _has_ancestor(s, vpc.urn)}
    zones.discard(None)
    if zones and not any(is_unknown(z) for z in zones):
        return len(zones)
    from .props import UNKNOWN
    return UNKNOWN


def _has_ancestor(resource: Any, urn: str) -> bool:
    seen = set()
    parent = getattr(resource, "parent", None)
    while parent is not None and getattr(parent, "urn", None) not in seen:
        if parent.urn == urn:
            return True
        seen.add(parent.urn)
        parent = getattr(parent, "parent", None)
    return False


def name_of(resource: Any, prop: str = "name") -> Any:
    """The physical name input of a resource (None when auto-named)."""
    return as_str(get(resource.props, prop))
