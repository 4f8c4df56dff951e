"""Network tier under mocks: AZ spread, NAT strategy, stable subnet layout, endpoints,
flow logs, NACLs and tags - for prod and dev."""

from __future__ import annotations

import ipaddress
import json
from functools import lru_cache

import pytest

from _helpers import base_tags
from conftest import run_mocked
from components.network.network import INTERFACE_ENDPOINT_SERVICES, Network, NetworkArgs, subnet_layout

VPC = "awsx:ec2:Vpc"
VPCE = "aws:ec2/vpcEndpoint:VpcEndpoint"
REQUIRED_TAGS = {"service", "tier", "stack", "cost-center"}


def network_args(stack: str, **changes) -> NetworkArgs:
    """prod: the defaults (3 AZs, a NAT gateway per AZ); dev: 2 AZs, one NAT gateway, 7-day logs."""
    dev = {} if stack == "prod" else dict(vpc_cidr="10.1.0.0/16", az_count=2, nat_gateway_per_az=False,
                                          log_retention_days=7)
    return NetworkArgs(stack=stack, region="us-east-1", base_tags=base_tags(stack), **{**dev, **changes})


@lru_cache(maxsize=None)
def _run(stack: str):
    s = network_args(stack)

    def build():
        n = Network("network", s)
        return {"vpc_id": n.vpc_id, "private": n.private_subnet_ids, "public": n.public_subnet_ids,
                "azs": n.az_names, "cidr": n.vpc_cidr}

    return s, run_mocked(build, stack=stack)


@pytest.mark.parametrize("stack,azs,nat", [("prod", 3, "OnePerAz"), ("dev", 2, "Single")])
def test_vpc_inputs_carry_az_spread_and_nat_strategy(stack, azs, nat):
    s, g = _run(stack)
    vpc = g.one(VPC)["inputs"]
    assert len(vpc["availabilityZoneNames"]) == azs == s.az_count
    assert vpc["natGateways"] == {"strategy": nat}
    assert vpc["cidrBlock"] == s.vpc_cidr
    assert vpc["enableDnsHostnames"] is True and vpc["enableDnsSupport"] is True
    # Explicit layout: every spec lists one CIDR per AZ.
    specs = {sp["type"]: sp for sp in vpc["subnetSpecs"]}
    assert set(specs) == {"Public", "Private"}
    for sp in specs.values():
        assert len(sp["cidrBlocks"]) == azs
        assert all(ipaddress.ip_network(c).prefixlen == sp["cidrMask"] for c in sp["cidrBlocks"])
    assert g.outputs["azs"] == vpc["availabilityZoneNames"]
    assert len(g.outputs["private"]) == len(g.outputs["public"]) == azs


def test_subnet_layout_is_stable_across_az_counts_and_does_not_overlap():
    two, three = subnet_layout("10.0.0.0/16", 2), subnet_layout("10.0.0.0/16", 3)
    for kind in ("Public", "Private"):
        assert three[kind][:2] == two[kind], "adding an AZ must not move existing subnets"
    nets = [ipaddress.ip_network(c) for kind in three.values() for c in kind]
    vpc = ipaddress.ip_network("10.0.0.0/16")
    assert all(n.subnet_of(vpc) for n in nets)
    assert not any(a.overlaps(b) for i, a in enumerate(nets) for b in nets[i + 1:])
    assert ipaddress.ip_network(three["Private"][0]).num_addresses >= 8192
    with pytest.raises(ValueError):
        subnet_layout("10.0.0.0/16", 5)


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_vpc_endpoints_are_private_and_reach_only_from_the_vpc(stack):
    s, g = _run(stack)
    endpoints = {e["inputs"]["serviceName"]: e["inputs"] for e in g.of_type(VPCE)}
    region = s.region
    assert endpoints[f"com.amazonaws.{region}.s3"]["vpcEndpointType"] == "Gateway"
    sg = g.one("aws:ec2/securityGroup:SecurityGroup", "network-endpoints-sg")
    for svc in INTERFACE_ENDPOINT_SERVICES:
        ep = endpoints[f"com.amazonaws.{region}.{svc}"]
        assert ep["vpcEndpointType"] == "Interface"
        assert ep["privateDnsEnabled"] is True
        assert ep["subnetIds"] == g.outputs["private"]
        assert ep["securityGroupIds"] == [sg["id"]]
    rules = [r["inputs"] for r in g.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
             if r["inputs"]["securityGroupId"] == sg["id"]]
    assert len(rules) == 1
    assert (rules[0]["fromPort"], rules[0]["toPort"], rules[0]["ipProtocol"]) == (443, 443, "tcp")
    assert rules[0]["cidrIpv4"] == s.vpc_cidr


@pytest.mark.parametrize("stack,days", [("prod", 30), ("dev", 7)])
def test_flow_logs_go_to_cloudwatch_with_retention(stack, days):
    s, g = _run(stack)
    fl = g.one("aws:ec2/flowLog:FlowLog")["inputs"]
    group = g.one("aws:cloudwatch/logGroup:LogGroup", "network-flow-logs")
    assert fl["trafficType"] == "ALL" and fl["logDestinationType"] == "cloud-watch-logs"
    assert fl["vpcId"] == g.outputs["vpc_id"]
    assert fl["logDestination"].endswith(group["inputs"]["name"])
    assert group["inputs"]["retentionInDays"] == days == s.log_retention_days
    role = g.one("aws:iam/role:Role", "network-flow-logs-role")["inputs"]
    trust = json.loads(role["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert "aws:SourceAccount" in trust["Condition"]["StringEquals"]
    # The flow log waits for the role's write policy (only the role ARN links them otherwise).
    write = g.one("aws:iam/rolePolicy:RolePolicy", "network-flow-logs-write")
    assert write["urn"] in g.one("aws:ec2/flowLog:FlowLog")["dependencies"]
    doc = json.loads(write["inputs"]["policy"])["Statement"]
    scoped = [st for st in doc if "logs:PutLogEvents" in st["Action"]]
    assert scoped and all("*" != r for st in scoped for r in st["Resource"])


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_network_acls_per_tier(stack):
    s, g = _run(stack)
    public = g.one("aws:ec2/networkAcl:NetworkAcl", "network-public-acl")["inputs"]
    private = g.one("aws:ec2/networkAcl:NetworkAcl", "network-private-acl")["inputs"]
    assert public["subnetIds"] == g.outputs["public"]
    assert private["subnetIds"] == g.outputs["private"]
    # From outside the VPC, private subnets accept only replies on ephemeral ports.
    outside = [r for r in private["ingress"] if r["cidrBlock"] == "0.0.0.0/0"]
    assert outside and all(r["fromPort"] >= 1024 and r["protocol"] in ("tcp", "udp") for r in outside)
    assert any(r["cidrBlock"] == s.vpc_cidr and r["protocol"] == "-1" for r in private["ingress"])
    # Public subnets take HTTPS from the internet (ALB), VPC traffic (NAT forwarding, targets'
    # replies) and the internet's replies to the NAT gateways on ephemeral ports (stateless).
    assert any(r["fromPort"] == 443 and r["cidrBlock"] == "0.0.0.0/0" for r in public["ingress"])
    assert any(r["cidrBlock"] == s.vpc_cidr and r["protocol"] == "-1" for r in public["ingress"])
    for proto in ("tcp", "udp"):
        assert any(r["protocol"] == proto and r["cidrBlock"] == "0.0.0.0/0"
                   and (r["fromPort"], r["toPort"]) == (1024, 65535) for r in public["ingress"]), proto
    for acl in (public, private):
        numbers = [r["ruleNo"] for r in acl["ingress"]]
        assert len(numbers) == len(set(numbers)) and all(1 <= n <= 32766 for n in numbers)
        assert acl["egress"] == [{"ruleNo": 100, "action": "allow", "protocol": "-1", "cidrBlock": "0.0.0.0/0",
                                  "fromPort": 0, "toPort": 0}]


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_taggable_resources_carry_required_tags(stack):
    s, g = _run(stack)
    tagged = [r for r in g.resources if r["custom"] or r["type"] == VPC]
    checked = 0
    for r in tagged:
        if "tags" not in r["inputs"]:
            continue
        checked += 1
        tags = r["inputs"]["tags"]
        assert REQUIRED_TAGS <= set(tags), r["name"]
        assert tags["tier"] == "network" and tags["stack"] == stack
    assert checked >= 10
    for t in ("aws:ec2/flowLog:FlowLog", "aws:ec2/networkAcl:NetworkAcl", VPCE, VPC):
        assert all("tags" in r["inputs"] for r in g.of_type(t)), t


def test_pinned_availability_zones_are_used():
    s = network_args("dev", availability_zone_names=["us-east-1b", "us-east-1d"])
    g = run_mocked(lambda: {"azs": Network("network", s).az_names}, stack="dev")
    assert g.one(VPC)["inputs"]["availabilityZoneNames"] == ["us-east-1b", "us-east-1d"]
    assert g.outputs["azs"] == ["us-east-1b", "us-east-1d"]
