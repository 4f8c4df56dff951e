"""The replace-on table: which changed input paths make the provider replace a resource of a type."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Optional

TABLE_FILE = Path(__file__).with_name("replace_on.json")
_INDEX = re.compile(r"\[\d+\]")

# pulumi-aws's provider: a region change replaces every resource it manages (replace_on.json
# "providerNotes"); the other provider inputs update it in place.
PROVIDER_REPLACE_ON = {"pulumi:providers:aws": ("region",)}


@lru_cache(maxsize=1)
def table() -> dict[str, Any]:
    return json.loads(TABLE_FILE.read_text())


def normalised(path: str) -> str:
    """An input path without list positions: ``ingress[2].cidrBlocks`` -> ``ingress.cidrBlocks``."""
    return _INDEX.sub("", path)


def _covers(entry: str, path: str) -> bool:
    """A change at ``path`` changes ``entry``: the same input, inside it, or a whole block holding it."""
    return path == entry or path.startswith(entry + ".") or entry.startswith(path + ".")


def known(type_: str) -> bool:
    return type_ in table()["types"] or type_ in PROVIDER_REPLACE_ON


def replacing(type_: str, path: str) -> Iterator[dict[str, str]]:
    """Why a change at input ``path`` of a ``type_`` resource replaces it (nothing: it updates)."""
    flat = normalised(path)
    entry = table()["types"].get(type_, {})
    for name in PROVIDER_REPLACE_ON.get(type_, ()):
        if _covers(name, flat):
            yield {"kind": "provider-input", "input": name,
                   "text": f"provider input {name} changed: every resource it manages is replaced"}
    for name in entry.get("replaceOn", ()):
        if _covers(name, flat):
            yield {"kind": "replace-on-input", "input": name, "text": f"{name} changed (the provider replaces on it)"}
            return
    for item in entry.get("likelyReplaceOnUnverified", ()):
        if _covers(item["input"], flat):
            yield {"kind": "replace-on-input", "input": item["input"],
                   "text": f"{item['input']} changed (replaces, not verified against the provider source: "
                           f"{item['why']})"}
            return


def block_presence(type_: str) -> tuple[str, ...]:
    """Blocks whose adding or removing replaces (their fields update in place)."""
    return tuple(table()["types"].get(type_, {}).get("replaceOnBlockPresence", ()))


def may_replace(type_: str, path: str) -> Optional[dict[str, str]]:
    """A change the provider replaces on only in a stated situation (its CustomizeDiff)."""
    flat = normalised(path)
    for item in table()["types"].get(type_, {}).get("conditional", ()):
        for name in item["inputs"]:
            if _covers(name, flat):
                return {"kind": "may-replace", "input": name, "text": f"{name} changed: replaces when {item['when']}"}
    return None


def replace_on_top_level(type_: str) -> set[str]:
    """The top-level inputs of ``type_`` a replace-on entry lies under (what a cascade can reach)."""
    entry = table()["types"].get(type_, {})
    names = [*entry.get("replaceOn", ()), *(i["input"] for i in entry.get("likelyReplaceOnUnverified", ())),
             *PROVIDER_REPLACE_ON.get(type_, ())]
    return {n.split(".")[0] for n in names}
