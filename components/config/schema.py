"""A small declarative validator for stack config.

Each settings dataclass field carries a ``spec(...)`` in its metadata: the type,
the default and the allowed values.  ``parse(cls, raw, path)`` turns the raw
config (already JSON-decoded) into the dataclass, collecting *every* problem as
``"<key path>: <what is wrong>; allowed: <what is allowed>"`` so one run shows
them all.  ``describe(cls)`` lists every key with the same allowed values in
words, for the generated configuration table in the docs.  Nothing here touches
Pulumi, so it is cheap to unit-test.

Merging, the way Pulumi users change config (``pulumi config set --path``):

- an object a stack sets is merged field by field over its default (the field's
  default instance), at every depth;
- a map of objects (``services``) is merged name by name: an entry the stack names
  is merged over the default entry of that name, a new name starts from the
  object's defaults, and an entry whose ``enabled`` is false is removed;
- a list a stack sets replaces the default list whole.

Secrets: a value preflight could not decrypt arrives as ``SECRET_PLACEHOLDER``.
A free-form string field accepts it (the checks that need the plaintext are
skipped and a note says so); a field whose value sizes or names resources
(numbers, booleans, choices, references) does not.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import math
import re
import reprlib
import types
import typing
from typing import Any, Callable, NamedTuple, Optional

# What preflight puts where the stack file holds an encrypted (`secure:`) value.
SECRET_PLACEHOLDER = "[secret-placeholder]"

# Bounds that keep every value and every message small, whatever the input.
MAX_STRING = 1024        # characters in any string value without its own limit
MAX_ITEMS = 100          # entries of a list or a map
MAX_INT_DIGITS = 30      # digits of an integer written as text
SHOWN_VALUE = 80         # characters of a value quoted in a message
MESSAGE_LINE = 400       # characters of one message line
MESSAGE_BUDGET = 2000    # characters of a whole message

_REPR = reprlib.Repr()
_REPR.maxstring = SHOWN_VALUE
_REPR.maxother = SHOWN_VALUE
_REPR.maxlevel = 3
_REPR.maxlist = _REPR.maxdict = _REPR.maxtuple = _REPR.maxset = 4


def show(value: Any) -> str:
    """``repr(value)`` cut to about SHOWN_VALUE characters (also for huge or deep values)."""
    try:
        text = _REPR.repr(value)
    except RecursionError:  # pragma: no cover - reprlib stops at maxlevel
        text = "<deeply nested value>"
    return text if len(text) <= SHOWN_VALUE else text[:SHOWN_VALUE - 3] + "..."


def clip(text: str, limit: int = MESSAGE_LINE) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."


def format_problems(title: str, problems: list[str], budget: int = MESSAGE_BUDGET) -> str:
    """``title:`` then one ``  - problem`` line each, within ``budget`` characters."""
    lines = [f"{title}:"]
    used = len(lines[0])
    for i, problem in enumerate(problems):
        line = "  - " + clip(problem.replace("\n", " "))
        if used + len(line) + 1 > budget - 40 and i < len(problems):
            lines.append(f"  ... and {len(problems) - i} more")
            break
        lines.append(line)
        used += len(line) + 1
    return "\n".join(lines)


class SettingsError(Exception):
    """Bad stack config: ``errors`` lists one line per offending key."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__(format_problems("invalid stack config", self.errors))


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
    check: Callable[[Any], Optional[str]] | None = None,
    unique: bool = False,
    max_length: int | None = None,
    secret: bool | None = None,
    numeric_text: bool = False,
) -> Any:
    """Declare a config field: its doc, default and allowed values.

    ``unset`` says what an optional field left unset means (shown in the docs).
    ``check(value)`` returns what is wrong with a value the type, range and pattern
    let through (None when fine).  ``unique``: a list whose entries become resource
    names, so each may appear once.  ``secret``: may the value be an encrypted
    config value (default: any free-form string field).  ``numeric_text``: a string field
    that also takes a YAML number as its text (a version: ``engineVersion: 16`` is an integer once
    ``pulumi config set --path`` or YAML has read it).  A string field whose default
    is ``""`` treats empty as unset; any other string field rejects an empty value.
    """
    meta = {
        "doc": doc,
        "choices": tuple(choices) if choices is not None else None,
        "minimum": minimum,
        "maximum": maximum,
        "pattern": pattern,
        "pattern_hint": pattern_hint,
        "unset": unset,
        "check": check,
        "unique": unique,
        "max_length": max_length,
        "secret": secret,
        "numeric_text": numeric_text,
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
        show_choice = _plain if readable else repr
        return "one of " + ", ".join(show_choice(c) for c in meta["choices"])
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp):
        return f"an object: {_field_names(tp)}" if readable else \
            f"an object with keys {', '.join(sorted(f.name for f in dataclasses.fields(tp)))}"
    if origin is dict:
        _, val_tp = typing.get_args(tp)
        names = f"names ({hint})" if hint else "names"
        values = f"objects: {_field_names(val_tp)}" if dataclasses.is_dataclass(val_tp) else \
            _type_name(val_tp).split(" ", 1)[1] + "s"
        return f"a map of {names} to {values}"
    if origin is list:
        text = f"a list of {hint}" if hint else _type_name(tp)
        return text + (", each at most once" if meta.get("unique") else "")
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
        # The spellings Pulumi's Config.get_bool reads (pulumi/config.py): "TRUE" or "yes" it refuses.
        if isinstance(value, str) and value in ("true", "True", "false", "False"):
            return value.lower() == "true"
        raise TypeError
    if tp is int:
        if isinstance(value, bool):
            raise TypeError
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        # Bounded: int() of thousands of digits is slow, and Python refuses past 4300.
        if isinstance(value, str) and re.fullmatch(rf"[-+]?\d{{1,{MAX_INT_DIGITS}}}", value.strip()):
            return int(value)
        raise TypeError
    if tp is float:
        if isinstance(value, bool):
            raise TypeError
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, str) and len(value) <= 64:
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


class _Ctx:
    """Problems (errors) and notes (checks skipped) of one parse."""

    def __init__(self, errors: list[str], notes: list[str]):
        self.errors = errors
        self.notes = notes


def _may_be_secret(meta: dict, tp: Any) -> bool:
    if meta.get("secret") is not None:
        return bool(meta["secret"])
    return _optional_arg(tp) is str and not meta.get("choices")


def _check_value(tp: Any, meta: dict, value: Any, path: str, ctx: _Ctx, base: Any = None) -> Any:
    if isinstance(value, str) and value == SECRET_PLACEHOLDER:
        if _may_be_secret(meta, tp):
            ctx.notes.append(f"{path}: encrypted (secure:) value; the checks that need its plaintext "
                             f"were skipped (preflight cannot decrypt)")
            return value
        ctx.errors.append(f"{path}: an encrypted (secure:) value is not supported here; allowed: "
                          f"{_allowed(meta, tp)}, in plain text")
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):  # Optional[X]
        if value is None:
            return None
        return _check_value(_optional_arg(tp), meta, value, path, ctx, base)
    if dataclasses.is_dataclass(tp):
        return _parse(tp, value, path, ctx, base)
    if origin is list:
        return _check_list(tp, meta, value, path, ctx)
    if origin is dict:
        return _check_map(tp, meta, value, path, ctx, base)
    return _check_scalar(tp, meta, value, path, ctx)


def _check_list(tp: Any, meta: dict, value: Any, path: str, ctx: _Ctx) -> Any:
    (item_tp,) = typing.get_args(tp)
    if not isinstance(value, list):
        ctx.errors.append(f"{path}: got {show(value)}; allowed: {_allowed(meta, tp)}")
        return None
    if len(value) > MAX_ITEMS:
        ctx.errors.append(f"{path}: {len(value)} entries; allowed: at most {MAX_ITEMS}")
        return None
    item_meta = {**meta, "empty_ok": False, "unique": False}
    items = []
    for i, item in enumerate(value):
        if item is None:
            # `pulumi config set --path key[3]` on a list the stack file does not hold yet
            # writes nulls before index 3: a stack's list replaces the default list whole.
            ctx.errors.append(f"{path}[{i}]: empty entry; allowed: {_allowed(item_meta, item_tp)} (a list set in "
                              f"stack config replaces the default list, so write every entry)")
            continue
        items.append(_check_value(item_tp, item_meta, item, f"{path}[{i}]", ctx))
    if meta.get("unique"):
        seen: set = set()
        for item in items:
            if item is not None and item in seen and item != SECRET_PLACEHOLDER:
                ctx.errors.append(f"{path}: {show(item)} appears more than once; allowed: each entry once "
                                  f"(entries become resource names)")
                break
            seen.add(item)
    return items


def _check_map(tp: Any, meta: dict, value: Any, path: str, ctx: _Ctx, base: Any) -> Any:
    _, val_tp = typing.get_args(tp)
    if not isinstance(value, dict):
        ctx.errors.append(f"{path}: got {show(value)}; allowed: {_allowed(meta, tp)}")
        return None
    if len(value) > MAX_ITEMS:
        ctx.errors.append(f"{path}: {len(value)} entries; allowed: at most {MAX_ITEMS}")
        return None
    pat = meta.get("pattern")
    merged = dict(base) if isinstance(base, dict) else {}
    for key, entry in value.items():
        entry_path = f"{path}.{key}"
        if not isinstance(key, str) or (pat and not re.fullmatch(pat, key)):
            ctx.errors.append(f"{path}.{show(key) if not isinstance(key, str) else clip(key, SHOWN_VALUE)}: "
                              f"invalid name; allowed: {meta.get('pattern_hint') or pat or 'a string'}")
            continue
        if dataclasses.is_dataclass(val_tp) and not isinstance(entry, dict):
            removal = (" (to remove a default entry set " + entry_path + ".enabled: false)"
                       if any(f.name == "enabled" for f in dataclasses.fields(val_tp)) else "")
            ctx.errors.append(f"{entry_path}: got {show(entry)}; allowed: {_allowed({}, val_tp)}{removal}")
            continue
        merged[key] = _check_value(val_tp, {}, entry, entry_path, ctx, merged.get(key))
    for key in list(merged):
        if getattr(merged[key], "enabled", True) is False:
            del merged[key]
    return merged


def _check_scalar(tp: Any, meta: dict, value: Any, path: str, ctx: _Ctx) -> Any:
    allowed = _allowed(meta, tp)
    if tp is str and meta.get("numeric_text") and isinstance(value, (int, float)) and not isinstance(value, bool):
        value = repr(value) if isinstance(value, float) else str(value)
    try:
        coerced = _coerce_scalar(tp, value)
    except TypeError:
        ctx.errors.append(f"{path}: got {show(value)}; allowed: {allowed}")
        return None
    if isinstance(coerced, float) and not math.isfinite(coerced):
        ctx.errors.append(f"{path}: got {show(value)}; allowed: {allowed}, a finite number")
        return None
    if meta.get("choices") and coerced not in meta["choices"]:
        ctx.errors.append(f"{path}: got {show(coerced)}; allowed: {allowed}")
        return None
    lo, hi = meta.get("minimum"), meta.get("maximum")
    if (lo is not None and coerced < lo) or (hi is not None and coerced > hi):
        ctx.errors.append(f"{path}: got {show(coerced)}; allowed: {allowed}")
        return None
    if isinstance(coerced, str):
        if coerced == "":
            if meta.get("empty_ok"):
                return coerced
            unset = ", or leave it unset" if meta.get("unset") else ""  # an optional key: absent, not empty
            ctx.errors.append(f"{path}: empty; allowed: {allowed}{unset}")
            return None
        limit = meta.get("max_length") or MAX_STRING
        if len(coerced) > limit:
            ctx.errors.append(f"{path}: {len(coerced)} characters, starting {show(coerced[:40])}; "
                              f"allowed: at most {limit} characters ({allowed})")
            return None
        pat = meta.get("pattern")
        if pat and not re.fullmatch(pat, coerced):
            ctx.errors.append(f"{path}: got {show(coerced)}; allowed: {allowed}")
            return None
    check = meta.get("check")
    problem = check(coerced) if check else None
    if problem:
        ctx.errors.append(f"{path}: {show(coerced)} {problem}; allowed: {allowed}")
        return None
    return coerced


def _join(path: str, key: str) -> str:
    return f"{path}{key}" if path.endswith(":") or not path else f"{path}.{key}"


def _field_default(f: dataclasses.Field) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
        return f.default_factory()  # type: ignore[misc]
    return _MISSING


def _unknown_key(path: str, key: Any, fields: dict) -> str:
    if not isinstance(key, str):
        return f"{path}: the key {show(key)} is not a string; allowed keys: {', '.join(sorted(fields))}"
    close = difflib.get_close_matches(key, list(fields), n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    if not close and ("." in key or "[" in key):
        hint = " (a dotted key: set a field inside an object with `pulumi config set --path`)"
    return f"{_join(path, clip(key, SHOWN_VALUE))}: unknown key{hint}; allowed keys: {', '.join(sorted(fields))}"


def _parse(cls: type, raw: Any, path: str, ctx: _Ctx, base: Any = None) -> Any:
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        ctx.errors.append(f"{path}: got {show(raw)}; allowed: an object with keys {', '.join(sorted(fields))}")
        raw = {}
    for key in raw:
        if key not in fields:
            ctx.errors.append(_unknown_key(path, key, fields))
    values = {}
    for name, f in fields.items():
        meta = {**f.metadata, "empty_ok": f.default == ""}
        default = getattr(base, name) if base is not None else _field_default(f)
        key_path = _join(path, name)
        if name in raw:
            values[name] = _check_value(hints[name], meta, raw[name], key_path, ctx,
                                        None if default is _MISSING else default)
        elif default is not _MISSING:
            values[name] = default
        else:
            ctx.errors.append(f"{key_path}: required; allowed: {_allowed(meta, hints[name])}")
            values[name] = None
    try:
        return cls(**values)
    except (TypeError, ValueError) as exc:  # defensive: construction of partially bad objects
        ctx.errors.append(f"{path}: {clip(str(exc), 200)}")
        return None


def parse(cls: type, raw: Any, path: str, errors: list[str] | None = None, *, base: Any = None,
          notes: list[str] | None = None) -> Any:
    """Build dataclass ``cls`` from ``raw`` merged over ``base`` (default: the field defaults).

    Problems go to ``errors``; without an ``errors`` list they raise SettingsError.
    Skipped checks (encrypted values) go to ``notes``."""
    top = errors is None
    ctx = _Ctx([] if errors is None else errors, [] if notes is None else notes)
    result = _parse(cls, raw, path, ctx, base)
    if top and ctx.errors:
        raise SettingsError(ctx.errors)
    return result


def decode_json_text(value: Any, path: str, errors: list[str], limit: int = 256 * 1024) -> Any:
    """Pulumi passes structured config as JSON text; scalars stay strings."""
    if not isinstance(value, str):
        return value
    if len(value) > limit:
        errors.append(f"{path}: {len(value)} characters; allowed: at most {limit}")
        return None
    text = value.strip()
    if text[:1] in ("{", "[") or text == "null":
        try:
            return json.loads(text)
        except RecursionError:
            errors.append(f"{path}: nested too deeply; allowed: the shape in the configuration docs")
            return None
        except json.JSONDecodeError:
            return value
    return value


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
