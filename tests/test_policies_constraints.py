"""Acceptance rules: AWS constraints that mocks and preview accept but `pulumi up` rejects."""

from __future__ import annotations

from test_policies_support import U_LIST, U_NUM, U_STR, check, resource_args

from platform_policies.rules import cloudfront, cross_service, ecs, elasticache, elb, mq, msk, wafv2

physical_names = cross_service.validate_physical_names
cache_prerequisites = elasticache.validate_elasticache_multi_az_prerequisites

TD = "aws:ecs/taskDefinition:TaskDefinition"
FARGATE = {"requiresCompatibilities": ["FARGATE"]}



def test_fargate_cpu_memory():
    assert check(ecs.validate_fargate_cpu_memory, TD, {**FARGATE, "cpu": "256", "memory": "512"}) == []
    assert check(ecs.validate_fargate_cpu_memory, TD, {**FARGATE, "cpu": "1 vCPU", "memory": "2 GB"}) == []
    assert check(ecs.validate_fargate_cpu_memory, TD, {**FARGATE, "cpu": "256", "memory": "4096"})
    assert check(ecs.validate_fargate_cpu_memory, TD, {**FARGATE, "cpu": "300", "memory": "512"})
    assert check(ecs.validate_fargate_cpu_memory, TD, {**FARGATE, "cpu": "8192", "memory": "18432"})  # step 4096
    assert check(ecs.validate_fargate_cpu_memory, TD, FARGATE)  # Fargate needs task-level sizes
    assert check(ecs.validate_fargate_cpu_memory, TD, {**FARGATE, "cpu": U_STR, "memory": "512"}) == []


def test_physical_names():
    lb, tg = "aws:lb/loadBalancer:LoadBalancer", "aws:alb/targetGroup:TargetGroup"
    assert check(physical_names, lb, {}, name="prod-alb") == []
    long = "microservices-platform-prod"  # 27 + 8 > 32
    assert check(physical_names, lb, {}, name=long)
    assert check(physical_names, tg, {"name": long}) == []  # explicit name used as is (27 <= 32)
    assert check(physical_names, tg, {"name": "x" * 33})
    assert check(physical_names, tg, {"namePrefix": "tg-"}, name=long) == []  # provider's business
    assert check(physical_names, tg, {"name": U_STR}, name=long) == []
    role = "aws:iam/role:Role"
    assert check(physical_names, role, {}, name="r" * 56) == []
    assert check(physical_names, role, {}, name="r" * 57)


def test_rds_and_cache_identifiers():
    rds = "aws:rds/instance:Instance"
    assert check(physical_names, rds, {}, name="Prod-Orders-DB") == []  # auto-name lower-cased
    assert check(physical_names, rds, {"identifier": "Orders"})  # explicit must be lowercase
    assert check(physical_names, rds, {"identifier": "1orders"})
    assert check(physical_names, rds, {"identifier": "orders--db"})
    assert check(physical_names, rds, {}, name="orders_db")
    assert check(physical_names, rds, {}, name="o" * 56)
    rg = "aws:elasticache/replicationGroup:ReplicationGroup"
    assert check(physical_names, rg, {}, name="prod-inventory-cache") == []
    assert check(physical_names, rg, {}, name="prod-inventory-cache-primary-group")  # 34 + 8 > 40


def test_msk_brokers_per_subnet():
    t = "aws:msk/cluster:Cluster"
    nodes = lambda n, s: {"numberOfBrokerNodes": n, "brokerNodeGroupInfo": {"clientSubnets": s}}  # noqa: E731
    assert check(msk.validate_msk_brokers_per_subnet, t, nodes(6, ["a", "b", "c"])) == []
    assert check(msk.validate_msk_brokers_per_subnet, t, nodes(4, ["a", "b", "c"]))
    assert check(msk.validate_msk_brokers_per_subnet, t, nodes(1, ["a"]))  # 1 subnet: not allowed by MSK
    assert check(msk.validate_msk_brokers_per_subnet, t, nodes(U_NUM, ["a", "b"])) == []
    assert check(msk.validate_msk_brokers_per_subnet, t, nodes(3, U_LIST)) == []


def test_mq_deployment():
    t = "aws:mq/broker:Broker"
    assert check(mq.validate_mq_deployment, t, {"deploymentMode": "ACTIVE_STANDBY_MULTI_AZ",
                                                "hostInstanceType": "mq.m5.large", "subnetIds": ["a", "b"]}) == []
    assert check(mq.validate_mq_deployment, t, {"hostInstanceType": "mq.t3.micro", "subnetIds": ["a"]}) == []
    assert check(mq.validate_mq_deployment, t, {"deploymentMode": "ACTIVE_STANDBY_MULTI_AZ",
                                                "hostInstanceType": "mq.t3.micro", "subnetIds": ["a", "b"]})
    assert check(mq.validate_mq_deployment, t, {"deploymentMode": "SINGLE_INSTANCE", "subnetIds": ["a", "b"]})
    assert check(mq.validate_mq_deployment, t, {"deploymentMode": "ACTIVE_STANDBY_MULTI_AZ",
                                                "subnetIds": ["a", "b", "c"]})
    assert check(mq.validate_mq_deployment, t, {"deploymentMode": "ACTIVE_STANDBY_MULTI_AZ",
                                                "subnetIds": U_LIST}) == []


def test_elasticache_prerequisites():
    t = "aws:elasticache/replicationGroup:ReplicationGroup"
    assert check(cache_prerequisites, t,
                 {"multiAzEnabled": True, "automaticFailoverEnabled": True, "numCacheClusters": 2}) == []
    assert check(cache_prerequisites, t, {"numCacheClusters": 1}) == []  # plain single
    assert check(cache_prerequisites, t, {"multiAzEnabled": True, "numCacheClusters": 2})
    assert check(cache_prerequisites, t,
                 {"multiAzEnabled": True, "automaticFailoverEnabled": True, "numCacheClusters": 1})
    assert check(cache_prerequisites, t,
                 {"multiAzEnabled": True, "automaticFailoverEnabled": True, "numCacheClusters": U_NUM}) == []


def test_cloudfront_and_waf_regions():
    t = "aws:cloudfront/distribution:Distribution"
    ok = {"viewerCertificate": {"acmCertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/x"},
          "webAclId": "arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/abc"}
    assert check(cloudfront.validate_cloudfront_us_east_1, t, ok) == []
    default_cert = {"viewerCertificate": {"cloudfrontDefaultCertificate": True}}
    assert check(cloudfront.validate_cloudfront_us_east_1, t, default_cert) == []
    bad = {"viewerCertificate": {"acmCertificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/x"},
           "webAclId": "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/edge/abc"}
    assert len(check(cloudfront.validate_cloudfront_us_east_1, t, bad)) == 2
    assert check(cloudfront.validate_cloudfront_us_east_1, t, {"webAclId": U_STR}) == []
    waf = "aws:wafv2/webAcl:WebAcl"
    assert check(wafv2.validate_wafv2_cloudfront_region, waf, {"scope": "CLOUDFRONT"},
                 provider_props={"region": "us-east-1"}) == []
    assert check(wafv2.validate_wafv2_cloudfront_region, waf, {"scope": "CLOUDFRONT"},
                 provider_props={"region": "eu-west-1"})
    assert check(wafv2.validate_wafv2_cloudfront_region, waf, {"scope": "CLOUDFRONT", "region": "eu-west-1"})
    assert check(wafv2.validate_wafv2_cloudfront_region, waf, {"scope": "REGIONAL", "region": "eu-west-1"}) == []
    assert check(wafv2.validate_wafv2_cloudfront_region, waf, {"scope": "CLOUDFRONT"}) == []  # region unknown to us


def test_target_group_type():
    for t in ("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"):
        assert check(elb.validate_target_group_type, t, {"targetType": "ip"}) == []
        assert check(elb.validate_target_group_type, t, {"targetType": "instance"})
        assert check(elb.validate_target_group_type, t, {})  # default instance
        assert check(elb.validate_target_group_type, t, {"targetType": U_STR}) == []


def test_args_builder_keeps_name():
    assert resource_args("aws:iam/role:Role", {}, name="task-role").name == "task-role"
