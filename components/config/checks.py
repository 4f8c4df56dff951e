"""Value checks for settings whose shape AWS (or git) defines more tightly than a regex can say.

Each check takes the already type-checked value and returns ``None`` when AWS would
accept it, or a short phrase saying what is wrong ("label 'x...' is 64 characters").
``schema.spec(check=...)`` runs them after the type, range and pattern checks.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import zoneinfo
from typing import Optional

# DNS names: at most 253 characters in text form, labels of 1-63 letters, digits and
# hyphens that neither start nor end with a hyphen (RFC 1035 section 2.3.4 and RFC 1123
# section 2.1; Route 53 developer guide, "DNS domain name format", read 2026-11).  Route 53
# and CloudFront also take upper case, but DNS is case-insensitive and ACM certificates are
# issued for the lower-case form, so the settings ask for lower case.
DNS_NAME_MAX = 253
DNS_LABEL_MAX = 63
_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?")

# An e-mail address SNS can deliver to: the SMTP path limit (RFC 5321 section 4.5.3.1)
# caps an address at 254 characters and its local part at 64.
EMAIL_MAX = 254
EMAIL_LOCAL_MAX = 64
_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")


def dns_name_problem(name: str) -> Optional[str]:
    """Why ``name`` is not a DNS host name AWS accepts, or None."""
    if len(name) > DNS_NAME_MAX:
        return f"is {len(name)} characters (a DNS name has at most {DNS_NAME_MAX})"
    labels = name.split(".")
    if len(labels) < 2:
        return "needs at least two labels, like api.example.org"
    for label in labels:
        if not label:
            return "has an empty label (two dots in a row, or a leading or trailing dot)"
        if len(label) > DNS_LABEL_MAX:
            return f"has a {len(label)}-character label (a DNS label has at most {DNS_LABEL_MAX})"
        if not _LABEL.fullmatch(label):
            return f"has the label {label[:20]!r}: labels are lowercase letters, digits and inner hyphens"
    if not re.fullmatch(r"[a-z]{2,63}", labels[-1]) and not labels[-1].startswith("xn--"):
        return f"ends in {labels[-1][:20]!r}, which is no top-level domain"
    return None


def email_problem(address: str) -> Optional[str]:
    """Why ``address`` is not an e-mail address SNS can subscribe, or None."""
    if len(address) > EMAIL_MAX:
        return f"is {len(address)} characters (an e-mail address has at most {EMAIL_MAX})"
    local, at, domain = address.rpartition("@")
    if not at or not local:
        return "has no local part before '@'"
    if len(local) > EMAIL_LOCAL_MAX:
        return f"has a {len(local)}-character local part (at most {EMAIL_LOCAL_MAX})"
    if not _EMAIL_LOCAL.fullmatch(local):
        return "has a local part with spaces, quotes or dots in the wrong place"
    problem = dns_name_problem(domain.lower())
    return f"has a domain that {problem}" if problem else None


@functools.lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def timezone_problem(name: str) -> Optional[str]:
    """Why ``name`` is no IANA time zone, or None.

    Application Auto Scaling scheduled actions take "the canonical names of the IANA time
    zones supported by Joda-Time (such as Etc/GMT+9 or Pacific/Tahiti)" (Application Auto
    Scaling API reference, PutScheduledAction, Timezone, read 2026-11).  The zone list is
    the system's tz database, else the pinned tzdata package (requirements.txt).
    """
    zones = _zones()
    if not zones:
        return None
    if name in zones:
        return None
    close = sorted(z for z in zones if z.lower() == name.lower())
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"is not a time zone of the IANA database{hint}"


def vpc_cidr_problem(cidr: str) -> Optional[str]:
    """Why ``cidr`` is no usable 10.x.0.0/16 VPC block, or None (the pattern fixed its shape)."""
    try:
        net = ipaddress.ip_network(cidr, strict=True)
    except ValueError as err:
        return f"is no IPv4 network ({str(err)[:60]})"
    if net.prefixlen != 16 or not net.subnet_of(ipaddress.ip_network("10.0.0.0/8")):
        return "is not a /16 inside 10.0.0.0/8"
    return None


def git_branch_problem(branch: str) -> Optional[str]:
    """Why ``branch`` is no valid git branch name, or None (git-check-ref-format rules)."""
    if branch.startswith(("/", "-", ".")) or branch.endswith(("/", ".", ".lock")):
        return "starts or ends with '/', '-' or '.', or ends with '.lock'"
    if ".." in branch or "//" in branch or "/." in branch or "@{" in branch:
        return "contains '..', '//', '/.' or '@{'"
    return None


__all__ = ["dns_name_problem", "email_problem", "git_branch_problem", "timezone_problem", "vpc_cidr_problem"]
