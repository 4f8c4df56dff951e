"""Network tier under mocks: AZ spread, NAT strategy, stable subnet layout, endpoints,
flow logs, NACLs and tags - for prod and dev."""

from __future__ import annotations

import ipaddress
import json
from functools import lru_cache

import pytest

from _helpers import base_tags
from conftest import run_mocked
from components.network.network import (INTERFACE_ENDPOINT_SERVICES, Network, NetworkArgs, ZoneChoiceError,
                                        subnet_layout)
from platform_policies.facts import zones
from preflight.mocks import PlatformMocks, account_zones

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
    g = _zones("dev", availability_zone_names=["us-east-1c", "us-east-1e"])
    assert g.one(VPC)["inputs"]["availabilityZoneNames"] == ["us-east-1c", "us-east-1e"]
    assert g.outputs["azs"] == ["us-east-1c", "us-east-1e"]
    assert g.outputs["ids"] == [ZONE_ID_OF["us-east-1c"], ZONE_ID_OF["us-east-1e"]]


# ---- AZs by zone ID ------------------------------------------------------------------------------------
# The mock account maps names to zone IDs the way an older account does: not in order, and its first three
# names include use1-az3 (preflight/mocks.py), where MSK refuses client subnets and RDS Proxy and CloudFront
# VPC origins are not offered.
ZONE_ID_OF = {z["name"]: z["zoneId"] for z in account_zones("us-east-1")}


def _zones(stack: str, **changes):
    s = network_args(stack, **changes)

    def build():
        n = Network("network", s)
        return {"azs": n.az_names, "ids": n.az_ids}

    return run_mocked(build, stack=stack)


def test_the_mock_account_would_have_put_the_vpc_in_use1_az3_by_name():
    first_three = sorted(ZONE_ID_OF)[:3]
    assert "use1-az3" in [ZONE_ID_OF[n] for n in first_three]


@pytest.mark.parametrize("stack,count", [("prod", 3), ("dev", 2)])
def test_azs_are_chosen_by_zone_id_never_one_a_service_is_not_offered_in(stack, count):
    g = _zones(stack)
    vpc = g.one(VPC)["inputs"]
    names, ids = vpc["availabilityZoneNames"], g.outputs["ids"]
    assert len(names) == len(ids) == count
    assert [ZONE_ID_OF[n] for n in names] == ids, "names and zone IDs are index-aligned"
    assert not set(ids) & set(zones.not_offered(zones.FEATURES, "us-east-1")), ids
    assert "use1-az3" not in ids
    # The first names whose zones every service is offered in, in name order (slot i keeps its CIDRs).
    usable = [n for n in sorted(ZONE_ID_OF) if ZONE_ID_OF[n] != "use1-az3" and zones.is_zone_id(ZONE_ID_OF[n])]
    assert names == usable[:count]
    assert vpc["tags"][zones.ZONE_IDS_TAG] == " ".join(ids)
    assert g.outputs["azs"] == names


def test_only_the_stack_s_own_services_exclude_zones():
    g = _zones("prod", zone_features=())
    assert g.outputs["ids"] == [ZONE_ID_OF[n] for n in ("us-east-1a", "us-east-1b", "us-east-1c")]
    us_west = run_mocked(lambda: {"ids": Network("network", NetworkArgs(
        stack="prod", region="us-west-1", base_tags=base_tags("prod"), az_count=2,
        zone_features=(zones.RDS_PROXY,))).az_ids}, region="us-west-1")
    assert "usw1-az2" not in us_west.outputs["ids"] and len(us_west.outputs["ids"]) == 2


def test_pinned_zone_ids_are_honoured_in_their_order():
    pinned = ["use1-az6", "use1-az1", "use1-az4"]
    g = _zones("prod", availability_zone_ids=pinned)
    by_id = {v: k for k, v in ZONE_ID_OF.items()}
    assert g.outputs["ids"] == pinned
    assert g.one(VPC)["inputs"]["availabilityZoneNames"] == [by_id[z] for z in pinned]
    assert g.one(VPC)["inputs"]["tags"][zones.ZONE_IDS_TAG] == "use1-az6 use1-az1 use1-az4"


@pytest.mark.parametrize("changes,words", [
    ({"availability_zone_ids": ["use1-az9", "use1-az1", "use1-az2"]}, ("availabilityZoneIds", "use1-az9", "allowed")),
    ({"availability_zone_ids": ["use1-az3", "use1-az1", "use1-az2"]}, ("availabilityZoneIds", "use1-az3", "allowed")),
    ({"availability_zone_names": ["us-east-1b", "us-east-1c"]}, ("availability_zone_names", "use1-az3")),
    ({"availability_zone_names": ["us-east-1-bos-1a", "us-east-1c"]}, ("us-east-1-bos-1a", "opt-in")),
])
def test_a_pinned_zone_the_account_lacks_or_a_service_refuses_is_a_clear_error(changes, words):
    with pytest.raises(ZoneChoiceError) as err:
        _zones("dev", **changes) if "availability_zone_names" in changes else _zones("prod", **changes)
    assert all(w in str(err.value) for w in words), str(err.value)


class _ThreeZones(PlatformMocks):
    """An account with three AZs in us-east-1, one of them use1-az3."""

    def call(self, args):
        if args.token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            zones_ = [("us-east-1a", "use1-az2"), ("us-east-1b", "use1-az3"), ("us-east-1c", "use1-az4")]
            drop = set(args.args.get("excludeZoneIds") or ())
            kept = [z for z in zones_ if z[1] not in drop]
            return {"names": [n for n, _ in kept], "zoneIds": [z for _, z in kept], "id": "us-east-1"}, []
        return super().call(args)


def test_a_zone_only_reported_is_avoided_while_others_remain_and_taken_when_needed():
    def ids(count, features):
        s = network_args("prod", az_count=count, zone_features=features)
        return run_mocked(lambda: {"ids": Network("network", s).az_ids}, mocks=_ThreeZones()).outputs["ids"]

    assert ids(2, (zones.MQ_BROKER,)) == ["use1-az2", "use1-az4"]
    assert ids(3, (zones.MQ_BROKER,)) == ["use1-az2", "use1-az3", "use1-az4"]
    with pytest.raises(ZoneChoiceError, match="azCount"):
        ids(3, (zones.MSK_CLIENT_SUBNETS,))
