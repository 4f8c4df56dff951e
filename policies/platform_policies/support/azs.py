"""Availability Zones behind a list of subnet ids, read from the stack's graph.

A load balancer or an ECS service lists subnet *ids*; what matters for availability is how many
distinct AZs they lie in (two subnets of one AZ give no redundancy).  Stack policies see every
resource, so an id is resolved to its AZ from:

* an ``aws:ec2/subnet:Subnet`` of the stack whose ``id`` is known (the real engine registers the
  awsx VPC's subnets as children; their ids are outputs once created);
* an ``awsx:ec2:Vpc`` whose ``publicSubnetIds`` / ``privateSubnetIds`` / ``isolatedSubnetIds`` are
  known and line up with its ``availabilityZoneNames`` (awsx creates one subnet per AZ per spec);

and, when ids cannot be resolved (mocks, or unknown ids in a first preview), from the resources
the property depends on: a subnet resource gives its AZ, an awsx VPC its AZ names.  Those bound
the AZ count from above, which is enough to prove a violation (fewer AZs than required) without
ever guessing a pass into a failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Optional

from .props import UNKNOWN, as_int, as_list, as_str, get, is_unknown

SUBNET = "aws:ec2/subnet:Subnet"
AWSX_VPC = "awsx:ec2:Vpc"
_AWSX_ID_LISTS = ("publicSubnetIds", "privateSubnetIds", "isolatedSubnetIds")


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


def _vpc_az_names(vpc) -> Any:
    names = as_list(get(vpc.props, "availabilityZoneNames"))
    if is_unknown(names):
        return UNKNOWN
    names = [n for n in names if isinstance(n, str)]
    return names or None


def az_index(resources: Iterable) -> dict[str, str]:
    """{subnet id: AZ} for every id the stack resolves (see module doc)."""
    index: dict[str, str] = {}
    for r in resources:
        if r.resource_type == SUBNET:
            sid, az = as_str(get(r.props, "id")), as_str(get(r.props, "availabilityZone"))
            if isinstance(sid, str) and sid and isinstance(az, str) and az:
                index[sid] = az
        elif r.resource_type == AWSX_VPC:
            names = _vpc_az_names(r)
            if not isinstance(names, list):
                continue
            for key in _AWSX_ID_LISTS:
                ids = as_list(get(r.props, key))
                if is_unknown(ids) or len(ids) != len(names):
                    continue  # several specs of one type: the order per AZ is not certain
                for sid, az in zip(ids, names):
                    if isinstance(sid, str) and sid:
                        index.setdefault(sid, az)
    return index


def _producer_azs(resource, prop: str) -> Any:
    """AZs the property's producing resources can offer: a set, or None when they do not say."""
    producers = (getattr(resource, "property_dependencies", None) or {}).get(prop) or []
    offered: set[str] = set()
    bounded = False
    for p in producers:
        if p.resource_type == SUBNET:
            az = as_str(get(p.props, "availabilityZone"))
            if isinstance(az, str) and az:
                offered.add(az)
                bounded = True
            else:
                return None
        elif p.resource_type == AWSX_VPC:
            names = _vpc_az_names(p)
            if isinstance(names, list):
                offered.update(names)
                bounded = True
                continue
            count = as_int(get(p.props, "numberOfAvailabilityZones"))
            if is_unknown(count) or count is None:
                return None
            offered.update(f"{p.urn}#{i}" for i in range(count))
            bounded = True
    return offered if bounded else None


def count_azs(resource, prop: str, ids: Any, index: dict[str, str]) -> Any:
    """AzCount of the subnet ids ``ids`` (read from ``resource``'s top-level property ``prop``)."""
    values = as_list(ids)
    if is_unknown(values):
        values = [UNKNOWN]  # the whole list is unknown: one or more subnets
        whole_unknown = True
    else:
        whole_unknown = False
    known = {v for v in values if isinstance(v, str) and not is_unknown(v)}
    unknown_entries = sum(1 for v in values if is_unknown(v))
    resolved = {index[v] for v in known if v in index}
    unresolved = len([v for v in known if v not in index]) + unknown_entries
    subnets = len(known) + unknown_entries
    if not unresolved:
        return AzCount(len(resolved), None, subnets)
    offered = _producer_azs(resource, prop)
    bound = None
    if offered is not None:
        bound = min(len(resolved | offered), len(resolved) + unresolved) if not whole_unknown else len(offered)
    elif not whole_unknown:
        bound = len(resolved) + unresolved
    return AzCount(None, bound, subnets if not whole_unknown else max(subnets, 2 ** 31))
