"""Wire the tiers together in dependency order and return the outputs contract.

Order: network -> edge (ALB, target groups) -> data, messaging (publish what
each service may reach) -> observability (alarms, by deterministic names) ->
compute (services, wired to the grants and to the alarms for canary rollback)
-> chaos, delivery (only with delivery.repositoryOwner), load test (only with loadTest.enabled),
budget (alerts to the alarm topic).
"""

from __future__ import annotations

from typing import Any

from .config.settings import Settings

CONTRACT_VERSION = "1.0.0"


def build_platform(settings: Settings) -> dict[str, Any]:
    from .budget.budget import Budget, BudgetArgs
    from .chaos.chaos import Chaos, ChaosArgs
    from .compute.compute import Compute, ComputeArgs
    from .data.data import Data
    from .delivery.delivery import Delivery, DeliveryArgs
    from .edge.edge import Edge
    from .messaging.messaging import Messaging
    from .network.network import Network
    from .observability.observability import Observability, ObservabilityArgs

    from .stack_args import data_args, edge_args, messaging_args, network_args

    network = Network("network", network_args(settings))
    edge = Edge("edge", edge_args(settings, network))
    data = Data("data", data_args(settings, network))
    messaging = Messaging("messaging", messaging_args(settings, network))
    observability = Observability("observability", ObservabilityArgs(
        settings=settings,
        alb_arn_suffix=edge.alb_arn_suffix,
        target_group_arn_suffixes=edge.target_group_arn_suffixes,
        alternate_target_group_arn_suffixes=edge.alternate_target_group_arn_suffixes,
        db_instance_ids=data.db_instance_ids,
        cache_replication_group_id=data.cache_replication_group_id,
        kafka_cluster_name=messaging.kafka_cluster_name,
        mq_broker_name=messaging.mq_broker_name,
    ))
    compute = Compute("compute", ComputeArgs(
        settings=settings,
        vpc_id=network.vpc_id,
        private_subnet_ids=network.private_subnet_ids,
        alb_security_group_id=edge.alb_security_group_id,
        target_group_arns=edge.target_group_arns,
        alb_arn_suffix=edge.alb_arn_suffix,
        alternate_target_group_arns=edge.alternate_target_group_arns,
        production_listener_rule_arns=edge.production_listener_rule_arns,
        load_balancer_dependencies=edge.load_balancer_dependencies,
        access=[*data.access, *messaging.access],
        deployment_alarm_names=observability.service_alarm_names,
    ))
    Chaos("chaos", ChaosArgs(
        settings=settings,
        cluster_arn=compute.cluster_arn,
        service_arns=compute.service_arns,
        db_instance_arns=data.db_instance_arns,
        stop_alarm_arns=observability.chaos_stop_alarm_arns,
        availability_zone=network.az_names[0],  # the AZ experiment takes out one of the VPC's AZs
    ))
    pipelines: dict[str, Any] = {}
    owner = settings.config.delivery.repositoryOwner
    if owner:  # unset: no pipelines (the ECR repositories stay in compute; push images yourself)
        delivery = Delivery("delivery", DeliveryArgs(
            settings=settings,
            cluster_name=compute.cluster_name,
            ecr_repository_names=compute.ecr_repository_names,
            source_connection_arn=settings.config.delivery.sourceConnectionArn or None,
            repositories={svc: f"{owner}/{svc}" for svc in settings.config.services},
            branch=settings.config.delivery.branch,
            service_role_arns={svc: [compute.task_role_arns[svc], compute.execution_role_arns[svc]]
                               for svc in settings.config.services},
        ))
        pipelines = delivery.pipeline_names
    if settings.config.loadTest.enabled:  # idle at 0 tasks; a run is started by hand (docs/load-test.md)
        from .loadtest.loadtest import LoadTest, LoadTestArgs
        from .shared.naming import cluster_name

        LoadTest("loadtest", LoadTestArgs(
            settings=settings,
            cluster_arn=compute.cluster_arn,
            cluster_name=cluster_name(settings.stack),
            namespace_arn=compute.namespace_arn,
            vpc_id=network.vpc_id,
            private_subnet_ids=network.private_subnet_ids,
            target_url=edge.cdn_domain.apply(lambda d: f"https://{d}"),
            tls_authority_arn=compute.private_ca_arn,
            tls_role_arn=compute.tls_role_arn,
            depends_on=compute.tls_dependencies,
        ))
    Budget("budget", BudgetArgs(settings=settings, sns_topic_arn=observability.alarm_topic_arn))

    return {
        "contract_version": CONTRACT_VERSION,
        "stack": settings.stack,
        "region": settings.region,
        "vpc_id": network.vpc_id,
        "private_subnet_ids": network.private_subnet_ids,
        "public_subnet_ids": network.public_subnet_ids,
        "availability_zones": network.az_names,
        "cluster_arn": compute.cluster_arn,
        "cluster_name": compute.cluster_name,
        "service_connect_namespace": compute.service_connect_namespace,
        "alb_dns_name": edge.alb_dns_name,
        "api_url": edge.api_url,
        "cdn_domain": edge.cdn_domain,
        "databases": data.databases,
        "redis_endpoint": data.redis_endpoint,
        "kafka_bootstrap_brokers_tls": messaging.kafka_bootstrap_brokers_tls,
        "kafka_bootstrap_brokers_iam": messaging.kafka_bootstrap_brokers_iam,
        "mq_endpoints": messaging.mq_endpoints,
        "efs_id": data.efs_id,
        "alarm_topic_arn": observability.alarm_topic_arn,
        "pipelines": pipelines,
    }
