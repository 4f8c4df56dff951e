"""Availability: every stateful or serving tier survives the loss of one AZ.

Mandatory in prod, advisory in dev (policies/config/*.json); the code default is
advisory so a stack without a config file is warned, not blocked.  A value that
is unknown during preview is skipped, a missing one means the provider default.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from ._props import (LB_TYPES, UNKNOWN, as_bool, as_int, as_list, as_str, cache_has_replica, get, integer,
                     is_unknown, options, resource_policy, stack_policy)

ADVISORY = EnforcementLevel.ADVISORY

RDS_INSTANCE = "aws:rds/instance:Instance"
REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
MSK_CLUSTER = "aws:msk/cluster:Cluster"
MQ_BROKER = "aws:mq/broker:Broker"
ECS_SERVICE = "aws:ecs/service:Service"
EFS_FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
SUBNET = "aws:ec2/subnet:Subnet"
AWSX_VPC = "awsx:ec2:Vpc"


# ---- RDS -------------------------------------------------------------------------------------

def validate_rds_multi_az(args, report_violation) -> None:
    if args.resource_type != RDS_INSTANCE:
        return
    source = get(args.props, "replicateSourceDb")
    if source not in (None, ""):  # a read replica (or unknown source): Multi-AZ is the primary's business
        return
    multi_az = as_bool(get(args.props, "multiAz"), False)  # provider default: single-AZ
    if multi_az is False:
        report_violation("multiAz is not true: the database has no standby in a second AZ.", None)


# ---- ElastiCache -----------------------------------------------------------------------------

def validate_elasticache_multi_az(args, report_violation) -> None:
    if args.resource_type != REPLICATION_GROUP:
        return
    failover = as_bool(get(args.props, "automaticFailoverEnabled"), False)
    multi_az = as_bool(get(args.props, "multiAzEnabled"), False)
    problems = []
    if failover is False:
        problems.append("automaticFailoverEnabled is not true")
    if multi_az is False:
        problems.append("multiAzEnabled is not true")
    if cache_has_replica(args.props) is False:
        problems.append("no replica (numCacheClusters < 2 and replicasPerNodeGroup < 1)")
    if problems:
        report_violation("Cache is not Multi-AZ: " + "; ".join(problems) + ".", None)


# ---- MSK -------------------------------------------------------------------------------------

MSK_CONFIG = {"minAzs": integer("Client subnets (one per AZ) an MSK cluster must span.", 2, minimum=1)}


def validate_msk_multi_az(args, report_violation) -> None:
    if args.resource_type != MSK_CLUSTER:
        return
    min_azs = as_int(options(args, MSK_CONFIG)["minAzs"], 2)
    subnets = as_list(get(args.props, "brokerNodeGroupInfo.clientSubnets"))
    brokers = as_int(get(args.props, "numberOfBrokerNodes"))
    if is_unknown(subnets):
        return
    if len(subnets) < min_azs:
        report_violation(f"brokerNodeGroupInfo.clientSubnets has {len(subnets)} subnet(s); "
                         f"at least {min_azs} (one per AZ) required.", None)
    # The broker count being a multiple of the subnets is checked by msk-broker-count-multiple-of-subnets.
    if not is_unknown(brokers) and brokers is not None and brokers < max(min_azs, 1):
        report_violation(f"numberOfBrokerNodes is {brokers}; at least one broker in each of "
                         f"{min_azs} AZs required.", None)


# ---- Amazon MQ -------------------------------------------------------------------------------

MQ_MULTI_AZ_MODES = ("ACTIVE_STANDBY_MULTI_AZ", "CLUSTER_MULTI_AZ")


def validate_mq_multi_az(args, report_violation) -> None:
    if args.resource_type != MQ_BROKER:
        return
    mode = as_str(get(args.props, "deploymentMode"), "SINGLE_INSTANCE")  # provider default
    if is_unknown(mode):
        return
    if mode not in MQ_MULTI_AZ_MODES:
        report_violation(f"deploymentMode is {mode}; use ACTIVE_STANDBY_MULTI_AZ (ActiveMQ) or "
                         f"CLUSTER_MULTI_AZ (RabbitMQ).", None)


# ---- ECS -------------------------------------------------------------------------------------

ECS_CONFIG = {
    "minTasks": integer("Smallest desiredCount for a service to be spread over two AZs.", 2, minimum=1),
    "minSubnets": integer("Subnets (AZs) a service's awsvpc network configuration must list.", 2, minimum=1),
}


def validate_ecs_service_multi_az(args, report_violation) -> None:
    if args.resource_type != ECS_SERVICE:
        return
    if as_str(get(args.props, "schedulingStrategy"), "REPLICA") == "DAEMON":
        return  # a daemon runs on every instance; there is no count to spread
    opts = options(args, ECS_CONFIG)
    min_tasks, min_subnets = as_int(opts["minTasks"], 2), as_int(opts["minSubnets"], 2)
    desired = as_int(get(args.props, "desiredCount"), 0)  # provider default 0
    if not is_unknown(desired) and desired < min_tasks:
        report_violation(f"desiredCount is {desired}; at least {min_tasks} tasks are needed to survive "
                         f"the loss of an AZ.", None)
    subnets = as_list(get(args.props, "networkConfiguration.subnets"))
    if not is_unknown(subnets) and len(subnets) < min_subnets:
        report_violation(f"networkConfiguration.subnets lists {len(subnets)} subnet(s); at least "
                         f"{min_subnets} (one per AZ) required.", None)


# ---- ALB -------------------------------------------------------------------------------------

def validate_alb_multi_az(args, report_violation) -> None:
    if args.resource_type not in LB_TYPES:
        return
    lb_type = as_str(get(args.props, "loadBalancerType"), "application")
    if lb_type != "application":
        return
    subnets = as_list(get(args.props, "subnets"))
    mappings = as_list(get(args.props, "subnetMappings"))
    if is_unknown(subnets) or is_unknown(mappings):
        return
    count = max(len(subnets), len(mappings))
    # AWS rejects an ALB with subnets in fewer than two AZs (ELB docs, "Availability Zones", 2026-11).
    if count < 2:
        report_violation(f"The ALB has {count} subnet(s); an ALB needs subnets in at least two AZs.", None)


# ---- EFS -------------------------------------------------------------------------------------

def validate_efs_regional(args, report_violation) -> None:
    if args.resource_type != EFS_FILE_SYSTEM:
        return
    az = get(args.props, "availabilityZoneName")
    if is_unknown(az):
        return
    if az:
        report_violation(f"availabilityZoneName is {az}: a One Zone file system is lost with its AZ; "
                         f"omit it for a Regional file system.", None)


# ---- NAT gateways per AZ (stack) ---------------------------------------------------------------

NAT_CONFIG = {
    "defaultAzCount": integer("AZ count assumed for an awsx Vpc that states none (awsx default: 3).", 3, 1),
}


def _ancestors(resource, by_urn: dict) -> list:
    """URNs of the resource's ancestors, nearest first (tolerates missing parents)."""
    out, seen = [], set()
    parent = _parent_urn(resource)
    while parent and parent not in seen:
        seen.add(parent)
        out.append(parent)
        parent = _parent_urn(by_urn[parent]) if parent in by_urn else None
    return out


def _parent_urn(resource) -> Any:
    parent = getattr(resource, "parent", None)
    if parent is not None and getattr(parent, "urn", None):
        return parent.urn
    opts = getattr(resource, "opts", None)
    return getattr(opts, "parent", None) or None


def _public_nat(nat) -> bool:
    kind = as_str(get(nat.props, "connectivityType"), "public")
    return kind != "private"  # a private NAT gives no internet egress: not what this rule counts


def _nat_covers_all_azs(nat) -> bool:
    # A regional NAT gateway (availabilityMode "regional", 2025) spans every AZ of its VPC.
    return as_str(get(nat.props, "availabilityMode"), "zonal") == "regional"


def _vpc_az_count(vpc, subnets: list, default: int) -> Any:
    """AZs an awsx Vpc spans: its child subnets (real engine) or its inputs (mocks)."""
    azs = {as_str(get(s.props, "availabilityZone")) for s in subnets}
    azs.discard(None)
    if azs and UNKNOWN not in azs:
        return len(azs)
    names = as_list(get(vpc.props, "availabilityZoneNames"))
    if not is_unknown(names) and names:
        return len(names)
    count = as_int(get(vpc.props, "numberOfAvailabilityZones"))
    if is_unknown(count):
        return UNKNOWN
    return count if count else default


def validate_nat_gateway_per_az(args, report_violation) -> None:
    opts = options(args, NAT_CONFIG)
    default_azs = as_int(opts["defaultAzCount"], 3)
    resources = list(args.resources)
    by_urn = {r.urn: r for r in resources}
    vpcs = [r for r in resources if r.resource_type == AWSX_VPC]
    nats_by_vpc: dict[str, list] = {v.urn: [] for v in vpcs}
    subnets_by_vpc: dict[str, list] = {v.urn: [] for v in vpcs}
    has_children: set[str] = set()
    for r in resources:
        owner = next((u for u in _ancestors(r, by_urn) if u in nats_by_vpc), None)
        if owner is None:
            continue  # NATs outside an awsx Vpc: no AZ count to compare with (the platform has none)
        has_children.add(owner)
        if r.resource_type == NAT_GATEWAY:
            nats_by_vpc[owner].append(r)
        elif r.resource_type == SUBNET:
            subnets_by_vpc[owner].append(r)

    for vpc in vpcs:
        azs = _vpc_az_count(vpc, subnets_by_vpc[vpc.urn], default_azs)
        if is_unknown(azs):
            continue
        if vpc.urn in has_children:
            # Real engine: the Vpc's children exist - judge them, never the inputs too (also when they
            # disagree with the inputs, e.g. OnePerAz but one NAT child).  No public NAT child means no
            # private subnet depends on a NAT: passes, like strategy None.
            public = [n for n in nats_by_vpc[vpc.urn] if _public_nat(n)]
            if not public or any(_nat_covers_all_azs(n) for n in public):
                continue
            count, source = len(public), "NAT gateway resources"
        else:
            # Mocks: the remote component's children are not visible - judge the component inputs.
            strategy = as_str(get(vpc.props, "natGateways.strategy"), "OnePerAz")  # awsx default
            if is_unknown(strategy) or strategy in ("OnePerAz", "None"):
                continue  # None: private subnets have no NAT, so nothing depends on one AZ's NAT
            count, source = (1 if strategy == "Single" else 0), f"natGateways.strategy {strategy}"
        if count < azs:
            report_violation(f"VPC spans {azs} AZs but has {count} NAT gateway(s) ({source}); losing "
                             f"the NAT's AZ cuts egress for the others. Use natGateways.strategy OnePerAz.",
                             vpc.urn)


# ---- policies --------------------------------------------------------------------------------

POLICIES = [
    resource_policy(
        "rds-multi-az", "RDS instances (except read replicas) run Multi-AZ.",
        validate_rds_multi_az, ADVISORY, Severity.HIGH,
        "Set multiAz=true on the instance (settings multiAz.database)."),
    resource_policy(
        "elasticache-multi-az",
        "ElastiCache replication groups have automatic failover, Multi-AZ and at least one replica.",
        validate_elasticache_multi_az, ADVISORY, Severity.HIGH,
        "Set automaticFailoverEnabled=true, multiAzEnabled=true and numCacheClusters>=2 "
        "(settings multiAz.cache and cache.replicas>=1)."),
    resource_policy(
        "msk-multi-az", "MSK clusters span at least `minAzs` client subnets (one per AZ).",
        validate_msk_multi_az, ADVISORY, Severity.HIGH,
        "Pass one private subnet per AZ in brokerNodeGroupInfo.clientSubnets and at least one broker per AZ.",
        MSK_CONFIG),
    resource_policy(
        "mq-multi-az", "Amazon MQ brokers use a Multi-AZ deployment mode.",
        validate_mq_multi_az, ADVISORY, Severity.HIGH,
        "Set deploymentMode=ACTIVE_STANDBY_MULTI_AZ with two subnets (settings multiAz.broker) and a host "
        "type larger than mq.t3.micro."),
    resource_policy(
        "ecs-service-multi-az", "ECS services run at least `minTasks` tasks over at least `minSubnets` subnets.",
        validate_ecs_service_multi_az, ADVISORY, Severity.MEDIUM,
        "Set desiredCount>=2 (settings scaling.desiredCount) and list one private subnet per AZ in "
        "networkConfiguration.subnets.", ECS_CONFIG),
    resource_policy(
        "alb-multi-az", "Application load balancers have subnets in at least two AZs.",
        validate_alb_multi_az, ADVISORY, Severity.HIGH,
        "Pass the public subnets of every AZ in `subnets` (or `subnetMappings`)."),
    resource_policy(
        "efs-regional", "EFS file systems are Regional (no One Zone availabilityZoneName).",
        validate_efs_regional, ADVISORY, Severity.MEDIUM,
        "Remove availabilityZoneName and add a mount target in each AZ."),
    stack_policy(
        "nat-gateway-per-az",
        "Each awsx VPC has a NAT gateway in every AZ it spans (or a regional NAT gateway).",
        validate_nat_gateway_per_az, ADVISORY, Severity.MEDIUM,
        "Use natGateways.strategy=OnePerAz on the awsx Vpc (settings multiAz.natGatewayPerAz).", NAT_CONFIG),
]
