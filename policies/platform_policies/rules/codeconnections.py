"""AWS CodeConnections: the source connection of the delivery pipelines."""

from __future__ import annotations

import re

from pulumi_policy import Severity

from ..baseline import baseline
from ..rule import ACCEPTANCE, MANDATORY, rule
from ..support.props import as_str, get

CONNECTION = "aws:codeconnections/connection:Connection"

# CreateConnection (CodeConnections API reference: ConnectionName 1-32 characters [\w-]+, ProviderType;
# HostArn instead of ProviderType for self-managed providers), read 2026-11.
PROVIDERS = ("Bitbucket", "GitHub", "GitHubEnterpriseServer", "GitLab", "GitLabSelfManaged")
_NAME = re.compile(r"[\w-]{1,32}")


@rule(name="codeconnections-constraints", area=ACCEPTANCE, resource_types=(CONNECTION,),
      description="Connections CreateConnection accepts: a 1-32 character name, a known provider type XOR a "
                  "host.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Shorten the connection name (components/delivery/delivery.py).")
def validate_connection_constraints(args, report_violation) -> None:
    if args.resource_type != CONNECTION:
        return
    name, provider = as_str(get(args.props, "name")), as_str(get(args.props, "providerType"))
    host = get(args.props, "hostArn")
    if isinstance(name, str) and not _NAME.fullmatch(name):
        report_violation(f"Connection name {name!r} must be 1-32 letters, digits, '_' or '-'.", None)
    if isinstance(provider, str) and provider not in PROVIDERS:
        report_violation(f"providerType {provider!r} is not one of {', '.join(PROVIDERS)}.", None)
    if provider is not None and host not in (None, ""):
        report_violation("providerType and hostArn are mutually exclusive.", None)
    if provider is None and host in (None, ""):
        report_violation("A connection needs providerType (or hostArn for a self-managed host).", None)


# cdk-nag AwsSolutions, Checkov and compliance-policies have no check on connections (read 2026-11).
baseline(__name__, service="AWS CodeConnections", resource_types=(CONNECTION,))
