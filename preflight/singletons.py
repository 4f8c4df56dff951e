"""Account-wide singletons across the committed stacks: one owner per account and region.

Some AWS settings exist once per account and region, whatever the stack:
``aws:apigateway/account:Account`` holds the IAM role API Gateway writes CloudWatch logs with. "To
avoid overwriting other roles, you should only have one AWS::ApiGateway::Account resource per
region per account" (CloudFormation user guide, AWS::ApiGateway::Account, read 2026-12); two stacks
that both manage it overwrite each other's role, and destroying one breaks the other's logging.
The pack judges one stack at a time and cannot see the other stack, so preflight judges this across
the stack files: every committed stack (``Pulumi.<stack>.yaml``), each with ``--set`` when preflight
judges it.

Others exist once per account whatever the region: a budget of the whole account (``budget.scope``
``account``) counts every stack in it, so a second one alerts on the first one's costs; the cost
allocation tags are a setting of the account (``budget.activateCostAllocationTag``), and a stack that
is destroyed deactivates the tag for the other (docs/cost.md).

- Two stacks in one region (for the account-wide ones: anywhere) that may share an account both own a
  singleton: refused (exit 2).  Two stacks may share an account unless both name their accounts in
  ``aws:allowedAccountIds`` (the provider refuses any other account) and the lists do not meet.
- A stack file that leaves the setting unset owns the singleton by default: a note on stderr, so
  that a stack added later is not its second owner by accident.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Optional

from .exits import InputError
from .stackconfig import ConfigError, StackConfig, UsageError, stacks, validated_stack


@dataclass(frozen=True)
class Singleton:
    key: str            # the setting, as in docs/configuration.md
    resource_type: str  # what the owner creates
    what: str           # for messages
    owner: Callable[[Any], bool]   # Settings -> whether the stack owns it
    regional: bool = True          # one per account and region; False: one per account, whatever the region
    owning_value: str = "true"     # the value that makes a stack the owner, and the other one (messages)
    other_value: str = "false"


SINGLETONS = (
    Singleton("edge.manageApiGatewayAccount", "aws:apigateway/account:Account",
              "the API Gateway CloudWatch role (account settings)",
              lambda settings: bool(settings.config.edge.manageApiGatewayAccount)),
    # A budget of the whole account counts every stack in it: a second one alerts on the first one's costs.
    Singleton("budget.scope", "aws:budgets/budget:Budget", "the account-wide AWS Budget (scope account)",
              lambda settings: settings.config.budget.scope == "account", regional=False,
              owning_value="account", other_value="stack"),
    # Cost allocation tags are a setting of the (management) account; two stacks owning `stack` undo each
    # other's activation when one is destroyed.
    Singleton("budget.activateCostAllocationTag", "aws:costexplorer/costAllocationTag:CostAllocationTag",
              "the `stack` cost allocation tag",
              lambda settings: bool(settings.config.budget.activateCostAllocationTag), regional=False),
)


@dataclass(frozen=True)
class StackFacts:
    stack: str
    region: str
    accounts: Optional[frozenset[str]]   # aws:allowedAccountIds; None = any account
    owns: dict[str, bool]                # singleton key -> owner
    explicit: dict[str, bool]            # singleton key -> set in the stack file (or by --set)


def _explicit(sc: StackConfig, key: str) -> bool:
    """Whether the stack file or ``--set`` gives ``key`` (``edge.x``): Pulumi.yaml declares no object keys,
    so the object is in the config map only when the stack sets something in it."""
    top, _, field = key.partition(".")
    raw = sc.config.get(f"{sc.project}:{top}")
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return False
    return isinstance(value, dict) and field in value


def _accounts(sc: StackConfig) -> Optional[frozenset[str]]:
    raw = sc.config.get("aws:allowedAccountIds")
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(value, list) or not value:
        return None
    return frozenset(str(v) for v in value)


def facts(sc: StackConfig) -> StackFacts:
    return StackFacts(stack=sc.stack, region=sc.config.get("aws:region", ""), accounts=_accounts(sc),
                      owns={s.key: s.owner(sc.settings) for s in SINGLETONS},
                      explicit={s.key: _explicit(sc, s.key) for s in SINGLETONS})


def may_share_an_account(a: StackFacts, b: StackFacts) -> bool:
    return a.accounts is None or b.accounts is None or bool(a.accounts & b.accounts)


def committed_facts(root: Path, judged: Mapping[str, StackConfig]) -> list[StackFacts]:
    """Facts of every committed stack: the judged ones as validated (with ``--set``), the others as their
    files say.  A stack file that does not validate is left out (its own run reports it)."""
    out = []
    for stack in stacks(root):
        sc = judged.get(stack)
        if sc is None:
            try:
                sc = validated_stack(root, stack, [])
            except (ConfigError, UsageError):
                continue
        out.append(facts(sc))
    return out


def _clashes(singleton: Singleton, all_facts: list[StackFacts]) -> list[tuple[str, str, str]]:
    """(stack, other stack, region) of every two owners that may share an account (and region)."""
    owners = [f for f in all_facts if f.owns[singleton.key]]
    return sorted({(a.stack, b.stack, a.region) for i, a in enumerate(owners) for b in owners[i + 1:]
                   if (a.region == b.region or not singleton.regional) and may_share_an_account(a, b)})


def conflicts(all_facts: Iterable[StackFacts]) -> list[str]:
    """One line per singleton owned twice in a region (or, account-wide, anywhere) and possibly one account."""
    all_facts = list(all_facts)
    problems = []
    for singleton in SINGLETONS:
        for one, other, region in _clashes(singleton, all_facts):
            where = f"one per account and region) in {region}" if singleton.regional else "one per account)"
            problems.append(f"stacks {one} and {other} both manage {singleton.what} ({singleton.resource_type}, "
                            f"{where}, and nothing says they are in different accounts")
    return problems


def unset_notes(judged: Iterable[StackFacts]) -> list[str]:
    notes = []
    for f in judged:
        for singleton in SINGLETONS:
            if not f.explicit[singleton.key]:
                owns = f.owns[singleton.key]
                per = "per account and region" if singleton.regional else "per account"
                notes.append(f"preflight: stack {f.stack}: note: {singleton.key} is not set in Pulumi.{f.stack}.yaml; "
                             f"it defaults to {singleton.owning_value if owns else singleton.other_value}, so this "
                             f"stack {'manages' if owns else 'leaves'} {singleton.what}. Set it "
                             f"explicitly: {singleton.owning_value} in one stack {per} (docs/deploying.md)")
    return notes


def check(root: Path, judged: Mapping[str, StackConfig]) -> list[str]:
    """Raise InputError on a singleton owned twice; return the notes for the judged stacks."""
    all_facts = committed_facts(root, judged)
    problems = conflicts(all_facts)
    if problems:
        owned_twice = [s for s in SINGLETONS if _clashes(s, all_facts)]
        keys = ", ".join(s.key for s in owned_twice)
        values = "; ".join(f"{s.key}: {s.owning_value} in one stack per account"
                           f"{' and region' if s.regional else ''} and {s.other_value} in the others"
                           for s in owned_twice)
        raise InputError(keys, "; ".join(problems),
                         f"{values}; or aws:allowedAccountIds naming different accounts in each stack "
                         f"(docs/deploying.md)")
    return unset_notes(f for f in all_facts if f.stack in judged)
