"""Availability rules: a compliant and a violating case each, plus unknown/missing values."""

from __future__ import annotations

from test_policies_support import U_BOOL, U_LIST, U_NUM, U_STR, check, check_stack, urn

from platform_policies import all_rules
from platform_policies.rules import ec2, ecs, efs, elasticache, elb, mq, msk, rds

SUBNETS3 = ["subnet-a", "subnet-b", "subnet-c"]


def test_rds_multi_az():
    t = "aws:rds/instance:Instance"
    assert check(rds.validate_rds_multi_az, t, {"multiAz": True}) == []
    assert check(rds.validate_rds_multi_az, t, {"multiAz": False})
    assert check(rds.validate_rds_multi_az, t, {})  # missing = provider default single-AZ
    assert check(rds.validate_rds_multi_az, t, {"replicateSourceDb": "db-1"}) == []  # replica excluded
    assert check(rds.validate_rds_multi_az, t, {"multiAz": U_BOOL}) == []  # unknown: no verdict, no crash
    assert check(rds.validate_rds_multi_az, t, {"replicateSourceDb": U_STR}) == []


def test_elasticache_multi_az():
    t = "aws:elasticache/replicationGroup:ReplicationGroup"
    good = {"automaticFailoverEnabled": True, "multiAzEnabled": True, "numCacheClusters": 2}
    assert check(elasticache.validate_elasticache_multi_az, t, good) == []
    assert check(elasticache.validate_elasticache_multi_az, t, {**good, "numCacheClusters": None,
                                                         "replicasPerNodeGroup": 1}) == []
    bad = check(elasticache.validate_elasticache_multi_az, t, {"numCacheClusters": 1})
    assert len(bad) == 1 and "automaticFailoverEnabled" in bad[0] and "no replica" in bad[0]
    assert check(elasticache.validate_elasticache_multi_az, t, {**good, "numCacheClusters": U_NUM}) == []


def test_msk_multi_az():
    t = "aws:msk/cluster:Cluster"
    good = {"numberOfBrokerNodes": 3, "brokerNodeGroupInfo": {"clientSubnets": SUBNETS3}}
    assert check(msk.validate_msk_multi_az, t, good, config={"minAzs": 3}) == []
    one = {"numberOfBrokerNodes": 1, "brokerNodeGroupInfo": {"clientSubnets": ["subnet-a"]}}
    assert len(check(msk.validate_msk_multi_az, t, one)) == 2  # default minAzs 2
    two = {"numberOfBrokerNodes": 2, "brokerNodeGroupInfo": {"clientSubnets": SUBNETS3[:2]}}
    assert check(msk.validate_msk_multi_az, t, two, config={"minAzs": 3})
    assert check(msk.validate_msk_multi_az, t, {"brokerNodeGroupInfo": {"clientSubnets": U_LIST}}) == []
    assert check(msk.validate_msk_multi_az, t, {})  # no subnets at all


def test_mq_multi_az():
    t = "aws:mq/broker:Broker"
    assert check(mq.validate_mq_multi_az, t, {"deploymentMode": "ACTIVE_STANDBY_MULTI_AZ"}) == []
    assert check(mq.validate_mq_multi_az, t, {"deploymentMode": "SINGLE_INSTANCE"})
    assert check(mq.validate_mq_multi_az, t, {})  # default SINGLE_INSTANCE
    assert check(mq.validate_mq_multi_az, t, {"deploymentMode": U_STR}) == []


SVC, LB, SUBNET, VPC = ("aws:ecs/service:Service", "aws:lb/loadBalancer:LoadBalancer", "aws:ec2/subnet:Subnet",
                        "awsx:ec2:Vpc")


def _subnets(*azs: str) -> list[dict]:
    """Real-engine awsx children: subnet resources whose ids (outputs) resolve to AZs."""
    return [{"type": SUBNET, "name": f"sn-{i}", "props": {"id": f"subnet-{i}", "availabilityZone": az}}
            for i, az in enumerate(azs)]


def _svc(subnets, desired=3, **extra) -> dict:
    return {"type": SVC, "name": "svc", "props": {"desiredCount": desired,
                                                  "networkConfiguration": {"subnets": subnets}, **extra}}


def test_ecs_service_multi_az_counts_azs_not_subnets():
    v = ecs.validate_ecs_service_multi_az
    spread = _subnets("us-east-1a", "us-east-1b")
    assert check_stack(v, [*spread, _svc(["subnet-0", "subnet-1"])]) == []
    one_az = _subnets("us-east-1a", "us-east-1a")  # two subnets, one AZ: no redundancy
    out = check_stack(v, [*one_az, _svc(["subnet-0", "subnet-1"])])
    assert len(out) == 1 and "1 AZ" in out[0][0]
    assert len(check_stack(v, [_svc(["s"], desired=1)])) == 2  # too few tasks and one subnet
    assert check_stack(v, [_svc(U_LIST, desired=U_NUM)]) == []
    assert check_stack(v, [_svc(["s"], schedulingStrategy="DAEMON")]) == []
    assert check_stack(v, [*spread, _svc(["subnet-0", "subnet-1"], desired=2)], config={"minTasks": 3}) != []


def test_ecs_service_multi_az_exempts_only_an_idle_load_generator_from_the_task_floor():
    v = ecs.validate_ecs_service_multi_az
    spread = _subnets("us-east-1a", "us-east-1b")
    tagged = {"tags": {"workload": "load-test"}}
    assert check_stack(v, [*spread, _svc(["subnet-0", "subnet-1"], desired=0, **tagged)]) == []
    assert check_stack(v, [*spread, _svc(["subnet-0", "subnet-1"], desired=1, **tagged)])  # running: judged
    assert check_stack(v, [*spread, _svc(["subnet-0", "subnet-1"], desired=0)])  # no tag: judged
    assert check_stack(v, [*spread, _svc(["subnet-0", "subnet-1"], desired=0, tags={"workload": "batch"})])
    out = check_stack(v, [*_subnets("us-east-1a", "us-east-1a"), _svc(["subnet-0", "subnet-1"], desired=0, **tagged)])
    assert len(out) == 1 and "1 AZ" in out[0][0]  # the AZ spread still counts


def test_ecs_service_multi_az_decides_unknown_ids_from_the_graph():
    """First preview: the ids are unknown; the awsx VPC they come from says how many AZs there can be."""
    v = ecs.validate_ecs_service_multi_az
    vpc_urn = urn(VPC, "vpc")

    def stack(azs):
        return [{"type": VPC, "name": "vpc", "urn": vpc_urn, "props": {"availabilityZoneNames": azs}},
                {**_svc([U_STR, U_STR]), "deps": {"networkConfiguration": [vpc_urn]}}]
    assert check_stack(v, stack(["us-east-1a", "us-east-1b"])) == []
    assert check_stack(v, stack(["us-east-1a"]))  # a one-AZ VPC cannot give two AZs
    assert check_stack(v, stack(U_LIST)) == []


def test_ecs_service_multi_az_reads_awsx_outputs():
    v = ecs.validate_ecs_service_multi_az
    vpc = {"type": VPC, "name": "vpc", "props": {"availabilityZoneNames": ["a", "b"],
                                                 "privateSubnetIds": ["p-a", "p-b"], "publicSubnetIds": ["u-a", "u-b"]}}
    assert check_stack(v, [vpc, _svc(["p-a", "p-b"])]) == []
    assert check_stack(v, [vpc, _svc(["p-a", "u-a"])])  # private and public subnet of the same AZ


def test_alb_multi_az_counts_azs_not_subnets():
    v = elb.validate_alb_multi_az
    for t in ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"):
        assert check_stack(v, [*_subnets("a", "b"), {"type": t, "name": "lb",
                                                     "props": {"subnets": ["subnet-0", "subnet-1"]}}]) == []
        assert check_stack(v, [*_subnets("a", "a"), {"type": t, "name": "lb",
                                                     "props": {"subnets": ["subnet-0", "subnet-1"]}}])
        assert check_stack(v, [{"type": t, "name": "lb", "props": {"subnets": ["subnet-a"]}}])
        assert check_stack(v, [{"type": t, "name": "lb", "props": {"subnets": ["subnet-a", "subnet-a"]}}])
        assert check_stack(v, [{"type": t, "name": "lb", "props": {
            "subnetMappings": [{"subnetId": "a"}, {"subnetId": "b"}]}}]) == []
        assert check_stack(v, [{"type": t, "name": "lb", "props": {"subnets": U_LIST}}]) == []
    assert check_stack(v, [{"type": LB, "name": "lb", "props": {"loadBalancerType": "network", "subnets": ["a"]}}]) == []


def test_efs_regional():
    t = "aws:efs/fileSystem:FileSystem"
    assert check(efs.validate_efs_regional, t, {"encrypted": True}) == []
    assert check(efs.validate_efs_regional, t, {"availabilityZoneName": "us-east-1a"})
    assert check(efs.validate_efs_regional, t, {"availabilityZoneName": U_STR}) == []


# ---- NAT per AZ: the same verdict from awsx inputs (mocks) and from NAT children (real engine) --------

VPC = "awsx:ec2:Vpc"
NET = "platform:network:Network"


def _vpc(strategy=None, azs=3):
    props = {"numberOfAvailabilityZones": azs}
    if strategy:
        props["natGateways"] = {"strategy": strategy}
    return {"type": VPC, "name": "vpc", "urn": urn(VPC, "vpc", (NET,)), "props": props}


def _children(nat_count: int, azs: int = 3, outputs_only: bool = True) -> list[dict]:
    vpc_urn = urn(VPC, "vpc", (NET,))
    out = []
    for i in range(azs):
        out.append({"type": "aws:ec2/subnet:Subnet", "name": f"public-{i}", "parent": vpc_urn,
                    "urn": urn("aws:ec2/subnet:Subnet", f"public-{i}", (NET, VPC)),
                    "props": {"availabilityZone": f"us-east-1{'abc'[i]}"}})
    for i in range(nat_count):
        out.append({"type": "aws:ec2/natGateway:NatGateway", "name": f"nat-{i}", "parent": vpc_urn,
                    "urn": urn("aws:ec2/natGateway:NatGateway", f"nat-{i}", (NET, VPC)),
                    "props": {"subnetId": f"subnet-{i}"}})
    return out


def _real_engine_vpc():
    # Under the real engine AnalyzeStack sees the component's outputs, not natGateways.strategy.
    return {"type": VPC, "name": "vpc", "urn": urn(VPC, "vpc", (NET,)),
            "props": {"vpcId": "vpc-1", "natGateways": []}}


def test_nat_one_per_az_passes_both_ways():
    assert check_stack(ec2.validate_nat_gateway_per_az, [_vpc("OnePerAz")]) == []
    assert check_stack(ec2.validate_nat_gateway_per_az, [_vpc()]) == []  # awsx default OnePerAz
    assert check_stack(ec2.validate_nat_gateway_per_az, [_real_engine_vpc(), *_children(3)]) == []


def test_nat_single_fails_both_ways_once():
    mocked = check_stack(ec2.validate_nat_gateway_per_az, [_vpc("Single")])
    real = check_stack(ec2.validate_nat_gateway_per_az, [_real_engine_vpc(), *_children(1)])
    assert len(mocked) == 1 and len(real) == 1
    assert mocked[0][1] == real[0][1] == urn(VPC, "vpc", (NET,))
    # Inputs and children together (a recorder that keeps both): children win, no double count.
    both = check_stack(ec2.validate_nat_gateway_per_az, [_vpc("Single"), *_children(1)])
    assert len(both) == 1
    assert check_stack(ec2.validate_nat_gateway_per_az, [_vpc("Single"), *_children(3)]) == []


def test_nat_two_azs_and_regional_and_none():
    assert check_stack(ec2.validate_nat_gateway_per_az, [_vpc("Single", azs=2)])
    assert check_stack(ec2.validate_nat_gateway_per_az, [_vpc("None")]) == []
    regional = _children(1)
    regional[-1]["props"]["availabilityMode"] = "regional"
    assert check_stack(ec2.validate_nat_gateway_per_az, [_real_engine_vpc(), *regional]) == []


def test_nat_unknown_values():
    assert check_stack(ec2.validate_nat_gateway_per_az, [_vpc(U_STR)]) == []
    vpc = _vpc("Single")
    vpc["props"]["numberOfAvailabilityZones"] = U_NUM
    assert check_stack(ec2.validate_nat_gateway_per_az, [vpc]) == []


AVAILABILITY_POLICIES = [r.policy for r in all_rules() if r.area == "availability"]


def test_policy_metadata():
    names = [p.name for p in AVAILABILITY_POLICIES]
    assert len(names) == len(set(names))
    for p in AVAILABILITY_POLICIES:
        assert p.enforcement_level is not None and p.severity is not None and p.remediation_steps
