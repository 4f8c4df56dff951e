"""preflight/plancache.py: a cached plan is served only when nothing it depends on changed.

Every input class of the key is changed once and must give a new key (a fresh run); putting
it back must give the old key again (the cache is not invalidated by noise).  The end-to-end
tests run the CLI: a second run of an unchanged stack is served from the cache and prints the
same bytes as a fresh run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import preflight.program as program
from preflight import plancache

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv(plancache.CACHE_ENV, str(where))
    return where


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of what the program reads: the program, its components, project and stack files."""
    root = tmp_path / "project"
    root.mkdir()
    for name in ("__main__.py", "Pulumi.yaml", "Pulumi.prod.yaml", "Pulumi.dev.yaml", "requirements.txt"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "components", root / "components", ignore=shutil.ignore_patterns("__pycache__"))
    return root


def _edit(path: Path, extra: str = "\n# edited\n") -> str:
    before = path.read_text()
    path.write_text(before + extra)
    return before


# --------------------------------------------------------------------------- the plan key
@pytest.mark.parametrize("relative", ["__main__.py", "Pulumi.yaml", "Pulumi.prod.yaml", "requirements.txt",
                                      "components/compute/autoscaling.py", "components/config/settings.py"])
def test_each_program_input_file_changes_the_plan_key(project, relative):
    before = plancache.plan_key(project, "prod", [], False)
    original = _edit(project / relative)
    assert plancache.plan_key(project, "prod", [], False) != before, relative
    (project / relative).write_text(original)
    assert plancache.plan_key(project, "prod", [], False) == before


def test_a_new_component_file_changes_the_plan_key_and_another_stack_file_does_not(project):
    before = plancache.plan_key(project, "prod", [], False)
    (project / "components" / "compute" / "extra.py").write_text("X = 1\n")
    assert plancache.plan_key(project, "prod", [], False) != before
    (project / "components" / "compute" / "extra.py").unlink()
    _edit(project / "Pulumi.dev.yaml")   # dev's file is not prod's input
    assert plancache.plan_key(project, "prod", [], False) == before
    (project / "components" / "compute" / "__pycache__").mkdir(exist_ok=True)
    (project / "components" / "compute" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    assert plancache.plan_key(project, "prod", [], False) == before   # bytecode is not source


def test_set_values_stack_and_preview_change_the_plan_key(project):
    base = plancache.plan_key(project, "prod", [], False)
    keys = {base,
            plancache.plan_key(project, "dev", [], False),
            plancache.plan_key(project, "prod", ["azCount=2"], False),
            plancache.plan_key(project, "prod", ["azCount=3"], False),
            plancache.plan_key(project, "prod", [], True)}
    assert len(keys) == 5


def test_sdk_versions_python_and_recorder_sources_change_the_plan_key(project, monkeypatch, tmp_path):
    base = plancache.plan_key(project, "prod", [], False)
    real = plancache.installed_versions
    monkeypatch.setattr(plancache, "installed_versions",
                        lambda names: {**real(names), "pulumi-aws": "0.0.0-other"})
    assert plancache.plan_key(project, "prod", [], False) != base
    monkeypatch.setattr(plancache, "installed_versions", real)
    monkeypatch.setattr(plancache.sys, "version", "3.99.0 (another interpreter)")
    assert plancache.plan_key(project, "prod", [], False) != base
    monkeypatch.undo()
    # preflight's recorder (the mocks here): a copy of preflight with one file edited.
    fake_root = tmp_path / "tool"
    shutil.copytree(ROOT / "preflight", fake_root / "preflight", ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(plancache, "ROOT", fake_root)
    same = plancache.plan_key(project, "prod", [], False)
    assert same == base
    _edit(fake_root / "preflight" / "mocks.py")
    assert plancache.plan_key(project, "prod", [], False) != base


# --------------------------------------------------------------------------- storage
def test_entries_round_trip_and_an_unreadable_one_is_a_miss_and_removed(cache):
    plancache.store("k1", {"resources": [1, 2]})
    assert plancache.load("k1") == {"resources": [1, 2]}
    assert plancache.load("k2") is None
    (cache / "plan-k1.json").write_text('{"key": "k1", "value": ')   # cut short
    assert plancache.load("k1") is None and not (cache / "plan-k1.json").exists()
    (cache / "plan-k3.json").write_text(json.dumps({"key": "other", "value": {}}))   # renamed by hand
    assert plancache.load("k3") is None and not (cache / "plan-k3.json").exists()


def test_the_cache_keeps_the_newest_entries_and_can_be_turned_off(cache, monkeypatch):
    monkeypatch.setattr(plancache, "MAX_ENTRIES", 3)
    for i in range(5):
        plancache.store(f"k{i}", {"i": i})
        os.utime(cache / f"plan-k{i}.json", (1_000_000 + i, 1_000_000 + i))
    plancache.store("k5", {"i": 5})
    assert sorted(p.name for p in cache.glob("plan-*.json")) == ["plan-k3.json", "plan-k4.json", "plan-k5.json"]
    monkeypatch.setenv(plancache.CACHE_ENV, "off")
    assert plancache.cache_dir() is None and plancache.load("k5") is None
    plancache.store("k6", {"i": 6})
    assert not (cache / "plan-k6.json").exists()


def test_recorded_plan_runs_the_program_only_on_a_miss(project, cache, monkeypatch):
    runs: list[tuple] = []

    def fake_record(stack, overrides=None, root=None, *, preview=False, on_record=None, validated=None):
        runs.append((stack, tuple(overrides or ()), preview))
        if on_record is not None:
            on_record({"urn": "u"})
        return {"stack": stack, "resources": [], "run": len(runs)}

    started: list[int] = []
    streamed: list[dict] = []

    def before_run(n: int):
        started.append(n)
        return streamed.append   # gets each record of the run

    monkeypatch.setattr(program, "record_plan", fake_record)
    first, hit1 = program.recorded_plan("prod", [], project, before_run=lambda: before_run(1))
    second, hit2 = program.recorded_plan("prod", [], project, before_run=lambda: before_run(2))
    assert (hit1, hit2) == (False, True) and first == second and len(runs) == 1 and started == [1]
    assert streamed == [{"urn": "u"}]
    _edit(project / "components" / "data" / "database.py")
    third, hit3 = program.recorded_plan("prod", [], project)
    assert not hit3 and third["run"] == 2
    program.recorded_plan("prod", ["azCount=2"], project)
    program.recorded_plan("prod", [], project, use_cache=False)
    assert len(runs) == 4


def test_a_copied_project_runs_its_own_components_not_the_installed_ones(project):
    """The program runs with the project folder as working directory, as Pulumi runs it: the copy's
    ``components`` is imported, so the cache tests above judge the copy they edit."""
    (project / "__main__.py").write_text("import pulumi\nimport components\n\n"
                                         "pulumi.export('components', components.__file__)\n")
    plan = program.record_plan("prod", [], project)
    assert Path(plan["outputs"]["components"]).parent == project / "components"


# --------------------------------------------------------------------------- end to end
def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "preflight", *args], capture_output=True, text=True,
                          cwd=str(ROOT), env=env, timeout=300)


@pytest.mark.heavy
def test_an_unchanged_stack_is_served_from_the_cache_with_the_same_report_bytes(tmp_path):
    env = {**os.environ, plancache.CACHE_ENV: str(tmp_path / "cache"), "PYTHONHASHSEED": "1"}
    fresh = _cli("--stack", "dev", "--json", str(tmp_path / "fresh.json"), env=env)
    assert fresh.returncode == 0, fresh.stderr
    assert "plan cache" not in fresh.stderr
    env["PYTHONHASHSEED"] = "2"   # another hash seed: set and dict orders must not leak into the report
    again = _cli("--stack", "dev", "--json", str(tmp_path / "again.json"), env=env)
    assert again.returncode == 0 and "plan from the plan cache" in again.stderr, again.stderr
    forced = _cli("--stack", "dev", "--no-cache", "--json", str(tmp_path / "forced.json"), env=env)
    assert forced.returncode == 0 and "plan cache" not in forced.stderr
    assert fresh.stdout == again.stdout == forced.stdout
    fresh_json = (tmp_path / "fresh.json").read_bytes()
    assert fresh_json == (tmp_path / "again.json").read_bytes() == (tmp_path / "forced.json").read_bytes()


def test_a_cache_folder_that_is_a_file_is_reported_and_never_crashes_a_read_or_write(tmp_path, monkeypatch):
    blocker = tmp_path / "cache"
    blocker.write_text("a file")
    monkeypatch.setenv(plancache.CACHE_ENV, str(blocker))
    assert "is not a directory" in plancache.cache_dir_problem()   # the CLI's exit 2
    assert plancache.load("k") is None                              # and a library caller gets misses
    plancache.store("k", {"resources": []})
    assert blocker.read_text() == "a file"
    monkeypatch.setenv(plancache.CACHE_ENV, str(tmp_path / "new" / "folder"))
    assert plancache.cache_dir_problem() is None                    # made when first written
