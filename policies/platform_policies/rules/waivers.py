"""The stack's waivers (policies/waivers/<stack>.yaml, platform_policies/waivers.py): what they waived
is still reported, and a waivers file that cannot be applied fails the run.

* ``waivers-valid`` (mandatory): the file is malformed, names a policy the pack does not have, or
  holds an expired waiver - reported, so the run fails closed instead of waiving nothing silently.
* ``waived-findings`` (advisory): each finding a waiver took, naming the waiver (reason, owner,
  expiry) and the finding; and each waiver that took none (remove it).

Both run last (area ``waivers``): the other policies have reported, or handed their waived
findings over, by then.
"""

from __future__ import annotations

from typing import Any, Callable

from ..rule import ADVISORY, MANDATORY, RULES, WAIVERS, WHOLE_STACK, rule
from ..waivers import STATE, stack_of


def _stack(args: Any) -> str:
    return stack_of(args.resources[0].urn) if args.resources else ""


@rule(name="waivers-valid", area=WAIVERS, level=MANDATORY, resource_types=(WHOLE_STACK,), stack=True,
      description="The stack's waivers file (policies/waivers/<stack>.yaml) can be applied.",
      remediation="Fix the entry named: a known policy, a resource name or URN, a reason, an owner and an "
                  "expiry date not in the past (docs/policies.md#waivers).")
def validate_waivers(args: Any, report: Callable[..., None]) -> None:
    for problem in STATE.of(_stack(args), RULES)[1]:
        report(problem)


@rule(name="waived-findings", area=WAIVERS, level=ADVISORY, resource_types=(WHOLE_STACK,), stack=True,
      description="A finding a waiver accepts for a while (still reported, no longer failing the run).",
      remediation="Fix the finding before the waiver expires, or renew the waiver with a reason.")
def report_waived(args: Any, report: Callable[..., None]) -> None:
    stack = _stack(args)
    waivers, _ = STATE.of(stack, RULES)
    taken = {w.number for w in STATE.waived.values()}
    for (policy, urn, message), waiver in sorted(STATE.waived.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2])):
        if stack_of(urn) == stack:
            report(waiver.marked(stack, message), urn)
    for w in waivers:
        if w.number not in taken:
            report(f"{w.label(stack)} ({w.policy}, {w.resource}) matches no finding; remove it")
    STATE.waived.clear()  # a `pulumi up` previews, then updates, in one pack process
