"""preflight end to end: the CLI on both committed stacks, bad input, saved plans."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT, plan_for, shared_plan

# the module-wide CLI run (both_stacks) is shared by its tests: the module runs whole on one xdist
# worker (conftest.ONE_WORKER_MODULES)


def preflight(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "preflight", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("pf")


@pytest.fixture(scope="module")
def both_stacks(run_dir):
    out = run_dir
    # The committed stacks' plans, recorded once per test run (test_preview and test_awsx_equivalence
    # judge them too): the CLI is served them from the session's plan cache and runs the pack, the
    # settings, schema and cost stages and the reports itself.  A cold CLI run of a stack: test_plancache.
    for stack in ("prod", "dev"):
        plan_for(stack)
    proc = preflight("--json", str(out / "{stack}.json"), "--output", f"sarif={out / 'preflight.sarif'}",
                     "--output", f"markdown={out / 'comment.md'}", "--output", f"junit={out / 'junit.xml'}")
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


def test_text_output_puts_the_verdict_first_and_details_behind_verbose(both_stacks, run_dir):
    proc, results = both_stacks
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("== stack prod: passed (0 mandatory,") and "== stack dev: passed" in proc.stdout
    assert "-- cost: $" in proc.stdout and "top drivers: messaging-kafka-cluster" in proc.stdout
    assert "-- stages: settings passed, schema" in proc.stdout
    assert lines[-2:] == ["preflight: stack prod: passed", "preflight: stack dev: passed"]
    # The type breakdown (136 of 170 lines before) and the outputs only with --verbose.
    assert "-- outputs:" not in proc.stdout and "aws:iam/role:Role" not in proc.stdout
    assert len(lines) < 40, len(lines)
    # A message does not repeat the resource name the line already shows.
    assert not any(f"{v['resource']}: {v['resource']}:" in proc.stdout
                   for r in results.values() for v in r["violations"] if v["resource"])
    verbose = preflight("check", "--plan", str(run_dir / "prod.json"), "--verbose")
    assert verbose.returncode == 0, verbose.stderr
    assert "-- outputs:" in verbose.stdout and "alb_dns_name" in verbose.stdout
    assert "aws:iam/role:Role" in verbose.stdout and "-- resources by tier and type:" in verbose.stdout


def test_result_document_is_deterministic_with_explicit_stages(both_stacks):
    _, results = both_stacks
    for stack, result in results.items():
        urns = [r["urn"] for r in result["resources"]]
        assert urns == sorted(urns), "resources sorted by URN whatever the registration order"
        assert [s["name"] for s in result["stages"]] == ["settings", "schema", "policies", "cost"]
        assert all(v["stage"] in ("settings", "schema", "policies", "cost") for v in result["violations"])
        assert result["verdict"] == "passed"
        names = [p["name"] for p in result["policies"]]
        assert names == sorted(names)
    # Source locations: where the component created the resource, relative to the repository.
    db = next(r for r in results["prod"]["resources"] if r["type"] == "aws:rds/instance:Instance")
    assert db["source"]["path"] == "components/data/database.py" and db["source"]["line"] > 1
    assert all(r["source"] is None or not r["source"]["path"].startswith("/") for r in results["prod"]["resources"])


def test_same_input_gives_the_same_document(both_stacks, tmp_path):
    _, results = both_stacks
    path = tmp_path / "prod.json"
    path.write_text(json.dumps(results["prod"]))
    again = preflight("check", "--plan", str(path), "--json", str(tmp_path / "again.json"))
    assert again.returncode == 0, again.stderr
    second = json.loads((tmp_path / "again.json").read_text())
    for key in ("violations", "policies", "stages", "resources"):
        first = results["prod"][key] if key != "stages" else results["prod"][key][1:]
        got = second[key] if key != "stages" else second[key][1:]   # settings: skipped for a saved plan
        assert got == first, key


def test_seeded_violation_exits_1_naming_the_policy():
    shared_plan("prod", ["multiAz.database=false"])   # served from the plan cache (test_cost_report shares it)
    proc = preflight("--stack", "prod", "--set", "multiAz.database=false")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "[mandatory] rds-multi-az" in proc.stdout
    assert "FAILED - mandatory violations of" in proc.stdout and "rds-multi-az" in proc.stdout.splitlines()[-1]
    # The README's "Try a change" shows this run's output: every line it quotes must still be printed.
    readme = (ROOT / "README.md").read_text()
    quoted = readme.split("== stack prod: FAILED", 1)[1].split("```", 1)[0]
    for line in ("== stack prod: FAILED" + quoted).splitlines():
        if line.strip() and line.strip() != "...":
            assert line in proc.stdout.splitlines(), f"README quotes a line preflight no longer prints: {line}"


def test_a_schedule_cannot_bypass_the_prod_task_floor():
    """Review High 5: the schedule's stop action sets min/max 0, below prod's floor of 2 tasks."""
    proc = preflight("--stack", "prod", "--set", "schedule.enabled=true", "--set", "schedule.hoursPerDay=10")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert ("[mandatory] task-count-limits: compute-order-schedule-stop: scheduled action sets scalableTargetAction "
            "minCapacity 0 and maxCapacity 0 at cron(0 18 ? * MON-FRI *), below this stack's floor of 2 tasks"
            in proc.stdout), proc.stdout
    assert "task-count-limits" in proc.stdout.splitlines()[-1]


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
    assert proc.returncode == 2 and "is not valid JSON" in proc.stderr and "Traceback" not in proc.stderr


def test_bench_prints_its_figures():
    proc = subprocess.run([sys.executable, "-m", "preflight.bench", "--repeat", "1", "--only", "series",
                           "--series", "10"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    machine, header, bare, series_header, row, peak = proc.stdout.strip().splitlines()
    assert machine.startswith("machine: ") and header.split() == ["figure", "seconds", "x", "import"]
    label, seconds, ratio = bare.rsplit(None, 2)
    assert label == "bare `import pulumi, pulumi_aws`" and float(seconds) > 0 and float(ratio) == 1.0
    assert series_header.split()[:4] == ["services", "resources", "mock", "s"]
    services, resources, mock_s, mock_x, policy_s, policy_x, ms_mock, ms_policy = row.split()
    assert services == "10" and int(resources) > 300 and float(mock_s) > 0 and float(policy_s) > 0
    # The ratio column is the figure over the bare import (both rounded, so within a rounding step).
    assert abs(float(mock_x) - float(mock_s) / float(seconds)) <= 0.1 + 0.01 * float(mock_x)
    assert abs(float(ms_mock) - 1000 * float(mock_s) / int(resources)) <= 0.1
    assert peak.startswith("peak child RSS:")


def test_real_run_reports_sarif_junit_and_the_pr_comment(both_stacks, run_dir):
    import xml.etree.ElementTree as ET

    from test_report_formats import sarif_errors

    _, results = both_stacks
    sarif = (run_dir / "preflight.sarif").read_text()
    assert sarif_errors(sarif) == []
    doc = json.loads(sarif)
    assert len(doc["runs"][0]["results"]) == sum(len(r["violations"]) for r in results.values())
    located = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"]]
    assert any(uri.startswith("components/") for uri in located), "resources point at the component's source"
    junit = ET.fromstring((run_dir / "junit.xml").read_text())
    assert [s.get("name") for s in junit.findall("testsuite")] == ["preflight.prod", "preflight.dev"]
    assert junit.get("failures") == "0"
    comment = (run_dir / "comment.md").read_text()
    assert comment.startswith("<!-- preflight-report -->") and len(comment) < 60_000
    assert "| prod | ✅ passed |" in comment and "| dev | ✅ passed |" in comment
    assert "top cost drivers" in comment
