"""The words of the settings: problems as ``"<key path>: <what is wrong>; allowed: <what is allowed>"``, bounded
in size, and the configuration table of the docs, both from the model's JSON Schema.

pydantic's own wording never reaches a reader: ``error_lines`` writes each of its errors in the settings' words
(what a key allows comes from its ``hint``, bounds and choices), unknown keys with the closest known one.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import json
import reprlib
from typing import Any, Iterator, NamedTuple

from pydantic import TypeAdapter

# What preflight puts where the stack file holds an encrypted (`secure:`) value.
SECRET_PLACEHOLDER = "[secret-placeholder]"

# Bounds that keep every message small, whatever the input.
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
        if used + len(line) + 1 > budget - 40:
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


@functools.cache
def json_schema(cls: type) -> dict:
    """The JSON Schema of ``cls`` (descriptions, defaults, bounds, patterns; ``hint`` and ``unset`` in words)."""
    return TypeAdapter(cls).json_schema()


def error_lines(cls: type, errors: list[dict], prefix: str) -> list[str]:
    """One line per pydantic error of validating ``cls``; ``prefix`` starts every key path."""
    schema = json_schema(cls)
    # An entry under a name that is no valid name is not looked into.
    bad_names = {e["loc"][:-1] for e in errors if e["loc"][-1:] == ("[key]",)}
    errors = [e for e in errors if e["loc"][-1:] == ("[key]",) or
              not any(e["loc"][:len(b)] == b for b in bad_names)]
    return [_message(schema, e, prefix) for e in _unknown_keys_first(errors)]


def _resolved(schema: dict, node: dict) -> dict:
    """What a property stands for: Optional's non-null branch, a $ref followed."""
    node = next((alt for alt in node.get("anyOf", ()) if alt.get("type") != "null"), node)
    return schema["$defs"][node["$ref"].rsplit("/", 1)[1]] if "$ref" in node else node


def _entry(node: dict) -> dict:
    """The schema of one value of a map."""
    return node.get("additionalProperties") or next(iter(node.get("patternProperties", {}).values()), {})


def _node(schema: dict, loc: tuple) -> dict:
    """The property at ``loc``; a list entry keeps its list's ``hint``."""
    node = schema
    for seg in loc:
        parent = node
        node = _resolved(schema, node)
        if isinstance(seg, int) and "items" in node:
            node = {**node["items"], "hint": parent.get("hint")}
        else:
            node = node.get("properties", {}).get(seg) or _entry(node)
    return node


def _path(prefix: str, loc: tuple) -> str:
    out = prefix
    for seg in loc:
        out += f"[{seg}]" if isinstance(seg, int) else seg if out.endswith(":") or not out else f".{seg}"
    return out


_TYPE_NAMES = {"boolean": "a boolean", "integer": "an integer", "number": "a number", "string": "a string"}


def _plain(value: Any) -> str:
    """A value as a reader writes it in YAML: true/false, bare words and numbers."""
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _allowed(schema: dict, prop: dict, *, readable: bool = False) -> str:
    """What a key accepts.  Messages quote choices as Python literals; ``readable`` (the docs) writes them as in
    YAML, lists an object's keys in order and marks optional keys."""
    node = _resolved(schema, prop)
    hint = prop.get("hint")
    if "enum" in node:
        out = "one of " + ", ".join((_plain if readable else repr)(c) for c in node["enum"])
    elif "properties" in node:
        out = (f"an object: {', '.join(node['properties'])}" if readable else
               f"an object with keys {', '.join(sorted(node['properties']))}")
    elif node.get("type") == "object":
        out = f"a map of names ({hint}) to objects: {', '.join(_resolved(schema, _entry(node))['properties'])}"
    elif node.get("type") == "array":
        out = f"a list of {hint}, each at most once"
    elif hint and node.get("type") == "string":
        out = hint
    else:
        lo, hi = node.get("minimum"), node.get("maximum")
        bounds = f" from {lo} to {hi}" if lo is not None and hi is not None else \
            f" >= {lo}" if lo is not None else f" <= {hi}" if hi is not None else ""
        out = _TYPE_NAMES.get(node.get("type"), "a value") + bounds
    if readable and "anyOf" in prop:
        out += ", optional" + (f" (unset = {prop['unset']})" if prop.get("unset") else "")
    return out


_UNKNOWN = ("unexpected_keyword_argument", "invalid_key")


def _unknown_keys_first(errs: list[dict]) -> list[dict]:
    """pydantic reports an object's unknown keys after its fields; the messages name them first."""
    first: dict = {}
    for i, e in enumerate(errs):
        for d in range(1, len(e["loc"]) + 1):
            first.setdefault(e["loc"][:d], i)

    def order(e: dict) -> list:
        loc = e["loc"]
        return [(0 if d == len(loc) and e["type"] in _UNKNOWN else 1, first[loc[:d]]) for d in range(1, len(loc) + 1)]
    return sorted(errs, key=order)


def _message(schema: dict, err: dict, prefix: str) -> str:
    loc, kind, value, ctx = err["loc"], err["type"], err.get("input"), err.get("ctx") or {}
    entry = bool(loc) and isinstance(loc[-1], int)  # a list entry
    if loc[-1:] == ("[key]",):
        name = loc[-2]
        return (f"{_path(prefix, loc[:-2])}.{clip(name, SHOWN_VALUE) if isinstance(name, str) else show(name)}: "
                f"invalid name; allowed: {_node(schema, loc[:-2]).get('hint')}")
    if kind in _UNKNOWN:
        return _unknown_key(prefix, loc, list(_resolved(schema, _node(schema, loc[:-1]))["properties"]))
    here, prop = _path(prefix, loc), _node(schema, loc)
    allowed = _allowed(schema, prop)
    if kind == "encrypted" or (entry and value == SECRET_PLACEHOLDER):
        return f"{here}: an encrypted (secure:) value is not supported here; allowed: {allowed}, in plain text"
    if kind == "string_too_short":
        return f"{here}: empty; allowed: {allowed}" + (", or leave it unset" if prop.get("unset") else "")
    if kind == "string_too_long":
        return (f"{here}: {len(value)} characters, starting {show(value[:40])}; "
                f"allowed: at most {ctx['max_length']} characters ({allowed})")
    if kind == "too_long":
        return f"{here}: {len(value)} entries; allowed: at most {ctx['max_length']}"
    if kind == "finite":
        return f"{here}: got {show(value)}; allowed: {allowed}, a finite number"
    if kind == "check":
        return f"{here}: {show(value)} {ctx['problem']}; allowed: {allowed}"
    if kind == "repeated":
        return f"{here}: {show(ctx['item'])} appears more than once; allowed: each entry once (entries become " \
               f"resource names)"
    if value is None and entry:
        # `pulumi config set --path key[3]` on a list the stack file does not hold yet writes nulls before
        # index 3: a stack's list replaces the default list whole.
        return (f"{here}: empty entry; allowed: {allowed} (a list set in stack config replaces the default list, "
                f"so write every entry)")
    removal = ""
    if kind == "dataclass_type" and "enabled" in _resolved(schema, prop).get("properties", {}) and \
            len(loc) > 1 and "properties" not in _resolved(schema, _node(schema, loc[:-1])):
        removal = f" (to remove a default entry set {here}.enabled: false)"
    return f"{here}: got {show(value)}; allowed: {allowed}{removal}"


def _unknown_key(prefix: str, loc: tuple, fields: list[str]) -> str:
    path, key, names = _path(prefix, loc[:-1]), loc[-1], ", ".join(sorted(fields))
    if not isinstance(key, str):
        return f"{path}: the key {show(key)} is not a string; allowed keys: {names}"
    close = difflib.get_close_matches(key, fields, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    if not close and ("." in key or "[" in key):
        hint = " (a dotted key: set a field inside an object with `pulumi config set --path`)"
    return f"{_path(prefix, loc[:-1] + (clip(key, SHOWN_VALUE),))}: unknown key{hint}; allowed keys: {names}"


def encrypted_notes(value: Any, path: str) -> list[str]:
    """One note per encrypted value in a validated config: the checks that need its plaintext were skipped."""
    if isinstance(value, str) and value == SECRET_PLACEHOLDER:
        return [f"{path}: encrypted (secure:) value; the checks that need its plaintext were skipped "
                f"(preflight cannot decrypt)"]
    if dataclasses.is_dataclass(value):
        items = [(_path(path, (f.name,)), getattr(value, f.name)) for f in dataclasses.fields(value)]
    elif isinstance(value, dict):
        items = [(f"{path}.{k}", v) for k, v in value.items()]
    elif isinstance(value, list):
        items = [(f"{path}[{i}]", v) for i, v in enumerate(value)]
    else:
        return []
    return [note for p, v in items for note in encrypted_notes(v, p)]


class ConfigKey(NamedTuple):
    """One row of the configuration table in the docs."""

    key: str            # dotted path; map entries as ``services.<name>.cpu``
    allowed: str        # in words: "an integer from 0 to 1000, optional (unset = ...)"
    default: str        # a JSON literal when ``literal``, else words ("unset", "7 entries: ...", "")
    doc: str
    literal: bool


def _default(schema: dict, prop: dict) -> tuple[str, bool]:
    """(text, literal) of a key's default: a JSON literal (as stack config writes it), or words."""
    value, node = prop.get("default"), _resolved(schema, prop)
    if value is None:
        return "unset", False
    if "properties" in node:
        return "", False  # an object: its keys follow, each with its own default
    if node.get("type") == "object":
        return f"{len(value)} entries: {', '.join(value)}", False
    return json.dumps(int(value) if isinstance(value, float) and value.is_integer() else value), True


def describe(cls: type) -> list[ConfigKey]:
    """Every key of ``cls`` with its allowed values, default and doc, from its JSON Schema.

    Objects are followed by their own keys; a map of objects (``services``) by the keys of one entry, as
    ``services.<name>.<key>``."""
    schema = json_schema(cls)

    def rows(node: dict, prefix: str) -> Iterator[ConfigKey]:
        for name, prop in node["properties"].items():
            key, inner = prefix + name, _resolved(schema, prop)
            text, literal = _default(schema, prop)
            # pydantic leaves out a field's description where it is its class's docstring
            doc = prop.get("description") or inner.get("description", "")
            yield ConfigKey(key, _allowed(schema, prop, readable=True), text, doc, literal)
            if "properties" in inner:
                yield from rows(inner, key + ".")
            elif inner.get("type") == "object":
                yield from rows(_resolved(schema, _entry(inner)), key + ".<name>.")
    return list(rows(schema, ""))
