"""Observability: alarms as the seed, encrypted topic, dashboard, names shared with compute/chaos."""

from __future__ import annotations

import json
import re

import pytest

from _helpers import REQUIRED_TAGS, base_tags
from conftest import run_mocked
from preflight.mocks import ACCOUNT
from components.shared import naming
from components.observability.observability import (Observability, ObservabilityArgs, cache_member_ids, db_connection_threshold,
                                      mq_instance_names, pg_max_connections)

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


# The seed's services (name -> behind the ALB) and database owners; what prod and dev size differently.
SERVICES = {"gateway": True, "user": True, "order": True, "inventory": True, "payment": True,
            "notification": False, "stream-processor": False}
DB_OWNERS = ("user", "order", "inventory")
STACKS = {"prod": dict(db_instance_class="db.t3.medium", cache_replicas=1, mq_deployment_mode="ACTIVE_STANDBY_MULTI_AZ"),
          "dev": dict(db_instance_class="db.t3.micro", cache_replicas=0, mq_deployment_mode="SINGLE_INSTANCE")}


def build(stack: str, *, alternates: bool = True, **extra):
    public = [n for n, behind_alb in SERVICES.items() if behind_alb]
    args = ObservabilityArgs(
        stack=stack, region="us-east-1", base_tags=base_tags(stack), services=SERVICES,
        alb_arn_suffix="app/edge-alb-1234567/50dc6c495c0c9188",
        target_group_arn_suffixes={n: f"targetgroup/{n}-tg/73e2d6bc24d8a067" for n in public},
        alternate_target_group_arn_suffixes={n: f"targetgroup/{n}-alt/0a1b2c3d4e5f6a7b" for n in public}
        if alternates else {},
        db_instance_ids={o: f"{stack}-{o}-db" for o in DB_OWNERS},
        db_proxy_names={o: f"{stack}-{o}-db-proxy" for o in DB_OWNERS},
        cache_replication_group_id=f"{stack}-inventory-cache", cache_owner="inventory",
        kafka_cluster_name=f"{stack}-kafka", mq_broker_name=f"{stack}-payments", mq_owner="payment",
        **{**STACKS[stack], **extra})

    def program():
        obs = Observability("observability", args)
        return {"topic": obs.alarm_topic_arn, "service_alarms": obs.service_alarm_names,
                "stop": obs.chaos_stop_alarm_arns, "dashboard": obs.dashboard_name}

    return args, run_mocked(program, stack=stack)


@pytest.fixture(scope="module", params=["prod", "dev"])
def stack(request):
    s, graph = build(request.param)
    return request.param, s, graph


def alarms(graph) -> dict[str, dict]:
    return {r["inputs"]["name"]: r["inputs"] for r in graph.of_type(ALARM)}


def test_service_alarm_names_match_naming_and_are_outputs_of_the_alarms(stack):
    name, s, graph = stack
    by_name = alarms(graph)
    assert set(graph.outputs["service_alarms"]) == set(s.services)
    for svc, public in s.services.items():
        expected = naming.service_alarm_names(name, svc, public)
        assert graph.outputs["service_alarms"][svc] == expected
        assert all(n in by_name for n in expected), "the canary rollback alarms exist with exactly these names"


def test_service_cpu_alarm_is_80_percent_for_5_minutes(stack):
    name, s, graph = stack
    for svc in s.services:
        a = alarms(graph)[f"{name}-{svc}-cpu-high"]
        assert (a["namespace"], a["metricName"], a["statistic"]) == ("AWS/ECS", "CPUUtilization", "Average")
        assert a["dimensions"] == {"ClusterName": naming.cluster_name(name), "ServiceName": naming.ecs_service_name(svc)}
        assert a["threshold"] == 80 and a["comparisonOperator"] == "GreaterThanThreshold"
        assert a["period"] * a["evaluationPeriods"] == 300 and a["datapointsToAlarm"] == a["evaluationPeriods"]


def test_error_rate_alarms_use_metric_math_over_10_minutes(stack):
    name, s, graph = stack
    by_name = alarms(graph)
    alb = by_name[f"{name}-alb-5xx-rate"]
    queries = {q["id"]: q for q in alb["metricQueries"]}
    assert {q["metric"]["metricName"] for q in queries.values() if "metric" in q} == {
        "HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count", "RequestCount"}
    expr = [q for q in queries.values() if q.get("returnData")]
    assert len(expr) == 1 and "target5xx" in expr[0]["expression"]
    # Requests the ALB rejects itself (no healthy target: 503) are not in RequestCount: they must still
    # give the stop condition a rate (100 %), not "no data" (= notBreaching).
    denominator = expr[0]["expression"].split(" / ", 1)[1]
    assert "FILL(requests, 0)" in denominator and "FILL(elb5xx, 0)" in denominator
    assert alb["threshold"] == 1 and alb["evaluationPeriods"] * 60 == 600
    assert all(q["metric"]["dimensions"]["LoadBalancer"] == "app/edge-alb-1234567/50dc6c495c0c9188"
               for q in queries.values() if "metric" in q)
    for svc in [n for n, public in s.services.items() if public]:
        a = by_name[f"{name}-{svc}-5xx-rate"]
        dims = [q["metric"]["dimensions"] for q in a["metricQueries"] if "metric" in q]
        assert {d["TargetGroup"] for d in dims} == {f"targetgroup/{svc}-tg/73e2d6bc24d8a067",
                                                     f"targetgroup/{svc}-alt/0a1b2c3d4e5f6a7b"}
        assert a["threshold"] == 1 and a["evaluationPeriods"] == 10 and a["treatMissingData"] == "notBreaching"


def test_service_error_rate_sums_both_target_groups_of_the_canary_pair(stack):
    """ECS shifts traffic between the two groups: errors and requests of both count, each id used."""
    name, s, graph = stack
    for svc in [n for n, public in s.services.items() if public]:
        a = alarms(graph)[f"{name}-{svc}-5xx-rate"]
        metrics = {q["id"]: q["metric"] for q in a["metricQueries"] if "metric" in q}
        (expr,) = [q["expression"] for q in a["metricQueries"] if q.get("returnData")]
        numerator, denominator = expr.split(" / ")
        for qid, m in metrics.items():
            side = numerator if m["metricName"] == "HTTPCode_Target_5XX_Count" else denominator
            assert m["metricName"] in ("HTTPCode_Target_5XX_Count", "RequestCount")
            assert f"FILL({qid}, 0)" in side, f"{qid} missing from the {svc} rate: {expr}"
        assert len(metrics) == 4


def test_single_target_group_rate_without_an_alternate():
    s, graph = build("dev", alternates=False)
    by_name = alarms(graph)
    for svc in [n for n, public in s.services.items() if public]:
        a = by_name[f"dev-{svc}-5xx-rate"]
        assert [q["id"] for q in a["metricQueries"]] == ["errors", "requests", "e1"]
        assert a["metricQueries"][-1]["expression"] == "100 * (FILL(errors, 0)) / (FILL(requests, 0))"


def test_metric_math_alarms_have_shapes_cloudwatch_accepts(stack):
    """PutMetricAlarm: with Metrics, exactly one query returns data, ids start with a lowercase letter,
    every metric query has its own period, and no top-level metric/period/statistic is set."""
    _, _, graph = stack
    math = [a["inputs"] for a in graph.of_type(ALARM) if a["inputs"].get("metricQueries")]
    assert len(math) >= 3
    for a in math:
        queries = a["metricQueries"]
        assert len([q for q in queries if q.get("returnData")]) == 1, a["name"]
        ids = [q["id"] for q in queries]
        assert len(set(ids)) == len(ids) and all(re.fullmatch(r"[a-z][a-zA-Z0-9_]*", i) for i in ids), ids
        for q in queries:
            assert ("metric" in q) != ("expression" in q)
            if "metric" in q:
                assert q["metric"]["period"] % 60 == 0 and q["metric"]["stat"]
        assert not {"namespace", "metricName", "period", "statistic", "dimensions"} & set(a), a["name"]


def test_response_time_alarm_is_1_second_for_5_minutes(stack):
    name, _, graph = stack
    a = alarms(graph)[f"{name}-alb-response-time"]
    assert a["metricName"] == "TargetResponseTime" and a["threshold"] == 1
    assert a["period"] * a["evaluationPeriods"] == 300


def test_db_connection_alarm_is_90_percent_of_max_connections_for_2_minutes(stack):
    name, s, graph = stack
    klass = s.db_instance_class
    for owner in s.db_instance_ids:
        a = alarms(graph)[f"{name}-{owner}-db-connections"]
        assert a["dimensions"] == {"DBInstanceIdentifier": f"{name}-{owner}-db"}
        assert a["threshold"] == db_connection_threshold(klass)
        assert a["period"] == 60 and a["evaluationPeriods"] == 2 and a["statistic"] == "Maximum"


def test_max_connections_is_the_rds_formula_over_a_share_of_memory_the_instance_has():
    # The value the parameter group sets: LEAST(0.7 x nominal bytes / 9531392, 5000), below the default RDS
    # derives from DBInstanceClassMemory (which the nominal size overstates), so a threshold from it is reached.
    assert pg_max_connections("db.t3.micro") == 78   # 0.7 x 1 GiB / 9531392 = 78.9
    assert pg_max_connections("db.t3.medium") == 315
    assert db_connection_threshold("db.t3.medium") == 283  # 90 % of 315 = 283.5
    assert db_connection_threshold("db.t3.micro") == 70
    assert pg_max_connections("db.r6g.24xlarge") == 5000  # capped
    with pytest.raises(ValueError, match="db.x9.huge"):
        pg_max_connections("db.x9.huge")


def test_proxy_pool_alarm_is_borrowed_over_allowed_above_90_percent_for_2_minutes(stack):
    name, s, graph = stack
    for owner, proxy in s.db_proxy_names.items():
        a = alarms(graph)[f"{name}-{owner}-db-proxy-pool"]
        assert a["threshold"] == 90 and a["comparisonOperator"] == "GreaterThanThreshold"
        assert a["evaluationPeriods"] == 2 and a["datapointsToAlarm"] == 2
        queries = {q["id"]: q for q in a["metricQueries"]}
        assert queries["e1"]["expression"] == "100 * borrowed / allowed" and queries["e1"]["returnData"]
        for qid, metric in (("borrowed", "DatabaseConnectionsCurrentlyBorrowed"),
                            ("allowed", "MaxDatabaseConnectionsAllowed")):
            m = queries[qid]["metric"]
            assert (m["namespace"], m["metricName"], m["stat"], m["period"]) == ("AWS/RDS", metric, "Sum", 60)
            assert m["dimensions"] == {"ProxyName": proxy}


def test_cache_and_broker_health_alarms(stack):
    name, s, graph = stack
    by_name = alarms(graph)
    nodes = cache_member_ids(f"{name}-inventory-cache", s.cache_replicas)
    cpu = by_name[f"{name}-cache-engine-cpu"]
    assert sorted(q["metric"]["dimensions"]["CacheClusterId"] for q in cpu["metricQueries"] if "metric" in q) == nodes
    assert f"{name}-cache-memory" in by_name
    assert (f"{name}-cache-replication-lag" in by_name) == (s.cache_replicas > 0)
    assert by_name[f"{name}-kafka-offline-partitions"]["dimensions"] == {"Cluster Name": f"{name}-kafka"}
    controller = by_name[f"{name}-kafka-active-controller"]
    assert controller["comparisonOperator"] == "LessThanThreshold" and controller["treatMissingData"] == "breaching"
    heap = by_name[f"{name}-mq-heap-usage"]
    brokers = sorted(q["metric"]["dimensions"]["Broker"] for q in heap["metricQueries"] if "metric" in q)
    assert brokers == mq_instance_names(f"{name}-payments", s.mq_deployment_mode)
    assert len(brokers) == (2 if s.mq_deployment_mode == "ACTIVE_STANDBY_MULTI_AZ" else 1)


def test_every_alarm_notifies_the_topic_and_is_tagged(stack):
    name, _, graph = stack
    topic = graph.one("aws:sns/topic:Topic")
    for a in graph.of_type(ALARM):
        i = a["inputs"]
        assert i["alarmActions"] == [graph.outputs["topic"]] and i["okActions"] == [graph.outputs["topic"]]
        assert all(i["tags"].get(t) for t in REQUIRED_TAGS) and i["tags"]["tier"] == "observability"
        assert len(i["name"]) <= 255
    assert topic["inputs"]["tags"]["stack"] == name


def test_topic_is_encrypted_with_a_key_cloudwatch_and_budgets_may_use(stack):
    _, s, graph = stack
    topic = graph.one("aws:sns/topic:Topic")["inputs"]
    key = graph.one("aws:kms/key:Key")["inputs"]
    assert topic["kmsMasterKeyId"] != "alias/aws/sns", "CloudWatch cannot use the AWS managed SNS key"
    assert topic["kmsMasterKeyId"].startswith("arn:aws:kms:")
    assert key["enableKeyRotation"] is True
    statements = json.loads(key["policy"])["Statement"]
    for service in ("cloudwatch.amazonaws.com", "budgets.amazonaws.com"):
        grants = [st for st in statements if st["Principal"] == {"Service": service}]
        assert grants and set(grants[0]["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey*"}, service
        assert grants[0]["Resource"] == "*", service
    cloudwatch, budgets_key = ([st for st in statements if st["Principal"] == {"Service": s}][0]
                               for s in ("cloudwatch.amazonaws.com", "budgets.amazonaws.com"))
    assert cloudwatch["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    # Budgets: the SNS developer guide's statement for AWS services publishing to encrypted topics, without a
    # condition (AWS documents none Budgets sets on its KMS calls); the topic policy scopes it instead.
    assert "Condition" not in budgets_key
    policy = json.loads(graph.one("aws:sns/topicPolicy:TopicPolicy")["inputs"]["policy"])["Statement"]
    budgets = [st for st in policy if st["Principal"] == {"Service": "budgets.amazonaws.com"}]
    assert [st["Action"] for st in budgets] == ["sns:Publish"]
    assert budgets[0]["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT},
                                       "ArnLike": {"aws:SourceArn": f"arn:aws:budgets::{ACCOUNT}:*"}}
    # No alert address: no subscription (the topic ARN is an output).
    assert s.alert_email is None and not graph.of_type("aws:sns/topicSubscription:TopicSubscription")


def test_alert_email_subscribes_to_the_topic():
    _, graph = build("prod", alert_email="ops@acme-shop.io")
    sub = graph.one("aws:sns/topicSubscription:TopicSubscription")["inputs"]
    assert sub["protocol"] == "email" and sub["endpoint"] == "ops@acme-shop.io"


def test_chaos_stop_alarms_are_the_customer_facing_alb_alarms(stack):
    name, _, graph = stack
    assert graph.outputs["stop"] == [f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:{name}-alb-5xx-rate",
                                     f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:{name}-alb-response-time"]


def test_dashboard_shows_latency_throughput_errors_cpu_memory_db_and_cache(stack):
    name, s, graph = stack
    dash = graph.one("aws:cloudwatch/dashboard:Dashboard")["inputs"]
    assert dash["dashboardName"] == graph.outputs["dashboard"] == f"microservices-{name}"
    widgets = json.loads(dash["dashboardBody"])["widgets"]
    metrics = {m[1] for w in widgets for m in w["properties"]["metrics"]}
    assert {"TargetResponseTime", "RequestCount", "HTTPCode_Target_5XX_Count", "CPUUtilization",
            "MemoryUtilization", "DatabaseConnections", "CacheHits", "CacheMisses"} <= metrics
    cpu = next(w for w in widgets if w["properties"]["title"].startswith("ECS CPU"))
    assert len(cpu["properties"]["metrics"]) == len(s.services)
    assert all(w["properties"]["region"] == "us-east-1" for w in widgets)


def test_missing_target_group_for_a_public_service_is_refused():
    with pytest.raises(Exception, match="gateway"):
        run_mocked(lambda: Observability("observability", ObservabilityArgs(
            stack="prod", region="us-east-1", base_tags=base_tags("prod"), services=SERVICES,
            alb_arn_suffix="app/x/y", target_group_arn_suffixes={}, db_instance_ids={})))
