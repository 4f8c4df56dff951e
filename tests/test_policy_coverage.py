"""Security-baseline coverage (policies/platform_policies/baseline.py): every resource type the program
creates is read against the public rule sets, and every check is either a policy of the pack (its anchors)
or has a reason."""

from __future__ import annotations

import pytest

from conftest import plan_for
from platform_policies.baseline import Baseline
from platform_policies.reference import all_baselines, coverage
from platform_policies.rule import source_of

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
    for b in all_baselines().values():
        for t in b.resource_types:
            owners.setdefault(t, []).append(b.service)
    twice = {t: s for t, s in owners.items() if len(s) > 1}
    assert not twice, f"types in several baselines: {twice}"
    missing = sorted(_program_types() - set(owners))
    assert not missing, f"resource types the program creates with no baseline: {missing}"


def test_every_anchor_of_a_policy_lands_in_a_baseline_that_does_not_call_it_not_applicable():
    covered = coverage()  # raises naming the rule and anchor
    assert covered["platform_policies.rules.rds"]["AwsSolutions-RDS2"] == ["encryption-at-rest"]
    assert covered["platform_policies.rules.rds"]["AwsSolutions-RDS8"] == ["no-open-ingress"]  # given with its type


@pytest.mark.parametrize("bad", [
    dict(not_applicable={"CKV_AWS_1": "  "}),
    dict(not_applicable={"NOT-AN-ID": "because"}),
])
def test_baseline_rejects_inconsistent_entries(bad):
    with pytest.raises(ValueError):
        Baseline(service="x", resource_types=("aws:x/y:Y",), **bad)


def test_sources_are_told_apart():
    assert source_of("AwsSolutions-RDS3") == "cdk-nag"
    assert source_of("CKV2_AWS_5") == "Checkov"
    assert source_of("aws-rds-instance-disallow-public-access") == "compliance-policies"
