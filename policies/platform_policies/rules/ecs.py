"""Amazon ECS on Fargate: services, task definitions and their autoscaling targets.
"""

from __future__ import annotations

import re
from typing import Any

from pulumi_policy import Severity

from ..baseline import baseline
from ..facts.fargate import FARGATE_SIZES
from ..facts.tags import LOAD_TEST_TAG
from ..rule import ACCEPTANCE, ADVISORY, AVAILABILITY, MANDATORY, SECURITY, SIZING, rule
from ..support.allow_list import allow_list_fix, check_allowed
from ..support.graph import producers
from ..support.options import integer, options, string_list
from ..support.azs import count_azs, stack_azs
from ..support.props import UNKNOWN, as_bool, as_int, as_list, as_str, get, is_unknown, parse_json
from ..support.report import report_problems

ECS_CLUSTER = "aws:ecs/cluster:Cluster"
ECS_SERVICE = "aws:ecs/service:Service"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
SCALABLE_TARGET = "aws:appautoscaling/target:Target"
SCHEDULED_ACTION = "aws:appautoscaling/scheduledAction:ScheduledAction"


# ---- reading task sizes ----------------------------------------------------------------------------

def _parse_size(value: Any, big_unit: str) -> Any:
    """A number, or text in base units ("256") or in ``big_unit`` ("0.25 vCPU", "0.5GB") that
    counts 1024 base units; returns base units, the unknown itself, or None."""
    if is_unknown(value):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value)
    if not isinstance(value, str):
        return None
    m = re.fullmatch(rf"\s*(\d+(?:\.\d+)?)\s*({big_unit})?\s*", value, re.IGNORECASE)
    if not m:
        return None
    number = float(m.group(1))
    return int(round(number * 1024)) if m.group(2) else int(number)


def parse_cpu_units(value: Any) -> Any:
    """ECS accepts cpu as units ("256") or vCPU text ("0.25 vCPU"); returns units or None."""
    return _parse_size(value, "vcpu")


def parse_memory_mib(value: Any) -> Any:
    """ECS accepts memory as MiB ("512") or GB text ("0.5GB"); returns MiB or None."""
    return _parse_size(value, "gb")


def is_fargate_task(props) -> bool:
    compat = as_list(get(props, "requiresCompatibilities"))
    return not is_unknown(compat) and "FARGATE" in compat


# ---- availability: tasks spread over AZs (stack: subnet ids resolve to AZs through the graph) -----------

MULTI_AZ_CONFIG = {
    "minTasks": integer("Smallest desiredCount for a service to be spread over two AZs.", 2, minimum=1),
    "minAzs": integer("Distinct AZs a service's awsvpc subnets must span (AZs are counted, not subnets).", 2,
                      minimum=1),
}


# An idle load generator (facts.tags.LOAD_TEST_TAG, desiredCount 0) is exempt from the task floor; its
# subnets are still judged.
def idle_load_generator(props, desired) -> bool:
    return as_str(get(props, f"tags.{LOAD_TEST_TAG[0]}")) == LOAD_TEST_TAG[1] and desired == 0


@rule(name="ecs-service-multi-az", area=AVAILABILITY, resource_types=(ECS_SERVICE,), stack=True,
      description="ECS services run at least `minTasks` tasks in subnets of at least `minAzs` distinct AZs (an idle "
                  "load generator - tag workload=load-test at desiredCount 0 - only the AZs).",
      level=ADVISORY, severity=Severity.MEDIUM,
      remediation="Set desiredCount>=2 (settings scaling.desiredCount) and list one private subnet per AZ in "
                  "networkConfiguration.subnets.", config=MULTI_AZ_CONFIG)
def validate_ecs_service_multi_az(args, report_violation) -> None:
    opts = options(args, MULTI_AZ_CONFIG)
    min_tasks, min_azs = as_int(opts["minTasks"], 2), as_int(opts["minAzs"], 2)
    resources = list(args.resources)
    azs_of = stack_azs(resources)
    for svc in resources:
        if svc.resource_type != ECS_SERVICE:
            continue
        if as_str(get(svc.props, "schedulingStrategy"), "REPLICA") == "DAEMON":
            continue  # a daemon runs on every instance; there is no count to spread
        desired = as_int(get(svc.props, "desiredCount"), 0)  # provider default 0
        if not is_unknown(desired) and desired < min_tasks and not idle_load_generator(svc.props, desired):
            report_violation(f"desiredCount is {desired}; at least {min_tasks} tasks are needed to survive "
                             f"the loss of an AZ.", svc.urn)
        if get(svc.props, "networkConfiguration") is None:
            continue  # no awsvpc configuration: ecs-service-constraints reports Fargate's need for one
        azs = count_azs(svc, "networkConfiguration", get(svc.props, "networkConfiguration.subnets"), azs_of)
        if azs.below(min_azs):
            seen = azs.exact if azs.exact is not None else f"at most {azs.at_most}"
            report_violation(f"networkConfiguration.subnets ({azs.subnets} subnet(s)) span {seen} AZ(s); at least "
                             f"{min_azs} distinct AZs are required.", svc.urn)


# ---- sizing: task size, architecture, task counts ------------------------------------------------------

TASK_SIZE_CONFIG = {
    "allowedCpu": {"type": "array", "items": {"type": "integer"}, "default": [256, 512, 1024, 2048],
                   "description": "Task cpu units this stack may use."},
    "maxMemoryMiB": integer("Largest task memory (MiB) this stack may use.", 8192, 512),
}


@rule(name="allowed-fargate-task-sizes", area=SIZING, resource_types=(TASK_DEFINITION,),
      description="Fargate task cpu comes from the stack's allow-list and memory stays under its ceiling.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation=allow_list_fix("services.<name>.cpu/memory or serviceSizeOverride"), config=TASK_SIZE_CONFIG)
def validate_fargate_task_size(args, report_violation) -> None:
    if args.resource_type != TASK_DEFINITION or not is_fargate_task(args.props):
        return
    opts = options(args, TASK_SIZE_CONFIG)
    allowed_cpu = [as_int(c) for c in opts["allowedCpu"]]
    max_memory = as_int(opts["maxMemoryMiB"], 8192)
    cpu = parse_cpu_units(get(args.props, "cpu"))
    memory = parse_memory_mib(get(args.props, "memory"))
    if not is_unknown(cpu) and cpu is not None and cpu not in allowed_cpu:
        report_violation(f"Task cpu {cpu} is not allowed in this stack; allowed: "
                         f"{', '.join(map(str, allowed_cpu))}.", None)
    if not is_unknown(memory) and memory is not None and memory > max_memory:
        report_violation(f"Task memory {memory} MiB is above this stack's ceiling of {max_memory} MiB.", None)


ARCH_CONFIG = {"allowedArchitectures": string_list(
    "runtimePlatform.cpuArchitecture values this stack may use (missing = X86_64).", ["ARM64", "X86_64"])}


@rule(name="allowed-cpu-architectures", area=SIZING, resource_types=(TASK_DEFINITION,),
      description="Fargate task CPU architecture comes from the stack's allow-list.",
      level=MANDATORY, severity=Severity.LOW,
      remediation="Set runtimePlatform.cpuArchitecture (settings services.<name>.architecture).",
      config=ARCH_CONFIG)
def validate_task_architecture(args, report_violation) -> None:
    if args.resource_type != TASK_DEFINITION or not is_fargate_task(args.props):
        return
    allowed = options(args, ARCH_CONFIG)["allowedArchitectures"]
    # AWS default when runtimePlatform is not given: X86_64 (ECS RuntimePlatform API reference).
    check_allowed(args, report_violation, "runtimePlatform.cpuArchitecture", allowed,
                  "runtimePlatform.cpuArchitecture", "X86_64")


COUNT_CONFIG = {
    "minTasks": integer("Smallest autoscaling minCapacity allowed for an ECS service.", 2, 0),
    "maxTasks": integer("Largest autoscaling maxCapacity allowed for an ECS service.", 50, 1),
}


@rule(name="task-count-limits", area=SIZING, resource_types=(SCALABLE_TARGET, SCHEDULED_ACTION),
      description="ECS service autoscaling minCapacity/maxCapacity stay within the stack's floor and ceiling, "
                  "on the scalable target and in every scheduled action.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Adjust settings scaling.minCount/maxCount (or turn schedule.enabled off where the stack has a "
                  "task floor) or the limits in policies/config/<stack>.json.",
      config=COUNT_CONFIG)
def validate_task_count_limits(args, report_violation) -> None:
    if args.resource_type not in (SCALABLE_TARGET, SCHEDULED_ACTION):
        return
    if as_str(get(args.props, "serviceNamespace")) != "ecs":
        return  # kafka storage targets are judged by msk-storage-limits
    opts = options(args, COUNT_CONFIG)
    low, high = as_int(opts["minTasks"], 0), as_int(opts["maxTasks"], 50)
    if args.resource_type == SCHEDULED_ACTION:
        _scheduled_count_limits(args.props, low, high, report_violation)
        return
    min_cap = as_int(get(args.props, "minCapacity"))
    max_cap = as_int(get(args.props, "maxCapacity"))
    if not is_unknown(min_cap) and min_cap is not None and min_cap < low:
        report_violation(f"minCapacity {min_cap} is below this stack's floor of {low} tasks.", None)
    if not is_unknown(max_cap) and max_cap is not None and max_cap > high:
        report_violation(f"maxCapacity {max_cap} is above this stack's ceiling of {high} tasks.", None)


def _scheduled_count_limits(props, low: int, high: int, report_violation) -> None:
    """A scheduled action replaces the target's min/max when it fires, so its counts are held to the
    same floor and ceiling: otherwise turning a schedule on (min/max 0 at night) bypasses the floor."""
    min_cap = as_int(get(props, "scalableTargetAction.minCapacity"))
    max_cap = as_int(get(props, "scalableTargetAction.maxCapacity"))
    below = [f"{name} {value}" for name, value in (("minCapacity", min_cap), ("maxCapacity", max_cap))
             if not is_unknown(value) and value is not None and value < low]
    when = as_str(get(props, "schedule"))
    at = f" at {when}" if isinstance(when, str) else ""
    if below:
        report_violation(f"scheduled action sets scalableTargetAction {' and '.join(below)}{at}, below this "
                         f"stack's floor of {low} tasks: the schedule would scale the service under the floor "
                         f"(a stack with a task floor cannot use schedule.enabled; the floor is task-count-limits "
                         f"minTasks in policies/config/<stack>.json).", None)
    if not is_unknown(max_cap) and max_cap is not None and max_cap > high:
        report_violation(f"scheduled action sets scalableTargetAction maxCapacity {max_cap}{at}, above this "
                         f"stack's ceiling of {high} tasks.", None)


# ---- acceptance: cpu/memory pairs Fargate runs ---------------------------------------------------------

@rule(name="fargate-cpu-memory-combination", area=ACCEPTANCE, resource_types=(TASK_DEFINITION,),
      description="Fargate task cpu/memory is a pair AWS accepts.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Pick memory from the valid list for the cpu (README 'Fargate sizes').")
def validate_fargate_cpu_memory(args, report_violation) -> None:
    if args.resource_type != TASK_DEFINITION or not is_fargate_task(args.props):
        return
    raw_cpu, raw_memory = get(args.props, "cpu"), get(args.props, "memory")
    if is_unknown(raw_cpu) or is_unknown(raw_memory):
        return
    if raw_cpu is None or raw_memory is None:
        report_violation("A Fargate task definition needs task-level cpu and memory.", None)
        return
    cpu, memory = parse_cpu_units(raw_cpu), parse_memory_mib(raw_memory)
    if cpu not in FARGATE_SIZES:
        report_violation(f"cpu {raw_cpu!r} is not a Fargate size; valid: "
                         f"{', '.join(map(str, FARGATE_SIZES))}.", None)
    elif memory not in FARGATE_SIZES[cpu]:
        report_violation(f"memory {raw_memory!r} MiB is not valid with cpu {cpu}; valid: "
                         f"{', '.join(map(str, FARGATE_SIZES[cpu]))}.", None)


# ---- security: no public task IPs -----------------------------------------------------------------------

@rule(name="ecs-no-public-ip", area=SECURITY, resource_types=(ECS_SERVICE,),
      description="ECS tasks get no public IP.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Set networkConfiguration.assignPublicIp=false (private subnets).",
      anchors=("CKV_AWS_333",))
def validate_ecs_no_public_ip(args, report_violation) -> None:
    if args.resource_type != ECS_SERVICE:
        return
    if as_bool(get(args.props, "networkConfiguration.assignPublicIp"), False) is True:
        report_violation("networkConfiguration.assignPublicIp is true: tasks get public IPs. Run them in "
                         "private subnets behind NAT/VPC endpoints.", None)


# ---- reading container definitions ---------------------------------------------------------------------

def containers(props) -> Any:
    """The task definition's container definitions (a JSON text input) as a list of dicts.

    UNKNOWN when not known yet, None when the text is not a JSON list (reported by
    ecs-task-definition-constraints)."""
    value = parse_json(get(props, "containerDefinitions"))
    if is_unknown(value):
        return UNKNOWN
    if not isinstance(value, list) or not all(isinstance(c, dict) for c in value):
        return None
    return value


def _each_container(args, report_violation, check) -> None:
    defs = containers(args.props)
    if is_unknown(defs) or defs is None:
        return
    for c in defs:
        check(c, str(c.get("name", "?")), report_violation)


# ---- security: cluster, containers, service -------------------------------------------------------------

@rule(name="ecs-container-insights", area=SECURITY, resource_types=(ECS_CLUSTER,),
      description="ECS clusters have CloudWatch Container Insights on.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Set settings=[{name: containerInsights, value: enabled}] on the cluster.",
      anchors=("AwsSolutions-ECS4", "CKV_AWS_65"))
def validate_container_insights(args, report_violation) -> None:
    if args.resource_type != ECS_CLUSTER:
        return
    settings = as_list(get(args.props, "settings"))
    if is_unknown(settings):
        return
    value = next((as_str(get(x, "value")) for x in settings if as_str(get(x, "name")) == "containerInsights"),
                 "disabled")  # ECS default: off unless the account setting says otherwise
    if is_unknown(value):
        return
    if value not in ("enabled", "enhanced"):
        report_violation(f"containerInsights is {value}; set it to enabled (or enhanced) so task and service "
                         f"metrics reach CloudWatch.", None)


def _container_logs(c: dict, name: str, report_violation) -> None:
    driver = (c.get("logConfiguration") or {}).get("logDriver") if isinstance(c.get("logConfiguration"), dict) \
        else None
    if not driver:
        report_violation(f"Container {name!r} has no logConfiguration.logDriver: its output is lost.", None)


@rule(name="ecs-container-logging", area=SECURITY, resource_types=(TASK_DEFINITION,),
      description="Every container of a task definition has a log configuration.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Give each container a logConfiguration (awslogs to the service's log group).",
      anchors=("AwsSolutions-ECS7",))
def validate_container_logging(args, report_violation) -> None:
    if args.resource_type == TASK_DEFINITION:
        _each_container(args, report_violation, _container_logs)


# Names that say a value is a credential.  AwsSolutions-ECS2 forbids every environment variable; the
# services pass endpoints and names there by design, so only credential-looking names are judged.
_SECRET_NAME = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_?KEY|ACCESS_?KEY|API_?KEY|CREDENTIAL)",
                          re.IGNORECASE)


# Values that are credentials whatever the variable is called: the shapes secret scanners flag in
# container definitions (Checkov's secrets scan - CKV_SECRET_* "Basic Auth Credentials", "AWS Access Key",
# "Private Key", "GitHub Token", "Slack Token", "Stripe Access Key", "JSON Web Token" - and the AWS key
# patterns of git-secrets that its CKV_AWS_46 user-data check reuses; read 2026-11).  Written here from
# the formats the issuers document, not copied.
SECRET_VALUE_SHAPES: tuple[tuple[str, re.Pattern], ...] = (
    ("a URL with a password (scheme://user:password@host)", re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@",
                                                                       re.IGNORECASE)),
    ("an AWS access key id", re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|A3T[A-Z0-9])[A-Z0-9]{16}\b")),
    ("a private key", re.compile(r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----")),
    ("a GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})")),
    ("a Slack token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}")),
    ("a Stripe secret key", re.compile(r"\b[rs]k_live_[A-Za-z0-9]{16,}")),
    ("a JSON Web Token", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+")),
)
# A 40-character AWS secret access key stands alone in a value; a 40-hex-digit SHA-1 (image digests,
# commit ids) has the same length and is not a secret.
_AWS_SECRET_KEY = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
_HEX40 = re.compile(r"[0-9a-fA-F]{40}")


def secret_shape(value: Any) -> Any:
    """What kind of credential a plain value looks like, or None."""
    if not isinstance(value, str):
        return None
    for label, pattern in SECRET_VALUE_SHAPES:
        if pattern.search(value):
            return label
    for m in _AWS_SECRET_KEY.finditer(value):
        token = m.group(0)
        if not _HEX40.fullmatch(token) and any(ch.isdigit() for ch in token) and any(ch.isupper() for ch in token) \
                and any(ch.islower() for ch in token):
            return "an AWS secret access key"
    return None


def _container_hardening(c: dict, name: str, report_violation) -> None:
    if c.get("privileged") is True:
        report_violation(f"Container {name!r} is privileged (root on the host).", None)
    if c.get("user") in ("root", "0", "0:0"):
        report_violation(f"Container {name!r} runs as root (user {c.get('user')!r}).", None)
    for env in c.get("environment") or []:
        if not isinstance(env, dict) or not env.get("value"):
            continue
        if _SECRET_NAME.search(str(env.get("name", ""))):
            report_violation(f"Container {name!r} passes {env.get('name')} as a plain environment value; use "
                             f"`secrets` (Secrets Manager / SSM) instead.", None)
            continue
        shape = secret_shape(env.get("value"))
        if shape:
            report_violation(f"Container {name!r}: environment {env.get('name')} holds {shape} in plain text; "
                             f"pass the credential through `secrets` (Secrets Manager / SSM) and build the value "
                             f"in the application.", None)


@rule(name="ecs-task-hardening", area=SECURITY, resource_types=(TASK_DEFINITION,),
      description="Task definitions: no privileged or root containers, no host PID namespace, separate task and "
                  "execution roles, no credentials in plain environment variables (by name or by value shape).",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Drop privileged/user root and pidMode host, give the task its own role, pass credentials "
                  "through `secrets`.",
      anchors=("CKV_AWS_249", "CKV_AWS_334", "CKV_AWS_335"))
def validate_task_hardening(args, report_violation) -> None:
    if args.resource_type != TASK_DEFINITION:
        return
    p = args.props
    if as_str(get(p, "pidMode")) == "host":
        report_violation("pidMode is host: containers share the host's process namespace.", None)
    task_role, exec_role = get(p, "taskRoleArn"), get(p, "executionRoleArn")
    if (isinstance(task_role, str) and isinstance(exec_role, str) and task_role and task_role == exec_role):
        report_violation("taskRoleArn equals executionRoleArn: the application gets the agent's rights (image "
                         "pulls, all secrets of the task).", None)
    _each_container(args, report_violation, _container_hardening)


def _read_only_root(c: dict, name: str, report_violation) -> None:
    if c.get("readonlyRootFilesystem") is not True:
        report_violation(f"Container {name!r} has a writable root file system.", None)


@rule(name="ecs-read-only-root-filesystem", area=SECURITY, resource_types=(TASK_DEFINITION,),
      description="Containers run with a read-only root file system (advisory: the application images decide "
                  "whether they can; the sidecars do).",
      level=ADVISORY, severity=Severity.LOW,
      remediation="Set readonlyRootFilesystem=true and mount writable paths as volumes.",
      anchors=("CKV_AWS_336",))
def validate_read_only_root(args, report_violation) -> None:
    if args.resource_type == TASK_DEFINITION:
        _each_container(args, report_violation, _read_only_root)


@rule(name="ecs-efs-volume-encryption-in-transit", area=SECURITY, resource_types=(TASK_DEFINITION,),
      description="EFS volumes of task definitions use TLS (transitEncryption ENABLED).",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Set efsVolumeConfiguration.transitEncryption=ENABLED.", anchors=("CKV_AWS_97",))
def validate_efs_volume_transit_encryption(args, report_violation) -> None:
    if args.resource_type != TASK_DEFINITION:
        return
    volumes = as_list(get(args.props, "volumes"))
    if is_unknown(volumes):
        return
    for v in volumes:
        efs = get(v, "efsVolumeConfiguration")
        if efs is None or is_unknown(efs):
            continue
        mode = as_str(get(efs, "transitEncryption"), "DISABLED")  # ECS default
        if not is_unknown(mode) and mode != "ENABLED":
            report_violation(f"EFS volume {as_str(get(v, 'name'), '?')!r} has transitEncryption {mode}.", None)


@rule(name="ecs-fargate-latest-platform", area=SECURITY, resource_types=(ECS_SERVICE,),
      description="Fargate services run on the LATEST platform version (security patches).",
      level=MANDATORY, severity=Severity.LOW,
      remediation="Leave platformVersion unset (LATEST).", anchors=("CKV_AWS_332",))
def validate_fargate_latest_platform(args, report_violation) -> None:
    if args.resource_type != ECS_SERVICE:
        return
    version = as_str(get(args.props, "platformVersion"), "LATEST")
    if not is_unknown(version) and version != "LATEST":
        report_violation(f"platformVersion is pinned to {version}; LATEST gets the platform's security fixes.",
                         None)


# ---- security: ECS Exec only when its sessions are encrypted and logged (stack) ---------------------------

def _exec_audit_gaps(cluster) -> list[str]:
    """What the cluster's executeCommandConfiguration lacks for audited ECS Exec sessions (Checkov CKV_AWS_224:
    logging not NONE, a KMS key for the session data, a log destination with encryption enabled)."""
    cfg = get(cluster.props, "configuration.executeCommandConfiguration")
    if is_unknown(cfg):
        return []
    if cfg is None:
        return ["no executeCommandConfiguration (sessions are neither encrypted with a KMS key nor logged to an "
                "encrypted destination)"]
    gaps = []
    if as_str(get(cfg, "logging"), "DEFAULT") == "NONE":
        gaps.append("logging is NONE")
    if get(cfg, "kmsKeyId") in (None, ""):
        gaps.append("no kmsKeyId for the session data")
    log = get(cfg, "logConfiguration")
    if not is_unknown(log) and not any(as_bool(get(log, k), False) is True or is_unknown(get(log, k))
                                       for k in ("cloudWatchEncryptionEnabled", "s3BucketEncryptionEnabled")):
        gaps.append("no logConfiguration with cloudWatchEncryptionEnabled or s3BucketEncryptionEnabled")
    return gaps


def _cluster_of(svc, resources: list) -> Any:
    for d in producers(svc, "cluster"):
        if d.resource_type == ECS_CLUSTER:
            return d
    ref = as_str(get(svc.props, "cluster"))
    if not isinstance(ref, str) or not ref:
        return None
    name = ref.rsplit("/", 1)[-1]
    return next((r for r in resources if r.resource_type == ECS_CLUSTER and as_str(get(r.props, "name")) == name),
                None)


@rule(name="ecs-exec-audited", area=SECURITY, resource_types=(ECS_SERVICE, ECS_CLUSTER), stack=True,
      description="ECS Exec (enableExecuteCommand) only on a cluster whose executeCommandConfiguration encrypts "
                  "sessions with a KMS key and logs them to an encrypted destination; a cluster that configures "
                  "ECS Exec does so completely.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Leave enableExecuteCommand off (the program never sets it), or give the cluster an "
                  "executeCommandConfiguration with kmsKeyId, logging OVERRIDE and an encrypted logConfiguration.",
      anchors=("CKV_AWS_224",))
def validate_ecs_exec_audited(args, report_violation) -> None:
    """ECS Exec opens a shell in a running container: allowed only on a cluster that encrypts and logs the
    sessions.  A cluster that configures ECS Exec must do so completely (CKV_AWS_224), used or not."""
    resources = list(args.resources)
    for r in resources:
        if r.resource_type == ECS_CLUSTER and get(r.props, "configuration.executeCommandConfiguration") is not None:
            gaps = _exec_audit_gaps(r)
            if gaps:
                report_violation(f"Cluster {r.name} configures ECS Exec without auditing it: {'; '.join(gaps)}.",
                                 r.urn)
        if r.resource_type != ECS_SERVICE or as_bool(get(r.props, "enableExecuteCommand"), False) is not True:
            continue
        cluster = _cluster_of(r, resources)
        if cluster is None:
            report_violation(f"Service {r.name} enables ECS Exec on a cluster this stack does not show; its sessions "
                             f"cannot be shown to be encrypted and logged.", r.urn)
        elif get(cluster.props, "configuration.executeCommandConfiguration") is None:
            report_violation(f"Service {r.name} enables ECS Exec (a shell in production containers) but cluster "
                             f"{cluster.name} has no executeCommandConfiguration: sessions are not encrypted with a "
                             f"KMS key nor logged. Turn enableExecuteCommand off, or configure the cluster.", r.urn)


# ---- acceptance: task definitions ------------------------------------------------------------------------

# Amazon ECS developer guide, "Task definition parameters" and "Amazon ECS task definition differences for
# the Fargate launch type"; ECS API reference RegisterTaskDefinition / ContainerDefinition; read 2026-11.
_NAME = re.compile(r"[A-Za-z0-9_-]{1,255}")
_DEPENDS_CONDITIONS = ("START", "COMPLETE", "SUCCESS", "HEALTHY")
FARGATE_LOG_DRIVERS = ("awslogs", "splunk", "awsfirelens")
FARGATE_CAPABILITIES = ("SYS_PTRACE",)
# Fargate overrides only the nofile ulimit; both limits may be raised up to 1048576 (ECS developer guide,
# "Amazon ECS task definition differences for Fargate", task resource limits; read 2026-11).
FARGATE_MAX_NOFILE = 1_048_576
_NETWORK_MODES = ("awsvpc", "bridge", "host", "none")
MAX_CONTAINERS = 10  # "Container definitions per task definition" quota (ECS service quotas)
# HealthCheck (ECS API reference): interval 5-300 s, timeout 2-120 s, retries 1-10, startPeriod 0-300 s.
HEALTH_CHECK_RANGES = {"interval": (5, 300), "timeout": (2, 120), "retries": (1, 10), "startPeriod": (0, 300)}
# Ulimit.name (ECS API reference, valid values).
ULIMIT_NAMES = ("core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss",
                "rtprio", "rttime", "sigpending", "stack")
# The awslogs driver needs the log group and its region ("Required: Yes", ECS developer guide, "Using the
# awslogs log driver" - awslogs-group, awslogs-region); on Fargate also a stream prefix.
AWSLOGS_REQUIRED = ("awslogs-group", "awslogs-region")


def _health_check_problems(check: Any, label: str) -> list[str]:
    if not isinstance(check, dict):
        return []
    out = []
    for key, (low, high) in HEALTH_CHECK_RANGES.items():
        value = check.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and not low <= value <= high:
            out.append(f"container {label}: healthCheck.{key} {value:g} is outside {low}-{high}")
    return out


def _ulimit_problems(ulimits: Any, label: str) -> list[str]:
    out = []
    for u in ulimits if isinstance(ulimits, list) else []:
        if not isinstance(u, dict):
            continue
        soft, hard = u.get("softLimit"), u.get("hardLimit")
        if u.get("name") not in ULIMIT_NAMES:
            out.append(f"container {label}: ulimit name {u.get('name')!r} is not one of {', '.join(ULIMIT_NAMES)}")
        if isinstance(soft, (int, float)) and isinstance(hard, (int, float)) and soft > hard:
            out.append(f"container {label}: ulimit {u.get('name')} softLimit {soft:g} exceeds hardLimit {hard:g}")
    return out


def _awslogs_problems(c: dict, label: str, required: tuple[str, ...]) -> list[str]:
    log = c.get("logConfiguration") if isinstance(c.get("logConfiguration"), dict) else {}
    if log.get("logDriver") != "awslogs":
        return []
    options = log.get("options") if isinstance(log.get("options"), dict) else {}
    missing = [o for o in required if not options.get(o)]
    return [f"container {label}: the awslogs driver needs option(s) {', '.join(missing)}"] if missing else []


def _container_problems(c: dict, index: int, volumes: set, names: set, awsvpc: bool) -> list[str]:
    name = c.get("name")
    label = repr(name) if name else f"#{index}"
    out = []
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        out.append(f"container {label}: name must be 1-255 letters, digits, '-' or '_'")
    if not c.get("image"):
        out.append(f"container {label}: no image")
    memory, reservation = c.get("memory"), c.get("memoryReservation")
    if isinstance(memory, (int, float)) and isinstance(reservation, (int, float)) and reservation > memory:
        out.append(f"container {label}: memoryReservation {reservation} exceeds memory {memory}")
    for pm in c.get("portMappings") or []:
        if not isinstance(pm, dict):
            continue
        port, host = pm.get("containerPort"), pm.get("hostPort")
        if isinstance(port, (int, float)) and not 0 < port <= 65535:
            out.append(f"container {label}: containerPort {port} is outside 1-65535")
        if awsvpc and host not in (None, 0) and host != port:
            out.append(f"container {label}: hostPort {host} differs from containerPort {port} (awsvpc needs them "
                       f"equal)")
    for mp in c.get("mountPoints") or []:
        if isinstance(mp, dict) and mp.get("sourceVolume") not in volumes:
            out.append(f"container {label}: mountPoint sourceVolume {mp.get('sourceVolume')!r} is not a task "
                       f"volume")
    for dep in c.get("dependsOn") or []:
        if not isinstance(dep, dict):
            continue
        if dep.get("containerName") not in names:
            out.append(f"container {label}: dependsOn names unknown container {dep.get('containerName')!r}")
        if dep.get("condition") not in _DEPENDS_CONDITIONS:
            out.append(f"container {label}: dependsOn condition {dep.get('condition')!r} is not one of "
                       f"{', '.join(_DEPENDS_CONDITIONS)}")
    if awsvpc and c.get("links"):
        out.append(f"container {label}: links are not supported with networkMode awsvpc")
    # ContainerDefinition.hostname: "not supported if you're using the awsvpc network mode".
    if awsvpc and c.get("hostname"):
        out.append(f"container {label}: hostname is not supported with networkMode awsvpc")
    out += _health_check_problems(c.get("healthCheck"), label)
    out += _ulimit_problems(c.get("ulimits"), label)
    out += _awslogs_problems(c, label, AWSLOGS_REQUIRED)
    for s in c.get("secrets") or []:
        if isinstance(s, dict) and not (s.get("name") and s.get("valueFrom")):
            out.append(f"container {label}: a secret needs name and valueFrom")
    return out


@rule(name="ecs-task-definition-constraints", area=ACCEPTANCE, resource_types=(TASK_DEFINITION,),
      description="Task definitions RegisterTaskDefinition accepts: valid JSON containers (1-10, unique names, "
                  "an image each, one essential), dependsOn/mountPoints that resolve, awsvpc port rules.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Fix the container definitions (components/compute/containers.py).")
def validate_task_definition_constraints(args, report_violation) -> None:
    if args.resource_type != TASK_DEFINITION:
        return
    p = args.props
    family = as_str(get(p, "family"))
    if isinstance(family, str) and not _NAME.fullmatch(family):
        report_violation(f"family {family!r} must be 1-255 letters, digits, '-' or '_'.", None)
    mode = as_str(get(p, "networkMode"), "bridge")
    if isinstance(mode, str) and mode not in _NETWORK_MODES:
        report_violation(f"networkMode {mode!r} is not one of {', '.join(_NETWORK_MODES)}.", None)
    defs = containers(p)
    if is_unknown(defs):
        return
    if defs is None:
        report_violation("containerDefinitions is not a JSON list of container objects.", None)
        return
    if not 1 <= len(defs) <= MAX_CONTAINERS:
        report_violation(f"{len(defs)} container definitions; a task definition takes 1-{MAX_CONTAINERS}.", None)
    names = [c.get("name") for c in defs]
    dupes = sorted({str(n) for n in names if names.count(n) > 1})
    if dupes:
        report_violation(f"container names are not unique: {', '.join(dupes)}.", None)
    if defs and not any(c.get("essential", True) is not False for c in defs):
        report_violation("no container is essential; at least one must be.", None)
    volumes_raw = as_list(get(p, "volumes"))
    if is_unknown(volumes_raw):
        return
    volumes = {as_str(get(v, "name")) for v in volumes_raw}
    for v in volumes_raw:
        # EFSVolumeConfiguration.rootDirectory (ECS API reference): with an access point in authorizationConfig
        # it "must either be omitted or set to /" - the access point's own path applies.
        efs = get(v, "efsVolumeConfiguration")
        root = as_str(get(efs, "rootDirectory")) if efs is not None and not is_unknown(efs) else None
        if isinstance(root, str) and root not in ("", "/") and get(efs, "authorizationConfig.accessPointId") \
                not in (None, ""):
            report_violation(f"volume {as_str(get(v, 'name'), '?')!r}: rootDirectory {root!r} with an access "
                             f"point; omit it (or use /) - the access point's path is the root.", None)
    for i, c in enumerate(defs):
        for problem in _container_problems(c, i, volumes, set(names), mode == "awsvpc"):
            report_violation(problem + ".", None)


def _fargate_container_problems(c: dict) -> list[str]:
    label = repr(c.get("name", "?"))
    out = []
    if c.get("privileged"):
        out.append(f"container {label}: privileged is not supported")
    linux = c.get("linuxParameters") if isinstance(c.get("linuxParameters"), dict) else {}
    for key in ("devices", "sharedMemorySize", "tmpfs", "maxSwap", "swappiness"):
        if linux.get(key) not in (None, [], ""):
            out.append(f"container {label}: linuxParameters.{key} is not supported")
    added = ((linux.get("capabilities") or {}).get("add") or []) if isinstance(linux.get("capabilities"), dict) \
        else []
    extra = [cap for cap in added if cap not in FARGATE_CAPABILITIES]
    if extra:
        out.append(f"container {label}: capabilities.add {', '.join(map(str, extra))} (only SYS_PTRACE may be "
                   f"added)")
    # ContainerDefinition.dockerSecurityOptions: "not supported for tasks run on Fargate".
    if c.get("dockerSecurityOptions"):
        out.append(f"container {label}: dockerSecurityOptions are not supported")
    for u in c.get("ulimits") or []:
        hard = u.get("hardLimit") if isinstance(u, dict) else None
        if isinstance(u, dict) and u.get("name") == "nofile" and isinstance(hard, (int, float)) \
                and hard > FARGATE_MAX_NOFILE:
            out.append(f"container {label}: ulimit nofile {hard:g} is above Fargate's {FARGATE_MAX_NOFILE}")
    out += _awslogs_problems(c, label, ("awslogs-stream-prefix",))
    log = c.get("logConfiguration") if isinstance(c.get("logConfiguration"), dict) else {}
    if log.get("logDriver") and log["logDriver"] not in FARGATE_LOG_DRIVERS:
        out.append(f"container {label}: logDriver {log['logDriver']!r} (Fargate supports "
                   f"{', '.join(FARGATE_LOG_DRIVERS)})")
    return out


@rule(name="fargate-task-definition-constraints", area=ACCEPTANCE, resource_types=(TASK_DEFINITION,),
      description="Fargate task definitions use only what Fargate runs: awsvpc, no privileged/devices/host "
                  "volumes/ipcMode, SYS_PTRACE only, awslogs/splunk/awsfirelens, container reservations within "
                  "the task size, 21-200 GiB ephemeral storage.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Remove the settings Fargate refuses or run on EC2 capacity.")
def validate_fargate_task_constraints(args, report_violation) -> None:
    if args.resource_type != TASK_DEFINITION or not is_fargate_task(args.props):
        return
    p = args.props
    mode = as_str(get(p, "networkMode"), "bridge")
    if not is_unknown(mode) and mode != "awsvpc":
        report_violation(f"networkMode is {mode}; Fargate tasks need awsvpc.", None)
    ipc, pid = as_str(get(p, "ipcMode")), as_str(get(p, "pidMode"))
    if ipc:
        report_violation(f"ipcMode {ipc!r} is not supported on Fargate.", None)
    if pid and pid != "task":
        report_violation(f"pidMode {pid!r} is not supported on Fargate (only task).", None)
    if as_list(get(p, "placementConstraints")):
        report_violation("placementConstraints are not supported on Fargate.", None)
    storage = as_int(get(p, "ephemeralStorage.sizeInGib"))
    if not is_unknown(storage) and storage is not None and not 21 <= storage <= 200:
        report_violation(f"ephemeralStorage.sizeInGib {storage} is outside 21-200.", None)
    volumes = as_list(get(p, "volumes"))
    if not is_unknown(volumes):
        for v in volumes:
            vname = as_str(get(v, "name"), "?")
            if get(v, "dockerVolumeConfiguration") is not None:
                report_violation(f"volume {vname!r}: dockerVolumeConfiguration is not supported on Fargate.", None)
            if get(v, "hostPath") not in (None, ""):
                report_violation(f"volume {vname!r}: hostPath is not supported on Fargate.", None)
    defs = containers(p)
    if is_unknown(defs) or defs is None:
        return
    for c in defs:
        for problem in _fargate_container_problems(c):
            report_violation(problem + " on Fargate.", None)
    # RegisterTaskDefinition: "Fargate requires task definition to have execution role ARN to support log
    # driver awslogs" (the agent also needs it to fetch `secrets`).
    needs_role = [c.get("name", "?") for c in defs
                  if (c.get("logConfiguration") or {}).get("logDriver") == "awslogs" or c.get("secrets")]
    if needs_role and get(p, "executionRoleArn") in (None, ""):
        report_violation(f"Containers {', '.join(map(str, needs_role))} use awslogs or secrets; a Fargate task "
                         f"definition then needs executionRoleArn.", None)
    task_cpu, task_memory = parse_cpu_units(get(p, "cpu")), parse_memory_mib(get(p, "memory"))
    cpu_sum = sum(c.get("cpu") or 0 for c in defs if isinstance(c.get("cpu"), (int, float)))
    mem_sum = sum((c.get("memory") or c.get("memoryReservation") or 0) for c in defs
                  if isinstance(c.get("memory") or c.get("memoryReservation") or 0, (int, float)))
    if isinstance(task_cpu, int) and cpu_sum > task_cpu:
        report_violation(f"containers reserve {cpu_sum} cpu units; the task has {task_cpu}.", None)
    if isinstance(task_memory, int) and mem_sum > task_memory:
        report_violation(f"containers reserve {mem_sum} MiB; the task has {task_memory} MiB.", None)


# ---- acceptance: services (stack: a service is judged with its task definition) --------------------------

def _task_definition_of(svc, resources: list) -> Any:
    """The task definition resource a service points at: its property dependency, else family match."""
    deps = producers(svc, "taskDefinition")
    for d in deps:
        if d.resource_type == TASK_DEFINITION:
            return d
    ref = as_str(get(svc.props, "taskDefinition"))
    if not isinstance(ref, str) or not ref:
        return None
    family = ref.split("task-definition/")[-1].split(":")[0]
    return next((r for r in resources if r.resource_type == TASK_DEFINITION
                 and as_str(get(r.props, "family")) == family), None)


def _service_problems(p) -> list[str]:
    out = []
    launch = as_str(get(p, "launchType"))
    strategy = as_list(get(p, "capacityProviderStrategies"))
    if launch and not is_unknown(strategy) and strategy:
        out.append("launchType and capacityProviderStrategies are mutually exclusive")
    if launch == "FARGATE" and as_str(get(p, "schedulingStrategy")) == "DAEMON":
        out.append("the DAEMON scheduling strategy is not supported on Fargate")
    desired = as_int(get(p, "desiredCount"))
    if not is_unknown(desired) and desired is not None and desired < 0:
        out.append(f"desiredCount {desired} is negative")
    # The grace period also covers container and VPC Lattice health checks now, so it is valid without a
    # load balancer; only its range is checked (ECS API reference, CreateService, read 2026-11).
    grace = as_int(get(p, "healthCheckGracePeriodSeconds"))
    if isinstance(grace, int) and not 0 <= grace <= 2_147_483_647:
        out.append(f"healthCheckGracePeriodSeconds {grace} is outside 0-2147483647")
    low = as_int(get(p, "deploymentMinimumHealthyPercent"))
    high = as_int(get(p, "deploymentMaximumPercent"))
    if isinstance(low, int) and not 0 <= low <= 100:
        out.append(f"deploymentMinimumHealthyPercent {low} is outside 0-100")
    if isinstance(low, int) and isinstance(high, int) and high < low:
        out.append(f"deploymentMaximumPercent {high} is below deploymentMinimumHealthyPercent {low}")
    network = get(p, "networkConfiguration")
    if network is not None and not is_unknown(network):
        subnets, groups = as_list(get(network, "subnets")), as_list(get(network, "securityGroups"))
        # AwsVpcConfiguration: 1-16 subnets, up to 5 security groups (ECS API reference).
        if not is_unknown(subnets) and not 1 <= len(subnets) <= 16:
            out.append(f"networkConfiguration lists {len(subnets)} subnets; ECS takes 1-16")
        if not is_unknown(groups) and len(groups) > 5:
            out.append(f"networkConfiguration lists {len(groups)} security groups; ECS takes at most 5")
    strategy_name = as_str(get(p, "deploymentConfiguration.strategy"))
    controller = as_str(get(p, "deploymentController.type"), "ECS")
    if strategy_name in ("CANARY", "LINEAR", "BLUE_GREEN") and controller != "ECS":
        out.append(f"deployment strategy {strategy_name} needs deploymentController ECS (got {controller})")
    return out + _deployment_problems(p) + _service_connect_problems(p) + _load_balancer_problems(p)


# ECS API reference (read 2026-11): DeploymentConfiguration.bakeTimeInMinutes and
# CanaryConfiguration.canaryBakeTimeInMinutes "Valid values are 0 to 1440 minutes (24 hours)";
# canaryPercent "multiples of 0.1 from 0.1 to 100.0".
MAX_BAKE_MINUTES = 1440


def _number(value: Any) -> Any:
    """A number given as number or numeric text (pulumi-aws passes the bake times as strings)."""
    if isinstance(value, bool) or value is None or is_unknown(value):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _deployment_problems(p) -> list[str]:
    out = []
    for path in ("deploymentConfiguration.bakeTimeInMinutes",
                 "deploymentConfiguration.canaryConfiguration.canaryBakeTimeInMinutes",
                 "deploymentConfiguration.linearConfiguration.stepBakeTimeInMinutes"):
        minutes = _number(get(p, path))
        if minutes is not None and not 0 <= minutes <= MAX_BAKE_MINUTES:
            out.append(f"{path.split('.')[-1]} {minutes:g} is outside 0-{MAX_BAKE_MINUTES} minutes")
    percent = _number(get(p, "deploymentConfiguration.canaryConfiguration.canaryPercent"))
    if percent is not None and (not 0.1 <= percent <= 100.0 or abs(percent * 10 - round(percent * 10)) > 1e-6):
        out.append(f"canaryPercent {percent:g} is not a multiple of 0.1 from 0.1 to 100.0")
    return out


def _service_connect_problems(p) -> list[str]:
    out = []
    for sc in as_list(get(p, "serviceConnectConfiguration.services")) or []:
        if is_unknown(sc):
            continue
        for alias in as_list(get(sc, "clientAlias")) or []:
            port = as_int(get(alias, "port"))
            # ServiceConnectClientAlias.port is the port client tasks dial; the API's type admits 0, which no
            # client can connect to (TCP port 0 is reserved, RFC 6335), so only 1-65535 is useful.
            if isinstance(port, int) and not 1 <= port <= 65535:
                out.append(f"Service Connect clientAlias port {port} is outside 1-65535")
    return out


def _load_balancer_problems(p) -> list[str]:
    out = []
    for lb in as_list(get(p, "loadBalancers")) or []:
        primary = as_str(get(lb, "targetGroupArn"))
        alternate = as_str(get(lb, "advancedConfiguration.alternateTargetGroupArn"))
        # Blue/green traffic shifting moves production traffic from the primary target group to the alternate
        # one (ECS developer guide, "Required resources for Amazon ECS blue/green deployments"): they must be
        # two target groups.
        if isinstance(primary, str) and primary and primary == alternate:
            out.append(f"loadBalancers: the alternate target group is the primary one ({primary}); blue/green "
                       f"needs two target groups")
    return out


def _service_task_problems(p, task) -> list[str]:
    out = []
    launch = as_str(get(p, "launchType"))
    mode = as_str(get(task.props, "networkMode"), "bridge")
    if mode == "awsvpc" and get(p, "networkConfiguration") is None:
        out.append("the task definition uses networkMode awsvpc but the service has no networkConfiguration")
    if launch == "FARGATE" and not is_unknown(get(task.props, "requiresCompatibilities")) \
            and not is_fargate_task(task.props):
        out.append("launchType FARGATE with a task definition that does not list FARGATE in "
                   "requiresCompatibilities")
    defs = containers(task.props)
    lbs = as_list(get(p, "loadBalancers"))
    if is_unknown(defs) or defs is None or is_unknown(lbs):
        return out
    ports = {c.get("name"): {pm.get("containerPort") for pm in (c.get("portMappings") or []) if isinstance(pm, dict)}
             for c in defs}
    for lb in lbs:
        name, port = as_str(get(lb, "containerName")), as_int(get(lb, "containerPort"))
        if is_unknown(name) or is_unknown(port) or name is None:
            continue
        if name not in ports:
            out.append(f"loadBalancers names container {name!r}, which the task definition does not define")
        elif port is not None and port not in ports[name]:
            out.append(f"loadBalancers routes to {name}:{port}, but that container maps no such port")
    for sc in as_list(get(p, "serviceConnectConfiguration.services")) or []:
        if is_unknown(sc):
            continue
        port_name = as_str(get(sc, "portName"))
        mapped = {pm.get("name") for c in defs for pm in (c.get("portMappings") or []) if isinstance(pm, dict)}
        # Service Connect refers to a port mapping by name (ECS ServiceConnectService.portName).
        if isinstance(port_name, str) and port_name not in mapped:
            out.append(f"serviceConnectConfiguration portName {port_name!r} is not a named port mapping")
    return out


@rule(name="ecs-service-constraints", area=ACCEPTANCE, resource_types=(ECS_SERVICE, TASK_DEFINITION), stack=True,
      description="ECS services CreateService accepts, judged with their task definition: awsvpc needs a "
                  "networkConfiguration, load-balanced containers and ports exist, grace period and deployment "
                  "percentages in range, launch type XOR capacity providers.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Align the service with its task definition (components/compute/microservice.py).")
def validate_service_constraints(args, report_violation) -> None:
    resources = list(args.resources)
    for svc in resources:
        if svc.resource_type != ECS_SERVICE:
            continue
        problems = _service_problems(svc.props)
        task = _task_definition_of(svc, resources)
        if task is not None:
            problems += _service_task_problems(svc.props, task)
        report_problems(report_violation, problems, svc.urn)


baseline(
    __name__,
    service="Amazon ECS",
    resource_types=(ECS_CLUSTER, ECS_SERVICE, TASK_DEFINITION),
    not_applicable={
        "AwsSolutions-ECS2": "Forbids every container environment variable; the services get endpoints and names "
                             "there by design. The credential part is judged by ecs-task-hardening (credential-like "
                             "names, and values shaped like credentials, must come through `secrets`).",
    },
)
