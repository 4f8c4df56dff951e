"""Typed stack settings: the one place stack config is read and validated.

``load_settings()`` reads every ``microservices-platform:*`` key of the stack's config once, checks types,
ranges, allowed values and cross-key rules, and returns a frozen :class:`StackSettings`.  Any problem raises
:class:`SettingsError` listing every offending key with what is allowed, so the program stops before a
single resource is registered.

Defaults here are the production ones (the seed's prod stack); per-stack YAML holds only what differs.
Defaults for structured keys (``services`` and the tier objects) live here rather than in Pulumi.yaml
because Pulumi replaces, not merges, an object value that a stack sets: keeping them in code lets
``Pulumi.dev.yaml`` override one field of one object.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Iterable, Literal, Optional

from platform_policies.facts import zones
from platform_policies.facts.fargate import FARGATE_SIZES
from platform_policies.facts.logs import LOG_RETENTION_DAYS
from pydantic import ValidationInfo, field_validator
from pydantic.dataclasses import dataclass
from pydantic_core import PydanticCustomError

from .checks import dns_name_problem, email_problem, git_branch_problem, timezone_problem, vpc_cidr_problem
from .cross_checks import cross_key_errors, deprecation_notes
from .engines import activemq_problem, postgres_problem
from .schema import (CONFIG, MAX_ITEMS, SECRET_OK, SECRET_PLACEHOLDER, ConfigObject, SettingsError, checked,
                     decode_json_text, encrypted_notes, matching, plain_only, spec, validate)
from .weekdays import days_problem

PROJECT = "microservices-platform"

FargateCpu = Literal[tuple(FARGATE_SIZES)]  # type: ignore[valid-type]
LogRetentionDays = Literal[LOG_RETENTION_DAYS]  # type: ignore[valid-type]

SERVICE_NAME = r"[a-z][a-z0-9-]{0,18}[a-z0-9]"
SERVICE_NAME_HINT = "lowercase letters, digits and hyphens, 2-20 characters, starting with a letter"
ServiceName = matching(SERVICE_NAME)
# Settings that name services: each entry becomes part of resource names, so it is a plain service
# name (never an encrypted value).
ServiceNames = list[ServiceName]
SERVICE_NAMES = "service names"
DNS_NAME = r"([a-z0-9-]+\.)+[a-z]{2,}"
ZoneId = matching(zones.ZONE_ID_PATTERN)
DnsName = matching(DNS_NAME, checked(dns_name_problem), SECRET_OK)


@dataclass(frozen=True, config=CONFIG)
class ServiceSettings(ConfigObject):
    """One microservice (an ECS Fargate service)."""

    enabled: bool = spec(True, doc="false removes the service (also one of the default seven).")
    cpu: FargateCpu = spec(256, doc="Task CPU units (256 = 0.25 vCPU).")
    memory: int = spec(512, doc="Task memory in MiB; must be a Fargate pair for `cpu`.",
                       minimum=512, maximum=122880)
    port: int = spec(8080, doc="Container port.", minimum=1, maximum=65535)
    public: bool = spec(False, doc="Routed from the ALB/API (true) or reachable only over Service Connect.")
    path: str = spec("", doc="ALB path pattern for public services, e.g. `/orders/*`; empty = default route.",
                     pattern=r"/[A-Za-z0-9_\-./*?]{0,127}",
                     hint="a path pattern starting with '/', at most 128 characters (ALB limit)")
    healthCheckPath: str = spec("/health", doc="HTTP health-check path.",
                                pattern=r"/[A-Za-z0-9_\-./]{0,1023}",
                                hint="a path starting with '/', at most 1024 characters")
    architecture: Literal["X86_64", "ARM64"] = spec("ARM64", doc="CPU architecture of the task.")
    # ECS ContainerDefinition image: up to 255 letters, digits, hyphens, underscores, colons,
    # periods, slashes and number signs (ECS API reference, read 2026-11), plus '@' for digests.
    image: str = spec("", doc="Container image; empty = `<ECR repository>:latest` of the service.",
                      pattern=r"[A-Za-z0-9_.:/#@-]{1,255}", hint="an image reference, at most 255 characters")
    critical: bool = spec(True, doc="Critical services never run on Fargate Spot (cost advice only).")
    databaseAuth: Literal["iam", "password"] = spec(
        "iam", doc="How a database owner signs in: `iam` = IAM tokens through the database's RDS Proxy; "
                   "`password` = the master password straight to the instance, for a migration period only "
                   "(the gate warns: the next rotation breaks the service's new connections).")
    desiredCount: Optional[int] = spec(None, doc="This service's task count at deploy time.",
                                       minimum=0, maximum=1000, unset="scaling.desiredCount")
    minCount: Optional[int] = spec(None, doc="This service's autoscaling minimum.",
                                   minimum=0, maximum=1000, unset="scaling.minCount")
    maxCount: Optional[int] = spec(None, doc="This service's autoscaling maximum.",
                                   minimum=1, maximum=1000, unset="scaling.maxCount")


@dataclass(frozen=True, config=CONFIG)
class ScalingSettings(ConfigObject):
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


@dataclass(frozen=True, config=CONFIG)
class SizeOverride(ConfigObject):
    """Force one task size on every service (dev: the smallest)."""

    cpu: FargateCpu = spec(256, doc="Task CPU units.")
    memory: int = spec(512, doc="Task memory MiB.", minimum=512, maximum=122880)


@dataclass(frozen=True, config=CONFIG)
class ScheduleSettings(ConfigObject):
    """Scale services to zero outside business hours (dev)."""

    enabled: bool = spec(False, doc="Turn the schedule on.")
    timezone: str = spec("UTC", doc="IANA time zone of the schedule.", pattern=r"[A-Za-z_]+(/[A-Za-z0-9_+\-]+)*",
                         hint="an IANA zone such as Europe/Berlin", check=timezone_problem, secret=False)
    days: str = spec("MON-FRI", doc="Days of the week services run: cron day names, single or as ranges "
                                    "(MON-FRI, MON-THU, MON,WED,FRI). The cost follows them: each day of the "
                                    "week is 4.345 days in the average month (365 / 12 / 7).",
                     pattern=r"[A-Z]{3}(-[A-Z]{3})?(,[A-Z]{3}(-[A-Z]{3})?){0,6}",
                     hint="days like MON-FRI or MON,WED,FRI", check=days_problem, secret=False)
    startHour: int = spec(8, doc="Hour (0-23) services scale up on each of schedule.days.", minimum=0, maximum=23)
    hoursPerDay: int = spec(8, doc="Hours services run on each of schedule.days.", minimum=1, maximum=23)
    # Deprecated: a monthly day count no weekly schedule can follow; schedule.days replaces it.
    daysPerMonth: Optional[int] = spec(None, doc="Deprecated (schedule.days replaces it): accepted only when it "
                                                 "matches schedule.days in the average month (MON-FRI: 21 or 22), "
                                                 "with a note to remove it.",
                                       minimum=1, maximum=31, unset="the days follow schedule.days")


@dataclass(frozen=True, config=CONFIG)
class MultiAzSettings(ConfigObject):
    """Multi-AZ switches per tier."""

    database: bool = spec(True, doc="RDS Multi-AZ standby.")
    cache: bool = spec(True, doc="ElastiCache replica in another AZ with automatic failover.")
    broker: bool = spec(True, doc="Amazon MQ ACTIVE_STANDBY_MULTI_AZ.")
    natGatewayPerAz: bool = spec(True, doc="One NAT gateway per AZ (false = a single NAT gateway).")


@dataclass(frozen=True, config=CONFIG)
class DatabaseSettings(ConfigObject):
    """RDS PostgreSQL, one instance per owning service."""

    owners: ServiceNames = spec(doc="Services that own a database.", hint=SERVICE_NAMES,
                             default_factory=lambda: ["user", "order", "inventory"])
    # Majors in RDS standard support (engines.py cites the release calendar).  The major picks the
    # engine version and the parameter group family; RDS creates the major's current minor and
    # upgrades minors itself, so a minor written here is accepted but not pinned.
    engineVersion: str = spec("16", doc="PostgreSQL major version (14-18); a minor such as 16.11 is accepted "
                                        "but not pinned (RDS applies minor upgrades).",
                              pattern=r"\d{1,2}(\.\d{1,3})?", hint="PostgreSQL 14-18, e.g. 16",
                              check=postgres_problem, numeric_text=True)
    instanceClass: str = spec("db.t3.medium", doc="RDS instance class.", pattern=r"db\.[a-z0-9]+\.[a-z0-9]+",
                              hint="like db.t3.medium")
    allocatedStorageGb: int = spec(100, doc="Initial gp3 storage (GiB).", minimum=20, maximum=65536)
    maxAllocatedStorageGb: int = spec(500, doc="Storage autoscaling ceiling (GiB), above allocatedStorageGb.",
                                      minimum=21, maximum=65536)
    backupRetentionDays: int = spec(7, doc="Automated backup retention.", minimum=1, maximum=35)
    readReplicas: int = spec(0, doc="Read replicas per database.", minimum=0, maximum=5)


@dataclass(frozen=True, config=CONFIG)
class CacheSettings(ConfigObject):
    """ElastiCache for the inventory service."""

    engine: Literal["redis", "valkey"] = spec("redis", doc="Cache engine.")
    engineVersion: str = spec("7.1", doc="Engine version: Redis OSS 7.0 or 7.1, Valkey 7.2 to 9.1 (older Redis OSS "
                                         "cannot run the in-transit encryption mode the platform sets).",
                              pattern=r"\d+(\.\d+){1,2}", hint="like 7.1", numeric_text=True)
    nodeType: str = spec("cache.t4g.small", doc="Cache node type.", pattern=r"cache\.[a-z0-9]+\.[a-z0-9]+",
                         hint="like cache.t4g.small")
    replicas: int = spec(1, doc="Replicas per shard (Multi-AZ needs >= 1).", minimum=0, maximum=5)
    owner: str = spec("inventory", doc="Service that uses the cache.", secret=False)


@dataclass(frozen=True, config=CONFIG)
class KafkaSettings(ConfigObject):
    """Amazon MSK."""

    # Versions MSK still supports for new clusters: 3.6.0, 3.7.x, 3.8.x, 3.9.x, 4.0.x and later,
    # some also as KRaft (`.kraft`) builds (Amazon MSK developer guide, "Supported Apache Kafka
    # versions", read 2026-11).
    kafkaVersion: str = spec("3.8.x", doc="Kafka version.", pattern=r"(3\.[6-9]|[4-9]\.\d+)(\.\d+|\.x)(\.kraft)?",
                             hint="an MSK version still supported, like 3.8.x (3.6.0 or later)")
    brokerType: str = spec("kafka.m5.large", doc="Broker instance type.", pattern=r"kafka\.[a-z0-9]+\.[a-z0-9]+",
                           hint="like kafka.m5.large")
    brokersPerAz: int = spec(1, doc="Brokers per AZ (total = azCount x this).", minimum=1, maximum=10)
    storageGb: int = spec(100, doc="EBS storage per broker (GiB).", minimum=1, maximum=16384)
    maxStorageGb: int = spec(1000, doc="Storage autoscaling ceiling per broker (GiB).", minimum=1, maximum=16384)
    clients: ServiceNames = spec(doc="Services that produce or consume events (IAM access to the cluster).",
                                 hint=SERVICE_NAMES,
                              default_factory=lambda: ["order", "inventory", "notification", "stream-processor"])


@dataclass(frozen=True, config=CONFIG)
class MqSettings(ConfigObject):
    """Amazon MQ (ActiveMQ) for the payment service."""

    engineVersion: str = spec("5.18", doc="ActiveMQ version as major.minor (Amazon MQ applies the patches).",
                              pattern=r"\d+\.\d+(\.\d+)?", hint="5.18 or 5.19", check=activemq_problem,
                              numeric_text=True)
    hostType: str = spec("mq.m5.large", doc="Broker host type.", pattern=r"mq\.[a-z0-9]+\.[a-z0-9]+",
                         hint="like mq.m5.large")
    owner: str = spec("payment", doc="Service that uses the broker.", secret=False)


@dataclass(frozen=True, config=CONFIG)
class EfsSettings(ConfigObject):
    """EFS shared storage."""

    mountedBy: ServiceNames = spec(doc="Services that mount the shared file system.", hint=SERVICE_NAMES,
                                default_factory=lambda: ["inventory", "stream-processor"])


@dataclass(frozen=True, config=CONFIG)
class EdgeSettings(ConfigObject):
    """ALB, API Gateway, WAF and CloudFront."""

    certificateArn: str = spec("", doc="Your own ACM certificate (stack region) for the ALB HTTPS listener, covering "
                                           "edge.domainName; empty = a managed certificate when edge.domainName and "
                                           "edge.hostedZoneId are set (see docs/edge.md, edge modes).",
                               pattern=r"arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]+",
                               hint="an ACM certificate ARN")
    domainName: str = spec("", doc="DNS name of the ALB that API Gateway and CloudFront verify its certificate "
                                   "against; empty = no domain: HTTPS on the default CloudFront and execute-api "
                                   "endpoints, plain HTTP to the internal ALB inside the VPC.",
                           pattern=DNS_NAME, hint="a DNS name", check=dns_name_problem)
    cdnCertificateArn: str = spec("", doc="Your own ACM certificate in us-east-1 for edge.cdnAliases; empty = a "
                                      "managed one when edge.hostedZoneId is set, else the default "
                                      "*.cloudfront.net certificate (no aliases).",
                                  pattern=r"arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate/[A-Za-z0-9-]+",
                                  hint="an ACM certificate ARN in us-east-1")
    wafRateLimit: int = spec(2000, doc="Requests per 5 minutes per IP before WAF blocks.",
                             minimum=10, maximum=2000000000)
    apiThrottleRatePerSecond: float = spec(1000.0, doc="Usage plan steady-state rate.", minimum=1, maximum=100000)
    apiThrottleBurst: int = spec(2000, doc="Usage plan burst.", minimum=1, maximum=100000)
    apiQuotaPerMonth: int = spec(10_000_000, doc="Usage plan monthly quota per API key.", minimum=1)
    cdn: bool = spec(True, doc="Put CloudFront in front of the ALB.")
    cdnAliases: list[DnsName] = spec(doc="Extra host names CloudFront answers to (need edge.cdnCertificateArn, or "
                                         "edge.hostedZoneId for a managed certificate; names in that zone).",
                                     hint="DNS names", default_factory=list)
    hostedZoneId: str = spec("", doc="Route 53 public zone of edge.domainName (and edge.cdnAliases): the alias "
                                     "records and the DNS validation of managed certificates go there; empty = "
                                     "manage DNS elsewhere.",
                             pattern=r"Z[A-Z0-9]{1,31}", hint="a Route 53 hosted zone id (Z...)")
    originVerifyGeneration: int = spec(1, doc="Generation of the secret X-Origin-Verify header API Gateway and "
                                                 "CloudFront send to the ALB; raise it to rotate.", minimum=1, maximum=999)
    originVerifyAcceptPrevious: bool = spec(False, doc="During a rotation the ALB also accepts the previous "
                                                       "generation's value (clear it once CloudFront has deployed).")
    manageApiGatewayAccount: bool = spec(True, doc="Manage the region-wide API Gateway CloudWatch role (only one "
                                                   "stack per account and region should).")


@dataclass(frozen=True, config=CONFIG)
class BudgetSettings(ConfigObject):
    """What the AWS Budget counts and who owns the account-wide cost allocation tag (docs/cost.md)."""

    scope: Literal["account", "stack"] = spec(
        "account", doc="What the budget counts: `account` = every cost of the AWS account (alerts from the "
                       "first day; one stack per account should have it); `stack` = only costs tagged "
                       "`stack=<stack>`, which count once `stack` is an active cost allocation tag.")
    activateCostAllocationTag: bool = spec(
        False, doc="The stack activates `stack` as a cost allocation tag (account-wide: one stack per "
                   "account; only a management or standalone account may; fails until AWS has seen the tag "
                   "in billing data, up to 24 h after the first `pulumi up`).")


@dataclass(frozen=True, config=CONFIG)
class DeliverySettings(ConfigObject):
    """Per-service CodePipelines (source -> image build -> ECS canary deploy)."""

    sourceConnectionArn: str = spec("", doc="Existing CodeConnections ARN; empty = create a GitHub connection "
                                            "(an administrator completes it once in the console).",
                                    pattern=r"arn:aws:(codeconnections|codestar-connections):[a-z0-9-]+:\d{12}:"
                                            r"connection/[A-Za-z0-9-]+",
                                    hint="a CodeConnections connection ARN")
    repositoryOwner: Optional[str] = spec(None, doc="GitHub owner of the service repositories "
                                                    "(`<owner>/<service>`).",
                                          pattern=r"[A-Za-z0-9][A-Za-z0-9-]{0,38}",
                                          hint="a GitHub user or organisation",
                                          unset="no pipelines; the ECR repositories stay, push images yourself")
    branch: str = spec("main", doc="Branch whose pushes start the pipelines.",
                       pattern=r"[A-Za-z0-9._/-]{1,100}", hint="a git branch name",
                       check=git_branch_problem)


# Load test (components/loadtest/): Locust's own guidance is one Locust process per CPU core, and
# "a single Locust process (limited to one CPU core) can do around 16000 requests per second using
# FastHttpUser" in the best case (Locust docs 2.46.7, "Increase performance with a more efficient
# HTTP client", docs.locust.io, read 2026-11).  A worker here is one process on 1 vCPU; its users
# wait 1-5 s between requests (about 0.33 requests/s each), so 2,000 users ask ~670 requests/s of
# it: a few thousand users per worker, far from the best-case ceiling, with room for TLS and payloads.
LOAD_TEST_USERS_PER_WORKER = 2000



@dataclass(frozen=True, config=CONFIG)
class LoadTestSettings(ConfigObject):
    """Distributed Locust on Fargate aimed at the stack's public entry (docs/load-test.md)."""

    enabled: bool = spec(False, doc="Deploy the load test (a Locust master and workers, idle at 0 tasks until "
                                    "you start a run; priced per run, docs/load-test.md). Needs edge.cdn: the "
                                    "test enters through CloudFront.")
    users: int = spec(10000, doc="Concurrent simulated users of a run.", minimum=1, maximum=1_000_000)
    spawnRate: float = spec(100.0, doc="Users started per second until `users` run.", minimum=0.1,
                            maximum=10000)
    runMinutes: int = spec(30, doc="Length of a run; the master stops the test after it.", minimum=1,
                           maximum=1440)
    usersPerWorker: int = spec(LOAD_TEST_USERS_PER_WORKER,
                               doc="Users per worker task (one Locust process on workerCpu); workers = "
                                   "ceil(users / usersPerWorker). Default: a few thousand per process (Locust "
                                   "docs, 'Increase performance': ~16000 requests/s per process at best with "
                                   "FastHttpUser; a user here sends ~0.33 requests/s).",
                               minimum=1, maximum=50000)
    workerCpu: FargateCpu = spec(1024, doc="CPU units of a worker task (Locust uses one core per process).")
    workerMemory: int = spec(2048, doc="Memory MiB of a worker task; a Fargate pair for workerCpu.",
                             minimum=512, maximum=122880)
    masterCpu: FargateCpu = spec(512, doc="CPU units of the master task (it hands out work and aggregates "
                                          "statistics).")
    masterMemory: int = spec(1024, doc="Memory MiB of the master task; a Fargate pair for masterCpu.",
                             minimum=512, maximum=122880)
    image: str = spec("locustio/locust:2.47.0",
                      doc="Locust image of master and workers: the official image by exact version (a digest "
                          "`@sha256:...` is accepted too; docs/load-test.md).",
                      pattern=r"[A-Za-z0-9_.:/#@-]{1,255}", hint="an image reference, at most 255 characters")

    def workers(self) -> int:
        """Worker tasks of a run: ceil(users / usersPerWorker)."""
        return -(-self.users // self.usersPerWorker)


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


@dataclass(frozen=True, config=CONFIG)
class StackSettings(ConfigObject):
    """Everything the program reads from stack config (keys under `microservices-platform:`)."""

    azCount: Literal[2, 3] = spec(3, doc="Availability zones used.")
    availabilityZoneIds: list[ZoneId] = spec(doc="Pin the AZs by zone ID (the same place in every account, "
                                                 "unlike names such as us-east-1a): azCount IDs of the stack's "
                                                 "region, each once; empty = the region's first azCount AZs whose "
                                                 "zone IDs offer every service of the stack (docs/network.md).",
                                             hint="zone IDs like use1-az1", default_factory=list)
    vpcCidr: str = spec("10.0.0.0/16", doc="VPC CIDR (a /16).", pattern=r"10\.\d{1,3}\.0\.0/16",
                        hint="a 10.x.0.0/16 block", check=vpc_cidr_problem, secret=False)
    costCenter: str = spec("platform-engineering", doc="Value of the cost-center tag on every resource.",
                           pattern=r"[A-Za-z0-9 _.:/=+\-@]{1,128}",
                           hint="1-128 tag-safe characters")
    owner: str = spec("platform-team", doc="Value of the owner tag on every resource.",
                      pattern=r"[A-Za-z0-9 _.:/=+\-@]{1,128}",
                      hint="1-128 tag-safe characters")
    alertEmail: Optional[str] = spec(None, doc="E-mail subscription of the SNS alarm topic, where alarms and budget "
                                               "alerts go.", pattern=r"[^@\s]+@[^@\s]+\.[^@\s]+",
                                     hint="an e-mail address", check=email_problem,
                                     unset="no e-mail: subscribe to the alarm topic (output alarm_topic_arn) yourself")
    monthlyBudgetUsd: float = spec(3000.0, doc="AWS Budgets amount for the stack (alerts at 80 % and 100 % actual, "
                                               "100 % forecast).", minimum=1)
    budget: BudgetSettings = spec(doc="AWS Budget scope and cost allocation tag.", default_factory=BudgetSettings)
    logRetentionDays: LogRetentionDays = spec(30, doc="CloudWatch Logs retention.")
    deletionProtection: bool = spec(True, doc="Deletion protection / protect on stateful resources.")
    serviceConnectTls: bool = spec(True, doc="Service Connect TLS from AWS Private CA (has a monthly price).")
    tracing: bool = spec(True, doc="ADOT collector sidecar sending traces to X-Ray, and X-Ray tracing on the API "
                                   "stage. preflight refuses false while the stack's policy config makes "
                                   "apigateway-xray mandatory (both committed configs do).")
    multiAz: MultiAzSettings = spec(doc="Multi-AZ switches.", default_factory=MultiAzSettings)
    services: dict[ServiceName, ServiceSettings] = spec(doc="The microservices, by name.", hint=SERVICE_NAME_HINT,
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
    loadTest: LoadTestSettings = spec(doc="Load test (Locust on Fargate).", default_factory=LoadTestSettings)

    @field_validator("services", mode="wrap")
    @classmethod
    def _merged_over_the_seed(cls, raw: Any, handler: Any, info: ValidationInfo) -> Any:
        """Stack config (validated with a context) names only what it changes: an entry is merged over the
        seed's entry of that name, a new name starts from the defaults (settings built in code, as by
        dataclasses.replace, give the whole map).  An entry with enabled: false is removed."""
        if info.context is not None and isinstance(raw, dict):
            if len(raw) > MAX_ITEMS:
                raise PydanticCustomError("too_long", "too many", {"max_length": MAX_ITEMS})
            raw = {**SEED_SERVICES, **{name: {**SEED_SERVICES[name], **entry} if name in SEED_SERVICES and
                                       isinstance(entry, dict) else entry for name, entry in raw.items()}}
        return {name: svc for name, svc in handler(raw).items() if svc.enabled}

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

    def zone_features(self) -> tuple[str, ...]:
        """What the stack places in the VPC's subnets whose offer differs by zone ID (facts/zones.py): MSK and
        MQ always, an RDS Proxy per database, the ALB as a CloudFront VPC origin with the CDN."""
        features = [zones.MSK_CLIENT_SUBNETS, zones.MQ_BROKER]
        if self.database.owners:
            features.append(zones.RDS_PROXY)
        if self.edge.cdn:
            features.append(zones.CLOUDFRONT_VPC_ORIGIN)
        return tuple(features)


@dataclasses.dataclass(frozen=True)
class Settings:
    """Parsed settings plus the context Pulumi gives (stack, region)."""

    stack: str
    region: str
    config: StackSettings
    base_tags: dict[str, str] = dataclasses.field(default_factory=dict)
    # Checks skipped because a value is encrypted (preflight cannot decrypt it).
    notes: tuple[str, ...] = ()
    # Plaintext strings of the keys the stack holds as secrets (under the real engine) or the
    # placeholder preflight puts in their place: the program marks every input holding one secret.
    secret_values: frozenset[str] = frozenset()

    def tags(self, tier: str, service: str = "platform", **extra: str) -> dict[str, str]:
        """The four required tags (service, tier, stack, cost-center) plus owner."""
        return {**self.base_tags, "service": service, "tier": tier, **extra}


def _sized_to_cpu(size: Any, given: Any, key: str, notes: list[str]) -> Any:
    """``size`` (a service or the override) with a memory that fits its cpu, when the stack set the
    cpu (``given`` is what it wrote) but not the memory and the default memory does not fit."""
    if not isinstance(given, dict) or "cpu" not in given or "memory" in given \
            or size.memory in FARGATE_SIZES.get(size.cpu, ()):
        return size
    sizes = FARGATE_SIZES[size.cpu]
    fitted = next((m for m in sizes if m >= size.memory), sizes[-1])  # the smallest that fits, else the largest
    notes.append(f"{key}.memory: the default {size.memory} MiB does not fit cpu {size.cpu}; using "
                 f"{fitted} MiB (set {key}.memory to choose another)")
    return dataclasses.replace(size, memory=fitted)


def _follow_cpu(cfg: StackSettings, top: dict[str, Any], notes: list[str]) -> StackSettings:
    """A stack that changes a service's cpu without naming its memory (``pulumi config set --path
    services.order.cpu 1024``) keeps the default memory only where Fargate accepts it with the new cpu;
    otherwise the memory becomes the smallest size that fits, and a note says so.  The same for
    ``serviceSizeOverride.cpu``."""
    raw = top.get("services") if isinstance(top.get("services"), dict) else {}
    services = {name: _sized_to_cpu(svc, raw.get(name), f"services.{name}", notes)
                for name, svc in cfg.services.items()}
    override = cfg.serviceSizeOverride
    if override is not None:
        override = _sized_to_cpu(override, top.get("serviceSizeOverride"), "serviceSizeOverride", notes)
    if services == cfg.services and override == cfg.serviceSizeOverride:
        return cfg
    return dataclasses.replace(cfg, services=services, serviceSizeOverride=override)


def _disabled_services(raw_services: Any) -> frozenset[str]:
    """Names the stack config turns off with ``enabled: false`` (for clearer reference errors)."""
    if not isinstance(raw_services, dict):
        return frozenset()
    return frozenset(n for n, v in raw_services.items()
                     if isinstance(v, dict) and v.get("enabled") in (False, "false"))


def _secret_scalar_errors(names: set[str], top: dict[str, Any]) -> list[str]:
    """Keys held as secrets whose value sizes or switches resources (numbers, booleans, choices):
    the program needs them in plain text, so a secret there is refused under the engine too."""
    fields = StackSettings.__pydantic_fields__  # type: ignore[attr-defined]
    # Offline the value is the placeholder, which the validation reports itself.
    return [f"{PROJECT}:{name}: an encrypted (secure:) value is not supported here; allowed: a plain value "
            f"({field.description})" for name, field in fields.items()
            if name in names and top.get(name) != SECRET_PLACEHOLDER and plain_only(field)]


def _plain_strings(value: Any) -> set[str]:
    """Every non-empty string in a decoded config value."""
    if isinstance(value, str):
        return {value} if value.strip() else set()
    inner = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return set().union(*map(_plain_strings, inner))


def parse_settings(raw_config: dict[str, Any], stack: str, secret_keys: Iterable[str] = ()) -> Settings:
    """Validate a flat Pulumi config map ({"project:key": value}) into Settings.

    ``secret_keys``: the config keys Pulumi reports as secret (PULUMI_CONFIG_SECRET_KEYS);
    their strings end up in ``Settings.secret_values``."""
    prefix = PROJECT + ":"
    errors: list[str] = []
    notes: list[str] = []
    top = {k[len(prefix):]: decode_json_text(v, k, errors) for k, v in raw_config.items()
           if isinstance(k, str) and k.startswith(prefix)}
    secret_names = {k[len(prefix):] for k in secret_keys if k.startswith(prefix)}
    region = str(raw_config.get("aws:region") or "")
    errors += _secret_scalar_errors(secret_names, top)
    cfg = validate(StackSettings, top, prefix, errors, context="stack config")
    if cfg is not None and not errors:
        notes += encrypted_notes(cfg, prefix)
        cfg = _follow_cpu(cfg, top, notes)
        errors.extend(cross_key_errors(cfg, region, prefix, _disabled_services(top.get("services"))))
        notes.extend(deprecation_notes(cfg))
    if errors:
        raise SettingsError(errors)
    base_tags = {"stack": stack, "cost-center": cfg.costCenter, "owner": cfg.owner,
                 "managed-by": "pulumi", "project": PROJECT}
    secrets = set().union(*(_plain_strings(top.get(n)) for n in secret_names))
    return Settings(stack=stack, region=region, config=cfg, base_tags=base_tags, notes=tuple(notes),
                    secret_values=frozenset(secrets))


def load_settings() -> Settings:
    """Read and validate the current stack's config (call once, before any resource): the explicit map and
    PULUMI_CONFIG; the secret keys from PULUMI_CONFIG_SECRET_KEYS (language host) or as set_all_config marked
    them (automation API, mocks)."""
    import pulumi
    import pulumi.runtime.config as rc

    config = {**rc.get_config_env(), **rc.CONFIG.get()}
    secret_keys = sorted(set(rc.get_config_secret_keys_env()) | {k for k in config if rc.is_config_secret(k)})
    return parse_settings(config, pulumi.get_stack(), secret_keys)


__all__ = ["FARGATE_SIZES", "LOG_RETENTION_DAYS", "PROJECT", "SECRET_PLACEHOLDER", "SEED_SERVICES", "Settings",
           "SettingsError", "StackSettings", "ServiceSettings", "LoadTestSettings", "load_settings", "parse_settings"]
