"""AWS IAM: roles and policy documents."""

from __future__ import annotations

import re
from typing import Any

from pulumi_policy import Severity

from ..baseline import Baseline
from ..rule import MANDATORY, SECURITY, Rule
from ..support.naming import NameRule
from ..support.props import as_list, get, is_unknown, parse_json

ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/policy:Policy"
POLICY_DOCUMENT_TYPES = (POLICY, "aws:iam/rolePolicy:RolePolicy", "aws:iam/userPolicy:UserPolicy",
                         "aws:iam/groupPolicy:GroupPolicy")


def _listify(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def admin_statements(document: Any) -> list[dict]:
    """Allow statements granting Action "*" on Resource "*"."""
    if not isinstance(document, dict):
        return []
    found = []
    for st in _listify(document.get("Statement")):
        if not isinstance(st, dict) or st.get("Effect") != "Allow":
            continue
        actions = _listify(st.get("Action"))
        resources = _listify(st.get("Resource"))
        if any(a in ("*", "*:*") for a in actions) and "*" in resources:
            found.append(st)
    return found


def validate_iam_no_admin(args, report_violation) -> None:
    t, p = args.resource_type, args.props
    documents = []
    if t in POLICY_DOCUMENT_TYPES:
        documents.append(("policy", get(p, "policy")))
    elif t == ROLE:
        inline = as_list(get(p, "inlinePolicies"))
        for i, item in enumerate([] if is_unknown(inline) else inline):
            documents.append((f"inlinePolicies[{i}].policy", get(item, "policy")))
    for where, raw in documents:
        doc = parse_json(raw)
        if is_unknown(doc):
            continue
        if admin_statements(doc):
            report_violation(f"{where} allows Action '*' on Resource '*'. Grant the service's actions on its "
                             f"own resources (components/access.py).", None)


# CreateRole RoleName: 64; CreatePolicy PolicyName: 128 (IAM API reference, read 2026-11).
_IAM_NAME = re.compile(r"[\w+=,.@-]+")
PHYSICAL_NAMES = {
    ROLE: NameRule("name", 64, pattern=_IAM_NAME),
    POLICY: NameRule("name", 128, pattern=_IAM_NAME),
}


RULES = [
    Rule(name="iam-no-wildcard-admin", area=SECURITY, resource_types=(*POLICY_DOCUMENT_TYPES, ROLE),
         description="IAM policy documents never allow Action '*' on Resource '*'.",
         validate=validate_iam_no_admin, level=MANDATORY, severity=Severity.CRITICAL,
         remediation="Grant specific actions on specific ARNs (components/access.py).",
         anchors=("CKV_AWS_62",)),
]

# Public checks on AWS IAM and what the pack does with each (baseline.py; docs/policies.md).
BASELINE = Baseline(
    service='AWS IAM',
    resource_types=(
        'aws:iam/role:Role',
        'aws:iam/rolePolicy:RolePolicy',
        'aws:iam/rolePolicyAttachment:RolePolicyAttachment',
    ),
    covered={
        'CKV_AWS_62': ('iam-no-wildcard-admin',),
    },
)
