"""Waivers: a finding accepted for a while, with a reason, an owner and an expiry date.

``policies/waivers/<stack>.yaml`` (beside the pack, so a published pack carries it)::

    waivers:
      - policy: rds-multi-az              # a rule of the pack
        resource: data-inventory-db       # a resource name or URN; * and ? match any characters
        reason: dev runs its databases single-AZ to save cost; prod keeps the standby
        owner: platform-team
        expires: 2027-03-31               # the last day it holds

The pack applies them where it runs (``pulumi preview`` / ``up`` and preflight alike): a waived
finding is not reported under its policy but under ``waived-findings`` (advisory), naming the
waiver, so it is still seen and no longer fails the run.  A file that is malformed, names an
unknown policy or holds an expired waiver is reported by ``waivers-valid`` (mandatory: the run
fails closed); preflight refuses it before running (exit 2), and also a waiver that matched no
finding.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

import yaml

FOLDER = Path(__file__).resolve().parent.parent / "waivers"
KEYS = ("policy", "resource", "reason", "owner", "expires")
MAX_BYTES = 256 * 1024
OWNER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}")


@dataclass(frozen=True)
class Waiver:
    number: int          # its position in the file, from 1: how a report names it
    policy: str
    resource: str
    reason: str
    owner: str
    expires: dt.date

    def matches(self, policy: str, urn: str) -> bool:
        if policy != self.policy:
            return False
        target = urn if self.resource.startswith("urn:") else urn.split("::")[-1]
        return fnmatch.fnmatchcase(target, self.resource)

    def label(self, stack: str) -> str:
        return f"waiver #{self.number} of policies/waivers/{stack}.yaml"

    def marked(self, stack: str, message: str) -> str:
        """The waived finding's message as ``waived-findings`` reports it (preflight reads it back)."""
        return (f"{self.label(stack)} ({self.policy} waived until {self.expires.isoformat()}, owner {self.owner}: "
                f"{self.reason}). The finding: {message}")


def load(stack: str, policies: Iterable[str], today: dt.date,
         folder: Optional[Path] = None) -> tuple[list[Waiver], list[str]]:
    """(the waivers in force, one line per problem).  A missing file waives nothing."""
    path = (folder or FOLDER) / f"{stack}.yaml"
    where = f"policies/waivers/{stack}.yaml"
    if not path.exists():
        return [], []
    try:
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return [], [f"{where}: not a file of at most {MAX_BYTES} bytes"]
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        return [], [f"{where}: cannot be read as YAML ({str(err).splitlines()[0][:200]})"]
    if not isinstance(doc, dict) or set(doc) - {"waivers"} or not isinstance(doc.get("waivers", []) or [], list) \
            or doc.get("waivers") == {}:
        return [], [f"{where}: allowed: a mapping with one key 'waivers' holding a list of "
                    f"{{{', '.join(KEYS)}}}"]
    known = set(policies)
    waivers, problems = [], []
    for n, entry in enumerate(doc.get("waivers") or [], start=1):
        label = f"{where} waiver #{n}"
        problem = _problem(entry, known, today)
        if problem:
            problems.append(f"{label}: {problem}")
            continue
        waivers.append(Waiver(n, entry["policy"], str(entry["resource"]), entry["reason"].strip(), str(entry["owner"]),
                              as_date(entry["expires"])))  # type: ignore[arg-type]
    return waivers, problems


def _problem(entry: Any, known: set[str], today: dt.date) -> Optional[str]:
    if not isinstance(entry, dict):
        return f"is {type(entry).__name__}; allowed: a mapping of {', '.join(KEYS)}"
    extra, missing = sorted(set(map(str, entry)) - set(KEYS)), [k for k in KEYS if k not in entry]
    if extra or missing:
        return "; ".join(([f"unknown keys {', '.join(extra)}"] if extra else [])
                         + ([f"missing {', '.join(missing)}"] if missing else [])) + f"; allowed: {', '.join(KEYS)}"
    if entry["policy"] not in known:
        return f"policy {str(entry['policy'])[:80]!r} is no rule of the pack"
    if not isinstance(entry["resource"], str) or not entry["resource"].strip():
        return "resource: allowed: a resource name or URN (* and ? match any characters)"
    if not isinstance(entry["reason"], str) or len(entry["reason"].strip()) < 10:
        return "reason: allowed: the reason in a sentence (at least 10 characters)"
    if not isinstance(entry["owner"], str) or not OWNER.fullmatch(entry["owner"]):
        return "owner: allowed: a team or person (letters, digits, . _ @ + -)"
    expires = as_date(entry["expires"])
    if expires is None:
        return f"expires: {str(entry['expires'])[:40]!r} is not a date; allowed: YYYY-MM-DD"
    if expires < today:
        return f"expired on {expires.isoformat()}; renew it with a reason or remove it"
    return None


def as_date(value: Any) -> Optional[dt.date]:
    """A YAML date or an ISO ``YYYY-MM-DD`` string as a date; None for anything else (a datetime too)."""
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


# ---- in the pack process -------------------------------------------------------------------------
def stack_of(urn: str) -> str:
    """The stack a URN names (``urn:pulumi:<stack>::...``); the pack reads no stack config."""
    return urn.split("::", 1)[0].rpartition(":")[2] if urn.startswith("urn:pulumi:") else ""


class _State:
    """Each stack's waivers (read on first use) and the findings they waived in this run."""

    def __init__(self) -> None:
        self.loaded: dict[str, tuple[list[Waiver], list[str]]] = {}
        self.waived: dict[tuple[str, str, str], Waiver] = {}   # (policy, urn, message) -> waiver

    def of(self, stack: str, policies: Iterable[str]) -> tuple[list[Waiver], list[str]]:
        if stack not in self.loaded:
            self.loaded[stack] = load(stack, policies, dt.date.today()) if stack else ([], [])
        return self.loaded[stack]


STATE = _State()


def waivable(policy: str, validate: Callable[..., Any], stack_policy: bool,
             policies: Iterable[str]) -> Callable[..., Any]:
    """``validate`` with its reports filtered: a finding a waiver matches is kept for ``waived-findings``
    (``policies``: every rule name of the pack, read when the first request comes)."""
    def run(args: Any, report: Callable[..., None]) -> Any:
        first = args.resources[0].urn if stack_policy and args.resources else getattr(args, "urn", "")
        waivers, _ = STATE.of(stack_of(first or ""), policies)
        mine = [w for w in waivers if w.policy == policy]
        if not mine:
            return validate(args, report)
        default_urn = "" if stack_policy else args.urn

        def filtered(message: str, urn: Optional[str] = None) -> None:
            target = urn or default_urn
            hit = next((w for w in mine if target and w.matches(policy, target)), None)
            if hit is None:
                report(message, urn)
            else:
                STATE.waived[(policy, target, message or "")] = hit
        return validate(args, filtered)
    return run
