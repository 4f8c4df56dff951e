"""ECS rules (rules/ecs.py): a compliant and a violating case per rule, plus unknown values."""

from __future__ import annotations

import json

from test_policies_support import U_LIST, U_STR, check, check_stack, urn

from platform_policies.rules import ecs

TASK, SVC, CLUSTER = ecs.TASK_DEFINITION, ecs.ECS_SERVICE, ecs.ECS_CLUSTER
LOGS = {"logDriver": "awslogs",
        "options": {"awslogs-group": "/ecs/x", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "app"}}


def app(**extra) -> dict:
    return {"name": "app", "image": "repo/app:1", "essential": True, "logConfiguration": LOGS,
            "portMappings": [{"name": "http", "containerPort": 8080}], "readonlyRootFilesystem": True, **extra}


def task(*containers: dict, **props) -> dict:
    return {"family": "svc", "cpu": "256", "memory": "512", "networkMode": "awsvpc",
            "requiresCompatibilities": ["FARGATE"], "taskRoleArn": "arn:task", "executionRoleArn": "arn:exec",
            "containerDefinitions": json.dumps(list(containers) or [app()]), **props}


def test_container_insights():
    v = ecs.validate_container_insights
    assert check(v, CLUSTER, {"settings": [{"name": "containerInsights", "value": "enhanced"}]}) == []
    assert check(v, CLUSTER, {"settings": [{"name": "containerInsights", "value": "disabled"}]})
    assert check(v, CLUSTER, {})  # ECS default: off
    assert check(v, CLUSTER, {"settings": U_LIST}) == []


def test_container_logging():
    v = ecs.validate_container_logging
    assert check(v, TASK, task()) == []
    assert check(v, TASK, task(app(logConfiguration=None)))
    assert check(v, TASK, {"containerDefinitions": U_STR}) == []


def test_task_hardening():
    v = ecs.validate_task_hardening
    assert check(v, TASK, task()) == []
    assert check(v, TASK, task(app(privileged=True)))
    assert check(v, TASK, task(app(user="root")))
    assert check(v, TASK, task(pidMode="host"))
    assert check(v, TASK, task(taskRoleArn="arn:same", executionRoleArn="arn:same"))
    assert check(v, TASK, task(app(environment=[{"name": "STRIPE_API_KEY", "value": "sk_live"}])))
    assert check(v, TASK, task(app(environment=[{"name": "SERVICE_NAME", "value": "order"}]))) == []
    assert check(v, TASK, task(taskRoleArn=U_STR, executionRoleArn=U_STR)) == []


def test_task_hardening_judges_values_shaped_like_credentials():
    v = ecs.validate_task_hardening

    def env(value: str) -> list[str]:
        return check(v, TASK, task(app(environment=[{"name": "UPSTREAM", "value": value}])))
    for secret in ("postgres://dbadmin:S3cr3tPass@db:5432/orders", "https://bot:tok3n@git.example.org/repo.git",
                   "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                   "-----BEGIN RSA PRIVATE KEY-----MIIE", "ghp_" + "a1B2" * 9, "xoxb-1234567890-abcdefghij",
                   "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.sig"):
        assert env(secret), secret
    for plain in ("http://127.0.0.1:4317", "postgres://db:5432/orders", "orders-db.internal:5432", "gateway",
                  "0123456789abcdef0123456789abcdef01234567",  # a SHA-1 (image digest, commit): not a key
                  "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
                  "user@example.org"):
        assert env(plain) == [], plain


def test_ecs_exec_audited():
    v = ecs.validate_ecs_exec_audited
    audited = {"executeCommandConfiguration": {"kmsKeyId": "arn:aws:kms:us-east-1:1:key/k", "logging": "OVERRIDE",
                                               "logConfiguration": {"cloudWatchLogGroupName": "/ecs/exec",
                                                                    "cloudWatchEncryptionEnabled": True}}}

    def stack(exec_on: bool, configuration=None) -> list[dict]:
        cluster_urn = urn(CLUSTER, "cluster")
        cluster = {"type": CLUSTER, "name": "cluster", "urn": cluster_urn, "props": {"name": "c"}}
        if configuration is not None:
            cluster["props"]["configuration"] = configuration
        return [cluster, {"type": SVC, "name": "svc", "props": {"cluster": "arn:cluster/c",
                                                                 "enableExecuteCommand": exec_on},
                          "deps": {"cluster": [cluster_urn]}}]
    assert check_stack(v, stack(False)) == []
    assert check_stack(v, stack(True, audited)) == []
    assert check_stack(v, stack(True))  # ECS Exec on, nothing audits it
    assert check_stack(v, stack(False, {"executeCommandConfiguration": {"logging": "NONE"}}))  # CKV_AWS_224
    no_key = {"executeCommandConfiguration": {**audited["executeCommandConfiguration"], "kmsKeyId": None}}
    assert check_stack(v, stack(True, no_key))
    plain_log = {"executeCommandConfiguration": {**audited["executeCommandConfiguration"],
                                                 "logConfiguration": {"cloudWatchLogGroupName": "/ecs/exec"}}}
    assert check_stack(v, stack(True, plain_log))
    assert check_stack(v, [{"type": SVC, "name": "svc", "props": {"cluster": "arn:cluster/elsewhere",
                                                                   "enableExecuteCommand": True}}])


def test_read_only_root_filesystem():
    v = ecs.validate_read_only_root
    assert check(v, TASK, task()) == []
    assert check(v, TASK, task(app(readonlyRootFilesystem=False)))


def test_efs_volume_transit_encryption():
    v = ecs.validate_efs_volume_transit_encryption
    vol = {"name": "efs", "efsVolumeConfiguration": {"fileSystemId": "fs-1", "transitEncryption": "ENABLED"}}
    assert check(v, TASK, task(volumes=[vol])) == []
    assert check(v, TASK, task(volumes=[{**vol, "efsVolumeConfiguration": {"fileSystemId": "fs-1"}}]))
    assert check(v, TASK, task(volumes=U_LIST)) == []


def test_fargate_latest_platform():
    v = ecs.validate_fargate_latest_platform
    assert check(v, SVC, {}) == [] and check(v, SVC, {"platformVersion": "LATEST"}) == []
    assert check(v, SVC, {"platformVersion": "1.3.0"})


def test_task_definition_constraints():
    v = ecs.validate_task_definition_constraints
    assert check(v, TASK, task()) == []
    assert check(v, TASK, {**task(), "containerDefinitions": "not json"})
    assert check(v, TASK, task(app(), app()))  # duplicate names
    assert check(v, TASK, task(app(essential=False)))
    assert check(v, TASK, task(app(image="")))
    assert check(v, TASK, task(app(memory=256, memoryReservation=512)))
    assert check(v, TASK, task(app(portMappings=[{"containerPort": 8080, "hostPort": 80}])))
    assert check(v, TASK, task(app(dependsOn=[{"containerName": "sidecar", "condition": "START"}])))
    assert check(v, TASK, task(app(mountPoints=[{"sourceVolume": "data", "containerPath": "/d"}])))
    assert check(v, TASK, task(app(mountPoints=[{"sourceVolume": "data", "containerPath": "/d"}]),
                               volumes=[{"name": "data"}])) == []
    assert check(v, TASK, task(*[app(name=f"c{i}") for i in range(11)]))
    assert check(v, TASK, task(family="bad family"))
    assert check(v, TASK, task(volumes=U_LIST)) == []


def test_task_definition_container_ranges():
    v = ecs.validate_task_definition_constraints
    health = {"command": ["CMD-SHELL", "true"], "interval": 30, "timeout": 5, "retries": 3, "startPeriod": 60}
    assert check(v, TASK, task(app(healthCheck=health))) == []
    for bad in ({"interval": 400}, {"interval": 4}, {"retries": 20}, {"retries": 0}, {"timeout": 1},
                {"startPeriod": 301}):
        assert check(v, TASK, task(app(healthCheck={**health, **bad}))), bad
    assert check(v, TASK, task(app(hostname="gw")))  # awsvpc
    assert check(v, TASK, task(app(hostname="gw"), networkMode="bridge")) == []
    assert check(v, TASK, task(app(ulimits=[{"name": "nofile", "softLimit": 4096, "hardLimit": 8192}]))) == []
    assert check(v, TASK, task(app(ulimits=[{"name": "files", "softLimit": 1, "hardLimit": 1}])))
    assert check(v, TASK, task(app(ulimits=[{"name": "nofile", "softLimit": 9000, "hardLimit": 8192}])))
    options = LOGS["options"]
    assert check(v, TASK, task(app(logConfiguration={"logDriver": "awslogs", "options": {
        k: x for k, x in options.items() if k != "awslogs-group"}})))
    efs = {"fileSystemId": "fs-1", "transitEncryption": "ENABLED", "authorizationConfig": {"accessPointId": "fsap-1"}}
    assert check(v, TASK, task(volumes=[{"name": "d", "efsVolumeConfiguration": efs}])) == []
    assert check(v, TASK, task(volumes=[{"name": "d", "efsVolumeConfiguration": {**efs, "rootDirectory": "/"}}])) == []
    assert check(v, TASK, task(volumes=[{"name": "d", "efsVolumeConfiguration": {**efs, "rootDirectory": "/data"}}]))
    assert check(v, TASK, task(volumes=[{"name": "d", "efsVolumeConfiguration": {
        "fileSystemId": "fs-1", "rootDirectory": "/data"}}])) == []  # no access point: the path is the root


def test_fargate_container_limits():
    v = ecs.validate_fargate_task_constraints
    assert check(v, TASK, task(app(dockerSecurityOptions=["apparmor:unconfined"])))
    assert check(v, TASK, task(app(ulimits=[{"name": "nofile", "softLimit": 1_048_576, "hardLimit": 1_048_576}]))) \
        == []
    assert check(v, TASK, task(app(ulimits=[{"name": "nofile", "softLimit": 2_000_000, "hardLimit": 2_000_000}])))
    no_prefix = {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/x", "awslogs-region": "us-east-1"}}
    assert check(v, TASK, task(app(logConfiguration=no_prefix)))
    ec2 = {**task(app(dockerSecurityOptions=["apparmor:unconfined"]), networkMode="bridge"),
           "requiresCompatibilities": ["EC2"]}
    assert check(v, TASK, ec2) == []


def test_fargate_task_constraints():
    v = ecs.validate_fargate_task_constraints
    assert check(v, TASK, task()) == []
    assert check(v, TASK, task(networkMode="bridge"))
    assert check(v, TASK, task(app(privileged=True)))
    assert check(v, TASK, task(app(linuxParameters={"devices": [{"hostPath": "/dev/x"}]})))
    assert check(v, TASK, task(app(linuxParameters={"capabilities": {"add": ["SYS_ADMIN"]}})))
    assert check(v, TASK, task(app(linuxParameters={"capabilities": {"add": ["SYS_PTRACE"]}}))) == []
    assert check(v, TASK, task(app(logConfiguration={"logDriver": "syslog"})))
    assert check(v, TASK, task(app(cpu=512)))  # the task has 256
    assert check(v, TASK, task(app(memory=1024)))  # the task has 512 MiB
    assert check(v, TASK, task(ipcMode="host"))
    assert check(v, TASK, task(ephemeralStorage={"sizeInGib": 10}))
    assert check(v, TASK, task(volumes=[{"name": "d", "dockerVolumeConfiguration": {"scope": "task"}}]))
    assert check(v, TASK, {**task(networkMode="bridge"), "requiresCompatibilities": ["EC2"]}) == []
    assert check(v, TASK, {k: x for k, x in task().items() if k != "executionRoleArn"})  # awslogs needs the role


def _service_stack(service: dict, task_props: dict) -> list[dict]:
    t_urn = urn(TASK, "task")
    return [{"type": TASK, "name": "task", "urn": t_urn, "props": task_props},
            {"type": SVC, "name": "svc", "props": service, "deps": {"taskDefinition": [t_urn]}}]


def test_service_constraints():
    v = ecs.validate_service_constraints
    lb = {"containerName": "app", "containerPort": 8080, "targetGroupArn": "arn:tg"}
    good = {"launchType": "FARGATE", "networkConfiguration": {"subnets": ["a", "b"]}, "loadBalancers": [lb],
            "healthCheckGracePeriodSeconds": 60, "taskDefinition": "arn:task-definition/svc:1"}
    assert check_stack(v, _service_stack(good, task())) == []
    assert check_stack(v, _service_stack({**good, "loadBalancers": [{**lb, "containerName": "web"}]}, task()))
    assert check_stack(v, _service_stack({**good, "loadBalancers": [{**lb, "containerPort": 80}]}, task()))
    assert check_stack(v, _service_stack({**good, "loadBalancers": []}, task())) == []  # grace also covers containers
    assert check_stack(v, _service_stack({**good, "healthCheckGracePeriodSeconds": -1}, task()))
    assert check_stack(v, _service_stack({k: x for k, x in good.items() if k != "networkConfiguration"}, task()))
    assert check_stack(v, _service_stack({**good, "capacityProviderStrategies": [{"capacityProvider": "FARGATE"}]},
                                         task()))
    assert check_stack(v, _service_stack({**good, "deploymentMinimumHealthyPercent": 150,
                                          "deploymentMaximumPercent": 100}, task()))
    assert check_stack(v, _service_stack({**good, "networkConfiguration": {"subnets": []}}, task()))
    assert check_stack(v, _service_stack({**good, "networkConfiguration": {
        "subnets": ["a"], "securityGroups": [f"sg-{i}" for i in range(6)]}}, task()))
    sc = {"enabled": True, "services": [{"portName": "grpc", "discoveryName": "svc"}]}
    assert check_stack(v, _service_stack({**good, "serviceConnectConfiguration": sc}, task()))
    # The task definition found by family when the graph does not say.
    assert check_stack(v, [{"type": TASK, "name": "task", "props": task()},
                           {"type": SVC, "name": "svc", "props": {**good, "loadBalancers": [
                               {**lb, "containerName": "web"}]}}])
    assert check_stack(v, _service_stack(good, {**task(), "containerDefinitions": U_STR})) == []


def test_service_deployment_and_wiring_ranges():
    v = ecs.validate_service_constraints
    lb = {"containerName": "app", "containerPort": 8080, "targetGroupArn": "arn:tg",
          "advancedConfiguration": {"alternateTargetGroupArn": "arn:tg-alt"}}
    canary = {"strategy": "CANARY", "bakeTimeInMinutes": "10",
              "canaryConfiguration": {"canaryPercent": 10.0, "canaryBakeTimeInMinutes": "10"}}
    sc = {"enabled": True, "services": [{"portName": "http", "clientAlias": [{"port": 8080, "dnsName": "svc"}]}]}
    good = {"launchType": "FARGATE", "networkConfiguration": {"subnets": ["a", "b"]}, "loadBalancers": [lb],
            "deploymentConfiguration": canary, "serviceConnectConfiguration": sc}
    assert check_stack(v, _service_stack(good, task())) == []

    def with_canary(**change) -> dict:
        return {**good, "deploymentConfiguration": {**canary, "canaryConfiguration": {
            **canary["canaryConfiguration"], **change}}}
    for bad in ({"canaryPercent": 0}, {"canaryPercent": 150}, {"canaryPercent": 10.05},
                {"canaryBakeTimeInMinutes": "1441"}):
        assert check_stack(v, _service_stack(with_canary(**bad), task())), bad
    assert check_stack(v, _service_stack(with_canary(canaryPercent=0.1), task())) == []
    assert check_stack(v, _service_stack({**good, "deploymentConfiguration": {**canary, "bakeTimeInMinutes": "2000"}},
                                         task()))
    port0 = {**sc, "services": [{**sc["services"][0], "clientAlias": [{"port": 0}]}]}
    assert check_stack(v, _service_stack({**good, "serviceConnectConfiguration": port0}, task()))
    same = {**lb, "advancedConfiguration": {"alternateTargetGroupArn": "arn:tg"}}
    assert check_stack(v, _service_stack({**good, "loadBalancers": [same]}, task()))
