"""API Gateway rules (rules/apigateway.py): a compliant and a violating case per rule."""

from __future__ import annotations

from test_policies_support import U_STR, check, check_stack, urn

from platform_policies.rules import apigateway as api

STAGE = {"stageName": "v1", "restApi": "abc", "xrayTracingEnabled": True, "accessLogSettings": {
    "destinationArn": "arn:aws:logs:us-east-1:1:log-group:api", "format": '{"id":"$context.requestId"}'}}
SETTINGS = {"restApi": "abc", "stageName": "v1", "methodPath": "*/*",
            "settings": {"loggingLevel": "ERROR", "metricsEnabled": True, "dataTraceEnabled": False}}


def test_access_logging():
    assert check(api.validate_access_logging, api.STAGE, STAGE) == []
    assert check(api.validate_access_logging, api.STAGE, {"stageName": "v1"})
    assert check(api.validate_access_logging, api.STAGE, {"accessLogSettings": U_STR}) == []


def test_execution_logging():
    v = api.validate_execution_logging
    stage = {"type": api.STAGE, "name": "stage", "props": STAGE}
    assert check_stack(v, [stage, {"type": api.METHOD_SETTINGS, "name": "ms", "props": SETTINGS}]) == []
    off = {**SETTINGS, "settings": {"loggingLevel": "OFF"}}
    assert check_stack(v, [stage, {"type": api.METHOD_SETTINGS, "name": "ms", "props": off}])
    assert check_stack(v, [stage])
    other_stage = {**SETTINGS, "stageName": "v2"}
    assert check_stack(v, [stage, {"type": api.METHOD_SETTINGS, "name": "ms", "props": other_stage}])


def test_xray():
    assert check(api.validate_xray, api.STAGE, STAGE) == []
    assert check(api.validate_xray, api.STAGE, {"stageName": "v1"})


def test_method_access():
    v = api.validate_method_access
    assert check(v, api.METHOD, {"authorization": "NONE", "apiKeyRequired": True, "httpMethod": "ANY"}) == []
    assert check(v, api.METHOD, {"authorization": "AWS_IAM", "httpMethod": "GET"}) == []
    assert check(v, api.METHOD, {"authorization": "NONE", "httpMethod": "ANY"})


def test_method_settings_hardening():
    v = api.validate_method_settings_hardening
    assert check(v, api.METHOD_SETTINGS, SETTINGS) == []
    assert check(v, api.METHOD_SETTINGS, {**SETTINGS, "settings": {"dataTraceEnabled": True}})
    assert check(v, api.METHOD_SETTINGS, {**SETTINGS, "settings": {"cachingEnabled": True}})
    assert check(v, api.METHOD_SETTINGS, {**SETTINGS, "settings": {"cachingEnabled": True,
                                                                   "cacheDataEncrypted": True}}) == []


def test_tls_policy():
    v = api.validate_api_tls_policy
    assert check(v, api.REST_API, {"securityPolicy": "TLS_1_2"}) == []
    assert check(v, api.REST_API, {"securityPolicy": "SecurityPolicy_TLS13_1_3_2025_09"}) == []
    assert check(v, api.REST_API, {}) and check(v, api.REST_API, {"securityPolicy": "TLS_1_0"})


def test_stage_constraints():
    v = api.validate_stage_constraints
    assert check(v, api.STAGE, STAGE) == []
    assert check(v, api.STAGE, {**STAGE, "stageName": "v 1"})
    assert check(v, api.STAGE, {**STAGE, "accessLogSettings": {"destinationArn": "arn:aws:logs:x",
                                                              "format": "$context.status"}})
    assert check(v, api.STAGE, {**STAGE, "accessLogSettings": {
        "destinationArn": "arn:aws:firehose:us-east-1:1:deliverystream/api-logs", "format": "$context.requestId"}})
    assert check(v, api.STAGE, {**STAGE, "cacheClusterEnabled": True, "cacheClusterSize": "2"})


def test_logging_role():
    v = api.validate_logging_role
    stage = {"type": api.STAGE, "name": "stage", "props": STAGE}
    account = {"type": api.ACCOUNT, "name": "account", "props": {"cloudwatchRoleArn": "arn:aws:iam::1:role/logs"}}
    assert check_stack(v, [stage, account]) == []
    assert check_stack(v, [stage])
    assert check_stack(v, [{"type": api.STAGE, "name": "s", "props": {"stageName": "v1"}}]) == []
    # edge.manageApiGatewayAccount false: another stack owns the role, and the stage says so
    shared = {**stage, "props": {**STAGE, "tags": {"api-gateway-account-role": "shared"}}}
    assert check_stack(v, [shared]) == []
    assert check_stack(v, [{**stage, "props": {**STAGE, "tags": {"api-gateway-account-role": "mine"}}}])


def test_method_settings_constraints():
    v = api.validate_method_settings_constraints
    assert check(v, api.METHOD_SETTINGS, SETTINGS) == []
    assert check(v, api.METHOD_SETTINGS, {**SETTINGS, "methodPath": "everything"})
    assert check(v, api.METHOD_SETTINGS, {**SETTINGS, "settings": {"loggingLevel": "DEBUG"}})
    assert check(v, api.METHOD_SETTINGS, {**SETTINGS, "settings": {"throttlingRateLimit": -5}})
    assert check(v, api.METHOD_SETTINGS, {**SETTINGS, "settings": {"cacheTtlInSeconds": 7200}})
    assert check(v, api.METHOD_SETTINGS, {**SETTINGS, "methodPath": "orders/GET"}) == []


def test_method_constraints():
    v = api.validate_method_constraints
    assert check(v, api.METHOD, {"httpMethod": "ANY", "authorization": "NONE"}) == []
    assert check(v, api.METHOD, {"httpMethod": "FETCH", "authorization": "NONE"})
    assert check(v, api.METHOD, {"httpMethod": "GET", "authorization": "JWT"})
    assert check(v, api.METHOD, {"httpMethod": "GET", "authorization": "CUSTOM"})


def test_integration_constraints():
    v = api.validate_integration_constraints
    good = {"type": "HTTP_PROXY", "uri": "https://api.internal/{proxy}", "integrationHttpMethod": "ANY",
            "connectionType": "VPC_LINK", "connectionId": "abc",
            "requestParameters": {"integration.request.path.proxy": "method.request.path.proxy",
                                  "integration.request.header.X-Origin-Verify": "'secret'"}}
    assert check(v, api.INTEGRATION, good) == []
    assert check(v, api.INTEGRATION, {**good, "connectionId": None})
    assert check(v, api.INTEGRATION, {**good, "uri": "api.internal/x"})
    assert check(v, api.INTEGRATION, {**good, "integrationHttpMethod": None})
    assert check(v, api.INTEGRATION, {**good, "timeoutInMillis": 10})
    assert check(v, api.INTEGRATION, {**good, "type": "LAMBDA"})
    assert check(v, api.INTEGRATION, {**good, "requestParameters": {"header.X": "method.request.header.X"}})
    assert check(v, api.INTEGRATION, {**good, "requestParameters": {"integration.request.header.X": "secret"}})


def test_resource_and_plan_constraints():
    v = api.validate_resource_and_plan_constraints
    assert check(v, api.RESOURCE, {"pathPart": "{proxy+}"}) == [] and check(v, api.RESOURCE, {"pathPart": "a b"})
    plan = {"quotaSettings": {"limit": 100, "period": "MONTH"}, "throttleSettings": {"burstLimit": 10,
                                                                                   "rateLimit": 5}}
    assert check(v, api.USAGE_PLAN, plan) == []
    assert check(v, api.USAGE_PLAN, {**plan, "quotaSettings": {"limit": 100, "period": "YEAR"}})
    assert check(v, api.USAGE_PLAN, {**plan, "throttleSettings": {"rateLimit": -1}})
    assert check(v, api.USAGE_PLAN_KEY, {"keyType": "API_KEY"}) == []
    assert check(v, api.USAGE_PLAN_KEY, {"keyType": "IAM"})
    assert check(v, api.VPC_LINK_V2, {"subnetIds": ["a"]}) == [] and check(v, api.VPC_LINK_V2, {"subnetIds": []})


def test_stage_is_matched_to_its_settings_through_the_graph():
    """First preview: restApi ids are unknown; the property dependencies still pair stage and settings."""
    v = api.validate_execution_logging
    api_urn = urn(api.REST_API, "api")
    stage = {"type": api.STAGE, "name": "stage", "props": {**STAGE, "restApi": U_STR},
             "deps": {"restApi": [api_urn]}}
    settings = {"type": api.METHOD_SETTINGS, "name": "ms", "props": {**SETTINGS, "restApi": U_STR},
                "deps": {"restApi": [api_urn]}}
    rest = {"type": api.REST_API, "name": "api", "urn": api_urn, "props": {}}
    assert check_stack(v, [rest, stage, settings]) == []


def test_stage_references():
    v = api.validate_stage_references
    api_urn = urn(api.REST_API, "api")
    rest = {"type": api.REST_API, "name": "api", "urn": api_urn, "props": {}}
    stage = {"type": api.STAGE, "name": "stage", "props": STAGE, "deps": {"restApi": [api_urn]}}

    def settings(name):
        return {"type": api.METHOD_SETTINGS, "name": "ms", "props": {**SETTINGS, "stageName": name},
                "deps": {"restApi": [api_urn]}}

    def plan(name):
        return {"type": api.USAGE_PLAN, "name": "plan", "props": {"apiStages": [{"apiId": "abc", "stage": name}]},
                "deps": {"apiStages": [api_urn]}}
    assert check_stack(v, [rest, stage, settings("v1"), plan("v1")]) == []
    assert check_stack(v, [rest, stage, settings("prod")])
    assert check_stack(v, [rest, stage, plan("v2")])


def test_resource_policy_no_public_allow():
    import json
    v = api.validate_resource_policy_no_public_allow

    def policy(principal, condition=None) -> dict:
        st = {"Effect": "Allow", "Principal": principal, "Action": "execute-api:Invoke", "Resource": "execute-api:/*"}
        return {"policy": json.dumps({"Version": "2012-10-17", "Statement": [st | (
            {"Condition": condition} if condition else {})]})}
    vpce = {"StringEquals": {"aws:SourceVpce": "vpce-1"}}
    assert check(v, api.REST_API, policy("*", vpce)) == []
    assert check(v, api.REST_API, policy({"AWS": "arn:aws:iam::1:root"})) == []
    assert check(v, api.REST_API, policy("*"))
    assert check(v, api.REST_API_POLICY, policy({"AWS": ["*"]}))
    assert check(v, api.REST_API, {"policy": U_STR}) == [] and check(v, api.REST_API, {}) == []
    # The developer guide's private-API policy: allow everyone, deny everyone not coming through the endpoint.
    allow_then_deny = {"policy": json.dumps({"Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"},
        {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*",
         "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}}]})}
    assert check(v, api.REST_API, allow_then_deny) == []
    tls_only = json.loads(allow_then_deny["policy"])
    tls_only["Statement"][1]["Condition"] = {"Bool": {"aws:SecureTransport": "false"}}
    assert check(v, api.REST_API, {"policy": json.dumps(tls_only)})  # restricts the transport, not the caller
