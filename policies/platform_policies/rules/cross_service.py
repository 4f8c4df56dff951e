"""Rules that judge the same concern on many services: one policy each, per-service checks elsewhere.

Each policy here is declared once (name, level, options, anchors) and dispatches on the resource
type.  The per-type checks live in the service modules, next to that service's other rules:

* ``SHARED_CHECKS = {"<policy name>": {<type token>: check}}`` - ``check(args, report_violation,
  opts)`` gets the policy's options; ``None`` means only the policy's common part applies (the
  Pulumi ``protect`` option of stateful-resource-protection);
* ``PHYSICAL_NAMES = {<type token>: NameRule(...)}`` - the AWS name limits aws-physical-names checks.

A new service module that contributes must be listed in :data:`CONTRIBUTORS` (a test checks it).
required-tags judges every taggable type, so it has no per-service part.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from pulumi_policy import Severity

from ..rule import ACCEPTANCE, MANDATORY, SECURITY, Rule
from ..support.naming import NameRule
from ..support.protection import is_protected
from ..support.options import Schema, boolean, integer, options, string_list
from ..support.props import (AUTONAME_SUFFIX_LENGTH, UNKNOWN, as_bool, as_mapping, get, is_unknown,
                             physical_name, provider_props, under_type_prefix)
from . import ec2, efs, elasticache, elb, iam, logs, mq, msk, rds, secretsmanager, sns, sqs, wafv2

CONTRIBUTORS = (ec2, efs, elasticache, elb, iam, logs, mq, msk, rds, secretsmanager, sns, sqs, wafv2)

Check = Callable[[Any, Callable[..., None], dict], None]


def _merged(attribute: str, policy: Optional[str] = None) -> dict[str, Any]:
    """{type token: contribution} over the contributors; a type claimed twice is a layout error."""
    table: dict[str, Any] = {}
    for module in CONTRIBUTORS:
        entries = getattr(module, attribute, {})
        if policy is not None:
            entries = entries.get(policy, {})
        for resource_type, entry in entries.items():
            if resource_type in table:
                raise ValueError(f"{resource_type} is claimed twice for {policy or attribute}")
            table[resource_type] = entry
    return table


def _dispatcher(checks: dict[str, Optional[Check]], config: Optional[Schema] = None,
                common: Optional[Check] = None) -> Callable[..., None]:
    """A validator running ``common`` and then the resource type's own check, for registered types only."""
    def validate(args, report_violation) -> None:
        if args.resource_type not in checks:
            return
        opts = options(args, config) if config else {}
        if common is not None:
            common(args, report_violation, opts)
        check = checks[args.resource_type]
        if check is not None:
            check(args, report_violation, opts)
    return validate


# ---- encryption -----------------------------------------------------------------------------------------

ENCRYPTION_AT_REST = _merged("SHARED_CHECKS", "encryption-at-rest")
validate_encryption_at_rest = _dispatcher(ENCRYPTION_AT_REST)

ENCRYPTION_IN_TRANSIT = _merged("SHARED_CHECKS", "encryption-in-transit")
validate_encryption_in_transit = _dispatcher(ENCRYPTION_IN_TRANSIT)


# ---- nothing stateful is public -------------------------------------------------------------------------

NO_PUBLIC_STATEFUL = _merged("SHARED_CHECKS", "no-public-stateful-resources")
validate_no_public_stateful = _dispatcher(NO_PUBLIC_STATEFUL)


# ---- stateful resource protection -----------------------------------------------------------------------

PROTECTION_CONFIG = {
    "requireDeletionProtection": boolean(
        "Strict protection: deletion protection and a final snapshot where the service offers them, and the "
        "Pulumi `protect` option where it does not (ElastiCache, MSK, Amazon MQ, EFS).", True),
    "minBackupRetentionDays": integer("Smallest RDS backupRetentionPeriod.", 7, 0),
    "minCacheSnapshotRetentionDays": integer("Smallest ElastiCache snapshotRetentionLimit (days of daily "
                                             "snapshots).", 1, 0),
    "requireProtect": boolean("Also require the Pulumi `protect` option on every stateful resource "
                              "(including RDS).", False),
}


def _pulumi_protect(args, report_violation, opts) -> None:
    if as_bool(opts["requireProtect"], False) and not is_protected(args):
        report_violation("The Pulumi `protect` option is not set on a stateful resource.", None)


STATEFUL_PROTECTION = _merged("SHARED_CHECKS", "stateful-resource-protection")
validate_stateful_protection = _dispatcher(STATEFUL_PROTECTION, PROTECTION_CONFIG, common=_pulumi_protect)


# ---- physical names AWS accepts ---------------------------------------------------------------------------

NAME_RULES: dict[str, NameRule] = _merged("PHYSICAL_NAMES")


def validate_physical_names(args, report_violation) -> None:
    rule = NAME_RULES.get(args.resource_type)
    if rule is None:
        return
    name, auto = physical_name(args, rule.prop, rule.lowercase)
    if is_unknown(name) or not name:
        return
    how = (f"auto-named from logical name {args.name!r} plus Pulumi's {AUTONAME_SUFFIX_LENGTH}-character suffix"
           if auto
           else f"{rule.prop} {name!r}")
    if len(name) > rule.max_length:
        fix = "shorten the logical name or set an explicit short name" if auto else f"shorten {rule.prop}"
        report_violation(f"Physical name is {len(name)} characters ({how}); AWS allows {rule.max_length}: "
                         f"{fix}.", None)
    if rule.pattern is not None:
        # The random suffix itself is always valid; keep its joining hyphen in the check
        # ("x-" + suffix must stay valid).
        body = name[:-AUTONAME_SUFFIX_LENGTH] + "-a" if auto else name
        if not rule.pattern.fullmatch(body):
            report_violation(f"Physical name {name!r} ({how}) has characters or a shape AWS rejects "
                             f"for {args.resource_type.split(':')[-1]}.", None)


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


# ---- the rules ------------------------------------------------------------------------------------------

def _types(table: dict) -> tuple[str, ...]:
    return tuple(sorted(table))


RULES = [
    Rule(name="aws-physical-names", area=ACCEPTANCE, resource_types=_types(NAME_RULES),
         description="Physical names (after Pulumi's auto-name suffix) fit AWS length and character limits.",
         validate=validate_physical_names, level=MANDATORY, severity=Severity.HIGH,
         remediation="Shorten the logical resource name (components/naming.py) or set an explicit `name`."),
    Rule(name="encryption-at-rest", area=SECURITY, resource_types=_types(ENCRYPTION_AT_REST),
         description="Stateful data is encrypted at rest (RDS, ElastiCache, EFS, EBS; SQS not opted out).",
         validate=validate_encryption_at_rest, level=MANDATORY, severity=Severity.HIGH,
         remediation="Set storageEncrypted / atRestEncryptionEnabled / encrypted = true.",
         anchors=("AwsSolutions-RDS2", "AwsSolutions-AEC3", "AwsSolutions-EFS1", "AwsSolutions-EC26",
                  "AwsSolutions-SQS2", "CKV_AWS_16", "CKV_AWS_29", "CKV_AWS_42", "CKV_AWS_3", "CKV_AWS_27",
                  "aws-rds-instance-disallow-unencrypted-storage",
                  "aws-efs-filesystem-disallow-unencrypted-file-system",
                  "aws-ebs-volume-disallow-unencrypted-volume")),
    Rule(name="encryption-in-transit", area=SECURITY, resource_types=_types(ENCRYPTION_IN_TRANSIT),
         description="Traffic to data stores and the ALB is encrypted (cache TLS, MSK TLS, HTTP only redirects, "
                     "PostgreSQL rds.force_ssl, EFS policy denies non-TLS).",
         validate=validate_encryption_in_transit, level=MANDATORY, severity=Severity.HIGH,
         remediation="Set transitEncryptionEnabled=true, MSK clientBroker=TLS, make port 80 redirect to HTTPS, "
                     "keep rds.force_ssl=1.",
         anchors=("AwsSolutions-AEC3", "AwsSolutions-MSK2", "AwsSolutions-MSK3", "CKV_AWS_2", "CKV2_AWS_20",
                  "CKV_AWS_30", "CKV_AWS_81", "CKV2_AWS_69", "aws-alb-listener-disallow-unencrypted-traffic")),
    Rule(name="no-public-stateful-resources", area=SECURITY, resource_types=_types(NO_PUBLIC_STATEFUL),
         description="Databases, brokers and Kafka are not publicly accessible.",
         validate=validate_no_public_stateful, level=MANDATORY, severity=Severity.CRITICAL,
         remediation="Set publiclyAccessible=false and keep them in private subnets.",
         anchors=("CKV_AWS_17", "CKV_AWS_69", "CKV_AWS_291", "aws-rds-instance-disallow-public-access")),
    Rule(name="stateful-resource-protection", area=SECURITY, resource_types=_types(STATEFUL_PROTECTION),
         description="Stateful resources keep backups and are protected from deletion: RDS backups, deletion "
                     "protection and final snapshot; ElastiCache snapshots and final snapshot; MSK, MQ, EFS (and "
                     "ElastiCache) the Pulumi `protect` option in strict stacks.",
         validate=validate_stateful_protection, level=MANDATORY, severity=Severity.HIGH,
         remediation="Set deletionProtection=true, skipFinalSnapshot=false with finalSnapshotIdentifier, "
                     "backupRetentionPeriod>=minBackupRetentionDays (settings deletionProtection, "
                     "database.backupRetentionDays); ElastiCache snapshotRetentionLimit and finalSnapshotIdentifier; "
                     "protect=True on MSK, MQ, EFS and ElastiCache (settings deletionProtection).",
         config=PROTECTION_CONFIG,
         anchors=("AwsSolutions-RDS10", "AwsSolutions-RDS13", "CKV_AWS_133", "CKV_AWS_293", "CKV_AWS_134",
                  "aws-rds-instance-configure-backup-retention", "aws-rds-instance-enable-backup-retention")),
    Rule(name="required-tags", area=SECURITY, resource_types=("aws:*", "awsx:ec2:Vpc"),
         description="Taggable resources carry the required tags (service, tier, stack, cost-center).",
         validate=validate_required_tags, level=MANDATORY, severity=Severity.MEDIUM,
         remediation="Pass tags=settings.tags(tier, service) to every resource.", config=TAGS_CONFIG),
]
