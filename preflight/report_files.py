"""Output files (``--json``, ``--output FORMAT=FILE``): checked before the run, written after it.

A path may hold ``{stack}``: one file per stack.  Without it, ``--json`` with
several stacks is refused (the second stack would overwrite the first), while a
report format writes one file that covers every stack.  Missing directories are
created (CI writes into a fresh ``build/``); a path that is a directory, runs
through a regular file, or lies in a directory preflight cannot write to is an
exit-2 error before the program runs, not a traceback after it; a write that still fails after
the run (a full disk) is exit 2 naming the file, after the verdict is printed.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .exits import InputError, show

PLACEHOLDER = "{stack}"


@dataclass(frozen=True)
class Target:
    what: str          # the flag, for messages ("--json", "--output sarif")
    fmt: str           # "result" (the per-stack --json document) or a report format
    template: str

    @property
    def per_stack(self) -> bool:
        return PLACEHOLDER in self.template

    def path_for(self, stack: str | None = None) -> Path:
        return Path(self.template.replace(PLACEHOLDER, stack or ""))


def _check_dir_writable(directory: Path, what: str, shown: str) -> None:
    existing = directory
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise InputError(what, f"{shown}: {str(existing)!r} is a file, not a directory",
                         "a path whose parent directories are directories")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".preflight-probe-"):
            pass
    except OSError as err:
        raise InputError(what, f"{shown}: cannot write in {str(directory)!r} ({err.strerror or err})",
                         "a file in a directory you can write to") from None


def check_target(target: Target, stacks: list[str]) -> None:
    """Refuse a target that cannot be written for ``stacks``; create its missing directories."""
    if not target.template.strip():
        raise InputError(target.what, "empty path", "a file path, e.g. build/preflight-{stack}.json")
    if Path(target.template).is_dir():
        raise InputError(target.what, f"{show(target.template)} is a directory", "a file path inside a directory")
    if target.fmt == "result" and len(stacks) > 1 and not target.per_stack:
        raise InputError(target.what, f"{show(target.template)} names one file for {len(stacks)} stacks "
                         f"({', '.join(stacks)})", "a path with {stack}, e.g. build/preflight-{stack}.json")
    names = stacks if target.per_stack else [stacks[0] if stacks else ""]
    for stack in names:
        path = target.path_for(stack)
        shown = show(str(path), 120)
        if path.is_dir() or target.template.endswith(("/", os.sep)):
            raise InputError(target.what, f"{shown} is a directory", "a file path inside a directory")
        if path.exists() and not os.access(path, os.W_OK):
            raise InputError(target.what, f"{shown} exists and is read-only", "a writable file")
        _check_dir_writable(path.parent if str(path.parent) else Path("."), target.what, shown)


def write(target: Target, text: str, stack: str | None = None) -> Path:
    path = target.path_for(stack if target.per_stack else None)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    except OSError as err:   # checked before the run, yet the disk can still fill (ENOSPC, /dev/full)
        raise InputError(target.what, f"{show(str(path), 120)}: writing failed after the run "
                         f"({err.strerror or err})", "a file on a device with room to write") from None
    return path
