"""The budget's alerts followed to someone (rules/budgets.py): the topic accepts them, someone hears them, the
cost allocation tag a filter needs.  Violating, compliant and first-preview cases, then the recorded plans."""

from __future__ import annotations

import json

import pytest

from test_policies_support import U_STR, check, check_stack, urn

from conftest import FULL_FEATURE_SETS, plan_for, preview_plan_for, shared_plan
from pack_inproc import evaluate, find, mutated
from platform_policies.rules import budgets

ACCEPTS, HEARD, TAG = (budgets.validate_budget_topic_accepts_alerts, budgets.validate_budget_alerts_reach_someone,
                       budgets.validate_budget_cost_allocation_tag)
BUDGET, TOPIC, POLICY = budgets.BUDGET, budgets.TOPIC, budgets.TOPIC_POLICY
SUB, KEY, CE_TAG = budgets.SUBSCRIPTION, budgets.KMS_KEY, budgets.COST_ALLOCATION_TAG
ARN = "arn:aws:sns:us-east-1:314159265358:alarms"
OPS = {"protocol": "email", "endpoint": "ops@acme-shop.io"}
KEY_GRANT = {"Effect": "Allow", "Principal": {"Service": "budgets.amazonaws.com"},
             "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*"}
PUBLISH = {"Effect": "Allow", "Principal": {"Service": "budgets.amazonaws.com"}, "Action": "SNS:Publish",
           "Resource": ARN, "Condition": {"StringEquals": {"aws:SourceAccount": "314159265358"}}}
ADMIN = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::314159265358:root"}, "Action": "kms:*",
         "Resource": "*"}


def _doc(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _note(kind="ACTUAL", topic=ARN, emails=None) -> dict:
    n = {"comparisonOperator": "GREATER_THAN", "notificationType": kind, "threshold": 80,
         "thresholdType": "PERCENTAGE", "subscriberSnsTopicArns": [topic]}
    if emails:
        n["subscriberEmailAddresses"] = emails
    return n


def plan(*, notes=None, key_policy=_doc(ADMIN, KEY_GRANT), topic_policy=_doc(PUBLISH), subscribed=False,
         deps=True, key_ref="arn:aws:kms:us-east-1:314159265358:key/k") -> list[dict]:
    """A budget notifying the topic `alarms` (encrypted with key `k`, with a topic policy)."""
    on_topic = [urn(TOPIC, "alarms")] if deps else []
    out = [
        {"type": KEY, "name": "k", "props": {"policy": key_policy}},
        {"type": TOPIC, "name": "alarms", "props": {"name": "alarms", "kmsMasterKeyId": key_ref},
         "deps": {"kmsMasterKeyId": [urn(KEY, "k")]}},
        {"type": BUDGET, "name": "b", "props": {"notifications": notes if notes is not None else [_note()]},
         "deps": {"notifications": on_topic}},
    ]
    if topic_policy is not None:
        out.append({"type": POLICY, "name": "p", "props": {"arn": ARN if not deps else U_STR, "policy": topic_policy},
                    "deps": {"arn": on_topic}})
    if subscribed:
        out.append({"type": SUB, "name": "mail", "props": {"topic": ARN if not deps else U_STR, **OPS},
                    "deps": {"topic": on_topic}})
    return out


def _messages(validator, resources) -> list[tuple[str, str]]:
    return [(m, u.rsplit("::", 1)[-1]) for m, u in check_stack(validator, resources)]


# ---- budget-topic-accepts-alerts ---------------------------------------------------------------------------

def test_a_topic_that_admits_budgets_passes_by_dependency_and_by_arn():
    assert check_stack(ACCEPTS, plan()) == []
    assert check_stack(ACCEPTS, plan(deps=False)) == []     # values known, no dependencies: the ARN names it


@pytest.mark.parametrize("change, expected", [
    ({"topic_policy": _doc({**PUBLISH, "Principal": {"Service": "cloudwatch.amazonaws.com"}})},
     "topic policy does not let budgets.amazonaws.com sns:Publish"),
    ({"topic_policy": None}, "no topic policy"),
    ({"key_policy": _doc(ADMIN)}, "key k, whose policy does not let budgets.amazonaws.com use it"),
    ({"key_policy": _doc(ADMIN, {**KEY_GRANT, "Action": ["kms:Decrypt"]})}, "kms:GenerateDataKey*"),
    ({"key_ref": "alias/aws/sns"}, "alias/aws/sns"),
])
def test_a_topic_that_drops_the_alerts_is_refused(change, expected):
    found = _messages(ACCEPTS, plan(**change))
    assert len(found) == 1 and expected in found[0][0] and found[0][1] == "alarms", found


def test_first_preview_decides_from_the_dependencies():
    preview = [{"type": BUDGET, "name": "b", "props": {"notifications": [_note(topic=U_STR)]},
                "deps": {"notifications": [urn(TOPIC, "alarms")]}},
               {"type": TOPIC, "name": "alarms", "props": {"name": "alarms", "kmsMasterKeyId": U_STR},
                "deps": {"kmsMasterKeyId": [urn(KEY, "k")]}},
               {"type": KEY, "name": "k", "props": {"policy": _doc(ADMIN)}},
               {"type": POLICY, "name": "p", "props": {"arn": U_STR, "policy": U_STR},
                "deps": {"arn": [urn(TOPIC, "alarms")], "policy": [urn(TOPIC, "alarms")]}}]
    # The key's policy is known already and does not admit Budgets; the topic policy is not known yet.
    (found,) = _messages(ACCEPTS, preview)
    assert "key k" in found[0] and found[1] == "alarms"
    preview[2]["props"]["policy"] = _doc(ADMIN, KEY_GRANT)
    assert _messages(ACCEPTS, preview) == []


def test_a_topic_outside_the_plan_is_not_judged():
    outside = [{"type": BUDGET, "name": "b", "props": {"notifications": [_note(topic="arn:aws:sns:us-east-1:"
                                                                                      "314159265358:elsewhere")]}}]
    assert check_stack(ACCEPTS, outside) == [] and check_stack(HEARD, outside) == []


# ---- budget-alerts-reach-someone ---------------------------------------------------------------------------

def test_nobody_hears_a_budget_whose_topic_has_no_subscription():
    (found,) = _messages(HEARD, plan())
    assert "Nobody hears the budget" in found[0] and "alertEmail" in found[0] and found[1] == "b"


@pytest.mark.parametrize("resources", [
    plan(subscribed=True),
    plan(subscribed=True, deps=False),
    plan(notes=[_note(emails=["ops@acme-shop.io"])]),
], ids=["subscription", "subscription-by-arn", "e-mail"])
def test_a_subscription_or_an_address_is_heard(resources):
    assert check_stack(HEARD, resources) == []


def test_first_preview_follows_the_subscription_to_the_topic():
    preview = plan(notes=[_note(topic=U_STR)], subscribed=True)
    assert check_stack(HEARD, preview) == []
    without = [r for r in preview if r["type"] != SUB]
    (found,) = _messages(HEARD, without)
    assert "Nobody hears" in found[0]
    # No dependency and no known ARN: the plan does not say which topic, nothing is reported.
    assert check_stack(HEARD, plan(notes=[_note(topic=U_STR)], deps=False)) == []


def test_forecasts_only_are_silent_for_weeks():
    found = _messages(HEARD, plan(notes=[_note("FORECASTED")], subscribed=True))
    assert len(found) == 1 and "FORECASTED notifications only" in found[0][0] and "five weeks" in found[0][0]
    assert check_stack(HEARD, plan(notes=[_note("FORECASTED"), _note()], subscribed=True)) == []


def test_a_budgets_key_grant_under_a_condition_is_reported():
    conditioned = {**KEY_GRANT, "Condition": {"StringEquals": {"aws:SourceAccount": "314159265358"}}}
    found = _messages(HEARD, plan(key_policy=_doc(ADMIN, conditioned), subscribed=True))
    assert len(found) == 1 and "only under a Condition" in found[0][0] and found[0][1] == "k"
    # Admitted by the condition-free statement as well: nothing to say.
    assert check_stack(HEARD, plan(key_policy=_doc(ADMIN, conditioned, KEY_GRANT), subscribed=True)) == []


# ---- budget-cost-allocation-tag ----------------------------------------------------------------------------

def _tagged(values=("user:stack$dev",)) -> dict:
    return {"type": BUDGET, "name": "b", "props": {"costFilters": [{"name": "TagKeyValue", "values": list(values)}]}}


def test_a_tag_filter_nothing_activates_is_reported():
    (found,) = _messages(TAG, [_tagged()])
    assert "sees $0" in found[0] and "budget.activateCostAllocationTag" in found[0] and found[1] == "b"


@pytest.mark.parametrize("resources", [
    [_tagged(), {"type": CE_TAG, "name": "t", "props": {"tagKey": "stack", "status": "Active"}}],
    [{"type": BUDGET, "name": "b", "props": {}}],                                  # the whole account
    [{"type": BUDGET, "name": "b", "props": {"costFilters": [{"name": "Region", "values": ["us-east-1"]}]}}],
], ids=["activated", "account", "no-tag-filter"])
def test_an_activated_tag_or_no_tag_filter_passes(resources):
    assert check_stack(TAG, resources) == []


def test_first_preview_of_the_tag_rule():
    # The tag key and the filter are plain values, known in a first preview; an unknown filter says nothing.
    assert len(check_stack(TAG, [_tagged()])) == 1
    assert check_stack(TAG, [{"type": BUDGET, "name": "b", "props": {"costFilters": U_STR}}]) == []
    inactive = {"type": CE_TAG, "name": "t", "props": {"tagKey": "stack", "status": "Inactive"}}
    assert len(check_stack(TAG, [_tagged(), inactive])) == 1


def test_a_notification_takes_one_sns_topic():
    budget = {"name": "n", "budgetType": "COST", "timeUnit": "MONTHLY", "limitAmount": "10",
              "notifications": [_note(topic=ARN), {**_note(), "subscriberSnsTopicArns": [ARN, ARN + "2"]}]}
    found = check(budgets.validate_budget_values, BUDGET, budget)
    assert found == ["notifications[1] has 2 SNS topics; a notification takes one."]


# ---- the recorded plans ------------------------------------------------------------------------------------

OURS = ("budget-topic-accepts-alerts", "budget-alerts-reach-someone", "budget-cost-allocation-tag")


def _ours(plan: dict, stack: str) -> list[tuple[str, str, str]]:
    return sorted((v["policy"], v["level"], v["urn"].rsplit("::", 1)[-1]) for v in evaluate(plan, stack)
                  if v["policy"] in OURS)


def test_the_committed_plans_say_what_is_missing_and_nothing_else():
    # prod counts the account (no tag filter) and has no address; dev counts its tag, which nobody activates.
    assert _ours(plan_for("prod"), "prod") == [("budget-alerts-reach-someone", "advisory", "budget-monthly")]
    assert _ours(plan_for("dev"), "dev") == [("budget-alerts-reach-someone", "advisory", "budget-monthly"),
                                             ("budget-cost-allocation-tag", "advisory", "budget-monthly")]
    assert _ours(shared_plan("prod", FULL_FEATURE_SETS), "prod") == []
    assert _ours(preview_plan_for("prod"), "prod") == [("budget-alerts-reach-someone", "advisory", "budget-monthly")]


def _without_budgets_key_grant(plan: dict) -> None:
    key = find(plan, KEY, "observability-alarm-key")["inputs"]
    doc = json.loads(key["policy"])
    doc["Statement"] = [st for st in doc["Statement"] if st.get("Principal") != {"Service": "budgets.amazonaws.com"}]
    key["policy"] = json.dumps(doc)


@pytest.mark.parametrize("preview", [False, True], ids=["full", "first-preview"])
def test_a_key_without_the_budgets_grant_is_refused_in_the_committed_plan(preview):
    source = preview_plan_for("prod") if preview else plan_for("prod")
    hits = [v for v in evaluate(mutated(source, _without_budgets_key_grant), "prod")
            if v["policy"] == "budget-topic-accepts-alerts"]
    assert len(hits) == 1 and hits[0]["level"] == "mandatory" and hits[0]["urn"].endswith("::observability-alarms")
