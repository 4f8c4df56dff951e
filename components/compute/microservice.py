"""One microservice on ECS Fargate, with its own repository, roles, network and scaling.

Per service: ECR repository (scan on push, immutable tags, lifecycle policy), log group,
execution role (pull its own image, write its own logs, read only its own secrets), task
role (only the grants data/messaging published for it, plus X-Ray writes for the ADOT
sidecar), security group (ALB for public services, Service Connect peers), Fargate task
definition, ECS service (private subnets, no public IP, Service Connect, circuit breaker,
ECS-native canary with alarm rollback) and Application Auto Scaling.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

import pulumi
import pulumi_aws as aws

from ..shared import naming
from ..shared.access import ServiceAccess
from ..shared.iam import assume_role_policy, granted_arn
from ..shared.tags import tier_tags
from .autoscaling import BusinessHours, ScalingInputs, ServiceScaling, add_autoscaling
from .containers import APP_CONTAINER, PORT_NAME, container_definitions

TIER = "compute"

# ECS-native canary: 10 % of traffic first, then bake while the service's alarms watch; the old
# revision stays up for the final bake so a rollback is instant.  Valid: canaryPercent 0.1-100,
# bake times 0-1440 minutes (Amazon ECS API reference, CanaryConfiguration /
# DeploymentConfiguration, read 2026-11).
CANARY_PERCENT = 10.0
CANARY_BAKE_MINUTES = 10
DEPLOYMENT_BAKE_MINUTES = 10

# Public services: give new tasks time to pass ALB health checks before ECS judges them.
HEALTH_CHECK_GRACE_SECONDS = 60
# Inputs of a service that others own after the first deployment: the task count (autoscaling).
# loadBalancers stays managed (see the service below).
SERVICE_IGNORED_CHANGES = ["desiredCount"]

# With Service Connect TLS the proxy intercepts the container port and accepts TLS 1.3 only
# (ECS developer guide "Encrypt Amazon ECS Service Connect traffic", read 2026-11), which the
# ALB's HTTP target groups and health checks cannot speak (aws/containers-roadmap#2321).  A
# public service's proxy therefore listens on its own port (ingressPortOverride: "use it to
# bypass the proxy for traffic on the port ... in the named portMapping", ECS API reference
# ServiceConnectService, read 2026-11) and the ALB reaches the app port directly.
SERVICE_CONNECT_PROXY_PORT = 15443

# The one mutable tag of a repository: what the pipeline shipped last (see the ECR repository).
DEPLOY_TAG = "latest"

# ECR lifecycle: untagged layers go after a week; keep the last N release images.
ECR_UNTAGGED_DAYS = 7
ECR_KEEP_IMAGES = 30

# X-Ray write actions have no resource-level permissions (Service Authorization Reference,
# AWS X-Ray, read 2026-11), hence Resource "*".
XRAY_WRITE_ACTIONS = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules",
                      "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries"]

ECR_PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]


@dataclass(frozen=True)
class ServiceSpec:
    """One service as compute deploys it."""

    name: str
    """Service name: the ECS service, its Service Connect name and part of its resource names."""
    cpu: int = 256
    """Task CPU units (a Fargate size with ``memory``)."""
    memory: int = 512
    """Task memory in MiB."""
    port: int = 8080
    """Container port."""
    public: bool = False
    """Behind the ALB (needs a target group) rather than reachable over Service Connect only."""
    architecture: str = "ARM64"
    """CPU architecture of the task: ARM64 or X86_64."""
    image: str = ""
    """Container image; empty = the service's ECR repository at ``latest``."""
    critical: bool = True
    """Value of the ``critical`` tag (critical services never run on Fargate Spot)."""
    scaling: ServiceScaling = field(default_factory=ServiceScaling)
    """Task counts and autoscaling."""


@dataclass
class BlueGreenTargets:
    """ALB resources ECS needs to shift traffic in a canary (edge tier)."""

    alternate_target_group_arn: pulumi.Input[str]
    """Second target group of the service (the canary revision registers here)."""
    production_listener_rule_arn: pulumi.Input[str]
    """Listener rule that forwards to both target groups; ECS adjusts its weights."""


@dataclass(kw_only=True)
class ServiceEnvironment:
    """What every service of the cluster shares (the compute tier passes its own inputs down)."""

    stack: str
    """Stack name, in Name tags and alarm names."""
    region: str
    """Region of the log groups the containers and the proxy write to."""
    base_tags: Mapping[str, str]
    """Tags of every resource; the tier adds ``service`` and ``tier``."""
    vpc_id: pulumi.Input[str]
    """VPC of the tasks."""
    vpc_cidr: str
    """CIDR of the VPC, where the tasks may reach peers, data stores and endpoints."""
    private_subnet_ids: pulumi.Input[list[str]]
    """Subnets of the tasks (one per AZ); tasks never get public IPs."""
    log_retention_days: int = 30
    """Retention of the services' log groups."""
    deletion_protection: bool = True
    """Refuse to delete ECR repositories that still hold images (False: they go with the stack)."""
    tracing: bool = True
    """ADOT sidecar in every task, traces to X-Ray (the task role may write them)."""
    schedule: Optional[BusinessHours] = None
    """Business hours the services run in; None = always."""
    access: list[ServiceAccess] = field(default_factory=list)
    """Grants published by data and messaging; each service takes only its own."""


@dataclass
class MicroServiceArgs:
    """Inputs of one service."""

    service: ServiceSpec
    """What to deploy."""
    env: ServiceEnvironment
    """What it shares with the other services."""
    cluster_arn: pulumi.Input[str]
    """ECS cluster ARN."""
    cluster_name: str
    """ECS cluster name (explicit, known at plan time)."""
    peer_security_group_id: pulumi.Input[str]
    """Security group every task of the platform carries (Service Connect clients)."""
    namespace_arn: pulumi.Input[str]
    """Cloud Map namespace of Service Connect."""
    alb_security_group_id: Optional[pulumi.Input[str]] = None
    """ALB security group; required for public services."""
    target_group_arn: Optional[pulumi.Input[str]] = None
    """ALB target group of a public service; None = not behind the ALB."""
    alb_arn_suffix: Optional[pulumi.Input[str]] = None
    """ALB ARN suffix for request-count tracking; None = no request-count policy."""
    blue_green: Optional[BlueGreenTargets] = None
    """ALB canary resources; a public service without them deploys ROLLING (an ALB canary
    cannot run without an alternate target group and a listener rule)."""
    lb_infrastructure_role_arn: Optional[pulumi.Input[str]] = None
    """Role ECS assumes to shift ALB weights (needed with ``blue_green``)."""
    deployment_alarm_names: Optional[pulumi.Input[list[str]]] = None
    """CloudWatch alarms that roll a deployment back; None/empty = circuit breaker only."""
    tls_authority_arn: Optional[pulumi.Input[str]] = None
    """Private CA for Service Connect TLS; None = plaintext inside the VPC."""
    tls_role_arn: Optional[pulumi.Input[str]] = None
    """Role ECS uses to issue Service Connect certificates (with ``tls_authority_arn``)."""
    depends_on: list[pulumi.Resource] = field(default_factory=list)
    """Extra dependencies of the ECS service (e.g. the ALB listener, the CA activation)."""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "grant"


def _policy_json(statements: list[dict[str, Any]]) -> pulumi.Output[str]:
    """IAM policy document from statements whose values may be Outputs."""
    return pulumi.Output.from_input(statements).apply(
        lambda sts: json.dumps({"Version": "2012-10-17", "Statement": [st for st in sts if st]}))


def secret_resource_arn(value_from: str) -> str:
    """IAM resource for a Secrets Manager ``valueFrom``.

    ECS accepts ``<secret ARN>:<json-key>:<version-stage>:<version-id>`` (Amazon ECS developer
    guide, "Pass Secrets Manager secrets through Amazon ECS environment variables", read
    2026-11), but IAM matches only the secret ARN itself (7 colon-separated fields:
    ``arn:aws:secretsmanager:<region>:<account>:secret:<name>-<suffix>``), so the suffix must go.
    """
    parts = value_from.split(":")
    if len(parts) > 7 and parts[2] == "secretsmanager" and parts[5] == "secret":
        return ":".join(parts[:7])
    return value_from


def _secret_read_statement(refs: list[str]) -> Optional[dict[str, Any]]:
    """GetSecretValue on the bare secret ARNs behind ``refs``; None (statement dropped: one
    without a Resource is invalid) when no ref is a Secrets Manager ARN."""
    arns = sorted({secret_resource_arn(r) for r in refs if ":secretsmanager:" in r})
    return {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": arns} if arns else None


def _target_group_suffix(arn: pulumi.Input[str]) -> pulumi.Output[str]:
    """`targetgroup/<name>/<id>` (the CloudWatch TargetGroup dimension) of a target group ARN."""
    return pulumi.Output.from_input(arn).apply(
        lambda a: a[a.index("targetgroup/"):] if "targetgroup/" in a else a)


def service_connect_ingress_port(public: bool, port: int, tls: bool) -> Optional[int]:
    """Port the Service Connect proxy listens on when it must not take the app port
    (a public service with TLS); None = the default (the container port)."""
    if not (public and tls):
        return None
    return SERVICE_CONNECT_PROXY_PORT if port != SERVICE_CONNECT_PROXY_PORT else SERVICE_CONNECT_PROXY_PORT + 1


def service_connect_tls(authority_arn: Optional[pulumi.Input[str]], role_arn: Optional[pulumi.Input[str]]
                        ) -> Optional[aws.ecs.ServiceServiceConnectConfigurationServiceTlsArgs]:
    """TLS of a Service Connect endpoint from the cluster's Private CA; None = plaintext in the VPC."""
    if authority_arn is None:
        return None
    return aws.ecs.ServiceServiceConnectConfigurationServiceTlsArgs(
        issuer_cert_authority=aws.ecs.ServiceServiceConnectConfigurationServiceTlsIssuerCertAuthorityArgs(
            aws_pca_authority_arn=authority_arn),
        role_arn=role_arn)


def service_connect_logs(log_group: pulumi.Input[str], region: str
                         ) -> aws.ecs.ServiceServiceConnectConfigurationLogConfigurationArgs:
    """The Service Connect proxy's logs, in the service's own log group."""
    return aws.ecs.ServiceServiceConnectConfigurationLogConfigurationArgs(
        log_driver="awslogs",
        options={"awslogs-group": log_group, "awslogs-region": region, "awslogs-stream-prefix": "service-connect"})


def canary_enabled(public: bool, blue_green: Optional[BlueGreenTargets]) -> bool:
    """ECS canary needs managed traffic shifting: Service Connect (every service here) and,
    for a service behind the ALB, the alternate target group + listener rule."""
    return not public or blue_green is not None


class MicroService(pulumi.ComponentResource):
    """An ECS Fargate service and everything it owns."""

    service_arn: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    task_role_arn: pulumi.Output[str]
    execution_role_arn: pulumi.Output[str]
    repository_name: pulumi.Output[str]
    repository_url: pulumi.Output[str]

    def __init__(self, name: str, args: MicroServiceArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("platform:compute:MicroService", name, None, opts)
        spec = args.service
        if spec.public and (args.target_group_arn is None or args.alb_security_group_id is None):
            raise ValueError(f"public service {spec.name!r} needs target_group_arn and alb_security_group_id")
        self._name, self._args, self._spec = name, args, spec
        self._tags = tier_tags(args.env.base_tags, TIER, spec.name)
        self._child = pulumi.ResourceOptions(parent=self)
        grants = [a for a in args.env.access if a.service == spec.name]
        proxy_port = service_connect_ingress_port(spec.public, spec.port, args.tls_authority_arn is not None)

        self.repository = self._repository()
        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=f"/ecs/{args.cluster_name}/{spec.name}",
            retention_in_days=args.env.log_retention_days,
            tags=self._tags,
            opts=self._child,
        )
        self.execution_role, self.task_role = self._roles(grants)
        self.security_group = self._security_group(grants, proxy_port)
        self.task_definition = self._task_definition(grants)
        self.service = self._ecs_service(proxy_port)
        self.scaling = self._autoscaling()

        self.service_arn = self.service.arn
        self.security_group_id = self.security_group.id
        self.repository_name = self.repository.name
        self.repository_url = self.repository.repository_url
        self.register_outputs({
            "service_arn": self.service_arn,
            "security_group_id": self.security_group_id,
            "task_role_arn": self.task_role_arn,
            "repository_name": self.repository_name,
        })

    def _repository(self) -> aws.ecr.Repository:
        name, svc = self._name, self._spec.name
        repository = aws.ecr.Repository(
            f"{name}-repo",
            name=f"{self._args.cluster_name}/{svc}",
            # Release tags (the commit) are immutable; `latest` alone moves: it is the deploy
            # pointer the task definition names, so a later `pulumi up` runs the image the
            # pipeline last shipped instead of rolling it back.  ECS pins the digest per
            # deployment, so a rollback still returns to the exact previous image.
            image_tag_mutability="IMMUTABLE_WITH_EXCLUSION",
            image_tag_mutability_exclusion_filters=[aws.ecr.RepositoryImageTagMutabilityExclusionFilterArgs(
                filter=DEPLOY_TAG, filter_type="WILDCARD")],
            image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=True),
            encryption_configurations=[aws.ecr.RepositoryEncryptionConfigurationArgs(encryption_type="KMS")],
            force_delete=not self._args.env.deletion_protection,
            tags=self._tags,
            opts=self._child,
        )
        aws.ecr.LifecyclePolicy(
            f"{name}-repo-lifecycle",
            repository=repository.name,
            policy=json.dumps({"rules": [
                {"rulePriority": 1, "description": f"expire untagged images after {ECR_UNTAGGED_DAYS} days",
                 "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed",
                               "countUnit": "days", "countNumber": ECR_UNTAGGED_DAYS},
                 "action": {"type": "expire"}},
                {"rulePriority": 2, "description": f"keep the last {ECR_KEEP_IMAGES} images",
                 "selection": {"tagStatus": "any", "countType": "imageCountMoreThan",
                               "countNumber": ECR_KEEP_IMAGES},
                 "action": {"type": "expire"}},
            ]}),
            opts=self._child,
        )
        return repository

    def _roles(self, grants: list[ServiceAccess]) -> tuple[aws.iam.Role, aws.iam.Role]:
        """(execution role, task role), each with only this service's permissions."""
        name, svc, tags, child = self._name, self._spec.name, self._tags, self._child
        role_name = lambda suffix: naming.fit(f"{name}-{suffix}", naming.LIMITS["iam_role"], autonamed=True)  # noqa: E731
        execution_role = aws.iam.Role(
            role_name("exec-role"),
            description=f"ECS agent for {svc}: pull its image, write its logs, read its secrets",
            assume_role_policy=assume_role_policy("ecs-tasks.amazonaws.com"),
            tags=tags,
            opts=child,
        )
        exec_statements: list[dict[str, Any]] = [
            # GetAuthorizationToken has no resource-level permissions.
            {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
            {"Effect": "Allow", "Action": ECR_PULL_ACTIONS, "Resource": self.repository.arn},
            {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
             "Resource": self.log_group.arn.apply(lambda a: f"{a}:*")},
        ]
        # Every secret the container gets injected must be readable by the execution role, also
        # when a grant lists it only in `secrets` (as `<arn>:<json-key>::`); IAM wants bare ARNs.
        secret_refs = [*(arn for g in grants for arn in g.execution_secret_arns),
                       *(ref for g in grants for ref in g.secrets.values())]
        if secret_refs:
            exec_statements.append(pulumi.Output.all(*secret_refs).apply(_secret_read_statement))
        exec_policy = aws.iam.RolePolicy(f"{name}-exec-policy", role=execution_role.id,
                                         policy=_policy_json(exec_statements), opts=child)
        self.execution_role_arn = granted_arn(execution_role, exec_policy)

        task_role = aws.iam.Role(
            role_name("task-role"),
            description=f"Application role of {svc}: only its own data, queues and topics",
            assume_role_policy=assume_role_policy("ecs-tasks.amazonaws.com"),
            tags=tags,
            opts=child,
        )
        task_statements = [st for g in grants for st in g.policy_statements]
        if self._args.env.tracing:
            task_statements.append({"Effect": "Allow", "Action": XRAY_WRITE_ACTIONS, "Resource": "*"})
        task_policies = [aws.iam.RolePolicy(f"{name}-task-policy", role=task_role.id,
                                            policy=_policy_json(task_statements), opts=child)
                         ] if task_statements else []
        # What the task definition and other tiers get: the ARNs once the policies exist.
        self.task_role_arn = granted_arn(task_role, *task_policies)
        return execution_role, task_role

    def _security_group(self, grants: list[ServiceAccess], proxy_port: Optional[int]) -> aws.ec2.SecurityGroup:
        """The tasks' group: in from peers (and the ALB), out to the VPC and HTTPS; plus the grants' rules."""
        name, args, spec, tags, child = self._name, self._args, self._spec, self._tags, self._child
        svc, port = spec.name, spec.port
        security_group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=args.env.vpc_id,
            description=f"{svc} tasks",
            tags={**tags, "Name": f"{args.env.stack}-{svc}"},
            opts=child,
        )
        sg_id = security_group.id
        peer_port = proxy_port or port
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-from-peers", security_group_id=sg_id, referenced_security_group_id=args.peer_security_group_id,
            ip_protocol="tcp", from_port=peer_port, to_port=peer_port,
            description="Service Connect peers", tags=tags, opts=child)
        if spec.public:
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-from-alb", security_group_id=sg_id, referenced_security_group_id=args.alb_security_group_id,
                ip_protocol="tcp", from_port=port, to_port=port,
                description="ALB", tags=tags, opts=child)
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-to-vpc", security_group_id=sg_id, ip_protocol="-1", cidr_ipv4=args.env.vpc_cidr,
            description="Peers, data stores, VPC endpoints and DNS inside the VPC", tags=tags, opts=child)
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-to-https", security_group_id=sg_id, ip_protocol="tcp", from_port=443, to_port=443,
            cidr_ipv4="0.0.0.0/0", description="HTTPS to AWS APIs and third parties (via NAT)",
            tags=tags, opts=child)
        used: set[str] = set()
        for g in grants:
            if g.security_group_id is None or g.port is None:
                continue
            slug = _slug(g.description)
            while slug in used:
                slug += "-x"
            used.add(slug)
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-grant-{slug}",
                security_group_id=g.security_group_id,
                referenced_security_group_id=sg_id,
                ip_protocol="tcp", from_port=g.port, to_port=g.port_to or g.port,
                description=f"{svc}: {g.description}"[:255],
                tags=tags,
                opts=child,
            )
        return security_group

    def _task_definition(self, grants: list[ServiceAccess]) -> aws.ecs.TaskDefinition:
        args, spec = self._args, self._spec
        image: pulumi.Input[str] = spec.image or self.repository.repository_url.apply(lambda u: f"{u}:{DEPLOY_TAG}")
        environment = {k: v for g in grants for k, v in g.environment.items()}
        secrets = {k: v for g in grants for k, v in g.secrets.items()}
        volumes: list[aws.ecs.TaskDefinitionVolumeArgs] = []
        mounts: list[dict[str, Any]] = []
        for i, g in enumerate(x for x in grants if x.efs is not None):
            vol = f"efs-{i + 1}"
            volumes.append(aws.ecs.TaskDefinitionVolumeArgs(
                name=vol,
                efs_volume_configuration=aws.ecs.TaskDefinitionVolumeEfsVolumeConfigurationArgs(
                    file_system_id=g.efs.file_system_id,
                    transit_encryption="ENABLED",
                    authorization_config=aws.ecs.TaskDefinitionVolumeEfsVolumeConfigurationAuthorizationConfigArgs(
                        access_point_id=g.efs.access_point_id, iam="ENABLED"),
                ),
            ))
            mounts.append({"sourceVolume": vol, "containerPath": g.efs.container_path, "readOnly": False})

        defs = pulumi.Output.all(
            image=image, log_group=self.log_group.name,
            environment=pulumi.Output.from_input(environment), secrets=pulumi.Output.from_input(secrets),
        ).apply(lambda v: json.dumps(container_definitions(
            service=spec.name, image=v["image"], port=spec.port, log_group=v["log_group"], region=args.env.region,
            environment=v["environment"], secrets=v["secrets"], mounts=mounts, tracing=args.env.tracing)))
        return aws.ecs.TaskDefinition(
            f"{self._name}-task",
            family=f"{args.cluster_name}-{spec.name}",
            requires_compatibilities=["FARGATE"],
            network_mode="awsvpc",
            cpu=str(spec.cpu),
            memory=str(spec.memory),
            runtime_platform=aws.ecs.TaskDefinitionRuntimePlatformArgs(
                operating_system_family="LINUX", cpu_architecture=spec.architecture),
            execution_role_arn=self.execution_role_arn,
            task_role_arn=self.task_role_arn,
            container_definitions=defs,
            volumes=volumes or None,
            tags=self._tags,
            opts=self._child,
        )

    def _load_balancers(self) -> Optional[list[aws.ecs.ServiceLoadBalancerArgs]]:
        """The ALB target group of a public service (with the canary pair when the edge gave one)."""
        args, spec = self._args, self._spec
        if not spec.public:
            return None
        advanced = None
        if args.blue_green is not None:
            if args.lb_infrastructure_role_arn is None:
                raise ValueError(f"{spec.name}: blue_green needs lb_infrastructure_role_arn")
            advanced = aws.ecs.ServiceLoadBalancerAdvancedConfigurationArgs(
                alternate_target_group_arn=args.blue_green.alternate_target_group_arn,
                production_listener_rule=args.blue_green.production_listener_rule_arn,
                role_arn=args.lb_infrastructure_role_arn,
            )
        return [aws.ecs.ServiceLoadBalancerArgs(target_group_arn=args.target_group_arn,
                                                container_name=APP_CONTAINER, container_port=spec.port,
                                                advanced_configuration=advanced)]

    def _ecs_service(self, proxy_port: Optional[int]) -> aws.ecs.Service:
        args, spec = self._args, self._spec
        svc = spec.name
        canary = canary_enabled(spec.public, args.blue_green)
        if spec.public and not canary:
            pulumi.log.warn(f"{svc}: no alternate target group/listener rule from the edge tier; "
                            "deploying ROLLING with circuit breaker instead of CANARY", resource=self)
        lb = self._load_balancers()
        alarms = None
        if args.deployment_alarm_names is not None:
            alarms = aws.ecs.ServiceAlarmsArgs(alarm_names=args.deployment_alarm_names, enable=True, rollback=True)

        return aws.ecs.Service(
            f"{self._name}-service",
            name=naming.ecs_service_name(svc),
            cluster=args.cluster_arn,
            task_definition=self.task_definition.arn,
            launch_type="FARGATE",
            desired_count=spec.scaling.desired_count,
            network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
                subnets=args.env.private_subnet_ids,
                security_groups=[self.security_group.id, args.peer_security_group_id],
                assign_public_ip=False,
            ),
            load_balancers=lb,
            health_check_grace_period_seconds=HEALTH_CHECK_GRACE_SECONDS if spec.public else None,
            service_connect_configuration=aws.ecs.ServiceServiceConnectConfigurationArgs(
                enabled=True,
                namespace=args.namespace_arn,
                services=[aws.ecs.ServiceServiceConnectConfigurationServiceArgs(
                    port_name=PORT_NAME,
                    discovery_name=svc,
                    client_alias=[aws.ecs.ServiceServiceConnectConfigurationServiceClientAliasArgs(
                        port=spec.port, dns_name=svc)],
                    ingress_port_override=proxy_port,
                    tls=service_connect_tls(args.tls_authority_arn, args.tls_role_arn),
                )],
                log_configuration=service_connect_logs(self.log_group.name, args.env.region),
            ),
            deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(enable=True, rollback=True),
            deployment_configuration=aws.ecs.ServiceDeploymentConfigurationArgs(
                strategy="CANARY",
                canary_configuration=aws.ecs.ServiceDeploymentConfigurationCanaryConfigurationArgs(
                    canary_percent=CANARY_PERCENT, canary_bake_time_in_minutes=str(CANARY_BAKE_MINUTES)),
                bake_time_in_minutes=str(DEPLOYMENT_BAKE_MINUTES),
            ) if canary else aws.ecs.ServiceDeploymentConfigurationArgs(strategy="ROLLING"),
            deployment_controller=aws.ecs.ServiceDeploymentControllerArgs(type="ECS"),
            alarms=alarms,
            propagate_tags="SERVICE",
            enable_ecs_managed_tags=True,
            tags={**self._tags, "critical": str(spec.critical).lower()},
            # Autoscaling owns the task count after the first deployment.  The load balancer mapping
            # stays managed: when the edge replaces a listener rule (an edge-mode switch moves the rules
            # to another listener, and listenerArn forces a new rule) the service must name the new
            # one in the same `pulumi up`.  UpdateService changes load balancers in place for services
            # of the ECS deployment controller (Amazon ECS API reference, UpdateService, read
            # 2026-12).  What ECS rewrites during a canary is the production rule's forward weights,
            # which the rule ignores (components/edge/alb.py).
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(args.depends_on),
                                        ignore_changes=list(SERVICE_IGNORED_CHANGES)),
        )

    def _autoscaling(self) -> dict[str, pulumi.Resource]:
        args, spec = self._args, self._spec
        label, groups = None, []
        if spec.public and args.alb_arn_suffix is not None:
            tg_suffix = _target_group_suffix(args.target_group_arn)
            label = pulumi.Output.concat(args.alb_arn_suffix, "/", tg_suffix)
            groups = [tg_suffix]
            if args.blue_green is not None:
                groups.append(_target_group_suffix(args.blue_green.alternate_target_group_arn))
        return add_autoscaling(self._name, ScalingInputs(
            stack=args.env.stack, cluster_name=args.cluster_name, service_name=naming.ecs_service_name(spec.name),
            scaling=spec.scaling, schedule=args.env.schedule, tags=self._tags,
            request_count_resource_label=label, request_count_target_groups=groups), self.service, self)


__all__ = ["MicroService", "MicroServiceArgs", "ServiceEnvironment", "ServiceSpec", "BlueGreenTargets", "canary_enabled",
           "secret_resource_arn", "CANARY_PERCENT", "CANARY_BAKE_MINUTES", "SERVICE_IGNORED_CHANGES"]
