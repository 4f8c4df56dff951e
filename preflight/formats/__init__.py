"""Report formats of ``check``: each renders the run document (preflight/result.py) to text.

    text      for people: verdict and violations first, details with --verbose
    json      the verdicts, stages, violations and cost summary of every stack
    sarif     SARIF 2.1.0 for GitHub code scanning: one result per violation
    junit     JUnit XML for CI test reports: one test case per stack and policy or stage
    markdown  the pull-request comment: compact, under 60,000 characters whatever the size
    github    GitHub Actions annotations (workflow commands), at the source lines
"""

from __future__ import annotations

from typing import Any, Optional

FORMATS = ("text", "json", "sarif", "junit", "markdown", "github")


def render(fmt: str, run: dict[str, Any], *, verbose: bool = False, width: Optional[int] = None) -> str:
    """``width``: the terminal's, for ``text`` on a terminal (lines wrap to it)."""
    if fmt == "text":
        from .text import render as text
        return text(run, verbose=verbose, width=width)
    if fmt == "json":
        from .summary import render as summary
        return summary(run)
    if fmt == "sarif":
        from .sarif import render as sarif
        return sarif(run)
    if fmt == "junit":
        from .junit import render as junit
        return junit(run)
    if fmt == "markdown":
        from .markdown import render as markdown
        return markdown(run)
    if fmt == "github":
        from .github import render as github
        return github(run)
    raise ValueError(f"unknown format {fmt!r}")
