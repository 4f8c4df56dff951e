"""AWS FIS: experiment templates (the chaos tier)."""

from __future__ import annotations

import re
from typing import Any

from pulumi_policy import Severity

from ..baseline import baseline
from ..rule import ACCEPTANCE, MANDATORY, SECURITY, rule
from ..support.graph import of_type, producer
from ..support.near_miss import near_miss
from ..support.options import options, string_list
from ..support.props import as_list, as_str, get, is_unknown, parse_json
from ..support.report import report_problems

TEMPLATE = "aws:fis/experimentTemplate:ExperimentTemplate"
ROLE = "aws:iam/role:Role"


@rule(name="fis-stop-conditions", area=SECURITY, resource_types=(TEMPLATE,),
      description="FIS experiment templates stop on a CloudWatch alarm.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Add stopConditions with source aws:cloudwatch:alarm (components/chaos).")
def validate_stop_conditions(args, report_violation) -> None:
    """An experiment stops on an alarm: stop conditions are the only brake on an experiment that hurts more
    than planned (FIS user guide, "Stop conditions", read 2026-11)."""
    if args.resource_type != TEMPLATE:
        return
    conditions = as_list(get(args.props, "stopConditions"))
    if is_unknown(conditions):
        return
    alarms = [c for c in conditions if as_str(get(c, "source")) == "aws:cloudwatch:alarm"]
    if not alarms:
        report_violation("No CloudWatch alarm stop condition: nothing stops the experiment when the service "
                         "degrades. Stop on the ALB 5xx and latency alarms.", None)


# FIS API reference CreateExperimentTemplate (read 2026-11): StopCondition Source "none" or
# "aws:cloudwatch:alarm" (Value = alarm ARN); target SelectionMode ALL, COUNT(n) or PERCENT(n); a target has
# resourceArns or resourceTags/filters, not ARNs and tags together; an action's targets name defined targets
# and startAfter names defined actions; actionId "aws:<service>:<action>"; the role is assumed by
# fis.amazonaws.com.
_SELECTION = re.compile(r"ALL|COUNT\(\d+\)|PERCENT\((100|[1-9]?\d)\)")
_ACTION_ID = re.compile(r"aws:[a-z0-9-]+:[a-z0-9-]+")
_DURATION = re.compile(r"PT(\d+H)?(\d+M)?(\d+S)?")


# Action ids of the FIS actions reference (FIS user guide, "AWS FIS Actions reference",
# docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html, read 2026-11): the ones this platform
# uses and their neighbours.  An id FIS does not offer fails CreateExperimentTemplate, but FIS adds actions
# often, so a well-formed id not listed passes; only a near-miss of a listed one (support/near_miss.py) is taken
# for a typo.  Add a real one that is refused to the knownActionIds option.
FIS_ACTION_IDS = [
    "aws:fis:inject-api-internal-error", "aws:fis:inject-api-throttle-error", "aws:fis:inject-api-unavailable-error",
    "aws:fis:wait", "aws:cloudwatch:assert-alarm-state", "aws:arc:start-zonal-autoshift",
    "aws:dynamodb:global-table-pause-replication", "aws:ebs:pause-volume-io",
    "aws:ec2:api-insufficient-instance-capacity-error", "aws:ec2:asg-insufficient-instance-capacity-error",
    "aws:ec2:reboot-instances", "aws:ec2:stop-instances", "aws:ec2:terminate-instances",
    "aws:ec2:send-spot-instance-interruptions",
    "aws:ecs:drain-container-instances", "aws:ecs:stop-task", "aws:ecs:task-cpu-stress", "aws:ecs:task-io-stress",
    "aws:ecs:task-kill-process", "aws:ecs:task-network-blackhole-port", "aws:ecs:task-network-latency",
    "aws:ecs:task-network-packet-loss",
    "aws:elasticache:replicationgroup-interrupt-az-power",
    "aws:lambda:invocation-add-delay", "aws:lambda:invocation-error",
    "aws:network:disrupt-connectivity",
    "aws:rds:failover-db-cluster", "aws:rds:reboot-db-instances",
    "aws:s3:bucket-pause-replication",
    "aws:ssm:send-command", "aws:ssm:start-automation-execution",
]
TEMPLATE_CONFIG = {"knownActionIds": string_list(
    "FIS action ids experiment templates use often; a well-formed id not listed passes, one a couple of letters "
    "away from a listed one is taken for a typo of it.", FIS_ACTION_IDS)}


def action_id_guess(aid: str, known) -> Any:
    """The listed id ``aid`` is probably a typo of, or None: its action compared with the listed actions of its
    service, or (a service FIS does not have in the list) its service with the listed services."""
    _, service, action = aid.split(":", 2)
    by_service: dict[str, list[str]] = {}
    for k in known:
        parts = k.split(":", 2)
        if len(parts) == 3:
            by_service.setdefault(parts[1], []).append(parts[2])
    if service in by_service:
        guess = near_miss(action, by_service[service])
        return guess and f"aws:{service}:{guess}"
    guess = near_miss(service, list(by_service))
    return guess and f"aws:{guess}:{action}"


def _template_problems(t, known_actions: frozenset = frozenset(FIS_ACTION_IDS)) -> list[str]:
    p, out = t.props, []
    targets = as_list(get(p, "targets"))
    names = set() if is_unknown(targets) else {as_str(get(x, "name")) for x in targets}
    for x in ([] if is_unknown(targets) else targets):
        mode = as_str(get(x, "selectionMode"))
        if mode and not is_unknown(mode) and not _SELECTION.fullmatch(mode):
            out.append(f"target {get(x, 'name')}: selectionMode {mode!r} is not ALL, COUNT(n) or PERCENT(n)")
        arns, tags = as_list(get(x, "resourceArns")), as_list(get(x, "resourceTags"))
        if arns and tags and not is_unknown(arns) and not is_unknown(tags):
            out.append(f"target {get(x, 'name')}: resourceArns and resourceTags are mutually exclusive")
    actions = as_list(get(p, "actions"))
    action_names = set() if is_unknown(actions) else {as_str(get(a, "name")) for a in actions}
    for a in ([] if is_unknown(actions) else actions):
        aid = as_str(get(a, "actionId"))
        if aid and not is_unknown(aid) and not _ACTION_ID.fullmatch(aid):
            out.append(f"action {get(a, 'name')}: actionId {aid!r} is not aws:<service>:<action>")
        elif aid and not is_unknown(aid) and aid not in known_actions and action_id_guess(aid, known_actions):
            out.append(f"action {get(a, 'name')}: actionId {aid!r} is not an FIS action (FIS actions reference); "
                       f"did you mean {action_id_guess(aid, known_actions)!r}? (if the id is right, add it to "
                       f"knownActionIds)")
        target = as_str(get(a, "target.value"))
        if target and not is_unknown(target) and not is_unknown(targets) and target not in names:
            out.append(f"action {get(a, 'name')}: target {target!r} is not a target of the template")
        after = as_list(get(a, "startAfters"))
        for name in ([] if is_unknown(after) else after):
            if isinstance(name, str) and name not in action_names:
                out.append(f"action {get(a, 'name')}: startAfter {name!r} is not an action of the template")
        params = as_list(get(a, "parameters"))
        for prm in ([] if is_unknown(params) else params):
            if as_str(get(prm, "key")) == "duration":
                value = as_str(get(prm, "value"))
                if value and not is_unknown(value) and (not _DURATION.fullmatch(value) or value == "PT"):
                    out.append(f"action {get(a, 'name')}: duration {value!r} is not an ISO 8601 duration (PT5M)")
    conditions = as_list(get(p, "stopConditions"))
    for c in ([] if is_unknown(conditions) else conditions):
        source, value = as_str(get(c, "source")), get(c, "value")
        if source and not is_unknown(source) and source not in ("none", "aws:cloudwatch:alarm"):
            out.append(f"stop condition source {source!r} is not none or aws:cloudwatch:alarm")
        if source == "aws:cloudwatch:alarm" and not is_unknown(value) and not (
                isinstance(value, str) and value.startswith("arn:") and ":alarm:" in value):
            out.append(f"stop condition value {value!r} is not a CloudWatch alarm ARN")
    role = as_str(get(p, "roleArn"))
    if not is_unknown(role) and not (role and re.fullmatch(r"arn:aws[a-z-]*:iam::\d{12}:role/\S+", role)):
        out.append(f"roleArn {role!r} is not an IAM role ARN")
    return out


@rule(name="fis-experiment-values", area=ACCEPTANCE, resource_types=(TEMPLATE, ROLE), stack=True,
      description="FIS targets, actions (no near-miss of a known action id), durations, stop conditions and the role (trusting "
                  "fis.amazonaws.com) are values CreateExperimentTemplate accepts.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Fix the value named in the message (FIS CreateExperimentTemplate API reference).",
      config=TEMPLATE_CONFIG)
def validate_experiment_templates(args, report_violation) -> None:
    resources = list(args.resources)
    known = frozenset(options(args, TEMPLATE_CONFIG)["knownActionIds"])
    for t in of_type(resources, TEMPLATE):
        report_problems(report_violation, _template_problems(t, known), t.urn)
        role = producer(t, "roleArn", ROLE)
        if role is None:
            continue
        trust = parse_json(get(role.props, "assumeRolePolicy"))
        if is_unknown(trust) or not isinstance(trust, dict):
            continue
        if "fis.amazonaws.com" not in str(trust):
            report_violation(f"Role {role.name} does not trust fis.amazonaws.com: FIS cannot assume it.", t.urn)


# cdk-nag AwsSolutions, Checkov and compliance-policies have no check on FIS experiment templates.
baseline(
    __name__,
    service='AWS FIS',
    resource_types=('aws:fis/experimentTemplate:ExperimentTemplate',),
)
