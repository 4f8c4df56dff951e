"""The rehearsal's plan reader against the real prod plan, its cost and its outputs.

The prod plan is recorded once per session (conftest.plan_for); the rehearsal of it once per module.
"""

from __future__ import annotations

import json

import pytest

from conftest import plan_for
from preflight.rehearse import rehearse, write_outputs
from preflight.rehearse.cost import task_hour_prices
from preflight.rehearse.model import read_plan
from preflight.rehearse.load_profile import default_profile

SERVICES = ["gateway", "inventory", "notification", "order", "payment", "stream-processor", "user"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def prod_plan():
    return plan_for("prod")


@pytest.fixture(scope="module")
def prod_model(prod_plan):
    return read_plan(prod_plan)


@pytest.fixture(scope="module")
def prod_doc(prod_plan):
    return rehearse(prod_plan, default_profile())


def by_name(model):
    return {s.service: s for s in model.services}


def test_reads_every_service_with_its_scalable_target(prod_model):
    assert sorted(by_name(prod_model)) == SERVICES
    for s in prod_model.services:
        assert (s.min_capacity, s.max_capacity) == (3, 20), s.service
        assert s.resource_id == f"service/microservices-prod/{s.service}"
    assert prod_model.notes == []


def test_reads_target_tracking_policies(prod_model):
    gw = by_name(prod_model)["gateway"]
    assert {p.metric: p.target for p in gw.tracking} == {"cpu": 70.0, "memory": 80.0, "requests": 1000.0}
    assert {(p.scale_out_cooldown, p.scale_in_cooldown) for p in gw.tracking} == {(30.0, 300.0)}
    # Services without a target group have no requests policy.
    assert {p.metric for p in by_name(prod_model)["notification"].tracking} == {"cpu", "memory"}


def test_reads_step_policies_and_the_alarms_that_invoke_them(prod_model):
    gw = by_name(prod_model)["gateway"]
    steps = {p.name: p for p in gw.step}
    out, inn = steps["gateway-step-out"], steps["gateway-step-in"]
    assert (out.adjustment_type, out.cooldown, out.min_adjustment_magnitude) == ("PercentChangeInCapacity", 30.0, 1)
    assert [(s.lower, s.upper, s.adjustment) for s in out.steps] == [(0.0, None, 100.0)]
    assert [(s.lower, s.upper, s.adjustment) for s in inn.steps] == [(None, 0.0, -50.0)]
    assert inn.cooldown == 300.0
    (a_out,), (a_in,) = out.alarms, inn.alarms
    assert (a_out.name, a_out.metric, a_out.threshold, a_out.operator, a_out.period, a_out.evaluation_periods) == \
        ("prod-gateway-scale-out-cpu", "cpu", 85.0, "GreaterThanOrEqualToThreshold", 60, 1)
    assert (a_in.name, a_in.threshold, a_in.operator, a_in.evaluation_periods) == \
        ("prod-gateway-scale-in-cpu", 20.0, "LessThanOrEqualToThreshold", 15)


def test_reads_task_size_and_health_check(prod_model):
    svcs = by_name(prod_model)
    assert (svcs["gateway"].cpu_units, svcs["gateway"].memory_mib, svcs["gateway"].arch) == (256, 512, "ARM64")
    assert (svcs["user"].cpu_units, svcs["user"].memory_mib) == (512, 1024)
    hc = svcs["gateway"].health_check
    assert (hc.interval, hc.healthy_threshold) == (15.0, 3)
    assert svcs["stream-processor"].health_check is None


def test_reads_the_seed_latency_alarm(prod_model):
    la = prod_model.latency_alarm
    assert (la.name, la.statistic, la.threshold, la.period, la.evaluation_periods) == \
        ("prod-alb-response-time", "Average", 1.0, 60, 5)


def test_alarm_matched_by_the_resource_graph_when_the_arn_says_nothing(prod_plan):
    plan = json.loads(json.dumps(prod_plan))
    for r in plan["resources"]:
        if r["name"] == "compute-gateway-scale-out-alarm":
            r["inputs"]["alarmActions"] = ["arn:aws:appautoscaling:us-east-1:1:scalingPolicy:opaque"]
    gw = by_name(read_plan(plan))["gateway"]
    assert [a.name for p in gw.step if p.name == "gateway-step-out" for a in p.alarms] == ["prod-gateway-scale-out-cpu"]
    # ... and by the policy's name in the ARN when the graph has no edge.
    for r in plan["resources"]:
        if r["name"] == "compute-gateway-scale-out-alarm":
            r["inputs"]["alarmActions"] = ["arn:aws:appautoscaling:us-east-1:1:compute-gateway-step-out/abc"]
            r["propertyDependencies"] = {}
    gw = by_name(read_plan(plan))["gateway"]
    assert [a.name for p in gw.step if p.name == "gateway-step-out" for a in p.alarms] == ["prod-gateway-scale-out-cpu"]


def test_dev_scheduled_actions():
    gw = by_name(read_plan(plan_for("dev")))["gateway"]
    actions = {a.name: a for a in gw.scheduled}
    assert actions["dev-gateway-start"].schedule == "cron(0 8 ? * MON-FRI *)"
    assert (actions["dev-gateway-stop"].min_capacity, actions["dev-gateway-stop"].max_capacity) == (0, 0)


def test_task_hour_price_comes_from_the_cost_model(prod_plan, prod_model):
    prices, meta = task_hour_prices(prod_plan)
    gw, user = by_name(prod_model)["gateway"], by_name(prod_model)["user"]
    # ARM64 us-east-1: 0.25 vCPU x $0.03238 + 0.5 GB x $0.00356 = $0.008095 + $0.00178 = $0.009875
    assert prices[gw.service_urn] == pytest.approx(0.009875)
    # 0.5 vCPU x $0.03238 + 1 GB x $0.00356 = $0.01619 + $0.00356 = $0.01975
    assert prices[user.service_urn] == pytest.approx(0.01975)
    assert meta["hours_per_month"] == 730.0


def test_document_shape_and_cost_arithmetic(prod_doc):
    assert prod_doc["schema_version"] == 1 and prod_doc["stack"] == "prod"
    assert [s["service"] for s in prod_doc["services"]] == SERVICES
    # 5 + 10 + 30 + 10 + 30 minutes at 10 s steps = 510 steps per series.
    assert prod_doc["duration_seconds"] == 85 * 60
    for s in prod_doc["services"]:
        assert len(prod_doc["series"][s["service"]]["t"]) == 510
        for key in ("needed_at_peak", "max_suffices", "seconds_to_needed_capacity", "minutes_saturated_at_max",
                    "latency_alarm_minutes", "worst_minute_latency_ms", "task_hours", "rehearsal_usd", "daily_per_month_usd", "advice"):
            assert key in s, key
        # cost = task-hours x price; daily per month = cost x 730 / 24 days
        assert s["rehearsal_usd"] == pytest.approx(s["task_hours"] * s["usd_per_task_hour"], abs=1e-3)
        assert s["daily_per_month_usd"] == pytest.approx(s["rehearsal_usd"] * 730 / 24, abs=0.02)
        assert 3 <= min(prod_doc["series"][s["service"]]["desired"]) and max(prod_doc["series"][s["service"]]["desired"]) <= 20
    gw = prod_doc["services"][0]
    # Peak 10,000 users x 0.2 req/s = 2000 req/s; a 0.25 vCPU task at 1200 req/s per vCPU and the 70 % target
    # serves 0.25 x 1200 x 0.7 = 210 req/s -> ceil(2000 / 210) = ceil(9.52) = 10 tasks.
    assert gw["peak_requests_per_second"] == 2000.0 and gw["needed_at_peak"] == 10 and gw["max_suffices"]
    assert prod_doc["totals"]["rehearsal_usd"] == pytest.approx(sum(s["rehearsal_usd"] for s in prod_doc["services"]),
                                                               abs=1e-3)
    json.dumps(prod_doc, allow_nan=False)   # strict JSON: no NaN or Infinity anywhere


def test_advice_names_settings_keys_and_shows_the_rerun(prod_doc):
    keys = {a["key"] for s in prod_doc["services"] for a in s["advice"]}
    assert keys and keys <= {"scaling.maxCount", "scaling.scaleOutPercent", "scaling.cpuTargetPercent",
                             "scaling.scaleOutCooldownSeconds", "scaling.requestsPerTarget"}
    for s in prod_doc["services"]:
        for a in s["advice"]:
            assert set(a["before"]) == set(a["after"]) and "why" in a


def test_not_enough_max_is_advised_with_the_needed_count(prod_plan):
    prof = default_profile()
    prof["load"]["users"] = 40000
    doc = rehearse(prod_plan, prof)
    gw = doc["services"][0]
    # 40,000 x 0.2 = 8000 req/s / 210 req/s per task = 38.1 -> 39 tasks > max 20.
    assert gw["needed_at_peak"] == 39 and not gw["max_suffices"] and gw["seconds_to_needed_capacity"] is None
    assert gw["minutes_saturated_at_max"] > 0 and gw["latency_alarm_minutes"] > 0
    raise_max = [a for a in gw["advice"] if a["key"] == "scaling.maxCount"]
    assert raise_max and raise_max[0]["to"] == 39
    assert raise_max[0]["after"]["alarm_minutes"] < raise_max[0]["before"]["alarm_minutes"]


def test_charts_are_png_files(prod_doc, tmp_path):
    written = write_outputs(prod_doc, str(tmp_path / "r.json"), str(tmp_path / "charts"))
    pngs = sorted(p.name for p in written if p.suffix == ".png")
    assert pngs == [f"prod-{s}.png" for s in SERVICES]
    for p in written:
        if p.suffix == ".png":
            assert p.read_bytes()[:8] == PNG_MAGIC
    assert json.loads((tmp_path / "r.json").read_text())["stack"] == "prod"
