"""The validated stack settings mapped onto each tier's Args: the one place components meet the
settings (components/platform.py wires the tiers together with these)."""

from __future__ import annotations

from typing import Optional

from .budget.budget import BudgetArgs
from .chaos.chaos import ChaosArgs
from .compute.autoscaling import BusinessHours, ServiceScaling
from .compute.compute import Compute, ComputeArgs
from .compute.microservice import ServiceSpec
from .config.settings import Settings
from .data.cache import CacheOptions
from .data.data import DataArgs
from .data.data import Data
from .data.database import DatabaseOptions
from .delivery.delivery import DeliveryArgs
from .edge.edge import ApiOptions, CdnOptions, Edge, EdgeArgs, PublicService
from .loadtest.loadtest import LoadTestArgs
from .loadtest.plan import LoadRun
from .messaging.kafka import KafkaOptions
from .messaging.messaging import Messaging, MessagingArgs
from .messaging.mq import MqOptions
from .network.network import Network, NetworkArgs
from .observability.observability import Observability, ObservabilityArgs
from .shared.naming import cluster_name


def network_args(settings: Settings) -> NetworkArgs:
    cfg = settings.config
    return NetworkArgs(stack=settings.stack, region=settings.region, base_tags=settings.base_tags,
                       vpc_cidr=cfg.vpcCidr, az_count=cfg.azCount, nat_gateway_per_az=cfg.multiAz.natGatewayPerAz,
                       log_retention_days=cfg.logRetentionDays,
                       availability_zone_ids=list(cfg.availabilityZoneIds) or None, zone_features=cfg.zone_features())


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
        password_auth_owners=[o for o in db.owners if o in cfg.services and cfg.services[o].databaseAuth == "password"],
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


def service_specs(settings: Settings) -> list[ServiceSpec]:
    """Each service with its size after the stack-wide override and its own task counts."""
    cfg = settings.config
    specs = []
    for name, svc in cfg.services.items():
        cpu, memory = cfg.service_size(name)
        sc = cfg.service_scaling(name)
        specs.append(ServiceSpec(
            name=name, cpu=cpu, memory=memory, port=svc.port, public=svc.public, architecture=svc.architecture,
            image=svc.image, critical=svc.critical,
            scaling=ServiceScaling(
                desired_count=sc.desiredCount, min_count=sc.minCount, max_count=sc.maxCount,
                cpu_target_percent=sc.cpuTargetPercent, memory_target_percent=sc.memoryTargetPercent,
                requests_per_target=sc.requestsPerTarget, scale_out_percent=sc.scaleOutPercent,
                scale_out_cooldown_seconds=sc.scaleOutCooldownSeconds, scale_in_percent=sc.scaleInPercent,
                scale_in_cooldown_seconds=sc.scaleInCooldownSeconds)))
    return specs


def observability_args(settings: Settings, edge: Edge, data: Data, messaging: Messaging) -> ObservabilityArgs:
    cfg = settings.config
    return ObservabilityArgs(
        stack=settings.stack, region=settings.region, base_tags=settings.base_tags,
        services={name: svc.public for name, svc in cfg.services.items()},
        alb_arn_suffix=edge.alb_arn_suffix,
        target_group_arn_suffixes=edge.target_group_arn_suffixes,
        alternate_target_group_arn_suffixes=edge.alternate_target_group_arn_suffixes,
        db_instance_ids=data.db_instance_ids, db_instance_class=cfg.database.instanceClass,
        db_proxy_names=data.db_proxy_names,
        cache_replication_group_id=data.cache_replication_group_id, cache_replicas=cfg.cache.replicas,
        cache_owner=cfg.cache.owner,
        kafka_cluster_name=messaging.kafka_cluster_name,
        mq_broker_name=messaging.mq_broker_name, mq_deployment_mode=cfg.mq_deployment_mode, mq_owner=cfg.mq.owner,
        alert_email=cfg.alertEmail)


def compute_args(settings: Settings, network: Network, edge: Edge, data: Data, messaging: Messaging,
                 observability: Observability) -> ComputeArgs:
    cfg, schedule = settings.config, settings.config.schedule
    return ComputeArgs(
        stack=settings.stack, region=settings.region, base_tags=settings.base_tags,
        services=service_specs(settings),
        vpc_id=network.vpc_id, vpc_cidr=network.vpc_cidr, private_subnet_ids=network.private_subnet_ids,
        alb_security_group_id=edge.alb_security_group_id,
        target_group_arns=edge.target_group_arns,
        log_retention_days=cfg.logRetentionDays, deletion_protection=cfg.deletionProtection, tracing=cfg.tracing,
        schedule=BusinessHours(days=schedule.days, start_hour=schedule.startHour, hours_per_day=schedule.hoursPerDay,
                               timezone=schedule.timezone) if schedule.enabled else None,
        service_connect_tls=cfg.serviceConnectTls, ca_organization=cfg.owner,
        access=[*data.access, *messaging.access],
        deployment_alarm_names=observability.service_alarm_names,
        alb_arn_suffix=edge.alb_arn_suffix,
        alternate_target_group_arns=edge.alternate_target_group_arns,
        production_listener_rule_arns=edge.production_listener_rule_arns,
        load_balancer_dependencies=edge.load_balancer_dependencies)


def chaos_args(settings: Settings, network: Network, data: Data, compute: Compute,
               observability: Observability) -> ChaosArgs:
    cfg = settings.config
    return ChaosArgs(
        stack=settings.stack, region=settings.region, base_tags=settings.base_tags,
        cluster_arn=compute.cluster_arn, service_arns=compute.service_arns,
        desired_counts={name: cfg.service_scaling(name).desiredCount for name in cfg.services},
        db_instance_arns=data.db_instance_arns, db_multi_az=cfg.multiAz.database,
        stop_alarm_arns=observability.chaos_stop_alarm_arns,
        availability_zone=network.az_names[0])  # the AZ experiment takes out one of the VPC's AZs


def delivery_args(settings: Settings, compute: Compute) -> Optional[DeliveryArgs]:
    """None without a repository owner: no pipelines (the ECR repositories stay; push images yourself)."""
    cfg, delivery = settings.config, settings.config.delivery
    if not delivery.repositoryOwner:
        return None
    return DeliveryArgs(
        stack=settings.stack, region=settings.region, base_tags=settings.base_tags,
        cluster_name=compute.cluster_name, ecr_repository_names=compute.ecr_repository_names,
        architectures={name: svc.architecture for name, svc in cfg.services.items()},
        source_connection_arn=delivery.sourceConnectionArn or None,
        repositories={svc: f"{delivery.repositoryOwner}/{svc}" for svc in cfg.services},
        branch=delivery.branch,
        service_role_arns={svc: [compute.task_role_arns[svc], compute.execution_role_arns[svc]]
                           for svc in cfg.services},
        log_retention_days=cfg.logRetentionDays, deletion_protection=cfg.deletionProtection)


def load_run(settings: Settings) -> LoadRun:
    cfg, lt = settings.config, settings.config.loadTest
    return LoadRun(image=lt.image, paths={name: svc.path for name, svc in cfg.services.items() if svc.public},
                   users=lt.users, spawn_rate=lt.spawnRate, run_minutes=lt.runMinutes, workers=lt.workers())


def load_test_args(settings: Settings, network: Network, edge: Edge, compute: Compute) -> Optional[LoadTestArgs]:
    """None unless the stack turns the load test on (idle at 0 tasks; a run is started by hand)."""
    cfg, lt = settings.config, settings.config.loadTest
    if not lt.enabled:
        return None
    return LoadTestArgs(
        stack=settings.stack, region=settings.region, base_tags=settings.base_tags, run=load_run(settings),
        cluster_arn=compute.cluster_arn, cluster_name=cluster_name(settings.stack),
        namespace_arn=compute.namespace_arn, vpc_id=network.vpc_id, vpc_cidr=network.vpc_cidr,
        private_subnet_ids=network.private_subnet_ids,
        target_url=edge.cdn_domain.apply(lambda d: f"https://{d}"),
        master_cpu=lt.masterCpu, master_memory=lt.masterMemory, worker_cpu=lt.workerCpu,
        worker_memory=lt.workerMemory, log_retention_days=cfg.logRetentionDays,
        deletion_protection=cfg.deletionProtection,
        tls_authority_arn=compute.private_ca_arn, tls_role_arn=compute.tls_role_arn,
        depends_on=compute.tls_dependencies)


def budget_args(settings: Settings, observability: Observability) -> BudgetArgs:
    cfg = settings.config
    return BudgetArgs(stack=settings.stack, amount_usd=float(cfg.monthlyBudgetUsd), base_tags=settings.base_tags,
                      sns_topic_arn=observability.alarm_topic_arn, alert_email=cfg.alertEmail,
                      scope=cfg.budget.scope, activate_cost_allocation_tag=cfg.budget.activateCostAllocationTag,
                      depends_on=observability.alarm_topic_publish_grants)
