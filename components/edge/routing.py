"""ALB path routing, shared by the settings validation and the edge tier (no Pulumi here).

The REST API reaches the ALB through a VPC link v2 private integration, and API
Gateway "includes the stage portion of the API endpoint in the request to your
backend resources" (API Gateway developer guide, "Private integrations for REST
APIs", considerations, read 2026-11): `/users/1` on stage v1 arrives as
`/v1/users/1`, while CloudFront sends `/users/1`.  Each public service's rule
therefore matches its path with an optional stage prefix, and a url-rewrite
transform drops the prefix before the request is forwarded.
"""

from __future__ import annotations

from typing import Optional

API_STAGE = "v1"
DEFAULT_ROUTE_PATHS = ("", "/*")
CATCH_ALL_PATH = "/*"
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
    matches ``/users``), as the separate bare value used to; the default route (``/*`` or
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
