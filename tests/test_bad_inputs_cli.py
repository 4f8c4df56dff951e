"""Malformed input never crashes preflight: a table of bad inputs and the exit contract for each.

Families: command-line flags, plan files, policy config files, output paths.
(Stack YAML, settings keys and --set values have a table of their own.)
Each case asserts: exit code 2, a message that names the input and says what is
allowed, at most MAX_CHARS characters, and no traceback.  Every case fails before
a mock run or a pack starts, so the table runs in-process in seconds; a few cases
go through the real entry point (``python -m preflight``) at the end, with exit 3
for a genuine internal error (the traceback only with --debug).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from conftest import ROOT
from preflight import cli, planfile, program

MAX_CHARS = 2200
PROJECT = "microservices-platform"
STACK_URN = f"urn:pulumi:prod::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-prod"


def urn(name: str, type_: str = "aws:s3/bucketV2:BucketV2", stack: str = "prod") -> str:
    return f"urn:pulumi:{stack}::{PROJECT}::{type_}::{name}"


def resource(name: str, type_: str = "aws:s3/bucketV2:BucketV2", **extra: Any) -> dict[str, Any]:
    return {"urn": urn(name, type_), "type": type_, "name": name, "parent": STACK_URN, "inputs": {}, **extra}


def plan(*resources: dict[str, Any], **top: Any) -> dict[str, Any]:
    stack = {"urn": STACK_URN, "type": "pulumi:pulumi:Stack", "name": f"{PROJECT}-prod", "parent": None, "inputs": {}}
    return {"stack": "prod", "project": PROJECT, "resources": [stack, *resources], **top}


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return code, out.getvalue(), err.getvalue()


def assert_contract(code: int, err: str, names: tuple[str, ...], expected: int = 2) -> None:
    assert code == expected, err
    assert "Traceback" not in err, err
    assert len(err) <= MAX_CHARS, len(err)
    assert "allowed" in err, err            # what would be accepted
    for name in names:                       # the input the message is about
        assert name in err, (name, err)


# --------------------------------------------------------------------------- flags
FLAG_CASES: list[tuple[str, list[str], tuple[str, ...]]] = [
    ("unknown flag", ["--no-such-flag"], ("--no-such-flag",)),
    ("misspelt flag", ["--stak", "prod"], ("--stak",)),
    ("wrong case flag", ["--Stack", "prod"], ("--Stack",)),
    ("short unknown flag", ["-x"], ("-x",)),
    ("unknown cost flag", ["cost", "--frobnicate"], ("--frobnicate",)),
    ("positional junk", ["check", "prod"], ("prod",)),
    ("flag without value", ["--stack"], ("--stack",)),
    ("json without value", ["--json"], ("--json",)),
    ("stack that does not exist", ["--stack", "qa"], ("--stack", "Pulumi.qa.yaml", "prod, dev")),
    ("stack in upper case", ["--stack", "PROD"], ("--stack", "PROD")),
    ("stack with a space", ["--stack", "prod "], ("--stack",)),
    ("stack path traversal", ["--stack", "../prod"], ("--stack", "not a stack name")),
    ("stack with slash", ["--stack", "prod/dev"], ("--stack",)),
    ("empty stack", ["--stack", ""], ("--stack", "empty")),
    ("blank stack", ["--stack", "  "], ("--stack",)),
    ("huge stack name", ["--stack", "p" * 5000], ("--stack",)),
    ("stack twice", ["--stack", "prod", "--stack", "prod"], ("--stack", "twice")),
    ("empty --set", ["--set", ""], ("--set", "KEY=VALUE")),
    ("--set without =", ["--set", "azCount"], ("--set", "KEY=VALUE")),
    ("--set with empty key", ["--set", "=3"], ("--set",)),
    ("format xml", ["--format", "xml"], ("--format", "xml")),
    ("format empty", ["--format", ""], ("--format",)),
    ("format upper case", ["--format", "SARIF"], ("--format",)),
    ("format list", ["--format", "text,json"], ("--format",)),
    ("format twice", ["--format", "json", "--format", "text"], ("--format", "twice")),
    ("json twice", ["--json", "a.json", "--json", "b.json"], ("--json", "twice")),
    ("plan twice", ["check", "--plan", "a.json", "--plan", "b.json"], ("--plan", "twice")),
    ("policy config twice", ["--policy-config", "a", "--policy-config", "b"], ("--policy-config", "twice")),
    ("output without =", ["--output", "sarif"], ("--output", "FORMAT=FILE")),
    ("output unknown format", ["--output", "xml=out.xml"], ("--output", "sarif")),
    ("output empty", ["--output", ""], ("--output",)),
    ("output empty file", ["--stack", "prod", "--output", "sarif="], ("--output sarif", "empty")),
    ("empty json path", ["--stack", "prod", "--json", ""], ("--json", "empty")),
    ("empty policy config path", ["--stack", "prod", "--policy-config", ""], ("--policy-config", "empty")),
    ("empty plan path", ["check", "--plan", ""], ("--plan", "empty")),
    ("pack venv missing", ["--stack", "prod", "--pack-venv", "/nonexistent/venv"], ("--pack-venv",)),
    ("cost format html", ["cost", "--format", "html"], ("--format", "html")),
    ("cost unknown stack", ["cost", "--stack", "qa"], ("--stack", "qa")),
    ("cost empty stack", ["cost", "--stack", ""], ("--stack", "empty")),
    ("cost stack twice", ["cost", "--stack", "prod", "--stack", "dev"], ("--stack", "twice")),
    ("cost against empty", ["cost", "--plan", "x.json", "--against", ""], ("--plan",)),
    ("cost stack against empty", ["cost", "--stack", "prod", "--against", ""], ("--against", "empty value")),
    ("pack venv empty", ["--stack", "prod", "--pack-venv", ""], ("--pack-venv", "empty value")),
    ("diff base empty", ["diff", "--stack", "dev", "--base", ""], ("--base", "empty value")),
    ("diff unknown ref", ["diff", "--stack", "dev", "--base", "no-such-branch-here"], ("--base", "names no commit")),
    ("diff output format", ["diff", "--stack", "dev", "--output", "pdf=x.pdf"], ("--output",)),
    ("same key set twice", ["--stack", "prod", "--set", "azCount=2", "--set", "azCount=3"],
     ("--set", "'azCount' is set twice", "'azCount=2'", "'azCount=3'", "each key once")),
    ("same key with and without the project", ["--stack", "prod", "--set", "azCount=2", "--set",
                                              "microservices-platform:azCount=3"], ("--set", "set twice")),
    ("progress and no-progress", ["--stack", "prod", "--progress", "--no-progress"],
     ("--no-progress", "given twice", "one of --progress, --no-progress")),
    ("cost same key set twice", ["cost", "--stack", "dev", "--set", "schedule.days=MON-FRI", "--set",
                                 "schedule.days=MON-THU"], ("--set", "'schedule.days' is set twice")),
]


@pytest.mark.parametrize("argv,names", [c[1:] for c in FLAG_CASES], ids=[c[0] for c in FLAG_CASES])
def test_bad_flags(argv, names):
    code, out, err = run(argv)
    assert_contract(code, err, names)
    assert out == ""


def test_conflicting_flags_with_a_saved_plan(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan(resource("bucket"))))
    cases = [
        (["check", "--plan", str(path), "--set", "azCount=3"], ("--set", "--plan")),
        (["check", "--plan", str(path), "--stack", "prod", "--stack", "dev"], ("--stack", "--plan")),
        (["check", "--plan", str(path), "--stack", "dev"], ("--stack", "'prod'")),
        (["check", "--plan", str(path), "--preview"], ("--preview", "cannot apply to --plan")),
        (["cost", "--plan", str(path), "--set", "azCount=3"], ("--set", "--plan")),
        # cost refuses a stack mismatch as check does (the plan would be held to the other stack's cap)
        (["cost", "--plan", str(path), "--stack", "dev"], ("--stack", "'dev' differs from the plan's stack 'prod'")),
    ]
    for argv, names in cases:
        code, _, err = run(argv)
        assert_contract(code, err, names)


# --------------------------------------------------------------------------- plan files
def _deep(levels: int) -> dict[str, Any]:
    node: dict[str, Any] = {}
    root = node
    for _ in range(levels):
        node["x"] = {}
        node = node["x"]
    return root


def _plan_cases() -> list[tuple[str, Callable[[Path], str | bytes], tuple[str, ...]]]:
    a, b, c = (resource(n) for n in ("a", "b", "c"))
    cases: list[tuple[str, Any, tuple[str, ...]]] = [
        ("not json", "{not json", ("is not valid JSON",)),
        ("empty file", "", ("is empty",)),
        ("blank file", "  \n\t ", ("is empty",)),
        ("binary", b"\x00\xff\xfe\x01", ("not UTF-8",)),
        ("truncated", '{"resources": [', ("is not valid JSON",)),
        ("python quotes", "{'resources': []}", ("is not valid JSON",)),
        ("two documents", "{} {}", ("is not valid JSON",)),
        ("bare NaN", "NaN", ("NaN is not JSON",)),
        ("a list", "[]", ("the document is list",)),
        ("a string", '"plan"', ("the document is str",)),
        ("a number", "42", ("the document is int",)),
        ("null", "null", ("the document is NoneType",)),
        ("true", "true", ("the document is bool",)),
        ("no resources", "{}", ("'resources'",)),
        ("resources null", {"resources": None}, ("'resources'",)),
        ("resources empty", {"stack": "prod", "resources": []}, ("'resources' is empty",)),
        ("resources object", {"resources": {}}, ("'resources' is dict",)),
        ("resources string", {"resources": "a,b"}, ("'resources' is str",)),
        ("resources number", {"resources": 5}, ("'resources' is int",)),
        ("resource is a number", {"resources": [1]}, ("resources[0]", "an object")),
        ("resource is a string", {"resources": ["urn:pulumi:x"]}, ("resources[0]",)),
        ("resource is null", {"resources": [None]}, ("resources[0]",)),
        ("resource is a list", {"resources": [[]]}, ("resources[0]",)),
        ("missing urn", plan({"type": "aws:s3/bucketV2:BucketV2", "name": "a"}), ("resources[1].urn",)),
        ("empty urn", plan({**a, "urn": ""}), ("resources[1].urn",)),
        ("urn not a string", plan({**a, "urn": 5}), ("resources[1].urn",)),
        ("urn malformed", plan({**a, "urn": "arn:aws:s3:::a"}), ("not a Pulumi URN",)),
        ("missing type", plan({k: v for k, v in a.items() if k != "type"}), (".type", "BucketV2")),
        ("type not a string", plan({**a, "type": ["x"]}), (".type",)),
        ("type differs from urn", plan({**a, "type": "aws:rds/instance:Instance"}), (".type", "differs")),
        ("name differs from urn", plan({**a, "name": "z"}), (".name",)),
        ("inputs a list", plan({**a, "inputs": [1]}), (".inputs", "an object")),
        ("protect a string", plan({**a, "protect": "yes"}), (".protect", "true or false")),
        ("dependencies a string", plan({**a, "dependencies": STACK_URN}), (".dependencies",)),
        ("property deps not lists", plan({**a, "propertyDependencies": {"x": STACK_URN}}), (".propertyDependencies",)),
        ("parent a number", plan({**a, "parent": 7}), (".parent",)),
        ("provider a number", plan({**a, "provider": 7}), (".provider",)),
        ("stack a number", plan(a, stack=5), ("stack",)),
        ("stack path traversal", plan(a, stack="../../etc"), ("stack",)),
        ("project with spaces", plan(a, project="my project"), ("project",)),
        ("outputs a list", plan(a, outputs=[1]), ("outputs",)),
        ("duplicate urns", plan(a, dict(a)), ("already used",)),
        ("dangling parent", plan({**a, "parent": urn("ghost")}), ("parent", "ghost", "not in the plan")),
        ("parent cycle of 1", plan({**a, "parent": a["urn"]}), ("parent cycle of 1",)),
        ("parent cycle of 2", plan({**a, "parent": b["urn"]}, {**b, "parent": a["urn"]}), ("parent cycle of 2",)),
        ("parent cycle of 3", plan({**a, "parent": b["urn"]}, {**b, "parent": c["urn"]}, {**c, "parent": a["urn"]}),
         ("parent cycle of 3",)),
        ("dependency on unknown urn", plan({**a, "dependencies": [urn("ghost")]}), ("depends on", "ghost")),
        ("property dependency unknown", plan({**a, "propertyDependencies": {"bucket": [urn("ghost")]}}),
         ("property", "ghost")),
        ("provider unknown", plan({**a, "provider": urn("p", "pulumi:providers:aws") + "::id"}), ("provider",)),
        ("deep inputs", plan({**a, "inputs": _deep(60)}), ("nested more than",)),
        # The engine's gRPC unmarshaling fails on these ("Invalid secret encountered"): exit 2, not 3.
        ("secret marker without value", plan({**a, "inputs": {"authToken": {planfile.SIG_KEY: planfile.SECRET_SIG}}}),
         (".inputs.authToken", "a secret marker without 'value'")),
        ("secret marker deep in a list", plan({**a, "inputs": {"tags": [{"k": {planfile.SIG_KEY: planfile.SECRET_SIG}}]}}),
         (".inputs.tags[0].k", "a secret marker without 'value'")),
        ("unknown signature", plan({**a, "inputs": {"x": {planfile.SIG_KEY: "abc"}}}),
         (".inputs.x", "signature 'abc' is none the engine knows")),
        ("deep document", "[" * 100_000 + "]" * 100_000, ("nested",)),
        ("NaN in inputs", '{"resources": [{"urn": "x", "inputs": {"n": NaN}}]}', ("NaN is not JSON",)),
        ("Infinity in inputs", '{"resources": [], "x": Infinity}', ("Infinity is not JSON",)),
        ("overflowing number", '{"resources": [], "x": 1e999}', ("not finite",)),
        ("huge integer", '{"resources": [], "x": ' + "9" * 5000 + "}", ("cannot be read",)),
        ("duplicate keys", '{"resources": [], "resources": []}', ("appears twice",)),
        # A prod plan relabelled would be held to another stack's policy config and cap.
        ("stack relabelled", plan(a, stack="dev"), ("stack: 'dev' differs from the stack of the plan's URNs ('prod')",)),
        ("project relabelled", plan(a, project="other"), ("project: 'other' differs",)),
        ("urns of two stacks", plan(a, {**b, "urn": urn("b", stack="dev")}), ("the URNs name 2 stacks",)),
        ("no stack anywhere", {k: v for k, v in plan(a).items() if k != "stack"}, ("names no stack", "--stack")),
    ]
    return cases


PLAN_CASES = _plan_cases()


@pytest.mark.parametrize("content,names", [c[1:] for c in PLAN_CASES], ids=[c[0] for c in PLAN_CASES])
def test_bad_plan_files(tmp_path, content, names):
    path = tmp_path / "plan.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content))
    for argv in (["check", "--plan", str(path)], ["cost", "--plan", str(path)]):
        code, out, err = run(argv)
        if names == ("names no stack", "--stack") and argv[0] == "cost":
            continue   # cost prices a plan without a stack (no cap); only check needs the stack's policy config
        assert_contract(code, err, (str(path),) + names)
        assert out == ""


def test_cost_refuses_a_plan_whose_inputs_the_schema_refuses(tmp_path):
    """Priced as it was, allocatedStorage "lots" cost $0 and passed; `check --plan` calls it a schema violation."""
    path = tmp_path / "plan.json"
    db = resource("db", "aws:rds/instance:Instance", inputs={"allocatedStorage": "lots", "instanceClass": "db.t4g.micro"})
    path.write_text(json.dumps(plan(db)))
    code, out, err = run(["cost", "--plan", str(path)])
    assert_contract(code, err, (str(path), "cannot be priced", "allocatedStorage", "lots"))
    assert out == ""
    path.write_text(json.dumps(plan({**db, "inputs": {**db["inputs"], "allocatedStorage": 20}})))
    assert run(["cost", "--plan", str(path)])[0] == 0


def test_a_write_that_fails_after_the_run_is_exit_2_naming_the_file(tmp_path, monkeypatch):
    """The path passed the check before the run, then the disk filled (as --output sarif=/dev/full does)."""
    import errno

    from preflight import exits, report_files

    def full(self, text):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Path, "write_text", full)
    target = report_files.Target("--output sarif", "sarif", str(tmp_path / "report.sarif"))
    with pytest.raises(exits.InputError) as caught:
        report_files.write(target, "{}")
    assert "--output sarif" in caught.value.text() and "report.sarif" in caught.value.text()
    assert os.strerror(errno.ENOSPC) in caught.value.text() and "allowed" in caught.value.text()


def test_a_secret_marker_with_its_value_is_a_valid_plan():
    secret = {planfile.SIG_KEY: planfile.SECRET_SIG, "value": "s3cr3t-token"}
    doc = plan(resource("bucket", inputs={"authToken": secret, "list": [secret]}))
    assert planfile.validate_plan(doc, "--plan x") is doc


def test_plan_file_that_is_huge_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.json"
    with open(path, "wb") as f:   # sparse: costs no disk, but stat says 1 GiB more than allowed
        f.truncate(planfile.MAX_PLAN_BYTES + 1024 ** 3)
    code, _, err = run(["check", "--plan", str(path)])
    assert_contract(code, err, (str(path), "bytes", "at most"))


def test_plan_file_missing_or_a_directory(tmp_path):
    for path, says in ((tmp_path / "nope.json", "no such file"), (tmp_path, "is a directory")):
        code, _, err = run(["check", "--plan", str(path)])
        assert_contract(code, err, (str(path), says))


def test_messages_for_many_bad_resources_stay_bounded(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan(*[{**resource(f"r{i}"), "parent": urn(f"ghost-{i}" * 20)} for i in range(500)])))
    code, _, err = run(["check", "--plan", str(path)])
    assert_contract(code, err, ("more",))
    assert err.count("\n") <= 25


# --------------------------------------------------------------------------- policy config
POLICY_CASES: list[tuple[str, Any, tuple[str, ...]]] = [
    ("not json", "{rds-multi-az: mandatory}", ("is not valid JSON",)),
    ("empty file", "", ("is empty",)),
    ("NaN option", '{"monthly-budget-cap": {"maxMonthlyUsd": NaN}}', ("NaN is not JSON",)),
    ("duplicate policy key", '{"rds-multi-az": "advisory", "rds-multi-az": "mandatory"}', ("appears twice",)),
    ("a list", [], ("the document is list",)),
    ("a string", '"mandatory"', ("the document is str",)),
    ("a number", 1, ("the document is int",)),
    ("null", None, ("the document is NoneType",)),
    ("unknown policy", {"rds-multi-azz": "mandatory"}, ("'rds-multi-azz'", "did you mean rds-multi-az")),
    ("unknown policy upper case", {"RDS-MULTI-AZ": "mandatory"}, ("'RDS-MULTI-AZ'", "not a policy")),
    ("empty policy name", {"": "mandatory"}, ("''", "not a policy")),
    ("'all' with a space", {"all ": "mandatory"}, ("'all '", "not a policy")),
    ("unknown option", {"rds-multi-az": {"minAzs": 2}}, ("rds-multi-az.minAzs", "no options")),
    ("option in wrong case", {"msk-multi-az": {"minAZs": 3}}, ("msk-multi-az.minAZs", "minAzs")),
    ("option misspelt", {"monthly-budget-cap": {"maxMonthlyUSD": 1}}, ("maxMonthlyUSD", "maxMonthlyUsd")),
    ("integer as string", {"msk-multi-az": {"minAzs": "3"}}, ("msk-multi-az.minAzs", "integer")),
    ("integer as bool", {"msk-multi-az": {"minAzs": True}}, ("msk-multi-az.minAzs", "integer")),
    ("integer as fraction", {"msk-multi-az": {"minAzs": 2.5}}, ("msk-multi-az.minAzs", "integer")),
    ("integer below minimum", {"msk-multi-az": {"minAzs": 0}}, ("msk-multi-az.minAzs", "minimum 1")),
    ("number as string", {"monthly-budget-cap": {"maxMonthlyUsd": "lots"}}, ("maxMonthlyUsd", "number")),
    ("number null", {"monthly-budget-cap": {"maxMonthlyUsd": None}}, ("maxMonthlyUsd", "number")),
    ("negative cap", {"monthly-budget-cap": {"maxMonthlyUsd": -5}}, ("maxMonthlyUsd", "minimum 0")),
    ("percent above 100", {"monthly-budget-warn": {"warnAtPercent": 150}}, ("warnAtPercent", "maximum 100")),
    ("list as string", {"required-tags": {"requiredTags": "service"}}, ("requiredTags", "array")),
    ("list item wrong type", {"allowed-fargate-task-sizes": {"allowedCpu": [256, "512"]}}, ("allowedCpu.1", "integer")),
    ("list as object", {"no-open-ingress": {"allowedPublicPorts": {}}}, ("allowedPublicPorts", "array")),
    ("bool as string", {"stateful-resource-protection": {"requireProtect": "no"}}, ("requireProtect", "boolean")),
    ("object as list", {"monthly-budget-cap": {"usage": []}}, ("usage", "object")),
    ("level unknown", {"rds-multi-az": "sometimes"}, ("rds-multi-az", "'sometimes'", "mandatory")),
    ("level capitalised", {"rds-multi-az": "Mandatory"}, ("rds-multi-az", "'Mandatory'")),
    ("level empty", {"rds-multi-az": ""}, ("rds-multi-az", "advisory")),
    ("level in object unknown", {"rds-multi-az": {"enforcementLevel": "x"}}, ("rds-multi-az.enforcementLevel",)),
    ("level in object a number", {"rds-multi-az": {"enforcementLevel": 1}}, ("rds-multi-az.enforcementLevel",)),
    ("level in object null", {"rds-multi-az": {"enforcementLevel": None}}, ("rds-multi-az.enforcementLevel",)),
    ("policy value a number", {"rds-multi-az": 3}, ("rds-multi-az", "an enforcement level")),
    ("policy value a list", {"rds-multi-az": ["mandatory"]}, ("rds-multi-az",)),
    ("policy value a bool", {"rds-multi-az": True}, ("rds-multi-az",)),
    ("policy value null", {"rds-multi-az": None}, ("rds-multi-az",)),
    ("all unknown level", {"all": "sometimes"}, ("all", "'sometimes'")),
    ("all a number", {"all": 1}, ("all",)),
    ("all null", {"all": None}, ("all",)),
    ("all a list", {"all": ["mandatory"]}, ("all",)),
    ("all empty object", {"all": {}}, ("all", "names no enforcementLevel")),
    ("all with an option", {"all": {"maxMonthlyUsd": 5}}, ("all.maxMonthlyUsd", "takes no options")),
    ("all level plus option", {"all": {"enforcementLevel": "mandatory", "minAzs": 3}}, ("all.minAzs",)),
    ("all object bad level", {"all": {"enforcementLevel": "x"}}, ("all.enforcementLevel",)),
]


@pytest.mark.parametrize("content,names", [c[1:] for c in POLICY_CASES], ids=[c[0] for c in POLICY_CASES])
def test_bad_policy_config(tmp_path, content, names):
    path = tmp_path / "policy.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    code, out, err = run(["--stack", "prod", "--policy-config", str(path)])
    assert_contract(code, err, ("--policy-config", str(path)) + names)
    assert out == ""


def test_policy_config_missing_huge_or_a_directory(tmp_path):
    huge = tmp_path / "huge.json"
    huge.write_text('{"rds-multi-az": "' + "x" * (2 * 1024 * 1024) + '"}')
    for path, says in ((tmp_path / "nope.json", "no such file"), (tmp_path, "is a directory"),
                       (huge, "at most")):
        code, _, err = run(["--stack", "prod", "--policy-config", str(path)])
        assert_contract(code, err, ("--policy-config", says))


def test_every_problem_of_a_policy_config_is_listed_at_once(tmp_path):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"rds-multi-azz": "mandatory", "msk-multi-az": {"minAzs": "3"}, "all": 1}))
    code, _, err = run(["--stack", "prod", "--policy-config", str(path)])
    assert_contract(code, err, ("rds-multi-azz", "msk-multi-az.minAzs", "all:"))


def test_the_committed_policy_configs_are_valid():
    from preflight.pack_options import load_policy_config

    for stack in ("prod", "dev"):
        assert load_policy_config(ROOT / "policies" / "config" / f"{stack}.json", stack)


# --------------------------------------------------------------------------- output paths
@pytest.fixture
def readonly_dir(tmp_path):
    """A directory this process cannot write to (root ignores mode bits: /sys refuses root too)."""
    if os.geteuid() != 0:
        d = tmp_path / "ro"
        d.mkdir()
        d.chmod(stat.S_IRUSR | stat.S_IXUSR)
        yield d
        d.chmod(stat.S_IRWXU)
        return
    probe = Path("/sys/preflight-probe.json")
    try:
        probe.write_text("x")
    except OSError:
        yield Path("/sys")
        return
    probe.unlink()
    pytest.skip("no read-only directory available to root here")


def _output_cases(tmp: Path, ro: Path) -> list[tuple[str, list[str], tuple[str, ...]]]:
    a_file = tmp / "file.txt"
    a_file.write_text("x")
    return [
        ("json is a directory", ["--stack", "prod", "--json", str(tmp)], ("--json", "is a directory")),
        ("json ends with a slash", ["--stack", "prod", "--json", str(tmp / "new") + "/"], ("--json", "directory")),
        ("sarif is a directory", ["--stack", "prod", "--output", f"sarif={tmp}"], ("--output sarif", "directory")),
        ("junit is a directory", ["--stack", "prod", "--output", f"junit={tmp}"], ("--output junit", "directory")),
        ("markdown is a directory", ["--stack", "prod", "--output", f"markdown={tmp}"], ("--output markdown",)),
        ("json under a regular file", ["--stack", "prod", "--json", str(a_file / "out.json")],
         ("--json", "is a file, not a directory")),
        ("json deep under a regular file", ["--stack", "prod", "--json", str(a_file / "x" / "y" / "out.json")],
         ("--json", "is a file")),
        ("sarif under a regular file", ["--stack", "prod", "--output", f"sarif={a_file / 'o.sarif'}"],
         ("--output sarif", "is a file")),
        ("json in a read-only directory", ["--stack", "prod", "--json", str(ro / "out.json")],
         ("--json", "cannot write")),
        ("json in a missing directory under a read-only one",
         ["--stack", "prod", "--json", str(ro / "missing" / "out.json")], ("--json", "cannot write")),
        ("sarif in a read-only directory", ["--stack", "prod", "--output", f"sarif={ro / 'o.sarif'}"],
         ("--output sarif", "cannot write")),
        ("json without {stack} for two stacks", ["--json", str(tmp / "out.json")], ("--json", "{stack}", "2 stacks")),
        ("json without {stack}, stacks named", ["--stack", "prod", "--stack", "dev", "--json", str(tmp / "o.json")],
         ("--json", "{stack}")),
        ("json {stack} path is a directory", ["--stack", "prod", "--json", str(tmp) + "/{stack}"],
         ("--json", "directory")),
        ("base without {stack} for two stacks", ["--base", str(tmp / "base.json")], ("--base", "{stack}")),
    ]


def test_bad_output_paths(tmp_path, readonly_dir):
    (tmp_path / "prod").mkdir()
    cases = _output_cases(tmp_path, readonly_dir)
    assert len(cases) == 15
    for name, argv, names in cases:
        code, out, err = run(argv)
        assert_contract(code, err, names), name
        assert out == "", name


def test_bad_base_results(tmp_path):
    cases = [("not json", "{", "is not valid JSON"), ("a list", "[]", "neither a preflight result"),
             ("a plan with a cycle", json.dumps(plan({**resource("a"), "parent": urn("a")})), "parent cycle")]
    for name, text, says in cases:
        path = tmp_path / f"{name}.json"
        path.write_text(text)
        code, _, err = run(["--stack", "prod", "--base", str(path)])
        assert_contract(code, err, ("--base", says)), name


def test_output_directories_are_created_and_checked_before_the_run(tmp_path, monkeypatch):
    """A good path in a missing directory is fine (CI writes to a fresh build/); nothing runs before the checks."""
    calls = []
    (tmp_path / "file.txt").write_text("x")
    monkeypatch.setattr(program, "record_plan", lambda *a, **k: calls.append(a) or (_ for _ in ()).throw(AssertionError))
    code, _, err = run(["--stack", "prod", "--json", str(tmp_path / "a" / "b" / "{stack}.json"),
                        "--output", f"sarif={tmp_path / 'file.txt' / 'x.sarif'}"])
    assert code == 2 and not calls, err
    assert (tmp_path / "a" / "b").is_dir()


# --------------------------------------------------------------------------- internal errors: exit 3
def test_internal_error_is_exit_3_with_the_traceback_only_under_debug(tmp_path, monkeypatch):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan(resource("bucket"))))

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug in preflight")

    monkeypatch.setattr("preflight.analyzer.PackRun.finish", broken)
    code, _, err = run(["check", "--plan", str(path)])
    assert code == 3 and "internal error: ZeroDivisionError: a bug in preflight" in err
    assert "Traceback" not in err and "--debug" in err and len(err) < MAX_CHARS
    code, _, err = run(["check", "--plan", str(path), "--debug"])
    assert code == 3 and "Traceback (most recent call last)" in err and "ZeroDivisionError" in err


def test_program_crash_is_exit_3_not_a_violation(monkeypatch):
    def crash(stack, overrides=None, root=None, preview=False, on_record=None, validated=None):
        raise RuntimeError("program run for stack 'prod' failed:\nTraceback (most recent call last):\n  File x\n"
                           "KeyError: 'vpcId'")

    monkeypatch.setattr(program, "record_plan", crash)
    code, out, err = run(["--stack", "prod", "--no-cache"])   # the program runs (no plan from the cache)
    assert code == 3 and "the program crashed under the mocks (stack prod): KeyError: 'vpcId'" in err
    assert "Traceback" not in err and out == ""
    code, _, err = run(["--stack", "prod", "--debug", "--no-cache"])
    assert code == 3 and "Traceback" in err and "KeyError: 'vpcId'" in err


# --------------------------------------------------------------------------- the real entry point
def preflight(*args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "preflight", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def test_real_entry_point_honours_the_contract(tmp_path):
    cyclic = tmp_path / "cyclic.json"
    a, b = resource("a"), resource("b")
    cyclic.write_text(json.dumps(plan({**a, "parent": b["urn"]}, {**b, "parent": a["urn"]})))
    bad_policy = tmp_path / "policy.json"
    bad_policy.write_text(json.dumps({"no-such-policy": "mandatory"}))
    for args, names in [(["--no-such-flag"], ("--no-such-flag",)),
                        (["check", "--plan", str(cyclic)], ("parent cycle of 2",)),   # looped forever before
                        (["--stack", "prod", "--policy-config", str(bad_policy)], ("no-such-policy",)),
                        (["--stack", "prod", "--json", str(tmp_path)], ("is a directory",))]:
        proc = preflight(*args, timeout=60)
        assert_contract(proc.returncode, proc.stderr, names)
        assert proc.stdout == ""


def test_a_pack_that_cannot_start_is_exit_3(tmp_path):
    """A broken pack environment (here: a venv whose python fails) is an internal error, not a pass or a violation."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text("#!/bin/sh\necho 'ModuleNotFoundError: No module named pulumi_policy' >&2\nexit 1\n")
    python.chmod(0o755)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan(resource("bucket"))))
    proc = preflight("check", "--plan", str(path), "--pack-venv", str(venv))
    assert proc.returncode == 3, proc.stderr
    assert "the policy pack failed" in proc.stderr and "Traceback" not in proc.stderr
    assert "ModuleNotFoundError: No module named pulumi_policy" in proc.stderr   # the cause, in one line


def test_stack_config_validator_is_called_before_the_run_and_its_errors_are_exit_2(monkeypatch):
    """The settings stage's one call site: preflight.stackconfig.validated_stack, before any mock run."""
    import preflight.stackconfig as stackconfig

    seen = []

    def validated_stack(root, stack, overrides):
        seen.append((stack, list(overrides)))
        raise stackconfig.ConfigError(["microservices-platform:azCount: got 7; allowed: one of 2, 3"])

    monkeypatch.setattr(stackconfig, "validated_stack", validated_stack)
    monkeypatch.setattr(program, "record_plan", lambda *a, **k: pytest.fail("ran before validating"))
    code, out, err = run(["--stack", "prod", "--set", "azCount=7"])
    assert_contract(code, err, ("stack prod", "azCount", "one of 2, 3"))
    assert seen == [("prod", ["azCount=7"])] and out == ""


def test_a_setting_that_a_mandatory_policy_always_refuses_stops_at_the_settings_stage():
    """tracing=false turns X-Ray off on the API stage; with apigateway-xray mandatory every run would fail, so
    the settings stage says so at once, with both ways out (exit 2, before the mock run)."""
    from preflight import stackconfig
    from preflight.pack_options import setting_conflicts

    code, _, err = run(["check", "--stack", "dev", "--set", "tracing=false"])
    assert code == 2 and "Traceback" not in err, err
    for part in ("tracing=false", "apigateway-xray", "keep tracing=true", "advisory in policies/config/dev.json"):
        assert part in err, (part, err)
    off = stackconfig.validate(ROOT, "dev", ["tracing=false"])
    assert setting_conflicts(off, {}, "c.json")  # the pack's own level is mandatory
    assert setting_conflicts(off, {"apigateway-xray": "advisory"}, "c.json") == []
    assert setting_conflicts(off, {"all": "advisory"}, "c.json") == []
    assert setting_conflicts(stackconfig.validate(ROOT, "dev", []), {}, "c.json") == []


# --------------------------------------------------------------------------- tuning variables
@pytest.mark.parametrize("command", [["--stack", "dev"], ["cost", "--stack", "dev"], ["rehearse", "--stack", "dev"]])
@pytest.mark.parametrize("name,value,expect", [
    ("PREFLIGHT_CACHE_DIR", "FILE", ("PREFLIGHT_CACHE_DIR", "is not a directory", "'off'")),
])
def test_a_bad_tuning_variable_is_exit_2_before_anything_runs(command, name, value, expect, tmp_path, monkeypatch):
    if value == "FILE":
        (tmp_path / "cache").write_text("not a folder")
        value = str(tmp_path / "cache")
    monkeypatch.setenv(name, value)
    monkeypatch.setattr(program, "record_plan", lambda *a, **k: pytest.fail("ran before checking the environment"))
    code, out, err = run(command)
    assert_contract(code, err, expect)
    assert out == ""
