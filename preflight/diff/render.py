"""The diff's reports: text in ``pulumi preview``'s style (counts first, then the changes), JSON, the
pull-request comment's section (markdown) and SARIF results."""

from __future__ import annotations

import json
from typing import Any, Callable

from ..formats import sarif

SYMBOLS = {"create": "+", "update": "~", "replace": "+-", "delete": "-"}
ORDER = {"replace": 0, "delete": 1, "create": 2, "update": 3}
POLICIES = [
    {"name": "diff-data-loss", "level": "mandatory",
     "description": "A change replaces or deletes a resource that holds data or identity."},
    {"name": "diff-protected", "level": "mandatory",
     "description": "A change replaces or deletes a protected resource: the engine refuses it."},
    {"name": "diff-may-replace", "level": "advisory",
     "description": "A change may make the provider replace a resource that holds data."},
]
# The section joins the check report in one PR comment; that report stays under 60,000 characters
# and GitHub cuts a comment at 65,536.
MARKDOWN_BUDGET = 5_000


def _money(v: float) -> str:
    return f"{'+' if v > 0 else '-' if v < 0 else ''}${abs(v):,.2f}"


def _summary(d: dict) -> str:
    c = d["counts"]
    return (f"{c['create']} to create, {c['update']} to update, {c['replace']} to replace, "
            f"{c['delete']} to delete, {c['same']} unchanged")


def _why(c: dict) -> str:
    parts = [k["text"] for k in c["causes"]] or ([f"inputs: {', '.join(c['paths'][:8])}"
                                                  + (" ..." if len(c["paths"]) > 8 else "")] if c["paths"] else [])
    parts += [m["text"] for m in c["maybe"]]
    flags = [f for f, on in (("protected", c["protect_before"] or c["protect"]),
                             ("delete before replace", c["deleteBeforeReplace"] and c["action"] == "replace"),
                             ("retained on delete", c["retainOnDelete"] and c["action"] == "delete"),
                             ("BLOCKED by the engine", c["blocked"])) if on]
    return "; ".join(parts + ([f"[{', '.join(flags)}]"] if flags else []))


def _sorted(changes: list[dict]) -> list[dict]:
    return sorted(changes, key=lambda c: (ORDER[c["action"]], c["type"], c["name"]))


def text(docs: list[dict], width: int | None = None) -> str:
    """``width``: a terminal's, lines wrap to it; None (a pipe, a CI log): lines as they are."""
    lines = []
    for d in docs:
        lines.append(f"{d['stack']}: {d['verdict'].upper()} - {_summary(d)} (base {d['base']}, head {d['head']})")
        cost = d["cost"]
        lines.append(f"  monthly cost {cost['base_usd']:,.2f} -> {cost['head_usd']:,.2f} USD "
                     f"({_money(cost['delta_usd'])})")
        for v in d["violations"]:
            lines.append(f"  {v['level'].upper()} {v['policy']}: {v['message']}")
        for c in _sorted(d["changes"]):
            delta = c["monthly_usd"]["delta"]
            money = f"  {_money(delta)}/month" if delta else ""
            lines.append(f"  {SYMBOLS[c['action']]:<2} {c['type']} {c['name']}{money}")
            why = _why(c)
            if why:
                lines.append(f"       {why}")
        lines.append("")
    lines.append("; ".join(f"{d['stack']}: {d['verdict']}" for d in docs))
    if width:
        from ..formats.text import fit

        lines = [part for line in lines for part in fit(line, width)]
    return "\n".join(lines)


def as_json(docs: list[dict]) -> str:
    return json.dumps(docs[0] if len(docs) == 1 else {"stacks": docs}, indent=2, sort_keys=True)


def _cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")[:300]


def markdown(docs: list[dict]) -> str:
    """The PR comment's section: the counts per stack, then findings and changes until the budget is
    spent (the rest counted; the JSON in the reports artifact has them all)."""
    head = ["### What this change does to the live stacks", "",
            "| stack | verdict | create | update | replace | delete | monthly cost change |",
            "|---|---|---:|---:|---:|---:|---:|"]
    for d in docs:
        c = d["counts"]
        head.append(f"| {d['stack']} | {'❌ blocked' if d['verdict'] == 'blocked' else '✅ passed'} | {c['create']} | "
                    f"{c['update']} | {c['replace']} | {c['delete']} | {_money(d['cost']['delta_usd'])} |")
    out, size = head, sum(len(line) + 1 for line in head)
    for d in docs:
        if not d["changes"]:
            continue
        items = [f"- **{v['level']}** `{v['policy']}`: {_cell(v['message'])}" for v in d["violations"]]
        items += [f"- `{SYMBOLS[c['action']]}` {c['action']} **{_cell(c['name'])}** `{c['type']}`"
                  + (f": {_cell(_why(c))}" if _why(c) else "") for c in _sorted(d["changes"])]
        section = ["", f"#### {d['stack']}", ""]
        for n, line in enumerate(items):
            if size + len(line) + 200 > MARKDOWN_BUDGET:
                section.append(f"- ... {len(items) - n} more: see `diff-{d['stack']}.json` in the preflight reports")
                break
            section.append(line)
            size += len(line) + 1
        out += section
        size += 40
    return "\n".join(out) + "\n"


def as_sarif(docs: list[dict]) -> str:
    run = {"stacks": [{"stack": d["stack"], "policies": POLICIES, "violations": d["violations"]} for d in docs],
           "exit_code": 1 if any(d["verdict"] == "blocked" for d in docs) else 0}
    return sarif.render(run)


RENDERERS: dict[str, Callable[[list[dict]], str]] = {"text": text, "json": as_json, "markdown": markdown,
                                                      "sarif": as_sarif}
