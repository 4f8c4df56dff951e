"""AWS CodeBuild: build projects."""

from __future__ import annotations

import re

from pulumi_policy import Severity

from ..baseline import baseline
from ..rule import ACCEPTANCE, ADVISORY, MANDATORY, SECURITY, rule
from ..support.options import options, string_list
from ..support.props import as_bool, as_int, as_list, as_str, get, is_unknown
from ..support.report import report_problems

PROJECT = "aws:codebuild/project:Project"


# ---- security ------------------------------------------------------------------------------------------

@rule(name="codebuild-privileged-only-for-docker", area=SECURITY, resource_types=(PROJECT,),
      description="Privileged mode only for projects whose buildspec builds Docker images.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Set privilegedMode=false unless the build runs docker build.",
      anchors=("AwsSolutions-CB3", "CKV_AWS_316"))
def validate_privileged_only_for_docker(args, report_violation) -> None:
    """Privileged mode is what a Docker-in-Docker image build needs, and nothing else should have it."""
    if args.resource_type != PROJECT:
        return
    if as_bool(get(args.props, "environment.privilegedMode"), False) is not True:
        return
    buildspec = as_str(get(args.props, "source.buildspec"))
    if is_unknown(buildspec):
        return
    if not (isinstance(buildspec, str) and re.search(r"\bdocker\s+(build|buildx)\b", buildspec)):
        report_violation("environment.privilegedMode is true but the buildspec builds no Docker image: privileged "
                         "mode gives the build root on its host.", None)


@rule(name="codebuild-encryption", area=SECURITY, resource_types=(PROJECT,),
      description="Build artifacts and S3 build logs are not stored unencrypted.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Remove encryptionDisabled=true.", anchors=("CKV_AWS_78", "CKV_AWS_311"))
def validate_encryption_not_disabled(args, report_violation) -> None:
    if args.resource_type != PROJECT:
        return
    p = args.props
    flags = [("artifacts", get(p, "artifacts.encryptionDisabled")),
             ("logsConfig.s3Logs", get(p, "logsConfig.s3Logs.encryptionDisabled"))]
    flags += [(f"secondaryArtifacts[{i}]", get(a, "encryptionDisabled"))
              for i, a in enumerate(as_list(get(p, "secondaryArtifacts")) or [])]
    for where, flag in flags:
        if as_bool(flag, False) is True:
            report_violation(f"{where}.encryptionDisabled is true: build output is stored unencrypted.", None)


@rule(name="codebuild-customer-managed-key", area=SECURITY, resource_types=(PROJECT,),
      description="Build artifacts are encrypted with a customer-managed KMS key (advisory: the artifacts are "
                  "rebuilt images' build definitions, SSE-KMS with the AWS-managed key already applies).",
      level=ADVISORY, severity=Severity.LOW,
      remediation="Set encryptionKey to a KMS key the build and pipeline roles may use.",
      anchors=("AwsSolutions-CB4", "CKV_AWS_147"))
def validate_customer_managed_key(args, report_violation) -> None:
    if args.resource_type == PROJECT and get(args.props, "encryptionKey") in (None, ""):
        report_violation("encryptionKey is not set: artifacts use the AWS-managed aws/s3 key rather than a "
                         "customer-managed KMS key.", None)


@rule(name="codebuild-logging", area=SECURITY, resource_types=(PROJECT,),
      description="Builds log to CloudWatch Logs or S3.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Keep logsConfig.cloudwatchLogs enabled.", anchors=("CKV_AWS_314",))
def validate_build_logging(args, report_violation) -> None:
    """CodeBuild logs to CloudWatch unless told not to (logsConfig defaults, CodeBuild API LogsConfig)."""
    if args.resource_type != PROJECT:
        return
    cw = as_str(get(args.props, "logsConfig.cloudwatchLogs.status"), "ENABLED")
    s3 = as_str(get(args.props, "logsConfig.s3Logs.status"), "DISABLED")
    if cw == "DISABLED" and s3 == "DISABLED":
        report_violation("Both CloudWatch and S3 build logs are disabled: builds leave no record.", None)


IMAGE_CONFIG = {"allowedImagePrefixes": string_list(
    "Build image prefixes allowed (AWS-curated images by default).", ["aws/codebuild/"])}


@rule(name="codebuild-managed-image", area=SECURITY, resource_types=(PROJECT,),
      description="Builds run on allowed (AWS-curated) images.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Use an aws/codebuild/* image or allow the image's prefix in policies/config/<stack>.json.",
      config=IMAGE_CONFIG, anchors=("AwsSolutions-CB5",))
def validate_managed_image(args, report_violation) -> None:
    if args.resource_type != PROJECT:
        return
    image = as_str(get(args.props, "environment.image"))
    if not isinstance(image, str) or not image:
        return
    prefixes = tuple(options(args, IMAGE_CONFIG)["allowedImagePrefixes"])
    if not image.startswith(prefixes):
        report_violation(f"Build image {image} is not one of the allowed (curated) images: "
                         f"{', '.join(prefixes)}.", None)


_SECRET_NAME = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_?KEY|ACCESS_?KEY|API_?KEY|CREDENTIAL)",
                          re.IGNORECASE)


@rule(name="codebuild-no-plaintext-credentials", area=SECURITY, resource_types=(PROJECT,),
      description="Build environment variables carry no credentials in PLAINTEXT.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Reference Secrets Manager or Parameter Store (type SECRETS_MANAGER / PARAMETER_STORE).")
def validate_no_plaintext_credentials(args, report_violation) -> None:
    if args.resource_type != PROJECT:
        return
    for var in as_list(get(args.props, "environment.environmentVariables")) or []:
        name, kind = as_str(get(var, "name")), as_str(get(var, "type"), "PLAINTEXT")
        if isinstance(name, str) and kind == "PLAINTEXT" and _SECRET_NAME.search(name) and get(var, "value"):
            report_violation(f"Environment variable {name} holds a credential in PLAINTEXT; use type "
                             f"SECRETS_MANAGER or PARAMETER_STORE.", None)


# ---- acceptance ----------------------------------------------------------------------------------------

# CreateProject (CodeBuild API reference: name pattern, timeoutInMinutes 5-2160, queuedTimeoutInMinutes
# 5-480, EnvironmentVariable.type, ProjectEnvironment.imagePullCredentialsType) and the user guide
# ("Use a CodePipeline source": a CODEPIPELINE source takes CODEPIPELINE artifacts); terraform-provider-aws
# internal/service/codebuild/project.go (ValidateFunc), read 2026-11.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{1,254}")
_ENV_TYPES = ("LINUX_CONTAINER", "LINUX_GPU_CONTAINER", "ARM_CONTAINER", "WINDOWS_CONTAINER",
              "WINDOWS_SERVER_2019_CONTAINER", "WINDOWS_SERVER_2022_CONTAINER", "LINUX_LAMBDA_CONTAINER",
              "ARM_LAMBDA_CONTAINER", "LINUX_EC2", "ARM_EC2", "WINDOWS_EC2", "MAC_ARM")
_VAR_TYPES = ("PLAINTEXT", "PARAMETER_STORE", "SECRETS_MANAGER")


def _project_problems(p) -> list[str]:
    out = []
    name = as_str(get(p, "name"))
    if isinstance(name, str) and not _NAME.fullmatch(name):
        out.append(f"name {name!r} must be 2-255 letters, digits, '-' or '_', starting with a letter or digit")
    for key, low, high in (("buildTimeout", 5, 2160), ("queuedTimeout", 5, 480)):
        value = as_int(get(p, key))
        if isinstance(value, int) and not low <= value <= high:
            out.append(f"{key} {value} minutes is outside {low}-{high}")
    source, artifacts = as_str(get(p, "source.type")), as_str(get(p, "artifacts.type"))
    if isinstance(source, str) and isinstance(artifacts, str) and (source == "CODEPIPELINE") != (artifacts ==
                                                                                               "CODEPIPELINE"):
        out.append(f"source type {source} with artifacts type {artifacts}: CODEPIPELINE goes with CODEPIPELINE")
    env_type = as_str(get(p, "environment.type"))
    if isinstance(env_type, str) and env_type not in _ENV_TYPES:
        out.append(f"environment.type {env_type!r} is not a CodeBuild environment type")
    image, pull = as_str(get(p, "environment.image")), as_str(get(p, "environment.imagePullCredentialsType"),
                                                              "CODEBUILD")
    if isinstance(image, str) and image.startswith("aws/codebuild/") and pull == "SERVICE_ROLE":
        out.append("a CodeBuild-curated image needs imagePullCredentialsType CODEBUILD")
    if env_type == "ARM_CONTAINER" and isinstance(image, str) and image.startswith("aws/codebuild/") \
            and "aarch64" not in image and "arm" not in image:
        out.append(f"environment.type ARM_CONTAINER with the x86 image {image}")
    for var in as_list(get(p, "environment.environmentVariables")) or []:
        kind = as_str(get(var, "type"), "PLAINTEXT")
        if isinstance(kind, str) and kind not in _VAR_TYPES:
            out.append(f"environment variable type {kind!r} is not one of {', '.join(_VAR_TYPES)}")
    if get(p, "serviceRole") in (None, "") and not is_unknown(get(p, "serviceRole")):
        out.append("a project needs a serviceRole")
    return out


@rule(name="codebuild-project-constraints", area=ACCEPTANCE, resource_types=(PROJECT,),
      description="Build projects CreateProject accepts: name grammar, timeouts 5-2160 / 5-480 min, CODEPIPELINE "
                  "source with CODEPIPELINE artifacts, known environment and variable types, CODEBUILD pull "
                  "credentials for curated images, an ARM image on ARM_CONTAINER, a service role.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Fix the project (components/delivery/delivery.py).")
def validate_project_constraints(args, report_violation) -> None:
    if args.resource_type == PROJECT:
        report_problems(report_violation, _project_problems(args.props))


baseline(
    __name__,
    service="AWS CodeBuild",
    resource_types=(PROJECT,),
)
