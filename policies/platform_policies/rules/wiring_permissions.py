"""An ECS task's roles hold what the task definition wires to them, each in the role that uses it.

IAM accepts a role with any policy, and ECS accepts a task definition with any role: a missing statement shows
only when a task starts (the agent cannot pull the image, create its log stream or fetch a secret:
``ResourceInitializationError`` / ``CannotPullContainerError``) or when the application first calls AWS
(AccessDenied; an EFS mount with IAM authorization fails and the task stops).  What each wire needs, and in which
role, is in facts/task_roles.py with its sources.  The wires are read from the task definition and the graph:

* execution role: each container's private ECR image, ``awslogs`` log group, ``secrets`` (Secrets Manager secrets
  and Parameter Store parameters) and ``repositoryCredentials``;
* task role: the EFS volumes with IAM authorization, and the resources the container definitions were built from
  that take IAM credentials: an MSK cluster with IAM client authentication, an RDS Proxy that requires IAM (or a
  database the environment says ``DB_AUTH=iam`` for), SNS topics, SQS queues and Kinesis streams.

A role's policies are its ``inlinePolicies``, its ``aws:iam/rolePolicy`` resources, the ``aws:iam/policy``
documents attached to it and ``AmazonECSTaskExecutionRolePolicy`` (the one AWS managed policy modelled).  Actions
match with IAM's wildcards ignoring case, resources with ARN wildcards; a statement's conditions are taken as
met.  When the needed ARN or a policy is not known yet (a first preview), a policy built from the wired resource
(its ``propertyDependencies``) counts as granting it.

* ``roles-grant-what-is-wired`` (stack): the right role grants each need; a grant found in the other role is
  reported as in the wrong role;
* ``role-grants-undecided`` (stack, advisory): what the plan cannot decide (a role or policy from outside the
  stack, an AWS managed policy not modelled, a policy unknown and not built from the wired resource).

kms:Decrypt on a secret's customer managed key is ``execution-role-decrypts-secrets``'s (rules/wiring_keys.py).
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Optional

from pulumi_policy import Severity

from ..facts import task_roles as need_facts
from ..facts.partitions import partition_of
from ..facts.task_roles import EXECUTION, ROLE_INPUT, TASK
from ..rule import ADVISORY, DEPLOYABILITY, MANDATORY, WHOLE_STACK, rule
from ..support.graph import producer, producers, stack_region
from ..support.key_policies import stack_account
from ..support.per_request import once_per_request
from ..support.policy_documents import listify, statements
from ..support.props import as_bool, as_list, as_str, get, is_unknown, parse_json
from ..support.report import report_findings
from .role_readiness import grants_by_role

TASK_DEFINITION, ROLE = "aws:ecs/taskDefinition:TaskDefinition", "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
MANAGED_POLICY = "aws:iam/policy:Policy"
SECRET, PARAMETER = "aws:secretsmanager/secret:Secret", "aws:ssm/parameter:Parameter"
REPOSITORY, LOG_GROUP = "aws:ecr/repository:Repository", "aws:cloudwatch/logGroup:LogGroup"
FILE_SYSTEM, ACCESS_POINT = "aws:efs/fileSystem:FileSystem", "aws:efs/accessPoint:AccessPoint"
FILE_SYSTEM_POLICY = "aws:efs/fileSystemPolicy:FileSystemPolicy"
MSK_CLUSTER, RDS_PROXY, RDS_INSTANCE = "aws:msk/cluster:Cluster", "aws:rds/proxy:Proxy", "aws:rds/instance:Instance"
TOPIC, QUEUE, STREAM = "aws:sns/topic:Topic", "aws:sqs/queue:Queue", "aws:kinesis/stream:Stream"

VIOLATION, UNDECIDED, DENIED = "violation", "undecided", "denied"
Finding = tuple[str, str, str]
_ECR_IMAGE = re.compile(r"^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/([^:@]+)")
_PORT = re.compile(r":(\d{2,5})(?:,|$)")
OTHER = {EXECUTION: TASK, TASK: EXECUTION}
FAILS = {EXECUTION: "the task fails to start (ResourceInitializationError or CannotPullContainerError)",
         TASK: "the application is refused (AccessDenied) when it uses it"}


@dataclass(frozen=True, eq=False)
class Need:
    """Actions one role must be allowed on one wired resource."""

    role: str                 # EXECUTION or TASK
    actions: tuple            # all of them, or one of them with ``any_of``
    arns: tuple               # the resource's ARN forms (any one matching is enough); () when not known
    shape: Optional[str]      # a glob every ARN of that resource kind matches (when ``arns`` is not known)
    target: Any               # the plan resource it is for, None when the task names it by value only
    what: str                 # "secret data-cache-auth-secret"
    any_of: bool = False
    sure: bool = True         # False: the task may not need it (unknown inputs); a missing grant is undecided


@dataclass
class Document:
    """One identity policy of a role: parsed (UNKNOWN at a first preview, None when not modelled)."""

    document: Any
    built_from: frozenset     # URNs the policy input was built from
    label: str


# ---- ARN matching ---------------------------------------------------------------------------------------------

def _glob(pattern: str) -> str:
    return pattern.replace("[", "[[]")  # IAM has only * and ?


def _action_matches(granted: Any, action: str) -> bool:
    return isinstance(granted, str) and fnmatch.fnmatchcase(action.lower(), _glob(granted.lower()))


def _entry_covers(entry: Any, need: Need, built_from: frozenset) -> Optional[bool]:
    """Whether one ``Resource`` entry covers the need's resource (None: not decided)."""
    built = need.target is not None and need.target.urn in built_from
    if not isinstance(entry, str) or is_unknown(entry):
        return True if built else None
    if need.arns:
        return any(fnmatch.fnmatchcase(arn, _glob(entry)) for arn in need.arns)
    if entry == "*":
        return True
    if need.shape is None:
        return True if built else None
    if fnmatch.fnmatchcase(entry, _glob(need.shape)):
        return True if built else None  # an ARN of the right kind: the wired one when built from it
    sample = need.shape.replace("*", "x")
    return True if fnmatch.fnmatchcase(sample, _glob(entry)) else False


def _document_grants(doc: Document, need: Need, action: str) -> Any:
    """True, False, None (not decided) or DENIED for one policy document and one action."""
    if doc.document is None:
        return None
    if is_unknown(doc.document):
        return True if need.target is not None and need.target.urn in doc.built_from else None
    verdict: Optional[bool] = False
    for st in statements(doc.document):
        effect = st.get("Effect")
        if "NotAction" in st or "NotResource" in st:
            if effect == "Allow":
                verdict = verdict or None
            continue
        if not any(_action_matches(a, action) for a in listify(st.get("Action"))):
            continue
        covers = [_entry_covers(e, need, doc.built_from) for e in listify(st.get("Resource"))]
        if effect == "Deny" and "Condition" not in st and True in covers and need.arns:
            return DENIED  # an explicit deny of this very resource wins over every allow
        if effect == "Allow":
            if True in covers:
                verdict = True
            elif None in covers and verdict is not True:
                verdict = None
    return verdict


def _action_granted(docs: list[Document], need: Need, action: str) -> Optional[bool]:
    results = [_document_grants(d, need, action) for d in docs]
    if DENIED in results:
        return False
    return True if True in results else None if None in results else False


def undecided_policies(docs: list[Document], need: Need) -> list[str]:
    """The policies that keep the need from being decided."""
    return sorted({d.label for d in docs for a in need.actions if _document_grants(d, need, a) is None})


def granted(docs: list[Document], need: Need) -> Optional[bool]:
    """True when the documents allow the need, False when they do not, None when the plan cannot tell."""
    results = [_action_granted(docs, need, a) for a in need.actions]
    if need.any_of:
        return True if True in results else None if None in results else False
    return False if False in results else None if None in results else True


# ---- the roles and their policies -----------------------------------------------------------------------------

def _managed(arn: Any, resources: list, built: list) -> Document:
    """The document behind a managed policy ARN (not modelled: None; unknown: UNKNOWN)."""
    plan_policy = next((p for p in built if p.resource_type == MANAGED_POLICY), None)
    if plan_policy is None and isinstance(arn, str) and ":policy/" in arn:
        name = arn.rsplit("/", 1)[-1]
        plan_policy = next((p for p in resources if p.resource_type == MANAGED_POLICY
                            and as_str(get(p.props, "name")) == name), None)
    if plan_policy is not None:
        return Document(parse_json(get(plan_policy.props, "policy")),
                        frozenset(d.urn for d in producers(plan_policy, "policy")), plan_policy.name)
    if isinstance(arn, str) and re.match(r"arn:aws[a-z-]*:iam::aws:policy/(service-role/)?"
                                         + need_facts.EXECUTION_MANAGED_POLICY + "$", arn):
        return Document({"Statement": list(need_facts.EXECUTION_MANAGED_STATEMENTS)}, frozenset(),
                        need_facts.EXECUTION_MANAGED_POLICY)
    if is_unknown(arn):
        return Document(arn, frozenset(d.urn for d in built), "a policy attachment")
    return Document(None, frozenset(), str(arn).rsplit("/", 1)[-1])


def role_documents(role: Any, resources: list, grants: dict) -> list[Document]:
    docs = []
    inline = get(role.props, "inlinePolicies")
    built = frozenset(d.urn for d in producers(role, "inlinePolicies"))
    if is_unknown(inline):
        docs.append(Document(inline, built, f"{role.name} inline policies"))
    for entry in as_list(inline) if not is_unknown(inline) else []:
        docs.append(Document(parse_json(get(entry, "policy")), built, f"{role.name} inline policy"))
    managed_arns = get(role.props, "managedPolicyArns")
    for arn in ([managed_arns] if is_unknown(managed_arns) else as_list(managed_arns) or []):
        docs.append(_managed(arn, resources, producers(role, "managedPolicyArns")))
    for grant in grants.get(role.urn, []):
        if grant.resource_type == ROLE_POLICY:
            docs.append(Document(parse_json(get(grant.props, "policy")),
                                 frozenset(d.urn for d in producers(grant, "policy")), grant.name))
        else:
            docs.append(_managed(get(grant.props, "policyArn"), resources, producers(grant, "policyArn")))
    return docs


def task_role(task: Any, kind: str, resources: list) -> tuple[Optional[Any], str]:
    """(the plan's role, "ok") or (None, "absent" | "foreign") for the task's execution or task role."""
    prop = ROLE_INPUT[kind]
    role = producer(task, prop, ROLE)
    if role is not None:
        return role, "ok"
    value = get(task.props, prop)
    if value is None or value == "":
        return None, "absent"
    if isinstance(value, str) and ":role/" in value:
        name = value.rsplit("/", 1)[-1]
        role = next((r for r in resources if r.resource_type == ROLE and as_str(get(r.props, "name")) == name), None)
        if role is not None:
            return role, "ok"
    return None, "foreign"


# ---- what the task definition wires ---------------------------------------------------------------------------

class Context:
    """One task definition with the plan, the stack's region and account (for ARNs built from names)."""

    def __init__(self, task: Any, resources: list, region: Optional[str] = None, account: Optional[str] = None):
        self.task, self.resources = task, resources
        self.region = region if region is not None else stack_region(resources)
        self.account = account if account is not None else stack_account(resources)
        self.wired = producers(task, "containerDefinitions")

    def arn(self, service: str, rest: str, region: Optional[str] = None) -> tuple:
        region = region or self.region
        if not (isinstance(region, str) and self.account):
            return ()
        return (f"arn:{partition_of(region)}:{service}:{region}:{self.account}:{rest}",)

    def shape(self, service: str, rest: str) -> str:
        return f"arn:*:{service}:{self.region or '*'}:{self.account or '*'}:{rest}"

    def wired_of(self, *types: str) -> list:
        return list({d.urn: d for d in self.wired if d.resource_type in types}.values())

    def named(self, kind: str, prop: str, value: Any) -> Optional[Any]:
        pool = self.wired_of(kind) or [r for r in self.resources if r.resource_type == kind]
        return next((r for r in pool if isinstance(value, str) and as_str(get(r.props, prop)) == value), None)


def _secret_target(ctx: Context, arn: str) -> Optional[Any]:
    """The plan's secret an ARN names: its ``name``, or (auto-named) its logical name, before the random suffix."""
    name = arn.split(":")[6] if len(arn.split(":")) > 6 else ""
    for s in ctx.wired_of(SECRET) or [r for r in ctx.resources if r.resource_type == SECRET]:
        own = as_str(get(s.props, "name"))
        own = own if isinstance(own, str) and own else s.name
        if name == own or name.startswith(f"{own}-"):
            return s
    return None


def _secret_need(ctx: Context, value_from: str, why: str) -> Need:
    parts = value_from.split(":")
    if value_from.startswith("arn:") and len(parts) > 6 and parts[2] == "secretsmanager":
        bare = ":".join(parts[:7])
        return Need(EXECUTION, need_facts.SECRET_READ, (bare,), None, _secret_target(ctx, bare),
                    f"secret {parts[6]} ({why})")
    if value_from.startswith("arn:"):
        name = value_from.split(":parameter", 1)[-1].lstrip("/")
        arns = (value_from,)
    else:
        name = value_from.lstrip("/")
        arns = ctx.arn("ssm", f"parameter/{name}")
    target = ctx.named(PARAMETER, "name", name) or ctx.named(PARAMETER, "name", "/" + name)
    return Need(EXECUTION, need_facts.PARAMETER_READ, arns, ctx.shape("ssm", "parameter/*"), target,
                f"parameter {name} ({why})")


def _log_needs(ctx: Context, options: Any) -> list[Need]:
    group = options.get("awslogs-group") if isinstance(options, dict) else None
    if not isinstance(group, str) or not group:
        return []
    region = options.get("awslogs-region") or ctx.region
    base = ctx.arn("logs", f"log-group:{group}", region)
    arns = tuple(a for b in base for a in (b, f"{b}:*", f"{b}:log-stream:ecs-task-stream"))
    target = ctx.named(LOG_GROUP, "name", group)
    needs = [Need(EXECUTION, need_facts.AWSLOGS, arns, ctx.shape("logs", "log-group:*"), target,
                  f"log group {group} (awslogs)")]
    if str(options.get("awslogs-create-group", "")).lower() == "true":
        needs.append(Need(EXECUTION, need_facts.AWSLOGS_CREATE_GROUP, arns, ctx.shape("logs", "log-group:*"),
                          target, f"log group {group} (awslogs-create-group)"))
    return needs


def _image_needs(ctx: Context, image: str) -> list[Need]:
    m = _ECR_IMAGE.match(image)
    if not m:
        return []
    account, region, repo = m.groups()
    target = ctx.named(REPOSITORY, "name", repo)
    arn = f"arn:{partition_of(region)}:ecr:{region}:{account}:repository/{repo}"
    return [Need(EXECUTION, need_facts.ECR_TOKEN, ("*",), None, target, f"image {repo} (ECR sign-in)"),
            Need(EXECUTION, need_facts.ECR_PULL, (arn,), None, target, f"image {repo} (ECR repository)")]


def _repository_needs_from_graph(ctx: Context) -> list[Need]:
    out = []
    for repo in ctx.wired_of(REPOSITORY):
        name = as_str(get(repo.props, "name"))
        arns = ctx.arn("ecr", f"repository/{name}") if isinstance(name, str) else ()
        out += [Need(EXECUTION, need_facts.ECR_TOKEN, ("*",), None, repo, f"image of {repo.name} (ECR sign-in)"),
                Need(EXECUTION, need_facts.ECR_PULL, arns, ctx.shape("ecr", "repository/*"), repo,
                     f"image of {repo.name} (ECR repository)")]
    return out


def _environment(defs: Any) -> Optional[dict]:
    if not isinstance(defs, list):
        return None
    env: dict = {}
    for c in defs:
        for e in (c.get("environment") or []) if isinstance(c, dict) else []:
            if isinstance(e, dict) and isinstance(e.get("name"), str):
                env[e["name"]] = e.get("value")
    return env


def _kafka_needs(ctx: Context, env: Optional[dict]) -> list[Need]:
    out = []
    for cluster in ctx.wired_of(MSK_CLUSTER):
        iam = as_bool(get(cluster.props, "clientAuthentication.sasl.iam"), False) is True
        others = as_bool(get(cluster.props, "clientAuthentication.sasl.scram"), False) is not False or \
            get(cluster.props, "clientAuthentication.tls") is not None or \
            as_bool(get(cluster.props, "clientAuthentication.unauthenticated"), False) is not False
        if not iam:
            continue
        if env is not None:
            mechanism = str(env.get("KAFKA_SASL_MECHANISM") or "").upper()
            ports = {int(p) for v in env.values() if isinstance(v, str) for p in _PORT.findall(v)}
            uses_iam = mechanism in need_facts.MSK_IAM_MECHANISMS or bool(ports & set(need_facts.MSK_IAM_PORTS))
            if not uses_iam:
                continue
            sure = True
        else:
            sure = not others  # IAM is the only way in
        name = as_str(get(cluster.props, "clusterName"))
        name = name if isinstance(name, str) else "*"
        label = f"MSK cluster {cluster.name} (IAM client authentication)"
        out += [Need(TASK, need_facts.MSK_CONNECT, (), ctx.shape("kafka", f"cluster/{name}/*"), cluster, label,
                     sure=sure),
                Need(TASK, need_facts.MSK_DATA_ANY, (), ctx.shape("kafka", f"topic/{name}/*"), cluster,
                     f"topics of MSK cluster {cluster.name}", any_of=True, sure=sure)]
    return out


def _database_needs(ctx: Context, env: Optional[dict]) -> list[Need]:
    out = []
    user = env.get("DB_USERNAME") if env else None
    user = user if isinstance(user, str) and user else "*"
    says_iam = env is not None and str(env.get("DB_AUTH") or "").lower() == "iam"
    for proxy in ctx.wired_of(RDS_PROXY):
        required = any(str(as_str(get(a, "iamAuth"), "")).upper() == "REQUIRED"
                       for a in as_list(get(proxy.props, "auths")) or [] if not is_unknown(a))
        if required or says_iam:
            out.append(Need(TASK, need_facts.RDS_CONNECT, (), ctx.shape("rds-db", f"dbuser:prx-*/{user}"), proxy,
                            f"RDS Proxy {proxy.name} (IAM authentication as {user})"))
    if says_iam and not out:
        for db in ctx.wired_of(RDS_INSTANCE):
            out.append(Need(TASK, need_facts.RDS_CONNECT, (), ctx.shape("rds-db", f"dbuser:db-*/{user}"), db,
                            f"RDS instance {db.name} (IAM authentication as {user})"))
    return out


def _messaging_needs(ctx: Context) -> list[Need]:
    out = []
    for kind, service, rest, actions, any_of, noun in (
            (TOPIC, "sns", "{}", need_facts.SNS_PUBLISH, False, "SNS topic"),
            (QUEUE, "sqs", "{}", need_facts.SQS_ANY, True, "SQS queue"),
            (STREAM, "kinesis", "stream/{}", need_facts.KINESIS_ANY, True, "Kinesis stream")):
        for r in ctx.wired_of(kind):
            name = as_str(get(r.props, "name"))
            arns = ctx.arn(service, rest.format(name)) if isinstance(name, str) and name else ()
            out.append(Need(TASK, actions, arns, ctx.shape(service, rest.format("*")), r, f"{noun} {r.name}",
                            any_of=any_of))
    return out


def _file_system_of(task: Any) -> Optional[Any]:
    """The one file system the task's volumes were built from (directly or through an access point)."""
    systems = producers(task, "volumes", FILE_SYSTEM)
    for ap in producers(task, "volumes", ACCESS_POINT):
        systems += producers(ap, "fileSystemId", FILE_SYSTEM)
    unique = list({s.urn: s for s in systems}.values())
    return unique[0] if len(unique) == 1 else None


def _file_system_policy_admits(fs: Optional[Any], actions: tuple, resources: list) -> Optional[bool]:
    """Whether the file system policy alone lets every client in (True), does not (False), or is unknown."""
    if fs is None:
        return None
    policies = [p for p in resources if p.resource_type == FILE_SYSTEM_POLICY
                and any(d.urn == fs.urn for d in producers(p, "fileSystemId"))]
    if not policies:
        return True  # the default file system policy: every client reaching a mount target
    document = parse_json(get(policies[0].props, "policy"))
    if is_unknown(document):
        return None
    for st in statements(document):
        principal = st.get("Principal")
        anyone = principal == "*" or (isinstance(principal, dict) and "*" in listify(principal.get("AWS")))
        if st.get("Effect") == "Allow" and anyone and "Condition" not in st and all(
                any(_action_matches(a, action) for a in listify(st.get("Action"))) for action in actions):
            return True
    return False


def _efs_needs(ctx: Context, defs: Any) -> list[Need]:
    volumes = get(ctx.task.props, "volumes")
    if is_unknown(volumes):
        return []
    out = []
    for vol in as_list(volumes) or []:
        if is_unknown(vol) or str(as_str(get(vol, "efsVolumeConfiguration.authorizationConfig.iam"), "")) \
                .upper() != "ENABLED":
            continue
        name = as_str(get(vol, "name"))
        mounts = None if not isinstance(defs, list) else [
            m for c in defs if isinstance(c, dict) for m in c.get("mountPoints") or []
            if isinstance(m, dict) and m.get("sourceVolume") == name]
        read_only = mounts is not None and bool(mounts) and all(m.get("readOnly") is True for m in mounts)
        fs = _file_system_of(ctx.task)
        fs_id = as_str(get(vol, "efsVolumeConfiguration.fileSystemId"))
        arns = ctx.arn("elasticfilesystem", f"file-system/{fs_id}") if isinstance(fs_id, str) else ()
        label = f"EFS volume {name} ({fs.name if fs else fs_id}, IAM authorization)"
        wanted = [(need_facts.EFS_MOUNT, True)] + ([] if read_only else [(need_facts.EFS_WRITE, mounts is not None)])
        for actions, sure in wanted:
            admits = _file_system_policy_admits(fs, actions, ctx.resources)
            if admits is True:
                continue
            out.append(Need(TASK, actions, arns, ctx.shape("elasticfilesystem", "file-system/*"), fs, label,
                            sure=sure and admits is False))
    return out


def task_needs(task: Any, resources: list, region: Optional[str] = None, account: Optional[str] = None
               ) -> list[Need]:
    """What the task definition wires, as needs of its execution and task roles."""
    ctx = Context(task, resources, region, account)
    defs = parse_json(get(task.props, "containerDefinitions"))
    known = isinstance(defs, list)
    needs: list[Need] = []
    if known:
        for c in (c for c in defs if isinstance(c, dict)):
            needs += _image_needs(ctx, str(c.get("image") or ""))
            log = c.get("logConfiguration") or {}
            if isinstance(log, dict) and log.get("logDriver") == "awslogs":
                needs += _log_needs(ctx, log.get("options") or {})
            for s in c.get("secrets") or []:
                if isinstance(s, dict) and isinstance(s.get("valueFrom"), str) and s["valueFrom"]:
                    needs.append(_secret_need(ctx, s["valueFrom"], f"secret {s.get('name')}"))
            credentials = (c.get("repositoryCredentials") or {}).get("credentialsParameter")
            if isinstance(credentials, str) and credentials:
                needs.append(_secret_need(ctx, credentials, "private registry credentials"))
    else:
        needs += _repository_needs_from_graph(ctx)
        for group in ctx.wired_of(LOG_GROUP):
            name = as_str(get(group.props, "name"))
            if isinstance(name, str):
                needs += _log_needs(ctx, {"awslogs-group": name})
        for secret in ctx.wired_of(SECRET, PARAMETER):
            kind = need_facts.SECRET_READ if secret.resource_type == SECRET else need_facts.PARAMETER_READ
            service = "secretsmanager" if secret.resource_type == SECRET else "ssm"
            needs.append(Need(EXECUTION, kind, (), ctx.shape(service, "*"), secret,
                              f"{'secret' if service != 'ssm' else 'parameter'} {secret.name}", sure=False))
    env = _environment(defs) if known else None
    needs += _kafka_needs(ctx, env) + _database_needs(ctx, env) + _messaging_needs(ctx) + _efs_needs(ctx, defs)
    unique: dict = {}
    for n in needs:
        unique.setdefault((n.role, n.actions, n.arns, n.shape, getattr(n.target, "urn", None), n.what), n)
    return list(unique.values())


# ---- the findings ---------------------------------------------------------------------------------------------

def _shown(actions: tuple, any_of: bool) -> str:
    return (" or " if any_of else " and ").join(actions)


def _task_findings(task: Any, resources: list, grants: dict, region: Optional[str], account: Optional[str]
                   ) -> Iterator[Finding]:
    needs = task_needs(task, resources, region, account)
    if not needs:
        return
    roles = {kind: task_role(task, kind, resources) for kind in (EXECUTION, TASK)}
    docs = {kind: role_documents(role, resources, grants) if role is not None else []
            for kind, (role, _) in roles.items()}
    for need in needs:
        role, state = roles[need.role]
        prop = ROLE_INPUT[need.role]
        if state == "foreign":
            yield UNDECIDED, task.urn, (f"Task definition {task.name}'s {need.role} role is not a role of the stack: "
                                        f"whether it may {_shown(need.actions, need.any_of)} for {need.what} is "
                                        f"not judged")
            continue
        if state == "absent":
            if need.sure:
                yield VIOLATION, task.urn, (f"Task definition {task.name} has no {need.role} role ({prop}), but "
                                            f"{need.what} needs one allowed {_shown(need.actions, need.any_of)}: "
                                            f"{FAILS[need.role]}")
            continue
        verdict = granted(docs[need.role], need)
        if verdict is True:
            continue
        if verdict is None or not need.sure:
            open_ = undecided_policies(docs[need.role], need)
            why = (f"{', '.join(open_)} unknown, not modelled or from outside the stack" if open_ and verdict is None
                   else "the task's use of it is not known yet")
            yield UNDECIDED, role.urn, (f"Whether {need.role} role {role.name} may "
                                        f"{_shown(need.actions, need.any_of)} for {need.what} (task definition "
                                        f"{task.name}) is not decided: {why}")
            continue
        other, _ = roles[OTHER[need.role]]
        if other is not None and other.urn != role.urn and granted(docs[OTHER[need.role]], need) is True:
            yield VIOLATION, role.urn, (
                f"Task definition {task.name}: {_shown(need.actions, need.any_of)} for {need.what} is granted to "
                f"its {OTHER[need.role]} role {other.name}, but it is the {need.role} role ({prop}, {role.name}) "
                f"that uses it: {FAILS[need.role]}. Move the statement to {role.name}")
            continue
        missing = need.actions if need.any_of else tuple(
            a for a in need.actions if _action_granted(docs[need.role], need, a) is False)
        yield VIOLATION, role.urn, (
            f"Task definition {task.name} wires {need.what}, but its {need.role} role {role.name} is not allowed "
            f"{_shown(missing, need.any_of)} on it: {FAILS[need.role]}")


@once_per_request
def findings(resources: list) -> list[Finding]:
    tasks = [r for r in resources if r.resource_type == TASK_DEFINITION]
    if not tasks:
        return []
    grants, region, account = grants_by_role(resources), stack_region(resources), stack_account(resources)
    out: list[Finding] = []
    for task in tasks:
        out += list(_task_findings(task, resources, grants, region, account))
    return list(dict.fromkeys(out))


@rule(name="roles-grant-what-is-wired", area=DEPLOYABILITY, resource_types=(WHOLE_STACK,), stack=True,
      description="An ECS task's execution role may pull its private ECR images, write its awslogs log groups and "
                  "read the secrets and parameters it injects; its task role may use what the task is wired to "
                  "with IAM (EFS volumes with IAM authorization, MSK with IAM auth, RDS Proxy IAM auth, topics, "
                  "queues, streams); a grant in the other role does not count.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Add the named actions on the named resource to the named role's policy (facts/task_roles.py "
                  "cites what each wire needs), or move the statement from the other role.")
def validate_roles_grant_what_is_wired(args, report_violation: Callable[..., None]) -> None:
    report_findings(report_violation, findings(list(args.resources)), VIOLATION)


@rule(name="role-grants-undecided", area=DEPLOYABILITY, resource_types=(WHOLE_STACK,), stack=True,
      description="Says which task-role and execution-role grants the plan cannot judge: a role or policy from "
                  "outside the stack, an AWS managed policy not modelled, a policy unknown at a first preview and "
                  "not built from the wired resource.",
      level=ADVISORY, severity=Severity.LOW,
      remediation="Check these grants once by hand, or build the policy from the wired resource in the stack.")
def validate_role_grants_undecided(args, report_violation: Callable[..., None]) -> None:
    report_findings(report_violation, findings(list(args.resources)), UNDECIDED)
