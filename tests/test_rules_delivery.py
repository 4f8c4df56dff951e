"""CodeBuild, CodePipeline and CodeConnections rules: a compliant and a violating case per rule."""

from __future__ import annotations

from test_policies_support import U_STR, check

from platform_policies.rules import codebuild as cb
from platform_policies.rules import codeconnections as cc
from platform_policies.rules import codepipeline as cp

PROJECT = {"name": "microservices-prod-order", "serviceRole": "arn:aws:iam::1:role/build", "buildTimeout": 30,
           "source": {"type": "CODEPIPELINE", "buildspec": "phases:\n  build:\n    commands:\n      - docker build ."},
           "artifacts": {"type": "CODEPIPELINE"},
           "environment": {"type": "ARM_CONTAINER", "image": "aws/codebuild/amazonlinux-aarch64-standard:3.0",
                           "computeType": "BUILD_GENERAL1_SMALL", "privilegedMode": True,
                           "imagePullCredentialsType": "CODEBUILD",
                           "environmentVariables": [{"name": "REPOSITORY_URI", "value": "1.dkr.ecr/x"}]},
           "encryptionKey": "arn:aws:kms:us-east-1:1:key/x"}


def env(**extra) -> dict:
    return {**PROJECT, "environment": {**PROJECT["environment"], **extra}}


def test_privileged_only_for_docker():
    v = cb.validate_privileged_only_for_docker
    assert check(v, cb.PROJECT, PROJECT) == []
    assert check(v, cb.PROJECT, {**PROJECT, "source": {"type": "CODEPIPELINE", "buildspec": "- make test"}})
    assert check(v, cb.PROJECT, {**PROJECT, "source": {"type": "CODEPIPELINE", "buildspec": U_STR}}) == []


def test_encryption_not_disabled():
    v = cb.validate_encryption_not_disabled
    assert check(v, cb.PROJECT, PROJECT) == []
    assert check(v, cb.PROJECT, {**PROJECT, "artifacts": {"type": "S3", "encryptionDisabled": True}})
    assert check(v, cb.PROJECT, {**PROJECT, "logsConfig": {"s3Logs": {"status": "ENABLED",
                                                                     "encryptionDisabled": True}}})


def test_customer_managed_key():
    assert check(cb.validate_customer_managed_key, cb.PROJECT, PROJECT) == []
    assert check(cb.validate_customer_managed_key, cb.PROJECT, {k: x for k, x in PROJECT.items()
                                                                if k != "encryptionKey"})


def test_build_logging():
    v = cb.validate_build_logging
    assert check(v, cb.PROJECT, PROJECT) == []
    assert check(v, cb.PROJECT, {**PROJECT, "logsConfig": {"cloudwatchLogs": {"status": "DISABLED"}}})


def test_managed_image():
    v = cb.validate_managed_image
    assert check(v, cb.PROJECT, PROJECT) == []
    assert check(v, cb.PROJECT, env(image="docker.io/library/node:20"))
    assert check(v, cb.PROJECT, env(image="docker.io/library/node:20"),
                 config={"allowedImagePrefixes": ["docker.io/library/"]}) == []


def test_no_plaintext_credentials():
    v = cb.validate_no_plaintext_credentials
    assert check(v, cb.PROJECT, PROJECT) == []
    assert check(v, cb.PROJECT, env(environmentVariables=[{"name": "NPM_TOKEN", "value": "x"}]))
    assert check(v, cb.PROJECT, env(environmentVariables=[{"name": "NPM_TOKEN", "value": "npm/token",
                                                            "type": "SECRETS_MANAGER"}])) == []


def test_project_constraints():
    v = cb.validate_project_constraints
    assert check(v, cb.PROJECT, PROJECT) == []
    for bad in ({"name": "-bad"}, {"buildTimeout": 3}, {"buildTimeout": 3000}, {"queuedTimeout": 600},
                {"artifacts": {"type": "S3"}}, {"serviceRole": None}):
        assert check(v, cb.PROJECT, {**PROJECT, **bad}), bad
    assert check(v, cb.PROJECT, env(type="LINUX_SERVER"))
    assert check(v, cb.PROJECT, env(imagePullCredentialsType="SERVICE_ROLE"))
    assert check(v, cb.PROJECT, env(image="aws/codebuild/amazonlinux-x86_64-standard:5.0"))
    assert check(v, cb.PROJECT, env(environmentVariables=[{"name": "A", "value": "b", "type": "SECRET"}]))


def _action(name, category, provider, inputs=(), outputs=(), **config) -> dict:
    return {"name": name, "category": category, "owner": "AWS", "provider": provider, "version": "1",
            "inputArtifacts": list(inputs), "outputArtifacts": list(outputs), "configuration": config}


SOURCE = _action("Source", "Source", "CodeStarSourceConnection", outputs=["source"], ConnectionArn="arn:c",
                 FullRepositoryId="org/repo", BranchName="main")
BUILD = _action("Build", "Build", "CodeBuild", inputs=["source"], outputs=["image"], ProjectName="p")
DEPLOY = _action("Deploy", "Deploy", "ECS", inputs=["image"], ClusterName="c", ServiceName="s")
PIPELINE = {"name": "microservices-prod-order", "pipelineType": "V2", "executionMode": "QUEUED",
            "artifactStores": [{"location": "bucket", "type": "S3"}],
            "stages": [{"name": "Source", "actions": [SOURCE]}, {"name": "Build", "actions": [BUILD]},
                       {"name": "Deploy", "actions": [DEPLOY]}]}


def test_pipeline_constraints():
    v = cp.validate_pipeline_constraints
    assert check(v, cp.PIPELINE, PIPELINE) == []
    stages = PIPELINE["stages"]
    for bad in ({"pipelineType": "V1"}, {"stages": stages[:1]}, {"stages": stages[1:]},
                {"stages": [stages[0], {"name": "Build", "actions": [SOURCE]}, stages[2]]},
                {"stages": [stages[0], {"name": "Build", "actions": [{**BUILD, "inputArtifacts": ["src"]}]},
                            stages[2]]},
                {"stages": [stages[0], {"name": "Build", "actions": [{**BUILD, "configuration": {}}]}, stages[2]]},
                {"stages": [stages[0], stages[1], {"name": "Build", "actions": [DEPLOY]}]},
                {"name": "my pipeline"}, {"artifactStores": []}):
        assert check(v, cp.PIPELINE, {**PIPELINE, **bad}), bad


def test_pipeline_artifact_encryption():
    v = cp.validate_artifact_encryption
    assert check(v, cp.PIPELINE, PIPELINE)
    keyed = [{"location": "bucket", "type": "S3", "encryptionKey": {"id": "arn:k", "type": "KMS"}}]
    assert check(v, cp.PIPELINE, {**PIPELINE, "artifactStores": keyed}) == []


def test_connection_constraints():
    v = cc.validate_connection_constraints
    assert check(v, cc.CONNECTION, {"name": "microservices-prod-github", "providerType": "GitHub"}) == []
    assert check(v, cc.CONNECTION, {"name": "x" * 33, "providerType": "GitHub"})
    assert check(v, cc.CONNECTION, {"name": "c", "providerType": "CodeCommit"})
    assert check(v, cc.CONNECTION, {"name": "c"})
