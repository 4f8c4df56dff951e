"""Placeholder matchers for any text a resource input holds (components/config/placeholders.py judges
the config keys with the same facts, platform_policies.facts.placeholders).

* documentation account ids (123456789012 and the IAM guide's 111122223333 / 444455556666) where the
  text names an account: an ARN's account field, a bare account value, an ECR registry host;
* domains reserved for documentation: example.com, example.net, example.org and their
  subdomains, and the .example top-level domain (RFC 2606, sections 2 and 3);
* ARNs in another partition than the stack's region uses, or in another region than the
  resource's own (``arn_findings``; the caller says which regions a reference may name).

Findings quote only the matched token (an ARN, a domain, an account id), never the whole value:
the text may be a secret.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator, NamedTuple, Optional

from ..facts.partitions import partition_of
from ..facts.placeholders import DOCUMENTATION_ACCOUNTS, EXAMPLE_DOMAINS, RESERVED_TLDS

# Where a text names an account: an ARN's account field (ARN below), a value that is nothing but the twelve
# digits (a whole input, or a quoted string in a JSON document: "aws:SourceAccount": "..."), or an ECR registry
# host (<account>.dkr.ecr.<region>.amazonaws.com).  Any other run of twelve digits (a certificate id ending
# -123456789012) is not an account.
_ACCOUNT_VALUE = re.compile(r"(?<![^\"'\s])(\d{12})(?![^\"'\s])")
_ECR_REGISTRY = re.compile(r"(?<![\w.-])(\d{12})\.dkr\.ecr\.")
_HOST = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z]{2,}")
ARN = re.compile(r"arn:(?P<partition>aws[a-z-]*):(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):"
                 r"(?P<account>\d{12}|aws)?:(?P<resource>[^\s\"',;]*)")


class Finding(NamedTuple):
    token: str
    problem: str


def documentation_accounts(text: str) -> list[str]:
    """Documentation account ids ``text`` names as an account (see _ACCOUNT_VALUE)."""
    named = {m["account"] for m in ARN.finditer(text)}
    named.update(_ACCOUNT_VALUE.findall(text), _ECR_REGISTRY.findall(text))
    return sorted(named & DOCUMENTATION_ACCOUNTS)


def example_domains(text: str) -> list[str]:
    """Host names in ``text`` (alone, in an e-mail address or a URL) under a reserved domain."""
    found = []
    for host in _HOST.findall(text):
        h = host.lower().strip(".")
        if any(h == d or h.endswith("." + d) for d in EXAMPLE_DOMAINS) or h.rsplit(".", 1)[-1] in RESERVED_TLDS:
            found.append(h)
    return sorted(set(found))


def arn_findings(text: str, region: Optional[str], allowed_regions: Iterable[str] = ()) -> list[Finding]:
    """ARNs in ``text`` whose partition does not fit ``region`` or whose region is another one
    (``allowed_regions`` may name more, e.g. us-east-1 where CloudFront needs it).  Without a
    known region nothing can be judged: no findings."""
    if not region:
        return []
    allowed = {region, *allowed_regions}
    out = []
    for m in ARN.finditer(text):
        if m["partition"] != partition_of(region):
            out.append(Finding(m.group(0), f"is in partition {m['partition']}; a stack in {region} uses "
                                           f"{partition_of(region)}"))
        elif m["region"] and m["region"] not in allowed:
            out.append(Finding(m.group(0), f"is in {m['region']}; this resource is in {region}"))
    return out


def text_findings(text: str, region: Optional[str], allowed_regions: Iterable[str] = ()) -> Iterator[Finding]:
    for account in documentation_accounts(text):
        yield Finding(account, "is the AWS documentation's example account, not a real one")
    for domain in example_domains(text):
        yield Finding(domain, "is reserved for documentation (RFC 2606): nobody receives mail or gets a "
                              "certificate there")
    yield from arn_findings(text, region, allowed_regions)


__all__ = ["ARN", "DOCUMENTATION_ACCOUNTS", "EXAMPLE_DOMAINS", "Finding", "arn_findings", "documentation_accounts",
           "example_domains", "partition_of", "text_findings"]
