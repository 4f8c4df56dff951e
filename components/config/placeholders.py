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

# Account ids the AWS documentation uses in its examples: 123456789012 throughout, 111122223333
# (and 444455556666 as the second account) in the IAM and API Gateway guides (e.g. API Gateway
# developer guide, "Set up a private integration", read 2026-11).  Never a real account of ours.
DOCUMENTATION_ACCOUNTS = frozenset({"123456789012", "111122223333", "444455556666"})

# Names reserved for documentation (RFC 2606, section 3: example.com, example.net, example.org;
# section 2: the top-level domain .example): nobody can own them, so no certificate can be issued
# and no mailbox exists there.  (.test, .invalid and .localhost are reserved too, but for other
# uses; they are not matched, to keep false findings out of the pack's scan of every input.)
EXAMPLE_DOMAINS = ("example.com", "example.net", "example.org")
RESERVED_TLDS = ("example",)

_DOMAIN_IN_TEXT = re.compile(r"[A-Za-z0-9.-]+")
_ARN = re.compile(r"arn:(?P<partition>[a-z-]+):(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):"
                  r"(?P<account>\d{12}|aws|)?:")


def partition_of(region: str) -> str:
    """ARN partition of a region (aws-cn for China, aws-us-gov for GovCloud, else aws)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


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
