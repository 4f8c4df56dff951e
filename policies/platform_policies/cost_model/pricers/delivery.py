"""Delivery: ECR repositories, S3 buckets, CodePipeline and CodeBuild."""

from __future__ import annotations

from ..context import EstimateContext
from ..registry import prices
from ..resources import Res


@prices("aws:ecr/repository:Repository")
def _ecr(ctx: EstimateContext, r: Res) -> None:
    gb = ctx.use("ecr", "storedGbPerRepository")
    ctx.add(r, f"ECR storage ({gb:g} GB)", gb, "GB-month", "ecr/gb-month", kind="usage")


@prices("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
def _s3(ctx: EstimateContext, r: Res) -> None:
    gb = ctx.use("s3", "storedGbPerBucket")
    ctx.add(r, f"S3 Standard storage ({gb:g} GB)", gb, "GB-month", "s3/standard/gb-month", kind="usage")


@prices("aws:codepipeline/pipeline:Pipeline")
def _pipeline(ctx: EstimateContext, r: Res) -> None:
    ptype = r.inputs.get("pipelineType") or "V1"
    if ptype == "V2":
        minutes = ctx.use("codepipeline", "actionMinutesPerPipeline")
        ctx.add(r, f"CodePipeline V2 action minutes ({minutes:g})", minutes, "action-minute",
                "codepipeline/V2/action-minute", kind="usage")
    else:
        ctx.add(r, "CodePipeline V1 active pipeline", 1, "pipeline-month", "codepipeline/V1/pipeline-month")


@prices("aws:codebuild/project:Project")
def _codebuild(ctx: EstimateContext, r: Res) -> None:
    compute = (r.inputs.get("environment") or {}).get("computeType") or "BUILD_GENERAL1_SMALL"
    minutes = ctx.use("codebuild", "buildMinutesPerProject")
    ctx.add(r, f"CodeBuild {compute} ({minutes:g} min)", minutes, "build minute", f"codebuild/{compute}/minute",
            kind="usage")
