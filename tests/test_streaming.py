"""preflight.analyzer.PackRun: Analyze for the records fed while the program runs, then the rest of
the plan, gives the answer of a plan judged after the run.

The records are fed in URN order, not registration order, so resources also arrive before their
explicit provider (they wait for it), as they may not with the real SDK."""

from __future__ import annotations

import copy
import json

import pytest

import preflight.analyzer as analyzer
from conftest import plan_for
from preflight.analyzer import PackRun, PolicyConfigError, run_policy_pack

CONFIG = analyzer.ROOT / "policies" / "config" / "prod.json"


def stopped(spawned) -> bool:
    """One pack process was started (not counting a program run plan_for may start), and it ended."""
    packs = [p for p in spawned if "pulumi.policy" in p.args]
    return len(packs) == 1 and packs[0].poll() is not None


@pytest.fixture(scope="module")
def prod_after() -> dict:
    return run_policy_pack(plan_for("prod"), CONFIG)


def test_fed_records_give_the_answer_of_the_plan(prod_after, spawned):
    plan = plan_for("prod")
    run = PackRun.for_plan(plan, json.loads(CONFIG.read_text()))
    for record in plan["resources"]:
        run.feed(record)
    assert run.finish(plan) == prod_after
    assert stopped(spawned), "the pack process is stopped"


def test_a_record_fed_differently_from_the_final_plan_is_judged_again(prod_after):
    plan = plan_for("prod")
    run = PackRun.for_plan(plan, json.loads(CONFIG.read_text()))
    records = copy.deepcopy(plan["resources"])
    db = next(r for r in records if r["type"] == "aws:rds/instance:Instance")
    db["inputs"]["storageEncrypted"] = False    # what the run was fed; the final plan says True
    for record in records[: len(records) // 2] + records[len(records) // 2 + 1:]:   # and one never fed
        run.feed(record)
    assert run.finish(plan) == prod_after


def test_a_plan_of_another_config_is_refused_and_the_pack_stopped(spawned):
    plan = plan_for("dev")
    run = PackRun.for_plan({**plan, "config": {**plan["config"], "aws:region": "eu-west-1"}}, {})
    with pytest.raises(RuntimeError, match="started for stack 'dev' with another config"):
        run.finish(plan)
    assert stopped(spawned)


def test_a_bad_policy_config_is_reported_and_the_pack_stopped(spawned):
    plan = plan_for("dev")
    run = PackRun.for_plan(plan, {"rds-multi-az": "sometimes"})
    for record in plan["resources"][:5]:
        run.feed(record)
    with pytest.raises(PolicyConfigError, match="rds-multi-az.enforcementLevel: got 'sometimes'"):
        run.finish(plan)
    assert stopped(spawned)


def test_a_run_closed_before_the_plan_is_complete_stops_the_pack(spawned):
    plan = plan_for("dev")
    run = PackRun.for_plan(plan, {})
    for record in plan["resources"]:
        run.feed(record)
    run.close()   # the program crashed: nothing to finish
    assert stopped(spawned)
