"""AWS constraints that mocks and `pulumi preview` accept but AWS rejects at `pulumi up`.

Mandatory in both stacks: each of these fails a deployment half-way.  The pack must
not import the program, so the Fargate table is a copy (kept equal to
components/settings.FARGATE_SIZES by tests/test_policies_constraints.py).
"""

from __future__ import annotations

import re
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from ._props import (AUTONAME_SUFFIX_LENGTH, LB_TYPES, TARGET_GROUP_TYPES, as_bool, as_int, as_list, as_str,
                     arn_region, cache_has_replica, get, is_unknown, physical_name, provider_region, resource_policy, string_list,
                     options)
from .sizing import is_fargate_task, parse_cpu_units, parse_memory_mib

MANDATORY = EnforcementLevel.MANDATORY

# Fargate task cpu units -> valid memory MiB.  Source: Amazon ECS developer guide, "Task CPU and
# memory" (docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html), read 2026-11.
FARGATE_SIZES: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4096 + 1, 1024)),
    1024: tuple(range(2048, 8192 + 1, 1024)),
    2048: tuple(range(4096, 16384 + 1, 1024)),
    4096: tuple(range(8192, 30720 + 1, 1024)),
    8192: tuple(range(16384, 61440 + 1, 4096)),
    16384: tuple(range(32768, 122880 + 1, 8192)),
}


def validate_fargate_cpu_memory(args, report_violation) -> None:
    if args.resource_type != "aws:ecs/taskDefinition:TaskDefinition" or not is_fargate_task(args.props):
        return
    raw_cpu, raw_memory = get(args.props, "cpu"), get(args.props, "memory")
    if is_unknown(raw_cpu) or is_unknown(raw_memory):
        return
    if raw_cpu is None or raw_memory is None:
        report_violation("A Fargate task definition needs task-level cpu and memory.", None)
        return
    cpu, memory = parse_cpu_units(raw_cpu), parse_memory_mib(raw_memory)
    if cpu not in FARGATE_SIZES:
        report_violation(f"cpu {raw_cpu!r} is not a Fargate size; valid: "
                         f"{', '.join(map(str, FARGATE_SIZES))}.", None)
    elif memory not in FARGATE_SIZES[cpu]:
        report_violation(f"memory {raw_memory!r} MiB is not valid with cpu {cpu}; valid: "
                         f"{', '.join(map(str, FARGATE_SIZES[cpu]))}.", None)


# ---- physical names --------------------------------------------------------------------------------

# type -> (name property, max length, lower-cased by pulumi-aws auto-naming, extra format rule).
# Limits: AWS API references (CreateLoadBalancer, CreateTargetGroup 32; CreateRole 64; CreatePolicy 128;
# CreateDBInstance 63; CreateReplicationGroup 40; CreateCacheCluster 50; CreateQueue 80; CreateTopic 256;
# CreateCluster (MSK) 64; CreateBroker 50; CreateLogGroup 512; CreateSecret 512; WAFv2 CreateWebACL 128),
# read 2026-11.  Pulumi auto-naming: `<logical>-<7 chars>` (pulumi docs "Resource names", 2026-11).
_LOWER_ID = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")  # letter first, no "--", no trailing "-"
NAME_RULES: dict[str, tuple[str, int, bool, Any]] = {
    **{t: ("name", 32, False, re.compile(r"[A-Za-z0-9](-?[A-Za-z0-9])*")) for t in LB_TYPES},
    **{t: ("name", 32, False, re.compile(r"[A-Za-z0-9](-?[A-Za-z0-9])*")) for t in TARGET_GROUP_TYPES},
    "aws:iam/role:Role": ("name", 64, False, re.compile(r"[\w+=,.@-]+")),
    "aws:iam/policy:Policy": ("name", 128, False, re.compile(r"[\w+=,.@-]+")),
    "aws:rds/instance:Instance": ("identifier", 63, True, _LOWER_ID),
    "aws:rds/parameterGroup:ParameterGroup": ("name", 255, True, _LOWER_ID),
    "aws:elasticache/replicationGroup:ReplicationGroup": ("replicationGroupId", 40, True, _LOWER_ID),
    "aws:elasticache/cluster:Cluster": ("clusterId", 50, True, _LOWER_ID),
    "aws:sqs/queue:Queue": ("name", 80, False, re.compile(r"[A-Za-z0-9_-]+(\.fifo)?")),
    "aws:sns/topic:Topic": ("name", 256, False, re.compile(r"[A-Za-z0-9_-]+(\.fifo)?")),
    "aws:msk/cluster:Cluster": ("clusterName", 64, False, re.compile(r"[A-Za-z][A-Za-z0-9-]*")),
    "aws:mq/broker:Broker": ("brokerName", 50, False, re.compile(r"[A-Za-z0-9_-]+")),
    "aws:cloudwatch/logGroup:LogGroup": ("name", 512, False, None),
    "aws:secretsmanager/secret:Secret": ("name", 512, False, None),
    "aws:wafv2/webAcl:WebAcl": ("name", 128, False, re.compile(r"[\w-]+")),
}


def validate_physical_names(args, report_violation) -> None:
    rule = NAME_RULES.get(args.resource_type)
    if rule is None:
        return
    prop, limit, lowercase, pattern = rule
    name, auto = physical_name(args, prop, lowercase)
    if is_unknown(name) or not name:
        return
    how = (f"auto-named from logical name {args.name!r} plus Pulumi's {AUTONAME_SUFFIX_LENGTH}-character suffix"
           if auto
           else f"{prop} {name!r}")
    if len(name) > limit:
        fix = "shorten the logical name or set an explicit short name" if auto else f"shorten {prop}"
        report_violation(f"Physical name is {len(name)} characters ({how}); AWS allows {limit}: {fix}.", None)
    if pattern is not None:
        # The random suffix itself is always valid; keep its joining hyphen in the check
        # ("x-" + suffix must stay valid).
        body = name[:-AUTONAME_SUFFIX_LENGTH] + "-a" if auto else name
        if not pattern.fullmatch(body):
            report_violation(f"Physical name {name!r} ({how}) has characters or a shape AWS rejects "
                             f"for {args.resource_type.split(':')[-1]}.", None)


# ---- MSK / MQ / ElastiCache topology --------------------------------------------------------------

def validate_msk_brokers_per_subnet(args, report_violation) -> None:
    if args.resource_type != "aws:msk/cluster:Cluster":
        return
    subnets = as_list(get(args.props, "brokerNodeGroupInfo.clientSubnets"))
    brokers = as_int(get(args.props, "numberOfBrokerNodes"))
    if is_unknown(subnets) or is_unknown(brokers) or brokers is None or not subnets:
        return
    # MSK developer guide, "Broker distribution": brokers must be a multiple of the client subnets (2026-11).
    if brokers % len(subnets) != 0:
        report_violation(f"numberOfBrokerNodes {brokers} is not a multiple of the {len(subnets)} client "
                         f"subnets.", None)
    if not 2 <= len(subnets) <= 3:
        report_violation(f"MSK takes 2 or 3 client subnets (one per AZ); got {len(subnets)}.", None)


# Amazon MQ developer guide, "Deployment modes" / CreateBroker SubnetIds (read 2026-11).
MQ_SUBNETS = {"SINGLE_INSTANCE": (1, 1), "ACTIVE_STANDBY_MULTI_AZ": (2, 2)}
MQ_SINGLE_ONLY_HOSTS = ("mq.t3.micro",)


def validate_mq_deployment(args, report_violation) -> None:
    if args.resource_type != "aws:mq/broker:Broker":
        return
    mode = as_str(get(args.props, "deploymentMode"), "SINGLE_INSTANCE")
    host = as_str(get(args.props, "hostInstanceType"))
    if is_unknown(mode):
        return
    if not is_unknown(host) and host in MQ_SINGLE_ONLY_HOSTS and mode != "SINGLE_INSTANCE":
        report_violation(f"{host} supports only SINGLE_INSTANCE; deploymentMode is {mode}.", None)
    subnets = as_list(get(args.props, "subnetIds"))
    if is_unknown(subnets) or not subnets or mode not in MQ_SUBNETS:
        return  # no subnets given: a public broker, or AWS picks the default VPC's
    low, high = MQ_SUBNETS[mode]
    if not low <= len(subnets) <= high:
        want = str(low) if low == high else f"{low}-{high}"
        report_violation(f"deploymentMode {mode} takes {want} subnet(s); subnetIds has {len(subnets)}.", None)


def validate_elasticache_multi_az_prerequisites(args, report_violation) -> None:
    if args.resource_type != "aws:elasticache/replicationGroup:ReplicationGroup":
        return
    multi_az = as_bool(get(args.props, "multiAzEnabled"), False)
    failover = as_bool(get(args.props, "automaticFailoverEnabled"), False)
    # ElastiCache user guide, "Multi-AZ": needs automatic failover and >= 1 replica (read 2026-11).
    if multi_az is True and failover is False:
        report_violation("multiAzEnabled needs automaticFailoverEnabled=true.", None)
    if (multi_az is True or failover is True) and cache_has_replica(args.props) is False:
        report_violation("Multi-AZ / automatic failover needs at least one replica "
                         "(numCacheClusters >= 2 or replicasPerNodeGroup >= 1).", None)


# ---- global services pinned to us-east-1 ------------------------------------------------------------

GLOBAL_REGION = "us-east-1"


def validate_cloudfront_us_east_1(args, report_violation) -> None:
    if args.resource_type != "aws:cloudfront/distribution:Distribution":
        return
    # CloudFront only reads ACM certificates and WAF web ACLs from us-east-1 (CloudFront developer
    # guide, "Requirements for using SSL/TLS certificates"; WAF developer guide, 2026-11).
    cert_region = arn_region(get(args.props, "viewerCertificate.acmCertificateArn"))
    if not is_unknown(cert_region) and cert_region and cert_region != GLOBAL_REGION:
        report_violation(f"viewerCertificate.acmCertificateArn is in {cert_region}; CloudFront needs an ACM "
                         f"certificate in {GLOBAL_REGION}.", None)
    acl_region = arn_region(get(args.props, "webAclId"))
    if not is_unknown(acl_region) and acl_region and acl_region != GLOBAL_REGION:
        report_violation(f"webAclId is a web ACL in {acl_region}; CloudFront needs a CLOUDFRONT-scope web ACL "
                         f"in {GLOBAL_REGION}.", None)


def validate_wafv2_cloudfront_region(args, report_violation) -> None:
    if args.resource_type != "aws:wafv2/webAcl:WebAcl":
        return
    if as_str(get(args.props, "scope")) != "CLOUDFRONT":
        return
    region = provider_region(args)
    if is_unknown(region) or not region:
        return  # the default provider's region is not always sent to policies: nothing to judge
    if region != GLOBAL_REGION:
        report_violation(f"A CLOUDFRONT-scope web ACL must be created in {GLOBAL_REGION}; this one is created "
                         f"in {region}. Use a provider with region us-east-1.", None)


# ---- target groups ----------------------------------------------------------------------------------

TARGET_CONFIG = {"allowedTargetTypes": string_list(
    "Target types allowed; Fargate (awsvpc) tasks register by IP.", ["ip"])}


def validate_target_group_type(args, report_violation) -> None:
    if args.resource_type not in TARGET_GROUP_TYPES:
        return
    allowed = options(args, TARGET_CONFIG)["allowedTargetTypes"]
    target_type = as_str(get(args.props, "targetType"), "instance")  # provider default
    if is_unknown(target_type):
        return
    if target_type not in allowed:
        report_violation(f"targetType is {target_type}; Fargate tasks (awsvpc) can only register with "
                         f"targetType ip.", None)


# ---- policies ------------------------------------------------------------------------------------------

POLICIES = [
    resource_policy("fargate-cpu-memory-combination", "Fargate task cpu/memory is a pair AWS accepts.",
                    validate_fargate_cpu_memory, MANDATORY, Severity.HIGH,
                    "Pick memory from the valid list for the cpu (README 'Fargate sizes')."),
    resource_policy("aws-physical-names",
                    "Physical names (after Pulumi's auto-name suffix) fit AWS length and character limits.",
                    validate_physical_names, MANDATORY, Severity.HIGH,
                    "Shorten the logical resource name (components/naming.py) or set an explicit `name`."),
    resource_policy("msk-broker-count-multiple-of-subnets",
                    "MSK broker count is a multiple of its 2-3 client subnets.",
                    validate_msk_brokers_per_subnet, MANDATORY, Severity.HIGH,
                    "Set numberOfBrokerNodes = AZ count x brokers per AZ."),
    resource_policy("mq-deployment-mode-subnets",
                    "Amazon MQ subnets match the deployment mode and mq.t3.micro is SINGLE_INSTANCE only.",
                    validate_mq_deployment, MANDATORY, Severity.HIGH,
                    "SINGLE_INSTANCE: one subnet; ACTIVE_STANDBY_MULTI_AZ: two subnets and mq.m5.large or larger."),
    resource_policy("elasticache-multi-az-prerequisites",
                    "ElastiCache Multi-AZ has automatic failover and at least one replica.",
                    validate_elasticache_multi_az_prerequisites, MANDATORY, Severity.HIGH,
                    "Set automaticFailoverEnabled=true and numCacheClusters>=2, or turn Multi-AZ off."),
    resource_policy("cloudfront-us-east-1-dependencies",
                    "CloudFront's ACM certificate and WAF web ACL are in us-east-1.",
                    validate_cloudfront_us_east_1, MANDATORY, Severity.HIGH,
                    "Create the certificate and the CLOUDFRONT web ACL with a us-east-1 provider."),
    resource_policy("wafv2-cloudfront-scope-region", "A CLOUDFRONT-scope WAFv2 web ACL is created in us-east-1.",
                    validate_wafv2_cloudfront_region, MANDATORY, Severity.HIGH,
                    "Create the web ACL with a provider whose region is us-east-1."),
    resource_policy("alb-target-type-ip", "Load balancer target groups use targetType ip (Fargate awsvpc tasks).",
                    validate_target_group_type, MANDATORY, Severity.HIGH,
                    "Set targetType='ip' on the target group.", TARGET_CONFIG),
]
