"""Speed and memory of preflight, in one run: figures to compare across changes, never assertions.

    python -m preflight.bench [--repeat 3] [--series 7,25,50,100] [--quick]
                              [--only e2e|halves|series ...] [--schema-cold]

Prints, each as the best of ``--repeat`` runs and as a ratio to a bare
``python -c "import pulumi, pulumi_aws"`` timed in the same run (so a slower or busier machine
shows the same ratios):

* end to end, as a user runs it (``python -m preflight ...`` in a child process, report to
  /dev/null): prod and dev alone, cold (``--no-cache``) and from the plan cache; both committed
  stacks together; ``cost --stack prod --against dev``;
* the two halves for prod and dev: the mock run (the program under the mocks, in its child
  process) and the policy run (the pack process judging the finished plan, as for a saved or
  cached plan; in a cold ``check`` it overlaps the mock run), the cost model and the schema
  stage (its cache warm; ``--schema-cold`` also times it with an empty cache: the derivation
  from the SDK source after an SDK upgrade); for prod also the CPU the pack's servicer spends
  answering the plan's requests (preflight.pack_inprocess: the engine's messages, no transport);
* the series: synthetic configs of 7 to 100 services (the seed's seven plus internal ones; the
  settings allow at most 100, components/config/schema.py ``MAX_ITEMS``), mock run and policy
  run per size, and the time per resource - flat when both halves are linear;
* the peak memory of the child processes.

docs/preflight.md ("Speed") holds the figures of the last run and the profiling recipe.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from .analyzer import run_policy_pack
from .inputs import policy_config_path
from .program import ROOT, record_plan
from components.config.schema import MAX_ITEMS
from components.config.settings import SEED_SERVICES


def synthetic_services(n: int = 100) -> str:
    services = {k: dict(v) for k, v in SEED_SERVICES.items()}
    for i in range(n - len(services)):
        services[f"svc-{i:03d}"] = {"cpu": 256, "memory": 512, "public": False}
    return json.dumps(services)


def _best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, value = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - t0)
    return best, value


def _cli(args: list[str], env: dict[str, str]) -> None:
    proc = subprocess.run([sys.executable, "-m", "preflight", *args], cwd=str(ROOT), env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"preflight {' '.join(args)} exited {proc.returncode}: {proc.stderr[-500:]}")


def bare_import_seconds(repeat: int) -> float:
    t, _ = _best(lambda: subprocess.run([sys.executable, "-c", "import pulumi, pulumi_aws"], check=True), repeat)
    return t


def end_to_end(line: Callable[..., None], repeat: int) -> None:
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "PREFLIGHT_CACHE_DIR": cache}
        for stack in ("prod", "dev"):
            t, _ = _best(lambda: _cli(["--stack", stack, "--no-cache"], env), repeat)
            line(f"{stack} end to end, cold", t)
            _cli(["--stack", stack], env)   # fills the cache
            t, _ = _best(lambda: _cli(["--stack", stack], env), repeat)
            line(f"{stack} end to end, from the plan cache", t)
        t, _ = _best(lambda: _cli(["--no-cache"], env), repeat)
        line("both committed stacks, cold", t)
        t, _ = _best(lambda: _cli(["cost", "--stack", "prod", "--against", "dev", "--no-cache"], env), repeat)
        line("cost --stack prod --against dev, cold", t)


def halves(line: Callable[..., None], repeat: int, schema_cold: bool) -> None:
    from . import cost
    from .schema import schema_findings

    for stack in ("prod", "dev"):
        t_mock, plan = _best(lambda: record_plan(stack), repeat)
        t_pol, _ = _best(lambda: run_policy_pack(plan, policy_config_path(stack)), repeat)
        t_cost, _ = _best(lambda: cost.estimate(plan), repeat)
        schema_findings(plan["resources"])   # warm the schema cache for this plan's types
        t_schema, _ = _best(lambda: schema_findings(plan["resources"]), repeat)
        line(f"{stack}: mock run ({len(plan['resources'])} resources)", t_mock)
        line(f"{stack}: policy run (after the mock run)", t_pol, f"{t_pol / t_mock:.2f} x mock run")
        if stack == "prod":
            line("prod: the pack alone, CPU seconds", pack_cpu_seconds(plan, repeat), "requests as the engine sends")
        line(f"{stack}: cost model", t_cost)
        line(f"{stack}: schema stage (cache warm)", t_schema)
        if schema_cold and stack == "prod":
            with tempfile.TemporaryDirectory() as tmp:
                cold, _ = _best(lambda: schema_findings(plan["resources"], cache_dir=Path(tmp)), 1)
            line("prod: schema stage (cache empty)", cold)


def pack_cpu_seconds(plan: dict[str, Any], repeat: int) -> float:
    """CPU the pack's servicer spends answering every Analyze and the AnalyzeStack of ``plan`` (in this
    process, with the pack's one-conversion methods, as its entry point installs them)."""
    from platform_policies import one_conversion

    from .pack_inprocess import answers, configured_servicer, pack_environment, requests

    one_conversion.install()
    analyze, analyze_stack = requests(plan)
    best = float("inf")
    with pack_environment(plan):
        for _ in range(repeat):
            servicer = configured_servicer(plan.get("stack", "prod"))
            t0 = time.process_time()
            answers(servicer, analyze, analyze_stack)
            best = min(best, time.process_time() - t0)
    return best


def service_series(series: list[int], repeat: int, base: float) -> None:
    print(f"{'services':>8}{'resources':>10}{'mock s':>9}{'x import':>9}{'policy s':>10}{'x import':>9}"
          f"{'ms/res mock':>13}{'ms/res policy':>15}")
    for n in series:
        overrides = [f"services={synthetic_services(n)}"]
        runs = 1 if n > 50 else repeat
        t_mock, plan = _best(lambda: record_plan("prod", overrides), runs)
        count = len(plan["resources"])
        t_pol, _ = _best(lambda: run_policy_pack(plan, policy_config_path("prod")), runs)
        print(f"{n:>8}{count:>10}{t_mock:>9.2f}{t_mock / base:>9.1f}{t_pol:>10.2f}{t_pol / base:>9.1f}"
              f"{1000 * t_mock / count:>13.1f}{1000 * t_pol / count:>15.1f}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m preflight.bench")
    ap.add_argument("--repeat", type=int, default=3, help="runs per figure; the best is printed")
    ap.add_argument("--series", default="7,25,50,100", help="service counts of the synthetic series (7 to 100)")
    ap.add_argument("--quick", action="store_true", help="one run per figure")
    ap.add_argument("--only", choices=("e2e", "halves", "series"), action="append",
                    help="print only these sections (repeatable; default: all)")
    ap.add_argument("--schema-cold", action="store_true", help="also time the schema stage with an empty cache")
    args = ap.parse_args(argv)
    sections = set(args.only or ("e2e", "halves", "series"))
    repeat = 1 if args.quick else max(1, args.repeat)
    try:
        series = [int(n) for n in args.series.split(",") if n.strip()]
    except ValueError:
        ap.error(f"--series {args.series!r}: service counts separated by commas, e.g. 7,25,50,100")
    refused = [n for n in series if not 7 <= n <= MAX_ITEMS]
    if refused:
        ap.error(f"--series {','.join(map(str, refused))}: the settings take 7 (the seed's services) to "
                 f"{MAX_ITEMS} services")

    base = bare_import_seconds(repeat)
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; best of {repeat}")
    print(f"{'figure':<52}{'seconds':>9}{'x import':>10}")

    def line(label: str, seconds: float, extra: str = "") -> None:
        print(f"{label:<52}{seconds:>9.2f}{seconds / base:>10.1f}  {extra}".rstrip())

    line("bare `import pulumi, pulumi_aws`", base)
    if "e2e" in sections:
        end_to_end(line, repeat)
    if "halves" in sections:
        halves(line, repeat, args.schema_cold)
    if "series" in sections:
        service_series(series, repeat, base)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak child RSS: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
