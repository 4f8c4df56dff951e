"""AWS CodePipeline: the per-service delivery pipelines."""

from __future__ import annotations

import re

from pulumi_policy import Severity

from ..baseline import baseline
from ..rule import ACCEPTANCE, ADVISORY, MANDATORY, SECURITY, rule
from ..support.props import as_list, as_str, get, is_unknown
from ..support.report import report_problems

PIPELINE = "aws:codepipeline/pipeline:Pipeline"


@rule(name="codepipeline-artifact-encryption", area=SECURITY, resource_types=(PIPELINE,),
      description="Pipeline artifacts are encrypted with a customer-managed KMS key (advisory: SSE-KMS with the "
                  "AWS-managed key applies; the artifacts are source snapshots and image definitions).",
      level=ADVISORY, severity=Severity.LOW,
      remediation="Set artifactStores[].encryptionKey {id, type: KMS}.", anchors=("CKV_AWS_219",))
def validate_artifact_encryption(args, report_violation) -> None:
    if args.resource_type != PIPELINE:
        return
    stores = as_list(get(args.props, "artifactStores"))
    if is_unknown(stores):
        return
    for s in stores:
        if get(s, "encryptionKey") is None:
            report_violation(f"Artifact store {as_str(get(s, 'location'), '?')} has no encryptionKey: artifacts use "
                             f"the AWS-managed aws/s3 key rather than a customer-managed KMS key.", None)


# CreatePipeline (CodePipeline user guide, "Pipeline structure reference": at least two stages, the first
# holding only source actions and no other stage any; unique stage and action names; input artifacts must
# be output by an earlier action; per-provider required configuration; execution modes of V1/V2;
# API reference: pipeline name [A-Za-z0-9.@\-_]+ up to 100), read 2026-11.
_NAME = re.compile(r"[A-Za-z0-9.@_-]{1,100}")
_REQUIRED_CONFIG = {
    "CodeStarSourceConnection": ("ConnectionArn", "FullRepositoryId", "BranchName"),
    "CodeBuild": ("ProjectName",),
    "ECS": ("ClusterName", "ServiceName"),
    "S3": ("S3Bucket", "S3ObjectKey"),
}
_CATEGORIES = ("Source", "Build", "Test", "Deploy", "Approval", "Invoke", "Compute")


def _stage_action_problems(stages: list) -> list[str]:
    out = []
    produced: set = set()
    stage_names = [as_str(get(s, "name")) for s in stages]
    dupes = sorted({str(n) for n in stage_names if stage_names.count(n) > 1})
    if dupes:
        out.append(f"stage names are not unique: {', '.join(dupes)}")
    for index, stage in enumerate(stages):
        sname = as_str(get(stage, "name"), f"#{index}")
        actions = as_list(get(stage, "actions"))
        if is_unknown(actions):
            return out
        if not actions:
            out.append(f"stage {sname!r} has no action")
        names = [as_str(get(a, "name")) for a in actions]
        if len(set(names)) != len(names):
            out.append(f"stage {sname!r}: action names are not unique")
        stage_outputs: set = set()
        for a in actions:
            aname = f"{sname}/{as_str(get(a, 'name'), '?')}"
            category = as_str(get(a, "category"))
            if isinstance(category, str) and category not in _CATEGORIES:
                out.append(f"action {aname}: category {category!r} is not one of {', '.join(_CATEGORIES)}")
            if index == 0 and category != "Source":
                out.append(f"action {aname}: the first stage may only hold Source actions")
            if index > 0 and category == "Source":
                out.append(f"action {aname}: Source actions belong in the first stage only")
            for art in as_list(get(a, "inputArtifacts")) or []:
                if isinstance(art, str) and art not in produced:
                    out.append(f"action {aname}: input artifact {art!r} is not produced by an earlier action")
            for art in as_list(get(a, "outputArtifacts")) or []:
                if isinstance(art, str):
                    if art in produced or art in stage_outputs:
                        out.append(f"action {aname}: output artifact {art!r} is produced twice")
                    stage_outputs.add(art)
            provider = as_str(get(a, "provider"))
            config = get(a, "configuration")
            if isinstance(provider, str) and provider in _REQUIRED_CONFIG and not is_unknown(config):
                missing = [k for k in _REQUIRED_CONFIG[provider] if get(config, [k]) in (None, "")]
                if missing:
                    out.append(f"action {aname}: provider {provider} needs configuration {', '.join(missing)}")
        produced |= stage_outputs
    return out


def _pipeline_problems(p) -> list[str]:
    out = []
    name = as_str(get(p, "name"))
    if isinstance(name, str) and not _NAME.fullmatch(name):
        out.append(f"pipeline name {name!r} must be 1-100 letters, digits or .@-_")
    kind, mode = as_str(get(p, "pipelineType"), "V1"), as_str(get(p, "executionMode"), "SUPERSEDED")
    if kind == "V1" and mode in ("QUEUED", "PARALLEL"):
        out.append(f"executionMode {mode} needs pipelineType V2")
    stores = as_list(get(p, "artifactStores"))
    if not is_unknown(stores):
        if not stores:
            out.append("a pipeline needs an artifact store")
        for s in stores:
            if as_str(get(s, "type")) not in (None, "S3") and not is_unknown(get(s, "type")):
                out.append(f"artifact store type {as_str(get(s, 'type'))!r} is not S3")
        if len(stores) > 1 and any(get(s, "region") in (None, "") for s in stores):
            out.append("several artifact stores each need a region (one per action region)")
    stages = as_list(get(p, "stages"))
    if not is_unknown(stages):
        if len(stages) < 2:
            out.append(f"a pipeline needs at least two stages; it has {len(stages)}")
        out += _stage_action_problems(stages)
    return out


@rule(name="codepipeline-constraints", area=ACCEPTANCE, resource_types=(PIPELINE,),
      description="Pipelines CreatePipeline accepts: 2+ stages with Source actions first and only there, "
                  "unique stage/action names, inputs produced by earlier actions, each provider's required "
                  "configuration, QUEUED/PARALLEL only on V2, an S3 artifact store.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Fix the pipeline definition (components/delivery/delivery.py).")
def validate_pipeline_constraints(args, report_violation) -> None:
    if args.resource_type != PIPELINE:
        return
    report_problems(report_violation, _pipeline_problems(args.props))


baseline(
    __name__,
    service="AWS CodePipeline",
    resource_types=(PIPELINE,),
)
