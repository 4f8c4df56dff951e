"""Tell a typo of a known name from a real name the pack has not heard of.

Lists of AWS names (service principals, FIS actions) are never complete: refusing every name missing from a
list refuses real ones.  A name a couple of edits away from a known one is almost always a misspelling of it.
"""

from __future__ import annotations

from typing import Iterable, Optional


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: the fewest single-character insertions, deletions or substitutions from a to b."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def allowed_edits(name: str) -> int:
    """How many edits still count as a typo: none for short names (ses/sns/sqs, eks/ecs are all real), one from
    five characters, two from nine."""
    return 0 if len(name) < 5 else 1 if len(name) < 9 else 2


def near_miss(name: str, known: Iterable[str], key=lambda s: s) -> Optional[str]:
    """The known name ``name`` is probably a typo of, or None (also when ``name`` is itself known, or differs
    from a known name in letter case only, which is not judged here).

    ``key`` picks the part compared (e.g. the service label of a principal), so that long common suffixes do not
    make every short name look close to every other."""
    known = list(known)
    if name in known:
        return None
    mine = key(name)
    best, best_distance = None, None
    for candidate in known:
        theirs = key(candidate)
        distance = edit_distance(mine.lower(), theirs.lower())
        limit = allowed_edits(min(mine, theirs, key=len))
        if 0 < distance <= limit and (best_distance is None or distance < best_distance):
            best, best_distance = candidate, distance
    return best
