"""The settings dataclasses' base on pydantic: fields declared with ``spec(...)``, validated by ``validate``.

``spec`` is a pydantic ``Field`` holding a key's doc, default and bounds (a choice is a ``Literal`` type); pydantic
checks types, bounds, patterns and unknown keys and collects every problem of a run; messages.py writes them in
the settings' words.  What Pulumi config adds (``ConfigObject``):

- top-level scalars arrive as text: booleans only as Pulumi's ``Config.get_bool`` spells them
  (pulumi/config.py: true, True, false, False), numbers of bounded length; a boolean is never a number;
- an object a stack sets keeps the defaults of the fields it leaves out, at every depth (``pulumi config set
  --path``); a list a stack sets replaces the default list whole, and names resources, so each entry once;
- a value preflight could not decrypt arrives as ``SECRET_PLACEHOLDER``: a free-form string field accepts
  it (its checks are skipped and a note says so); a field whose value sizes or names resources does not.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import re
import types
import typing
from typing import Any, Callable, Literal, Optional

from pydantic import AfterValidator, ConfigDict, Field, TypeAdapter, ValidationError, WrapValidator, field_validator
from pydantic_core import PydanticCustomError, to_jsonable_python

# What preflight imports from here, too.
from .messages import SECRET_PLACEHOLDER, SettingsError, clip, encrypted_notes, error_lines, format_problems, show

__all__ = ["CONFIG", "MAX_ITEMS", "SECRET_OK", "SECRET_PLACEHOLDER", "ConfigObject", "SettingsError", "checked",
           "clip", "decode_json_text", "encrypted_notes", "format_problems", "matching", "plain_only", "show",
           "spec", "validate"]

# Bounds that keep every value small, whatever the input.
MAX_STRING = 1024    # characters in any string value
MAX_ITEMS = 100      # entries of a list or a map
MAX_INT_DIGITS = 30  # digits of an integer written as text (int() of thousands is slow; Python refuses past 4300)

# --------------------------------------------------------------------------- declaring fields
CONFIG = ConfigDict(extra="forbid")

# Markers spec() leaves in a field's metadata for ConfigObject.
PLAIN_TEXT = "plain text"      # a string that names or places something: never an encrypted value
NUMERIC_TEXT = "numeric text"  # a version: YAML reads `engineVersion: 16` as a number, the field keeps its text


def checked(problem: Callable[[Any], Optional[str]]) -> AfterValidator:
    """A validator from a ``problem(value)`` function (None when fine, else what is wrong)."""
    def check(value: Any) -> Any:
        why = problem(value) if value is not None and value != "" else None  # unset: nothing to check
        if why:
            raise PydanticCustomError("check", "{problem}", {"problem": why})
        return value
    return AfterValidator(check)


def matching(pattern: str, *more: Any) -> Any:
    """A non-empty string of at most MAX_STRING characters matching ``pattern`` (a list entry, a map key)."""
    return typing.Annotated[str, Field(min_length=1, max_length=MAX_STRING, pattern=f"^(?:{pattern})$"), *more]


def spec(default: Any = ..., *, doc: str, minimum: float | None = None, maximum: float | None = None,
         pattern: str | None = None, hint: str | None = None, unset: str | None = None,
         default_factory: Callable[[], Any] | None = None, check: Callable[[Any], Optional[str]] | None = None,
         secret: bool = True, numeric_text: bool = False) -> Any:
    """A config field: its doc, default and allowed values, in words (``hint``) for messages and docs.

    ``unset``: what an optional field left unset means.  ``check(value)``: what is wrong with a value the
    type, range and pattern let through.  ``secret=False``: a string that may not be an encrypted value.
    A string field whose default is ``""`` takes empty as unset; any other rejects an empty value."""
    extra = {k: v for k, v in (("hint", hint), ("unset", unset)) if v}
    constraints: dict[str, Any] = {"ge": minimum, "le": maximum}
    if isinstance(default, str) or pattern:
        empty_ok = default == ""
        constraints.update(min_length=0 if empty_ok else 1, max_length=MAX_STRING)
        if pattern:
            constraints["pattern"] = f"^(?:{pattern}){'?' if empty_ok else ''}$"
    if default_factory is not None:
        extra["default"] = to_jsonable_python(default_factory())
        if isinstance(extra["default"], list):
            constraints["max_length"] = MAX_ITEMS
        field = Field(default_factory=default_factory, description=doc, json_schema_extra=extra, **constraints)
    else:
        field = Field(default, description=doc, json_schema_extra=extra or None, **constraints)
    field.metadata += [m for m, on in ((PLAIN_TEXT, not secret), (NUMERIC_TEXT, numeric_text)) if on]
    if check is not None:
        field.metadata.append(checked(check))
    return field


def _unwrapped(tp: Any) -> Any:
    """X for Optional[X], else tp itself."""
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    return args[0] if typing.get_origin(tp) in (typing.Union, types.UnionType) and len(args) == 1 else tp


def _kind(tp: Any) -> Any:
    """bool, int, float or str for a scalar field (a Literal's values' type), else None."""
    tp = _unwrapped(tp)
    if typing.get_origin(tp) is Literal:
        tp = type(typing.get_args(tp)[0])
    return tp if tp in (bool, int, float, str) else None


def plain_only(field: Any) -> bool:
    """A scalar the program needs in plain text: a number, boolean, choice or a PLAIN_TEXT string."""
    return _kind(field.annotation) is not None and not _free_text(field)


def _free_text(field: Any) -> bool:
    return _unwrapped(field.annotation) is str and PLAIN_TEXT not in field.metadata


def _scalar(kind: type, value: Any, numeric_text: bool) -> Any:
    """``value`` as a ``kind`` the way Pulumi config holds one, else a type error."""
    if kind is str and numeric_text and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, bool):
        if kind is bool:
            return value
    elif kind is bool:
        if isinstance(value, str) and value in ("true", "True", "false", "False"):
            return value.lower() == "true"
    elif kind is int:
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and re.fullmatch(rf"[-+]?\d{{1,{MAX_INT_DIGITS}}}", value.strip()):
            return int(value)
    elif kind is float:
        number = None
        try:
            if isinstance(value, (int, float)) or (isinstance(value, str) and len(value) <= 64):
                number = float(value)
        except ValueError:
            pass
        except OverflowError:  # an integer past the float range
            number = math.inf
        if number is not None:
            if not math.isfinite(number):
                raise PydanticCustomError("finite", "not finite")
            return number
    elif isinstance(value, kind):
        return value
    raise PydanticCustomError("type", "wrong type")


def _secret_ok(value: Any, handler: Any) -> Any:
    return value if value == SECRET_PLACEHOLDER else handler(value)


SECRET_OK = WrapValidator(_secret_ok)  # a list entry that may be an encrypted value (checks skipped)


class ConfigObject:
    """Base of the settings dataclasses: Pulumi's scalars and encrypted values, before pydantic's checks."""

    @field_validator("*", mode="wrap")
    @classmethod
    def _pulumi_value(cls, value: Any, handler: Any, info: Any) -> Any:
        field = cls.__pydantic_fields__[info.field_name]  # type: ignore[attr-defined]
        if isinstance(value, str) and value == SECRET_PLACEHOLDER:
            if _free_text(field):
                return value
            raise PydanticCustomError("encrypted", "encrypted")
        kind = _kind(field.annotation)
        if value is None and dataclasses.is_dataclass(field.annotation):
            value = {}  # `key:` with nothing under it: the object's defaults
        elif kind is not None and value is not None:
            value = _scalar(kind, value, NUMERIC_TEXT in field.metadata)
        result = handler(value)
        repeated = [v for i, v in enumerate(result) if v in result[:i] and v != SECRET_PLACEHOLDER] \
            if isinstance(result, list) else []
        if repeated:
            raise PydanticCustomError("repeated", "repeated", {"item": repeated[0]})
        return result


# --------------------------------------------------------------------------- validating
@functools.cache
def _adapter(cls: type) -> TypeAdapter:
    return TypeAdapter(cls)


def validate(cls: type, raw: Any, prefix: str, errors: list[str], context: Any = None) -> Any:
    """``cls`` built from ``raw``, or None with one message per problem added to ``errors``.

    ``prefix`` starts every key path (``microservices-platform:``); ``context`` reaches the validators."""
    try:
        return _adapter(cls).validate_python(raw, context=context)
    except ValidationError as exc:
        errors.extend(error_lines(cls, exc.errors(include_url=False), prefix))
        return None


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
