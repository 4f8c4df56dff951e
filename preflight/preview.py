"""A first ``pulumi preview`` of a new stack, offline: what it leaves unknown, and what it must not.

``record_plan(stack, preview=True)`` (``python -m preflight check --preview``) runs the program
as that preview does: a dry run whose mocks return no id and only what the provider echoes from
the inputs, so every id, ARN and anything built from them is unknown to the program and to the
pack.  Two uses:

* verdict parity - the mandatory (policy, resource) verdicts of the preview view must equal those
  of the full run, or ``pulumi preview`` (and the preview ``pulumi up`` starts with) lets a
  mistake through that the update then stops halfway;
* mock gaps - an input that is unknown in the preview but absent in the full run comes from an
  output the mocks never return (under mocks it silently becomes null), so nothing checks it.
"""

from __future__ import annotations

from typing import Any, Iterator

from .mocks import UNKNOWN


def _unknown_but_missing(preview: Any, full: Any, path: str) -> Iterator[str]:
    if preview == UNKNOWN:
        if full is None:
            yield path or "(value)"
        return
    if isinstance(preview, dict):
        for key, value in preview.items():
            yield from _unknown_but_missing(value, full.get(key) if isinstance(full, dict) else None,
                                            f"{path}.{key}" if path else key)
    elif isinstance(preview, list) and isinstance(full, list) and len(full) == len(preview):
        for i, value in enumerate(preview):
            yield from _unknown_but_missing(value, full[i], f"{path}[{i}]")


def mock_gaps(full_plan: dict[str, Any], preview_plan: dict[str, Any]) -> list[tuple[str, str]]:
    """(urn or "stack outputs", input path) of every value unknown in the preview and absent in the
    full run: an output the program reads that the mocks do not return."""
    full = {r["urn"]: r for r in full_plan["resources"]}
    gaps = [(r["urn"], p) for r in preview_plan["resources"] if r["urn"] in full
            for p in _unknown_but_missing(r.get("inputs") or {}, full[r["urn"]].get("inputs") or {}, "")]
    gaps += [("stack outputs", p) for p in _unknown_but_missing(preview_plan.get("outputs") or {},
                                                                 full_plan.get("outputs") or {}, "")]
    return gaps


def mandatory_verdicts(violations: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """The (policy, urn) pairs of the mandatory violations: what the parity test compares."""
    return {(v["policy"], v["urn"]) for v in violations if v["level"] == "mandatory"}
