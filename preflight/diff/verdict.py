"""The diff's verdict: data loss and changes the engine refuses are mandatory findings, unless a
reviewed entry of the accepted-changes file (``contract/accepted-changes.yaml``) accepts them.

The file: ``accepted: [{urn, reason, expires}]`` - the URN of the resource as the head plan names
it (or the base plan, for a delete), why losing its data is fine, and the last day the acceptance
holds (``YYYY-MM-DD``).  An expired entry, one with another shape, or one that matches no
data-losing change of the stacks diffed is bad input (exit 2): a stale acceptance must not wait
for the next change of that resource.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Optional

import yaml
from platform_policies.waivers import as_date

from ..exits import InputError, InputErrors, show
from ..planfile import urn_parts

ACCEPTED_FILE = Path("contract") / "accepted-changes.yaml"
MAX_ACCEPTED_BYTES = 256 * 1024
KEYS = {"urn", "reason", "expires"}


def load_accepted(path: Path, today: dt.date) -> list[dict[str, Any]]:
    """The file's entries, each checked (a missing file accepts nothing)."""
    if not path.exists():
        return []
    what = show(str(path), 120)
    try:
        if not path.is_file():
            raise InputError(what, "is not a file", "a YAML file: accepted: [{urn, reason, expires}]")
        if path.stat().st_size > MAX_ACCEPTED_BYTES:
            raise InputError(what, f"larger than {MAX_ACCEPTED_BYTES} bytes", "a short list of reviewed acceptances")
        doc = yaml.safe_load(path.read_text()) or {}
    except OSError as err:
        raise InputError(what, f"cannot be read: {err.strerror}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise InputError(what, f"not YAML: {show(str(err).splitlines()[0], 200)}") from None
    if not isinstance(doc, dict) or set(doc) - {"accepted"} or not isinstance(doc.get("accepted", []), list):
        raise InputError(what, "not a mapping with one key 'accepted' holding a list",
                         "accepted: [{urn, reason, expires}]")
    problems, entries = [], []
    for n, e in enumerate(doc.get("accepted") or []):
        where = f"accepted[{n}]"
        if not isinstance(e, dict):
            problems.append(f"{where}: is {type(e).__name__}; allowed: {{urn, reason, expires}}")
            continue
        extra, missing = sorted(set(map(str, e)) - KEYS), sorted(KEYS - set(e))
        if extra or missing:
            problems.append(f"{where}: " + "; ".join(
                ([f"unknown keys {', '.join(extra)}"] if extra else []) + ([f"missing {', '.join(missing)}"] if missing else []))
                + "; allowed: urn, reason, expires")
            continue
        if not isinstance(e["urn"], str) or urn_parts(e["urn"]) is None:
            problems.append(f"{where}.urn: {show(e['urn'])} is not a resource URN; allowed: urn:pulumi:<stack>::<project>::<type>::<name>")
            continue
        if not isinstance(e["reason"], str) or len(e["reason"].strip()) < 10:
            problems.append(f"{where}.reason: give the reason in a sentence (at least 10 characters)")
            continue
        expires = as_date(e["expires"])
        if expires is None:
            problems.append(f"{where}.expires: {show(e['expires'])} is not a date; allowed: YYYY-MM-DD")
            continue
        if expires < today:
            problems.append(f"{where} ({e['urn']}): expired on {expires.isoformat()}; renew it with a reason or remove it")
            continue
        entries.append({"urn": e["urn"], "reason": e["reason"].strip(), "expires": expires.isoformat(), "where": where})
    if problems:
        raise InputErrors(what, problems)
    return entries


def _violation(policy: str, level: str, change: dict, message: str) -> dict[str, Any]:
    return {"stage": "diff", "policy": policy, "level": level, "urn": change["urn"], "resource": change["name"],
            "type": change["type"], "message": message, "source": None, "key": None}


def loses_data(change: dict) -> bool:
    if not change["holdsData"]:
        return False
    return change["action"] == "replace" or (change["action"] == "delete" and not change["retainOnDelete"])


def judge(changes: list[dict], accepted: list[dict]) -> tuple[list[dict], set[str]]:
    """(violations, URNs of the acceptances used).  Each data-losing change is mandatory
    ``diff-data-loss`` unless accepted (then advisory, naming the reason); a change the engine
    refuses is mandatory ``diff-protected``; a data-holding resource that may be replaced (the
    provider decides at plan time), or an awsx Vpc whose hidden subnets move, is advisory
    ``diff-may-replace``."""
    from .changes import HOLDS_DATA

    by_urn = {a["urn"]: a for a in accepted}
    used: set[str] = set()
    out = []
    for c in changes:
        why = "; ".join(k["text"] for k in c["causes"]) or "removed from the program"
        if c["blocked"]:
            out.append(_violation("diff-protected", "mandatory", c, (
                f"the engine refuses to {c['action']} {c['name']}: it is protected ({why}). Unprotect it in a "
                "change of its own first, or keep it")))
        if loses_data(c):
            lost = HOLDS_DATA[c["type"]]
            entry = by_urn.get(c["urn"]) or by_urn.get(c.get("was", ""))
            if entry:
                used.add(entry["urn"])
                out.append(_violation("diff-data-loss", "advisory", c, (
                    f"{c['action']} of {c['name']} loses {lost} ({why}); accepted until {entry['expires']}: "
                    f"{entry['reason']}")))
            else:
                out.append(_violation("diff-data-loss", "mandatory", c, (
                    f"{c['action']} of {c['name']} loses {lost} ({why}). Keep the input (or add an alias), "
                    f"or accept it in {ACCEPTED_FILE} with a reason and an expiry date")))
        elif c["maybe"] and (c["holdsData"] or any(m["kind"] == "hidden-children" for m in c["maybe"])):
            loses = f", losing {HOLDS_DATA[c['type']]}" if c["holdsData"] else " in part"
            out.append(_violation("diff-may-replace", "advisory", c, (
                f"{c['name']} may be replaced{loses}: " + "; ".join(m["text"] for m in c["maybe"]))))
    return out, used


def unmatched(accepted: list[dict], used: set[str], stacks: set[str]) -> list[str]:
    """Entries for the stacks diffed that accept no change of this diff."""
    return [f"{a['where']} ({a['urn']}): matches no data-losing change of stack {urn_parts(a['urn'])['stack']}; "
            "remove it" for a in accepted if urn_parts(a["urn"])["stack"] in stacks and a["urn"] not in used]
