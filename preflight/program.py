"""Run the real Pulumi program under mocks and record its resource graph.

Each run happens in a child process (``python -m preflight.program``): the
Pulumi runtime keeps global state (root stack, config), so a fresh process per
stack keeps runs independent and lets a config error end the run cleanly.
"""

from __future__ import annotations

import json
import os
import runpy
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Optional

from .stackconfig import StackConfig

ROOT = Path(__file__).resolve().parent.parent

EXIT_OK, EXIT_CONFIG = 0, 2

# The clock of a recorded plan (2026-01-01T00:00:00Z): the program stamps final-snapshot names with
# the time of the run (components/data/database.py creation_stamp), which it reads from
# SOURCE_DATE_EPOCH when set - the reproducible-builds convention - so the same commit and
# config record the same plan, byte for byte.
PLAN_EPOCH = "1767225600"


class ProgramConfigError(Exception):
    """The program refused the stack config (message names the keys)."""


def plan_config(config: dict[str, Any], secret_keys: list[str]) -> dict[str, Any]:
    """The stack config as a plan records it (and the pack is started with): secrets masked."""
    return {k: ("[secret]" if k in secret_keys else v) for k, v in sorted(config.items())}


def _run_here(sc: StackConfig, root: Path, preview: bool = False, stream: Optional[Any] = None) -> dict[str, Any]:
    """Run ``root/__main__.py`` in this process under mocks with the stack config ``sc``; return
    the plan dict.  ``preview``: a first ``pulumi preview`` of a new stack (dry run, computed
    outputs unknown)."""
    import pulumi
    from pulumi.runtime.stack import run_in_stack
    from pulumi.runtime.sync_await import _sync_await

    from .harness import start_mocked_runtime
    from .mocks import PlatformMocks

    region = sc.config.get("aws:region", "us-east-1")
    monitor = start_mocked_runtime(PlatformMocks(region=region, preview=preview), sc.config, sc.secret_keys,
                                   project=sc.project, stack=sc.stack, dry_run=preview)
    if stream is not None:   # each record to the parent as it is made (a JSON line)
        def send(record: dict[str, Any]) -> None:
            stream.write(json.dumps(record, sort_keys=True) + "\n")
            stream.flush()
        monitor.on_record = send
    cwd = os.getcwd()
    os.chdir(root)
    try:
        _sync_await(run_in_stack(lambda: runpy.run_path(str(root / "__main__.py"), run_name="__main__")))
    except pulumi.RunError as err:
        raise ProgramConfigError(str(err)) from None
    finally:
        os.chdir(cwd)
    return {"stack": sc.stack, "project": sc.project, "region": region, "preview": preview,
            "config": plan_config(sc.config, sc.secret_keys),
            # Sorted: registration order varies from run to run (async), the plan must not.
            "resources": sorted(monitor.records, key=lambda r: r["urn"]), "outputs": monitor.stack_outputs}


def record_plan(stack: str, overrides: list[str] | None = None, root: Path = ROOT, *, preview: bool = False,
                on_record: Optional[Callable[[dict[str, Any]], None]] = None,
                validated: Optional[StackConfig] = None) -> dict[str, Any]:
    """Run the program for ``stack`` in a child process and return its plan dict
    (``preview=True``: as a first ``pulumi preview`` of a new stack sees it).  ``on_record`` gets
    each resource record while the program runs (from a thread of this process).  ``validated``:
    the stack config as the caller read and validated it (else it is read here).

    Raises UsageError (bad ``--set``, no such stack), ProgramConfigError (bad config) or
    RuntimeError (program crash)."""
    from .stackconfig import ConfigError, validated_stack

    if validated is None:
        try:  # in this process: a bad config costs no child process and no mock run
            validated = validated_stack(root, stack, overrides)
        except ConfigError as err:
            raise ProgramConfigError(str(err)) from None
    with tempfile.TemporaryDirectory() as tmp:
        out, given = Path(tmp) / "plan.json", Path(tmp) / "stack-config.json"
        given.write_text(json.dumps(validated.program_input()))
        cmd = [sys.executable, "-m", "preflight.program", "--stack-config", str(given), "--out", str(out)]
        if preview:
            cmd.append("--preview")
        # cwd = the project folder, as Pulumi runs a program: its ``components`` is found next to __main__.py.
        env = {**os.environ, "SOURCE_DATE_EPOCH": PLAN_EPOCH}
        env.pop("PULUMI_CONFIG", None)
        if on_record is None:
            proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(root))
            returncode, stderr = proc.returncode, proc.stderr
        else:
            returncode, stderr = _run_streaming(cmd, env, root, Path(tmp) / "stderr.txt", on_record)
        if returncode == EXIT_CONFIG:
            raise ProgramConfigError(stderr.strip())
        if returncode != EXIT_OK:
            raise RuntimeError(f"program run for stack {stack!r} failed:\n{stderr.strip()}")
        return {**json.loads(out.read_text()), "notes": list(validated.settings.notes)}


def _run_streaming(cmd: list[str], env: dict[str, str], root: Path, stderr_file: Path,
                   on_record: Callable[[dict[str, Any]], None]) -> tuple[int, str]:
    """Run the child with a pipe it writes each record to; hand each to ``on_record`` as it arrives.
    Returns (exit code, stderr).  A failing ``on_record`` stops the calls, not the run (the pipe is
    drained so the child never blocks), and is raised once the child has ended."""
    read_fd, write_fd = os.pipe()
    failure: Optional[BaseException] = None
    with open(stderr_file, "w+") as err, os.fdopen(read_fd, "r") as records:
        try:
            proc = subprocess.Popen([*cmd, "--stream-fd", str(write_fd)], pass_fds=(write_fd,), env=env,
                                    cwd=str(root), stdout=subprocess.DEVNULL, stderr=err, text=True)
        finally:
            os.close(write_fd)   # the child holds the only write end: EOF when it ends
        for line in records:
            if failure is None:
                try:
                    on_record(json.loads(line))
                except BaseException as exc:  # noqa: BLE001 - raised below, after the child ended
                    failure = exc
        returncode = proc.wait()
        err.seek(0)
        stderr = err.read()
    if failure is not None:
        raise failure
    return returncode, stderr


def recorded_plan(stack: str, overrides: list[str] | None = None, root: Path = ROOT, *, preview: bool = False,
                  use_cache: bool = True, validated: Optional[StackConfig] = None,
                  before_run: Optional[Callable[[], Optional[Callable[[dict[str, Any]], None]]]] = None
                  ) -> tuple[dict[str, Any], bool]:
    """``record_plan`` through the plan cache (preflight/plancache.py): (plan, served from the cache).
    ``before_run`` is called when the program has to run (a miss), before it starts; what it
    returns, when not None, gets each resource record as the program makes it."""
    from . import plancache

    key = plancache.plan_key(root, stack, list(overrides or []), preview) if use_cache else None
    cached = plancache.load(key) if key else None
    if cached is not None:
        return cached, True
    on_record = before_run() if before_run is not None else None
    plan = record_plan(stack, overrides, root, preview=preview, on_record=on_record, validated=validated)
    if key:
        plancache.store(key, plan)
    return plan, False


# Generation-0 threshold of the short-lived child (Python's default is 700): a mock run makes several
# hundred thousand small objects that live to the end, which the default re-scans over and over.
CHILD_GC_THRESHOLD = 50_000


def quiet_collector() -> None:
    """Collect rarely in this process: freeze what the imports made (never garbage) and raise the
    generation-0 threshold.  Cycles are still collected, so memory stays bounded."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(CHILD_GC_THRESHOLD, 20, 20)


def main(argv: list[str] | None = None) -> int:
    """The mock run's child process: the program of the project folder (the working directory)."""
    import argparse

    ap = argparse.ArgumentParser(prog="python -m preflight.program")
    ap.add_argument("--stack-config", required=True, help="the validated stack config (JSON, from record_plan)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--preview", action="store_true")
    ap.add_argument("--stream-fd", type=int, help="write each record to this file descriptor as a JSON line")
    args = ap.parse_args(argv)
    quiet_collector()
    sc = StackConfig(**json.loads(Path(args.stack_config).read_text()))
    stream = os.fdopen(args.stream_fd, "w") if args.stream_fd is not None else None
    try:
        plan = _run_here(sc, Path.cwd(), preview=args.preview, stream=stream)
    except ProgramConfigError as err:
        print(str(err), file=sys.stderr)
        return EXIT_CONFIG
    finally:
        if stream is not None:
            stream.close()
    Path(args.out).write_text(json.dumps(plan, indent=1, sort_keys=True))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
