"""The pack converts each request's properties once (platform_policies.one_conversion): its answers
are byte-identical to pulumi-policy's own methods, it is used only with the pulumi-policy version it
was written for, and rules cannot write to the value they share."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import (EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy)
from pulumi_policy.policy import _PolicyAnalyzerServicer
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError

from conftest import FULL_FEATURE_SETS, ROOT, shared_plan
from platform_policies import one_conversion
from preflight.bench import synthetic_services

CONFIGURATIONS = {  # stack, --set values, first preview (unknown values: "can't run during preview")
    "prod": ("prod", (), False),
    "dev": ("dev", (), False),
    "prod-every-tier": ("prod", FULL_FEATURE_SETS, False),
    "prod-100-services": ("prod", (f"services={synthetic_services(100)}",), False),
    "prod-first-preview": ("prod", (), True),
}


@pytest.mark.heavy
@pytest.mark.parametrize("configuration", CONFIGURATIONS)
def test_answers_are_byte_identical_to_the_librarys(configuration, tmp_path):
    stack, sets, preview = CONFIGURATIONS[configuration]
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(shared_plan(stack, sets, preview)))
    proc = subprocess.run([sys.executable, str(ROOT / "tests" / "one_conversion_child.py"), str(plan_file), stack],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = json.loads(proc.stdout)
    assert got["differ"] == [], f"{configuration}: responses {got['differ']} differ"
    assert got["answered"] >= 1  # the pack found something to say: not a comparison of empty answers


def _struct(value: dict) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    json_format.ParseDict(value, s)
    return s


def _policies(seen: list) -> list:
    def reads(args, report):
        seen.append(args.props)
        if args.props["size"] > 2:
            report("too big")

    def unknown(args, report):
        args.props["name"]  # unknown during preview: the library reports that the policy could not run

    def stack(args, report):
        seen.append(args.resources)
        for r in args.resources:
            if r.parent is not None:
                report(f"{r.name} under {r.parent.name}", r.urn)

    return [ResourceValidationPolicy(name="reads", description="reads size", validate=reads),
            ResourceValidationPolicy(name="unknown", description="reads name", validate=unknown,
                                     enforcement_level=EnforcementLevel.MANDATORY),
            ResourceValidationPolicy(name="off", description="disabled", validate=reads,
                                     enforcement_level=EnforcementLevel.DISABLED),
            ResourceValidationPolicy(name="remediate-only", description="fixes", remediate=lambda args: None),
            StackValidationPolicy(name="stack", description="parents", validate=stack)]


def _answers(version: str, seen: list) -> list[bytes]:
    before = one_conversion._Servicer.Analyze, one_conversion._Servicer.AnalyzeStack
    try:
        one_conversion.install(version)
        servicer = _PolicyAnalyzerServicer("t", "0.0.1", _policies(seen), EnforcementLevel.ADVISORY,
                                           None, None, None, None, None, None, None)
        props = _struct({"size": 3, "name": UNKNOWN_STRING_VALUE, "tags": {"a": "b"}})
        request = analyzer_pb2.AnalyzeRequest(type="aws:s3/bucket:Bucket", properties=props, urn="urn:b", name="b")
        stack = analyzer_pb2.AnalyzeStackRequest(resources=[
            analyzer_pb2.AnalyzerResource(type="t", urn="urn:p", name="p", properties=props),
            analyzer_pb2.AnalyzerResource(type="t", urn="urn:c", name="c", parent="urn:p", properties=props,
                                          dependencies=["urn:p", "urn:gone"])])
        return [servicer.Analyze(request, None).SerializeToString(deterministic=True),
                servicer.AnalyzeStack(stack, None).SerializeToString(deterministic=True)]
    finally:
        one_conversion._Servicer.Analyze, one_conversion._Servicer.AnalyzeStack = before


def test_violations_unknowns_disabled_and_not_applicable_answered_as_the_library_does():
    library, ours = _answers("library", []), _answers(one_conversion.WRITTEN_FOR, [])
    assert library == ours
    analyzed = analyzer_pb2.AnalyzeResponse.FromString(ours[0])
    assert [d.policyName for d in analyzed.diagnostics] == ["reads", "unknown"]
    assert "during preview: string value at .name" in analyzed.diagnostics[1].message
    assert [n.policy_name for n in analyzed.not_applicable] == ["remediate-only"]
    assert [d.message for d in analyzer_pb2.AnalyzeResponse.FromString(ours[1]).diagnostics] == ["parents\nc under p"]


def test_converted_once_per_request_and_shared_between_policies():
    seen: list = []
    _answers(one_conversion.WRITTEN_FOR, seen)
    props, resources = seen
    assert props["tags"] == {"a": "b"}
    library_seen: list = []
    _answers("library", library_seen)
    assert library_seen[0] is not props  # the library converts per policy; both see equal values
    assert dict(library_seen[0]["tags"]) == dict(props["tags"])


def test_another_pulumi_policy_version_runs_the_librarys_methods():
    before = one_conversion._Servicer.Analyze, one_conversion._Servicer.AnalyzeStack
    try:
        assert one_conversion.install("1.22.0") is False
        assert one_conversion._Servicer.Analyze is one_conversion._LIBRARY_METHODS["Analyze"]
        assert one_conversion._Servicer.AnalyzeStack is one_conversion._LIBRARY_METHODS["AnalyzeStack"]
        assert one_conversion.install(one_conversion.WRITTEN_FOR) is True
        assert one_conversion._Servicer.Analyze is one_conversion.analyze
    finally:
        one_conversion._Servicer.Analyze, one_conversion._Servicer.AnalyzeStack = before


def test_a_rule_that_writes_to_its_properties_fails():
    def writes(args, report):
        args.props["tags"]["owner"] = "me"

    before = one_conversion._Servicer.Analyze
    try:
        one_conversion.install(one_conversion.WRITTEN_FOR)
        servicer = _PolicyAnalyzerServicer("t", "0.0.1", [ResourceValidationPolicy(name="writes", description="w",
                                                                                    validate=writes)],
                                           EnforcementLevel.ADVISORY, None, None, None, None, None, None, None)
        request = analyzer_pb2.AnalyzeRequest(type="t", urn="u", name="n", properties=_struct({"tags": {}}))
        with pytest.raises(TypeError, match="read-only"):
            servicer.Analyze(request, None)
    finally:
        one_conversion._Servicer.Analyze = before


def test_read_only_proxy_still_reports_unknown_values_with_their_path():
    props = one_conversion.read_only_proxy({"a": [{"b": UNKNOWN_STRING_VALUE}]})
    with pytest.raises(UnknownValueError) as raised:
        props["a"][0]["b"]
    assert raised.value.message == "string value at .a.0.b can't be known during preview"
