"""Chaos engineering: AWS FIS experiment templates and the role they run with.

Templates (none runs by itself; start one with `aws fis start-experiment`):
- `<service>` stop-tasks: stop a share of one service's tasks (ECS replaces them);
- az-tasks: stop every platform task in one Availability Zone;
- `<owner>` db-failover: reboot a database with failover to its Multi-AZ standby
  (a plain reboot where the stack has no standby, e.g. dev).

Every template stops as soon as one of the stop-condition alarms (the ALB 5xx-rate
and response-time alarms from observability) goes to ALARM.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Mapping, Optional

import pulumi
import pulumi_aws as aws

from ..shared import naming
from ..shared.iam import granted_arn
from ..shared.tags import tier_tags

TIER = "chaos"

# FIS runs at most 10 actions in parallel per experiment (FIS user guide, "Quotas and
# limitations", read 2026-11); larger AZ experiments run the rest in follow-up waves.
FIS_PARALLEL_ACTIONS = 10
# The experiment template description is at most 512 characters (FIS API CreateExperimentTemplate).
FIS_DESCRIPTION_MAX = 512


@dataclass
class ChaosArgs:
    """Inputs of the chaos tier."""

    stack: str
    """Stack name, in descriptions and Name tags."""
    region: str
    """Region of the tasks the role may stop."""
    base_tags: Mapping[str, str]
    """Tags of every resource; the tier adds ``service`` and ``tier``."""
    cluster_arn: pulumi.Input[str]
    """ECS cluster ARN."""
    service_arns: dict[str, pulumi.Input[str]]
    """Service -> ECS service ARN, one stop-tasks template each (created after the services)."""
    desired_counts: Mapping[str, int]
    """Service -> its task count at deploy time (a stop-tasks selection never resolves to zero tasks)."""
    db_instance_arns: dict[str, pulumi.Input[str]]
    """Owning service -> RDS DB instance ARN."""
    stop_alarm_arns: list[pulumi.Input[str]]
    """CloudWatch alarm ARNs that stop any experiment (at least one; AWS allows 5 per template)."""
    db_multi_az: bool = True
    """The databases have a Multi-AZ standby, so the reboot forces a failover."""
    task_stop_percent: int = 30
    """Share of a service's tasks the stop-tasks experiment stops (at least one task)."""
    availability_zone: Optional[str] = None
    """AZ whose tasks the az-tasks experiment stops; None = the region's first AZ."""


def task_selection(desired_count: int, percent: int) -> str:
    """FIS selection mode stopping ``percent`` of the tasks, but never zero tasks."""
    if desired_count * percent / 100 < 1:
        return "COUNT(1)"
    return f"PERCENT({percent})"


class Chaos(pulumi.ComponentResource):
    """FIS experiment templates and their IAM role."""

    role_arn: pulumi.Output[str]
    experiment_template_ids: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: ChaosArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("platform:chaos:Chaos", name, None, opts)
        if not args.stop_alarm_arns:
            raise ValueError("chaos: at least one stop-condition alarm is required (experiments must be stoppable)")
        if not 1 <= args.task_stop_percent <= 100:
            raise ValueError(f"chaos: task_stop_percent must be 1-100; got {args.task_stop_percent}")
        self._name, self._args, self._stack = name, args, args.stack
        self._cluster_name = pulumi.Output.from_input(args.cluster_arn).apply(lambda a: a.split("/")[-1])
        self._stop_conditions = [aws.fis.ExperimentTemplateStopConditionArgs(source="aws:cloudwatch:alarm", value=a)
                                 for a in args.stop_alarm_arns]

        role = self._role()
        self.role_arn = self._role_arn
        self.experiment_template_ids = {}
        for svc in args.service_arns:
            self.experiment_template_ids[f"{svc}-stop-tasks"] = self._stop_tasks(svc, role).id
        self.experiment_template_ids["az-tasks"] = self._az_tasks(role).id
        for owner, arn in args.db_instance_arns.items():
            self.experiment_template_ids[f"{owner}-db-failover"] = self._db_failover(owner, arn, role).id

        self.register_outputs({"role_arn": self.role_arn, "experiment_template_ids": self.experiment_template_ids})

    def _role(self) -> aws.iam.Role:
        account = aws.get_caller_identity_output().account_id
        partition = aws.get_partition_output().partition
        trust = account.apply(lambda acct: json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "fis.amazonaws.com"},
                           "Action": "sts:AssumeRole",
                           # Only FIS experiments of this account may use the role (confused deputy).
                           "Condition": {"StringEquals": {"aws:SourceAccount": acct}}}]}))
        role = aws.iam.Role(
            f"{self._name}-fis-role",
            description=f"FIS experiments of the {self._stack} platform (stop tasks, reboot databases)",
            assume_role_policy=trust,
            tags=tier_tags(self._args.base_tags, TIER),
            opts=pulumi.ResourceOptions(parent=self))
        region = self._args.region
        db_arns = list(self._args.db_instance_arns.values())
        policy = pulumi.Output.all(
            account, partition, self._args.cluster_arn, self._cluster_name,
            pulumi.Output.all(*db_arns), pulumi.Output.all(*self._args.stop_alarm_arns),
        ).apply(lambda v: json.dumps(self._policy(region, *v)))
        grant = aws.iam.RolePolicy(f"{self._name}-fis-policy", role=role.id, policy=policy,
                                   opts=pulumi.ResourceOptions(parent=self))
        # FIS checks the role when a template is created; the templates get the ARN once it holds its policy.
        self._role_arn = granted_arn(role, grant)
        return role

    @staticmethod
    def _policy(region: str, account: str, partition: str, cluster_arn: str, cluster_name: str,
                db_arns: list[str], alarm_arns: list[str]) -> dict:
        """Least privilege: the cluster's tasks, the platform's databases, the stop alarms."""
        statements = [
            {"Sid": "StopPlatformTasks", "Effect": "Allow",
             "Action": ["ecs:StopTask", "ecs:DescribeTasks"],
             "Resource": f"arn:{partition}:ecs:{region}:{account}:task/{cluster_name}/*"},
            {"Sid": "ListPlatformTasks", "Effect": "Allow", "Action": "ecs:ListTasks",
             # ListTasks has no task resource; the condition keeps it to this cluster.
             "Resource": "*", "Condition": {"ArnEquals": {"ecs:cluster": cluster_arn}}},
            {"Sid": "ResolveTargets", "Effect": "Allow", "Action": "tag:GetResources", "Resource": "*"},
            {"Sid": "ReadStopAlarms", "Effect": "Allow", "Action": "cloudwatch:DescribeAlarms",
             "Resource": alarm_arns},
        ]
        if db_arns:
            statements.append({"Sid": "RebootPlatformDatabases", "Effect": "Allow",
                               "Action": ["rds:RebootDBInstance", "rds:DescribeDBInstances"], "Resource": db_arns})
        return {"Version": "2012-10-17", "Statement": statements}

    def _template(self, suffix: str, description: str, role: aws.iam.Role, *, service: str = "platform",
                  actions: list, targets: list, skip_empty: bool = False) -> aws.fis.ExperimentTemplate:
        return aws.fis.ExperimentTemplate(
            f"{self._name}-{suffix}",
            description=description[:FIS_DESCRIPTION_MAX],
            role_arn=self._role_arn,
            stop_conditions=self._stop_conditions,
            actions=actions,
            targets=targets,
            experiment_options=aws.fis.ExperimentTemplateExperimentOptionsArgs(
                account_targeting="single-account",
                empty_target_resolution_mode="skip" if skip_empty else "fail"),
            tags={**tier_tags(self._args.base_tags, TIER, service), "Name": f"{self._stack}-{suffix}"},
            opts=pulumi.ResourceOptions(parent=self))

    def _service_target(self, target: str, svc: str, selection: str,
                        filters: Optional[list] = None) -> aws.fis.ExperimentTemplateTargetArgs:
        # aws:ecs:task targets are identified by the cluster + service parameters.
        service_name = pulumi.Output.from_input(self._args.service_arns[svc]).apply(
            lambda arn: arn.split("/")[-1] or naming.ecs_service_name(svc))
        return aws.fis.ExperimentTemplateTargetArgs(
            name=target, resource_type="aws:ecs:task", selection_mode=selection,
            parameters={"cluster": self._cluster_name, "service": service_name}, filters=filters)

    def _stop_tasks(self, svc: str, role: aws.iam.Role) -> aws.fis.ExperimentTemplate:
        pct = self._args.task_stop_percent
        selection = task_selection(self._args.desired_counts[svc], pct)
        return self._template(
            f"{svc}-stop-tasks",
            f"{self._stack}: stop {pct} % (at least one) of the {svc} service's tasks; ECS must replace "
            f"them without customer-facing errors.",
            role, service=svc,
            targets=[self._service_target("tasks", svc, selection)],
            actions=[aws.fis.ExperimentTemplateActionArgs(
                name="stop-tasks", action_id="aws:ecs:stop-task",
                target=aws.fis.ExperimentTemplateActionTargetArgs(key="Tasks", value="tasks"))])

    def _az_tasks(self, role: aws.iam.Role) -> aws.fis.ExperimentTemplate:
        az = self._args.availability_zone or aws.get_availability_zones_output(state="available").names[0]
        services = list(self._args.service_arns)
        targets, actions = [], []
        for i, svc in enumerate(services):
            target = naming.fit(f"{svc}-tasks", 64)
            targets.append(self._service_target(
                target, svc, "ALL",
                [aws.fis.ExperimentTemplateTargetFilterArgs(path="AvailabilityZone", values=[az])]))
            wave = i // FIS_PARALLEL_ACTIONS
            after = [f"stop-{s}" for s in services[(wave - 1) * FIS_PARALLEL_ACTIONS: wave * FIS_PARALLEL_ACTIONS]]
            actions.append(aws.fis.ExperimentTemplateActionArgs(
                name=f"stop-{svc}", action_id="aws:ecs:stop-task", start_afters=after or None,
                target=aws.fis.ExperimentTemplateActionTargetArgs(key="Tasks", value=target)))
        return self._template(
            "az-tasks",
            f"{self._stack}: stop every platform task in one Availability Zone; the services must keep "
            f"serving from the other AZs while ECS replaces them.",
            # A service with no task in that AZ is skipped rather than failing the experiment.
            role, targets=targets, actions=actions, skip_empty=True)

    def _db_failover(self, owner: str, arn: pulumi.Input[str], role: aws.iam.Role) -> aws.fis.ExperimentTemplate:
        # RDS refuses ForceFailover on a Single-AZ instance, so without a standby this is a plain reboot.
        failover = self._args.db_multi_az
        what = "reboot with failover to the Multi-AZ standby" if failover else "reboot (Single-AZ: no standby)"
        return self._template(
            f"{owner}-db-failover",
            f"{self._stack}: {what} of the {owner} database; the service must reconnect.",
            role, service=owner,
            targets=[aws.fis.ExperimentTemplateTargetArgs(
                name="database", resource_type="aws:rds:db", selection_mode="ALL", resource_arns=[arn])],
            actions=[aws.fis.ExperimentTemplateActionArgs(
                name="reboot-database", action_id="aws:rds:reboot-db-instances",
                parameters=[aws.fis.ExperimentTemplateActionParameterArgs(
                    key="forceFailover", value="true" if failover else "false")],
                target=aws.fis.ExperimentTemplateActionTargetArgs(key="DBInstances", value="database"))])


__all__ = ["Chaos", "ChaosArgs", "task_selection", "FIS_PARALLEL_ACTIONS"]
