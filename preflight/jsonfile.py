"""Read a JSON input file (plan, policy config, base result) within bounds.

Strict where Python's json module is lenient: NaN/Infinity literals and numbers
that overflow to infinity (``1e999``) are refused, as are duplicate keys (the
last one would silently win) and nesting deeper than MAX_DEPTH.  The size is
checked before anything is read, so a huge or sparse file costs nothing.
Every failure is an InputError (exit 2) naming the file.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from .exits import InputError, show

MAX_DEPTH = 64


class _Refused(ValueError):
    pass


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"number {text[:40]} is out of range (not finite)")
    return value


def _constant(name: str) -> Any:
    raise _Refused(f"{name} is not JSON (only finite numbers are)")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _Refused(f"key {show(key)} appears twice in one object")
        seen[key] = value
    return seen


def depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """Nesting depth of a JSON value (iterative: deep input cannot exhaust the stack); stops past ``limit``."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        node, d = todo.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, d)
            if deepest > limit:
                return deepest
            children = node.values() if isinstance(node, dict) else node
            todo.extend((c, d + 1) for c in children if isinstance(c, (dict, list)))
    return deepest


def read_json(path: str | Path, what: str, *, max_bytes: int, max_depth: int = MAX_DEPTH) -> Any:
    """The parsed JSON of ``path`` (``what`` names the input in messages, e.g. "--plan plan.json")."""
    p = Path(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise InputError(what, "no such file", "an existing JSON file") from None
    except OSError as err:
        raise InputError(what, f"cannot be read ({err.strerror})", "a readable JSON file") from None
    if p.is_dir():
        raise InputError(what, "is a directory", "a JSON file")
    if st.st_size > max_bytes:
        raise InputError(what, f"is {st.st_size:,} bytes", f"at most {max_bytes:,} bytes")
    try:
        raw = p.read_bytes()
    except OSError as err:
        raise InputError(what, f"cannot be read ({err.strerror})", "a readable JSON file") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(what, f"is not UTF-8 text (byte {err.start})", "a UTF-8 JSON file") from None
    if not text.strip():
        raise InputError(what, "is empty", "a JSON document")
    try:
        doc = json.loads(text, parse_float=_finite, parse_constant=_constant, object_pairs_hook=_unique_keys)
    except _Refused as err:
        raise InputError(what, str(err), "standard JSON") from None
    except json.JSONDecodeError as err:
        raise InputError(what, f"is not valid JSON ({err.msg} at line {err.lineno} column {err.colno})",
                         "a JSON document") from None
    except ValueError as err:  # e.g. an integer longer than Python's digit limit
        raise InputError(what, f"has a value that cannot be read ({show(str(err), 120)})", "standard JSON") from None
    except RecursionError:
        raise InputError(what, "is nested too deeply to read", f"at most {max_depth} levels") from None
    if depth(doc, max_depth) > max_depth:
        raise InputError(what, f"is nested more than {max_depth} levels deep", f"at most {max_depth} levels")
    return doc
