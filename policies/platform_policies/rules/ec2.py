"""Amazon EC2 networking and storage: the awsx VPC and its NAT gateways, security groups, EBS volumes."""

from __future__ import annotations

from typing import Any, Optional

from pulumi_policy import Severity

from ..baseline import Baseline
from ..rule import ADVISORY, AVAILABILITY, MANDATORY, SECURITY, SIZING, Rule
from ..support.options import integer, options
from ..support.props import UNKNOWN, as_bool, as_int, as_list, as_mapping, as_str, get, is_unknown

AWSX_VPC = "awsx:ec2:Vpc"
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
SUBNET = "aws:ec2/subnet:Subnet"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EBS_VOLUME = "aws:ebs/volume:Volume"


# ---- availability: a NAT gateway per AZ (stack) ---------------------------------------------------------

NAT_CONFIG = {
    "defaultAzCount": integer("AZ count assumed for an awsx Vpc that states none (awsx default: 3).", 3, 1),
}


def _ancestors(resource, by_urn: dict) -> list:
    """URNs of the resource's ancestors, nearest first (tolerates missing parents)."""
    out, seen = [], set()
    parent = _parent_urn(resource)
    while parent and parent not in seen:
        seen.add(parent)
        out.append(parent)
        parent = _parent_urn(by_urn[parent]) if parent in by_urn else None
    return out


def _parent_urn(resource) -> Any:
    parent = getattr(resource, "parent", None)
    if parent is not None and getattr(parent, "urn", None):
        return parent.urn
    opts = getattr(resource, "opts", None)
    return getattr(opts, "parent", None) or None


def _public_nat(nat) -> bool:
    kind = as_str(get(nat.props, "connectivityType"), "public")
    return kind != "private"  # a private NAT gives no internet egress: not what this rule counts


def _nat_covers_all_azs(nat) -> bool:
    # A regional NAT gateway (availabilityMode "regional", 2025) spans every AZ of its VPC.
    return as_str(get(nat.props, "availabilityMode"), "zonal") == "regional"


def _vpc_az_count(vpc, subnets: list, default: int) -> Any:
    """AZs an awsx Vpc spans: its child subnets (real engine) or its inputs (mocks)."""
    azs = {as_str(get(s.props, "availabilityZone")) for s in subnets}
    azs.discard(None)
    if azs and UNKNOWN not in azs:
        return len(azs)
    names = as_list(get(vpc.props, "availabilityZoneNames"))
    if not is_unknown(names) and names:
        return len(names)
    count = as_int(get(vpc.props, "numberOfAvailabilityZones"))
    if is_unknown(count):
        return UNKNOWN
    return count if count else default


def validate_nat_gateway_per_az(args, report_violation) -> None:
    opts = options(args, NAT_CONFIG)
    default_azs = as_int(opts["defaultAzCount"], 3)
    resources = list(args.resources)
    by_urn = {r.urn: r for r in resources}
    vpcs = [r for r in resources if r.resource_type == AWSX_VPC]
    nats_by_vpc: dict[str, list] = {v.urn: [] for v in vpcs}
    subnets_by_vpc: dict[str, list] = {v.urn: [] for v in vpcs}
    has_children: set[str] = set()
    for r in resources:
        owner = next((u for u in _ancestors(r, by_urn) if u in nats_by_vpc), None)
        if owner is None:
            continue  # NATs outside an awsx Vpc: no AZ count to compare with (the platform has none)
        has_children.add(owner)
        if r.resource_type == NAT_GATEWAY:
            nats_by_vpc[owner].append(r)
        elif r.resource_type == SUBNET:
            subnets_by_vpc[owner].append(r)

    for vpc in vpcs:
        azs = _vpc_az_count(vpc, subnets_by_vpc[vpc.urn], default_azs)
        if is_unknown(azs):
            continue
        if vpc.urn in has_children:
            # Real engine: the Vpc's children exist - judge them, never the inputs too (also when they
            # disagree with the inputs, e.g. OnePerAz but one NAT child).  No public NAT child means no
            # private subnet depends on a NAT: passes, like strategy None.
            public = [n for n in nats_by_vpc[vpc.urn] if _public_nat(n)]
            if not public or any(_nat_covers_all_azs(n) for n in public):
                continue
            count, source = len(public), "NAT gateway resources"
        else:
            # Mocks: the remote component's children are not visible - judge the component inputs.
            strategy = as_str(get(vpc.props, "natGateways.strategy"), "OnePerAz")  # awsx default
            if is_unknown(strategy) or strategy in ("OnePerAz", "None"):
                continue  # None: private subnets have no NAT, so nothing depends on one AZ's NAT
            count, source = (1 if strategy == "Single" else 0), f"natGateways.strategy {strategy}"
        if count < azs:
            report_violation(f"VPC spans {azs} AZs but has {count} NAT gateway(s) ({source}); losing "
                             f"the NAT's AZ cuts egress for the others. Use natGateways.strategy OnePerAz.",
                             vpc.urn)


# ---- sizing: EBS volumes -------------------------------------------------------------------------------

EBS_CONFIG = {"maxVolumeGb": integer("Ceiling (GiB) for an EBS volume.", 500, 1)}


def validate_ebs_volume_size(args, report_violation) -> None:
    if args.resource_type != EBS_VOLUME:
        return
    ceiling = as_int(options(args, EBS_CONFIG)["maxVolumeGb"], 500)
    size = as_int(get(args.props, "size"))
    if not is_unknown(size) and size is not None and size > ceiling:
        report_violation(f"size {size} GiB is above this stack's ceiling of {ceiling} GiB.", None)


# ---- security: network exposure (stack: a rule must be matched to its security group) ------------------

INGRESS_CONFIG = {
    "allowedPublicPorts": {"type": "array", "items": {"type": "integer"}, "default": [80, 443],
                           "description": "Ports open to the internet on the edge (ALB) security group."},
    "edgeTagKey": {"type": "string", "default": "tier", "description": "Tag key marking the ALB security group."},
    "edgeTagValue": {"type": "string", "default": "edge", "description": "Tag value marking it."},
    "edgeDescriptionPrefix": {"type": "string", "default": "ALB",
                              "description": "Description prefix the ALB security group also has."},
}
OPEN_CIDRS = ("0.0.0.0/0", "::/0")


def _is_edge_group(sg, opts: dict) -> bool:
    tags = as_mapping(get(sg.props, "tags"))
    description = as_str(get(sg.props, "description"), "")
    if is_unknown(tags) or is_unknown(description):
        return False
    return (tags.get(opts["edgeTagKey"]) == opts["edgeTagValue"]
            and description.startswith(opts["edgeDescriptionPrefix"]))


def _port_range_ok(protocol: Any, low: Any, high: Any, allowed: list[int]) -> bool:
    """True when the rule opens only allowed TCP ports."""
    if str(protocol).lower() not in ("tcp", "6"):
        return False  # "-1"/all, udp, icmp ... never public
    if low is None or high is None:
        return False
    return low == high and low in allowed


def _owning_group(rule) -> Optional[Any]:
    """The security group a standalone rule attaches to, via its securityGroupId dependency."""
    deps = getattr(rule, "property_dependencies", None) or {}
    for dep in deps.get("securityGroupId", []) or []:
        if getattr(dep, "resource_type", None) == SECURITY_GROUP:
            return dep
    for dep in getattr(rule, "dependencies", None) or []:  # fallback when property deps are absent
        if getattr(dep, "resource_type", None) == SECURITY_GROUP:
            return dep
    return None


def _ingress_entries(r) -> list[tuple[Any, Any, Any, list]]:
    """(protocol, fromPort, toPort, open cidrs) for each ingress a resource declares."""
    t, p = r.resource_type, r.props

    def cidr_lists(obj) -> list:
        out = []
        for key in ("cidrBlocks", "ipv6CidrBlocks"):
            values = as_list(get(obj, key))
            out.extend([] if is_unknown(values) else values)
        return out

    entries = []
    if t == SECURITY_GROUP:
        rules = as_list(get(p, "ingress"))
        for rule in ([] if is_unknown(rules) else rules):
            entries.append((as_str(get(rule, "protocol")), as_int(get(rule, "fromPort")),
                            as_int(get(rule, "toPort")), cidr_lists(rule)))
    elif t == SECURITY_GROUP_RULE and as_str(get(p, "type")) == "ingress":
        entries.append((as_str(get(p, "protocol")), as_int(get(p, "fromPort")), as_int(get(p, "toPort")),
                        cidr_lists(p)))
    elif t == INGRESS_RULE:
        cidrs = [c for c in (get(p, "cidrIpv4"), get(p, "cidrIpv6")) if c]
        entries.append((as_str(get(p, "ipProtocol")), as_int(get(p, "fromPort")), as_int(get(p, "toPort")), cidrs))
    return entries


def validate_no_open_ingress(args, report_violation) -> None:
    opts = options(args, INGRESS_CONFIG)
    allowed = [as_int(x) for x in opts["allowedPublicPorts"]]
    for r in args.resources:
        for protocol, low, high, cidrs in _ingress_entries(r):
            open_cidrs = [c for c in cidrs if not is_unknown(c) and c in OPEN_CIDRS]
            if not open_cidrs:
                continue
            if any(is_unknown(v) for v in (protocol, low, high)):
                continue
            group = r if r.resource_type == SECURITY_GROUP else _owning_group(r)
            edge = group is not None and _is_edge_group(group, opts)
            if edge and _port_range_ok(protocol, low, high, allowed):
                continue
            ports = f"{protocol} {low}-{high}"
            where = ("the edge (ALB) security group only allows ports "
                     f"{', '.join(map(str, allowed))}" if edge
                     else "only the ALB security group (tag tier=edge, description 'ALB...') may take "
                          "internet ingress")
            report_violation(f"Ingress {ports} from {', '.join(open_cidrs)}: {where}.", r.urn)


# ---- checks of cross-service rules (cross_service.py) ----------------------------------------------------

def volume_encrypted(args, report_violation, opts) -> None:
    if as_bool(get(args.props, "encrypted"), False) is False:
        report_violation("encrypted is not true.", None)


SHARED_CHECKS = {"encryption-at-rest": {EBS_VOLUME: volume_encrypted}}


RULES = [
    Rule(name="nat-gateway-per-az", area=AVAILABILITY, resource_types=(AWSX_VPC, NAT_GATEWAY, SUBNET), stack=True,
         description="Each awsx VPC has a NAT gateway in every AZ it spans (or a regional NAT gateway).",
         validate=validate_nat_gateway_per_az, level=ADVISORY, severity=Severity.MEDIUM,
         remediation="Use natGateways.strategy=OnePerAz on the awsx Vpc (settings multiAz.natGatewayPerAz).",
         config=NAT_CONFIG),
    Rule(name="ebs-volume-size-limit", area=SIZING, resource_types=(EBS_VOLUME,),
         description="EBS volumes stay under the stack's size ceiling.",
         validate=validate_ebs_volume_size, level=MANDATORY, severity=Severity.LOW,
         remediation="Use a smaller volume or raise maxVolumeGb.", config=EBS_CONFIG),
    Rule(name="no-open-ingress", area=SECURITY, resource_types=(SECURITY_GROUP, SECURITY_GROUP_RULE, INGRESS_RULE),
         stack=True,
         description="No ingress from 0.0.0.0/0 or ::/0 except allowed ports on the ALB (tier=edge) security group.",
         validate=validate_no_open_ingress, level=MANDATORY, severity=Severity.CRITICAL,
         remediation="Allow internet traffic only on the ALB security group (tag tier=edge, description starting "
                     "'ALB') on ports 80/443; reference security groups elsewhere.", config=INGRESS_CONFIG,
         anchors=("AwsSolutions-EC23", "CKV_AWS_24", "CKV_AWS_25",
                  "aws-ec2-securitygroup-disallow-public-internet-ingress")),
]

# Public checks on Amazon EC2 and VPC and what the pack does with each (baseline.py; docs/policies.md).
BASELINE = Baseline(
    service='Amazon EC2 and VPC',
    resource_types=(
        'awsx:ec2:Vpc',
        'aws:ec2/vpc:Vpc',
        'aws:ec2/subnet:Subnet',
        'aws:ec2/routeTable:RouteTable',
        'aws:ec2/routeTableAssociation:RouteTableAssociation',
        'aws:ec2/route:Route',
        'aws:ec2/internetGateway:InternetGateway',
        'aws:ec2/natGateway:NatGateway',
        'aws:ec2/eip:Eip',
        'aws:ec2/securityGroup:SecurityGroup',
        'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule',
        'aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule',
        'aws:ec2/networkAcl:NetworkAcl',
        'aws:ec2/flowLog:FlowLog',
        'aws:ec2/vpcEndpoint:VpcEndpoint',
        'aws:ebs/volume:Volume',
    ),
    covered={
        'AwsSolutions-EC26': ('encryption-at-rest',),
        'CKV_AWS_3': ('encryption-at-rest',),
        'aws-ebs-volume-disallow-unencrypted-volume': ('encryption-at-rest',),
        'AwsSolutions-EC23': ('no-open-ingress',),
        'CKV_AWS_24': ('no-open-ingress',),
        'CKV_AWS_25': ('no-open-ingress',),
        'aws-ec2-securitygroup-disallow-public-internet-ingress': ('no-open-ingress',),
    },
)
