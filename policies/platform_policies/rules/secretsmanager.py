"""AWS Secrets Manager: secrets and their versions."""

from __future__ import annotations

import re

from pulumi_policy import Severity

from ..baseline import baseline
from ..rule import ACCEPTANCE, MANDATORY, SECURITY, rule
from ..support.graph import of_type, producer
from ..support.options import options
from ..support.props import as_int, as_mapping, as_str, get, is_unknown, parse_json
from .cross_service import NameRule, physical_names

SECRET = "aws:secretsmanager/secret:Secret"
SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
SECRET_ROTATION = "aws:secretsmanager/secretRotation:SecretRotation"
SECRET_POLICY = "aws:secretsmanager/secretPolicy:SecretPolicy"

ROTATION_CONFIG = {
    "maxRotationDays": {"type": "integer", "minimum": 1, "default": 90,
                        "description": "Longest automatic rotation interval (days)."},
    "reasonTagKey": {"type": "string", "default": "rotation",
                     "description": "Tag that explains how a secret without automatic rotation is rotated."},
}


@rule(name="secret-rotation", area=SECURITY, resource_types=(SECRET, SECRET_ROTATION), stack=True,
      description="Every secret rotates automatically (within maxRotationDays) or carries a tag saying how it "
                  "is rotated.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Add aws.secretsmanager.SecretRotation, or tag the secret rotation=<how> (generated "
                  "credentials: rotation by raising their generation).", config=ROTATION_CONFIG,
      anchors=("AwsSolutions-SMG4", "CKV2_AWS_57", "CKV_AWS_304"))
def validate_secret_rotation(args, report_violation) -> None:
    """Every secret rotates automatically within maxRotationDays (SMG4, CKV2_AWS_57, CKV_AWS_304) or says in
    a tag how it is rotated instead (e.g. the platform's generation-based rotation)."""
    opts = options(args, ROTATION_CONFIG)
    resources = list(args.resources)
    rotations = of_type(resources, SECRET_ROTATION)
    for secret in of_type(resources, SECRET):
        mine = [r for r in rotations if getattr(producer(r, "secretId", SECRET), "urn", None) == secret.urn
                or (producer(r, "secretId", SECRET) is None and len(of_type(resources, SECRET)) == 1)]
        if mine:
            for r in mine:
                days = as_int(get(r.props, "rotationRules.automaticallyAfterDays"))
                if days is not None and not is_unknown(days) and days > as_int(opts["maxRotationDays"], 90):
                    report_violation(f"Rotation every {days} days; at most {opts['maxRotationDays']}.", r.urn)
            continue
        tags = as_mapping(get(secret.props, "tags"))
        if is_unknown(tags):
            continue
        reason = tags.get(opts["reasonTagKey"])
        if not reason or is_unknown(reason):
            report_violation(f"The secret has no automatic rotation (aws.secretsmanager.SecretRotation) and no "
                             f"'{opts['reasonTagKey']}' tag saying how it is rotated.", secret.urn)


@rule(name="secret-description", area=SECURITY, resource_types=(SECRET,),
      description="Secrets describe what they hold.",
      level=MANDATORY, severity=Severity.LOW,
      remediation="Set description on the secret.", anchors=("aws-secretsmanager-secret-missing-description",))
def validate_secret_description(args, report_violation) -> None:
    if args.resource_type != SECRET:
        return
    description = get(args.props, "description")
    if not is_unknown(description) and not description:
        report_violation("The secret has no description of what it holds and who reads it.", None)


@rule(name="secret-values", area=ACCEPTANCE, resource_types=(SECRET, SECRET_VERSION, SECRET_ROTATION),
      description="Secrets Manager recovery windows, descriptions, rotation intervals and exclusive inputs are "
                  "values the API accepts.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Fix the value named in the message (Secrets Manager API reference).")
def validate_secret_values(args, report_violation) -> None:
    """Secrets Manager API reference (read 2026-11): DeleteSecret RecoveryWindowInDays 7-30 (0 forces deletion
    without recovery, allowed only through ForceDeleteWithoutRecovery); Description up to 2048 characters;
    RotationRules AutomaticallyAfterDays 1-1000; terraform-provider-aws: name conflicts with name_prefix,
    secret_string conflicts with secret_binary."""
    t, p = args.resource_type, args.props
    if t == SECRET:
        window = as_int(get(p, "recoveryWindowInDays"))
        if window is not None and not is_unknown(window) and window != 0 and not 7 <= window <= 30:
            report_violation(f"recoveryWindowInDays {window} is not 0 or 7-30.", None)
        description = as_str(get(p, "description"))
        if description and not is_unknown(description) and len(description) > 2048:
            report_violation("description is over 2048 characters.", None)
        if get(p, "name") not in (None, "") and get(p, "namePrefix") not in (None, ""):
            report_violation("name and namePrefix are mutually exclusive.", None)
    elif t == SECRET_VERSION:
        if get(p, "secretString") is not None and get(p, "secretBinary") is not None:
            report_violation("secretString and secretBinary are mutually exclusive.", None)
    elif t == SECRET_ROTATION:
        days = as_int(get(p, "rotationRules.automaticallyAfterDays"))
        if days is not None and not is_unknown(days) and not 1 <= days <= 1000:
            report_violation(f"rotationRules.automaticallyAfterDays {days} is outside 1-1000.", None)


def _public(st: dict) -> bool:
    principal = st.get("Principal")
    if principal == "*":
        return True
    aws = principal.get("AWS") if isinstance(principal, dict) else None
    return "*" in (aws if isinstance(aws, list) else [aws])


@rule(name="secret-resource-policy", area=SECURITY, resource_types=(SECRET, SECRET_POLICY),
      description="Secret resource policies grant no '*' principal without a condition.",
      level=MANDATORY, severity=Severity.CRITICAL,
      remediation="Name the roles that read the secret; identity policies on the services' roles are enough "
                  "within the account.")
def validate_secret_policy(args, report_violation) -> None:
    """A secret's resource policy grants no '*' principal without a condition: anyone in any account could read
    the secret (Secrets Manager user guide, "Block public access": PutResourcePolicy's BlockPublicPolicy exists
    for this, read 2026-11)."""
    if args.resource_type != SECRET_POLICY and not (args.resource_type == SECRET and get(args.props, "policy")):
        return
    doc = parse_json(get(args.props, "policy"))
    if is_unknown(doc) or not isinstance(doc, dict):
        return
    statements = doc.get("Statement", [])
    for st in statements if isinstance(statements, list) else [statements]:
        if isinstance(st, dict) and st.get("Effect") == "Allow" and _public(st) and not st.get("Condition"):
            report_violation("The secret's resource policy allows any principal ('*') without a condition: every "
                             "AWS account could read it.", None)


# CreateSecret Name: 512 characters, ASCII letters, digits and /_+=.@- (Secrets Manager API reference, read
# 2026-11): a space is refused.
physical_names(NameRule("name", 512, pattern=re.compile(r"[A-Za-z0-9/_+=.@-]+")), SECRET)


baseline(
    __name__,
    service='AWS Secrets Manager',
    resource_types=(
        'aws:secretsmanager/secret:Secret',
        'aws:secretsmanager/secretVersion:SecretVersion',
        'aws:secretsmanager/secretPolicy:SecretPolicy',
    ),
    not_applicable={
        'CKV_AWS_149': "The secrets are read only by this account's task execution roles; the AWS managed key "
                       "aws/secretsmanager encrypts them, and no cross-account access needs a customer managed key.",
        'aws-secretsmanager-secret-configure-customer-managed-key': "As CKV_AWS_149: the AWS managed key "
                                                                    "aws/secretsmanager suffices here.",
    },
)
