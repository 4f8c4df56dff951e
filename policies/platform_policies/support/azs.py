"""Availability Zones from the stack's graph: the AZs an awsx VPC spans, and those behind a subnet list.

A load balancer, an ECS service or an MSK cluster lists subnet *ids*; what matters for availability is
how many distinct AZs they lie in (two subnets of one AZ give no redundancy).  Stack policies see every
resource, so an id is resolved to its AZ from:

* an ``aws:ec2/subnet:Subnet`` of the stack whose ``id`` is known (the real engine registers the
  awsx VPC's subnets as children; their ids are outputs once created);
* an ``awsx:ec2:Vpc`` whose ``publicSubnetIds`` / ``privateSubnetIds`` / ``isolatedSubnetIds`` are
  known and line up with its ``availabilityZoneNames`` (awsx creates one subnet per AZ per spec);

and, when ids cannot be resolved (mocks, or unknown ids in a first preview), from the resources
the property depends on: a subnet resource gives its AZ (or counts as one AZ when its AZ is unknown),
an awsx VPC the AZs of :func:`vpc_zones`.  Those bound the AZ count from above, which is enough to prove
a violation (fewer AZs than required) without ever guessing a pass into a failure.

The AZs of an awsx VPC (:func:`vpc_zones`), in this order: its child subnets (the real engine shows the
component's outputs, not its inputs; an unknown AZ leaves it undecided), its ``availabilityZoneNames``,
its ``numberOfAvailabilityZones``, else the awsx default of :data:`AWSX_DEFAULT_AZS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from .graph import ancestors
from .props import UNKNOWN, as_int, as_list, as_str, get, is_unknown

SUBNET = "aws:ec2/subnet:Subnet"
AWSX_VPC = "awsx:ec2:Vpc"
_AWSX_ID_LISTS = ("publicSubnetIds", "privateSubnetIds", "isolatedSubnetIds")
# awsx.ec2.Vpc without availabilityZoneNames or numberOfAvailabilityZones uses the first 3 AZs of the
# region (pulumi_awsx 3.11 VpcArgs docstring, read 2026-11).
AWSX_DEFAULT_AZS = 3


@dataclass(frozen=True)
class AzCount:
    """What the graph tells about the AZs of a subnet list."""

    exact: Optional[int]  # every id resolved: the distinct AZ count
    at_most: Optional[int]  # an upper bound when some ids did not resolve (None = no bound known)
    subnets: int  # distinct subnet ids listed (unknown entries counted as distinct)

    def below(self, minimum: int) -> bool:
        """True only when the list certainly spans fewer than ``minimum`` AZs."""
        if self.exact is not None:
            return self.exact < minimum
        if self.at_most is not None:
            return self.at_most < minimum
        return self.subnets < minimum


@dataclass
class StackAzs:
    """What a stack's resources say about AZs: {subnet id: AZ} and the subnets under each awsx VPC."""

    by_id: dict[str, str] = field(default_factory=dict)
    vpc_subnets: dict[str, list] = field(default_factory=dict)  # awsx VPC URN -> subnets below it


def _vpc_az_names(vpc) -> Any:
    names = as_list(get(vpc.props, "availabilityZoneNames"))
    if is_unknown(names):
        return UNKNOWN
    names = [n for n in names if isinstance(n, str)]
    return names or None


def vpc_zones(vpc, stack: StackAzs, default: int = AWSX_DEFAULT_AZS) -> Any:
    """The AZs an awsx VPC spans (see module doc): a set of names (``<vpc urn>#<i>`` for AZs that are
    only counted), or UNKNOWN."""
    subnets = stack.vpc_subnets.get(vpc.urn) or []
    if subnets:
        zones = {as_str(get(s.props, "availabilityZone")) for s in subnets}
        return UNKNOWN if any(is_unknown(z) or not z for z in zones) else zones
    names = _vpc_az_names(vpc)
    if isinstance(names, list):
        return set(names)
    count = as_int(get(vpc.props, "numberOfAvailabilityZones"))
    if is_unknown(count) or (count is None and is_unknown(names)):
        return UNKNOWN  # names given but not known yet: awsx takes them, not its default
    return {f"{vpc.urn}#{i}" for i in range(default if count is None else count)}


def vpc_az_count(vpc, stack: StackAzs, default: int = AWSX_DEFAULT_AZS) -> Any:
    """How many AZs an awsx VPC spans (:func:`vpc_zones`); UNKNOWN when the graph does not say."""
    zones = vpc_zones(vpc, stack, default)
    return zones if is_unknown(zones) else len(zones)


def stack_azs(resources: Iterable) -> StackAzs:
    """The subnet ids the stack resolves to AZs and the subnets of each awsx VPC (see module doc)."""
    resources = list(resources)
    by_urn = {r.urn: r for r in resources}
    stack = StackAzs(vpc_subnets={r.urn: [] for r in resources if r.resource_type == AWSX_VPC})
    for r in resources:
        if r.resource_type == SUBNET:
            sid, az = as_str(get(r.props, "id")), as_str(get(r.props, "availabilityZone"))
            if isinstance(sid, str) and sid and isinstance(az, str) and az:
                stack.by_id[sid] = az
            owner = next((u for u in ancestors(r, by_urn) if u in stack.vpc_subnets), None)
            if owner is not None:
                stack.vpc_subnets[owner].append(r)
    for r in resources:
        if r.resource_type == AWSX_VPC:
            names = _vpc_az_names(r)
            if not isinstance(names, list):
                continue
            for key in _AWSX_ID_LISTS:
                ids = as_list(get(r.props, key))
                if is_unknown(ids) or len(ids) != len(names):
                    continue  # several specs of one type: the order per AZ is not certain
                for sid, az in zip(ids, names):
                    if isinstance(sid, str) and sid:
                        stack.by_id.setdefault(sid, az)
    return stack


def _producer_azs(resource, prop: str, stack: StackAzs) -> Any:
    """AZs the property's producing subnets and VPCs can offer: a set, or None when they do not say."""
    producers = (getattr(resource, "property_dependencies", None) or {}).get(prop) or []
    offered: set[str] = set()
    bounded = False
    for p in producers:
        if p.resource_type == SUBNET:
            az = as_str(get(p.props, "availabilityZone"))
            offered.add(az if isinstance(az, str) and az else f"{p.urn}#az")  # one subnet: one AZ at most
            bounded = True
        elif p.resource_type == AWSX_VPC:
            zones = vpc_zones(p, stack)
            if is_unknown(zones):
                return None
            offered.update(zones)
            bounded = True
    return offered if bounded else None


def count_azs(resource, prop: str, ids: Any, stack: StackAzs) -> AzCount:
    """AzCount of the subnet ids ``ids`` (read from ``resource``'s top-level property ``prop``)."""
    values = as_list(ids)
    if is_unknown(values):
        values = [UNKNOWN]  # the whole list is unknown: one or more subnets
        whole_unknown = True
    else:
        whole_unknown = False
    known = {v for v in values if isinstance(v, str) and not is_unknown(v)}
    unknown_entries = sum(1 for v in values if is_unknown(v))
    resolved = {stack.by_id[v] for v in known if v in stack.by_id}
    unresolved = len([v for v in known if v not in stack.by_id]) + unknown_entries
    subnets = len(known) + unknown_entries
    if not unresolved:
        return AzCount(len(resolved), None, subnets)
    offered = _producer_azs(resource, prop, stack)
    bound = None
    if offered is not None:
        bound = min(len(resolved | offered), len(resolved) + unresolved) if not whole_unknown else len(offered)
    elif not whole_unknown:
        bound = len(resolved) + unresolved
    return AzCount(None, bound, subnets if not whole_unknown else max(subnets, 2 ** 31))


def az_span(args: Any, prop: str) -> Optional[int]:
    """The most AZs an unknown subnet list in ``prop`` can span, from the subnets and VPCs it was built
    from; None when the graph does not say (a resource pass without graph, no subnet source, an AZ unknown).

    An upper bound: the program may pass fewer subnets than the VPC has (a slice), never more AZs."""
    resource, by_urn = getattr(args, "resource", None), getattr(args, "by_urn", None)
    if resource is None or by_urn is None:
        return None
    offered = _producer_azs(resource, prop.split(".")[0], stack_azs(by_urn.values()))
    return None if offered is None else len(offered)
