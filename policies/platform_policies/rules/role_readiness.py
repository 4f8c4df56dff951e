"""Roles handed to a resource only once their policies exist (stack, mandatory).

An IAM role and its permissions are separate resources: the role, each inline policy
(``aws.iam.RolePolicy``) and each managed-policy attachment (``RolePolicyAttachment``,
``PolicyAttachment``).  A resource that is handed the role depends on the role alone unless the
program says otherwise, so Pulumi creates it in parallel with the policies.  Several services use
or check the role at once: ECS validates the load-balancer infrastructure role on
CreateService/UpdateService ("Unable to assume role and validate the specified
targetGroupArn"), a new CodePipeline starts its first run, a flow log its first delivery, FIS
checks the template's role.  The same race returns whenever a policy is replaced.

``role-policies-before-use``: every resource with an input built from a role (its
``propertyDependencies``) depends, directly or through other resources, on every policy
resource of that role in the plan.  Decided from the graph only, so a first preview (every ARN
unknown) gets the same answer.  Not counted as a use: the role's own policy resources, other
roles, IAM managed policies, and inputs that are policy documents (a name containing
``policy``: a bucket, key or queue policy naming the role as a principal needs only the role).
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from pulumi_policy import Severity, StackValidationArgs

from ..rule import DEPLOYABILITY, MANDATORY, WHOLE_STACK, rule
from ..support.graph import producers
from ..support.props import as_str, get

ROLE = "aws:iam/role:Role"
# Policy resources of a role, and the input that names the role (its name or id).
GRANT_INPUTS = {
    "aws:iam/rolePolicy:RolePolicy": "role",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "role",
    "aws:iam/policyAttachment:PolicyAttachment": "roles",
}
NOT_A_USE = frozenset({ROLE, *GRANT_INPUTS, "aws:iam/policy:Policy"})


def _named_roles(grant: Any) -> set[str]:
    """Role names a grant names by value (when it was not built from the role resource)."""
    value = get(grant.props, GRANT_INPUTS[grant.resource_type])
    values = value if isinstance(value, (list, tuple)) else [value]
    return {v for v in (as_str(x) for x in values) if isinstance(v, str) and v}


def grants_by_role(resources: Iterable[Any]) -> dict[str, list[Any]]:
    """Role URN -> the policy resources of that role in the plan."""
    resources = list(resources)
    roles = [r for r in resources if r.resource_type == ROLE]
    names = {r.urn: as_str(get(r.props, "name")) for r in roles}
    out: dict[str, list[Any]] = {r.urn: [] for r in roles}
    for grant in (r for r in resources if r.resource_type in GRANT_INPUTS):
        built_from = {d.urn for d in producers(grant, GRANT_INPUTS[grant.resource_type], ROLE)}
        named = _named_roles(grant)
        for role in roles:
            if role.urn in built_from or (isinstance(names[role.urn], str) and names[role.urn] in named):
                out[role.urn].append(grant)
    return out


def _reachable(start: Any, by_urn: dict[str, Any]) -> set[str]:
    """URNs ``start`` depends on, directly or through the resources it depends on."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        r = todo.pop()
        deps = list(getattr(r, "dependencies", None) or [])
        for ds in (getattr(r, "property_dependencies", None) or {}).values():
            deps.extend(ds or [])
        for d in deps:
            urn = getattr(d, "urn", None)
            if urn and urn not in seen:
                seen.add(urn)
                todo.append(by_urn.get(urn, d))
    return seen


def role_uses(resource: Any) -> dict[str, list[str]]:
    """Role URN -> the inputs of ``resource`` built from that role (policy documents left out)."""
    if resource.resource_type in NOT_A_USE:
        return {}
    out: dict[str, list[str]] = {}
    for prop, deps in (getattr(resource, "property_dependencies", None) or {}).items():
        if "policy" in prop.lower():
            continue
        for d in deps or []:
            if getattr(d, "resource_type", None) == ROLE:
                out.setdefault(d.urn, [])
                if prop not in out[d.urn]:
                    out[d.urn].append(prop)
    return out


@rule(name="role-policies-before-use", area=DEPLOYABILITY, resource_types=(WHOLE_STACK,), stack=True,
      description="A resource handed an IAM role depends on every inline policy and policy attachment of "
                  "that role, so AWS never sees the role before it holds its permissions.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Hand the role over as components/shared/iam.py granted_arn(role, *policies), or add the "
                  "policies to the resource's depends_on.")
def validate_role_policies_before_use(args: StackValidationArgs, report_violation: Callable[..., None]) -> None:
    resources = list(args.resources)
    by_urn = {r.urn: r for r in resources}
    grants = grants_by_role(resources)
    for r in resources:
        uses = role_uses(r)
        if not uses:
            continue
        reached = _reachable(r, by_urn)
        for role_urn, props in sorted(uses.items()):
            missing = sorted(g.name for g in grants.get(role_urn, []) if g.urn not in reached)
            if not missing:
                continue
            role = by_urn.get(role_urn)
            report_violation(
                f"{r.name} is handed the role {getattr(role, 'name', role_urn)} ({', '.join(props)}) but does not "
                f"depend on its policies {', '.join(missing)}: Pulumi creates them in parallel, and AWS can check "
                f"or use the role before it holds them (ECS: \"Unable to assume role and validate the specified "
                f"targetGroupArn\"). Hand the role over as granted_arn(role, *policies) "
                f"(components/shared/iam.py) or add the policies to depends_on.", r.urn)
