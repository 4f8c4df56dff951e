"""Where a preflight run spends its time: the profiling recipe of docs/preflight.md ("Speed").

    python -m preflight.profiler [--stack prod] [--part mock|pack] [--top 25] [--sort tottime]

``mock``: the program under the mocks, in this process, with the child's collector settings
(preflight/program.py ``quiet_collector``), profiled by cProfile; the SDK hands each
registration to a thread pool, whose work (serialisation, the mock monitor) cProfile does not
follow: it shows as time inside the event loop.  ``pack``: the pack's own
servicer (in this process, preflight.pack_inprocess: a pack process serves from gRPC threads
cProfile does not see) answering every ``Analyze`` and ``AnalyzeStack`` for the stack's plan.
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
    from platform_policies import one_conversion

    from .pack_inprocess import answers, configured_servicer, pack_environment, requests

    one_conversion.install()  # as the pack's entry point does
    plan = record_plan(stack)
    analyze, analyze_stack = requests(plan)
    with pack_environment(plan):
        servicer = configured_servicer(stack)
        prof = cProfile.Profile()
        prof.enable()
        answers(servicer, analyze, analyze_stack)
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
