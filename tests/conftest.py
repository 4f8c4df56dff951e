"""Shared fixtures.

- ``settings_for(stack, **overrides)``: the committed stack config parsed into
  Settings, with ``--set``-style overrides (``{"multiAz.database": "false"}``).
- ``run_mocked(build, stack=...)`` (from preflight.harness): run component code
  under the platform mocks and get a Graph of recorded resources (engine
  camelCase inputs, parents, dependencies).
- ``plan_for(stack)``: the recorded plan of the whole program (cached per session);
  ``preview_plan_for(stack)`` the same as a first ``pulumi preview`` sees it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "policies"))

from components.config.settings import Settings, parse_settings  # noqa: E402
from preflight.harness import Graph, run_mocked  # noqa: E402,F401
from preflight.stackconfig import load_stack_config  # noqa: E402


# A stack file in the "own certificate" edge mode, with values a real user could have (no placeholders):
# the base the config tests edit.
QA_STACK_YAML = """config:
  microservices-platform:edge:
    certificateArn: arn:aws:acm:us-east-1:210987654321:certificate/0f3b6c2e-1111-4222-8333-444455556666
    domainName: api.shop-platform.io
"""


def settings_for(stack: str, **overrides: str) -> Settings:
    """Committed config of ``stack`` with ``key=value`` overrides (dots for paths)."""
    config, _ = load_stack_config(ROOT, stack, [f"{k}={v}" for k, v in overrides.items()])
    return parse_settings(config, stack)


@pytest.fixture(scope="session")
def prod_settings() -> Settings:
    return settings_for("prod")


@pytest.fixture(scope="session")
def dev_settings() -> Settings:
    return settings_for("dev")


@pytest.fixture(scope="session", autouse=True)
def _plan_cache_in_a_temporary_folder(tmp_path_factory):
    """preflight's plan cache (preflight/plancache.py) for this session only: tests never write into
    the checkout, and CLI runs of an unchanged stack within the session share recorded plans."""
    import os

    from preflight.plancache import CACHE_ENV

    previous = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(tmp_path_factory.mktemp("plan-cache"))
    yield
    if previous is None:
        os.environ.pop(CACHE_ENV, None)
    else:
        os.environ[CACHE_ENV] = previous


_PLANS: dict[tuple[str, bool], dict] = {}


def plan_for(stack: str, preview: bool = False) -> dict:
    """Whole-program plan for a committed stack (recorded once per test session)."""
    if (stack, preview) not in _PLANS:
        from preflight.program import record_plan

        _PLANS[(stack, preview)] = record_plan(stack, preview=preview)
    return _PLANS[(stack, preview)]


def preview_plan_for(stack: str) -> dict:
    """The committed stack as a first ``pulumi preview`` of a new stack sees it (cached)."""
    return plan_for(stack, preview=True)


@pytest.fixture
def spawned(monkeypatch):
    """Every process preflight.analyzer starts (the pack processes), recorded in order."""
    import subprocess

    import preflight.analyzer as analyzer

    procs: list[subprocess.Popen] = []
    real = subprocess.Popen

    def popen(*a, **kw):
        procs.append(real(*a, **kw))
        return procs[-1]

    monkeypatch.setattr(analyzer.subprocess, "Popen", popen)
    return procs
