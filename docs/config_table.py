"""Regenerate the README's "Stack config" table from components/settings.py.

    venv/bin/python docs/config_table.py        # rewrites the block between the markers
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from components.config.schema import describe  # noqa: E402
from components.config.settings import ServiceSettings, StackSettings  # noqa: E402

START, END = "<!-- config-table:start -->", "<!-- config-table:end -->"


def table() -> str:
    lines = ["| key | allowed | default | meaning |", "|---|---|---|---|"]
    for key, allowed, default, doc in describe(StackSettings):
        if key.startswith("services."):
            continue
        if key == "services":
            lines.append(f"| `services` | a map of name to object | the seed's seven | {doc} |")
            lines += [f"| `{k}` | {a} | `{d}` | {x} |" for k, a, d, x in describe(ServiceSettings, "services.<name>.")]
            continue
        shown = "" if default == "'(see below)'" else f"`{default}`"
        lines.append(f"| `{key}` | {allowed} | {shown} | {doc} |")
    return "\n".join(lines)


def main() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text()
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(f"{head}{START}\n{table()}\n{END}{tail}")


if __name__ == "__main__":
    main()
