"""preflight/profiler.py: the profiling recipe of docs/preflight.md runs and shows the parts it names."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _profile(*args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "preflight.profiler", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def test_the_mock_part_profiles_the_program_run():
    out = _profile("--stack", "dev", "--part", "mock", "--top", "400", "--sort", "cumulative")
    assert "function calls" in out
    assert "(_run_here)" in out and "(build_platform)" in out     # the run and the program under it


def test_the_pack_part_profiles_analyze_and_analyze_stack():
    out = _profile("--stack", "dev", "--part", "pack", "--top", "60", "--sort", "cumulative")
    # the pack's own methods (platform_policies.one_conversion), as its entry point installs them
    assert "one_conversion.py:" in out and "(analyze)" in out and "(analyze_stack)" in out
