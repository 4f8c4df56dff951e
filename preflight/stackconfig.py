"""Load a stack's committed config the way the Pulumi CLI hands it to a program, and validate it.

What the Pulumi CLI does (pulumi/pulumi, read 2026-11):

- ``Pulumi.<stack>.yaml`` keys are ``<namespace>:<name>`` (sdk/go/common/resource/config/key.go,
  ``ParseKey``); a value is a scalar, an object or a list, and ``{secure: <ciphertext>}`` at any
  depth is an encrypted string (config/object.go, ``isSecureValue``).
- ``pulumi config set --path a.b[0].c v`` edits that one value inside the stack's object
  ``a``, creating maps and lists on the way; ``true``/``false`` become booleans and digit
  strings without a leading zero integers; a path through a scalar below the first level is an
  error ("expected a map"), at the first level the scalar is replaced (config/object.go,
  ``object.Set`` and ``coerce``).  ``--secret`` stores ``{secure: ...}`` at the path.
- Project config in ``Pulumi.yaml`` (``default:``/``value:``) fills only the keys the stack does
  not set, whole (sdk/go/common/workspace/config.go, ``mergeConfig``).
- The program gets a flat map ``namespace:key`` -> string, objects and lists as JSON text, all
  secrets decrypted, and the list of keys holding any secret (pkg/resource/deploy/source_eval.go:
  ``Config.Decrypt`` and ``Config.SecureKeys``; the Python language host passes them as
  ``PULUMI_CONFIG`` and ``PULUMI_CONFIG_SECRET_KEYS``, sdk/python/cmd/pulumi-language-python).

Preflight cannot decrypt, so an encrypted value becomes ``SECRET_PLACEHOLDER`` and its key is
reported secret.  Reading is bounded (file size, values after YAML alias expansion, depth) and
strict where Pulumi is (YAML 1.2 booleans, duplicate keys), so preflight never accepts a file
the CLI would refuse.  ``validate()`` runs all of it plus the settings validation, before any
mock run.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import yaml

from components.config.schema import SECRET_PLACEHOLDER, clip, format_problems, show

MAX_FILE_BYTES = 256 * 1024   # a stack file is a few KiB; this is 50 times the committed ones
MAX_VALUES = 10_000           # values after YAML alias expansion (an alias bomb is billions)
MAX_DEPTH = 16                # nesting (the deepest setting, services.<name>.<key>, is 4)
STACK_FILE_KEYS = ("config", "environment", "secretsprovider", "encryptedkey", "encryptionsalt")


class UsageError(Exception):
    """Bad command line or missing stack file (exit code 2)."""


class ConfigError(UsageError):
    """The stack config is invalid (exit code 2): ``problems`` has one line per offending key."""

    def __init__(self, problems: list[str], title: str = "invalid stack config"):
        self.problems = list(problems)
        super().__init__(format_problems(title, self.problems))


# --------------------------------------------------------------------------- YAML as Pulumi reads it
class _PulumiYamlLoader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2 core scalars (what Pulumi's Go YAML library reads):
    only true/false are booleans ("yes", "on" stay strings), no sexagesimal numbers, dates stay
    strings; and a key given twice is an error, as it is for Pulumi."""


_IMPLICIT = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
             "tag:yaml.org,2002:timestamp"}
_PulumiYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _IMPLICIT]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_PulumiYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_PulumiYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789"))
_PulumiYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))


def _construct_int(loader: yaml.SafeLoader, node: yaml.Node) -> int:
    text = loader.construct_scalar(node)
    return int(text, 0) if text[:2] in ("0o", "0x") else int(text, 10)


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict:
    loader.flatten_mapping(node)
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=False)
        try:
            duplicate = key in seen
        except TypeError:
            raise yaml.constructor.ConstructorError(None, None, "found a list or map used as a key",
                                                    key_node.start_mark) from None
        if duplicate:
            raise yaml.constructor.ConstructorError(None, None, f"the key {show(key)} is given twice",
                                                    key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_PulumiYamlLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_PulumiYamlLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def _count_values(value: Any, where: str, budget: list[int], depth: int = 0) -> None:
    """Walk ``value`` as its aliases expand; stop at MAX_VALUES values or MAX_DEPTH levels."""
    budget[0] -= 1
    if budget[0] < 0:
        raise ConfigError([f"{where}: more than {MAX_VALUES} values once YAML aliases are expanded; allowed: "
                           f"a plain stack file (anchors and aliases expanding to at most {MAX_VALUES} values)"],
                          f"cannot read {where}")
    if depth > MAX_DEPTH:
        raise ConfigError([f"{where}: nested more than {MAX_DEPTH} levels deep (or a YAML alias refers to "
                           f"itself); allowed: the shape in docs/configuration.md"], f"cannot read {where}")
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for child in children:
        _count_values(child, where, budget, depth + 1)


def read_yaml(path: Path) -> Any:
    """A YAML file, bounded in size and expansion, read with Pulumi's YAML rules."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ConfigError([f"{path.name}: {size} bytes; allowed: at most {MAX_FILE_BYTES} bytes"],
                              f"cannot read {path.name}")
        text = path.read_bytes().decode("utf-8")
        doc = yaml.load(text, Loader=_PulumiYamlLoader)  # noqa: S506 - a SafeLoader subclass
    except UnicodeDecodeError:
        raise ConfigError([f"{path.name}: not UTF-8 text; allowed: a UTF-8 YAML file"],
                          f"cannot read {path.name}") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise ConfigError([f"{path.name}: {where}{clip(str(problem), 200)}; allowed: valid YAML"],
                          f"cannot read {path.name}") from None
    except OSError as err:
        raise UsageError(f"cannot read {path.name}: {clip(str(err), 200)}") from None
    except RecursionError:
        raise ConfigError([f"{path.name}: nested too deeply; allowed: at most {MAX_DEPTH} levels"],
                          f"cannot read {path.name}") from None
    _count_values(doc, path.name, [MAX_VALUES])
    return doc


# --------------------------------------------------------------------------- project and stack files
def project_name(root: Path) -> str:
    doc = read_yaml(root / "Pulumi.yaml")
    if not isinstance(doc, dict) or not isinstance(doc.get("name"), str):
        raise ConfigError(["Pulumi.yaml: no project `name`; allowed: a mapping with a `name:` string"],
                          "cannot read Pulumi.yaml")
    return doc["name"]


def stacks(root: Path) -> list[str]:
    """Committed stacks, prod first."""
    names = sorted(p.name[len("Pulumi."):-len(".yaml")] for p in root.glob("Pulumi.*.yaml"))
    return sorted(names, key=lambda n: (n != "prod", n))


def _as_config_string(value: Any) -> str:
    """A value as the program receives it: scalars as text, objects and lists as JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def _full_key(key: str, project: str) -> Optional[str]:
    """``ns:name`` as Pulumi parses stack keys (``ns:config:name`` is an old form); None if invalid."""
    parts = key.split(":")
    if len(parts) == 2 and all(parts):
        return key
    if len(parts) == 3 and parts[1] == "config" and parts[0] and parts[2]:
        return f"{parts[0]}:{parts[2]}"
    return None


def _decrypt_placeholders(value: Any, path: str, problems: list[str]) -> Any:
    """``{secure: ciphertext}`` at any depth -> SECRET_PLACEHOLDER; keys must be strings."""
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            if isinstance(value["secure"], str) and value["secure"]:
                return SECRET_PLACEHOLDER
            problems.append(f"{path}: `secure:` holds {show(value['secure'])}; allowed: the ciphertext "
                            f"`pulumi config set --secret` writes")
            return None
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                problems.append(f"{path}: the key {show(k)} is not a string; allowed: quoted names")
                continue
            out[k] = _decrypt_placeholders(v, f"{path}.{clip(k, 80)}", problems)
        return out
    if isinstance(value, list):
        return [_decrypt_placeholders(v, f"{path}[{i}]", problems) for i, v in enumerate(value)]
    return value


def _project_defaults(project: dict, name: str, problems: list[str]) -> dict[str, Any]:
    """Pulumi.yaml `config:`: `key: value` or `key: {type, default|value, ...}`."""
    block = project.get("config") or {}
    if not isinstance(block, dict):
        problems.append(f"Pulumi.yaml: `config:` is {show(block)}; allowed: a mapping of keys")
        return {}
    out: dict[str, Any] = {}
    for key, decl in block.items():
        if not isinstance(key, str) or not key:
            problems.append(f"Pulumi.yaml: config key {show(key)}; allowed: a string")
            continue
        full = key if ":" in key else f"{name}:{key}"
        if isinstance(decl, dict) and ("default" in decl or "value" in decl or "type" in decl):
            value = decl.get("value", decl.get("default"))
            if value is not None:
                out[full] = value
        else:
            out[full] = decl
    return out


def _stack_values(doc: Any, file: str, project: str, problems: list[str]) -> dict[str, Any]:
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        problems.append(f"{file}: got {show(doc)}; allowed: a mapping with a `config:` mapping")
        return {}
    for key in doc:
        if key not in STACK_FILE_KEYS:
            problems.append(f"{file}: unknown top-level key {show(key)}; allowed: {', '.join(STACK_FILE_KEYS)}")
    config = doc.get("config")
    if config is None:
        return {}
    if not isinstance(config, dict):
        problems.append(f"{file}: `config:` is {show(config)}; allowed: a mapping of `namespace:key` to values")
        return {}
    values: dict[str, Any] = {}
    for key, value in config.items():
        full = _full_key(key, project) if isinstance(key, str) else None
        if full is None:
            hint = f" (write {project}:{key})" if isinstance(key, str) and ":" not in key else ""
            problems.append(f"{file}: config key {show(key)}{hint}; allowed: `<namespace>:<name>`, "
                            f"e.g. {project}:azCount")
            continue
        values[full] = _decrypt_placeholders(value, full, problems)
    return values


# --------------------------------------------------------------------------- --set, as `pulumi config set --path`
_INDEX = re.compile(r"\[(\d+)\]")
_QUOTED = re.compile(r'\["((?:[^"\\]|\\.)*)"\]')


def parse_path(text: str) -> list[Any]:
    """``a.b[0]["c.d"]`` -> ["a", "b", 0, "c.d"] (Pulumi property-path syntax); ValueError if malformed."""
    segments: list[Any] = []
    i = 0
    expect_name = True
    while i < len(text):
        if text[i] == "[":
            m = _INDEX.match(text, i) or _QUOTED.match(text, i)
            if not m:
                raise ValueError(f"bad index at {text[i:i + 10]!r} (use [0] or [\"name\"])")
            segments.append(int(m.group(1)) if m.re is _INDEX else json.loads(f'"{m.group(1)}"'))
            i = m.end()
            expect_name = False
        elif text[i] == ".":
            if expect_name:
                raise ValueError("an empty name between dots")
            i += 1
            expect_name = True
        else:
            m = re.compile(r"[^.\[]+").match(text, i)
            assert m is not None
            if not expect_name:
                raise ValueError(f"missing '.' before {m.group(0)[:20]!r}")
            segments.append(m.group(0))
            i = m.end()
            expect_name = False
    if expect_name:
        raise ValueError("the path is empty or ends with '.'")
    if not isinstance(segments[0], str):
        raise ValueError("the path must start with a key name")
    return segments


def _override_value(text: str, item: str) -> Any:
    """Like `pulumi config set --path`: true/false -> booleans, digits without a leading zero ->
    integers; preflight also takes a JSON object or list.  Anything else stays a string."""
    if text in ("true", "false"):
        return text == "true"
    if re.fullmatch(r"-?[1-9]\d{0,17}|0", text):
        return int(text)
    if text[:1] in ("{", "["):
        try:
            return json.loads(text)
        except (json.JSONDecodeError, RecursionError) as err:
            raise UsageError(f"--set {clip(item, 120)}: the value starts like JSON but is not valid JSON "
                             f"({clip(str(err), 80)}); allowed: a JSON object or list, or plain text") from None
    return text


def _describe(value: Any) -> str:
    return "a list" if isinstance(value, list) else "an object" if isinstance(value, dict) else \
        f"the value {show(value)}"


def apply_override(values: dict[str, Any], item: str, project: str) -> None:
    """Apply one ``--set key=value`` to the stack's config values, as `pulumi config set --path`."""
    if "=" not in item:
        raise UsageError(f"--set expects key=value, got {show(item)}; allowed: key=value, e.g. azCount=2")
    key, text = item.split("=", 1)
    key = key.strip()
    namespace, _, name = key.rpartition(":") if ":" in key else (project, "", key)
    if not name or not namespace:
        raise UsageError(f"--set {clip(item, 120)}: empty key; allowed: key=value, e.g. azCount=2 or "
                         f"services.order.cpu=1024")
    try:
        path = parse_path(name)
    except ValueError as err:
        raise UsageError(f"--set {clip(item, 120)}: bad key path ({err}); allowed: dotted names and [index], "
                         f"e.g. kafka.clients[0]=order") from None
    full = f"{namespace}:{path[0]}"
    if len(path) == 1:
        values[full] = text if not text[:1] in ("{", "[") else _override_value(text, item)
        return
    value = _override_value(text, item)
    current = values.get(full)
    if not isinstance(current, (dict, list)):
        current = [] if isinstance(path[1], int) else {}  # Pulumi replaces a first-level scalar
    values[full] = current
    node: Any = current
    walked = path[0]
    for seg, nxt in zip(path[1:], path[2:] + [None]):
        child_default = None if nxt is None else ([] if isinstance(nxt, int) else {})
        if isinstance(seg, int):
            if not isinstance(node, list):
                raise UsageError(f"--set {clip(item, 120)}: {walked} is {_describe(node)}, not a list; "
                                 f"allowed: a key inside it, e.g. {walked}.<key>")
            if seg > len(node):
                raise UsageError(f"--set {clip(item, 120)}: index {seg} is past the end of {walked} "
                                 f"({len(node)} entries in the stack file); allowed: 0 to {len(node)}")
            if seg == len(node):
                node.append(child_default)
        elif not isinstance(node, dict):
            raise UsageError(f"--set {clip(item, 120)}: {walked} is {_describe(node)}, not an object; "
                             f"allowed: a path that ends at {walked}")
        elif seg not in node or node[seg] is None:
            node[seg] = child_default
        walked += f"[{seg}]" if isinstance(seg, int) else f".{seg}"
        if nxt is None:
            node[seg] = value
        else:
            node = node[seg]
            if node is not None and not isinstance(node, (dict, list)):
                raise UsageError(f"--set {clip(item, 120)}: {walked} is {_describe(node)}, not an object or "
                                 f"list; allowed: a path that ends at {walked}")


# --------------------------------------------------------------------------- putting it together
def _holds_secret(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_holds_secret(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_secret(v) for v in value)
    return value == SECRET_PLACEHOLDER


@dataclass
class StackConfig:
    """What the program of ``stack`` receives: the flat config map and the secret keys; ``settings``
    once validated (read and validated once per run, then handed on)."""

    stack: str
    project: str
    config: dict[str, str]
    secret_keys: list[str] = field(default_factory=list)
    settings: Any = None

    def program_input(self) -> dict[str, Any]:
        """What the mock run's child process needs (JSON)."""
        return {"stack": self.stack, "project": self.project, "config": self.config, "secret_keys": self.secret_keys}


def read_stack_config(root: Path, stack: str, overrides: Optional[list[str]] = None) -> StackConfig:
    """Pulumi.yaml + Pulumi.<stack>.yaml + ``--set`` overrides, as the program will see them."""
    stack_file = root / f"Pulumi.{stack}.yaml"
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,100}", stack) or not stack_file.exists():
        raise UsageError(f"no stack file Pulumi.{clip(stack, 60)}.yaml; committed stacks: "
                         f"{', '.join(stacks(root)) or 'none'}")
    project_doc = read_yaml(root / "Pulumi.yaml")
    name = project_name(root)
    problems: list[str] = []
    defaults = _project_defaults(project_doc, name, problems)
    values = _stack_values(read_yaml(stack_file), stack_file.name, name, problems)
    if problems:
        raise ConfigError(problems, f"invalid stack file {stack_file.name}")
    for item in overrides or []:
        apply_override(values, item, name)
    merged = {**defaults, **values}
    config = {k: _as_config_string(v) for k, v in merged.items()}
    secret_keys = sorted(k for k, v in merged.items() if _holds_secret(v))
    return StackConfig(stack=stack, project=name, config=config, secret_keys=secret_keys)


def load_stack_config(root: Path, stack: str, overrides: list[str] | None = None) -> tuple[dict[str, str], list[str]]:
    """Return (config map, secret keys) for ``stack``, with ``--set key=value`` overrides."""
    sc = read_stack_config(root, stack, overrides)
    return sc.config, sc.secret_keys


def validated_stack(root: Path, stack: str, overrides: Optional[list[str]] = None) -> StackConfig:
    """Read and validate ``stack``'s config before any mock run: its StackConfig with the Settings
    the program will build from (``notes`` on checks skipped for encrypted values).  Raises
    UsageError (bad ``--set``, missing stack) or ConfigError (invalid YAML or settings); both mean
    exit code 2, and ``str(err)`` is a bounded message naming each offending key and what is allowed."""
    from components.config.settings import SettingsError, parse_settings

    sc = read_stack_config(root, stack, overrides)
    try:
        sc.settings = parse_settings(sc.config, stack, sc.secret_keys)
    except SettingsError as err:
        raise ConfigError(err.errors) from None
    return sc


def validate(root: Path, stack: str, overrides: Optional[list[str]] = None) -> Any:
    """The Settings of ``validated_stack``."""
    return validated_stack(root, stack, overrides).settings

