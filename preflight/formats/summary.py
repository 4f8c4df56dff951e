"""``--format json``: the verdicts, stages, violations and cost summary of every stack.

Smaller than the per-stack ``--json`` document (no resources, no cost lines), for
scripts that only need the outcome.
"""

from __future__ import annotations

import json
from typing import Any

from ..result import ranked_drivers


def summarize(result: dict[str, Any], delta: Any) -> dict[str, Any]:
    cost = result.get("cost") or {}
    return {
        "stack": result["stack"], "verdict": result["verdict"], "stages": result["stages"],
        "violations": result["violations"],
        "cost": {"totals": cost.get("totals"), "cap": cost.get("cap"),
                 "top_drivers": ranked_drivers(cost),
                 "against_base": delta},
    }


def render(run: dict[str, Any]) -> str:
    doc = {"verdict": run["verdict"], "exit_code": run["exit_code"],
           "stacks": [summarize(r, run["cost_deltas"].get(r["stack"])) for r in run["stacks"]]}
    return json.dumps(doc, indent=1, sort_keys=True, default=str)
