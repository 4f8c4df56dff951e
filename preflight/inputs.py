"""What every command of ``python -m preflight`` checks and does the same way: the stack names, the
``--set`` values, the cache setting, the stack config (the settings stage), a recorded plan, and
printing a report."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import Any

from .exits import InputError, InternalError, show
from .planfile import NAME
from .program import ROOT, recorded_plan
from .stackconfig import StackConfig, project_name, stacks


def policy_config_path(stack: str) -> Path:
    return ROOT / "policies" / "config" / f"{stack}.json"


def terminal_columns() -> "int | None":
    """The terminal's width (COLUMNS too) when stdout is one; None for a pipe, a file or a CI log."""
    import shutil

    return shutil.get_terminal_size((100, 24)).columns if sys.stdout.isatty() else None


def note(line: str) -> None:
    """A note on stderr, wrapped to the terminal when stderr is one."""
    import shutil
    import textwrap

    columns = shutil.get_terminal_size((100, 24)).columns if sys.stderr.isatty() else 0
    if columns and len(line) > columns:
        line = "\n".join(textwrap.wrap(line, width=columns, subsequent_indent="    ", break_on_hyphens=False))
    print(line, file=sys.stderr)


def emit(text: str) -> None:
    """Print the report; a reader that stops early (``| head``) does not turn the verdict into a crash."""
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())   # nothing more to say; keep the exit code of the verdict
        except (OSError, ValueError, io.UnsupportedOperation):
            pass


def validate_stack_config(stack: str, overrides: list[str]) -> StackConfig:
    """The settings stage, before any mock run: the one call site of the stack-config validator
    (bounded YAML loading and every settings rule).  Returns the StackConfig with its Settings
    (``notes`` on checks skipped for encrypted values), handed on to the mock run."""
    from . import stackconfig

    try:
        return stackconfig.validated_stack(ROOT, stack, overrides)
    except stackconfig.UsageError as err:  # ConfigError included: bad config is exit 2
        raise InputError(f"stack {stack}", str(err)) from None


def record(validated: StackConfig, overrides: list[str], preview: bool = False, use_cache: bool = False,
           before_run: Any = None) -> tuple[dict[str, Any], bool]:
    """(plan, served from the plan cache) of the validated stack."""
    stack = validated.stack
    try:
        return recorded_plan(stack, overrides, preview=preview, use_cache=use_cache, validated=validated,
                             before_run=before_run)
    except RuntimeError as err:   # ProgramConfigError (bad config) is exit 2 and passes through
        text = str(err).strip()
        last = text.splitlines()[-1] if text else ""
        raise InternalError(f"the program crashed under the mocks (stack {stack}): {last[:300]}", detail=text) from None


def stack_names(given: list[str]) -> list[str]:
    committed = stacks(ROOT)
    allowed = f"one of the committed stacks: {', '.join(committed) or 'none'}"
    seen: list[str] = []
    for s in given:
        if not s.strip():
            raise InputError("--stack", "empty value", allowed)
        if not NAME.fullmatch(s):
            raise InputError("--stack", f"{show(s)} is not a stack name", allowed)
        if s not in committed:
            raise InputError("--stack", f"no stack file Pulumi.{s}.yaml; committed stacks: {', '.join(committed)}",
                             allowed)
        if s in seen:
            raise InputError("--stack", f"{s!r} given twice", "each stack once")
        seen.append(s)
    return seen


def check_environment() -> None:
    """The environment variable that tunes a run, before anything runs."""
    from .plancache import CACHE_ENV, cache_dir_problem

    problem = cache_dir_problem()
    if problem:
        raise InputError(CACHE_ENV, problem, "a directory (made when missing) or 'off'")


def check_set(values: list[str]) -> None:
    seen: dict[str, str] = {}
    project = project_name(ROOT) if len(values) > 1 else ""
    for item in values:
        if not item.strip() or "=" not in item or not item.split("=", 1)[0].strip():
            raise InputError("--set", f"got {show(item)}", "KEY=VALUE, e.g. --set multiAz.database=false")
        # The same key twice is a conflict, not "the last one wins" (azCount and <project>:azCount are one key).
        key = item.split("=", 1)[0].strip()
        full = key if ":" in key else f"{project}:{key}"
        if full in seen:
            raise InputError("--set", f"{show(key)} is set twice ({show(seen[full])} and {show(item)})",
                             "each key once")
        seen[full] = item
