"""Observability tier: the seed's alarms, an encrypted SNS alarm topic and a dashboard.

Alarms (each notifies the topic on ALARM and OK):
- per service: ECS CPU > 80 % for 5 minutes (named by naming.service_alarm_names);
- per public service: target-group 5xx rate > 1 % of requests for 10 minutes (same naming);
- ALB: 5xx rate (target + ELB 5xx) > 1 % for 10 minutes, target response time > 1 s for 5 minutes;
- per RDS instance: connections > 90 % of max_connections for 2 minutes;
- cache engine CPU, memory use and replication lag; MSK offline partitions and active
  controller; Amazon MQ heap use.

The service alarms feed the ECS canary's alarm-based rollback (compute), and the
customer-facing ALB alarms are the FIS stop conditions (chaos).  Observability is
built before compute, so ECS dimensions use the deterministic names in naming.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

import pulumi
import pulumi_aws as aws
from platform_policies.facts.rds import (PROXY_POOL_ALARM_PERCENT, connections_alarm_threshold,
                                        pg_max_connections)

from ..shared import naming
from ..shared.tags import tier_tags

TIER = "observability"

# AWS Budgets publishes budget notifications to an SNS topic as this service principal; the topic
# policy must allow it, scoped with aws:SourceAccount and aws:SourceArn arn:<partition>:budgets::<account>:*
# (AWS Cost Management user guide, "Creating an Amazon SNS topic for budget notifications", read
# 2026-12), and so must the key of an encrypted topic.  The key statement is the one the SNS
# developer guide documents for AWS services publishing to encrypted topics ("Enable compatibility
# between event sources from AWS services and encrypted topics", read 2026-12): the service principal,
# kms:GenerateDataKey* and kms:Decrypt, Resource "*", no condition.  AWS documents no condition
# key Budgets sets on these KMS calls, and the same guide says aws:SourceAccount/aws:SourceArn in
# the key policy are not supported for EventBridge publishing (quoted in
# awslabs/landing-zone-accelerator-on-aws#407, 2024-02): a condition the request does not carry
# drops every alert silently.  The topic policy keeps the account and ARN scoping.
BUDGETS_PRINCIPAL = "budgets.amazonaws.com"

# Seed thresholds.
CPU_PERCENT = 80.0
ERROR_RATE_PERCENT = 1.0
RESPONSE_TIME_SECONDS = 1.0
# Not given by the seed: AWS ElastiCache guidance treats sustained EngineCPU > 90 % and memory use
# > 80 % (evictions ahead) as unhealthy (ElastiCache user guide, "Monitoring best practices", read 2026-11).
CACHE_ENGINE_CPU_PERCENT = 90.0
CACHE_MEMORY_PERCENT = 80.0
CACHE_REPLICATION_LAG_SECONDS = 30.0
# ActiveMQ stops accepting messages near 100 % heap; Amazon MQ advises alarming well before
# (Amazon MQ developer guide, "Amazon MQ for ActiveMQ best practices", read 2026-11).
MQ_HEAP_PERCENT = 80.0

def db_connection_threshold(instance_class: str) -> int:
    return connections_alarm_threshold(pg_max_connections(instance_class))


def cache_member_ids(replication_group_id: str, replicas: int) -> list[str]:
    """Member cluster ids of a cluster-mode-disabled replication group (AWS names them
    ``<group>-001``, ``<group>-002``...; ElastiCache user guide, "Replication", 2026-11)."""
    return [f"{replication_group_id}-{i:03d}" for i in range(1, replicas + 2)]


def mq_instance_names(broker_name: str, deployment_mode: str) -> list[str]:
    """Values of the AWS/AmazonMQ ``Broker`` dimension: ``<name>-1`` (and ``-2`` for an
    active/standby pair) (Amazon MQ developer guide, "Monitoring with CloudWatch", 2026-11)."""
    return [f"{broker_name}-{i}" for i in range(1, 3 if deployment_mode == "ACTIVE_STANDBY_MULTI_AZ" else 2)]


@dataclass
class ObservabilityArgs:
    """Inputs of the observability tier."""

    stack: str
    """Stack name, the prefix of every alarm name."""
    region: str
    """Region the dashboard's widgets show."""
    base_tags: Mapping[str, str]
    """Tags of every resource; the tier adds ``service`` and ``tier``."""
    services: Mapping[str, bool]
    """Service name -> whether it is behind the ALB (then it also gets a 5xx-rate alarm), in order."""
    alb_arn_suffix: pulumi.Input[str]
    """ALB ARN suffix (`app/<name>/<id>`), the `LoadBalancer` metric dimension."""
    target_group_arn_suffixes: dict[str, pulumi.Input[str]]
    """Public service -> target group ARN suffix (`targetgroup/<name>/<id>`)."""
    db_instance_ids: dict[str, pulumi.Input[str]]
    """Owning service -> RDS DB instance identifier."""
    db_instance_class: str = "db.t3.medium"
    """RDS instance class of the databases; sizes the connection alarm."""
    db_proxy_names: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    """Owning service -> RDS Proxy name in front of its database (a pool alarm each)."""
    cache_replication_group_id: Optional[pulumi.Input[str]] = None
    """ElastiCache replication group id; None = no cache alarms."""
    cache_replicas: int = 1
    """Replicas of the cache group (every member is watched)."""
    cache_owner: str = "platform"
    """Service the cache alarms are tagged with."""
    kafka_cluster_name: Optional[pulumi.Input[str]] = None
    """MSK cluster name; None = no Kafka alarms."""
    mq_broker_name: Optional[pulumi.Input[str]] = None
    """Amazon MQ broker name; None = no broker alarms."""
    mq_deployment_mode: str = "ACTIVE_STANDBY_MULTI_AZ"
    """Broker deployment mode: ACTIVE_STANDBY_MULTI_AZ (two instances) or SINGLE_INSTANCE."""
    mq_owner: str = "platform"
    """Service the broker alarm is tagged with."""
    alert_email: Optional[str] = None
    """Address subscribed to the alarm topic; None = no subscription (subscribe to the topic output)."""
    alternate_target_group_arn_suffixes: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    """Public service -> the second (canary) target group's ARN suffix; ECS shifts traffic
    between the two, so the service's 5xx rate covers both."""
    alarm_period_seconds: int = 60
    """Alarm period (60 = standard resolution; the seed's durations are multiples of it)."""


class Observability(pulumi.ComponentResource):
    """Alarm topic, alarms and the stack's CloudWatch dashboard."""

    alarm_topic_arn: pulumi.Output[str]
    alarm_topic_publish_grants: list[pulumi.Resource]
    service_alarm_names: dict[str, list[pulumi.Output[str]]]
    chaos_stop_alarm_arns: list[pulumi.Output[str]]
    dashboard_name: pulumi.Output[str]

    def __init__(self, name: str, args: ObservabilityArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("platform:observability:Observability", name, None, opts)
        self._name, self._args, self._stack = name, args, args.stack
        self._tags = tier_tags(args.base_tags, TIER)
        self._cluster = naming.cluster_name(args.stack)

        missing = [svc for svc, public in args.services.items() if public and svc not in args.target_group_arn_suffixes]
        if missing:
            raise ValueError(f"observability: no target group ARN suffix for public service(s) {', '.join(missing)}")

        self._topic = self._alarm_topic()
        self.alarm_topic_arn = self._topic.arn

        self.service_alarm_names = {}
        for svc, public in args.services.items():
            alarms = [self._service_cpu(svc)]
            if public:
                alarms.append(self._service_error_rate(svc, args.target_group_arn_suffixes[svc],
                                                       args.alternate_target_group_arn_suffixes.get(svc)))
            self.service_alarm_names[svc] = [a.name for a in alarms]

        alb_errors, alb_latency = self._alb_alarms()
        self.chaos_stop_alarm_arns = [alb_errors.arn, alb_latency.arn]
        for owner, ident in args.db_instance_ids.items():
            self._db_connections(owner, ident)
        for owner, proxy in args.db_proxy_names.items():
            self._proxy_pool(owner, proxy)
        if args.cache_replication_group_id is not None:
            self._cache_alarms(args.cache_replication_group_id)
        if args.kafka_cluster_name is not None:
            self._kafka_alarms(args.kafka_cluster_name)
        if args.mq_broker_name is not None:
            self._mq_alarm(args.mq_broker_name)

        dashboard = self._dashboard()
        self.dashboard_name = dashboard.dashboard_name

        self.register_outputs({
            "alarm_topic_arn": self.alarm_topic_arn,
            "service_alarm_names": self.service_alarm_names,
            "chaos_stop_alarm_arns": self.chaos_stop_alarm_arns,
            "dashboard_name": self.dashboard_name,
        })

    def _alarm_topic(self) -> aws.sns.Topic:
        """SNS topic encrypted with a customer managed key; CloudWatch alarms and AWS Budgets publish.

        Not alias/aws/sns: CloudWatch alarms cannot use the AWS managed SNS key (its key
        policy does not let cloudwatch.amazonaws.com call kms:GenerateDataKey/Decrypt and
        cannot be edited), so alarm actions would fail (AWS re:Post knowledge center,
        "cloudwatch-configure-alarm-sns", read 2026-11)."""
        account = aws.get_caller_identity_output().account_id
        partition = aws.get_partition_output().partition
        key_policy = pulumi.Output.all(account, partition).apply(lambda a: json.dumps({
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "AccountAdministers", "Effect": "Allow",
                 "Principal": {"AWS": f"arn:{a[1]}:iam::{a[0]}:root"}, "Action": "kms:*", "Resource": "*"},
                {"Sid": "CloudWatchAlarmsPublish", "Effect": "Allow",
                 "Principal": {"Service": "cloudwatch.amazonaws.com"},
                 "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
                 "Condition": {"StringEquals": {"aws:SourceAccount": a[0]}}},
                # AWS Budgets publishes the budget alerts (budget tier) to this encrypted topic too:
                # the documented statement, unconditioned (see BUDGETS_PRINCIPAL).
                {"Sid": "BudgetsPublish", "Effect": "Allow",
                 "Principal": {"Service": BUDGETS_PRINCIPAL},
                 "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*"},
            ]}))
        key = aws.kms.Key(
            f"{self._name}-alarm-key",
            description=f"Encrypts the {self._stack} alarm topic (CloudWatch may publish)",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=key_policy,
            tags=self._tags,
            opts=pulumi.ResourceOptions(parent=self))
        aws.kms.Alias(f"{self._name}-alarm-key-alias", name=f"alias/microservices-{self._stack}-alarms",
                      target_key_id=key.key_id, opts=pulumi.ResourceOptions(parent=self))
        topic = aws.sns.Topic(
            f"{self._name}-alarms",
            name=f"microservices-{self._stack}-alarms",
            kms_master_key_id=key.arn,
            tags=self._tags,
            opts=pulumi.ResourceOptions(parent=self))
        topic_policy = pulumi.Output.all(topic.arn, account, partition).apply(lambda a: json.dumps({
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "AccountManages", "Effect": "Allow", "Principal": {"AWS": a[1]},
                 "Action": ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:Subscribe",
                            "sns:ListSubscriptionsByTopic", "sns:Publish", "sns:DeleteTopic"],
                 "Resource": a[0]},
                {"Sid": "CloudWatchAlarmsPublish", "Effect": "Allow",
                 "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": "sns:Publish", "Resource": a[0],
                 "Condition": {"StringEquals": {"aws:SourceAccount": a[1]}}},
                {"Sid": "BudgetsPublish", "Effect": "Allow",
                 "Principal": {"Service": BUDGETS_PRINCIPAL}, "Action": "sns:Publish", "Resource": a[0],
                 "Condition": {"StringEquals": {"aws:SourceAccount": a[1]},
                               "ArnLike": {"aws:SourceArn": f"arn:{a[2]}:budgets::{a[1]}:*"}}},
                # Publishers must use TLS (policy sns-topic-policy, cdk-nag AwsSolutions-SNS3).
                {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "sns:Publish",
                 "Resource": a[0], "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
            ]}))
        policy = aws.sns.TopicPolicy(f"{self._name}-alarms-policy", arn=topic.arn, policy=topic_policy,
                                     opts=pulumi.ResourceOptions(parent=self))
        # What lets AWS Budgets publish to the topic: the budget tier is created after it.
        self.alarm_topic_publish_grants = [key, policy]
        # The address must confirm the subscription once (AWS sends a confirmation e-mail).
        if self._args.alert_email:
            aws.sns.TopicSubscription(f"{self._name}-alarms-email", topic=topic.arn, protocol="email",
                                      endpoint=self._args.alert_email, opts=pulumi.ResourceOptions(parent=self))
        return topic

    def _alarm(self, suffix: str, alarm_name: str, description: str, *, service: str = "platform",
               **kwargs: Any) -> aws.cloudwatch.MetricAlarm:
        alarm = aws.cloudwatch.MetricAlarm(
            f"{self._name}-{suffix}",
            name=alarm_name,
            alarm_description=description,
            alarm_actions=[self._topic.arn],
            ok_actions=[self._topic.arn],
            tags=tier_tags(self._args.base_tags, TIER, service),
            opts=pulumi.ResourceOptions(parent=self),
            **kwargs)
        return alarm

    def _periods(self, minutes: int) -> dict[str, int]:
        """Breach in every period of ``minutes`` (the seed's "for N minutes")."""
        period = self._args.alarm_period_seconds
        n = max(1, minutes * 60 // period)
        return {"period": period, "evaluation_periods": n, "datapoints_to_alarm": n}

    def _query(self, qid: str, namespace: str, metric: str, stat: str, dims: dict[str, pulumi.Input[str]]
               ) -> aws.cloudwatch.MetricAlarmMetricQueryArgs:
        return aws.cloudwatch.MetricAlarmMetricQueryArgs(
            id=qid, return_data=False,
            metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
                namespace=namespace, metric_name=metric, stat=stat, dimensions=dims,
                period=self._args.alarm_period_seconds))

    def _expression(self, expr: str, label: str) -> aws.cloudwatch.MetricAlarmMetricQueryArgs:
        return aws.cloudwatch.MetricAlarmMetricQueryArgs(id="e1", expression=expr, label=label, return_data=True)

    def _math_periods(self, minutes: int) -> dict[str, int]:
        p = self._periods(minutes)
        return {"evaluation_periods": p["evaluation_periods"], "datapoints_to_alarm": p["datapoints_to_alarm"]}

    def _max_over(self, qid: str, namespace: str, metric: str, stat: str, dimension: str, values: list[str],
                  label: str) -> list[aws.cloudwatch.MetricAlarmMetricQueryArgs]:
        """One query per ``dimension`` value (ids ``<qid>1``, ``<qid>2``...) and their maximum."""
        return [self._query(f"{qid}{i}", namespace, metric, stat, {dimension: v}) for i, v in enumerate(values, 1)
                ] + [self._expression("MAX(METRICS())", label)]

    def _service_cpu(self, svc: str) -> aws.cloudwatch.MetricAlarm:
        return self._alarm(
            f"{svc}-cpu", naming.service_alarm_names(self._stack, svc, False)[0],
            f"{svc}: ECS CPU above {CPU_PERCENT:g} % for 5 minutes (also rolls back an ECS canary)",
            service=svc, namespace="AWS/ECS", metric_name="CPUUtilization", statistic="Average",
            dimensions={"ClusterName": self._cluster, "ServiceName": naming.ecs_service_name(svc)},
            comparison_operator="GreaterThanThreshold", threshold=CPU_PERCENT,
            # A service scaled to zero (dev schedule) sends no data: not an alarm.
            treat_missing_data="notBreaching", **self._periods(5))

    def _service_error_rate(self, svc: str, tg_suffix: pulumi.Input[str],
                            alt_suffix: Optional[pulumi.Input[str]] = None) -> aws.cloudwatch.MetricAlarm:
        lb = self._args.alb_arn_suffix
        groups = [("", tg_suffix)] + ([("alt", alt_suffix)] if alt_suffix is not None else [])
        queries = []
        for tag, suffix in groups:
            dims = {"TargetGroup": suffix, "LoadBalancer": lb}
            queries += [self._query(f"errors{tag}", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", dims),
                        self._query(f"requests{tag}", "AWS/ApplicationELB", "RequestCount", "Sum", dims)]
        # During a canary the new revision serves from the alternate group: count both.
        errors = " + ".join(f"FILL(errors{tag}, 0)" for tag, _ in groups)
        requests = " + ".join(f"FILL(requests{tag}, 0)" for tag, _ in groups)
        return self._alarm(
            f"{svc}-5xx", naming.service_alarm_names(self._stack, svc, True)[1],
            f"{svc}: target 5xx above {ERROR_RATE_PERCENT:g} % of requests for 10 minutes "
            f"(also rolls back an ECS canary)",
            service=svc, comparison_operator="GreaterThanThreshold", threshold=ERROR_RATE_PERCENT,
            treat_missing_data="notBreaching",  # no requests, no error rate
            metric_queries=[*queries, self._expression(f"100 * ({errors}) / ({requests})", f"{svc} 5xx %")],
            **self._math_periods(10))

    def _alb_alarms(self) -> tuple[aws.cloudwatch.MetricAlarm, aws.cloudwatch.MetricAlarm]:
        stack, dims = self._stack, {"LoadBalancer": self._args.alb_arn_suffix}
        errors = self._alarm(
            "alb-5xx", f"{stack}-alb-5xx-rate",
            f"ALB: target + load balancer 5xx above {ERROR_RATE_PERCENT:g} % of requests for 10 minutes",
            comparison_operator="GreaterThanThreshold", threshold=ERROR_RATE_PERCENT,
            treat_missing_data="notBreaching",
            metric_queries=[
                self._query("target5xx", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", dims),
                self._query("elb5xx", "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "Sum", dims),
                self._query("requests", "AWS/ApplicationELB", "RequestCount", "Sum", dims),
                # RequestCount only counts requests for which the ALB chose a target; those it rejects
                # itself (e.g. 503 with no healthy target) are only in HTTPCode_ELB_5XX_Count (ELB user
                # guide, "CloudWatch metrics for your Application Load Balancer", RequestCount, read
                # 2026-11).  Dividing by RequestCount alone leaves the rate without data when no target
                # is left, i.e. notBreaching in the worst outage: the FIS stop condition would not fire.
                self._expression(
                    "100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / (FILL(requests, 0) + FILL(elb5xx, 0))",
                    "ALB 5xx %"),
            ], **self._math_periods(10))
        latency = self._alarm(
            "alb-latency", f"{stack}-alb-response-time",
            f"ALB: average target response time above {RESPONSE_TIME_SECONDS:g} s for 5 minutes",
            namespace="AWS/ApplicationELB", metric_name="TargetResponseTime", statistic="Average",
            dimensions=dims, comparison_operator="GreaterThanThreshold", threshold=RESPONSE_TIME_SECONDS,
            treat_missing_data="notBreaching", **self._periods(5))
        return errors, latency

    def _db_connections(self, owner: str, ident: pulumi.Input[str]) -> None:
        klass = self._args.db_instance_class
        threshold = db_connection_threshold(klass)
        self._alarm(
            f"{owner}-db-connections", f"{self._stack}-{owner}-db-connections",
            f"{owner} database: connections above 90 % of max_connections "
            f"({threshold} of the {pg_max_connections(klass)} its parameter group sets on {klass}) for 2 minutes",
            service=owner, namespace="AWS/RDS", metric_name="DatabaseConnections", statistic="Maximum",
            dimensions={"DBInstanceIdentifier": ident}, comparison_operator="GreaterThanThreshold",
            threshold=float(threshold), treat_missing_data="missing", **self._periods(2))

    def _proxy_pool(self, owner: str, proxy: pulumi.Input[str]) -> None:
        # Each proxy node publishes its own datapoints: Sum aggregates them (RDS user guide, "Monitoring RDS
        # Proxy metrics with Amazon CloudWatch", read 2026-12-07).  No data before the first client: not
        # an alarm.
        dims = {"ProxyName": proxy}
        self._alarm(
            f"{owner}-db-proxy-pool", f"{self._stack}-{owner}-db-proxy-pool",
            f"{owner} database proxy: connection pool above {PROXY_POOL_ALARM_PERCENT:g} % "
            "(borrowed of allowed database connections) for 2 minutes",
            service=owner, comparison_operator="GreaterThanThreshold", threshold=PROXY_POOL_ALARM_PERCENT,
            treat_missing_data="notBreaching", metric_queries=[
                self._query("borrowed", "AWS/RDS", "DatabaseConnectionsCurrentlyBorrowed", "Sum", dims),
                self._query("allowed", "AWS/RDS", "MaxDatabaseConnectionsAllowed", "Sum", dims),
                self._expression("100 * borrowed / allowed", "pool in use (%)"),
            ], **self._math_periods(2))

    def _cache_alarms(self, group_id: pulumi.Input[str]) -> None:
        replicas, owner = self._args.cache_replicas, self._args.cache_owner

        def alarm(suffix: str, label: str, metric: str, threshold: float, desc: str) -> None:
            queries = pulumi.Output.from_input(group_id).apply(lambda gid: self._max_over(
                "n", "AWS/ElastiCache", metric, "Average", "CacheClusterId", cache_member_ids(gid, replicas), label))
            self._alarm(f"cache-{suffix}", f"{self._stack}-cache-{suffix}", desc, service=owner,
                        comparison_operator="GreaterThanThreshold", threshold=threshold,
                        treat_missing_data="missing", metric_queries=queries, **self._math_periods(5))

        alarm("engine-cpu", "max EngineCPUUtilization", "EngineCPUUtilization", CACHE_ENGINE_CPU_PERCENT,
              f"cache: engine CPU above {CACHE_ENGINE_CPU_PERCENT:g} % on a node for 5 minutes")
        alarm("memory", "max DatabaseMemoryUsagePercentage", "DatabaseMemoryUsagePercentage",
              CACHE_MEMORY_PERCENT, f"cache: memory use above {CACHE_MEMORY_PERCENT:g} % on a node for 5 minutes")
        if replicas > 0:
            # Only replicas report ReplicationLag; which node is primary changes on failover.
            alarm("replication-lag", "max ReplicationLag", "ReplicationLag", CACHE_REPLICATION_LAG_SECONDS,
                  f"cache: replica lag above {CACHE_REPLICATION_LAG_SECONDS:g} s for 5 minutes")

    def _kafka_alarms(self, cluster_name: pulumi.Input[str]) -> None:
        dims = {"Cluster Name": cluster_name}
        self._alarm(
            "kafka-offline-partitions", f"{self._stack}-kafka-offline-partitions",
            "Kafka: offline partitions (no leader: producers and consumers of them fail) for 2 minutes",
            namespace="AWS/Kafka", metric_name="OfflinePartitionsCount", statistic="Maximum", dimensions=dims,
            comparison_operator="GreaterThanThreshold", threshold=0.0, treat_missing_data="missing",
            **self._periods(2))
        self._alarm(
            "kafka-active-controller", f"{self._stack}-kafka-active-controller",
            "Kafka: no active controller for 5 minutes (exactly one broker must report 1)",
            namespace="AWS/Kafka", metric_name="ActiveControllerCount", statistic="Sum", dimensions=dims,
            comparison_operator="LessThanThreshold", threshold=1.0,
            # No metrics at all from a running cluster means it is down.
            treat_missing_data="breaching", **self._periods(5))

    def _mq_alarm(self, broker_name: pulumi.Input[str]) -> None:
        mode = self._args.mq_deployment_mode

        def build(name: str) -> list:
            return self._max_over("b", "AWS/AmazonMQ", "HeapUsage", "Maximum", "Broker",
                                  mq_instance_names(name, mode), "max HeapUsage")

        self._alarm(
            "mq-heap", f"{self._stack}-mq-heap-usage",
            f"Amazon MQ: broker JVM heap above {MQ_HEAP_PERCENT:g} % for 5 minutes (or no data: broker down)",
            service=self._args.mq_owner, comparison_operator="GreaterThanThreshold", threshold=MQ_HEAP_PERCENT,
            treat_missing_data="breaching",
            metric_queries=pulumi.Output.from_input(broker_name).apply(build), **self._math_periods(5))

    def _dashboard(self) -> aws.cloudwatch.Dashboard:
        a = self._args
        region, cluster = a.region, self._cluster
        owners = list(a.db_instance_ids)
        inputs = {
            "alb": a.alb_arn_suffix,
            "db": pulumi.Output.all(*[a.db_instance_ids[o] for o in owners]),
            "cache": a.cache_replication_group_id if a.cache_replication_group_id is not None else "",
        }

        def body(v: dict) -> str:
            alb, services = v["alb"], list(a.services)

            def widget(title: str, metrics: list, x: int, y: int, *, stat: str = "Sum", unit: str = "") -> dict:
                props = {"title": title, "region": region, "view": "timeSeries", "stat": stat, "period": 60,
                         "metrics": metrics}
                if unit:
                    props["yAxis"] = {"left": {"label": unit, "showUnits": False}}
                return {"type": "metric", "x": x, "y": y, "width": 12, "height": 6, "properties": props}

            lb = ["LoadBalancer", alb]
            widgets = [
                widget("Latency (target response time)", [
                    ["AWS/ApplicationELB", "TargetResponseTime", *lb, {"stat": "Average", "label": "average"}],
                    ["AWS/ApplicationELB", "TargetResponseTime", *lb, {"stat": "p99", "label": "p99"}]],
                    0, 0, stat="Average", unit="seconds"),
                widget("Throughput (requests / minute)", [["AWS/ApplicationELB", "RequestCount", *lb]], 12, 0),
                widget("Errors (5xx and 4xx / minute)", [
                    ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", *lb],
                    ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", *lb],
                    ["AWS/ApplicationELB", "HTTPCode_Target_4XX_Count", *lb]], 0, 6),
                widget("ECS CPU % by service", [
                    ["AWS/ECS", "CPUUtilization", "ClusterName", cluster, "ServiceName", naming.ecs_service_name(s)]
                    for s in services], 12, 6, stat="Average", unit="%"),
                widget("ECS memory % by service", [
                    ["AWS/ECS", "MemoryUtilization", "ClusterName", cluster, "ServiceName", naming.ecs_service_name(s)]
                    for s in services], 0, 12, stat="Average", unit="%"),
                widget(f"DB connections (alarm at {db_connection_threshold(a.db_instance_class)})", [
                    ["AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier", ident, {"label": owner}]
                    for owner, ident in zip(owners, v["db"])], 12, 12, stat="Maximum"),
            ]
            if v["cache"]:
                nodes = cache_member_ids(v["cache"], a.cache_replicas)
                widgets.append(widget("Cache hits / misses", [
                    ["AWS/ElastiCache", metric, "CacheClusterId", node]
                    for node in nodes for metric in ("CacheHits", "CacheMisses")], 0, 18))
            return json.dumps({"widgets": widgets})

        return aws.cloudwatch.Dashboard(
            f"{self._name}-dashboard",
            dashboard_name=f"microservices-{self._stack}",
            dashboard_body=pulumi.Output.all(**inputs).apply(body),
            opts=pulumi.ResourceOptions(parent=self))
