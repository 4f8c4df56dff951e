"""An ECS task's execution and task roles hold what the task definition wires to them
(rules/wiring_permissions.py, facts/task_roles.py).  Violating, compliant, wrong-role and first-preview cases
on small plans, then mistakes applied to the recorded prod plan and the committed plans themselves."""

from __future__ import annotations

import copy
import json

import pytest

from test_policies_support import U_STR, check_stack, urn

from conftest import plan_for, preview_plan_for
from pack_inproc import evaluate, find, mutated
from platform_policies.facts import task_roles
from platform_policies.rules import wiring_permissions as rules
from platform_policies.support.iam_catalogue import action_problem

WIRED, UNDECIDED = rules.validate_roles_grant_what_is_wired, rules.validate_role_grants_undecided
ACCOUNT, REGION = "123456789012", "us-east-1"
TASK, ROLE, POLICY = "aws:ecs/taskDefinition:TaskDefinition", "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
REPO, LOGS, SECRET = "aws:ecr/repository:Repository", "aws:cloudwatch/logGroup:LogGroup", \
    "aws:secretsmanager/secret:Secret"
FS, FS_POLICY = "aws:efs/fileSystem:FileSystem", "aws:efs/fileSystemPolicy:FileSystemPolicy"
CLUSTER, PROXY, TOPIC = "aws:msk/cluster:Cluster", "aws:rds/proxy:Proxy", "aws:sns/topic:Topic"

SECRET_ARN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:app-secret-AbCdEf"
REPO_ARN = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/shop/orders"
GROUP_ARN = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/ecs/shop/orders"
FS_ARN = f"arn:aws:elasticfilesystem:{REGION}:{ACCOUNT}:file-system/fs-0123"
CLUSTER_ARN = f"arn:aws:kafka:{REGION}:{ACCOUNT}:cluster/events-1a2b3c4/1a2b3c4d-5e6f"

TOKEN = {"Sid": "Token", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}
PULL = {"Sid": "Pull", "Effect": "Allow", "Action": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
                                                     "ecr:GetDownloadUrlForLayer"], "Resource": REPO_ARN}
WRITE_LOGS = {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
              "Resource": f"{GROUP_ARN}:*"}
READ_SECRET = {"Sid": "Secret", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
               "Resource": SECRET_ARN}
EXEC_STATEMENTS = (TOKEN, PULL, WRITE_LOGS, READ_SECRET)
MOUNT = {"Sid": "Mount", "Effect": "Allow", "Action": ["elasticfilesystem:ClientMount",
                                                       "elasticfilesystem:ClientWrite"], "Resource": FS_ARN}
CONNECT = {"Sid": "Connect", "Effect": "Allow", "Action": ["kafka-cluster:Connect", "kafka-cluster:DescribeCluster"],
           "Resource": CLUSTER_ARN}
TOPICS = {"Sid": "Topics", "Effect": "Allow", "Action": ["kafka-cluster:ReadData", "kafka-cluster:WriteData"],
          "Resource": CLUSTER_ARN.replace(":cluster/", ":topic/") + "/*"}


def res(type_, name, props, **deps) -> dict:
    return {"type": type_, "name": name, "props": props,
            "deps": {k: [urn(*v) for v in vs] for k, vs in deps.items()}}


def document(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def container(secrets=(("DB_PASSWORD", SECRET_ARN + ":password::"),), env=(), mounts=()) -> dict:
    return {"name": "app", "image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/shop/orders:latest",
            "environment": [{"name": k, "value": v} for k, v in env],
            "secrets": [{"name": k, "valueFrom": v} for k, v in secrets], "mountPoints": list(mounts),
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": "/ecs/shop/orders", "awslogs-region": REGION, "awslogs-stream-prefix": "app"}}}


def plan(exec_statements=EXEC_STATEMENTS, task_statements=None, containers=None, volumes=None, wired=(),
         extra=(), preview=False) -> list[dict]:
    """A repository, log group and secret, two roles with one policy each, and a task definition wired to
    them (and to ``wired``: (type, name) pairs built into the container definitions)."""
    defs = U_STR if preview else json.dumps(containers if containers is not None else [container()])
    built = [(REPO, "repo"), (LOGS, "logs"), (SECRET, "secret"), *wired]
    out = [res(REPO, "repo", {"name": "shop/orders"}), res(LOGS, "logs", {"name": "/ecs/shop/orders"}),
           res(SECRET, "secret", {}),
           res(ROLE, "exec", {"assumeRolePolicy": "{}"}), res(ROLE, "app", {"assumeRolePolicy": "{}"})]
    if exec_statements is not None:
        out.append(res(POLICY, "exec-policy", {"role": U_STR if preview else "exec-1",
                                               "policy": U_STR if preview else document(*exec_statements)},
                       role=[(ROLE, "exec")], policy=[(REPO, "repo"), (LOGS, "logs"), (SECRET, "secret")]))
    if task_statements is not None:
        out.append(res(POLICY, "app-policy", {"role": U_STR if preview else "app-1",
                                              "policy": U_STR if preview else document(*task_statements)},
                       role=[(ROLE, "app")], policy=list(wired)))
    props = {"family": "orders", "containerDefinitions": defs,
             "executionRoleArn": U_STR if preview else f"arn:aws:iam::{ACCOUNT}:role/exec-1",
             "taskRoleArn": U_STR if preview else f"arn:aws:iam::{ACCOUNT}:role/app-1"}
    deps = {"containerDefinitions": built, "executionRoleArn": [(ROLE, "exec")], "taskRoleArn": [(ROLE, "app")]}
    if volumes is not None:
        props["volumes"] = volumes
        deps["volumes"] = [(FS, "fs")]
    out.append(res(TASK, "task", props, **deps))
    return out + list(extra)


def messages(validator, resources) -> list[tuple[str, str]]:
    return [(m, u.split("::")[-1]) for m, u in check_stack(validator, copy.deepcopy(resources))]


def without(sid: str, statements=EXEC_STATEMENTS) -> tuple:
    return tuple(s for s in statements if s["Sid"] != sid)


# ---- the execution role ----------------------------------------------------------------------------------------

def test_an_execution_role_with_image_logs_and_secret_grants_passes():
    assert messages(WIRED, plan()) == [] and messages(UNDECIDED, plan()) == []


@pytest.mark.parametrize("sid,expected", [
    ("Token", "ecr:GetAuthorizationToken"), ("Pull", "ecr:BatchGetImage and ecr:GetDownloadUrlForLayer"),
    ("Logs", "logs:CreateLogStream and logs:PutLogEvents"), ("Secret", "secretsmanager:GetSecretValue")])
def test_each_missing_execution_grant_is_refused(sid, expected):
    (found,) = messages(WIRED, plan(exec_statements=without(sid)))
    assert found[1] == "exec" and expected in found[0] and "execution role exec" in found[0], found
    assert "fails to start" in found[0]


def test_the_message_names_only_the_missing_actions():
    put_only = {**WRITE_LOGS, "Action": "logs:PutLogEvents"}
    (found,) = messages(WIRED, plan(exec_statements=(*without("Logs"), put_only)))
    assert "logs:CreateLogStream on it" in found[0] and "PutLogEvents" not in found[0]


def test_a_grant_on_another_resource_does_not_count():
    other_secret = {**READ_SECRET, "Resource": SECRET_ARN.replace("app-secret", "other-secret")}
    (found,) = messages(WIRED, plan(exec_statements=(*without("Secret"), other_secret)))
    assert "secret app-secret-AbCdEf" in found[0]
    # GetAuthorizationToken has no resource-level permissions: a repository ARN grants nothing.
    scoped = {**TOKEN, "Resource": REPO_ARN}
    (found,) = messages(WIRED, plan(exec_statements=(*without("Token"), scoped)))
    assert "ecr:GetAuthorizationToken" in found[0]


def test_wildcards_and_case_follow_iam():
    loose = ({"Sid": "All", "Effect": "Allow", "Resource": "*",
              "Action": ["ECR:get*", "ecr:Batch*", "LOGS:Put*", "logs:createlogstream"]},
             {"Sid": "Secrets", "Effect": "Allow", "Action": "secretsmanager:GetSecret*",
              "Resource": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:app-*"})
    assert messages(WIRED, plan(exec_statements=loose)) == []
    denied = (*EXEC_STATEMENTS, {"Sid": "Deny", "Effect": "Deny", "Action": "secretsmanager:*", "Resource": "*"})
    assert [u for _, u in messages(WIRED, plan(exec_statements=denied))] == ["exec"]
    deny_elsewhere = res(POLICY, "exec-guard", {"role": "exec-1", "policy": document(denied[-1])},
                         role=[(ROLE, "exec")])
    assert [u for _, u in messages(WIRED, plan(extra=(deny_elsewhere,)))] == ["exec"]  # a deny wins everywhere


def test_the_managed_execution_policy_covers_images_and_logs_only():
    managed = res(ATTACHMENT, "exec-managed", {
        "role": "exec-1", "policyArn": "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"},
        role=[(ROLE, "exec")])
    assert messages(WIRED, plan(exec_statements=(READ_SECRET,), extra=(managed,))) == []
    (found,) = messages(WIRED, plan(exec_statements=(TOKEN,), extra=(managed,)))
    assert "secretsmanager:GetSecretValue" in found[0]


def test_a_policy_the_plan_does_not_model_is_advisory():
    other = res(ATTACHMENT, "exec-other", {"role": "exec-1",
                                           "policyArn": f"arn:aws:iam::{ACCOUNT}:policy/from-another-stack"},
                role=[(ROLE, "exec")])
    resources = plan(exec_statements=without("Secret"), extra=(other,))
    assert messages(WIRED, resources) == []
    (found,) = messages(UNDECIDED, resources)
    assert found[1] == "exec" and "secretsmanager:GetSecretValue" in found[0] and "from-another-stack" in found[0]


def test_a_task_without_an_execution_role_is_refused_one_outside_the_stack_is_advisory():
    resources = plan()
    task = resources[-1]
    del task["props"]["executionRoleArn"]
    del task["deps"]["executionRoleArn"]
    found = messages(WIRED, resources)
    assert found and all("has no execution role (executionRoleArn)" in m for m, _ in found)
    task["props"]["executionRoleArn"] = f"arn:aws:iam::{ACCOUNT}:role/shared-exec"
    assert messages(WIRED, resources) == [] and messages(UNDECIDED, resources)


# ---- the task role ---------------------------------------------------------------------------------------------

EFS_VOLUME = [{"name": "data", "efsVolumeConfiguration": {
    "fileSystemId": "fs-0123", "transitEncryption": "ENABLED",
    "authorizationConfig": {"accessPointId": "fsap-1", "iam": "ENABLED"}}}]
DENY_PLAIN = res(FS_POLICY, "fs-policy", {"fileSystemId": "fs-0123", "policy": document(
    {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*", "Resource": FS_ARN,
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}})}, fileSystemId=[(FS, "fs")])


def efs_plan(task_statements, read_only=False, fs_policy=DENY_PLAIN) -> list[dict]:
    mounts = [{"sourceVolume": "data", "containerPath": "/data", "readOnly": read_only}]
    return plan(task_statements=task_statements, containers=[container(mounts=mounts)], volumes=EFS_VOLUME,
                extra=(res(FS, "fs", {"encrypted": True}), *([fs_policy] if fs_policy else [])))


def test_an_efs_volume_with_iam_authorization_needs_mount_and_write_in_the_task_role():
    assert messages(WIRED, efs_plan((MOUNT,))) == []
    (found,) = messages(WIRED, efs_plan(({**MOUNT, "Action": "elasticfilesystem:ClientMount"},)))
    assert found[1] == "app" and "elasticfilesystem:ClientWrite" in found[0] and "task role app" in found[0]
    # read-only mounts need ClientMount only
    assert messages(WIRED, efs_plan(({**MOUNT, "Action": "elasticfilesystem:ClientMount"},), read_only=True)) == []


def test_a_file_system_without_a_policy_admits_every_client():
    """The default file system policy lets in every client that reaches a mount target."""
    assert messages(WIRED, efs_plan((), fs_policy=None)) == []
    assert [u for _, u in messages(WIRED, efs_plan(()))] == ["app", "app"]


def test_a_grant_in_the_wrong_role_names_the_right_one():
    resources = efs_plan((), fs_policy=DENY_PLAIN)
    resources = [r if r["name"] != "exec-policy" else {**r, "props": {**r["props"], "policy": document(
        *EXEC_STATEMENTS, MOUNT)}} for r in resources]
    found = messages(WIRED, resources)
    assert found and all(u == "app" and "granted to its execution role exec" in m and "Move the statement to app" in m
                         for m, u in found), found
    # and the other way round: the secret read in the task role does not reach the agent
    (found,) = messages(WIRED, plan(exec_statements=without("Secret"), task_statements=(READ_SECRET,)))
    assert found[1] == "exec" and "granted to its task role app" in found[0]


KAFKA = res(CLUSTER, "kafka", {"clientAuthentication": {"sasl": {"iam": True}, "unauthenticated": False}})
IAM_ENV = (("KAFKA_BOOTSTRAP_SERVERS", "b-1.events.c2.kafka.us-east-1.amazonaws.com:9098"),
           ("KAFKA_SASL_MECHANISM", "AWS_MSK_IAM"))


def test_msk_with_iam_auth_needs_connect_and_topic_access():
    ok = plan(task_statements=(CONNECT, TOPICS), containers=[container(env=IAM_ENV)], wired=[(CLUSTER, "kafka")],
              extra=(KAFKA,))
    assert messages(WIRED, ok) == []
    missing = plan(task_statements=(TOPICS,), containers=[container(env=IAM_ENV)], wired=[(CLUSTER, "kafka")],
                   extra=(KAFKA,))
    (found,) = messages(WIRED, missing)
    assert "kafka-cluster:Connect" in found[0] and "MSK cluster kafka" in found[0]
    scram = plan(task_statements=(), containers=[container(env=(("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512"),))],
                 wired=[(CLUSTER, "kafka")], extra=(KAFKA,))
    assert messages(WIRED, scram) == []  # this client does not sign in with IAM


def test_a_proxy_requiring_iam_needs_rds_db_connect_for_the_user():
    proxy = res(PROXY, "proxy", {"name": "orders-proxy", "auths": [{"authScheme": "SECRETS", "iamAuth": "REQUIRED"}]})
    env = (("DB_AUTH", "iam"), ("DB_USERNAME", "app_user"))
    connect = {"Effect": "Allow", "Action": "rds-db:connect",
               "Resource": f"arn:aws:rds-db:{REGION}:{ACCOUNT}:dbuser:prx-0a1b2c3d/app_user"}
    build = lambda st: plan(task_statements=st, containers=[container(env=env)], wired=[(PROXY, "proxy")],  # noqa: E731
                            extra=(proxy,))
    assert messages(WIRED, build((connect,))) == []
    (found,) = messages(WIRED, build(({**connect, "Resource": connect["Resource"].replace("app_user", "admin")},)))
    assert "rds-db:connect" in found[0] and "as app_user" in found[0]


def test_a_topic_the_task_is_built_from_needs_publish():
    topic = res(TOPIC, "orders-events", {"name": "orders-events"})
    publish = {"Effect": "Allow", "Action": "sns:Publish", "Resource": f"arn:aws:sns:{REGION}:{ACCOUNT}:orders-events"}
    build = lambda st: plan(task_statements=st, wired=[(TOPIC, "orders-events")], extra=(topic,))  # noqa: E731
    assert messages(WIRED, build((publish,))) == []
    (found,) = messages(WIRED, build(({**publish, "Resource": publish["Resource"] + "-dlq"},)))
    assert "sns:Publish" in found[0] and "SNS topic orders-events" in found[0]


# ---- a first preview: decided from the graph --------------------------------------------------------------------

def test_a_first_preview_counts_policies_built_from_the_wired_resources():
    assert messages(WIRED, plan(preview=True)) == [] and messages(UNDECIDED, plan(preview=True)) == []


def test_a_first_preview_policy_not_built_from_the_resource_is_advisory():
    resources = plan(preview=True)
    policy = next(r for r in resources if r["name"] == "exec-policy")
    policy["deps"]["policy"] = [urn(REPO, "repo"), urn(SECRET, "secret")]  # no longer built from the log group
    assert messages(WIRED, resources) == []
    (found,) = messages(UNDECIDED, resources)
    assert "log group /ecs/shop/orders" in found[0] and "logs:CreateLogStream" in found[0]
    assert "exec-policy unknown" in found[0]


def test_a_first_preview_role_without_any_policy_is_refused():
    resources = plan(exec_statements=None, preview=True)
    found = messages(WIRED, resources)
    assert {u for _, u in found} == {"exec"} and any("log group /ecs/shop/orders" in m for m, _ in found)
    kafka_preview = plan(task_statements=None, wired=[(CLUSTER, "kafka")], extra=(KAFKA,), preview=True)
    assert any("kafka-cluster:Connect" in m and u == "app" for m, u in messages(WIRED, kafka_preview))


# ---- the catalogue ---------------------------------------------------------------------------------------------

def test_every_needed_action_exists_in_the_catalogue():
    assert [a for a in task_roles.ALL_ACTIONS if action_problem(a)] == []
    for statement in task_roles.EXECUTION_MANAGED_STATEMENTS:
        assert [a for a in statement["Action"] if action_problem(a)] == []


# ---- the recorded plans ------------------------------------------------------------------------------------------

OWN = {"roles-grant-what-is-wired", "role-grants-undecided"}


def _ours(plan_: dict, stack: str = "prod") -> list[tuple[str, str, str]]:
    return [(v["policy"], v["level"], v["urn"].split("::")[-1]) for v in evaluate(plan_, stack)
            if v["policy"] in OWN]


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_the_committed_plans_pass(stack):
    assert _ours(plan_for(stack), stack) == []


def test_a_first_preview_of_prod_passes():
    assert _ours(preview_plan_for("prod")) == []


def _edit_policy(name: str, edit):
    def apply(plan_: dict) -> None:
        inputs = find(plan_, name=name)["inputs"]
        doc = json.loads(inputs["policy"])
        doc["Statement"] = edit(doc["Statement"])
        inputs["policy"] = json.dumps(doc)
    return apply


def _drop(name: str, action: str):
    return _edit_policy(name, lambda sts: [s for s in sts if action not in json.dumps(s.get("Action"))])


def _move_efs_grant_to_the_execution_role(plan_: dict) -> None:
    task_policy, exec_policy = find(plan_, name="compute-inventory-task-policy"), \
        find(plan_, name="compute-inventory-exec-policy")
    task_doc, exec_doc = json.loads(task_policy["inputs"]["policy"]), json.loads(exec_policy["inputs"]["policy"])
    efs = [s for s in task_doc["Statement"] if "elasticfilesystem" in json.dumps(s)]
    task_doc["Statement"] = [s for s in task_doc["Statement"] if s not in efs]
    exec_doc["Statement"] += efs
    task_policy["inputs"]["policy"], exec_policy["inputs"]["policy"] = json.dumps(task_doc), json.dumps(exec_doc)


@pytest.mark.parametrize("edit,where", [
    (_drop("compute-payment-exec-policy", "secretsmanager:GetSecretValue"), "compute-payment-exec-role"),
    (_drop("compute-order-exec-policy", "logs:PutLogEvents"), "compute-order-exec-role"),
    (_drop("compute-gateway-exec-policy", "ecr:BatchGetImage"), "compute-gateway-exec-role"),
    (_drop("compute-order-task-policy", "kafka-cluster:Connect"), "compute-order-task-role"),
    (_drop("compute-user-task-policy", "rds-db:connect"), "compute-user-task-role"),
    (_drop("compute-stream-processor-task-policy", "elasticfilesystem:ClientMount"),
     "compute-stream-processor-task-role"),
    (_move_efs_grant_to_the_execution_role, "compute-inventory-task-role"),
], ids=["mq-secret", "order-logs", "gateway-image", "order-kafka", "user-proxy", "stream-efs", "efs-wrong-role"])
def test_mistakes_in_the_prod_plan_are_refused(edit, where):
    found = {(p, u) for p, level, u in _ours(mutated(plan_for("prod"), edit)) if level == "mandatory"}
    assert ("roles-grant-what-is-wired", where) in found, found


def test_a_first_preview_of_prod_without_a_task_policy_is_refused():
    def drop_policy(plan_: dict) -> None:
        gone = find(plan_, name="compute-order-task-policy")["urn"]
        plan_["resources"] = [r for r in plan_["resources"] if r["urn"] != gone]
        for r in plan_["resources"]:
            r["propertyDependencies"] = {k: [u for u in v if u != gone]
                                         for k, v in (r.get("propertyDependencies") or {}).items()}
            r["dependencies"] = [u for u in r.get("dependencies", []) if u != gone]
    found = _ours(mutated(preview_plan_for("prod"), drop_policy))
    assert ("roles-grant-what-is-wired", "mandatory", "compute-order-task-role") in found, found
