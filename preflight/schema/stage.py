"""The schema stage: every recorded aws:* and awsx:* resource against the pinned provider schema.

The provider's ``Check`` would refuse these inputs at ``pulumi up`` (or silently drop an unknown
name), while mocks accept anything, so a mismatch is reported like a mandatory policy violation
(policy ``schema``, stage ``schema``).

Deriving the shapes from the SDK source takes seconds (large ``_inputs.py`` files), so derived
shapes are cached in ``build/schema/<package>-<version>-<reader hash>.json`` (not committed): a
new SDK version or a change to the reader starts a new file; a type not yet in the file is derived
and added.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable, Optional

from . import sdk
from .check import MISSING, check_object

ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = ROOT / "build" / "schema"
POLICY = "schema"
DESCRIPTION = "Resource inputs match the pinned provider schema (names, types, required inputs, enums)."
# How the stage lists itself next to the pack's policies in a result document.
POLICY_INFO = {"name": POLICY, "level": "mandatory", "description": DESCRIPTION}
PACKAGES = {"aws": "pulumi_aws", "awsx": "pulumi_awsx"}


def _reader_hash() -> str:
    code = b"".join(Path(m.__file__).read_bytes() for m in (sdk,))
    return hashlib.sha1(code).hexdigest()[:10]


class SchemaStore:
    """Derived shapes of one SDK package, read from and written back to the on-disk cache."""

    def __init__(self, package: str, cache_dir: Optional[Path] = CACHE_DIR):
        self.package = package
        self.path = (cache_dir / f"{package}-{sdk.package_version(package)}-{_reader_hash()}.json"
                     if cache_dir else None)
        self.resources: dict[str, Any] = {}
        self.types: dict[str, Any] = {}
        self.dirty = False
        if self.path and self.path.exists():
            try:
                doc = json.loads(self.path.read_text())
                self.resources, self.types = doc["resources"], doc["types"]
            except (OSError, ValueError, KeyError):
                pass  # a broken cache is rebuilt
        self._reader: Optional[sdk.SchemaReader] = None

    def resource(self, token: str) -> Optional[dict]:
        if token not in self.resources:
            if self._reader is None:
                self._reader = sdk.SchemaReader()
                self._reader.types = self.types  # share: types read once serve both
            self.resources[token] = self._reader.resource(token)
            self.dirty = True
        return self.resources[token]

    def save(self) -> None:
        if not (self.dirty and self.path):
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        with os.fdopen(fd, "w") as f:
            json.dump({"resources": self.resources, "types": self.types}, f, sort_keys=True)
        os.replace(tmp, self.path)  # atomic: a concurrent run reads the old or the new file
        self.dirty = False
        for stale in self.path.parent.glob(f"{self.package}-*.json"):  # other SDK versions or readers
            if stale != self.path:
                stale.unlink(missing_ok=True)


def schema_findings(resources: Iterable[dict[str, Any]], cache_dir: Optional[Path] = CACHE_DIR,
                    stores: Optional[dict[str, SchemaStore]] = None,
                    missing_inputs: bool = True) -> list[dict[str, Any]]:
    """Violations (policy ``schema``, mandatory) for every aws:*/awsx:* resource whose inputs
    do not fit the installed SDK's schema; ``missing_inputs`` False leaves out required inputs that
    are absent (only values the schema refuses remain)."""
    stores = stores if stores is not None else {}
    findings: list[dict[str, Any]] = []
    for r in resources:
        package = PACKAGES.get(str(r.get("type", "")).split(":")[0])
        if package is None:
            continue
        if package not in stores:
            stores[package] = SchemaStore(package, cache_dir)
        store = stores[package]
        shape = store.resource(r["type"])
        if shape is None:
            problems = [f"type {r['type']} is not in {package} {sdk.package_version(package)}"]
        else:
            problems = [problem for problem in check_object(r.get("inputs") or {}, shape, store.types)
                        if missing_inputs or not problem.endswith(f": {MISSING}")]
        findings += [{"policy": POLICY, "level": "mandatory", "urn": r["urn"], "stage": "schema",
                      "message": f"{problem} (schema of {r['type']}, {package} "
                                 f"{sdk.package_version(package)})",
                      "description": DESCRIPTION}
                     for problem in problems]
    for store in stores.values():
        store.save()
    return findings
