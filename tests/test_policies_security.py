"""Security and data-protection rules."""

from __future__ import annotations

import importlib
import inspect
import json

import pytest

from test_policies_support import U_BOOL, U_LIST, U_STR, check, check_stack, urn

NET = "platform:network:Network"

from platform_policies.rules import cross_service, ec2, ecs, iam, logs, s3

RDS = "aws:rds/instance:Instance"
RG = "aws:elasticache/replicationGroup:ReplicationGroup"


def test_encryption_at_rest():
    v = cross_service.validate_encryption_at_rest
    assert check(v, RDS, {"storageEncrypted": True}) == []
    assert check(v, RDS, {})  # provider default: unencrypted
    assert check(v, RDS, {"replicateSourceDb": "src"}) == []
    assert check(v, RDS, {"storageEncrypted": U_BOOL}) == []
    assert check(v, RG, {"atRestEncryptionEnabled": True}) == []
    assert check(v, RG, {"engine": "redis"})
    assert check(v, RG, {"engine": "valkey"}) == []  # valkey default on
    assert check(v, "aws:efs/fileSystem:FileSystem", {"encrypted": True}) == []
    assert check(v, "aws:efs/fileSystem:FileSystem", {})
    assert check(v, "aws:ebs/volume:Volume", {"encrypted": False})
    assert check(v, "aws:sqs/queue:Queue", {}) == []  # SSE-SQS default
    assert check(v, "aws:sqs/queue:Queue", {"sqsManagedSseEnabled": False})
    assert check(v, "aws:msk/cluster:Cluster", {}) == []  # always encrypted at rest


def test_encryption_in_transit():
    v = cross_service.validate_encryption_in_transit
    assert check(v, RG, {"transitEncryptionEnabled": True}) == []
    assert check(v, RG, {})
    assert check(v, RG, {"transitEncryptionEnabled": U_BOOL}) == []
    msk = "aws:msk/cluster:Cluster"
    assert check(v, msk, {}) == []  # default TLS
    assert check(v, msk, {"encryptionInfo": {"encryptionInTransit": {"clientBroker": "TLS_PLAINTEXT"}}})
    assert check(v, msk, {"encryptionInfo": {"encryptionInTransit": {"inCluster": False}}})
    lst = "aws:lb/listener:Listener"
    assert check(v, lst, {"protocol": "HTTPS", "defaultActions": [{"type": "forward"}]}) == []
    redirect = {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}
    assert check(v, lst, {"protocol": "HTTP", "port": 80, "defaultActions": [redirect]}) == []
    assert check(v, lst, {"port": 80, "defaultActions": [{"type": "forward", "targetGroupArn": "arn"}]})
    assert check(v, lst, {"protocol": "HTTP", "defaultActions": U_LIST}) == []
    assert check(v, lst, {"protocol": "TCP", "defaultActions": [{"type": "forward"}]}) == []  # NLB: not judged
    pg = "aws:rds/parameterGroup:ParameterGroup"
    assert check(v, pg, {"family": "postgres16", "parameters": []}) == []  # PG15+ forces SSL by default
    assert check(v, pg, {"family": "postgres16", "parameters": [{"name": "rds.force_ssl", "value": "0"}]})
    assert check(v, pg, {"family": "postgres14"})
    assert check(v, pg, {"family": "postgres14", "parameters": [{"name": "rds.force_ssl", "value": "1"}]}) == []


def test_no_public_stateful():
    v = cross_service.validate_no_public_stateful
    assert check(v, RDS, {"publiclyAccessible": False}) == []
    assert check(v, RDS, {}) == []
    assert check(v, RDS, {"publiclyAccessible": True})
    assert check(v, "aws:mq/broker:Broker", {"publiclyAccessible": True})
    assert check(v, "aws:mq/broker:Broker", {"publiclyAccessible": U_BOOL}) == []
    assert check(v, "aws:msk/cluster:Cluster", {"brokerNodeGroupInfo": {"connectivityInfo": {
        "publicAccess": {"type": "SERVICE_PROVIDED_EIPS"}}}})


def test_ecs_no_public_ip():
    t = "aws:ecs/service:Service"
    assert check(ecs.validate_ecs_no_public_ip, t, {"networkConfiguration": {"assignPublicIp": False}}) == []
    assert check(ecs.validate_ecs_no_public_ip, t, {}) == []
    assert check(ecs.validate_ecs_no_public_ip, t, {"networkConfiguration": {"assignPublicIp": True}})


def test_s3_no_public_access():
    v = s3.validate_s3_no_public_access
    pab = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
    assert check(v, pab, {f: True for f in s3.S3_BLOCK_FLAGS}) == []
    assert check(v, pab, {"blockPublicAcls": True})
    assert check(v, "aws:s3/bucket:Bucket", {}) == []
    assert check(v, "aws:s3/bucket:Bucket", {"acl": "public-read"})
    assert check(v, "aws:s3/bucketAclV2:BucketAclV2", {"acl": "private"}) == []


# ---- ingress (stack) -------------------------------------------------------------------------------

SGT = "aws:ec2/securityGroup:SecurityGroup"


def _alb_sg(ingress=None):
    return {"type": SGT, "name": "alb-sg", "props": {"description": "ALB: internet to the load balancer",
                                                    "tags": {"tier": "edge"}, "ingress": ingress or []}}


def _rule_for(sg_urn, kind, props, name="rule"):
    return {"type": kind, "name": name, "props": props, "deps": {"securityGroupId": [sg_urn]}}


def test_open_ingress_alb_ports_allowed():
    https = {"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"],
             "ipv6CidrBlocks": ["::/0"]}
    assert check_stack(ec2.validate_no_open_ingress, [_alb_sg([https])]) == []
    sg = _alb_sg()
    sg_urn = urn(SGT, "alb-sg")
    rules = [
        _rule_for(sg_urn, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                  {"ipProtocol": "tcp", "fromPort": 80, "toPort": 80, "cidrIpv4": "0.0.0.0/0",
                   "securityGroupId": U_STR},
                  "http"),
        _rule_for(sg_urn, "aws:ec2/securityGroupRule:SecurityGroupRule",
                  {"type": "ingress", "protocol": "tcp", "fromPort": 443, "toPort": 443, "ipv6CidrBlocks": ["::/0"]},
                  "https6"),
    ]
    assert check_stack(ec2.validate_no_open_ingress, [sg, *rules]) == []


def test_open_ingress_violations():
    ssh = {"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["0.0.0.0/0"]}
    out = check_stack(ec2.validate_no_open_ingress, [_alb_sg([ssh])])
    assert len(out) == 1 and out[0][1] == urn(SGT, "alb-sg")
    # The same 443 rule on a security group that is not the edge one.
    svc = {"type": SGT, "name": "svc-sg", "props": {"description": "service", "tags": {"tier": "compute"}}}
    rule = _rule_for(urn(SGT, "svc-sg"), "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                     {"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "cidrIpv6": "::/0"})
    out = check_stack(ec2.validate_no_open_ingress, [svc, rule])
    assert len(out) == 1 and out[0][1] == urn("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "rule")
    # Tag without the agreed description is not enough; all-protocol ingress is never allowed.
    fake = {"type": SGT, "name": "x", "props": {"description": "web", "tags": {"tier": "edge"},
                                               "ingress": [{"protocol": "tcp", "fromPort": 443, "toPort": 443,
                                                            "cidrBlocks": ["0.0.0.0/0"]}]}}
    assert check_stack(ec2.validate_no_open_ingress, [fake])
    everything = {"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]}
    assert check_stack(ec2.validate_no_open_ingress, [_alb_sg([everything])])


def test_open_ingress_unknown_and_private():
    private = {"protocol": "tcp", "fromPort": 5432, "toPort": 5432, "cidrBlocks": ["10.0.0.0/16"]}
    unknown = {"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": U_LIST}
    assert check_stack(ec2.validate_no_open_ingress, [_alb_sg([private, unknown])]) == []
    orphan = {"type": "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "name": "r",
              "props": {"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "cidrIpv4": U_STR}}
    assert check_stack(ec2.validate_no_open_ingress, [orphan]) == []


# ---- IAM -------------------------------------------------------------------------------------------

def _doc(action, resource="*", effect="Allow"):
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": effect, "Action": action,
                                                               "Resource": resource}]})


def test_iam_no_wildcard_admin():
    v = iam.validate_iam_no_admin
    assert check(v, "aws:iam/policy:Policy", {"policy": _doc(["s3:GetObject"], "arn:aws:s3:::b/*")}) == []
    assert check(v, "aws:iam/policy:Policy", {"policy": _doc("s3:*", "*")}) == []  # narrow-ish, not admin
    assert check(v, "aws:iam/policy:Policy", {"policy": _doc("*")})
    assert check(v, "aws:iam/rolePolicy:RolePolicy", {"policy": _doc(["*"], ["*"])})
    assert check(v, "aws:iam/rolePolicy:RolePolicy", {"policy": _doc("*", effect="Deny")}) == []
    assert check(v, "aws:iam/role:Role", {"inlinePolicies": [{"name": "x", "policy": _doc("*")}]})
    assert check(v, "aws:iam/policy:Policy", {"policy": U_STR}) == []
    assert check(v, "aws:iam/policy:Policy", {"policy": "{not json"}) == []
    assert check(v, "aws:iam/policy:Policy", {"policy": {"Statement": {"Effect": "Allow", "Action": "*",
                                                                       "Resource": "*"}}})


# ---- stateful protection ---------------------------------------------------------------------------

GOOD_DB = {"deletionProtection": True, "skipFinalSnapshot": False, "finalSnapshotIdentifier": "orders-final",
           "backupRetentionPeriod": 7}


def test_stateful_protection_prod():
    v = cross_service.validate_stateful_protection
    assert check(v, RDS, GOOD_DB) == []
    assert len(check(v, RDS, {"skipFinalSnapshot": True, "backupRetentionPeriod": 1})) == 3
    assert check(v, RDS, {**GOOD_DB, "finalSnapshotIdentifier": None})  # delete would fail
    assert check(v, RDS, {"replicateSourceDb": "src"}) == []
    assert check(v, RDS, {**GOOD_DB, "backupRetentionPeriod": U_BOOL}) == []
    assert check(v, RDS, GOOD_DB, config={"requireProtect": True})
    assert check(v, RDS, GOOD_DB, config={"requireProtect": True}, protect=True) == []


def test_stateful_protection_dev():
    v = cross_service.validate_stateful_protection
    dev = {"requireDeletionProtection": False, "minBackupRetentionDays": 1}
    assert check(v, RDS, {"skipFinalSnapshot": True, "backupRetentionPeriod": 1}, config=dev) == []
    assert check(v, RDS, {"skipFinalSnapshot": True, "backupRetentionPeriod": 0}, config=dev)


def test_log_retention():
    t = "aws:cloudwatch/logGroup:LogGroup"
    assert check(logs.validate_log_retention, t, {"retentionInDays": 30}) == []
    assert check(logs.validate_log_retention, t, {})
    assert check(logs.validate_log_retention, t, {"retentionInDays": 31})
    assert check(logs.validate_log_retention, t, {"retentionInDays": U_BOOL}) == []


# ---- tags ------------------------------------------------------------------------------------------

TAGS = {"service": "orders", "tier": "data", "stack": "prod", "cost-center": "platform-engineering"}


def test_required_tags():
    v = cross_service.validate_required_tags
    assert check(v, RDS, {"tags": TAGS}) == []
    assert check(v, RDS, {})  # on the allow-list: missing tags is a violation
    missing = check(v, RDS, {"tags": {"service": "orders"}})
    assert missing and "tier" in missing[0] and "cost-center" in missing[0]
    assert check(v, "aws:ec2/route:Route", {}) == []  # not taggable
    assert check(v, "aws:someNew/thing:Thing", {"tags": {"a": "b"}})  # generic: tags present, keys missing
    assert check(v, RDS, {"tags": U_STR}) == []
    assert check(v, RDS, {"tags": {**TAGS, "service": U_STR}}) == []  # unknown value: present
    assert check(v, RDS, {"tags": {"service": "orders", "tier": "data"}},
                 provider_props={"defaultTags": {"tags": {"stack": "prod", "cost-center": "x"}}}) == []
    # Children of awsx components are exempt: mocks never see them, so a verdict would differ.
    assert check(v, "aws:ec2/subnet:Subnet", {"tags": {"Name": "x"}}, parents=(NET, "awsx:ec2:Vpc")) == []
    assert check(v, "awsx:ec2:Vpc", {"tags": {"Name": "x"}})


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_taggable_types_have_tags_in_sdk():
    """Guard the allow-list against the installed pulumi-aws / pulumi-awsx SDKs."""
    for token in cross_service.TAGGABLE_TYPES:
        pkg, rest = token.split(":", 1)
        if pkg == "awsx":
            cls = importlib.import_module("pulumi_awsx.ec2").Vpc
        else:
            module, name = rest.split(":")
            cls = getattr(importlib.import_module("pulumi_aws." + module.split("/")[0]), name)
        assert "tags" in inspect.signature(cls._internal_init).parameters, token


def test_property_names_exist_in_sdk():
    """Every top-level input this module reads is a real pulumi-aws 7.51.1 input name."""
    def inputs(module: str, args_cls: str) -> set[str]:
        cls = getattr(importlib.import_module(module), args_cls)
        return {getattr(v.fget, "_pulumi_name", k) for k, v in inspect.getmembers(cls) if isinstance(v, property)}

    expect = {
        ("pulumi_aws.rds", "InstanceArgs"): {"multiAz", "replicateSourceDb", "storageEncrypted", "publiclyAccessible",
                                             "deletionProtection", "skipFinalSnapshot", "finalSnapshotIdentifier",
                                             "backupRetentionPeriod", "instanceClass", "allocatedStorage",
                                             "maxAllocatedStorage", "identifier", "tags"},
        ("pulumi_aws.elasticache", "ReplicationGroupArgs"): {"automaticFailoverEnabled", "multiAzEnabled",
                                                             "numCacheClusters", "replicasPerNodeGroup", "nodeType",
                                                             "atRestEncryptionEnabled", "transitEncryptionEnabled",
                                                             "engine", "replicationGroupId"},
        ("pulumi_aws.msk", "ClusterArgs"): {"numberOfBrokerNodes", "brokerNodeGroupInfo", "encryptionInfo",
                                            "clusterName"},
        ("pulumi_aws.mq", "BrokerArgs"): {"deploymentMode", "hostInstanceType", "subnetIds", "publiclyAccessible",
                                          "brokerName"},
        ("pulumi_aws.ecs", "ServiceArgs"): {"desiredCount", "networkConfiguration", "schedulingStrategy"},
        ("pulumi_aws.ecs", "TaskDefinitionArgs"): {"cpu", "memory", "runtimePlatform", "requiresCompatibilities"},
        ("pulumi_aws.lb", "LoadBalancerArgs"): {"subnets", "subnetMappings", "loadBalancerType", "name",
                                                "namePrefix"},
        ("pulumi_aws.lb", "TargetGroupArgs"): {"targetType", "name", "namePrefix"},
        ("pulumi_aws.lb", "ListenerArgs"): {"protocol", "defaultActions"},
        ("pulumi_aws.efs", "FileSystemArgs"): {"availabilityZoneName", "encrypted"},
        ("pulumi_aws.ec2", "NatGatewayArgs"): {"connectivityType", "availabilityMode"},
        ("pulumi_aws.ec2", "SecurityGroupArgs"): {"ingress", "description", "tags"},
        ("pulumi_aws.ec2", "SecurityGroupRuleArgs"): {"type", "cidrBlocks", "ipv6CidrBlocks", "fromPort", "toPort",
                                                      "protocol", "securityGroupId"},
        ("pulumi_aws.vpc", "SecurityGroupIngressRuleArgs"): {"cidrIpv4", "cidrIpv6", "fromPort", "toPort",
                                                             "ipProtocol", "securityGroupId"},
        ("pulumi_aws.appautoscaling", "TargetArgs"): {"minCapacity", "maxCapacity", "serviceNamespace"},
        ("pulumi_aws.cloudfront", "DistributionArgs"): {"viewerCertificate", "webAclId"},
        ("pulumi_aws.wafv2", "WebAclArgs"): {"scope", "region"},
        ("pulumi_aws.cloudwatch", "LogGroupArgs"): {"retentionInDays"},
        ("pulumi_aws.rds", "ParameterGroupArgs"): {"family", "parameters"},
        ("pulumi_aws.iam", "RoleArgs"): {"inlinePolicies", "name"},
        ("pulumi_aws.iam", "PolicyArgs"): {"policy"},
        ("pulumi_aws.iam", "RolePolicyArgs"): {"policy"},
        ("pulumi_aws.s3", "BucketPublicAccessBlockArgs"): set(s3.S3_BLOCK_FLAGS),
        ("pulumi_aws.sqs", "QueueArgs"): {"sqsManagedSseEnabled", "kmsMasterKeyId"},
        ("pulumi_aws.ebs", "VolumeArgs"): {"size", "encrypted"},
        ("pulumi_aws.msk._inputs", "ClusterBrokerNodeGroupInfoArgs"): {"clientSubnets", "instanceType",
                                                                       "storageInfo", "connectivityInfo"},
        ("pulumi_aws.msk._inputs", "ClusterEncryptionInfoEncryptionInTransitArgs"): {"clientBroker", "inCluster"},
        ("pulumi_aws.ecs._inputs", "ServiceNetworkConfigurationArgs"): {"subnets", "assignPublicIp"},
        ("pulumi_aws.ecs._inputs", "TaskDefinitionRuntimePlatformArgs"): {"cpuArchitecture"},
        ("pulumi_aws.cloudfront._inputs", "DistributionViewerCertificateArgs"): {"acmCertificateArn"},
        ("pulumi_aws.lb._inputs", "ListenerDefaultActionRedirectArgs"): {"protocol"},
        ("pulumi_awsx.ec2", "VpcArgs"): {"natGateways", "numberOfAvailabilityZones", "availabilityZoneNames", "tags"},
        ("pulumi_awsx.ec2._inputs", "NatGatewayConfigurationArgs"): {"strategy"},
    }
    for (module, cls), names in expect.items():
        missing = names - inputs(module, cls)
        assert not missing, f"{module}.{cls}: {missing}"


def test_open_ingress_counts_nearly_internet_wide_ranges():
    svc = {"type": SGT, "name": "db-sg", "props": {"description": "database", "tags": {"tier": "data"}}}

    def ingress(cidr):
        return _rule_for(urn(SGT, "db-sg"), "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                         {"ipProtocol": "tcp", "fromPort": 5432, "toPort": 5432, "cidrIpv4": cidr})

    assert check_stack(ec2.validate_no_open_ingress, [svc, ingress("0.0.0.0/1")])
    assert check_stack(ec2.validate_no_open_ingress, [svc, ingress("128.0.0.0/1")])
    assert check_stack(ec2.validate_no_open_ingress, [svc, ingress("10.0.0.0/8")]) == []
    assert check_stack(ec2.validate_no_open_ingress, [svc, ingress("10.0.0.0/16")]) == []
    assert check_stack(ec2.validate_no_open_ingress, [svc, ingress("10.0.0.0/8")], {"minIpv4PrefixLength": 12})
