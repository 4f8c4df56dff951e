"""Derive the provider schema of one resource type from the installed Python SDK.

No JSON schema ships with pulumi_aws or pulumi_awsx (only ``pulumi-plugin.json``), but
both SDKs are generated from the provider schema, so the schema can be read back from
their source - parsed with :mod:`ast`, never imported:

* ``<package>/__init__.py`` registers every resource token with its module and class;
* the resource module defines ``<Class>Args`` (``@pulumi.input_type``): one property per
  input, ``@pulumi.getter(name="camelCase")`` gives the engine's name (no ``name`` = the
  Python name), the getter's return annotation the type, and ``__init__`` parameters without
  a default are the required inputs;
* nested inputs are ``*Args`` classes in ``_inputs.py`` (same shape), enums are
  ``class X(str, Enum)`` in ``_enums.py``, referenced by name (``'XArgs'``, ``'_iam.X'``,
  ``'pulumi_aws.ecs.XArgs'``) through the module's imports.

The result is plain JSON (see :mod:`preflight.schema.check` for the type forms) so it can be
cached on disk.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Optional

Spec = dict[str, Any]

_SCALARS = {"str": "string", "int": "integer", "float": "number", "bool": "boolean", "Any": "any",
            "object": "any", "dict": "object", "list": "array"}
_ASSETS = {"Asset", "Archive", "AssetOrArchive", "FileAsset", "StringAsset", "RemoteAsset", "FileArchive",
           "RemoteArchive", "AssetArchive"}
_WRAPPERS = {"Input", "Optional", "InputType", "NotRequired"}
_RESOURCE_BASES = {"CustomResource", "ComponentResource", "ProviderResource", "Resource"}


def snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


@lru_cache(maxsize=None)
def package_dir(package: str) -> Optional[Path]:
    """Directory of an installed top-level package, located without importing it."""
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


@lru_cache(maxsize=None)
def package_version(package: str) -> str:
    directory = package_dir(package)
    if directory is None:
        return "absent"
    try:
        return str(json.loads((directory / "pulumi-plugin.json").read_text()).get("version", "unknown"))
    except (OSError, ValueError):
        return "unknown"


@lru_cache(maxsize=None)
def token_index(package: str) -> dict[str, tuple[str, str]]:
    """``{type token: (module fqn, class name)}`` from the package's resource registration."""
    directory = package_dir(package)
    if directory is None:
        return {}
    text = (directory / "__init__.py").read_text()
    found = re.search(r'resource_modules="""(.*?)"""', text, re.S)
    if not found:
        return {}
    index = {}
    for entry in json.loads(found.group(1)):
        for token, cls in entry.get("classes", {}).items():
            index[token] = (entry["fqn"], cls)
    return index


@dataclass
class Module:
    """What the reader needs from one parsed SDK module."""

    fqn: str
    path: Path
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # local name -> module fqn
    star: list[str] = field(default_factory=list)  # star-imported module fqns


def _resolve_relative(fqn: str, is_package: bool, level: int, name: Optional[str]) -> str:
    parts = fqn.split(".")
    base = parts if is_package else parts[:-1]
    base = base[: len(base) - (level - 1)] if level > 1 else base
    return ".".join(base + ([name] if name else []))


@lru_cache(maxsize=None)
def module_path(fqn: str) -> Optional[Path]:
    top, *rest = fqn.split(".")
    directory = package_dir(top)
    if directory is None:
        return None
    target = directory.joinpath(*rest)
    if (target / "__init__.py").exists():
        return target / "__init__.py"
    if target.with_suffix(".py").exists():
        return target.with_suffix(".py")
    return None


@lru_cache(maxsize=None)
def load_module(fqn: str) -> Optional[Module]:
    path = module_path(fqn)
    if path is None:
        return None
    tree = ast.parse(path.read_text(), filename=str(path))
    module = Module(fqn, path)
    is_package = path.name == "__init__.py"
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            module.classes[node.name] = node
        elif isinstance(node, ast.ImportFrom):
            source = (_resolve_relative(fqn, is_package, node.level, node.module) if node.level else node.module)
            for alias in node.names:
                if alias.name == "*":
                    module.star.append(source or "")
                else:
                    # `from .. import iam as _iam`: a submodule; `from x import Name`: resolved lazily
                    module.aliases[alias.asname or alias.name] = f"{source}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                module.aliases[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0])
    return module


def _find_class(fqn: str, name: str, seen: Optional[set] = None) -> Optional[tuple[Module, ast.ClassDef]]:
    """Class ``name`` as seen from module ``fqn`` (own classes, then star imports)."""
    seen = seen if seen is not None else set()
    if fqn in seen:
        return None
    seen.add(fqn)
    module = load_module(fqn)
    if module is None:
        return None
    if name in module.classes:
        return module, module.classes[name]
    for source in module.star:
        hit = _find_class(source, name, seen)
        if hit:
            return hit
    return None


def _find_in_package(package_fqn: str, name: str) -> Optional[tuple[Module, ast.ClassDef]]:
    """A class exported by a package: input types live in _inputs.py, enums in _enums.py."""
    for sub in ("_inputs", "_enums"):
        hit = _find_class(f"{package_fqn}.{sub}", name)
        if hit:
            return hit
    return _find_class(package_fqn, name)


def resolve_reference(module: Module, dotted: str) -> Optional[tuple[Module, ast.ClassDef]]:
    """The class a string annotation names, from the point of view of ``module``."""
    head, *rest = dotted.split(".")
    if not rest:
        return _find_class(module.fqn, head)
    target = module.aliases.get(head)
    if target is None:
        return None
    while len(rest) > 1:  # walk subpackages: pulumi_aws.ecs.X
        target, rest = f"{target}.{rest[0]}", rest[1:]
    return _find_in_package(target, rest[0])


def _is_enum(cls: ast.ClassDef) -> bool:
    return any(isinstance(b, (ast.Name, ast.Attribute)) and (getattr(b, "id", None) or b.attr) == "Enum"
               for b in cls.bases)


def _tail_name(node: ast.AST) -> Optional[str]:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


class SchemaReader:
    """Derives resource input shapes and the nested types they reference (memoised)."""

    def __init__(self) -> None:
        self.types: dict[str, Spec] = {}

    # ---- resources ----
    def resource(self, token: str) -> Optional[Spec]:
        """``{"properties": {camel: spec}, "required": [camel]}`` for a type token; None if unknown."""
        package = {"aws": "pulumi_aws", "awsx": "pulumi_awsx"}.get(token.split(":")[0])
        if package is None:
            return None
        located = token_index(package).get(token)
        if located is None:
            return None
        fqn, cls_name = located
        hit = self._resource_module(fqn, token, cls_name)
        if hit is None:
            return None
        module, args_cls = hit
        return self._object(module, args_cls)

    def _resource_module(self, package_fqn: str, token: str, cls_name: str):
        mod = token.split(":")[1]
        candidates = []
        if "/" in mod:
            candidates.append(f"{package_fqn}.{snake_case(mod.split('/')[-1])}")
        candidates.append(f"{package_fqn}.{snake_case(cls_name)}")
        directory = module_path(package_fqn)
        others = [f"{package_fqn}.{p.stem}" for p in sorted(directory.parent.glob("*.py"))] if directory else []
        for fqn in candidates + others:
            module = load_module(fqn)
            if module is None or cls_name not in module.classes:
                continue
            # `<Class>InitArgs` when an input type of the package is already called `<Class>Args`
            for args_name in (f"{cls_name}InitArgs", f"{cls_name}Args"):
                if args_name in module.classes:
                    return module, module.classes[args_name]
        return None

    # ---- classes ----
    def _object(self, module: Module, cls: ast.ClassDef) -> Spec:
        properties: dict[str, Spec] = {}
        python_to_engine: dict[str, str] = {}
        for node in cls.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            getter = next((d for d in node.decorator_list if _tail_name(getattr(d, "func", d)) == "getter"), None)
            if getter is None:
                continue
            engine_name = node.name
            if isinstance(getter, ast.Call):
                for kw in getter.keywords:
                    if kw.arg == "name" and isinstance(kw.value, ast.Constant):
                        engine_name = kw.value.value
            python_to_engine[node.name] = engine_name
            properties[engine_name] = self._annotation(module, node.returns)
        required = []
        init = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
        if init is not None:
            params = init.args.kwonlyargs
            for param, default in zip(params, init.args.kw_defaults):
                if default is None and param.arg in python_to_engine:
                    required.append(python_to_engine[param.arg])
        return {"properties": properties, "required": sorted(required)}

    def _type_ref(self, module: Module, dotted: str) -> Spec:
        hit = resolve_reference(module, dotted)
        if hit is None:
            return {"type": "any", "unresolved": dotted}
        target_module, cls = hit
        if any(_tail_name(b) in _RESOURCE_BASES for b in cls.bases):
            # a resource reference (awsx takes aws resources): the engine hands the pack its id or URN
            return {"type": "any", "resource": dotted}
        type_id = f"{target_module.fqn}.{cls.name}"
        if type_id not in self.types:
            self.types[type_id] = {}  # placeholder: recursive types terminate
            if _is_enum(cls):
                self.types[type_id] = {"enum": _enum_values(cls), "name": _type_token(cls) or cls.name}
            else:
                self.types[type_id] = self._object(target_module, cls)
        return {"$ref": type_id}

    def _annotation(self, module: Module, node: Optional[ast.AST]) -> Spec:
        if node is None:
            return {"type": "any"}
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            try:
                inner = ast.parse(text, mode="eval").body
            except SyntaxError:
                return {"type": "any", "unresolved": text}
            if isinstance(inner, (ast.Name, ast.Attribute)):
                return self._type_ref(module, text)
            return self._annotation(module, inner)
        if isinstance(node, ast.Constant) and node.value is None:
            return {"type": "null"}
        if isinstance(node, (ast.Name, ast.Attribute)):
            name = _tail_name(node)
            if name in _SCALARS:
                return {"type": _SCALARS[name]}
            if name in _ASSETS:
                return {"type": "asset"}
            return self._type_ref(module, ast.unparse(node))
        if isinstance(node, ast.Subscript):
            outer = _tail_name(node.value)
            args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            if outer in _WRAPPERS:
                return self._annotation(module, args[0])
            if outer in ("Sequence", "List", "list"):
                return {"type": "array", "items": self._annotation(module, args[0])}
            if outer in ("Mapping", "Dict", "dict"):
                return {"type": "object", "additionalProperties": self._annotation(module, args[-1])}
            if outer == "Union":
                return {"oneOf": [self._annotation(module, a) for a in args]}
        return {"type": "any", "unresolved": ast.unparse(node)}


def _enum_values(cls: ast.ClassDef) -> list:
    values = []
    for node in cls.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            values.append(node.value.value)
    return values


def _type_token(cls: ast.ClassDef) -> Optional[str]:
    for deco in cls.decorator_list:
        if isinstance(deco, ast.Call) and _tail_name(deco.func) == "type_token" and deco.args:
            arg = deco.args[0]
            if isinstance(arg, ast.Constant):
                return arg.value
    return None
