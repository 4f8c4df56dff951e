"""The plan's consumer-to-producer connections ("wires") and the TCP ports each one uses.

A wire is read from the graph, never from names:

* an ECS service connects to an RDS instance, RDS Proxy, ElastiCache replication group, MSK cluster or Amazon
  MQ broker whose output its task definition's ``containerDefinitions`` were built from (the endpoint in the
  environment), and to the mount targets of an EFS file system its task definition's ``volumes`` name;
* an ECS service uses the interface VPC endpoints (with private DNS) of its VPC for what its task definition
  needs from AWS: ECR for a private image, CloudWatch Logs for the awslogs driver, Secrets Manager or Systems
  Manager for ``secrets``, SSM messages for ECS Exec;
* a load balancer connects to the ECS services registered in a target group one of its listeners or listener
  rules forwards to, on the container port (and a separate health-check port);
* an RDS Proxy connects to the database of its ``proxyTarget``.

Ports come from platform_policies/facts/ports.py and the producer's own inputs.  A client of a Kafka cluster or
a broker may use one of several listeners: the ports named in its known environment (``host:port``), else any
one the producer offers.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterable, Optional

from ..facts.ports import (ELASTICACHE_ENGINE_PORTS, EPHEMERAL_ANY_CLIENT, EPHEMERAL_LINUX, EPHEMERAL_WINDOWS,
                           HTTPS_PORT, MQ_ENGINE_PORTS, NFS_PORT, RDS_PROXY_PORTS, msk_ports, rds_port)
from .graph import producer, producers
from .network_paths import GROUP_TYPES, Party, party, subnet_index, vpc_of
from .props import as_bool, as_int, as_list, as_str, get, is_unknown, parse_json

ECS_SERVICE, TASK_DEFINITION = "aws:ecs/service:Service", "aws:ecs/taskDefinition:TaskDefinition"
RDS_INSTANCE, RDS_PROXY = "aws:rds/instance:Instance", "aws:rds/proxy:Proxy"
RDS_PROXY_TARGET, RDS_SUBNET_GROUP = "aws:rds/proxyTarget:ProxyTarget", "aws:rds/subnetGroup:SubnetGroup"
REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
CACHE_SUBNET_GROUP = "aws:elasticache/subnetGroup:SubnetGroup"
MSK_CLUSTER, MQ_BROKER = "aws:msk/cluster:Cluster", "aws:mq/broker:Broker"
FILE_SYSTEM, ACCESS_POINT = "aws:efs/fileSystem:FileSystem", "aws:efs/accessPoint:AccessPoint"
MOUNT_TARGET = "aws:efs/mountTarget:MountTarget"
VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
LB_TYPES = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
TARGET_GROUP_TYPES = ("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup")
LISTENER_TYPES = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
LISTENER_RULE_TYPES = ("aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule")
ECR_REPOSITORY = "aws:ecr/repository:Repository"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
SECRET = "aws:secretsmanager/secret:Secret"
SSM_PARAMETER = "aws:ssm/parameter:Parameter"

_ENDPOINT_HOST_PORT = re.compile(r"[a-z0-9.-]+\.(?:kafka|mq)\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?:(\d{2,5})")


@dataclass
class Wire:
    consumer: Party
    producer: Party
    ports: tuple             # the ports the consumer uses
    any_of: bool             # True: one of ``ports`` open is enough (which one the client uses is not known)
    what: str                # "RDS Proxy prod-user-db-proxy"


# ---- parties ----------------------------------------------------------------------------------------------

def _subnet_sources(resource: Any, prop: str) -> frozenset:
    return frozenset(d.urn for d in producers(resource, prop) if d.resource_type not in GROUP_TYPES)


class Plan:
    """The plan's resources with the indexes the wires need."""

    def __init__(self, resources: Iterable[Any]):
        self.resources = list(resources)
        self.by_urn = {r.urn: r for r in self.resources}
        self.subnets = subnet_index(self.resources)

    def of(self, *types: str) -> list:
        return [r for r in self.resources if r.resource_type in types]

    def party(self, r: Any, label: str, groups: str, subnets: str, ephemeral: tuple = EPHEMERAL_ANY_CLIENT,
              subnet_owner: Any = None, subnet_prop: Optional[str] = None) -> Party:
        owner, prop = (subnet_owner, subnet_prop) if subnet_owner is not None else (r, subnets)
        ids = get(owner.props, prop)
        ids = ids if is_unknown(ids) else as_list(ids) if not isinstance(ids, str) else [ids]
        vpc = vpc_of(r, (groups.split(".")[0],)) or vpc_of(owner, (prop.split(".")[0],))
        return party(r, label, groups, ids, _subnet_sources(owner, prop.split(".")[0]), self.subnets,
                     self.by_urn, ephemeral, vpc)

    def named(self, types: tuple, prop: str, value: Any) -> Optional[Any]:
        if not isinstance(value, str) or not value:
            return None
        return next((r for r in self.of(*types) if as_str(get(r.props, prop)) == value), None)


def _name(r: Any, *props: str) -> str:
    for prop in props:
        value = as_str(get(r.props, prop))
        if isinstance(value, str) and value:
            return value
    return r.name


def service_party(plan: Plan, service: Any, task: Optional[Any]) -> Party:
    family = as_str(get(task.props, "runtimePlatform.operatingSystemFamily"), "LINUX") if task else "LINUX"
    ephemeral = EPHEMERAL_WINDOWS if isinstance(family, str) and family.startswith("WINDOWS") else EPHEMERAL_LINUX
    return plan.party(service, f"ECS service {_name(service, 'name')}", "networkConfiguration.securityGroups",
                      "networkConfiguration.subnets", ephemeral)


def _subnet_group(plan: Plan, r: Any, prop: str, group_type: str) -> Optional[Any]:
    return producer(r, prop, group_type) or plan.named((group_type,), "name", as_str(get(r.props, prop)))


def rds_party(plan: Plan, db: Any) -> Party:
    group = _subnet_group(plan, db, "dbSubnetGroupName", RDS_SUBNET_GROUP)
    label = f"RDS instance {_name(db, 'identifier')}"
    if group is None:
        return plan.party(db, label, "vpcSecurityGroupIds", "dbSubnetGroupName")
    return plan.party(db, label, "vpcSecurityGroupIds", "", subnet_owner=group, subnet_prop="subnetIds")


def proxy_party(plan: Plan, proxy: Any) -> Party:
    return plan.party(proxy, f"RDS Proxy {_name(proxy, 'name')}", "vpcSecurityGroupIds", "vpcSubnetIds")


def cache_party(plan: Plan, group: Any) -> Party:
    subnets = _subnet_group(plan, group, "subnetGroupName", CACHE_SUBNET_GROUP)
    label = f"ElastiCache replication group {_name(group, 'replicationGroupId')}"
    if subnets is None:
        return plan.party(group, label, "securityGroupIds", "subnetGroupName")
    return plan.party(group, label, "securityGroupIds", "", subnet_owner=subnets, subnet_prop="subnetIds")


# ---- ports of the producers -----------------------------------------------------------------------------

def _msk_offered(cluster: Any) -> tuple:
    p = cluster.props
    client = as_str(get(p, "encryptionInfo.encryptionInTransit.clientBroker"), "TLS")
    iam = as_bool(get(p, "clientAuthentication.sasl.iam"), False) is True
    scram = as_bool(get(p, "clientAuthentication.sasl.scram"), False) is True
    mtls = get(p, "clientAuthentication.tls") is not None
    unauthenticated = as_bool(get(p, "clientAuthentication.unauthenticated"),
                              get(p, "clientAuthentication") is None or not (iam or scram or mtls))
    if is_unknown(client):
        return ()
    tls_ok, plain_ok = client in ("TLS", "TLS_PLAINTEXT"), client in ("PLAINTEXT", "TLS_PLAINTEXT")
    return msk_ports(iam and tls_ok, scram and tls_ok, tls_ok and (mtls or unauthenticated is True),
                     plain_ok and unauthenticated is True)


def producer_ports(r: Any) -> tuple:
    """The ports a producer listens on for clients (() when its inputs do not tell)."""
    t, p = r.resource_type, r.props
    if t == RDS_INSTANCE:
        port = rds_port(as_str(get(p, "engine")), as_int(get(p, "port")))
        return () if port is None or is_unknown(port) else (port,)
    if t == RDS_PROXY:
        port = RDS_PROXY_PORTS.get(as_str(get(p, "engineFamily"), ""))
        return (port,) if port else ()
    if t == REPLICATION_GROUP:
        port = as_int(get(p, "port"))
        if is_unknown(port):
            return ()
        port = port or ELASTICACHE_ENGINE_PORTS.get(as_str(get(p, "engine"), "redis"))
        return (port,) if port else ()
    if t == MSK_CLUSTER:
        return _msk_offered(r)
    if t == MQ_BROKER:
        return MQ_ENGINE_PORTS.get(str(as_str(get(p, "engineType"), "")).upper(), ())
    return ()


def _env_ports(task: Optional[Any]) -> Optional[set]:
    """Ports named in ``host:port`` form for Kafka and Amazon MQ hosts in the known container definitions."""
    if task is None:
        return None
    defs = parse_json(get(task.props, "containerDefinitions"))
    if is_unknown(defs) or defs is None:
        return None
    return {int(p) for p in _ENDPOINT_HOST_PORT.findall(json.dumps(defs))}


# ---- the wires ----------------------------------------------------------------------------------------------

_SERVICE_PRODUCERS = {RDS_INSTANCE: rds_party, RDS_PROXY: proxy_party, REPLICATION_GROUP: cache_party,
                      MSK_CLUSTER: lambda plan, c: plan.party(c, f"MSK cluster {_name(c, 'clusterName')}",
                                                             "brokerNodeGroupInfo.securityGroups",
                                                             "brokerNodeGroupInfo.clientSubnets"),
                      MQ_BROKER: lambda plan, b: plan.party(b, f"Amazon MQ broker {_name(b, 'brokerName')}",
                                                           "securityGroups", "subnetIds")}


def _task_of(plan: Plan, service: Any) -> Optional[Any]:
    return producer(service, "taskDefinition", TASK_DEFINITION)


def service_wires(plan: Plan) -> list[Wire]:
    """ECS services to the data stores, brokers and file systems their task definitions are built from."""
    out = []
    for service in plan.of(ECS_SERVICE):
        if get(service.props, "networkConfiguration") is None:
            continue  # bridge or host networking: the instance's groups apply, not judged here
        task = _task_of(plan, service)
        if task is None:
            continue
        consumer = service_party(plan, service, task)
        env = _env_ports(task)
        seen = set()
        for dep in producers(task, "containerDefinitions", *_SERVICE_PRODUCERS):
            if dep.urn in seen:
                continue
            seen.add(dep.urn)
            offered = producer_ports(dep)
            if not offered:
                continue
            named = sorted(env & set(offered)) if env else []
            ports, any_of = (tuple(named), False) if named else (offered, len(offered) > 1)
            target = _SERVICE_PRODUCERS[dep.resource_type](plan, dep)
            out.append(Wire(consumer, target, ports, any_of, target.label))
        out.extend(_efs_wires(plan, consumer, task))
    return out


def _efs_wires(plan: Plan, consumer: Party, task: Any) -> list[Wire]:
    systems = {d.urn: d for d in producers(task, "volumes", FILE_SYSTEM)}
    for ap in producers(task, "volumes", ACCESS_POINT):
        fs = producer(ap, "fileSystemId", FILE_SYSTEM)
        if fs is not None:
            systems[fs.urn] = fs
    out = []
    for fs in systems.values():
        for mt in plan.of(MOUNT_TARGET):
            owner = producer(mt, "fileSystemId", FILE_SYSTEM)
            if owner is None or owner.urn != fs.urn:
                continue
            target = plan.party(mt, f"EFS file system {fs.name} (mount target {mt.name})", "securityGroups",
                                "subnetId")
            out.append(Wire(consumer, target, (NFS_PORT,), False, target.label))
    return out


def _task_needs(service: Any, task: Any) -> set:
    """The AWS endpoints (service-name suffixes) a task needs to start and run its agents."""
    needs = set()
    deps = {d.resource_type for d in producers(task, "containerDefinitions")}
    if ECR_REPOSITORY in deps:
        needs |= {"ecr.api", "ecr.dkr"}
    if LOG_GROUP in deps:
        needs.add("logs")
    if SECRET in deps:
        needs.add("secretsmanager")
    if SSM_PARAMETER in deps:
        needs.add("ssm")
    defs = parse_json(get(task.props, "containerDefinitions"))
    for c in (defs if isinstance(defs, list) else []):
        if not isinstance(c, dict):
            continue
        image = str(c.get("image") or "")
        if ".dkr.ecr." in image:
            needs |= {"ecr.api", "ecr.dkr"}
        if (c.get("logConfiguration") or {}).get("logDriver") == "awslogs":
            needs.add("logs")
        for s in c.get("secrets") or []:
            source = str((s or {}).get("valueFrom") or "")
            needs.add("ssm" if ":ssm:" in source or not source.startswith("arn:") else "secretsmanager")
    if as_bool(get(service.props, "enableExecuteCommand"), False) is True:
        needs.add("ssmmessages")
    return needs


def _endpoint_suffix(endpoint: Any) -> Optional[str]:
    name = as_str(get(endpoint.props, "serviceName"))
    if not isinstance(name, str):
        return None
    parts = name.split(".", 3)  # com.amazonaws.<region>.<service>
    return parts[3] if len(parts) == 4 else None


def endpoint_wires(plan: Plan) -> list[Wire]:
    """ECS services to the interface endpoints (private DNS on) of their VPC that their tasks need."""
    endpoints = [e for e in plan.of(VPC_ENDPOINT)
                 if as_str(get(e.props, "vpcEndpointType"), "Gateway") == "Interface"
                 and as_bool(get(e.props, "privateDnsEnabled"), False) is True]
    out = []
    for service in plan.of(ECS_SERVICE):
        task = _task_of(plan, service)
        if task is None or get(service.props, "networkConfiguration") is None:
            continue
        consumer = service_party(plan, service, task)
        needs = _task_needs(service, task)
        for e in endpoints:
            vpc = producer(e, "vpcId")
            if consumer.vpc is not None and vpc is not None and vpc.urn != consumer.vpc.urn:
                continue
            suffix = _endpoint_suffix(e)
            if suffix not in needs:
                continue
            target = plan.party(e, f"interface endpoint {suffix} ({e.name})", "securityGroupIds", "subnetIds")
            out.append(Wire(consumer, target, (HTTPS_PORT,), False, target.label))
    return out


def _forwarders(plan: Plan, target_group: Any) -> list:
    """Load balancers with a listener or listener rule that forwards to ``target_group``."""
    lbs = {}
    for listener in plan.of(*LISTENER_TYPES):
        rules = [r for r in plan.of(*LISTENER_RULE_TYPES)
                 if any(d.urn == listener.urn for d in producers(r, "listenerArn"))]
        forwards = any(d.urn == target_group.urn for d in producers(listener, "defaultActions")) or any(
            d.urn == target_group.urn for r in rules for d in producers(r, "actions"))
        lb = producer(listener, "loadBalancerArn")
        if forwards and lb is not None and lb.resource_type in LB_TYPES:
            lbs[lb.urn] = lb
    return list(lbs.values())


def lb_wires(plan: Plan) -> list[Wire]:
    """Load balancers to the ECS services registered in the target groups they forward to."""
    out = []
    for service in plan.of(ECS_SERVICE):
        entries = as_list(get(service.props, "loadBalancers"))
        groups = producers(service, "loadBalancers", *TARGET_GROUP_TYPES)
        if is_unknown(entries) or not entries or not groups or get(service.props, "networkConfiguration") is None:
            continue
        ports = {as_int(get(e, "containerPort")) for e in entries}
        if any(is_unknown(p) or p is None for p in ports):
            continue
        task = _task_of(plan, service)
        target = service_party(plan, service, task)
        seen = set()
        for tg in groups:
            check = as_str(get(tg.props, "healthCheck.port"), "traffic-port")
            needed = set(ports)
            if isinstance(check, str) and check.isdigit():
                needed.add(int(check))
            for lb in _forwarders(plan, tg):
                if lb.urn in seen:
                    continue
                seen.add(lb.urn)
                consumer = plan.party(lb, f"load balancer {lb.name}", "securityGroups", "subnets",
                                      EPHEMERAL_ANY_CLIENT)
                out.append(Wire(consumer, target, tuple(sorted(needed)), False, target.label))
    return out


def proxy_wires(plan: Plan) -> list[Wire]:
    """RDS proxies to the databases of their proxy targets, on the database's port."""
    out = []
    for target in plan.of(RDS_PROXY_TARGET):
        proxy = producer(target, "dbProxyName", RDS_PROXY) or plan.named(
            (RDS_PROXY,), "name", as_str(get(target.props, "dbProxyName")))
        db = producer(target, "dbInstanceIdentifier", RDS_INSTANCE) or plan.named(
            (RDS_INSTANCE,), "identifier", as_str(get(target.props, "dbInstanceIdentifier")))
        if proxy is None or db is None:
            continue
        ports = producer_ports(db)
        if ports:
            out.append(Wire(proxy_party(plan, proxy), rds_party(plan, db), ports, False, rds_party(plan, db).label))
    return out


def all_wires(resources: Iterable[Any]) -> list[Wire]:
    plan = Plan(resources)
    return service_wires(plan) + endpoint_wires(plan) + lb_wires(plan) + proxy_wires(plan)
