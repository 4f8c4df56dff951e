"""The plan cache: a stack nothing changed in is judged from its recorded plan, without a mock run.

An entry is keyed on a content hash (SHA-256) of everything that determines the plan: the
program (``__main__.py``, every file under ``components/``), the project and stack files
(``Pulumi.yaml``, ``Pulumi.<stack>.yaml``), the ``--set`` values, ``--preview``, the pinned
requirements, preflight's own sources that record it (the mocks, the harness, the recorder),
the Python version and the installed versions of the packages the program imports.  A key that
differs is a miss and a fresh run; an entry that cannot be read is a miss too (and is removed).
Nothing is served on a partial key: every input above has a test that changes it and sees a
fresh run (tests/test_plancache.py).

Where: ``$PREFLIGHT_CACHE_DIR`` (``off`` turns the cache off), else ``.preflight-cache/`` in
the repository (git-ignored).  ``--no-cache`` turns it off for one run.  The newest
``MAX_ENTRIES`` are kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable, Optional

ROOT = Path(__file__).resolve().parent.parent
CACHE_ENV = "PREFLIGHT_CACHE_DIR"
DEFAULT_DIR = ROOT / ".preflight-cache"
MAX_ENTRIES = 32
KEY_VERSION = "1"   # bump when an entry's shape changes

# The distributions the program (and preflight's recorder) import: their versions shape the plan.
PROGRAM_DISTRIBUTIONS = ("pulumi", "pulumi-aws", "pulumi-awsx", "PyYAML", "jsonschema", "pydantic", "tzdata", "protobuf")
# preflight sources the recorded plan depends on (the rest of preflight only reads the plan).
RECORDER_SOURCES = ("program.py", "harness.py", "mocks.py", "stackconfig.py", "plancache.py")
SKIP_DIRS = {"__pycache__", "venv", ".venv", "node_modules"}


def cache_dir_problem() -> Optional[str]:
    """Why ``$PREFLIGHT_CACHE_DIR`` cannot hold the cache (None when it can, or when it is off):
    the CLI reports it as bad input before anything runs."""
    base = cache_dir()
    if base is None:
        return None
    if base.exists() and not base.is_dir():
        return f"{str(base)[:120]!r} exists and is not a directory"
    return None


def cache_dir() -> Optional[Path]:
    """Where entries live; None when the cache is off."""
    value = os.environ.get(CACHE_ENV, "").strip()
    if value.lower() == "off":
        return None
    return Path(value) if value else DEFAULT_DIR


def _files(base: Path) -> Iterable[Path]:
    """Every regular file under ``base`` (sorted, virtualenvs and bytecode left out)."""
    if base.is_file():
        yield base
        return
    if not base.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(filenames):
            if not name.endswith((".pyc", ".pyo")):
                yield Path(dirpath) / name


def _feed_files(h: "hashlib._Hash", root: Path, paths: Iterable[Path]) -> None:
    for path in paths:
        for f in _files(path):
            rel = f.relative_to(root).as_posix() if f.is_relative_to(root) else str(f)
            h.update(b"F\0" + rel.encode() + b"\0")
            try:
                h.update(f.read_bytes())
            except OSError:
                h.update(b"<unreadable>")
            h.update(b"\0")


def _feed(h: "hashlib._Hash", label: str, value: Any) -> None:
    h.update(f"V\0{label}\0".encode() + json.dumps(value, sort_keys=True, default=str).encode() + b"\0")


def installed_versions(names: Iterable[str]) -> dict[str, str]:
    """Versions of the given distributions in this interpreter ("absent" when not installed)."""
    found = {}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "absent"
    return found


def plan_key(root: Path, stack: str, overrides: list[str], preview: bool) -> str:
    """The content hash of everything that determines the plan of ``stack``."""
    h = hashlib.sha256(f"plan\0{KEY_VERSION}\0".encode())
    _feed_files(h, root, [root / "__main__.py", root / "Pulumi.yaml", root / f"Pulumi.{stack}.yaml",
                          root / "requirements.txt", root / "components"])
    _feed_files(h, ROOT, [ROOT / "preflight" / name for name in RECORDER_SOURCES])
    _feed(h, "stack", stack)
    _feed(h, "overrides", list(overrides))
    _feed(h, "preview", bool(preview))
    _feed(h, "python", sys.version)
    _feed(h, "versions", installed_versions(PROGRAM_DISTRIBUTIONS))
    return h.hexdigest()


def load(key: str) -> Optional[dict[str, Any]]:
    """The cached plan, or None (cache off, absent or unreadable - an unreadable one is removed)."""
    base = cache_dir()
    if base is None:
        return None
    path = base / f"plan-{key}.json"
    try:
        doc = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        _discard(path)
        return None
    if not isinstance(doc, dict) or doc.get("key") != key or not isinstance(doc.get("value"), dict):
        _discard(path)
        return None
    try:
        os.utime(path)   # recently used: kept by the pruning
    except OSError:
        pass
    return doc["value"]


def _discard(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:   # a read-only cache: the entry stays a miss
        pass


def store(key: str, value: dict[str, Any]) -> None:
    """Write the entry atomically (a reader never sees half a file); a full or read-only disk
    only costs the next run its speed."""
    base = cache_dir()
    if base is None:
        return
    try:
        base.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".plan-", suffix=".tmp", dir=base)
        with os.fdopen(fd, "w") as out:
            json.dump({"key": key, "value": value}, out, sort_keys=True)
        os.replace(tmp, base / f"plan-{key}.json")
        _prune(base)
    except OSError:
        pass


def _prune(base: Path) -> None:
    entries = sorted(base.glob("plan-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in entries[MAX_ENTRIES:]:
        _discard(stale)
