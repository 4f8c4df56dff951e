"""Delivery: one CodePipeline (V2) per service: source -> build image -> ECS deploy.

- Source: the service's Git repository through an AWS CodeConnections connection
  (created here in PENDING state unless an existing connection ARN is given; an
  administrator completes the GitHub handshake once in the console).
- Build: CodeBuild builds the image on the service's CPU architecture (ARM64 by
  default), pushes `<commit>` and `latest` tags to the service's ECR repository and
  writes imagedefinitions.json.
- Deploy: the ECS deploy action registers a task definition revision with the new
  image and updates the service; ECS then runs the service's own deployment
  configuration (canary, circuit breaker, alarm-based rollback) set by compute.

Infrastructure changes take another path (a GitHub Actions workflow; docs/delivery.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Mapping, Optional

import pulumi
import pulumi_aws as aws

from ..shared import naming
from ..shared.buckets import deny_insecure_transport
from ..shared.iam import granted_arn
from ..shared.tags import tier_tags
from ..compute.containers import APP_CONTAINER

TIER = "delivery"

DEFAULT_BRANCH = "main"

# CodeBuild curated images (CodeBuild user guide, "Docker images provided by CodeBuild", read 2026-11):
# Amazon Linux 2023 standard images for ARM (aarch64 3.0) and x86_64 (5.0).
BUILD_ENVIRONMENTS = {
    "ARM64": ("ARM_CONTAINER", "aws/codebuild/amazonlinux-aarch64-standard:3.0"),
    "X86_64": ("LINUX_CONTAINER", "aws/codebuild/amazonlinux-x86_64-standard:5.0"),
}
BUILD_COMPUTE_TYPE = "BUILD_GENERAL1_SMALL"
# The ECS deploy action waits at most 60 minutes for the deployment (CodePipeline user guide,
# "Amazon ECS deploy action reference", DeploymentTimeout, read 2026-11): room for the canary bake.
ECS_DEPLOY_TIMEOUT_MINUTES = 60
ARTIFACT_RETENTION_DAYS = 30
# CodePipeline pipeline names: up to 100 characters (CodePipeline API CreatePipeline).
PIPELINE_NAME_MAX = 100

# The ECR repositories are IMMUTABLE_WITH_EXCLUSION with `latest` the one mutable tag (compute).  The
# build pushes the commit tag, then moves `latest` (what Pulumi's task definition names, so `pulumi up`
# never rolls the image back); the ECS deploy action registers the commit-tagged revision.  Pushing an
# existing immutable tag fails (ImageTagAlreadyExistsException; ECR user guide, "Image tag mutability",
# read 2026-11), so a re-run of the same commit ("Release change", a retried build) reuses the image
# already in ECR instead of failing.  `on-failure: ABORT` keeps post_build (which moves `latest`) from
# running after a failed build (CodeBuild buildspec reference, "phases/*/on-failure", read 2026-11).
BUILDSPEC = """version: 0.2
phases:
  pre_build:
    commands:
      - aws ecr get-login-password --region "$AWS_REGION" | docker login --username AWS --password-stdin "${REPOSITORY_URI%%/*}"
      - IMAGE_TAG="$(echo "$CODEBUILD_RESOLVED_SOURCE_VERSION" | cut -c 1-12)"
      - test -n "$IMAGE_TAG"
      - REPOSITORY_NAME="${REPOSITORY_URI#*/}"
  build:
    on-failure: ABORT
    commands:
      - |
        if aws ecr describe-images --repository-name "$REPOSITORY_NAME" --image-ids imageTag="$IMAGE_TAG" > /dev/null 2>&1; then
          docker pull "$REPOSITORY_URI:$IMAGE_TAG"
          docker tag "$REPOSITORY_URI:$IMAGE_TAG" "$REPOSITORY_URI:latest"
        else
          docker build --platform "$DOCKER_PLATFORM" -t "$REPOSITORY_URI:$IMAGE_TAG" -t "$REPOSITORY_URI:latest" .
          docker push "$REPOSITORY_URI:$IMAGE_TAG"
        fi
  post_build:
    commands:
      - docker push "$REPOSITORY_URI:latest"
      - printf '[{"name":"%s","imageUri":"%s"}]' "$CONTAINER_NAME" "$REPOSITORY_URI:$IMAGE_TAG" > imagedefinitions.json
artifacts:
  files:
    - imagedefinitions.json
"""


@dataclass
class DeliveryArgs:
    """Inputs of the delivery tier."""

    stack: str
    """Stack name, in pipeline, project and log group names."""
    region: str
    """Region of the repositories and the ECS services."""
    base_tags: Mapping[str, str]
    """Tags of every resource; the tier adds ``service`` and ``tier``."""
    cluster_name: pulumi.Input[str]
    """ECS cluster the pipelines deploy to."""
    ecr_repository_names: dict[str, pulumi.Input[str]]
    """Service -> ECR repository name (one pipeline per entry)."""
    architectures: Mapping[str, str]
    """Service -> CPU architecture its image is built for (ARM64 or X86_64); every service of the stack."""
    source_connection_arn: Optional[pulumi.Input[str]] = None
    """Existing CodeConnections connection ARN; None = create a GitHub connection (PENDING until an
    administrator completes the handshake in the console)."""
    repositories: dict[str, str] = field(default_factory=dict)
    """Service -> `owner/repository`, one per entry of ``ecr_repository_names`` (required)."""
    branch: str = DEFAULT_BRANCH
    """Branch whose pushes start the pipelines."""
    container_names: dict[str, str] = field(default_factory=dict)
    """Service -> container to update in the task definition; default = compute's app container."""
    service_role_arns: dict[str, list[pulumi.Input[str]]] = field(default_factory=dict)
    """Service -> its task and execution role ARNs, the only roles its pipeline may pass to ECS
    (none given: any role, still only to ecs-tasks.amazonaws.com)."""
    log_retention_days: int = 30
    """Retention of the build log groups."""
    deletion_protection: bool = True
    """Keep the artifact bucket when it holds objects (False: it is emptied with the stack)."""


def pipeline_name(stack: str, service: str) -> str:
    return naming.fit(f"microservices-{stack}-{service}", PIPELINE_NAME_MAX)


class Delivery(pulumi.ComponentResource):
    """Artifact bucket, source connection and one build + pipeline per service."""

    pipeline_names: dict[str, pulumi.Output[str]]
    artifact_bucket: pulumi.Output[str]
    connection_arn: pulumi.Output[str]

    def __init__(self, name: str, args: DeliveryArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("platform:delivery:Delivery", name, None, opts)
        self._name, self._args, self._stack = name, args, args.stack
        unknown = sorted(set(args.ecr_repository_names) - set(args.architectures))
        if unknown:
            raise ValueError(f"delivery: ECR repositories for unknown service(s) {', '.join(unknown)}")
        without_source = sorted(set(args.ecr_repository_names) - set(args.repositories))
        if without_source:
            raise ValueError(f"delivery: no source repository for service(s) {', '.join(without_source)}")
        self._account = aws.get_caller_identity_output().account_id
        self._partition = aws.get_partition_output().partition

        bucket = self._artifact_bucket()
        self.artifact_bucket = bucket.bucket
        if args.source_connection_arn is not None:
            self.connection_arn = pulumi.Output.from_input(args.source_connection_arn)
        else:
            connection = aws.codeconnections.Connection(
                f"{name}-github",
                name=naming.fit(f"microservices-{self._stack}-github", 32),
                provider_type="GitHub",
                tags=tier_tags(args.base_tags, TIER),
                opts=pulumi.ResourceOptions(parent=self))
            self.connection_arn = connection.arn

        self.pipeline_names = {svc: self._service_pipeline(svc, repo, bucket)
                               for svc, repo in args.ecr_repository_names.items()}
        self.register_outputs({"pipeline_names": self.pipeline_names, "artifact_bucket": self.artifact_bucket,
                               "connection_arn": self.connection_arn})

    def _artifact_bucket(self) -> aws.s3.Bucket:
        opts = pulumi.ResourceOptions(parent=self)
        bucket = aws.s3.Bucket(
            f"{self._name}-artifacts",
            # Artifacts are rebuildable; without deletion protection (dev) the stack can be destroyed.
            force_destroy=not self._args.deletion_protection,
            tags=tier_tags(self._args.base_tags, TIER),
            opts=opts)
        aws.s3.BucketPublicAccessBlock(
            f"{self._name}-artifacts-public-access", bucket=bucket.id, block_public_acls=True,
            block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True, opts=opts)
        # Requests without TLS are refused (S3 user guide, "Enforce encryption in transit", read 2026-11).
        aws.s3.BucketPolicy(
            f"{self._name}-artifacts-tls-only", bucket=bucket.id,
            policy=bucket.arn.apply(lambda arn: json.dumps({"Version": "2012-10-17",
                                                            "Statement": [deny_insecure_transport(arn)]})),
            opts=opts)
        aws.s3.BucketOwnershipControls(
            f"{self._name}-artifacts-ownership", bucket=bucket.id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"), opts=opts)
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{self._name}-artifacts-encryption", bucket=bucket.id,
            rules=[aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=aws.s3.
                BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm="aws:kms"),  # the account's aws/s3 key
                bucket_key_enabled=True)], opts=opts)
        aws.s3.BucketLifecycleConfiguration(
            f"{self._name}-artifacts-lifecycle", bucket=bucket.id,
            rules=[aws.s3.BucketLifecycleConfigurationRuleArgs(
                id="expire-artifacts", status="Enabled",
                filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=ARTIFACT_RETENTION_DAYS),
                abort_incomplete_multipart_upload=aws.s3.
                BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(days_after_initiation=1))],
            opts=opts)
        return bucket

    def _role(self, suffix: str, service_principal: str, svc: str) -> aws.iam.Role:
        trust = self._account.apply(lambda acct: json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": service_principal}, "Action": "sts:AssumeRole",
                           "Condition": {"StringEquals": {"aws:SourceAccount": acct}}}]}))
        return aws.iam.Role(
            naming.fit(f"{self._name}-{svc}-{suffix}", naming.LIMITS["iam_role"], autonamed=True),
            assume_role_policy=trust, tags=tier_tags(self._args.base_tags, TIER, svc),
            opts=pulumi.ResourceOptions(parent=self))

    def _service_pipeline(self, svc: str, repository: pulumi.Input[str], bucket: aws.s3.Bucket) -> pulumi.Output[str]:
        region, tags = self._args.region, tier_tags(self._args.base_tags, TIER, svc)
        project, build_policy = self._build(svc, repository, bucket, tags)
        pipeline_role = self._role("pipeline", "codepipeline.amazonaws.com", svc)
        service_arn = pulumi.Output.all(self._partition, self._account, self._args.cluster_name).apply(
            lambda v: f"arn:{v[0]}:ecs:{region}:{v[1]}:service/{v[2]}/{naming.ecs_service_name(svc)}")
        pipeline_policy = aws.iam.RolePolicy(
            f"{self._name}-{svc}-pipeline-policy", role=pipeline_role.id,
            policy=pulumi.Output.all(bucket.arn, self.connection_arn, project.arn, service_arn, self._partition,
                                     self._account, pulumi.Output.all(*self._args.service_role_arns.get(svc, []))
                                     ).apply(lambda v: json.dumps(self._pipeline_policy(*v))),
            opts=pulumi.ResourceOptions(parent=self))
        pipeline = aws.codepipeline.Pipeline(
            f"{self._name}-{svc}-pipeline",
            name=pipeline_name(self._stack, svc),
            pipeline_type="V2",
            execution_mode="QUEUED",  # every merged commit is deployed, one canary at a time
            role_arn=granted_arn(pipeline_role, pipeline_policy),
            artifact_stores=[aws.codepipeline.PipelineArtifactStoreArgs(location=bucket.bucket, type="S3")],
            stages=[
                aws.codepipeline.PipelineStageArgs(name="Source", actions=[aws.codepipeline.PipelineStageActionArgs(
                    name="Source", category="Source", owner="AWS", provider="CodeStarSourceConnection", version="1",
                    output_artifacts=["source"],
                    configuration={"ConnectionArn": self.connection_arn, "FullRepositoryId": self._args.repositories[svc],
                                   "BranchName": self._args.branch, "OutputArtifactFormat": "CODE_ZIP"})]),
                aws.codepipeline.PipelineStageArgs(name="Build", actions=[aws.codepipeline.PipelineStageActionArgs(
                    name="BuildImage", category="Build", owner="AWS", provider="CodeBuild", version="1",
                    input_artifacts=["source"], output_artifacts=["image"],
                    configuration={"ProjectName": project.name})]),
                aws.codepipeline.PipelineStageArgs(name="Deploy", actions=[aws.codepipeline.PipelineStageActionArgs(
                    name="DeployToEcs", category="Deploy", owner="AWS", provider="ECS", version="1",
                    input_artifacts=["image"],
                    configuration={"ClusterName": self._args.cluster_name,
                                   "ServiceName": naming.ecs_service_name(svc),
                                   "FileName": "imagedefinitions.json",
                                   "DeploymentTimeout": str(ECS_DEPLOY_TIMEOUT_MINUTES)})]),
            ],
            tags=tags,
            # A new pipeline starts its first execution at once (CodePipeline user guide, "Create a
            # pipeline", read 2026-11): its role and the build role must already hold their permissions,
            # and the inline policies are separate resources that Pulumi would otherwise create in parallel.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[pipeline_policy, build_policy]))
        return pipeline.name

    def _build(self, svc: str, repository: pulumi.Input[str], bucket: aws.s3.Bucket, tags: dict[str, str]
               ) -> tuple[aws.codebuild.Project, aws.iam.RolePolicy]:
        """The service's CodeBuild project (image build and push) and its role's policy."""
        region, arch = self._args.region, self._args.architectures[svc]
        env_type, image = BUILD_ENVIRONMENTS[arch]
        opts = pulumi.ResourceOptions(parent=self)
        repo_uri = pulumi.Output.all(self._account, repository).apply(
            lambda v: f"{v[0]}.dkr.ecr.{region}.amazonaws.com/{v[1]}")
        repo_arn = pulumi.Output.all(self._partition, self._account, repository).apply(
            lambda v: f"arn:{v[0]}:ecr:{region}:{v[1]}:repository/{v[2]}")

        # Explicit log group so build logs expire like every other log of the stack.
        logs = aws.cloudwatch.LogGroup(
            f"{self._name}-{svc}-build-logs", name=f"/aws/codebuild/microservices-{self._stack}-{svc}",
            retention_in_days=self._args.log_retention_days, tags=tags, opts=opts)
        build_role = self._role("build", "codebuild.amazonaws.com", svc)
        build_policy = aws.iam.RolePolicy(
            f"{self._name}-{svc}-build-policy", role=build_role.id,
            policy=pulumi.Output.all(logs.arn, repo_arn, bucket.arn).apply(lambda v: json.dumps({
                "Version": "2012-10-17", "Statement": [
                    {"Sid": "WriteBuildLogs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                     "Resource": [v[0], f"{v[0]}:*"]},
                    {"Sid": "EcrLogin", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
                    {"Sid": "PushServiceImage", "Effect": "Allow", "Action": [
                        "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
                        "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage",
                        "ecr:DescribeImages"],  # the buildspec's "commit already pushed?" check
                     "Resource": v[1]},
                    # CodeBuild's documented minimum for a service role (CodeBuild user guide, "Create a
                    # CodeBuild service role", read 2026-12): object reads by version, writes, and the bucket's
                    # ACL and location; here on the artifact bucket only instead of Resource "*".
                    {"Sid": "PipelineArtifacts", "Effect": "Allow",
                     "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"], "Resource": f"{v[2]}/*"},
                    {"Sid": "ArtifactBucketIdentity", "Effect": "Allow",
                     "Action": ["s3:GetBucketAcl", "s3:GetBucketLocation"], "Resource": v[2]},
                ]})),
            opts=opts)
        project = aws.codebuild.Project(
            f"{self._name}-{svc}-build",
            name=f"microservices-{self._stack}-{svc}",
            description=f"Builds the {svc} image ({arch}) and pushes it to ECR",
            service_role=granted_arn(build_role, build_policy),
            build_timeout=30,
            source=aws.codebuild.ProjectSourceArgs(type="CODEPIPELINE", buildspec=BUILDSPEC),
            artifacts=aws.codebuild.ProjectArtifactsArgs(type="CODEPIPELINE"),
            environment=aws.codebuild.ProjectEnvironmentArgs(
                type=env_type, image=image, compute_type=BUILD_COMPUTE_TYPE,
                privileged_mode=True,  # docker build needs the Docker daemon
                image_pull_credentials_type="CODEBUILD",
                environment_variables=[
                    aws.codebuild.ProjectEnvironmentEnvironmentVariableArgs(name="REPOSITORY_URI", value=repo_uri),
                    aws.codebuild.ProjectEnvironmentEnvironmentVariableArgs(
                        name="CONTAINER_NAME", value=self._args.container_names.get(svc, APP_CONTAINER)),
                    aws.codebuild.ProjectEnvironmentEnvironmentVariableArgs(
                        name="DOCKER_PLATFORM", value="linux/arm64" if arch == "ARM64" else "linux/amd64"),
                ]),
            logs_config=aws.codebuild.ProjectLogsConfigArgs(
                cloudwatch_logs=aws.codebuild.ProjectLogsConfigCloudwatchLogsArgs(group_name=logs.name)),
            tags=tags,
            opts=opts)
        return project, build_policy

    @staticmethod
    def _pipeline_policy(bucket_arn: str, connection_arn: str, project_arn: str, service_arn: str,
                         partition: str, account: str, role_arns: list[str]) -> dict:
        return {"Version": "2012-10-17", "Statement": [
            {"Sid": "Artifacts", "Effect": "Allow",
             "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"], "Resource": f"{bucket_arn}/*"},
            {"Sid": "ArtifactBucket", "Effect": "Allow", "Action": ["s3:GetBucketVersioning", "s3:GetBucketLocation"],
             "Resource": bucket_arn},
            {"Sid": "Source", "Effect": "Allow",
             "Action": ["codeconnections:UseConnection", "codestar-connections:UseConnection"],
             "Resource": connection_arn},
            {"Sid": "Build", "Effect": "Allow", "Action": ["codebuild:StartBuild", "codebuild:BatchGetBuilds"],
             "Resource": project_arn},
            {"Sid": "DeployService", "Effect": "Allow", "Action": ["ecs:DescribeServices", "ecs:UpdateService"],
             "Resource": service_arn},
            # These ECS calls take no resource ARN (Service Authorization Reference, Amazon ECS, 2026-11).
            {"Sid": "RegisterRevision", "Effect": "Allow", "Action": [
                "ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition", "ecs:TagResource",
                "ecs:DescribeTasks", "ecs:ListTasks"], "Resource": "*"},
            # The new revision keeps the service's own task and execution roles.
            {"Sid": "PassTaskRoles", "Effect": "Allow", "Action": "iam:PassRole",
             "Resource": sorted(role_arns) or f"arn:{partition}:iam::{account}:role/*",
             "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}},
        ]}
