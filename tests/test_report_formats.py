"""check's report formats: SARIF against the official 2.1.0 schema, JUnit, the bounded PR comment."""

from __future__ import annotations

import contextlib
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT
from preflight import cli, formats
from preflight.formats import markdown, sarif
from preflight.result import build, run_document, stage

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif" / "sarif-schema-2.1.0.json").read_text())
PROJECT = "microservices-platform"


def sarif_errors(text: str) -> list[str]:
    validator = jsonschema.Draft4Validator(SCHEMA)
    return [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(json.loads(text))]


def synthetic_result(stack: str, n_resources: int, n_violations: int, message_chars: int = 120) -> dict:
    """A result as big as we like: parents, sources, stack-level and config-key findings included."""
    stack_urn = f"urn:pulumi:{stack}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{stack}"
    comp = f"urn:pulumi:{stack}::{PROJECT}::platform:data:Database::db"
    resources = [{"urn": stack_urn, "type": "pulumi:pulumi:Stack", "name": f"{PROJECT}-{stack}", "parent": None},
                 {"urn": comp, "type": "platform:data:Database", "name": "db", "parent": stack_urn,
                  "source": {"path": "components/data/data.py", "line": 42}}]
    for i in range(n_resources):
        resources.append({"urn": f"urn:pulumi:{stack}::{PROJECT}::platform:data:Database$aws:rds/instance:Instance::"
                                 f"db-{i:05d}", "type": "aws:rds/instance:Instance", "name": f"db-{i:05d}",
                          "parent": comp, "inputs": {}})
    findings = [{"policy": f"policy-{i % 40:02d}", "level": "mandatory" if i % 3 else "advisory",
                 "urn": resources[2 + i % n_resources]["urn"], "message": f"db-{i % n_resources:05d}: " + "x" * message_chars}
                for i in range(n_violations)]
    findings.append({"policy": "monthly-budget-cap", "level": "mandatory", "urn": "", "message": "over the cap <b>|</b>"})
    schema_findings = [{"urn": resources[2]["urn"], "message": "instanceClass: not a string"},
                       {"urn": "", "message": "multiAz.database: not allowed", "key": "multiAz.database"}]
    cost = {"totals": {"monthly_usd": 12345.678, "baseline_usd": 12000.0, "usage_usd": 345.678},
            "by_tier": {"data": 10000.0, "compute": 2345.678}, "cap": {"max_monthly_usd": 3000.0, "percent": 411.5,
                                                                     "verdict": "over", "warn_at_percent": 80},
            "cap_usd": 3000.0,
            "top_drivers": [{"resource": f"db-{i:05d}", "tier": "data", "service": "user", "type": "Instance",
                             "monthly_usd": 128.52} for i in range(8)]}
    policies = [{"name": f"policy-{i:02d}", "level": "mandatory", "description": f"Rule {i}."} for i in range(40)]
    policies.append({"name": "monthly-budget-cap", "level": "mandatory", "description": "Budget cap."})
    return build({"stack": stack, "project": PROJECT, "resources": resources},
                 stages=[stage("settings", "passed"), stage("schema", "failed", 2), stage("policies", "failed", 1),
                         stage("cost", "passed", note="over")],
                 findings={"schema": schema_findings, "policies": findings}, policies=policies, cost=cost)


@pytest.fixture(scope="module")
def big_run():
    results = [synthetic_result(s, 3000, 5000) for s in ("prod", "dev", "qa")]
    base = {"totals": {"monthly_usd": 12000.0}, "by_tier": {"data": 9800.0, "compute": 2200.0}}
    return run_document(results, 1, {"prod": base, "dev": None, "qa": base})


def test_sarif_validates_against_the_official_schema(big_run):
    text = formats.render("sarif", big_run)
    assert sarif_errors(text) == []
    doc = json.loads(text)
    assert doc["version"] == "2.1.0" and len(doc["runs"]) == 1
    results = doc["runs"][0]["results"]
    assert len(results) == sum(len(r["violations"]) for r in big_run["stacks"])   # one result per violation
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert {r["ruleId"] for r in results} <= {r["id"] for r in rules}
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)


def test_sarif_levels_and_locations(big_run):
    results = json.loads(formats.render("sarif", big_run))["runs"][0]["results"]
    by_level = {(r["properties"]["enforcementLevel"], r["level"]) for r in results}
    assert by_level == {("mandatory", "error"), ("advisory", "warning")}
    db = next(r for r in results if r["ruleId"] == "policy-01")
    loc = db["locations"][0]
    assert loc["logicalLocations"][0]["fullyQualifiedName"].startswith("urn:pulumi:")
    assert loc["logicalLocations"][0]["kind"] == "resource"
    # The component that created the resource (its recorded source), relative to the repository.
    assert loc["physicalLocation"]["artifactLocation"] == {"uri": "components/data/data.py", "uriBaseId": "%SRCROOT%"}
    assert loc["physicalLocation"]["region"]["startLine"] == 42
    # A finding with the stack config key behind it points at the key's line in the stack file.
    keyed = next(r for r in results if r["properties"].get("configKey") == "multiAz.database")
    path, line = sarif.config_key_line("prod", "multiAz.database") or ("Pulumi.prod.yaml", 1)
    assert keyed["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == path
    assert keyed["locations"][0]["physicalLocation"]["region"]["startLine"] == line
    # A stack-level finding: the stack file.
    cap = next(r for r in results if r["ruleId"] == "monthly-budget-cap" and r["properties"]["stack"] == "dev")
    assert cap["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "Pulumi.dev.yaml"
    assert "logicalLocations" not in cap["locations"][0]
    assert len({r["partialFingerprints"]["preflightViolation/v1"] for r in results}) == len(results)


def test_config_key_line_finds_the_key_in_the_stack_file():
    path, line = sarif.config_key_line("dev", "microservices-platform:multiAz")
    assert path == "Pulumi.dev.yaml"
    assert (ROOT / path).read_text().splitlines()[line - 1].strip().startswith("microservices-platform:multiAz:")
    assert sarif.config_key_line("prod", "azCount")[0] in ("Pulumi.prod.yaml", "Pulumi.yaml")


def test_junit_counts_match(big_run):
    root = ET.fromstring(formats.render("junit", big_run))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["preflight.prod", "preflight.dev", "preflight.qa"]
    for suite in suites:
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == len([c for c in cases if c.find("failure") is not None])
        schema_case = next(c for c in cases if c.get("name") == "schema")
        assert schema_case.find("failure") is not None   # a schema finding is a failed test
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites)


def test_markdown_comment_stays_under_the_limit_whatever_the_size(big_run):
    text = formats.render("markdown", big_run)
    assert len(text) <= markdown.LIMIT < 65_536
    assert text.startswith(markdown.MARKER) and "## preflight: ❌ failed" in text
    table = text.split("\n\n")[1]
    assert "| prod | ❌ failed |" in table and "+$345.68 (+2.9%)" in table
    assert "no base" in table   # dev has no base result
    assert "<b>" not in text    # messages cannot inject HTML into the comment
    # Verdict and summary first; the top cost drivers are there, the total near the top.
    assert text.index("top cost drivers") < text.index("advisory finding")
    huge = run_document([synthetic_result(f"s{i}", 200, 2000, 2000) for i in range(40)], 1)
    assert len(formats.render("markdown", huge)) <= markdown.LIMIT


def test_markdown_cost_difference_against_the_base():
    result = synthetic_result("prod", 5, 3)
    run = run_document([result], 1, {"prod": {"totals": {"monthly_usd": 12000.0},
                                               "by_tier": {"data": 9800.0, "compute": 2345.678}}})
    text = formats.render("markdown", run)
    assert "+$345.68 (+2.9%)" in text and "| data | +$200.00 |" in text
    assert "| compute |" not in text   # unchanged tiers are left out


def test_text_and_json_formats_are_deterministic(big_run):
    for fmt in ("text", "json", "sarif", "junit", "markdown"):
        assert formats.render(fmt, big_run) == formats.render(fmt, big_run)
    doc = json.loads(formats.render("json", big_run))
    assert doc["verdict"] == "failed" and doc["exit_code"] == 1
    assert [s["stack"] for s in doc["stacks"]] == ["prod", "dev", "qa"]
    stages = [s["name"] for s in doc["stacks"][0]["stages"]]
    assert stages == ["settings", "schema", "policies", "cost"]
    assert {v["stage"] for v in doc["stacks"][0]["violations"]} == {"schema", "policies"}


@pytest.mark.heavy
def test_pr_comment_for_a_100_service_config_is_under_the_limit(tmp_path):
    """The done criterion of issue 15, on the real program: 100 services, the comment below 60,000 characters."""
    from preflight.bench import synthetic_services

    out = tmp_path / "comment.md"
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = cli.main(["--stack", "prod", "--set", f"services={synthetic_services(100)}",
                         "--output", f"markdown={out}", "--output", f"sarif={tmp_path / 'r.sarif'}"])
    assert code in (0, 1), err.getvalue()
    text = out.read_text()
    assert len(text) <= markdown.LIMIT, len(text)
    assert "monthly cost" in text and "top cost drivers" in text
    assert sarif_errors((tmp_path / "r.sarif").read_text()) == []


def test_progress_goes_to_stderr_only_on_a_terminal():
    from preflight.progress import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty, pipe = Terminal(), io.StringIO()
    for stream in (tty, pipe):
        progress = Progress(stream=stream)
        with progress.step("prod: program under mocks"):
            pass
    lines = tty.getvalue().splitlines()
    assert lines[0] == "preflight: prod: program under mocks ..."
    assert lines[1].startswith("preflight: prod: program under mocks: ") and lines[1].endswith(" s")
    assert pipe.getvalue() == ""


def test_github_annotations_point_at_the_source_and_are_capped(big_run):
    lines = formats.render("github", big_run).splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    warnings = [line for line in lines if line.startswith("::warning ")]
    assert len(errors) == 10 and len(warnings) == 10 and lines[-1].startswith("::notice title=preflight::")
    assert errors[0].startswith("::error file=Pulumi.prod.yaml,line=1,title=schema (prod)::the stack: multiAz")
    db = next(line for line in errors if "title=policy-00 (prod)" in line)
    assert db.startswith("::error file=components/data/data.py,line=42,title=policy-00 (prod)::db-")
    escaped = formats.render("github", run_document([synthetic_result("prod", 1, 0)], 1)).splitlines()
    cap = next(line for line in escaped if "monthly-budget-cap" in line)
    assert cap.startswith("::error file=Pulumi.prod.yaml,line=1,title=monthly-budget-cap (prod)::the stack: ")


def test_text_lists_mandatory_findings_in_full_and_groups_the_rest_by_policy():
    result = synthetic_result("prod", 10, 30)
    run = run_document([result], 1, {})
    text = formats.render("text", run)
    advisory = [v for v in result["violations"] if v["level"] == "advisory"]
    by_policy = {}
    for v in advisory:
        by_policy.setdefault(v["policy"], []).append(v)
    lines = text.splitlines()
    for policy, found in by_policy.items():
        (line,) = [ln for ln in lines if ln.startswith(f"  [advisory] {policy} x")]
        assert line.startswith(f"  [advisory] {policy} x{len(found)}: ")
    mandatory = [v for v in result["violations"] if v["level"] == "mandatory"]
    assert sum(1 for ln in lines if ln.startswith("  [mandatory] ")) == len(mandatory)  # each in full
    verbose = formats.render("text", run, verbose=True)
    assert sum(1 for ln in verbose.splitlines() if ln.startswith("  [advisory] ")) == len(advisory)


def test_sarif_with_a_waived_finding_still_validates(big_run):
    run = json.loads(json.dumps(big_run))
    v = run["stacks"][0]["violations"][0]
    v.update(level="advisory", waived={"waiver": "waiver #1 of policies/waivers/prod.yaml", "reason": "moving soon",
                                       "owner": "data-team", "expires": "2027-01-15", "level": "mandatory"})
    assert sarif_errors(formats.render("sarif", run)) == []


def test_quiet_prints_only_the_verdicts_and_refuses_verbose():
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["--stack", "dev", "--quiet"])
    assert code == 0 and out.getvalue() == "preflight: stack dev: passed\n" and err.getvalue() == ""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err := io.StringIO()):
        assert cli.main(["--stack", "dev", "--quiet", "--verbose"]) == 2
    assert "--quiet" in err.getvalue()


@pytest.mark.parametrize("width", [80, 120])
def test_text_fits_a_terminal_of_80_or_120_columns(width):
    run = run_document([synthetic_result("prod", 10, 30, message_chars=300)], 1, {})
    lines = formats.render("text", run, width=width).splitlines()
    assert max(map(len, lines)) <= width
    unwrapped = formats.render("text", run).splitlines()  # not a terminal: lines as they are
    assert max(map(len, unwrapped)) > width
