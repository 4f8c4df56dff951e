"""The zone IDs a resource is placed in, read from the stack's graph (rules/zones.py).

A VPC shows its zone IDs in the ``availability-zone-ids`` tag (facts/zones.py ZONE_IDS_TAG: the network tier
writes it, awsx children are hidden under mocks) or, under the real engine, in its child subnets'
``availabilityZoneId``.  A resource (an MSK cluster, an RDS proxy, an MQ broker) lands in the subnets it lists;
a CloudFront VPC origin in the subnets of the load balancer (or instance) it names.  Those subnets resolve to
zone IDs when their ids are known to the stack (real engine); else the resource is placed in the VPC its subnet
input was built from (``propertyDependencies``, also at a first preview) and taken to use every AZ of it,
unless its subnet list is known to be shorter than the VPC's AZ count (a slice: then it may avoid a zone).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Optional

from ..facts.zones import CLOUDFRONT_VPC_ORIGIN, FEATURE_OF_TYPE, ZONE_IDS_TAG, is_zone_id, region_of_zone_id
from .graph import ancestors, first_descendants, producers
from .props import UNKNOWN, as_list, as_mapping, as_str, get, is_unknown, provider_region

AWSX_VPC = "awsx:ec2:Vpc"
EC2_VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
INSTANCE = "aws:ec2/instance:Instance"
VPCS = (AWSX_VPC, EC2_VPC)

# type -> (the input its subnet list's dependencies are recorded under, the path of the list)
SUBNET_INPUTS = {
    "aws:msk/cluster:Cluster": ("brokerNodeGroupInfo", "brokerNodeGroupInfo.clientSubnets"),
    "aws:rds/proxy:Proxy": ("vpcSubnetIds", "vpcSubnetIds"),
    "aws:mq/broker:Broker": ("subnetIds", "subnetIds"),
    LOAD_BALANCER: ("subnets", "subnets"),
    INSTANCE: ("subnetId", "subnetId"),
}
_AWSX_ID_LISTS = ("publicSubnetIds", "privateSubnetIds", "isolatedSubnetIds")
_AZ_NAME = re.compile(r"^([a-z]{2}(?:-gov)?-[a-z]+-\d)[a-z]$")


@dataclass
class Placement:
    """Where one resource of a zone-restricted feature lands."""

    resource: Any
    feature: str
    vpc: Optional[Any]  # the VPC its subnets come from (None: the graph does not say)
    zone_ids: Any  # a set of zone IDs; None when the plan does not show them, UNKNOWN when not known yet
    region: Optional[str]
    partial: bool = False  # its subnets may be a part of the VPC's AZs: it may avoid some of them


def _tagged_zone_ids(resource: Any) -> Any:
    tags = as_mapping(get(resource.props, "tags"))
    if is_unknown(tags):
        return UNKNOWN
    value = (tags or {}).get(ZONE_IDS_TAG)
    if is_unknown(value):
        return UNKNOWN
    ids = str(value).split() if isinstance(value, str) else []
    return [z for z in ids if is_zone_id(z)] or None


class StackZones:
    """What the stack's resources say about zone IDs: {subnet id: zone ID} and each VPC's child subnets."""

    def __init__(self, resources: Iterable[Any]):
        self.resources = list(resources)
        self.by_urn = {r.urn: r for r in self.resources}
        self.children: dict[str, list] = {r.urn: [] for r in self.resources if r.resource_type in VPCS}
        self.by_subnet_id: dict[str, str] = {}
        for r in self.resources:
            if r.resource_type != SUBNET:
                continue
            sid, zid = as_str(get(r.props, "id")), as_str(get(r.props, "availabilityZoneId"))
            if isinstance(sid, str) and sid and is_zone_id(zid):
                self.by_subnet_id[sid] = zid
            owner = next((u for u in ancestors(r, self.by_urn) if u in self.children), None)
            if owner is not None:
                self.children[owner].append(r)
        # the aws Vpc an awsx Vpc creates carries the component's tags; the real engine shows the
        # component only with its outputs, so the tag is read from that child
        self.inner_vpc = first_descendants(self.by_urn, AWSX_VPC, EC2_VPC)
        for vpc in self.resources:
            ids = self._tag(vpc) if vpc.resource_type == AWSX_VPC else None
            if not isinstance(ids, list):
                continue
            for key in _AWSX_ID_LISTS:  # one subnet per AZ per spec, in the order of availabilityZoneNames
                subnets = as_list(get(vpc.props, key))
                if not is_unknown(subnets) and len(subnets) == len(ids):
                    for sid, zid in zip(subnets, ids):
                        if isinstance(sid, str) and sid:
                            self.by_subnet_id.setdefault(sid, zid)

    def _tag(self, vpc: Any) -> Any:
        tagged = _tagged_zone_ids(vpc)
        inner = self.inner_vpc.get(vpc.urn)
        return _tagged_zone_ids(inner) if tagged is None and inner is not None else tagged

    def vpc_zone_ids(self, vpc: Any) -> Any:
        """The zone IDs the VPC spans: its tag (or its inner aws Vpc's), else its child subnets; None when the
        plan does not show them."""
        tagged = self._tag(vpc)
        if tagged is not None:
            return tagged if is_unknown(tagged) else set(tagged)
        zids = [as_str(get(s.props, "availabilityZoneId")) for s in self.children.get(vpc.urn, [])]
        if any(is_unknown(z) for z in zids):
            return UNKNOWN
        found = {z for z in zids if is_zone_id(z)}
        return found or None

    def vpc_region(self, vpc: Any) -> Optional[str]:
        """The VPC's region: its own or its provider's, else from its AZ names, else from its zone IDs."""
        region = provider_region(vpc)
        if isinstance(region, str) and region and not is_unknown(region):
            return region
        names = as_list(get(vpc.props, "availabilityZoneNames"))
        regions = set() if is_unknown(names) else {m.group(1) for m in map(_AZ_NAME.match,
                                                                       [n for n in names if isinstance(n, str)]) if m}
        if len(regions) == 1:
            return regions.pop()
        zids = self.vpc_zone_ids(vpc)
        found = set() if not isinstance(zids, set) else {region_of_zone_id(z) for z in zids} - {None}
        return found.pop() if len(found) == 1 else None


def _subnet_holder(resource: Any, stack: StackZones) -> Optional[Any]:
    """The resource whose subnets it lands in: itself, or a VPC origin's load balancer or instance."""
    if FEATURE_OF_TYPE.get(resource.resource_type) != CLOUDFRONT_VPC_ORIGIN:
        return resource
    found = producers(resource, "vpcOriginEndpointConfig", LOAD_BALANCER, INSTANCE)
    if not found:  # no graph: match the origin's ARN against the stack's load balancers
        arn = as_str(get(resource.props, "vpcOriginEndpointConfig.arn"))
        found = [r for r in stack.resources if r.resource_type in (LOAD_BALANCER, INSTANCE)
                 and isinstance(arn, str) and arn and as_str(get(r.props, "arn")) == arn]
    return found[0] if len({r.urn for r in found}) == 1 else None


def _subnet_ids(holder: Any, path: str) -> Any:
    if holder.resource_type == LOAD_BALANCER and get(holder.props, "subnets") in (None, []):
        mappings = as_list(get(holder.props, "subnetMappings"))
        return mappings if is_unknown(mappings) else [get(m, "subnetId") for m in mappings]
    value = get(holder.props, path)
    return [value] if holder.resource_type == INSTANCE and not isinstance(value, list) else as_list(value)


def placement(resource: Any, stack: StackZones) -> Placement:
    """Where ``resource`` (of a type in FEATURE_OF_TYPE) lands (see the module doc)."""
    feature = FEATURE_OF_TYPE[resource.resource_type]
    holder = _subnet_holder(resource, stack)
    if holder is None or holder.resource_type not in SUBNET_INPUTS:
        return Placement(resource, feature, None, None, None)
    dep, path = SUBNET_INPUTS[holder.resource_type]
    if holder.resource_type == LOAD_BALANCER and dep not in (getattr(holder, "property_dependencies", None) or {}):
        dep = "subnetMappings"
    ids = _subnet_ids(holder, path)
    known = None if is_unknown(ids) or any(is_unknown(i) for i in ids) else [i for i in ids if isinstance(i, str)]
    vpcs = {v.urn: v for v in producers(holder, dep, *VPCS)}
    for sub in producers(holder, dep, SUBNET):
        owner = next((u for u in ancestors(sub, stack.by_urn) if u in stack.children), None)
        if owner is not None:
            vpcs[owner] = stack.by_urn[owner]
    vpc = next(iter(vpcs.values())) if len(vpcs) == 1 else None
    region = stack.vpc_region(vpc) if vpc is not None else None
    if known and all(i in stack.by_subnet_id for i in known):  # every subnet resolved: exactly its zones
        zids = {stack.by_subnet_id[i] for i in known}
        region = region or next(iter({region_of_zone_id(z) for z in zids} - {None}), None)
        return Placement(resource, feature, vpc, zids, region)
    if vpc is None:
        return Placement(resource, feature, None, None, None)
    zids = stack.vpc_zone_ids(vpc)
    partial = known is not None and isinstance(zids, set) and len(set(known)) < len(zids)
    return Placement(resource, feature, vpc, zids, region, partial)


def placements(resources: Iterable[Any]) -> list[Placement]:
    """The placement of every resource of the stack whose feature's offer differs by zone ID."""
    stack = StackZones(resources)
    return [placement(r, stack) for r in stack.resources if r.resource_type in FEATURE_OF_TYPE]
