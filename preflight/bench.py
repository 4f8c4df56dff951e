"""Time the two halves of preflight: the mock program run and the policy run.

    python -m preflight.bench [--repeat 3]

Prints wall-clock seconds (best of N) for prod, dev and a synthetic config of
100 services (the seed's seven plus 93 internal ones; ``--services`` changes
the size), and the child-process peak memory.  Figures, not assertions: compare them across changes.
The schema stage is timed with its on-disk cache warm (the usual case); ``--schema-cold`` also
times it once with an empty cache (the derivation from the SDK source, paid after an SDK upgrade
or on a fresh checkout).
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

from .analyzer import run_policy_pack
from .cli import policy_config_path
from .program import record_plan
from .schema import schema_findings
from components.config.settings import SEED_SERVICES


def synthetic_services(n: int = 100) -> str:
    services = {k: dict(v) for k, v in SEED_SERVICES.items()}
    for i in range(n - len(services)):
        services[f"svc-{i:03d}"] = {"cpu": 256, "memory": 512, "public": False}
    return json.dumps(services)


def _best(fn, repeat: int) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - t0)
    return best, value


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m preflight.bench")
    ap.add_argument("--repeat", type=int, default=3, help="runs per case; the best is printed")
    ap.add_argument("--services", type=int, default=100, help="size of the synthetic config")
    ap.add_argument("--only", choices=("prod", "dev", "synthetic"), action="append",
                    help="run only these cases (repeatable; default: all)")
    ap.add_argument("--schema-cold", action="store_true", help="also time the schema stage with an empty cache")
    args = ap.parse_args()
    cases = [("prod", "prod", []), ("dev", "dev", []),
             ("synthetic", "prod", [f"services={synthetic_services(args.services)}"])]
    cases = [c for c in cases if not args.only or c[0] in args.only]
    print(f"{'case':<14}{'resources':>10}{'mock run s':>12}{'policy run s':>14}{'schema s':>10}{'violations':>12}")
    cold = None
    for label, stack, overrides in cases:
        t_mock, plan = _best(lambda: record_plan(stack, overrides), args.repeat)
        t_pol, result = _best(lambda: run_policy_pack(plan, policy_config_path(stack)), args.repeat)
        if args.schema_cold and cold is None:
            with tempfile.TemporaryDirectory() as tmp:
                cold, _ = _best(lambda: schema_findings(plan["resources"], cache_dir=Path(tmp)), 1)
        schema_findings(plan["resources"])  # warm the cache for this plan's types
        t_schema, _ = _best(lambda: schema_findings(plan["resources"]), args.repeat)
        print(f"{label:<14}{len(plan['resources']):>10}{t_mock:>12.2f}{t_pol:>14.2f}{t_schema:>10.2f}"
              f"{len(result['violations']):>12}")
    if cold is not None:
        print(f"schema stage with a cold cache (derivation from the SDK source, first case): {cold:.2f} s")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak child RSS: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
