"""preflight end to end: the CLI on both committed stacks, bad input, saved plans."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT, plan_for


def preflight(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "preflight", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def both_stacks(tmp_path_factory):
    out = tmp_path_factory.mktemp("pf")
    proc = preflight("--json", str(out / "{stack}.json"))
    return proc, {s: json.loads((out / f"{s}.json").read_text()) for s in ("prod", "dev")}


def test_both_committed_stacks_pass(both_stacks):
    proc, results = both_stacks
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "preflight: stack prod: passed" in proc.stdout and "preflight: stack dev: passed" in proc.stdout
    for stack, result in results.items():
        assert result["stack"] == stack
        assert not [v for v in result["violations"] if v["level"] == "mandatory"]
        assert result["cost"]["totals"]["monthly_usd"] > 0


def test_graph_is_recorded_with_parents_and_inputs(both_stacks):
    _, results = both_stacks
    for result in results.values():
        resources = result["resources"]
        assert len(resources) > 100
        by_urn = {r["urn"]: r for r in resources}
        non_root = [r for r in resources if r["type"] != "pulumi:pulumi:Stack"]
        assert all(r["parent"] in by_urn for r in non_root), "every resource has a recorded parent"
        tiers = {r["type"] for r in resources if r["type"].startswith("platform:")}
        assert {"platform:network:Network", "platform:compute:Compute", "platform:edge:Edge",
                "platform:data:Data", "platform:messaging:Messaging"} <= tiers
        vpc = next(r for r in resources if r["type"] == "awsx:ec2:Vpc")
        assert vpc["remote"] and not vpc["custom"] and len(vpc["inputs"]["availabilityZoneNames"]) == (3 if result["stack"] == "prod" else 2)
        rds = [r for r in resources if r["type"] == "aws:rds/instance:Instance"]
        assert rds and all("instanceClass" in r["inputs"] for r in rds), "engine camelCase inputs"


def test_plan_summary_and_outputs_are_printed(both_stacks):
    proc, _ = both_stacks
    assert "== stack prod:" in proc.stdout and "== stack dev:" in proc.stdout
    assert "-- outputs:" in proc.stdout and "alb_dns_name" in proc.stdout
    assert "-- cost: $" in proc.stdout


def test_seeded_violation_exits_1_naming_the_policy():
    proc = preflight("--stack", "prod", "--set", "multiAz.database=false")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "[mandatory] rds-multi-az" in proc.stdout
    assert "FAILED - mandatory violations of" in proc.stdout and "rds-multi-az" in proc.stdout.splitlines()[-1]


def test_bad_config_exits_2_with_a_clear_message():
    proc = preflight("--stack", "prod", "--set", "azCount=7")
    assert proc.returncode == 2
    assert "microservices-platform:azCount: got 7; allowed: one of 2, 3" in proc.stderr
    assert "Traceback" not in proc.stderr and "== stack" not in proc.stdout


def test_unknown_stack_and_bad_usage_exit_2():
    proc = preflight("--stack", "qa")
    assert proc.returncode == 2 and "no stack file Pulumi.qa.yaml; committed stacks: prod, dev" in proc.stderr
    assert preflight("--no-such-flag").returncode == 2


def test_saved_plan_is_judged_the_same_way(tmp_path):
    plan = plan_for("prod")
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    ok = preflight("check", "--plan", str(path))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    # Hand-edit the saved plan: one database loses its standby.
    edited = json.loads(path.read_text())
    rds = next(r for r in edited["resources"] if r["type"] == "aws:rds/instance:Instance"
               and not r["inputs"].get("replicateSourceDb"))
    rds["inputs"]["multiAz"] = False
    path.write_text(json.dumps(edited))
    bad = preflight("check", "--plan", str(path))
    assert bad.returncode == 1 and "rds-multi-az" in bad.stdout and rds["name"] in bad.stdout


def test_unreadable_plan_exits_2(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    proc = preflight("check", "--plan", str(path))
    assert proc.returncode == 2 and "cannot read plan JSON" in proc.stderr


def test_bench_prints_its_figures():
    proc = subprocess.run([sys.executable, "-m", "preflight.bench", "--repeat", "1", "--only", "synthetic",
                           "--services", "10"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    header, row, peak = proc.stdout.strip().splitlines()
    assert header.split() == ["case", "resources", "mock", "run", "s", "policy", "run", "s", "schema", "s",
                              "violations"]
    case, resources, mock_s, policy_s, schema_s, violations = row.split()
    assert case == "synthetic" and int(resources) > 300 and float(mock_s) > 0 and float(policy_s) > 0
    assert float(schema_s) >= 0
    assert peak.startswith("peak child RSS:")
