"""Regional REST API in front of the internal ALB, reaching it privately through a VPC link v2.

Every method requires an API key (usage plan: throttling + monthly quota) and, when a
Lambda authorizer ARN is given, that authorizer too.  The stage writes JSON access logs
to CloudWatch and traces with X-Ray.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Optional, Sequence

import pulumi
import pulumi_aws as aws
from platform_policies.facts.tags import SHARED_ACCOUNT_ROLE_TAG

from ..shared.iam import assume_role_policy, granted_arn
from ..shared.tags import ServiceTags
from .mode import EdgeMode
from .origin_verify import OriginVerification
from .routing import API_STAGE

# The only stage.  Over the private integration API Gateway prefixes backend paths with
# "/<stage>"; the ALB rules accept and strip that prefix (routing.stage_rewrite).
STAGE_NAME = API_STAGE
EXECUTION_LOG_GROUP_PREFIX = "API-Gateway-Execution-Logs_"

# REST APIs reach an ALB through a VPC link v2: integration type HTTP_PROXY,
# connection VPC_LINK, integrationTarget = the ALB ARN; the uri only sets the Host
# header and the name API Gateway checks the ALB certificate against (API Gateway
# developer guide, "Set up a private integration", VPC links V2 for REST APIs, 2025-11).
INTEGRATION_TYPE = "HTTP_PROXY"

# Legacy policy name that still means "TLS 1.2 minimum" on the execute-api endpoint
# (API Gateway developer guide, "Security policies for REST APIs", read 2026-11).
API_SECURITY_POLICY = "TLS_1_2"

# Managed policy API Gateway needs (account-wide, per region) to write access/execution
# logs (API Gateway developer guide, "Set up CloudWatch logging for REST APIs", 2026-11).
PUSH_TO_LOGS_POLICY = "arn:{partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"


ACCESS_LOG_FORMAT = json.dumps({
    "requestId": "$context.requestId", "ip": "$context.identity.sourceIp",
    "apiKeyId": "$context.identity.apiKeyId", "requestTime": "$context.requestTime",
    "httpMethod": "$context.httpMethod", "path": "$context.path", "status": "$context.status",
    "protocol": "$context.protocol", "responseLength": "$context.responseLength",
    "integrationStatus": "$context.integration.status", "integrationLatency": "$context.integration.latency",
    "wafStatus": "$context.waf.status", "tlsVersion": "$context.tlsVersion",
    "xrayTraceId": "$context.xrayTraceId",
}, separators=(",", ":"))


@dataclass(frozen=True)
class ApiOptions:
    """How the REST API admits, limits and records client traffic."""

    throttle_rate_per_second: float = 1000.0
    """Steady-state request rate of the usage plan and of every method."""
    throttle_burst: int = 2000
    """Burst of the usage plan and of every method."""
    quota_per_month: int = 10_000_000
    """Requests per month per API key."""
    tracing: bool = True
    """X-Ray tracing on the stage."""
    manage_account: bool = True
    """Own the region-wide API Gateway logging role (a singleton: one stack per account and region)."""
    authorizer_lambda_arn: Optional[pulumi.Input[str]] = None
    """Lambda REQUEST authorizer (Authorization header) on every method; None = the API key only."""


@dataclass
class ApiResources:
    rest_api: aws.apigateway.RestApi
    stage: aws.apigateway.Stage
    api_key: aws.apigateway.ApiKey
    usage_plan: aws.apigateway.UsagePlan
    vpc_link: aws.apigatewayv2.VpcLink
    security_group: aws.ec2.SecurityGroup
    authorizer: Optional[aws.apigateway.Authorizer]


def backend_uri(domain_name: str, alb_dns_name: pulumi.Input[str], mode: EdgeMode) -> pulumi.Output[str]:
    """Scheme, host and port of the integrations' ``uri`` (the path is appended per route).

    "By default, private integration traffic uses the HTTP protocol. To use HTTPS, specify an uri
    that contains a secure server name" (API Gateway developer guide, "Private integrations for
    REST APIs", considerations, read 2026-11).  With a domain: HTTPS to ``domain_name``, the name
    the ALB certificate covers and API Gateway checks.  Without one: HTTP to the internal ALB's
    own name, inside the VPC."""
    if mode.tls_to_alb:
        return pulumi.Output.from_input(f"https://{domain_name}:{mode.alb_port}")
    return pulumi.Output.concat("http://", alb_dns_name, f":{mode.alb_port}")


def _vpc_link(name: str, vpc_id: pulumi.Input[str], subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]],
              alb_security_group_id: pulumi.Input[str], port: int, tags: ServiceTags, parent: pulumi.Resource
              ) -> tuple[aws.apigatewayv2.VpcLink, aws.ec2.SecurityGroup]:
    opts = pulumi.ResourceOptions(parent=parent)
    api_tags = tags("api")
    sg = aws.ec2.SecurityGroup(
        f"{name}-vpclink-sg", vpc_id=vpc_id, description="API Gateway VPC link: to the ALB only",
        tags=api_tags, opts=opts)
    aws.vpc.SecurityGroupEgressRule(
        f"{name}-vpclink-to-alb", security_group_id=sg.id, ip_protocol="tcp", from_port=port, to_port=port,
        referenced_security_group_id=alb_security_group_id, description="To the ALB", tags=api_tags, opts=opts)
    # One of the two sources the internal ALB admits (the other: CloudFront's VPC origin, cdn.py).
    aws.vpc.SecurityGroupIngressRule(
        f"{name}-alb-from-vpclink", security_group_id=alb_security_group_id, ip_protocol="tcp",
        from_port=port, to_port=port, referenced_security_group_id=sg.id,
        description="API Gateway VPC link", tags=tags("alb"), opts=opts)
    link = aws.apigatewayv2.VpcLink(
        f"{name}-vpclink", subnet_ids=subnet_ids, security_group_ids=[sg.id], tags=api_tags, opts=opts)
    return link, sg


def _logging_role(name: str, tags: dict[str, str], parent: pulumi.Resource) -> aws.apigateway.Account:
    """Account-level CloudWatch role; API Gateway refuses stage logging without it."""
    opts = pulumi.ResourceOptions(parent=parent)
    partition = aws.get_partition_output(opts=pulumi.InvokeOutputOptions(parent=parent)).partition
    role = aws.iam.Role(
        f"{name}-apigw-logs",
        assume_role_policy=assume_role_policy("apigateway.amazonaws.com"),
        description="Lets API Gateway write REST API logs to CloudWatch Logs",
        tags=tags, opts=opts)
    attachment = aws.iam.RolePolicyAttachment(
        f"{name}-apigw-logs-policy", role=role.name,
        policy_arn=partition.apply(lambda p: PUSH_TO_LOGS_POLICY.format(partition=p)), opts=opts)
    return aws.apigateway.Account(
        f"{name}-apigw-account", cloudwatch_role_arn=granted_arn(role, attachment),
        opts=pulumi.ResourceOptions(parent=parent))


def _authorizer(name: str, region: str, rest_api: aws.apigateway.RestApi, lambda_arn: pulumi.Input[str],
                parent: pulumi.Resource) -> aws.apigateway.Authorizer:
    opts = pulumi.ResourceOptions(parent=parent)
    uri = pulumi.Output.from_input(lambda_arn).apply(
        lambda arn: f"arn:{arn.split(':')[1]}:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations")
    authorizer = aws.apigateway.Authorizer(
        f"{name}-authorizer", rest_api=rest_api.id, type="REQUEST", authorizer_uri=uri,
        identity_source="method.request.header.Authorization", authorizer_result_ttl_in_seconds=300, opts=opts)
    aws.lambda_.Permission(
        f"{name}-authorizer-invoke", action="lambda:InvokeFunction", function=lambda_arn,
        principal="apigateway.amazonaws.com",
        source_arn=pulumi.Output.concat(rest_api.execution_arn, "/authorizers/", authorizer.id), opts=opts)
    return authorizer


def origin_header_parameter(header_name: str, value: pulumi.Input[str]) -> dict[str, pulumi.Output[str]]:
    """Integration request parameter adding a static header.  A static value is written in
    single quotes (API Gateway developer guide, "Parameter mapping for REST APIs", static
    values; read 2026-11).  The value stays a Pulumi secret, but it is part of the
    integration's configuration (visible to whoever may call apigateway:GET on it)."""
    return {f"integration.request.header.{header_name}":
            pulumi.Output.secret(value).apply(lambda v: f"'{v}'")}


# (suffix, backend path, proxied path parameter) of the two routes: "/" and "/{proxy+}".
ROUTES = (("root", "/", False), ("proxy", "/{proxy}", True))


def _integrations(name: str, rest_api: aws.apigateway.RestApi, authorizer: Optional[aws.apigateway.Authorizer],
                  link: aws.apigatewayv2.VpcLink, alb_arn: pulumi.Input[str], backend: pulumi.Output[str],
                  origin: OriginVerification, alb_rules: Sequence[pulumi.Resource],
                  parent: pulumi.Resource) -> list[pulumi.Resource]:
    """ANY on both routes, each proxied through the VPC link with the origin header; returns the
    methods and integrations a deployment must wait for."""
    opts = pulumi.ResourceOptions(parent=parent)
    auth = ({"authorization": "CUSTOM", "authorizer_id": authorizer.id} if authorizer is not None
            else {"authorization": "NONE"})
    proxy = aws.apigateway.Resource(f"{name}-api-proxy", rest_api=rest_api.id, parent_id=rest_api.root_resource_id,
                                    path_part="{proxy+}", opts=opts)
    resource_ids = {"root": rest_api.root_resource_id, "proxy": proxy.id}
    wiring: list[pulumi.Resource] = []
    origin_header = origin_header_parameter(origin.header_name, origin.value)
    for suffix, path, proxied in ROUTES:
        method = aws.apigateway.Method(
            f"{name}-api-{suffix}-any", rest_api=rest_api.id, resource_id=resource_ids[suffix], http_method="ANY",
            api_key_required=True, request_parameters={"method.request.path.proxy": True} if proxied else None,
            **auth, opts=opts)
        integration = aws.apigateway.Integration(
            f"{name}-api-{suffix}-alb", rest_api=rest_api.id, resource_id=resource_ids[suffix],
            http_method=method.http_method, type=INTEGRATION_TYPE, integration_http_method="ANY",
            connection_type="VPC_LINK", connection_id=link.id, integration_target=alb_arn,
            uri=backend.apply(lambda b, p=path: f"{b}{p}"),
            request_parameters={**origin_header,
                                **({"integration.request.path.proxy": "method.request.path.proxy"} if proxied else {})},
            opts=pulumi.ResourceOptions(parent=parent, depends_on=list(alb_rules)))
        wiring += [method, integration]
    return wiring


def _stage(name: str, rest_api: aws.apigateway.RestApi, deployment: aws.apigateway.Deployment,
           options: ApiOptions, tags: dict[str, str], log_retention_days: int,
           parent: pulumi.Resource) -> aws.apigateway.Stage:
    """The stage with its access and execution logs, method throttling and (when managed here)
    the account's logging role."""
    opts = pulumi.ResourceOptions(parent=parent)
    depends: list[pulumi.Resource] = []
    if options.manage_account:
        depends.append(_logging_role(name, tags, parent))
    access_logs = aws.cloudwatch.LogGroup(
        f"{name}-api-access", retention_in_days=log_retention_days, tags=tags, opts=opts)
    # Execution logs (logging_level below) go to a group API Gateway names
    # "API-Gateway-Execution-Logs_{rest-api-id}/{stage-name}" and, if it does not exist,
    # creates itself without retention and outside the stack (API Gateway developer guide,
    # "Set up CloudWatch logging for REST APIs", read 2026-11): create it first.
    depends.append(aws.cloudwatch.LogGroup(
        f"{name}-api-execution", name=pulumi.Output.concat(EXECUTION_LOG_GROUP_PREFIX, rest_api.id, "/", STAGE_NAME),
        retention_in_days=log_retention_days, tags=tags, opts=opts))
    stage_tags = tags if options.manage_account else {**tags, SHARED_ACCOUNT_ROLE_TAG[0]: SHARED_ACCOUNT_ROLE_TAG[1]}
    stage = aws.apigateway.Stage(
        f"{name}-api-stage", rest_api=rest_api.id, deployment=deployment.id, stage_name=STAGE_NAME,
        xray_tracing_enabled=options.tracing,
        access_log_settings={"destination_arn": access_logs.arn, "format": ACCESS_LOG_FORMAT},
        tags=stage_tags, opts=pulumi.ResourceOptions(parent=parent, depends_on=depends))
    aws.apigateway.MethodSettings(
        f"{name}-api-methods", rest_api=rest_api.id, stage_name=stage.stage_name, method_path="*/*",
        settings={"metrics_enabled": True, "logging_level": "ERROR", "data_trace_enabled": False,
                  "throttling_rate_limit": options.throttle_rate_per_second,
                  "throttling_burst_limit": options.throttle_burst},
        opts=opts)
    return stage


def build_api(name: str, *, stack: str, region: str, vpc_id: pulumi.Input[str],
              subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]], alb: aws.lb.LoadBalancer,
              alb_security_group_id: pulumi.Input[str], domain_name: str, options: ApiOptions,
              origin: OriginVerification, alb_rules: Sequence[pulumi.Resource], mode: EdgeMode,
              tags: ServiceTags, log_retention_days: int, parent: pulumi.Resource) -> ApiResources:
    """``origin``: the secret header every integration adds so the ALB routes the request
    (components/edge/origin_verify.py); its generation redeploys the stage when it changes.
    ``alb_rules``: integrations change only after the ALB accepts the new value."""
    api_tags = tags("api")
    opts = pulumi.ResourceOptions(parent=parent)
    link, link_sg = _vpc_link(name, vpc_id, subnet_ids, alb_security_group_id, mode.alb_port, tags, parent)
    rest_api = aws.apigateway.RestApi(
        f"{name}-api", description=f"External API of the {stack} platform (proxied to the ALB)",
        endpoint_configuration={"types": "REGIONAL"}, api_key_source="HEADER",
        security_policy=API_SECURITY_POLICY, tags=api_tags, opts=opts)
    authorizer = (_authorizer(name, region, rest_api, options.authorizer_lambda_arn, parent)
                  if options.authorizer_lambda_arn is not None else None)
    backend = backend_uri(domain_name, alb.dns_name, mode)
    wiring = _integrations(name, rest_api, authorizer, link, alb.arn, backend, origin, alb_rules, parent)

    # A new deployment whenever the routing surface changes (methods, backend, authorizer,
    # origin header); the header by its generation, so the secret never enters the trigger.
    fingerprint = pulumi.Output.all(backend, alb.arn, link.id, authorizer.id if authorizer else "").apply(
        lambda parts: hashlib.sha256(json.dumps(
            [parts, [r[1] for r in ROUTES], INTEGRATION_TYPE, origin.header_name, origin.generation]
        ).encode()).hexdigest())
    deployment = aws.apigateway.Deployment(
        f"{name}-api-deployment", rest_api=rest_api.id, triggers={"redeployment": fingerprint},
        opts=pulumi.ResourceOptions(parent=parent, depends_on=wiring))
    stage = _stage(name, rest_api, deployment, options, api_tags, log_retention_days, parent)

    plan = aws.apigateway.UsagePlan(
        f"{name}-api-plan", description="Default plan for external API clients",
        api_stages=[{"api_id": rest_api.id, "stage": stage.stage_name}],
        throttle_settings={"rate_limit": options.throttle_rate_per_second, "burst_limit": options.throttle_burst},
        quota_settings={"limit": options.quota_per_month, "period": "MONTH"},
        tags=api_tags, opts=opts)
    # No value given: API Gateway generates it; the SDK keeps it secret and it is never exported.
    key = aws.apigateway.ApiKey(f"{name}-api-key", description="Default external client key", enabled=True,
                                tags=api_tags, opts=opts)
    aws.apigateway.UsagePlanKey(f"{name}-api-plan-key", key_id=key.id, key_type="API_KEY",
                                usage_plan_id=plan.id, opts=opts)
    return ApiResources(rest_api, stage, key, plan, link, link_sg, authorizer)
