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

CONTRACT_VERSION = "1.1.0"


def build_platform(settings: Settings) -> dict[str, Any]:
    from .budget.budget import Budget
    from .chaos.chaos import Chaos
    from .compute.compute import Compute
    from .data.data import Data
    from .delivery.delivery import Delivery
    from .edge.edge import Edge
    from .loadtest.loadtest import LoadTest
    from .messaging.messaging import Messaging
    from .network.network import Network
    from .observability.observability import Observability

    from .stack_args import (budget_args, chaos_args, compute_args, data_args, delivery_args, edge_args,
                             load_test_args, messaging_args, network_args, observability_args)

    network = Network("network", network_args(settings))
    edge = Edge("edge", edge_args(settings, network))
    data = Data("data", data_args(settings, network))
    messaging = Messaging("messaging", messaging_args(settings, network))
    observability = Observability("observability", observability_args(settings, edge, data, messaging))
    compute = Compute("compute", compute_args(settings, network, edge, data, messaging, observability))
    Chaos("chaos", chaos_args(settings, network, data, compute, observability))
    pipelines: dict[str, Any] = {}
    delivery = delivery_args(settings, compute)
    if delivery is not None:
        pipelines = Delivery("delivery", delivery).pipeline_names
    load_test = load_test_args(settings, network, edge, compute)
    if load_test is not None:
        LoadTest("loadtest", load_test)
    Budget("budget", budget_args(settings, observability))

    return {
        "contract_version": CONTRACT_VERSION,
        "stack": settings.stack,
        "region": settings.region,
        "vpc_id": network.vpc_id,
        "private_subnet_ids": network.private_subnet_ids,
        "public_subnet_ids": network.public_subnet_ids,
        "availability_zones": network.az_names,
        "availability_zone_ids": network.az_ids,
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
