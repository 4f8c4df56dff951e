"""How the pack finds its parts: declarations register themselves, and a package's modules are all loaded.

A :class:`Registry` holds one kind of declaration (rules, the per-type checks of a cross-service rule,
service baselines, pricers) by name or type token; the declaring module adds to it when it is imported.
A package that holds such modules calls :func:`load_package` on itself, so no list of modules is kept.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any


class Registry(dict):
    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    def add(self, key: str, value: Any) -> Any:
        if key in self:
            raise ValueError(f"{self.kind} {key!r} is registered twice")
        self[key] = value
        return value


def load_package(name: str) -> None:
    """Import every module of package ``name``, in file-name order."""
    for module in pkgutil.iter_modules(importlib.import_module(name).__path__):
        importlib.import_module(f"{name}.{module.name}")
