"""Placeholder values in stack config: example accounts, domains and e-mails, ARNs for another region.

A stack deployed with such a value fails half-way (an example certificate ARN breaks the
HTTPS listener and everything behind it) or sends its alerts nowhere.  ``placeholder_problems``
is the one place the settings check them, so ``load_settings`` stops with a message naming the
key before anything is registered.  The policy pack's ``no-placeholder-values``
(policies/platform_policies/rules/deployability.py) judges the same classes on every resource
input, under preflight and under the real engine; tests/test_placeholders.py runs both over one
table of examples so they agree.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Optional

from platform_policies.facts.partitions import partition_of
from platform_policies.facts.placeholders import DOCUMENTATION_ACCOUNTS, EXAMPLE_DOMAINS, RESERVED_TLDS


_DOMAIN_IN_TEXT = re.compile(r"[A-Za-z0-9.-]+")
_ARN = re.compile(r"arn:(?P<partition>[a-z-]+):(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):"
                  r"(?P<account>\d{12}|aws|)?:")


def example_domain(text: str) -> Optional[str]:
    """The reserved domain ``text`` (a host name, e-mail address or URL) uses, or None."""
    for token in _DOMAIN_IN_TEXT.findall(text.lower()):
        host = token.strip(".")
        for domain in EXAMPLE_DOMAINS:
            if host == domain or host.endswith("." + domain):
                return domain
        labels = host.split(".")
        if len(labels) > 1 and labels[-1] in RESERVED_TLDS:
            return "." + labels[-1]
    return None


def arn_problem(arn: str, region: str, *, required_region: Optional[str] = None) -> Optional[str]:
    """Why ``arn`` cannot be deployed from a stack in ``region``, or None.

    ``required_region``: the region the ARN must name (CloudFront's us-east-1 certificate);
    default: the stack region."""
    match = _ARN.match(arn)
    if match is None:
        return None
    if match["account"] in DOCUMENTATION_ACCOUNTS:
        return f"names the AWS documentation account {match['account']}, not yours"
    want_partition = partition_of(region)
    if match["partition"] != want_partition:
        return f"is in partition {match['partition']}; a stack in {region} uses {want_partition}"
    want_region = required_region or region
    if match["region"] and match["region"] != want_region:
        return f"is in {match['region']}; it must be in {want_region}"
    return None


def _values(key: str, value: Any) -> Iterable[tuple[str, str]]:
    if isinstance(value, str) and value:
        yield key, value
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _values(f"{key}[{i}]", item)


def placeholder_problems(cfg: Any, region: str, prefix: str) -> list[str]:
    """One error line per placeholder among the keys that name something outside the stack.

    ``cfg``: a StackSettings; ``prefix``: the config namespace (``microservices-platform:``)."""
    edge, delivery = cfg.edge, cfg.delivery
    named = [
        ("alertEmail", cfg.alertEmail, None),
        ("edge.domainName", edge.domainName, None),
        ("edge.cdnAliases", list(edge.cdnAliases), None),
        ("edge.certificateArn", edge.certificateArn, None),
        ("edge.cdnCertificateArn", edge.cdnCertificateArn, "us-east-1"),
        ("delivery.sourceConnectionArn", delivery.sourceConnectionArn, None),
    ]
    errors = []
    for key, value, required_region in named:
        for path, text in _values(key, value):
            domain = example_domain(text)
            if domain is not None:
                errors.append(f"{prefix}{path}: {text!r} is a placeholder ({domain} is reserved for "
                              f"documentation, RFC 2606); allowed: a name you own, or leave it unset")
                continue
            problem = arn_problem(text, region, required_region=required_region) if text.startswith("arn:") else None
            if problem:
                errors.append(f"{prefix}{path}: {text!r} {problem}; allowed: an ARN from your own account")
    return errors


__all__ = ["DOCUMENTATION_ACCOUNTS", "EXAMPLE_DOMAINS", "RESERVED_TLDS", "arn_problem", "example_domain",
           "partition_of", "placeholder_problems"]
