"""Run Python code under the platform mocks in this process and return the graph.

Used by component tests: ``graph = run_mocked(lambda: Database("db", args))``; the
whole-program run (program.py) shares its runtime setup, ``start_mocked_runtime``.
Each call starts from a clean runtime (new monitor, config and root stack), so
tests do not leak resources into each other.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from .mocks import PlatformMocks, RecordingMonitor


def start_mocked_runtime(mocks: Any, config: dict[str, str], secret_keys: list[str], *, project: str, stack: str,
                         dry_run: bool) -> RecordingMonitor:
    """Point the Pulumi runtime at a new RecordingMonitor over ``mocks``, with a clean config, root
    stack and output set; return the monitor (its records fill as the program runs)."""
    from pulumi.runtime import settings as rt_settings
    from pulumi.runtime.config import set_all_config
    from pulumi.runtime.mocks import MockEngine, MockSettings

    monitor = RecordingMonitor(mocks)
    set_all_config(config, secret_keys)
    features = set(monitor.GetDeploymentInfo(None).supportedFeatures)
    rt_settings.configure(MockSettings(
        monitor=monitor, monitor_features=features, engine=MockEngine(None), project=project,
        stack=stack, dry_run=dry_run, organization="organization", callbacks=None))
    rt_settings.set_root_resource(None)  # type: ignore[arg-type]
    rt_settings.SETTINGS.rpc_manager.clear()
    rt_settings.SETTINGS.outputs.clear()
    return monitor


class Graph:
    """The recorded resources of one run, with small query helpers."""

    def __init__(self, records: list[dict[str, Any]], outputs: dict[str, Any], value: Any = None):
        self.resources = records
        self.outputs = outputs
        self.value = value

    def of_type(self, type_: str) -> list[dict[str, Any]]:
        return [r for r in self.resources if r["type"] == type_]

    def one(self, type_: str, name: Optional[str] = None) -> dict[str, Any]:
        found = [r for r in self.of_type(type_) if name is None or r["name"] == name]
        if len(found) != 1:
            raise AssertionError(f"expected one {type_} {name or ''}, found {[r['name'] for r in found]}")
        return found[0]

    def named(self, name: str) -> dict[str, Any]:
        found = [r for r in self.resources if r["name"] == name]
        if len(found) != 1:
            raise AssertionError(f"expected one resource named {name}, found {len(found)}")
        return found[0]

    def children(self, urn: str) -> list[dict[str, Any]]:
        return [r for r in self.resources if r["parent"] == urn]

    def types(self) -> set[str]:
        return {r["type"] for r in self.resources}


def run_mocked(build: Callable[[], Any], *, stack: str = "prod", project: str = "microservices-platform",
               config: Optional[dict[str, str]] = None, region: str = "us-east-1",
               preview: bool = False, mocks: Any = None) -> Graph:
    """Run ``build()`` inside a fresh mocked stack; return the recorded Graph.

    ``build`` may return a dict of outputs to export (resolved into graph.outputs).  ``preview``
    runs it as a first ``pulumi preview`` (computed outputs unknown); ``mocks`` replaces the
    platform mocks."""
    import pulumi
    from pulumi.runtime.stack import run_in_stack
    from pulumi.runtime.sync_await import _sync_await

    mocks = mocks if mocks is not None else PlatformMocks(region=region, preview=preview)
    monitor = start_mocked_runtime(mocks, dict(config or {"aws:region": region}), [],
                                   project=project, stack=stack, dry_run=preview)
    holder: dict[str, Any] = {}

    def program() -> None:
        value = build()
        holder["value"] = value
        if isinstance(value, dict):
            for k, v in value.items():
                pulumi.export(k, v)

    _sync_await(run_in_stack(program))
    return Graph(monitor.records, monitor.stack_outputs, holder.get("value"))
