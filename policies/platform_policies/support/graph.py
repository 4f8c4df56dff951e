"""Decide from the resource graph when a value is unknown.

In a first ``pulumi preview`` of a new stack every id and ARN is unknown, and so is all that the
program builds from them: subnet lists from the VPC, the web ACL ARN a distribution points at,
JSON documents.  A resource policy (``Analyze``) then has nothing to judge and stays silent, and
``pulumi up`` - which previews first and stops on a mandatory violation - lets the mistake
through until the resource itself is about to be created, halfway through the deployment.

A stack policy (``AnalyzeStack``) also gets every resource's property dependencies: for each
input, the resources whose outputs it was built from, with their own inputs and provider.  Often
those decide the question: subnets from a VPC that spans two AZs cannot span three; an ARN of a
web ACL created in eu-west-1 is an eu-west-1 ARN.  :func:`per_resource` turns a resource validator
into a stack validator that gets, besides the usual resource args, that graph; the helpers below
read it and return None when the graph does not decide, so the rule stays silent as before.
Called with a single resource's args (tests, other callers) the validator runs without graph.
"""

from __future__ import annotations

from functools import wraps
from typing import Any, Callable, Iterable, Optional

from .props import as_int, as_list, as_str, get, is_unknown, provider_region

AWSX_VPC = "awsx:ec2:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
# awsx.ec2.Vpc without availabilityZoneNames or numberOfAvailabilityZones uses the first 3 AZs of the
# region (pulumi_awsx 3.11 VpcArgs docstring, read 2026-11).
AWSX_DEFAULT_AZS = 3


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


def per_resource(resource_types: Iterable[str], validate: Callable[..., None]) -> Callable[..., None]:
    """A stack validator running ``validate`` on each resource of ``resource_types`` with its graph;
    violations are reported on that resource's URN."""
    types = frozenset(resource_types)

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


def producers(args: Any, prop: str) -> list:
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
    regions = {region_of(p) for p in producers(args, prop) if p.resource_type in types}
    return {r for r in regions if r and not is_unknown(r)}


def _children(vpc: Any, by_urn: dict[str, Any]) -> list:
    def under(r: Any) -> bool:
        node, seen = getattr(r, "parent", None), 0
        while node is not None and seen < len(by_urn):
            if node.urn == vpc.urn:
                return True
            node, seen = getattr(node, "parent", None), seen + 1
        return False
    return [r for r in by_urn.values() if under(r)]


def vpc_azs(vpc: Any, by_urn: dict[str, Any]) -> Optional[int]:
    """AZs an awsx Vpc spans: its subnets' AZs (real engine), else its inputs (mocks); None if unknown."""
    subnets = [s for s in _children(vpc, by_urn) if s.resource_type == SUBNET]
    if subnets:
        zones = {as_str(get(s.props, "availabilityZone")) for s in subnets}
        return None if any(is_unknown(z) or not z for z in zones) else len(zones)
    names = as_list(get(vpc.props, "availabilityZoneNames"))
    if is_unknown(names):
        return None
    if names:
        return len(names)
    count = as_int(get(vpc.props, "numberOfAvailabilityZones"))
    if is_unknown(count):
        return None
    return count if count else AWSX_DEFAULT_AZS


def az_span(args: Any, prop: str) -> Optional[int]:
    """The most AZs the subnet ids in ``prop`` can span, from the VPCs and subnets they were built
    from; None when the graph does not say (no graph, no subnet source, an AZ unknown).

    An upper bound: the program may pass fewer subnets than the VPC has (a slice), never more AZs."""
    sources = [p for p in producers(args, prop) if p.resource_type in (AWSX_VPC, SUBNET)]
    if not sources:
        return None
    total = 0
    for source in sources:
        if source.resource_type == SUBNET:
            total += 1
            continue
        azs = vpc_azs(source, getattr(args, "by_urn", {}))
        if azs is None:
            return None
        total += azs
    return total
