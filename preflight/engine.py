"""What the Pulumi engine sends a policy pack for each resource of a recorded plan.

Read from the engine source (pulumi/pulumi, v3.272 era):

* ``pkg/resource/deploy/step_generator.go`` (``generateSteps``): ``Analyze`` gets an
  ``AnalyzerResource`` with the resource's checked inputs, its options - protect, ignoreChanges,
  deleteBeforeReplace, additionalSecretOutputs, aliases, customTimeouts, parent - and, when it
  has a provider, ``AnalyzerProviderResource{urn, type, name, properties: the provider's
  inputs}`` (``getProviderResource``).  ``AnalyzeResources`` builds the same for
  ``AnalyzeStack`` plus parent, dependencies and property dependencies.
* ``sdk/go/common/resource/plugin/analyzer_plugin.go``: properties are marshalled keeping
  unknowns and secrets and skipping internal (``__``) keys; ``deleteBeforeReplaceDefined``
  tells an unset option from false; custom timeouts travel as seconds.
* ``pkg/resource/deploy/source_eval.go`` (``RegisterResource``): a custom resource (or remote
  component) without an explicit provider gets its package's default provider, chosen by the
  package version the SDK sends; an explicit provider's inputs get that ``version`` too.
* ``pkg/resource/deploy/default_providers.go``: the default provider is registered as a
  ``pulumi:providers:<package>`` resource named ``default_<major>_<minor>_<patch>``
  (``ProviderRequest.DefaultName``), without parent, whose inputs are the stack's
  ``<package>:*`` config (``GetPackageConfig``: every value a string, secrets kept secret)
  plus ``version``.

Under mocks the SDK never asks for a default provider, so :func:`engine_resources` adds them
the way the engine does, before the first resource that uses one.

A value preflight could not decrypt (``SECRET_PLACEHOLDER``, a ``secure:`` config value) is sent
as an unknown: the engine would send the plaintext, which preflight does not have, and a rule
treats an unknown as a value it cannot judge (as during a preview) instead of judging the
placeholder's text.  The settings stage notes which checks were skipped.
"""

from __future__ import annotations

import re
from typing import Any, Optional

from components.config.schema import SECRET_PLACEHOLDER

from .mocks import SECRET_SIG, SIG_KEY, UNKNOWN

PROVIDER_PREFIX = "pulumi:providers:"
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}


def duration_seconds(text: Optional[str]) -> float:
    """A Go duration ("1h30m", "45m", "90s") in seconds, as the engine parses custom timeouts."""
    if not text:
        return 0.0
    return sum(float(n) * _SECONDS[unit] for n, unit in _DURATION.findall(text))


def default_provider_name(version: Optional[str]) -> str:
    """``default`` plus the QName-safe version: 7.51.1 -> default_7_51_1."""
    if not version:
        return "default"
    return "default_" + re.sub(r"[^A-Za-z0-9_]", "_", version.replace(".", "_").replace("-", "_").replace("+", "_"))


def _package(resource_type: str) -> str:
    return resource_type.split(":")[0]


def _installed_version(package: str) -> Optional[str]:
    """The installed SDK's version: what the SDK would have sent (plans saved before versions were recorded)."""
    from .schema.sdk import package_version

    version = package_version(f"pulumi_{package}")
    return None if version in ("absent", "unknown") else version


def _needs_provider(r: dict[str, Any]) -> bool:
    """The engine resolves a provider for custom resources (not providers themselves) and remote
    components; plain components have none."""
    return (bool(r.get("custom")) and not r["type"].startswith(PROVIDER_PREFIX)) or bool(r.get("remote"))


def _package_config(config: dict[str, Any], package: str, secret_keys: set[str]) -> dict[str, Any]:
    inputs: dict[str, Any] = {}
    for key, value in sorted(config.items()):
        namespace, _, name = key.partition(":")
        if namespace != package or not name:
            continue
        text = value if isinstance(value, str) else str(value)
        inputs[name] = {SIG_KEY: SECRET_SIG, "value": text} if (key in secret_keys or text == "[secret]") else text
    return inputs


def _options(r: dict[str, Any]) -> dict[str, Any]:
    timeouts = r.get("customTimeouts") or {}
    dbr = r.get("deleteBeforeReplace")
    return {
        "protect": bool(r.get("protect")),
        "ignoreChanges": list(r.get("ignoreChanges") or []),
        "deleteBeforeReplace": bool(dbr),
        "deleteBeforeReplaceDefined": dbr is not None,
        "additionalSecretOutputs": list(r.get("additionalSecretOutputs") or []),
        "aliases": list(r.get("aliases") or []),
        "customTimeouts": {k: duration_seconds(timeouts.get(k)) for k in ("create", "update", "delete")},
        "parent": r.get("parent") or "",
    }


def undecrypted_as_unknown(value: Any) -> Any:
    """``value`` with every string preflight could not decrypt (exactly SECRET_PLACEHOLDER) made
    the engine's unknown; secret wrappers stay, so the pack still sees the value as a secret."""
    if isinstance(value, dict):
        return {k: undecrypted_as_unknown(v) for k, v in value.items()}
    if isinstance(value, list):
        return [undecrypted_as_unknown(v) for v in value]
    return UNKNOWN if value == SECRET_PLACEHOLDER else value


def _without_internal_keys(props: Any) -> Any:
    if isinstance(props, dict):
        return {k: v for k, v in props.items() if not k.startswith("__")}
    return props or {}


class EngineView:
    """The engine's view of resources as they are registered, one at a time (``add``), for
    streaming them to the pack during the mock run; ``engine_resources`` is the same over a whole
    plan.  A resource whose explicit provider was not registered yet waits in ``pending``."""

    def __init__(self, plan: dict[str, Any]):
        self.stack, self.project = plan.get("stack", "stack"), plan.get("project", "project")
        self.config = plan.get("config") or {}
        self.secret_keys = set(plan.get("secretKeys") or [])
        self.providers: dict[str, dict[str, Any]] = {}  # provider URN -> its engine view
        self.defaults: dict[tuple[str, Optional[str]], str] = {}  # (package, version) -> default provider URN
        self.entries: list[dict[str, Any]] = []

    def _add(self, entry: dict[str, Any]) -> None:
        if entry["type"].startswith(PROVIDER_PREFIX):
            self.providers[entry["urn"]] = entry
        self.entries.append(entry)

    def _default_provider(self, package: str, version: Optional[str]) -> str:
        key = (package, version)
        if key not in self.defaults:
            name = default_provider_name(version)
            urn = f"urn:pulumi:{self.stack}::{self.project}::{PROVIDER_PREFIX}{package}::{name}"
            inputs = _package_config(self.config, package, self.secret_keys)
            if version:
                inputs["version"] = version
            self._add({"type": f"{PROVIDER_PREFIX}{package}", "urn": urn, "name": name, "properties": inputs,
                       "options": _options({}), "provider": None, "parent": "", "dependencies": [],
                       "propertyDependencies": {}, "custom": True, "synthesized": True})
            self.defaults[key] = urn
        return self.defaults[key]

    def add(self, r: dict[str, Any]) -> None:
        """One recorded resource (and the default provider it needs, before it)."""
        props = undecrypted_as_unknown(_without_internal_keys(r.get("inputs")))
        if r["type"].startswith(PROVIDER_PREFIX) and r.get("version") and "version" not in props:
            props = {**props, "version": r["version"]}  # source_eval.go: SetProviderVersion
        provider_urn = None
        if _needs_provider(r):
            ref = r.get("provider") or ""
            package = _package(r["type"])
            provider_urn = (ref.rsplit("::", 1)[0] if ref else
                            self._default_provider(package, r.get("version") or _installed_version(package)))
        self._add({"type": r["type"], "urn": r["urn"], "name": r["name"], "properties": props,
                   "options": _options(r), "provider_urn": provider_urn, "parent": r.get("parent") or "",
                   "dependencies": list(r.get("dependencies") or []),
                   "propertyDependencies": {k: list(v) for k, v in (r.get("propertyDependencies") or {}).items()
                                            if v},
                   "custom": bool(r.get("custom"))})

    def ready(self, final: bool = False) -> list[dict[str, Any]]:
        """The entries whose provider is known (all of them when ``final``), in order, taken out."""
        done, waiting = [], []
        for entry in self.entries:
            urn = entry.get("provider_urn")
            if urn is not None and urn not in self.providers and not final:
                waiting.append(entry)
                continue
            entry.pop("provider_urn", None)
            if urn is not None and "provider" not in entry:
                p = self.providers.get(urn)
                entry["provider"] = (None if p is None else
                                     {"type": p["type"], "urn": p["urn"], "name": p["name"],
                                      "properties": p["properties"]})
            entry.setdefault("provider", None)
            done.append(entry)
        self.entries = waiting
        return done


def engine_resources(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """The plan's resources as the engine presents them to a policy pack, in registration order:
    ``{type, urn, name, properties, options, provider, parent, dependencies, propertyDependencies}``
    with the default providers the engine would have registered added."""
    view = EngineView(plan)
    for r in plan["resources"]:
        view.add(r)
    return view.ready(final=True)
