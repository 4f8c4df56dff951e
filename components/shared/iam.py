"""IAM documents shared by the tiers."""

from __future__ import annotations

import json


def assume_role_policy(service_principal: str) -> str:
    """Trust policy letting one AWS service principal assume a role (no conditions)."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": service_principal}, "Action": "sts:AssumeRole"}]})
