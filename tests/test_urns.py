"""Live-stack safety: no committed URN disappears without an alias (preflight/urns.py)."""

from __future__ import annotations

import pytest

from conftest import plan_for
from preflight import urns

PARENT = "urn:pulumi:prod::microservices-platform::platform:data:Data::data"
CHILD = "urn:pulumi:prod::microservices-platform::platform:data:Data$aws:rds/instance:Instance::data-user-db"


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_every_committed_urn_is_still_answered(stack):
    lost, new = urns.compare(stack, plan_for(stack))
    assert lost == [], (f"{stack}: these live resources would be REPLACED by the next `pulumi up`; add an alias "
                        f"(pulumi.ResourceOptions(aliases=[...])) naming the old URN: {lost}")
    assert new == [], (f"{stack}: new URNs; record them with `venv/bin/python -m preflight.urns --write`: {new}")


def test_committed_lists_hold_the_stateful_resources():
    prod = urns.committed("prod")
    assert len(prod) == len(set(prod)) > 100
    assert any(u.endswith("aws:rds/instance:Instance::data-user-db") for u in prod)


def test_a_renamed_resource_without_alias_is_lost(tmp_path):
    (tmp_path / "prod.txt").write_text(f"{CHILD}\n")
    renamed = CHILD.replace("data-user-db", "data-users-db")
    lost, new = urns.compare("prod", {"resources": [{"urn": renamed, "parent": None}]}, tmp_path)
    assert lost == [CHILD] and new == [renamed]


def test_an_alias_keeps_the_old_urn(tmp_path):
    (tmp_path / "prod.txt").write_text(f"{CHILD}\n")
    renamed = CHILD.replace("data-user-db", "data-users-db")
    lost, _ = urns.compare("prod", {"resources": [{"urn": renamed, "parent": None, "aliases": [CHILD]}]}, tmp_path)
    assert lost == []


def test_a_child_inherits_its_parents_alias(tmp_path):
    # The Data component's type token changed, with an alias to the old one: its children keep
    # their identity too (the engine derives their old URNs from the parent's alias).
    (tmp_path / "prod.txt").write_text(f"{CHILD}\n")
    new_parent = PARENT.replace("platform:data:Data", "platform:storage:Data")
    child = CHILD.replace("platform:data:Data$", "platform:storage:Data$")
    plan = {"resources": [{"urn": new_parent, "parent": None, "aliases": [PARENT]},
                          {"urn": child, "parent": new_parent}]}
    lost, _ = urns.compare("prod", plan, tmp_path)
    assert lost == []
    plan["resources"][0]["aliases"] = []
    assert urns.compare("prod", plan, tmp_path)[0] == [CHILD]


def test_the_recorder_turns_alias_specs_into_urns():
    import pulumi
    import pulumi_aws as aws

    from preflight.harness import run_mocked

    def build():
        aws.sns.Topic("renamed-topic", opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name="old-topic")]))

    graph = run_mocked(build)
    topic = graph.one("aws:sns/topic:Topic")
    assert topic["aliases"] == [topic["urn"].replace("renamed-topic", "old-topic")]
