"""Amazon CloudWatch: log groups, log resource policies, metric alarms and dashboards."""

from __future__ import annotations

import json
import re

from pulumi_policy import Severity

from ..baseline import baseline
from ..rule import ACCEPTANCE, MANDATORY, SECURITY, rule
from ..support.options import integer, options
from ..support.props import arn_region, as_bool, as_int, as_list, as_str, get, is_unknown, parse_json, provider_region
from ..facts.logs import LOG_RETENTION_DAYS
from ..support.report import report_problems
from .cross_service import NameRule, physical_names

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
LOG_RESOURCE_POLICY = "aws:cloudwatch/logResourcePolicy:LogResourcePolicy"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"

# Why a per-stack minimum: logs are the evidence of an incident, and an incident is often found weeks after it
# started (the AWS Security Incident Response Guide asks for retention that covers the detection and
# investigation window; PCI DSS v4.0 req. 10.5.1 keeps audit logs 12 months, 3 months at hand).  Prod keeps at
# least 30 days (a monthly review cycle); dev, whose logs are not evidence, 7.
RETENTION_CONFIG = {"minRetentionDays": integer(
    "Shortest retentionInDays this stack accepts (prod 30: at least one monthly review cycle).", 30, 1)}


@rule(name="log-group-retention", area=SECURITY, resource_types=(LOG_GROUP,),
      description="Log groups set a retention CloudWatch accepts, at least the stack's minRetentionDays.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Set retentionInDays (settings logRetentionDays) to at least minRetentionDays.",
      config=RETENTION_CONFIG, anchors=("CKV_AWS_66",))
def validate_log_retention(args, report_violation) -> None:
    if args.resource_type != LOG_GROUP:
        return
    days = as_int(get(args.props, "retentionInDays"), 0)
    if is_unknown(days):
        return
    minimum = as_int(options(args, RETENTION_CONFIG)["minRetentionDays"], 30)
    if days == 0:
        report_violation("retentionInDays is not set: logs are kept (and billed) forever.", None)
    elif days not in LOG_RETENTION_DAYS:
        report_violation(f"retentionInDays {days} is not a value CloudWatch accepts.", None)
    elif days < minimum:
        report_violation(f"retentionInDays {days} is below this stack's minimum of {minimum} days: the logs are "
                         f"gone before an incident is investigated.", None)


# ---- log resource policies -----------------------------------------------------------------------------------

@rule(name="log-resource-policy-scoped", area=SECURITY, resource_types=(LOG_RESOURCE_POLICY,),
      description="CloudWatch Logs resource policies grant named services only, with a source condition.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Add aws:SourceAccount / aws:SourceArn conditions to the service statement.")
def validate_log_resource_policy(args, report_violation) -> None:
    """Log resource policies let named services write, scoped to this account (no '*' principal, a source
    condition for service principals - the confused-deputy guard in the CloudWatch Logs user guide)."""
    if args.resource_type != LOG_RESOURCE_POLICY:
        return
    doc = parse_json(get(args.props, "policyDocument"))
    if is_unknown(doc) or not isinstance(doc, dict):
        return
    statements = doc.get("Statement", [])
    for st in (statements if isinstance(statements, list) else [statements]):
        if not isinstance(st, dict) or st.get("Effect") != "Allow":
            continue
        principal = st.get("Principal")
        if principal == "*" or (isinstance(principal, dict) and "*" in json.dumps(principal.get("AWS", ""))):
            report_violation("The log resource policy allows any principal.", None)
        elif isinstance(principal, dict) and "Service" in principal and not st.get("Condition"):
            report_violation("A service principal may write without an aws:SourceAccount/aws:SourceArn "
                             "condition: any account's resources of that service could write here.", None)


# ---- metric alarms ----------------------------------------------------------------------------------------------

@rule(name="metric-alarm-actions", area=SECURITY, resource_types=(METRIC_ALARM,),
      description="Metric alarms have actions enabled and at least one alarm action.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Send the alarm to the platform's alarm topic (components/observability).",
      anchors=("CKV_AWS_319",))
def validate_alarm_actions(args, report_violation) -> None:
    """Alarms act (CKV_AWS_319): actions enabled and at least one alarm action, or the alarm changes nothing."""
    if args.resource_type != METRIC_ALARM:
        return
    p = args.props
    if as_bool(get(p, "actionsEnabled"), True) is False:
        report_violation("actionsEnabled is false: the alarm notifies nobody.", None)
    actions = as_list(get(p, "alarmActions"))
    if not is_unknown(actions) and not actions:
        report_violation("alarmActions is empty: nobody hears when the alarm fires.", None)


# CloudWatch API reference PutMetricAlarm (read 2026-12-07, docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/
# API_PutMetricAlarm.html; the same text in botocore 1.44.18 cloudwatch/2010-08-01/service-2.json): Period "Valid
# values are 10, 20, 30, and any multiple of 60" (10-30 make a high-resolution alarm); "Period multiplied by
# EvaluationPeriods can't be more than 604,800 seconds. For alarms with a period of less than one hour (3,600
# seconds), the total evaluation period can't be longer than one day (86,400 seconds)."  In a metric-math alarm
# each metric carries its own period (MetricStat.Period: "1, 5, 10, 20, 30, 60, or any multiple of 60").
# DatapointsToAlarm 1..EvaluationPeriods; Statistic and ExtendedStatistic and Metrics mutually exclusive; up to 5
# actions per state; actions in the alarm's region; terraform-provider-aws
# internal/service/cloudwatch/metric_alarm.go enums.
ALARM_PERIODS = (10, 20, 30)        # besides any multiple of 60
QUERY_PERIODS = (1, 5, 10, 20, 30)  # MetricStat.Period, besides any multiple of 60
LONG_PERIOD = 3600                  # from one hour on, the window may span 7 days
SHORT_WINDOW, LONG_WINDOW = 86400, 604800
STATISTICS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
OPERATORS = ("GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold",
             "LessThanOrEqualToThreshold", "LessThanLowerOrGreaterThanUpperThreshold", "LessThanLowerThreshold",
             "GreaterThanUpperThreshold")
MISSING_DATA = ("missing", "ignore", "breaching", "notBreaching")


# CloudWatch User Guide "CloudWatch statistics definitions" (read 2026-12-07): percentile pNN, trimmed mean tmNN,
# trimmed count tcNN, trimmed sum tsNN, winsorized mean wmNN (NN 0-100, up to 10 decimals), IQM, and the range
# forms TM/TC/TS/WM/PR(low:high) whose bounds are numbers or percentages and may each be left out.
_NUMBER = r"\d+(?:\.\d{1,10})?"
_SHORT_STAT = re.compile(rf"(?:p|tm|tc|ts|wm)({_NUMBER})", re.IGNORECASE)
_RANGE_STAT = re.compile(rf"(?:TM|TC|TS|WM|PR)\(({_NUMBER}%?)?:({_NUMBER}%?)?\)", re.IGNORECASE)


def extended_statistic(text: str) -> bool:
    """Whether ``text`` is a CloudWatch percentile or trimmed statistic."""
    if text.upper() == "IQM":
        return True
    short = _SHORT_STAT.fullmatch(text)
    if short:
        return float(short.group(1)) <= 100
    ranged = _RANGE_STAT.fullmatch(text)
    if not ranged or ranged.group(1) is ranged.group(2) is None:
        return False
    return all(b is None or not b.endswith("%") or float(b[:-1]) <= 100 for b in ranged.groups())


def _valid_period(seconds: int, short: tuple[int, ...]) -> bool:
    return seconds in short or (seconds > 0 and seconds % 60 == 0)


def _query_periods(props) -> list[int]:
    """Known periods of the metrics a metric-math alarm reads."""
    queries = as_list(get(props, "metricQueries"))
    found = [] if is_unknown(queries) else [as_int(get(q, "metric.period")) for q in queries]
    return [s for s in found if isinstance(s, int) and not is_unknown(s)]


def _window_problems(period: int, evaluations: int) -> list[str]:
    """The evaluation window's limit: one day for periods under an hour, seven days from an hour on."""
    total = period * evaluations
    limit = SHORT_WINDOW if period < LONG_PERIOD else LONG_WINDOW
    if total <= limit:
        return []
    why = ("one day (86400 s) for periods under an hour" if limit == SHORT_WINDOW
           else "seven days (604800 s)")
    return [f"evaluationPeriods x period = {total} s is over {why}"]


def _alarm_problems(args) -> list[str]:
    p = args.props
    out = []
    period, evaluations = as_int(get(p, "period")), as_int(get(p, "evaluationPeriods"))
    datapoints = as_int(get(p, "datapointsToAlarm"))
    if period is not None and not is_unknown(period) and not _valid_period(period, ALARM_PERIODS):
        out.append(f"period {period} is not 10, 20, 30 or a multiple of 60")
    query_periods = _query_periods(p)
    for bad in sorted({q for q in query_periods if not _valid_period(q, QUERY_PERIODS)}):
        out.append(f"metricQueries: period {bad} is not 1, 5, 10, 20, 30 or a multiple of 60")
    if evaluations is not None and not is_unknown(evaluations):
        if evaluations < 1:
            out.append(f"evaluationPeriods {evaluations} is below 1")
        window_period = period if period and not is_unknown(period) else max(query_periods, default=None)
        if window_period:
            out += _window_problems(window_period, evaluations)
        if datapoints is not None and not is_unknown(datapoints) and not 1 <= datapoints <= evaluations:
            out.append(f"datapointsToAlarm {datapoints} is not within 1-{evaluations} (evaluationPeriods)")
    sources = [k for k in ("statistic", "extendedStatistic", "metricQueries") if get(p, k) not in (None, [], "")]
    if len(sources) > 1:
        out.append(f"{' and '.join(sources)} are mutually exclusive")
    if not sources:
        out.append("one of statistic, extendedStatistic or metricQueries is required")
    queries = as_list(get(p, "metricQueries"))
    if queries and not is_unknown(queries):
        # PutMetricAlarm Metrics (CloudWatch API reference, read 2026-11): exactly one query returns the series
        # the alarm watches (ReturnData true, the default when unset); the others set it false.  An anomaly-
        # detection alarm also returns its ANOMALY_DETECTION_BAND expression, the query ThresholdMetricId names
        # (CloudWatch User Guide "Create a CloudWatch alarm based on anomaly detection"; the Terraform
        # aws_cloudwatch_metric_alarm anomaly-detection example): that one does not count.
        band = get(p, "thresholdMetricId")
        watched = [q for q in queries if is_unknown(band) or band in (None, "") or get(q, "id") != band]
        flags = [as_bool(get(q, "returnData"), True) for q in watched]
        if not any(is_unknown(f) for f in flags) and sum(1 for f in flags if f is True) != 1:
            out.append(f"metricQueries: {sum(1 for f in flags if f is True)} queries return data (returnData)"
                       f"{' besides thresholdMetricId ' + repr(band) if len(watched) < len(queries) else ''}; "
                       f"exactly one must")
    statistic = as_str(get(p, "statistic"))
    if statistic and not is_unknown(statistic) and statistic not in STATISTICS:
        out.append(f"statistic {statistic!r} is not one of {', '.join(STATISTICS)}")
    extended = as_str(get(p, "extendedStatistic"))
    if extended and not is_unknown(extended) and not extended_statistic(extended):
        out.append(f"extendedStatistic {extended!r} is not a percentile or trimmed statistic (p90, tm90, "
                   f"TM(10%:90%), IQM, PR(n:m) ...)")
    for q in ([] if is_unknown(queries) else queries):
        stat = as_str(get(q, "metric.stat"))
        if stat and not is_unknown(stat) and stat not in STATISTICS and not extended_statistic(stat):
            out.append(f"metricQueries {get(q, 'id')!r}: stat {stat!r} is not a CloudWatch statistic")
    operator = as_str(get(p, "comparisonOperator"))
    if operator and not is_unknown(operator) and operator not in OPERATORS:
        out.append(f"comparisonOperator {operator!r} is not a CloudWatch operator")
    missing = as_str(get(p, "treatMissingData"))
    if missing and not is_unknown(missing) and missing not in MISSING_DATA:
        out.append(f"treatMissingData {missing!r} is not one of {', '.join(MISSING_DATA)}")
    if get(p, "threshold") is None and get(p, "thresholdMetricId") in (None, ""):
        out.append("threshold (or thresholdMetricId) is required")
    region = provider_region(args)
    for key in ("alarmActions", "okActions", "insufficientDataActions"):
        actions = as_list(get(p, key))
        if is_unknown(actions):
            continue
        if len(actions) > 5:
            out.append(f"{key} has {len(actions)} actions; at most 5")
        for arn in actions:
            where = arn_region(arn)
            if region and where and not is_unknown(where) and where != region:
                out.append(f"{key} {arn} is in {where}, the alarm in {region}: actions must be in the alarm's "
                           f"region")
    return out


# PutDashboard (read 2026-11): DashboardName up to 255 of A-Z a-z 0-9 - _; the body is JSON with a "widgets"
# array; the grid is 24 units wide.
_DASHBOARD_NAME = re.compile(r"[A-Za-z0-9_-]{1,255}")


def _dashboard_problems(args) -> list[str]:
    p, out = args.props, []
    name = as_str(get(p, "dashboardName"))
    if name and not is_unknown(name) and not _DASHBOARD_NAME.fullmatch(name):
        out.append(f"dashboardName {name!r} must be 1-255 letters, digits, '-' or '_'")
    body = get(p, "dashboardBody")
    if is_unknown(body) or body is None:
        return out
    doc = parse_json(body)
    if not isinstance(doc, dict) or not isinstance(doc.get("widgets"), list):
        return out + ["dashboardBody is not JSON with a 'widgets' array"]
    for i, w in enumerate(doc["widgets"]):
        if not isinstance(w, dict):
            continue
        x, width = w.get("x", 0), w.get("width", 6)
        if isinstance(x, int) and isinstance(width, int) and x + width > 24:
            out.append(f"widget {i} ends at column {x + width}; the grid is 24 wide")
        if w.get("type") == "metric" and not (w.get("properties") or {}).get("region"):
            out.append(f"metric widget {i} has no properties.region")
    return out


@rule(name="cloudwatch-values", area=ACCEPTANCE, resource_types=(METRIC_ALARM, DASHBOARD, LOG_GROUP,
                                                                 LOG_RESOURCE_POLICY),
      description="Alarm periods, evaluation windows, statistics and actions, dashboard bodies, log group keys "
                  "and log resource policy sizes are values CloudWatch accepts.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Fix the value named in the message (CloudWatch PutMetricAlarm / PutDashboard API "
                  "reference).")
def validate_cloudwatch_values(args, report_violation) -> None:
    t = args.resource_type
    problems = (_alarm_problems(args) if t == METRIC_ALARM
                else _dashboard_problems(args) if t == DASHBOARD else [])
    if t == LOG_GROUP:
        key = as_str(get(args.props, "kmsKeyId"))
        if key and not is_unknown(key) and not key.startswith("arn:"):
            problems.append(f"kmsKeyId {key!r} must be a KMS key ARN")
    elif t == LOG_RESOURCE_POLICY:
        doc = as_str(get(args.props, "policyDocument"))
        if doc and not is_unknown(doc) and len(doc) > 5120:
            problems.append(f"policyDocument is {len(doc)} characters; PutResourcePolicy allows 5120")
    report_problems(report_violation, problems)


# CreateLogGroup logGroupName: 512 characters of [.-_/#A-Za-z0-9] (CloudWatch Logs API reference, read 2026-11).
physical_names(NameRule("name", 512, pattern=re.compile(r"[.\-_/#A-Za-z0-9]+")), LOG_GROUP)


baseline(
    __name__,
    service='Amazon CloudWatch and CloudWatch Logs',
    resource_types=(
        'aws:cloudwatch/logGroup:LogGroup',
        'aws:cloudwatch/logResourcePolicy:LogResourcePolicy',
        'aws:cloudwatch/metricAlarm:MetricAlarm',
        'aws:cloudwatch/dashboard:Dashboard',
    ),
    not_applicable={
        # Deliberately not applied: log-group-retention enforces the stack's own minimum instead.
        'CKV_AWS_338': "Deliberately not applied: Checkov wants 365 days of retention, the platform keeps "
                       "operational logs (ECS, VPC flow, API Gateway, database exports) for the stack's "
                       "minRetentionDays (prod 30, dev 7; log-group-retention), which covers incident review; "
                       "a year of these logs would be storage cost without a use, and no audit trail lives in "
                       "them.",
        'CKV_AWS_158': "CloudWatch Logs encrypts every log group at rest with a service key; the platform's logs "
                       "hold no data that needs a customer managed key's separate access control.",
    },
)
