"""The policy pack starts as the engine starts a Python pack: from its own virtualenv, via `-m pulumi.policy`.

And CI builds that environment: the workflow and .ci/run create policies/venv from
policies/requirements.txt and run preflight with it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import preflight.analyzer as analyzer
from conftest import ROOT
from preflight import packenv
from preflight.formats.markdown import MARKER

WORKFLOW = ROOT / ".github" / "workflows" / "infrastructure.yml"


def fake_venv(tmp_path: Path) -> Path:
    """A virtualenv-shaped folder whose python runs this interpreter (and its site-packages)."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    return venv


def test_the_pack_declares_its_virtualenv():
    assert packenv.declared_venv(ROOT / "policies") == "venv"


def test_command_mirrors_pulumi_analyzer_policy_python(tmp_path):
    venv = fake_venv(tmp_path)
    cmd, env = packenv.command(ROOT / "policies", {"PATH": "/usr/bin", "PYTHONHOME": "/x"}, str(venv))
    assert cmd == [str((venv / "bin" / "python").absolute()), "-u", "-m", "pulumi.policy",
                   packenv.ENGINE_ADDRESS_PLACEHOLDER, "."]
    assert env["PATH"].split(os.pathsep)[0] == str((venv / "bin").absolute()) and "PYTHONHOME" not in env


def test_auto_uses_the_declared_venv_when_it_exists_else_this_interpreter(tmp_path):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text("runtime:\n  name: python\n  options:\n    virtualenv: venv\n")
    venv, note = packenv.resolve(pack, "auto")
    assert venv is None and "does not exist" in note and "requirements.txt" in note
    fake_venv(pack)
    venv, note = packenv.resolve(pack, "auto")
    assert venv == pack / "venv" and note == ""
    assert packenv.resolve(pack, "current") == (None, "")
    with pytest.raises(packenv.PackVenvError):
        packenv.resolve(pack, str(tmp_path / "missing"))


def test_run_policy_pack_starts_the_pack_from_the_chosen_venv(tmp_path, monkeypatch):
    venv = fake_venv(tmp_path)
    started: list[list[str]] = []
    real = subprocess.Popen

    def popen(cmd, *a, **kw):
        started.append(list(cmd))
        return real(cmd, *a, **kw)

    monkeypatch.setattr(analyzer.subprocess, "Popen", popen)
    monkeypatch.setenv(packenv.PACK_VENV_ENV, str(venv))
    plan = {"stack": "dev", "project": "microservices-platform", "resources": [
        {"urn": "urn:pulumi:dev::microservices-platform::pulumi:pulumi:Stack::microservices-platform-dev",
         "type": "pulumi:pulumi:Stack", "name": "microservices-platform-dev", "parent": None, "inputs": {}}]}
    result = analyzer.run_policy_pack(plan, ROOT / "policies" / "config" / "dev.json")
    assert len(result["policies"]) > 30
    assert started == [[str((venv / "bin" / "python").absolute()), "-u", "-m", "pulumi.policy",
                        packenv.ENGINE_ADDRESS_PLACEHOLDER, "."]]


def test_ci_and_workflow_build_the_pack_environment_and_publish_the_reports():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 -m venv policies/venv" in ci
    assert "policies/venv/bin/pip install --quiet --disable-pip-version-check -r policies/requirements.txt" in ci
    assert "--pack-venv policies/venv" in ci
    workflow = yaml.safe_load(WORKFLOW.read_text())
    for name, job in workflow["jobs"].items():
        runs = "\n".join(step.get("run", "") for step in job["steps"])
        if "pulumi " in runs or "-m preflight" in runs:
            assert "python -m venv policies/venv" in runs, name
            assert "./policies/venv/bin/pip install -r policies/requirements.txt" in runs, name
        for step in job["steps"]:   # every action pinned to a commit
            if "uses" in step:
                assert len(step["uses"].split("@")[1]) == 40, step["uses"]
    report = workflow["jobs"]["report"]
    uses = [s.get("uses", "") for s in report["steps"]]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    comment = next(s for s in report["steps"] if s.get("name", "").startswith("Post or update the PR comment"))
    assert MARKER in comment["run"] and "PATCH" in comment["run"] and "POST" in comment["run"]
    assert report["permissions"] == {"contents": "read", "security-events": "write", "pull-requests": "write"}
    test_runs = "\n".join(s.get("run", "") for s in workflow["jobs"]["test"]["steps"])
    assert "--output markdown=build/preflight-comment.md" in test_runs and "--base" in test_runs


def test_ci_and_workflow_also_gate_prod_with_every_optional_tier_on():
    """Both run preflight for prod with the same --set values (conftest.FULL_FEATURE_SETS), into report
    files of their own, and a failure of that run fails CI even when the committed stacks' run failed first."""
    import re
    import shlex

    from conftest import FULL_FEATURE_SETS

    def full_feature_command(text: str) -> list[str]:
        commands = [c for c in re.split(r"(?<!\\)\n", text.replace("\\\n", " ")) if "-m preflight" in c
                    and "preflight-full-" in c]
        assert len(commands) == 1, commands
        return shlex.split(commands[0].split("||")[0])

    ci = (ROOT / ".ci" / "run").read_text()
    workflow = yaml.safe_load(WORKFLOW.read_text())
    (step,) = [s for s in workflow["jobs"]["test"]["steps"]
               if "preflight-full-" in s.get("run", "") and "-m preflight" in s.get("run", "")]
    assert step["if"] == "${{ !cancelled() }}"   # runs after a failed committed-stacks step, fails the job itself
    for text in (ci, step["run"]):
        argv = full_feature_command(text)
        sets = tuple(argv[i + 1] for i, a in enumerate(argv) if a == "--set")
        assert sorted(sets) == sorted(FULL_FEATURE_SETS)
        assert argv[argv.index("--stack") + 1] == "prod" and "--pack-venv" in argv
        outputs = [argv[i + 1] for i, a in enumerate(argv) if a in ("--json", "--output")]
        assert all("preflight-full" in o for o in outputs) and len(outputs) >= 4
    # .ci/run keeps both exit codes and exits with the first failure.
    assert "|| committed=$?" in ci and "|| full=$?" in ci
    assert ci.rstrip().endswith("exit $(( committed != 0 ? committed : full ))")
    report = workflow["jobs"]["report"]
    assert any(s.get("with", {}).get("sarif_file") == "build/preflight-full.sarif" for s in report["steps"])
