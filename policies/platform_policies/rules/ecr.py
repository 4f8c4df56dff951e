"""Amazon ECR: repositories and their lifecycle policies."""

from __future__ import annotations

import re

from pulumi_policy import Severity

from ..baseline import baseline
from ..rule import ACCEPTANCE, MANDATORY, SECURITY, rule
from ..support.props import as_bool, as_list, as_str, get, is_unknown, parse_json
from ..support.report import report_problems

REPOSITORY = "aws:ecr/repository:Repository"
LIFECYCLE_POLICY = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
REPOSITORY_POLICY = "aws:ecr/repositoryPolicy:RepositoryPolicy"


# ---- security ------------------------------------------------------------------------------------------

@rule(name="ecr-image-scanning", area=SECURITY, resource_types=(REPOSITORY,),
      description="ECR repositories scan images on push.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Set imageScanningConfiguration.scanOnPush=true.",
      anchors=("CKV_AWS_163", "aws-ecr-repository-disallow-repo-without-image-scans"))
def validate_image_scanning(args, report_violation) -> None:
    if args.resource_type != REPOSITORY:
        return
    if as_bool(get(args.props, "imageScanningConfiguration.scanOnPush"), False) is False:
        report_violation("imageScanningConfiguration.scanOnPush is not true: pushed images are not scanned for "
                         "vulnerabilities.", None)


IMMUTABLE = ("IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION")


@rule(name="ecr-tag-immutability", area=SECURITY, resource_types=(REPOSITORY,),
      description="ECR image tags are immutable (exclusions allowed for convenience tags such as latest).",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Set imageTagMutability=IMMUTABLE (or IMMUTABLE_WITH_EXCLUSION for `latest`).",
      anchors=("CKV_AWS_51", "aws-ecr-repository-disallow-repo-without-immutable-image"))
def validate_tag_immutability(args, report_violation) -> None:
    """IMMUTABLE_WITH_EXCLUSION counts: the program excludes only the moving `latest` convenience tag,
    deployments pin the immutable commit tag."""
    if args.resource_type != REPOSITORY:
        return
    mode = as_str(get(args.props, "imageTagMutability"), "MUTABLE")  # AWS default
    if not is_unknown(mode) and mode not in IMMUTABLE:
        report_violation(f"imageTagMutability is {mode}: a pushed tag can be overwritten with another image.", None)


@rule(name="ecr-kms-encryption", area=SECURITY, resource_types=(REPOSITORY,),
      description="ECR repositories encrypt images with KMS.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Set encryptionConfigurations=[{encryptionType: KMS}].", anchors=("CKV_AWS_136",))
def validate_kms_encryption(args, report_violation) -> None:
    if args.resource_type != REPOSITORY:
        return
    configs = as_list(get(args.props, "encryptionConfigurations"))
    if is_unknown(configs):
        return
    kinds = [as_str(get(c, "encryptionType"), "AES256") for c in configs] or ["AES256"]  # AWS default AES256
    if not any(k in ("KMS", "KMS_DSSE") or is_unknown(k) for k in kinds):
        report_violation("encryptionConfigurations is not KMS: images are encrypted with an S3-managed key only.",
                         None)


@rule(name="ecr-no-public-policy", area=SECURITY, resource_types=(REPOSITORY_POLICY,),
      description="Repository policies do not open a repository to everyone.",
      level=MANDATORY, severity=Severity.CRITICAL,
      remediation="Name the accounts or roles that may pull.", anchors=("AwsSolutions-ECR1", "CKV_AWS_32"))
def validate_repository_policy(args, report_violation) -> None:
    if args.resource_type != REPOSITORY_POLICY:
        return
    doc = parse_json(get(args.props, "policy"))
    if is_unknown(doc) or not isinstance(doc, dict):
        return
    statements = doc.get("Statement", [])
    for st in statements if isinstance(statements, list) else [statements]:
        if not isinstance(st, dict) or st.get("Effect") != "Allow" or st.get("Condition"):
            continue
        principal = st.get("Principal")
        aws = principal.get("AWS") if isinstance(principal, dict) else None
        if principal == "*" or aws == "*" or (isinstance(aws, list) and "*" in aws):
            report_violation(f"Statement {st.get('Sid', '?')!r} opens the repository to everyone (Principal *).",
                             None)


# ---- acceptance ----------------------------------------------------------------------------------------

# CreateRepository (ECR API reference: repositoryName pattern, 2-256 characters; imageTagMutability;
# EncryptionConfiguration), read 2026-11.
_REPO_NAME = re.compile(r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*")
_MUTABILITY = ("MUTABLE", "IMMUTABLE", "MUTABLE_WITH_EXCLUSION", "IMMUTABLE_WITH_EXCLUSION")
_ENCRYPTION = ("AES256", "KMS", "KMS_DSSE")


@rule(name="ecr-repository-constraints", area=ACCEPTANCE, resource_types=(REPOSITORY,),
      description="Repositories CreateRepository accepts: name grammar, tag mutability with matching exclusion "
                  "filters, encryption type and key pairing.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Fix the repository inputs (components/compute/compute.py).")
def validate_repository_constraints(args, report_violation) -> None:
    if args.resource_type != REPOSITORY:
        return
    p, out = args.props, []
    name = as_str(get(p, "name"))
    if isinstance(name, str) and (not 2 <= len(name) <= 256 or not _REPO_NAME.fullmatch(name)):
        out.append(f"repository name {name!r} must be 2-256 lower-case characters in '/'-separated components")
    mode = as_str(get(p, "imageTagMutability"), "MUTABLE")
    if isinstance(mode, str) and mode not in _MUTABILITY:
        out.append(f"imageTagMutability {mode!r} is not one of {', '.join(_MUTABILITY)}")
    filters = as_list(get(p, "imageTagMutabilityExclusionFilters"))
    if isinstance(mode, str) and not is_unknown(filters) and filters and not mode.endswith("_WITH_EXCLUSION"):
        out.append(f"imageTagMutabilityExclusionFilters need imageTagMutability *_WITH_EXCLUSION (got {mode})")
    if isinstance(mode, str) and mode.endswith("_WITH_EXCLUSION") and not is_unknown(filters) and not filters:
        out.append(f"imageTagMutability {mode} needs imageTagMutabilityExclusionFilters")
    for c in as_list(get(p, "encryptionConfigurations")) or []:
        kind = as_str(get(c, "encryptionType"), "AES256")
        if isinstance(kind, str) and kind not in _ENCRYPTION:
            out.append(f"encryptionType {kind!r} is not one of {', '.join(_ENCRYPTION)}")
        if kind == "AES256" and get(c, "kmsKey") not in (None, ""):
            out.append("kmsKey is only valid with encryptionType KMS or KMS_DSSE")
    report_problems(report_violation, out)


# Lifecycle policy grammar: ECR user guide, "Lifecycle policy properties" and "Lifecycle policy
# evaluation rules" (a tagStatus any rule must have the highest rulePriority), read 2026-11.
_TAG_STATUS = ("tagged", "untagged", "any")
_COUNT_TYPES = ("imageCountMoreThan", "sinceImagePushed", "sinceImagePulled", "sinceImageTransitioned")
_ACTIONS = ("expire", "transition")


def _lifecycle_problems(doc) -> list[str]:
    if not isinstance(doc, dict) or not isinstance(doc.get("rules"), list) or not doc["rules"]:
        return ["the lifecycle policy is not a JSON object with a non-empty rules list"]
    out = []
    rules = [r for r in doc["rules"] if isinstance(r, dict)]
    priorities = [r.get("rulePriority") for r in rules]
    if any(not isinstance(p, int) or isinstance(p, bool) or p < 1 for p in priorities):
        out.append("every rule needs an integer rulePriority of at least 1")
    dupes = sorted({str(p) for p in priorities if priorities.count(p) > 1})
    if dupes:
        out.append(f"rulePriority values are not unique: {', '.join(dupes)}")
    numeric = [p for p in priorities if isinstance(p, int)]
    for r in rules:
        where = f"rule {r.get('rulePriority')}"
        sel = r.get("selection") if isinstance(r.get("selection"), dict) else {}
        status, count_type = sel.get("tagStatus"), sel.get("countType")
        if status not in _TAG_STATUS:
            out.append(f"{where}: tagStatus {status!r} is not one of {', '.join(_TAG_STATUS)}")
        if status == "tagged" and not (sel.get("tagPrefixList") or sel.get("tagPatternList")):
            out.append(f"{where}: tagStatus tagged needs tagPrefixList or tagPatternList")
        if status == "any" and numeric and r.get("rulePriority") != max(numeric):
            out.append(f"{where}: a tagStatus any rule must have the highest rulePriority")
        if count_type not in _COUNT_TYPES:
            out.append(f"{where}: countType {count_type!r} is not one of {', '.join(_COUNT_TYPES)}")
        elif count_type == "imageCountMoreThan" and "countUnit" in sel:
            out.append(f"{where}: countUnit is not allowed with imageCountMoreThan")
        elif count_type != "imageCountMoreThan" and sel.get("countUnit") != "days":
            out.append(f"{where}: {count_type} needs countUnit days")
        number = sel.get("countNumber")
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            out.append(f"{where}: countNumber must be an integer of at least 1")
        action = (r.get("action") or {}).get("type") if isinstance(r.get("action"), dict) else None
        if action not in _ACTIONS:
            out.append(f"{where}: action.type {action!r} is not one of {', '.join(_ACTIONS)}")
    return out


@rule(name="ecr-lifecycle-policy-constraints", area=ACCEPTANCE, resource_types=(LIFECYCLE_POLICY,),
      description="Lifecycle policies ECR accepts: unique priorities, tag status and count type rules, "
                  "`any` last, countUnit only with age counts.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Fix the lifecycle rules (components/compute/compute.py).")
def validate_lifecycle_policy_constraints(args, report_violation) -> None:
    if args.resource_type != LIFECYCLE_POLICY:
        return
    doc = parse_json(get(args.props, "policy"))
    if is_unknown(doc):
        return
    report_problems(report_violation, _lifecycle_problems(doc))


baseline(
    __name__,
    service="Amazon ECR",
    resource_types=(LIFECYCLE_POLICY, REPOSITORY),
)
