"""The pack's servicer in this process, sent the requests the engine sends: for profiling, the bench's
CPU figure and the test that the one-conversion methods answer as the library's do.

preflight itself judges through a pack process (:mod:`preflight.analyzer`); this drives the same
servicer class with the same request messages, minus the gRPC transport.
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from typing import Any, Iterator

from pulumi_policy import EnforcementLevel
from pulumi_policy.policy import _PolicyAnalyzerServicer

from . import analyzer
from .engine import engine_resources
from .program import ROOT


@contextmanager
def pack_environment(plan: dict[str, Any]) -> Iterator[None]:
    """The environment variables the engine starts the pack with, for the duration."""
    stack, project, config, dry_run = analyzer._plan_identity(plan)
    wanted = analyzer.pack_environment(stack, project, config, dry_run)
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(wanted)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def configured_servicer(stack: str) -> Any:
    """The pack's servicer after Configure with policies/config/<stack>.json."""
    from platform_policies import all_policies

    servicer = _PolicyAnalyzerServicer("microservices-platform-guardrails", "0.0.1", all_policies(),
                                       EnforcementLevel.ADVISORY, None, None, None, None, None, None, None)
    file_config = json.loads((ROOT / "policies" / "config" / f"{stack}.json").read_text())
    config = analyzer.build_policy_config(servicer.GetAnalyzerInfo(None, None), file_config)
    servicer.Configure(analyzer.configure_request(config), None)
    return servicer


def requests(plan: dict[str, Any]) -> tuple[list[Any], Any]:
    """Every Analyze request of ``plan`` and its AnalyzeStack request, as the engine sends them."""
    resources = engine_resources(plan)
    converted = [analyzer.convert(r) for r in resources]
    return ([analyzer.analyze_request(r, c) for r, c in zip(resources, converted)],
            analyzer.analyze_stack_request(resources, converted))


def answers(servicer: Any, analyze: list[Any], analyze_stack: Any) -> list[bytes]:
    """The servicer's responses, serialised (deterministically): one per Analyze, then AnalyzeStack's."""
    out = [servicer.Analyze(req, None).SerializeToString(deterministic=True) for req in analyze]
    out.append(servicer.AnalyzeStack(analyze_stack, None).SerializeToString(deterministic=True))
    return out
