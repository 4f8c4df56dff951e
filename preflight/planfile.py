"""Saved plans (``check --plan``, ``cost --plan``, ``--base``): read and validate before judging.

A plan is the ``--json`` result of a run (or a hand-edited copy): an object with
a non-empty ``resources`` list.  Everything the later steps rely on is checked here, so a
malformed plan is an exit-2 message and never a traceback or a hang:

- every resource is an object with a string ``urn`` of the engine's form
  ``urn:pulumi:<stack>::<project>::<qualified type>::<name>`` and a ``type``
  that matches the URN's type; ``name`` (when given) matches it too;
- URNs are unique;
- ``parent``, ``dependencies``, ``propertyDependencies`` and ``provider`` name
  resources of the plan (a provider reference is ``<urn>::<id>``);
- parents form no cycle (the tier lookup would never end);
- ``inputs`` is an object, nested at most MAX_INPUT_DEPTH levels;
- an engine signature object in the inputs (``{"4dabf...": <signature>, ...}``) is one the engine
  reads, and a secret marker carries its ``value`` (without it the engine's unmarshaling fails:
  "Invalid secret encountered");
- ``stack`` / ``project`` are plain names (the stack picks the policy config file) and are the
  stack and project every URN names: a prod plan relabelled "dev" would be held to dev's policy
  config and cap.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator, Optional

from .exits import InputErrors, InputError, show
from .jsonfile import depth, read_json
from .mocks import OUTPUT_SIG, RESOURCE_SIG, SECRET_SIG, SIG_KEY

MAX_PLAN_BYTES = 256 * 1024 * 1024   # a 100-service plan is about 8 MB
MAX_RESOURCES = 50_000
MAX_INPUT_DEPTH = 48
NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")   # stack and project names as Pulumi allows them
URN = re.compile(r"urn:pulumi:(?P<stack>[^:]+)::(?P<project>[^:]+)::(?P<type>[^:]+(?::[^:]+)*?)::(?P<name>.+)", re.S)
BOOL_FIELDS = ("custom", "remote", "protect", "retainOnDelete", "deleteBeforeReplace")


def urn_parts(urn: str) -> Optional[dict[str, str]]:
    """stack, project, type (the last segment of the qualified type) and name of a URN, or None."""
    m = URN.fullmatch(urn)
    if not m:
        return None
    parts = m.groupdict()
    parts["type"] = parts["type"].split("$")[-1]
    return parts


# Signatures of the engine's special values (sdk/go/common/resource/sig): asset, archive, secret,
# resource reference, output value.
_ASSET_SIG, _ARCHIVE_SIG = "c44067f5952c0a294b673a41bacd8c17", "0def7320c3a5731c473e5ecbe6d01bc7"
_SIGNATURES = (_ASSET_SIG, _ARCHIVE_SIG, SECRET_SIG, RESOURCE_SIG, OUTPUT_SIG)


def _marker_problems(value: Any, path: str) -> Iterator[str]:
    """Signature objects in ``value`` the engine would refuse to unmarshal (depth is bounded by the caller)."""
    if isinstance(value, dict):
        if SIG_KEY in value:
            sig = value[SIG_KEY]
            if sig not in _SIGNATURES:
                yield (f"{path}: signature {show(sig)} is none the engine knows; allowed: a secret "
                       f"{{\"{SIG_KEY}\": \"{SECRET_SIG}\", \"value\": ...}} or a plain value")
                return
            if sig == SECRET_SIG and "value" not in value:
                yield (f"{path}: a secret marker without 'value'; allowed: {{\"{SIG_KEY}\": \"{SECRET_SIG}\", "
                       f"\"value\": <the secret value>}}")
                return
        for k, v in value.items():
            yield from _marker_problems(v, f"{path}.{k}")
    elif isinstance(value, list):
        for n, v in enumerate(value):
            yield from _marker_problems(v, f"{path}[{n}]")


def _resource_problems(i: int, r: Any) -> Iterator[str]:
    where = f"resources[{i}]"
    if not isinstance(r, dict):
        yield f"{where}: is {type(r).__name__}; allowed: an object"
        return
    urn = r.get("urn")
    if not isinstance(urn, str) or not urn:
        yield f"{where}.urn: got {show(urn)}; allowed: a URN string urn:pulumi:<stack>::<project>::<type>::<name>"
        return
    where = f"resources[{i}] ({show(urn, 100)})"
    parts = urn_parts(urn)
    if parts is None:
        yield f"{where}.urn: not a Pulumi URN; allowed: urn:pulumi:<stack>::<project>::<type>::<name>"
        return
    rtype = r.get("type")
    if not isinstance(rtype, str) or not rtype:
        yield f"{where}.type: got {show(rtype)}; allowed: the type token of the URN ({show(parts['type'])})"
    elif rtype != parts["type"]:
        yield f"{where}.type: {show(rtype)} differs from the URN's type; allowed: {show(parts['type'])}"
    name = r.get("name", parts["name"])
    if name != parts["name"]:
        yield f"{where}.name: got {show(name)}; allowed: the URN's name ({show(parts['name'])})"
    inputs = r.get("inputs", {})
    if inputs is not None and not isinstance(inputs, dict):
        yield f"{where}.inputs: is {type(inputs).__name__}; allowed: an object"
    elif inputs and depth(inputs, MAX_INPUT_DEPTH) > MAX_INPUT_DEPTH:
        yield f"{where}.inputs: nested more than {MAX_INPUT_DEPTH} levels; allowed: at most {MAX_INPUT_DEPTH}"
    elif inputs:
        yield from _marker_problems(inputs, f"{where}.inputs")
    for key in BOOL_FIELDS:
        if key in r and r[key] is not None and not isinstance(r[key], bool):
            yield f"{where}.{key}: got {show(r[key])}; allowed: true or false"
    parent = r.get("parent")
    if parent is not None and not isinstance(parent, str):
        yield f"{where}.parent: got {show(parent)}; allowed: null or the URN of another resource"
    deps = r.get("dependencies", [])
    if deps is not None and (not isinstance(deps, list) or not all(isinstance(d, str) for d in deps)):
        yield f"{where}.dependencies: got {show(deps)}; allowed: a list of URNs"
    pdeps = r.get("propertyDependencies", {})
    if pdeps is not None and (not isinstance(pdeps, dict) or not all(
            isinstance(v, list) and all(isinstance(u, str) for u in v) for v in pdeps.values())):
        yield f"{where}.propertyDependencies: got {show(pdeps)}; allowed: an object of URN lists"
    provider = r.get("provider", "")
    if provider is not None and not isinstance(provider, str):
        yield f"{where}.provider: got {show(provider)}; allowed: a provider reference <urn>::<id> or \"\""


def _reference_problems(resources: list[dict]) -> Iterator[str]:
    urns = {r["urn"] for r in resources}
    for r in resources:
        where = f"resource {show(r['urn'], 100)}"
        parent = r.get("parent")
        if parent and parent not in urns:
            yield f"{where}: parent {show(parent, 100)} is not in the plan; allowed: null or a URN of the plan"
        for d in r.get("dependencies") or []:
            if d not in urns:
                yield f"{where}: depends on {show(d, 100)}, which is not in the plan; allowed: URNs of the plan"
        for prop, deps in sorted((r.get("propertyDependencies") or {}).items()):
            for d in deps:
                if d not in urns:
                    yield (f"{where}: property {show(prop)} depends on {show(d, 100)}, which is not in the plan; "
                           "allowed: URNs of the plan")
        provider = r.get("provider") or ""
        if provider and provider.rsplit("::", 1)[0] not in urns:
            yield f"{where}: provider {show(provider, 100)} is not in the plan; allowed: <urn of a provider>::<id>"


def _label_problems(doc: dict[str, Any], resources: list[dict]) -> Iterator[str]:
    """The plan's ``stack`` and ``project`` agree with the URNs (one stack and project for all of them)."""
    for key in ("stack", "project"):
        named = sorted({urn_parts(r["urn"])[key] for r in resources})  # type: ignore[index]
        if len(named) > 1:
            yield f"{key}: the URNs name {len(named)} {key}s ({show(', '.join(named), 120)}); allowed: one"
        elif named and isinstance(doc.get(key), str) and doc[key] != named[0]:
            yield (f"{key}: {show(doc[key])} differs from the {key} of the plan's URNs ({show(named[0])}); "
                   f"allowed: {show(named[0])}")


def parent_cycles(resources: list[dict]) -> list[list[str]]:
    """Each parent cycle once, as the list of URNs on it (a resource that is its own parent is a cycle of 1)."""
    parent = {r["urn"]: r.get("parent") for r in resources}
    state: dict[str, int] = {}   # 1 = on the current path, 2 = done
    cycles = []
    for start in sorted(parent):
        path: list[str] = []
        node: Optional[str] = start
        while node in parent and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = parent[node]
        if node in parent and state.get(node) == 1:
            cycles.append(path[path.index(node):])
        for n in path:
            state[n] = 2
    return cycles


def validate_plan(doc: Any, what: str) -> dict[str, Any]:
    """``doc`` if it is a usable plan, else InputError(s) naming ``what``."""
    if not isinstance(doc, dict):
        raise InputError(what, f"the document is {type(doc).__name__}", "a JSON object with a 'resources' list")
    resources = doc.get("resources")
    if not isinstance(resources, list):
        raise InputError(what, f"'resources' is {show(resources) if resources is None else type(resources).__name__}",
                         "a list of resource objects (the --json output of a run)")
    if not resources:   # judged, it would "pass" at $0.00: nothing was checked
        raise InputError(what, "'resources' is empty", "the resources of a run (the --json output of a run)")
    if len(resources) > MAX_RESOURCES:
        raise InputError(what, f"{len(resources):,} resources", f"at most {MAX_RESOURCES:,}")
    problems: list[str] = []
    for key in ("stack", "project"):
        if key in doc and (not isinstance(doc[key], str) or not NAME.fullmatch(doc[key])):
            problems.append(f"{key}: got {show(doc[key])}; allowed: letters, digits, '_', '.', '-' (1-100)")
    if "outputs" in doc and not isinstance(doc["outputs"], dict):
        problems.append(f"outputs: is {type(doc['outputs']).__name__}; allowed: an object")
    for i, r in enumerate(resources):
        problems.extend(_resource_problems(i, r))
    if problems:
        raise InputErrors(what, problems)
    problems.extend(_label_problems(doc, resources))
    seen: dict[str, int] = {}
    for i, r in enumerate(resources):
        if r["urn"] in seen:
            problems.append(f"resources[{i}]: URN {show(r['urn'], 100)} already used by resources[{seen[r['urn']]}]; "
                            "allowed: each URN once")
        seen.setdefault(r["urn"], i)
    problems.extend(_reference_problems(resources))
    for cycle in parent_cycles(resources):
        names = " -> ".join(urn_parts(u)["name"] for u in cycle + cycle[:1])  # type: ignore[index]
        problems.append(f"parent cycle of {len(cycle)}: {show(names, 200)}; allowed: parents that end at the stack")
    if problems:
        raise InputErrors(what, problems)
    return doc


def load_plan(path: str | Path, flag: str = "--plan") -> dict[str, Any]:
    """Read and validate the plan at ``path``; ``flag`` names the option in messages."""
    what = f"{flag} {show(str(path), 120)}"
    return validate_plan(read_json(path, what, max_bytes=MAX_PLAN_BYTES), what)
