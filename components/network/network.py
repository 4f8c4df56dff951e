"""Network tier: the VPC every other tier runs in.

An awsx ``Vpc`` over AZs chosen by zone ID (``choose_zones``: never a zone a service of
the stack is not offered in, platform_policies/facts/zones.py) with an explicit subnet
layout (public + private subnet per AZ, NAT gateway per AZ or a single one), VPC endpoints
for the AWS APIs the tasks call (created here as plain ``aws.ec2.VpcEndpoint`` resources so
policies and the cost model see them under mocks, where awsx children are hidden), VPC flow
logs to CloudWatch Logs, and one network ACL per subnet tier.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx
from platform_policies.facts.zones import FEATURES, ZONE_IDS_TAG, not_offered, reported_not_offered

from ..shared.tags import tier_tags

TIER = "network"

# Interface endpoints the Fargate tasks need without going through a NAT gateway:
# image pulls (ecr.api, ecr.dkr; layers come from S3 via the gateway endpoint),
# awslogs (logs), secrets injection (secretsmanager) and role credentials (sts).
INTERFACE_ENDPOINT_SERVICES = ("ecr.api", "ecr.dkr", "logs", "secretsmanager", "sts")

# Stable layout inside the /16: AZ slot i always gets the same CIDRs, whatever the
# AZ count, so going from 2 to 3 AZs only adds subnets.  Private /19 (8,187 usable
# addresses; awsvpc tasks take one IP each) in the lower half, public /22 in the
# upper half (ALB and NAT only).  Room for MAX_AZS slots; the rest stays free.
PRIVATE_PREFIX = 19
PUBLIC_PREFIX = 22
MAX_AZS = 4

# NACLs are stateless: replies to outbound connections (NAT, endpoints, internet)
# come back on the client's ephemeral ports.  AWS recommends 1024-65535 (Amazon VPC
# User Guide, "Control subnet traffic with network ACLs" - ephemeral ports; read 2026-11).
EPHEMERAL_PORTS = (1024, 65535)


@dataclass
class NetworkArgs:
    """Inputs of the network tier."""

    stack: str
    """Stack name, in Name tags and the flow-log group name."""
    region: str
    """Region of the VPC: endpoint service names and the flow-log role's trust condition."""
    base_tags: Mapping[str, str]
    """Tags of every resource; the tier adds ``service`` and ``tier``."""
    vpc_cidr: str = "10.0.0.0/16"
    """The VPC's /16 block."""
    az_count: int = 3
    """Availability zones (1 to MAX_AZS) when none are pinned."""
    nat_gateway_per_az: bool = True
    """One NAT gateway per AZ; False = a single one."""
    log_retention_days: int = 30
    """Retention of the flow-log group."""
    availability_zone_names: Optional[Sequence[str]] = None
    """Pin the AZs by name (this account's names); None = choose them (see choose_zones)."""
    availability_zone_ids: Optional[Sequence[str]] = None
    """Pin the AZs by zone ID (use1-az1, the same in every account); wins over availability_zone_names."""
    zone_features: Sequence[str] = tuple(FEATURES)
    """What the stack places in this VPC's subnets whose offer differs by zone ID (keys of
    platform_policies.facts.zones.FEATURES): the zones one of them is not offered in are never chosen."""
    flow_log_traffic_type: str = "ALL"
    """VPC flow log traffic type: ACCEPT, REJECT or ALL."""


def subnet_layout(vpc_cidr: str, az_count: int) -> dict[str, list[str]]:
    """CIDR blocks per subnet type, indexed by AZ slot (stable across AZ counts)."""
    if not 1 <= az_count <= MAX_AZS:
        raise ValueError(f"az_count must be 1..{MAX_AZS}, got {az_count}")
    vpc = ipaddress.ip_network(vpc_cidr)
    lower, upper = vpc.subnets(prefixlen_diff=1)
    private = list(lower.subnets(new_prefix=PRIVATE_PREFIX))[:az_count]
    public = list(upper.subnets(new_prefix=PUBLIC_PREFIX))[:az_count]
    return {"Private": [str(n) for n in private], "Public": [str(n) for n in public]}


class ZoneChoiceError(pulumi.RunError):
    """The AZs cannot be chosen as configured (the account's zones decide: known only once the invoke ran)."""


@dataclass(frozen=True)
class ZonePlacement:
    """The VPC's AZs: ``names`` (what the subnets take) index-aligned with ``zone_ids``."""

    names: list[str]
    zone_ids: list[str]


def _account_zones(exclude_zone_ids: Sequence[str] = ()) -> list[tuple[str, str]]:
    """(name, zone ID) of the region's available AZs in name order.  Opt-in zones (Local/Wavelength) are left
    out: they lack NAT gateways and endpoints."""
    zones = aws.get_availability_zones(
        state="available",
        filters=[aws.GetAvailabilityZonesFilterArgs(name="opt-in-status", values=["opt-in-not-required"])],
        exclude_zone_ids=list(exclude_zone_ids) or None,
    )
    return list(zip(zones.names, zones.zone_ids))


def _pinned(region: str, wanted: Sequence[str], key: str, index: int, excluded: Sequence[str]) -> ZonePlacement:
    """The pinned AZs (``index`` 0: by name, 1: by zone ID) looked up in the account."""
    zones = _account_zones()
    by_key = {z[index]: z for z in zones}
    missing = [w for w in wanted if w not in by_key]
    if missing:
        usable = sorted(z[index] for z in zones if z[1] not in excluded)
        raise ZoneChoiceError(
            f"{key}: {', '.join(missing)} is not an Availability Zone of {region} this account can use without "
            f"opt-in; allowed: {', '.join(usable)}")
    chosen = [by_key[w] for w in wanted]
    refused = [zid for _, zid in chosen if zid in excluded]
    if refused:
        raise ZoneChoiceError(f"{key}: {', '.join(refused)} is a zone a service of the stack is not offered in "
                              f"(platform_policies/facts/zones.py); allowed: other zones of {region}")
    return ZonePlacement([n for n, _ in chosen], [z for _, z in chosen])


def choose_zones(region: str, count: int, features: Sequence[str] = tuple(FEATURES),
                 zone_ids: Optional[Sequence[str]] = None, names: Optional[Sequence[str]] = None) -> ZonePlacement:
    """The VPC's AZs.  Pinned zone IDs (or names) as given; else the first ``count`` AZs in name order among
    those every feature is offered in: documented exceptions are excluded in the invoke, zones only reported
    are taken last.  Names stay index-aligned with the zone IDs and in name order, so an account whose first
    names were fine keeps the names (and subnets) it had."""
    excluded = not_offered(features, region)
    if zone_ids:
        return _pinned(region, zone_ids, "availabilityZoneIds", 1, excluded)
    if names:
        return _pinned(region, names, "availability_zone_names", 0, excluded)
    zones = _account_zones(excluded)
    avoided = set(reported_not_offered(features, region))
    preferred = [z for z in zones if z[1] not in avoided] + [z for z in zones if z[1] in avoided]
    chosen = sorted(preferred[:count], key=zones.index)
    if len(chosen) < count:
        offered = ", ".join(FEATURES.get(f, f) for f in features) or "the stack's services"
        raise ZoneChoiceError(
            f"azCount: {region} has {len(chosen)} Availability Zone(s) without opt-in that offer {offered} "
            f"in this account; azCount is {count}; allowed: azCount at most {len(chosen)}, or another region")
    return ZonePlacement([n for n, _ in chosen], [z for _, z in chosen])


def _private_route_table_ids(tables: Sequence[aws.ec2.RouteTable]) -> pulumi.Output[list[str]]:
    """IDs of the awsx route tables of private subnets (awsx tags them SubnetType=Private)."""
    pairs = [pulumi.Output.all(t.id, t.tags) for t in tables]
    return pulumi.Output.all(*pairs).apply(
        lambda ps: [rid for rid, tags in ps if (tags or {}).get("SubnetType") == "Private"])


class Network(pulumi.ComponentResource):
    """VPC, subnets, NAT, endpoints, flow logs and NACLs."""

    vpc_id: pulumi.Output[str]
    public_subnet_ids: pulumi.Output[list[str]]
    private_subnet_ids: pulumi.Output[list[str]]
    az_names: list[str]
    az_ids: list[str]
    vpc_cidr: str
    endpoint_security_group_id: pulumi.Output[str]
    flow_log_group_name: pulumi.Output[str]

    def __init__(self, name: str, args: NetworkArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("platform:network:Network", name, None, opts)
        tags = tier_tags(args.base_tags, TIER)
        child = pulumi.ResourceOptions(parent=self)

        placement = choose_zones(args.region, args.az_count, args.zone_features,
                                 zone_ids=args.availability_zone_ids, names=args.availability_zone_names)
        self.az_names, self.az_ids = placement.names, placement.zone_ids
        self.vpc_cidr = args.vpc_cidr
        layout = subnet_layout(args.vpc_cidr, len(self.az_names))

        nat_strategy = (awsx.ec2.NatGatewayStrategy.ONE_PER_AZ if args.nat_gateway_per_az
                        else awsx.ec2.NatGatewayStrategy.SINGLE)
        self.vpc = awsx.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.vpc_cidr,
            availability_zone_names=self.az_names,
            subnet_strategy=awsx.ec2.SubnetAllocationStrategy.AUTO,
            subnet_specs=[
                awsx.ec2.SubnetSpecArgs(type=awsx.ec2.SubnetType.PUBLIC, name="public",
                                        cidr_mask=PUBLIC_PREFIX, cidr_blocks=layout["Public"]),
                awsx.ec2.SubnetSpecArgs(type=awsx.ec2.SubnetType.PRIVATE, name="private",
                                        cidr_mask=PRIVATE_PREFIX, cidr_blocks=layout["Private"]),
            ],
            nat_gateways=awsx.ec2.NatGatewayConfigurationArgs(strategy=nat_strategy),
            # Private DNS of interface endpoints needs both.
            enable_dns_hostnames=True,
            enable_dns_support=True,
            # The zone IDs behind availabilityZoneNames, for the plan to show (subnets are hidden under mocks).
            tags={**tags, ZONE_IDS_TAG: " ".join(self.az_ids)},
            opts=child,
        )
        self.vpc_id = self.vpc.vpc_id
        self.public_subnet_ids = self.vpc.public_subnet_ids
        self.private_subnet_ids = self.vpc.private_subnet_ids

        self._endpoints(name, args, tags)
        self._flow_logs(name, args, tags)
        self._network_acls(name, tags)

        self.register_outputs({
            "vpc_id": self.vpc_id,
            "public_subnet_ids": self.public_subnet_ids,
            "private_subnet_ids": self.private_subnet_ids,
            "az_names": self.az_names,
            "az_ids": self.az_ids,
            "vpc_cidr": self.vpc_cidr,
            "endpoint_security_group_id": self.endpoint_security_group_id,
        })

    # ---- VPC endpoints ---------------------------------------------------------------
    def _endpoints(self, name: str, args: NetworkArgs, tags: dict[str, str]) -> None:
        child = pulumi.ResourceOptions(parent=self)
        self.endpoint_security_group = aws.ec2.SecurityGroup(
            f"{name}-endpoints-sg",
            vpc_id=self.vpc_id,
            description="Interface VPC endpoints: HTTPS from inside the VPC only",
            tags={**tags, "Name": f"{args.stack}-vpc-endpoints"},
            opts=child,
        )
        self.endpoint_security_group_id = self.endpoint_security_group.id
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-endpoints-https",
            security_group_id=self.endpoint_security_group.id,
            ip_protocol="tcp", from_port=443, to_port=443,
            cidr_ipv4=args.vpc_cidr,
            description="HTTPS from the VPC",
            tags=tags,
            opts=child,
        )
        self.endpoints: dict[str, aws.ec2.VpcEndpoint] = {}
        self.endpoints["s3"] = aws.ec2.VpcEndpoint(
            f"{name}-s3",
            vpc_id=self.vpc_id,
            service_name=f"com.amazonaws.{args.region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=self.vpc.route_tables.apply(_private_route_table_ids),
            tags={**tags, "Name": f"{args.stack}-s3"},
            opts=child,
        )
        for svc in INTERFACE_ENDPOINT_SERVICES:
            slug = svc.replace(".", "-")
            self.endpoints[svc] = aws.ec2.VpcEndpoint(
                f"{name}-{slug}",
                vpc_id=self.vpc_id,
                service_name=f"com.amazonaws.{args.region}.{svc}",
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=self.private_subnet_ids,
                security_group_ids=[self.endpoint_security_group.id],
                tags={**tags, "Name": f"{args.stack}-{slug}"},
                opts=child,
            )

    # ---- flow logs -------------------------------------------------------------------
    def _flow_logs(self, name: str, args: NetworkArgs, tags: dict[str, str]) -> None:
        child = pulumi.ResourceOptions(parent=self)
        group = aws.cloudwatch.LogGroup(
            f"{name}-flow-logs",
            name=f"/vpc/{args.stack}/flow-logs",
            retention_in_days=args.log_retention_days,
            tags=tags,
            opts=child,
        )
        self.flow_log_group_name = group.name
        account = aws.get_caller_identity_output().account_id
        trust = account.apply(lambda acct: json.dumps({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                "Action": "sts:AssumeRole",
                # Confused-deputy guard: only flow logs of this account and region.
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": acct},
                    "ArnLike": {"aws:SourceArn": f"arn:aws:ec2:{args.region}:{acct}:vpc-flow-log/*"},
                },
            }],
        }))
        role = aws.iam.Role(f"{name}-flow-logs-role", assume_role_policy=trust, tags=tags, opts=child)
        write = aws.iam.RolePolicy(
            f"{name}-flow-logs-write",
            role=role.id,
            policy=group.arn.apply(lambda arn: json.dumps({
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow",
                     "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                     "Resource": [arn, f"{arn}:*"]},
                    # DescribeLogGroups has no resource-level permissions.
                    {"Effect": "Allow", "Action": "logs:DescribeLogGroups", "Resource": "*"},
                ],
            })),
            opts=child,
        )
        self.flow_log = aws.ec2.FlowLog(
            f"{name}-flow-log",
            vpc_id=self.vpc_id,
            traffic_type=args.flow_log_traffic_type,
            log_destination_type="cloud-watch-logs",
            log_destination=group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=600,
            tags=tags,
            # Only the role ARN links the flow log to the role; without the policy in place the
            # first deliveries fail ("Access error" on the flow log), so wait for it.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[write]),
        )
        # Adopt the VPC's default security group with no rules: anything launched without a group of its
        # own gets no traffic (policy default-security-group-closed, Checkov CKV2_AWS_12).
        self.default_security_group = aws.ec2.DefaultSecurityGroup(
            f"{name}-default-sg",
            vpc_id=self.vpc_id,
            tags={**tags, "Name": f"{name}-default-closed"},
            opts=child,
        )

    # ---- network ACLs ----------------------------------------------------------------
    def _network_acls(self, name: str, tags: dict[str, str]) -> None:
        child = pulumi.ResourceOptions(parent=self)
        lo, hi = EPHEMERAL_PORTS
        vpc_cidr = self.vpc_cidr

        def rule(no: int, proto: str, cidr: str, ports: tuple[int, int] = (0, 0)) -> dict:
            return {"rule_no": no, "action": "allow", "protocol": proto, "cidr_block": cidr,
                    "from_port": ports[0], "to_port": ports[1]}

        egress_all = [rule(100, "-1", "0.0.0.0/0")]
        # Public tier: the ALB takes HTTP(S) from anywhere; NAT gateways forward VPC traffic
        # and receive the replies on ephemeral ports.
        self.public_acl = aws.ec2.NetworkAcl(
            f"{name}-public-acl",
            vpc_id=self.vpc_id,
            subnet_ids=self.public_subnet_ids,
            ingress=[rule(100, "tcp", "0.0.0.0/0", (443, 443)),
                     rule(110, "tcp", "0.0.0.0/0", (80, 80)),
                     rule(120, "-1", vpc_cidr),
                     rule(130, "tcp", "0.0.0.0/0", (lo, hi)),
                     rule(140, "udp", "0.0.0.0/0", (lo, hi))],
            egress=egress_all,
            tags={**tags, "Name": f"{name}-public"},
            opts=child,
        )
        # Private tier: anything from inside the VPC; from outside only replies (via NAT).
        self.private_acl = aws.ec2.NetworkAcl(
            f"{name}-private-acl",
            vpc_id=self.vpc_id,
            subnet_ids=self.private_subnet_ids,
            ingress=[rule(100, "-1", vpc_cidr),
                     rule(110, "tcp", "0.0.0.0/0", (lo, hi)),
                     rule(120, "udp", "0.0.0.0/0", (lo, hi))],
            egress=egress_all,
            tags={**tags, "Name": f"{name}-private"},
            opts=child,
        )


__all__ = ["Network", "NetworkArgs", "ZoneChoiceError", "ZonePlacement", "choose_zones", "subnet_layout",
           "INTERFACE_ENDPOINT_SERVICES"]
