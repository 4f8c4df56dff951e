"""Network tier: NAT gateways, public IPv4 addresses, interface endpoints, the awsx Vpc and load balancers."""

from __future__ import annotations

from typing import Optional

from ..context import EstimateContext
from ..priced import prices
from ..resources import Res, known_list, num, truthy


AWSX_VPC = "awsx:ec2:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
EIP = "aws:ec2/eip:Eip"


def _awsx_vpc_azs(ctx: EstimateContext, vpc: Res) -> int:
    """AZs an awsx Vpc spans: its child subnets (real engine), else its inputs (mocks), else 3."""
    azs = {k.inputs.get("availabilityZone") for k in ctx.descendants(vpc.urn) if k.type == SUBNET}
    azs.discard(None)
    if azs:
        return len(azs)
    names = known_list(vpc.inputs.get("availabilityZoneNames"))
    if names:
        return len(names)
    n = num(vpc.inputs.get("numberOfAvailabilityZones"))
    return int(n) if n else 3  # awsx default (awsx/ec2/vpc.ts getDefaultAzs)


def _vpc_az_count(ctx: EstimateContext) -> Optional[int]:
    vpc = next((r for r in ctx.resources if r.type == AWSX_VPC), None)
    return None if vpc is None else _awsx_vpc_azs(ctx, vpc)


def _stack_az_count(ctx: EstimateContext) -> int:
    n = _vpc_az_count(ctx)
    if n is None:
        n = 2
        ctx.assume("AZ count unknown (no awsx Vpc): interface endpoints/ALB IPv4 priced for 2 AZs")
    return n


@prices("aws:ec2/natGateway:NatGateway")
def _nat(ctx: EstimateContext, r: Res) -> None:
    ctx.add(r, "NAT gateway", ctx.hours, "NAT gateway-hour", "nat/hour")
    ctx.nat_seen = True


@prices("aws:ec2/eip:Eip")
def _eip(ctx: EstimateContext, r: Res) -> None:
    ctx.add(r, "public IPv4 address (Elastic IP)", ctx.hours, "IPv4-hour", "ipv4/hour")


def _interface_endpoint(ctx: EstimateContext, r: Res, service_name: str, azs: int, resource: str,
                        type_: Optional[str] = None) -> None:
    ctx.add(r, f"VPC interface endpoint {service_name} x {azs} AZ", azs * ctx.hours, "endpoint-AZ-hour",
            "vpce/interface/az-hour", resource=resource, type_=type_)
    ctx.vpce_seen = True


@prices("aws:ec2/vpcEndpoint:VpcEndpoint")
def _vpce(ctx: EstimateContext, r: Res) -> None:
    etype = r.inputs.get("vpcEndpointType") or "Gateway"
    if etype == "Gateway":
        ctx.count_free(r.type + " (Gateway)")
        return
    if etype != "Interface":
        ctx.not_priced(r, f"VPC endpoint type {etype} is not in the catalog")
        return
    subnets = known_list(r.inputs.get("subnetIds"))
    azs = len(subnets) if subnets else _stack_az_count(ctx)
    _interface_endpoint(ctx, r, str(r.inputs.get("serviceName") or "?").split(".")[-1], azs, r.name)


@prices("awsx:ec2:Vpc")
def _awsx_vpc(ctx: EstimateContext, r: Res) -> None:
    """Price what awsx creates for this Vpc - only when none of its children is in the graph.

    Under mocks the remote component has no children, so its NAT gateways, their Elastic IPs
    and its vpcEndpointSpecs are priced from its inputs, with the names and types awsx 3.x gives
    them (`<vpc>-<az index>`, awsx/ec2/vpc.ts; read 2026-11).  Under the real engine the
    children are the truth, whatever the inputs say: they are priced by their own pricers and
    nothing is added here - also not for a kind that is absent (e.g. no NAT child although the
    strategy says OnePerAz), so inputs and children are never mixed and never counted twice.
    """
    if ctx.descendants(r.urn):
        return
    azs = _awsx_vpc_azs(ctx, r)
    nat_cfg = r.inputs.get("natGateways") if isinstance(r.inputs.get("natGateways"), dict) else {}
    strategy = nat_cfg.get("strategy") or "OnePerAz"  # awsx default (awsx/ec2/vpc.ts)
    nat_count = {"oneperaz": azs, "single": 1, "none": 0}.get(str(strategy).lower(), azs)
    # awsx creates an EIP per NAT gateway unless natGateways.elasticIpAllocationIds are given;
    # those addresses belong to another stack and are billed there.
    make_eips = not (nat_cfg.get("elasticIpAllocationIds") or [])
    for i in range(nat_count):
        child = f"{r.name}-{i + 1}"
        ctx.add(r, f"NAT gateway (awsx {strategy}, from Vpc inputs)", ctx.hours, "NAT gateway-hour", "nat/hour",
                resource=child, type_=NAT_GATEWAY)
        ctx.nat_seen = True
        if make_eips:
            ctx.add(r, "public IPv4 address (NAT Elastic IP, from Vpc inputs)", ctx.hours, "IPv4-hour",
                    "ipv4/hour", resource=child, type_=EIP)
    # vpcEndpointSpecs (the platform creates its endpoints outside awsx, as plain resources)
    for i, spec in enumerate(known_list(r.inputs.get("vpcEndpointSpecs")) or []):
        if not isinstance(spec, dict):
            continue
        etype = spec.get("vpcEndpointType") or "Gateway"
        svc_name = str(spec.get("serviceName") or f"endpoint-{i + 1}").split(".")[-1]
        if etype == "Gateway":
            ctx.count_free("aws:ec2/vpcEndpoint:VpcEndpoint (Gateway)")
            continue
        if etype != "Interface":
            ctx.not_priced(r, f"vpcEndpointSpecs[{i}] type {etype} is not in the catalog")
            continue
        subnets = known_list(spec.get("subnetIds"))
        _interface_endpoint(ctx, r, svc_name, len(subnets) if subnets else azs,
                            str(spec.get("serviceName") or svc_name), type_="aws:ec2/vpcEndpoint:VpcEndpoint")


@prices("aws:lb/loadBalancer:LoadBalancer")
def _lb(ctx: EstimateContext, r: Res) -> None:
    lbtype = r.inputs.get("loadBalancerType") or "application"
    if lbtype != "application":
        ctx.not_priced(r, f"{lbtype} load balancer is not in the catalog")
        return
    ctx.add(r, "Application Load Balancer", ctx.hours, "ALB-hour", "alb/hour")
    lcu = ctx.use("alb", "lcuPerHour")
    if lcu:
        ctx.add(r, f"ALB LCUs ({lcu:g} LCU average)", lcu * ctx.hours, "LCU-hour", "alb/lcu-hour", kind="usage",
                usage={"alb.lcuPerHour": lcu})
    if not truthy(r.inputs.get("internal")):
        subnets = known_list(r.inputs.get("subnets")) or known_list(r.inputs.get("subnetMappings"))
        n = len(subnets) if subnets else _stack_az_count(ctx)
        ctx.add(r, f"public IPv4 addresses (internet-facing ALB, {n} AZ)", n * ctx.hours, "IPv4-hour",
                "ipv4/hour")
