"""Zone offers: the zone IDs a service is placed in against those AWS offers it in (facts/zones.py).

Not one service: MSK client subnets, RDS Proxy and CloudFront VPC origins are each not offered in some zone IDs
(an MQ host type is reported missing in one), and a VPC's AZs are one choice for all of them.  Where each lands
is read from the graph (support/zone_ids.py); the zone IDs of a VPC from its ``availability-zone-ids`` tag.

* ``zone-offers`` (mandatory): a documented exception - the service lands in a zone ID AWS documents it is not
  offered in, or in a region its source does not list; and, failing closed as the cost model does for a region
  without prices, a region the zone table does not cover.
* ``zone-offers-undecided`` (advisory): what the plan cannot decide (no VPC found for the subnets, the VPC's zone
  IDs or region not shown, subnets that are a part of the VPC's AZs) and zones only third parties report.
"""

from __future__ import annotations

from typing import Callable

from pulumi_policy import Severity, StackValidationArgs

from ..facts import zones
from ..rule import ACCEPTANCE, ADVISORY, MANDATORY, rule
from ..support.props import is_unknown
from ..support.zone_ids import AWSX_VPC, Placement, placements

RESTRICTED_TYPES = tuple(sorted(zones.FEATURE_OF_TYPE))
# Features with a documented exception: where the table has no region, they cannot be judged (fail closed).
_DOCUMENTED = frozenset(e.feature for e in zones.EXCLUSIONS if e.evidence == zones.DOCUMENTED)
_FIX = ("The network tier chooses the VPC's AZs by zone ID, leaving out the zones in "
        "platform_policies/facts/zones.py; pin others with availabilityZoneIds.")


def _where(p: Placement) -> str:
    return f"VPC {p.vpc.name}" if p.vpc is not None else "its subnets"


def _cited(feature: str, region: str, zone_ids: set, evidence: str) -> str:
    rows = [e for e in zones.exclusions([feature], region, evidence) if zone_ids & set(e.zone_ids)]
    return "; ".join(dict.fromkeys(e.source.split(" (")[0] for e in rows))


@rule(name="zone-offers", area=ACCEPTANCE, resource_types=(AWSX_VPC, *RESTRICTED_TYPES), stack=True,
      description="A service whose offer differs by AZ is placed only in zone IDs AWS offers it in (MSK client "
                  "subnets, RDS Proxy, CloudFront VPC origins; facts/zones.py), in a region that offers it; a "
                  "region the zone table does not cover fails closed.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Leave the zone out of the VPC (the network tier excludes the zones of facts/zones.py; "
                  "availabilityZoneIds pins others), or add the region's zones and exceptions to facts/zones.py.")
def validate_zone_offers(args: StackValidationArgs, report_violation: Callable[..., None]) -> None:
    for p in placements(args.resources):
        if p.feature not in _DOCUMENTED or p.region is None or not isinstance(p.zone_ids, set):
            continue  # undecided: zone-offers-undecided says so
        what, urn = zones.FEATURES[p.feature], p.resource.urn
        if p.region not in zones.REGION_ZONE_IDS:
            report_violation(f"{what} in {p.region}: the zone table (platform_policies/facts/zones.py, read "
                             f"{zones.TABLE_DATE}) does not cover {p.region}, so where it is not offered cannot be "
                             f"checked; add the region's zone IDs and the service's exceptions there.", urn)
            continue
        if zones.offered_in_region(p.feature, p.region) is False:
            source = zones.FEATURE_REGIONS_SOURCE.get(p.feature, "platform_policies/facts/zones.py").split(" (")[0]
            report_violation(f"{what} is not offered in {p.region}: {source} lists the regions that offer it.", urn)
            continue
        bad = p.zone_ids & set(zones.not_offered([p.feature], p.region))
        if bad and not p.partial:
            report_violation(f"{what} lands in {', '.join(sorted(bad))} ({_where(p)}), a zone it is not offered "
                             f"in: {_cited(p.feature, p.region, bad, zones.DOCUMENTED)}. {_FIX}", urn)


@rule(name="zone-offers-undecided", area=ACCEPTANCE, resource_types=(AWSX_VPC, *RESTRICTED_TYPES), stack=True,
      description="Where the plan cannot tell whether a zone-restricted service is offered in its zones (no VPC, "
                  "zone IDs or region shown; subnets that are a part of the VPC), or a zone is only reported "
                  "(third party) not to offer it.",
      level=ADVISORY, severity=Severity.MEDIUM,
      remediation="Build the service's subnets from a VPC whose zone IDs the plan shows (the network tier tags "
                  "them), or check the zone in the console before deploying.")
def validate_zone_offers_undecided(args: StackValidationArgs, report_violation: Callable[..., None]) -> None:
    for p in placements(args.resources):
        what, urn = zones.FEATURES[p.feature], p.resource.urn
        if p.vpc is None and not isinstance(p.zone_ids, set):
            report_violation(f"{what}: the graph does not say which VPC its subnets come from; whether it is offered "
                             f"in their zones is not checked.", urn)
            continue
        if is_unknown(p.zone_ids):
            continue  # known once the VPC is (its tag comes from the program's own invoke)
        if p.zone_ids is None or p.region is None:
            missing = "zone IDs" if p.zone_ids is None else "region"
            report_violation(f"{what}: the plan does not show the {missing} of {_where(p)} (tag "
                             f"{zones.ZONE_IDS_TAG}); whether it is offered there is not checked.", urn)
            continue
        if p.region not in zones.REGION_ZONE_IDS:
            if p.feature not in _DOCUMENTED:
                report_violation(f"{what} in {p.region}: the zone table does not cover the region; not checked.", urn)
            continue
        documented = p.zone_ids & set(zones.not_offered([p.feature], p.region))
        if documented and p.partial:
            report_violation(f"{what} may land in {', '.join(sorted(documented))} ({_where(p)} spans it; its subnets "
                             f"are a part of the VPC's): {_cited(p.feature, p.region, documented, zones.DOCUMENTED)}."
                             f" {_FIX}", urn)
        reported = p.zone_ids & set(zones.reported_not_offered([p.feature], p.region))
        if reported:
            report_violation(f"{what} {'may land' if p.partial else 'lands'} in {', '.join(sorted(reported))} "
                             f"({_where(p)}), which a third party reports does not offer it: "
                             f"{_cited(p.feature, p.region, reported, zones.REPORTED)}. Not AWS-documented; check "
                             f"the zone before relying on it.", urn)
