"""A small declarative validator for stack config.

Each settings dataclass field carries a ``spec(...)`` in its metadata: the type,
the default and the allowed values.  ``parse(cls, raw, path)`` turns the raw
config (already JSON-decoded) into the dataclass, collecting *every* problem as
``"<key path>: <what is wrong>; allowed: <what is allowed>"`` so one run shows
them all.  ``describe(cls)`` lists every key with the same allowed values in
words, for the generated configuration table in the docs.  Nothing here touches
Pulumi, so it is cheap to unit-test.
"""

from __future__ import annotations

import dataclasses
import json
import re
import types
import typing
from typing import Any, Callable, NamedTuple


class SettingsError(Exception):
    """Bad stack config: ``errors`` lists one line per offending key."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("invalid stack config:\n  - " + "\n  - ".join(errors))


_MISSING = object()


def spec(
    default: Any = _MISSING,
    *,
    doc: str,
    choices: typing.Iterable[Any] | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    pattern: str | None = None,
    pattern_hint: str | None = None,
    unset: str | None = None,
    default_factory: Callable[[], Any] | None = None,
) -> Any:
    """Declare a config field: its doc, default and allowed values.

    ``unset`` says what an optional field left unset means (shown in the docs).
    """
    meta = {
        "doc": doc,
        "choices": tuple(choices) if choices is not None else None,
        "minimum": minimum,
        "maximum": maximum,
        "pattern": pattern,
        "pattern_hint": pattern_hint,
        "unset": unset,
    }
    if default_factory is not None:
        return dataclasses.field(default_factory=default_factory, metadata=meta)
    if default is _MISSING:
        return dataclasses.field(metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def _optional_arg(tp: Any) -> Any:
    """X for Optional[X], else tp itself."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp


def _type_name(tp: Any) -> str:
    tp = _optional_arg(tp)
    origin = typing.get_origin(tp)
    if tp is bool:
        return "a boolean"
    if tp is int:
        return "an integer"
    if tp is float:
        return "a number"
    if tp is str:
        return "a string"
    if origin in (list, tuple):
        return f"a list of {_type_name(typing.get_args(tp)[0]).split(' ', 1)[1]}s"
    if origin is dict:
        return "a map"
    if dataclasses.is_dataclass(tp):
        return "an object"
    return getattr(tp, "__name__", str(tp))


def _plain(value: Any) -> str:
    """A value as a reader writes it in YAML: true/false, bare words and numbers."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _field_names(cls: type) -> str:
    return ", ".join(f.name for f in dataclasses.fields(cls))


def _allowed(meta: dict, tp: Any, *, readable: bool = False) -> str:
    """What a key accepts.  Error messages quote choices as Python literals;
    ``readable`` (the docs) writes them as in YAML, spells out objects and maps,
    and marks optional keys."""
    optional = _optional_arg(tp) is not tp
    tp = _optional_arg(tp)
    text = _allowed_values(meta, tp, readable)
    if readable and optional:
        text += ", optional" + (f" (unset = {meta['unset']})" if meta.get("unset") else "")
    return text


def _allowed_values(meta: dict, tp: Any, readable: bool) -> str:
    hint = meta.get("pattern_hint")
    if meta.get("choices"):
        show = _plain if readable else repr
        return "one of " + ", ".join(show(c) for c in meta["choices"])
    origin = typing.get_origin(tp)
    if readable and dataclasses.is_dataclass(tp):
        return f"an object: {_field_names(tp)}"
    if readable and origin is dict:
        _, val_tp = typing.get_args(tp)
        names = f"names ({hint})" if hint else "names"
        values = f"objects: {_field_names(val_tp)}" if dataclasses.is_dataclass(val_tp) else \
            _type_name(val_tp).split(" ", 1)[1] + "s"
        return f"a map of {names} to {values}"
    if origin is list and hint:
        return f"a list of {hint}"
    if hint and tp is str:
        return hint
    parts = [_type_name(tp)]
    lo, hi = meta.get("minimum"), meta.get("maximum")
    if lo is not None and hi is not None:
        parts.append(f"from {lo} to {hi}")
    elif lo is not None:
        parts.append(f">= {lo}")
    elif hi is not None:
        parts.append(f"<= {hi}")
    if hint:
        parts.append(hint)
    return " ".join(parts)


def _coerce_scalar(tp: Any, value: Any) -> Any:
    """Accept what Pulumi config can hold: strings for top-level scalars."""
    if tp is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise TypeError
    if tp is int:
        if isinstance(value, bool):
            raise TypeError
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            return int(value)
        raise TypeError
    if tp is float:
        if isinstance(value, bool):
            raise TypeError
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError as exc:
                raise TypeError from exc
        raise TypeError
    if tp is str:
        if isinstance(value, str):
            return value
        raise TypeError
    raise TypeError


def _check_value(tp: Any, meta: dict, value: Any, path: str, errors: list[str]) -> Any:
    origin = typing.get_origin(tp)
    if origin is typing.Union:  # Optional[X]
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _check_value(args[0], meta, value, path, errors)
    if dataclasses.is_dataclass(tp):
        return parse(tp, value, path, errors)
    if origin is list:
        (item_tp,) = typing.get_args(tp)
        if not isinstance(value, list):
            errors.append(f"{path}: got {value!r}; allowed: {_allowed(meta, tp)}")
            return None
        return [_check_value(item_tp, meta, v, f"{path}[{i}]", errors) for i, v in enumerate(value)]
    if origin is dict:
        _, val_tp = typing.get_args(tp)
        if not isinstance(value, dict):
            errors.append(f"{path}: got {value!r}; allowed: a map of name to {_type_name(val_tp).split(' ', 1)[1]}")
            return None
        pat = meta.get("pattern")
        out = {}
        for k, v in value.items():
            if pat and not re.fullmatch(pat, str(k)):
                errors.append(f"{path}.{k}: invalid name; allowed: {meta.get('pattern_hint') or pat}")
                continue
            out[k] = _check_value(val_tp, {}, v, f"{path}.{k}", errors)
        return out
    try:
        coerced = _coerce_scalar(tp, value)
    except TypeError:
        errors.append(f"{path}: got {value!r}; allowed: {_allowed(meta, tp)}")
        return None
    if meta.get("choices") and coerced not in meta["choices"]:
        errors.append(f"{path}: got {coerced!r}; allowed: {_allowed(meta, tp)}")
        return None
    lo, hi = meta.get("minimum"), meta.get("maximum")
    if (lo is not None and coerced < lo) or (hi is not None and coerced > hi):
        errors.append(f"{path}: got {coerced!r}; allowed: {_allowed(meta, tp)}")
        return None
    pat = meta.get("pattern")
    if pat and isinstance(coerced, str) and coerced != "" and not re.fullmatch(pat, coerced):
        errors.append(f"{path}: got {coerced!r}; allowed: {_allowed(meta, tp)}")
        return None
    return coerced


def _join(path: str, key: str) -> str:
    return f"{path}{key}" if path.endswith(":") or not path else f"{path}.{key}"


def parse(cls: type, raw: Any, path: str, errors: list[str] | None = None) -> Any:
    """Build dataclass ``cls`` from ``raw``; raise SettingsError at the top level."""
    top = errors is None
    errors = [] if errors is None else errors
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        errors.append(f"{path}: got {raw!r}; allowed: an object with keys {', '.join(sorted(fields))}")
        raw = {}
    for key in raw:
        if key not in fields:
            errors.append(f"{_join(path, key)}: unknown key; allowed keys: {', '.join(sorted(fields))}")
    values = {}
    for name, f in fields.items():
        if name in raw:
            values[name] = _check_value(hints[name], dict(f.metadata), raw[name], _join(path, name), errors)
        elif f.default is not dataclasses.MISSING:
            values[name] = f.default
        elif f.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
            values[name] = f.default_factory()  # type: ignore[misc]
        else:
            errors.append(f"{_join(path, name)}: required; allowed: {_allowed(dict(f.metadata), hints[name])}")
            values[name] = None
    if top and errors:
        raise SettingsError(errors)
    try:
        return cls(**values)
    except (TypeError, ValueError) as exc:  # defensive: construction of partially bad objects
        errors.append(f"{path}: {exc}")
        if top:
            raise SettingsError(errors) from exc
        return None


class ConfigKey(NamedTuple):
    """One row of the configuration table in the docs."""

    key: str            # dotted path; map entries as ``services.<name>.cpu``
    allowed: str        # in words: "an integer from 0 to 1000, optional (unset = ...)"
    default: str        # a JSON literal when ``literal``, else words ("required", "unset", "")
    doc: str
    literal: bool


def _json_value(value: Any) -> str:
    """A default as it would be written in stack config (JSON is valid YAML)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return json.dumps(value)


def _default(f: dataclasses.Field) -> tuple[str, bool]:
    """(text, literal) of a field's default: a JSON literal, or words when there is no single value."""
    if f.default is not dataclasses.MISSING:
        value = f.default
    elif f.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
        value = f.default_factory()  # type: ignore[misc]
    else:
        return "required", False
    if value is None:
        return "unset", False
    if dataclasses.is_dataclass(value):
        return "", False  # an object: its keys follow, each with its own default
    if isinstance(value, dict) and value and all(dataclasses.is_dataclass(v) for v in value.values()):
        return f"{len(value)} entries: {', '.join(value)}", False
    return _json_value(value), True


def describe(cls: type, prefix: str = "") -> list[ConfigKey]:
    """Every key of ``cls`` with its allowed values, default and doc, for the docs.

    Objects are followed by their own keys; a map of objects (``services``) by
    the keys of one entry, as ``<prefix>services.<name>.<key>``.
    """
    rows = []
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        tp, meta = hints[f.name], dict(f.metadata)
        key = f"{prefix}{f.name}"
        default, literal = _default(f)
        rows.append(ConfigKey(key, _allowed(meta, tp, readable=True), default, meta.get("doc", ""), literal))
        inner = _optional_arg(tp)
        if dataclasses.is_dataclass(inner):
            rows.extend(describe(inner, key + "."))
        elif typing.get_origin(inner) is dict and dataclasses.is_dataclass(typing.get_args(inner)[1]):
            rows.extend(describe(typing.get_args(inner)[1], key + ".<name>."))
    return rows
