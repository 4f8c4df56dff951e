"""Reading the resource graph a stack policy receives.

A stack policy gets every resource with its inputs, its parent and - per input - the resources
that input was built from (``property_dependencies``).  Ids and ARNs are outputs: in a first
``pulumi preview`` they are unknown, and even when known the inputs never say which resource
an id belongs to.  So a rule that has to relate two resources (a mount target and its file
system, an instance and its parameter group) follows the property dependency first and only
then falls back to matching values.

In a first ``pulumi preview`` of a new stack every id and ARN is unknown, and so is all that the
program builds from them.  A resource policy then has nothing to judge; a stack policy still gets
every resource's property dependencies.  :func:`per_resource` turns a resource validator into a
stack validator that also gets that graph; the helpers below it read the graph and return None
when it does not decide, so the rule stays silent as before.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import wraps
from typing import Any, Callable, Iterable, Optional

from .props import as_list, as_str, get, is_unknown, plain, provider_region


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


def ancestors(resource: Any, by_urn: dict[str, Any]) -> list[str]:
    """URNs of the resource's ancestors, nearest first: its ``parent`` resource, else the parent URN of its
    options (tolerates parents missing from ``by_urn``)."""
    out, seen = [], set()
    parent = _parent_urn(resource)
    while parent and parent not in seen:
        seen.add(parent)
        out.append(parent)
        parent = _parent_urn(by_urn[parent]) if parent in by_urn else None
    return out


def _parent_urn(resource: Any) -> Any:
    parent = getattr(resource, "parent", None)
    if parent is not None and getattr(parent, "urn", None):
        return parent.urn
    opts = getattr(resource, "opts", None)
    return getattr(opts, "parent", None) or None


def name_of(resource: Any, prop: str = "name") -> Any:
    """The physical name input of a resource (None when auto-named)."""
    return as_str(get(resource.props, prop))


class ResourceView:
    """One resource of a stack pass, shaped like ``ResourceValidationArgs``, plus its graph."""

    def __init__(self, resource: Any, stack_args: Any, by_urn: dict[str, Any]):
        self.resource = resource
        self.resource_type = resource.resource_type
        self.props = resource.props
        self.urn = resource.urn
        self.name = resource.name
        self.opts = resource.opts
        self.provider = resource.provider
        self.by_urn = by_urn
        self._stack_args = stack_args

    def get_config(self) -> Any:
        return self._stack_args.get_config()


def per_resource(*resource_types: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Make the decorated resource validator a stack validator running on each resource of
    ``resource_types`` with its graph; violations are reported on that resource's URN."""
    types = frozenset(resource_types)

    def decorate(validate: Callable[..., None]) -> Callable[..., None]:
        @wraps(validate)  # keeps the rule's own module and name (docs link the rule's source)
        def stack_validate(args, report_violation) -> None:
            if not hasattr(args, "resources"):  # one resource's args: judge it without graph
                validate(args, report_violation)
                return
            by_urn = {r.urn: r for r in args.resources}
            for r in args.resources:
                if r.resource_type in types:
                    validate(ResourceView(r, args, by_urn),
                             lambda message, urn=None, _own=r.urn: report_violation(message, urn or _own))
        return stack_validate
    return decorate


def view_producers(args: Any, prop: str) -> list:
    """Resources the input ``prop`` (top-level name) was built from; [] without graph."""
    resource = getattr(args, "resource", None)
    deps = getattr(resource, "property_dependencies", None) or {}
    return list(deps.get(prop.split(".")[0]) or [])


def region_of(resource: Any) -> Any:
    """Region a resource is created in (its own ``region`` input, else its provider's); None if unsaid."""
    return provider_region(resource)


def producer_regions(args: Any, prop: str, resource_types: Iterable[str]) -> set:
    """Regions of the resources of ``resource_types`` that ``prop`` was built from (known ones only)."""
    types = tuple(resource_types)
    regions = {region_of(p) for p in view_producers(args, prop) if p.resource_type in types}
    return {r for r in regions if r and not is_unknown(r)}


_REGION_IN_ARN = re.compile(r"arn:aws[a-z-]*:[a-z0-9-]+:([a-z]{2}(?:-gov)?-[a-z]+-\d):")


def stack_region(resources: Iterable[Any]) -> Optional[str]:
    """Region of the stack's default provider: its own props when the engine shows it, else the region most
    ARNs in the stack name (CloudFront and its us-east-1 companions aside; a wrong ARN is the exception)."""
    resources = list(resources)
    for r in resources:
        if r.resource_type == "pulumi:providers:aws" and "default" in (r.name or ""):
            region = as_str(get(r.props, "region"))
            if isinstance(region, str) and region:
                return region
    counts: Counter = Counter()
    for r in resources:
        if r.resource_type.startswith(("aws:cloudfront/", "aws:wafv2/", "pulumi:providers:")):
            continue
        counts.update(_REGION_IN_ARN.findall(json.dumps(plain(r.props), default=str)))
    return counts.most_common(1)[0][0] if counts else None


def first_descendants(by_urn: dict[str, Any], ancestor_type: str, descendant_type: str) -> dict[str, Any]:
    """{URN of each resource of ``ancestor_type``: the first resource of ``descendant_type`` beneath it}
    (the aws Vpc an awsx Vpc creates, which the real engine shows beside the component's outputs)."""
    out: dict[str, Any] = {}
    for r in by_urn.values():
        if r.resource_type != descendant_type:
            continue
        owner = next((u for u in ancestors(r, by_urn) if u in by_urn and by_urn[u].resource_type == ancestor_type),
                     None)
        if owner is not None:
            out.setdefault(owner, r)
    return out
