"""GitHub Actions annotations: one ``::error`` / ``::warning`` workflow command per violation.

Printed by a workflow step, they show on the run's summary and, for a file that is
part of the pull request, next to the line: the component's source line, or the
stack config key's line (the same locations as the SARIF).  GitHub shows at most
10 error and 10 warning annotations per step, so mandatory violations come first
and the rest are counted in a notice.
"""

from __future__ import annotations

from typing import Any

from ..result import display_message
from .sarif import physical_location

PER_LEVEL = 10


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(run: dict[str, Any]) -> str:
    lines, left = [], 0
    shown = {"error": 0, "warning": 0}
    for result in run["stacks"]:
        for v in result["violations"]:
            kind = "error" if v["level"] == "mandatory" else "warning"
            if v["level"] == "disabled":
                continue
            if shown[kind] == PER_LEVEL:
                left += 1
                continue
            shown[kind] += 1
            loc = physical_location(v, result["stack"])
            title = f"{v['policy']} ({result['stack']})"
            where = v["resource"] or "the stack"
            lines.append(f"::{kind} file={_prop(loc['artifactLocation']['uri'])},line={loc['region']['startLine']},"
                         f"title={_prop(title)}::{_data(f'{where}: {display_message(v)}'[:2000])}")
    if left:
        lines.append(f"::notice title=preflight::{left} more finding(s) in the SARIF and JSON reports")
    return "\n".join(lines)
