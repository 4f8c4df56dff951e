"""Amazon API Gateway (REST APIs): the API, its stage, methods, integrations, usage plans and account.

Acceptance limits come from the API Gateway REST API reference (CreateStage, PutMethod,
PutIntegration, UpdateStage method settings, CreateUsagePlan) and the developer guide ("Set up
CloudWatch logging for REST APIs", "Amazon API Gateway quotas"), read 2026-11.
"""

from __future__ import annotations

import re
from typing import Any

from pulumi_policy import Severity

from ..baseline import baseline
from ..facts.tags import SHARED_ACCOUNT_ROLE_TAG
from ..rule import ACCEPTANCE, MANDATORY, SECURITY, rule
from ..support.graph import producers
from ..support.policy_documents import listify, statements
from ..support.props import as_bool, as_int, as_list, as_mapping, as_str, get, is_unknown, parse_json
from ..support.report import report_problems

REST_API = "aws:apigateway/restApi:RestApi"
STAGE = "aws:apigateway/stage:Stage"
METHOD = "aws:apigateway/method:Method"
METHOD_SETTINGS = "aws:apigateway/methodSettings:MethodSettings"
INTEGRATION = "aws:apigateway/integration:Integration"
RESOURCE = "aws:apigateway/resource:Resource"
USAGE_PLAN = "aws:apigateway/usagePlan:UsagePlan"
USAGE_PLAN_KEY = "aws:apigateway/usagePlanKey:UsagePlanKey"
ACCOUNT = "aws:apigateway/account:Account"
API_KEY = "aws:apigateway/apiKey:ApiKey"
DEPLOYMENT = "aws:apigateway/deployment:Deployment"
REST_API_POLICY = "aws:apigateway/restApiPolicy:RestApiPolicy"
VPC_LINK_V2 = "aws:apigatewayv2/vpcLink:VpcLink"


def _same_api(a, b) -> bool:
    """Two API Gateway resources refer to the same REST API (graph, else the id value)."""
    da = {d.urn for d in producers(a, "restApi")}
    db = {d.urn for d in producers(b, "restApi")}
    if da and db:
        return bool(da & db)
    va, vb = as_str(get(a.props, "restApi")), as_str(get(b.props, "restApi"))
    return isinstance(va, str) and va == vb


# ---- security ------------------------------------------------------------------------------------------

@rule(name="apigateway-access-logging", area=SECURITY, resource_types=(STAGE,),
      description="REST API stages write access logs.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Set accessLogSettings {destinationArn: <log group>, format}.",
      anchors=("AwsSolutions-APIG1", "CKV_AWS_76"))
def validate_access_logging(args, report_violation) -> None:
    if args.resource_type != STAGE:
        return
    settings = get(args.props, "accessLogSettings")
    if is_unknown(settings):
        return
    if settings is None or get(settings, "destinationArn") in (None, "") or get(settings, "format") in (None, ""):
        report_violation("The stage has no access logging (accessLogSettings destinationArn and format).", None)


LOGGING_LEVELS = ("OFF", "ERROR", "INFO")


@rule(name="apigateway-execution-logging", area=SECURITY, resource_types=(STAGE, METHOD_SETTINGS), stack=True,
      description="REST API stages log execution errors for every method (*/* at ERROR or INFO).",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Add MethodSettings methodPath */* with loggingLevel ERROR.",
      anchors=("AwsSolutions-APIG6", "CKV2_AWS_4"))
def validate_execution_logging(args, report_violation) -> None:
    """Stack: each stage has method settings for */* with execution logging at ERROR or INFO."""
    resources = list(args.resources)
    settings = [r for r in resources if r.resource_type == METHOD_SETTINGS]
    for stage in resources:
        if stage.resource_type != STAGE:
            continue
        name = as_str(get(stage.props, "stageName"))
        if is_unknown(name):
            continue
        mine = [s for s in settings if _same_api(s, stage)
                and (as_str(get(s.props, "stageName")) == name or any(d.urn == stage.urn
                                                                       for d in producers(s, "stageName")))
                and as_str(get(s.props, "methodPath")) == "*/*"]
        levels = [as_str(get(s.props, "settings.loggingLevel"), "OFF") for s in mine]
        if any(is_unknown(level) for level in levels):
            continue
        if not any(level in ("ERROR", "INFO") for level in levels):
            report_violation(f"Stage {name!r} has no */* method settings with loggingLevel ERROR or INFO: "
                             f"execution errors are not logged.", stage.urn)


@rule(name="apigateway-xray", area=SECURITY, resource_types=(STAGE,),
      description="REST API stages trace requests with X-Ray.",
      level=MANDATORY, severity=Severity.LOW,
      remediation="Set xrayTracingEnabled=true (the stack setting tracing=true).", anchors=("CKV_AWS_73",))
def validate_xray(args, report_violation) -> None:
    if args.resource_type == STAGE and as_bool(get(args.props, "xrayTracingEnabled"), False) is False:
        report_violation("xrayTracingEnabled is not true: requests cannot be traced through the API.", None)


AUTHORIZATION_TYPES = ("NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS")


@rule(name="apigateway-method-access", area=SECURITY, resource_types=(METHOD,),
      description="Methods without an authorizer require an API key (no open access to the backend).",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Set apiKeyRequired=true or an authorizer.", anchors=("CKV_AWS_59", "CKV2_AWS_70"))
def validate_method_access(args, report_violation) -> None:
    if args.resource_type != METHOD:
        return
    auth = as_str(get(args.props, "authorization"))
    key = as_bool(get(args.props, "apiKeyRequired"), False)
    if auth == "NONE" and key is False and as_str(get(args.props, "httpMethod")) != "OPTIONS":
        report_violation("The method has authorization NONE and no API key: anyone can call the backend.", None)


@rule(name="apigateway-method-settings-hardening", area=SECURITY, resource_types=(METHOD_SETTINGS,),
      description="Method settings do not log full bodies (dataTraceEnabled) and encrypt a response cache.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Set dataTraceEnabled=false; cacheDataEncrypted=true when caching.",
      anchors=("CKV_AWS_276", "CKV_AWS_308"))
def validate_method_settings_hardening(args, report_violation) -> None:
    if args.resource_type != METHOD_SETTINGS:
        return
    s = get(args.props, "settings")
    if s is None or is_unknown(s):
        return
    if as_bool(get(s, "dataTraceEnabled"), False) is True:
        report_violation("dataTraceEnabled logs full request and response bodies (credentials, personal data).",
                         None)
    if as_bool(get(s, "cachingEnabled"), False) is True and as_bool(get(s, "cacheDataEncrypted"), False) is False:
        report_violation("cachingEnabled without cacheDataEncrypted: cached responses are stored unencrypted.", None)


# REST API security policies (API Gateway developer guide, "Choose a security policy", read 2026-11):
# TLS_1_0 still accepts TLS 1.0/1.1; TLS_1_2 and the SecurityPolicy_TLS13_* / _TLS12_* families do not.
_TLS12_API_POLICY = re.compile(r"TLS_1_2|SecurityPolicy_TLS1[23]_.*")


# ---- security: the REST API's resource policy -------------------------------------------------------------

def _is_anyone(principal: Any) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, dict) and "*" in listify(principal.get("AWS"))


_SOURCE_KEYS = ("aws:sourcevpce", "aws:sourcevpc", "aws:sourceip", "aws:principalorgid", "aws:principalaccount")


def _names_a_source(condition: Any) -> bool:
    """Whether a Condition block tests where the caller comes from (not e.g. aws:SecureTransport)."""
    if not isinstance(condition, dict):
        return False
    return any(isinstance(block, dict) and any(str(k).lower() in _SOURCE_KEYS for k in block)
               for block in condition.values())


@rule(name="apigateway-resource-policy-no-public-allow", area=SECURITY, resource_types=(REST_API, REST_API_POLICY),
      description="A REST API resource policy does not allow Principal * without a Condition.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Add a Condition (aws:SourceVpce, aws:SourceIp, aws:PrincipalOrgID) to the Allow statement, or "
                  "drop the policy (the API key and WAF already gate the public stage).")
def validate_resource_policy_no_public_allow(args, report_violation) -> None:
    """A resource policy statement that allows everyone without a condition (source VPC endpoint, source IP,
    organisation...), and no conditioned Deny that narrows it, opens the API to any caller the policy would
    otherwise have kept out: the policy no longer restricts anything (API Gateway developer guide, "Control access to a REST API with resource
    policies", read 2026-11)."""
    if args.resource_type not in (REST_API, REST_API_POLICY):
        return
    doc = parse_json(get(args.props, "policy"))
    if is_unknown(doc) or doc is None:
        return
    sts = list(statements(doc))
    # AWS's own private-API pattern allows everyone and then denies everyone outside a source (Deny unless
    # aws:SourceVpce is the endpoint): that Deny is the restriction, so the policy is fine.
    if any(st.get("Effect") == "Deny" and _is_anyone(st.get("Principal")) and _names_a_source(st.get("Condition"))
           for st in sts):
        return
    for st in sts:
        if st.get("Effect") == "Allow" and _is_anyone(st.get("Principal")) and not st.get("Condition"):
            actions = ", ".join(map(str, listify(st.get("Action")))) or "?"
            report_violation(f"The resource policy allows Principal * ({actions}) without a Condition; restrict it "
                             f"with aws:SourceVpce, aws:SourceIp or aws:PrincipalOrgID.", None)


# ---- security: TLS ---------------------------------------------------------------------------------------

@rule(name="apigateway-tls-policy", area=SECURITY, resource_types=(REST_API,),
      description="REST APIs accept TLS 1.2 or newer only (securityPolicy).",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Set securityPolicy=TLS_1_2 on the REST API.")
def validate_api_tls_policy(args, report_violation) -> None:
    if args.resource_type != REST_API:
        return
    policy = as_str(get(args.props, "securityPolicy"), "TLS_1_0")  # AWS default for REST APIs
    if not is_unknown(policy) and not _TLS12_API_POLICY.fullmatch(policy):
        report_violation(f"securityPolicy is {policy}; it accepts TLS below 1.2. Use TLS_1_2.", None)


# ---- acceptance ----------------------------------------------------------------------------------------

_STAGE_NAME = re.compile(r"[A-Za-z0-9_-]{1,128}")
_CACHE_SIZES = ("0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237")


def _stage_problems(p) -> list[str]:
    out = []
    name = as_str(get(p, "stageName"))
    if isinstance(name, str) and not _STAGE_NAME.fullmatch(name):
        out.append(f"stageName {name!r} may only hold letters, digits, '-' and '_' (1-128)")
    fmt = as_str(get(p, "accessLogSettings.format"))
    # "The log format must include at least $context.requestId or $context.extendedRequestId"
    # (developer guide, "CloudWatch log formats for API Gateway").
    if isinstance(fmt, str) and fmt and "$context.requestId" not in fmt and "$context.extendedRequestId" not in fmt:
        out.append("accessLogSettings.format does not contain $context.requestId or $context.extendedRequestId")
    if isinstance(fmt, str) and "\n" in fmt:
        out.append("accessLogSettings.format must be a single line")
    dest = as_str(get(p, "accessLogSettings.destinationArn"))
    if isinstance(dest, str) and dest:
        if ":firehose:" in dest and not dest.rsplit("/", 1)[-1].startswith("amazon-apigateway-"):
            out.append("a Firehose access-log destination must be named amazon-apigateway-*")
        elif ":firehose:" not in dest and ":logs:" not in dest:
            out.append(f"accessLogSettings.destinationArn {dest!r} is neither a log group nor a Firehose stream")
    if as_bool(get(p, "cacheClusterEnabled"), False) is True:
        size = as_str(get(p, "cacheClusterSize"))
        if isinstance(size, str) and size not in _CACHE_SIZES:
            out.append(f"cacheClusterSize {size} is not one of {', '.join(_CACHE_SIZES)}")
    return out


@rule(name="apigateway-stage-constraints", area=ACCEPTANCE, resource_types=(STAGE,),
      description="REST API stages CreateStage accepts: stage name characters, an access-log format with "
                  "$context.requestId on one line, a log group or amazon-apigateway-* Firehose destination, a "
                  "valid cache size.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Keep $context.requestId in the access-log format (components/edge/api.py).")
def validate_stage_constraints(args, report_violation) -> None:
    if args.resource_type == STAGE:
        report_problems(report_violation, _stage_problems(args.props))


# facts.tags.SHARED_ACCOUNT_ROLE_TAG: the stack leaves the account-level role to another stack.


def _role_shared(resources) -> bool:
    for r in resources:
        if r.resource_type == STAGE:
            tags = as_mapping(get(r.props, "tags"))
            if not is_unknown(tags) and tags.get(SHARED_ACCOUNT_ROLE_TAG[0]) == SHARED_ACCOUNT_ROLE_TAG[1]:
                return True
    return False


@rule(name="apigateway-logging-role", area=ACCEPTANCE, resource_types=(STAGE, METHOD_SETTINGS, ACCOUNT),
      stack=True,
      description="Stages that log have the account-level CloudWatch Logs role (aws.apigateway.Account).",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Create aws.apigateway.Account with cloudwatchRoleArn before the stage, or - where another "
                  "stack of the account and region owns it - set edge.manageApiGatewayAccount false (the stage "
                  "is then tagged api-gateway-account-role=shared).")
def validate_logging_role(args, report_violation) -> None:
    """Stack: logging needs the account-level CloudWatch role (else UpdateStage fails:
    "CloudWatch Logs role ARN must be set in account settings to enable logging").  A stack whose
    stage is tagged as relying on another stack's role (only one stack per account and region can
    own it) is trusted to have it."""
    resources = list(args.resources)
    wants_logs = [r for r in resources
                  if (r.resource_type == STAGE and get(r.props, "accessLogSettings") is not None)
                  or (r.resource_type == METHOD_SETTINGS
                      and as_str(get(r.props, "settings.loggingLevel"), "OFF") in ("ERROR", "INFO"))]
    if not wants_logs or _role_shared(resources):
        return
    accounts = [r for r in resources if r.resource_type == ACCOUNT]
    if any(get(a.props, "cloudwatchRoleArn") not in (None, "") for a in accounts):
        return
    for r in wants_logs:
        report_violation("API Gateway logging is configured but no aws.apigateway.Account sets cloudwatchRoleArn; "
                         "the stage update fails until the account has a CloudWatch Logs role.", r.urn)


_METHOD_PATH = re.compile(r"\*/\*|/?[^\s]*/(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY|\*)")


@rule(name="apigateway-stage-references", area=ACCEPTANCE, resource_types=(STAGE, METHOD_SETTINGS, USAGE_PLAN),
      stack=True,
      description="Method settings and usage plans name stages the REST API has.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Use the stage's stageName output rather than a literal.")
def validate_stage_references(args, report_violation) -> None:
    """Stack: method settings and usage plans name stages that exist (UpdateStage / CreateUsagePlan fail
    with NotFound / "Invalid stage identifier specified" otherwise)."""
    resources = list(args.resources)
    stages: dict[Any, set] = {}
    for r in resources:
        if r.resource_type == STAGE:
            name = as_str(get(r.props, "stageName"))
            if is_unknown(name):
                return
            stages.setdefault(_api_key(r, "restApi", "restApi"), set()).add(name)
    for r in resources:
        if r.resource_type == METHOD_SETTINGS:
            api, name = _api_key(r, "restApi", "restApi"), as_str(get(r.props, "stageName"))
            if api in stages and isinstance(name, str) and name not in stages[api]:
                report_violation(f"Method settings name stage {name!r}, which the API does not have "
                                 f"({', '.join(sorted(stages[api]))}).", r.urn)
        elif r.resource_type == USAGE_PLAN:
            apis = [d.urn for d in producers(r, "apiStages") if d.resource_type == REST_API]
            for entry in as_list(get(r.props, "apiStages")) or []:
                name = as_str(get(entry, "stage"))
                api = apis[0] if len(apis) == 1 else as_str(get(entry, "apiId"))
                if api in stages and isinstance(name, str) and name not in stages[api]:
                    report_violation(f"Usage plan names stage {name!r}, which the API does not have "
                                     f"({', '.join(sorted(stages[api]))}).", r.urn)


@rule(name="apigateway-method-settings-constraints", area=ACCEPTANCE, resource_types=(METHOD_SETTINGS,),
      description="Method settings UpdateStage accepts: */* or <path>/<METHOD>, logging level OFF/ERROR/INFO, "
                  "throttling limits not below -1, cache TTL 0-3600 s.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Fix the method settings (components/edge/api.py).")
def validate_method_settings_constraints(args, report_violation) -> None:
    if args.resource_type != METHOD_SETTINGS:
        return
    p, out = args.props, []
    path = as_str(get(p, "methodPath"))
    if isinstance(path, str) and not _METHOD_PATH.fullmatch(path):
        out.append(f"methodPath {path!r} is neither */* nor <resource path>/<HTTP method>")
    level = as_str(get(p, "settings.loggingLevel"))
    if isinstance(level, str) and level not in LOGGING_LEVELS:
        out.append(f"settings.loggingLevel {level!r} is not one of {', '.join(LOGGING_LEVELS)}")
    for key in ("throttlingBurstLimit", "throttlingRateLimit"):
        value = as_int(get(p, f"settings.{key}"))
        if isinstance(value, int) and value < -1:
            out.append(f"settings.{key} {value} is negative (-1 = unthrottled)")
    ttl = as_int(get(p, "settings.cacheTtlInSeconds"))
    if isinstance(ttl, int) and not -1 <= ttl <= 3600:
        out.append(f"settings.cacheTtlInSeconds {ttl} is outside 0-3600")
    report_problems(report_violation, out)


HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY")


@rule(name="apigateway-method-constraints", area=ACCEPTANCE, resource_types=(METHOD,),
      description="Methods PutMethod accepts: a known HTTP method and authorization type, an authorizer for "
                  "CUSTOM/COGNITO_USER_POOLS.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Use ANY/GET/... and NONE/AWS_IAM/CUSTOM/COGNITO_USER_POOLS.")
def validate_method_constraints(args, report_violation) -> None:
    if args.resource_type != METHOD:
        return
    p, out = args.props, []
    verb, auth = as_str(get(p, "httpMethod")), as_str(get(p, "authorization"))
    if isinstance(verb, str) and verb not in HTTP_METHODS:
        out.append(f"httpMethod {verb!r} is not one of {', '.join(HTTP_METHODS)}")
    if isinstance(auth, str) and auth not in AUTHORIZATION_TYPES:
        out.append(f"authorization {auth!r} is not one of {', '.join(AUTHORIZATION_TYPES)}")
    if auth in ("CUSTOM", "COGNITO_USER_POOLS") and get(p, "authorizerId") in (None, ""):
        out.append(f"authorization {auth} needs an authorizerId")
    report_problems(report_violation, out)


INTEGRATION_TYPES = ("HTTP", "HTTP_PROXY", "AWS", "AWS_PROXY", "MOCK")
_PARAM_KEY = re.compile(r"integration\.request\.(header|querystring|path|multivaluequerystring)\.[^\s]+")
_PARAM_SOURCE = re.compile(r"method\.request\.(header|querystring|path|multivaluequerystring)\.[^\s]+"
                           r"|'[^']*'|context\.[A-Za-z0-9_.]+|stageVariables\.[A-Za-z0-9_]+")


def _integration_problems(p) -> list[str]:
    out = []
    kind = as_str(get(p, "type"))
    if isinstance(kind, str) and kind not in INTEGRATION_TYPES:
        out.append(f"type {kind!r} is not one of {', '.join(INTEGRATION_TYPES)}")
    if kind in ("HTTP", "HTTP_PROXY", "AWS", "AWS_PROXY"):
        uri = get(p, "uri")
        if uri in (None, ""):
            out.append(f"a {kind} integration needs a uri")
        elif isinstance(uri, str) and kind.startswith("HTTP") and not re.match(r"https?://[^/\s]+", uri):
            out.append(f"uri {uri!r} is not an absolute http(s) URL")
        if get(p, "integrationHttpMethod") in (None, ""):
            out.append(f"a {kind} integration needs integrationHttpMethod")
    if as_str(get(p, "connectionType"), "INTERNET") == "VPC_LINK" and get(p, "connectionId") in (None, ""):
        out.append("connectionType VPC_LINK needs a connectionId")
    timeout = as_int(get(p, "timeoutInMillis"))
    if isinstance(timeout, int) and timeout < 50:
        out.append(f"timeoutInMillis {timeout} is below the 50 ms minimum")
    params = get(p, "requestParameters")
    if isinstance(params, dict) or hasattr(params, "items"):
        for key in list(params):
            value = get(params, [key])
            if not _PARAM_KEY.fullmatch(str(key)):
                out.append(f"requestParameters key {key!r} is not integration.request.<location>.<name>")
            if isinstance(value, str) and not _PARAM_SOURCE.fullmatch(value):
                out.append(f"requestParameters[{key!r}] = {value!r} is neither method.request.*, context.*, "
                           f"stageVariables.* nor a quoted literal")
    return out


@rule(name="apigateway-integration-constraints", area=ACCEPTANCE, resource_types=(INTEGRATION,),
      description="Integrations PutIntegration accepts: a known type, an absolute uri and method for HTTP/AWS "
                  "types, a connectionId for VPC_LINK, a timeout of at least 50 ms, request-parameter mappings "
                  "of the documented shapes.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Fix the integration (components/edge/api.py).")
def validate_integration_constraints(args, report_violation) -> None:
    if args.resource_type == INTEGRATION:
        report_problems(report_violation, _integration_problems(args.props))


_PATH_PART = re.compile(r"[A-Za-z0-9._\-~:@!$&'()*+,;=]+|\{[A-Za-z0-9._-]+\+?\}")
QUOTA_PERIODS = ("DAY", "WEEK", "MONTH")


@rule(name="apigateway-resource-constraints", area=ACCEPTANCE,
      resource_types=(RESOURCE, USAGE_PLAN, USAGE_PLAN_KEY, VPC_LINK_V2),
      description="Resources, usage plans and their keys, VPC links that API Gateway accepts (path parts, "
                  "quota periods, non-negative limits, API_KEY keys, subnets for a VPC link).",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Fix the resource, usage plan or VPC link inputs (components/edge/api.py).")
def validate_resource_and_plan_constraints(args, report_violation) -> None:
    t, p, out = args.resource_type, args.props, []
    if t == RESOURCE:
        part = as_str(get(p, "pathPart"))
        if isinstance(part, str) and not _PATH_PART.fullmatch(part):
            out.append(f"pathPart {part!r} is neither a path segment nor {{name}} / {{name+}}")
    elif t == USAGE_PLAN:
        period, limit = as_str(get(p, "quotaSettings.period")), as_int(get(p, "quotaSettings.limit"))
        if get(p, "quotaSettings") is not None and isinstance(period, str) and period not in QUOTA_PERIODS:
            out.append(f"quotaSettings.period {period!r} is not one of {', '.join(QUOTA_PERIODS)}")
        if isinstance(limit, int) and limit < 0:
            out.append(f"quotaSettings.limit {limit} is negative")
        for key in ("burstLimit", "rateLimit"):
            value = as_int(get(p, f"throttleSettings.{key}"))
            if isinstance(value, int) and value < 0:
                out.append(f"throttleSettings.{key} {value} is negative")
    elif t == USAGE_PLAN_KEY:
        kind = as_str(get(p, "keyType"))
        if isinstance(kind, str) and kind != "API_KEY":
            out.append(f"keyType {kind!r}: usage plans only take API_KEY")
    elif t == VPC_LINK_V2:
        subnets = as_list(get(p, "subnetIds"))
        if not is_unknown(subnets) and not subnets:
            out.append("a VPC link needs subnetIds")
    report_problems(report_violation, out)


def _api_key(resource, prop: str, value_path: str) -> Any:
    """The REST API a resource refers to: the RestApi resource it depends on, else the id value."""
    for d in producers(resource, prop):
        if d.resource_type == REST_API:
            return d.urn
    return as_str(get(resource.props, value_path))


baseline(
    __name__,
    service="Amazon API Gateway",
    resource_types=(ACCOUNT, API_KEY, DEPLOYMENT, INTEGRATION, METHOD, METHOD_SETTINGS, RESOURCE, REST_API, STAGE,
                    USAGE_PLAN, USAGE_PLAN_KEY, VPC_LINK_V2),
    not_applicable={
        "AwsSolutions-APIG2": "The API is one {proxy+} pass-through to the services behind the ALB; request "
                              "validation belongs to each service, which owns its schema.",
        "CKV2_AWS_53": "Same as AwsSolutions-APIG2: a {proxy+} pass-through API has no request models to validate.",
        "AwsSolutions-APIG4": "Clients authenticate with API keys bound to a usage plan (apigateway-method-access "
                              "requires a key where no authorizer is set); user authorization is done by the "
                              "services.",
        "CKV_AWS_120": "Stage caching is off on purpose: responses are per client and dynamic (proxy to the services).",
        "CKV_AWS_225": "Same as CKV_AWS_120: method-level caching is off on purpose; when turned on, "
                       "apigateway-method-settings-hardening requires it encrypted.",
        "CKV2_AWS_51": "The backend is reached through a VPC link to the private ALB, which only accepts requests "
                       "carrying the origin-verify secret header; no public backend needs client certificates.",
        "CKV_AWS_206": "No aws.apigateway.DomainName is created; the REST API's own TLS policy is judged by "
                       "apigateway-tls-policy.",
        "CKV_AWS_217": "A Terraform lifecycle setting (create_before_destroy); Pulumi creates the replacement "
                       "deployment before deleting the old one by default.",
        "CKV_AWS_237": "Same as CKV_AWS_217 for the REST API: Pulumi's default replacement order already creates "
                       "first.",
        "CKV_AWS_309": "Judges API Gateway v2 routes; the program creates no HTTP/WebSocket API, only a v2 VPC link.",
    },
)
