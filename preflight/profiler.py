"""Where a preflight run spends its time: the profiling recipe of docs/preflight.md ("Speed").

    python -m preflight.profiler [--stack prod] [--part mock|pack] [--top 25] [--sort tottime]

``mock``: the program under the mocks, in this process, with the child's collector settings
(preflight/program.py ``quiet_collector``), profiled by cProfile; the SDK hands each
registration to a thread pool, whose work (serialisation, the mock monitor) cProfile does not
follow: it shows as time inside the event loop.  ``pack``: the pack's own
servicer (pulumi_policy's, in this process: a pack process serves from gRPC threads cProfile does
not see) answering ``Configure``, every ``Analyze`` and ``AnalyzeStack`` for the stack's plan.
Prints the ``--top`` functions by ``--sort`` (tottime, cumulative, ncalls).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys

from .program import ROOT, _run_here, quiet_collector, record_plan
from .stackconfig import validated_stack


def profile_mock(stack: str) -> cProfile.Profile:
    quiet_collector()
    prof = cProfile.Profile()
    prof.enable()
    _run_here(validated_stack(ROOT, stack), ROOT)
    prof.disable()
    return prof


def profile_pack(stack: str) -> cProfile.Profile:
    from pulumi.runtime.proto import analyzer_pb2
    from pulumi_policy import EnforcementLevel
    from pulumi_policy.policy import _PolicyAnalyzerServicer

    from platform_policies import all_policies

    from . import analyzer
    from .engine import engine_resources

    plan = record_plan(stack)
    plan["resources"] = sorted(plan["resources"], key=lambda r: r["urn"])
    servicer = _PolicyAnalyzerServicer("profile", "0.0.1", all_policies(), EnforcementLevel.ADVISORY,
                                       None, None, None, None, None, None, None)
    file_config = json.loads((ROOT / "policies" / "config" / f"{stack}.json").read_text())
    config = analyzer.build_policy_config(servicer.GetAnalyzerInfo(None, None), file_config)
    servicer.Configure(analyzer_pb2.ConfigureAnalyzerRequest(policyConfig={
        name: analyzer_pb2.PolicyConfig(enforcementLevel=analyzer.LEVELS[c["enforcementLevel"]],
                                        properties=analyzer._struct(c["properties"]))
        for name, c in config.items()}), None)
    resources = engine_resources(plan)
    converted = [analyzer.convert(r) for r in resources]
    prof = cProfile.Profile()
    prof.enable()
    for r, (props, opts, provider) in zip(resources, converted):
        servicer.Analyze(analyzer_pb2.AnalyzeRequest(type=r["type"], properties=props, urn=r["urn"], name=r["name"],
                                                     options=opts, provider=provider), None)
    servicer.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(resources=[
        analyzer_pb2.AnalyzerResource(type=r["type"], properties=props, urn=r["urn"], name=r["name"],
                                      options=opts, provider=provider, parent=r["parent"],
                                      dependencies=r["dependencies"])
        for r, (props, opts, provider) in zip(resources, converted)]), None)
    prof.disable()
    return prof


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m preflight.profiler")
    ap.add_argument("--stack", default="prod")
    ap.add_argument("--part", choices=("mock", "pack"), default="mock")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--sort", choices=("tottime", "cumulative", "ncalls"), default="tottime")
    args = ap.parse_args(argv)
    prof = profile_mock(args.stack) if args.part == "mock" else profile_pack(args.stack)
    pstats.Stats(prof, stream=sys.stdout).strip_dirs().sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
