"""The docs: generated tables up to date and readable, the README short, links that resolve."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SETUP_COMMANDS = [  # exactly two: the offline gate for both stacks, and the tests
    "python3 -m venv venv && venv/bin/pip install -r requirements.txt && python3 -m venv policies/venv && "
    "policies/venv/bin/pip install -r policies/requirements.txt && venv/bin/python -m preflight",
    "venv/bin/python -m pytest -q",
]
# Written by another change that lands together with this one; drop once it exists.


def _load_generator():
    spec = importlib.util.spec_from_file_location("docs_generate", DOCS / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


def markdown_files() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


def prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks."""
    out, fenced = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if not fenced:
            out.append(line)
    return out


# --------------------------------------------------------------------------- generated blocks
def test_generated_blocks_are_up_to_date(capsys):
    assert gen.main(["--check"]) == 0, capsys.readouterr().out
    assert gen.unused_generators() == []


def test_check_reports_a_stale_block():
    start, end = "<!-- generated:fargate-sizes:start -->", "<!-- generated:fargate-sizes:end -->"
    current = f"x\n{start}\n{gen.fargate_sizes_table()}\n{end}\n"
    assert gen.render(current) == current
    stale = current.replace("| 256 |", "| 255 |")
    assert gen.render(stale) == current
    with pytest.raises(gen.UnknownBlock):
        gen.render("<!-- generated:nope:start -->\n<!-- generated:nope:end -->")


def test_config_tables_are_readable():
    tables = gen.config_table() + "\n" + gen.services_tables()
    assert "typing." not in tables and "components." not in tables
    assert "''" not in tables
    for python_repr in ("`True`", "`False`", "`None`", "'(see below)'"):
        assert python_repr not in tables
    rows = {line.split(" | ")[0].strip("| `"): line for line in tables.splitlines() if line.startswith("| `")}
    assert '`["user", "order", "inventory"]`' in rows["database.owners"]
    assert '`["order", "inventory", "notification", "stream-processor"]`' in rows["kafka.clients"]
    assert "| `true` |" in rows["deletionProtection"] and "| `false` |" in rows["schedule.enabled"]
    assert "an integer from 0 to 1000, optional (unset = scaling.desiredCount)" in rows["services.<name>.desiredCount"]
    assert "an object: cpu, memory, optional" in rows["serviceSizeOverride"]
    assert "one of X86_64, ARM64" in rows["services.<name>.architecture"]
    assert "optional (unset = no e-mail" in rows["alertEmail"]


def test_services_table_lists_the_seed():
    from components.config.settings import SEED_SERVICES

    table = gen.services_tables()
    for name, svc in SEED_SERVICES.items():
        (row,) = [line for line in table.splitlines() if line.startswith(f"| `{name}` |")]
        assert f"| {svc['cpu']} | {svc['memory']} |" in row
    assert "`critical: false`" in table


def test_every_config_key_is_documented():
    from components.config.messages import describe
    from components.config.settings import StackSettings

    text = (DOCS / "configuration.md").read_text()
    missing = [r.key for r in describe(StackSettings) if f"| `{r.key}` |" not in text]
    assert not missing


# --------------------------------------------------------------------------- README
def test_readme_is_short_and_starts_with_the_setup_commands():
    lines = (ROOT / "README.md").read_text().splitlines()
    assert len(lines) <= 200
    start = next(i for i, line in enumerate(lines) if line.startswith("```"))
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("```"))
    assert [line.strip() for line in lines[start + 1:end] if line.strip()] == SETUP_COMMANDS
    assert all(not line.strip() or line.startswith("#") for line in lines[:start]), "commands come first"


# --------------------------------------------------------------------------- links
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def github_anchors(path: Path) -> set[str]:
    """The heading anchors GitHub generates for a markdown file."""
    seen: dict[str, int] = {}
    anchors = set()
    for line in prose_lines(path.read_text()):
        m = re.match(r"#{1,6}\s+(.*)", line)
        if not m:
            continue
        slug = re.sub(r"[^\w\- ]", "", m[1].strip().lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        anchors.add(slug if n == 0 else f"{slug}-{n}")
    return anchors


def relative_links(path: Path) -> list[str]:
    return [t for line in prose_lines(path.read_text()) for t in LINK.findall(line)
            if not re.match(r"[a-z]+:", t)]


@pytest.mark.parametrize("doc", markdown_files(), ids=lambda p: p.name)
def test_relative_links_resolve(doc):
    broken = []
    for target in relative_links(doc):
        file_part, _, anchor = target.partition("#")
        dest = (doc.parent / file_part).resolve() if file_part else doc
        if not dest.exists():
            broken.append(f"{target}: no such file")
        elif anchor and dest.suffix == ".md" and anchor not in github_anchors(dest):
            broken.append(f"{target}: no heading #{anchor}")
    assert not broken, broken


def test_link_checker_sees_broken_links(tmp_path):
    doc = tmp_path / "a.md"
    doc.write_text("# Top\n\n[ok](#top) [bad](missing.md) [web](https://example.com)\n```\n[in code](x.md)\n```\n")
    assert relative_links(doc) == ["#top", "missing.md"]
    assert github_anchors(doc) == {"top"}
