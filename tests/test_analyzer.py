"""preflight.analyzer: the engine's side of the analyzer protocol."""

from __future__ import annotations

import json

import pytest

from preflight.analyzer import PolicyConfigError, run_policy_pack

PLAN = {"stack": "dev", "project": "microservices-platform", "resources": [
    {"urn": "urn:pulumi:dev::microservices-platform::pulumi:pulumi:Stack::microservices-platform-dev",
     "type": "pulumi:pulumi:Stack", "name": "microservices-platform-dev", "parent": None, "inputs": {}},
    {"urn": "urn:pulumi:dev::microservices-platform::aws:rds/instance:Instance::db", "type": "aws:rds/instance:Instance",
     "name": "db", "parent": "urn:pulumi:dev::microservices-platform::pulumi:pulumi:Stack::microservices-platform-dev",
     "inputs": {"instanceClass": "db.r6g.16xlarge", "multiAz": False, "storageEncrypted": True,
                "allocatedStorage": 20, "backupRetentionPeriod": 1, "engine": "postgres",
                "tags": {"service": "user", "tier": "data", "stack": "dev", "cost-center": "x"}}},
]}


def test_levels_come_from_the_stack_config_and_options_from_schema_defaults(tmp_path, spawned):
    cfg = tmp_path / "cfg.json"
    cfg.write_text(json.dumps({"rds-multi-az": "mandatory",
                               "allowed-rds-instance-classes": {"allowedInstanceClasses": ["db.t3.micro"]}}))
    result = run_policy_pack(PLAN, cfg)
    got = {(v["policy"], v["level"]) for v in result["violations"]}
    assert ("rds-multi-az", "mandatory") in got                     # level from the file
    assert ("allowed-rds-instance-classes", "mandatory") in got     # option from the file
    levels = {p["name"]: p["level"] for p in result["policies"]}
    assert levels["rds-multi-az"] == "mandatory" and len(levels) > 30
    assert all(p.poll() is not None for p in spawned), "the pack process is stopped"


def test_bad_policy_config_is_refused_and_the_pack_still_stopped(tmp_path, spawned):
    cfg = tmp_path / "cfg.json"
    cfg.write_text(json.dumps({"no-such-policy": "mandatory"}))
    with pytest.raises(PolicyConfigError, match="unknown policies: no-such-policy"):
        run_policy_pack(PLAN, cfg)
    cfg.write_text(json.dumps({"monthly-budget-cap": {"maxMonthlyUsd": "lots"}}))
    with pytest.raises(PolicyConfigError, match="monthly-budget-cap.maxMonthlyUsd"):
        run_policy_pack(PLAN, cfg)
    cfg.write_text(json.dumps({"rds-multi-az": "sometimes"}))
    with pytest.raises(PolicyConfigError, match="rds-multi-az.enforcementLevel: got 'sometimes'"):
        run_policy_pack(PLAN, cfg)
    assert len(spawned) == 3 and all(p.poll() is not None for p in spawned)


PROBE_PACK = """
from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy, StackValidationPolicy

def each(args, report):
    report(f"{args.resource_type} protect={args.opts.protect} parent={args.opts.parent}")

def stack(args, report):
    for r in args.resources:
        report(f"{r.name} parent={r.parent.name if r.parent else None} deps={[d.name for d in r.dependencies]}")

PolicyPack(name="probe", enforcement_level=EnforcementLevel.ADVISORY, policies=[
    ResourceValidationPolicy(name="each", description="each", validate=each),
    StackValidationPolicy(name="stack", description="stack", validate=stack)])
"""


def test_the_engine_calls_are_made_with_options_parents_and_dependencies(tmp_path):
    (tmp_path / "__main__.py").write_text(PROBE_PACK)
    plan = json.loads(json.dumps(PLAN))
    db = plan["resources"][1]
    db["protect"] = True
    db["dependencies"] = [plan["resources"][0]["urn"]]
    result = run_policy_pack(plan, None, policy_dir=tmp_path)
    messages = {(v["policy"], v["message"]) for v in result["violations"]}
    assert ("each", f"aws:rds/instance:Instance protect=True parent={plan['resources'][0]['urn']}") in messages
    assert ("stack", "db parent=microservices-platform-dev deps=['microservices-platform-dev']") in messages
    assert ("stack", "microservices-platform-dev parent=None deps=[]") in messages
