"""``python -m preflight export``: the recorded plan as a Pulumi stack export (deployment version 3),
which ``pulumi stack import`` loads into a stack, so ``pulumi policy analyze`` can judge the same
resources with the engine's own policy run (docs/preflight.md, "Export").

The shape is pulumi/pulumi ``sdk/go/common/apitype/core.go`` (``UntypedDeployment``, ``DeploymentV3``,
``ManifestV1``, ``ResourceV3``, ``SecretV1``), and what ``pulumi stack import`` checks is
``pkg/resource/stack/deployment.go`` and ``snapshot.VerifyIntegrity`` (read 2026-12-07): version 3;
the manifest's ``magic`` is the hex SHA-256 of its ``version``; a resource's provider, parent and
dependencies come before it; a component has no ``id``; every URN names the target stack.  Secrets
are written as ``plaintext`` (the JSON text of the value); the import re-encrypts them with the
stack's secrets provider, which the file must name: ``--secrets-from`` takes it from a
``pulumi stack export`` of the freshly created stack.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import uuid
from pathlib import Path
from typing import Any, Optional

from .engine import default_provider_name, _installed_version, _needs_provider, _package, _package_config
from .exits import EXIT_OK, InputError, show
from .jsonfile import read_json
from .mocks import SECRET_SIG, SIG_KEY
from .program import PLAN_EPOCH

DEPLOYMENT_VERSION = 3
SECRET_KEY, SECRET_VALUE = "4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270"


def add_parser(sub: Any, common: argparse.ArgumentParser, once: type) -> None:
    p = sub.add_parser("export", parents=[common], help="the plan as a Pulumi stack export, for `pulumi stack import`")
    p.add_argument("--stack", action=once, help="stack to export (default prod)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a config key")
    p.add_argument("--plan", action=once, metavar="FILE", help="export a saved plan instead of running the program")
    p.add_argument("--out", action=once, metavar="FILE", help="where to write the export (required)")
    p.add_argument("--secrets-from", action=once, metavar="FILE",
                   help="a `pulumi stack export` of the target stack: its secrets provider (needed when the plan "
                        "holds secrets)")
    p.add_argument("--no-cache", action="store_true", help="run the program even when the plan cache holds the plan")
    p.set_defaults(func=cmd_export)


def _secret_free(value: Any) -> Any:
    """Engine values as a deployment holds them: a secret as ``plaintext`` (its value's JSON text)."""
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG:
            return {SECRET_KEY: SECRET_VALUE, "plaintext": json.dumps(_secret_free(value.get("value")))}
        return {k: _secret_free(v) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list):
        return [_secret_free(v) for v in value]
    return value


def _has_secret(value: Any) -> bool:
    if isinstance(value, dict):
        return value.get(SIG_KEY) == SECRET_SIG or any(_has_secret(v) for v in value.values())
    return isinstance(value, list) and any(_has_secret(v) for v in value)


def _ordered(resources: list[dict]) -> list[dict]:
    """Registration order where the plan is sorted otherwise: each resource after its parent,
    dependencies and provider (import refuses a reference to a later resource)."""
    by_urn = {r["urn"]: r for r in resources}
    done: set[str] = set()
    out: list[dict] = []

    def visit(r: dict, path: set[str]) -> None:
        if r["urn"] in done or r["urn"] in path:
            return
        path = path | {r["urn"]}
        refs = [r.get("parent") or "", *(r.get("dependencies") or []),
                *(u for us in (r.get("propertyDependencies") or {}).values() for u in us),
                (r.get("provider") or "").rsplit("::", 1)[0]]
        for ref in refs:
            if ref in by_urn:
                visit(by_urn[ref], path)
        done.add(r["urn"])
        out.append(r)

    for r in resources:
        visit(r, set())
    return out


def deployment(plan: dict[str, Any], secrets_providers: Optional[dict[str, Any]], cli_version: str) -> dict[str, Any]:
    stack, project = plan.get("stack") or "stack", plan.get("project") or "project"
    config = plan.get("config") or {}
    if "aws:region" not in config and plan.get("region"):
        config = {**config, "aws:region": plan["region"]}
    out: list[dict[str, Any]] = []
    defaults: dict[tuple[str, Optional[str]], str] = {}

    def default_provider(package: str, version: Optional[str]) -> str:
        if (package, version) not in defaults:
            name = default_provider_name(version)
            urn = f"urn:pulumi:{stack}::{project}::pulumi:providers:{package}::{name}"
            inputs = {k: v for k, v in _package_config(config, package, set()).items()}
            if version:
                inputs["version"] = version
            pid = str(uuid.uuid5(uuid.NAMESPACE_URL, urn))
            out.append({"urn": urn, "custom": True, "id": pid, "type": f"pulumi:providers:{package}",
                        "inputs": inputs, "outputs": inputs})
            defaults[(package, version)] = f"{urn}::{pid}"
        return defaults[(package, version)]

    for r in _ordered(plan["resources"]):
        inputs = _secret_free(r.get("inputs") or {})
        entry: dict[str, Any] = {"urn": r["urn"], "custom": bool(r.get("custom")), "type": r["type"]}
        if r.get("custom") and r.get("id"):
            entry["id"] = r["id"]
        outputs = dict(inputs)
        if r["type"] == "pulumi:pulumi:Stack":
            outputs = _secret_free(plan.get("outputs") or {})
        elif entry.get("id"):
            outputs.setdefault("id", entry["id"])
        entry.update(inputs=inputs, outputs=outputs)
        if r.get("parent"):
            entry["parent"] = r["parent"]
        if _needs_provider(r):
            package = _package(r["type"])
            entry["provider"] = r.get("provider") or default_provider(package, r.get("version")
                                                                      or _installed_version(package))
        for key in ("protect", "retainOnDelete"):
            if r.get(key):
                entry[key] = True
        for key in ("dependencies", "aliases", "ignoreChanges", "replaceOnChanges", "additionalSecretOutputs"):
            if r.get(key):
                entry[key] = list(r[key])
        deps = {k: list(v) for k, v in (r.get("propertyDependencies") or {}).items() if v}
        if deps:
            entry["propertyDependencies"] = deps
        out.append(entry)
    when = dt.datetime.fromtimestamp(int(PLAN_EPOCH), dt.timezone.utc).isoformat().replace("+00:00", "Z")
    manifest = {"time": when, "magic": hashlib.sha256(cli_version.encode()).hexdigest(), "version": cli_version}
    doc: dict[str, Any] = {"manifest": manifest, "resources": out}
    if secrets_providers:
        doc["secrets_providers"] = secrets_providers
    return {"version": DEPLOYMENT_VERSION, "deployment": doc}


def _secrets_providers(path: Optional[str], plan: dict[str, Any]) -> Optional[dict[str, Any]]:
    if path is None:
        if any(_has_secret(r.get("inputs")) for r in plan["resources"]):
            raise InputError("--secrets-from", "missing: the plan holds secrets, and `pulumi stack import` "
                             "re-encrypts them with the secrets provider the file names",
                             "FILE from `pulumi stack export` of the freshly created stack (docs/preflight.md#export)")
        return None
    what = f"--secrets-from {show(path, 120)}"
    doc = read_json(path, what, max_bytes=64 * 1024 * 1024)
    found = doc.get("deployment", {}).get("secrets_providers") if isinstance(doc, dict) else None
    if not isinstance(found, dict) or not isinstance(found.get("type"), str) or not found["type"]:
        raise InputError(what, "has no deployment.secrets_providers with a type",
                         "the output of `pulumi stack export` for the target stack")
    return {"type": found["type"], **({"state": found["state"]} if "state" in found else {})}


def cmd_export(args: argparse.Namespace) -> int:
    from .inputs import check_environment, check_set, record, stack_names, validate_stack_config
    from .planfile import load_plan

    check_environment()
    check_set(args.set)
    if not args.out or not args.out.strip():
        raise InputError("--out", "missing" if args.out is None else "empty path", "the file to write, e.g. build/prod-export.json")
    if args.plan is not None and args.set:
        raise InputError("--set", "cannot apply to --plan: a saved plan has no stack config to override")
    if args.plan is not None:
        plan = load_plan(args.plan)
        if args.stack and plan.get("stack") and plan["stack"] != args.stack:
            raise InputError("--stack", f"{args.stack!r} differs from the plan's stack {plan['stack']!r}")
    else:
        stack = stack_names([args.stack or "prod"])[0]
        plan = None
    if plan is None:
        validated = validate_stack_config(stack, args.set)
        plan = record(validated, args.set, use_cache=not args.no_cache)[0]
    secrets = _secrets_providers(args.secrets_from, plan)
    from importlib.metadata import version

    doc = deployment(plan, secrets, "v" + version("pulumi"))
    target = Path(args.out)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
    except OSError as err:
        raise InputError(f"--out {show(args.out, 120)}", f"cannot be written: {err.strerror}") from None
    print(f"preflight: wrote {len(doc['deployment']['resources'])} resources of stack {plan.get('stack')} to {args.out}")
    return EXIT_OK
