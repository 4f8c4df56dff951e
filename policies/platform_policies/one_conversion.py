"""Convert each analyzer request's properties once, and hand every policy the same read-only value.

pulumi-policy 1.21.0 (``_PolicyAnalyzerServicer.Analyze`` / ``AnalyzeStack``) converts a resource's
properties from protobuf inside its loop over the policies: with about 200 policies that is about
200 conversions per resource and, in ``AnalyzeStack``, one conversion of the whole stack per stack
policy - nearly all of the pack's time, in every ``pulumi preview`` and ``pulumi up`` that runs it.
:func:`install` replaces those two methods with ones that convert once per request.  The reports
are the library's own (same violation, unknown-value and not-applicable messages, in policy order).

It is installed only when the running pulumi-policy is :data:`WRITTEN_FOR`; on any other version the
library's own methods run unchanged (they may have moved on).  Remove this module when pulumi-policy
converts once itself.  Rules see properties through :func:`read_only_proxy`: the value is shared
between policies, so writing to it raises ``TypeError`` (the library's proxy would let one policy's
write leak into the next).  docs/policies.md ("Speed") has the figures.
"""

from __future__ import annotations

import asyncio
from inspect import isawaitable
from typing import Any, Callable

from google.protobuf import json_format
from pulumi_policy import policy as library
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import UnknownValueError, _DictProxy, _ListProxy
from pulumi_policy.version import VERSION

WRITTEN_FOR = "1.21.0"

_Servicer = library._PolicyAnalyzerServicer
_LIBRARY_METHODS = {"Analyze": _Servicer.Analyze, "AnalyzeStack": _Servicer.AnalyzeStack}


class _ReadOnlyDict(_DictProxy):
    def __setitem__(self, key: Any, value: Any) -> None:
        raise TypeError(f"policy properties are shared between policies and read-only (setting {key!r})")


def read_only_proxy(value: Any, path: tuple = ()) -> Any:
    """``value`` wrapped as the library's unknown-checking proxy, with writes refused."""
    if isinstance(value, list):
        return _ListProxy([read_only_proxy(v, path + (str(i),)) for i, v in enumerate(value)], list(path))
    if isinstance(value, dict):
        return _ReadOnlyDict({k: read_only_proxy(v, path + (str(k),)) for k, v in value.items()}, list(path))
    return value


def _props(message: Any) -> Any:
    return read_only_proxy(deserialize_properties(json_format.MessageToDict(message)))


def _private(servicer: Any, name: str) -> Any:
    return getattr(servicer, f"_PolicyAnalyzerServicer__{name}")


def _provider(servicer: Any, request: Any) -> Any:
    if not request.HasField("provider"):
        return None
    p = request.provider
    return library.PolicyProviderResource(p.type, _props(p.properties), p.urn, p.name)


def _judge(servicer: Any, response: Any, policy: Any, level: Any, args: Callable[[], Any]) -> None:
    """Run one policy as the library does: its violations, or why it could not run."""
    report = servicer._create_report_violation(response, policy.name, policy.description, level, policy.severity)
    try:
        result = policy.validate(args(), report)
        if isawaitable(result):
            loop = asyncio.new_event_loop()
            loop.run_until_complete(asyncio.Task(result, loop=loop))
            loop.close()
    except UnknownValueError as e:
        pack, version = _private(servicer, "policy_pack_name"), _private(servicer, "policy_pack_version")
        response.diagnostics.append(library.proto.AnalyzeDiagnostic(
            policyName=policy.name, policyPackName=pack, policyPackVersion=version,
            message=f"can't run policy '{policy.name}' from policy pack '{pack}@v{version}' during preview: "
                    f"{e.message}",
            urn="", description=policy.description,
            enforcementLevel=servicer._map_enforcement_level(library.EnforcementLevel.ADVISORY)))
    except library._NotApplicableError as e:
        response.not_applicable.append(library.proto.PolicyNotApplicable(policy_name=policy.name,
                                                                           reason=e.reason or ""))


def _levelled(servicer: Any, kind: type) -> list[tuple[Any, Any]]:
    """(policy, level) for each enabled policy of ``kind``; a remediate level is reported as mandatory."""
    chosen = []
    for policy in _private(servicer, "policies"):
        level = servicer._get_enforcement_level(policy)
        if level == library.EnforcementLevel.DISABLED or not isinstance(policy, kind):
            continue
        chosen.append((policy, library.EnforcementLevel.MANDATORY
                       if level == library.EnforcementLevel.REMEDIATE else level))
    return chosen


def analyze(self: Any, request: Any, _context: Any) -> Any:
    self._configure_runtime_settings()
    response = library.proto.AnalyzeResponse()
    converted: list = []  # props, options, provider: converted on the first policy that runs

    def args(policy: Any) -> Callable[[], Any]:
        def build() -> Any:
            if not converted:
                converted.extend((_props(request.properties), self._get_resource_options(request),
                                  _provider(self, request)))
            return library.ResourceValidationArgs(request.type, converted[0], request.urn, request.name,
                                                  converted[1], converted[2], self._get_policy_config(policy.name),
                                                  _private(self, "stack_tags"))
        return build

    for policy, level in _levelled(self, library.ResourceValidationPolicy):
        if not policy.has_validation():
            response.not_applicable.append(library.proto.PolicyNotApplicable(
                policy_name=policy.name, reason="Policy does not implement validate"))
            continue
        _judge(self, response, policy, level, args(policy))
    return response


def _stack_resources(self: Any, request: Any) -> list:
    """Every resource of the request with parent, dependencies and property dependencies resolved."""
    resources, by_urn = [], {}
    for r in request.resources:
        res = library.PolicyResource(r.type, _props(r.properties), r.urn, r.name, self._get_resource_options(r),
                                     _provider(self, r), None, [], {})
        resources.append((res, r))
        by_urn[r.urn] = res
    for res, r in resources:
        res.parent = by_urn.get(r.parent) if r.parent else None
        res.dependencies.extend(by_urn[d] for d in r.dependencies if d in by_urn)
        for key, deps in r.propertyDependencies.items():
            res.property_dependencies[key] = [by_urn[d] for d in deps.urns if d in by_urn]
    return [res for res, _ in resources]


def analyze_stack(self: Any, request: Any, _context: Any) -> Any:
    self._configure_runtime_settings()
    response = library.proto.AnalyzeResponse()
    resources: list = []

    def args(policy: Any) -> Callable[[], Any]:
        def build() -> Any:
            if not resources:
                resources.append(_stack_resources(self, request))
            return library.StackValidationArgs(list(resources[0]), self._get_policy_config(policy.name),
                                               _private(self, "stack_tags"))
        return build

    for policy, level in _levelled(self, library.StackValidationPolicy):
        _judge(self, response, policy, level, args(policy))
    return response


def install(version: str = VERSION) -> bool:
    """Use the one-conversion methods when ``version`` is the one they were written for; else the
    library's.  Returns whether they are in use."""
    ours = version == WRITTEN_FOR
    methods = {"Analyze": analyze, "AnalyzeStack": analyze_stack} if ours else _LIBRARY_METHODS
    for name, method in methods.items():
        setattr(_Servicer, name, method)
    return ours
