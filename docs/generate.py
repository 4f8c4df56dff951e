"""Rewrite the generated blocks in docs/*.md from the code they describe.

    venv/bin/python docs/generate.py           # rewrite every block that is out of date
    venv/bin/python docs/generate.py --check   # exit 1 and name the stale files; change nothing

A block is the text between ``<!-- generated:NAME:start -->`` and
``<!-- generated:NAME:end -->``; GENERATORS maps NAME to the function that
returns its markdown.  Everything outside the markers is written by hand.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Callable

# Everything this script reads from the program and the pack; adjust here when modules move.
from components.config.messages import ConfigKey, describe
from components.config.settings import FARGATE_SIZES, SEED_SERVICES, ServiceSettings, StackSettings
from platform_policies.facts import zones
from platform_policies.reference import coverage_markdown, policies_table_markdown

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent

POLICY_CONFIG_DIR = ROOT / "policies" / "config"
COMPONENTS = ROOT / "components"

BLOCK = re.compile(r"(?P<start><!-- generated:(?P<name>[a-z0-9-]+):start -->\n)(?P<body>.*?)"
                   r"(?P<end><!-- generated:(?P=name):end -->)", re.S)
SERVICE_KEY = "services.<name>."


# --------------------------------------------------------------------------- tables
def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _key_table(rows: list[ConfigKey]) -> str:
    out = ["| key | allowed values | default | meaning |", "|---|---|---|---|"]
    for r in rows:
        default = f"`{r.default}`" if r.literal else r.default
        out.append(f"| `{r.key}` | {_cell(r.allowed)} | {_cell(default)} | {_cell(r.doc)} |")
    return "\n".join(out)


def config_table() -> str:
    """Every stack config key except those of one service (see services_tables)."""
    return _key_table([r for r in describe(StackSettings) if not r.key.startswith(SERVICE_KEY)])


def services_tables() -> str:
    """The seed's services as the project default, then the keys of one service."""
    shown = ("cpu", "memory", "public", "path")
    out = ["| service | cpu (units) | memory (MiB) | public | path | other keys |", "|---|--:|--:|---|---|---|"]
    for name, raw in SEED_SERVICES.items():
        svc = ServiceSettings(**raw)
        path = f"`{svc.path}`" if svc.public else "not routed"
        others = ", ".join(f"`{k}: {_yaml(v)}`" for k, v in raw.items() if k not in shown)
        out.append(f"| `{name}` | {svc.cpu} | {svc.memory} | {_yaml(svc.public)} | {path} | {others} |")
    keys = [r for r in describe(StackSettings) if r.key.startswith(SERVICE_KEY)]
    return "\n".join(out) + "\n\nEach entry takes these keys:\n\n" + _key_table(keys)


def fargate_sizes_table() -> str:
    """The cpu/memory pairs Fargate accepts (settings.FARGATE_SIZES)."""
    out = ["| cpu (units) | vCPU | memory (MiB) |", "|--:|--:|---|"]
    for cpu, memories in FARGATE_SIZES.items():
        step = memories[1] - memories[0] if len(memories) > 2 else 0
        evenly = step and all(b - a == step for a, b in zip(memories, memories[1:]))
        mem = (f"{memories[0]} to {memories[-1]} in steps of {step}" if evenly
               else ", ".join(map(str, memories)))
        out.append(f"| {cpu} | {cpu / 1024:g} | {mem} |")
    return "\n".join(out)


def zone_offers_table() -> str:
    """The zone IDs each zone-restricted service is not offered in (platform_policies.facts.zones)."""
    out = ["| service | region | zone IDs | evidence | source |", "|---|---|---|---|---|"]
    for e in zones.EXCLUSIONS:
        evidence = ("AWS documentation" if e.evidence == zones.DOCUMENTED else "third-party report") + (
            "" if e.verified else ", stored copy (unverified)" if e.evidence == zones.DOCUMENTED else " (unverified)")
        out.append(f"| {_cell(zones.FEATURES[e.feature])} | `{e.region}` | {', '.join(f'`{z}`' for z in e.zone_ids)} "
                   f"| {evidence} | {_cell(e.source)}, read {e.read} |")
    return "\n".join(out)


def _yaml(value: object) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def policies_table() -> str:
    return policies_table_markdown(POLICY_CONFIG_DIR)


# `aws.rds.Instance(` / `awsx.ec2.Vpc(` in a component module: the AWS resources it creates.
_RESOURCE_CALL = re.compile(r"\b(aws|awsx)\.([a-z0-9_]+)\.([A-Z][A-Za-z0-9]+)\(")


def resource_index() -> str:
    """Which file creates which AWS resource, read from the component sources."""
    found: dict[str, set[str]] = {}
    for path in sorted(COMPONENTS.rglob("*.py")):
        for package, module, cls in _RESOURCE_CALL.findall(path.read_text()):
            if cls.endswith("Args") or cls.startswith("get"):
                continue  # argument types and data-source calls create nothing
            found.setdefault(f"{package}.{module}.{cls}", set()).add(path.relative_to(ROOT).as_posix())
    lines = ["| resource (pulumi class) | created in |", "|---|---|"]
    for name in sorted(found, key=str.lower):
        lines.append(f"| `{name}` | " + ", ".join(f"[`{f}`](../{f})" for f in sorted(found[name])) + " |")
    return "\n".join(lines)


GENERATORS: dict[str, Callable[[], str]] = {
    "config": config_table,
    "services": services_tables,
    "fargate-sizes": fargate_sizes_table,
    "zone-offers": zone_offers_table,
    "policies": policies_table,
    "coverage": coverage_markdown,
    "resources": resource_index,
}


# --------------------------------------------------------------------------- rewriting
class UnknownBlock(Exception):
    pass


def render(text: str, where: str = "") -> str:
    """``text`` with every generated block rewritten."""
    def body(m: re.Match) -> str:
        name = m["name"]
        if name not in GENERATORS:
            raise UnknownBlock(f"{where}: no generator for block {name!r}; known: {', '.join(GENERATORS)}")
        return f"{m['start']}{GENERATORS[name]().rstrip()}\n{m['end']}"
    return BLOCK.sub(body, text)


def doc_files() -> list[Path]:
    return sorted(DOCS.glob("*.md"))


def stale_files() -> list[Path]:
    """Docs whose generated blocks differ from what the code gives now."""
    return [p for p in doc_files() if render(p.read_text(), p.name) != p.read_text()]


def unused_generators() -> list[str]:
    """Generators with no block in any doc (their table would silently never be written)."""
    used = {m["name"] for p in doc_files() for m in BLOCK.finditer(p.read_text())}
    return sorted(set(GENERATORS) - used)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="exit 1 when a block is out of date; write nothing")
    args = ap.parse_args(argv)
    try:
        stale = stale_files()
    except UnknownBlock as err:
        print(f"docs/generate.py: {err}", file=sys.stderr)
        return 2
    unused = unused_generators()
    if unused:
        print(f"docs/generate.py: no block in docs/*.md for: {', '.join(unused)}", file=sys.stderr)
        return 2
    if args.check:
        for p in stale:
            print(f"stale: {p.relative_to(ROOT)} (run: venv/bin/python docs/generate.py)")
        return 1 if stale else 0
    for p in stale:
        p.write_text(render(p.read_text(), p.name))
        print(f"rewrote {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
