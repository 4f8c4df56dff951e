"""Alarms that can fire: the metric exists, its dimensions name the plan's resources, the threshold can be crossed,
the actions reach something (rules/cloudwatch_alarms.py, facts/cloudwatch_metrics.py)."""

from __future__ import annotations

import json

from test_policies_support import U_STR, check, check_stack, urn
from platform_policies.facts import cloudwatch_metrics as metrics
from platform_policies.rules import cloudwatch_alarms as alarms

ALARM = alarms.METRIC_ALARM
TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:alarms"
CPU = {"alarmActions": [TOPIC_ARN], "comparisonOperator": "GreaterThanThreshold", "evaluationPeriods": 5,
       "period": 60, "statistic": "Average", "threshold": 80, "namespace": "AWS/ECS", "metricName": "CPUUtilization",
       "dimensions": {"ClusterName": "microservices-prod", "ServiceName": "order"}}


def _res(type_, name, props, deps=None):
    return {"type": type_, "name": name, "props": props, "deps": deps or {}}


def _alarm(props, deps=None, name="alarm"):
    return _res(ALARM, name, props, deps)


def _ecs():
    return [_res(alarms.ECS_CLUSTER, "cluster", {"name": "microservices-prod"}),
            _res(alarms.ECS_SERVICE, "order", {"name": "order",
                                               "cluster": "arn:aws:ecs:us-east-1:1:cluster/microservices-prod"})]


def _topic(key_policy=None, kms=None):
    key = {"kmsMasterKeyId": kms} if kms else {}
    topic = _res(alarms.TOPIC, "topic", {"name": "alarms", "arn": TOPIC_ARN, **key})
    out = [topic]
    if key_policy is not None:
        out.append(_res(alarms.KMS_KEY, "key", {"policy": json.dumps(key_policy)}))
        topic["props"]["kmsMasterKeyId"] = "arn:aws:kms:us-east-1:123456789012:key/k"
        topic["deps"] = {"kmsMasterKeyId": [urn(alarms.KMS_KEY, "key")]}
    return out


def _stack(validator, *resources):
    return [m for m, _ in check_stack(validator, [dict(r) for r in resources])]


# ---- the table ---------------------------------------------------------------------------------------------

def test_metric_table_is_consistent():
    for ns, namespace in metrics.NAMESPACES.items():
        assert ns.startswith("AWS/") and namespace.source
        for family in namespace.families:
            assert family.metrics and family.dimension_sets, ns
            assert family.level in (None, *metrics.MSK_LEVELS)
    assert metrics.dimension_sets("AWS/RDS", "DatabaseConnections") >= {
        frozenset({"DBInstanceIdentifier"}), frozenset({"ProxyName"})}  # instance and proxy both publish it
    assert metrics.bounds("AWS/ECS", "CPUUtilization") == (0.0, None)  # service utilisation can pass 100 %
    assert metrics.bounds("AWS/ElastiCache", "EngineCPUUtilization") == metrics.PERCENT
    assert metrics.bounds("Custom/App", "Latency") == (None, None)


# ---- alarm-metric-published ---------------------------------------------------------------------------------

def test_metric_published():
    v = alarms.validate_alarm_metric_published
    assert check(v, ALARM, CPU) == []
    (message,) = check(v, ALARM, {**CPU, "metricName": "CPUUtilisation"})
    assert "did you mean 'CPUUtilization'" in message
    (message,) = check(v, ALARM, {**CPU, "dimensions": {"ServiceName": "order"}})  # ServiceName alone: no metric
    assert "ClusterName, ServiceName" in message
    assert check(v, ALARM, {**CPU, "namespace": "Shop/Orders"}) == []  # not judged here: alarm-wiring-undecided
    assert check(v, ALARM, {**CPU, "metricName": "Brand-new"}, config={"extraMetrics": ["AWS/ECS:Brand-new"]}) == []


def test_metric_published_in_metric_math():
    v = alarms.validate_alarm_metric_published

    def alarm(metric, dims):
        return {"alarmActions": [TOPIC_ARN], "comparisonOperator": "GreaterThanThreshold", "evaluationPeriods": 5,
                "threshold": 1, "metricQueries": [
                    {"id": "m1", "returnData": False, "metric": {"namespace": "AWS/ApplicationELB",
                                                                 "metricName": metric, "dimensions": dims,
                                                                 "period": 60, "stat": "Sum"}},
                    {"id": "e1", "expression": "m1 * 2", "returnData": True}]}

    tg = {"LoadBalancer": "app/alb/1", "TargetGroup": "targetgroup/tg/2"}
    assert check(v, ALARM, alarm("HTTPCode_Target_5XX_Count", tg)) == []
    (message,) = check(v, ALARM, alarm("HTTPCode_ELB_5XX_Count", tg))  # the load balancer's own 5xx: no TG
    assert message.startswith("Query 'm1'") and "TargetGroup" in message
    assert check(v, ALARM, alarm("HealthyHostCount", {"LoadBalancer": "app/alb/1"}))  # needs the target group
    # a first preview: dimension values unknown, their names known
    assert check(v, ALARM, alarm("HTTPCode_Target_5XX_Count", {"LoadBalancer": U_STR, "TargetGroup": U_STR})) == []


# ---- alarm-dimensions-resolve ---------------------------------------------------------------------------------

def test_dimensions_name_the_plans_resources():
    v = alarms.validate_alarm_dimensions_resolve
    assert _stack(v, *_ecs(), _alarm(CPU)) == []
    (message,) = _stack(v, *_ecs(), _alarm({**CPU, "dimensions": {"ClusterName": "microservices-prod",
                                                                  "ServiceName": "orders"}}))
    assert "names no ECS service of the stack" in message
    assert _stack(v, *_ecs(), _alarm({**CPU, "dimensions": {"ClusterName": "microservices-dev",
                                                            "ServiceName": "order"}}))
    db = _res(alarms.RDS_INSTANCE, "db", {"identifier": "prod-order-db"})
    conn = {**CPU, "namespace": "AWS/RDS", "metricName": "DatabaseConnections", "threshold": 283,
            "dimensions": {"DBInstanceIdentifier": "prod-order-db"}}
    deps = {"dimensions": [urn(alarms.RDS_INSTANCE, "db")]}
    assert _stack(v, db, _alarm(conn, deps)) == []
    (message,) = _stack(v, db, _alarm({**conn, "dimensions": {"DBInstanceIdentifier": "prod-orders-db"}}, deps))
    assert "is built from db but is not its identifier" in message


def test_dimension_values_from_outside_the_stack_are_undecided_not_refused():
    v, advisory = alarms.validate_alarm_dimensions_resolve, alarms.validate_alarm_wiring_undecided
    other = _alarm(CPU)  # the stack has no ECS cluster or service at all
    assert _stack(v, other) == []
    assert any("cannot tell whether it exists" in m for m in _stack(advisory, other))


def test_dimensions_at_a_first_preview_are_decided_from_property_dependencies():
    v = alarms.validate_alarm_dimensions_resolve
    lb = _res(alarms.LOAD_BALANCERS[0], "alb", {})
    tg = _res(alarms.TARGET_GROUPS[0], "tg", {"port": 8080})
    latency = {**CPU, "namespace": "AWS/ApplicationELB", "metricName": "TargetResponseTime", "threshold": 1,
               "dimensions": {"LoadBalancer": U_STR}}
    assert _stack(v, lb, tg, _alarm(latency, {"dimensions": [urn(lb["type"], "alb")]})) == []
    # built from the target group only: no load balancer's ARN suffix
    (message,) = _stack(v, lb, tg, _alarm(latency, {"dimensions": [urn(tg["type"], "tg")]}))
    assert "none of them a load balancer" in message
    # a known value that is the ARN, not the ARN suffix
    arn = {**latency, "dimensions": {"LoadBalancer": "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/a/1"}}
    (message,) = _stack(v, lb, _alarm(arn, {"dimensions": [urn(lb["type"], "alb")]}))
    assert "arnSuffix" in message


def test_cache_members_and_broker_instances():
    v = alarms.validate_alarm_dimensions_resolve
    group = _res(alarms.REPLICATION_GROUP, "cache", {"replicationGroupId": "prod-cache", "numCacheClusters": 2})
    deps = {"dimensions": [urn(alarms.REPLICATION_GROUP, "cache")]}
    cache = {**CPU, "namespace": "AWS/ElastiCache", "metricName": "EngineCPUUtilization"}
    for member in ("prod-cache-001", "prod-cache-002"):
        assert _stack(v, group, _alarm({**cache, "dimensions": {"CacheClusterId": member}}, deps)) == []
    for wrong in ("prod-cache", "prod-cache-003"):  # the group's own id; a third member of two
        assert _stack(v, group, _alarm({**cache, "dimensions": {"CacheClusterId": wrong}}, deps)), wrong
    broker = _res(alarms.MQ_BROKER, "mq", {"engineType": "ActiveMQ", "deploymentMode": "SINGLE_INSTANCE"})
    heap = {**CPU, "namespace": "AWS/AmazonMQ", "metricName": "HeapUsage"}
    mq_deps = {"dimensions": [urn(alarms.MQ_BROKER, "mq")]}
    assert _stack(v, broker, _alarm({**heap, "dimensions": {"Broker": "mq-abc-1"}}, mq_deps)) == []
    assert _stack(v, broker, _alarm({**heap, "dimensions": {"Broker": "mq-abc-2"}}, mq_deps))  # no standby
    assert _stack(v, broker, _alarm({**heap, "dimensions": {"Broker": "mq-abc"}}, mq_deps))  # no -1 suffix


def test_msk_metrics_need_the_clusters_monitoring_level():
    v = alarms.validate_alarm_dimensions_resolve
    msk = _res(alarms.MSK_CLUSTER, "kafka", {"clusterName": "events", "enhancedMonitoring": "DEFAULT"})
    idle = {**CPU, "namespace": "AWS/Kafka", "metricName": "RequestHandlerAvgIdlePercent", "threshold": 20,
            "comparisonOperator": "LessThanThreshold", "dimensions": {"Cluster Name": "events", "Broker ID": "1"}}
    (message,) = _stack(v, msk, _alarm(idle))
    assert "PER_BROKER" in message
    per_broker = {**msk, "props": {**msk["props"], "enhancedMonitoring": "PER_BROKER"}}
    assert _stack(v, per_broker, _alarm(idle)) == []
    offline = {**idle, "metricName": "OfflinePartitionsCount", "dimensions": {"Cluster Name": "events"}}
    assert _stack(v, msk, _alarm(offline)) == []
    assert _stack(v, msk, _alarm({**offline, "dimensions": {"Cluster Name": "event"}}))


# ---- alarm-threshold-reachable -------------------------------------------------------------------------------

def _params(max_connections):
    params = [{"name": "rds.force_ssl", "value": "1"}]
    if max_connections is not None:
        params.append({"name": "max_connections", "value": str(max_connections), "applyMethod": "pending-reboot"})
    return _res(alarms.PARAMETER_GROUP, "params", {"family": "postgres16", "parameters": params})


def test_threshold_within_the_metrics_range():
    v = alarms.validate_alarm_threshold_reachable
    cache = {**CPU, "namespace": "AWS/ElastiCache", "metricName": "DatabaseMemoryUsagePercentage",
             "dimensions": {"CacheClusterId": "c-001"}}
    assert _stack(v, _alarm({**cache, "threshold": 80})) == []
    (message,) = _stack(v, _alarm({**cache, "threshold": 100}))
    assert "never exceeds 100" in message
    assert _stack(v, _alarm({**cache, "threshold": 0, "comparisonOperator": "LessThanThreshold"}))
    assert _stack(v, _alarm({**CPU, "threshold": 150})) == []  # ECS service utilisation can pass 100 %
    # MAX over members keeps their range; an arithmetic expression is not judged
    queries = [{"id": f"n{i}", "returnData": False, "metric": {"namespace": "AWS/ElastiCache",
                                                                "metricName": "EngineCPUUtilization",
                                                                "dimensions": {"CacheClusterId": f"c-00{i}"},
                                                                "period": 60, "stat": "Average"}} for i in (1, 2)]
    math = {k: x for k, x in cache.items() if k not in ("namespace", "metricName", "dimensions", "statistic",
                                                       "period")}
    assert _stack(v, _alarm({**math, "threshold": 101, "metricQueries": [
        *queries, {"id": "e1", "expression": "MAX(METRICS())", "returnData": True}]}))
    assert _stack(v, _alarm({**math, "threshold": 101, "metricQueries": [
        *queries, {"id": "e1", "expression": "n1 + n2", "returnData": True}]})) == []


def test_db_connections_threshold_below_max_connections():
    v = alarms.validate_alarm_threshold_reachable
    db = _res(alarms.RDS_INSTANCE, "db", {"identifier": "prod-order-db", "parameterGroupName": U_STR},
              {"parameterGroupName": [urn(alarms.PARAMETER_GROUP, "params")]})
    conn = {**CPU, "namespace": "AWS/RDS", "metricName": "DatabaseConnections", "statistic": "Maximum",
            "dimensions": {"DBInstanceIdentifier": "prod-order-db"}}
    deps = {"dimensions": [urn(alarms.RDS_INSTANCE, "db")]}
    assert _stack(v, _params(315), db, _alarm({**conn, "threshold": 283}, deps)) == []
    (message,) = _stack(v, _params(315), db, _alarm({**conn, "threshold": 405}, deps))
    assert "max_connections of the instance's parameter group is 315" in message
    assert _stack(v, _params(None), db, _alarm({**conn, "threshold": 405}, deps)) == []  # the plan does not say
    # a first preview: the identifier is unknown, the property dependency names the instance
    unknown = {**conn, "threshold": 405, "dimensions": {"DBInstanceIdentifier": U_STR}}
    assert _stack(v, _params(315), db, _alarm(unknown, deps))


# ---- alarm-actions-reach --------------------------------------------------------------------------------------

ADMIN = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*",
         "Resource": "*"}
CLOUDWATCH = {"Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"},
              "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*"}


def test_actions_reach_a_topic_cloudwatch_can_use():
    v = alarms.validate_alarm_actions_reach
    deps = {"alarmActions": [urn(alarms.TOPIC, "topic")]}
    good = _topic({"Statement": [ADMIN, CLOUDWATCH]})
    assert check_stack(v, [*good, _alarm(CPU, deps)]) == []
    bad = _topic({"Statement": [ADMIN]})
    found = check_stack(v, [*bad, _alarm(CPU, deps, "a1"), _alarm(CPU, deps, "a2")])
    assert len(found) == 1 and found[0][1] == urn(alarms.TOPIC, "topic")  # once, on the topic
    assert "cloudwatch.amazonaws.com" in found[0][0] and "2 alarm(s)" in found[0][0]
    managed = _topic(kms="alias/aws/sns")
    assert check_stack(v, [*managed, _alarm(CPU, deps)])
    # a first preview: the ARN is unknown, the property dependency names the topic
    assert check_stack(v, [*good, _alarm({**CPU, "alarmActions": [U_STR]}, deps)]) == []


def test_actions_that_are_no_action_target_are_refused():
    v, advisory = alarms.validate_alarm_actions_reach, alarms.validate_alarm_wiring_undecided
    role = _res("aws:iam/role:Role", "role", {})
    (found,) = check_stack(v, [role, _alarm({**CPU, "alarmActions": [U_STR]},
                                             {"alarmActions": [urn("aws:iam/role:Role", "role")]})])
    assert "none of them an alarm action" in found[0]
    assert check_stack(v, [_alarm({**CPU, "alarmActions": ["arn:aws:sqs:us-east-1:1:queue"]})])
    outside = _alarm({**CPU, "alarmActions": ["arn:aws:sns:us-east-1:999999999999:ops"]})
    assert check_stack(v, [outside]) == []
    assert any("is not a resource of the stack" in m for m in _stack(advisory, outside))
