"""ALB path routing, shared by the settings validation and the edge tier (no Pulumi here).

The REST API reaches the ALB through a VPC link v2 private integration, and API
Gateway "includes the stage portion of the API endpoint in the request to your
backend resources" (API Gateway developer guide, "Private integrations for REST
APIs", considerations, read 2026-11): `/users/1` on stage v1 arrives as
`/v1/users/1`, while CloudFront sends `/users/1`.  Each public service's rule
therefore matches its path with an optional stage prefix, and a url-rewrite
transform drops the prefix before the request is forwarded.  ALB evaluates the
conditions on the original request and rewrites afterwards (at most one URL rewrite
per rule; no match = the request goes unchanged; a match whose rewrite fails = HTTP
500: ELB user guide, "Transforms for listener rules", read 2026-11).  ALB regexes
are PCRE-like without lookarounds, backreferences, atomic groups, possessive
quantifiers, recursion or \\p{..} classes (same guide, "Listener rules for your
Application Load Balancer", read 2026-11): only ^ $ ( ) | ? * . \\ are used.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Mapping, Optional

API_STAGE = "v1"
DEFAULT_ROUTE_PATHS = ("", "/*")
CATCH_ALL_PATH = "/*"
# Rule priorities must stay put when services come or go: ALB rejects a priority another rule
# still holds (PriorityInUse), and Pulumi updates the surviving rules before it deletes a removed
# one (pulumi/pulumi-aws#175, closed by-design).  So a priority depends only on the rule's own path
# length (longer = more specific = lower) and a hash of its service name: band
# (MAX_PATH_LENGTH - len(path)), slot sha256(service) % PRIORITY_SLOTS.  Path patterns are at most
# 128 characters (ELB user guide, "Listener rules for your Application Load Balancer", read
# 2026-11), so priorities stay within 100..12899, below the catch-all.
FIRST_RULE_PRIORITY = 100
MAX_PATH_LENGTH = 128
PRIORITY_SLOTS = 100
# The default-route service also gets a catch-all rule (ECS canaries shift the weights of a
# listener *rule*); it goes last.  50000 is the highest priority ALB accepts (ELB API reference,
# CreateRule "Priority", read 2026-11).
CATCH_ALL_PRIORITY = 50000
# ALB path-pattern regex values are at most 128 characters (pulumi-aws 7.51.1
# ListenerRuleConditionPathPattern.regex_values, from the ELB API reference).
MAX_PATH_REGEX_LENGTH = 128

# Characters with a meaning in a regex; every other character of an ALB path is literal.
_REGEX_METACHARACTERS = frozenset("\\^$.|?*+()[]{}")


def regex_literal(text: str) -> str:
    return "".join("\\" + c if c in _REGEX_METACHARACTERS else c for c in text)


def wildcard_to_regex(pattern: str, stage: str) -> str:
    """Anchored regex for an ALB wildcard path pattern, with an optional ``/<stage>`` prefix.

    ``*`` matches any characters and ``?`` one character, as in ALB path patterns; every
    other character is literal.  A trailing ``/*`` also matches the bare prefix (``/users/*``
    matches ``/users``); the default route (``/*`` or
    ``''``) matches every path.  E.g. ``/users/*`` on stage v1 -> ``^(/v1)?/users(/.*)?$``.
    """
    head = CATCH_ALL_PATH if pattern in DEFAULT_ROUTE_PATHS else pattern
    tail = ""
    if head.endswith("/*"):
        head, tail = head[:-2], "(/.*)?"
    body = "".join(".*" if c == "*" else "." if c == "?" else regex_literal(c) for c in head)
    regex = f"^(/{regex_literal(stage)})?{body}{tail}$"
    if len(regex) > MAX_PATH_REGEX_LENGTH:
        raise ValueError(f"path {pattern!r} gives the {len(regex)}-character regex {regex!r}; ALB accepts at "
                         f"most {MAX_PATH_REGEX_LENGTH} (shorten services.<name>.path)")
    return regex


def stage_rewrite(stage: str) -> tuple[str, str]:
    """(regex, replacement) of the url-rewrite that drops a leading ``/<stage>`` segment.

    ``/v1/users/1`` -> ``/users/1`` and the bare ``/v1`` or ``/v1/`` -> ``/``; ``/v1x`` and
    paths without the stage do not match and are forwarded unchanged.  ALB takes one
    rewrite per transform, so both cases share one regex; both groups always take part
    in a match, so the replacement never refers to an unset group."""
    return f"^/{regex_literal(stage)}(/|$)(.*)$", "/$2"


def path_problem(path: str, stage: str = API_STAGE) -> Optional[str]:
    """Why a public service's ALB path cannot be routed, or None."""
    if path == f"/{stage}" or path.startswith(f"/{stage}/"):
        # The stage rewrite would also strip it from requests without the stage (CloudFront).
        return f"starts with the API stage '/{stage}', which the ALB strips from every request"
    try:
        wildcard_to_regex(path, stage)
    except ValueError:
        return f"its routing regex would exceed the {MAX_PATH_REGEX_LENGTH} characters ALB accepts"
    return None


@dataclass(frozen=True)
class PathRule:
    service: str
    priority: int
    path: str
    """The configured ALB wildcard path (``/*`` for the default route's catch-all)."""
    regex: str
    """The path-pattern regex the rule matches (see :func:`wildcard_to_regex`)."""


def default_route_service(paths: Mapping[str, str]) -> Optional[str]:
    """The service taking the default route; ``paths``: public service -> its ALB path (the
    settings allow at most one default)."""
    return next((n for n, path in paths.items() if path in DEFAULT_ROUTE_PATHS), None)


def _priority_slot(service: str) -> int:
    return int(hashlib.sha256(service.encode()).hexdigest(), 16) % PRIORITY_SLOTS


def path_rules(paths: Mapping[str, str], stage: str = API_STAGE) -> list[PathRule]:
    """One listener rule per public service (``paths``: service -> ALB path, in config order).

    Each rule matches its path with or without the ``/<stage>`` prefix.  Longer (more specific)
    patterns get lower priorities so `/orders/items/*` wins over `/orders/*`; the default-route
    service's rule matches everything and is evaluated last.  Only two services with equally long
    paths and the same hash slot share a band; the second probes to the next free slot, in name
    order.
    """
    routed = sorted(((n, p) for n, p in paths.items() if p not in DEFAULT_ROUTE_PATHS),
                    key=lambda item: (-len(item[1]), item[0]))
    taken: set[int] = set()
    rules = []
    for service, path in routed:
        problem = path_problem(path, stage)  # the settings refuse such paths first
        if problem:
            raise ValueError(f"services.{service}.path {path!r} {problem}")
        band = FIRST_RULE_PRIORITY + max(0, MAX_PATH_LENGTH - len(path)) * PRIORITY_SLOTS
        slot = _priority_slot(service)
        for _ in range(PRIORITY_SLOTS):
            if band + slot not in taken:
                break
            slot = (slot + 1) % PRIORITY_SLOTS
        else:  # 100 public services with equally long paths: past ALB's 100-rule default quota anyway
            raise ValueError(f"more than {PRIORITY_SLOTS} public services have {len(path)}-character paths")
        taken.add(band + slot)
        rules.append(PathRule(service, band + slot, path, wildcard_to_regex(path, stage)))
    default = default_route_service(paths)
    if default is not None:
        rules.append(PathRule(default, CATCH_ALL_PRIORITY, CATCH_ALL_PATH, wildcard_to_regex(CATCH_ALL_PATH, stage)))
    return rules
