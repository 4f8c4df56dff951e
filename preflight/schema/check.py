"""Check one resource's recorded inputs against its derived schema.

Type forms (JSON, as :mod:`preflight.schema.sdk` derives them):

* ``{"type": "string" | "integer" | "number" | "boolean" | "any" | "asset" | "null"}``
* ``{"type": "array", "items": T}``, ``{"type": "object", "additionalProperties": T}`` (a map)
* ``{"oneOf": [T, ...]}`` - e.g. ``Union[str, 'InstanceType']``: any string passes
* ``{"$ref": id}`` into ``types``: an object ``{"properties": {...}, "required": [...]}`` or an
  enum ``{"enum": [values], "name": token}``

Inputs are in engine form (camelCase, numbers as floats, secrets as signature objects).  An
unknown value (a first preview) passes wherever it appears, and counts as present for a
required input: the provider sees the real value at ``pulumi up``.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from ..mocks import SECRET_SIG, SIG_KEY, UNKNOWN

Spec = Mapping[str, Any]


def _plain(value: Any) -> Any:
    """Unwrap secrets; other signature objects (assets, archives) stay as they are."""
    while isinstance(value, dict) and value.get(SIG_KEY) == SECRET_SIG:
        value = value.get("value")
    return value


def _is_unknown(value: Any) -> bool:
    return value == UNKNOWN


def _type_name(spec: Spec, types: Mapping[str, Spec]) -> str:
    if "$ref" in spec:
        target = types.get(spec["$ref"], {})
        if "enum" in target:
            return f"one of {', '.join(map(repr, target['enum']))}"
        return "an object"
    if "oneOf" in spec:
        return " or ".join(_type_name(s, types) for s in spec["oneOf"])
    kind = spec.get("type", "any")
    if kind == "array":
        return f"a list of {_type_name(spec.get('items', {}), types)}"
    if kind == "object":
        return "a map"
    return {"integer": "an integer", "number": "a number", "boolean": "a boolean", "string": "a string"}.get(kind, kind)


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def check_value(value: Any, spec: Spec, types: Mapping[str, Spec], path: str) -> Iterator[str]:
    """Problems of ``value`` against ``spec``, each as "<path>: <what is wrong>"."""
    value = _plain(value)
    if value is None or _is_unknown(value):
        return
    if "oneOf" in spec:
        if not any(not list(check_value(value, s, types, path)) for s in spec["oneOf"]):
            yield f"{path}: expected {_type_name(spec, types)}, got {_describe(value)}"
        return
    if "$ref" in spec:
        target = types.get(spec["$ref"])
        if not target:
            return  # a type the derivation could not read: nothing to hold the value to
        if "enum" in target:
            if value not in target["enum"]:
                yield (f"{path}: {value!r} is not a value of {target.get('name', 'the enum')}; "
                       f"allowed: {', '.join(map(repr, target['enum']))}")
            return
        yield from check_object(value, target, types, path)
        return
    kind = spec.get("type", "any")
    ok = {
        "string": isinstance(value, str),
        "boolean": isinstance(value, bool),
        "number": isinstance(value, (int, float)) and not isinstance(value, bool),
        "integer": (isinstance(value, int) and not isinstance(value, bool))
        or (isinstance(value, float) and value.is_integer()),
        "array": isinstance(value, list),
        "object": isinstance(value, dict),
    }.get(kind, True)
    if not ok:
        yield f"{path}: expected {_type_name(spec, types)}, got {_describe(value)}"
        return
    if kind == "array":
        for i, item in enumerate(value):
            yield from check_value(item, spec.get("items", {}), types, f"{path}[{i}]")
    elif kind == "object":
        for key, item in value.items():
            yield from check_value(item, spec.get("additionalProperties", {}), types, f"{path}.{key}")


MISSING = "required input missing"   # the one finding about a value that is absent, not wrong


def check_object(value: Any, shape: Spec, types: Mapping[str, Spec], path: str = "") -> Iterator[str]:
    """An object against ``{"properties", "required"}``: unknown names, missing required inputs,
    and each property's type."""
    value = _plain(value)
    if _is_unknown(value):
        return
    if not isinstance(value, dict):
        yield f"{path or '(inputs)'}: expected an object, got {_describe(value)}"
        return
    properties = shape.get("properties", {})
    prefix = f"{path}." if path else ""
    for key in sorted(value):
        if key not in properties:
            yield f"{prefix}{key}: not an input of this type"
            continue
        yield from check_value(value[key], properties[key], types, f"{prefix}{key}")
    for key in shape.get("required", []):
        if _plain(value.get(key)) is None:
            yield f"{prefix}{key}: {MISSING}"


def _describe(value: Any) -> str:
    text = repr(value)
    return f"{_json_kind(value)} {text if len(text) <= 60 else text[:57] + '...'}"
