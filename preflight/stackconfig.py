"""Load a stack's committed config the way the Pulumi CLI hands it to a program.

Pulumi.yaml's ``config:`` block gives project defaults (``default:``) and
project-wide values (``value:``); ``Pulumi.<stack>.yaml`` overrides them.  The
program receives a flat map of ``namespace:key`` to string (objects as JSON
text).  ``secure:`` values cannot be decrypted offline, so they become a
placeholder marked secret.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

SECRET_PLACEHOLDER = "[secret-placeholder]"


class UsageError(Exception):
    """Bad command line or missing stack file (exit code 2)."""


def _as_config_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as err:
        raise UsageError(f"cannot read {path.name}: {err}") from None


def project_name(root: Path) -> str:
    return str(_read_yaml(root / "Pulumi.yaml")["name"])


def stacks(root: Path) -> list[str]:
    """Committed stacks, prod first."""
    names = sorted(p.name[len("Pulumi."):-len(".yaml")] for p in root.glob("Pulumi.*.yaml"))
    return sorted(names, key=lambda n: (n != "prod", n))


def load_stack_config(root: Path, stack: str, overrides: list[str] | None = None) -> tuple[dict[str, str], list[str]]:
    """Return (config map, secret keys) for ``stack``, with ``--set key=value`` overrides."""
    project_file = root / "Pulumi.yaml"
    stack_file = root / f"Pulumi.{stack}.yaml"
    if not stack_file.exists():
        raise UsageError(f"no stack file {stack_file.name}; committed stacks: {', '.join(stacks(root)) or 'none'}")
    project = _read_yaml(project_file)
    name = project["name"]
    config: dict[str, str] = {}
    secrets: list[str] = []

    def full_key(key: str) -> str:
        return key if ":" in key else f"{name}:{key}"

    for key, decl in (project.get("config") or {}).items():
        if isinstance(decl, dict) and ("default" in decl or "value" in decl or "type" in decl):
            value = decl.get("value", decl.get("default"))
            if value is not None:
                config[full_key(key)] = _as_config_string(value)
        else:  # short form `key: value`
            config[full_key(key)] = _as_config_string(decl)

    stack_doc = _read_yaml(stack_file) or {}
    if not isinstance(stack_doc, dict) or not isinstance(stack_doc.get("config") or {}, dict):
        raise UsageError(f"{stack_file.name}: expected a mapping with a `config:` mapping")
    for key, value in (stack_doc.get("config") or {}).items():
        k = full_key(key)
        if isinstance(value, dict) and set(value) == {"secure"}:
            config[k] = SECRET_PLACEHOLDER
            secrets.append(k)
        else:
            config[k] = _as_config_string(value)

    for item in overrides or []:
        if "=" not in item:
            raise UsageError(f"--set expects key=value, got {item!r}")
        key, value = item.split("=", 1)
        key = key.strip()
        if "." in key and not key.startswith("aws:"):
            # --set multiAz.database=false: a path inside an object key, like `pulumi config set --path`.
            top, *path = key.split(".")
            k = full_key(top)
            try:
                obj = json.loads(config.get(k, "{}"))
            except json.JSONDecodeError:
                obj = {}
            if not isinstance(obj, dict):
                raise UsageError(f"--set {key}: {top} is not an object")
            node = obj
            for part in path[:-1]:
                node = node.setdefault(part, {})
            node[path[-1]] = _parse_scalar(value)
            config[k] = json.dumps(obj)
        else:
            config[full_key(key)] = value
    return config, secrets


def _parse_scalar(text: str) -> Any:
    """Like `pulumi config set --path`: true/false become booleans and integers
    numbers; we also take JSON objects/lists.  Anything else ("8.0") stays a string."""
    if text in ("true", "false"):
        return text == "true"
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if text[:1] in ("{", "["):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return text
    return text
