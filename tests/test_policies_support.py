"""Helpers for the policy tests: build validator args the way pulumi_policy does.

Props go through a protobuf Struct round trip (numbers become floats, as from the
engine), then pulumi_policy's deserializer and unknown-checking proxy; config too.
Also tests of the tolerant readers in platform_policies/support/props.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional

from google.protobuf import json_format, struct_pb2
from pulumi_policy import (PolicyCustomTimeouts, PolicyProviderResource, PolicyResource, PolicyResourceOptions,
                           ResourceValidationArgs, StackValidationArgs)
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import (UNKNOWN_ARRAY_VALUE, UNKNOWN_BOOLEAN_VALUE, UNKNOWN_NUMBER_VALUE,
                                 UNKNOWN_STRING_VALUE)

from platform_policies.one_conversion import read_only_proxy
from platform_policies.support import props as readers

ROOT = Path(__file__).resolve().parent.parent

U_STR, U_NUM, U_BOOL, U_LIST = UNKNOWN_STRING_VALUE, UNKNOWN_NUMBER_VALUE, UNKNOWN_BOOLEAN_VALUE, UNKNOWN_ARRAY_VALUE
STACK, PROJECT = "prod", "microservices-platform"


def wire(value: dict) -> dict:
    """What the pack hands a validator for `value` sent by the engine: the read-only value every
    policy shares (platform_policies.one_conversion), so a rule that writes to it fails its tests."""
    s = struct_pb2.Struct()
    json_format.ParseDict(value or {}, s)
    return read_only_proxy(deserialize_properties(json_format.MessageToDict(s)))


def wire_config(value: Optional[dict]) -> Optional[dict]:
    if value is None:
        return None
    s = struct_pb2.Struct()
    json_format.ParseDict(value, s)
    return json_format.MessageToDict(s)


def urn(type_: str, name: str, parents: tuple[str, ...] = ()) -> str:
    return f"urn:pulumi:{STACK}::{PROJECT}::{'$'.join((*parents, type_))}::{name}"


def _opts(protect: bool = False, parent: Optional[str] = None) -> PolicyResourceOptions:
    return PolicyResourceOptions(protect, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], parent)


def resource_args(type_: str, props: dict, name: str = "res", config: Optional[dict] = None,
                  provider_props: Optional[dict] = None, protect: bool = False,
                  parents: tuple[str, ...] = ()) -> ResourceValidationArgs:
    provider = (PolicyProviderResource("pulumi:providers:aws", wire(provider_props), "urn:provider", "default")
                if provider_props is not None else None)
    return ResourceValidationArgs(type_, wire(props), urn(type_, name, parents), name, _opts(protect), provider,
                                  wire_config(config))


def check(validator: Callable, type_: str, props: dict, **kw: Any) -> list[str]:
    """Messages the validator reports for one resource."""
    messages: list[str] = []
    validator(resource_args(type_, props, **kw), lambda msg, urn=None: messages.append(msg))
    return messages


def stack_args(resources: list[dict], config: Optional[dict] = None) -> StackValidationArgs:
    """resources: [{"type", "name", "props", "parent": urn|None, "deps": {prop: [urns]}, "urn": optional}]."""
    built: dict[str, PolicyResource] = {}
    for r in resources:
        u = r.get("urn") or urn(r["type"], r["name"])
        r["urn"] = u
        built[u] = PolicyResource(r["type"], wire(r.get("props", {})), u, r["name"], _opts(parent=r.get("parent")),
                                  None, None, [], {})
    for r in resources:
        res = built[r["urn"]]
        if r.get("parent") in built:
            res.parent = built[r["parent"]]
        for prop, urns in (r.get("deps") or {}).items():
            res.property_dependencies[prop] = [built[u] for u in urns if u in built]
            res.dependencies.extend(built[u] for u in urns if u in built)
    return StackValidationArgs(list(built.values()), wire_config(config))


def check_stack(validator: Callable, resources: list[dict], config: Optional[dict] = None) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    validator(stack_args(resources, config), lambda msg, urn=None: out.append((msg, urn)))
    return out


# ---- the readers themselves ----------------------------------------------------------------------

def test_get_missing_unknown_and_nested():
    props = wire({"a": {"b": [{"c": 1}, U_STR]}, "n": None, "u": U_NUM})
    assert readers.get(props, "a.b.0.c") == 1
    assert readers.get(props, "a.b.1") is readers.UNKNOWN
    assert readers.get(props, "a.b.1.c") is readers.UNKNOWN
    assert readers.get(props, "a.x", "d") == "d"
    assert readers.get(props, "a.b.9", "d") == "d"
    assert readers.get(props, "n", 5) == 5
    assert readers.get(props, "u") is readers.UNKNOWN
    assert readers.get(props, "a.b.0.c.d") is None  # walking into a number: missing, not TypeError


def test_converters_tolerate_engine_shapes():
    assert readers.as_int(3.0) == 3 and readers.as_int("20") == 20 and readers.as_int("x", 7) == 7
    assert readers.as_int(U_NUM) is readers.UNKNOWN
    assert readers.as_bool("true") is True and readers.as_bool(None, False) is False
    assert readers.as_list(wire({"l": [1, U_STR]})["l"])[1] is readers.UNKNOWN
    assert readers.as_list(U_LIST) is readers.UNKNOWN and readers.as_list(None) == []
    assert readers.parse_json('{"a": 1}') == {"a": 1} and readers.parse_json("{bad") is None


def test_urn_helpers():
    u = urn("aws:ec2/subnet:Subnet", "s", ("platform:network:Network", "awsx:ec2:Vpc"))
    assert readers.urn_type_chain(u)[-1] == "aws:ec2/subnet:Subnet"
    assert readers.under_type_prefix(u, ["awsx:"])
    assert not readers.under_type_prefix(urn("awsx:ec2:Vpc", "v"), ["awsx:"])
    assert readers.arn_region("arn:aws:acm:eu-west-1:123456789012:certificate/x") == "eu-west-1"
    assert readers.arn_region("not-an-arn") is None


def test_once_per_request_computes_once_for_the_same_objects_and_again_for_new_ones():
    from platform_policies.support.per_request import once_per_request

    calls = []

    @once_per_request
    def count(resources, extra=None):
        calls.append(extra)
        return [len(resources)]

    first = [object(), object()]
    assert count(first) == [2] and count(list(first)) == [2] and len(calls) == 1  # one request, two policies
    assert count(iter(first)) == [2] and len(calls) == 1                          # any iterable of them
    count(first, "other options")
    count([object(), object()])                                                    # a new request
    assert len(calls) == 3
