"""Zone offers (rules/zones.py): a service placed in a zone ID AWS does not offer it in is refused; what the plan
cannot decide is advisory.  Violating, compliant and first-preview cases, then the recorded plans."""

from __future__ import annotations

import pytest

from test_policies_support import U_LIST, U_STR, check_stack, urn

from conftest import plan_for, preview_plan_for
from pack_inproc import evaluate, find, mutated
from platform_policies.facts import zones as facts
from platform_policies.rules import zones

OFFERS, UNDECIDED = zones.validate_zone_offers, zones.validate_zone_offers_undecided
VPC, SUBNET = "awsx:ec2:Vpc", "aws:ec2/subnet:Subnet"
MSK, PROXY, MQ = "aws:msk/cluster:Cluster", "aws:rds/proxy:Proxy", "aws:mq/broker:Broker"
ORIGIN, ALB = "aws:cloudfront/vpcOrigin:VpcOrigin", "aws:lb/loadBalancer:LoadBalancer"
SUBNETS = ["subnet-a", "subnet-b", "subnet-c"]
GOOD, BAD = ("use1-az2", "use1-az4", "use1-az5"), ("use1-az2", "use1-az3", "use1-az4")


def vpc(zone_ids=GOOD, names=("us-east-1a", "us-east-1b", "us-east-1c"), tag=True) -> dict:
    tags = {"tier": "network", **({facts.ZONE_IDS_TAG: " ".join(zone_ids)} if tag else {})}
    return {"type": VPC, "name": "net", "props": {"availabilityZoneNames": list(names), "tags": tags}}


def kafka(subnets=SUBNETS, deps=True) -> dict:
    return {"type": MSK, "name": "kafka", "props": {"brokerNodeGroupInfo": {"clientSubnets": subnets}},
            "deps": {"brokerNodeGroupInfo": [urn(VPC, "net")] if deps else []}}


def proxy(subnets=SUBNETS) -> dict:
    return {"type": PROXY, "name": "proxy", "props": {"vpcSubnetIds": subnets},
            "deps": {"vpcSubnetIds": [urn(VPC, "net")]}}


def origin(subnets=SUBNETS) -> list[dict]:
    alb = {"type": ALB, "name": "alb", "props": {"subnets": subnets}, "deps": {"subnets": [urn(VPC, "net")]}}
    vo = {"type": ORIGIN, "name": "origin", "props": {"vpcOriginEndpointConfig": {"arn": U_STR}},
          "deps": {"vpcOriginEndpointConfig": [urn(ALB, "alb")]}}
    return [alb, vo]


def mq(subnets=SUBNETS[:2]) -> dict:
    return {"type": MQ, "name": "broker", "props": {"subnetIds": subnets}, "deps": {"subnetIds": [urn(VPC, "net")]}}


def messages(validator, resources) -> list[str]:
    return [m for m, _ in check_stack(validator, resources)]


# ---- violating / compliant -----------------------------------------------------------------------------------
@pytest.mark.parametrize("build,what", [(lambda: [kafka()], "MSK"), (lambda: [proxy()], "RDS Proxy"),
                                        (origin, "CloudFront VPC origin")])
def test_a_service_in_a_zone_it_is_not_offered_in_is_refused(build, what):
    found = check_stack(OFFERS, [vpc(BAD), *build()])
    assert len(found) == 1, found
    message, where = found[0]
    assert what in message and "use1-az3" in message and "VPC net" in message, message
    assert where.endswith(("::kafka", "::proxy", "::origin"))
    assert check_stack(OFFERS, [vpc(GOOD), *build()]) == []
    assert messages(UNDECIDED, [vpc(GOOD), *build()]) == []


def test_each_service_is_judged_by_its_own_exceptions():
    west = vpc(("usw1-az1", "usw1-az2", "usw1-az3"), ("us-west-1a", "us-west-1b", "us-west-1c"))
    assert len(check_stack(OFFERS, [west, proxy()])) == 1  # RDS Proxy: not in usw1-az2
    assert check_stack(OFFERS, [west, kafka()]) == []       # MSK: only use1-az3 is documented
    tokyo = vpc(("apne1-az1", "apne1-az3", "apne1-az4"), ("ap-northeast-1a", "ap-northeast-1b", "ap-northeast-1c"))
    assert len(check_stack(OFFERS, [tokyo, *origin()])) == 1
    assert check_stack(OFFERS, [tokyo, proxy(), kafka()]) == []


def test_a_region_without_the_feature_is_refused():
    nz = vpc(("apse6-az1", "apse6-az2", "apse6-az3"), ("ap-southeast-6a", "ap-southeast-6b", "ap-southeast-6c"))
    found = messages(OFFERS, [nz, *origin()])
    assert len(found) == 1 and "not offered in ap-southeast-6" in found[0], found
    assert check_stack(OFFERS, [nz, kafka()]) == []


def test_a_region_the_table_does_not_cover_fails_closed():
    gov = vpc(("usgw1-az1", "usgw1-az2", "usgw1-az3"), ("us-gov-west-1a", "us-gov-west-1b", "us-gov-west-1c"))
    found = messages(OFFERS, [gov, kafka(), proxy()])
    assert len(found) == 2 and all("does not cover us-gov-west-1" in m for m in found), found
    # A service with reports only is not failed closed: the advisory says it was not checked.
    assert messages(OFFERS, [gov, mq()]) == []
    assert any("us-gov-west-1" in m for m in messages(UNDECIDED, [gov, mq()]))


# ---- undecided: advisory, never a guess -----------------------------------------------------------------------
def test_a_vpc_without_zone_ids_is_advisory():
    untagged = vpc(BAD, tag=False)
    assert check_stack(OFFERS, [untagged, kafka()]) == []
    found = messages(UNDECIDED, [untagged, kafka()])
    assert len(found) == 1 and "does not show the zone IDs" in found[0], found


def test_subnets_without_a_vpc_in_the_graph_are_advisory():
    assert check_stack(OFFERS, [vpc(BAD), kafka(deps=False)]) == []
    found = messages(UNDECIDED, [vpc(BAD), kafka(deps=False)])
    assert len(found) == 1 and "which VPC" in found[0], found


def test_a_slice_of_the_vpc_s_subnets_may_avoid_the_zone():
    assert check_stack(OFFERS, [vpc(BAD), kafka(SUBNETS[:2])]) == []
    found = messages(UNDECIDED, [vpc(BAD), kafka(SUBNETS[:2])])
    assert len(found) == 1 and "may land in use1-az3" in found[0], found


def test_a_zone_only_third_parties_report_is_advisory():
    assert check_stack(OFFERS, [vpc(BAD), mq()]) == []
    found = messages(UNDECIDED, [vpc(BAD), mq()])
    assert len(found) == 1 and "third party" in found[0] and "use1-az3" in found[0], found
    assert messages(UNDECIDED, [vpc(GOOD), mq()]) == []


# ---- first preview: subnet ids unknown, decided from the graph -------------------------------------------------
def test_first_preview_decides_from_the_vpc_the_subnets_come_from():
    assert len(check_stack(OFFERS, [vpc(BAD), kafka(U_LIST), proxy(U_LIST), *origin(U_LIST)])) == 3
    assert check_stack(OFFERS, [vpc(GOOD), kafka(U_LIST), proxy(U_LIST), *origin(U_LIST)]) == []
    unknown_tag = vpc(BAD)
    unknown_tag["props"]["tags"][facts.ZONE_IDS_TAG] = U_STR
    assert check_stack(OFFERS, [unknown_tag, kafka(U_LIST)]) == []
    assert messages(UNDECIDED, [unknown_tag, kafka(U_LIST)]) == []


# ---- real engine: subnets resolve to their own zone IDs ---------------------------------------------------------
def _subnets(*zone_ids: str) -> list[dict]:
    return [{"type": SUBNET, "name": f"sn-{i}", "parent": urn(VPC, "net"),
             "props": {"id": SUBNETS[i], "availabilityZoneId": z, "availabilityZone": f"us-east-1{'abc'[i]}"}}
            for i, z in enumerate(zone_ids)]


def test_resolved_subnets_give_exactly_their_zones():
    children = _subnets(*BAD)
    untagged = vpc(BAD, tag=False)
    assert len(check_stack(OFFERS, [untagged, *children, kafka()])) == 1
    # Two subnets that avoid use1-az3, in a VPC that spans it: exactly their zones, no violation.
    assert check_stack(OFFERS, [untagged, *children, kafka(["subnet-a", "subnet-c"])]) == []
    assert messages(UNDECIDED, [untagged, *children, kafka(["subnet-a", "subnet-c"])]) == []


# ---- the recorded plans ----------------------------------------------------------------------------------------
OWN = {"zone-offers", "zone-offers-undecided"}


def _ours(plan: dict, stack: str) -> list[dict]:
    return [v for v in evaluate(plan, stack) if v["policy"] in OWN]


def _into_use1_az3(plan: dict) -> None:
    net = find(plan, "awsx:ec2:Vpc")["inputs"]
    ids = net["tags"][facts.ZONE_IDS_TAG].split()
    net["tags"][facts.ZONE_IDS_TAG] = " ".join(["use1-az3", *ids[1:]])


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_the_committed_plans_pass_and_a_vpc_in_use1_az3_is_refused(stack):
    assert _ours(plan_for(stack), stack) == []
    refused = {v["urn"].split("::")[-1] for v in _ours(mutated(plan_for(stack), _into_use1_az3), stack)
               if v["policy"] == "zone-offers"}
    proxies = {r["name"] for r in plan_for(stack)["resources"] if r["type"] == PROXY}
    assert {"messaging-kafka-cluster", "edge-vpc-origin", *proxies} <= refused, refused


def test_a_first_preview_of_a_vpc_in_use1_az3_is_refused():
    preview = preview_plan_for("prod")
    assert _ours(preview, "prod") == []
    found = [v for v in _ours(mutated(preview, _into_use1_az3), "prod") if v["policy"] == "zone-offers"]
    assert any("messaging-kafka-cluster" in v["urn"] for v in found), found


def test_the_real_pack_refuses_a_vpc_in_use1_az3():
    """End to end over gRPC (preflight.analyzer), as preflight and the engine run the pack."""
    from preflight import analyzer

    from pack_inproc import ROOT

    plan = mutated(plan_for("prod"), _into_use1_az3)
    result = analyzer.run_policy_pack(plan, ROOT / "policies" / "config" / "prod.json", policy_dir=ROOT / "policies")
    hits = [v for v in result["violations"] if v["policy"] == "zone-offers"]
    assert hits and all(v["level"] == "mandatory" for v in hits), result["violations"][:3]
    assert any("use1-az3" in v["message"] for v in hits)
