"""preflight.schema: recorded inputs against the provider schema derived from the installed SDKs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT, plan_for, preview_plan_for
from preflight.mocks import SECRET_SIG, SIG_KEY, UNKNOWN
from preflight.schema import schema_findings, sdk
from preflight.schema.check import check_object
from preflight.schema.stage import SchemaStore

# A hand-written schema in the derived form: every kind of check has a failing and a passing case.
TYPES = {
    "m.Strategy": {"enum": ["None", "Single", "OnePerAz"], "name": "awsx:ec2:NatGatewayStrategy"},
    "m.NatArgs": {"properties": {"strategy": {"$ref": "m.Strategy"},
                                 "eipIds": {"type": "array", "items": {"type": "string"}}},
                  "required": ["strategy"]},
}
SHAPE = {"properties": {
    "name": {"type": "string"}, "count": {"type": "integer"}, "ratio": {"type": "number"},
    "enabled": {"type": "boolean"}, "zones": {"type": "array", "items": {"type": "string"}},
    "tags": {"type": "object", "additionalProperties": {"type": "string"}},
    "nat": {"$ref": "m.NatArgs"}, "kind": {"oneOf": [{"type": "string"}, {"$ref": "m.Strategy"}]},
    "policy": {"type": "any"}}, "required": ["name"]}


def problems(inputs: dict) -> list[str]:
    return list(check_object(inputs, SHAPE, TYPES))


@pytest.mark.parametrize("good, bad, expect", [
    ({"name": "a", "count": 2}, {"name": "a", "cuont": 2}, "cuont: not an input of this type"),
    ({"name": "a"}, {"name": 5}, "name: expected a string, got number 5"),
    ({"name": "a", "count": 3.0}, {"name": "a", "count": 2.5}, "count: expected an integer"),
    ({"name": "a", "count": 1}, {"name": "a", "count": True}, "count: expected an integer, got boolean"),
    ({"name": "a", "ratio": 0.5}, {"name": "a", "ratio": "0.5"}, "ratio: expected a number"),
    ({"name": "a", "enabled": False}, {"name": "a", "enabled": "false"}, "enabled: expected a boolean"),
    ({"name": "a", "zones": ["x"]}, {"name": "a", "zones": "x"}, "zones: expected a list of a string"),
    ({"name": "a", "zones": ["x"]}, {"name": "a", "zones": ["x", 1]}, "zones[1]: expected a string"),
    ({"name": "a", "tags": {"k": "v"}}, {"name": "a", "tags": ["k"]}, "tags: expected a map"),
    ({"name": "a", "tags": {"k": "v"}}, {"name": "a", "tags": {"k": 1}}, "tags.k: expected a string"),
    ({"name": "a"}, {}, "name: required input missing"),
    ({"name": "a"}, {"name": None}, "name: required input missing"),
    ({"name": "a", "nat": {"strategy": "Single"}}, {"name": "a", "nat": {"strategy": "Two"}},
     "nat.strategy: 'Two' is not a value of awsx:ec2:NatGatewayStrategy; allowed: 'None', 'Single', 'OnePerAz'"),
    ({"name": "a", "nat": {"strategy": "None"}}, {"name": "a", "nat": {}}, "nat.strategy: required input missing"),
    ({"name": "a", "nat": {"strategy": "None", "eipIds": []}}, {"name": "a", "nat": {"strategy": "None", "eips": []}},
     "nat.eips: not an input of this type"),
    ({"name": "a", "nat": {"strategy": "None"}}, {"name": "a", "nat": "Single"}, "nat: expected an object"),
    ({"name": "a", "kind": "anything"}, {"name": "a", "kind": 3}, "kind: expected a string or one of"),
])
def test_each_check_fails_and_passes(good, bad, expect):
    assert problems(good) == []
    found = problems(bad)
    assert len(found) == 1 and found[0].startswith(expect), found


def test_unknown_values_pass_and_secrets_are_checked_inside():
    assert problems({"name": UNKNOWN, "count": UNKNOWN, "nat": UNKNOWN, "zones": [UNKNOWN]}) == []
    assert problems({"name": UNKNOWN}) == [], "an unknown required input counts as present"
    assert problems({"name": {SIG_KEY: SECRET_SIG, "value": "s"}}) == []
    assert problems({"name": {SIG_KEY: SECRET_SIG, "value": 5}})[0].startswith("name: expected a string")
    assert problems({"name": "a", "policy": {"Statement": []}}) == [], "any takes anything"


# ---- derivation from the installed SDKs ---------------------------------------------------------

@pytest.fixture(scope="module")
def reader():
    return sdk.SchemaReader()


def test_resource_inputs_use_engine_names_and_required_parameters(reader):
    alias = reader.resource("aws:kms/alias:Alias")
    assert alias["required"] == ["targetKeyId"]
    assert set(alias["properties"]) == {"name", "namePrefix", "region", "targetKeyId"}
    assert alias["properties"]["targetKeyId"] == {"type": "string"}
    rds = reader.resource("aws:rds/instance:Instance")
    assert rds["properties"]["allocatedStorage"] == {"type": "integer"}
    assert rds["properties"]["multiAz"] == {"type": "boolean"}
    assert rds["properties"]["tags"] == {"type": "object", "additionalProperties": {"type": "string"}}


def test_nested_types_and_enums_are_resolved(reader):
    vpc = reader.resource("awsx:ec2:Vpc")
    nat = reader.types[vpc["properties"]["natGateways"]["$ref"]]
    assert nat["required"] == ["strategy"]
    assert reader.types[nat["properties"]["strategy"]["$ref"]]["enum"] == ["None", "Single", "OnePerAz"]
    # Union[str, 'InstanceType']: the schema takes any string besides the enum's values
    instance_type = reader.resource("aws:ec2/instance:Instance")["properties"]["instanceType"]
    assert instance_type["oneOf"][0] == {"type": "string"} and "$ref" in instance_type["oneOf"][1]


def test_references_across_packages_and_renamed_args_resolve(reader):
    service = reader.resource("awsx:ecs:FargateService")
    assert service is not None and "unresolved" not in json.dumps(service)
    assert "unresolved" not in json.dumps(reader.types), "every named type found (pulumi_aws.ecs.X, _awsx.X ...)"
    # the Args class is `<Class>InitArgs` when an input type already has the name `<Class>Args`
    sse = reader.resource("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
    assert sse["required"] == ["bucket", "rules"]
    assert reader.resource("aws:nosuch/thing:Thing") is None


def test_a_type_missing_from_the_sdk_is_a_finding(tmp_path):
    r = {"urn": "urn:x::y::aws:nosuch/thing:Thing::t", "type": "aws:nosuch/thing:Thing", "inputs": {}}
    found = schema_findings([r], cache_dir=tmp_path)
    assert len(found) == 1 and found[0]["policy"] == "schema" and found[0]["level"] == "mandatory"
    assert "is not in pulumi_aws" in found[0]["message"]
    assert schema_findings([{"urn": "u", "type": "platform:data:Data", "inputs": {"x": 1}}], cache_dir=tmp_path) == []


def test_derived_shapes_are_cached_on_disk(tmp_path, monkeypatch):
    store = SchemaStore("pulumi_aws", tmp_path)
    assert store.resource("aws:kms/alias:Alias")["required"] == ["targetKeyId"]
    store.save()
    cached = list(tmp_path.glob("pulumi_aws-7.51.1-*.json"))
    assert len(cached) == 1

    def no_derivation(*_a, **_k):
        raise AssertionError("derived again although cached")

    monkeypatch.setattr(sdk.SchemaReader, "resource", no_derivation)
    assert SchemaStore("pulumi_aws", tmp_path).resource("aws:kms/alias:Alias")["required"] == ["targetKeyId"]
    cached[0].write_text("{not json")
    monkeypatch.undo()
    assert SchemaStore("pulumi_aws", tmp_path).resource("aws:kms/alias:Alias") is not None, "a broken cache is rebuilt"


# ---- the committed stacks -----------------------------------------------------------------------

@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_committed_stacks_fit_the_schema_in_both_views(stack):
    """Zero findings; among others the KMS alias's targetKeyId and the Private CA's CSR and
    certificate, which the mocks once never returned (so the inputs were silently absent)."""
    for plan in (plan_for(stack), preview_plan_for(stack)):
        assert schema_findings(plan["resources"]) == []
        inputs = {r["name"]: r["inputs"] for r in plan["resources"]}
        assert inputs["observability-alarm-key-alias"].get("targetKeyId")
    if stack == "prod":
        full = {r["name"]: r["inputs"] for r in plan_for(stack)["resources"]}
        assert full["compute-private-ca-root"]["certificateSigningRequest"].startswith("-----BEGIN CERTIFICATE REQUEST")
        assert full["compute-private-ca-activation"]["certificate"].startswith("-----BEGIN CERTIFICATE")


@pytest.mark.heavy
def test_a_schema_finding_fails_preflight_like_a_mandatory_violation(tmp_path):
    plan = json.loads(json.dumps(plan_for("dev")))
    alias = next(r for r in plan["resources"] if r["type"] == "aws:kms/alias:Alias")
    del alias["inputs"]["targetKeyId"]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    proc = subprocess.run([sys.executable, "-m", "preflight", "check", "--plan", str(path), "--json",
                           str(tmp_path / "out.json")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "[mandatory] schema: observability-alarm-key-alias: targetKeyId: required input missing" in proc.stdout
    result = json.loads((tmp_path / "out.json").read_text())
    assert [v["policy"] for v in result["violations"] if v["level"] == "mandatory"] == ["schema"]
