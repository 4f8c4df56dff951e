"""Reading KMS key policies, topic and queue policies for who they let do what.

A statement admits a principal when it is an ``Allow`` naming it (``Principal: "*"``, ``{"AWS": "*"}`` or the
service principal), its ``Action`` covers the action (``*`` and ``?`` wildcards, case ignored) and its
``Resource`` covers the target when both are known.  An unconditioned ``Deny`` for the same takes it away.
Conditions other than the CloudWatch Logs encryption context are not judged: a rule must not refuse what AWS
might accept (IAM user guide, "Policy evaluation logic", read 2026-12-07).

A key without a policy has the default key policy, which lets the account's IAM policies decide and admits no
service principal (KMS developer guide, "Default key policy").
"""

from __future__ import annotations

import fnmatch
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable, Optional

from .graph import producer, producers
from .policy_documents import listify, statements
from .props import as_str, get, parse_json, plain

KMS_KEY, KMS_ALIAS = "aws:kms/key:Key", "aws:kms/alias:Alias"
KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"

_ACCOUNT_IN_ARN = re.compile(r"arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):")


def _covers(granted: Iterable[Any], needed: str) -> bool:
    return any(isinstance(g, str) and fnmatch.fnmatchcase(needed.lower(), g.lower()) for g in granted)


def _names_service(st: dict, principal: str) -> bool:
    who = st.get("Principal")
    if who == "*":
        return True
    if not isinstance(who, dict):
        return False
    services = [s for s in listify(who.get("Service")) if isinstance(s, str)]
    return any(fnmatch.fnmatchcase(s, principal) for s in services) or "*" in listify(who.get("AWS"))


def _resource_ok(st: dict, target: Optional[str]) -> bool:
    if "Resource" not in st or not isinstance(target, str) or not target:
        return "NotResource" not in st
    return _covers(listify(st.get("Resource")), target) or any(not isinstance(r, str)
                                                                for r in listify(st.get("Resource")))


def _context_ok(st: dict, context_key: Optional[str], context_value: Optional[str]) -> bool:
    """A condition on ``context_key`` (any operator) admits ``context_value`` (when known)."""
    if not context_key or not isinstance(context_value, str):
        return True
    for operator, conditions in (st.get("Condition") or {}).items():
        if not isinstance(conditions, dict):
            continue
        for key, values in conditions.items():
            if key.lower() == context_key.lower() and not operator.lower().startswith(("not", "forallvalues:not")):
                if not _covers(listify(values), context_value):
                    return False
    return True


def service_admitted(document: Any, principal: str, actions: Iterable[str], target: Optional[str] = None,
                     context_key: Optional[str] = None, context_value: Optional[str] = None) -> list[str]:
    """The ``actions`` a policy document does not let the service ``principal`` (a name, or a pattern such as
    ``logs.*.amazonaws.com`` when the region is not known) do ([] = all admitted)."""
    missing = []
    sts = statements(document)
    for action in actions:
        allowed = any(st.get("Effect") == "Allow" and _names_service(st, principal)
                      and _covers(listify(st.get("Action")), action) and _resource_ok(st, target)
                      and _context_ok(st, context_key, context_value) for st in sts)
        denied = any(st.get("Effect") == "Deny" and not st.get("Condition") and _names_service(st, principal)
                     and _covers(listify(st.get("Action")), action) and _resource_ok(st, target) for st in sts)
        if not allowed or denied:
            missing.append(action)
    return missing


def account_delegates(document: Any, action: str) -> bool:
    """The key policy lets the account's IAM policies grant ``action`` (a statement for the account root)."""
    for st in statements(document):
        who = st.get("Principal")
        aws = listify(who.get("AWS")) if isinstance(who, dict) else (["*"] if who == "*" else [])
        root = any(isinstance(a, str) and (re.fullmatch(r"\d{12}", a) or a.endswith(":root")) for a in aws)
        if st.get("Effect") == "Allow" and root and _covers(listify(st.get("Action")), action):
            return True
    return False


def names_principal(document: Any, action: str, arn: Any, built_from_it: bool) -> bool:
    """A statement lets the IAM principal ``arn`` (or, when ``built_from_it``, a principal the document was
    built from) do ``action`` directly."""
    for st in statements(document):
        if st.get("Effect") != "Allow" or not _covers(listify(st.get("Action")), action):
            continue
        who = st.get("Principal")
        if who == "*":
            return True
        aws = listify(who.get("AWS")) if isinstance(who, dict) else []
        if "*" in aws or (isinstance(arn, str) and arn in aws):
            return True
        if built_from_it and any(not (isinstance(a, str) and (re.fullmatch(r"\d{12}", a) or a.endswith(":root")))
                                 for a in aws):
            return True
    return False


@dataclass(frozen=True)
class KeyRef:
    """What a ``kmsKeyId``-like input names."""

    key: Any = None            # a key of the stack
    managed: Optional[str] = None  # an AWS managed key's alias (alias/aws/sns ...)
    foreign: bool = False      # a key from outside the stack (or one the plan cannot resolve)


def key_ref(resource: Any, prop: str, resources: list) -> Optional[KeyRef]:
    """The key ``prop`` names; None when the input is unset (the service's default encryption)."""
    return resolve_key(get(resource.props, prop), producers(resource, prop), resources)


def resolve_key(value: Any, built_from: list, resources: list) -> Optional[KeyRef]:
    """The key a key id, ARN or alias names, given the resources it was built from."""
    key = next((d for d in built_from if d.resource_type == KMS_KEY), None)
    alias = next((d for d in built_from if d.resource_type == KMS_ALIAS), None)
    if key is None and alias is not None:
        key = producer(alias, "targetKeyId", KMS_KEY)
        if key is None:
            return KeyRef(foreign=True)
    if key is not None:
        return KeyRef(key=key)
    if value is None or value == "":
        return None
    text = as_str(value)
    if isinstance(text, str) and "alias/aws/" in text:
        return KeyRef(managed=text[text.index("alias/aws/"):])
    aliases = {as_str(get(a.props, "name")): a for a in resources if a.resource_type == KMS_ALIAS}
    if isinstance(text, str) and text in aliases:
        target = producer(aliases[text], "targetKeyId", KMS_KEY)
        return KeyRef(key=target) if target is not None else KeyRef(foreign=True)
    return KeyRef(foreign=True)


def key_policy(key: Any, resources: list) -> Any:
    """The key's policy document: a ``kms/keyPolicy`` for it, else its ``policy`` input; None = the default
    key policy; UNKNOWN when not known yet."""
    for r in resources:
        if r.resource_type == KEY_POLICY and any(d.urn == key.urn for d in producers(r, "keyId")):
            return parse_json(get(r.props, "policy"))
    raw = get(key.props, "policy")
    if raw is None or raw == "":
        return None
    return parse_json(raw)


def stack_account(resources: Iterable[Any]) -> Optional[str]:
    """The account most ARNs of the plan name (for ARNs the plan only knows by name)."""
    counts: Counter = Counter()
    for r in resources:
        counts.update(_ACCOUNT_IN_ARN.findall(str(plain(r.props))))
    return counts.most_common(1)[0][0] if counts else None
