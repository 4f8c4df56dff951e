"""Amazon CloudWatch Logs: log groups."""

from __future__ import annotations

from pulumi_policy import Severity

from ..baseline import Baseline
from ..rule import MANDATORY, SECURITY, Rule
from ..support.naming import NameRule
from ..support.props import as_int, get, is_unknown

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"

# CloudWatch Logs PutRetentionPolicy accepted values (API reference, read 2026-11).
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
                      1096, 1827, 2192, 2557, 2922, 3288, 3653)


def validate_log_retention(args, report_violation) -> None:
    if args.resource_type != LOG_GROUP:
        return
    days = as_int(get(args.props, "retentionInDays"), 0)
    if is_unknown(days):
        return
    if days == 0:
        report_violation("retentionInDays is not set: logs are kept (and billed) forever.", None)
    elif days not in LOG_RETENTION_DAYS:
        report_violation(f"retentionInDays {days} is not a value CloudWatch accepts.", None)


# CreateLogGroup logGroupName: 512 characters (CloudWatch Logs API reference, read 2026-11).
PHYSICAL_NAMES = {LOG_GROUP: NameRule("name", 512)}


RULES = [
    Rule(name="log-group-retention", area=SECURITY, resource_types=(LOG_GROUP,),
         description="Log groups set a retention CloudWatch accepts.",
         validate=validate_log_retention, level=MANDATORY, severity=Severity.MEDIUM,
         remediation="Set retentionInDays (settings logRetentionDays).",
         anchors=("CKV_AWS_66",)),
]

# Public checks on Amazon CloudWatch Logs and what the pack does with each (baseline.py; docs/policies.md).
BASELINE = Baseline(
    service='Amazon CloudWatch Logs',
    resource_types=(
        'aws:cloudwatch/logGroup:LogGroup',
        'aws:cloudwatch/logResourcePolicy:LogResourcePolicy',
    ),
    covered={
        'CKV_AWS_66': ('log-group-retention',),
    },
)
