"""Delivery: ECR repositories, S3 buckets, CodePipeline and CodeBuild."""

from __future__ import annotations

from ..context import EstimateContext
from ..priced import prices
from ..resources import Res


@prices("aws:ecr/repository:Repository")
def _ecr(ctx: EstimateContext, r: Res) -> None:
    gb = ctx.use("ecr", "storedGbPerRepository")
    ctx.add(r, f"ECR storage ({gb:g} GB)", gb, "GB-month", "ecr/gb-month", kind="usage",
            usage={"ecr.storedGbPerRepository": gb})


@prices("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
def _s3(ctx: EstimateContext, r: Res) -> None:
    gb = ctx.use("s3", "storedGbPerBucket")
    ctx.add(r, f"S3 Standard storage ({gb:g} GB)", gb, "GB-month", "s3/standard/gb-month", kind="usage",
            usage={"s3.storedGbPerBucket": gb})


@prices("aws:codepipeline/pipeline:Pipeline")
def _pipeline(ctx: EstimateContext, r: Res) -> None:
    ptype = r.inputs.get("pipelineType") or "V1"
    if ptype == "V2":
        minutes = ctx.use("codepipeline", "actionMinutesPerPipeline")
        ctx.add(r, f"CodePipeline V2 action minutes ({minutes:g})", minutes, "action-minute",
                "codepipeline/V2/action-minute", kind="usage",
                usage={"codepipeline.actionMinutesPerPipeline": minutes})
    else:
        ctx.add(r, "CodePipeline V1 active pipeline", 1, "pipeline-month", "codepipeline/V1/pipeline-month")


@prices("aws:codebuild/project:Project")
def _codebuild(ctx: EstimateContext, r: Res) -> None:
    env = r.inputs.get("environment") or {}
    compute = env.get("computeType") or "BUILD_GENERAL1_SMALL"
    # The environment type picks the instance family: ARM_CONTAINER + BUILD_GENERAL1_SMALL is
    # arm1.small, LINUX_CONTAINER is general1.* (AWS CodeBuild pricing / compute types).
    etype = env.get("type") or "LINUX_CONTAINER"
    minutes = ctx.use("codebuild", "buildMinutesPerProject")
    ctx.add(r, f"CodeBuild {etype} {compute} ({minutes:g} min)", minutes, "build minute",
            f"codebuild/{etype}/{compute}/minute", kind="usage", usage={"codebuild.buildMinutesPerProject": minutes})
