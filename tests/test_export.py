"""preflight export: the recorded plan as the stack export `pulumi stack import` reads.

The checks are the CLI's (pulumi/pulumi, read 2026-12-07): sdk/go/common/apitype/core.go for the
shape (UntypedDeployment, DeploymentV3, ManifestV1, ResourceV3 JSON names, SecretV1), and
pkg/resource/stack/deployment.go plus snapshot VerifyIntegrity for what import refuses (version,
magic cookie, references to later resources, an id on a component, another stack's URN, duplicates)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pytest

from conftest import FULL_FEATURE_SETS, ROOT, shared_plan
from preflight import export

RESOURCE_V3_KEYS = {"urn", "custom", "delete", "id", "type", "inputs", "outputs", "parent", "protect", "external",
                    "dependencies", "initErrors", "provider", "propertyDependencies", "pendingReplacement",
                    "additionalSecretOutputs", "aliases", "customTimeouts", "importID", "retainOnDelete",
                    "deletedWith", "created", "modified", "sourcePosition", "ignoreChanges", "replaceOnChanges"}
SECRETS = {"type": "passphrase", "state": {"salt": "v1:c2FsdA==:v1:aXY=:Y2lwaGVy"}}


def _secrets_ok(value, where):
    if isinstance(value, dict):
        if export.SECRET_KEY in value:
            assert value[export.SECRET_KEY] == export.SECRET_VALUE, where
            assert set(value) == {export.SECRET_KEY, "plaintext"}, where  # exactly one of ciphertext / plaintext
            json.loads(value["plaintext"])  # the JSON text of the value
            return
        for k, v in value.items():
            _secrets_ok(v, f"{where}.{k}")
    elif isinstance(value, list):
        for n, v in enumerate(value):
            _secrets_ok(v, f"{where}[{n}]")


def import_problems(doc: dict, stack: str) -> list[str]:
    """What `pulumi stack import` would refuse in ``doc`` (an empty list: it imports)."""
    problems = []
    if doc.get("version") != 3 or set(doc) != {"version", "deployment"}:
        problems.append("not an UntypedDeployment of version 3")
    d = doc["deployment"]
    m = d["manifest"]
    if set(m) - {"time", "magic", "version", "plugins"} or not {"time", "magic", "version"} <= set(m):
        problems.append("manifest fields")
    if m["magic"] != hashlib.sha256(m["version"].encode()).hexdigest():
        problems.append("magic cookie mismatch")
    seen: dict[str, dict] = {}
    for r in d["resources"]:
        urn = r["urn"]
        if set(r) - RESOURCE_V3_KEYS or not {"urn", "custom", "type"} <= set(r):
            problems.append(f"{urn}: fields {sorted(set(r) - RESOURCE_V3_KEYS)}")
        if not r["custom"] and r.get("id"):
            problems.append(f"{urn}: 'custom' false but non-empty ID")
        if urn.split("::")[0] != f"urn:pulumi:{stack}":
            problems.append(f"{urn}: from a different stack")
        if urn in seen:
            problems.append(f"duplicate resource {urn}")
        if r.get("provider"):
            purn, _, pid = r["provider"].rpartition("::")
            p = seen.get(purn)
            if p is None or not p["type"].startswith("pulumi:providers:") or p.get("id") != pid:
                problems.append(f"{urn} refers to unknown provider {r['provider']}")
        if r.get("parent") and r["parent"] not in seen:
            problems.append(f"{urn}: parent {r['parent']} comes after it")
        for dep in [*r.get("dependencies", []), *(u for us in r.get("propertyDependencies", {}).values() for u in us)]:
            if dep not in seen:
                problems.append(f"{urn}: dependency {dep} comes after it")
        _secrets_ok(r.get("inputs"), urn)
        _secrets_ok(r.get("outputs"), urn)
        seen[urn] = r
    return problems


@pytest.mark.parametrize("stack, sets", [("prod", ()), ("dev", ()), ("prod", FULL_FEATURE_SETS)],
                         ids=["prod", "dev", "prod-every-tier"])
def test_the_export_is_what_stack_import_accepts(stack, sets):
    plan = shared_plan(stack, sets)
    doc = export.deployment(plan, SECRETS, "v3.272.0")
    assert import_problems(doc, stack) == []
    resources = doc["deployment"]["resources"]
    custom = [r for r in resources if r["custom"] and not r["type"].startswith("pulumi:providers:")]
    # and the default providers the engine registers: aws, and awsx for the remote Vpc component
    added = {r["urn"].split("::")[-1]: r for r in resources} .keys() - {r["name"] for r in plan["resources"]}
    assert sorted(added) == ["default_3_11_0", "default_7_51_1"] and len(resources) == len(plan["resources"]) + 2
    (provider,) = [r for r in resources if r["urn"].endswith("pulumi:providers:aws::default_7_51_1")]
    assert provider["urn"].endswith("::default_7_51_1") and provider["inputs"]["region"] == plan["region"]
    explicit = {r["urn"] for r in plan["resources"] if r["provider"]}
    assert all(r["provider"].startswith(provider["urn"] + "::") for r in custom
               if r["type"].startswith("aws:") and r["urn"] not in explicit)
    assert doc["deployment"]["secrets_providers"] == SECRETS


def test_a_sorted_plan_is_put_in_reference_order_and_components_lose_their_mock_ids():
    plan = shared_plan("dev")
    shuffled = {**plan, "resources": sorted(plan["resources"], key=lambda r: r["urn"], reverse=True)}
    doc = export.deployment(shuffled, SECRETS, "v3.272.0")
    assert import_problems(doc, "dev") == []
    assert all("id" not in r for r in doc["deployment"]["resources"] if not r["custom"])


def test_secrets_become_plaintext_json_and_the_stack_carries_its_outputs():
    plan = shared_plan("prod")
    doc = export.deployment(plan, SECRETS, "v3.272.0")
    by_name = {r["urn"].split("::")[-1]: r for r in doc["deployment"]["resources"]}
    token = by_name["data-cache-group"]["inputs"]["authToken"]
    assert set(token) == {export.SECRET_KEY, "plaintext"} and isinstance(json.loads(token["plaintext"]), str)
    (stack,) = [r for r in doc["deployment"]["resources"] if r["type"] == "pulumi:pulumi:Stack"]
    assert "alarm_topic_arn" in stack["outputs"]


def _run(*args):
    return subprocess.run([sys.executable, "-m", "preflight", "export", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


def test_bad_inputs_exit_2(tmp_path):
    no_provider = tmp_path / "fresh.json"
    no_provider.write_text(json.dumps({"version": 3, "deployment": {"manifest": {}}}))
    cases = [
        ((["--stack", "dev"]), "--out: missing"),
        ((["--stack", "dev", "--out", ""]), "--out: empty path"),
        ((["--stack", "dev", "--out", str(tmp_path / "x.json")]), "--secrets-from: missing"),
        ((["--stack", "dev", "--out", str(tmp_path / "x.json"), "--secrets-from", str(no_provider)]),
         "no deployment.secrets_providers"),
        ((["--stack", "qa", "--out", str(tmp_path / "x.json")]), "--stack"),
    ]
    for args, says in cases:
        proc = _run(*args)
        assert proc.returncode == 2 and says in proc.stderr and "Traceback" not in proc.stderr, (args, proc.stderr)


@pytest.mark.heavy
def test_the_command_writes_the_file(tmp_path):
    fresh = tmp_path / "fresh.json"
    fresh.write_text(json.dumps({"version": 3, "deployment": {"manifest": {}, "secrets_providers": SECRETS}}))
    out = tmp_path / "dev-export.json"
    proc = _run("--stack", "dev", "--out", str(out), "--secrets-from", str(fresh))
    assert proc.returncode == 0, proc.stderr
    assert import_problems(json.loads(out.read_text()), "dev") == []
