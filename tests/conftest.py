"""Shared fixtures.

- ``settings_for(stack, **overrides)``: the committed stack config parsed into
  Settings, with ``--set``-style overrides (``{"multiAz.database": "false"}``).
- ``run_mocked(build, stack=...)`` (from preflight.harness): run component code
  under the platform mocks and get a Graph of recorded resources (engine
  camelCase inputs, parents, dependencies).
- ``plan_for(stack)``: the recorded plan of the whole program (cached per session);
  ``preview_plan_for(stack)`` the same as a first ``pulumi preview`` sees it;
  ``shared_plan(stack, overrides)`` any other ``--set`` combination, recorded once per session.
- ``shared_verdict(plan, config)``: the real pack's answer (preflight.analyzer.run_policy_pack over
  gRPC) for a plan the session judges more than once, computed once per session.

The suite runs on pytest-xdist workers (pytest.ini).  Every worker and every CLI run the tests start
share one plan cache (preflight/plancache.py) in the session's temporary folder: a plan is recorded
by the first process that needs it (the others wait for it on a file lock) and read from the cache
by everyone after; shared verdicts are kept beside the plans the same way.  Nothing is written into
the checkout.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

import pytest

from components.config.settings import Settings, parse_settings
from preflight.harness import Graph, run_mocked  # noqa: F401
from preflight.stackconfig import load_stack_config

ROOT = Path(__file__).resolve().parent.parent


# A stack file in the "own certificate" edge mode, with values a real user could have (no placeholders):
# the base the config tests edit.
QA_STACK_YAML = """config:
  microservices-platform:edge:
    certificateArn: arn:aws:acm:us-east-1:210987654321:certificate/0f3b6c2e-1111-4222-8333-444455556666
    domainName: api.shop-platform.io
"""


# prod with every optional tier on, as CI judges it (.ci/run and the workflow pass the same --set values).
FULL_FEATURE_SETS = ("edge.domainName=api.shop-platform.io", "edge.hostedZoneId=Z0123456789ABC",
                     "delivery.repositoryOwner=shop-platform", "alertEmail=ops@shop-platform.io",
                     "loadTest.enabled=true")


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


def _shared_cache_dir(tmp_path_factory) -> Path:
    """The session's plan cache.  On an xdist worker, the folder of the whole test run (the parent of
    the worker's own basetemp, which the controller made), so that all workers share it."""
    import os

    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = tmp_path_factory.getbasetemp().parent / "plan-cache"
        shared.mkdir(exist_ok=True)
        return shared
    return tmp_path_factory.mktemp("plan-cache")


@pytest.fixture(scope="session", autouse=True)
def _plan_cache_in_a_temporary_folder(tmp_path_factory):
    """preflight's plan cache (preflight/plancache.py) for this session only: tests never write into
    the checkout, and CLI runs of an unchanged stack within the session share recorded plans."""
    import os

    from preflight.plancache import CACHE_ENV

    saved = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(_shared_cache_dir(tmp_path_factory))
    yield
    if saved is None:
        os.environ.pop(CACHE_ENV, None)
    else:
        os.environ[CACHE_ENV] = saved


@contextmanager
def _exclusive(*key: object) -> Iterator[None]:
    """Held by one process of the test run at a time for ``key`` (a lock file in the plan cache):
    a second worker wanting the same plan or verdict waits and then reads it from the cache."""
    from preflight.plancache import cache_dir

    base = cache_dir()
    try:
        import fcntl
    except ImportError:   # no POSIX locks: each process computes its own (still correct)
        fcntl = None
    if base is None or fcntl is None:
        yield
        return
    digest = hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()[:32]
    base.mkdir(parents=True, exist_ok=True)
    with open(base / f".lock-{digest}", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


_PLANS: dict[tuple[str, tuple[str, ...], bool], dict] = {}


def shared_plan(stack: str, overrides: Sequence[str] = (), preview: bool = False) -> dict:
    """The whole-program plan of a committed stack with ``--set`` overrides, recorded once per test
    run (preflight.program.recorded_plan through the session's plan cache: the same plan
    ``record_plan`` returns, and the one a CLI run with the same inputs is served).  Shared: copy it
    before changing it."""
    key = (stack, tuple(overrides), bool(preview))
    if key not in _PLANS:
        from preflight.program import recorded_plan

        with _exclusive("plan", *key):
            _PLANS[key], _ = recorded_plan(stack, list(overrides), preview=preview, use_cache=True)
    return _PLANS[key]


def plan_for(stack: str, preview: bool = False) -> dict:
    """Whole-program plan for a committed stack (recorded once per test session)."""
    return shared_plan(stack, (), preview)


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


_VERDICTS: dict[str, dict] = {}


def shared_verdict(plan: dict, config: Path | str | None) -> dict:
    """``run_policy_pack(plan, config)`` - the real pack process over gRPC - computed once per test
    run for the same plan and policy config (a file beside the session's plans, so every xdist
    worker shares it).  For plans several tests judge; tests of the gRPC driver itself call
    run_policy_pack directly.  Shared: copy it before changing it."""
    from preflight.analyzer import run_policy_pack
    from preflight.plancache import cache_dir

    key = hashlib.sha256(json.dumps([plan, str(config), Path(config).read_text() if config else None],
                                    sort_keys=True, default=str).encode()).hexdigest()[:32]
    if key not in _VERDICTS:
        with _exclusive("verdict", key):
            saved = cache_dir() / f"verdict-{key}.json" if cache_dir() is not None else None
            if saved is not None and saved.exists():
                _VERDICTS[key] = json.loads(saved.read_text())
            else:
                _VERDICTS[key] = run_policy_pack(plan, config)
                if saved is not None:
                    saved.write_text(json.dumps(_VERDICTS[key]))
    return _VERDICTS[key]


# ---- scheduling on xdist workers (pytest.ini: -n auto --dist loadgroup --no-loadscope-reorder) ------
#
# Modules whose tests share an expensive per-process result (a module fixture, a table of pack
# verdicts) run whole on one worker, the longest first; then the tests marked ``heavy``; then the
# rest, test by test, in the order of the files.  pytest-xdist's own loadgroup (the xdist_group
# mark) cannot do this under pytest 9.2: it renames nodeids through an attribute pytest 9.2 no
# longer reads, and the controller, which schedules, sees nodeids only.
ONE_WORKER_MODULES = ("test_preview.py", "test_awsx_equivalence.py", "test_preflight.py", "test_stackconfig.py")


@pytest.hookimpl(optionalhook=True)   # a hook of pytest-xdist
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModuleGroups(LoadScopeScheduling):
        """Scopes: a whole module for ONE_WORKER_MODULES, else the test; handed out in the order the
        workers collected them (pytest_collection_modifyitems below)."""

        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return path if path.rsplit("/", 1)[-1] in ONE_WORKER_MODULES else nodeid

    return ModuleGroups(config, log)


def pytest_collection_modifyitems(config, items):
    """On an xdist worker: ONE_WORKER_MODULES in that order, then the tests marked ``heavy`` (a
    whole-program run or a pack run of their own), then the rest - so that no worker is left with a
    long test at the end.  Every worker sorts the same way (xdist requires identical collections)."""
    import os

    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return

    def rank(item) -> tuple[int, int]:
        module = item.path.name
        if module in ONE_WORKER_MODULES:
            return (0, ONE_WORKER_MODULES.index(module))
        return (1, 0) if item.get_closest_marker("heavy") else (2, 0)

    items.sort(key=rank)
