"""Load test tier: a distributed Locust deployment in the platform's cluster, idle until you start a run.

A master (reachable by the workers at ``locust-master:5557`` through Service Connect) and
ceil(users / usersPerWorker) workers, both at desiredCount 0; a run is `aws ecs update-service
--desired-count` and ends with the same command back to 0 (docs/load-test.md).  The target is the
stack's CloudFront URL: the ALB is internal and the API stage throttles to its usage plan.  Logs go
to one log group, results to a bucket with the platform's baseline; the tasks run private, as the
image's non-root user, with a task role that has no permissions (Locust calls no AWS API).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Mapping, Optional

import pulumi
import pulumi_aws as aws
from platform_policies.facts.tags import LOAD_TEST_TAG as WORKLOAD_TAG, MINUTES_PER_RUN_TAG, TASKS_PER_RUN_TAG

from ..compute.microservice import service_connect_logs, service_connect_tls
from ..shared import naming
from ..shared.buckets import private_bucket, tls_only_policy
from ..shared.iam import assume_role_policy, granted_arn
from ..shared.tags import tier_tags
from . import plan

TIER = "loadtest"
MASTER_SERVICE = "loadtest-master"
WORKER_SERVICE = "loadtest-worker"
# Fargate bills a task from the start of its image pull to its stop, per second with a one-minute
# minimum (aws.amazon.com/fargate/pricing, read 2026-11): a run is billed for its minutes plus
# the start (image pull, workers joining) and the minutes until you scale it back to 0.  Priced as 5.
STARTUP_MINUTES = 5
# Results kept in the bucket (and old versions) before they expire.
RESULTS_RETENTION_DAYS = 90
RESULTS_PREFIX = "runs"


@dataclass
class LoadTestArgs:
    """Inputs of the load test."""

    stack: str
    """Stack name, in Name tags."""
    region: str
    """Region of the log group and the logs export."""
    base_tags: Mapping[str, str]
    """Tags of every resource; the tier adds ``service`` and ``tier``."""
    run: plan.LoadRun
    """What a run does."""
    cluster_arn: pulumi.Input[str]
    """The platform's ECS cluster."""
    cluster_name: str
    """Its name (explicit, known at plan time)."""
    namespace_arn: pulumi.Input[str]
    """The cluster's Service Connect namespace (the workers find the master there)."""
    vpc_id: pulumi.Input[str]
    """VPC of the tasks."""
    vpc_cidr: str
    """CIDR of the VPC (the tasks' egress inside it)."""
    private_subnet_ids: pulumi.Input[list[str]]
    """Private subnets (one per AZ); the tasks reach CloudFront through the NAT gateways."""
    target_url: pulumi.Input[str]
    """The public entry Locust aims at (https://<CloudFront domain>)."""
    master_cpu: int = 512
    """CPU units of the master task."""
    master_memory: int = 1024
    """Memory MiB of the master task."""
    worker_cpu: int = 1024
    """CPU units of a worker task (one Locust process per core)."""
    worker_memory: int = 2048
    """Memory MiB of a worker task."""
    log_retention_days: int = 30
    """Retention of the log group."""
    deletion_protection: bool = True
    """Keep the results bucket when it holds objects (False: it is emptied with the stack)."""
    tls_authority_arn: Optional[pulumi.Input[str]] = None
    """The cluster's Private CA for Service Connect TLS; None = plaintext in the VPC."""
    tls_role_arn: Optional[pulumi.Input[str]] = None
    """The role ECS issues Service Connect certificates with (with ``tls_authority_arn``)."""
    depends_on: Optional[list[pulumi.Resource]] = None
    """What the master's service waits for (the CA's activation)."""


class LoadTest(pulumi.ComponentResource):
    """Locust master and workers (idle), their roles, security group, log group and results bucket."""

    master_service_name: pulumi.Output[str]
    worker_service_name: pulumi.Output[str]
    log_group_name: pulumi.Output[str]
    results_bucket: pulumi.Output[str]

    def __init__(self, name: str, args: LoadTestArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("platform:loadtest:LoadTest", name, None, opts)
        self._name, self._args = name, args
        self._tags = tags = tier_tags(args.base_tags, TIER)
        self._child = child = pulumi.ResourceOptions(parent=self)

        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs", name=f"/ecs/{args.cluster_name}/loadtest",
            retention_in_days=args.log_retention_days, tags=tags, opts=child)
        self.bucket = self._results_bucket(name, args, tags)
        execution_role, task_role = self._roles()
        sg = self._security_group()

        def task_definition(role: str, cpu: int, memory: int, container) -> aws.ecs.TaskDefinition:
            defs = pulumi.Output.all(args.target_url, self.log_group.name).apply(
                lambda v: json.dumps([container(v[0], v[1])]))
            return aws.ecs.TaskDefinition(
                f"{name}-{role}-task", family=f"{args.cluster_name}-loadtest-{role}",
                requires_compatibilities=["FARGATE"], network_mode="awsvpc", cpu=str(cpu), memory=str(memory),
                runtime_platform=aws.ecs.TaskDefinitionRuntimePlatformArgs(
                    operating_system_family="LINUX", cpu_architecture=plan.ARCHITECTURE),
                execution_role_arn=execution_role, task_role_arn=task_role,
                container_definitions=defs, tags={**tags, "service": f"loadtest-{role}"}, opts=child)

        master_td = task_definition(
            "master", args.master_cpu, args.master_memory,
            lambda url, group: plan.master_container(args.run, url, group, args.region))
        worker_td = task_definition(
            "worker", args.worker_cpu, args.worker_memory,
            lambda url, group: plan.worker_container(args.run, group, args.region))
        self.master, self.worker = self._services(master_td, worker_td, sg)

        self.master_service_name = self.master.name
        self.worker_service_name = self.worker.name
        self.log_group_name = self.log_group.name
        self.results_bucket = self.bucket.bucket
        self.register_outputs({
            "master_service_name": self.master_service_name, "worker_service_name": self.worker_service_name,
            "log_group_name": self.log_group_name, "results_bucket": self.results_bucket,
        })

    def _roles(self) -> tuple[pulumi.Output[str], pulumi.Output[str]]:
        """ARNs of (execution role: write the log group, task role: nothing), once their policies exist."""
        name, tags, child = self._name, self._tags, self._child
        role_name = lambda suffix: naming.fit(f"{name}-{suffix}", naming.LIMITS["iam_role"], autonamed=True)  # noqa: E731
        execution_role = aws.iam.Role(
            role_name("exec-role"), description="ECS agent for the load test: write its log group",
            assume_role_policy=assume_role_policy("ecs-tasks.amazonaws.com"), tags=tags, opts=child)
        exec_policy = aws.iam.RolePolicy(
            f"{name}-exec-policy", role=execution_role.id,
            policy=self.log_group.arn.apply(lambda a: json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": f"{a}:*"}]})),
            opts=child)
        # Locust calls no AWS API: the task role has no policy (its own, so it never gets the agent's).
        task_role = aws.iam.Role(
            role_name("task-role"), description="Load test tasks: no AWS permissions",
            assume_role_policy=assume_role_policy("ecs-tasks.amazonaws.com"), tags=tags, opts=child)
        return granted_arn(execution_role, exec_policy), granted_arn(task_role)

    def _security_group(self) -> aws.ec2.SecurityGroup:
        """The master's port from the load test's own tasks; out to the VPC and HTTPS."""
        name, args, tags, child = self._name, self._args, self._tags, self._child
        sg = aws.ec2.SecurityGroup(
            f"{name}-sg", vpc_id=args.vpc_id, description="Load test tasks (Locust master and workers)",
            tags={**tags, "Name": f"{args.stack}-loadtest"}, opts=child)
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-from-workers", security_group_id=sg.id, referenced_security_group_id=sg.id,
            ip_protocol="tcp", from_port=plan.MASTER_PORT, to_port=plan.MASTER_PORT,
            description="Locust workers to the master", tags=tags, opts=child)
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-to-vpc", security_group_id=sg.id, ip_protocol="-1", cidr_ipv4=args.vpc_cidr,
            description="Service Connect, DNS and VPC endpoints inside the VPC", tags=tags, opts=child)
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-to-https", security_group_id=sg.id, ip_protocol="tcp", from_port=443, to_port=443,
            cidr_ipv4="0.0.0.0/0", description="HTTPS to the CloudFront entry and the image registry (via NAT)",
            tags=tags, opts=child)
        return sg

    def _services(self, master_td: aws.ecs.TaskDefinition, worker_td: aws.ecs.TaskDefinition,
                  sg: aws.ec2.SecurityGroup) -> tuple[aws.ecs.Service, aws.ecs.Service]:
        """Master and workers at desiredCount 0: a run is started and stopped by hand."""
        name, args, tags = self._name, self._args, self._tags
        network = aws.ecs.ServiceNetworkConfigurationArgs(
            subnets=args.private_subnet_ids, security_groups=[sg.id], assign_public_ip=False)
        sc_logs = service_connect_logs(self.log_group.name, args.region)
        run_minutes = str(args.run.run_minutes + STARTUP_MINUTES)
        # Between the workers' and the master's proxies: TLS from the cluster's CA, like the services.
        tls = service_connect_tls(args.tls_authority_arn, args.tls_role_arn)

        def service(ecs_name: str, td: aws.ecs.TaskDefinition, tasks_per_run: int,
                    sc: aws.ecs.ServiceServiceConnectConfigurationArgs,
                    depends_on: Optional[list[pulumi.Resource]] = None) -> aws.ecs.Service:
            return aws.ecs.Service(
                f"{name}-{ecs_name.split('-')[-1]}-service", name=ecs_name, cluster=args.cluster_arn,
                task_definition=td.arn, launch_type="FARGATE", desired_count=0,
                network_configuration=network, service_connect_configuration=sc,
                deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(enable=True, rollback=True),
                deployment_configuration=aws.ecs.ServiceDeploymentConfigurationArgs(strategy="ROLLING"),
                deployment_controller=aws.ecs.ServiceDeploymentControllerArgs(type="ECS"),
                propagate_tags="SERVICE", enable_ecs_managed_tags=True,
                tags={**tags, "service": ecs_name, "critical": "false", WORKLOAD_TAG[0]: WORKLOAD_TAG[1],
                      TASKS_PER_RUN_TAG: str(tasks_per_run), MINUTES_PER_RUN_TAG: run_minutes},
                # The run's task count is set with `aws ecs update-service`; a `pulumi up` during a run
                # must not stop it.
                opts=pulumi.ResourceOptions(parent=self, ignore_changes=["desiredCount"], depends_on=depends_on))

        master = service(MASTER_SERVICE, master_td, 1, aws.ecs.ServiceServiceConnectConfigurationArgs(
            enabled=True, namespace=args.namespace_arn, log_configuration=sc_logs,
            services=[aws.ecs.ServiceServiceConnectConfigurationServiceArgs(
                port_name=plan.PORT_NAME, discovery_name=plan.MASTER_DNS_NAME,
                client_alias=[aws.ecs.ServiceServiceConnectConfigurationServiceClientAliasArgs(
                    port=plan.MASTER_PORT, dns_name=plan.MASTER_DNS_NAME)], tls=tls)]), args.depends_on)
        # Workers are Service Connect clients only: they publish nothing.
        worker = service(WORKER_SERVICE, worker_td, args.run.workers, aws.ecs.ServiceServiceConnectConfigurationArgs(
            enabled=True, namespace=args.namespace_arn, log_configuration=sc_logs))
        return master, worker

    def _results_bucket(self, name: str, args: LoadTestArgs, tags: dict[str, str]) -> aws.s3.Bucket:
        """The platform's bucket baseline (as the ALB log bucket): ACLs off, public access blocked,
        SSE-S3, versioned, results and old versions expire, a TLS-only policy.  CloudWatch Logs may
        write exported log data (`aws logs create-export-task`) under runs/, for this account only: it
        checks the bucket's ACL and puts objects as the service principal logs.<region>.amazonaws.com
        (CloudWatch Logs user guide, "Exporting log data to Amazon S3", read 2026-11), and "exporting to
        S3 buckets that are encrypted with AES-256 is supported" (CloudWatch Logs API reference,
        CreateExportTask, read 2026-11)."""
        bucket, public_block = private_bucket(f"{name}-results", force_destroy=not args.deletion_protection,
                                              tags=tags, parent=self)
        opts = pulumi.ResourceOptions(parent=self)
        aws.s3.BucketVersioning(f"{name}-results-versioning", bucket=bucket.id,
                                versioning_configuration={"status": "Enabled"}, opts=opts)
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-results-expiry", bucket=bucket.id,
            rules=[{"id": "expire-results", "status": "Enabled", "filter": {},
                    "expiration": {"days": RESULTS_RETENTION_DAYS},
                    "noncurrent_version_expiration": {"noncurrent_days": RESULTS_RETENTION_DAYS},
                    "abort_incomplete_multipart_upload": {"days_after_initiation": 1}}],
            opts=opts)
        logs_principal = {"Service": f"logs.{args.region}.amazonaws.com"}
        tls_only_policy(f"{name}-results", bucket, public_block, lambda arn, account: [
            {"Sid": "LogsExportAcl", "Effect": "Allow", "Principal": logs_principal, "Action": "s3:GetBucketAcl",
             "Resource": arn, "Condition": {"StringEquals": {"aws:SourceAccount": account}}},
            {"Sid": "LogsExportWrite", "Effect": "Allow", "Principal": logs_principal, "Action": "s3:PutObject",
             "Resource": f"{arn}/{RESULTS_PREFIX}/*",
             "Condition": {"StringEquals": {"aws:SourceAccount": account}}}], self)
        return bucket


__all__ = ["LoadTest", "LoadTestArgs", "MASTER_SERVICE", "WORKER_SERVICE", "WORKLOAD_TAG", "TASKS_PER_RUN_TAG",
           "MINUTES_PER_RUN_TAG", "STARTUP_MINUTES"]
