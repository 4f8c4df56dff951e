"""CloudWatch, SNS, FIS and AWS Budgets rules."""

from __future__ import annotations

import json

from test_policies_support import check, check_stack, urn
from platform_policies.rules import budgets, fis, logs, sns

LG, ALARM, DASH, LRP = logs.LOG_GROUP, logs.METRIC_ALARM, logs.DASHBOARD, logs.LOG_RESOURCE_POLICY


def test_log_retention_per_stack_minimum():
    v = logs.validate_log_retention
    assert check(v, LG, {"retentionInDays": 30}) == []
    assert check(v, LG, {"retentionInDays": 1})  # prod default minimum 30
    assert check(v, LG, {"retentionInDays": 7}, config={"minRetentionDays": 7}) == []


ALARM_OK = {"alarmActions": ["arn:aws:sns:us-east-1:1:alarms"], "comparisonOperator": "GreaterThanThreshold",
            "evaluationPeriods": 5, "datapointsToAlarm": 5, "period": 60, "statistic": "Average", "threshold": 80,
            "treatMissingData": "notBreaching", "metricName": "CPUUtilization", "namespace": "AWS/ECS"}


def test_alarm_actions():
    assert check(logs.validate_alarm_actions, ALARM, ALARM_OK) == []
    assert check(logs.validate_alarm_actions, ALARM, {**ALARM_OK, "alarmActions": []})
    assert check(logs.validate_alarm_actions, ALARM, {**ALARM_OK, "actionsEnabled": False})


def test_cloudwatch_values():
    v = logs.validate_cloudwatch_values
    assert check(v, ALARM, ALARM_OK, provider_props={"region": "us-east-1"}) == []
    assert check(v, ALARM, {**ALARM_OK, "datapointsToAlarm": 6})
    assert check(v, ALARM, {**ALARM_OK, "period": 45})
    assert check(v, ALARM, {**ALARM_OK, "period": 600, "evaluationPeriods": 145, "datapointsToAlarm": 1})
    assert check(v, ALARM, {**ALARM_OK, "extendedStatistic": "p99"})
    assert check(v, ALARM, {**ALARM_OK, "treatMissingData": "zero"})
    assert check(v, ALARM, ALARM_OK, provider_props={"region": "eu-west-1"})  # action in another region
    body = {"widgets": [{"type": "metric", "x": 0, "width": 12, "properties": {"region": "us-east-1"}}]}
    assert check(v, DASH, {"dashboardBody": json.dumps(body)}) == []
    assert check(v, DASH, {"dashboardBody": json.dumps({"widgets": [{"type": "metric", "x": 18, "width": 12,
                                                                     "properties": {"region": "us-east-1"}}]})})
    assert check(v, DASH, {"dashboardBody": "not json"})
    assert check(v, LG, {"kmsKeyId": "alias/logs"})


def test_alarm_periods_and_windows_putmetricalarm_accepts():
    v = logs.validate_cloudwatch_values
    region = {"region": "us-east-1"}
    for period in (10, 20, 30, 60, 120, 3600):  # "10, 20, 30, and any multiple of 60"
        assert check(v, ALARM, {**ALARM_OK, "period": period, "evaluationPeriods": 1, "datapointsToAlarm": 1},
                     provider_props=region) == [], period
    for period in (5, 15, 45, 90, 0):
        assert check(v, ALARM, {**ALARM_OK, "period": period, "evaluationPeriods": 1, "datapointsToAlarm": 1}), period
    week_hourly = {**ALARM_OK, "period": 3600, "evaluationPeriods": 168, "datapointsToAlarm": 1}
    assert check(v, ALARM, week_hourly, provider_props=region) == []  # 604,800 s with a period of an hour
    (message,) = check(v, ALARM, {**week_hourly, "evaluationPeriods": 169}, provider_props=region)
    assert "604800" in message
    day_minutely = {**ALARM_OK, "period": 60, "evaluationPeriods": 1440, "datapointsToAlarm": 1}
    assert check(v, ALARM, day_minutely, provider_props=region) == []
    (message,) = check(v, ALARM, {**day_minutely, "evaluationPeriods": 1441}, provider_props=region)
    assert "under an hour" in message  # below an hour the window is one day
    assert check(v, ALARM, {**ALARM_OK, "period": 1800, "evaluationPeriods": 49, "datapointsToAlarm": 1})


def test_metric_math_periods_and_statistics():
    v = logs.validate_cloudwatch_values
    base = {k: x for k, x in ALARM_OK.items() if k not in ("statistic", "metricName", "namespace", "period")}

    def alarm(period=60, stat="Sum", evaluations=5):
        metric = {"id": "m1", "returnData": True,
                  "metric": {"metricName": "RequestCount", "namespace": "AWS/ApplicationELB", "period": period,
                             "stat": stat}}
        return {**base, "evaluationPeriods": evaluations, "datapointsToAlarm": 1, "metricQueries": [metric]}

    region = {"region": "us-east-1"}
    assert check(v, ALARM, alarm(), provider_props=region) == []
    assert check(v, ALARM, alarm(period=10), provider_props=region) == []
    assert check(v, ALARM, alarm(stat="p99.9"), provider_props=region) == []
    assert check(v, ALARM, alarm(stat="TM(10%:90%)"), provider_props=region) == []
    assert check(v, ALARM, alarm(period=45))
    assert check(v, ALARM, alarm(stat="Avg"))
    assert check(v, ALARM, alarm(stat="p101"))
    assert check(v, ALARM, alarm(evaluations=1441))  # the metrics' period sets the window
    assert check(v, ALARM, alarm(period=3600, evaluations=168), provider_props=region) == []
    assert check(v, ALARM, {**ALARM_OK, "statistic": None, "extendedStatistic": "p95"},
                 provider_props=region) == []
    assert check(v, ALARM, {**ALARM_OK, "statistic": None, "extendedStatistic": "p95%"})


def test_log_resource_policy():
    v = logs.validate_log_resource_policy
    st = {"Effect": "Allow", "Principal": {"Service": "mq.amazonaws.com"}, "Action": "logs:PutLogEvents",
          "Resource": "*", "Condition": {"StringEquals": {"aws:SourceAccount": "1"}}}
    assert check(v, LRP, {"policyDocument": json.dumps({"Statement": [st]})}) == []
    assert check(v, LRP, {"policyDocument": json.dumps({"Statement": [{**st, "Condition": None}]})})
    assert check(v, LRP, {"policyDocument": json.dumps({"Statement": [{**st, "Principal": "*"}]})})


TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:alarms"
TLS = {"Effect": "Deny", "Principal": "*", "Action": "sns:Publish", "Resource": TOPIC_ARN,
       "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def _topic_policy(*statements):
    return {"arn": TOPIC_ARN, "policy": json.dumps({"Version": "2012-10-17", "Statement": [TLS, *statements]})}


def test_sns_rules():
    assert check(sns.validate_topic_encryption, sns.TOPIC, {"kmsMasterKeyId": "arn:aws:kms:us-east-1:1:key/k"}) == []
    assert check(sns.validate_topic_encryption, sns.TOPIC, {})
    v = sns.validate_topic_policy
    own = {"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "sns:Publish", "Resource": TOPIC_ARN}
    assert check(v, sns.TOPIC_POLICY, _topic_policy(own)) == []
    assert check(v, sns.TOPIC_POLICY, _topic_policy({**own, "Principal": {"AWS": "999999999999"}}))
    assert check(v, sns.TOPIC_POLICY, _topic_policy({**own, "Principal": "*"}))
    no_tls = {"arn": TOPIC_ARN, "policy": json.dumps({"Statement": [own]})}
    assert check(v, sns.TOPIC_POLICY, no_tls)
    values = sns.validate_sns_values
    assert check(values, sns.SUBSCRIPTION, {"protocol": "email", "endpoint": "ops@example.com"}) == []
    assert check(values, sns.SUBSCRIPTION, {"protocol": "email", "endpoint": "ops.example.com"})
    assert check(values, sns.SUBSCRIPTION, {"protocol": "mail", "endpoint": "ops@example.com"})
    assert check(values, sns.TOPIC, {"name": "alarms.fifo"})


ALARM_ARN = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:prod-alb-5xx-rate"
TEMPLATE = {"roleArn": "arn:aws:iam::123456789012:role/fis", "stopConditions": [
    {"source": "aws:cloudwatch:alarm", "value": ALARM_ARN}],
    "targets": [{"name": "db", "resourceArns": ["arn:aws:rds:us-east-1:1:db:x"], "selectionMode": "ALL",
                 "resourceType": "aws:rds:db"}],
    "actions": [{"name": "reboot", "actionId": "aws:rds:reboot-db-instances", "target": {"key": "DBInstances",
                                                                                       "value": "db"}}]}


def test_fis_rules():
    assert check(fis.validate_stop_conditions, fis.TEMPLATE, TEMPLATE) == []
    assert check(fis.validate_stop_conditions, fis.TEMPLATE, {**TEMPLATE, "stopConditions": [{"source": "none"}]})
    role = {"type": fis.ROLE, "name": "fis", "props": {"assumeRolePolicy": json.dumps({"Statement": [
        {"Effect": "Allow", "Principal": {"Service": "fis.amazonaws.com"}, "Action": "sts:AssumeRole"}]})}}
    tpl = {"type": fis.TEMPLATE, "name": "t", "props": TEMPLATE, "deps": {"roleArn": [urn(fis.ROLE, "fis")]}}
    assert check_stack(fis.validate_experiment_templates, [role, tpl]) == []
    bad = {**tpl, "props": {**TEMPLATE, "targets": [{**TEMPLATE["targets"][0], "selectionMode": "SOME"}]}}
    assert check_stack(fis.validate_experiment_templates, [dict(role), bad])
    wrong_target = {**tpl, "props": {**TEMPLATE, "actions": [{**TEMPLATE["actions"][0],
                                                              "target": {"key": "DBInstances", "value": "cache"}}]}}
    assert check_stack(fis.validate_experiment_templates, [dict(role), wrong_target])
    ecs_role = {**role, "props": {"assumeRolePolicy": json.dumps({"Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})}}
    assert check_stack(fis.validate_experiment_templates, [ecs_role, dict(tpl)])


BUDGET = {"name": "platform-prod-monthly", "budgetType": "COST", "timeUnit": "MONTHLY", "limitAmount": "3000.00",
          "limitUnit": "USD", "notifications": [{"comparisonOperator": "GREATER_THAN", "notificationType": "FORECASTED",
                                                 "threshold": 80, "thresholdType": "PERCENTAGE",
                                                 "subscriberEmailAddresses": ["ops@example.com"]}]}


def test_budget_rules():
    assert check(budgets.validate_budget_notifications, budgets.BUDGET, BUDGET) == []
    assert check(budgets.validate_budget_notifications, budgets.BUDGET, {**BUDGET, "notifications": []})
    v = budgets.validate_budget_values
    assert check(v, budgets.BUDGET, BUDGET) == []
    assert check(v, budgets.BUDGET, {**BUDGET, "limitAmount": "0"})
    assert check(v, budgets.BUDGET, {**BUDGET, "timeUnit": "WEEKLY"})
    assert check(v, budgets.BUDGET, {**BUDGET, "name": "a:b"})
    assert check(v, budgets.BUDGET, {**BUDGET, "notifications": BUDGET["notifications"] * 6})


def test_alarm_metric_queries_return_exactly_one_series():
    v = logs.validate_cloudwatch_values
    base = {k: x for k, x in ALARM_OK.items() if k not in ("statistic", "metricName", "namespace", "period")}
    metric = {"id": "m1", "returnData": False, "metric": {"metricName": "x", "namespace": "AWS/ECS", "period": 60,
                                                           "stat": "Sum"}}
    expression = {"id": "e1", "expression": "m1 * 2", "returnData": True}
    assert check(v, ALARM, {**base, "metricQueries": [metric, expression]},
                 provider_props={"region": "us-east-1"}) == []
    assert check(v, ALARM, {**base, "metricQueries": [{**metric, "returnData": True}, expression]})
    assert check(v, ALARM, {**base, "metricQueries": [{k: x for k, x in metric.items() if k != "returnData"},
                                                      expression]})  # unset means true
    assert check(v, ALARM, {**base, "metricQueries": [metric, {**expression, "returnData": False}]})


def test_anomaly_detection_alarm_returns_its_band_as_well():
    v = logs.validate_cloudwatch_values
    base = {k: x for k, x in ALARM_OK.items() if k not in ("statistic", "metricName", "namespace", "period",
                                                          "threshold")}
    metric = {"id": "m1", "returnData": True, "metric": {"metricName": "x", "namespace": "AWS/ECS", "period": 60,
                                                          "stat": "Average"}}
    band = {"id": "ad1", "expression": "ANOMALY_DETECTION_BAND(m1, 2)", "returnData": True}
    alarm = {**base, "comparisonOperator": "LessThanLowerOrGreaterThanUpperThreshold", "thresholdMetricId": "ad1",
             "metricQueries": [metric, band]}
    assert check(v, ALARM, alarm, provider_props={"region": "us-east-1"}) == []
    # the band does not count, but the watched series still must be returned exactly once
    assert check(v, ALARM, {**alarm, "metricQueries": [{**metric, "returnData": False}, band]})
    assert check(v, ALARM, {**alarm, "thresholdMetricId": "zz"})


def test_fis_action_ids_are_known():
    role = {"type": fis.ROLE, "name": "fis", "props": {"assumeRolePolicy": json.dumps({"Statement": [
        {"Effect": "Allow", "Principal": {"Service": "fis.amazonaws.com"}, "Action": "sts:AssumeRole"}]})}}

    def template(action_id):
        props = {**TEMPLATE, "actions": [{**TEMPLATE["actions"][0], "actionId": action_id}]}
        return {"type": fis.TEMPLATE, "name": "t", "props": props, "deps": {"roleArn": [urn(fis.ROLE, "fis")]}}

    v = fis.validate_experiment_templates
    assert check_stack(v, [dict(role), template("aws:rds:reboot-db-instances")]) == []
    assert check_stack(v, [dict(role), template("aws:rds:reboot-db-instance")])  # typo
    assert check_stack(v, [dict(role), template("aws:rds:reboot-db-instance")],
                       {"knownActionIds": ["aws:rds:reboot-db-instance"]}) == []
    for real in ("aws:elasticache:replicationgroup-interrupt-az-power", "aws:ebs:pause-volume-io",
                 "aws:arc:start-zonal-autoshift", "aws:eks:pod-network-latency", "aws:ebs:volume-io-latency"):
        assert check_stack(v, [dict(role), template(real)]) == [], real  # listed, or well-formed and not close
    ((message, _),) = check_stack(v, [dict(role), template("aws:ecs:stop-tasks")])
    assert "did you mean 'aws:ecs:stop-task'" in message
    ((message, _),) = check_stack(v, [dict(role), template("aws:elasticahce:replicationgroup-interrupt-az-power")])
    assert "did you mean 'aws:elasticache:replicationgroup-interrupt-az-power'" in message
    assert check_stack(v, [dict(role), template("aws:rds reboot")])  # malformed
