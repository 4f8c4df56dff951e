"""Drive the real policy pack over the analyzer gRPC protocol, as the engine does.

The pack (``policies/__main__.py``) is started as a child process; it prints
the port it serves on.  We then call, in the engine's order,
``GetAnalyzerInfo`` -> ``Configure`` (every policy's enforcement level and
options: the schema defaults overlaid with the stack's policy-config file,
validated against the policy's ``configSchema`` like ``pulumi preview
--policy-pack-config`` does) -> ``ConfigureStack`` (stack, project, the stack
config, dry run) -> ``Analyze`` once per resource -> ``AnalyzeStack`` once with
every resource (parents and dependencies set).  Each resource goes out as the
engine presents it (:mod:`preflight.engine`): options, its provider with the
provider's inputs, and the default providers the engine registers.  The pack
gets the stack config in ``PULUMI_CONFIG`` as the engine starts it.  The
process is stopped afterwards, also on error.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Optional

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from . import packenv
from .engine import engine_resources

ROOT = Path(__file__).resolve().parent.parent
POLICY_DIR = ROOT / "policies"
if str(POLICY_DIR) not in sys.path:
    sys.path.insert(0, str(POLICY_DIR))

from platform_policies.policy_config import configured  # noqa: E402

LEVELS = {"advisory": analyzer_pb2.ADVISORY, "mandatory": analyzer_pb2.MANDATORY,
          "disabled": analyzer_pb2.DISABLED, "remediate": analyzer_pb2.REMEDIATE}
LEVEL_NAMES = {v: k for k, v in LEVELS.items()}


class PolicyConfigError(Exception):
    """The policy-config file does not fit the pack (exit code 2)."""


def _struct(value: dict[str, Any]) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    json_format.ParseDict(value or {}, s)
    return s


def _start_pack(policy_dir: Path, env: dict[str, str]) -> tuple[subprocess.Popen, int]:
    # Started as the engine starts a Python pack (the pack's virtualenv, `-m pulumi.policy`): preflight/packenv.py.
    cmd, env = packenv.command(policy_dir, env)
    proc = subprocess.Popen(cmd, cwd=str(policy_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None
    line = proc.stdout.readline().decode().strip()
    if not line.isdigit():
        err = proc.stderr.read().decode() if proc.stderr else ""
        proc.kill()
        raise RuntimeError(f"policy pack did not start (printed {line!r}):\n{err}")
    return proc, int(line)


def build_policy_config(info: analyzer_pb2.AnalyzerInfo, file_config: dict[str, Any]) -> dict[str, dict]:
    """Per policy: {"enforcementLevel": name, "properties": {...}} the engine would send.

    The merge is the pack's own (platform_policies.policy_config), over the levels and config schemas the
    pack process reports; preflight adds the checks: known names, known levels, options fitting the schema."""
    names = {p.name for p in info.policies}
    unknown = sorted(set(file_config) - names - {"all"})
    if unknown:
        raise PolicyConfigError(f"policy config names unknown policies: {', '.join(unknown)}; "
                                f"allowed: {', '.join(sorted(names))}")
    result: dict[str, dict] = {}
    for p in info.policies:
        schema = json_format.MessageToDict(p.configSchema) if p.HasField("configSchema") else {}
        props_schema = schema.get("properties", {})
        entry = configured(p.name, LEVEL_NAMES[p.enforcementLevel], props_schema, file_config)
        level, props = entry["enforcementLevel"], entry["properties"]
        if level not in LEVELS:
            raise PolicyConfigError(f"{p.name}.enforcementLevel: got {level!r}; allowed: {', '.join(LEVELS)}")
        if props_schema or schema.get("required"):
            _validate(p.name, props, {"type": "object", "properties": props_schema,
                                      "required": schema.get("required", [])})
        result[p.name] = entry
    return result


def _validate(policy: str, props: dict, schema: dict) -> None:
    import jsonschema

    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(props), key=lambda e: list(e.path))
    if errors:
        lines = [f"{policy}.{'.'.join(map(str, e.path)) or '(config)'}: {e.message}" for e in errors]
        raise PolicyConfigError("invalid policy config:\n  - " + "\n  - ".join(lines))


def _options(o: dict) -> analyzer_pb2.AnalyzerResourceOptions:
    timeouts = analyzer_pb2.AnalyzerResourceOptions.CustomTimeouts(**o["customTimeouts"])
    return analyzer_pb2.AnalyzerResourceOptions(
        protect=o["protect"], ignoreChanges=o["ignoreChanges"], deleteBeforeReplace=o["deleteBeforeReplace"],
        deleteBeforeReplaceDefined=o["deleteBeforeReplaceDefined"],
        additionalSecretOutputs=o["additionalSecretOutputs"], aliases=o["aliases"], customTimeouts=timeouts,
        parent=o["parent"])


def _provider(p: Optional[dict]) -> Optional[analyzer_pb2.AnalyzerProviderResource]:
    if p is None:
        return None
    return analyzer_pb2.AnalyzerProviderResource(type=p["type"], urn=p["urn"], name=p["name"],
                                                 properties=_struct(p["properties"]))


def _stack_config(plan: dict) -> dict[str, str]:
    """The stack config as the engine hands it to the pack (values as strings)."""
    return {k: (v if isinstance(v, str) else json.dumps(v)) for k, v in (plan.get("config") or {}).items()}


def _diagnostic(d: Any, stage: str) -> dict[str, Any]:
    # pulumi_policy sends "<description>\n<message>"; keep the message only.
    message = d.message
    if d.description and message.startswith(d.description + "\n"):
        message = message[len(d.description) + 1:]
    return {"policy": d.policyName, "level": LEVEL_NAMES.get(d.enforcementLevel, "advisory"),
            "urn": d.urn, "message": message.strip(), "description": d.description, "stage": stage}


def run_policy_pack(plan: dict[str, Any], config_path: Optional[Path | str] = None, *,
                    policy_dir: Path = POLICY_DIR, dry_run: Optional[bool] = None) -> dict[str, Any]:
    """Evaluate the pack against ``plan``; return {"pack", "policies", "violations", "not_applicable"}.

    ``dry_run`` defaults to the plan's own mode (a preview plan is judged as during ``pulumi preview``)."""
    dry_run = bool(plan.get("preview")) if dry_run is None else dry_run
    file_config = json.loads(Path(config_path).read_text()) if config_path else {}
    stack_config = _stack_config(plan)
    env = {**os.environ, "PULUMI_PROJECT": plan.get("project", "microservices-platform"),
           "PULUMI_STACK": plan.get("stack", "stack"), "PULUMI_DRY_RUN": "true" if dry_run else "false",
           "PULUMI_ORGANIZATION": "organization"}
    env.pop("PULUMI_CONFIG", None)
    if stack_config:  # analyzer_plugin.go constructEnv: the config, secrets decrypted, as JSON
        env["PULUMI_CONFIG"] = json.dumps(stack_config)
    proc, port = _start_pack(policy_dir, env)
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            grpc.channel_ready_future(channel).result(timeout=30)
            stub = analyzer_pb2_grpc.AnalyzerStub(channel)
            info = stub.GetAnalyzerInfo(empty_pb2.Empty())
            stub.GetPluginInfo(empty_pb2.Empty())
            policy_config = build_policy_config(info, file_config)
            stub.Configure(analyzer_pb2.ConfigureAnalyzerRequest(policyConfig={
                name: analyzer_pb2.PolicyConfig(enforcementLevel=LEVELS[c["enforcementLevel"]],
                                                properties=_struct(c["properties"]))
                for name, c in policy_config.items()}))
            try:
                stub.ConfigureStack(analyzer_pb2.AnalyzerStackConfigureRequest(
                    stack=plan.get("stack", ""), project=plan.get("project", ""), organization="organization",
                    dry_run=dry_run, config=_struct(stack_config)))
            except grpc.RpcError as err:  # older packs: the engine tolerates this too
                if err.code() != grpc.StatusCode.UNIMPLEMENTED:
                    raise
            violations: list[dict[str, Any]] = []
            not_applicable: list[dict[str, str]] = []
            resources = engine_resources(plan)
            # Each resource's props, options and provider, converted once for both passes.
            converted = [(_struct(r["properties"]), _options(r["options"]), _provider(r["provider"]))
                         for r in resources]
            for r, (props, opts, provider) in zip(resources, converted):
                resp = stub.Analyze(analyzer_pb2.AnalyzeRequest(
                    type=r["type"], properties=props, urn=r["urn"], name=r["name"], options=opts,
                    provider=provider))
                for d in resp.diagnostics:
                    v = _diagnostic(d, "resource")
                    v["urn"] = v["urn"] or r["urn"]
                    violations.append(v)
                not_applicable += [{"policy": n.policy_name, "reason": n.reason} for n in resp.not_applicable]
            stack_resp = stub.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(resources=[
                analyzer_pb2.AnalyzerResource(
                    type=r["type"], properties=props, urn=r["urn"], name=r["name"], options=opts,
                    provider=provider, parent=r["parent"], dependencies=r["dependencies"],
                    propertyDependencies={k: analyzer_pb2.AnalyzerPropertyDependencies(urns=v)
                                          for k, v in r["propertyDependencies"].items()})
                for r, (props, opts, provider) in zip(resources, converted)]))
            violations += [_diagnostic(d, "stack") for d in stack_resp.diagnostics]
            policies = [{"name": p.name, "level": policy_config[p.name]["enforcementLevel"],
                         "description": p.description} for p in info.policies]
            return {"pack": info.name, "version": info.version, "policies": policies,
                    "violations": violations, "not_applicable": not_applicable}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()

