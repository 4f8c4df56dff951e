"""role-policies-before-use (rules/role_readiness.py): a resource handed an IAM role waits for every
policy resource of that role.  Violating, compliant and first-preview cases, and the plans the
program records (the program hands its roles over through components/shared/iam.py granted_arn)."""

from __future__ import annotations

import pytest

from conftest import FULL_FEATURE_SETS, shared_plan
from pulumi_policy import PolicyResource, StackValidationArgs

from test_policies_support import U_STR, _opts, check_stack, stack_args, urn, wire

from platform_policies.rules import role_readiness

ROLE, RP, ATT = "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
SERVICE, TASKDEF = "aws:ecs/service:Service", "aws:ecs/taskDefinition:TaskDefinition"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
LB_POLICY = "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers"
ROLE_ARN = "arn:aws:iam::314159265358:role/lb-infra"
v = role_readiness.validate_role_policies_before_use


def _role_and_attachment(known: bool = True) -> list[dict]:
    return [
        {"type": ROLE, "name": "lb-infra", "props": {"assumeRolePolicy": "{}"}},
        {"type": ATT, "name": "lb-infra-policy", "props": {"role": "lb-infra-1234" if known else U_STR,
                                                          "policyArn": LB_POLICY},
         "deps": {"role": [urn(ROLE, "lb-infra")]}},
    ]


def _service(deps: dict, known: bool = True) -> dict:
    arn = ROLE_ARN if known else U_STR
    return {"type": SERVICE, "name": "order-service",
            "props": {"loadBalancers": [{"advancedConfiguration": {"roleArn": arn}}]}, "deps": deps}


def test_a_service_handed_the_role_without_its_attachment_is_refused():
    found = check_stack(v, [*_role_and_attachment(), _service({"loadBalancers": [urn(ROLE, "lb-infra")]})])
    assert len(found) == 1
    message, where = found[0]
    assert where == urn(SERVICE, "order-service")
    assert "lb-infra-policy" in message and "loadBalancers" in message and "granted_arn" in message


def test_the_granted_arn_or_depends_on_satisfies_it():
    role, attach = urn(ROLE, "lb-infra"), urn(ATT, "lb-infra-policy")
    # granted_arn: the input itself was built from the role and its attachment.
    assert check_stack(v, [*_role_and_attachment(), _service({"loadBalancers": [role, attach]})]) == []
    # depends_on: a plain dependency, no input built from the attachment.
    args = stack_args([*_role_and_attachment(), _service({"loadBalancers": [role]})])
    service = next(r for r in args.resources if r.resource_type == SERVICE)
    service.dependencies.append(next(r for r in args.resources if r.resource_type == ATT))
    out: list = []
    v(args, lambda m, u=None: out.append(m))
    assert out == []


def test_waiting_through_another_resource_counts():
    # A service handed the task definition waits for what the task definition waited for.
    role, policy = urn(ROLE, "exec"), urn(RP, "exec-policy")
    resources = [
        {"type": ROLE, "name": "exec", "props": {}},
        {"type": RP, "name": "exec-policy", "props": {"role": "exec-1"}, "deps": {"role": [role]}},
        {"type": "aws:cloudwatch/logGroup:LogGroup", "name": "marker", "props": {},
         "deps": {"tags": [policy]}},
        {"type": TASKDEF, "name": "task", "props": {"executionRoleArn": ROLE_ARN},
         "deps": {"executionRoleArn": [role], "family": [urn("aws:cloudwatch/logGroup:LogGroup", "marker")]}},
    ]
    assert check_stack(v, resources) == []
    resources[3]["deps"] = {"executionRoleArn": [role]}
    assert [u for _, u in check_stack(v, resources)] == [urn(TASKDEF, "task")]


def test_every_policy_of_the_role_is_waited_for():
    role = urn(ROLE, "task")
    resources = [
        {"type": ROLE, "name": "task", "props": {}},
        {"type": RP, "name": "task-policy", "props": {"role": "task-1"}, "deps": {"role": [role]}},
        {"type": ATT, "name": "task-xray", "props": {"role": "task-1", "policyArn": LB_POLICY},
         "deps": {"role": [role]}},
        {"type": TASKDEF, "name": "task-def", "props": {"taskRoleArn": ROLE_ARN},
         "deps": {"taskRoleArn": [role, urn(RP, "task-policy")]}},
    ]
    ((message, _),) = check_stack(v, resources)
    assert "task-xray" in message and "task-policy" not in message


def test_first_preview_is_decided_from_the_graph():
    # Every ARN and name unknown: the property dependencies still say who was handed the role.
    role, attach = urn(ROLE, "lb-infra"), urn(ATT, "lb-infra-policy")
    racing = [*_role_and_attachment(known=False), _service({"loadBalancers": [role]}, known=False)]
    assert len(check_stack(v, racing)) == 1
    waiting = [*_role_and_attachment(known=False), _service({"loadBalancers": [role, attach]}, known=False)]
    assert check_stack(v, waiting) == []


def test_an_attachment_that_names_the_role_by_value_counts_as_its_policy():
    resources = [
        {"type": ROLE, "name": "flow", "props": {"name": "flow-logs"}},
        {"type": RP, "name": "flow-write", "props": {"role": "flow-logs"}},
        {"type": "aws:ec2/flowLog:FlowLog", "name": "flow-log", "props": {"iamRoleArn": ROLE_ARN},
         "deps": {"iamRoleArn": [urn(ROLE, "flow")]}},
    ]
    ((message, _),) = check_stack(v, resources)
    assert "flow-write" in message


def test_a_policy_document_naming_the_role_is_not_a_use():
    # A bucket or key policy with the role as principal needs the role, not its permissions.
    resources = [*_role_and_attachment(),
                 {"type": BUCKET_POLICY, "name": "artifacts-policy", "props": {"policy": U_STR},
                  "deps": {"policy": [urn(ROLE, "lb-infra")]}}]
    assert check_stack(v, resources) == []
    # The role's own grants and a role without any policy resource are not judged either.
    lone = [{"type": ROLE, "name": "plain", "props": {}},
            {"type": TASKDEF, "name": "t", "props": {"taskRoleArn": ROLE_ARN},
             "deps": {"taskRoleArn": [urn(ROLE, "plain")]}}]
    assert check_stack(v, lone) == []


def _plan_args(plan: dict) -> StackValidationArgs:
    """What AnalyzeStack hands the rule for a recorded plan: props, dependencies, property dependencies."""
    built = {r["urn"]: PolicyResource(r["type"], wire(r.get("inputs") or {}), r["urn"], r["name"],
                                      _opts(parent=r.get("parent") or None), None, None, [], {})
             for r in plan["resources"]}
    for r in plan["resources"]:
        res = built[r["urn"]]
        res.dependencies = [built[u] for u in r.get("dependencies") or [] if u in built]
        res.property_dependencies = {k: [built[u] for u in v if u in built]
                                     for k, v in (r.get("propertyDependencies") or {}).items()}
    return StackValidationArgs(list(built.values()), None)


FULL = FULL_FEATURE_SETS


@pytest.mark.parametrize("stack,overrides,preview", [
    ("prod", (), False), ("dev", (), False), ("prod", FULL, False), ("prod", FULL, True)],
    ids=["prod", "dev", "full-feature", "full-feature-first-preview"])
def test_the_program_hands_every_role_over_after_its_policies(stack, overrides, preview):
    args = _plan_args(shared_plan(stack, overrides, preview))
    out: list = []
    v(args, lambda m, u=None: out.append((u, m)))
    assert out == []
    # The plan does hand roles over, and to each kind of user this rule is about.
    users = {r.resource_type for r in args.resources if role_readiness.role_uses(r)}
    assert {SERVICE, TASKDEF}.issubset(users)
    if overrides:
        assert {"aws:codebuild/project:Project", "aws:codepipeline/pipeline:Pipeline"}.issubset(users)
