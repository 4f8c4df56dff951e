"""Availability Zones by zone ID: the zone IDs of each region, and where a service is not offered.

AZ *names* (us-east-1a) map to different physical zones in each older account; AZ *IDs* (use1-az1) are the
same in every account, and AWS states its zonal exceptions in IDs.  The program chooses the VPC's AZs by ID
from this table (components/network/network.py) and the pack refuses a placement in a zone ID a service is
not offered in (rules/zones.py).

Evidence of a row: ``DOCUMENTED`` (AWS documentation says so: the program never picks the zone and the gate
refuses it) or ``REPORTED`` (only a third-party report: the program avoids the zone while enough others remain,
the gate warns).  ``verified`` is False where the text was not read on AWS's own page (a stored copy, or a
third-party source).  Table read on TABLE_DATE; re-check the sources before relying on a row for a new region.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Optional

TABLE_DATE = "2026-12-07"

# The awsx VPC's tag holding its zone IDs, space-separated, in the order of its availabilityZoneNames (under
# mocks the subnets are not visible; the tag is how the plan shows where the VPC is).
ZONE_IDS_TAG = "availability-zone-ids"

# An AZ ID: the region's prefix (use1, apne1, euc2 ...), "-az", a number.  Local and Wavelength Zone IDs
# (use1-bos1-az1) do not match: the VPC never uses zones that need an opt-in.
ZONE_ID_PATTERN = r"[a-z]{3,5}[0-9]{1,2}-az[0-9]{1,2}"

# AZ IDs per region: AWS Regions and Availability Zones guide, "AWS Availability Zones"
# (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html), read
# 2026-12-07.  An account may see fewer (us-west-1: newer accounts get two; constrained zones such as
# cac1-az3 are no longer listed but remain in accounts that use them): getAvailabilityZones decides.
REGION_ZONE_IDS: dict[str, tuple[str, ...]] = {
    "us-east-1": ("use1-az1", "use1-az2", "use1-az3", "use1-az4", "use1-az5", "use1-az6"),
    "us-east-2": ("use2-az1", "use2-az2", "use2-az3"),
    "us-west-1": ("usw1-az1", "usw1-az2", "usw1-az3"),
    "us-west-2": ("usw2-az1", "usw2-az2", "usw2-az3", "usw2-az4"),
    "ca-central-1": ("cac1-az1", "cac1-az2", "cac1-az4"),
    "ca-west-1": ("caw1-az1", "caw1-az2", "caw1-az3"),
    "mx-central-1": ("mxc1-az1", "mxc1-az2", "mxc1-az3"),
    "af-south-1": ("afs1-az1", "afs1-az2", "afs1-az3"),
    "ap-east-1": ("ape1-az1", "ape1-az2", "ape1-az3"),
    "ap-east-2": ("ape2-az1", "ape2-az2", "ape2-az3"),
    "ap-northeast-1": ("apne1-az1", "apne1-az2", "apne1-az3", "apne1-az4"),
    "ap-northeast-2": ("apne2-az1", "apne2-az2", "apne2-az3", "apne2-az4"),
    "ap-northeast-3": ("apne3-az1", "apne3-az2", "apne3-az3"),
    "ap-south-1": ("aps1-az1", "aps1-az2", "aps1-az3"),
    "ap-south-2": ("aps2-az1", "aps2-az2", "aps2-az3"),
    "ap-southeast-1": ("apse1-az1", "apse1-az2", "apse1-az3"),
    "ap-southeast-2": ("apse2-az1", "apse2-az2", "apse2-az3"),
    "ap-southeast-3": ("apse3-az1", "apse3-az2", "apse3-az3"),
    "ap-southeast-4": ("apse4-az1", "apse4-az2", "apse4-az3"),
    "ap-southeast-5": ("apse5-az1", "apse5-az2", "apse5-az3"),
    "ap-southeast-6": ("apse6-az1", "apse6-az2", "apse6-az3"),
    "ap-southeast-7": ("apse7-az1", "apse7-az2", "apse7-az3"),
    "eu-central-1": ("euc1-az1", "euc1-az2", "euc1-az3"),
    "eu-central-2": ("euc2-az1", "euc2-az2", "euc2-az3"),
    "eu-north-1": ("eun1-az1", "eun1-az2", "eun1-az3"),
    "eu-south-1": ("eus1-az1", "eus1-az2", "eus1-az3"),
    "eu-south-2": ("eus2-az1", "eus2-az2", "eus2-az3"),
    "eu-west-1": ("euw1-az1", "euw1-az2", "euw1-az3"),
    "eu-west-2": ("euw2-az1", "euw2-az2", "euw2-az3", "euw2-az4"),
    "eu-west-3": ("euw3-az1", "euw3-az2", "euw3-az3"),
    "il-central-1": ("ilc1-az1", "ilc1-az2", "ilc1-az3"),
    "me-central-1": ("mec1-az1", "mec1-az2", "mec1-az3"),
    "me-south-1": ("mes1-az1", "mes1-az2", "mes1-az3"),
    "sa-east-1": ("sae1-az1", "sae1-az2", "sae1-az3"),
}

# Features placed in the VPC's subnets whose offer differs by zone ID (keys of the table below).
MSK_CLIENT_SUBNETS = "msk-client-subnets"
RDS_PROXY = "rds-proxy"
CLOUDFRONT_VPC_ORIGIN = "cloudfront-vpc-origin"
MQ_BROKER = "mq-broker"

FEATURES: dict[str, str] = {
    MSK_CLIENT_SUBNETS: "Amazon MSK client subnets (broker ENIs)",
    RDS_PROXY: "RDS Proxy",
    CLOUDFRONT_VPC_ORIGIN: "CloudFront VPC origin (the origin's subnets)",
    MQ_BROKER: "Amazon MQ broker",
}

# The resource type that places each feature in subnets.
FEATURE_OF_TYPE: dict[str, str] = {
    "aws:msk/cluster:Cluster": MSK_CLIENT_SUBNETS,
    "aws:rds/proxy:Proxy": RDS_PROXY,
    "aws:cloudfront/vpcOrigin:VpcOrigin": CLOUDFRONT_VPC_ORIGIN,
    "aws:mq/broker:Broker": MQ_BROKER,
}

DOCUMENTED = "documented"
REPORTED = "reported"

_CLOUDFRONT_PAGE = ("Amazon CloudFront Developer Guide, 'Supported AWS Regions for VPC origins' "
                    "(https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/"
                    "private-content-vpc-origins.html#vpc-origins-supported-regions)")


@dataclass(frozen=True)
class ZoneExclusion:
    """One statement that ``feature`` is not offered in ``zone_ids`` of ``region``."""

    feature: str
    region: str
    zone_ids: tuple[str, ...]
    evidence: str  # DOCUMENTED or REPORTED
    verified: bool  # read on AWS's own page (False: a stored copy of it, or a third party)
    source: str
    read: str = TABLE_DATE


EXCLUSIONS: tuple[ZoneExclusion, ...] = (
    ZoneExclusion(MSK_CLIENT_SUBNETS, "us-east-1", ("use1-az3",), DOCUMENTED, True,
                  "Amazon MSK API reference, BrokerNodeGroupInfo.ClientSubnets: client subnets can't occupy the "
                  "Availability Zone with ID use1-az3 (AWS SDK for Kotlin reference of the API, "
                  "https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/kafka/aws.sdk.kotlin.services.kafka.model/"
                  "-broker-node-group-info/client-subnets.html); CreateCluster refuses such a subnet"),
    ZoneExclusion(RDS_PROXY, "us-east-1", ("use1-az3",), DOCUMENTED, True,
                  "Amazon RDS User Guide, 'Quotas and limitations for RDS Proxy' "
                  "(https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy.html#rds-proxy.limitations). "
                  "With another valid subnet the API accepts the proxy and drops that subnet (pulumi_aws 7.51.1 "
                  "rds.Proxy docs, 'Unsupported Availability Zones': AWS only returns vpc_subnet_ids for AZs "
                  "that support DB proxies; re:Post QUI6ApIe1-RkaibEPwORuLsA), so every up sees a difference in "
                  "vpc_subnet_ids, which forces a replacement"),
    ZoneExclusion(RDS_PROXY, "us-west-1", ("usw1-az2",), DOCUMENTED, True,
                  "Amazon RDS User Guide, 'Quotas and limitations for RDS Proxy' (as for use1-az3)"),
    ZoneExclusion(CLOUDFRONT_VPC_ORIGIN, "us-east-1", ("use1-az3",), DOCUMENTED, False,
                  _CLOUDFRONT_PAGE + ", read in a stored copy of the page; the same exceptions are quoted in "
                  "braintrustdata/terraform-aws-braintrust-data-plane#298 (2026-07-22)"),
    ZoneExclusion(CLOUDFRONT_VPC_ORIGIN, "us-west-1", ("usw1-az2",), DOCUMENTED, False,
                  _CLOUDFRONT_PAGE + ", read in a stored copy of the page"),
    ZoneExclusion(CLOUDFRONT_VPC_ORIGIN, "ap-northeast-1", ("apne1-az3",), DOCUMENTED, False,
                  _CLOUDFRONT_PAGE + ", read in a stored copy of the page"),
    ZoneExclusion(CLOUDFRONT_VPC_ORIGIN, "ca-central-1", ("cac1-az3",), DOCUMENTED, False,
                  _CLOUDFRONT_PAGE + ", read in a stored copy of the page"),
    ZoneExclusion(CLOUDFRONT_VPC_ORIGIN, "ap-northeast-2", ("apne2-az1",), REPORTED, False,
                  "aws-samples/amazon-bedrock-samples#606 (2025-06-26) quotes the CloudFront list with apne2-az1; "
                  "the later stored copy of the AWS page lists Seoul without an exception"),
    ZoneExclusion(MQ_BROKER, "us-east-1", ("use1-az3",), REPORTED, False,
                  "magenx/Magento-2-aws-cluster-terraform discussion #15: mq.m5.large not available in use1-az3 "
                  "(host types differ per zone; AWS publishes no zone table for Amazon MQ)"),
)

# Regions a feature exists in at all, where its source lists them (None: not tabled, the zone exceptions
# apply wherever the service is offered), and that source.
FEATURE_REGIONS_SOURCE: dict[str, str] = {CLOUDFRONT_VPC_ORIGIN: _CLOUDFRONT_PAGE + ", stored copy read 2026-12-07"}
FEATURE_REGIONS: dict[str, Optional[frozenset[str]]] = {
    MSK_CLIENT_SUBNETS: None,
    RDS_PROXY: None,
    MQ_BROKER: None,
    CLOUDFRONT_VPC_ORIGIN: frozenset({
        "us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-east-2", "ap-south-1",
        "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
        "ap-southeast-7", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ca-central-1", "ca-west-1",
        "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-south-1", "eu-south-2",
        "eu-north-1", "il-central-1", "me-south-1", "me-central-1", "sa-east-1", "mx-central-1"}),
}

_ZONE_ID = re.compile(rf"^{ZONE_ID_PATTERN}$")


def is_zone_id(value: object) -> bool:
    return isinstance(value, str) and bool(_ZONE_ID.match(value))


def zone_prefix(region: str) -> Optional[str]:
    """The AZ-ID prefix of a tabled region (us-east-1 -> use1), None for a region not in the table."""
    ids = REGION_ZONE_IDS.get(region)
    return ids[0].rsplit("-az", 1)[0] if ids else None


def region_of_zone_id(zone_id: str) -> Optional[str]:
    """The tabled region whose prefix ``zone_id`` has, None when no tabled region has it."""
    prefix = zone_id.rsplit("-az", 1)[0] if is_zone_id(zone_id) else None
    return next((r for r in REGION_ZONE_IDS if zone_prefix(r) == prefix), None) if prefix else None


def exclusions(features: Iterable[str], region: str, evidence: Optional[str] = None) -> list[ZoneExclusion]:
    """The rows for ``features`` in ``region`` (of one ``evidence`` level, or all)."""
    wanted = set(features)
    return [e for e in EXCLUSIONS if e.feature in wanted and e.region == region
            and (evidence is None or e.evidence == evidence)]


def not_offered(features: Iterable[str], region: str) -> tuple[str, ...]:
    """Zone IDs of ``region`` AWS documents one of ``features`` as not offered in (the program excludes them)."""
    return tuple(sorted({z for e in exclusions(features, region, DOCUMENTED) for z in e.zone_ids}))


def reported_not_offered(features: Iterable[str], region: str) -> tuple[str, ...]:
    """Zone IDs only third parties report one of ``features`` as not offered in (avoided while possible)."""
    documented = set(not_offered(features, region))
    return tuple(sorted({z for e in exclusions(features, region, REPORTED) for z in e.zone_ids} - documented))


def offered_in_region(feature: str, region: str) -> Optional[bool]:
    """False when the feature's source lists its regions and ``region`` is not one; None when not tabled."""
    regions = FEATURE_REGIONS.get(feature)
    return None if regions is None else region in regions


__all__ = ["CLOUDFRONT_VPC_ORIGIN", "DOCUMENTED", "EXCLUSIONS", "FEATURES", "FEATURE_OF_TYPE", "FEATURE_REGIONS",
           "FEATURE_REGIONS_SOURCE", "MQ_BROKER", "MSK_CLIENT_SUBNETS", "RDS_PROXY", "REGION_ZONE_IDS", "REPORTED",
           "TABLE_DATE", "ZONE_IDS_TAG", "ZONE_ID_PATTERN", "ZoneExclusion", "exclusions", "is_zone_id", "not_offered",
           "offered_in_region", "region_of_zone_id", "reported_not_offered", "zone_prefix"]
