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
gets the stack config in ``PULUMI_CONFIG`` as the engine starts it.

Like the engine, preflight calls ``Analyze`` for each resource as the program
registers it (:class:`PackRun` ``feed``, while the mock run goes on: the pack's
work overlaps the program's on the second core) and ``AnalyzeStack`` once the
plan is complete (``finish``).  ``finish`` analyses what was not fed (all of a
saved or cached plan) and again any resource whose request differs from the one
fed, so the answer depends on the plan only (tests/test_streaming.py).  The
process is stopped afterwards, also on error.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
from pathlib import Path
from typing import Any, Optional

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from platform_policies.policy_config import configured
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from . import packenv
from .engine import EngineView, engine_resources

ROOT = Path(__file__).resolve().parent.parent
POLICY_DIR = ROOT / "policies"
DEFAULT_PROJECT = "microservices-platform"

LEVELS = {"advisory": analyzer_pb2.ADVISORY, "mandatory": analyzer_pb2.MANDATORY,
          "disabled": analyzer_pb2.DISABLED, "remediate": analyzer_pb2.REMEDIATE}
LEVEL_NAMES = {v: k for k, v in LEVELS.items()}


class PolicyConfigError(Exception):
    """The policy-config file does not fit the pack (exit code 2)."""


def _struct(value: dict[str, Any]) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    json_format.ParseDict(value or {}, s)
    return s


def _port(proc: subprocess.Popen) -> int:
    """The port the pack prints once it serves (the engine reads it the same way)."""
    assert proc.stdout is not None
    line = proc.stdout.readline().decode().strip()
    if not line.isdigit():
        err = proc.stderr.read().decode() if proc.stderr else ""
        proc.kill()
        raise RuntimeError(f"policy pack did not start (printed {line!r}):\n{err}")
    return int(line)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
    for stream in (proc.stdout, proc.stderr):
        if stream:
            stream.close()


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


def convert(r: dict[str, Any]) -> tuple:
    """A resource's props, options and provider as protobuf messages (made once, sent twice)."""
    return _struct(r["properties"]), _options(r["options"]), _provider(r["provider"])


def configure_request(policy_config: dict[str, dict]) -> analyzer_pb2.ConfigureAnalyzerRequest:
    return analyzer_pb2.ConfigureAnalyzerRequest(policyConfig={
        name: analyzer_pb2.PolicyConfig(enforcementLevel=LEVELS[c["enforcementLevel"]],
                                        properties=_struct(c["properties"]))
        for name, c in policy_config.items()})


def analyze_request(r: dict[str, Any], converted: tuple) -> analyzer_pb2.AnalyzeRequest:
    props, opts, provider = converted
    return analyzer_pb2.AnalyzeRequest(type=r["type"], properties=props, urn=r["urn"], name=r["name"],
                                       options=opts, provider=provider)


def analyze_stack_request(resources: list[dict[str, Any]], converted: list[tuple]) -> analyzer_pb2.AnalyzeStackRequest:
    return analyzer_pb2.AnalyzeStackRequest(resources=[
        analyzer_pb2.AnalyzerResource(
            type=r["type"], properties=props, urn=r["urn"], name=r["name"], options=opts,
            provider=provider, parent=r["parent"], dependencies=r["dependencies"],
            propertyDependencies={k: analyzer_pb2.AnalyzerPropertyDependencies(urns=v)
                                  for k, v in r["propertyDependencies"].items()})
        for r, (props, opts, provider) in zip(resources, converted)])


def _diagnostic(d: Any, stage: str) -> dict[str, Any]:
    # pulumi_policy sends "<description>\n<message>"; keep the message only.
    message = d.message
    if d.description and message.startswith(d.description + "\n"):
        message = message[len(d.description) + 1:]
    return {"policy": d.policyName, "level": LEVEL_NAMES.get(d.enforcementLevel, "advisory"),
            "urn": d.urn, "message": message.strip(), "description": d.description, "stage": stage}


def pack_environment(stack: str, project: str, stack_config: dict[str, str], dry_run: bool) -> dict[str, str]:
    """The environment the engine starts the pack with (analyzer_plugin.go ``constructEnv``)."""
    env = {**os.environ, "PULUMI_PROJECT": project, "PULUMI_STACK": stack,
           "PULUMI_DRY_RUN": "true" if dry_run else "false", "PULUMI_ORGANIZATION": "organization"}
    env.pop("PULUMI_CONFIG", None)
    if stack_config:  # the config, secrets decrypted, as JSON
        env["PULUMI_CONFIG"] = json.dumps(stack_config)
    return env


class Session:
    """One pack process after the engine's handshake: GetAnalyzerInfo, GetPluginInfo, Configure
    (levels and options from the policy-config file), ConfigureStack."""

    def __init__(self, proc: subprocess.Popen, stack: str, project: str, stack_config: dict[str, str],
                 dry_run: bool, file_config: dict[str, Any]):
        self.channel = grpc.insecure_channel(f"127.0.0.1:{_port(proc)}")
        try:
            self._handshake(stack, project, stack_config, dry_run, file_config)
        except BaseException:
            self.channel.close()
            raise

    def _handshake(self, stack: str, project: str, stack_config: dict[str, str], dry_run: bool,
                   file_config: dict[str, Any]) -> None:
        grpc.channel_ready_future(self.channel).result(timeout=30)
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)
        self.info = self.stub.GetAnalyzerInfo(empty_pb2.Empty())
        self.stub.GetPluginInfo(empty_pb2.Empty())
        self.policy_config = build_policy_config(self.info, file_config)
        self.stub.Configure(configure_request(self.policy_config))
        try:
            self.stub.ConfigureStack(analyzer_pb2.AnalyzerStackConfigureRequest(
                stack=stack, project=project, organization="organization", dry_run=dry_run,
                config=_struct(stack_config)))
        except grpc.RpcError as err:  # older packs: the engine tolerates this too
            if err.code() != grpc.StatusCode.UNIMPLEMENTED:
                raise

    def analyze(self, r: dict[str, Any], converted: tuple) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
        """Analyze one resource: (its violations, the policies not applicable to it)."""
        resp = self.stub.Analyze(analyze_request(r, converted))
        found = []
        for d in resp.diagnostics:
            v = _diagnostic(d, "resource")
            v["urn"] = v["urn"] or r["urn"]
            found.append(v)
        return found, [{"policy": n.policy_name, "reason": n.reason} for n in resp.not_applicable]

    def analyze_stack(self, resources: list[dict[str, Any]], converted: list[tuple]) -> list[dict[str, Any]]:
        resp = self.stub.AnalyzeStack(analyze_stack_request(resources, converted))
        return [_diagnostic(d, "stack") for d in resp.diagnostics]

    def result(self, violations: list[dict[str, Any]], not_applicable: list[dict[str, str]]) -> dict[str, Any]:
        policies = [{"name": p.name, "level": self.policy_config[p.name]["enforcementLevel"],
                     "description": p.description} for p in self.info.policies]
        return {"pack": self.info.name, "version": self.info.version, "policies": policies,
                "violations": violations, "not_applicable": not_applicable}

    def close(self) -> None:
        self.channel.close()


def _request_key(entry: dict[str, Any]) -> str:
    """What an Analyze request is made of, canonical: equal keys, equal requests."""
    return json.dumps({k: entry.get(k) for k in ("type", "urn", "name", "properties", "options", "provider")},
                      sort_keys=True, default=str)


_DONE = object()


class PackRun:
    """One pack process judging one stack: started with the stack, its config (as the plan records
    it: ``program.plan_config``), the dry-run flag and the policy-config file's content.  A thread
    makes the handshake and analyses each record ``feed`` hands it; ``finish`` gives the verdict."""

    def __init__(self, stack: str, project: str, config: dict[str, Any], dry_run: bool,
                 file_config: dict[str, Any], policy_dir: Path = POLICY_DIR):
        self.started_for = (stack, project, config, dry_run)
        self.view = EngineView({"stack": stack, "project": project, "config": config})
        self.answers: dict[str, tuple[str, tuple[list, list]]] = {}   # urn -> (request key, answer)
        self.session: Optional[Session] = None
        self.error: Optional[BaseException] = None
        self.inbox: "queue.Queue[Any]" = queue.Queue()
        stack_config = {k: (v if isinstance(v, str) else json.dumps(v)) for k, v in config.items()}  # as strings
        cmd, env = packenv.command(policy_dir, pack_environment(stack, project, stack_config, dry_run))
        self.proc = subprocess.Popen(cmd, cwd=str(policy_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=env)
        self.thread = threading.Thread(target=self._work, args=(stack, project, stack_config, dry_run, file_config),
                                       name=f"analyze-{stack}", daemon=True)
        self.thread.start()

    @classmethod
    def for_plan(cls, plan: dict[str, Any], file_config: dict[str, Any], policy_dir: Path = POLICY_DIR,
                 dry_run: Optional[bool] = None) -> "PackRun":
        """Started for a plan that exists already (``dry_run`` defaults to the plan's own mode)."""
        stack, project, config, preview = _plan_identity(plan)
        return cls(stack, project, config, preview if dry_run is None else dry_run, file_config, policy_dir)

    def feed(self, record: dict[str, Any]) -> None:
        """One resource record as the program registers it (from the thread reading the mock run)."""
        self.inbox.put(record)

    def _work(self, stack: str, project: str, stack_config: dict[str, str], dry_run: bool,
              file_config: dict[str, Any]) -> None:
        try:
            self.session = Session(self.proc, stack, project, stack_config, dry_run, file_config)
            while (record := self.inbox.get()) is not _DONE:
                self.view.add(record)
                for entry in self.view.ready():
                    self.answers[entry["urn"]] = (_request_key(entry), self.session.analyze(entry, convert(entry)))
        except BaseException as err:  # noqa: BLE001 - raised by finish()
            self.error = err
            while self.inbox.get() is not _DONE:   # keep taking records: the feeder never blocks
                pass

    def finish(self, plan: dict[str, Any]) -> dict[str, Any]:
        """{"pack", "version", "policies", "violations", "not_applicable"} for the complete ``plan``;
        the pack process is stopped."""
        try:
            self.inbox.put(_DONE)
            self.thread.join()
            if self.error is not None:
                raise self.error
            assert self.session is not None
            stack, project, config, _ = _plan_identity(plan)
            if (stack, project, config) != self.started_for[:3]:
                raise RuntimeError(f"the pack was started for stack {self.started_for[0]!r} with another config "
                                   f"than the plan's (stack {stack!r})")
            resources = engine_resources(plan)
            converted = [convert(r) for r in resources]
            answers = []
            for r, c in zip(resources, converted):
                fed = self.answers.get(r["urn"])
                answers.append(fed[1] if fed is not None and fed[0] == _request_key(r) else self.session.analyze(r, c))
            stack_found = self.session.analyze_stack(resources, converted)
            return self.session.result([v for found, _ in answers for v in found] + stack_found,
                                       [n for _, skipped in answers for n in skipped])
        finally:
            self.close()

    def close(self) -> None:
        """Stop the pack process (also when the run is not finished: what is queued is dropped)."""
        self.inbox.put(_DONE)
        _stop(self.proc)
        self.thread.join()
        if self.session is not None:
            self.session.close()
            self.session = None


def _plan_identity(plan: dict[str, Any]) -> tuple[str, str, dict[str, Any], bool]:
    return (plan.get("stack", "stack"), plan.get("project", DEFAULT_PROJECT), plan.get("config") or {},
            bool(plan.get("preview")))


def run_policy_pack(plan: dict[str, Any], config_path: Optional[Path | str] = None, *,
                    policy_dir: Path = POLICY_DIR, dry_run: Optional[bool] = None) -> dict[str, Any]:
    """The pack's verdict on a complete ``plan`` with the policy-config file at ``config_path``:
    {"pack", "version", "policies", "violations", "not_applicable"}.  ``dry_run`` defaults to the
    plan's own mode (a preview plan is judged as during ``pulumi preview``)."""
    file_config = json.loads(Path(config_path).read_text()) if config_path else {}
    return PackRun.for_plan(plan, file_config, policy_dir, dry_run).finish(plan)
