"""The tiers wired together (components/platform.py): what only the whole program shows."""

from __future__ import annotations

import json

import pytest

from conftest import plan_for, run_mocked, settings_for


def _by_type(plan: dict, type_: str) -> list[dict]:
    return [r for r in plan["resources"] if r["type"] == type_]


def _platform(stack: str = "prod", **overrides: str):
    from components.platform import build_platform

    settings = settings_for(stack, **overrides)
    return settings, run_mocked(lambda: build_platform(settings), stack=stack)


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_every_service_deploys_canary_and_public_ones_shift_alb_traffic(stack):
    plan = plan_for(stack)
    settings = settings_for(stack)
    rules = {r["id"] for r in _by_type(plan, "aws:lb/listenerRule:ListenerRule")}
    groups = {r["inputs"]["name"] if "name" in r["inputs"] else r["id"]: r
              for r in _by_type(plan, "aws:lb/targetGroup:TargetGroup")}
    services = _by_type(plan, "aws:ecs/service:Service")
    assert len(services) == len(settings.config.services)
    for svc in services:
        i = svc["inputs"]
        assert i["deploymentConfiguration"]["strategy"] == "CANARY"
        assert i["deploymentConfiguration"]["canaryConfiguration"]["canaryPercent"] == 10
        assert i["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
        assert i["alarms"]["rollback"] is True and i["alarms"]["alarmNames"]
        name = i["name"]
        if settings.config.services[name].public:
            (lb,) = i["loadBalancers"]
            adv = lb["advancedConfiguration"]
            assert adv["productionListenerRule"] in rules
            assert adv["alternateTargetGroupArn"] != lb["targetGroupArn"]
            assert adv["roleArn"].startswith("arn:aws:iam::")
        else:
            assert not i.get("loadBalancers")
    assert groups  # target groups exist for the public services


def test_service_error_alarm_counts_both_target_groups_of_a_canary():
    plan = plan_for("prod")
    alarm = next(r for r in _by_type(plan, "aws:cloudwatch/metricAlarm:MetricAlarm")
                 if r["inputs"].get("name") == "prod-order-5xx-rate")
    queries = alarm["inputs"]["metricQueries"]
    groups = {q["metric"]["dimensions"]["TargetGroup"] for q in queries if "metric" in q}
    assert len(groups) == 2
    expression = next(q["expression"] for q in queries if q.get("expression"))
    assert "errorsalt" in expression and "requestsalt" in expression


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_no_security_group_is_open_to_the_internet(stack):
    plan = plan_for(stack)
    open_groups = []
    for r in _by_type(plan, "aws:ec2/securityGroup:SecurityGroup"):
        for rule in r["inputs"].get("ingress") or []:
            if "0.0.0.0/0" in (rule.get("cidrBlocks") or []) or "::/0" in (rule.get("ipv6CidrBlocks") or []):
                open_groups.append((r["name"], rule["fromPort"], rule["toPort"]))
    for r in _by_type(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"):
        if r["inputs"].get("cidrIpv4") == "0.0.0.0/0" or r["inputs"].get("cidrIpv6") == "::/0":
            open_groups.append((r["name"], r["inputs"].get("fromPort"), r["inputs"].get("toPort")))
    # The ALB is internal: the entry points are CloudFront and API Gateway, which AWS runs.
    assert open_groups == []
    lb = _by_type(plan, "aws:lb/loadBalancer:LoadBalancer")
    assert [r["inputs"]["internal"] for r in lb] == [True]


def test_hosted_zone_creates_the_alb_alias_record_and_a_managed_certificate():
    _, graph = _platform("dev", **{"edge.domainName": "api.dev.acme-shop.io", "edge.hostedZoneId": "Z0123456789ABC"})
    record = graph.one("aws:route53/record:Record", "edge-alb-dns")["inputs"]
    assert record["zoneId"] == "Z0123456789ABC" and record["name"] == "api.dev.acme-shop.io"
    assert record["type"] == "A" and record["aliases"][0]["name"].endswith(".elb.amazonaws.com")
    assert graph.one("aws:acm/certificate:Certificate")["inputs"]["domainName"] == "api.dev.acme-shop.io"
    assert not _by_type(plan_for("dev"), "aws:route53/record:Record")


def test_without_a_repository_owner_there_are_no_pipelines_but_the_repositories_stay():
    plan = plan_for("prod")
    assert plan["outputs"]["pipelines"] == {}
    assert not [r for r in plan["resources"] if r["type"].startswith("platform:delivery")]
    assert len(_by_type(plan, "aws:ecr/repository:Repository")) == len(settings_for("prod").config.services)


def test_budget_alerts_go_to_the_alarm_topic():
    plan = plan_for("prod")
    topic = plan["outputs"]["alarm_topic_arn"]
    (budget,) = _by_type(plan, "aws:budgets/budget:Budget")
    for n in budget["inputs"]["notifications"]:
        assert n["subscriberSnsTopicArns"] == [topic] and "subscriberEmailAddresses" not in n


def test_kafka_clients_come_from_settings():
    settings, graph = _platform("dev", **{"kafka.clients": '["stream-processor"]'})
    kafka_rules = [r for r in graph.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
                   if r["inputs"].get("fromPort") == 9098]
    assert len(kafka_rules) == 1 and "stream-processor" in kafka_rules[0]["name"]
    policies = [r for r in graph.of_type("aws:iam/rolePolicy:RolePolicy") if "kafka-cluster" in r["inputs"]["policy"]]
    assert policies and all("stream-processor" in p["name"] for p in policies)


def test_delivery_settings_reach_the_pipelines():
    _, graph = _platform("dev", **{"delivery.repositoryOwner": "acme", "delivery.branch": "release"})
    pipelines = graph.of_type("aws:codepipeline/pipeline:Pipeline")
    assert pipelines
    for p in pipelines:
        source = p["inputs"]["stages"][0]["actions"][0]["configuration"]
        assert source["FullRepositoryId"].startswith("acme/") and source["BranchName"] == "release"


def test_kafka_tls_bootstrap_is_empty_with_iam_only_auth_and_the_contract_allows_it():
    outputs = plan_for("prod")["outputs"]
    assert outputs["kafka_bootstrap_brokers_tls"] == ""
    assert outputs["kafka_bootstrap_brokers_iam"].count(":9098") == 3


def test_stack_outputs_hold_no_secret_values():
    text = json.dumps(plan_for("prod")["outputs"])
    assert "4dabf18193072939515e22adb298388d" not in text and "password" not in text.lower()


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_the_az_experiment_targets_one_of_the_vpcs_azs(stack):
    plan = plan_for(stack)
    azs = plan["outputs"]["availability_zones"]
    template = next(r for r in _by_type(plan, "aws:fis/experimentTemplate:ExperimentTemplate")
                    if r["inputs"].get("tags", {}).get("Name", "").endswith("az-tasks"))
    filters = [f for t in template["inputs"]["targets"] for f in t.get("filters", [])]
    assert filters and all(f["values"] == [azs[0]] for f in filters)


def test_a_pipeline_may_pass_only_its_own_services_roles():
    _, graph = _platform("prod", **{"delivery.repositoryOwner": "acme"})
    plan = {"resources": graph.resources}
    roles = {r["name"]: r["id"] for r in _by_type(plan, "aws:iam/role:Role")}
    policy = next(r for r in _by_type(plan, "aws:iam/rolePolicy:RolePolicy") if r["name"] == "delivery-order-pipeline-policy")
    statement = next(st for st in json.loads(policy["inputs"]["policy"])["Statement"] if st["Sid"] == "PassTaskRoles")
    assert sorted(a.rsplit("/", 1)[1] for a in statement["Resource"]) == sorted(
        [roles["compute-order-task-role"], roles["compute-order-exec-role"]])


def test_origin_verify_rotation_is_driven_by_settings():
    _, graph = _platform("dev", **{"edge.originVerifyGeneration": "2", "edge.originVerifyAcceptPrevious": "true"})
    secrets = {r["name"] for r in graph.of_type("aws:secretsmanager/secret:Secret") if "origin-verify" in r["name"]}
    assert secrets == {"edge-origin-verify-g2-secret", "edge-origin-verify-secret"}  # the new and the previous value
