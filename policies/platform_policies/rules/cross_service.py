"""Rules that judge one concern on many services: each policy is declared here, once.

Its per-type checks live in the service modules, next to that service's other rules, and register
themselves: ``@check(ENCRYPTION_AT_REST, RDS_INSTANCE, anchors=(...))`` on a function ``(args,
report_violation, opts)`` that gets the policy's options (the anchors count for that module's
service), ``no_deletion_protection(type, what)`` for a stateful type guarded by Pulumi's ``protect``
option only, and ``physical_names(NameRule(...), type, ...)`` for the AWS name limits of a type.
Each policy judges exactly the types registered for it.  required-tags judges every taggable type,
so it has no per-service part.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any, Callable, NamedTuple, Optional

from pulumi_policy import Severity

from ..registry import Registry
from ..rule import ACCEPTANCE, MANDATORY, SECURITY, rule
from ..support.options import boolean, integer, options, string_list
from ..support.props import (AUTONAME_SUFFIX_LENGTH, UNKNOWN, as_bool, as_mapping, get, is_unknown,
                             physical_name, provider_props, under_type_prefix)

Check = Callable[[Any, Callable[..., None], dict], None]


class TypeCheck(NamedTuple):
    run: Check
    anchors: tuple[str, ...]
    module: str  # the declaring service module, whose baseline the anchors belong to


# {type token: TypeCheck} per policy
ENCRYPTION_AT_REST = Registry("encryption-at-rest check")
ENCRYPTION_IN_TRANSIT = Registry("encryption-in-transit check")
NO_PUBLIC_STATEFUL = Registry("no-public-stateful-resources check")
STATEFUL_PROTECTION = Registry("stateful-resource-protection check")


def check(policy: Registry, *types: str, anchors: tuple[str, ...] = ()) -> Callable[[Check], Check]:
    """Register the decorated function as ``policy``'s check of ``types``."""
    def register(fn: Check) -> Check:
        for t in types:
            policy.add(t, TypeCheck(fn, anchors, fn.__module__))
        return fn
    return register


def _dispatch(policy: Registry, args, report_violation, opts: Optional[dict] = None) -> None:
    entry = policy.get(args.resource_type)
    if entry is not None:
        entry.run(args, report_violation, opts or {})


# ---- encryption, nothing stateful is public ---------------------------------------------------------------

@rule(name="encryption-at-rest", area=SECURITY, resource_types=ENCRYPTION_AT_REST,
      description="Stateful data is encrypted at rest (RDS, ElastiCache, EFS, EBS; SQS not opted out).",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Set storageEncrypted / atRestEncryptionEnabled / encrypted = true.")
def validate_encryption_at_rest(args, report_violation) -> None:
    _dispatch(ENCRYPTION_AT_REST, args, report_violation)


@rule(name="encryption-in-transit", area=SECURITY, resource_types=ENCRYPTION_IN_TRANSIT,
      description="Traffic to data stores and the ALB is encrypted (cache TLS, MSK TLS, HTTP only redirects, "
                  "PostgreSQL rds.force_ssl, EFS policy denies non-TLS).",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Set transitEncryptionEnabled=true, MSK clientBroker=TLS, make port 80 redirect to HTTPS, "
                  "keep rds.force_ssl=1.")
def validate_encryption_in_transit(args, report_violation) -> None:
    _dispatch(ENCRYPTION_IN_TRANSIT, args, report_violation)


@rule(name="no-public-stateful-resources", area=SECURITY, resource_types=NO_PUBLIC_STATEFUL,
      description="Databases, brokers and Kafka are not publicly accessible.",
      level=MANDATORY, severity=Severity.CRITICAL,
      remediation="Set publiclyAccessible=false and keep them in private subnets.")
def validate_no_public_stateful(args, report_violation) -> None:
    _dispatch(NO_PUBLIC_STATEFUL, args, report_violation)


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


def is_protected(args: Any) -> bool:
    """The Pulumi `protect` resource option (sent by the engine with the resource's options)."""
    return bool(getattr(getattr(args, "opts", None), "protect", False))


def require_protect_when_strict(what: str, args, report_violation, opts) -> None:
    """The stateful-resource-protection check of a service with no deletion-protection flag.

    MSK, Amazon MQ, EFS and ElastiCache replication groups have none (MSK CreateCluster, Amazon MQ
    CreateBroker, EFS CreateFileSystem, ElastiCache CreateReplicationGroup API references, read 2026-11):
    the only guard against a `pulumi destroy` or a replacing change is Pulumi's `protect` option, so
    strict stacks (requireDeletionProtection) require it.  With requireProtect the policy's common part
    already reports it."""
    strict = as_bool(opts.get("requireDeletionProtection"), True)
    if strict and not as_bool(opts.get("requireProtect"), False) and not is_protected(args):
        report_violation(f"{what} has no deletion protection of its own and the Pulumi `protect` option is "
                         f"not set: a destroy or a replacing change deletes its data.", None)


def no_deletion_protection(resource_type: str, what: str) -> None:
    """Register :func:`require_protect_when_strict` as the protection check of ``resource_type``."""
    STATEFUL_PROTECTION.add(resource_type, TypeCheck(partial(require_protect_when_strict, what), (), __name__))


@rule(name="stateful-resource-protection", area=SECURITY, resource_types=STATEFUL_PROTECTION,
      description="Stateful resources keep backups and are protected from deletion: RDS backups, deletion "
                  "protection and final snapshot; ElastiCache snapshots and final snapshot; MSK, MQ, EFS (and "
                  "ElastiCache) the Pulumi `protect` option in strict stacks.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Set deletionProtection=true, skipFinalSnapshot=false with finalSnapshotIdentifier, "
                  "backupRetentionPeriod>=minBackupRetentionDays (settings deletionProtection, "
                  "database.backupRetentionDays); ElastiCache snapshotRetentionLimit and finalSnapshotIdentifier; "
                  "protect=True on MSK, MQ, EFS and ElastiCache (settings deletionProtection).",
      config=PROTECTION_CONFIG)
def validate_stateful_protection(args, report_violation) -> None:
    if args.resource_type not in STATEFUL_PROTECTION:
        return
    opts = options(args, PROTECTION_CONFIG)
    if as_bool(opts["requireProtect"], False) and not is_protected(args):
        report_violation("The Pulumi `protect` option is not set on a stateful resource.", None)
    _dispatch(STATEFUL_PROTECTION, args, report_violation, opts)


# ---- physical names AWS accepts ---------------------------------------------------------------------------

class NameRule(NamedTuple):
    """The AWS name limits of one type.  Pulumi auto-names a resource that sets neither ``name`` nor
    ``namePrefix`` as ``<logical name>-<7 random characters>`` (pulumi docs, "Resource names", read
    2026-11); AWS then applies its own length and character rules to that name."""
    prop: str  # the input that holds the physical name
    max_length: int
    lowercase: bool = False  # pulumi-aws lower-cases the auto-name (RDS, ElastiCache)
    pattern: Optional[re.Pattern] = None  # the whole name must match; None = any characters


# Lower-case identifiers (RDS, ElastiCache): letter first, no "--", no trailing "-".
LOWER_ID = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")

NAME_RULES = Registry("physical-name rule")  # {type token: NameRule}


def physical_names(limits: NameRule, *types: str) -> None:
    """Register the AWS name limits of ``types`` for aws-physical-names."""
    for t in types:
        NAME_RULES.add(t, limits)


@rule(name="aws-physical-names", area=ACCEPTANCE, resource_types=NAME_RULES,
      description="Physical names (after Pulumi's auto-name suffix) fit AWS length and character limits.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Shorten the logical resource name (components/naming.py) or set an explicit `name`.")
def validate_physical_names(args, report_violation) -> None:
    limits = NAME_RULES.get(args.resource_type)
    if limits is None:
        return
    name, auto = physical_name(args, limits.prop, limits.lowercase)
    if is_unknown(name) or not name:
        return
    how = (f"auto-named from logical name {args.name!r} plus Pulumi's {AUTONAME_SUFFIX_LENGTH}-character suffix"
           if auto
           else f"{limits.prop} {name!r}")
    if len(name) > limits.max_length:
        fix = "shorten the logical name or set an explicit short name" if auto else f"shorten {limits.prop}"
        report_violation(f"Physical name is {len(name)} characters ({how}); AWS allows {limits.max_length}: "
                         f"{fix}.", None)
    if limits.pattern is not None:
        # The random suffix itself is always valid; keep its joining hyphen in the check
        # ("x-" + suffix must stay valid).
        body = name[:-AUTONAME_SUFFIX_LENGTH] + "-a" if auto else name
        if not limits.pattern.fullmatch(body):
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


@rule(name="required-tags", area=SECURITY, resource_types=("aws:*", "awsx:ec2:Vpc"),
      description="Taggable resources carry the required tags (service, tier, stack, cost-center).",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Pass tags=settings.tags(tier, service) to every resource.", config=TAGS_CONFIG)
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
