"""References resolve (rules/wiring_references.py, support/references.py): log groups, Service Connect names,
target groups and autoscaling resource IDs name what the plan creates.  Violating, compliant and first-preview
cases on small plans, then mistakes in the recorded plans."""

from __future__ import annotations

import copy
import json

import pytest

from test_policies_support import U_STR, check_stack, urn

from conftest import FULL_FEATURE_SETS, plan_for, preview_plan_for, shared_plan
from pack_inproc import evaluate, find, mutated
from platform_policies.rules import wiring_references as rules

LOGS, CONNECT, LBS, SCALING, UNDECIDED = (
    rules.validate_log_group_references, rules.validate_service_connect_references,
    rules.validate_load_balancer_references, rules.validate_autoscaling_references, rules.validate_reference_undecided)
LOG_GROUP, TASK, SERVICE = ("aws:cloudwatch/logGroup:LogGroup", "aws:ecs/taskDefinition:TaskDefinition",
                            "aws:ecs/service:Service")
NS, CLUSTER = "aws:servicediscovery/httpNamespace:HttpNamespace", "aws:ecs/cluster:Cluster"
TG, RULE = "aws:lb/targetGroup:TargetGroup", "aws:lb/listenerRule:ListenerRule"
TARGET, POLICY = "aws:appautoscaling/target:Target", "aws:appautoscaling/policy:Policy"
NS_ARN = "arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-1"


def res(type_, name, props, **deps) -> dict:
    return {"type": type_, "name": name, "props": props,
            "deps": {k: [urn(*v) for v in vs] for k, vs in deps.items()}}


def messages(validator, resources) -> list[tuple[str, str]]:
    return [(m, u.split("::")[-1]) for m, u in check_stack(validator, copy.deepcopy(resources))]


def replace(resources: list[dict], *new: dict) -> list[dict]:
    names = {r["name"] for r in new}
    return [*(r for r in resources if r["name"] not in names), *new]


def container(name="app", group="/ecs/orders", region="us-east-1", env=(), command=None, ports=()) -> dict:
    c = {"name": name, "image": "nginx:1", "environment": [{"name": k, "value": v} for k, v in env],
         "portMappings": [{"name": n, "containerPort": p} for n, p in ports]}
    if group:
        c["logConfiguration"] = {"logDriver": "awslogs", "options": {
            "awslogs-group": group, "awslogs-region": region, "awslogs-stream-prefix": name}}
    if command:
        c["command"] = command
    return c


def task(name="orders-task", *containers, logs="logs") -> dict:
    defs = list(containers) or [container()]
    return res(TASK, name, {"family": name, "networkMode": "awsvpc", "containerDefinitions": json.dumps(defs)},
               containerDefinitions=[(LOG_GROUP, logs)] if logs else [])


# ---- log groups ----------------------------------------------------------------------------------------------------

def log_plan(*extra) -> list[dict]:
    return [res(LOG_GROUP, "logs", {"name": "/ecs/orders"}), task(), *extra]


def test_a_container_logging_to_the_plans_group_passes():
    assert messages(LOGS, log_plan()) == [] and messages(UNDECIDED, log_plan()) == []


def test_a_log_group_name_the_plan_does_not_create_is_refused():
    typo = replace(log_plan(), task("orders-task", container(group="/ecs/order")))
    (found,) = messages(LOGS, typo)
    assert found[1] == "orders-task" and "'/ecs/order'" in found[0] and "built from log group /ecs/orders" in found[0]
    # awslogs-create-group: the driver creates the group itself
    created = copy.deepcopy(typo)
    defs = json.loads(created[1]["props"]["containerDefinitions"])
    defs[0]["logConfiguration"]["options"]["awslogs-create-group"] = "true"
    created[1]["props"]["containerDefinitions"] = json.dumps(defs)
    assert messages(LOGS, created) == []


def test_the_awslogs_region_must_be_the_groups():
    elsewhere = replace(log_plan(), task("orders-task", container(region="eu-west-1")),
                        res(LOG_GROUP, "logs", {"name": "/ecs/orders", "region": "us-east-1"}))
    (found,) = messages(LOGS, elsewhere)
    assert "awslogs-region eu-west-1" in found[0] and "creates that group in us-east-1" in found[0]
    group_in_eu = replace(elsewhere, res(LOG_GROUP, "logs", {"name": "/ecs/orders", "region": "eu-west-1"}))
    assert messages(LOGS, group_in_eu) == []


def test_a_group_of_another_stack_is_advisory():
    outside = [task("orders-task", container(group="/shared/logs"), logs=None)]
    assert messages(LOGS, outside) == []
    (found,) = messages(UNDECIDED, outside)
    assert "'/shared/logs'" in found[0] and "another stack" in found[0]


def test_a_first_preview_decides_the_proxy_log_group_from_the_graph():
    sc_logs = {"logDriver": "awslogs", "options": {"awslogs-group": U_STR, "awslogs-region": "us-east-1"}}
    svc = res(SERVICE, "svc", {"name": "orders", "serviceConnectConfiguration": {
        "enabled": True, "namespace": U_STR, "logConfiguration": sc_logs}},
        serviceConnectConfiguration=[(LOG_GROUP, "logs"), (NS, "ns")])
    preview = [res(LOG_GROUP, "logs", {"name": U_STR}), res(NS, "ns", {"name": "shop.internal"}), svc,
               res(TASK, "orders-task", {"family": "orders-task", "containerDefinitions": U_STR},
                   containerDefinitions=[(LOG_GROUP, "logs")])]
    for v in (LOGS, CONNECT, UNDECIDED):
        assert messages(v, preview) == []
    unbuilt = copy.deepcopy(preview)
    unbuilt[2]["deps"]["serviceConnectConfiguration"] = [urn(NS, "ns")]
    (found,) = messages(UNDECIDED, unbuilt)
    assert "Service Connect proxy of ECS service orders" in found[0]
    unbuilt[0]["props"]["name"] = "/ecs/orders"  # the group's name known: the region still matches
    assert messages(LOGS, unbuilt) == []


# ---- Service Connect -----------------------------------------------------------------------------------------------

def sc_service(name, discovery=None, port=8080, namespace=NS_ARN, ns="ns", enabled=True, region=None) -> dict:
    config = {"enabled": enabled, "namespace": namespace}
    if discovery:
        config["services"] = [{"portName": "http", "discoveryName": discovery,
                               "clientAlias": [{"dnsName": discovery, "port": port}]}]
    props = {"name": name, "serviceConnectConfiguration": config, "taskDefinition": f"arn:task/{name}"}
    if region:
        props["region"] = region
    deps = {"serviceConnectConfiguration": [(NS, ns)] if ns else [], "taskDefinition": [(TASK, f"{name}-task")]}
    return res(SERVICE, name, props, **deps)


def sc_plan(peer="http://orders:8080", client=None) -> list[dict]:
    return [res(NS, "ns", {"name": "shop.internal"}),
            sc_service("orders", "orders"),
            task("orders-task", container(group=None, ports=[("http", 8080)]), logs=None),
            client or sc_service("web"),
            task("web-task", container("web", None, env=[("ORDERS_URL", peer), ("MODE", "fast")]), logs=None)]


def test_a_client_dialling_a_published_alias_passes():
    for v in (CONNECT, UNDECIDED):
        assert messages(v, sc_plan()) == []
    assert messages(CONNECT, sc_plan(peer="orders:8080,orders:8080")) == []


def test_a_peer_on_the_wrong_port_or_outside_service_connect_is_refused():
    (found,) = messages(CONNECT, sc_plan(peer="http://orders:9090/api"))
    assert found[1] == "web" and "orders:9090" in found[0] and "listens on 8080" in found[0]
    (found,) = messages(CONNECT, sc_plan(client=sc_service("web", enabled=False)))
    assert "not a Service Connect client" in found[0]
    other_ns = replace(sc_plan(client=sc_service("web", namespace="arn:other", ns="ns2")),
                       res(NS, "ns2", {"name": "other.internal"}))
    (found,) = messages(CONNECT, other_ns)
    assert "another namespace than other.internal" in found[0]


def test_a_command_line_peer_is_read_with_its_port():
    command = ["locust --worker --master-host orders --master-port 8081"]
    worker = task("web-task", container("web", None, command=command), logs=None)
    (found,) = messages(CONNECT, replace(sc_plan(), worker))
    assert "orders:8081 (argument --master-host)" in found[0]


def test_duplicate_names_in_a_namespace_are_refused():
    twice = replace(sc_plan(), sc_service("web", "orders"))
    found = messages(CONNECT, twice)
    assert {u for _, u in found} == {"web"} and any("discovery name 'orders'" in m for m, _ in found)
    assert any("orders:8080" in m and "unique" in m for m, _ in found)


def test_a_namespace_of_another_region_is_refused():
    foreign = "arn:aws:servicediscovery:eu-west-1:123456789012:namespace/ns-1"
    (found,) = messages(CONNECT, replace(sc_plan(), sc_service("orders", "orders", namespace=foreign,
                                                                region="us-east-1")))
    assert found[1] == "orders" and "of eu-west-1" in found[0]


def test_unpublished_peers_and_foreign_namespaces_are_advisory():
    unknown_peer = sc_plan(peer="http://billing:8080")
    assert messages(CONNECT, unknown_peer) == []
    (found,) = messages(UNDECIDED, unknown_peer)
    assert "'billing'" in found[0]
    foreign = replace(sc_plan(), sc_service("web", namespace="shared.internal", ns=None))
    assert messages(CONNECT, foreign) == []
    assert any("namespace 'shared.internal'" in m for m, _ in messages(UNDECIDED, foreign))


def test_a_first_preview_decides_the_namespace_from_the_graph():
    preview = replace(sc_plan(), sc_service("orders", "orders", namespace=U_STR),
                      sc_service("web", namespace=U_STR))
    for v in (CONNECT, UNDECIDED):
        assert messages(v, preview) == []
    wrong_port = replace(preview, task("web-task", container("web", None, env=[("ORDERS", "orders:81")]), logs=None))
    assert [u for _, u in messages(CONNECT, wrong_port)] == ["web"]
    unbuilt = replace(preview, sc_service("web", namespace=U_STR, ns=None))
    assert messages(CONNECT, unbuilt) == [] and len(messages(UNDECIDED, unbuilt)) == 1


# ---- load balancers ------------------------------------------------------------------------------------------------

def lb_service(arn="arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/tg-1234567/abc", groups=("tg",),
               rules=("rule",)) -> dict:
    return res(SERVICE, "svc", {"name": "orders", "taskDefinition": "arn:task", "loadBalancers": [
        {"targetGroupArn": arn, "containerName": "app", "containerPort": 8080}]},
        loadBalancers=[*((TG, g) for g in groups), *((RULE, r) for r in rules)],
        taskDefinition=[(TASK, "orders-task")])


def lb_plan(target_type="ip", forwarded=True, service=None) -> list[dict]:
    return [res(TG, "tg", {"port": 8080, "protocol": "HTTP", "targetType": target_type}),
            res(RULE, "rule", {"listenerArn": "arn:listener", "actions": [{"type": "forward"}]},
                actions=[(TG, "tg")] if forwarded else []),
            task("orders-task", container(group=None), logs=None), service or lb_service()]


def test_a_forwarded_ip_target_group_passes():
    for v in (LBS, UNDECIDED):
        assert messages(v, lb_plan()) == []


def test_an_instance_target_group_for_awsvpc_tasks_is_refused():
    (found,) = messages(LBS, lb_plan(target_type="instance"))
    assert found[1] == "tg" and "targetType is instance" in found[0]
    (found,) = messages(LBS, lb_plan(target_type=None))  # the provider's default is instance
    assert "targetType is instance" in found[0]


def test_a_target_group_without_listener_or_dependency_is_refused():
    (found,) = messages(LBS, lb_plan(forwarded=False))
    assert "no listener or listener rule" in found[0]
    (found,) = messages(LBS, lb_plan(service=lb_service(rules=())))
    assert "does not depend on rule" in found[0]


def test_a_target_group_of_another_stack_is_advisory():
    outside = lb_plan(service=lb_service(groups=(), rules=()))
    outside[-1]["props"]["loadBalancers"][0]["targetGroupArn"] = \
        "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/shared/abc"
    assert messages(LBS, outside) == []
    (found,) = messages(UNDECIDED, outside)
    assert "targetgroup/shared" in found[0]
    by_name = lb_plan(service=lb_service(groups=(), rules=("rule",)))  # auto-named tg-<suffix>, matched by ARN
    assert messages(LBS, by_name) == [] and messages(UNDECIDED, by_name) == []


def test_a_first_preview_decides_the_target_group_from_the_graph():
    preview = lb_plan(service=lb_service(arn=U_STR))
    assert messages(LBS, preview) == [] and messages(UNDECIDED, preview) == []
    assert [u for _, u in messages(LBS, lb_plan(target_type="instance", service=lb_service(arn=U_STR)))] == ["tg"]
    unbuilt = lb_plan(service=lb_service(arn=U_STR, groups=(), rules=()))
    assert messages(LBS, unbuilt) == [] and len(messages(UNDECIDED, unbuilt)) == 1


# ---- Application Auto Scaling --------------------------------------------------------------------------------------

def scaling_plan(resource_id="service/shop/orders", dimension="ecs:service:DesiredCount", target_deps=None,
                 policy_key=None, policy_deps=(("target",),)) -> list[dict]:
    key = {"serviceNamespace": "ecs", "resourceId": resource_id, "scalableDimension": dimension}
    target_deps = target_deps if target_deps is not None else {"dependsOn": [(SERVICE, "svc")]}
    return [res(CLUSTER, "cluster", {"name": "shop"}),
            res(SERVICE, "svc", {"name": "orders", "cluster": "arn:aws:ecs:us-east-1:1:cluster/shop"},
                cluster=[(CLUSTER, "cluster")]),
            res(TARGET, "target", {**key, "minCapacity": 2, "maxCapacity": 4}, **target_deps),
            res(POLICY, "policy", {**(policy_key or key), "policyType": "StepScaling"},
                dependsOn=[(TARGET, n) for (n,) in policy_deps])]


def test_a_target_of_a_plan_service_passes():
    for v in (SCALING, UNDECIDED):
        assert messages(v, scaling_plan()) == []


def test_a_resource_id_naming_no_service_of_the_plan_is_refused():
    (found, *_) = messages(SCALING, scaling_plan("service/shop/order"))
    assert found[1] == "target" and "has no service order" in found[0]
    found = messages(SCALING, scaling_plan("service/shop-prod/orders"))
    assert any("another cluster than shop-prod" in m for m, _ in found)
    (found, *_) = messages(SCALING, scaling_plan(dimension="ecs:service:Count"))
    assert "not ecs:service:Count" in found[0]


def test_a_target_before_its_service_and_a_policy_before_its_target_are_refused():
    (found,) = messages(SCALING, scaling_plan(target_deps={}))
    assert "does not depend on it" in found[0] and "ECS service doesn't exist" in found[0]
    (found,) = messages(SCALING, scaling_plan(policy_deps=()))
    assert found[1] == "policy" and "ObjectNotFoundException" in found[0]
    other = {"serviceNamespace": "ecs", "resourceId": "service/shop/other",
             "scalableDimension": "ecs:service:DesiredCount"}
    (found,) = messages(SCALING, scaling_plan(policy_key=other))
    assert found[1] == "policy" and "service/shop/other" in found[0]


def test_a_service_of_another_stack_is_advisory():
    outside = scaling_plan("service/legacy/billing", target_deps={})
    assert messages(SCALING, outside) == []
    (found,) = messages(UNDECIDED, outside)
    assert "service/legacy/billing" in found[0]


def test_an_msk_target_is_decided_from_the_graph():
    key = {"serviceNamespace": "kafka", "scalableDimension": "kafka:broker-storage:VolumeSize", "resourceId": U_STR}
    msk = res("aws:msk/cluster:Cluster", "kafka", {"clusterName": "events"})
    built = [msk, res(TARGET, "storage", key, resourceId=[("aws:msk/cluster:Cluster", "kafka")])]
    assert messages(SCALING, built) == [] and messages(UNDECIDED, built) == []
    literal = [msk, res(TARGET, "storage", {**key, "resourceId": "arn:aws:kafka:us-east-1:1:cluster/other/x"})]
    assert messages(SCALING, literal) == [] and len(messages(UNDECIDED, literal)) == 1


def test_a_first_preview_decides_the_resource_id_from_the_graph():
    built = {"resourceId": [(CLUSTER, "cluster"), (SERVICE, "svc")]}
    preview = scaling_plan(U_STR, target_deps=built)
    preview[3]["props"]["resourceId"] = U_STR
    assert messages(SCALING, preview) == [] and messages(UNDECIDED, preview) == []
    wrong = replace(preview, res(CLUSTER, "other", {"name": "other"}),
                    res(TARGET, "target", {**preview[2]["props"]}, resourceId=[(CLUSTER, "other"), (SERVICE, "svc")]))
    (found,) = messages(SCALING, wrong)
    assert "built from cluster other" in found[0]
    unbuilt = scaling_plan(U_STR, target_deps={})
    unbuilt[3]["props"]["resourceId"] = U_STR
    assert messages(SCALING, unbuilt) == [] and len(messages(UNDECIDED, unbuilt)) == 1


# ---- the recorded plans --------------------------------------------------------------------------------------------

OWN = {"log-group-references", "service-connect-references", "load-balancer-references", "autoscaling-references",
       "reference-undecided"}


def _ours(plan: dict, stack: str = "prod") -> list[tuple[str, str, str]]:
    return [(v["policy"], v["level"], v["urn"].split("::")[-1]) for v in evaluate(plan, stack) if v["policy"] in OWN]


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_the_committed_plans_pass(stack):
    assert _ours(plan_for(stack), stack) == []


def test_a_first_preview_of_prod_and_the_full_feature_plan_pass():
    assert _ours(preview_plan_for("prod")) == []
    assert _ours(shared_plan("prod", FULL_FEATURE_SETS)) == []


def _containers(name: str, change):
    def edit(plan: dict) -> None:
        r = find(plan, name=name)
        defs = json.loads(r["inputs"]["containerDefinitions"])
        change(defs)
        r["inputs"]["containerDefinitions"] = json.dumps(defs)
    return edit


def _inputs(name: str, change):
    def edit(plan: dict) -> None:
        change(find(plan, name=name)["inputs"])
    return edit


@pytest.mark.parametrize("edit,expected", [
    # a hand-written log group name next to the one the program creates
    (_containers("compute-order-task", lambda d: d[0]["logConfiguration"]["options"].update(
        {"awslogs-group": "/ecs/prod/order"})), ("log-group-references", "compute-order-task")),
    # the driver sent to another Region than the group's
    (_containers("compute-user-task", lambda d: d[1]["logConfiguration"]["options"].update(
        {"awslogs-region": "us-west-2"})), ("log-group-references", "compute-user-task")),
    # a scalable target for a service name nobody created
    (_inputs("compute-payment-scaling-target", lambda i: i.update(resourceId="service/microservices-prod/payments")),
     ("autoscaling-references", "compute-payment-scaling-target")),
    # the public service's target group registers instances
    (_inputs("edge-order", lambda i: i.update(targetType="instance")), ("load-balancer-references", "edge-order")),
    # two services publish the same Service Connect name
    (_inputs("compute-user-service", lambda i: i["serviceConnectConfiguration"]["services"][0].update(
        discoveryName="order")), ("service-connect-references", "compute-user-service")),
], ids=["log-group-typo", "log-region", "scaling-service-typo", "tg-instance", "duplicate-discovery-name"])
def test_mistakes_in_the_prod_plan_are_refused(edit, expected):
    found = {(p, u) for p, level, u in _ours(mutated(plan_for("prod"), edit)) if level == "mandatory"}
    assert expected in found, found


def test_a_load_test_worker_dialling_the_wrong_master_port_is_refused():
    edit = _containers("loadtest-worker-task", lambda d: d[0].update(
        command=[d[0]["command"][0].replace("--master-port 5557", "--master-port 5558")]))
    found = {(p, u) for p, level, u in _ours(mutated(shared_plan("prod", FULL_FEATURE_SETS), edit))
             if level == "mandatory"}
    assert ("service-connect-references", "loadtest-worker-service") in found, found


def test_the_real_pack_refuses_a_log_group_typo():
    """End to end over gRPC (preflight.analyzer), as preflight and the engine run the pack."""
    from preflight import analyzer

    from pack_inproc import ROOT

    plan = mutated(plan_for("prod"), _containers("compute-order-task", lambda d: d[0]["logConfiguration"][
        "options"].update({"awslogs-group": "/ecs/prod/order"})))
    result = analyzer.run_policy_pack(plan, ROOT / "policies" / "config" / "prod.json", policy_dir=ROOT / "policies")
    hits = [v for v in result["violations"] if v["policy"] == "log-group-references"]
    assert hits and all(v["level"] == "mandatory" for v in hits), result["violations"][:3]
    assert any("compute-order-task" in v["urn"] and "/ecs/prod/order" in v["message"] for v in hits)
