"""Network paths (rules/wiring_network.py, support/network_paths.py, support/wires.py): every connection the plan
wires is open in the security groups and network ACLs of both ends.  Violating, compliant and first-preview cases
on small plans, mistakes nobody wrote a rule test for, then the recorded plans."""

from __future__ import annotations

import copy
import json

import pytest

from test_policies_support import U_LIST, U_STR, check_stack, urn

from conftest import plan_for, preview_plan_for
from pack_inproc import evaluate, find, mutated
from platform_policies.rules import wiring_network as rules

GROUPS, ACLS, UNDECIDED = (rules.validate_network_path_security_groups, rules.validate_network_path_network_acls,
                           rules.validate_network_path_undecided)
VPC, SG = "awsx:ec2:Vpc", "aws:ec2/securityGroup:SecurityGroup"
INGRESS, EGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", \
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
SERVICE, TASK = "aws:ecs/service:Service", "aws:ecs/taskDefinition:TaskDefinition"
PROXY, DB = "aws:rds/proxy:Proxy", "aws:rds/instance:Instance"
NACL, SUBNET = "aws:ec2/networkAcl:NetworkAcl", "aws:ec2/subnet:Subnet"
SUBNETS = ["subnet-a", "subnet-b"]


def res(type_, name, props, **deps) -> dict:
    return {"type": type_, "name": name, "props": props, "deps": {k: [urn(*v) if isinstance(v, tuple) else v
                                                                      for v in vs] for k, vs in deps.items()}}


def sg(name: str) -> dict:
    return res(SG, name, {"description": name, "vpcId": "vpc-1"}, vpcId=[(VPC, "net")])


def rule(kind: str, name: str, group: str, port, peer: str = None, cidr: str = None, protocol="tcp") -> dict:
    props = {"ipProtocol": protocol, "securityGroupId": f"sg-{group}"}
    if port is not None:
        props.update(fromPort=port if isinstance(port, int) else port[0],
                     toPort=port if isinstance(port, int) else port[1])
    deps = {"securityGroupId": [(SG, group)]}
    if peer:
        props["referencedSecurityGroupId"] = f"sg-{peer}"
        deps["referencedSecurityGroupId"] = [(SG, peer)]
    if cidr:
        props["cidrIpv4"] = cidr
    return res(INGRESS if kind == "in" else EGRESS, name, props, **deps)


def service(name="svc", groups=("svc-sg",), subnets=SUBNETS, task="task", extra_groups=()) -> dict:
    return res(SERVICE, name, {"name": name, "taskDefinition": f"arn:task/{task}", "networkConfiguration": {
        "securityGroups": [f"sg-{g}" for g in groups] + list(extra_groups), "subnets": subnets}},
        taskDefinition=[(TASK, task)], networkConfiguration=[*((SG, g) for g in groups), (VPC, "net")])


def task(*producers, env=None, name="task", image="nginx:1") -> dict:
    env = env or [{"name": "DB_HOST", "value": "proxy.example"}]
    defs = [{"name": "app", "image": image, "environment": env}]
    return res(TASK, name, {"family": name, "containerDefinitions": json.dumps(defs)},
               containerDefinitions=list(producers))


def proxy(groups=("db-sg",), subnets=SUBNETS) -> dict:
    return res(PROXY, "proxy", {"name": "orders-proxy", "engineFamily": "POSTGRESQL",
                                "vpcSecurityGroupIds": [f"sg-{g}" for g in groups], "vpcSubnetIds": subnets},
               vpcSecurityGroupIds=[(SG, g) for g in groups], vpcSubnetIds=[(VPC, "net")])


def base(*extra) -> list[dict]:
    """A service that talks to an RDS Proxy on 5432: open both ways."""
    return [res(VPC, "net", {"cidrBlock": "10.0.0.0/16"}), sg("svc-sg"), sg("db-sg"),
            rule("out", "svc-out", "svc-sg", None, cidr="10.0.0.0/16", protocol="-1"),
            rule("in", "db-in", "db-sg", 5432, peer="svc-sg"),
            proxy(), task((PROXY, "proxy")), service(), *extra]


def without(resources: list[dict], *names: str) -> list[dict]:
    return [r for r in resources if r["name"] not in names]


def replace(resources: list[dict], *new: dict) -> list[dict]:
    names = {r["name"] for r in new}
    return [*without(resources, *names), *new]


def messages(validator, resources) -> list[tuple[str, str]]:
    return [(m, u.split("::")[-1]) for m, u in check_stack(validator, copy.deepcopy(resources))]


# ---- security groups ----------------------------------------------------------------------------------------------

def test_an_open_path_passes():
    for v in (GROUPS, ACLS, UNDECIDED):
        assert messages(v, base()) == []


def test_a_missing_ingress_rule_is_refused_on_the_producer():
    (found,) = messages(GROUPS, without(base(), "db-in"))
    assert found[1] == "proxy" and "no ingress rule" in found[0] and "TCP 5432" in found[0]
    assert "ECS service svc -> RDS Proxy orders-proxy" in found[0]


def test_a_wrong_port_is_refused():
    (found,) = messages(GROUPS, replace(base(), rule("in", "db-in", "db-sg", 5433, peer="svc-sg")))
    assert "TCP 5432" in found[0]
    # a range holding the port is fine
    assert messages(GROUPS, replace(base(), rule("in", "db-in", "db-sg", (5400, 5500), peer="svc-sg"))) == []


def test_an_ingress_from_another_group_does_not_admit_the_service():
    other = [sg("other-sg"), rule("in", "db-in", "db-sg", 5432, peer="other-sg")]
    (found,) = messages(GROUPS, replace(base(), *other))
    assert "no ingress rule" in found[0] and "svc-sg" in found[0]


def test_a_consumer_without_egress_is_refused():
    (found,) = messages(GROUPS, without(base(), "svc-out"))
    assert found[1] == "svc" and "no egress rule" in found[0] and "have no egress rule" in found[0]
    only_https = replace(base(), rule("out", "svc-out", "svc-sg", 443, cidr="0.0.0.0/0"))
    assert [u for _, u in messages(GROUPS, only_https)] == ["svc"]
    by_group = replace(base(), rule("out", "svc-out", "svc-sg", 5432, peer="db-sg"))
    assert messages(GROUPS, by_group) == []


def test_inline_rules_of_a_security_group_count():
    db_sg = res(SG, "db-sg", {"description": "db", "vpcId": "vpc-1", "ingress": [
        {"protocol": "tcp", "fromPort": 5432, "toPort": 5432, "securityGroups": ["sg-svc-sg"]}]},
        vpcId=[(VPC, "net")], ingress=[(SG, "svc-sg")])
    assert messages(GROUPS, replace(without(base(), "db-in"), db_sg)) == []
    db_sg["props"]["ingress"][0]["fromPort"] = db_sg["props"]["ingress"][0]["toPort"] = 3306
    assert [u for _, u in messages(GROUPS, replace(without(base(), "db-in"), db_sg))] == ["proxy"]


def test_a_first_preview_decides_from_the_graph():
    """Ids unknown: the rules and the service name their groups only through property dependencies."""
    preview = copy.deepcopy(base())
    for r in preview:
        p = r["props"]
        for key in ("securityGroupId", "referencedSecurityGroupId", "vpcId"):
            if key in p:
                p[key] = U_STR
        if r["type"] == SERVICE:
            p["networkConfiguration"] = {"securityGroups": [U_STR], "subnets": U_LIST}
            p["taskDefinition"] = U_STR
        if r["type"] == PROXY:
            p.update(vpcSecurityGroupIds=[U_STR], vpcSubnetIds=U_LIST)
        if r["type"] == TASK:
            p["containerDefinitions"] = U_STR
    for v in (GROUPS, ACLS, UNDECIDED):
        assert messages(v, preview) == []
    wrong = copy.deepcopy(preview)
    next(r for r in wrong if r["name"] == "db-in")["props"].update(fromPort=5433, toPort=5433)
    assert [u for _, u in messages(GROUPS, wrong)] == ["proxy"]


def test_a_group_from_outside_the_stack_is_advisory():
    external = "sg-0123456789abcdef0"
    # The service also uses a group of another stack: it may hold the egress rule, and the proxy admits it.
    literal_peer = res(INGRESS, "db-in", {"ipProtocol": "tcp", "fromPort": 5432, "toPort": 5432,
                                          "securityGroupId": "sg-db-sg", "referencedSecurityGroupId": external},
                       securityGroupId=[(SG, "db-sg")])
    outside = replace(without(base(), "svc-out"), service(extra_groups=(external,)), literal_peer)
    assert messages(GROUPS, outside) == []
    (found,) = messages(UNDECIDED, outside)
    assert "egress and ingress" in found[0] and "outside the stack" in found[0]
    # Without the outside group on the service, the proxy's rule for it admits nobody of the plan.
    assert [u for _, u in messages(GROUPS, replace(base(), literal_peer))] == ["proxy"]


def test_an_address_rule_narrower_than_the_vpc_needs_the_subnets():
    narrow = replace(base(), rule("in", "db-in", "db-sg", 5432, cidr="10.0.0.0/24"))
    assert messages(GROUPS, narrow) == []  # the service's subnets' ranges are not in the plan
    assert len(messages(UNDECIDED, narrow)) == 1
    subnets = [res(SUBNET, "a", {"id": "subnet-a", "cidrBlock": "10.0.0.0/25"}),
               res(SUBNET, "b", {"id": "subnet-b", "cidrBlock": "10.0.0.128/25"})]
    assert messages(GROUPS, narrow + subnets) == [] and messages(UNDECIDED, narrow + subnets) == []
    subnets[1]["props"]["cidrBlock"] = "10.0.1.0/24"  # the second subnet lies outside the rule
    assert [u for _, u in messages(GROUPS, narrow + subnets)] == ["proxy"]
    # an unrelated range is refused even without the subnets
    far = replace(base(), rule("in", "db-in", "db-sg", 5432, cidr="192.168.0.0/16"))
    assert [u for _, u in messages(GROUPS, far)] == ["proxy"]


# ---- the other wires ----------------------------------------------------------------------------------------------

MSK = "aws:msk/cluster:Cluster"


def kafka(iam=True, scram=True) -> dict:
    return res(MSK, "kafka", {"clusterName": "events", "brokerNodeGroupInfo": {
        "securityGroups": ["sg-db-sg"], "clientSubnets": SUBNETS},
        "clientAuthentication": {"sasl": {"iam": iam, "scram": scram}, "unauthenticated": False},
        "encryptionInfo": {"encryptionInTransit": {"clientBroker": "TLS"}}},
        brokerNodeGroupInfo=[(SG, "db-sg"), (VPC, "net")])


def test_a_kafka_client_needs_one_listener_or_the_one_its_environment_names():
    plan = replace(without(base(), "proxy"), kafka(), task((MSK, "kafka"), env=[{"name": "X", "value": "1"}]),
                   rule("in", "db-in", "db-sg", 9096, peer="svc-sg"))
    assert messages(GROUPS, plan) == []  # SCRAM open: the client may use it
    named = replace(plan, task((MSK, "kafka"), env=[
        {"name": "KAFKA_BOOTSTRAP_SERVERS", "value": "b-1.events.abc.c2.kafka.us-east-1.amazonaws.com:9098"}]))
    (found,) = messages(GROUPS, named)
    assert "TCP 9098" in found[0]
    closed = replace(plan, rule("in", "db-in", "db-sg", 9092, peer="svc-sg"))
    (found,) = messages(GROUPS, closed)
    assert "none of the listener ports TCP 9098/9096" in found[0]


def test_a_broker_client_needs_every_port_its_environment_names():
    broker = res("aws:mq/broker:Broker", "mq", {"brokerName": "payments", "engineType": "ActiveMQ",
                                                "securityGroups": ["sg-db-sg"], "subnetIds": SUBNETS[:1]},
                 securityGroups=[(SG, "db-sg")], subnetIds=[(VPC, "net")])
    env = [{"name": "MQ_OPENWIRE", "value": "ssl://b-1-1.mq.us-east-1.amazonaws.com:61617"},
           {"name": "MQ_AMQP", "value": "amqp+ssl://b-1-1.mq.us-east-1.amazonaws.com:5671"}]
    plan = replace(without(base(), "proxy"), broker, task(("aws:mq/broker:Broker", "mq"), env=env),
                   rule("in", "db-in", "db-sg", 61617, peer="svc-sg"))
    (found,) = messages(GROUPS, plan)
    assert "TCP 5671" in found[0] and "Amazon MQ broker payments" in found[0]


def test_a_file_system_needs_nfs_to_each_mount_target():
    fs = res("aws:efs/fileSystem:FileSystem", "fs", {})
    mts = [res("aws:efs/mountTarget:MountTarget", f"mt-{i}", {"fileSystemId": "fs-1", "securityGroups": ["sg-db-sg"],
                                                              "subnetId": s},
               fileSystemId=[("aws:efs/fileSystem:FileSystem", "fs")], securityGroups=[(SG, "db-sg")])
           for i, s in enumerate(SUBNETS)]
    t = task()
    t["props"]["volumes"] = [{"name": "shared", "efsVolumeConfiguration": {"fileSystemId": "fs-1"}}]
    t["deps"]["volumes"] = [urn("aws:efs/fileSystem:FileSystem", "fs")]
    plan = replace(without(base(), "proxy"), fs, *mts, t, rule("in", "db-in", "db-sg", 2049, peer="svc-sg"))
    assert messages(GROUPS, plan) == []
    found = messages(GROUPS, replace(plan, rule("in", "db-in", "db-sg", 2048, peer="svc-sg")))
    assert sorted(u for _, u in found) == ["mt-0", "mt-1"] and "TCP 2049" in found[0][0]


def endpoint(service_name="com.amazonaws.us-east-1.ecr.api", private_dns=True) -> dict:
    return res("aws:ec2/vpcEndpoint:VpcEndpoint", "ecr", {
        "serviceName": service_name, "vpcEndpointType": "Interface", "privateDnsEnabled": private_dns,
        "securityGroupIds": ["sg-ep-sg"], "subnetIds": SUBNETS, "vpcId": "vpc-1"},
        securityGroupIds=[(SG, "ep-sg")], vpcId=[(VPC, "net")], subnetIds=[(VPC, "net")])


def test_an_interface_endpoint_the_task_needs_admits_https():
    private_image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/app:1"
    plan = replace(base(), sg("ep-sg"), endpoint(), task((PROXY, "proxy"), image=private_image),
                   rule("in", "ep-in", "ep-sg", 443, cidr="10.0.0.0/16"))
    assert messages(GROUPS, plan) == []
    (found,) = messages(GROUPS, replace(plan, rule("in", "ep-in", "ep-sg", 443, cidr="10.1.0.0/16")))
    assert found[1] == "ecr" and "interface endpoint ecr.api" in found[0]
    # a public image needs no ECR endpoint; an endpoint without private DNS is not on the task's path
    assert messages(GROUPS, replace(plan, task((PROXY, "proxy")), rule("in", "ep-in", "ep-sg", 80,
                                                                      cidr="10.0.0.0/16"))) == []
    assert messages(GROUPS, replace(plan, endpoint(private_dns=False), rule("in", "ep-in", "ep-sg", 80,
                                                                           cidr="10.0.0.0/16"))) == []


def test_a_load_balancer_reaches_the_container_and_health_check_ports():
    lb = res("aws:lb/loadBalancer:LoadBalancer", "alb", {"securityGroups": ["sg-alb-sg"], "subnets": SUBNETS},
             securityGroups=[(SG, "alb-sg")], subnets=[(VPC, "net")])
    tg = res("aws:lb/targetGroup:TargetGroup", "tg", {"port": 8080, "targetType": "ip",
                                                      "healthCheck": {"port": "traffic-port"}})
    listener = res("aws:lb/listener:Listener", "https", {"loadBalancerArn": "arn:lb", "defaultActions": [
        {"type": "forward", "targetGroupArn": "arn:tg"}]},
        loadBalancerArn=[("aws:lb/loadBalancer:LoadBalancer", "alb")],
        defaultActions=[("aws:lb/targetGroup:TargetGroup", "tg")])
    svc = service()
    svc["props"]["loadBalancers"] = [{"containerName": "app", "containerPort": 8080, "targetGroupArn": "arn:tg"}]
    svc["deps"]["loadBalancers"] = [urn("aws:lb/targetGroup:TargetGroup", "tg")]
    plan = replace(base(), sg("alb-sg"), lb, tg, listener, svc,
                   rule("out", "alb-out", "alb-sg", 8080, cidr="10.0.0.0/16"),
                   rule("in", "svc-in", "svc-sg", 8080, peer="alb-sg"))
    assert messages(GROUPS, plan) == []
    tg["props"]["healthCheck"]["port"] = "8081"  # a separate health-check port nobody opened
    found = messages(GROUPS, replace(plan, tg))
    assert {u for _, u in found} == {"alb", "svc"} and all("TCP 8081" in m for m, _ in found)


def test_a_proxy_reaches_its_database_on_the_database_port():
    db = res(DB, "db", {"identifier": "orders-db", "engine": "postgres", "vpcSecurityGroupIds": ["sg-rds-sg"],
                        "dbSubnetGroupName": "db-subnets"}, vpcSecurityGroupIds=[(SG, "rds-sg")])
    target = res("aws:rds/proxyTarget:ProxyTarget", "target", {"dbProxyName": "orders-proxy",
                                                               "dbInstanceIdentifier": "orders-db"},
                 dbProxyName=[(PROXY, "proxy")], dbInstanceIdentifier=[(DB, "db")])
    plan = replace(base(), sg("rds-sg"), db, target, rule("out", "proxy-out", "db-sg", 5432, peer="rds-sg"),
                   rule("in", "rds-in", "rds-sg", 5432, peer="db-sg"))
    assert messages(GROUPS, plan) == []
    db["props"]["port"] = 6543  # a custom database port: the proxy dials 6543, the rules open 5432
    found = messages(GROUPS, replace(plan, db))
    assert {u for _, u in found} == {"proxy", "db"} and all("TCP 6543" in m for m, _ in found)


# ---- network ACLs ---------------------------------------------------------------------------------------------------

def acl(ingress, egress=None, subnets=SUBNETS, name="private") -> dict:
    egress = egress if egress is not None else [{"action": "allow", "cidrBlock": "0.0.0.0/0", "protocol": "-1",
                                                 "ruleNo": 100, "fromPort": 0, "toPort": 0}]
    return res(NACL, name, {"ingress": ingress, "egress": egress, "subnetIds": subnets, "vpcId": "vpc-1"},
               subnetIds=[(VPC, "net")], vpcId=[(VPC, "net")])


def entry(rule_no, port, cidr="10.0.0.0/16", action="allow", protocol="tcp") -> dict:
    low, high = (port, port) if isinstance(port, int) else port
    return {"action": action, "cidrBlock": cidr, "protocol": protocol, "ruleNo": rule_no, "fromPort": low,
            "toPort": high}


def test_an_acl_needs_the_port_and_the_ephemeral_replies():
    only_port = base(acl([entry(100, 5432)]))
    (found,) = messages(ACLS, only_port)
    assert "the replies in from RDS Proxy orders-proxy (TCP 32768-61000)" in found[0] and found[1] == "private"
    linux_replies = base(acl([entry(100, 5432), entry(110, (32768, 65535))]))
    assert messages(ACLS, linux_replies) == []
    (found,) = messages(ACLS, base(acl([entry(100, (1024, 65535))], egress=[entry(100, (32768, 65535))])))
    assert "TCP 5432 out to RDS Proxy" in found[0]  # egress holds only the Linux ephemeral range


def test_a_deny_before_the_allow_wins():
    denied = base(acl([entry(50, 5432, action="deny"), entry(100, (0, 65535), protocol="-1")]))
    (found,) = messages(ACLS, denied)
    assert "TCP 5432 in from ECS service svc" in found[0]
    later = base(acl([entry(100, (0, 65535), protocol="-1"), entry(150, 5432, action="deny")]))
    assert messages(ACLS, later) == []


def test_acl_address_ranges_narrower_than_the_vpc_are_advisory():
    narrow = base(acl([entry(100, (0, 65535), cidr="10.0.0.0/17", protocol="-1")]))
    assert messages(ACLS, narrow) == []
    assert messages(UNDECIDED, narrow)
    outside = base(acl([entry(100, (0, 65535), cidr="172.16.0.0/12", protocol="-1")]))
    assert messages(ACLS, outside)  # nothing of the VPC is admitted: refused without the subnets


def test_acls_at_a_first_preview_follow_the_shared_vpc():
    preview = base(acl([entry(100, 5432)], subnets=U_LIST))
    for r in preview:
        if r["type"] == SERVICE:
            r["props"]["networkConfiguration"]["subnets"] = U_LIST
        if r["type"] == PROXY:
            r["props"]["vpcSubnetIds"] = U_LIST
    assert messages(ACLS, preview)  # the only ACL built from the VPC refuses the replies
    ok = base(acl([entry(100, (0, 65535), protocol="-1")], subnets=U_LIST))
    assert messages(ACLS, ok) == []


def test_one_shared_subnet_is_not_filtered_and_a_subnet_without_acl_uses_the_default():
    one = replace(base(acl([entry(100, 5432)], subnets=["subnet-a"])), service(subnets=["subnet-a"]),
                  proxy(subnets=["subnet-a"]))
    assert messages(ACLS, one) == []
    elsewhere = base(acl([entry(100, 5432)], subnets=["subnet-z"]))
    assert messages(ACLS, elsewhere) == []  # the VPC's default ACL, unmanaged, allows all


# ---- the recorded plans ----------------------------------------------------------------------------------------------

OWN = {"network-path-security-groups", "network-path-network-acls", "network-path-undecided"}


def _ours(plan: dict, stack: str = "prod") -> list[tuple[str, str, str]]:
    return [(v["policy"], v["level"], v["urn"].split("::")[-1]) for v in evaluate(plan, stack)
            if v["policy"] in OWN]


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_the_committed_plans_pass(stack):
    assert _ours(plan_for(stack), stack) == []


def test_a_first_preview_of_prod_passes():
    assert _ours(preview_plan_for("prod")) == []


def _drop(name: str):
    def edit(plan: dict) -> None:
        gone = find(plan, name=name)
        plan["resources"].remove(gone)
        for r in plan["resources"]:
            r["propertyDependencies"] = {k: [u for u in v if u != gone["urn"]]
                                         for k, v in (r.get("propertyDependencies") or {}).items()}
    return edit


def _inputs(name: str, change):
    def edit(plan: dict) -> None:
        change(find(plan, name=name)["inputs"])
    return edit


@pytest.mark.parametrize("edit,expected", [
    # a ServiceAccess that forgot its network rule: the proxy admits nobody
    (_drop("compute-user-grant-user-database-proxy"), ("network-path-security-groups", "data-user-proxy-proxy")),
    # the cache opened on the database port
    (_inputs("compute-inventory-grant-inventory-cache", lambda i: i.update(fromPort=5432, toPort=5432)),
     ("network-path-security-groups", "data-cache-group")),
    # the payment service's broker rules keep OpenWire but lose AMQP, which its environment names
    (_drop("compute-payment-grant-payment-activemq-amqp-tls"), ("network-path-security-groups", "messaging-mq-broker")),
    # a service whose VPC-wide egress is gone: only HTTPS to the internet is left
    (_drop("compute-order-to-vpc"), ("network-path-security-groups", "compute-order-service")),
    # the proxy can no longer reach its database
    (_drop("data-order-proxy-db-from-proxy"), ("network-path-security-groups", "data-order-db")),
    # the private ACL admits only HTTPS from the VPC and the Linux ephemeral range: no database port
    (_inputs("network-private-acl", lambda i: (i["ingress"][0].update(protocol="tcp", fromPort=443, toPort=443),
                                               i["ingress"][1].update(fromPort=32768))),
     ("network-path-network-acls", "network-private-acl")),
    # the private ACL lets only HTTPS out: requests to the data stores never leave the service subnets
    (_inputs("network-private-acl", lambda i: i["egress"][0].update(protocol="tcp", fromPort=443, toPort=443)),
     ("network-path-network-acls", "network-private-acl")),
], ids=["no-ingress-rule", "cache-wrong-port", "mq-amqp-closed", "no-egress", "proxy-to-db", "acl-https-in",
        "acl-https-out"])
def test_mistakes_in_the_prod_plan_are_refused(edit, expected):
    found = {(p, u) for p, level, u in _ours(mutated(plan_for("prod"), edit)) if level == "mandatory"}
    assert expected in found, found


def test_the_real_pack_refuses_a_missing_ingress_rule():
    """End to end over gRPC (preflight.analyzer), as preflight and the engine run the pack."""
    from preflight import analyzer

    from pack_inproc import ROOT

    plan = mutated(plan_for("prod"), _drop("compute-user-grant-user-database-proxy"))
    result = analyzer.run_policy_pack(plan, ROOT / "policies" / "config" / "prod.json", policy_dir=ROOT / "policies")
    hits = [v for v in result["violations"] if v["policy"] == "network-path-security-groups"]
    assert hits and all(v["level"] == "mandatory" for v in hits), result["violations"][:3]
    assert any("data-user-proxy-proxy" in v["urn"] and "TCP 5432" in v["message"] for v in hits)
