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
from pathlib import Path
from typing import Any, Optional

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from platform_policies.policy_config import configured
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from . import packenv
from .engine import engine_resources

ROOT = Path(__file__).resolve().parent.parent
POLICY_DIR = ROOT / "policies"

LEVELS = {"advisory": analyzer_pb2.ADVISORY, "mandatory": analyzer_pb2.MANDATORY,
          "disabled": analyzer_pb2.DISABLED, "remediate": analyzer_pb2.REMEDIATE}
LEVEL_NAMES = {v: k for k, v in LEVELS.items()}


class PolicyConfigError(Exception):
    """The policy-config file does not fit the pack (exit code 2)."""


def _struct(value: dict[str, Any]) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    json_format.ParseDict(value or {}, s)
    return s


def _spawn_pack(policy_dir: Path, env: dict[str, str]) -> subprocess.Popen:
    # Started as the engine starts a Python pack (the pack's virtualenv, `-m pulumi.policy`): preflight/packenv.py.
    cmd, env = packenv.command(policy_dir, env)
    return subprocess.Popen(cmd, cwd=str(policy_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


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


# Resources per extra pack process: below this a second process costs more to start than it saves.
MIN_RESOURCES_PER_WORKER = 150
WORKERS_ENV = "PREFLIGHT_PACK_WORKERS"


def pack_environment(stack: str, project: str, stack_config: dict[str, str], dry_run: bool) -> dict[str, str]:
    """The environment the engine starts the pack with (analyzer_plugin.go ``constructEnv``)."""
    env = {**os.environ, "PULUMI_PROJECT": project, "PULUMI_STACK": stack,
           "PULUMI_DRY_RUN": "true" if dry_run else "false", "PULUMI_ORGANIZATION": "organization"}
    env.pop("PULUMI_CONFIG", None)
    if stack_config:  # the config, secrets decrypted, as JSON
        env["PULUMI_CONFIG"] = json.dumps(stack_config)
    return env


MAX_WORKERS = 16


def workers_env_problem() -> Optional[str]:
    """Why ``$PREFLIGHT_PACK_WORKERS`` is unusable (None when unset or fine): bad input for the CLI."""
    value = os.environ.get(WORKERS_ENV, "").strip()
    if value and not (value.isdigit() and 1 <= int(value) <= MAX_WORKERS):
        return f"got {value[:40]!r}"
    return None


def _fixed_workers() -> Optional[int]:
    value = os.environ.get(WORKERS_ENV, "").strip()
    return int(value) if workers_env_problem() is None and value else None


def cores_per_stack(parallel_stacks: int = 1) -> int:
    """The pack processes one stack may use: its share of the cores (``$PREFLIGHT_PACK_WORKERS``
    fixes the number)."""
    return _fixed_workers() or max(1, (os.cpu_count() or 1) // max(1, parallel_stacks))


def auto_workers(resource_count: int, parallel_stacks: int = 1) -> int:
    """Pack processes for a plan of ``resource_count`` resources: the stack's share of the cores,
    at most one per MIN_RESOURCES_PER_WORKER resources (``$PREFLIGHT_PACK_WORKERS`` fixes the number)."""
    return _fixed_workers() or max(1, min(cores_per_stack(parallel_stacks),
                                          resource_count // MIN_RESOURCES_PER_WORKER))


class Prestarted:
    """Pack processes started before the plan exists (while the program runs under the mocks),
    for the stack, config (as the plan records it) and mode they were started with; the stream
    that uses them (preflight/streaming.py) is used only when the plan matches."""

    def __init__(self, policy_dir: Path, stack: str, project: str, config: dict[str, Any], dry_run: bool,
                 workers: int):
        self.policy_dir, self.stack, self.project = policy_dir, stack, project
        self.config, self.dry_run = config, dry_run
        self.stack_config = _stack_config({"config": config})
        env = pack_environment(stack, project, self.stack_config, dry_run)
        self.procs = [_spawn_pack(policy_dir, env) for _ in range(max(1, workers))]

    def matches(self, plan: dict[str, Any], policy_dir: Path, dry_run: bool) -> bool:
        return (policy_dir == self.policy_dir and dry_run == self.dry_run and plan.get("stack") == self.stack
                and plan.get("project", "microservices-platform") == self.project
                and (plan.get("config") or {}) == self.config)

    def stop(self) -> None:
        for proc in self.procs:
            _stop(proc)


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
        self.stub.Configure(analyzer_pb2.ConfigureAnalyzerRequest(policyConfig={
            name: analyzer_pb2.PolicyConfig(enforcementLevel=LEVELS[c["enforcementLevel"]],
                                            properties=_struct(c["properties"]))
            for name, c in self.policy_config.items()}))
        try:
            self.stub.ConfigureStack(analyzer_pb2.AnalyzerStackConfigureRequest(
                stack=stack, project=project, organization="organization", dry_run=dry_run,
                config=_struct(stack_config)))
        except grpc.RpcError as err:  # older packs: the engine tolerates this too
            if err.code() != grpc.StatusCode.UNIMPLEMENTED:
                raise

    def analyze(self, r: dict[str, Any], converted: tuple) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
        """Analyze one resource: (its violations, the policies not applicable to it)."""
        props, opts, provider = converted
        resp = self.stub.Analyze(analyzer_pb2.AnalyzeRequest(
            type=r["type"], properties=props, urn=r["urn"], name=r["name"], options=opts, provider=provider))
        found = []
        for d in resp.diagnostics:
            v = _diagnostic(d, "resource")
            v["urn"] = v["urn"] or r["urn"]
            found.append(v)
        return found, [{"policy": n.policy_name, "reason": n.reason} for n in resp.not_applicable]

    def analyze_stack(self, resources: list[dict[str, Any]], converted: list[tuple]) -> list[dict[str, Any]]:
        resp = self.stub.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(resources=[
            analyzer_pb2.AnalyzerResource(
                type=r["type"], properties=props, urn=r["urn"], name=r["name"], options=opts,
                provider=provider, parent=r["parent"], dependencies=r["dependencies"],
                propertyDependencies={k: analyzer_pb2.AnalyzerPropertyDependencies(urns=v)
                                      for k, v in r["propertyDependencies"].items()})
            for r, (props, opts, provider) in zip(resources, converted)]))
        return [_diagnostic(d, "stack") for d in resp.diagnostics]

    def result(self, violations: list[dict[str, Any]], not_applicable: list[dict[str, str]]) -> dict[str, Any]:
        policies = [{"name": p.name, "level": self.policy_config[p.name]["enforcementLevel"],
                     "description": p.description} for p in self.info.policies]
        return {"pack": self.info.name, "version": self.info.version, "policies": policies,
                "violations": violations, "not_applicable": not_applicable}

    def close(self) -> None:
        self.channel.close()


def convert(r: dict[str, Any]) -> tuple:
    """A resource's props, options and provider as protobuf messages (made once, sent twice)."""
    return _struct(r["properties"]), _options(r["options"]), _provider(r["provider"])


def run_policy_pack(plan: dict[str, Any], config_path: Optional[Path | str] = None, *,
                    policy_dir: Path = POLICY_DIR, dry_run: Optional[bool] = None, workers: Optional[int] = None,
                    use_cache: bool = False, stream: Any = None) -> dict[str, Any]:
    """Evaluate the pack against ``plan``; return {"pack", "policies", "violations", "not_applicable"}.

    ``dry_run`` defaults to the plan's own mode (a preview plan is judged as during ``pulumi preview``).
    ``workers`` pack processes share the ``Analyze`` calls (each gets the engine's full handshake;
    the first also gets ``AnalyzeStack``); the pack keeps no state between calls, so the answer is
    the one a single process gives (tests/test_analyzer.py).  ``stream``: the resources were already
    sent as the program registered them (preflight/streaming.py); it finishes the job.
    ``use_cache``: the verdict cache (preflight/plancache.py)."""
    from . import plancache

    dry_run = bool(plan.get("preview")) if dry_run is None else dry_run
    file_config = json.loads(Path(config_path).read_text()) if config_path else {}
    stack_config = _stack_config(plan)
    resources = engine_resources(plan)
    workers = workers or auto_workers(len(resources))
    if stream is not None and not (stream.matches(plan, policy_dir, dry_run) and stream.file_config == file_config):
        stream.abort()   # started for another stack, config or policy config: judged afresh below
        stream = None
    env = pack_environment(plan.get("stack", "stack"), plan.get("project", "microservices-platform"),
                           stack_config, dry_run)
    key = None
    if use_cache:
        python = packenv.command(policy_dir, env)[0][0]
        key = plancache.verdict_key(plan, policy_dir, Path(config_path) if config_path else None, python, dry_run)
        cached = plancache.load("verdict", key)
        if cached is not None:
            if stream is not None:
                stream.abort()
            return cached
    if stream is not None:
        result = stream.finish(resources)
    else:
        procs = [_spawn_pack(policy_dir, env) for _ in range(workers)]
        try:
            result = _evaluate(plan, resources, procs, file_config, stack_config, dry_run)
        finally:
            for proc in procs:
                _stop(proc)
    if key is not None:
        plancache.store("verdict", key, result)
    return result


def _evaluate(plan: dict[str, Any], resources: list[dict[str, Any]], procs: list[subprocess.Popen],
              file_config: dict[str, Any], stack_config: dict[str, str], dry_run: bool) -> dict[str, Any]:
    sessions: list[Session] = []
    try:
        for proc in procs:
            sessions.append(Session(proc, plan.get("stack", ""), plan.get("project", ""), stack_config, dry_run,
                                    file_config))
        converted = [convert(r) for r in resources]
        answers, stack_found = answer(sessions, resources, converted, range(len(resources)))
        violations = [v for i in range(len(resources)) for v in answers[i][0]]
        not_applicable = [n for i in range(len(resources)) for n in answers[i][1]]
        return sessions[0].result(violations + stack_found, not_applicable)
    finally:
        for session in sessions:
            session.close()


def answer(sessions: list[Session], resources: list[dict[str, Any]], converted: list[tuple],
           todo: Any) -> tuple[dict[int, tuple[list, list]], list[dict[str, Any]]]:
    """``Analyze`` for the resources at the indices ``todo`` and one ``AnalyzeStack`` for all, shared by
    the sessions: ({index: (violations, not applicable)}, the stack policies' violations)."""
    from concurrent.futures import ThreadPoolExecutor

    todo = list(todo)

    def work(session: Session, part: list[int], with_stack: bool) -> tuple[dict[int, tuple[list, list]], list]:
        # One process answers one call at a time, as the engine asks: AnalyzeStack first here
        # (it needs no Analyze answer), then this process's share of Analyze.
        stack_found = session.analyze_stack(resources, converted) if with_stack else []
        return {i: session.analyze(resources[i], converted[i]) for i in part}, stack_found

    if len(sessions) == 1:
        # The engine's order: every Analyze, then AnalyzeStack.
        found, _ = work(sessions[0], todo, False)
        return found, sessions[0].analyze_stack(resources, converted)
    parts, start = [], 0
    for size in _shares(len(todo), len(sessions)):
        parts.append(todo[start:start + size])
        start += size
    found, stack_found = {}, []
    with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
        futures = [pool.submit(work, session, part, i == 0) for i, (session, part) in enumerate(zip(sessions, parts))]
        for future in futures:
            part_found, part_stack = future.result()
            found.update(part_found)
            stack_found += part_stack
    return found, stack_found


def _shares(count: int, workers: int) -> list[int]:
    """Analyze calls per process: equal shares, the first process (which also runs AnalyzeStack)
    taking about half a share less."""
    if workers <= 1:
        return [count]
    first = max(0, count // (2 * workers))
    rest = count - first
    each, extra = divmod(rest, workers - 1)
    return [first] + [each + (1 if i < extra else 0) for i in range(workers - 1)]
