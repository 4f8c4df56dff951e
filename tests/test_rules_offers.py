"""Region offers (rules/offers.py): a type, architecture or engine feature the resource's region does not offer
is refused, a region the table does not cover fails closed, what the plan cannot decide is advisory.
Violating, compliant and first-preview cases, then the recorded plans and the real pack."""

from __future__ import annotations

import pytest
from pulumi_policy import PolicyProviderResource

from test_policies_support import U_STR, stack_args, wire

from conftest import plan_for, preview_plan_for
from pack_inproc import ROOT, evaluate, find, mutated
from platform_policies.facts import offers as facts
from platform_policies.rules import offers

OFFERS, UNDECIDED = offers.validate_region_offers, offers.validate_region_offers_undecided
RDS, PROXY = "aws:rds/instance:Instance", "aws:rds/proxy:Proxy"
CACHE, MSK, MQ = "aws:elasticache/replicationGroup:ReplicationGroup", "aws:msk/cluster:Cluster", "aws:mq/broker:Broker"
TASK = "aws:ecs/taskDefinition:TaskDefinition"


def db(instance_class="db.t4g.medium", engine="postgres", **props) -> dict:
    return {"type": RDS, "name": "db", "props": {"engine": engine, "instanceClass": instance_class, **props}}


def cache(node_type="cache.t4g.small", engine="valkey", **props) -> dict:
    return {"type": CACHE, "name": "cache", "props": {"engine": engine, "nodeType": node_type, **props}}


def kafka(instance_type="kafka.m7g.large") -> dict:
    return {"type": MSK, "name": "kafka", "props": {"brokerNodeGroupInfo": {"instanceType": instance_type}}}


def broker(host="mq.m5.large", engine="ActiveMQ") -> dict:
    return {"type": MQ, "name": "broker", "props": {"engineType": engine, "hostInstanceType": host}}


def task(arch=None, compat=("FARGATE",)) -> dict:
    props = {"requiresCompatibilities": list(compat), **({"runtimePlatform": {"cpuArchitecture": arch}} if arch else {})}
    return {"type": TASK, "name": "task", "props": props}


def proxy(family="POSTGRESQL") -> dict:
    return {"type": PROXY, "name": "proxy", "props": {"engineFamily": family}}


def run(validator, resources, region="us-east-1") -> list[tuple[str, str]]:
    """Findings with every resource created through an aws provider of ``region`` (None: no provider)."""
    args = stack_args(resources)
    if region is not None:
        provider = PolicyProviderResource("pulumi:providers:aws", wire({"region": region}),
                                          "urn:pulumi:prod::p::pulumi:providers:aws::default_7_0_0", "default_7_0_0")
        for r in args.resources:
            r.provider = provider
    out: list[tuple[str, str]] = []
    validator(args, lambda msg, urn=None: out.append((msg, urn)))
    return out


def messages(validator, resources, region="us-east-1") -> list[str]:
    return [m for m, _ in run(validator, resources, region)]


ALL = (db, cache, kafka, broker, task, proxy)


def test_every_row_is_cited_dated_and_of_a_known_kind():
    for row in facts.OFFERS:
        assert row.kind in facts.KINDS and row.source and row.read == facts.TABLE_DATE, row
        assert not row.offered & row.not_offered, row
    assert all(facts.covers("us-east-1", kind) for kind in facts.KINDS if kind != facts.MQ_RABBITMQ_HOST)


# ---- compliant: every type the stacks choose, in the committed region --------------------------------------------
def test_the_types_the_stacks_choose_are_offered_in_us_east_1():
    chosen = [db("db.t3.micro"), db("db.m7g.large"), cache("cache.m6g.large", "redis"), kafka("kafka.t3.small"),
              broker("mq.t3.micro"), task("ARM64"), task(), proxy()]
    for r, n in zip(chosen, range(len(chosen))):
        r["name"] = f"r{n}"
    assert run(OFFERS, chosen) == []
    assert run(UNDECIDED, chosen) == []


# ---- violating -------------------------------------------------------------------------------------------------
def test_a_host_type_the_engine_never_runs_on_is_refused():
    found = run(OFFERS, [broker("mq.m7g.large")])
    assert len(found) == 1, found
    message, where = found[0]
    assert "mq.m7g.large is not offered in us-east-1" in message and "Amazon MQ Developer Guide" in message
    assert "mq.m5.large" in message and where.endswith("::broker")
    # The engine-wide fact holds in a region the table does not otherwise cover: the refusal, not "not covered".
    assert all("not offered" in m for m in messages(OFFERS, [broker("mq.m7g.large")], "eu-west-1"))


def test_a_node_family_a_region_lacks_is_refused():
    found = messages(OFFERS, [cache("cache.m6g.large")], "ap-southeast-7")
    assert len(found) == 2, found  # the node type; and the engine row the region does not have (fail closed)
    assert any("cache.m6g.large is not offered in ap-southeast-7" in m and "cache.m7g.large" in m for m in found)
    # cache.m7g.large is offered there; only the engine (no row for the region) fails closed.
    found = messages(OFFERS, [cache("cache.m7g.large")], "mx-central-1")
    assert len(found) == 1 and found[0].startswith("engine valkey in mx-central-1"), found


@pytest.mark.parametrize("build", ALL)
def test_a_region_the_table_does_not_cover_fails_closed(build):
    found = messages(OFFERS, [build()], "eu-west-1")
    assert found and all("does not cover" in m and "eu-west-1" in m and "facts/offers.py" in m for m in found), found
    assert messages(UNDECIDED, [build()], "eu-west-1") == []


def test_a_covered_kind_in_a_partly_tabled_region_is_judged():
    # us-east-2 has Fargate rows only: X86_64 passes, ARM64 is not named (advisory), RDS fails closed.
    assert run(OFFERS, [task("X86_64")], "us-east-2") == []
    assert run(OFFERS, [task("ARM64")], "us-east-2") == []
    assert any("ARM64 in us-east-2" in m for m in messages(UNDECIDED, [task("ARM64")], "us-east-2"))
    assert len(run(OFFERS, [db()], "us-east-2")) == 1


def test_the_resource_s_own_region_wins_over_its_provider_s():
    moved = db(region="eu-west-1")
    found = messages(OFFERS, [moved])
    assert len(found) == 1 and "in eu-west-1" in found[0], found


def test_without_a_provider_the_stack_s_default_provider_region_is_used():
    default = {"type": "pulumi:providers:aws", "name": "default_7_0_0", "props": {"region": "eu-west-1"}}
    found = messages(OFFERS, [default, db()], region=None)
    assert len(found) == 1 and "in eu-west-1" in found[0], found
    assert run(OFFERS, [{**default, "props": {"region": "us-east-1"}}, db()], region=None) == []


# ---- undecided: advisory, never a guess --------------------------------------------------------------------------
def test_a_value_the_table_does_not_name_is_advisory():
    assert run(OFFERS, [db("db.r6g.large")]) == []
    found = messages(UNDECIDED, [db("db.r6g.large")])
    assert len(found) == 1 and "db.r6g.large in us-east-1" in found[0] and "db.t4g.medium" in found[0], found


def test_no_region_anywhere_is_advisory():
    assert run(OFFERS, [db()], region=None) == []
    found = messages(UNDECIDED, [db()], region=None)
    assert len(found) == 1 and "does not show the resource's region" in found[0], found


def test_other_engines_and_launch_types_are_not_judged():
    assert run(OFFERS, [db(engine="mysql"), task(compat=("EC2",))], "eu-west-1") == []
    assert run(UNDECIDED, [db(engine="mysql"), task(compat=("EC2",))], "eu-west-1") == []


# ---- first preview: values not known yet -----------------------------------------------------------------------
def test_first_preview_unknown_values_are_advisory_and_the_region_still_decides():
    unknown = [db(U_STR), kafka(U_STR)]
    unknown[1]["name"] = "kafka"
    assert run(OFFERS, unknown) == []
    found = messages(UNDECIDED, unknown)
    assert len(found) == 2 and all("not known yet" in m for m in found), found
    # The broker's engine unknown: which table applies is not known; the known host type is not guessed at.
    engine_unknown = broker("mq.m7g.large", U_STR)
    assert run(OFFERS, [engine_unknown]) == []
    assert any("engine is not known yet" in m for m in messages(UNDECIDED, [engine_unknown]))
    # Known values at a first preview are judged: the provider's region comes from the stack's config.
    assert len(run(OFFERS, [db(), cache(node_type=U_STR)], "eu-west-1")) == 2  # RDS class, cache engine


# ---- the recorded plans ----------------------------------------------------------------------------------------
OWN = {"region-offers", "region-offers-undecided"}


def _ours(plan: dict, stack: str) -> list[dict]:
    return [v for v in evaluate(plan, stack) if v["policy"] in OWN]


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_the_committed_plans_pass_and_an_unoffered_host_type_is_refused(stack):
    assert _ours(plan_for(stack), stack) == []

    def m7g(plan: dict) -> None:
        find(plan, MQ)["inputs"]["hostInstanceType"] = "mq.m7g.large"
    refused = [v for v in _ours(mutated(plan_for(stack), m7g), stack) if v["policy"] == "region-offers"]
    assert len(refused) == 1 and refused[0]["urn"].endswith("::messaging-mq-broker"), refused


def test_a_first_preview_of_the_committed_stack_passes():
    assert _ours(preview_plan_for("prod"), "prod") == []


def test_the_real_pack_fails_closed_in_a_region_the_table_does_not_cover():
    """End to end over gRPC (preflight.analyzer): the engine's default provider carries the stack's region."""
    from preflight import analyzer

    def to_eu_west_1(plan: dict) -> None:
        plan["config"]["aws:region"] = "eu-west-1"
    plan = mutated(plan_for("prod"), to_eu_west_1)
    result = analyzer.run_policy_pack(plan, ROOT / "policies" / "config" / "prod.json", policy_dir=ROOT / "policies")
    hits = [v for v in result["violations"] if v["policy"] == "region-offers"]
    assert hits and all(v["level"] == "mandatory" for v in hits), result["violations"][:3]
    assert all("does not cover" in v["message"] and "eu-west-1" in v["message"] for v in hits)
    assert {"data-order-db", "messaging-kafka-cluster", "messaging-mq-broker"} <= {
        v["urn"].split("::")[-1] for v in hits}


# ---- settings: a documented non-offer is refused before the program runs -------------------------------------
@pytest.mark.parametrize("sets,key,allowed", [
    (("mq.hostType=mq.m7g.large",), "mq.hostType", "mq.m5.large, mq.t3.micro"),
    (("aws:region=ap-southeast-7", "cache.nodeType=cache.m6g.large"), "cache.nodeType", "cache.m7g.large"),
])
def test_settings_refuse_a_type_the_region_does_not_offer(sets, key, allowed):
    from preflight.stackconfig import UsageError, validate

    with pytest.raises(UsageError) as exc:
        validate(ROOT, "prod", list(sets))
    message = str(exc.value)
    assert f"{key}: " in message and "is not offered in" in message and allowed in message, message
    # A region the table does not cover is the pack's to refuse: the settings stage lets it through.
    validate(ROOT, "prod", ["aws:region=eu-west-1"])
