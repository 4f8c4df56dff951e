"""One computation per analyzer request, shared by the stack policies that read it.

The pack hands every stack policy of an ``AnalyzeStack`` request the same resource objects
(one_conversion.py), so a result computed from them - the wiring findings a mandatory and an advisory
rule both report, the cost estimate seven cost policies read - is computed once.  The key is the
objects' identities (and any further arguments); the last resources are kept alive, so their ids are
not reused by a later request while the result is cached.  A new request, or the library's own path
(new objects per policy), computes again.  Results are shared: callers only read them.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

T = TypeVar("T")


def once_per_request(fn: Callable[..., T]) -> Callable[..., T]:
    last: dict[str, Any] = {}

    @functools.wraps(fn)
    def cached(resources: Any, *extra: Any) -> T:
        resources = list(resources)
        key = (tuple(map(id, resources)), extra)
        if last.get("key") != key:
            last.update(key=key, resources=resources, value=fn(resources, *extra))
        return last["value"]
    return cached
