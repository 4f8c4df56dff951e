"""Waivers in preflight: the stack's waivers file checked before anything runs (exit 2), and the
pack's ``waived-findings`` read back into the findings they waived, marked, no longer failing.

The pack applies the waivers (platform_policies/waivers.py), so ``pulumi preview`` with the pack and
preflight agree; preflight only re-labels what the pack reported and refuses a waiver that matched
nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from platform_policies import waivers as pack_waivers

from .exits import InputErrors

REPORTING = ("waived-findings", "waivers-valid")


def checked(stack: str, today: dt.date | None = None) -> list[pack_waivers.Waiver]:
    """The stack's waivers, or exit 2 naming every entry that cannot be applied."""
    from platform_policies import all_rules

    found, problems = pack_waivers.load(stack, [r.name for r in all_rules()], today or dt.date.today())
    if problems:
        raise InputErrors(f"policies/waivers/{stack}.yaml", problems)
    return found


def unwaive(violations: list[dict[str, Any]], stack: str, levels: dict[str, str]) -> list[dict[str, Any]]:
    """The pack's violations with each ``waived-findings`` report turned back into the finding it waived
    (its policy, level advisory, ``waived`` naming the waiver and the level it had).  A waiver that
    took no finding is exit 2."""
    by_number = {w.number: w for w in checked(stack)}
    out, unused = [], []
    for v in violations:
        if v["policy"] != "waived-findings":
            out.append(v)
            continue
        waiver = next((w for w in by_number.values() if v["message"].startswith(w.marked(stack, ""))), None)
        if waiver is None:
            unused.append(v["message"])
            continue
        out.append({**v, "policy": waiver.policy, "level": "advisory",
                    "message": v["message"][len(waiver.marked(stack, "")):],
                    "description": None,
                    "waived": {"waiver": waiver.label(stack), "reason": waiver.reason, "owner": waiver.owner,
                               "expires": waiver.expires.isoformat(), "level": levels.get(waiver.policy, "advisory")}})
    if unused:
        raise InputErrors(f"policies/waivers/{stack}.yaml", unused)
    return out
