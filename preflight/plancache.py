"""The plan cache: a stack nothing changed in is judged from its recorded plan and verdict.

Two entries, each keyed on a content hash (SHA-256) of everything that determines it:

* **plan** (what the mock run records): the program (``__main__.py``, every file under
  ``components/``), the project and stack files (``Pulumi.yaml``, ``Pulumi.<stack>.yaml``),
  the ``--set`` values, ``--preview``, the pinned requirements, preflight's own sources (the
  mocks, the harness, the recorder), the Python version and the installed versions of the
  packages the program imports;
* **verdict** (what the pack answers for that plan): the plan's canonical JSON, every file of
  the pack folder (rules, prices, usage, policy configs, ``PulumiPolicy.yaml``, requirements)
  but its virtualenv, the policy-config file used, the interpreter that runs the pack with the
  versions of the packages it imports, the dry-run flag and preflight's driver sources.

A key that differs is a miss and a fresh run; an entry that cannot be read is a miss too
(and is removed).  Nothing is served on a partial key: every input class above has a test that
changes it and sees a fresh run (tests/test_plancache.py).

Where: ``$PREFLIGHT_CACHE_DIR`` (``off`` turns the cache off), else ``.preflight-cache/`` in
the repository (git-ignored).  ``--no-cache`` turns it off for one run.  The newest
``MAX_ENTRIES`` of each kind are kept.
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
PROGRAM_DISTRIBUTIONS = ("pulumi", "pulumi-aws", "pulumi-awsx", "PyYAML", "jsonschema", "tzdata", "protobuf")
# What the pack process imports: pulumi-policy and its runtime.
PACK_DISTRIBUTIONS = ("pulumi-policy", "pulumi", "protobuf", "grpcio")
# preflight sources the recorded plan depends on (the rest of preflight only reads the plan).
RECORDER_SOURCES = ("program.py", "harness.py", "mocks.py", "stackconfig.py", "plancache.py")
DRIVER_SOURCES = ("analyzer.py", "engine.py", "packenv.py", "plancache.py")
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


def pack_interpreter_versions(python: str) -> dict[str, str]:
    """The pack interpreter's package versions, read from its site-packages' ``*.dist-info`` names
    (no process start): ``pulumi_policy-1.21.0.dist-info`` -> {"pulumi-policy": "1.21.0"}."""
    wanted = {n.lower().replace("-", "_"): n for n in PACK_DISTRIBUTIONS}
    found = {n: "absent" for n in PACK_DISTRIBUTIONS}
    venv = Path(python).parent.parent
    for site in sorted(venv.glob("lib*/python*/site-packages")):
        for info in site.glob("*.dist-info"):
            stem = info.name[:-len(".dist-info")]
            name, _, version = stem.partition("-")
            key = name.lower().replace("-", "_")
            if key in wanted:
                found[wanted[key]] = version
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


def verdict_key(plan: dict[str, Any], policy_dir: Path, config_path: Optional[Path], pack_python: str,
                dry_run: bool) -> str:
    """The content hash of everything that determines the pack's answer for ``plan``."""
    h = hashlib.sha256(f"verdict\0{KEY_VERSION}\0".encode())
    h.update(json.dumps(plan, sort_keys=True, default=str).encode())
    _feed_files(h, policy_dir, [policy_dir])
    if config_path is not None:
        _feed_files(h, Path(config_path).parent, [Path(config_path)])
    _feed_files(h, ROOT, [ROOT / "preflight" / name for name in DRIVER_SOURCES])
    _feed(h, "pack-python", pack_python)
    _feed(h, "pack-versions", pack_interpreter_versions(pack_python))
    _feed(h, "dry-run", bool(dry_run))
    return h.hexdigest()


def load(kind: str, key: str) -> Optional[dict[str, Any]]:
    """The cached entry, or None (cache off, absent or unreadable - an unreadable one is removed)."""
    base = cache_dir()
    if base is None:
        return None
    path = base / f"{kind}-{key}.json"
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


def store(kind: str, key: str, value: dict[str, Any]) -> None:
    """Write the entry atomically (a reader never sees half a file); a full or read-only disk
    only costs the next run its speed."""
    base = cache_dir()
    if base is None:
        return
    try:
        base.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{kind}-", suffix=".tmp", dir=base)
        with os.fdopen(fd, "w") as out:
            json.dump({"key": key, "value": value}, out, sort_keys=True)
        os.replace(tmp, base / f"{kind}-{key}.json")
        _prune(base, kind)
    except OSError:
        pass


def _prune(base: Path, kind: str) -> None:
    entries = sorted(base.glob(f"{kind}-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in entries[MAX_ENTRIES:]:
        _discard(stale)
