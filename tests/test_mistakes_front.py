"""Realistic mistakes on the front services, applied to the recorded plans of both stacks.

Each row mutates one input (or drops one resource) of the committed program's plan the way a user or
a bad refactor would, and names the mandatory policy that must catch it on which resource.  The
unmutated plans must not show that finding.  Judged in-process (tests/pack_inproc.py); the last tests
check that the real pack over gRPC agrees.

The plans are recorded with the delivery pipelines switched on (``delivery.repositoryOwner`` set, as a
user with pipelines has it), so the CodeBuild/CodePipeline/S3 rows always have their resources.  A row
whose resource the default edge mode does not create (the HTTPS listener exists only with a domain) is
judged on a plan in the custom-domain mode instead; no row is skipped.
"""

from __future__ import annotations

import json
from typing import Any, Callable

import pytest

from conftest import plan_for, shared_plan
from pack_inproc import evaluate, find, mandatory, mutated
from platform_policies import all_rules

TASK, SVC = "aws:ecs/taskDefinition:TaskDefinition", "aws:ecs/service:Service"
CLUSTER, REPO = "aws:ecs/cluster:Cluster", "aws:ecr/repository:Repository"
REPO_LC = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
LB, TG = "aws:lb/loadBalancer:LoadBalancer", "aws:lb/targetGroup:TargetGroup"
LISTENER, RULE = "aws:lb/listener:Listener", "aws:lb/listenerRule:ListenerRule"
STAGE, SETTINGS = "aws:apigateway/stage:Stage", "aws:apigateway/methodSettings:MethodSettings"
METHOD, API, INTEGRATION = "aws:apigateway/method:Method", "aws:apigateway/restApi:RestApi", \
    "aws:apigateway/integration:Integration"
CDN, ACL, IPSET = "aws:cloudfront/distribution:Distribution", "aws:wafv2/webAcl:WebAcl", "aws:wafv2/ipSet:IpSet"
VPC_ORIGIN = "aws:cloudfront/vpcOrigin:VpcOrigin"
ASSOC, WAFLOG = "aws:wafv2/webAclAssociation:WebAclAssociation", \
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
LOGGROUP = "aws:cloudwatch/logGroup:LogGroup"
TARGET, POLICY, SCHEDULE = "aws:appautoscaling/target:Target", "aws:appautoscaling/policy:Policy", \
    "aws:appautoscaling/scheduledAction:ScheduledAction"
PROJECT, PIPELINE, CONNECTION = "aws:codebuild/project:Project", "aws:codepipeline/pipeline:Pipeline", \
    "aws:codeconnections/connection:Connection"
BUCKET_POLICY, PAB = "aws:s3/bucketPolicy:BucketPolicy", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
CA, NAMESPACE = "aws:acmpca/certificateAuthority:CertificateAuthority", \
    "aws:servicediscovery/httpNamespace:HttpNamespace"

Edit = Callable[[dict], Any]


def inputs(type_: str, name: str, change: Callable[[dict], Any]) -> Edit:
    """Change the inputs of one resource."""
    return lambda plan: change(find(plan, type_, name)["inputs"])


def drop(type_: str, name: str) -> Edit:
    return lambda plan: plan["resources"].remove(find(plan, type_, name))


def containers(change: Callable[[list], Any], task: str = "compute-stream-processor-task") -> Edit:
    def edit(i: dict) -> None:
        defs = json.loads(i["containerDefinitions"])
        change(defs)
        i["containerDefinitions"] = json.dumps(defs)
    return inputs(TASK, task, edit)


def _last_step(i: dict, path: str) -> tuple[Any, Any]:
    """The container that a dotted path (list indexes as numbers) ends in, and the path's last key."""
    keys = [int(k) if k.isdigit() else k for k in path.split(".")]
    cur: Any = i
    for k in keys[:-1]:
        cur = cur[k]
    return cur, keys[-1]


def setter(path: str, value: Any) -> Callable[[dict], None]:
    """Set a dotted path in a resource's inputs."""
    def change(i: dict) -> None:
        cur, key = _last_step(i, path)
        cur[key] = value
    return change


def remove(path: str) -> Callable[[dict], None]:
    """Drop a dotted path from a resource's inputs."""
    def change(i: dict) -> None:
        cur, key = _last_step(i, path)
        cur.pop(key)
    return change


def _app(defs: list) -> dict:
    return defs[0]


def _retarget_association(plan: dict) -> None:
    """The ALB association points at the CLOUDFRONT web ACL (a wrong ACL variable)."""
    assoc = find(plan, ASSOC, "edge-waf-alb")
    cdn_acl = find(plan, ACL, "edge-waf-cdn")
    assoc["propertyDependencies"]["webAclArn"] = [cdn_acl["urn"]]


def _rename_waf_log_group(plan: dict) -> None:
    group = find(plan, LOGGROUP, "edge-waf-logs")
    group["inputs"]["name"] = "microservices-prod-alb-waf"
    find(plan, WAFLOG, "edge-waf-logging")["inputs"]["logDestinationConfigs"] = [
        "arn:aws:logs:us-east-1:123456789012:log-group:microservices-prod-alb-waf"]


def _drop_public_alb_waf(plan: dict) -> None:
    """A refactor makes the ALB internet-facing and loses its WAF association on the way (only an
    internet-facing ALB must sit behind WAF; the committed one is internal, behind the VPC origin)."""
    find(plan, LB, "edge-alb")["inputs"]["internal"] = False
    plan["resources"].remove(find(plan, ASSOC, "edge-waf-alb"))


def _custom_origin(**config: Any) -> Edit:
    """A refactor points CloudFront at the ALB's name as a custom origin instead of the VPC origin."""
    def edit(i: dict) -> None:
        origin = i["origins"][0]
        origin.pop("vpcOriginConfig", None)
        origin["customOriginConfig"] = {"httpPort": 80, "httpsPort": 443, "originProtocolPolicy": "https-only",
                                        "originSslProtocols": ["TLSv1.2"], **config}
    return edit


def _vpc_origin_to_public_alb(plan: dict) -> None:
    find(plan, VPC_ORIGIN, "edge-vpc-origin")  # only in the VPC-origin edge mode
    find(plan, LB, "edge-alb")["inputs"]["internal"] = False


def _lifecycle(change: Callable[[list], Any]) -> Edit:
    def edit(i: dict) -> None:
        doc = json.loads(i["policy"])
        change(doc["rules"])
        i["policy"] = json.dumps(doc)
    return inputs(REPO_LC, "compute-inventory-repo-lifecycle", edit)


def _bucket_policy(change: Callable[[dict], Any], name: str = "edge-alb-logs-policy") -> Edit:
    def edit(i: dict) -> None:
        doc = json.loads(i["policy"])
        change(doc)
        i["policy"] = json.dumps(doc)
    return inputs(BUCKET_POLICY, name, edit)


def _orphan_policy(plan: dict) -> None:
    """A scaling policy for a service whose scalable target was removed (refactor dropped it)."""
    plan["resources"].remove(find(plan, TARGET, "compute-user-scaling-target"))
    for name in ("compute-user-cpu-target", "compute-user-memory-target", "compute-user-requests-target",
                 "compute-user-step-in", "compute-user-step-out"):
        find(plan, POLICY, name)["propertyDependencies"] = {}


def _cdn_waf_logs_to_eu_west_1_arn(plan: dict) -> None:
    """The CLOUDFRONT web ACL's logging points at a log group ARN in the stack's region (eu-west-1)."""
    logging = find(plan, WAFLOG, "edge-waf-cdn-logging")
    logging["inputs"]["logDestinationConfigs"] = [
        "arn:aws:logs:eu-west-1:123456789012:log-group:aws-waf-logs-microservices-cdn"]
    logging["propertyDependencies"].pop("logDestinationConfigs", None)


def _open_resource_policy(i: dict) -> None:
    i["policy"] = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"}]})


def _s3_origin(**origin: Any) -> Callable[[dict], None]:
    """A second origin, an S3 bucket for static assets, added next to the ALB."""
    return lambda i: i["origins"].append({"originId": "assets", **origin})


ALL = ("prod", "dev")
PROD = ("prod",)
DEV = ("dev",)

# (id, stacks, edit, policy that must catch it, resource it names)
MISTAKES: list[tuple[str, tuple, Edit, str, str]] = [
    # ---- ECS / Fargate ---------------------------------------------------------------------------------
    ("fargate-privileged", ALL, containers(lambda d: _app(d).update(privileged=True)),
     "fargate-task-definition-constraints", "compute-stream-processor-task"),
    ("privileged-is-insecure", ALL, containers(lambda d: _app(d).update(privileged=True)),
     "ecs-task-hardening", "compute-stream-processor-task"),
    ("no-log-configuration", ALL, containers(lambda d: _app(d).pop("logConfiguration")),
     "ecs-container-logging", "compute-stream-processor-task"),
    ("fargate-bridge-network", ALL, inputs(TASK, "compute-gateway-task", setter("networkMode", "bridge")),
     "fargate-task-definition-constraints", "compute-gateway-task"),
    ("fargate-net-admin", ALL, containers(lambda d: _app(d)["linuxParameters"].update(
        capabilities={"add": ["NET_ADMIN"]})), "fargate-task-definition-constraints", "compute-stream-processor-task"),
    ("fargate-fluentd-logs", ALL, containers(lambda d: _app(d)["logConfiguration"].update(logDriver="fluentd")),
     "fargate-task-definition-constraints", "compute-stream-processor-task"),
    ("containers-exceed-task-cpu", ALL, containers(lambda d: _app(d).update(cpu=4096)),
     "fargate-task-definition-constraints", "compute-stream-processor-task"),
    ("depends-on-typo", ALL, containers(lambda d: _app(d)["dependsOn"][0].update(containerName="adot")),
     "ecs-task-definition-constraints", "compute-stream-processor-task"),
    ("mount-unknown-volume", ALL, containers(lambda d: _app(d)["mountPoints"][0].update(sourceVolume="efs-2")),
     "ecs-task-definition-constraints", "compute-stream-processor-task"),
    ("password-in-environment", ALL, containers(lambda d: _app(d)["environment"].append(
        {"name": "DB_PASSWORD", "value": "hunter2"})), "ecs-task-hardening", "compute-stream-processor-task"),
    ("task-role-is-execution-role", ALL, lambda p: find(p, TASK, "compute-order-task")["inputs"].update(
        taskRoleArn=find(p, TASK, "compute-order-task")["inputs"]["executionRoleArn"]),
     "ecs-task-hardening", "compute-order-task"),
    ("efs-without-tls", ALL, inputs(TASK, "compute-stream-processor-task",
                                    setter("volumes.0.efsVolumeConfiguration.transitEncryption", "DISABLED")),
     "ecs-efs-volume-encryption-in-transit", "compute-stream-processor-task"),
    ("container-insights-off", ALL, inputs(CLUSTER, "compute-cluster", setter("settings.0.value", "disabled")),
     "ecs-container-insights", "compute-cluster"),
    ("lb-container-name-typo", ALL, inputs(SVC, "compute-gateway-service",
                                           setter("loadBalancers.0.containerName", "web")),
     "ecs-service-constraints", "compute-gateway-service"),
    ("lb-container-port-wrong", ALL, inputs(SVC, "compute-gateway-service",
                                            setter("loadBalancers.0.containerPort", 80)),
     "ecs-service-constraints", "compute-gateway-service"),
    ("deployment-max-below-min", ALL, inputs(SVC, "compute-stream-processor-service", lambda i: i.update(
        deploymentMinimumHealthyPercent=100, deploymentMaximumPercent=50)),
     "ecs-service-constraints", "compute-stream-processor-service"),
    ("execution-role-dropped", ALL, inputs(TASK, "compute-user-task", remove("executionRoleArn")),
     "fargate-task-definition-constraints", "compute-user-task"),
    ("pinned-platform", ALL, inputs(SVC, "compute-order-service", setter("platformVersion", "1.3.0")),
     "ecs-fargate-latest-platform", "compute-order-service"),
    ("service-one-subnet-twice", PROD, lambda p: find(p, SVC, "compute-order-service")["inputs"][
        "networkConfiguration"].update(subnets=[find(p, SVC, "compute-order-service")["inputs"][
            "networkConfiguration"]["subnets"][0]] * 2), "ecs-service-multi-az", "compute-order-service"),
    # review (pre-release): values RegisterTaskDefinition / CreateService refuse, and ECS security
    ("health-check-interval-400", ALL, containers(lambda d: _app(d).update(healthCheck={
        "command": ["CMD-SHELL", "true"], "interval": 400, "timeout": 5, "retries": 3}), "compute-gateway-task"),
     "ecs-task-definition-constraints", "compute-gateway-task"),
    ("health-check-retries-20", ALL, containers(lambda d: _app(d).update(healthCheck={
        "command": ["CMD-SHELL", "true"], "interval": 30, "timeout": 5, "retries": 20}), "compute-gateway-task"),
     "ecs-task-definition-constraints", "compute-gateway-task"),
    ("hostname-with-awsvpc", ALL, containers(lambda d: _app(d).update(hostname="gw"), "compute-gateway-task"),
     "ecs-task-definition-constraints", "compute-gateway-task"),
    ("docker-security-options-on-fargate", ALL, containers(lambda d: _app(d).update(
        dockerSecurityOptions=["apparmor:unconfined"]), "compute-gateway-task"),
     "fargate-task-definition-constraints", "compute-gateway-task"),
    ("nofile-two-million", ALL, containers(lambda d: _app(d).update(ulimits=[
        {"name": "nofile", "softLimit": 2_000_000, "hardLimit": 2_000_000}]), "compute-gateway-task"),
     "fargate-task-definition-constraints", "compute-gateway-task"),
    ("awslogs-without-group", ALL, containers(lambda d: _app(d)["logConfiguration"]["options"].pop("awslogs-group"),
                                              "compute-gateway-task"),
     "ecs-task-definition-constraints", "compute-gateway-task"),
    ("efs-root-directory-with-access-point", ALL, inputs(TASK, "compute-stream-processor-task", setter(
        "volumes.0.efsVolumeConfiguration.rootDirectory", "/data")),
     "ecs-task-definition-constraints", "compute-stream-processor-task"),
    ("canary-percent-0", ALL, inputs(SVC, "compute-gateway-service", setter(
        "deploymentConfiguration.canaryConfiguration.canaryPercent", 0)),
     "ecs-service-constraints", "compute-gateway-service"),
    ("canary-percent-150", ALL, inputs(SVC, "compute-gateway-service", setter(
        "deploymentConfiguration.canaryConfiguration.canaryPercent", 150)),
     "ecs-service-constraints", "compute-gateway-service"),
    ("bake-time-2000", ALL, inputs(SVC, "compute-gateway-service", setter(
        "deploymentConfiguration.bakeTimeInMinutes", "2000")), "ecs-service-constraints", "compute-gateway-service"),
    ("client-alias-port-0", ALL, inputs(SVC, "compute-gateway-service", setter(
        "serviceConnectConfiguration.services.0.clientAlias.0.port", 0)),
     "ecs-service-constraints", "compute-gateway-service"),
    ("alternate-target-group-is-primary", ALL, inputs(SVC, "compute-gateway-service", lambda i: i[
        "loadBalancers"][0]["advancedConfiguration"].update(alternateTargetGroupArn=i["loadBalancers"][0][
            "targetGroupArn"])), "ecs-service-constraints", "compute-gateway-service"),
    ("database-url-with-password", ALL, containers(lambda d: _app(d)["environment"].append({
        "name": "DATABASE_URL", "value": "postgres://dbadmin:S3cr3tPass@prod-order-db:5432/orderdb"}),
        "compute-gateway-task"), "ecs-task-hardening", "compute-gateway-task"),
    ("aws-access-key-in-value", ALL, containers(lambda d: _app(d)["environment"].append({
        "name": "UPSTREAM_AUTH", "value": "AKIAIOSFODNN7EXAMPLE"}), "compute-gateway-task"),
     "ecs-task-hardening", "compute-gateway-task"),
    ("ecs-exec-on", ALL, inputs(SVC, "compute-gateway-service", setter("enableExecuteCommand", True)),
     "ecs-exec-audited", "compute-gateway-service"),
    # ---- ECR --------------------------------------------------------------------------------------------
    ("scan-on-push-off", ALL, inputs(REPO, "compute-order-repo",
                                     setter("imageScanningConfiguration.scanOnPush", False)),
     "ecr-image-scanning", "compute-order-repo"),
    ("mutable-tags", ALL, inputs(REPO, "compute-order-repo", lambda i: (i.update(imageTagMutability="MUTABLE"),
                                                                        i.pop("imageTagMutabilityExclusionFilters"))),
     "ecr-tag-immutability", "compute-order-repo"),
    ("ecr-aes256", ALL, inputs(REPO, "compute-order-repo",
                               setter("encryptionConfigurations.0.encryptionType", "AES256")),
     "ecr-kms-encryption", "compute-order-repo"),
    ("lifecycle-any-not-last", ALL, _lifecycle(lambda rules: rules.reverse() or [
        r.update(rulePriority=i + 1) for i, r in enumerate(rules)]),
     "ecr-lifecycle-policy-constraints", "compute-inventory-repo-lifecycle"),
    ("lifecycle-age-without-unit", ALL, _lifecycle(lambda rules: rules[0]["selection"].pop("countUnit")),
     "ecr-lifecycle-policy-constraints", "compute-inventory-repo-lifecycle"),
    # ---- Elastic Load Balancing -----------------------------------------------------------------------
    ("health-timeout-above-interval", ALL, inputs(TG, "edge-order", setter("healthCheck.timeout", 20)),
     "alb-target-group-constraints", "edge-order"),
    ("health-interval-too-short", ALL, inputs(TG, "edge-order", setter("healthCheck.interval", 1)),
     "alb-target-group-constraints", "edge-order"),
    ("healthy-threshold-11", ALL, inputs(TG, "edge-order", setter("healthCheck.healthyThreshold", 11)),
     "alb-target-group-constraints", "edge-order"),
    ("matcher-600", ALL, inputs(TG, "edge-order", setter("healthCheck.matcher", "200-600")),
     "alb-target-group-constraints", "edge-order"),
    ("health-check-disabled-ip", ALL, inputs(TG, "edge-order", setter("healthCheck.enabled", False)),
     "alb-target-group-constraints", "edge-order"),
    ("https-listener-without-certificate", ALL, inputs(LISTENER, "edge-https", remove("certificateArn")),
     "alb-listener-constraints", "edge-https"),
    ("old-tls-policy", ALL, inputs(LISTENER, "edge-https", setter("sslPolicy", "ELBSecurityPolicy-2016-08")),
     "alb-listener-tls-policy", "edge-https"),
    ("default-tls-policy", ALL, inputs(LISTENER, "edge-https", remove("sslPolicy")),
     "alb-listener-tls-policy", "edge-https"),
    ("fixed-response-600", ALL, inputs(LISTENER, "edge-https",
                                       setter("defaultActions.0.fixedResponse.statusCode", "600")),
     "alb-listener-constraints", "edge-https"),
    ("redirect-307", ALL, inputs(LISTENER, "edge-http", setter("defaultActions.0.redirect.statusCode", "HTTP_307")),
     "alb-listener-constraints", "edge-http"),
    ("idle-timeout-too-long", ALL, inputs(LB, "edge-alb", setter("idleTimeout", 7200)),
     "alb-load-balancer-constraints", "edge-alb"),
    ("keep-invalid-headers", ALL, inputs(LB, "edge-alb", setter("dropInvalidHeaderFields", False)),
     "alb-request-hardening", "edge-alb"),
    ("desync-monitor", ALL, inputs(LB, "edge-alb", setter("desyncMitigationMode", "monitor")),
     "alb-request-hardening", "edge-alb"),
    ("access-logs-off", ALL, inputs(LB, "edge-alb", setter("accessLogs.enabled", False)),
     "alb-access-logs", "edge-alb"),
    ("deletion-protection-off", PROD, inputs(LB, "edge-alb", setter("enableDeletionProtection", False)),
     "alb-deletion-protection", "edge-alb"),
    ("alb-one-subnet-twice", ALL, lambda p: find(p, LB, "edge-alb")["inputs"].update(
        subnets=[find(p, LB, "edge-alb")["inputs"]["subnets"][0]] * 2), "alb-multi-az", "edge-alb"),
    ("rule-priority-clash", ALL, lambda p: find(p, RULE, "edge-rule-order")["inputs"].update(
        priority=find(p, RULE, "edge-rule-user")["inputs"]["priority"]),
     "alb-listener-rule-constraints", "edge-rule-order"),
    ("rule-priority-out-of-range", ALL, inputs(RULE, "edge-rule-gateway", setter("priority", 60000)),
     "alb-listener-rule-constraints", "edge-rule-gateway"),
    ("log-bucket-policy-lost-elb-grant", ALL, _bucket_policy(lambda d: d.update(Statement=d["Statement"][1:])),
     "alb-access-log-bucket", "edge-alb"),
    ("log-bucket-kms", ALL, inputs(SSE, "edge-alb-logs-sse", setter(
        "rules.0.applyServerSideEncryptionByDefault.sseAlgorithm", "aws:kms")), "alb-access-log-bucket", "edge-alb"),
    ("log-bucket-grants-eu-west-1-elb-account", ALL, _bucket_policy(lambda d: d["Statement"][0].update(
        Principal={"AWS": "arn:aws:iam::156460612806:root"})), "alb-access-log-bucket", "edge-alb"),
    ("log-bucket-grant-under-other-prefix", ALL, _bucket_policy(lambda d: d["Statement"][0].update(
        Resource=d["Statement"][0]["Resource"].replace("/alb/AWSLogs/", "/other/AWSLogs/"))),
     "alb-access-log-bucket", "edge-alb"),
    # ---- API Gateway --------------------------------------------------------------------------------------
    ("stage-without-access-logs", ALL, inputs(STAGE, "edge-api-stage", remove("accessLogSettings")),
     "apigateway-access-logging", "edge-api-stage"),
    ("access-log-format-without-request-id", ALL, inputs(STAGE, "edge-api-stage", setter(
        "accessLogSettings.format", '{"ip":"$context.identity.sourceIp"}')), "apigateway-stage-constraints",
     "edge-api-stage"),
    ("xray-off", ALL, inputs(STAGE, "edge-api-stage", setter("xrayTracingEnabled", False)),
     "apigateway-xray", "edge-api-stage"),
    ("execution-logging-off", ALL, inputs(SETTINGS, "edge-api-methods", setter("settings.loggingLevel", "OFF")),
     "apigateway-execution-logging", "edge-api-stage"),
    ("logging-level-debug", ALL, inputs(SETTINGS, "edge-api-methods", setter("settings.loggingLevel", "DEBUG")),
     "apigateway-method-settings-constraints", "edge-api-methods"),
    ("data-trace-on", ALL, inputs(SETTINGS, "edge-api-methods", setter("settings.dataTraceEnabled", True)),
     "apigateway-method-settings-hardening", "edge-api-methods"),
    ("open-method", ALL, inputs(METHOD, "edge-api-root-any", setter("apiKeyRequired", False)),
     "apigateway-method-access", "edge-api-root-any"),
    ("api-tls-1-0", ALL, inputs(API, "edge-api", setter("securityPolicy", "TLS_1_0")),
     "apigateway-tls-policy", "edge-api"),
    # dev leaves the account-wide role to prod (edge.manageApiGatewayAccount false): only prod owns one.
    ("no-cloudwatch-role", PROD, drop("aws:apigateway/account:Account", "edge-apigw-account"),
     "apigateway-logging-role", "edge-api-stage"),
    ("vpc-link-without-connection", ALL, inputs(INTEGRATION, "edge-api-proxy-alb", remove("connectionId")),
     "apigateway-integration-constraints", "edge-api-proxy-alb"),
    ("usage-plan-stale-stage", ALL, inputs("aws:apigateway/usagePlan:UsagePlan", "edge-api-plan",
                                           setter("apiStages.0.stage", "prod")),
     "apigateway-stage-references", "edge-api-plan"),
    ("method-settings-stale-stage", ALL, inputs(SETTINGS, "edge-api-methods", setter("stageName", "v2")),
     "apigateway-stage-references", "edge-api-methods"),
    ("api-stage-without-waf", ALL, drop(ASSOC, "edge-waf-api"), "waf-on-public-entry", "edge-api-stage"),
    ("resource-policy-allows-everyone", ALL, inputs(API, "edge-api", _open_resource_policy),
     "apigateway-resource-policy-no-public-allow", "edge-api"),
    # ---- CloudFront --------------------------------------------------------------------------------------
    ("viewer-http-allowed", ALL, inputs(CDN, "edge-cdn", setter("defaultCacheBehavior.viewerProtocolPolicy",
                                                                "allow-all")), "cloudfront-viewer-https", "edge-cdn"),
    ("origin-http-only", ALL, inputs(CDN, "edge-cdn", _custom_origin(originProtocolPolicy="http-only")),
     "cloudfront-origin-tls", "edge-cdn"),
    ("origin-tls1", ALL, inputs(CDN, "edge-cdn", _custom_origin(originSslProtocols=["TLSv1", "TLSv1.2"])),
     "cloudfront-origin-tls", "edge-cdn"),
    ("vpc-origin-plain-http-to-public-alb", ALL, _vpc_origin_to_public_alb, "cloudfront-origin-tls",
     "edge-vpc-origin"),
    ("vpc-origin-tls1", ALL, inputs(VPC_ORIGIN, "edge-vpc-origin", lambda i: i["vpcOriginEndpointConfig"].update(
        originProtocolPolicy="https-only", originSslProtocols={"items": ["TLSv1", "TLSv1.2"], "quantity": 2})),
     "cloudfront-origin-tls", "edge-vpc-origin"),
    ("vpc-origin-protocol-count-mismatch", ALL, inputs(VPC_ORIGIN, "edge-vpc-origin", setter(
        "vpcOriginEndpointConfig.originSslProtocols.quantity", 3)), "cloudfront-vpc-origin-constraints",
     "edge-vpc-origin"),
    ("cdn-without-waf", ALL, inputs(CDN, "edge-cdn", remove("webAclId")), "waf-on-public-entry", "edge-cdn"),
    ("behavior-origin-typo", ALL, inputs(CDN, "edge-cdn", setter("orderedCacheBehaviors.0.targetOriginId", "static")),
     "cloudfront-distribution-constraints", "edge-cdn"),
    ("cache-post", ALL, inputs(CDN, "edge-cdn", setter("defaultCacheBehavior.cachedMethods", ["GET", "HEAD", "POST"])),
     "cloudfront-distribution-constraints", "edge-cdn"),
    ("alias-on-default-certificate", ALL, inputs(CDN, "edge-cdn", setter("aliases", ["www.shop.test"])),
     "cloudfront-distribution-constraints", "edge-cdn"),
    ("own-certificate-tls1", ALL, inputs(CDN, "edge-cdn", setter("viewerCertificate", {
        "acmCertificateArn": "arn:aws:acm:us-east-1:111122223333:certificate/abc", "sslSupportMethod": "sni-only",
        "minimumProtocolVersion": "TLSv1"})), "cloudfront-viewer-tls-policy", "edge-cdn"),
    ("default-certificate-tls1", ALL, inputs(CDN, "edge-cdn", setter("viewerCertificate.minimumProtocolVersion",
                                                                     "TLSv1")),
     "cloudfront-viewer-tls-policy", "edge-cdn"),
    ("no-security-headers", ALL, inputs(CDN, "edge-cdn", remove("defaultCacheBehavior.responseHeadersPolicyId")),
     "cloudfront-security-headers", "edge-cdn"),
    ("cdn-waf-logging-dropped", ALL, drop(WAFLOG, "edge-waf-cdn-logging"), "cloudfront-access-logging", "edge-cdn"),
    # review (pre-release): CloudFront standard logs, S3 origins, dedicated-IP certificates
    ("standard-logs-to-acl-less-bucket", ALL, inputs(CDN, "edge-cdn", setter("loggingConfig", {
        "bucket": "edge-alb-logs-7a86587.s3.amazonaws.com", "includeCookies": False, "prefix": "cdn/"})),
     "cloudfront-logging-bucket-acls", "edge-cdn"),
    ("s3-origin-without-oac", ALL, inputs(CDN, "edge-cdn", _s3_origin(
        domainName="acme-assets.s3.us-east-1.amazonaws.com", s3OriginConfig={"originAccessIdentity": ""})),
     "cloudfront-s3-origin-access", "edge-cdn"),
    ("s3-origin-legacy-oai", ALL, inputs(CDN, "edge-cdn", _s3_origin(
        domainName="acme-assets.s3.amazonaws.com",
        s3OriginConfig={"originAccessIdentity": "origin-access-identity/cloudfront/E2QWRUHAPOMQZL"})),
     "cloudfront-s3-origin-access", "edge-cdn"),
    ("s3-website-origin", ALL, inputs(CDN, "edge-cdn", _s3_origin(
        domainName="acme-assets.s3-website-us-east-1.amazonaws.com",
        customOriginConfig={"httpPort": 80, "httpsPort": 443, "originProtocolPolicy": "https-only",
                            "originSslProtocols": ["TLSv1.2"]})),
     "cloudfront-s3-origin-access", "edge-cdn"),
    ("dedicated-ip-certificate", ALL, inputs(CDN, "edge-cdn", setter("viewerCertificate", {
        "acmCertificateArn": "arn:aws:acm:us-east-1:111122223333:certificate/abc", "sslSupportMethod": "vip",
        "minimumProtocolVersion": "TLSv1.2_2021"})), "cloudfront-ssl-support-method", "edge-cdn"),
    # ---- WAF ------------------------------------------------------------------------------------------------
    ("rate-limit-5", ALL, inputs(ACL, "edge-waf", setter("rules.3.statement.rateBasedStatement.limit", 5)),
     "wafv2-web-acl-constraints", "edge-waf"),
    ("rate-window-30s", ALL, inputs(ACL, "edge-waf", setter("rules.3.statement.rateBasedStatement.evaluationWindowSec",
                                                            30)), "wafv2-web-acl-constraints", "edge-waf"),
    ("duplicate-rule-priority", ALL, inputs(ACL, "edge-waf", setter("rules.1.priority", 0)),
     "wafv2-web-acl-constraints", "edge-waf"),
    ("managed-group-with-action", ALL, inputs(ACL, "edge-waf", lambda i: (i["rules"][0].pop("overrideAction"),
                                                                           i["rules"][0].update(action={"block": {}}))),
     "wafv2-web-acl-constraints", "edge-waf"),
    ("known-bad-inputs-dropped", ALL, inputs(ACL, "edge-waf", lambda i: i["rules"].pop(1)),
     "wafv2-managed-protections", "edge-waf"),
    ("known-bad-inputs-count", ALL, inputs(ACL, "edge-waf", setter("rules.1.overrideAction", {"count": {}})),
     "wafv2-managed-protections", "edge-waf"),
    ("waf-log-group-renamed", ALL, _rename_waf_log_group, "wafv2-logging-destination", "edge-waf-logging"),
    ("waf-logging-dropped", ALL, drop(WAFLOG, "edge-waf-logging"), "wafv2-logging", "edge-waf"),
    ("ip-set-whole-internet", ALL, inputs(IPSET, "edge-waf-exempt", setter("addresses", ["0.0.0.0/0"])),
     "wafv2-ip-set-constraints", "edge-waf-exempt"),
    ("ip-set-two-halves-of-internet", ALL, inputs(IPSET, "edge-waf-exempt", setter(
        "addresses", ["0.0.0.0/1", "128.0.0.0/1"])), "wafv2-rate-exemption-scope", "edge-waf-exempt"),
    ("cdn-waf-log-group-outside-us-east-1", ALL, inputs(LOGGROUP, "edge-waf-cdn-logs", setter("region", "eu-west-1")),
     "wafv2-logging-destination", "edge-waf-cdn-logging"),
    ("cdn-waf-logs-to-stack-region-arn", ALL, _cdn_waf_logs_to_eu_west_1_arn, "wafv2-logging-destination",
     "edge-waf-cdn-logging"),
    ("alb-with-cloudfront-acl", ALL, _retarget_association, "wafv2-scope-matches-target", "edge-waf-alb"),
    ("alb-without-waf", ALL, _drop_public_alb_waf, "waf-on-public-entry", "edge-alb"),
    # ---- Application Auto Scaling ---------------------------------------------------------------------
    ("target-min-above-max", ALL, inputs(TARGET, "compute-order-scaling-target", setter("minCapacity", 30)),
     "appautoscaling-constraints", "compute-order-scaling-target"),
    ("target-value-zero", ALL, inputs(POLICY, "compute-order-cpu-target",
                                      setter("targetTrackingScalingPolicyConfiguration.targetValue", 0)),
     "appautoscaling-constraints", "compute-order-cpu-target"),
    ("step-bounds-inverted", ALL, inputs(POLICY, "compute-order-step-out", setter(
        "stepScalingPolicyConfiguration.stepAdjustments", [
            {"metricIntervalLowerBound": "10", "metricIntervalUpperBound": "5", "scalingAdjustment": 100}])),
     "appautoscaling-constraints", "compute-order-step-out"),
    ("policy-without-target", ALL, _orphan_policy, "appautoscaling-constraints", "compute-user-cpu-target"),
    ("cron-five-fields", DEV, inputs(SCHEDULE, "compute-order-schedule-stop", setter("schedule", "cron(0 16 * * 1-5)")),
     "appautoscaling-constraints", "compute-order-schedule-stop"),
    ("cron-both-day-fields", DEV, inputs(SCHEDULE, "compute-order-schedule-stop",
                                         setter("schedule", "cron(0 16 * * MON-FRI *)")),
     "appautoscaling-constraints", "compute-order-schedule-stop"),
    ("time-zone-typo", DEV, inputs(SCHEDULE, "compute-order-schedule-start", setter("timezone", "Europe/Berln")),
     "appautoscaling-constraints", "compute-order-schedule-start"),
    ("schedule-min-above-max", DEV, inputs(SCHEDULE, "compute-order-schedule-start",
                                           setter("scalableTargetAction.minCapacity", 5)),
     "appautoscaling-constraints", "compute-order-schedule-start"),
    # ---- CodeBuild / CodePipeline / CodeConnections ----------------------------------------------------
    ("build-timeout-too-long", ALL, inputs(PROJECT, "delivery-order-build", setter("buildTimeout", 3000)),
     "codebuild-project-constraints", "delivery-order-build"),
    ("privileged-without-docker", ALL, inputs(PROJECT, "delivery-order-build", setter(
        "source.buildspec", "version: 0.2\nphases:\n  build:\n    commands:\n      - make test\n")),
     "codebuild-privileged-only-for-docker", "delivery-order-build"),
    ("token-in-plaintext", ALL, inputs(PROJECT, "delivery-order-build", lambda i: i["environment"][
        "environmentVariables"].append({"name": "GITHUB_TOKEN", "value": "ghp_x"})),
     "codebuild-no-plaintext-credentials", "delivery-order-build"),
    ("unvetted-build-image", ALL, inputs(PROJECT, "delivery-order-build", setter("environment.image", "node:20")),
     "codebuild-managed-image", "delivery-order-build"),
    ("arm-with-x86-image", ALL, inputs(PROJECT, "delivery-order-build", setter(
        "environment.image", "aws/codebuild/amazonlinux-x86_64-standard:5.0")),
     "codebuild-project-constraints", "delivery-order-build"),
    ("queued-on-v1", ALL, inputs(PIPELINE, "delivery-order-pipeline", setter("pipelineType", "V1")),
     "codepipeline-constraints", "delivery-order-pipeline"),
    ("input-artifact-typo", ALL, inputs(PIPELINE, "delivery-order-pipeline",
                                        setter("stages.2.actions.0.inputArtifacts", ["build"])),
     "codepipeline-constraints", "delivery-order-pipeline"),
    ("source-stage-dropped", ALL, inputs(PIPELINE, "delivery-order-pipeline", lambda i: i["stages"].pop(0)),
     "codepipeline-constraints", "delivery-order-pipeline"),
    ("connection-name-too-long", ALL, inputs(CONNECTION, "delivery-github",
                                             setter("name", "microservices-platform-github-connection")),
     "codeconnections-constraints", "delivery-github"),
    # ---- S3 -------------------------------------------------------------------------------------------
    ("bucket-without-public-access-block", ALL, drop(PAB, "delivery-artifacts-public-access"),
     "s3-bucket-baseline", "delivery-artifacts"),
    ("bucket-encryption-config-dropped", ALL, drop(SSE, "delivery-artifacts-encryption"), "s3-bucket-baseline",
     "delivery-artifacts"),
    ("bucket-acls-enabled", ALL, drop("aws:s3/bucketOwnershipControls:BucketOwnershipControls",
                                      "delivery-artifacts-ownership"), "s3-bucket-baseline", "delivery-artifacts"),
    ("bucket-tls-policy-dropped", ALL, drop(BUCKET_POLICY, "delivery-artifacts-tls-only"),
     "s3-bucket-baseline", "delivery-artifacts"),
    ("bucket-policy-allows-everyone", ALL, _bucket_policy(lambda d: d["Statement"][0].update(Principal="*")),
     "s3-bucket-policy-no-public-allow", "edge-alb-logs-policy"),
    ("bucket-policy-copied-from-other-bucket", ALL, inputs(BUCKET_POLICY, "delivery-artifacts-tls-only", setter(
        "bucket", "edge-alb-logs-7a86587")), "s3-constraints", "delivery-artifacts-tls-only"),
    ("lifecycle-zero-days", ALL, inputs(LIFECYCLE, "edge-alb-logs-expiry", setter("rules.0.expiration.days", 0)),
     "s3-constraints", "edge-alb-logs-expiry"),
    ("public-access-block-flag-off", ALL, inputs(PAB, "edge-alb-logs-public", setter("blockPublicPolicy", False)),
     "s3-no-public-access", "edge-alb-logs-public"),
    # ---- Private CA, Cloud Map -------------------------------------------------------------------------
    ("ca-rsa-signing-with-ec-key", PROD, inputs(CA, "compute-private-ca", setter(
        "certificateAuthorityConfiguration.signingAlgorithm", "SHA256WITHRSA")), "acmpca-constraints",
     "compute-private-ca"),
    ("ca-deletion-window-3", PROD, inputs(CA, "compute-private-ca", setter("permanentDeletionTimeInDays", 3)),
     "acmpca-constraints", "compute-private-ca"),
    ("namespace-with-space", ALL, inputs(NAMESPACE, "compute-namespace", setter("name", "micro services.internal")),
     "servicediscovery-namespace-constraints", "compute-namespace"),
]

CASES = [pytest.param(stack, mid, edit, policy, name, id=f"{stack}-{mid}")
         for mid, stacks, edit, policy, name in MISTAKES for stack in stacks]

# A GitHub owner of the kind a user sets (the committed stacks may leave pipelines off).
WITH_PIPELINES = ["delivery.repositoryOwner=acme-platform"]
# The custom-domain edge mode (managed certificates, HTTPS listener, CloudFront aliases): the rows about
# HTTPS listeners and TLS policies need it; the committed stacks serve the default endpoints.
WITH_DOMAIN = [*WITH_PIPELINES, "edge.domainName=api.acme-platform.io", "edge.hostedZoneId=Z0123456789ABC",
               'edge.cdnAliases=["www.acme-platform.io"]']
_BASELINE: dict[tuple[str, bool], set] = {}


def plan(stack: str, domain: bool = False) -> dict:
    """Recorded once per test run (conftest.shared_plan), whichever worker asks first."""
    return shared_plan(stack, WITH_DOMAIN if domain else WITH_PIPELINES)


def baseline(stack: str, domain: bool = False) -> set:
    if (stack, domain) not in _BASELINE:
        _BASELINE[stack, domain] = mandatory(evaluate(plan(stack, domain), stack))
    return _BASELINE[stack, domain]


def apply(stack: str, mid: str, edit: Edit) -> tuple[dict, bool]:
    """The mutated plan (and whether it is the custom-domain one): the default edge mode first."""
    try:
        return mutated(plan(stack), edit), False
    except (StopIteration, LookupError):
        return mutated(plan(stack, domain=True), edit), True


@pytest.mark.heavy
def test_the_plans_have_no_mandatory_finding_of_the_front_policies():
    policies = {m[3] for m in MISTAKES}
    for stack in ("prod", "dev"):
        for domain in (False, True):
            assert not {f for f in baseline(stack, domain) if f[0] in policies}, (stack, domain)
        committed = mandatory(evaluate(plan_for(stack), stack))
        assert not {f for f in committed if f[0] in policies}, stack


@pytest.mark.parametrize("stack,mid,edit,policy,name", CASES)
def test_mistake_is_caught(stack, mid, edit, policy, name):
    judged, domain = apply(stack, mid, edit)
    found = mandatory(evaluate(judged, stack))
    assert (policy, name) in found, sorted(f for f in found - baseline(stack, domain))


@pytest.mark.heavy
def test_the_real_pack_agrees():
    """End to end over gRPC (preflight.analyzer): a plan carrying several mistakes of different rule families
    gets the same mandatory findings from the real pack as from the in-process judge."""
    from preflight.analyzer import run_policy_pack
    from conftest import ROOT

    picked = ("fargate-privileged", "health-timeout-above-interval", "api-stage-without-waf", "cdn-without-waf",
              "rate-limit-5", "target-min-above-max", "queued-on-v1", "bucket-tls-policy-dropped",
              "alb-one-subnet-twice", "lb-container-name-typo")
    judged = plan("prod")
    for mid, _, edit, _, _ in MISTAKES:
        if mid in picked:
            judged = mutated(judged, edit)
    real = run_policy_pack(judged, ROOT / "policies" / "config" / "prod.json")
    cost = {r.name for r in all_rules() if r.area == "cost"}
    real_mandatory = {(v["policy"], v["urn"].split("::")[-1]) for v in real["violations"]
                      if v["level"] == "mandatory" and v["policy"] not in cost}
    assert real_mandatory == mandatory(evaluate(judged, "prod"))
    expected = {(policy, name) for mid, _, _, policy, name in MISTAKES if mid in picked}
    assert expected <= real_mandatory
