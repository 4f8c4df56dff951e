"""Typed stack settings: the one place stack config is read and validated.

``load_settings()`` reads every ``microservices-platform:*`` key of the stack's
config once, checks types, ranges, allowed values and cross-key rules, and
returns a frozen :class:`StackSettings`.  Any problem raises
:class:`SettingsError` listing every offending key with what is allowed, so the
program stops before a single resource is registered.

Defaults here are the production ones (the seed's prod stack); per-stack YAML
holds only what differs.  Defaults for structured keys (``services`` and the
tier objects) live here rather than in Pulumi.yaml because Pulumi replaces, not
merges, an object value that a stack sets: keeping them in code lets
``Pulumi.dev.yaml`` override one field of one object.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field
from typing import Any, Optional

from ..edge.routing import DEFAULT_ROUTE_PATHS, path_problem
from .placeholders import placeholder_problems
from .schema import SettingsError, parse, spec

PROJECT = "microservices-platform"

# Fargate task sizes AWS accepts (cpu units -> memory MiB).  Source: Amazon ECS
# developer guide, "Task CPU and memory" (docs.aws.amazon.com/AmazonECS/latest/
# developerguide/fargate-tasks-services.html#fargate-tasks-size), read 2026-11.
FARGATE_SIZES: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4096 + 1, 1024)),
    1024: tuple(range(2048, 8192 + 1, 1024)),
    2048: tuple(range(4096, 16384 + 1, 1024)),
    4096: tuple(range(8192, 30720 + 1, 1024)),
    8192: tuple(range(16384, 61440 + 1, 4096)),
    16384: tuple(range(32768, 122880 + 1, 8192)),
}

# CloudWatch Logs accepts only these retention values (PutRetentionPolicy API).
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
                      1096, 1827, 2192, 2557, 2922, 3288, 3653)

SERVICE_NAME = r"[a-z][a-z0-9-]{0,18}[a-z0-9]"
SERVICE_NAME_HINT = "lowercase letters, digits and hyphens, 2-20 characters, starting with a letter"


@dataclass(frozen=True)
class ServiceSettings:
    """One microservice (an ECS Fargate service)."""

    cpu: int = spec(256, doc="Task CPU units (256 = 0.25 vCPU).", choices=tuple(FARGATE_SIZES))
    memory: int = spec(512, doc="Task memory in MiB; must be a Fargate pair for `cpu`.",
                       minimum=512, maximum=122880)
    port: int = spec(8080, doc="Container port.", minimum=1, maximum=65535)
    public: bool = spec(False, doc="Routed from the ALB/API (true) or reachable only over Service Connect.")
    path: str = spec("", doc="ALB path pattern for public services, e.g. `/orders/*`; empty = default route.",
                     pattern=r"/[A-Za-z0-9_\-./*?]{0,127}",
                     pattern_hint="a path pattern starting with '/', at most 128 characters (ALB limit)")
    healthCheckPath: str = spec("/health", doc="HTTP health-check path.",
                                pattern=r"/[A-Za-z0-9_\-./]*", pattern_hint="a path starting with '/'")
    architecture: str = spec("ARM64", doc="CPU architecture of the task.", choices=("X86_64", "ARM64"))
    image: str = spec("", doc="Container image; empty = `<ECR repository>:latest` of the service.")
    critical: bool = spec(True, doc="Critical services never run on Fargate Spot (cost advice only).")
    desiredCount: Optional[int] = spec(None, doc="This service's task count at deploy time.",
                                       minimum=0, maximum=1000, unset="scaling.desiredCount")
    minCount: Optional[int] = spec(None, doc="This service's autoscaling minimum.",
                                   minimum=0, maximum=1000, unset="scaling.minCount")
    maxCount: Optional[int] = spec(None, doc="This service's autoscaling maximum.",
                                   minimum=1, maximum=1000, unset="scaling.maxCount")


@dataclass(frozen=True)
class ScalingSettings:
    """Task counts and the seed's autoscaling numbers, shared by all services."""

    desiredCount: int = spec(3, doc="Tasks per service at deploy time.", minimum=0, maximum=1000)
    minCount: int = spec(3, doc="Autoscaling minimum.", minimum=0, maximum=1000)
    maxCount: int = spec(20, doc="Autoscaling maximum.", minimum=1, maximum=1000)
    cpuTargetPercent: float = spec(70.0, doc="Target-tracking CPU utilisation.", minimum=10, maximum=95)
    memoryTargetPercent: float = spec(80.0, doc="Target-tracking memory utilisation.", minimum=10, maximum=95)
    requestsPerTarget: int = spec(1000, doc="Target-tracking ALB requests per target (public services).",
                                  minimum=1, maximum=100000)
    scaleOutPercent: int = spec(100, doc="Step scaling: percent capacity added on high CPU.", minimum=1, maximum=1000)
    scaleOutCooldownSeconds: int = spec(30, doc="Step scaling scale-out cooldown.", minimum=0, maximum=3600)
    scaleInPercent: int = spec(50, doc="Step scaling: percent capacity removed on low CPU.", minimum=1, maximum=99)
    scaleInCooldownSeconds: int = spec(300, doc="Step scaling scale-in cooldown.", minimum=0, maximum=3600)


@dataclass(frozen=True)
class SizeOverride:
    """Force one task size on every service (dev: the smallest)."""

    cpu: int = spec(256, doc="Task CPU units.", choices=tuple(FARGATE_SIZES))
    memory: int = spec(512, doc="Task memory MiB.", minimum=512, maximum=122880)


@dataclass(frozen=True)
class ScheduleSettings:
    """Scale services to zero outside business hours (dev)."""

    enabled: bool = spec(False, doc="Turn the schedule on.")
    timezone: str = spec("UTC", doc="IANA time zone of the schedule.", pattern=r"[A-Za-z_]+(/[A-Za-z0-9_+\-]+)*",
                         pattern_hint="an IANA zone such as Europe/Berlin")
    startHour: int = spec(8, doc="Hour (0-23) services scale up on weekdays.", minimum=0, maximum=23)
    hoursPerDay: int = spec(8, doc="Hours services run per weekday.", minimum=1, maximum=23)
    daysPerMonth: int = spec(22, doc="Business days a month (used by the cost model).", minimum=1, maximum=31)


@dataclass(frozen=True)
class MultiAzSettings:
    """Multi-AZ switches per tier."""

    database: bool = spec(True, doc="RDS Multi-AZ standby.")
    cache: bool = spec(True, doc="ElastiCache replica in another AZ with automatic failover.")
    broker: bool = spec(True, doc="Amazon MQ ACTIVE_STANDBY_MULTI_AZ.")
    natGatewayPerAz: bool = spec(True, doc="One NAT gateway per AZ (false = a single NAT gateway).")


@dataclass(frozen=True)
class DatabaseSettings:
    """RDS PostgreSQL, one instance per owning service."""

    owners: list[str] = spec(doc="Services that own a database.",
                             default_factory=lambda: ["user", "order", "inventory"])
    engineVersion: str = spec("16.6", doc="PostgreSQL major.minor version.", pattern=r"1[3-8](\.\d+)?",
                              pattern_hint="PostgreSQL 13-18, e.g. 16.6")
    instanceClass: str = spec("db.t3.medium", doc="RDS instance class.", pattern=r"db\.[a-z0-9]+\.[a-z0-9]+",
                              pattern_hint="like db.t3.medium")
    allocatedStorageGb: int = spec(100, doc="Initial gp3 storage (GiB).", minimum=20, maximum=65536)
    maxAllocatedStorageGb: int = spec(500, doc="Storage autoscaling ceiling (GiB).", minimum=20, maximum=65536)
    backupRetentionDays: int = spec(7, doc="Automated backup retention.", minimum=1, maximum=35)
    readReplicas: int = spec(0, doc="Read replicas per database.", minimum=0, maximum=5)


@dataclass(frozen=True)
class CacheSettings:
    """ElastiCache for the inventory service."""

    engine: str = spec("redis", doc="Cache engine.", choices=("redis", "valkey"))
    engineVersion: str = spec("7.1", doc="Engine version.", pattern=r"\d+(\.\d+)*", pattern_hint="like 7.1")
    nodeType: str = spec("cache.t4g.small", doc="Cache node type.", pattern=r"cache\.[a-z0-9]+\.[a-z0-9]+",
                         pattern_hint="like cache.t4g.small")
    replicas: int = spec(1, doc="Replicas per shard (Multi-AZ needs >= 1).", minimum=0, maximum=5)
    owner: str = spec("inventory", doc="Service that uses the cache.")


@dataclass(frozen=True)
class KafkaSettings:
    """Amazon MSK."""

    kafkaVersion: str = spec("3.8.x", doc="Kafka version.", pattern=r"\d+\.\d+(\.\d+|\.x)?(\.tiered)?",
                             pattern_hint="like 3.8.x")
    brokerType: str = spec("kafka.m5.large", doc="Broker instance type.", pattern=r"kafka\.[a-z0-9]+\.[a-z0-9]+",
                           pattern_hint="like kafka.m5.large")
    brokersPerAz: int = spec(1, doc="Brokers per AZ (total = azCount x this).", minimum=1, maximum=10)
    storageGb: int = spec(100, doc="EBS storage per broker (GiB).", minimum=1, maximum=16384)
    maxStorageGb: int = spec(1000, doc="Storage autoscaling ceiling per broker (GiB).", minimum=1, maximum=16384)
    clients: list[str] = spec(doc="Services that produce or consume events (IAM access to the cluster).",
                              default_factory=lambda: ["order", "inventory", "notification", "stream-processor"])


@dataclass(frozen=True)
class MqSettings:
    """Amazon MQ (ActiveMQ) for the payment service."""

    engineVersion: str = spec("5.18", doc="ActiveMQ version.", pattern=r"5\.\d+", pattern_hint="like 5.18")
    hostType: str = spec("mq.m5.large", doc="Broker host type.", pattern=r"mq\.[a-z0-9]+\.[a-z0-9]+",
                         pattern_hint="like mq.m5.large")
    owner: str = spec("payment", doc="Service that uses the broker.")


@dataclass(frozen=True)
class EfsSettings:
    """EFS shared storage."""

    mountedBy: list[str] = spec(doc="Services that mount the shared file system.",
                                default_factory=lambda: ["inventory", "stream-processor"])


@dataclass(frozen=True)
class EdgeSettings:
    """ALB, API Gateway, WAF and CloudFront."""

    certificateArn: str = spec("", doc="Your own ACM certificate (stack region) for the ALB HTTPS listener, covering "
                                           "edge.domainName; empty = a managed certificate when edge.domainName and "
                                           "edge.hostedZoneId are set (see docs/edge.md, edge modes).",
                               pattern=r"arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]+",
                               pattern_hint="an ACM certificate ARN")
    domainName: str = spec("", doc="DNS name of the ALB that API Gateway and CloudFront verify its certificate "
                                   "against; empty = no domain: HTTPS on the default CloudFront and execute-api "
                                   "endpoints, plain HTTP to the internal ALB inside the VPC.",
                           pattern=r"([a-z0-9-]+\.)+[a-z]{2,}", pattern_hint="a DNS name")
    cdnCertificateArn: str = spec("", doc="Your own ACM certificate in us-east-1 for edge.cdnAliases; empty = a "
                                      "managed one when edge.hostedZoneId is set, else the default "
                                      "*.cloudfront.net certificate (no aliases).",
                                  pattern=r"arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate/[A-Za-z0-9-]+",
                                  pattern_hint="an ACM certificate ARN in us-east-1")
    wafRateLimit: int = spec(2000, doc="Requests per 5 minutes per IP before WAF blocks.",
                             minimum=10, maximum=2000000000)
    apiThrottleRatePerSecond: float = spec(1000.0, doc="Usage plan steady-state rate.", minimum=1, maximum=100000)
    apiThrottleBurst: int = spec(2000, doc="Usage plan burst.", minimum=1, maximum=100000)
    apiQuotaPerMonth: int = spec(10_000_000, doc="Usage plan monthly quota per API key.", minimum=1)
    cdn: bool = spec(True, doc="Put CloudFront in front of the ALB.")
    cdnAliases: list[str] = spec(doc="Extra host names CloudFront answers to (need edge.cdnCertificateArn, or "
                                     "edge.hostedZoneId for a managed certificate; names in that zone).",
                                 pattern=r"([a-z0-9-]+\.)+[a-z]{2,}", pattern_hint="DNS names",
                                 default_factory=list)
    hostedZoneId: str = spec("", doc="Route 53 public zone of edge.domainName (and edge.cdnAliases): the alias "
                                     "records and the DNS validation of managed certificates go there; empty = "
                                     "manage DNS elsewhere.",
                             pattern=r"Z[A-Z0-9]{1,31}", pattern_hint="a Route 53 hosted zone id (Z...)")
    originVerifyGeneration: int = spec(1, doc="Generation of the secret X-Origin-Verify header API Gateway and "
                                                 "CloudFront send to the ALB; raise it to rotate.", minimum=1, maximum=999)
    originVerifyAcceptPrevious: bool = spec(False, doc="During a rotation the ALB also accepts the previous "
                                                       "generation's value (clear it once CloudFront has deployed).")
    manageApiGatewayAccount: bool = spec(True, doc="Manage the region-wide API Gateway CloudWatch role (only one "
                                                   "stack per account and region should).")


@dataclass(frozen=True)
class DeliverySettings:
    """Per-service CodePipelines (source -> image build -> ECS canary deploy)."""

    sourceConnectionArn: str = spec("", doc="Existing CodeConnections ARN; empty = create a GitHub connection "
                                            "(an administrator completes it once in the console).",
                                    pattern=r"arn:aws:(codeconnections|codestar-connections):[a-z0-9-]+:\d{12}:"
                                            r"connection/[A-Za-z0-9-]+",
                                    pattern_hint="a CodeConnections connection ARN")
    repositoryOwner: Optional[str] = spec(None, doc="GitHub owner of the service repositories "
                                                    "(`<owner>/<service>`).",
                                          pattern=r"[A-Za-z0-9][A-Za-z0-9-]{0,38}",
                                          pattern_hint="a GitHub user or organisation",
                                          unset="no pipelines; the ECR repositories stay, push images yourself")
    branch: str = spec("main", doc="Branch whose pushes start the pipelines.",
                       pattern=r"[A-Za-z0-9._/-]{1,100}", pattern_hint="a git branch name")


# The seed's seven services: shared by the project default and the tests.
SEED_SERVICES: dict[str, dict[str, Any]] = {
    "gateway": {"cpu": 256, "memory": 512, "public": True, "path": "/*"},
    "user": {"cpu": 512, "memory": 1024, "public": True, "path": "/users/*"},
    "order": {"cpu": 256, "memory": 512, "public": True, "path": "/orders/*"},
    "inventory": {"cpu": 512, "memory": 1024, "public": True, "path": "/inventory/*"},
    "payment": {"cpu": 256, "memory": 512, "public": True, "path": "/payments/*"},
    "notification": {"cpu": 256, "memory": 512, "public": False, "critical": False},
    "stream-processor": {"cpu": 512, "memory": 1024, "public": False},
}


@dataclass(frozen=True)
class StackSettings:
    """Everything the program reads from stack config (keys under `microservices-platform:`)."""

    azCount: int = spec(3, doc="Availability zones used.", choices=(2, 3))
    vpcCidr: str = spec("10.0.0.0/16", doc="VPC CIDR (a /16).", pattern=r"10\.\d{1,3}\.0\.0/16",
                        pattern_hint="a 10.x.0.0/16 block")
    costCenter: str = spec("platform-engineering", doc="Value of the cost-center tag on every resource.",
                           pattern=r"[A-Za-z0-9 _.:/=+\-@]{1,128}",
                           pattern_hint="1-128 tag-safe characters")
    owner: str = spec("platform-team", doc="Value of the owner tag on every resource.",
                      pattern=r"[A-Za-z0-9 _.:/=+\-@]{1,128}",
                      pattern_hint="1-128 tag-safe characters")
    alertEmail: Optional[str] = spec(None, doc="E-mail subscription of the SNS alarm topic, where alarms and budget "
                                               "alerts go.", pattern=r"[^@\s]+@[^@\s]+\.[^@\s]+",
                                     pattern_hint="an e-mail address",
                                     unset="no e-mail: subscribe to the alarm topic (output alarm_topic_arn) yourself")
    monthlyBudgetUsd: float = spec(3000.0, doc="AWS Budgets amount for the stack (alerts at 80 %/100 % forecast).",
                                   minimum=1)
    logRetentionDays: int = spec(30, doc="CloudWatch Logs retention.", choices=LOG_RETENTION_DAYS)
    deletionProtection: bool = spec(True, doc="Deletion protection / protect on stateful resources.")
    serviceConnectTls: bool = spec(True, doc="Service Connect TLS from AWS Private CA (has a monthly price).")
    tracing: bool = spec(True, doc="ADOT collector sidecar sending traces to X-Ray.")
    multiAz: MultiAzSettings = spec(doc="Multi-AZ switches.", default_factory=MultiAzSettings)
    services: dict[str, ServiceSettings] = spec(doc="The microservices, by name.", pattern=SERVICE_NAME,
                                                pattern_hint=SERVICE_NAME_HINT,
                                                default_factory=lambda: {
                                                    n: ServiceSettings(**v) for n, v in SEED_SERVICES.items()})
    serviceSizeOverride: Optional[SizeOverride] = spec(None, doc="One task size for every service (dev).",
                                                       unset="each service's own cpu and memory")
    scaling: ScalingSettings = spec(doc="Task counts and autoscaling.", default_factory=ScalingSettings)
    schedule: ScheduleSettings = spec(doc="Business-hours schedule.", default_factory=ScheduleSettings)
    database: DatabaseSettings = spec(doc="RDS PostgreSQL.", default_factory=DatabaseSettings)
    cache: CacheSettings = spec(doc="ElastiCache.", default_factory=CacheSettings)
    kafka: KafkaSettings = spec(doc="Amazon MSK.", default_factory=KafkaSettings)
    mq: MqSettings = spec(doc="Amazon MQ.", default_factory=MqSettings)
    efs: EfsSettings = spec(doc="EFS.", default_factory=EfsSettings)
    edge: EdgeSettings = spec(doc="Edge tier.", default_factory=EdgeSettings)
    delivery: DeliverySettings = spec(doc="Delivery pipelines.", default_factory=DeliverySettings)

    # ---- derived views (never stored in config) ----
    def service_size(self, name: str) -> tuple[int, int]:
        """(cpu, memory) of a service after the stack-wide override."""
        if self.serviceSizeOverride is not None:
            return self.serviceSizeOverride.cpu, self.serviceSizeOverride.memory
        svc = self.services[name]
        return svc.cpu, svc.memory

    def service_scaling(self, name: str) -> ScalingSettings:
        """The stack-wide scaling with this service's own task counts, if it sets any."""
        svc = self.services[name]
        counts = {k: getattr(svc, k) for k in ("desiredCount", "minCount", "maxCount") if getattr(svc, k) is not None}
        return dataclasses.replace(self.scaling, **counts) if counts else self.scaling

    @property
    def mq_deployment_mode(self) -> str:
        return "ACTIVE_STANDBY_MULTI_AZ" if self.multiAz.broker else "SINGLE_INSTANCE"

    @property
    def kafka_broker_count(self) -> int:
        return self.azCount * self.kafka.brokersPerAz


@dataclass(frozen=True)
class Settings:
    """Parsed settings plus the context Pulumi gives (stack, region)."""

    stack: str
    region: str
    config: StackSettings
    base_tags: dict[str, str] = field(default_factory=dict)

    def tags(self, tier: str, service: str = "platform", **extra: str) -> dict[str, str]:
        """The four required tags (service, tier, stack, cost-center) plus owner."""
        return {**self.base_tags, "service": service, "tier": tier, **extra}


# Valkey on ElastiCache starts at 7.2 (ElastiCache user guide, "Supported engines", read 2026-11).
VALKEY_MIN_VERSION = (7, 2)

REGION_PATTERN = r"[a-z]{2}(-gov)?-[a-z]+-\d"


def _fargate_size_errors(key: str, size: ServiceSettings | SizeOverride) -> list[str]:
    """The error for a ``<key>.memory`` that is no Fargate pair with its cpu, if it is not."""
    if size.memory in FARGATE_SIZES.get(size.cpu, ()):
        return []
    return [f"{PROJECT}:{key}.memory: {size.memory} MiB is not valid with cpu {size.cpu}; "
            f"allowed for cpu {size.cpu}: {', '.join(map(str, FARGATE_SIZES[size.cpu]))}"]


def _cross_checks(cfg: StackSettings, region: str) -> list[str]:
    """Rules that involve more than one key (run only on a config that parsed cleanly)."""
    p = PROJECT + ":"
    errors: list[str] = []

    if not re.fullmatch(REGION_PATTERN, region or ""):
        errors.append(f"aws:region: got {region!r}; allowed: an AWS region such as us-east-1")
    if not cfg.services:
        errors.append(f"{p}services: no services configured; allowed: a map of service name to settings")
    for name, svc in cfg.services.items():
        errors += _fargate_size_errors(f"services.{name}", svc)
    if cfg.serviceSizeOverride is not None:
        errors += _fargate_size_errors("serviceSizeOverride", cfg.serviceSizeOverride)
    for name, svc in cfg.services.items():
        problem = path_problem(svc.path) if svc.public else None
        if problem:
            errors.append(f"{p}services.{name}.path: {svc.path!r} {problem}; allowed: another path pattern")
    public_default = [n for n, s in cfg.services.items() if s.public and s.path in DEFAULT_ROUTE_PATHS]
    if cfg.services and not any(s.public for s in cfg.services.values()):
        errors.append(f"{p}services: at least one service must be public (the ALB's default route)")
    elif len(public_default) > 1:
        errors.append(f"{p}services: only one public service may take the default route ('' or '/*'); "
                      f"got {', '.join(public_default)}")
    sc = cfg.scaling
    if not sc.minCount <= sc.desiredCount <= sc.maxCount:
        errors.append(f"{p}scaling: need minCount <= desiredCount <= maxCount; got "
                      f"{sc.minCount} <= {sc.desiredCount} <= {sc.maxCount}")
    else:
        for name in cfg.services:
            own = cfg.service_scaling(name)
            if own is not sc and not own.minCount <= own.desiredCount <= own.maxCount:
                errors.append(f"{p}services.{name}: need minCount <= desiredCount <= maxCount (unset counts come "
                              f"from scaling); got {own.minCount} <= {own.desiredCount} <= {own.maxCount}")
    known = set(cfg.services)
    refs = [("database.owners", o) for o in cfg.database.owners] + [
        ("cache.owner", cfg.cache.owner), ("mq.owner", cfg.mq.owner)] + [
        ("efs.mountedBy", o) for o in cfg.efs.mountedBy] + [
        ("kafka.clients", o) for o in cfg.kafka.clients]
    for key, svc_name in refs:
        if svc_name not in known:
            errors.append(f"{p}{key}: {svc_name!r} is not a configured service; allowed: {', '.join(sorted(known))}")
    db = cfg.database
    if db.maxAllocatedStorageGb < db.allocatedStorageGb:
        errors.append(f"{p}database.maxAllocatedStorageGb: {db.maxAllocatedStorageGb} is below "
                      f"allocatedStorageGb {db.allocatedStorageGb}; allowed: >= allocatedStorageGb")
    if cfg.multiAz.cache and cfg.cache.replicas < 1:
        errors.append(f"{p}cache.replicas: Multi-AZ (multiAz.cache=true) needs at least 1 replica; got 0")
    if cfg.cache.engine == "valkey" and version_tuple(cfg.cache.engineVersion) < VALKEY_MIN_VERSION:
        errors.append(f"{p}cache.engineVersion: Valkey starts at 7.2; got {cfg.cache.engineVersion}; "
                      f"allowed with cache.engine=valkey: 7.2, 8.0 or later")
    if cfg.kafka.maxStorageGb < cfg.kafka.storageGb:
        errors.append(f"{p}kafka.maxStorageGb: below kafka.storageGb; allowed: >= {cfg.kafka.storageGb}")
    if cfg.multiAz.broker and cfg.mq.hostType == "mq.t3.micro":
        errors.append(f"{p}mq.hostType: mq.t3.micro supports only SINGLE_INSTANCE; allowed with "
                      f"multiAz.broker=true: mq.m5.large or larger (or set multiAz.broker=false)")
    errors += _edge_mode_errors(cfg.edge)
    if cfg.alertEmail == "":
        errors.append(f"{p}alertEmail: set but empty; allowed: an e-mail address, or leave it unset")
    if cfg.delivery.repositoryOwner == "":
        errors.append(f"{p}delivery.repositoryOwner: set but empty; allowed: a GitHub user or organisation, "
                      f"or leave it unset (no pipelines)")
    errors += placeholder_problems(cfg, region, p)
    if cfg.edge.originVerifyAcceptPrevious and cfg.edge.originVerifyGeneration < 2:
        errors.append(f"{p}edge.originVerifyAcceptPrevious: there is no previous generation at "
                      f"originVerifyGeneration=1; allowed: true only with originVerifyGeneration >= 2")
    if cfg.schedule.enabled and cfg.schedule.startHour + cfg.schedule.hoursPerDay > 24:
        errors.append(f"{p}schedule: startHour + hoursPerDay must be <= 24")
    return errors


def _edge_mode_errors(edge: EdgeSettings) -> list[str]:
    """The edge keys that only work together (docs/edge.md, edge modes); the certificates' regions
    are checked with the other ARNs (placeholders.py)."""
    p = PROJECT + ":edge."
    errors = []
    if edge.certificateArn:
        if not edge.domainName:
            errors.append(f"{p}domainName: required with edge.certificateArn; allowed: the DNS name the certificate "
                          f"covers (API Gateway and CloudFront verify the ALB certificate against it)")
    elif edge.domainName and not edge.hostedZoneId:
        errors.append(f"{p}hostedZoneId: required for a managed certificate of edge.domainName (DNS validation); "
                      f"allowed: the Route 53 zone of {edge.domainName}, or set edge.certificateArn")
    if edge.hostedZoneId and not edge.domainName:
        errors.append(f"{p}hostedZoneId: set without edge.domainName; allowed: unset, or set edge.domainName too")
    if edge.cdnAliases and not (edge.cdnCertificateArn or edge.hostedZoneId):
        errors.append(f"{p}cdnAliases: CloudFront aliases need a certificate: set edge.cdnCertificateArn (us-east-1) "
                      f"or edge.hostedZoneId (managed certificate)")
    if edge.domainName and edge.domainName in edge.cdnAliases:
        errors.append(f"{p}cdnAliases: {edge.domainName!r} is edge.domainName, the internal ALB's name; allowed: "
                      f"other names for CloudFront")
    return errors


def version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split(".") if x.isdigit())


def _decode(value: Any) -> Any:
    """Pulumi passes structured config as JSON text; scalars stay strings."""
    if isinstance(value, str):
        text = value.strip()
        if text[:1] in ("{", "[") or text == "null":
            try:
                return json.loads(text)
            except json.JSONDecodeError:
                return value
    return value


def parse_settings(raw_config: dict[str, Any], stack: str) -> Settings:
    """Validate a flat Pulumi config map ({"project:key": value}) into Settings."""
    prefix = PROJECT + ":"
    top = {k[len(prefix):]: _decode(v) for k, v in raw_config.items() if k.startswith(prefix)}
    region = str(raw_config.get("aws:region") or "")
    errors: list[str] = []
    cfg = parse(StackSettings, top, prefix, errors)
    if cfg is not None and not errors:
        errors.extend(_cross_checks(cfg, region))
    if errors:
        raise SettingsError(errors)
    base_tags = {"stack": stack, "cost-center": cfg.costCenter, "owner": cfg.owner,
                 "managed-by": "pulumi", "project": PROJECT}
    return Settings(stack=stack, region=region, config=cfg, base_tags=base_tags)


def current_config() -> dict[str, Any]:
    """All config the Pulumi runtime holds for this run (explicit map + PULUMI_CONFIG env)."""
    import pulumi.runtime.config as rc

    merged = dict(rc.get_config_env())
    merged.update(rc.CONFIG.get())
    return merged


def load_settings() -> Settings:
    """Read and validate the current stack's config (call once, before any resource)."""
    import pulumi

    return parse_settings(current_config(), pulumi.get_stack())


__all__ = [
    "FARGATE_SIZES", "LOG_RETENTION_DAYS", "PROJECT", "SEED_SERVICES", "Settings", "SettingsError",
    "StackSettings", "ServiceSettings", "load_settings", "parse_settings",
]
