"""The validated stack settings mapped onto each tier's Args: the one place components meet the
settings (components/platform.py wires the tiers together with these)."""

from __future__ import annotations

from .config.settings import Settings
from .data.cache import CacheOptions
from .data.data import DataArgs
from .data.database import DatabaseOptions
from .edge.edge import ApiOptions, CdnOptions, EdgeArgs, PublicService
from .messaging.kafka import KafkaOptions
from .messaging.messaging import MessagingArgs
from .messaging.mq import MqOptions
from .network.network import Network, NetworkArgs


def network_args(settings: Settings) -> NetworkArgs:
    cfg = settings.config
    return NetworkArgs(stack=settings.stack, region=settings.region, base_tags=settings.base_tags,
                       vpc_cidr=cfg.vpcCidr, az_count=cfg.azCount, nat_gateway_per_az=cfg.multiAz.natGatewayPerAz,
                       log_retention_days=cfg.logRetentionDays)


def edge_args(settings: Settings, network: Network) -> EdgeArgs:
    cfg, edge = settings.config, settings.config.edge
    return EdgeArgs(
        stack=settings.stack, region=settings.region, base_tags=settings.base_tags,
        vpc_id=network.vpc_id, vpc_cidr=cfg.vpcCidr, private_subnet_ids=network.private_subnet_ids,
        services={name: PublicService(port=s.port, path=s.path, health_check_path=s.healthCheckPath)
                  for name, s in cfg.services.items() if s.public},
        domain_name=edge.domainName, certificate_arn=edge.certificateArn, hosted_zone_id=edge.hostedZoneId,
        api=ApiOptions(throttle_rate_per_second=edge.apiThrottleRatePerSecond, throttle_burst=edge.apiThrottleBurst,
                       quota_per_month=edge.apiQuotaPerMonth, tracing=cfg.tracing,
                       manage_account=edge.manageApiGatewayAccount),
        cdn=CdnOptions(aliases=list(edge.cdnAliases), certificate_arn=edge.cdnCertificateArn) if edge.cdn else None,
        waf_rate_limit=edge.wafRateLimit,
        origin_verify_generation=edge.originVerifyGeneration,
        origin_verify_accept_previous=edge.originVerifyAcceptPrevious,
        deletion_protection=cfg.deletionProtection, log_retention_days=cfg.logRetentionDays)


def data_args(settings: Settings, network: Network) -> DataArgs:
    cfg = settings.config
    db, cache = cfg.database, cfg.cache
    return DataArgs(
        stack=settings.stack, vpc_id=network.vpc_id, private_subnet_ids=network.private_subnet_ids,
        base_tags=settings.base_tags, database_owners=list(db.owners),
        database=DatabaseOptions(engine_version=db.engineVersion, instance_class=db.instanceClass,
                                 allocated_storage_gb=db.allocatedStorageGb,
                                 max_allocated_storage_gb=db.maxAllocatedStorageGb,
                                 backup_retention_days=db.backupRetentionDays, read_replicas=db.readReplicas,
                                 multi_az=cfg.multiAz.database),
        cache=CacheOptions(owner=cache.owner, engine=cache.engine, engine_version=cache.engineVersion,
                           node_type=cache.nodeType, replicas=cache.replicas, multi_az=cfg.multiAz.cache),
        efs_mounted_by=list(cfg.efs.mountedBy), az_count=cfg.azCount,
        deletion_protection=cfg.deletionProtection, log_retention_days=cfg.logRetentionDays)


def messaging_args(settings: Settings, network: Network) -> MessagingArgs:
    cfg = settings.config
    kafka, mq = cfg.kafka, cfg.mq
    return MessagingArgs(
        stack=settings.stack, region=settings.region, vpc_id=network.vpc_id,
        private_subnet_ids=network.private_subnet_ids, base_tags=settings.base_tags,
        kafka=KafkaOptions(kafka_version=kafka.kafkaVersion, broker_type=kafka.brokerType,
                           broker_count=cfg.kafka_broker_count, storage_gb=kafka.storageGb,
                           max_storage_gb=kafka.maxStorageGb, clients=list(kafka.clients)),
        mq=MqOptions(owner=mq.owner, engine_version=mq.engineVersion, host_type=mq.hostType,
                     deployment_mode=cfg.mq_deployment_mode),
        deletion_protection=cfg.deletionProtection, log_retention_days=cfg.logRetentionDays)
