"""Reporting the problems a check collected: each one a violation of its own, written as a sentence."""

from __future__ import annotations

from typing import Any, Callable, Iterable


def report_problems(report_violation: Callable[..., None], problems: Iterable[str], urn: Any = None) -> None:
    """Report each problem ("x is 5; use 1-3") as a sentence: first letter upper-case, a full stop at the end.
    ``urn``: the resource to report on (None: the one being validated)."""
    for problem in problems:
        report_violation(problem[0].upper() + problem[1:] + ".", urn)


def report_findings(report_violation: Callable[..., None], findings: Iterable[tuple[str, Any, str]],
                    kind: str) -> None:
    """Report the ``(kind, urn, message)`` findings of one kind, each as a sentence on its resource (the
    wiring rules: one collection of findings, a mandatory rule for the decided and an advisory one for
    the undecided)."""
    for found, urn, message in findings:
        if found == kind:
            report_violation(message + ".", urn)
