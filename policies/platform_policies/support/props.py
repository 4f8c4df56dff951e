"""Tolerant property reads shared by every rule of the pack.

Why this module exists: pulumi_policy hands validators the engine's view of a
resource, and that view is messy in three ways the rules must survive:

* missing keys - an input the program did not set means "provider default";
* unknown values - during ``pulumi preview`` a value computed from another
  resource's output is a sentinel string, and pulumi_policy's proxy raises
  ``UnknownValueError`` as soon as a validator touches it.  A rule that cannot
  know a value must stay silent (the update re-runs the policy on real values)
  instead of turning the whole policy into an "can't run during preview" note;
* numbers arrive as floats (protobuf Struct), config numbers too.

Every read goes through :func:`get`, which returns :data:`UNKNOWN` for an
unknown value and ``default`` for a missing one, never raising KeyError or
TypeError.  Nothing here imports the Pulumi program.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Iterable, Optional

from pulumi_policy.proxy import UnknownValueError, _is_unknown


class _Unknown:
    """Marker for a value that is not known yet (preview)."""

    _instance: Optional["_Unknown"] = None

    def __new__(cls) -> "_Unknown":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:  # an unknown is never "truthy enough" to pass a check by accident
        return False


UNKNOWN = _Unknown()


def is_unknown(value: Any) -> bool:
    return value is UNKNOWN or _is_unknown(value)


def _child(obj: Any, key: Any) -> Any:
    """One step of a path; a sentinel stands for "missing"."""
    if is_unknown(obj):
        return UNKNOWN
    try:
        if isinstance(key, int):
            if isinstance(obj, (str, bytes)) or not isinstance(obj, Sequence):
                return _MISSING
            if not -len(obj) <= key < len(obj):
                return _MISSING
            value = obj[key]
        else:
            if not isinstance(obj, Mapping):
                return _MISSING
            value = obj[key]
    except UnknownValueError:
        return UNKNOWN
    except (KeyError, IndexError, TypeError):
        return _MISSING
    return UNKNOWN if _is_unknown(value) else value


_MISSING = object()


def get(obj: Any, path: str | Sequence[Any], default: Any = None) -> Any:
    """Read ``path`` ("a.b.0.c" or a list of keys) from resource props.

    Returns UNKNOWN when any step is unknown, ``default`` when any step is
    missing or ``None`` (the engine sends null for an unset optional input).
    """
    keys = path.split(".") if isinstance(path, str) else list(path)
    cur = obj
    for key in keys:
        if isinstance(key, str) and key.isdigit():
            key = int(key)
        cur = _child(cur, key)
        if cur is UNKNOWN:
            return UNKNOWN
        if cur is _MISSING or cur is None:
            return default
    return cur


def as_int(value: Any, default: Any = None) -> Any:
    """Number (float from protobuf, int, numeric string) -> int; UNKNOWN passes through."""
    if is_unknown(value):
        return UNKNOWN
    if value is None or isinstance(value, bool):
        return default
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, str):
        try:
            return int(float(value.strip()))
        except ValueError:
            return default
    return default


def as_bool(value: Any, default: Any = None) -> Any:
    """Bool (or "true"/"false" text); UNKNOWN passes through; anything else -> default."""
    if is_unknown(value):
        return UNKNOWN
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return default


def as_str(value: Any, default: Any = None) -> Any:
    if is_unknown(value):
        return UNKNOWN
    return value if isinstance(value, str) else default


def as_list(value: Any) -> Any:
    """A plain list of the elements (each may be UNKNOWN); [] when missing, UNKNOWN when unknown."""
    if is_unknown(value):
        return UNKNOWN
    if value is None or isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
        return []
    return [_child(value, i) for i in range(len(value))]


def as_mapping(value: Any) -> Any:
    """A plain dict copy (values may be UNKNOWN); {} when missing."""
    if is_unknown(value):
        return UNKNOWN
    if not isinstance(value, Mapping):
        return {}
    return {k: _child(value, k) for k in list(value)}


def parse_json(value: Any) -> Any:
    """A policy document given as JSON text or already as an object; None when unreadable."""
    if is_unknown(value):
        return UNKNOWN
    if isinstance(value, Mapping):
        return plain(value)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return None


def plain(value: Any) -> Any:
    """A deep copy in plain dicts and lists (the engine's proxies are read-only views)."""
    if isinstance(value, Mapping):
        return {k: plain(_child(value, k)) for k in list(value)}
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        return [plain(_child(value, i)) for i in range(len(value))]
    return value


# ---- resource identity -------------------------------------------------------------------------

def urn_type_chain(urn: str) -> list[str]:
    """Types in a URN's qualified type: parent component types first, the resource's own last.

    urn:pulumi:<stack>::<project>::<parent$...$type>::<name>
    """
    parts = (urn or "").split("::")
    if len(parts) < 4:
        return []
    return parts[2].split("$")


def under_type_prefix(urn: str, prefixes: Iterable[str]) -> bool:
    """True when one of the resource's *ancestors* has a type starting with one of prefixes."""
    chain = urn_type_chain(urn)[:-1]
    prefixes = tuple(prefixes)
    return any(t.startswith(prefixes) for t in chain)


def provider_props(args: Any) -> Any:
    """Props of the resource's provider (a plain dict), None when the engine sent no provider.

    The engine sends a provider's inputs as the provider's CheckConfig returned them, and
    pulumi-aws (a bridged provider) JSON-encodes every value that is not a string
    (pulumi-terraform-bridge pkg/tfbridge/config_encoding.go): ``defaultTags`` arrives as the
    text ``'{"tags": {...}}'``.  Such values are decoded here; an already decoded object passes.
    """
    props = getattr(getattr(args, "provider", None), "props", None)
    if props is None or not isinstance(props, Mapping):
        return props
    decoded = {}
    for key in list(props):
        value = _child(props, key)
        if isinstance(value, str) and value[:1] in ("{", "["):
            try:
                value = json.loads(value)
            except ValueError:
                pass
        decoded[key] = value
    return decoded


def provider_region(args: Any) -> Any:
    """Region a resource is created in: its own `region` input (pulumi-aws 7), else its provider's.

    Returns None when nobody says (the default provider's props are not always sent).
    """
    own = as_str(get(args.props, "region"))
    if own:
        return own
    props = provider_props(args)
    if props is not None:
        region = as_str(get(props, "region"))
        if region:
            return region
    return None


def arn_region(arn: Any) -> Any:
    """Region field of an ARN (arn:partition:service:region:account:resource), None if not an ARN."""
    if is_unknown(arn):
        return UNKNOWN
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        return None
    parts = arn.split(":")
    return parts[3] if len(parts) > 4 else None


# Pulumi's default auto-naming: `<logical name>-<7 random chars>` (pulumi docs, "Auto-naming").
AUTONAME_SUFFIX_LENGTH = 8


def physical_name(args: Any, name_property: str, lowercase: bool = False) -> tuple[Any, bool]:
    """(name AWS will see, auto-named?) for a resource named by `name_property`.

    A set `name` is used as is.  A set `namePrefix` is left to the provider, which validates
    prefixes itself (returns None).  Otherwise Pulumi auto-names from the logical name; some
    pulumi-aws mappings lower-case it (RDS, ElastiCache), hence `lowercase`.
    """
    explicit = get(args.props, name_property)
    if is_unknown(explicit):
        return UNKNOWN, False
    if isinstance(explicit, str) and explicit:
        return explicit, False
    if get(args.props, "namePrefix") not in (None, ""):
        return None, False
    logical = args.name or ""
    auto = logical + "-" + "x" * (AUTONAME_SUFFIX_LENGTH - 1)
    return (auto.lower() if lowercase else auto), True
