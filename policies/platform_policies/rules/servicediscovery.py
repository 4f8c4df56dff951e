"""AWS Cloud Map: the Service Connect namespace."""

from __future__ import annotations

import re

from pulumi_policy import Severity

from ..baseline import baseline
from ..rule import ACCEPTANCE, MANDATORY, rule
from ..support.props import as_str, get

HTTP_NAMESPACE = "aws:servicediscovery/httpNamespace:HttpNamespace"
PRIVATE_DNS_NAMESPACE = "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace"

# CreateHttpNamespace (Cloud Map API reference: Name 1-1024 characters matching [!-~]{1,1024}; Description
# up to 1024), read 2026-11.
_NAME = re.compile(r"[!-~]{1,1024}")


@rule(name="servicediscovery-namespace-constraints", area=ACCEPTANCE,
      resource_types=(HTTP_NAMESPACE, PRIVATE_DNS_NAMESPACE),
      description="Cloud Map namespaces CreateHttpNamespace accepts (name characters and lengths).",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Fix the namespace name (components/compute/compute.py).")
def validate_namespace_constraints(args, report_violation) -> None:
    if args.resource_type not in (HTTP_NAMESPACE, PRIVATE_DNS_NAMESPACE):
        return
    name, description = as_str(get(args.props, "name")), as_str(get(args.props, "description"))
    if isinstance(name, str) and not _NAME.fullmatch(name):
        report_violation(f"Namespace name {name!r} must be 1-1024 printable characters without spaces.", None)
    if isinstance(description, str) and len(description) > 1024:
        report_violation("The namespace description is longer than 1024 characters.", None)


# cdk-nag AwsSolutions, Checkov and compliance-policies have no check on namespaces (read 2026-11).
baseline(__name__, service="AWS Cloud Map", resource_types=(HTTP_NAMESPACE,))
