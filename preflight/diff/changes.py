"""Compare a base plan with a head plan resource by resource, as the engine's step generator would.

Per resource: same, create, update (the input paths that changed), replace or delete.  A replace
says why: the URN changed without an alias, an input the provider replaces on changed
(replace_on.json), the ``replaceOnChanges`` option, a block added or removed, or a cascade - a
replaced resource's outputs feed a replace-on input (the engine sees them unknown during preview,
and an unknown replace-on input is a replace), or its provider is replaced.

The engine refuses to replace a resource protected in the state and in the program, and to delete
one protected in the state (pulumi/pulumi pkg/resource/deploy/step_generator.go: "we do allow
unprotecting and replacing to happen in a single update cycle", ``new.Protect && old.Protect``;
step.go ``DeleteStep.Apply``: ``old.Protect``; read 2026-12-07): such a change is ``blocked``.
"""

from __future__ import annotations

from typing import Any, Iterator, Optional

from ..mocks import SECRET_SIG, SIG_KEY
from . import replace_on

# What replacing or deleting a resource of each type loses (the verdict's data-holding types).
HOLDS_DATA = {
    "aws:rds/instance:Instance": "the database and its automated backups",
    "aws:elasticache/replicationGroup:ReplicationGroup": "the cache's data",
    "aws:msk/cluster:Cluster": "the Kafka topics and their messages",
    "aws:mq/broker:Broker": "the broker's queues and messages",
    "aws:efs/fileSystem:FileSystem": "the file system's files",
    "aws:s3/bucket:Bucket": "the bucket's objects (and its globally unique name)",
    "aws:secretsmanager/secret:Secret": "the secret and its ARN that others are granted on",
    "aws:kms/key:Key": "the key: whatever it encrypted can no longer be decrypted",
    "aws:cloudwatch/logGroup:LogGroup": "the log group's events",
    "aws:acmpca/certificateAuthority:CertificateAuthority": "the CA: certificates it issued no longer chain to a live CA",
    "aws:servicediscovery/httpNamespace:HttpNamespace": "the Cloud Map namespace every Service Connect name resolves in",
    "aws:ecr/repository:Repository": "the repository's images",
    "aws:codeconnections/connection:Connection": "the connection's authorisation (a person must approve it again)",
}

# awsx's Vpc creates its subnets, route tables and NAT gateways inside the component, and the mocks
# show none of them: a change of these inputs replaces the children in the zones or ranges it moves.
AWSX_VPC_LAYOUT = ("availabilityZoneNames", "availabilityZoneCidrMask", "cidrBlock", "numberOfAvailabilityZones",
                   "subnetSpecs", "subnetStrategy", "natGateways")

UNKNOWN_VALUES = {  # the engine's unknown sentinels (pulumi_policy/proxy.py)
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58", "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
}


def _plain(value: Any) -> Any:
    """A secret marker compares by its value."""
    if isinstance(value, dict) and value.get(SIG_KEY) == SECRET_SIG:
        return value.get("value")
    return value


def changed_paths(old: Any, new: Any, prefix: str = "") -> Iterator[str]:
    """Input paths whose value differs (``a.b``, ``a[2].c``; a key on one side only is its own path)."""
    old, new = _plain(old), _plain(new)
    if isinstance(new, str) and new in UNKNOWN_VALUES:
        yield prefix or "(inputs)"
    elif isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            path = f"{prefix}.{key}" if prefix else key
            if key not in old or key not in new:
                yield path
            else:
                yield from changed_paths(old[key], new[key], path)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for n, (a, b) in enumerate(zip(old, new)):
            yield from changed_paths(a, b, f"{prefix}[{n}]")
    elif old != new:
        yield prefix or "(inputs)"


def _present(inputs: dict, path: str) -> bool:
    value: Any = inputs
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return False
        value = value[part]
    return value not in (None, [], {})


def _option_replaces(option: list[str], path: str) -> bool:
    flat = replace_on.normalised(path)
    return any(o == "*" or replace_on._covers(replace_on.normalised(o), flat) for o in option)


def _own_causes(old: dict, new: dict, paths: list[str]) -> tuple[list[dict], list[dict]]:
    """(why the resource is replaced, what may replace it) from its own changed inputs."""
    type_ = new["type"]
    causes: list[dict] = []
    for path in paths:
        causes.extend(replace_on.replacing(type_, path))
        if _option_replaces(new.get("replaceOnChanges") or [], path):
            causes.append({"kind": "replace-on-changes", "input": path,
                           "text": f"{path} changed and the resource's replaceOnChanges option names it"})
    for block in replace_on.block_presence(type_):
        if _present(old["inputs"], block) != _present(new["inputs"], block):
            causes.append({"kind": "block-presence", "input": block,
                           "text": f"the {block} block was {'added' if _present(new['inputs'], block) else 'removed'}"})
    maybe = [m for m in (replace_on.may_replace(type_, p) for p in paths) if m]
    return _unique(causes), _unique(maybe)


def _hidden_children(r: dict, paths: list[str]) -> list[dict]:
    if r["type"] != "awsx:ec2:Vpc":
        return []
    moved = sorted({p.split("[")[0].split(".")[0] for p in paths} & set(AWSX_VPC_LAYOUT))
    return [{"kind": "hidden-children", "input": m,
             "text": f"{m} changed: awsx replaces the subnets, route tables and NAT gateways it moves (children "
                     "the mocks do not show); whatever runs in a replaced subnet must move first"} for m in moved]


def _unique(causes: list[dict]) -> list[dict]:
    seen, out = set(), []
    for c in causes:
        if c["text"] not in seen:
            seen.add(c["text"])
            out.append(c)
    return out


def _provider_urn(ref: str) -> str:
    return ref.rsplit("::", 1)[0] if ref else ""


def _cascade(r: dict, fresh: dict[str, dict]) -> list[dict]:
    """Why ``r`` is replaced because a resource it reads a replace-on input from is replaced or new."""
    causes = []
    provider = _provider_urn(r.get("provider") or "")
    if provider in fresh:
        causes.append({"kind": "cascade", "resource": provider,
                       "text": f"its provider {fresh[provider]['name']} is {fresh[provider]['fate']}"})
    reach = replace_on.replace_on_top_level(r["type"])
    option = r.get("replaceOnChanges") or []
    for key, urns in sorted((r.get("propertyDependencies") or {}).items()):
        if key not in reach and not _option_replaces(option, key):
            continue
        for urn in urns:
            if urn in fresh:
                src = fresh[urn]
                causes.append({"kind": "cascade", "resource": urn, "input": key,
                               "text": f"{key} is read from {src['name']} ({src['type']}), which is {src['fate']}: "
                                       f"unknown during preview, and a change of {key} replaces"})
    return causes


def _region(plan: dict[str, Any]) -> Optional[str]:
    return (plan.get("config") or {}).get("aws:region") or plan.get("region")


def _default_provider_cause(base: dict[str, Any], head: dict[str, Any]) -> Optional[dict]:
    """The default aws provider (the one a resource without a provider option gets, configured from
    the stack's aws:* keys) is replaced when its region changes, and with it what it manages."""
    old, new = _region(base), _region(head)
    if not old or not new or old == new:
        return None
    return {"kind": "cascade", "resource": "default aws provider",
            "text": f"the default aws provider's region changed from {old} to {new}: it is replaced, and so is "
                    "every resource it manages"}


def _matched_base(head: dict, base_by_urn: dict[str, dict], taken: set[str]) -> tuple[Optional[dict], bool]:
    """(the base resource ``head`` continues, whether it was found through an alias)."""
    if head["urn"] in base_by_urn:
        return base_by_urn[head["urn"]], False
    for alias in head.get("aliases") or []:
        if alias in base_by_urn and alias not in taken:
            return base_by_urn[alias], True
    return None, False


def compare(base: dict[str, Any], head: dict[str, Any]) -> list[dict[str, Any]]:
    """One change record per resource of either plan (the head's order, then what only the base has):
    {urn, type, name, action, causes, maybe, paths, protect, deleteBeforeReplace, retainOnDelete,
    blocked, holdsData, was}."""
    base_by_urn = {r["urn"]: r for r in base["resources"]}
    head_urns = {r["urn"] for r in head["resources"]}
    taken = {u for u in base_by_urn if u in head_urns}
    out: list[dict[str, Any]] = []
    moved = _default_provider_cause(base, head)
    fresh: dict[str, dict] = {}  # replaced or created: their outputs are unknown until the update makes them
    created: list[dict] = []
    for r in head["resources"]:
        old, via_alias = _matched_base(r, base_by_urn, taken)
        if old is None:
            created.append(r)
            fresh[r["urn"]] = {**r, "fate": "created"}
            out.append(_record(r, "create"))
            continue
        taken.add(old["urn"])
        paths = list(changed_paths(old.get("inputs") or {}, r.get("inputs") or {}))
        # A component has no provider: its inputs change nothing in the cloud, nor replace it.
        causes, maybe = _own_causes(old, r, paths) if r.get("custom") else ([], _hidden_children(r, paths))
        causes += _cascade(r, fresh)
        if moved and r.get("custom") and r["type"].startswith("aws:") and not r.get("provider"):
            causes.append(moved)
        action = "replace" if causes else ("update" if paths else "same")
        rec = _record(r, action, old, causes=causes, maybe=maybe if action == "update" else [], paths=paths)
        if via_alias:
            rec["was"] = old["urn"]
        if action == "replace":
            fresh[r["urn"]] = {**r, "fate": "replaced"}
        out.append(rec)
    gone = [r for u, r in base_by_urn.items() if u not in taken]
    _pair_renames(out, created, gone)
    continued = {c.get("was") for c in out}
    out += [_record(r, "delete", r) for r in gone if r["urn"] not in continued]
    return out


def _pair_renames(out: list[dict], created: list[dict], gone: list[dict]) -> None:
    """A created and a deleted resource that are one resource whose URN changed without an alias -
    the engine deletes the old and creates the new: the same type and name (a new parent or type
    chain), or the only created and the only deleted resource of a type under one parent (a rename)."""
    by_key = {(r["type"], r["name"]): r for r in gone}
    parents = {r["urn"]: r.get("parent") for r in created}
    for rec in out:
        if rec["action"] == "create" and (rec["type"], rec["name"]) in by_key:
            _as_replace(rec, by_key.pop((rec["type"], rec["name"])))
    left = [r for r in gone if (r["type"], r["name"]) in by_key]
    fresh = [rec for rec in out if rec["action"] == "create"]
    for rec in fresh:
        same = [r for r in left if r["type"] == rec["type"] and r.get("parent") == parents.get(rec["urn"])]
        twins = [c for c in fresh if c["type"] == rec["type"] and parents.get(c["urn"]) == parents.get(rec["urn"])]
        if len(same) == 1 and len(twins) == 1:
            left.remove(same[0])
            _as_replace(rec, same[0])


def _as_replace(rec: dict, old: dict) -> None:
    """The engine deletes the old URN (refused when the state protects it) and creates the new."""
    rec.update(action="replace", was=old["urn"], protect_before=bool(old.get("protect")),
               causes=[{"kind": "urn-changed", "resource": old["urn"],
                        "text": f"its URN changed from {old['urn']} without an alias (the engine deletes the old "
                                "resource and creates this one)"}],
               blocked=_blocked("delete", old, rec["protect"]), holdsData=rec["type"] in HOLDS_DATA)


def _blocked(action: str, old: Optional[dict], new_protect: bool) -> bool:
    if old is None or not old.get("protect"):
        return False
    return action == "delete" or (action == "replace" and new_protect)


def _record(r: dict, action: str, old: Optional[dict] = None, *, causes: Optional[list] = None,
            maybe: Optional[list] = None, paths: Optional[list] = None) -> dict[str, Any]:
    protect = bool(r.get("protect"))
    return {"urn": r["urn"], "type": r["type"], "name": r["name"], "action": action,
            "causes": causes or [], "maybe": maybe or [], "paths": paths or [],
            "protect": protect, "protect_before": bool(old.get("protect")) if old else False,
            "deleteBeforeReplace": bool(r.get("deleteBeforeReplace")),
            "retainOnDelete": bool(r.get("retainOnDelete")),
            "blocked": _blocked(action, old, protect),
            "holdsData": r["type"] in HOLDS_DATA}


ACTIONS = ("create", "update", "replace", "delete", "same")


def counts(changes: list[dict]) -> dict[str, int]:
    return {a: sum(1 for c in changes if c["action"] == a) for a in ACTIONS}
