"""Regenerate the policy reference table in docs/policies.md from the policy pack.

    venv/bin/python docs/generate_policies.py        # rewrites the block between the markers
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "policies"))

from platform_policies.reference import policies_table_markdown  # noqa: E402

DOC = ROOT / "docs" / "policies.md"
CONFIG_DIR = ROOT / "policies" / "config"
START, END = "<!-- generated:policies:start -->", "<!-- generated:policies:end -->"


def render(text: str) -> str:
    """``text`` with the block between the markers replaced by the current table."""
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{policies_table_markdown(CONFIG_DIR)}\n{END}{tail}"


def main() -> None:
    DOC.write_text(render(DOC.read_text()))


if __name__ == "__main__":
    main()
