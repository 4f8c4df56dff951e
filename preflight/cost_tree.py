"""The cost report for a terminal: verdict, total, cap and peak first, then a tree - tier, resource,
priced component - that fits the terminal, at most 100 columns (``cost --wide`` prints every column).

Drawn with rich (a maintained terminal-rendering library: trees, widths and colour handling -
``NO_COLOR``, not a terminal - done once there rather than by hand here).
"""

from __future__ import annotations

import io
import os
import sys
from collections import defaultdict
from typing import Any, Mapping

from rich.console import Console
from rich.text import Text
from rich.tree import Tree

WIDTH = 100  # when not a terminal (CI logs, files); on a terminal its own width, at most WIDTH
VERDICT_STYLE = {"ok": "green", "warn": "yellow", "over": "bold red", "unpriced": "bold red", "no cap": ""}


def _money(v: float) -> str:
    return f"${v:,.2f}"


def colour_wanted() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def terminal_width() -> int:
    """The width to draw in: the terminal's (COLUMNS too), at most WIDTH; WIDTH when not a terminal."""
    from .inputs import terminal_columns

    return max(40, min(WIDTH, terminal_columns() or WIDTH))


def _qty(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.4g}"


def _component(line: Mapping[str, Any]) -> str:
    return f"{line['component']} ({_qty(line['quantity'])} {line['unit']} x ${line['unit_price']:.6g})"


def _line(text: str) -> Text:
    return Text(text, no_wrap=True, overflow="ellipsis")


def render(report: Mapping[str, Any], colour: bool | None = None, width: int | None = None) -> str:
    colour = colour_wanted() if colour is None else colour
    out = io.StringIO()
    console = Console(file=out, width=width or terminal_width(), force_terminal=colour, no_color=not colour, highlight=False,
                      color_system="standard" if colour else None, soft_wrap=False)
    t, cap = report["totals"], report.get("cap") or {}
    verdict = cap.get("verdict") or "no cap"
    head = Text(f"stack {report.get('stack') or '?'}: ")
    head.append(verdict.upper(), style=VERDICT_STYLE.get(verdict, ""))
    head.append(f"  {_money(t['total_usd'])}/month")
    if cap.get("max_monthly_usd"):
        head.append(f" of a {_money(cap['max_monthly_usd'])} cap ({cap['percent']:.0f} %, on the "
                    f"{cap.get('cap_on', 'expected')} cost)")
    console.print(head)
    peak = t.get("peak_usd", t["total_usd"])
    console.print(f"baseline {_money(t['baseline_usd'])} + usage {_money(t['usage_usd'])}; peak {_money(peak)}"
                  + (f" ({cap['peak_percent']:.0f} % of the cap)" if cap.get("max_monthly_usd") else ""))
    console.print(f"{report['region']}, prices of {report['catalog_date']}, {report['hours_per_month']:g} h/month")
    unpriced = report.get("unpriced_resources") or []
    if unpriced:
        console.print(Text(f"not priced (billable): {len(unpriced)}", style="bold red" if colour else ""))
        for u in unpriced:
            console.print(f"  {u['resource']} ({u['type']}): {u['reason']}")
    tree = Tree("monthly cost by tier, resource and component")
    by_tier: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for line in report["lines"]:
        by_tier[line["tier"]][line["resource"]].append(line)
    for tier, amount in sorted(report["by_tier"].items(), key=lambda kv: -kv[1]):
        branch = tree.add(Text(f"{tier}  {_money(amount)}", style="bold"))
        resources = sorted(by_tier[tier].items(), key=lambda kv: (-sum(l["monthly_usd"] for l in kv[1]), kv[0]))
        for resource, lines in resources:
            total = sum(l["monthly_usd"] for l in lines)
            if len(lines) == 1:  # one priced component: one line
                branch.add(_line(f"{resource}  {_money(total)}  {_component(lines[0])}"))
                continue
            node = branch.add(f"{resource}  {_money(total)}")
            for l in sorted(lines, key=lambda l: -l["monthly_usd"]):
                node.add(_line(f"{_money(l['monthly_usd'])}  {_component(l)}"))
    console.print(tree)
    if report.get("advice"):
        console.print("advice:")
        for a in report["advice"]:
            console.print(f"  [{a['kind']}] {a['message']}")
    console.print("every column and the assumptions: --wide; machine-readable: --format json")
    return out.getvalue().rstrip("\n")
