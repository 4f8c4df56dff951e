"""Whether security groups and network ACLs let one resource of the plan open a TCP connection to another.

A connection from a client to a server on port P needs, in VPC terms (Amazon VPC user guide, "Control traffic to
your AWS resources using security groups" and "Control subnet traffic with network access control lists", read
2026-12-07):

* security groups, which are stateful: an egress rule of one of the client's groups and an ingress rule of one of
  the server's groups admit TCP P between them (a group or an address range); replies pass by themselves;
* network ACLs, which are stateless and evaluated rule by rule in rule-number order (first match wins, then an
  implicit deny): the client subnet's ACL lets P out to the server and the reply in to the client's ephemeral
  ports, the server subnet's ACL lets P in and the reply out.  A subnet associated with no ACL of the plan uses
  the VPC's default ACL, which allows everything unless an ``aws:ec2/defaultNetworkAcl`` manages it.

A security group created by the AWS provider has no egress rule at all: the provider revokes the allow-all rule
EC2 adds (terraform-provider-aws, internal/service/ec2/vpc_security_group.go, resourceSecurityGroupCreate,
"AWS defaults all Security Groups to have an ALLOW ALL egress rule. Here we revoke that rule"; pulumi-aws is
built on it).

Each check answers ALLOW, DENY or UNDECIDED.  UNDECIDED is for what the plan cannot tell: a group or prefix list
from outside the stack, an address range narrower than the VPC when the subnets' own ranges are not in the plan,
a subnet whose ACL cannot be told at a first preview.  Ids are outputs, so groups are matched by the property
dependencies of the rules and of the resources that use them, and by value only where a value was built from
exactly one group.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from .graph import first_descendants, producers
from .props import as_bool, as_int, as_list, as_str, get, is_unknown

SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
GROUP_TYPES = (SECURITY_GROUP, DEFAULT_SECURITY_GROUP)
NETWORK_ACL = "aws:ec2/networkAcl:NetworkAcl"
DEFAULT_NETWORK_ACL = "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"
NETWORK_ACL_RULE = "aws:ec2/networkAclRule:NetworkAclRule"
NETWORK_ACL_ASSOCIATION = "aws:ec2/networkAclAssociation:NetworkAclAssociation"
SUBNET = "aws:ec2/subnet:Subnet"
VPC = "aws:ec2/vpc:Vpc"
AWSX_VPC = "awsx:ec2:Vpc"
VPC_TYPES = (VPC, AWSX_VPC)
AWSX_DEFAULT_CIDR = "10.0.0.0/16"  # awsx ec2.Vpc cidrBlock default (awsx API docs, read 2026-12-07)

ALLOW, DENY, UNDECIDED = "allow", "deny", "undecided"
ALL_PORTS = (0, 65535)


def worst(verdicts: Iterable[str]) -> str:
    """DENY if any is DENY, else UNDECIDED if any is, else ALLOW (an empty set allows)."""
    found = set(verdicts)
    return DENY if DENY in found else UNDECIDED if UNDECIDED in found else ALLOW


# ---- addresses -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Addresses:
    """Where a party's IPv4 addresses lie: its subnets' ranges (``exact``), else a range that contains them."""

    networks: tuple
    exact: bool

    def relation(self, cidr: Any) -> str:
        """ALLOW when ``cidr`` holds every address, DENY when none, UNDECIDED when it cannot tell."""
        if is_unknown(cidr):
            return UNDECIDED
        try:
            net = ipaddress.ip_network(str(cidr), strict=False)
        except ValueError:
            return DENY
        if net.version != 4:
            return DENY
        if all(n.subnet_of(net) for n in self.networks):
            return ALLOW
        if not any(n.overlaps(net) for n in self.networks):
            return DENY
        return DENY if self.exact else UNDECIDED


def _networks(values: Iterable[Any]) -> Optional[tuple]:
    nets = []
    for v in values:
        if is_unknown(v) or not isinstance(v, str):
            return None
        try:
            nets.append(ipaddress.ip_network(v, strict=False))
        except ValueError:
            return None
    return tuple(nets) or None


def _inner_vpc(vpc: Any, by_urn: dict) -> Any:
    """The aws Vpc an awsx Vpc creates (present under the real engine, which shows the component's outputs only)."""
    return first_descendants(by_urn, AWSX_VPC, VPC).get(vpc.urn)


def vpc_networks(vpc: Any, by_urn: Optional[dict] = None) -> Optional[tuple]:
    """The ranges a VPC's subnets lie in: an awsx VPC's subnet specs when all give their CIDRs, else the
    cidrBlock of the aws Vpc it created (real engine), else its own (awsx default 10.0.0.0/16)."""
    if vpc.resource_type == AWSX_VPC:
        specs = as_list(get(vpc.props, "subnetSpecs"))
        if not is_unknown(specs) and specs:
            blocks = [as_list(get(s, "cidrBlocks")) for s in specs]
            if all(not is_unknown(b) and b for b in blocks):
                found = _networks(c for b in blocks for c in b)
                if found:
                    return found
        inner = _inner_vpc(vpc, by_urn or {})
        if inner is not None:
            return vpc_networks(inner)
        return _networks([as_str(get(vpc.props, "cidrBlock"), AWSX_DEFAULT_CIDR)])
    return _networks([as_str(get(vpc.props, "cidrBlock"))])


# ---- parties ---------------------------------------------------------------------------------------------

@dataclass
class Party:
    """One end of a connection: the resource, its security groups and its subnets."""

    resource: Any
    label: str
    groups: frozenset          # URNs of the plan's security groups it uses
    foreign_groups: bool       # it may use groups from outside the stack (literal ids, unknown lists)
    subnet_ids: Any            # known subnet ids, or UNKNOWN
    subnet_sources: frozenset  # URNs the subnet ids were built from
    addresses: Optional[Addresses]
    vpc: Any = None
    ephemeral: tuple = (1024, 65535)


def group_list(resource: Any, path: str) -> tuple[frozenset, bool, bool]:
    """(the plan's groups ``path`` names, whether others may be named too, whether the list is empty)."""
    prop = path.split(".")[0]
    groups = frozenset(d.urn for d in producers(resource, prop, *GROUP_TYPES))
    values = as_list(get(resource.props, path))
    if is_unknown(values):
        return groups, not groups, False
    known = [v for v in values if not is_unknown(v)]
    foreign = len(values) > len(groups)
    return groups, foreign, not values and not groups and not known


def vpc_of(resource: Any, props: Iterable[str]) -> Any:
    """The VPC a resource lives in: a VPC its subnets or groups were built from (directly or via a group)."""
    for prop in props:
        for d in producers(resource, prop):
            if d.resource_type in VPC_TYPES:
                return d
            if d.resource_type in GROUP_TYPES + (SUBNET,):
                vpc = next((v for v in producers(d, "vpcId") if v.resource_type in VPC_TYPES), None)
                if vpc is not None:
                    return vpc
    return None


def party(resource: Any, label: str, groups_path: str, subnets: Any, subnet_sources: frozenset,
          subnet_index: dict, by_urn: dict, ephemeral: tuple = (1024, 65535), vpc: Any = None) -> Party:
    """A party from where its groups and subnets are; ``subnets`` are the subnet ids (or UNKNOWN)."""
    groups, foreign, empty = group_list(resource, groups_path)
    vpc = vpc or vpc_of(resource, (groups_path.split(".")[0],))
    if empty:  # no group given: the VPC's default group applies (closed when the plan manages it)
        managed = [r for r in by_urn.values() if r.resource_type == DEFAULT_SECURITY_GROUP and vpc is not None
                   and any(v.urn == vpc.urn for v in producers(r, "vpcId"))]
        groups, foreign = (frozenset({managed[0].urn}), False) if managed else (groups, True)
    addresses = None
    if not is_unknown(subnets) and subnets and all(isinstance(s, str) and s in subnet_index for s in subnets):
        nets = _networks(subnet_index[s] for s in subnets)
        addresses = Addresses(nets, True) if nets else None
    if addresses is None and vpc is not None:
        nets = vpc_networks(vpc, by_urn)
        addresses = Addresses(nets, False) if nets else None
    return Party(resource, label, groups, foreign, subnets, subnet_sources, addresses, vpc, ephemeral)


def subnet_index(resources: Iterable[Any]) -> dict:
    """Subnet id -> CIDR for the plan's subnets whose id and CIDR are known (an update, or the real engine)."""
    out = {}
    for r in resources:
        if r.resource_type == SUBNET:
            sid, cidr = as_str(get(r.props, "id")), as_str(get(r.props, "cidrBlock"))
            if isinstance(sid, str) and isinstance(cidr, str):
                out[sid] = cidr
    return out


# ---- security group rules --------------------------------------------------------------------------------

@dataclass(frozen=True)
class GroupRule:
    group: str                 # URN of the group it belongs to
    direction: str             # "ingress" or "egress"
    protocol: Any              # "-1", "tcp", "udp", "icmp", a number, or UNKNOWN
    ports: Any                 # (low, high) or UNKNOWN
    peers: frozenset = frozenset()          # groups it admits, surely
    maybe_peers: frozenset = frozenset()    # groups it may admit (ids the plan cannot attribute)
    self_peer: bool = False
    cidrs: tuple = ()
    foreign_peer: bool = False  # a group from outside the stack (or one the plan cannot attribute)
    prefix_list: bool = False   # a managed prefix list: which addresses it holds is not judged
    source: str = ""           # name of the resource that declares it


def _protocol(value: Any) -> Any:
    if is_unknown(value):
        return value
    text = str(value).lower()
    return {"all": "-1", "6": "tcp", "17": "udp", "1": "icmp"}.get(text, text)


def _ports(protocol: Any, low: Any, high: Any) -> Any:
    if protocol == "-1":
        return ALL_PORTS
    low, high = as_int(low), as_int(high)
    if is_unknown(low) or is_unknown(high):
        return low if is_unknown(low) else high
    return (low if low is not None else 0, high if high is not None else 65535)


def _id_index(resources: list) -> dict:
    """Security group id -> URN, from every input that names exactly one group and was built from it."""
    out = {}
    for r in resources:
        for prop in ("securityGroupId", "referencedSecurityGroupId", "sourceSecurityGroupId"):
            value = as_str(get(r.props, prop))
            found = producers(r, prop, *GROUP_TYPES)
            if isinstance(value, str) and value and len(found) == 1:
                out[value] = found[0].urn
    return out


def _group_of(rule: Any, prop: str, ids: dict) -> Optional[str]:
    found = producers(rule, prop, *GROUP_TYPES)
    if len(found) == 1:
        return found[0].urn
    value = as_str(get(rule.props, prop))
    return ids.get(value) if isinstance(value, str) else None


def _inline_rules(sg: Any, ids: dict) -> list[GroupRule]:
    out = []
    for direction in ("ingress", "egress"):
        entries = as_list(get(sg.props, direction))
        if is_unknown(entries):
            out.append(GroupRule(sg.urn, direction, entries, entries, source=sg.name))
            continue
        # The groups this direction's entries were built from; with one entry naming groups they are its own.
        deps = frozenset(d.urn for d in producers(sg, direction, *GROUP_TYPES))
        naming = [e for e in entries if is_unknown(get(e, "securityGroups")) or as_list(get(e, "securityGroups"))]
        for e in entries:
            protocol = _protocol(get(e, "protocol"))
            values = as_list(get(e, "securityGroups"))
            peers, maybe, foreign = set(), set(), False
            if is_unknown(values) or any(not (isinstance(v, str) and v in ids) for v in values):
                if len(naming) == 1 and deps:
                    peers |= deps
                    foreign = not is_unknown(values) and len(values) > len(deps)
                else:
                    maybe |= deps
                    foreign = not deps
            peers |= {ids[v] for v in ([] if is_unknown(values) else values) if isinstance(v, str) and v in ids}
            cidrs = as_list(get(e, "cidrBlocks"))
            prefix = as_list(get(e, "prefixListIds"))
            out.append(GroupRule(sg.urn, direction, protocol,
                                 _ports(protocol, get(e, "fromPort"), get(e, "toPort")), frozenset(peers),
                                 frozenset(maybe), as_bool(get(e, "self"), False) is True,
                                 tuple(cidrs) if not is_unknown(cidrs) else (cidrs,),
                                 foreign, is_unknown(prefix) or bool(prefix), sg.name))
    return out


def _rule_resource(rule: Any, ids: dict) -> Optional[GroupRule]:
    t = rule.resource_type
    group = _group_of(rule, "securityGroupId", ids)
    if group is None:
        return None  # a rule of a group outside the stack: nothing of the plan uses it
    if t == SECURITY_GROUP_RULE:
        direction = as_str(get(rule.props, "type"))
        protocol = _protocol(get(rule.props, "protocol"))
        peer_prop, cidrs = "sourceSecurityGroupId", as_list(get(rule.props, "cidrBlocks"))
        self_peer = as_bool(get(rule.props, "self"), False) is True
        prefix = as_list(get(rule.props, "prefixListIds"))
        foreign_prefix = is_unknown(prefix) or bool(prefix)
    else:
        direction = "ingress" if t == INGRESS_RULE else "egress"
        protocol = _protocol(get(rule.props, "ipProtocol"))
        peer_prop, cidrs, self_peer = "referencedSecurityGroupId", [get(rule.props, "cidrIpv4")], False
        cidrs = [c for c in cidrs if c is not None]
        prefix = get(rule.props, "prefixListId")
        foreign_prefix = prefix is not None
    if is_unknown(direction):
        direction = "ingress"
    peer_value = get(rule.props, peer_prop)
    peer = _group_of(rule, peer_prop, ids) if peer_value is not None else None
    peers = frozenset({peer}) if peer else frozenset()
    if peer == group and t != SECURITY_GROUP_RULE:
        self_peer = True
    foreign = peer_value is not None and peer is None
    return GroupRule(group, direction, protocol, _ports(protocol, get(rule.props, "fromPort"),
                                                         get(rule.props, "toPort")),
                     peers, frozenset(), self_peer, tuple(cidrs) if not is_unknown(cidrs) else (cidrs,),
                     foreign, foreign_prefix, rule.name)


@dataclass
class Groups:
    """Every security group rule of the plan, by group."""

    rules: dict = field(default_factory=dict)   # group URN -> [GroupRule]
    names: dict = field(default_factory=dict)   # group URN -> name

    @classmethod
    def of(cls, resources: list) -> "Groups":
        ids = _id_index(resources)
        out = cls()
        for r in resources:
            if r.resource_type in GROUP_TYPES:
                out.names[r.urn] = r.name
                out.rules.setdefault(r.urn, []).extend(_inline_rules(r, ids))
            elif r.resource_type in (SECURITY_GROUP_RULE, INGRESS_RULE, EGRESS_RULE):
                found = _rule_resource(r, ids)
                if found is not None:
                    out.rules.setdefault(found.group, []).append(found)
        return out

    def label(self, groups: Iterable[str]) -> str:
        return ", ".join(sorted(self.names.get(g, g) for g in groups)) or "none"

    def admits(self, holder: Party, direction: str, port: int, peer: Party) -> str:
        """Whether a rule of ``holder``'s groups admits TCP ``port`` in ``direction`` from/to ``peer``."""
        verdicts = [self._rule_admits(r, port, peer) for g in holder.groups for r in self.rules.get(g, [])
                    if r.direction == direction]
        found = ALLOW if ALLOW in verdicts else UNDECIDED if UNDECIDED in verdicts else DENY
        if found == DENY and holder.foreign_groups:
            return UNDECIDED  # a group from outside the stack may admit it
        return found

    def _rule_admits(self, r: GroupRule, port: int, peer: Party) -> str:
        if is_unknown(r.protocol) or is_unknown(r.ports):
            return UNDECIDED
        if r.protocol not in ("-1", "tcp"):
            return DENY
        if not r.ports[0] <= port <= r.ports[1]:
            return DENY
        verdicts = []
        if r.peers & peer.groups or (r.self_peer and r.group in peer.groups):
            return ALLOW
        if r.maybe_peers & peer.groups:
            verdicts.append(UNDECIDED)
        if (r.foreign_peer and peer.foreign_groups) or r.prefix_list:
            verdicts.append(UNDECIDED)  # a group from outside the stack on both sides, or a prefix list
        for cidr in r.cidrs:
            verdicts.append(peer.addresses.relation(cidr) if peer.addresses else UNDECIDED)
        return ALLOW if ALLOW in verdicts else UNDECIDED if UNDECIDED in verdicts else DENY


# ---- network ACLs ----------------------------------------------------------------------------------------

@dataclass
class Acl:
    resource: Any
    entries: dict               # "ingress"/"egress" -> list of entry dicts (or UNKNOWN)
    subnet_ids: Any             # known ids, or UNKNOWN
    subnet_sources: frozenset   # URNs the subnet ids were built from
    default: bool = False       # the VPC's default ACL


def _entry(e: Any) -> dict:
    return {"rule": as_int(get(e, "ruleNo")), "action": as_str(get(e, "action")),
            "protocol": _protocol(get(e, "protocol")), "cidr": get(e, "cidrBlock"),
            "from": get(e, "fromPort"), "to": get(e, "toPort")}


def acls(resources: list) -> list[Acl]:
    """The plan's network ACLs with their entries (inline and ``networkAclRule``) and subnets."""
    found = {r.urn: Acl(r, {d: ([_entry(e) for e in as_list(get(r.props, d))]
                                if not is_unknown(as_list(get(r.props, d))) else as_list(get(r.props, d)))
                            for d in ("ingress", "egress")},
                        as_list(get(r.props, "subnetIds")),
                        frozenset(p.urn for p in producers(r, "subnetIds")), r.resource_type == DEFAULT_NETWORK_ACL)
             for r in resources if r.resource_type in (NETWORK_ACL, DEFAULT_NETWORK_ACL)}
    for r in resources:
        if r.resource_type == NETWORK_ACL_RULE:
            owner = next((found[p.urn] for p in producers(r, "networkAclId") if p.urn in found), None)
            if owner is None or is_unknown(owner.entries["egress"]):
                continue
            egress = as_bool(get(r.props, "egress"), False)
            owner.entries["egress" if egress is True else "ingress"].append(
                {"rule": as_int(get(r.props, "ruleNumber")), "action": as_str(get(r.props, "ruleAction")),
                 "protocol": _protocol(get(r.props, "protocol")), "cidr": get(r.props, "cidrBlock"),
                 "from": get(r.props, "fromPort"), "to": get(r.props, "toPort")})
        elif r.resource_type == NETWORK_ACL_ASSOCIATION:
            owner = next((found[p.urn] for p in producers(r, "networkAclId") if p.urn in found), None)
            if owner is None:
                continue
            sid = get(r.props, "subnetId")
            if isinstance(owner.subnet_ids, list) and not is_unknown(sid):
                owner.subnet_ids = [*owner.subnet_ids, sid]
            elif isinstance(owner.subnet_ids, list):
                owner.subnet_sources = owner.subnet_sources | {p.urn for p in producers(r, "subnetId")}
                owner.subnet_ids = [*owner.subnet_ids, sid]
    return list(found.values())


def acls_of(p: Party, all_acls: list[Acl]) -> tuple[list, bool]:
    """(the ACLs that may apply to the party's subnets - None standing for the VPC's unmanaged default ACL,
    whether that set is certain)."""
    custom = [a for a in all_acls if not a.default]
    default = next((a for a in all_acls if a.default and (p.vpc is None or
                                                          any(v.urn == p.vpc.urn for v in
                                                              producers(a.resource, "defaultNetworkAclId")))),
                   None)
    if not is_unknown(p.subnet_ids) and all(isinstance(s, str) for s in p.subnet_ids or []):
        out, certain = [], True
        for sid in p.subnet_ids or []:
            owners = [a for a in custom if isinstance(a.subnet_ids, list) and sid in a.subnet_ids]
            if owners:
                out.append(owners[0])
                continue
            unsure = [a for a in custom if is_unknown(a.subnet_ids) or any(is_unknown(s) for s in a.subnet_ids)]
            if unsure:
                out.extend(unsure)
                certain = False
            out.append(default)
        return _unique(out), certain
    # A first preview: the ids are unknown; ACLs whose subnets come from the same resource may apply.
    shared = [a for a in custom if a.subnet_sources & p.subnet_sources]
    return (_unique(shared) if shared else [default]), not shared


def _unique(items: list) -> list:
    seen, out = set(), []
    for i in items:
        key = id(i)
        if key not in seen:
            seen.add(key)
            out.append(i)
    return out


def acl_admits(acl: Optional[Acl], direction: str, ports: tuple, peer: Optional[Addresses]) -> str:
    """Whether ``acl`` lets TCP ``ports`` (a range, all of it) pass in ``direction`` from/to ``peer``."""
    if acl is None:
        return ALLOW  # the VPC's default ACL, unmanaged: allows all traffic (VPC user guide, "Default network ACL")
    entries = acl.entries[direction]
    if is_unknown(entries):
        return UNDECIDED
    if peer is None:
        return UNDECIDED
    remaining = [(n, ports[0], ports[1]) for n in peer.networks]
    allowed = denied = False
    ordered = sorted(entries, key=lambda e: e["rule"] if isinstance(e["rule"], int) else 0)
    for e in ordered:
        if any(is_unknown(e[k]) for k in ("rule", "action", "protocol", "cidr", "from", "to")):
            return UNDECIDED
        if e["protocol"] not in ("-1", "tcp"):
            continue
        try:
            net = ipaddress.ip_network(str(e["cidr"]), strict=False) if e["cidr"] else None
        except ValueError:
            continue
        if net is None or net.version != 4:
            continue
        low, high = (0, 65535) if e["protocol"] == "-1" else (as_int(e["from"], 0), as_int(e["to"], 65535))
        rest = []
        for piece, plo, phi in remaining:
            lo, hi = max(plo, low), min(phi, high)
            if lo > hi or not piece.overlaps(net):
                rest.append((piece, plo, phi))
                continue
            inner = piece if piece.subnet_of(net) else net
            if (e["action"] or "").lower() == "allow":
                allowed = True
            else:
                denied = True
            if inner != piece:
                rest.extend((n, plo, phi) for n in piece.address_exclude(inner))
            if plo < lo:
                rest.append((inner, plo, lo - 1))
            if hi < phi:
                rest.append((inner, hi + 1, phi))
        remaining = rest
        if not remaining:
            break
    if remaining:
        denied = True  # the implicit deny at the end of every ACL
    if not denied:
        return ALLOW
    if not allowed or peer.exact:
        return DENY
    return UNDECIDED
