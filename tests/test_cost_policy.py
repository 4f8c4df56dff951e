"""Budget cap / warn and cost-advice policies (validators called directly), and the
AWS Budgets component under the platform mocks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pulumi_policy import EnforcementLevel, StackValidationArgs
from pulumi_policy.policy import PolicyCustomTimeouts, PolicyResource, PolicyResourceOptions
from pulumi_policy.proxy import unknown_checking_proxy

from platform_policies import all_rules
from platform_policies.rules import stack_cost as cost_policies
from test_cost_model import DEV_BASELINE, DEV_USAGE, PROD_BASELINE, PROD_PEAK, PROD_USAGE, USAGE, build_plan

ROOT = Path(__file__).resolve().parent.parent

PROD_TOTAL = PROD_BASELINE + PROD_USAGE  # 1,977.65; peak 3,761.04
DEV_TOTAL = DEV_BASELINE + DEV_USAGE     # 292.40


def policy_resources(plan: dict) -> list[PolicyResource]:
    """What AnalyzeStack hands the policy: proxied props, parents and dependencies linked."""
    opts = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)
    objs = {r["urn"]: PolicyResource(r["type"], unknown_checking_proxy(json.loads(json.dumps(r["inputs"]))),
                                     r["urn"], r["name"], opts, None, None, [], {}) for r in plan["resources"]}
    for r in plan["resources"]:
        o = objs[r["urn"]]
        o.parent = objs.get(r.get("parent") or "")
        o.dependencies = [objs[d] for d in r.get("dependencies", []) if d in objs]
        o.property_dependencies = {k: [objs[d] for d in v if d in objs]
                                   for k, v in (r.get("propertyDependencies") or {}).items()}
    return list(objs.values())


def run_policy(validate, plan: dict, config: dict) -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []
    validate(StackValidationArgs(policy_resources(plan), config), lambda m, urn=None: found.append((m, urn)))
    return found


def test_policy_levels_and_names():
    by = {r.name: r.policy for r in all_rules() if r.area == "cost"}
    assert by["monthly-budget-cap"].enforcement_level == EnforcementLevel.MANDATORY
    assert by["monthly-budget-warn"].enforcement_level == EnforcementLevel.ADVISORY
    for n in ("graviton", "gp3", "valkey", "commitments", "spot"):
        assert by[f"cost-advice-{n}"].enforcement_level == EnforcementLevel.ADVISORY


@pytest.mark.parametrize("cap,cap_hits,warn_hits", [
    (4000.0, 0, 0),   # 49 % of the cap, peak 3,761.04 under it: silent
    (3000.0, 0, 1),   # 66 %: only the peak warning (peak 3,761.04 > 3,000)
    (2400.0, 0, 2),   # 82 %: close to the cap, and the peak warning
    (1900.0, 1, 0),   # over: mandatory, and the warn policy stays quiet
])
def test_budget_thresholds_prod(cap, cap_hits, warn_hits):
    cfg = {"maxMonthlyUsd": cap, "warnAtPercent": 80, "usage": USAGE["prod"]}
    plan = build_plan("prod")
    over = run_policy(cost_policies.validate_budget_cap, plan, cfg)
    warn = run_policy(cost_policies.validate_budget_warn, plan, cfg)
    assert (len(over), len(warn)) == (cap_hits, warn_hits)
    for msg, urn in over + warn:
        assert urn is None
        assert "$1,977.65" in msg and "peak $3,761.04" in msg and f"${cap:,.2f}" in msg
        assert "Top cost drivers: kafka (Cluster, messaging) $489.90" in msg  # MSK is the largest driver
    assert [m for m, _ in warn if m.startswith("At peak")] == (
        [] if cap >= PROD_PEAK or cap_hits else [m for m, _ in warn if "At peak the stack costs $3,761.04" in m])


def test_cap_on_peak_blocks_what_the_expected_cost_passes():
    cfg = {"maxMonthlyUsd": 3000.0, "warnAtPercent": 80, "usage": USAGE["prod"], "capOn": "peak"}
    over = run_policy(cost_policies.validate_budget_cap, build_plan("prod"), cfg)
    assert len(over) == 1 and over[0][0].startswith("Over the monthly cap (peak cost).")
    assert "The peak cost is 125.4% of the cap $3,000.00" in over[0][0]  # 3,761.04 / 3,000
    # expected cost stays under: the same cap on "expected" passes
    assert run_policy(cost_policies.validate_budget_cap, build_plan("prod"), {**cfg, "capOn": "expected"}) == []


def _with_unpriced(plan: dict) -> dict:
    """The plan with an allowed-looking but unpriced billable resource: an RDS class not in the catalog."""
    for r in plan["resources"]:
        if r["name"] == "user-db":
            r["inputs"]["instanceClass"] = "db.r7g.large"
    return plan


def test_fail_closed_an_unpriced_billable_resource_fails_the_cap():
    cfg = {"maxMonthlyUsd": 3000.0, "warnAtPercent": 80, "usage": USAGE["prod"]}
    over = run_policy(cost_policies.validate_budget_cap, _with_unpriced(build_plan("prod")), cfg)
    assert len(over) == 1
    msg = over[0][0]
    assert msg.startswith("Cannot price 1 billable resource(s)")
    assert "user-db (aws:rds/instance:Instance): RDS PostgreSQL db.r7g.large Multi-AZ: no price " \
           "'rds/postgres/db.r7g.large'" in msg
    # fail open on request: the cap passes, the warn policy says what is missing
    cfg_open = {**cfg, "failOnUnpriced": False}
    assert run_policy(cost_policies.validate_budget_cap, _with_unpriced(build_plan("prod")), cfg_open) == []
    warn = run_policy(cost_policies.validate_budget_warn, _with_unpriced(build_plan("prod")), cfg_open)
    assert any(m.startswith("Cannot price 1 billable resource(s)") for m, _ in warn)


def _in_region(plan: dict, region: str) -> dict:
    for r in plan["resources"]:
        if r["type"] == "pulumi:providers:aws":
            r["inputs"]["region"] = region
    return plan


def test_a_region_without_a_price_catalog_fails_the_cap_closed_naming_the_region():
    """`--set aws:region=eu-west-1` was priced at us-east-1 rates with only a note; the configured
    region (policies/config: us-east-1) must not hide the region the graph shows."""
    cfg = {"maxMonthlyUsd": 3000.0, "warnAtPercent": 80, "usage": USAGE["prod"], "region": "us-east-1",
           "failOnUnpriced": True}
    over = run_policy(cost_policies.validate_budget_cap, _in_region(build_plan("prod"), "eu-west-1"), cfg)
    assert len(over) == 1 and over[0][0].startswith(
        "Cannot price 1 billable resource(s), so the estimate is not an upper bound for the cap (failOnUnpriced): "
        "region eu-west-1 (price catalog): no price catalog for eu-west-1"), over
    assert run_policy(cost_policies.validate_budget_cap, build_plan("prod"), cfg) == []  # us-east-1: priced
    # fail open on request: only the warn policy names it
    cfg_open = {**cfg, "failOnUnpriced": False}
    assert run_policy(cost_policies.validate_budget_cap, _in_region(build_plan("prod"), "eu-west-1"), cfg_open) == []
    warn = run_policy(cost_policies.validate_budget_warn, _in_region(build_plan("prod"), "eu-west-1"), cfg_open)
    assert any("region eu-west-1 (price catalog)" in m for m, _ in warn)


def test_prod_config_fails_closed_and_the_cap_is_mandatory():
    for stack in ("prod", "dev"):
        cfg = json.loads((ROOT / "policies" / "config" / f"{stack}.json").read_text())
        cap = cfg["monthly-budget-cap"]
        assert cap["enforcementLevel"] == "mandatory" and cap["failOnUnpriced"] is True, stack
        assert cap["capOn"] in ("expected", "peak")
        assert "usage" not in cap  # the one usage profile is policies/usage/<stack>.json


def test_budget_dev_under_committed_cap():
    cfg = {"maxMonthlyUsd": 500, "warnAtPercent": 80, "usage": USAGE["dev"]}
    assert run_policy(cost_policies.validate_budget_cap, build_plan("dev"), cfg) == []
    assert run_policy(cost_policies.validate_budget_warn, build_plan("dev"), cfg) == []
    msgs = run_policy(cost_policies.validate_budget_cap, build_plan("dev"), {**cfg, "maxMonthlyUsd": 250})
    assert len(msgs) == 1 and "$292.40" in msgs[0][0]
    # without a usage option the policy reads policies/usage/dev.json (the stack from the URNs): same figure
    msgs = run_policy(cost_policies.validate_budget_cap, build_plan("dev"), {"maxMonthlyUsd": 250})
    assert len(msgs) == 1 and "$292.40" in msgs[0][0]


def test_advice_graviton_gp3_valkey_spot_commitments():
    plan = build_plan("prod", arch="X86_64")
    for r in plan["resources"]:
        if r["type"] == "aws:rds/instance:Instance" and r["name"] == "user-db":
            r["inputs"]["storageType"] = "gp2"
    cfg = {"usage": USAGE["prod"]}
    grav = run_policy(cost_policies.validate_advice_graviton, plan, cfg)
    text = "\n".join(m for m, _ in grav)
    # Fargate x86 -> ARM for gateway (0.25 vCPU, 0.5 GB, 3 tasks):
    # 547.5 vCPU-h x (0.04048 - 0.03238) + 1095 GB-h x (0.004445 - 0.00356) = 4.43475 + 0.969075 = 5.403825
    assert "gateway-service: run the task as ARM64 (Graviton) - saves $5.40/month" in text
    # RDS db.t3.medium Multi-AZ -> db.t4g.medium: 730 x (0.144 - 0.13) = 10.22 per database
    assert text.count("db.t3.medium -> db.t4g.medium (Graviton) saves $10.22/month") == 3
    # MSK kafka.m5.large -> kafka.m7g.large: 3 x 730 x (0.21 - 0.204) = 13.14
    assert "kafka.m5.large -> kafka.m7g.large (Graviton) saves $13.14/month" in text
    gp3 = run_policy(cost_policies.validate_advice_gp3, plan, cfg)
    assert len(gp3) == 1 and "user-db: storageType is gp2" in gp3[0][0] and "$0.00/month" in gp3[0][0]
    valkey = run_policy(cost_policies.validate_advice_valkey, plan, cfg)
    # 2 nodes x 730 x (0.032 - 0.0256) = 9.344
    assert len(valkey) == 1 and "saves $9.34/month" in valkey[0][0]
    spot = run_policy(cost_policies.validate_advice_spot, plan, cfg)
    # notification (critical=false), x86: (547.5 x 0.04048 + 1095 x 0.004445) x 50 % = 13.51515
    assert len(spot) == 1 and "notification-service" in spot[0][0] and "$13.52/month" in spot[0][0]
    # On Graviton (the default) no Spot advice: Fargate Spot runs no ARM64 task, and dev allows ARM64 only.
    assert run_policy(cost_policies.validate_advice_spot, build_plan("prod"), cfg) == []
    commit = run_policy(cost_policies.validate_advice_commitments, build_plan("prod"), cfg)
    # 216.2625 x 20 % + 315.36 x 30 % + 46.72 x 30 % = 43.2525 + 94.608 + 14.016 = 151.8765
    assert len(commit) == 1 and "~$151.88/month" in commit[0][0] and commit[0][1] is None


def test_advice_quiet_on_an_optimised_stack():
    plan = build_plan("prod", db_class="db.t4g.medium", msk_type="kafka.m7g.large")
    for r in plan["resources"]:
        if r["type"].startswith("aws:elasticache"):
            r["inputs"]["engine"] = "valkey"
        if r["name"] == "notification-service":
            r["inputs"]["tags"]["critical"] = "true"
    cfg = {"usage": USAGE["prod"]}
    for fn in (cost_policies.validate_advice_graviton, cost_policies.validate_advice_gp3,
               cost_policies.validate_advice_valkey, cost_policies.validate_advice_spot):
        assert run_policy(fn, plan, cfg) == [], fn.__name__


# --------------------------------------------------------------------------- budget component
def test_budget_component_under_mocks():
    from _helpers import base_tags
    from preflight.harness import run_mocked

    from components.budget.budget import Budget, BudgetArgs

    topic = "arn:aws:sns:us-east-1:314159265358:microservices-alarms"
    for stack, amount in (("prod", 3000.0), ("dev", 500.0)):  # the committed monthlyBudgetUsd
        args = BudgetArgs(stack=stack, amount_usd=amount, base_tags=base_tags(stack), sns_topic_arn=topic)
        g = run_mocked(lambda: Budget("budget", args), stack=stack)
        comp = g.one("platform:cost:Budget")
        b = g.one("aws:budgets/budget:Budget")
        assert b["name"] == "budget-monthly" and b["parent"] == comp["urn"]
        i = b["inputs"]
        assert i["budgetType"] == "COST" and i["timeUnit"] == "MONTHLY" and i["limitUnit"] == "USD"
        assert float(i["limitAmount"]) == amount
        assert "costFilters" not in i   # scope account (the default): every cost of the account
        notes = sorted(i["notifications"], key=lambda n: (n["notificationType"], n["threshold"]))
        # ACTUAL alerts from the first day; a forecast only once AWS has weeks of history (components/budget).
        assert [(n["notificationType"], n["threshold"]) for n in notes] == [
            ("ACTUAL", 80), ("ACTUAL", 100), ("FORECASTED", 100)]
        for n in notes:
            assert n["thresholdType"] == "PERCENTAGE"
            assert n["comparisonOperator"] == "GREATER_THAN"
            # No alert address: the alarm topic is the one subscriber.
            assert n["subscriberSnsTopicArns"] == [topic] and "subscriberEmailAddresses" not in n
        assert i["tags"]["stack"] == stack and i["tags"]["tier"] == "cost"
    # With an address, the alerts are mailed too.
    args = BudgetArgs(stack="prod", amount_usd=3000.0, base_tags=base_tags("prod"), sns_topic_arn=topic,
                      alert_email="ops@acme-shop.io")
    g = run_mocked(lambda: Budget("budget", args), stack="prod")
    for n in g.one("aws:budgets/budget:Budget")["inputs"]["notifications"]:
        assert n["subscriberEmailAddresses"] == ["ops@acme-shop.io"] and n["subscriberSnsTopicArns"] == [topic]


def test_budget_args_need_a_positive_amount_and_a_subscriber():
    from components.budget.budget import BudgetArgs

    assert BudgetArgs(stack="x", amount_usd=10, base_tags={}, alert_email="a@b.c").sns_topic_arn is None
    assert BudgetArgs(stack="x", amount_usd=10, base_tags={}, sns_topic_arn="arn:topic").alert_email is None
    with pytest.raises(ValueError, match="amount_usd"):
        BudgetArgs(stack="x", amount_usd=0, base_tags={}, sns_topic_arn="arn:topic")
    with pytest.raises(ValueError):  # nobody to tell
        BudgetArgs(stack="x", amount_usd=10, base_tags={})


@pytest.mark.heavy
def test_budget_cap_through_the_policy_pack_analyzer():
    """The pack as the engine drives it (gRPC, policies/config/prod.json): mandatory only over the cap."""
    from preflight.analyzer import run_policy_pack

    def budget(plan):
        res = run_policy_pack(plan, ROOT / "policies" / "config" / "prod.json")
        return [(v["policy"], v["level"]) for v in res["violations"] if v["policy"].startswith("monthly-budget")]

    # expected 1,977.65 passes; the peak (3,761.04 with 20 tasks per service) is an advisory warning
    assert budget(build_plan("prod")) == [("monthly-budget-warn", "advisory")]
    # 30 tasks per service: Fargate 10 x 216.2625 + 210 Cloud Map instances x $0.10 -> 3,933.90 > 3,000
    assert budget(build_plan("prod", tasks=30, max_tasks=30)) == [("monthly-budget-cap", "mandatory")]
    # an unpriced billable resource fails the prod cap (failOnUnpriced), even far under it
    assert ("monthly-budget-cap", "mandatory") in budget(_with_unpriced(build_plan("prod")))


def test_the_cost_policies_of_one_request_price_the_stack_once(monkeypatch):
    """The pack hands every stack policy of a request the same resource objects: the seven cost policies
    share one estimate, and a new request (other objects) or other options price again."""
    calls = []
    real = cost_policies.cost_model.estimate
    monkeypatch.setattr(cost_policies.cost_model, "estimate", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    plan = build_plan("prod")
    resources = policy_resources(plan)
    cost_rules = [r for r in all_rules() if r.module.endswith("stack_cost")]
    assert len(cost_rules) == 7
    for r in cost_rules:
        r.validate(StackValidationArgs(list(resources), {}), lambda m, urn=None: None)
    assert len(calls) == 1
    cost_policies.estimate_for(StackValidationArgs(policy_resources(plan), {}))  # another request
    cost_policies.estimate_for(StackValidationArgs(list(resources), {"region": "eu-west-1"}))  # other options
    assert len(calls) == 3
