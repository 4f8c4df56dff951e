"""Security and data protection: encryption, exposure, least privilege, retention, tags.

Levels: mandatory in both stacks except stateful-resource-protection (mandatory in
prod, advisory in dev, where deletion protection is switched off on purpose).
"""

from __future__ import annotations

from typing import Any, Optional

from pulumi_policy import EnforcementLevel, Severity

from ._props import (LISTENER_TYPES, UNKNOWN, as_bool, as_int, as_list, as_mapping, as_str,
                     boolean, get, integer, is_unknown, options, parse_json, provider_props, resource_policy,
                     stack_policy, string_list, under_type_prefix)

MANDATORY = EnforcementLevel.MANDATORY

RDS_INSTANCE = "aws:rds/instance:Instance"
REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
MSK_CLUSTER = "aws:msk/cluster:Cluster"
MQ_BROKER = "aws:mq/broker:Broker"


# ---- encryption at rest ---------------------------------------------------------------------------

def validate_encryption_at_rest(args, report_violation) -> None:
    t, p = args.resource_type, args.props
    if t == RDS_INSTANCE:
        if get(p, "replicateSourceDb") not in (None, ""):
            return  # a replica inherits the source's encryption
        if as_bool(get(p, "storageEncrypted"), False) is False:  # provider default: unencrypted
            report_violation("storageEncrypted is not true.", None)
    elif t == REPLICATION_GROUP:
        # Default is off for redis, on for valkey (pulumi-aws ReplicationGroup docs, 7.x).
        engine = as_str(get(p, "engine"), "redis")
        default = engine == "valkey"
        if as_bool(get(p, "atRestEncryptionEnabled"), default) is False:
            report_violation("atRestEncryptionEnabled is not true.", None)
    elif t in ("aws:efs/fileSystem:FileSystem", "aws:ebs/volume:Volume"):
        if as_bool(get(p, "encrypted"), False) is False:
            report_violation("encrypted is not true.", None)
    elif t == "aws:sqs/queue:Queue":
        # SSE-SQS is on by default since 2022-10 (SQS developer guide); only an explicit opt-out is bad.
        if as_bool(get(p, "sqsManagedSseEnabled")) is False and not get(p, "kmsMasterKeyId"):
            report_violation("sqsManagedSseEnabled is false and no kmsMasterKeyId is set.", None)
    # MSK is always encrypted at rest (AWS-owned key unless encryptionInfo.encryptionAtRestKmsKeyArn);
    # S3 encrypts every new object since 2023-01-05 (SSE-S3 default): nothing can be switched off.


# ---- encryption in transit --------------------------------------------------------------------------

def validate_encryption_in_transit(args, report_violation) -> None:
    t, p = args.resource_type, args.props
    if t == REPLICATION_GROUP:
        engine = as_str(get(p, "engine"), "redis")
        if as_bool(get(p, "transitEncryptionEnabled"), engine == "valkey") is False:
            report_violation("transitEncryptionEnabled is not true.", None)
    elif t == MSK_CLUSTER:
        client = as_str(get(p, "encryptionInfo.encryptionInTransit.clientBroker"), "TLS")  # AWS default TLS
        if not is_unknown(client) and client != "TLS":
            report_violation(f"encryptionInfo.encryptionInTransit.clientBroker is {client}; use TLS.", None)
        if as_bool(get(p, "encryptionInfo.encryptionInTransit.inCluster"), True) is False:
            report_violation("encryptionInfo.encryptionInTransit.inCluster is false.", None)
    elif t in LISTENER_TYPES:
        protocol = as_str(get(p, "protocol"), "HTTP")  # ALB listener default
        if protocol != "HTTP":
            return  # HTTPS, or an NLB protocol (TCP/TLS/UDP) that this rule does not judge
        actions = as_list(get(p, "defaultActions"))
        if is_unknown(actions):
            return
        redirects = [a for a in actions if as_str(get(a, "type")) == "redirect"
                     and as_str(get(a, "redirect.protocol")) == "HTTPS"]
        if not actions or len(redirects) != len(actions):
            report_violation("An HTTP listener must only redirect to HTTPS.", None)
    elif t == "aws:rds/parameterGroup:ParameterGroup":
        family = as_str(get(p, "family"), "")
        if is_unknown(family) or not family.startswith("postgres"):
            return
        params = as_list(get(p, "parameters"))
        if is_unknown(params):
            return
        force = next((as_str(get(x, "value")) for x in params if as_str(get(x, "name")) == "rds.force_ssl"), None)
        # rds.force_ssl defaults to 1 from PostgreSQL 15 (RDS user guide, "SSL/TLS with PostgreSQL", 2026-11).
        version = as_int(family[len("postgres"):].split(".")[0], 0)
        if force is not None and not is_unknown(force) and str(force).strip() not in ("1", "true"):
            report_violation(f"rds.force_ssl is {force}; set it to 1.", None)
        elif force is None and version < 15:
            report_violation(f"{family} does not force SSL by default; set rds.force_ssl=1.", None)


# ---- nothing stateful is public --------------------------------------------------------------------

def validate_no_public_stateful(args, report_violation) -> None:
    t, p = args.resource_type, args.props
    if t == RDS_INSTANCE and as_bool(get(p, "publiclyAccessible"), False) is True:
        report_violation("publiclyAccessible is true on a database.", None)
    elif t == MQ_BROKER and as_bool(get(p, "publiclyAccessible"), False) is True:
        report_violation("publiclyAccessible is true on a message broker.", None)
    elif t == MSK_CLUSTER:
        access = as_str(get(p, "brokerNodeGroupInfo.connectivityInfo.publicAccess.type"), "DISABLED")
        if not is_unknown(access) and access != "DISABLED":
            report_violation(f"brokerNodeGroupInfo.connectivityInfo.publicAccess.type is {access}.", None)


def validate_ecs_no_public_ip(args, report_violation) -> None:
    if args.resource_type != "aws:ecs/service:Service":
        return
    if as_bool(get(args.props, "networkConfiguration.assignPublicIp"), False) is True:
        report_violation("networkConfiguration.assignPublicIp is true: tasks get public IPs. Run them in "
                         "private subnets behind NAT/VPC endpoints.", None)


S3_PUBLIC_ACLS = ("public-read", "public-read-write", "authenticated-read")
S3_BLOCK_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def validate_s3_no_public_access(args, report_violation) -> None:
    t, p = args.resource_type, args.props
    if t in ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
             "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"):
        off = [f for f in S3_BLOCK_FLAGS if as_bool(get(p, f), False) is False]
        if off:
            report_violation(f"Public access block leaves {', '.join(off)} off.", None)
    elif t in ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:s3/bucketAcl:BucketAcl",
               "aws:s3/bucketAclV2:BucketAclV2"):
        acl = as_str(get(p, "acl"))
        if not is_unknown(acl) and acl in S3_PUBLIC_ACLS:
            report_violation(f"acl {acl} makes the bucket readable outside the account.", None)


# ---- network exposure (stack: a rule must be matched to its security group) -------------------------

INGRESS_CONFIG = {
    "allowedPublicPorts": {"type": "array", "items": {"type": "integer"}, "default": [80, 443],
                           "description": "Ports open to the internet on the edge (ALB) security group."},
    "edgeTagKey": {"type": "string", "default": "tier", "description": "Tag key marking the ALB security group."},
    "edgeTagValue": {"type": "string", "default": "edge", "description": "Tag value marking it."},
    "edgeDescriptionPrefix": {"type": "string", "default": "ALB",
                              "description": "Description prefix the ALB security group also has."},
}
OPEN_CIDRS = ("0.0.0.0/0", "::/0")
SG = "aws:ec2/securityGroup:SecurityGroup"


def _is_edge_group(sg, opts: dict) -> bool:
    tags = as_mapping(get(sg.props, "tags"))
    description = as_str(get(sg.props, "description"), "")
    if is_unknown(tags) or is_unknown(description):
        return False
    return (tags.get(opts["edgeTagKey"]) == opts["edgeTagValue"]
            and description.startswith(opts["edgeDescriptionPrefix"]))


def _port_range_ok(protocol: Any, low: Any, high: Any, allowed: list[int]) -> bool:
    """True when the rule opens only allowed TCP ports."""
    if str(protocol).lower() not in ("tcp", "6"):
        return False  # "-1"/all, udp, icmp ... never public
    if low is None or high is None:
        return False
    return low == high and low in allowed


def _owning_group(rule) -> Optional[Any]:
    """The security group a standalone rule attaches to, via its securityGroupId dependency."""
    deps = getattr(rule, "property_dependencies", None) or {}
    for dep in deps.get("securityGroupId", []) or []:
        if getattr(dep, "resource_type", None) == SG:
            return dep
    for dep in getattr(rule, "dependencies", None) or []:  # fallback when property deps are absent
        if getattr(dep, "resource_type", None) == SG:
            return dep
    return None


def _ingress_entries(r) -> list[tuple[Any, Any, Any, list]]:
    """(protocol, fromPort, toPort, open cidrs) for each ingress a resource declares."""
    t, p = r.resource_type, r.props

    def cidr_lists(obj) -> list:
        out = []
        for key in ("cidrBlocks", "ipv6CidrBlocks"):
            values = as_list(get(obj, key))
            out.extend([] if is_unknown(values) else values)
        return out

    entries = []
    if t == SG:
        rules = as_list(get(p, "ingress"))
        for rule in ([] if is_unknown(rules) else rules):
            entries.append((as_str(get(rule, "protocol")), as_int(get(rule, "fromPort")),
                            as_int(get(rule, "toPort")), cidr_lists(rule)))
    elif t == "aws:ec2/securityGroupRule:SecurityGroupRule" and as_str(get(p, "type")) == "ingress":
        entries.append((as_str(get(p, "protocol")), as_int(get(p, "fromPort")), as_int(get(p, "toPort")),
                        cidr_lists(p)))
    elif t == "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
        cidrs = [c for c in (get(p, "cidrIpv4"), get(p, "cidrIpv6")) if c]
        entries.append((as_str(get(p, "ipProtocol")), as_int(get(p, "fromPort")), as_int(get(p, "toPort")), cidrs))
    return entries


def validate_no_open_ingress(args, report_violation) -> None:
    opts = options(args, INGRESS_CONFIG)
    allowed = [as_int(x) for x in opts["allowedPublicPorts"]]
    for r in args.resources:
        for protocol, low, high, cidrs in _ingress_entries(r):
            open_cidrs = [c for c in cidrs if not is_unknown(c) and c in OPEN_CIDRS]
            if not open_cidrs:
                continue
            if any(is_unknown(v) for v in (protocol, low, high)):
                continue
            group = r if r.resource_type == SG else _owning_group(r)
            edge = group is not None and _is_edge_group(group, opts)
            if edge and _port_range_ok(protocol, low, high, allowed):
                continue
            ports = f"{protocol} {low}-{high}"
            where = ("the edge (ALB) security group only allows ports "
                     f"{', '.join(map(str, allowed))}" if edge
                     else "only the ALB security group (tag tier=edge, description 'ALB...') may take "
                          "internet ingress")
            report_violation(f"Ingress {ports} from {', '.join(open_cidrs)}: {where}.", r.urn)


# ---- IAM ------------------------------------------------------------------------------------------------

IAM_POLICY_TYPES = ("aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy", "aws:iam/userPolicy:UserPolicy",
                    "aws:iam/groupPolicy:GroupPolicy")


def _listify(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def admin_statements(document: Any) -> list[dict]:
    """Allow statements granting Action "*" on Resource "*"."""
    if not isinstance(document, dict):
        return []
    found = []
    for st in _listify(document.get("Statement")):
        if not isinstance(st, dict) or st.get("Effect") != "Allow":
            continue
        actions = _listify(st.get("Action"))
        resources = _listify(st.get("Resource"))
        if any(a in ("*", "*:*") for a in actions) and "*" in resources:
            found.append(st)
    return found


def validate_iam_no_admin(args, report_violation) -> None:
    t, p = args.resource_type, args.props
    documents = []
    if t in IAM_POLICY_TYPES:
        documents.append(("policy", get(p, "policy")))
    elif t == "aws:iam/role:Role":
        inline = as_list(get(p, "inlinePolicies"))
        for i, item in enumerate([] if is_unknown(inline) else inline):
            documents.append((f"inlinePolicies[{i}].policy", get(item, "policy")))
    for where, raw in documents:
        doc = parse_json(raw)
        if is_unknown(doc):
            continue
        if admin_statements(doc):
            report_violation(f"{where} allows Action '*' on Resource '*'. Grant the service's actions on its "
                             f"own resources (components/access.py).", None)


# ---- stateful resource protection ---------------------------------------------------------------------

PROTECTION_CONFIG = {
    "requireDeletionProtection": boolean("Require deletion protection and a final snapshot.", True),
    "minBackupRetentionDays": integer("Smallest RDS backupRetentionPeriod.", 7, 0),
    "requireProtect": boolean("Also require the Pulumi `protect` option on stateful resources.", False),
}
STATEFUL = (RDS_INSTANCE, REPLICATION_GROUP, MSK_CLUSTER, MQ_BROKER, "aws:efs/fileSystem:FileSystem")


def validate_stateful_protection(args, report_violation) -> None:
    t, p = args.resource_type, args.props
    if t not in STATEFUL:
        return
    opts = options(args, PROTECTION_CONFIG)
    strict = as_bool(opts["requireDeletionProtection"], True)
    if as_bool(opts["requireProtect"], False) and not getattr(getattr(args, "opts", None), "protect", False):
        report_violation("The Pulumi `protect` option is not set on a stateful resource.", None)
    if t != RDS_INSTANCE:
        return
    if get(p, "replicateSourceDb") not in (None, ""):
        return  # replicas: no own backups or final snapshot
    min_days = as_int(opts["minBackupRetentionDays"], 7)
    # RDS API default retention when not given: 1 day (CreateDBInstance BackupRetentionPeriod).
    days = as_int(get(p, "backupRetentionPeriod"), 1)
    if not is_unknown(days) and days < min_days:
        report_violation(f"backupRetentionPeriod is {days} day(s); at least {min_days} required.", None)
    skip = as_bool(get(p, "skipFinalSnapshot"), False)
    final_id = get(p, "finalSnapshotIdentifier")
    if skip is False and not final_id and not is_unknown(final_id):
        # The provider refuses to delete the instance without it (terraform aws_db_instance docs).
        report_violation("skipFinalSnapshot is false but finalSnapshotIdentifier is not set: the delete will fail.",
                         None)
    if strict:
        if as_bool(get(p, "deletionProtection"), False) is False:
            report_violation("deletionProtection is not true.", None)
        if skip is True:
            report_violation("skipFinalSnapshot is true: deleting the database loses its data.", None)


# ---- logs -----------------------------------------------------------------------------------------------

# CloudWatch Logs PutRetentionPolicy accepted values (API reference, read 2026-11).
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
                      1096, 1827, 2192, 2557, 2922, 3288, 3653)


def validate_log_retention(args, report_violation) -> None:
    if args.resource_type != "aws:cloudwatch/logGroup:LogGroup":
        return
    days = as_int(get(args.props, "retentionInDays"), 0)
    if is_unknown(days):
        return
    if days == 0:
        report_violation("retentionInDays is not set: logs are kept (and billed) forever.", None)
    elif days not in LOG_RETENTION_DAYS:
        report_violation(f"retentionInDays {days} is not a value CloudWatch accepts.", None)


# ---- tags -----------------------------------------------------------------------------------------------

# Types the platform creates whose pulumi-aws 7.51.1 inputs include `tags` (checked against the SDK by
# tests/test_policies_security.py).  Missing `tags` on these is a violation; any other resource is
# checked only when it has a `tags` input.
TAGGABLE_TYPES = (
    "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/natGateway:NatGateway", "aws:ec2/eip:Eip",
    "aws:ec2/internetGateway:InternetGateway", "aws:ec2/routeTable:RouteTable",
    "aws:ec2/securityGroup:SecurityGroup", "aws:ec2/vpcEndpoint:VpcEndpoint",
    "aws:ecs/cluster:Cluster", "aws:ecs/service:Service", "aws:ecs/taskDefinition:TaskDefinition",
    "aws:ecr/repository:Repository", "aws:lb/loadBalancer:LoadBalancer", "aws:lb/targetGroup:TargetGroup",
    "aws:lb/listener:Listener", "aws:alb/loadBalancer:LoadBalancer", "aws:alb/targetGroup:TargetGroup",
    "aws:alb/listener:Listener", "aws:rds/instance:Instance", "aws:rds/subnetGroup:SubnetGroup",
    "aws:rds/parameterGroup:ParameterGroup", "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:elasticache/subnetGroup:SubnetGroup", "aws:msk/cluster:Cluster", "aws:mq/broker:Broker",
    "aws:efs/fileSystem:FileSystem", "aws:cloudwatch/logGroup:LogGroup", "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:iam/role:Role", "aws:iam/policy:Policy", "aws:sqs/queue:Queue", "aws:sns/topic:Topic",
    "aws:secretsmanager/secret:Secret", "aws:kms/key:Key", "aws:cloudfront/distribution:Distribution",
    "aws:wafv2/webAcl:WebAcl", "aws:apigateway/restApi:RestApi", "aws:apigateway/stage:Stage",
    "aws:apigatewayv2/api:Api", "aws:apigatewayv2/vpcLink:VpcLink", "aws:acm/certificate:Certificate",
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace",
    "aws:acmpca/certificateAuthority:CertificateAuthority", "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2",
    "aws:budgets/budget:Budget", "aws:codepipeline/pipeline:Pipeline", "aws:codebuild/project:Project",
    "aws:fis/experimentTemplate:ExperimentTemplate",
    "aws:appautoscaling/target:Target", "awsx:ec2:Vpc",
)

TAGS_CONFIG = {
    "requiredTags": string_list("Tag keys every taggable resource carries.",
                                ["service", "tier", "stack", "cost-center"]),
    "exemptUnderComponents": string_list(
        "Type prefixes of components whose children are exempt (their tags are not ours to set; "
        "under mocks they are absent, so checking them would give a different verdict).", ["awsx:"]),
}


def _effective_tags(args) -> Any:
    tags = as_mapping(get(args.props, "tags"))
    if is_unknown(tags):
        return UNKNOWN
    merged: dict = {}
    provider = provider_props(args)
    if provider is not None:
        defaults = as_mapping(get(provider, "defaultTags.tags"))
        if not is_unknown(defaults):
            merged.update(defaults)  # provider default_tags reach the resource too
    tags_all = as_mapping(get(args.props, "tagsAll"))
    if not is_unknown(tags_all):
        merged.update(tags_all)
    merged.update(tags)
    return merged


def validate_required_tags(args, report_violation) -> None:
    t = args.resource_type
    if not (t.startswith("aws:") or t in TAGGABLE_TYPES):
        return
    opts = options(args, TAGS_CONFIG)
    if under_type_prefix(args.urn, opts["exemptUnderComponents"]):
        return
    has_tags_input = get(args.props, "tags") is not None
    if t not in TAGGABLE_TYPES and not has_tags_input:
        return  # not known to be taggable and nothing set: nothing to judge
    tags = _effective_tags(args)
    if is_unknown(tags):
        return
    # An unknown value (computed during preview) counts as present; an empty one does not.
    missing = [k for k in opts["requiredTags"] if not is_unknown(tags.get(k)) and not tags.get(k)]
    if missing:
        report_violation(f"Missing required tag(s): {', '.join(missing)} (use settings.tags(tier, service)).",
                         None)


# ---- policies -----------------------------------------------------------------------------------------

POLICIES = [
    resource_policy("encryption-at-rest",
                    "Stateful data is encrypted at rest (RDS, ElastiCache, EFS, EBS; SQS not opted out).",
                    validate_encryption_at_rest, MANDATORY, Severity.HIGH,
                    "Set storageEncrypted / atRestEncryptionEnabled / encrypted = true."),
    resource_policy("encryption-in-transit",
                    "Traffic to data stores and the ALB is encrypted (cache TLS, MSK TLS, HTTP only redirects, "
                    "PostgreSQL rds.force_ssl).",
                    validate_encryption_in_transit, MANDATORY, Severity.HIGH,
                    "Set transitEncryptionEnabled=true, MSK clientBroker=TLS, make port 80 redirect to HTTPS, "
                    "keep rds.force_ssl=1."),
    resource_policy("no-public-stateful-resources", "Databases, brokers and Kafka are not publicly accessible.",
                    validate_no_public_stateful, MANDATORY, Severity.CRITICAL,
                    "Set publiclyAccessible=false and keep them in private subnets."),
    resource_policy("ecs-no-public-ip", "ECS tasks get no public IP.",
                    validate_ecs_no_public_ip, MANDATORY, Severity.HIGH,
                    "Set networkConfiguration.assignPublicIp=false (private subnets)."),
    resource_policy("s3-no-public-access", "S3 buckets are not public (ACLs, public access block).",
                    validate_s3_no_public_access, MANDATORY, Severity.CRITICAL,
                    "Turn all four public-access-block flags on and use private ACLs."),
    stack_policy("no-open-ingress",
                 "No ingress from 0.0.0.0/0 or ::/0 except allowed ports on the ALB (tier=edge) security group.",
                 validate_no_open_ingress, MANDATORY, Severity.CRITICAL,
                 "Allow internet traffic only on the ALB security group (tag tier=edge, description starting "
                 "'ALB') on ports 80/443; reference security groups elsewhere.", INGRESS_CONFIG),
    resource_policy("iam-no-wildcard-admin", "IAM policy documents never allow Action '*' on Resource '*'.",
                    validate_iam_no_admin, MANDATORY, Severity.CRITICAL,
                    "Grant specific actions on specific ARNs (components/access.py)."),
    resource_policy("stateful-resource-protection",
                    "Databases keep backups, deletion protection and a final snapshot.",
                    validate_stateful_protection, MANDATORY, Severity.HIGH,
                    "Set deletionProtection=true, skipFinalSnapshot=false with finalSnapshotIdentifier, "
                    "backupRetentionPeriod>=minBackupRetentionDays (settings deletionProtection, "
                    "database.backupRetentionDays).", PROTECTION_CONFIG),
    resource_policy("log-group-retention", "Log groups set a retention CloudWatch accepts.",
                    validate_log_retention, MANDATORY, Severity.MEDIUM,
                    "Set retentionInDays (settings logRetentionDays)."),
    resource_policy("required-tags", "Taggable resources carry the required tags (service, tier, stack, cost-center).",
                    validate_required_tags, MANDATORY, Severity.MEDIUM,
                    "Pass tags=settings.tags(tier, service) to every resource.", TAGS_CONFIG),
]
