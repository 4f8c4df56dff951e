"""What each region offers: instance, node and broker types, Fargate CPU architectures and engine features.

Zonal exceptions (a service offered in a region but not in one of its zone IDs) are in facts/zones.py; this
table is the region half.  It is kept small: the types and features the program can choose (the allow-lists
of rules/rds.py, elasticache.py, msk.py, mq.py, ecs.py and the stacks' settings), not every type AWS sells.

A row says, for one region and one kind of offer, which values AWS offers there (``offered``) and which it
documents as not offered (``not_offered``), with its source and the date it was read.  Region ``"*"`` holds
a fact that is true in every region (an engine that never runs on a type); it does not make a region
covered.  The pack (rules/offers.py) refuses a value documented as not offered and, failing closed as the
cost model does for a region without prices, a region and kind no row covers; a value a covering row
does not name is only advisory (AWS may offer it; the table does not say).

A list price in the committed price catalog (policies/pricing/us-east-1.json) is AWS offering that type in
us-east-1: the catalog is cited for the us-east-1 rows.  Table read on TABLE_DATE; re-check the sources
before adding a region.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

TABLE_DATE = "2026-12-07"
ANY_REGION = "*"

# Kinds of offer (the rule reads each from one resource input).
RDS_POSTGRES_CLASS = "rds-postgres-instance-class"
RDS_PROXY_ENGINE = "rds-proxy-engine-family"
CACHE_NODE_TYPE = "elasticache-node-type"
CACHE_ENGINE = "elasticache-engine"
MSK_BROKER_TYPE = "msk-broker-type"
MQ_ACTIVEMQ_HOST = "mq-activemq-host-type"
MQ_RABBITMQ_HOST = "mq-rabbitmq-host-type"
FARGATE_ARCHITECTURE = "fargate-cpu-architecture"

KINDS: dict[str, str] = {
    RDS_POSTGRES_CLASS: "RDS for PostgreSQL instance classes",
    RDS_PROXY_ENGINE: "RDS Proxy engine families",
    CACHE_NODE_TYPE: "ElastiCache node types",
    CACHE_ENGINE: "ElastiCache engines",
    MSK_BROKER_TYPE: "Amazon MSK broker types",
    MQ_ACTIVEMQ_HOST: "Amazon MQ for ActiveMQ host types",
    MQ_RABBITMQ_HOST: "Amazon MQ for RabbitMQ host types",
    FARGATE_ARCHITECTURE: "Fargate (Linux) CPU architectures",
}

MQ_HOST_KINDS = {"activemq": MQ_ACTIVEMQ_HOST, "rabbitmq": MQ_RABBITMQ_HOST}

_CATALOG = ("price catalog policies/pricing/us-east-1.json (catalogDate 2026-11-26): AWS list prices for "
            "the region, each entry with its own source")
_MQ_GUIDE = ("Amazon MQ Developer Guide, 'Upgrading an Amazon MQ broker instance type' "
             "(https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/upgrading-instance-type.html): "
             "mq.m7g instances are only available for RabbitMQ brokers, ActiveMQ brokers use mq.m5 instances")
_CACHE_GUIDE = ("Amazon ElastiCache User Guide, 'Supported node types' "
                "(https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html): in "
                "Asia Pacific (Thailand) and Mexico (Central) the supported types are m7g/r7g (large to 16xlarge) "
                "and t3/t4g (micro, small, medium); read in the guide's translated copies")
_FARGATE_REGIONS = ("Amazon ECS Developer Guide, 'Supported Regions for Linux containers on AWS Fargate' "
                    "(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/AWS_Fargate-Regions.html); "
                    "read in stored copies of the page; it lists the regions, not the architectures, so only "
                    "X86_64 (the default) is taken from it")


@dataclass(frozen=True)
class Offer:
    """One statement of what ``region`` offers of ``kind``."""

    region: str  # a region, or ANY_REGION for a fact true everywhere
    kind: str
    offered: frozenset[str]
    source: str
    not_offered: frozenset[str] = frozenset()
    verified: bool = True  # read on AWS's own page (False: a stored or translated copy)
    read: str = TABLE_DATE


def _f(*values: str) -> frozenset[str]:
    return frozenset(values)


OFFERS: tuple[Offer, ...] = (
    # ---- us-east-1, the committed region: every type the stacks choose has a list price there ----
    Offer("us-east-1", RDS_POSTGRES_CLASS,
          _f("db.t3.micro", "db.t3.medium", "db.t3.large", "db.t4g.micro", "db.t4g.medium", "db.t4g.large",
             "db.m6g.large", "db.m7g.large"), _CATALOG + " (rds/postgres/<class>)"),
    Offer("us-east-1", RDS_PROXY_ENGINE, _f("POSTGRESQL"), _CATALOG + " (rds/proxy/vcpu-hour)"),
    Offer("us-east-1", CACHE_NODE_TYPE,
          _f("cache.t3.micro", "cache.t4g.micro", "cache.t4g.small", "cache.t4g.medium", "cache.m6g.large",
             "cache.m7g.large"), _CATALOG + " (elasticache/node-hour/<type>)"),
    Offer("us-east-1", CACHE_ENGINE, _f("redis", "valkey"),
          _CATALOG + " (Redis OSS node-hours; the Valkey price factor elasticache/valkey-price-factor)"),
    Offer("us-east-1", MSK_BROKER_TYPE, _f("kafka.t3.small", "kafka.m5.large", "kafka.m7g.large"),
          _CATALOG + " (msk/broker-hour/<type>)"),
    Offer("us-east-1", MQ_ACTIVEMQ_HOST, _f("mq.t3.micro", "mq.m5.large"), _CATALOG + " (mq/activemq/<type>)"),
    Offer("us-east-1", FARGATE_ARCHITECTURE, _f("X86_64", "ARM64"),
          _CATALOG + " (fargate/vcpu-hour/X86_64 and /ARM64)"),
    # ---- facts of an engine, true in every region ----
    Offer(ANY_REGION, MQ_ACTIVEMQ_HOST, _f(), _MQ_GUIDE, not_offered=_f("mq.m7g.medium", "mq.m7g.large")),
    # ---- regions where ElastiCache offers a reduced set of node families ----
    *(Offer(region, CACHE_NODE_TYPE,
            _f("cache.t3.micro", "cache.t4g.micro", "cache.t4g.small", "cache.t4g.medium", "cache.m7g.large"),
            _CACHE_GUIDE, not_offered=_f("cache.m6g.large"), verified=False)
      for region in ("ap-southeast-7", "mx-central-1")),
    # ---- Fargate for Linux (X86_64) in the regions the ECS guide lists ----
    *(Offer(region, FARGATE_ARCHITECTURE, _f("X86_64"), _FARGATE_REGIONS, verified=False)
      for region in ("us-east-2", "us-west-2", "ap-southeast-1", "ap-southeast-7", "mx-central-1")),
)


def rows(region: str, kind: str) -> list[Offer]:
    """The rows for ``kind`` in ``region`` (its own, then those true in every region)."""
    return [o for o in OFFERS if o.kind == kind and o.region in (region, ANY_REGION)]


def covers(region: str, kind: str) -> bool:
    """Whether a row of ``region`` itself says what it offers of ``kind`` (rows for every region do not)."""
    return any(o.kind == kind and o.region == region for o in OFFERS)


OFFERED = "offered"
NOT_OFFERED = "not-offered"
UNTABLED = "untabled"  # the region is covered for the kind but no row names the value
NOT_COVERED = "not-covered"  # no row of the region says anything about the kind


def decide(region: str, kind: str, value: str) -> tuple[str, list[Offer]]:
    """Whether ``region`` offers ``value`` of ``kind``, and the rows that say so."""
    found = rows(region, kind)
    refused = [o for o in found if value in o.not_offered]
    if refused:
        return NOT_OFFERED, refused
    if not covers(region, kind):
        return NOT_COVERED, []
    offering = [o for o in found if value in o.offered]
    return (OFFERED, offering) if offering else (UNTABLED, [o for o in found if o.region == region])


def offered(region: str, kind: str) -> tuple[str, ...]:
    """The values the table says ``region`` offers of ``kind``."""
    return tuple(sorted({v for o in rows(region, kind) for v in o.offered}))


def mq_host_kind(engine_type: object) -> Optional[str]:
    """The kind of an Amazon MQ broker's host type by its engine (ActiveMQ, RabbitMQ), None for another."""
    return MQ_HOST_KINDS.get(engine_type.lower()) if isinstance(engine_type, str) else None


__all__ = ["ANY_REGION", "CACHE_ENGINE", "CACHE_NODE_TYPE", "FARGATE_ARCHITECTURE", "KINDS", "MQ_ACTIVEMQ_HOST",
           "MQ_HOST_KINDS", "MQ_RABBITMQ_HOST", "MSK_BROKER_TYPE", "NOT_COVERED", "NOT_OFFERED", "OFFERED",
           "OFFERS", "Offer", "RDS_POSTGRES_CLASS", "RDS_PROXY_ENGINE", "TABLE_DATE", "UNTABLED", "covers",
           "decide", "mq_host_kind", "offered", "rows"]
