"""Compute tier: the ECS cluster, Service Connect, and one MicroService per configured service.

Shared pieces live here: the cluster (Container Insights), the Cloud Map namespace Service
Connect uses, the optional AWS Private CA that issues Service Connect TLS certificates
(App Mesh reached end of support on 2026-09-30), the security group every task carries
(Service Connect clients), and the role ECS assumes to shift ALB weights in a canary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

import pulumi
import pulumi_aws as aws

from ..shared import naming
from ..shared.iam import assume_role_policy, granted_arn
from ..shared.tags import tier_tags
from .microservice import BlueGreenTargets, MicroService, MicroServiceArgs, ServiceEnvironment, ServiceSpec

TIER = "compute"

# Private CA mode for Service Connect TLS.  Service Connect certificates are short-lived
# and rotated by ECS, so the cheaper short-lived mode fits: $50 per CA-month versus $400
# for general-purpose (AWS Private CA pricing, aws.amazon.com/private-ca/pricing, read
# 2026-11).
PRIVATE_CA_USAGE_MODE = "SHORT_LIVED_CERTIFICATE"
PRIVATE_CA_VALIDITY_YEARS = 10
# Minimum restore window AWS allows before a deleted CA is gone (7-30 days).
PRIVATE_CA_DELETION_DAYS = 7

# AWS managed policies for ECS infrastructure roles (Amazon ECS developer guide,
# "Amazon ECS infrastructure IAM role", read 2026-11).
SC_TLS_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity"
LB_INFRA_POLICY = "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers"


@dataclass(kw_only=True)
class ComputeArgs(ServiceEnvironment):
    """Inputs of the compute tier (with what its services share: stack, network, logs, tracing,
    schedule, grants)."""

    services: Sequence[ServiceSpec]
    """The services, one MicroService each, in this order; the cluster is ``microservices-<stack>``."""
    alb_security_group_id: pulumi.Input[str]
    """Security group of the ALB; public services accept their port from it only."""
    target_group_arns: dict[str, pulumi.Input[str]]
    """Service -> ALB target group ARN, public services only (the edge tier owns them)."""
    service_connect_tls: bool = True
    """Service Connect TLS with certificates from an AWS Private CA of the cluster."""
    ca_organization: str = "platform-team"
    """Organisation in the Private CA's subject (at most 64 characters are used)."""
    deployment_alarm_names: dict[str, pulumi.Input[list[str]]] = field(default_factory=dict)
    """Service -> CloudWatch alarm names that roll a deployment back (observability tier)."""
    alb_arn_suffix: Optional[pulumi.Input[str]] = None
    """ALB ARN suffix; enables ALB request-count target tracking on public services."""
    alternate_target_group_arns: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    """Service -> second target group for ECS canary traffic shifting (edge tier)."""
    production_listener_rule_arns: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    """Service -> listener rule forwarding to both target groups (edge tier). A public service
    without both deploys ROLLING (with circuit breaker) instead of CANARY."""
    load_balancer_dependencies: list[pulumi.Resource] = field(default_factory=list)
    """Resources ECS services must wait for (the ALB listener/rules: ECS rejects a target group
    that is not attached to a load balancer)."""
    private_ca_usage_mode: str = PRIVATE_CA_USAGE_MODE
    """AWS Private CA mode: SHORT_LIVED_CERTIFICATE or GENERAL_PURPOSE."""


class Compute(pulumi.ComponentResource):
    """ECS cluster, Service Connect namespace, optional Private CA, and the services."""

    cluster_arn: pulumi.Output[str]
    cluster_name: pulumi.Output[str]
    service_connect_namespace: pulumi.Output[str]
    namespace_arn: pulumi.Output[str]
    service_arns: dict[str, pulumi.Output[str]]
    ecr_repository_names: dict[str, pulumi.Output[str]]
    ecr_repository_urls: dict[str, pulumi.Output[str]]
    service_security_group_ids: dict[str, pulumi.Output[str]]
    task_role_arns: dict[str, pulumi.Output[str]]
    execution_role_arns: dict[str, pulumi.Output[str]]
    peer_security_group_id: pulumi.Output[str]
    private_ca_arn: Optional[pulumi.Output[str]]
    tls_role_arn: Optional[pulumi.Output[str]]
    tls_dependencies: list[pulumi.Resource]

    def __init__(self, name: str, args: ComputeArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("platform:compute:Compute", name, None, opts)
        tags = tier_tags(args.base_tags, TIER)
        child = pulumi.ResourceOptions(parent=self)
        cluster_name = naming.cluster_name(args.stack)

        missing = [sv.name for sv in args.services if sv.public and sv.name not in args.target_group_arns]
        if missing:
            raise ValueError(f"public services without a target group: {', '.join(missing)}")

        # HTTP namespace: Service Connect resolves through its proxy, so no Route 53 zone is needed.
        self.namespace = aws.servicediscovery.HttpNamespace(
            f"{name}-namespace",
            name=f"{cluster_name}.internal",
            description=f"Service Connect namespace of {cluster_name}",
            tags=tags,
            opts=child,
        )
        self.cluster = aws.ecs.Cluster(
            f"{name}-cluster",
            name=cluster_name,
            settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value="enabled")],
            service_connect_defaults=aws.ecs.ClusterServiceConnectDefaultsArgs(namespace=self.namespace.arn),
            tags=tags,
            opts=child,
        )
        self.peer_security_group = aws.ec2.SecurityGroup(
            f"{name}-peers-sg",
            vpc_id=args.vpc_id,
            description="Every platform task: the source Service Connect peers accept",
            tags={**tags, "Name": f"{args.stack}-service-peers"},
            opts=child,
        )
        tls_arn, tls_role_arn, tls_deps = (self._private_ca(name, args, cluster_name, tags)
                                           if args.service_connect_tls else (None, None, []))
        canary_pairs = [sv.name for sv in args.services if sv.public and sv.name in args.alternate_target_group_arns
                        and sv.name in args.production_listener_rule_arns]
        lb_role_arn = self._lb_infrastructure_role(name, tags) if canary_pairs else None

        self.services: dict[str, MicroService] = {}
        for spec in args.services:
            svc = spec.name
            bg = None
            if svc in canary_pairs:
                bg = BlueGreenTargets(alternate_target_group_arn=args.alternate_target_group_arns[svc],
                                      production_listener_rule_arn=args.production_listener_rule_arns[svc])
            self.services[svc] = MicroService(f"{name}-{svc}", MicroServiceArgs(
                service=spec,
                env=args,
                cluster_arn=self.cluster.arn,
                cluster_name=cluster_name,
                peer_security_group_id=self.peer_security_group.id,
                namespace_arn=self.namespace.arn,
                alb_security_group_id=args.alb_security_group_id if spec.public else None,
                target_group_arn=args.target_group_arns.get(svc) if spec.public else None,
                alb_arn_suffix=args.alb_arn_suffix if spec.public else None,
                blue_green=bg,
                lb_infrastructure_role_arn=lb_role_arn,
                deployment_alarm_names=args.deployment_alarm_names.get(svc),
                tls_authority_arn=tls_arn,
                tls_role_arn=tls_role_arn,
                depends_on=[*tls_deps, *(args.load_balancer_dependencies if spec.public else [])],
            ), opts=child)

        # For other Service Connect services in the cluster (the load test): the same TLS issuer.
        self.private_ca_arn, self.tls_role_arn, self.tls_dependencies = tls_arn, tls_role_arn, tls_deps
        self._publish_outputs()

    def _publish_outputs(self) -> None:
        self.cluster_arn = self.cluster.arn
        self.cluster_name = self.cluster.name
        self.service_connect_namespace = self.namespace.name
        self.namespace_arn = self.namespace.arn
        self.peer_security_group_id = self.peer_security_group.id
        self.service_arns = {n: m.service_arn for n, m in self.services.items()}
        self.ecr_repository_names = {n: m.repository_name for n, m in self.services.items()}
        self.ecr_repository_urls = {n: m.repository_url for n, m in self.services.items()}
        self.service_security_group_ids = {n: m.security_group_id for n, m in self.services.items()}
        self.task_role_arns = {n: m.task_role_arn for n, m in self.services.items()}
        self.execution_role_arns = {n: m.execution_role_arn for n, m in self.services.items()}
        self.register_outputs({
            "cluster_arn": self.cluster_arn,
            "cluster_name": self.cluster_name,
            "service_connect_namespace": self.service_connect_namespace,
            "service_arns": self.service_arns,
            "ecr_repository_names": self.ecr_repository_names,
        })

    def _lb_infrastructure_role(self, name: str, tags: dict[str, str]) -> pulumi.Output[str]:
        """The role ECS assumes to shift ALB listener-rule weights in a canary; its ARN."""
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            f"{name}-lb-infra-role",
            description="ECS shifts ALB listener-rule weights during canary deployments",
            assume_role_policy=assume_role_policy("ecs.amazonaws.com"),
            tags=tags,
            opts=child,
        )
        attach = aws.iam.RolePolicyAttachment(f"{name}-lb-infra-policy", role=role.name, policy_arn=LB_INFRA_POLICY,
                                              opts=child)
        # ECS checks on CreateService/UpdateService that it can assume the role and use the target groups.
        return granted_arn(role, attach)

    def _private_ca(self, name: str, args: ComputeArgs, cluster: str, tags: dict[str, str]
                    ) -> tuple[pulumi.Output[str], pulumi.Output[str], list[pulumi.Resource]]:
        """Root CA for Service Connect TLS; (arn, role arn, what a TLS service must wait for)."""
        child = pulumi.ResourceOptions(parent=self)
        ca = aws.acmpca.CertificateAuthority(
            f"{name}-private-ca",
            type="ROOT",
            usage_mode=args.private_ca_usage_mode,
            certificate_authority_configuration=aws.acmpca.CertificateAuthorityCertificateAuthorityConfigurationArgs(
                # Service Connect accepts 256-bit ECDSA and 2048-bit RSA certificates.
                key_algorithm="EC_prime256v1",
                signing_algorithm="SHA256WITHECDSA",
                subject=aws.acmpca.CertificateAuthorityCertificateAuthorityConfigurationSubjectArgs(
                    common_name=f"{cluster} service connect", organization=args.ca_organization[:64]),
            ),
            permanent_deletion_time_in_days=PRIVATE_CA_DELETION_DAYS,
            # ECS's managed TLS policy acts on CAs it is told to manage.
            tags={**tags, "AmazonECSManaged": "true"},
            opts=child,
        )
        partition = aws.get_partition_output().partition
        root_cert = aws.acmpca.Certificate(
            f"{name}-private-ca-root",
            certificate_authority_arn=ca.arn,
            certificate_signing_request=ca.certificate_signing_request,
            signing_algorithm="SHA256WITHECDSA",
            template_arn=partition.apply(lambda p: f"arn:{p}:acm-pca:::template/RootCACertificate/V1"),
            validity=aws.acmpca.CertificateValidityArgs(type="YEARS", value=str(PRIVATE_CA_VALIDITY_YEARS)),
            opts=child,
        )
        activation = aws.acmpca.CertificateAuthorityCertificate(
            f"{name}-private-ca-activation",
            certificate_authority_arn=ca.arn,
            certificate=root_cert.certificate,
            certificate_chain=root_cert.certificate_chain,
            opts=child,
        )
        role = aws.iam.Role(
            f"{name}-sc-tls-role",
            description="ECS issues and rotates Service Connect TLS certificates",
            assume_role_policy=assume_role_policy("ecs.amazonaws.com"),
            tags=tags,
            opts=child,
        )
        attach = aws.iam.RolePolicyAttachment(f"{name}-sc-tls-policy", role=role.name,
                                              policy_arn=SC_TLS_POLICY, opts=child)
        return ca.arn, granted_arn(role, attach), [activation, attach]


__all__ = ["Compute", "ComputeArgs", "ServiceSpec"]
