"""AWS KMS: customer managed keys and their aliases."""

from __future__ import annotations

import fnmatch
import re
from typing import Any

from pulumi_policy import Severity

from ..baseline import baseline
from ..rule import ACCEPTANCE, MANDATORY, SECURITY, rule
from ..support.props import as_bool, as_int, as_str, get, is_unknown, parse_json

KEY = "aws:kms/key:Key"
ALIAS = "aws:kms/alias:Alias"


def _symmetric(props) -> bool:
    spec = as_str(get(props, "customerMasterKeySpec"), "SYMMETRIC_DEFAULT")
    usage = as_str(get(props, "keyUsage"), "ENCRYPT_DECRYPT")
    return spec == "SYMMETRIC_DEFAULT" and usage == "ENCRYPT_DECRYPT"


@rule(name="kms-key-rotation", area=SECURITY, resource_types=(KEY,),
      description="Symmetric customer managed KMS keys rotate their key material automatically.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Set enableKeyRotation=true.",
      anchors=("AwsSolutions-KMS5", "CKV_AWS_7", "aws-kms-key-enable-key-rotation"))
def validate_key_rotation(args, report_violation) -> None:
    if args.resource_type != KEY or not _symmetric(args.props):
        return  # AWS rotates only symmetric encryption keys automatically
    if as_bool(get(args.props, "enableKeyRotation"), False) is False:  # provider default: off
        report_violation("enableKeyRotation is not true: the key material is never rotated.", None)


def _anyone(st: dict) -> bool:
    principal = st.get("Principal")
    if principal == "*":
        return True
    if isinstance(principal, dict):
        aws = principal.get("AWS")
        return "*" in (aws if isinstance(aws, list) else [aws])
    return False


@rule(name="kms-key-policy", area=SECURITY, resource_types=(KEY,),
      description="KMS keys have an explicit key policy that grants no '*' principal without a condition and "
                  "keeps the lockout safety check.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Give the key a policy: the account administers it, named services use it.",
      anchors=("CKV_AWS_33", "CKV2_AWS_64", "aws-kms-key-disallow-bypass-policy-lockout-safety-check"))
def validate_key_policy(args, report_violation) -> None:
    """A key policy is set (CKV2_AWS_64), does not let anyone use the key (CKV_AWS_33) and keeps the lockout
    safety check (aws-kms-key-disallow-bypass-policy-lockout-safety-check)."""
    if args.resource_type != KEY:
        return
    p = args.props
    if as_bool(get(p, "bypassPolicyLockoutSafetyCheck"), False) is True:
        report_violation("bypassPolicyLockoutSafetyCheck is true: a policy that locks everyone out is accepted.",
                         None)
    raw = get(p, "policy")
    if is_unknown(raw):
        return
    if raw in (None, ""):
        report_violation("No key policy: the default policy lets every IAM principal of the account with kms "
                         "permissions use the key. State who administers and who uses it.", None)
        return
    doc = parse_json(raw)
    for st in (doc.get("Statement", []) if isinstance(doc, dict) else []):
        if isinstance(st, dict) and st.get("Effect") == "Allow" and _anyone(st) and not st.get("Condition"):
            report_violation("The key policy allows any principal ('*') without a condition.", None)


@rule(name="kms-key-hygiene", area=SECURITY, resource_types=(KEY,),
      description="KMS keys are enabled and describe what they encrypt.",
      level=MANDATORY, severity=Severity.LOW,
      remediation="Keep isEnabled unset (true) and set a description.",
      anchors=("CKV_AWS_227", "aws-kms-key-missing-description"))
def validate_key_hygiene(args, report_violation) -> None:
    """The key is enabled (CKV_AWS_227) and says what it encrypts (aws-kms-key-missing-description)."""
    if args.resource_type != KEY:
        return
    if as_bool(get(args.props, "isEnabled"), True) is False:
        report_violation("isEnabled is false: everything encrypted with the key becomes unreadable.", None)
    description = get(args.props, "description")
    if not is_unknown(description) and not description:
        report_violation("The key has no description of what it encrypts.", None)


def _locks_out(raw: Any) -> bool:
    """Whether a known key policy gives no AWS principal kms:PutKeyPolicy.  CreateKey (KMS API reference,
    BypassPolicyLockoutSafetyCheck, read 2026-11) refuses a policy that would not let the caller change it
    again; the account-root statement (the default key policy's) is what keeps IAM in charge of the key."""
    if is_unknown(raw) or raw in (None, ""):
        return False
    doc = parse_json(raw)
    if not isinstance(doc, dict) or not isinstance(doc.get("Statement"), (list, dict)):
        return False
    statements = doc["Statement"] if isinstance(doc["Statement"], list) else [doc["Statement"]]
    for st in statements:
        if not isinstance(st, dict) or st.get("Effect") != "Allow":
            continue
        principal = st.get("Principal")
        aws = principal.get("AWS") if isinstance(principal, dict) else principal
        if not aws:
            continue
        actions = st.get("Action")
        actions = actions if isinstance(actions, list) else [actions]
        if any(isinstance(a, str) and fnmatch.fnmatchcase("kms:putkeypolicy", a.lower()) for a in actions):
            return False
    return True


# KMS API reference (read 2026-11): CreateKey PendingWindowInDays (deletionWindowInDays) 7-30;
# EnableKeyRotation RotationPeriodInDays 90-2560, only for symmetric encryption keys; Description up to 8192
# characters; CreateAlias AliasName "alias/" + [a-zA-Z0-9/_-], up to 256 characters, not "alias/aws/".
_ALIAS = re.compile(r"alias/[A-Za-z0-9/_-]+")


@rule(name="kms-values", area=ACCEPTANCE, resource_types=(KEY, ALIAS),
      description="KMS deletion window, rotation period, description length and alias names are values KMS "
                  "accepts, and the key policy passes CreateKey's lockout safety check.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Fix the value named in the message (KMS CreateKey / CreateAlias API reference).")
def validate_kms_values(args, report_violation) -> None:
    t, p = args.resource_type, args.props
    if t == KEY:
        window = as_int(get(p, "deletionWindowInDays"))
        if window is not None and not is_unknown(window) and not 7 <= window <= 30:
            report_violation(f"deletionWindowInDays {window} is outside 7-30.", None)
        period = as_int(get(p, "rotationPeriodInDays"))
        if period is not None and not is_unknown(period) and not 90 <= period <= 2560:
            report_violation(f"rotationPeriodInDays {period} is outside 90-2560.", None)
        if as_bool(get(p, "enableKeyRotation"), False) is True and not _symmetric(p):
            report_violation("Automatic rotation works only for symmetric encryption keys.", None)
        description = as_str(get(p, "description"))
        if description and not is_unknown(description) and len(description) > 8192:
            report_violation("description is over 8192 characters.", None)
        if as_bool(get(p, "bypassPolicyLockoutSafetyCheck"), False) is not True and _locks_out(get(p, "policy")):
            report_violation("The key policy lets no IAM principal manage it (kms:PutKeyPolicy): CreateKey's lockout "
                             "safety check refuses it (MalformedPolicyDocumentException). Keep the statement "
                             "that lets the account (arn:aws:iam::<account>:root) administer the key.", None)
    elif t == ALIAS:
        name = as_str(get(p, "name"))
        if name and not is_unknown(name):
            if len(name) > 256 or not _ALIAS.fullmatch(name):
                report_violation(f"Alias name {name!r} must be 'alias/' plus letters, digits, '/', '_' or '-' "
                                 f"(256 characters at most).", None)
            if name.startswith("alias/aws/"):
                report_violation(f"Alias name {name!r}: the alias/aws/ prefix is reserved for AWS managed keys.",
                                 None)


baseline(
    __name__,
    service='AWS KMS',
    resource_types=(
        'aws:kms/key:Key',
        'aws:kms/alias:Alias',
    ),
)
