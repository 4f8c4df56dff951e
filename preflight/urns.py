"""The URNs of each committed stack, kept in ``contract/urns/<stack>.txt``.

A URN is a live resource's identity: when a change renames a resource, moves it to
another parent or changes a component's type token, the next ``pulumi up`` deletes the
live resource and creates a new one - a database included - unless the resource names
its old URN in the ``aliases`` option.  The committed lists let a test catch that
before it reaches a live stack (tests/test_urns.py):

    venv/bin/python -m preflight.urns             # compare every committed stack
    venv/bin/python -m preflight.urns --write     # record new URNs (refuses to drop one)

``--write`` records the current URNs; it refuses while a committed URN is neither
present nor reachable through an alias, unless ``--allow-removal`` says the removal
is meant (the resource really is to be deleted).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Iterable

ROOT = Path(__file__).resolve().parent.parent
URN_DIR = ROOT / "contract" / "urns"


def committed(stack: str, directory: Path = URN_DIR) -> list[str]:
    path = directory / f"{stack}.txt"
    if not path.exists():
        return []
    return [line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]


def _requalify(urn: str, old_parent: str) -> str:
    """``urn`` as it would read under a parent whose URN was ``old_parent``."""
    prefix, _, rest = urn.partition("::")  # urn:pulumi:<stack>
    project, qualified, name = rest.split("::", 2)
    own_type = qualified.split("$")[-1]
    parent_qualified = old_parent.split("::")[2]
    return "::".join([prefix, project, f"{parent_qualified}${own_type}", name])


def answers_to(resources: Iterable[dict[str, Any]]) -> set[str]:
    """Every URN the plan's resources answer to: their own and their aliases, including
    the aliases a child inherits from an aliased parent (the engine derives those)."""
    records = list(resources)
    by_urn = {r["urn"]: r for r in records}
    memo: dict[str, set[str]] = {}

    def names(urn: str, depth: int = 0) -> set[str]:
        if urn in memo:
            return memo[urn]
        r = by_urn[urn]
        found = {urn, *(r.get("aliases") or [])}
        parent = r.get("parent")
        if parent in by_urn and depth < len(by_urn):
            for old_parent in names(parent, depth + 1) - {parent}:
                found.add(_requalify(urn, old_parent))
        memo[urn] = found
        return found

    result: set[str] = set()
    for r in records:
        result |= names(r["urn"])
    return result


def compare(stack: str, plan: dict[str, Any], directory: Path = URN_DIR) -> tuple[list[str], list[str]]:
    """(lost, new): committed URNs the plan no longer answers to, and URNs not yet committed."""
    before = committed(stack, directory)
    now = [r["urn"] for r in plan["resources"]]
    reachable = answers_to(plan["resources"])
    lost = sorted(u for u in before if u not in reachable)
    new = sorted(set(now) - set(before))
    return lost, new


def write(stack: str, plan: dict[str, Any], directory: Path = URN_DIR) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{stack}.txt"
    header = (f"# URNs of the {stack} stack's resources (python -m preflight.urns --write).\n"
              "# A URN missing from the program without an alias replaces the live resource.\n")
    path.write_text(header + "\n".join(sorted(r["urn"] for r in plan["resources"])) + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    from .program import ProgramConfigError, record_plan
    from .stackconfig import stacks

    ap = argparse.ArgumentParser(prog="python -m preflight.urns", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stack", action="append", help="stack (repeatable; default: every committed stack)")
    ap.add_argument("--write", action="store_true", help="record the current URNs")
    ap.add_argument("--allow-removal", action="store_true", help="with --write: drop URNs that are gone")
    args = ap.parse_args(argv)
    worst = 0
    for stack in args.stack or stacks(ROOT):
        try:
            plan = record_plan(stack)
        except ProgramConfigError as err:
            print(f"preflight.urns: stack {stack}: {err}", file=sys.stderr)
            return 2
        lost, new = compare(stack, plan)
        for urn in lost:
            print(f"{stack}: LOST (no resource and no alias answers to it): {urn}")
        for urn in new:
            print(f"{stack}: new: {urn}")
        if args.write and (not lost or args.allow_removal):
            print(f"{stack}: wrote {write(stack, plan).relative_to(ROOT)}")
        elif lost or (new and not args.write):
            worst = 1
    return worst


if __name__ == "__main__":
    sys.exit(main())
