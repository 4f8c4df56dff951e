"""AZs by zone ID outside the network tier: the zone table (facts/zones.py), the mock account's
getAvailabilityZones (preflight/mocks.py), the availabilityZoneIds setting and the stack output."""

from __future__ import annotations

import re
import shutil

import pytest

from conftest import QA_STACK_YAML, ROOT, settings_for, shared_plan
from components.stack_args import network_args
from platform_policies.facts import zones
from preflight.mocks import account_zones, availability_zones
from preflight.program import ProgramConfigError, record_plan
from preflight.stackconfig import UsageError, validate

OPT_IN_NOT_REQUIRED = [{"name": "opt-in-status", "values": ["opt-in-not-required"]}]


# ---- the table --------------------------------------------------------------------------------------------
def test_every_row_is_dated_cited_and_names_zone_ids_of_its_region():
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", zones.TABLE_DATE)
    for row in zones.EXCLUSIONS:
        assert row.feature in zones.FEATURES and row.evidence in (zones.DOCUMENTED, zones.REPORTED)
        assert row.read and len(row.source) > 30, row
        prefix = zones.zone_prefix(row.region)
        assert prefix and all(z.startswith(prefix + "-az") and zones.is_zone_id(z) for z in row.zone_ids), row
        assert row.evidence == zones.DOCUMENTED or not row.verified, "a third-party report is never verified"
    for region, ids in zones.REGION_ZONE_IDS.items():
        assert len({z.rsplit("-az", 1)[0] for z in ids}) == 1, region
        assert all(zones.region_of_zone_id(z) == region for z in ids), region
    assert set(zones.FEATURE_OF_TYPE.values()) == set(zones.FEATURES)


def test_the_documented_exceptions():
    assert zones.not_offered([zones.MSK_CLIENT_SUBNETS], "us-east-1") == ("use1-az3",)
    assert zones.not_offered([zones.RDS_PROXY], "us-west-1") == ("usw1-az2",)
    assert zones.not_offered(zones.FEATURES, "ap-northeast-1") == ("apne1-az3",)
    assert zones.not_offered(zones.FEATURES, "eu-west-1") == ()
    # Only reported: avoided, never excluded.
    assert zones.not_offered([zones.MQ_BROKER], "us-east-1") == ()
    assert zones.reported_not_offered([zones.MQ_BROKER], "us-east-1") == ("use1-az3",)
    assert zones.reported_not_offered(zones.FEATURES, "us-east-1") == ()  # documented wins
    assert zones.offered_in_region(zones.CLOUDFRONT_VPC_ORIGIN, "ap-southeast-6") is False
    assert zones.offered_in_region(zones.RDS_PROXY, "ap-southeast-6") is None  # not tabled


# ---- the mock account ---------------------------------------------------------------------------------------
def test_mock_zones_answer_like_describe_availability_zones():
    default = availability_zones("us-east-1", {"state": "available", "filters": OPT_IN_NOT_REQUIRED})
    assert default["names"] == [f"us-east-1{c}" for c in "abcdef"]
    assert default["zoneIds"][:3] == ["use1-az2", "use1-az3", "use1-az4"]  # by name, use1-az3 comes early
    assert sorted(default["zoneIds"]) == list(zones.REGION_ZONE_IDS["us-east-1"])
    # The Local Zone is listed only with allAvailabilityZones, and the opt-in filter drops it again.
    assert "us-east-1-bos-1a" not in availability_zones("us-east-1", {})["names"]
    everything = availability_zones("us-east-1", {"allAvailabilityZones": True})
    assert everything["names"][0] == "us-east-1-bos-1a" and "use1-bos1-az1" in everything["zoneIds"]
    assert "us-east-1-bos-1a" not in availability_zones(
        "us-east-1", {"allAvailabilityZones": True, "filters": OPT_IN_NOT_REQUIRED})["names"]
    excluded = availability_zones("us-east-1", {"excludeZoneIds": ["use1-az3"], "excludeNames": ["us-east-1a"]})
    assert "use1-az3" not in excluded["zoneIds"] and "us-east-1a" not in excluded["names"]
    assert len(excluded["names"]) == len(excluded["zoneIds"]) == 4
    assert availability_zones("us-east-1", {"state": "impaired"})["names"] == []
    assert availability_zones("us-east-1", {"filters": [{"name": "zone-id", "values": ["use1-az1"]}]})["names"] \
        == ["us-east-1f"]
    with pytest.raises(ValueError, match="filter 'bogus'"):
        availability_zones("us-east-1", {"filters": [{"name": "bogus", "values": ["x"]}]})


@pytest.mark.parametrize("region,prefix", [("eu-west-1", "euw1"), ("ap-northeast-1", "apne1"),
                                           ("eu-central-2", "euc2"), ("us-gov-west-1", "usgw1")])
def test_mock_zones_of_other_regions_carry_the_region_s_prefix(region, prefix):
    found = availability_zones(region, {})
    assert found["names"][0] == f"{region}a"
    assert all(z.startswith(prefix + "-az") for z in found["zoneIds"])
    assert len(set(found["zoneIds"])) == len(found["zoneIds"]) == len(account_zones(region))


# ---- the setting --------------------------------------------------------------------------------------------
def test_pinned_zone_ids_reach_the_network_tier():
    s = settings_for("prod", availabilityZoneIds='["use1-az6","use1-az1","use1-az4"]')
    args = network_args(s)
    assert args.availability_zone_ids == ["use1-az6", "use1-az1", "use1-az4"]
    assert set(args.zone_features) == set(zones.FEATURES)
    assert network_args(settings_for("prod")).availability_zone_ids is None
    no_cdn = network_args(settings_for("prod", **{"edge.cdn": "false", "loadTest.enabled": "false"}))
    assert zones.CLOUDFRONT_VPC_ORIGIN not in no_cdn.zone_features


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    root = tmp_path_factory.mktemp("zone-ids")
    shutil.copy(ROOT / "Pulumi.yaml", root / "Pulumi.yaml")
    (root / "Pulumi.qa.yaml").write_text(QA_STACK_YAML)
    return root


@pytest.mark.parametrize("value,words", [
    ('["use1-az1","use1-az2"]', ("2 zone ID(s) for azCount 3",)),
    ('["use1-az1","use1-az2","use1-az4","use1-az5"]', ("4 zone ID(s)",)),
    ('["use1-az1","use1-az1","use1-az2"]', ("more than once",)),
    ('["us-east-1a","use1-az1","use1-az2"]', ("zone IDs like use1-az1",)),
    ('["use1-bos1-az1","use1-az1","use1-az2"]', ("zone IDs like use1-az1",)),
    ('["euw1-az1","use1-az1","use1-az2"]', ("euw1-az1 is not a zone of us-east-1",)),
    ('["use1-az3","use1-az1","use1-az2"]', ("use1-az3 does not offer", "MSK", "RDS Proxy")),
    ("use1-az1", ("a list of zone IDs",)),
])
def test_bad_pinned_zone_ids_are_refused_with_the_key_and_what_is_allowed(scratch, value, words):
    with pytest.raises(UsageError) as exc:
        validate(scratch, "qa", [f"availabilityZoneIds={value}"])
    message = str(exc.value)
    assert "availabilityZoneIds" in message and "allowed" in message, message
    assert all(w in message for w in words), message
    assert len(message) <= 2000 and "Traceback" not in message


def test_the_cross_check_follows_the_stack_s_services(scratch):
    # Without the CDN no VPC origin: only the services left are named.
    with pytest.raises(UsageError) as exc:
        validate(scratch, "qa", ['availabilityZoneIds=["use1-az3","use1-az1","use1-az2"]', "edge.cdn=false"])
    message = str(exc.value)
    assert "MSK" in message and "CloudFront" not in message, message
    assert validate(scratch, "qa", ['availabilityZoneIds=["use1-az6","use1-az1","use1-az4"]']) is not None


def test_a_pinned_zone_the_account_does_not_have_stops_the_program_with_exit_2_message():
    with pytest.raises(ProgramConfigError) as exc:
        record_plan("prod", ['availabilityZoneIds=["use1-az6","use1-az1","use1-az7"]'])
    message = str(exc.value)
    assert "availabilityZoneIds" in message and "use1-az7" in message and "allowed" in message, message
    assert "use1-az3" not in message.split("allowed")[-1], "the usable zones leave out the excluded ones"


# ---- the plan shows the zone IDs -----------------------------------------------------------------------------
@pytest.mark.parametrize("stack,count", [("prod", 3), ("dev", 2)])
def test_the_stack_outputs_the_zone_ids_beside_the_names(stack, count):
    plan = shared_plan(stack, ())
    outputs = plan["outputs"]
    assert len(outputs["availability_zone_ids"]) == len(outputs["availability_zones"]) == count
    assert "use1-az3" not in outputs["availability_zone_ids"]
    (vpc,) = [r for r in plan["resources"] if r["type"] == "awsx:ec2:Vpc"]
    assert vpc["inputs"]["tags"][zones.ZONE_IDS_TAG].split() == outputs["availability_zone_ids"]
    assert vpc["inputs"]["availabilityZoneNames"] == outputs["availability_zones"]
