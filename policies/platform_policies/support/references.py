"""Does a reference in the plan name something the plan creates?  Findings for rules/wiring_references.py.

Each reader returns findings ``(REFUSED or UNDECIDED, URN to report on, message)``.  A reference is resolved
from the graph first (the input was built from a resource of the right type: all a first preview knows),
then by value (a literal name matched against the plan's resources).  A value that matches nothing of the
plan and was built from nothing of it may name a resource of another stack: UNDECIDED, never a guess.

Sources (read 2026-12-07):

* Amazon ECS API reference, ServiceConnectConfiguration (``namespace``: "The namespace must be in the same
  AWS Region as the Amazon ECS service and cluster. The type of namespace doesn't affect Service Connect"),
  ServiceConnectService (``portName``, ``discoveryName`` "must be unique within the AWS Cloud Map
  namespace", ``clientAliases`` "Each name and port mapping must be unique within the namespace") and
  ServiceConnectClientAlias (``dnsName``: "the name that you use in the applications of client tasks");
  the developer guide's "Service Connect configuration overview" (a client service joins the namespace
  that "must contain all of the server services that this service needs to discover").
* Amazon ECS API reference, LoadBalancer (``targetGroupArn``: with the awsvpc network mode "you must choose
  ip as the target type, not instance"; ``containerName``, ``containerPort``); CreateService refuses a
  target group no listener forwards to ("The target group with targetGroupArn ... does not have an
  associated load balancer", e.g. hashicorp/terraform#32908, cloudposse/terraform-aws-ecs-web-app#226).
  The container name and port against the task definition are judged by ecs-service-constraints.
* Amazon ECS developer guide, "Using the awslogs log driver" (``awslogs-group``, ``awslogs-region``,
  ``awslogs-create-group``).
* Application Auto Scaling API reference, RegisterScalableTarget (ResourceId of an ECS service:
  ``service/<cluster name>/<service name>``; ScalableDimension ``ecs:service:DesiredCount``); a target
  registered before its service exists fails with "ECS service doesn't exist" (spinnaker/spinnaker#4371);
  PutScalingPolicy and PutScheduledAction need a registered target (ObjectNotFoundException).
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Iterator, Optional

from .graph import producer, producers, region_of, stack_region
from .per_request import once_per_request
from .props import arn_region, as_bool, as_int, as_list, as_str, get, is_unknown, parse_json
from .wires import LISTENER_RULE_TYPES, LISTENER_TYPES, TARGET_GROUP_TYPES

REFUSED, UNDECIDED = "refused", "undecided"
Finding = tuple[str, str, str]

ECS_SERVICE, TASK_DEFINITION = "aws:ecs/service:Service", "aws:ecs/taskDefinition:TaskDefinition"
ECS_CLUSTER, MSK_CLUSTER = "aws:ecs/cluster:Cluster", "aws:msk/cluster:Cluster"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
NAMESPACE_TYPES = ("aws:servicediscovery/httpNamespace:HttpNamespace",
                   "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace",
                   "aws:servicediscovery/publicDnsNamespace:PublicDnsNamespace")
SCALABLE_TARGET = "aws:appautoscaling/target:Target"
SCALING_USERS = ("aws:appautoscaling/policy:Policy", "aws:appautoscaling/scheduledAction:ScheduledAction")
# The one scalable dimension of an ECS service (RegisterScalableTarget, ScalableDimension).
ECS_DIMENSION = "ecs:service:DesiredCount"
_ECS_RESOURCE_ID = re.compile(r"service/([^/]+)/([^/]+)")


class Plan:
    def __init__(self, resources: Iterable[Any]):
        self.resources = list(resources)
        self.by_urn = {r.urn: r for r in self.resources}
        self.region = stack_region(self.resources)

    def of(self, *types: str) -> list:
        return [r for r in self.resources if r.resource_type in types]

    def region_of(self, r: Any) -> Optional[str]:
        region = region_of(r)
        return region if isinstance(region, str) and region else self.region

    def reaches(self, start: Any, target: Any) -> bool:
        """True when ``start`` depends on ``target``, directly or through other resources."""
        seen, todo = set(), [start]
        while todo:
            r = todo.pop()
            deps = list(getattr(r, "dependencies", None) or [])
            for ds in (getattr(r, "property_dependencies", None) or {}).values():
                deps.extend(ds or [])
            for d in deps:
                urn = getattr(d, "urn", None)
                if urn == target.urn:
                    return True
                if urn and urn not in seen:
                    seen.add(urn)
                    todo.append(self.by_urn.get(urn, d))
        return False


def _name(r: Any, prop: str = "name") -> Any:
    return as_str(get(r.props, prop))


def _label(r: Any, prop: str = "name") -> str:
    value = _name(r, prop)
    return value if isinstance(value, str) and value else r.name


def _containers(task: Any) -> Any:
    defs = parse_json(get(task.props, "containerDefinitions"))
    if is_unknown(defs):
        return defs
    return [c for c in defs if isinstance(c, dict)] if isinstance(defs, list) else None


# ---- log groups -------------------------------------------------------------------------------------------

def _log_uses(plan: Plan) -> Iterator[tuple[Any, str, Any, Any, bool, list]]:
    """(owner, what, awslogs-group, awslogs-region, create-group, log groups the owner's input was built from)."""
    for task in plan.of(TASK_DEFINITION):
        defs = _containers(task)
        built_from = producers(task, "containerDefinitions", LOG_GROUP)
        for c in defs if isinstance(defs, list) else []:
            log = c.get("logConfiguration") or {}
            if not isinstance(log, dict) or log.get("logDriver") != "awslogs":
                continue
            options = log.get("options") or {}
            yield (task, f"container {c.get('name')!r} of task definition {_label(task, 'family')}",
                   options.get("awslogs-group"), options.get("awslogs-region"),
                   str(options.get("awslogs-create-group", "")).lower() == "true", built_from)
    for service in plan.of(ECS_SERVICE):
        log = get(service.props, "serviceConnectConfiguration.logConfiguration")
        if log is None or is_unknown(log) or as_str(get(log, "logDriver")) != "awslogs":
            continue
        yield (service, f"the Service Connect proxy of ECS service {_label(service)}",
               as_str(get(log, "options.awslogs-group")), as_str(get(log, "options.awslogs-region")),
               str(as_str(get(log, "options.awslogs-create-group"), "")).lower() == "true",
               producers(service, "serviceConnectConfiguration", LOG_GROUP))


@once_per_request
def log_group_findings(resources: Iterable[Any]) -> list[Finding]:
    plan = Plan(resources)
    groups = plan.of(LOG_GROUP)
    out: list[Finding] = []
    for owner, what, group, region, create, built_from in _log_uses(plan):
        if is_unknown(group) or group is None:
            if group is not None and not built_from:
                out.append((UNDECIDED, owner.urn, f"{what}: its awslogs-group is not known and not built from a "
                                                  f"log group of the plan"))
            matches = built_from if len(built_from) == 1 else []
        else:
            matches = [g for g in groups if _name(g) == group]
            unnamed = [g for g in built_from if not isinstance(_name(g), str) or not _name(g)]
            if not matches and unnamed:
                matches = unnamed if len(unnamed) == 1 else []
                if not matches:
                    continue  # built from several auto-named groups: which one it names is not known
            if not matches:
                if create:
                    continue  # awslogs-create-group: the driver creates it
                if built_from:
                    names = ", ".join(sorted(_label(g) for g in built_from))
                    out.append((REFUSED, owner.urn, f"{what} logs to awslogs-group {group!r}, which the plan does "
                                                    f"not create; it is built from log group {names}: the tasks "
                                                    f"fail to start (the group does not exist)"))
                else:
                    out.append((UNDECIDED, owner.urn, f"{what} logs to awslogs-group {group!r}, which the plan "
                                                      f"neither creates nor builds it from (a group of another "
                                                      f"stack?)"))
                continue
        for g in matches:
            where = plan.region_of(g)
            if isinstance(region, str) and region and where and region != where:
                out.append((REFUSED, owner.urn, f"{what} logs to {_label(g)} with awslogs-region {region}, but the "
                                                f"plan creates that group in {where}: the driver looks for it in "
                                                f"{region}"))
    return out


# ---- Service Connect ----------------------------------------------------------------------------------------

def _enabled(service: Any) -> Any:
    sc = get(service.props, "serviceConnectConfiguration")
    if sc is None:
        return False
    return as_bool(get(sc, "enabled"), False)


def _namespace(plan: Plan, service: Any) -> tuple[Any, Any]:
    """(namespace resource of the plan or None, the namespace value) the service joins."""
    value = as_str(get(service.props, "serviceConnectConfiguration.namespace"))
    built = producers(service, "serviceConnectConfiguration", *NAMESPACE_TYPES)
    if value is None and not built:
        cluster = producer(service, "cluster", ECS_CLUSTER)
        if cluster is not None:
            value = as_str(get(cluster.props, "serviceConnectDefaults.namespace"))
            built = producers(cluster, "serviceConnectDefaults", *NAMESPACE_TYPES)
    if len({b.urn for b in built}) == 1:
        return built[0], value
    if isinstance(value, str):
        named = [n for n in plan.of(*NAMESPACE_TYPES) if _name(n) == value]
        if len(named) == 1:
            return named[0], value
    return None, value


def _published(service: Any) -> list[tuple[str, Any, Any]]:
    """(discovery name, alias dns name or None, alias port) of each Service Connect service entry."""
    out = []
    for entry in as_list(get(service.props, "serviceConnectConfiguration.services")) or []:
        if is_unknown(entry):
            continue
        discovery = as_str(get(entry, "discoveryName")) or as_str(get(entry, "portName"))
        aliases = as_list(get(entry, "clientAlias"))
        for alias in (aliases if not is_unknown(aliases) else []) or [None]:
            dns = as_str(get(alias, "dnsName")) if alias is not None else None
            port = as_int(get(alias, "port")) if alias is not None else None
            out.append((discovery, dns or discovery, port))
    return out


# Peer names a client configures: an environment value that is a URL or host:port whose host has no dot, or
# a ``--<x>-host <name>`` argument (with its ``--<x>-port``).
_ENV_PEER = re.compile(r"(?:[a-z][a-z0-9+.-]*://(?P<h1>[a-z0-9_-]+)(?::(?P<p1>\d{1,5}))?(?:/\S*)?"
                       r"|(?P<h2>[a-z0-9_-]+):(?P<p2>\d{1,5}))")
_ARG_HOST = re.compile(r"--(?P<flag>[a-z0-9-]*?)-?host[= ](?P<host>[a-z0-9_-]+)(?=\s|$|;|&|\")")
_NOT_PEERS = frozenset({"localhost"})


def peer_names(task: Any) -> Any:
    """[(container, host, port or None, where)] a task's containers dial by short name; UNKNOWN when unknown."""
    defs = _containers(task)
    if is_unknown(defs) or defs is None:
        return defs
    out = []
    for c in defs:
        for env in c.get("environment") or []:
            value = str((env or {}).get("value") or "")
            for part in value.split(","):
                m = _ENV_PEER.fullmatch(part.strip())
                if m:
                    host, port = m.group("h1") or m.group("h2"), m.group("p1") or m.group("p2")
                    out.append((c.get("name"), host, int(port) if port else None,
                                f"environment {(env or {}).get('name')}"))
        command = " ".join(str(x) for x in (c.get("entryPoint") or []) + (c.get("command") or []))
        for m in _ARG_HOST.finditer(command):
            flag = m.group("flag")
            port = re.search(rf"--{re.escape(flag)}-?port[= ](\d{{1,5}})\b", command) if flag else None
            out.append((c.get("name"), m.group("host"), int(port.group(1)) if port else None,
                        f"argument --{flag + '-' if flag else ''}host"))
    names = {c.get("name") for c in defs}
    return [p for p in out if p[1] not in _NOT_PEERS and p[1] not in names and not p[1].isdigit()]


@once_per_request
def service_connect_findings(resources: Iterable[Any]) -> list[Finding]:
    plan = Plan(resources)
    services = plan.of(ECS_SERVICE)
    joined: dict[str, tuple[Any, Any]] = {}   # service URN -> (namespace resource or None, value)
    out: list[Finding] = []
    for s in services:
        if _enabled(s) is not True:
            continue
        ns, value = _namespace(plan, s)
        joined[s.urn] = (ns, value)
        label = f"ECS service {_label(s)}"
        if ns is None:
            if value is None:
                out.append((UNDECIDED, s.urn, f"{label} turns Service Connect on without a namespace, and no "
                                              f"cluster default of the plan gives one"))
            elif not is_unknown(value) or not producers(s, "serviceConnectConfiguration"):
                out.append((UNDECIDED, s.urn, f"{label} joins Service Connect namespace {value!r}, which the plan "
                                              f"does not create (a namespace of another stack?)"))
            continue
        mine = plan.region_of(s)
        theirs = arn_region(value) if isinstance(value, str) and value.startswith("arn:") else plan.region_of(ns)
        if isinstance(theirs, str) and mine and theirs != mine:
            out.append((REFUSED, s.urn, f"{label} in {mine} joins namespace {_label(ns)} of {theirs}: the "
                                        f"namespace must be in the service's Region"))
    # What each namespace of the plan publishes, and duplicates in one namespace.
    published: dict[str, dict[tuple, str]] = {}
    discovery: dict[str, dict[str, str]] = {}
    for s in services:
        ns = joined.get(s.urn, (None, None))[0]
        if ns is None:
            continue
        for name, dns, port in _published(s):
            label = f"ECS service {_label(s)}"
            if isinstance(name, str):
                first = discovery.setdefault(ns.urn, {}).setdefault(name, label)
                if first != label:
                    out.append((REFUSED, s.urn, f"{label} publishes discovery name {name!r} in namespace "
                                                f"{_label(ns)}, which {first} already publishes: it must be unique "
                                                f"in the namespace"))
            if isinstance(dns, str) and isinstance(port, int):
                first = published.setdefault(ns.urn, {}).setdefault((dns, port), label)
                if first != label:
                    out.append((REFUSED, s.urn, f"{label} publishes {dns}:{port} in namespace {_label(ns)}, which "
                                                f"{first} already publishes: each name and port must be unique "
                                                f"in the namespace"))
    # The peers each client dials.
    for s in services:
        task = producer(s, "taskDefinition", TASK_DEFINITION)
        peers = peer_names(task) if task is not None else None
        if not isinstance(peers, list):
            continue
        ns = joined.get(s.urn, (None, None))[0]
        label = f"ECS service {_label(s)}"
        for container, host, port, where in peers:
            hits = {(urn, p) for urn, names in published.items() for (d, p) in names if d == host}
            if not hits:
                if s.urn in joined:
                    out.append((UNDECIDED, s.urn, f"{label}: container {container!r} dials {host!r} ({where}), "
                                                  f"which no Service Connect service of the plan publishes"))
                continue
            if s.urn not in joined:
                out.append((REFUSED, s.urn, f"{label}: container {container!r} dials the Service Connect name "
                                            f"{host!r} ({where}), but the service is not a Service Connect "
                                            f"client: turn serviceConnectConfiguration on in that namespace"))
                continue
            if ns is None:
                continue  # its namespace is not the plan's: undecided above
            here = {p for urn, p in hits if urn == ns.urn}
            if not here:
                out.append((REFUSED, s.urn, f"{label}: container {container!r} dials {host!r} ({where}), which is "
                                            f"published in another namespace than {_label(ns)}, the one the "
                                            f"service joins"))
            elif port is not None and port not in here:
                ports = "/".join(str(p) for p in sorted(here))
                out.append((REFUSED, s.urn, f"{label}: container {container!r} dials {host}:{port} ({where}), but "
                                            f"{host} listens on {ports} in namespace {_label(ns)}"))
    return out


# ---- load balancers ----------------------------------------------------------------------------------------

def _forwarders(plan: Plan, group: Any) -> list:
    """Listeners and listener rules of the plan that forward to ``group``."""
    out = [r for r in plan.of(*LISTENER_TYPES) if any(d.urn == group.urn for d in producers(r, "defaultActions"))]
    out += [r for r in plan.of(*LISTENER_RULE_TYPES) if any(d.urn == group.urn for d in producers(r, "actions"))]
    return out


def _arn_name(arn: Any) -> Optional[str]:
    m = re.search(r":targetgroup/([^/]+)/", arn) if isinstance(arn, str) else None
    return m.group(1) if m else None


@once_per_request
def load_balancer_findings(resources: Iterable[Any]) -> list[Finding]:
    plan = Plan(resources)
    groups = plan.of(*TARGET_GROUP_TYPES)
    out: list[Finding] = []
    for s in plan.of(ECS_SERVICE):
        entries = as_list(get(s.props, "loadBalancers"))
        if is_unknown(entries) or not entries:
            continue
        label = f"ECS service {_label(s)}"
        built = {g.urn: g for g in producers(s, "loadBalancers", *TARGET_GROUP_TYPES)}
        judged = dict(built)
        for entry in entries:
            if is_unknown(entry) or get(entry, "loadBalancerName") is not None:
                continue
            for path in ("targetGroupArn", "advancedConfiguration.alternateTargetGroupArn"):
                arn = as_str(get(entry, path))
                if arn is None or (is_unknown(arn) and built):
                    continue
                name = _arn_name(arn)
                named = [g for g in groups if name and (_name(g) == name or (
                    not _name(g) and name.startswith(g.name + "-")))]
                if named:
                    judged.update((g.urn, g) for g in named)
                elif not built:
                    shown = "(unknown)" if is_unknown(arn) else arn
                    out.append((UNDECIDED, s.urn, f"{label}: loadBalancers {path} {shown} is not a target group of "
                                                  f"the plan"))
        task = producer(s, "taskDefinition", TASK_DEFINITION)
        mode = as_str(get(task.props, "networkMode"), "bridge") if task is not None else None
        for g in judged.values():
            kind = as_str(get(g.props, "targetType"), "instance")
            if mode == "awsvpc" and isinstance(kind, str) and kind != "ip":
                out.append((REFUSED, g.urn, f"{label} registers its awsvpc tasks in target group {g.name}, whose "
                                            f"targetType is {kind}: awsvpc tasks need targetType ip"))
            forwards = _forwarders(plan, g)
            if not forwards:
                out.append((REFUSED, s.urn, f"{label} uses target group {g.name}, which no listener or listener rule "
                                            f"of the plan forwards to: CreateService refuses a target group "
                                            f"without a load balancer"))
            elif not any(plan.reaches(s, f) for f in forwards):
                names = ", ".join(sorted(f.name for f in forwards))
                out.append((REFUSED, s.urn, f"{label} does not depend on {names}, which attaches target group "
                                            f"{g.name} to its load balancer: Pulumi may create the service first, "
                                            f"and CreateService refuses a target group without a load balancer"))
    return out


# ---- Application Auto Scaling -------------------------------------------------------------------------------

def _service_cluster(s: Any) -> tuple[Any, Any]:
    """(cluster resource the service's ``cluster`` was built from, the cluster value's name part)."""
    value = as_str(get(s.props, "cluster"))
    name = value.rsplit("/", 1)[-1] if isinstance(value, str) else value
    return producer(s, "cluster", ECS_CLUSTER), name


def _runs_in(service: Any, clusters: list, cluster_name: str) -> bool:
    cluster, name = _service_cluster(service)
    return (cluster is not None and cluster.urn in {c.urn for c in clusters}) or name == cluster_name


def _ecs_target_findings(plan: Plan, t: Any) -> Iterator[Finding]:
    rid, dimension = as_str(get(t.props, "resourceId")), as_str(get(t.props, "scalableDimension"))
    label = f"scalable target {t.name}"
    if isinstance(dimension, str) and dimension.startswith("ecs:") and dimension != ECS_DIMENSION:
        yield REFUSED, t.urn, f"{label}: an ECS service scales on {ECS_DIMENSION}, not {dimension}"
    services, clusters = plan.of(ECS_SERVICE), plan.of(ECS_CLUSTER)
    built_services = producers(t, "resourceId", ECS_SERVICE)
    built_clusters = producers(t, "resourceId", ECS_CLUSTER)
    if is_unknown(rid) or rid is None:
        if not built_services:
            if rid is not None:
                yield UNDECIDED, t.urn, f"{label}: resourceId is not known and not built from an ECS service"
            return
        service = built_services[0]
        if built_clusters:
            cluster, _ = _service_cluster(service)
            if cluster is not None and cluster.urn not in {c.urn for c in built_clusters}:
                yield REFUSED, t.urn, (f"{label}: resourceId is built from cluster {built_clusters[0].name} and "
                                       f"service {service.name}, which runs in cluster {cluster.name}")
        found = service
    else:
        m = _ECS_RESOURCE_ID.fullmatch(rid)
        if not m:
            return  # the form is judged by appautoscaling-constraints
        cluster_name, service_name = m.groups()
        named_clusters = [c for c in clusters if _name(c) == cluster_name]
        in_cluster = [s for s in services if _name(s) == service_name and _runs_in(s, named_clusters, cluster_name)]
        found = in_cluster[0] if in_cluster else None
        if found is None and any(is_unknown(_name(x)) for x in services + clusters):
            return  # a name the plan does not show yet may be the one named
        if found is None:
            elsewhere = [s for s in services if _name(s) == service_name]
            if named_clusters:
                yield REFUSED, t.urn, (f"{label}: resourceId {rid} names cluster {cluster_name} of the plan, which "
                                       f"has no service {service_name}")
            elif elsewhere:
                yield REFUSED, t.urn, (f"{label}: resourceId {rid} names service {service_name}, which the plan "
                                       f"runs in another cluster than {cluster_name}")
            else:
                yield UNDECIDED, t.urn, (f"{label}: resourceId {rid} names a cluster and service the plan does not "
                                         f"create (another stack's?)")
            return
    if not plan.reaches(t, found):
        yield REFUSED, t.urn, (f"{label} scales ECS service {_label(found)} but does not depend on it: Pulumi may "
                               f"register it first, and RegisterScalableTarget fails (\"ECS service doesn't "
                               f"exist\")")


def _key(r: Any) -> tuple:
    return tuple(as_str(get(r.props, k)) for k in ("serviceNamespace", "resourceId", "scalableDimension"))


def _user_findings(plan: Plan, user: Any, targets: list) -> Iterator[Finding]:
    kind = "scaling policy" if user.resource_type == SCALING_USERS[0] else "scheduled action"
    label = f"{kind} {user.name}"
    key = _key(user)
    own = [t for t in targets if any(d.urn == t.urn for d in (getattr(user, "dependencies", None) or []))
           or any(d.urn == t.urn for ds in (getattr(user, "property_dependencies", None) or {}).values()
                  for d in ds or [])]
    if own:
        known = [t for t in own if not any(is_unknown(k) for k in (*key, *_key(t)))]
        if known and len(known) == len(own) and all(_key(t) != key for t in own):
            t = own[0]
            yield REFUSED, user.urn, (f"{label} names {'/'.join(map(str, key))} but depends on scalable target "
                                      f"{t.name}, which registers {'/'.join(map(str, _key(t)))}")
        return
    if any(is_unknown(k) for k in key):
        return
    same = [t for t in targets if _key(t) == key]
    if same:
        yield REFUSED, user.urn, (f"{label} does not depend on scalable target {same[0].name}, which registers "
                                  f"{'/'.join(map(str, key))}: Pulumi may create it first, and it fails with "
                                  f"ObjectNotFoundException (no scalable target registered)")


@once_per_request
def autoscaling_findings(resources: Iterable[Any]) -> list[Finding]:
    plan = Plan(resources)
    targets = plan.of(SCALABLE_TARGET)
    out: list[Finding] = []
    for t in targets:
        namespace = as_str(get(t.props, "serviceNamespace"))
        if namespace == "ecs":
            out.extend(_ecs_target_findings(plan, t))
        elif namespace == "kafka" and not producers(t, "resourceId", MSK_CLUSTER):
            out.append((UNDECIDED, t.urn, f"scalable target {t.name}: resourceId is not built from an MSK cluster "
                                          f"of the plan"))
    for user in plan.of(*SCALING_USERS):
        out.extend(_user_findings(plan, user, targets))
    return out
