"""The AWS Budget (components/budget): ACTUAL and FORECASTED alerts, what it counts (budget.scope), the `stack`
cost allocation tag (budget.activateCostAllocationTag), its order after the topic's grants, and one owner per
account of the account-wide settings (preflight/singletons.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from _helpers import base_tags
from conftest import FULL_FEATURE_SETS, ROOT, plan_for, run_mocked, settings_for, shared_plan
from preflight import singletons
from preflight.exits import InputError
from preflight.stackconfig import validated_stack

from components.budget.budget import Budget, BudgetArgs

BUDGET, TAG = "aws:budgets/budget:Budget", "aws:costexplorer/costAllocationTag:CostAllocationTag"
TOPIC = "arn:aws:sns:us-east-1:314159265358:microservices-prod-alarms"
P = "microservices-platform"


def _budget(**kw):
    args = BudgetArgs(stack="prod", amount_usd=3000.0, base_tags=base_tags("prod"), sns_topic_arn=TOPIC, **kw)
    return run_mocked(lambda: Budget("budget", args), stack="prod")


def _kinds(inputs: dict) -> list[tuple[str, float]]:
    return sorted((n["notificationType"], n["threshold"]) for n in inputs["notifications"])


# ---- the component ---------------------------------------------------------------------------------------

def test_actual_alerts_from_the_first_day_and_a_forecast():
    i = _budget().one(BUDGET)["inputs"]
    assert _kinds(i) == [("ACTUAL", 80), ("ACTUAL", 100), ("FORECASTED", 100)]
    assert all(n["subscriberSnsTopicArns"] == [TOPIC] for n in i["notifications"])


@pytest.mark.parametrize("scope, filters", [
    ("account", None),
    ("stack", [{"name": "TagKeyValue", "values": ["user:stack$prod"]}]),
])
def test_the_scope_picks_the_cost_filter(scope, filters):
    i = _budget(scope=scope).one(BUDGET)["inputs"]
    assert i.get("costFilters") == filters


def test_activating_the_tag_is_a_resource_the_budget_waits_for():
    assert not _budget().of_type(TAG)
    g = _budget(scope="stack", activate_cost_allocation_tag=True)
    tag = g.one(TAG)
    assert tag["inputs"] == {"tagKey": "stack", "status": "Active"}
    assert tag["urn"] in g.one(BUDGET)["dependencies"]


@pytest.mark.parametrize("kw, match", [
    ({"scope": "org"}, "scope"),
    ({"actual_thresholds_percent": ()}, "ACTUAL"),
    ({"actual_thresholds_percent": (50, 80, 100), "forecast_thresholds_percent": (100, 120, 150)}, "at most 5"),
])
def test_budget_args_refuse_what_cannot_alert(kw, match):
    with pytest.raises(ValueError, match=match):
        BudgetArgs(stack="prod", amount_usd=10, base_tags={}, sns_topic_arn=TOPIC, **kw)


# ---- the whole program -----------------------------------------------------------------------------------

def _by_name(plan: dict) -> dict:
    return {r["name"]: r for r in plan["resources"]}


def test_the_committed_stacks_count_what_their_files_say():
    assert settings_for("prod").config.budget.scope == "account"
    assert settings_for("dev").config.budget.scope == "stack"
    for stack, filters in (("prod", None), ("dev", [{"name": "TagKeyValue", "values": ["user:stack$dev"]}])):
        plan = plan_for(stack)
        budget = _by_name(plan)["budget-monthly"]
        assert budget["inputs"].get("costFilters") == filters, stack
        assert ("ACTUAL", 80) in _kinds(budget["inputs"]), stack
        assert not [r for r in plan["resources"] if r["type"] == TAG], stack


def test_the_budget_is_created_after_the_grants_that_let_it_publish():
    names = _by_name(plan_for("prod"))
    budget = names["budget-monthly"]
    for grant in ("observability-alarms-policy", "observability-alarm-key"):
        assert names[grant]["urn"] in budget["dependencies"], grant


def test_full_feature_prod_mails_the_alerts_and_can_own_the_tag():
    plan = shared_plan("prod", (*FULL_FEATURE_SETS, "budget.activateCostAllocationTag=true"))
    names = _by_name(plan)
    budget = names["budget-monthly"]["inputs"]
    assert all(n["subscriberEmailAddresses"] == ["ops@shop-platform.io"] for n in budget["notifications"])
    tag = names["budget-stack-tag"]
    assert tag["type"] == TAG and tag["inputs"]["tagKey"] == "stack"


# ---- one owner per account -------------------------------------------------------------------------------

def _stack_file(budget: dict, **config) -> str:
    body = {f"{P}:{k}" if ":" not in k else k: v for k, v in config.items()}
    body[f"{P}:edge"] = {"manageApiGatewayAccount": False}   # the API Gateway singleton is not judged here
    if budget is not None:
        body[f"{P}:budget"] = budget
    return yaml.safe_dump({"config": body})


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    return tmp_path


def _judge(root: Path, *stacks: str, **files: str) -> list[str]:
    for stack, text in files.items():
        (root / f"Pulumi.{stack}.yaml").write_text(text)
    return singletons.check(root, {s: validated_stack(root, s, []) for s in stacks})


ACCOUNT = {"scope": "account", "activateCostAllocationTag": False}
TAGGED = {"scope": "stack", "activateCostAllocationTag": False}


def test_the_committed_stacks_name_the_budget_owner_explicitly():
    for stack, scope in (("prod", "account"), ("dev", "stack")):
        raw = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())["config"][f"{P}:budget"]
        assert raw == {"scope": scope, "activateCostAllocationTag": False}, stack
    assert singletons.check(ROOT, {s: validated_stack(ROOT, s, []) for s in ("prod", "dev")}) == []


def test_two_account_budgets_in_one_account_are_refused_in_any_region(root):
    # Budgets are global: another region does not make it another account's budget.
    with pytest.raises(InputError) as exc:
        _judge(root, "qa", prod=_stack_file(ACCOUNT), qa=_stack_file(ACCOUNT, **{"aws:region": "eu-west-1"}))
    message = str(exc.value)
    assert "budget.scope" in message and "one per account)" in message and "prod" in message and "qa" in message
    assert message.startswith("budget.scope: ")   # names the one setting owned twice
    assert _judge(root, "qa", qa=_stack_file(TAGGED)) == []


def test_two_owners_of_the_cost_allocation_tag_are_refused(root):
    owner = {"scope": "stack", "activateCostAllocationTag": True}
    with pytest.raises(InputError) as exc:
        _judge(root, "qa", prod=_stack_file(owner), qa=_stack_file(owner))
    assert "budget.activateCostAllocationTag" in str(exc.value)
    separate = _judge(root, "prod", "qa",
                      prod=_stack_file(owner, **{"aws:allowedAccountIds": ["210987654321"]}),
                      qa=_stack_file(owner, **{"aws:allowedAccountIds": ["314159265358"]}))
    assert separate == []


def test_a_stack_that_leaves_the_scope_unset_counts_the_account_and_gets_a_note(root):
    notes = _judge(root, "qa", prod=_stack_file(TAGGED),
                   qa=_stack_file({"activateCostAllocationTag": False}))
    (note,) = notes
    assert "stack qa" in note and "budget.scope" in note and "defaults to account" in note
    assert "account in one stack per account" in note
