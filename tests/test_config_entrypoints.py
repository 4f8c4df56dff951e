"""The real entry points honour the bad-config contract (one case per family), and the program
under the engine refuses a bad config with the same message as preflight.

Subprocess runs: `python -m preflight` (the CLI) for settings and ``--set`` problems, and
`python -m preflight.program` (the child the CLI starts) for a broken stack file in a scratch
project.  Each must exit 2 with a bounded message that names the key and holds no traceback.
"""

from __future__ import annotations

import os
import runpy
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT
from preflight.stackconfig import ConfigError, read_stack_config, validate

MAX_MESSAGE = 2000


def _run(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PULUMI_CONFIG", None)
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=str(cwd), env=env,
                          timeout=300)


def _assert_contract(proc: subprocess.CompletedProcess, key: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    assert key in proc.stderr and "allowed" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert len(proc.stderr) <= MAX_MESSAGE + 200, len(proc.stderr)  # + the CLI's "preflight: stack x:" prefix


def test_cli_refuses_a_bad_setting_before_the_mock_run():
    _assert_contract(_run("-m", "preflight", "--stack", "prod", "--set", "monthlyBudgetUsd=nan"), "monthlyBudgetUsd")


def test_cli_refuses_a_set_into_a_scalar():
    _assert_contract(_run("-m", "preflight", "--stack", "prod", "--set", "edge.domainName.x=1"), "edge.domainName")


def test_program_refuses_a_broken_stack_file(tmp_path):
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    (tmp_path / "Pulumi.qa.yaml").write_text("a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, n in zip("abcdefgh", "bcdefghi")) + "config:\n  microservices-platform:owner: *i\n")
    # The stack file is read and validated once, before the mock run's child starts: the child never sees it.
    from preflight.program import ProgramConfigError, record_plan

    with pytest.raises(ProgramConfigError) as err:
        record_plan("qa", [], root=tmp_path)
    message = str(err.value)
    assert "Pulumi.qa.yaml" in message and "allowed" in message and "Traceback" not in message, message
    assert len(message) <= MAX_MESSAGE, len(message)


def test_the_program_under_the_engine_fails_with_the_same_message():
    """__main__.py raises pulumi.RunError carrying exactly what preflight prints."""
    import pulumi
    from pulumi.runtime.stack import run_in_stack
    from pulumi.runtime.sync_await import _sync_await

    from preflight.harness import start_mocked_runtime
    from preflight.mocks import PlatformMocks

    overrides = ["scaling.cpuTargetPercent=nan", "schedule.timezone=Mars/Olympus"]
    with pytest.raises(ConfigError) as preflight_error:
        validate(ROOT, "prod", overrides)
    sc = read_stack_config(ROOT, "prod", overrides)
    start_mocked_runtime(PlatformMocks(), sc.config, sc.secret_keys, project=sc.project, stack="prod",
                         dry_run=True)
    with pytest.raises(pulumi.RunError) as engine_error:
        _sync_await(run_in_stack(lambda: runpy.run_path(str(ROOT / "__main__.py"), run_name="__main__")))
    assert str(engine_error.value) == str(preflight_error.value)
    assert "scaling.cpuTargetPercent" in str(engine_error.value) and "schedule.timezone" in str(engine_error.value)
