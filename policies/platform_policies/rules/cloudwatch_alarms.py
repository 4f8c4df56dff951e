"""Amazon CloudWatch metric alarms that can fire: their metric exists, names the plan's resources, can cross its
threshold, and notifies something that exists.

PutMetricAlarm accepts an alarm on any namespace, metric and dimensions, so a misspelt metric, a dimension set
the metric is not published with, or a dimension value naming no resource gives an alarm that stays in
INSUFFICIENT_DATA forever; a threshold beyond the metric's range never fires; an action naming a topic that does
not exist, or an encrypted topic whose key does not let CloudWatch in, notifies nobody.  Every such alarm passes
``pulumi up``.

* ``alarm-metric-published``: the namespace publishes the metric with exactly that set of dimension names
  (facts/cloudwatch_metrics.py: a dated, cited table per namespace);
* ``alarm-dimensions-resolve`` (stack): dimension values name resources of the plan (an RDS instance's
  identifier, an ECS cluster's and service's names, a load balancer's ARN suffix, a cache member ...), decided
  from property dependencies when the values are unknown (a first preview);
* ``alarm-threshold-reachable`` (stack): the threshold lies within the watched series' range (0-100 for
  percentages, never below 0) and below a limit the plan sets (a DB connections alarm above the
  ``max_connections`` of the instance's parameter group);
* ``alarm-actions-reach`` (stack): each action is a resource of the plan that can be an alarm action (an SNS
  topic, a scaling policy ...), and an encrypted topic's KMS key admits cloudwatch.amazonaws.com;
* ``alarm-wiring-undecided`` (stack, advisory): what the plan cannot decide - a namespace not in the table, a
  dimension value or an action from outside the stack.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Optional

from pulumi_policy import Severity

from ..facts.cloudwatch_metrics import MSK_LEVELS, NAMESPACES, bounds, dimension_sets, families
from ..rule import ADVISORY, DEPLOYABILITY, MANDATORY, rule
from ..support.alarm_metrics import MetricUse, metric_uses, never_fires, union, watched_uses
from ..support.graph import per_resource, producer, producers
from ..support.near_miss import near_miss
from ..support.options import options, string_list
from ..support.policy_documents import listify, statements
from ..support.props import as_int, as_list, as_str, get, is_unknown, parse_json

METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"

ECS_CLUSTER, ECS_SERVICE = "aws:ecs/cluster:Cluster", "aws:ecs/service:Service"
RDS_INSTANCE, RDS_CLUSTER, RDS_PROXY = "aws:rds/instance:Instance", "aws:rds/cluster:Cluster", "aws:rds/proxy:Proxy"
PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
TARGET_GROUPS = ("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup")
REPLICATION_GROUP, CACHE_CLUSTER = ("aws:elasticache/replicationGroup:ReplicationGroup",
                                    "aws:elasticache/cluster:Cluster")
MSK_CLUSTER, MQ_BROKER = "aws:msk/cluster:Cluster", "aws:mq/broker:Broker"
REST_API, REST_STAGE = "aws:apigateway/restApi:RestApi", "aws:apigateway/stage:Stage"
HTTP_API, HTTP_STAGE = "aws:apigatewayv2/api:Api", "aws:apigatewayv2/stage:Stage"
DISTRIBUTION, FILE_SYSTEM = "aws:cloudfront/distribution:Distribution", "aws:efs/fileSystem:FileSystem"
QUEUE, TOPIC, FUNCTION = "aws:sqs/queue:Queue", "aws:sns/topic:Topic", "aws:lambda/function:Function"
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
KMS_KEY, KMS_ALIAS = "aws:kms/key:Key", "aws:kms/alias:Alias"

UNDECIDED, VIOLATION = "undecided", "violation"
Finding = tuple[str, str]  # (VIOLATION or UNDECIDED, message)


def _sentence(message: str) -> str:
    return message if message.endswith((".", "?")) else message + "."


def _alarms(args) -> list:
    return [r for r in getattr(args, "resources", []) if r.resource_type == METRIC_ALARM]


# ---- the metric exists -------------------------------------------------------------------------------------------

METRIC_CONFIG = {"extraMetrics": string_list(
    "Metrics the table (facts/cloudwatch_metrics.py) does not list yet, as '<namespace>:<metric>' (any "
    "dimensions accepted), e.g. 'AWS/RDS:AuroraReplicaLag'.", [])}


def _metric_problems(use: MetricUse, extra: set[str]) -> list[str]:
    ns, metric = use.namespace, use.metric
    if not isinstance(ns, str) or ns not in NAMESPACES or f"{ns}:{metric}" in extra:
        return []  # a namespace outside the table is alarm-wiring-undecided's
    if not families(ns, metric):
        known = [m for f in NAMESPACES[ns].families for m in f.metrics]
        guess = near_miss(metric, known)
        hint = f"; did you mean {guess!r}?" if guess else " (if it is new, add it to extraMetrics)"
        return [f"{use.where}: {ns} publishes no metric {metric!r}{hint}"]
    if is_unknown(use.dimensions):
        return []
    names = frozenset(use.dimensions)
    valid = dimension_sets(ns, metric)
    if names not in valid:
        shown = "; ".join(sorted(", ".join(sorted(s)) or "(none)" for s in valid))
        given = ", ".join(sorted(names)) or "no dimensions"
        return [f"{use.where}: {ns} {metric} is not published with {given}; its dimension sets are: {shown}"]
    return []


@rule(name="alarm-metric-published", area=DEPLOYABILITY, resource_types=(METRIC_ALARM,),
      description="Metric alarms watch a metric the namespace publishes, with a set of dimension names it is "
                  "published with (else the alarm never leaves INSUFFICIENT_DATA).",
      level=MANDATORY, severity=Severity.HIGH, config=METRIC_CONFIG,
      remediation="Use the metric name and dimension set of the service's CloudWatch metrics page "
                  "(facts/cloudwatch_metrics.py cites it).")
def validate_alarm_metric_published(args, report_violation) -> None:
    if args.resource_type != METRIC_ALARM:
        return
    extra = set(options(args, METRIC_CONFIG)["extraMetrics"])
    for use in metric_uses(args.props):
        for problem in _metric_problems(use, extra):
            report_violation(_sentence(problem), None)


# ---- dimension values name the plan's resources ------------------------------------------------------------------

Match = Callable[[str, Any, dict], Optional[bool]]  # (value, candidate, all dimensions) -> yes / no / can't tell


def _named(*props: str) -> Match:
    def match(value: str, r: Any, _dims: dict) -> Optional[bool]:
        for prop in props:
            own = as_str(get(r.props, prop))
            if isinstance(own, str) and own:
                return value == own
        return None  # auto-named, or the name is an output
    return match


def _unknowable(_value: str, _r: Any, _dims: dict) -> Optional[bool]:
    return None  # the dimension is an output (an id or ARN suffix): only the property dependency tells


def _ecs_service(value: str, r: Any, dims: dict) -> Optional[bool]:
    name = as_str(get(r.props, "name"))
    if not isinstance(name, str) or value != name:
        return None if not isinstance(name, str) else False
    cluster, wanted = as_str(get(r.props, "cluster")), dims.get("ClusterName")
    if not isinstance(cluster, str) or not isinstance(wanted, str):
        return True
    return cluster == wanted or cluster.endswith(f":cluster/{wanted}")


def _cache_member(value: str, r: Any, _dims: dict) -> Optional[bool]:
    """A member cluster of a replication group: <group>-001... (cluster mode <group>-0001-001...; ElastiCache
    User Guide, "Finding connection endpoints" / "Replication: cluster mode disabled vs. enabled", read
    2026-12-07); or a stand-alone cluster's clusterId."""
    if r.resource_type == CACHE_CLUSTER:
        return _named("clusterId")(value, r, _dims)
    group = as_str(get(r.props, "replicationGroupId"))
    if not isinstance(group, str) or not group:
        return None
    nodes = as_int(get(r.props, "numCacheClusters"))
    replicas, shards = as_int(get(r.props, "replicasPerNodeGroup")), as_int(get(r.props, "numNodeGroups"))
    plain = re.fullmatch(rf"{re.escape(group)}-(\d{{3}})", value)
    sharded = re.fullmatch(rf"{re.escape(group)}-(\d{{4}})-(\d{{3}})", value)
    if plain:
        count = nodes if isinstance(nodes, int) else (replicas + 1 if isinstance(replicas, int) else None)
        return 1 <= int(plain.group(1)) <= (count if count is not None else 999)
    if sharded:
        shard_ok = not isinstance(shards, int) or 1 <= int(sharded.group(1)) <= shards
        node_ok = not isinstance(replicas, int) or 1 <= int(sharded.group(2)) <= replicas + 1
        return shard_ok and node_ok
    return False


def _mq_broker(value: str, r: Any, _dims: dict) -> Optional[bool]:
    """ActiveMQ: the broker name plus -1 (and -2 for an active/standby pair); RabbitMQ: the broker name (Amazon MQ
    Developer Guide, CloudWatch metrics pages, dimension Broker, read 2026-12-07)."""
    name, engine = as_str(get(r.props, "brokerName")), as_str(get(r.props, "engineType"))
    mode = as_str(get(r.props, "deploymentMode"))
    if isinstance(engine, str) and engine.lower() == "rabbitmq":
        return value == name if isinstance(name, str) else None
    suffixes = ["-1", "-2"] if mode == "ACTIVE_STANDBY_MULTI_AZ" or not isinstance(mode, str) else ["-1"]
    if isinstance(name, str):
        return value in [name + s for s in suffixes]
    return None if any(value.endswith(s) for s in suffixes) else False


@dataclass(frozen=True)
class Ref:
    what: str
    field: str  # what the value must be of the resource
    types: tuple[str, ...]
    match: Match
    shape: Optional[re.Pattern] = None  # what a known value looks like
    shape_hint: str = ""


# ELB guide, "CloudWatch metrics for your Application Load Balancer" > dimensions: LoadBalancer is
# app/<name>/<id> and TargetGroup targetgroup/<name>/<id> (the ARN suffixes), not the ARNs.
REFS: dict[tuple[str, str], Ref] = {
    ("AWS/ECS", "ClusterName"): Ref("ECS cluster", "name", (ECS_CLUSTER,), _named("name")),
    ("AWS/ECS", "ServiceName"): Ref("ECS service", "name (in the alarm's ClusterName)", (ECS_SERVICE,),
                                    _ecs_service),
    ("AWS/RDS", "DBInstanceIdentifier"): Ref("RDS instance", "identifier", (RDS_INSTANCE,), _named("identifier")),
    ("AWS/RDS", "DBClusterIdentifier"): Ref("RDS cluster", "clusterIdentifier", (RDS_CLUSTER,),
                                            _named("clusterIdentifier")),
    ("AWS/RDS", "ProxyName"): Ref("RDS proxy", "name", (RDS_PROXY,), _named("name")),
    ("AWS/ApplicationELB", "LoadBalancer"): Ref(
        "load balancer", "arnSuffix", LOAD_BALANCERS, _unknowable, re.compile(r"app/[^/]+/[^/]+"),
        "the load balancer's arnSuffix (app/<name>/<id>), not its ARN"),
    ("AWS/ApplicationELB", "TargetGroup"): Ref(
        "target group", "arnSuffix", TARGET_GROUPS, _unknowable, re.compile(r"targetgroup/[^/]+/[^/]+"),
        "the target group's arnSuffix (targetgroup/<name>/<id>), not its ARN"),
    ("AWS/ElastiCache", "CacheClusterId"): Ref(
        "ElastiCache cluster", "member cluster id (<group>-001 up to its numCacheClusters)",
        (REPLICATION_GROUP, CACHE_CLUSTER), _cache_member),
    ("AWS/Kafka", "Cluster Name"): Ref("MSK cluster", "clusterName", (MSK_CLUSTER,), _named("clusterName")),
    ("AWS/AmazonMQ", "Broker"): Ref("Amazon MQ broker", "broker instance name (ActiveMQ: <brokerName>-1, and -2 "
                                    "for an active/standby pair)", (MQ_BROKER,), _mq_broker),
    ("AWS/ApiGateway", "ApiName"): Ref("REST API", "name", (REST_API,), _named("name")),
    ("AWS/ApiGateway", "Stage"): Ref("API stage", "stage name", (REST_STAGE, HTTP_STAGE),
                                     _named("stageName", "name")),
    ("AWS/ApiGateway", "ApiId"): Ref("HTTP or WebSocket API", "id", (HTTP_API,), _unknowable),
    ("AWS/CloudFront", "DistributionId"): Ref("CloudFront distribution", "id", (DISTRIBUTION,), _unknowable),
    ("AWS/EFS", "FileSystemId"): Ref("EFS file system", "id", (FILE_SYSTEM,), _unknowable),
    ("AWS/SQS", "QueueName"): Ref("SQS queue", "name", (QUEUE,), _named("name")),
    ("AWS/SNS", "TopicName"): Ref("SNS topic", "name", (TOPIC,), _named("name")),
    ("AWS/Lambda", "FunctionName"): Ref("Lambda function", "name", (FUNCTION,), _named("name")),
    ("AWS/NATGateway", "NatGatewayId"): Ref("NAT gateway", "id", (NAT_GATEWAY,), _unknowable),
}
# CloudFront publishes its metrics with Region "Global" (CloudFront Developer Guide, "Types of metrics for
# CloudFront", read 2026-12-07).
FIXED_VALUES = {("AWS/CloudFront", "Region"): "Global"}


def _resolve(alarm: Any, use: MetricUse, key: str, value: Any, ref: Ref, resources: list,
             dims: dict) -> Optional[Finding]:
    deps = producers(alarm, use.prop)
    built_from = [d for d in deps if d.resource_type in ref.types]
    label = f"{use.where}: dimension {key}"
    if is_unknown(value):
        if built_from:
            return None
        if deps:
            return VIOLATION, (f"{label} is built from {', '.join(sorted({d.name for d in deps}))}, none of "
                               f"them a {ref.what}: it names nothing the metric is published for")
        return UNDECIDED, f"{label} is unknown and built from no resource of the stack"
    if not isinstance(value, str):
        return VIOLATION, f"{label} is {value!r}, not a string"
    if ref.shape is not None and not ref.shape.fullmatch(value):
        return VIOLATION, f"{label} is {value!r}; it must be {ref.shape_hint}"
    candidates = [r for r in resources if r.resource_type in ref.types]
    verdicts = {r.urn: ref.match(value, r, dims) for r in candidates}
    if any(v is True for v in verdicts.values()):
        return None
    if built_from:
        if any(verdicts[r.urn] is None for r in built_from):
            return None
        return VIOLATION, (f"{label} {value!r} is built from {', '.join(sorted(r.name for r in built_from))} but "
                           f"is not its {ref.field}")
    if candidates and all(v is False for v in verdicts.values()):
        return VIOLATION, (f"{label} {value!r} names no {ref.what} of the stack (it has "
                           f"{', '.join(sorted(r.name for r in candidates))}); if it is another stack's, build "
                           f"the value from a lookup")
    return UNDECIDED, f"{label} {value!r} names no {ref.what} the stack creates: it cannot tell whether it exists"


def _msk_level_problem(use: MetricUse, alarm: Any, resources: list) -> Optional[str]:
    needed = [f.level for f in families(use.namespace, use.metric) if f.level]
    if len(needed) != len(families(use.namespace, use.metric)) or not needed:
        return None  # published at DEFAULT by at least one family
    level = min(needed, key=MSK_LEVELS.index)
    name = use.dimensions.get("Cluster Name") if isinstance(use.dimensions, dict) else None
    clusters = [d for d in producers(alarm, use.prop) if d.resource_type == MSK_CLUSTER] or \
        [r for r in resources if r.resource_type == MSK_CLUSTER and isinstance(name, str)
         and as_str(get(r.props, "clusterName")) == name]
    for cluster in clusters:
        have = as_str(get(cluster.props, "enhancedMonitoring"), "DEFAULT")
        if isinstance(have, str) and have in MSK_LEVELS and MSK_LEVELS.index(have) < MSK_LEVELS.index(level):
            return (f"{use.where}: {use.metric} is published only at enhancedMonitoring {level} or above; "
                    f"{cluster.name} is at {have}")
    return None


def dimension_findings(alarm: Any, resources: list) -> Iterator[Finding]:
    for use in metric_uses(alarm.props):
        if not isinstance(use.namespace, str) or is_unknown(use.dimensions):
            continue
        dims = dict(use.dimensions)
        for key, value in dims.items():
            fixed = FIXED_VALUES.get((use.namespace, key))
            if fixed is not None and isinstance(value, str) and value != fixed:
                yield VIOLATION, f"{use.where}: dimension {key} is {value!r}; {use.namespace} publishes {fixed!r}"
            ref = REFS.get((use.namespace, key))
            if ref is not None:
                finding = _resolve(alarm, use, key, value, ref, resources, dims)
                if finding:
                    yield finding
        if use.namespace == "AWS/Kafka":
            problem = _msk_level_problem(use, alarm, resources)
            if problem:
                yield VIOLATION, problem


@rule(name="alarm-dimensions-resolve", area=DEPLOYABILITY, resource_types=(METRIC_ALARM,), stack=True,
      description="Alarm dimension values name resources of the plan (RDS identifiers, ECS cluster and service "
                  "names, load balancer and target group ARN suffixes, cache members, broker instances ...).",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Build the dimension from the resource's output (instance.identifier, lb.arn_suffix ...).")
@per_resource(METRIC_ALARM)
def validate_alarm_dimensions_resolve(args, report_violation) -> None:
    if args.resource_type != METRIC_ALARM or not hasattr(args, "resource"):
        return
    resources = list(args.by_urn.values())
    for kind, message in dimension_findings(args.resource, resources):
        if kind == VIOLATION:
            report_violation(_sentence(message), None)


# ---- the threshold can be crossed ---------------------------------------------------------------------------------

def _max_connections(alarm: Any, use: MetricUse, resources: list) -> Optional[int]:
    """max_connections of the parameter group of the RDS instance the metric watches, when the plan sets it."""
    ident = use.dimensions.get("DBInstanceIdentifier") if isinstance(use.dimensions, dict) else None
    instances = [d for d in producers(alarm, use.prop) if d.resource_type == RDS_INSTANCE]
    if not instances and isinstance(ident, str):
        instances = [r for r in resources if r.resource_type == RDS_INSTANCE
                     and as_str(get(r.props, "identifier")) == ident]
    if len(instances) != 1:
        return None
    instance = instances[0]
    group = producer(instance, "parameterGroupName", PARAMETER_GROUP)
    if group is None:
        name = as_str(get(instance.props, "parameterGroupName"))
        named = [r for r in resources if r.resource_type == PARAMETER_GROUP and isinstance(name, str)
                 and as_str(get(r.props, "name")) == name]
        group = named[0] if len(named) == 1 else None
    params = as_list(get(group.props, "parameters")) if group is not None else []
    for p in ([] if is_unknown(params) else params):
        if as_str(get(p, "name")) == "max_connections":
            value = as_str(get(p, "value"))
            return int(value) if isinstance(value, str) and value.isdigit() else None
    return None


def _use_bounds(alarm: Any, use: MetricUse, resources: list) -> tuple[Optional[float], Optional[float], str]:
    low, high = bounds(use.namespace, use.metric) if isinstance(use.namespace, str) else (None, None)
    why = ""
    if use.namespace == "AWS/RDS" and use.metric == "DatabaseConnections":
        limit = _max_connections(alarm, use, resources)
        if limit is not None and (high is None or limit < high):
            high, why = float(limit), f" (max_connections of the instance's parameter group is {limit})"
    return low, high, why


def threshold_problems(alarm: Any, resources: list) -> list[str]:
    p = alarm.props
    threshold, operator = get(p, "threshold"), as_str(get(p, "comparisonOperator"))
    if not isinstance(threshold, (int, float)) or isinstance(threshold, bool) or not isinstance(operator, str):
        return []
    uses = metric_uses(p)
    watched = watched_uses(p, uses)
    if not watched or any(not isinstance(u.namespace, str) or not families(u.namespace, u.metric)
                          for u in watched):
        return []
    ranges = [_use_bounds(alarm, u, resources) for u in watched]
    reason = never_fires(operator, float(threshold), union([(lo, hi) for lo, hi, _ in ranges]))
    if reason is None:
        return []
    metrics = ", ".join(sorted({u.metric for u in watched}))
    why = "".join(sorted({w for _, _, w in ranges if w}))
    return [f"The alarm can never fire: {operator} {threshold:g} on {metrics}, and {reason}{why}"]


@rule(name="alarm-threshold-reachable", area=DEPLOYABILITY, resource_types=(METRIC_ALARM,), stack=True,
      description="Alarm thresholds lie within the watched metric's range (percentages 0-100, counts from 0) and "
                  "below limits the plan sets (a DB connections alarm below max_connections).",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Set a threshold the metric can cross (a share of the limit, e.g. 90 % of max_connections).")
@per_resource(METRIC_ALARM)
def validate_alarm_threshold_reachable(args, report_violation) -> None:
    if args.resource_type != METRIC_ALARM:
        return
    resource = getattr(args, "resource", args)
    resources = list(getattr(args, "by_urn", {}).values())
    for problem in threshold_problems(resource, resources):
        report_violation(_sentence(problem), None)


# ---- the actions reach something -------------------------------------------------------------------------------------

ACTION_KEYS = ("alarmActions", "okActions", "insufficientDataActions")
# PutMetricAlarm AlarmActions (CloudWatch API reference, read 2026-12-07): EC2 (automate, swf), Auto Scaling and
# Application Auto Scaling policies, Lambda functions, SNS topics, Systems Manager OpsItems and Incident Manager
# response plans, Amazon Q investigation groups.
ACTION_TYPES = (TOPIC, "aws:appautoscaling/policy:Policy", "aws:autoscaling/policy:Policy", FUNCTION,
                "aws:lambda/alias:Alias", "aws:ssmincidents/responsePlan:ResponsePlan")
ACTION_SERVICES = ("sns", "autoscaling", "lambda", "ssm", "ssm-incidents", "automate", "swf", "aiops")
CLOUDWATCH_PRINCIPAL = "cloudwatch.amazonaws.com"
# A CloudWatch alarm can publish to an SSE topic only if the key policy lets cloudwatch.amazonaws.com use the
# key (kms:Decrypt, kms:GenerateDataKey*); the AWS managed key alias/aws/sns cannot be given that (SNS Developer
# Guide, "Key management", "Enable compatibility between event sources from AWS services and encrypted
# topics", read 2026-12-07).
KEY_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")


def _key_admits(document: Any, principal: str) -> bool:
    for st in statements(document):
        if st.get("Effect") != "Allow":
            continue
        who = st.get("Principal")
        services = listify(who.get("Service")) if isinstance(who, dict) else (["*"] if who == "*" else [])
        if principal not in services and "*" not in services:
            continue
        granted = [a.lower() for a in listify(st.get("Action")) if isinstance(a, str)]
        if all(any(fnmatch.fnmatchcase(need.lower(), g) for g in granted) for need in KEY_ACTIONS):
            return True
    return False


def _topic_problem(topic: Any) -> Optional[str]:
    key_ref = as_str(get(topic.props, "kmsMasterKeyId"))
    if isinstance(key_ref, str) and key_ref.endswith("alias/aws/sns"):
        return (f"Topic {topic.name} is encrypted with the AWS managed key alias/aws/sns, whose policy cannot "
                f"admit {CLOUDWATCH_PRINCIPAL}: CloudWatch cannot publish to it")
    key = producer(topic, "kmsMasterKeyId", KMS_KEY)
    alias = producer(topic, "kmsMasterKeyId", KMS_ALIAS)
    if key is None and alias is not None:
        key = producer(alias, "targetKeyId", KMS_KEY)
    if key is None:
        return None
    document = parse_json(get(key.props, "policy"))
    if is_unknown(document) or document is None:
        return None  # the default key policy: the account's IAM policies decide; nothing here admits a service
    if not _key_admits(document, CLOUDWATCH_PRINCIPAL):
        return (f"Topic {topic.name} is encrypted with key {key.name}, whose policy does not let "
                f"{CLOUDWATCH_PRINCIPAL} use it (kms:Decrypt, kms:GenerateDataKey*): alarm notifications "
                f"are dropped")
    return None


def _arn_service(arn: str) -> Optional[str]:
    parts = arn.split(":")
    return parts[2] if len(parts) > 5 and parts[0] == "arn" else None


def action_findings(alarm: Any, resources: list) -> Iterator[tuple[str, str, Any]]:
    """(VIOLATION or UNDECIDED, message, the topic it is about or None) for the alarm's actions."""
    topics_by_name = {as_str(get(t.props, "name")): t for t in resources if t.resource_type == TOPIC}
    for key in ACTION_KEYS:
        actions = as_list(get(alarm.props, key))
        deps = producers(alarm, key)
        targets = [d for d in deps if d.resource_type in ACTION_TYPES]
        if deps and not targets:
            yield VIOLATION, (f"The {key} are built from {', '.join(sorted({d.name for d in deps}))}, none of them "
                              f"an alarm action (an SNS topic, a scaling policy, a Lambda function ...)"), None
        for topic in {t.urn: t for t in targets if t.resource_type == TOPIC}.values():
            problem = _topic_problem(topic)
            if problem:
                yield VIOLATION, problem, topic
        if is_unknown(actions) or targets:
            if is_unknown(actions) and not deps:
                yield UNDECIDED, f"The {key} are unknown and built from no resource of the stack", None
            continue
        for arn in actions:
            if is_unknown(arn) or not isinstance(arn, str):
                yield UNDECIDED, f"An entry of {key} is built from no resource of the stack", None
                continue
            service = _arn_service(arn)
            topic = topics_by_name.get(arn.rsplit(":", 1)[-1]) if service == "sns" else None
            if service not in ACTION_SERVICES:
                yield VIOLATION, (f"The {key} entry {arn!r} is not an action PutMetricAlarm takes (SNS topic, "
                                  f"scaling policy, Lambda function, EC2, Systems Manager or Incident Manager "
                                  f"ARN)"), None
            elif topic is not None:
                problem = _topic_problem(topic)
                if problem:
                    yield VIOLATION, problem, topic
            else:
                yield UNDECIDED, (f"The {key} entry {arn!r} is not a resource of the stack: whether it exists and "
                                  f"reaches anyone is not judged"), None


# A stack policy over all alarms at once: a topic's key problem is reported once, on the topic.
@rule(name="alarm-actions-reach", area=DEPLOYABILITY, resource_types=(METRIC_ALARM,), stack=True,
      description="Alarm actions are resources of the plan that can act on an alarm (SNS topic, scaling policy, "
                  "Lambda function ...), and an encrypted topic's key admits cloudwatch.amazonaws.com.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Pass the topic's or policy's ARN output; give cloudwatch.amazonaws.com kms:Decrypt and "
                  "kms:GenerateDataKey* in the topic key's policy (components/observability).")
def validate_alarm_actions_reach(args, report_violation) -> None:
    resources = list(getattr(args, "resources", []))
    on_topics: dict[str, tuple[str, list[str]]] = {}
    for alarm in _alarms(args):
        for kind, message, topic in dict.fromkeys(action_findings(alarm, resources)):
            if kind != VIOLATION:
                continue
            if topic is None:
                report_violation(_sentence(message), alarm.urn)
            else:
                on_topics.setdefault(topic.urn, (message, []))[1].append(alarm.name)
    for urn, (message, alarms) in on_topics.items():
        names = sorted(set(alarms))
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        report_violation(_sentence(f"{message[0].upper()}{message[1:]}; {len(names)} alarm(s) notify it "
                                   f"({shown})"), urn)


# ---- what the plan cannot decide ---------------------------------------------------------------------------------

@rule(name="alarm-wiring-undecided", area=DEPLOYABILITY, resource_types=(METRIC_ALARM,), stack=True,
      description="Says which alarm metrics, dimension values and actions the plan cannot judge: a namespace "
                  "outside the pack's table (custom metrics), values and actions from outside the stack.",
      level=ADVISORY, severity=Severity.LOW,
      remediation="Check these by hand once (aws cloudwatch list-metrics --namespace ... --dimensions ...).")
@per_resource(METRIC_ALARM)
def validate_alarm_wiring_undecided(args, report_violation) -> None:
    if args.resource_type != METRIC_ALARM or not hasattr(args, "resource"):
        return
    resources = list(args.by_urn.values())
    notes = []
    for use in metric_uses(args.props):
        if isinstance(use.namespace, str) and use.namespace not in NAMESPACES:
            notes.append(f"{use.where}: namespace {use.namespace} is not in the pack's metric table (a custom or "
                         f"unlisted namespace): whether {use.metric} is published with these dimensions is not "
                         f"judged")
    notes += [m for kind, m in dimension_findings(args.resource, resources) if kind == UNDECIDED]
    notes += [m for kind, m, _ in action_findings(args.resource, resources) if kind == UNDECIDED]
    for note in dict.fromkeys(notes):
        report_violation(_sentence(note), None)
