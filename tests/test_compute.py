"""Compute tier under mocks: per-service scaling with the seed's numbers, deployment safety,
network isolation, least-privilege roles, access wiring, TLS, schedule and name limits -
for prod and dev."""

from __future__ import annotations

import dataclasses
import json
from functools import lru_cache

import pytest

from _helpers import base_tags
from conftest import run_mocked
from preflight.mocks import ACCOUNT
from components.shared import naming
from components.shared.access import EfsMount, ServiceAccess
from components.compute.autoscaling import (STEP_IN_CPU_PERCENT, STEP_OUT_CPU_PERCENT, BusinessHours, ServiceScaling,
                                            schedule_crons)
from components.compute.compute import Compute, ComputeArgs
from components.compute.containers import ADOT_CONTAINER, APP_CONTAINER
from components.compute.microservice import ServiceSpec
from components.config.settings import FARGATE_SIZES

SERVICE = "aws:ecs/service:Service"
TASKDEF = "aws:ecs/taskDefinition:TaskDefinition"
TARGET = "aws:appautoscaling/target:Target"
POLICY = "aws:appautoscaling/policy:Policy"
SCHEDULED = "aws:appautoscaling/scheduledAction:ScheduledAction"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
REQUIRED_TAGS = {"service", "tier", "stack", "cost-center"}

SUBNETS = ["subnet-a", "subnet-b", "subnet-c"]
ALB_SG = "sg-alb0000000000000"
ORDER_DB_SG = "sg-orderdb00000000"
USER_DB_SG = "sg-userdb000000000"
ORDER_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-order-AbCdEf"
USER_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-user-AbCdEf"
ORDER_DB_ARN = "arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ORDER/app"
USER_DB_ARN = "arn:aws:rds-db:us-east-1:123456789012:dbuser:db-USER/app"
FS_ARN = "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1"


def _tg(service: str) -> str:
    return f"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/{service}-tg/0123456789abcdef"


def _access() -> list[ServiceAccess]:
    return [
        ServiceAccess(service="order", description="order database", security_group_id=ORDER_DB_SG, port=5432,
                      policy_statements=[{"Effect": "Allow", "Action": "rds-db:connect", "Resource": ORDER_DB_ARN}],
                      environment={"DB_HOST": "order.db.internal"}, secrets={"DB_SECRET": f"{ORDER_SECRET}:password::"},
                      execution_secret_arns=[ORDER_SECRET]),
        ServiceAccess(service="user", description="user database", security_group_id=USER_DB_SG, port=5432,
                      policy_statements=[{"Effect": "Allow", "Action": "rds-db:connect", "Resource": USER_DB_ARN}],
                      secrets={"DB_SECRET": USER_SECRET}, execution_secret_arns=[USER_SECRET]),
        ServiceAccess(service="inventory", description="inventory shared EFS", security_group_id="sg-efs", port=2049,
                      policy_statements=[{"Effect": "Allow", "Action": ["elasticfilesystem:ClientMount"],
                                          "Resource": [FS_ARN]}],
                      efs=EfsMount(file_system_id="fs-1", access_point_id="fsap-inv", container_path="/mnt/shared")),
    ]


# The seed's services as prod deploys them; dev runs every one at the smallest size, 1..2 tasks.
SEED = (ServiceSpec("gateway", 256, 512, public=True), ServiceSpec("user", 512, 1024, public=True),
        ServiceSpec("order", 256, 512, public=True), ServiceSpec("inventory", 512, 1024, public=True),
        ServiceSpec("payment", 256, 512, public=True), ServiceSpec("notification", critical=False),
        ServiceSpec("stream-processor", 512, 1024))
DEV_SCALING = ServiceScaling(desired_count=1, min_count=1, max_count=2)


def stack_services(stack: str) -> tuple[ServiceSpec, ...]:
    if stack == "prod":
        return SEED
    return tuple(dataclasses.replace(s, cpu=256, memory=512, scaling=DEV_SCALING) for s in SEED)


def compute_args(stack: str, services: tuple[ServiceSpec, ...] = (), **extra) -> ComputeArgs:
    """ComputeArgs as the committed ``stack`` gives them (prod: 3 AZs, TLS; dev: 2 AZs, schedule)."""
    prod = stack == "prod"
    services = services or stack_services(stack)
    return ComputeArgs(
        stack=stack, region="us-east-1", base_tags=base_tags(stack), services=list(services), vpc_id="vpc-1",
        vpc_cidr="10.0.0.0/16" if prod else "10.1.0.0/16", private_subnet_ids=SUBNETS[: 3 if prod else 2],
        alb_security_group_id=ALB_SG, target_group_arns={s.name: _tg(s.name) for s in services if s.public},
        log_retention_days=30 if prod else 7, deletion_protection=prod, service_connect_tls=prod,
        schedule=None if prod else BusinessHours(), **extra)


def _public(args: ComputeArgs) -> list[str]:
    return [s.name for s in args.services if s.public]


def _specs(args: ComputeArgs) -> dict[str, ServiceSpec]:
    return {s.name: s for s in args.services}


@lru_cache(maxsize=None)
def _run(stack: str, blue_green: bool = False, services: tuple[ServiceSpec, ...] = ()):
    base = compute_args(stack, services)
    pub = _public(base)
    args = dataclasses.replace(
        base, access=_access(),
        deployment_alarm_names={s.name: naming.service_alarm_names(stack, s.name, s.public) for s in base.services},
        alb_arn_suffix="app/microservices-alb/50dc6c495c0c9188",
        alternate_target_group_arns={n: _tg(n + "-alt") for n in pub} if blue_green else {},
        production_listener_rule_arns={n: f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:"
                                          f"listener-rule/app/alb/1/2/{n}" for n in pub} if blue_green else {})

    def build():
        c = Compute("compute", args)
        return {"cluster_name": c.cluster_name, "cluster_arn": c.cluster_arn,
                "namespace": c.service_connect_namespace, "service_arns": c.service_arns,
                "ecr": c.ecr_repository_names, "task_roles": c.task_role_arns,
                "sgs": c.service_security_group_ids}

    return args, run_mocked(build, stack=stack)


def _of(g, type_, suffix):
    return g.one(type_, f"compute-{suffix}")


def _containers(g, svc):
    return {c["name"]: c for c in json.loads(_of(g, TASKDEF, f"{svc}-task")["inputs"]["containerDefinitions"])}


def _policy_doc(g, name):
    return json.loads(g.one(ROLE_POLICY, name)["inputs"]["policy"])


# ---- autoscaling -----------------------------------------------------------------------------

@pytest.mark.parametrize("svc", ["order", "notification"])
def test_prod_service_scales_3_to_20_with_the_seed_policies(svc):
    s, g = _run("prod")
    target = _of(g, TARGET, f"{svc}-scaling-target")["inputs"]
    assert (target["minCapacity"], target["maxCapacity"]) == (3, 20)
    assert target["resourceId"] == f"service/microservices-prod/{svc}"
    assert target["scalableDimension"] == "ecs:service:DesiredCount"

    pols = {p["name"].removeprefix(f"compute-{svc}-"): p["inputs"] for p in g.of_type(POLICY)
            if p["name"].startswith(f"compute-{svc}-")}
    cpu = pols["cpu-target"]["targetTrackingScalingPolicyConfiguration"]
    mem = pols["memory-target"]["targetTrackingScalingPolicyConfiguration"]
    assert cpu["predefinedMetricSpecification"]["predefinedMetricType"] == "ECSServiceAverageCPUUtilization"
    assert cpu["targetValue"] == 70
    assert mem["predefinedMetricSpecification"]["predefinedMetricType"] == "ECSServiceAverageMemoryUtilization"
    assert mem["targetValue"] == 80
    out = pols["step-out"]["stepScalingPolicyConfiguration"]
    inn = pols["step-in"]["stepScalingPolicyConfiguration"]
    assert out["adjustmentType"] == inn["adjustmentType"] == "PercentChangeInCapacity"
    assert [a["scalingAdjustment"] for a in out["stepAdjustments"]] == [100] and out["cooldown"] == 30
    assert [a["scalingAdjustment"] for a in inn["stepAdjustments"]] == [-50] and inn["cooldown"] == 300
    # Only public services also track ALB requests per target.
    public = _specs(s)[svc].public
    assert ("requests-target" in pols) is public
    assert len(pols) == (5 if public else 4)
    if public:
        req = pols["requests-target"]["targetTrackingScalingPolicyConfiguration"]
        spec = req["predefinedMetricSpecification"]
        assert spec["predefinedMetricType"] == "ALBRequestCountPerTarget"
        assert spec["resourceLabel"] == f"app/microservices-alb/50dc6c495c0c9188/targetgroup/{svc}-tg/0123456789abcdef"
        assert req["targetValue"] == 1000


def test_step_scaling_alarms_trigger_their_policies_and_do_not_collide():
    s, g = _run("prod")
    policies = {p["name"]: p for p in g.of_type(POLICY)}
    out = _of(g, ALARM, "order-scale-out-alarm")["inputs"]
    inn = _of(g, ALARM, "order-scale-in-alarm")["inputs"]
    assert out["threshold"] == STEP_OUT_CPU_PERCENT and out["comparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert inn["threshold"] == STEP_IN_CPU_PERCENT and inn["comparisonOperator"] == "LessThanOrEqualToThreshold"
    # Each alarm acts on its own step policy (the engine records which resource the ARN came from).
    out_deps = _of(g, ALARM, "order-scale-out-alarm")["propertyDependencies"]["alarmActions"]
    in_deps = _of(g, ALARM, "order-scale-in-alarm")["propertyDependencies"]["alarmActions"]
    assert out_deps == [policies["compute-order-step-out"]["urn"]]
    assert in_deps == [policies["compute-order-step-in"]["urn"]]
    assert out["dimensions"] == {"ClusterName": "microservices-prod", "ServiceName": "order"}
    observability = set(naming.service_alarm_names("prod", "order", True))
    names = {a["inputs"]["name"] for a in g.of_type(ALARM)}
    assert len(names) == len(g.of_type(ALARM)) and not names & observability


def test_dev_scales_to_zero_outside_business_hours():
    s, g = _run("dev")
    sched = s.schedule
    start, stop = schedule_crons(sched)
    assert start == "cron(0 8 ? * MON-FRI *)" and stop == "cron(0 16 ? * MON-FRI *)"
    actions = g.of_type(SCHEDULED)
    assert len(actions) == 2 * len(s.services)
    for svc in _specs(s):
        a_stop = _of(g, SCHEDULED, f"{svc}-schedule-stop")["inputs"]
        a_start = _of(g, SCHEDULED, f"{svc}-schedule-start")["inputs"]
        assert a_stop["resourceId"] == a_start["resourceId"] == f"service/microservices-dev/{svc}"
        assert a_stop["scalableTargetAction"] == {"minCapacity": 0, "maxCapacity": 0}
        assert a_stop["schedule"] == stop and a_start["schedule"] == start
        assert a_start["scalableTargetAction"] == {"minCapacity": 1, "maxCapacity": 2}
        assert a_stop["timezone"] == a_start["timezone"] == sched.timezone


def test_prod_has_no_schedule_and_a_full_day_ends_at_midnight():
    _, g = _run("prod")
    assert g.of_type(SCHEDULED) == []
    assert schedule_crons(BusinessHours(start_hour=16, hours_per_day=8)) == (
        "cron(0 16 ? * MON-FRI *)", "cron(0 0 ? * TUE-SAT *)")


@pytest.mark.parametrize("days, start_days, stop_days", [
    ("MON-THU", "MON-THU", "TUE-FRI"),
    ("MON,TUE,WED,THU,FRI", "MON-FRI", "TUE-SAT"),  # one canonical form: the same plan as MON-FRI
    ("MON,WED,FRI", "MON,WED,FRI", "TUE,THU,SAT"),
    ("FRI,SAT", "FRI-SAT", "SUN,SAT"),  # Saturday's midnight stop is on Sunday
])
def test_the_crons_run_on_schedule_days_and_a_midnight_stop_lands_on_the_next_day(days, start_days, stop_days):
    assert schedule_crons(BusinessHours(days=days)) == (f"cron(0 8 ? * {start_days} *)",
                                                        f"cron(0 16 ? * {start_days} *)")
    assert schedule_crons(BusinessHours(days=days, start_hour=14, hours_per_day=10)) == (
        f"cron(0 14 ? * {start_days} *)", f"cron(0 0 ? * {stop_days} *)")


# ---- deployment safety -----------------------------------------------------------------------

@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_circuit_breaker_and_alarm_rollback_on_every_service(stack):
    s, g = _run(stack)
    for svc, spec in _specs(s).items():
        inp = _of(g, SERVICE, f"{svc}-service")["inputs"]
        assert inp["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
        assert inp["alarms"]["enable"] is True and inp["alarms"]["rollback"] is True
        assert inp["alarms"]["alarmNames"] == naming.service_alarm_names(stack, svc, spec.public)
        assert inp["name"] == naming.ecs_service_name(svc)


def test_service_connect_only_services_deploy_canary_10_percent():
    s, g = _run("prod")
    internal = [n for n, v in _specs(s).items() if not v.public]
    assert internal
    for svc in internal:
        dc = _of(g, SERVICE, f"{svc}-service")["inputs"]["deploymentConfiguration"]
        assert dc["strategy"] == "CANARY"
        assert dc["canaryConfiguration"]["canaryPercent"] == 10
        assert int(dc["canaryConfiguration"]["canaryBakeTimeInMinutes"]) > 0


def test_public_services_canary_through_the_alb_when_edge_gives_blue_green_resources():
    s, g = _run("prod", blue_green=True)
    role = _of(g, ROLE, "lb-infra-role")
    for svc in _public(s):
        inp = _of(g, SERVICE, f"{svc}-service")["inputs"]
        assert inp["deploymentConfiguration"]["strategy"] == "CANARY"
        assert inp["deploymentConfiguration"]["canaryConfiguration"]["canaryPercent"] == 10
        lb = inp["loadBalancers"][0]
        adv = lb["advancedConfiguration"]
        assert lb["targetGroupArn"] == _tg(svc) and adv["alternateTargetGroupArn"] == _tg(svc + "-alt")
        assert adv["productionListenerRule"].endswith(f"/{svc}") and adv["roleArn"].endswith(role["id"])
    attach = g.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "compute-lb-infra-policy")["inputs"]
    assert attach["policyArn"].endswith("AmazonECSInfrastructureRolePolicyForLoadBalancers")


def test_the_load_balancer_mapping_of_every_service_stays_managed():
    # Only the task count belongs to autoscaling.  A replaced listener rule or target group must reach
    # the service in the same `pulumi up` (an ignored loadBalancers kept naming the deleted rule).
    s, g = _run("prod", blue_green=True)
    for svc in _specs(s):
        assert _of(g, SERVICE, f"{svc}-service")["ignoreChanges"] == ["desiredCount"], svc
    _, rolling = _run("prod")
    assert all(r["ignoreChanges"] == ["desiredCount"] for r in rolling.of_type(SERVICE))


LISTENER, RULE = "aws:lb/listener:Listener", "aws:lb/listenerRule:ListenerRule"
DOMAIN_MODE = ("edge.domainName=api.shop-platform.io", "edge.hostedZoneId=Z0123456789ABC")


@pytest.mark.parametrize("overrides", [(), DOMAIN_MODE], ids=["default-endpoints", "domain"])
def test_each_edge_mode_wires_the_services_to_the_rules_of_its_serving_listener(overrides):
    """An edge-mode switch replaces the rules (listenerArn forces a new rule): in the plan of either
    mode every canary service names the rule of that plan, on the listener that serves."""
    from conftest import settings_for, shared_plan

    plan = shared_plan("prod", overrides)
    by_name = {r["name"]: r for r in plan["resources"]}
    serving = by_name["edge-https" if overrides else "edge-http"]
    assert serving["inputs"]["port"] == (443 if overrides else 80)
    public = [n for n, v in settings_for("prod").config.services.items() if v.public]
    assert public
    for svc in public:
        service, rule = by_name[f"compute-{svc}-service"], by_name[f"edge-rule-{svc}"]
        assert rule["type"] == RULE and rule["inputs"]["listenerArn"] == serving["id"]
        (lb,) = service["inputs"]["loadBalancers"]
        assert lb["advancedConfiguration"]["productionListenerRule"] == rule["id"]
        assert rule["urn"] in service["propertyDependencies"]["loadBalancers"]
        assert "loadBalancers" not in service["ignoreChanges"]
        # Same resource, same URN in both modes: the switch updates the service in place.
        assert service["urn"].endswith(f"::compute-{svc}-service")
    if overrides:   # the rules of the other mode are gone, not left on the redirecting port-80 listener
        http = by_name["edge-http"]
        assert not [r for r in plan["resources"] if r["type"] == RULE and r["inputs"]["listenerArn"] == http["id"]]


def test_public_services_without_blue_green_resources_fall_back_to_rolling():
    # An ALB canary cannot run without an alternate target group and listener rule;
    # the service must still deploy (rolling + circuit breaker + alarms).
    s, g = _run("prod")
    for svc in _public(s):
        inp = _of(g, SERVICE, f"{svc}-service")["inputs"]
        assert inp["deploymentConfiguration"] == {"strategy": "ROLLING"}
        assert "advancedConfiguration" not in inp["loadBalancers"][0]
    assert [r for r in g.of_type(ROLE) if r["name"] == "compute-lb-infra-role"] == []


# ---- tasks and network -----------------------------------------------------------------------

@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_tasks_are_private_fargate_with_valid_sizes(stack):
    s, g = _run(stack)
    for svc, spec in _specs(s).items():
        inp = _of(g, SERVICE, f"{svc}-service")["inputs"]
        net = inp["networkConfiguration"]
        assert net["assignPublicIp"] is False
        assert net["subnets"] == s.private_subnet_ids
        assert inp["launchType"] == "FARGATE"
        assert inp["desiredCount"] == spec.scaling.desired_count
        td = _of(g, TASKDEF, f"{svc}-task")["inputs"]
        cpu, mem = int(td["cpu"]), int(td["memory"])
        assert (cpu, mem) == (spec.cpu, spec.memory)
        assert mem in FARGATE_SIZES[cpu]
        assert td["networkMode"] == "awsvpc" and td["requiresCompatibilities"] == ["FARGATE"]
        assert td["runtimePlatform"]["cpuArchitecture"] == spec.architecture == "ARM64"
        app = _containers(g, svc)[APP_CONTAINER]
        assert app["portMappings"][0]["containerPort"] == spec.port
        assert app["image"].endswith(f"microservices-{stack}/{svc}:latest")
        group = _of(g, "aws:cloudwatch/logGroup:LogGroup", f"{svc}-logs")["inputs"]
        assert group["retentionInDays"] == s.log_retention_days
        assert app["logConfiguration"]["options"]["awslogs-group"] == group["name"]


def test_security_groups_admit_only_the_alb_and_service_connect_peers():
    s, g = _run("prod")
    peers = _of(g, "aws:ec2/securityGroup:SecurityGroup", "peers-sg")["id"]
    for svc, spec in _specs(s).items():
        sg = g.outputs["sgs"][svc]
        rules = [r["inputs"] for r in g.of_type(INGRESS) if r["inputs"]["securityGroupId"] == sg]
        sources = sorted(r["referencedSecurityGroupId"] for r in rules)
        assert sources == sorted([peers] + ([ALB_SG] if spec.public else []))
        # Peers reach the Service Connect proxy (its own port on TLS public services), the ALB the app.
        expected = {r["referencedSecurityGroupId"]: spec.port for r in rules}
        if spec.public and s.service_connect_tls:
            expected[peers] = 15443
        assert all(r["fromPort"] == r["toPort"] == expected[r["referencedSecurityGroupId"]] for r in rules)
        assert not any("cidrIpv4" in r for r in rules)
        svc_net = _of(g, SERVICE, f"{svc}-service")["inputs"]["networkConfiguration"]
        assert svc_net["securityGroups"] == [sg, peers]


def test_access_grants_open_only_the_granted_resource_to_the_granted_service():
    s, g = _run("prod")
    order_sg, user_sg = g.outputs["sgs"]["order"], g.outputs["sgs"]["user"]
    to_order_db = [r["inputs"] for r in g.of_type(INGRESS) if r["inputs"]["securityGroupId"] == ORDER_DB_SG]
    assert [(r["referencedSecurityGroupId"], r["fromPort"], r["toPort"]) for r in to_order_db] == [(order_sg, 5432, 5432)]
    to_user_db = [r["inputs"] for r in g.of_type(INGRESS) if r["inputs"]["securityGroupId"] == USER_DB_SG]
    assert [r["referencedSecurityGroupId"] for r in to_user_db] == [user_sg]


def test_each_service_has_its_own_least_privilege_roles():
    s, g = _run("prod")
    task_roles = {_of(g, TASKDEF, f"{svc}-task")["inputs"]["taskRoleArn"] for svc in _specs(s)}
    exec_roles = {_of(g, TASKDEF, f"{svc}-task")["inputs"]["executionRoleArn"] for svc in _specs(s)}
    assert len(task_roles) == len(exec_roles) == len(s.services)
    assert not task_roles & exec_roles

    order = json.dumps(_policy_doc(g, "compute-order-task-policy"))
    assert ORDER_DB_ARN in order and USER_DB_ARN not in order and FS_ARN not in order
    gateway = _policy_doc(g, "compute-gateway-task-policy")["Statement"]
    # No grants for the gateway: its task role can only write traces.
    assert len(gateway) == 1 and all(a.startswith("xray:") for a in gateway[0]["Action"])

    order_exec = _policy_doc(g, "compute-order-exec-policy")["Statement"]
    secret_reads = [st for st in order_exec if st["Action"] == "secretsmanager:GetSecretValue"]
    assert secret_reads == [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": [ORDER_SECRET]}]
    pulls = [st for st in order_exec if "ecr:BatchGetImage" in st["Action"]]
    assert pulls[0]["Resource"].endswith("repository/microservices-prod/order")
    for svc in _specs(s):
        for st in _policy_doc(g, f"compute-{svc}-exec-policy")["Statement"]:
            assert not (st["Action"] == "*" or st["Action"] == ["*"])
    gw_exec = json.dumps(_policy_doc(g, "compute-gateway-exec-policy"))
    assert "secretsmanager" not in gw_exec


def test_execution_role_reads_every_injected_secret_by_its_bare_arn():
    # ECS takes `<arn>:<json-key>::` in valueFrom, IAM only the secret ARN: a grant that lists a
    # secret only under `secrets`, or with its JSON-key suffix, must still be readable at start.
    other = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mq-payment-XyZ123"
    access = [ServiceAccess(service="payment", description="broker",
                            secrets={"MQ_USER": f"{other}:username::", "MQ_PASSWORD": f"{other}:password::",
                                     "DB_SECRET": f"{ORDER_SECRET}:password:AWSCURRENT:"},
                            execution_secret_arns=[f"{ORDER_SECRET}:password::"]),
              ServiceAccess(service="user", description="ssm only",
                            secrets={"FLAG": "arn:aws:ssm:us-east-1:123456789012:parameter/flag"})]
    g = run_mocked(lambda: Compute("compute", compute_args("dev", access=access)), stack="dev")
    reads = [st for st in _policy_doc(g, "compute-payment-exec-policy")["Statement"]
             if st["Action"] == "secretsmanager:GetSecretValue"]
    assert reads == [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
                      "Resource": sorted([other, ORDER_SECRET])}]
    # No Secrets Manager reference: no (empty, invalid) GetSecretValue statement at all.
    assert "secretsmanager" not in json.dumps(_policy_doc(g, "compute-user-exec-policy"))


def test_grants_reach_the_containers():
    s, g = _run("prod")
    order = _containers(g, "order")[APP_CONTAINER]
    assert {"name": "DB_SECRET", "valueFrom": f"{ORDER_SECRET}:password::"} in order["secrets"]
    assert {"name": "DB_HOST", "value": "order.db.internal"} in order["environment"]
    assert "DB_HOST" not in json.dumps(_containers(g, "user"))
    td = _of(g, TASKDEF, "inventory-task")["inputs"]
    efs = td["volumes"][0]["efsVolumeConfiguration"]
    assert efs["fileSystemId"] == "fs-1" and efs["transitEncryption"] == "ENABLED"
    assert efs["authorizationConfig"] == {"accessPointId": "fsap-inv", "iam": "ENABLED"}
    mounts = _containers(g, "inventory")[APP_CONTAINER]["mountPoints"]
    assert mounts == [{"sourceVolume": td["volumes"][0]["name"], "containerPath": "/mnt/shared", "readOnly": False}]
    assert "volumes" not in _of(g, TASKDEF, "order-task")["inputs"]


def test_tracing_sidecar_sends_to_xray():
    s, g = _run("prod")
    for svc in _specs(s):
        c = _containers(g, svc)
        adot = c[ADOT_CONTAINER]
        assert "aws-otel-collector" in adot["image"] and adot["essential"] is False
        cfg = adot["environment"][0]["value"]
        assert "awsxray" in cfg and "0.0.0.0" not in cfg
        assert c[APP_CONTAINER]["dependsOn"] == [{"containerName": ADOT_CONTAINER, "condition": "START"}]


# ---- Service Connect and TLS -----------------------------------------------------------------

def test_prod_service_connect_uses_private_ca_tls():
    s, g = _run("prod")
    ca = g.one("aws:acmpca/certificateAuthority:CertificateAuthority")
    assert ca["inputs"]["type"] == "ROOT" and ca["inputs"]["usageMode"] == "SHORT_LIVED_CERTIFICATE"
    assert REQUIRED_TAGS <= set(ca["inputs"]["tags"])
    activation = g.one("aws:acmpca/certificateAuthorityCertificate:CertificateAuthorityCertificate")
    ns = g.one("aws:servicediscovery/httpNamespace:HttpNamespace")
    for svc in _specs(s):
        res = _of(g, SERVICE, f"{svc}-service")
        sc = res["inputs"]["serviceConnectConfiguration"]
        assert sc["enabled"] is True and sc["namespace"].endswith(f"namespace/{ns['id']}")
        entry = sc["services"][0]
        assert entry["portName"] == "http" and entry["discoveryName"] == svc
        assert entry["clientAlias"] == [{"port": _specs(s)[svc].port, "dnsName": svc}]
        assert entry["tls"]["issuerCertAuthority"]["awsPcaAuthorityArn"] == ca["id"]
        assert entry["tls"]["roleArn"].endswith(_of(g, ROLE, "sc-tls-role")["id"])
        assert activation["urn"] in res["dependencies"]
    assert g.outputs["namespace"] == "microservices-prod.internal"


def test_dev_service_connect_without_tls_has_no_private_ca():
    s, g = _run("dev")
    assert g.of_type("aws:acmpca/certificateAuthority:CertificateAuthority") == []
    for svc in _specs(s):
        sc = _of(g, SERVICE, f"{svc}-service")["inputs"]["serviceConnectConfiguration"]
        assert sc["enabled"] is True and "tls" not in sc["services"][0]


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_cluster_and_repositories(stack):
    s, g = _run(stack)
    cluster = g.one("aws:ecs/cluster:Cluster")["inputs"]
    assert cluster["name"] == naming.cluster_name(stack) == g.outputs["cluster_name"]
    assert {"name": "containerInsights", "value": "enabled"} in cluster["settings"]
    for svc in _specs(s):
        repo = _of(g, "aws:ecr/repository:Repository", f"{svc}-repo")["inputs"]
        # Commit tags immutable; only the deploy pointer `latest` may move.
        assert repo["imageTagMutability"] == "IMMUTABLE_WITH_EXCLUSION"
        assert repo["imageTagMutabilityExclusionFilters"] == [{"filter": "latest", "filterType": "WILDCARD"}]
        assert repo["imageScanningConfiguration"] == {"scanOnPush": True}
        assert repo["forceDelete"] is (stack == "dev")
        rules = json.loads(_of(g, "aws:ecr/lifecyclePolicy:LifecyclePolicy", f"{svc}-repo-lifecycle")
                           ["inputs"]["policy"])["rules"]
        assert [r["selection"]["tagStatus"] for r in rules] == ["untagged", "any"]
        assert g.outputs["ecr"][svc] == repo["name"]
        assert g.outputs["service_arns"][svc].endswith(f"service/{svc}")


# ---- names and tags --------------------------------------------------------------------------

@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_auto_named_resources_fit_aws_limits(stack):
    s, g = _run(stack)
    for r in g.of_type(ROLE):
        assert len(r["id"]) <= naming.LIMITS["iam_role"], r["id"]
    for r in g.of_type(ALARM):
        assert len(r["inputs"]["name"]) <= 255
    for r in g.of_type(POLICY) + g.of_type(SCHEDULED):
        assert len(r["inputs"]["name"]) <= 256 and not set(":/|") & set(r["inputs"]["name"])
    for r in g.of_type("aws:ecr/repository:Repository"):
        assert len(r["inputs"]["name"]) <= naming.LIMITS["ecr"]


def test_long_service_names_keep_role_names_within_64():
    long_name = "a-twenty-char-servic"  # the longest name settings accept (20 characters)
    services = (*stack_services("dev"), ServiceSpec(long_name))
    g = run_mocked(lambda: Compute("compute-tier-long", compute_args("dev", services)), stack="dev")
    roles = [r["id"] for r in g.of_type(ROLE)]
    assert any("a-twenty" in r for r in roles)
    assert all(len(r) <= 64 for r in roles)


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_taggable_resources_carry_service_tags(stack):
    s, g = _run(stack)
    for t in (SERVICE, TASKDEF, TARGET, ALARM, ROLE, "aws:ecr/repository:Repository",
              "aws:cloudwatch/logGroup:LogGroup", "aws:ec2/securityGroup:SecurityGroup", "aws:ecs/cluster:Cluster"):
        for r in g.of_type(t):
            tags = r["inputs"]["tags"]
            assert REQUIRED_TAGS <= set(tags) and tags["tier"] == "compute", r["name"]
    for svc, spec in _specs(s).items():
        tags = _of(g, SERVICE, f"{svc}-service")["inputs"]["tags"]
        assert tags["service"] == svc and tags["critical"] == str(spec.critical).lower()


def test_public_service_without_target_group_is_rejected():
    args = dataclasses.replace(compute_args("prod"), target_group_arns={})
    with pytest.raises(Exception, match="without a target group"):
        run_mocked(lambda: Compute("compute", args), stack="prod")


def test_service_connect_tls_proxy_leaves_the_app_port_to_the_alb():
    """With TLS the proxy takes its own port on public services, so the ALB's plain-HTTP
    targets and health checks reach the app; peers reach the proxy."""
    from components.compute.microservice import SERVICE_CONNECT_PROXY_PORT

    for stack in ("prod", "dev"):
        s, g = _run(stack)
        tls = s.service_connect_tls
        for svc, spec in _specs(s).items():
            service = _of(g, SERVICE, f"{svc}-service")["inputs"]
            sc = service["serviceConnectConfiguration"]["services"][0]
            peers = _of(g, INGRESS, f"{svc}-from-peers")["inputs"]
            if spec.public and tls:
                assert sc["ingressPortOverride"] == SERVICE_CONNECT_PROXY_PORT != spec.port
                assert peers["fromPort"] == peers["toPort"] == SERVICE_CONNECT_PROXY_PORT
                alb = _of(g, INGRESS, f"{svc}-from-alb")["inputs"]
                assert alb["fromPort"] == spec.port
                assert service["loadBalancers"][0]["containerPort"] == spec.port
            else:
                assert "ingressPortOverride" not in sc
                assert peers["fromPort"] == spec.port


def test_request_count_tracking_covers_both_target_groups_of_the_canary_pair():
    """ECS moves production traffic between the two groups at each deployment."""
    s, g = _run("prod", blue_green=True)
    for svc, spec in _specs(s).items():
        policies = [r for r in g.of_type(POLICY) if r["name"].endswith(f"{svc}-requests-target")]
        if not spec.public:
            assert not policies
            continue
        (policy,) = policies
        cfg = policy["inputs"]["targetTrackingScalingPolicyConfiguration"]
        assert cfg["targetValue"] == spec.scaling.requests_per_target and "predefinedMetricSpecification" not in cfg
        metrics = cfg["customizedMetricSpecification"]["metrics"]
        groups = [m["metricStat"]["metric"]["dimensions"][0]["value"] for m in metrics if "metricStat" in m]
        assert len(set(groups)) == 2 and all(grp.startswith("targetgroup/") for grp in groups)
        (expr,) = [m for m in metrics if m.get("returnData")]
        assert expr["expression"] == "FILL(g1, 0) + FILL(g2, 0)"


def test_request_count_tracking_without_a_canary_pair_uses_the_predefined_metric():
    s, g = _run("prod")
    policy = next(r for r in g.of_type(POLICY) if r["name"].endswith("order-requests-target"))
    spec = policy["inputs"]["targetTrackingScalingPolicyConfiguration"]["predefinedMetricSpecification"]
    assert spec["predefinedMetricType"] == "ALBRequestCountPerTarget" and "/targetgroup/" in spec["resourceLabel"]


def test_a_service_with_its_own_counts_gets_them_in_ecs_and_autoscaling():
    own = ServiceScaling(desired_count=5, min_count=4, max_count=40)
    services = tuple(dataclasses.replace(sv, scaling=own) if sv.name == "payment" else sv for sv in SEED)
    s, g = _run("prod", services=services)
    pay = _of(g, SERVICE, "payment-service")["inputs"]
    target = _of(g, TARGET, "payment-scaling-target")["inputs"]
    assert pay["desiredCount"] == 5 and (target["minCapacity"], target["maxCapacity"]) == (4, 40)
    order = _of(g, TARGET, "order-scaling-target")["inputs"]
    assert (order["minCapacity"], order["maxCapacity"]) == (3, 20)
