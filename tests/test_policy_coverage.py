"""Security-baseline coverage (policies/platform_policies/baseline.py): every resource type the program
creates is read against the public rule sets, and every check is either a policy of the pack or has a reason."""

from __future__ import annotations

import pytest

from conftest import plan_for
from platform_policies import all_rules
from platform_policies.baseline import Baseline, all_baselines, source_of

# The awsx VPC's children: the real engine shows them, the mocks do not (a remote component).
AWSX_VPC_CHILDREN = (
    "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/routeTable:RouteTable",
    "aws:ec2/routeTableAssociation:RouteTableAssociation", "aws:ec2/route:Route",
    "aws:ec2/internetGateway:InternetGateway", "aws:ec2/natGateway:NatGateway", "aws:ec2/eip:Eip",
)


# What the committed stacks leave out: a custom domain with managed certificates and CloudFront aliases,
# pipelines, an alert e-mail, read replicas - their resource types need a baseline too.
EVERY_OPTION = ("edge.domainName=api.shop-platform.io", "edge.hostedZoneId=Z0123456789ABC",
                'edge.cdnAliases=["www.shop-platform.io"]', "delivery.repositoryOwner=shop-platform",
                "alertEmail=ops@shop-platform.io", "database.readReplicas=1")


def _program_types() -> set[str]:
    from preflight.program import record_plan

    plans = [plan_for("prod"), plan_for("dev"), record_plan("prod", list(EVERY_OPTION))]
    types = {r["type"] for plan in plans for r in plan["resources"]}
    types |= set(AWSX_VPC_CHILDREN)
    return {t for t in types if t.startswith(("aws:", "awsx:"))}


@pytest.mark.heavy
def test_every_resource_type_belongs_to_exactly_one_baseline():
    owners: dict[str, list[str]] = {}
    for b in all_baselines():
        for t in b.resource_types:
            owners.setdefault(t, []).append(b.service)
    twice = {t: s for t, s in owners.items() if len(s) > 1}
    assert not twice, f"types in several baselines: {twice}"
    missing = sorted(_program_types() - set(owners))
    assert not missing, f"resource types the program creates with no baseline: {missing}"


def test_covered_checks_name_policies_that_list_them():
    anchors = {r.name: set(r.anchors) for r in all_rules()}
    wrong = [f"{b.service}: {a} -> {p}" for b in all_baselines() for a, ps in b.covered.items() for p in ps
             if a not in anchors.get(p, ())]
    assert not wrong, f"covered ids whose policy does not exist or does not list them: {wrong}"


def test_every_anchor_of_a_policy_is_claimed_by_a_baseline():
    claimed = {(a, p) for b in all_baselines() for a, ps in b.covered.items() for p in ps}
    unclaimed = [f"{r.name}: {a}" for r in all_rules() for a in r.anchors if (a, r.name) not in claimed]
    assert not unclaimed, f"anchors no baseline maps to their policy: {unclaimed}"


def test_an_id_is_judged_once_per_service():
    for b in all_baselines():
        assert not set(b.covered) & set(b.not_applicable)


@pytest.mark.parametrize("bad", [
    dict(covered={"CKV_AWS_1": ("x",)}, not_applicable={"CKV_AWS_1": "because"}),
    dict(not_applicable={"CKV_AWS_1": "  "}),
    dict(covered={"NOT-AN-ID": ("x",)}),
])
def test_baseline_rejects_inconsistent_entries(bad):
    with pytest.raises(ValueError):
        Baseline(service="x", resource_types=("aws:x/y:Y",), **bad)


def test_sources_are_told_apart():
    assert source_of("AwsSolutions-RDS3") == "cdk-nag"
    assert source_of("CKV2_AWS_5") == "Checkov"
    assert source_of("aws-rds-instance-disallow-public-access") == "compliance-policies"
