"""Delivery: a CodePipeline V2 per service (source -> ARM image build -> ECS deploy), private artifacts."""

from __future__ import annotations

import json

import pytest
import yaml

from _helpers import base_tags
from conftest import ROOT, run_mocked
from components.compute.containers import APP_CONTAINER
from components.delivery.delivery import BUILDSPEC, Delivery, DeliveryArgs

PIPELINE = "aws:codepipeline/pipeline:Pipeline"
PROJECT = "aws:codebuild/project:Project"
from preflight.mocks import ACCOUNT


SERVICES = ("gateway", "user", "order", "inventory", "payment", "notification", "stream-processor")


def delivery_args(stack: str, services=SERVICES, **extra) -> DeliveryArgs:
    """The seed's services on ARM64; dev keeps 7 days of logs and no deletion protection."""
    return DeliveryArgs(
        stack=stack, region="us-east-1", base_tags=base_tags(stack), cluster_name=f"microservices-{stack}",
        ecr_repository_names={n: f"{stack}-{n}" for n in services}, architectures={n: "ARM64" for n in SERVICES},
        repositories={n: ("acme/edge-gateway" if n == "gateway" else f"acme/{n}") for n in services},
        log_retention_days=30 if stack == "prod" else 7, deletion_protection=stack == "prod", **extra)


def build(stack: str, connection: str | None = None):
    args = delivery_args(stack, source_connection_arn=connection)

    def program():
        d = Delivery("delivery", args)
        return {"pipelines": d.pipeline_names, "bucket": d.artifact_bucket}

    return args, run_mocked(program, stack=stack)


@pytest.fixture(scope="module", params=["prod", "dev"])
def stack(request):
    s, graph = build(request.param)
    return request.param, s, graph


def by_name(graph, type_: str) -> dict[str, dict]:
    return {r["inputs"]["name"]: r["inputs"] for r in graph.of_type(type_)}


def test_one_v2_pipeline_per_service_with_source_build_deploy(stack):
    name, s, graph = stack
    pipelines = by_name(graph, PIPELINE)
    assert graph.outputs["pipelines"] == {svc: f"microservices-{name}-{svc}" for svc in s.ecr_repository_names}
    for svc in s.ecr_repository_names:
        p = pipelines[f"microservices-{name}-{svc}"]
        assert p["pipelineType"] == "V2"
        assert [st["name"] for st in p["stages"]] == ["Source", "Build", "Deploy"]
        source, build_, deploy = (st["actions"][0] for st in p["stages"])
        assert source["provider"] == "CodeStarSourceConnection"
        assert source["configuration"]["FullRepositoryId"] == ("acme/edge-gateway" if svc == "gateway"
                                                               else f"acme/{svc}")
        assert build_["provider"] == "CodeBuild"
        assert build_["configuration"]["ProjectName"] == f"microservices-{name}-{svc}"
        assert build_["inputArtifacts"] == source["outputArtifacts"]
        assert (deploy["provider"], deploy["category"]) == ("ECS", "Deploy")
        assert deploy["configuration"]["ClusterName"] == f"microservices-{name}"
        assert deploy["configuration"]["ServiceName"] == svc
        assert deploy["configuration"]["FileName"] == "imagedefinitions.json"
        assert deploy["inputArtifacts"] == build_["outputArtifacts"]
        assert p["artifactStores"] == [{"type": "S3", "location": graph.outputs["bucket"]}]
        assert p["tags"]["service"] == svc and p["tags"]["tier"] == "delivery"
        assert len(p["name"]) <= 100


def test_builds_run_on_the_service_architecture_and_push_to_its_repository(stack):
    name, s, graph = stack
    projects = by_name(graph, PROJECT)
    for svc, arch in s.architectures.items():
        env = projects[f"microservices-{name}-{svc}"]["environment"]
        assert env["type"] == ("ARM_CONTAINER" if arch == "ARM64" else "LINUX_CONTAINER")
        assert env["privilegedMode"] is True
        variables = {v["name"]: v["value"] for v in env["environmentVariables"]}
        assert variables["REPOSITORY_URI"] == f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/{name}-{svc}"
        assert variables["CONTAINER_NAME"] == APP_CONTAINER, "the container compute puts in the task definition"
    assert all(p["environment"]["type"] == "ARM_CONTAINER" for p in projects.values()), "seed services are ARM64"


def test_x86_services_build_on_x86():
    graph = run_mocked(lambda: Delivery("delivery", DeliveryArgs(
        stack="dev", region="us-east-1", base_tags=base_tags("dev"), cluster_name="c",
        ecr_repository_names={"gateway": "gw"}, architectures={"gateway": "X86_64"},
        repositories={"gateway": "acme/gateway"})), stack="dev")
    env = graph.one(PROJECT)["inputs"]["environment"]
    assert env["type"] == "LINUX_CONTAINER" and "x86_64" in env["image"]
    assert {"name": "DOCKER_PLATFORM", "value": "linux/amd64"} in env["environmentVariables"]


def test_every_service_needs_its_source_repository():
    args = delivery_args("dev", ("gateway", "user"))
    args.repositories = {"gateway": "acme/gateway"}
    with pytest.raises(ValueError, match="no source repository for service"):
        run_mocked(lambda: Delivery("delivery", args), stack="dev")


def test_buildspec_pushes_the_commit_tag_and_moves_latest_and_writes_image_definitions():
    spec = yaml.safe_load(BUILDSPEC)
    commands = " ".join(c for phase in spec["phases"].values() for c in phase["commands"])
    # Commit tags are immutable: a re-run of the same commit must reuse the image, not push the tag again.
    build_script = "\n".join(spec["phases"]["build"]["commands"])
    exists, build_new = build_script.split("else", 1)
    assert "aws ecr describe-images" in exists and "docker push" not in exists and "docker build" not in exists
    assert 'docker push "$REPOSITORY_URI:$IMAGE_TAG"' in build_new
    assert spec["phases"]["build"]["on-failure"] == "ABORT", "a failed build must not move latest"
    assert 'docker push "$REPOSITORY_URI:$IMAGE_TAG"' in commands
    # `latest` is the repository's one mutable tag: what Pulumi's task definition runs.
    assert 'docker push "$REPOSITORY_URI:latest"' in commands
    assert '"imageUri":"%s"}]\' "$CONTAINER_NAME" "$REPOSITORY_URI:$IMAGE_TAG"' in commands, \
        "the deployed revision names the immutable commit tag"
    assert "CODEBUILD_RESOLVED_SOURCE_VERSION" in commands
    assert "imagedefinitions.json" in commands and spec["artifacts"]["files"] == ["imagedefinitions.json"]


def test_artifact_bucket_is_private_encrypted_and_expires(stack):
    name, s, graph = stack
    pab = graph.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")["inputs"]
    assert all(pab[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                        "restrictPublicBuckets"))
    sse = graph.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
    assert sse["inputs"]["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms"
    owner = graph.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls")["inputs"]
    assert owner["rule"]["objectOwnership"] == "BucketOwnerEnforced"
    rule = graph.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")["inputs"]["rules"][0]
    assert rule["status"] == "Enabled" and rule["expiration"]["days"] == 30
    bucket = graph.one("aws:s3/bucket:Bucket")["inputs"]
    assert bucket["forceDestroy"] is (not s.deletion_protection)
    assert bucket["tags"]["tier"] == "delivery"


def test_build_logs_expire_with_the_stack_retention(stack):
    _, s, graph = stack
    groups = graph.of_type("aws:cloudwatch/logGroup:LogGroup")
    assert len(groups) == len(s.ecr_repository_names)
    assert all(g["inputs"]["retentionInDays"] == s.log_retention_days for g in groups)
    projects = {p["inputs"]["logsConfig"]["cloudwatchLogs"]["groupName"] for p in graph.of_type(PROJECT)}
    assert projects == {g["inputs"]["name"] for g in groups}


def test_roles_are_scoped_to_their_service(stack):
    name, _, graph = stack
    policies = {r["name"]: json.loads(r["inputs"]["policy"]) for r in graph.of_type("aws:iam/rolePolicy:RolePolicy")}
    build_policy = policies["delivery-order-build-policy"]["Statement"]
    push = next(st for st in build_policy if st["Sid"] == "PushServiceImage")
    assert push["Resource"] == f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/{name}-order"
    assert {"ecr:PutImage", "ecr:DescribeImages", "ecr:BatchGetImage"} <= set(push["Action"])
    pipeline_policy = policies["delivery-order-pipeline-policy"]["Statement"]
    deploy = next(st for st in pipeline_policy if st["Sid"] == "DeployService")
    assert deploy["Resource"] == f"arn:aws:ecs:us-east-1:{ACCOUNT}:service/microservices-{name}/order"
    passrole = next(st for st in pipeline_policy if st["Sid"] == "PassTaskRoles")
    assert passrole["Condition"]["StringEquals"]["iam:PassedToService"] == "ecs-tasks.amazonaws.com"
    for doc in policies.values():
        for st in doc["Statement"]:
            actions = [st["Action"]] if isinstance(st["Action"], str) else st["Action"]
            assert not any(a == "*" or a.endswith(":*") for a in actions)
    for role in graph.of_type("aws:iam/role:Role"):
        assert len(role["name"]) + 8 <= 64
        principal = json.loads(role["inputs"]["assumeRolePolicy"])["Statement"][0]["Principal"]["Service"]
        assert principal == ("codebuild.amazonaws.com" if "-build" in role["name"] else "codepipeline.amazonaws.com")


def test_build_role_has_codebuilds_documented_s3_minimum_on_the_artifact_bucket_only(stack):
    """CodeBuild's service-role minimum (CodeBuild user guide, "Create a CodeBuild service role"):
    s3:GetObject, s3:GetObjectVersion, s3:PutObject on objects and s3:GetBucketAcl, s3:GetBucketLocation
    on the bucket - here scoped to the pipeline's artifact bucket instead of Resource "*"."""
    _, s, graph = stack
    bucket = graph.one("aws:s3/bucket:Bucket")
    bucket_arn = f"arn:aws:s3:::{bucket['id']}" if not bucket["id"].startswith("arn:") else bucket["id"]
    policies = {r["name"]: json.loads(r["inputs"]["policy"]) for r in graph.of_type("aws:iam/rolePolicy:RolePolicy")}
    for svc in s.ecr_repository_names:
        statements = policies[f"delivery-{svc}-build-policy"]["Statement"]
        s3 = [st for st in statements if any(a.startswith("s3:") for a in st["Action"])]
        granted = {(a, st["Resource"]) for st in s3 for a in st["Action"]}
        assert granted == {("s3:GetObject", f"{bucket_arn}/*"), ("s3:GetObjectVersion", f"{bucket_arn}/*"),
                           ("s3:PutObject", f"{bucket_arn}/*"), ("s3:GetBucketAcl", bucket_arn),
                           ("s3:GetBucketLocation", bucket_arn)}, svc


def test_projects_and_pipelines_get_their_roles_after_the_policies(stack):
    """CodeBuild and CodePipeline check the role they are handed: each gets it through granted_arn."""
    _, s, graph = stack
    policy_urns = {r["name"]: r["urn"] for r in graph.of_type("aws:iam/rolePolicy:RolePolicy")}
    for project in graph.of_type(PROJECT):
        svc = project["inputs"]["tags"]["service"]
        assert policy_urns[f"delivery-{svc}-build-policy"] in project["propertyDependencies"]["serviceRole"]
    for p in graph.of_type(PIPELINE):
        svc = p["inputs"]["tags"]["service"]
        assert policy_urns[f"delivery-{svc}-pipeline-policy"] in p["propertyDependencies"]["roleArn"]


def test_pipelines_wait_for_their_role_policies(stack):
    """A pipeline runs once on creation: both role policies must exist before it."""
    _, s, graph = stack
    policy_urns = {r["name"]: r["urn"] for r in graph.of_type("aws:iam/rolePolicy:RolePolicy")}
    for p in graph.of_type(PIPELINE):
        svc = p["inputs"]["tags"]["service"]
        assert {policy_urns[f"delivery-{svc}-pipeline-policy"], policy_urns[f"delivery-{svc}-build-policy"]} <= set(
            p["dependencies"])


def test_connection_is_created_only_when_none_is_given():
    _, created = build("dev")
    conn = created.one("aws:codeconnections/connection:Connection")["inputs"]
    assert conn["providerType"] == "GitHub" and len(conn["name"]) <= 32
    existing = f"arn:aws:codeconnections:us-east-1:{ACCOUNT}:connection/0f1e2d3c"
    _, reused = build("dev", connection=existing)
    assert not reused.of_type("aws:codeconnections/connection:Connection")
    source = reused.of_type(PIPELINE)[0]["inputs"]["stages"][0]["actions"][0]
    assert source["configuration"]["ConnectionArn"] == existing


WORKFLOW = ROOT / ".github" / "workflows" / "infrastructure.yml"


def test_ci_workflow_runs_tests_preflight_preview_with_policies_and_up_on_merge():
    wf = yaml.safe_load(WORKFLOW.read_text())
    on = wf[True] if True in wf else wf["on"]  # YAML 1.1 reads the key `on` as True
    assert "pull_request" in on and on["push"]["branches"] == ["main"]
    text = WORKFLOW.read_text()
    assert "python -m pytest" in text and "python -m preflight" in text
    assert "pulumi preview" in text and "--policy-pack policies" in text
    assert '--policy-pack-config "policies/config/$STACK.json"' in text
    # hardened: no checkout leaves its token in .git, no expression is spliced into a script
    checkouts = [s for j in wf["jobs"].values() for s in j.get("steps", []) if "actions/checkout" in s.get("uses", "")]
    assert checkouts and all(s["with"]["persist-credentials"] is False for s in checkouts)
    runs = [s["run"] for j in wf["jobs"].values() for s in j.get("steps", []) if "run" in s]
    assert not any("${{ vars." in r or "${{ matrix." in r for r in runs)
    assert "pulumi up --yes" in text
    up_jobs = {j["env"]["STACK"]: (name, j) for name, j in wf["jobs"].items() if "pulumi up --yes" in json.dumps(j)}
    assert set(up_jobs) == {"dev", "prod"}
    assert all("github.event_name == 'push'" in j["if"] for _, j in up_jobs.values())
    # dev strictly before prod, and a failed dev deploy stops prod
    assert up_jobs["prod"][1]["needs"] in (up_jobs["dev"][0], [up_jobs["dev"][0]])
    assert up_jobs["prod"][1]["environment"] == "prod"
    for job in wf["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                ref = step["uses"].split("@", 1)[1]
                assert len(ref) == 40 and all(c in "0123456789abcdef" for c in ref), f"unpinned {step['uses']}"
