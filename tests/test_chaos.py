"""Chaos: FIS templates (stop tasks, one AZ, RDS failover), stop conditions and a least-privilege role."""

from __future__ import annotations

import json

import pytest

from _helpers import base_tags
from conftest import run_mocked
from components.chaos.chaos import FIS_PARALLEL_ACTIONS, Chaos, ChaosArgs, task_selection

TEMPLATE = "aws:fis/experimentTemplate:ExperimentTemplate"
from preflight.mocks import ACCOUNT
STOP_ALARMS = [f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:x-alb-5xx-rate",
               f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:x-alb-response-time"]


SERVICES = ("gateway", "user", "order", "inventory", "payment", "notification", "stream-processor")
DB_OWNERS = ("user", "order", "inventory")


def build(stack: str, *, stop_alarms=STOP_ALARMS):
    """The seed's services and databases; prod runs 3 tasks each and Multi-AZ databases, dev 1 and none."""
    cluster = f"microservices-{stack}"
    args = ChaosArgs(
        stack=stack, region="us-east-1", base_tags=base_tags(stack),
        cluster_arn=f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/{cluster}",
        service_arns={n: f"arn:aws:ecs:us-east-1:{ACCOUNT}:service/{cluster}/{n}" for n in SERVICES},
        desired_counts={n: 3 if stack == "prod" else 1 for n in SERVICES},
        db_instance_arns={o: f"arn:aws:rds:us-east-1:{ACCOUNT}:db:{stack}-{o}" for o in DB_OWNERS},
        db_multi_az=stack == "prod", stop_alarm_arns=stop_alarms)

    def program():
        chaos = Chaos("chaos", args)
        return {"templates": chaos.experiment_template_ids, "role": chaos.role_arn}

    return args, run_mocked(program, stack=stack)


@pytest.fixture(scope="module", params=["prod", "dev"])
def stack(request):
    s, graph = build(request.param)
    return request.param, s, graph


def templates(graph) -> dict[str, dict]:
    return {r["name"]: r["inputs"] for r in graph.of_type(TEMPLATE)}


def test_every_template_stops_on_the_alarms_and_uses_the_fis_role(stack):
    name, s, graph = stack
    role_arn = graph.outputs["role"]
    found = templates(graph)
    assert len(found) == len(s.service_arns) + 1 + len(s.db_instance_arns)
    for t in found.values():
        assert t["stopConditions"] == [{"source": "aws:cloudwatch:alarm", "value": a} for a in STOP_ALARMS]
        assert t["roleArn"] == role_arn
        assert t["tags"]["tier"] == "chaos" and t["tags"]["stack"] == name and t["tags"]["cost-center"]
        assert 0 < len(t["description"]) <= 512


def test_stop_tasks_targets_one_service_by_cluster_and_service(stack):
    name, s, graph = stack
    for svc in s.service_arns:
        t = templates(graph)[f"chaos-{svc}-stop-tasks"]
        (target,) = t["targets"]
        assert target["resourceType"] == "aws:ecs:task"
        assert target["parameters"] == {"cluster": f"microservices-{name}", "service": svc}
        assert target["selectionMode"] == task_selection(s.desired_counts[svc], 30)
        (action,) = t["actions"]
        assert action["actionId"] == "aws:ecs:stop-task" and action["target"] == {"key": "Tasks", "value": "tasks"}


def test_selection_never_resolves_to_zero_tasks():
    assert task_selection(1, 30) == "COUNT(1)"
    assert task_selection(3, 30) == "COUNT(1)"
    assert task_selection(10, 30) == "PERCENT(30)"


def test_az_experiment_stops_all_tasks_of_every_service_in_one_az(stack):
    _, s, graph = stack
    t = templates(graph)["chaos-az-tasks"]
    assert {tg["parameters"]["service"] for tg in t["targets"]} == set(s.service_arns)
    for tg in t["targets"]:
        assert tg["selectionMode"] == "ALL"
        assert tg["filters"] == [{"path": "AvailabilityZone", "values": ["us-east-1a"]}]
    assert {a["target"]["value"] for a in t["actions"]} == {tg["name"] for tg in t["targets"]}
    assert all(a["actionId"] == "aws:ecs:stop-task" for a in t["actions"])
    assert t["experimentOptions"]["emptyTargetResolutionMode"] == "skip"
    assert len([a for a in t["actions"] if not a.get("startAfters")]) <= FIS_PARALLEL_ACTIONS


def test_db_failover_forces_failover_only_with_a_standby(stack):
    name, s, graph = stack
    for owner in s.db_instance_arns:
        t = templates(graph)[f"chaos-{owner}-db-failover"]
        (target,) = t["targets"]
        assert target["resourceType"] == "aws:rds:db"
        assert target["resourceArns"] == [f"arn:aws:rds:us-east-1:{ACCOUNT}:db:{name}-{owner}"]
        (action,) = t["actions"]
        assert action["actionId"] == "aws:rds:reboot-db-instances"
        assert action["target"]["key"] == "DBInstances"
        expected = "true" if s.db_multi_az else "false"
        assert action["parameters"] == [{"key": "forceFailover", "value": expected}]
    assert (name == "prod") == s.db_multi_az


def test_role_is_trusted_by_fis_only_and_least_privilege(stack):
    name, _, graph = stack
    role = graph.one("aws:iam/role:Role")["inputs"]
    trust = json.loads(role["assumeRolePolicy"])["Statement"]
    assert [st["Principal"] for st in trust] == [{"Service": "fis.amazonaws.com"}]
    assert trust[0]["Condition"]["StringEquals"]["aws:SourceAccount"] == ACCOUNT
    assert len(graph.one("aws:iam/role:Role")["name"]) + 8 <= 64
    statements = json.loads(graph.one("aws:iam/rolePolicy:RolePolicy")["inputs"]["policy"])["Statement"]
    actions = {a for st in statements for a in ([st["Action"]] if isinstance(st["Action"], str) else st["Action"])}
    assert actions == {"ecs:StopTask", "ecs:DescribeTasks", "ecs:ListTasks", "tag:GetResources",
                       "cloudwatch:DescribeAlarms", "rds:RebootDBInstance", "rds:DescribeDBInstances"}
    stop = next(st for st in statements if "ecs:StopTask" in st["Action"])
    assert stop["Resource"] == f"arn:aws:ecs:us-east-1:{ACCOUNT}:task/microservices-{name}/*"
    reboot = next(st for st in statements if "rds:RebootDBInstance" in st["Action"])
    assert all(r.startswith(f"arn:aws:rds:us-east-1:{ACCOUNT}:db:{name}-") for r in reboot["Resource"])
    star = [st for st in statements if st["Resource"] == "*"]
    assert {a for st in star for a in ([st["Action"]] if isinstance(st["Action"], str) else st["Action"])} == {
        "ecs:ListTasks", "tag:GetResources"}


def test_the_ecs_cluster_condition_compares_the_cluster_arn(stack):
    """`ecs:cluster` "Filters access by the ARN of an Amazon ECS cluster", type ARN (Service Authorization
    Reference, Amazon ECS, read 2026-12): a condition on it holds the cluster ARN under an Arn operator.
    The bare name there would match nothing, and FIS could not list the tasks it is to stop; the name
    belongs in the task Resource (task/<cluster name>/*) and in the FIS target parameters."""
    name, s, graph = stack
    statements = json.loads(graph.one("aws:iam/rolePolicy:RolePolicy")["inputs"]["policy"])["Statement"]
    conditions = [(st, op, values) for st in statements for op, values in (st.get("Condition") or {}).items()
                  if "ecs:cluster" in values]
    assert conditions, "the ListTasks statement keeps its ecs:cluster condition"
    for st, op, values in conditions:
        assert op in ("ArnEquals", "ArnLike"), op
        assert values["ecs:cluster"] == s.cluster_arn == f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/microservices-{name}"
    (listing,) = [st for st, _, _ in conditions]
    assert listing["Action"] == "ecs:ListTasks" and listing["Resource"] == "*"


def test_experiments_without_a_stop_condition_are_refused():
    with pytest.raises(Exception, match="stop-condition"):
        build("dev", stop_alarms=[])
