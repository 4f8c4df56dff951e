"""IAM, KMS and Secrets Manager rules."""

from __future__ import annotations

import json

from test_policies_support import check, check_stack, urn
from platform_policies.rules import cross_service, iam, kms, secretsmanager

ROLE, RP, ATT = iam.ROLE, iam.ROLE_POLICY, iam.ATTACHMENT


def _doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _allow(action, resource="*"):
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def test_wildcard_actions():
    v = iam.validate_no_wildcard_actions
    assert check(v, RP, {"policy": _doc(_allow(["s3:GetObject"], "arn:aws:s3:::b/*"))}) == []
    assert check(v, RP, {"policy": _doc(_allow("s3:*", "arn:aws:s3:::b/*"))})
    assert check(v, RP, {"policy": _doc(_allow("iam:*", "arn:aws:iam::1:role/x"))})


def test_wildcard_resources():
    v = iam.validate_no_wildcard_resources
    assert check(v, RP, {"policy": _doc(_allow(["xray:PutTraceSegments", "ecr:GetAuthorizationToken"]))}) == []
    assert check(v, RP, {"policy": _doc(_allow("secretsmanager:GetSecretValue"))})
    assert check(v, RP, {"policy": _doc(_allow("s3:GetObject"))}, config={"unscopedActions": ["s3:*"]}) == []


def test_allow_with_not_resource_or_not_action_is_a_wildcard():
    not_resource = {"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::nothing/*"}
    (message,) = check(iam.validate_no_wildcard_resources, RP, {"policy": _doc(not_resource)})
    assert "NotResource" in message
    scoped = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
    assert check(iam.validate_no_wildcard_resources, RP, {"policy": _doc(scoped)}) == []
    deny = {**not_resource, "Effect": "Deny"}  # a Deny with NotResource narrows, it grants nothing
    assert check(iam.validate_no_wildcard_resources, RP, {"policy": _doc(deny, scoped)}) == []
    not_action = {"Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:aws:s3:::b/*"}
    assert check(iam.validate_no_wildcard_actions, RP, {"policy": _doc(not_action)})


def test_privilege_escalation():
    v = iam.validate_no_privilege_escalation
    assert check(v, RP, {"policy": _doc(_allow("iam:PassRole", "arn:aws:iam::1:role/task"))}) == []
    assert check(v, RP, {"policy": _doc(_allow("iam:PassRole"))})
    assert check(v, RP, {"policy": _doc(_allow("iam:PutRolePolicy", "arn:aws:iam::1:role/task"))})
    assert check(v, RP, {"policy": _doc(_allow("iam:Create*", "arn:aws:iam::1:user/x"))})


def test_managed_policies():
    v = iam.validate_managed_policies
    ok = "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
    assert check(v, ATT, {"policyArn": ok}) == []
    assert check(v, ATT, {"policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})
    assert check(v, ATT, {"policyArn": "arn:aws:iam::aws:policy/AmazonS3FullAccess"})
    assert check(v, ATT, {"policyArn": "arn:aws:iam::123456789012:policy/mine"}) == []
    assert check(v, ROLE, {"managedPolicyArns": ["arn:aws:iam::aws:policy/IAMFullAccess"]})


def test_trust_policy():
    v = iam.validate_trust_policy
    service = {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}
    assert check(v, ROLE, {"assumeRolePolicy": _doc(service)}) == []
    assert check(v, ROLE, {"assumeRolePolicy": _doc({**service, "Principal": "*"})})
    assert check(v, ROLE, {"assumeRolePolicy": _doc({**service, "Principal": {"AWS": "arn:aws:iam::1:root"}})})


def test_policy_documents():
    v = iam.validate_iam_documents
    trust = {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}
    assert check(v, ROLE, {"assumeRolePolicy": _doc(trust)}) == []
    assert check(v, ROLE, {"assumeRolePolicy": _doc({**trust, "Principal": None})})
    assert check(v, RP, {"policy": _doc(_allow("s3:GetObject", "arn:aws:s3:::b/*"))}) == []
    assert check(v, RP, {"policy": _doc({"Effect": "Allow", "Action": "s3:GetObject"})})  # no Resource
    assert check(v, RP, {"policy": "{not json"})
    assert check(v, RP, {"policy": json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Permit", "Action": "s3:GetObject", "Resource": "*"}]})})
    assert check(v, ATT, {"policyArn": "AdministratorAccess"})


KEY = {"description": "Alarm topic", "enableKeyRotation": True, "deletionWindowInDays": 30,
       "policy": _doc({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}, "Action": "kms:*",
                       "Resource": "*"})}


def test_kms_rules():
    assert check(kms.validate_key_rotation, kms.KEY, KEY) == []
    assert check(kms.validate_key_rotation, kms.KEY, {**KEY, "enableKeyRotation": False})
    assert check(kms.validate_key_rotation, kms.KEY, {"customerMasterKeySpec": "RSA_2048"}) == []
    assert check(kms.validate_key_policy, kms.KEY, KEY) == []
    assert check(kms.validate_key_policy, kms.KEY, {**KEY, "policy": None})
    assert check(kms.validate_key_policy, kms.KEY, {**KEY, "policy": _doc(
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*"})})
    assert check(kms.validate_key_policy, kms.KEY, {**KEY, "bypassPolicyLockoutSafetyCheck": True})
    assert check(kms.validate_key_hygiene, kms.KEY, KEY) == []
    assert check(kms.validate_key_hygiene, kms.KEY, {**KEY, "isEnabled": False, "description": ""})
    assert check(kms.validate_kms_values, kms.KEY, KEY) == []
    assert check(kms.validate_kms_values, kms.KEY, {**KEY, "deletionWindowInDays": 3})
    assert check(kms.validate_kms_values, kms.KEY, {**KEY, "rotationPeriodInDays": 30})
    assert check(kms.validate_kms_values, kms.ALIAS, {"name": "alias/platform-alarms"}) == []
    assert check(kms.validate_kms_values, kms.ALIAS, {"name": "platform-alarms"})
    assert check(kms.validate_kms_values, kms.ALIAS, {"name": "alias/aws/sns"})


SECRET, ROTATION = secretsmanager.SECRET, secretsmanager.SECRET_ROTATION


def test_secret_rotation():
    v = secretsmanager.validate_secret_rotation
    tagged = {"type": SECRET, "name": "s", "props": {"tags": {"rotation": "manual: raise generation"}}}
    assert check_stack(v, [tagged]) == []
    assert check_stack(v, [{"type": SECRET, "name": "s", "props": {"tags": {"service": "x"}}}])
    rotation = {"type": ROTATION, "name": "r", "props": {"rotationRules": {"automaticallyAfterDays": 30}},
                "deps": {"secretId": [urn(SECRET, "s")]}}
    assert check_stack(v, [{"type": SECRET, "name": "s", "props": {}}, rotation]) == []
    slow = {**rotation, "props": {"rotationRules": {"automaticallyAfterDays": 180}}}
    assert check_stack(v, [{"type": SECRET, "name": "s", "props": {}}, slow])


def test_secret_description_and_values():
    assert check(secretsmanager.validate_secret_description, SECRET, {"description": "MQ user"}) == []
    assert check(secretsmanager.validate_secret_description, SECRET, {})
    v = secretsmanager.validate_secret_values
    assert check(v, SECRET, {"recoveryWindowInDays": 30}) == []
    assert check(v, SECRET, {"recoveryWindowInDays": 3})
    assert check(v, secretsmanager.SECRET_VERSION, {"secretString": "a", "secretBinary": "Yg=="})


def test_partial_action_wildcards():
    v = iam.validate_no_wildcard_actions
    bucket = "arn:aws:s3:::b/*"
    assert check(v, RP, {"policy": _doc(_allow("s3:Get*", bucket))})
    assert check(v, RP, {"policy": _doc(_allow(["s3:PutObject", "s3:*Object"], bucket))})
    assert check(v, RP, {"policy": _doc(_allow(["s3:GetObject", "s3:PutObject"], bucket))}) == []
    assert check(v, RP, {"policy": _doc(_allow("ec2:Describe*"))},
                 config={"allowedActionWildcards": ["ec2:Describe*"]}) == []


def test_wildcard_arns():
    v = iam.validate_no_wildcard_resources
    for arn in ("arn:aws:iam::123456789012:role/*", "arn:aws:secretsmanager:*:*:secret:*", "arn:aws:dynamodb:*:*:*",
                "arn:aws:s3:::*", "arn:aws:s3:::*/*", "arn:aws:logs:us-east-1:123456789012:log-group:*",
                "arn:aws:sqs:us-east-1:*:queue"):
        assert check(v, RP, {"policy": _doc(_allow("s3:GetObject", arn))}), arn
    for arn in ("arn:aws:s3:::bucket/*", "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/x:*",
                "arn:aws:ecs:us-east-1:123456789012:task/cluster/*", "arn:aws:iam::123456789012:role/task",
                "arn:aws:kafka:us-east-1:123456789012:topic/cluster/uuid/*"):
        assert check(v, RP, {"policy": _doc(_allow("s3:GetObject", arn))}) == [], arn


def test_documents_refuse_bare_actions_long_sessions_and_unknown_service_principals():
    v = iam.validate_iam_documents
    assert check(v, RP, {"policy": _doc(_allow("s3:GetObject", "arn:aws:s3:::b/*"))}) == []
    assert check(v, RP, {"policy": _doc(_allow("GetObject", "arn:aws:s3:::b/*"))})
    trust = _doc({"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"})
    assert check(v, ROLE, {"assumeRolePolicy": trust, "maxSessionDuration": 43200}) == []
    assert check(v, ROLE, {"assumeRolePolicy": trust, "maxSessionDuration": 50000})
    assert check(v, ROLE, {"assumeRolePolicy": trust.replace("ecs-tasks", "ecs-task")})
    assert check(v, ROLE, {"assumeRolePolicy": trust.replace("ecs-tasks", "ecs-task")},
                 config={"knownServicePrincipals": ["ecs-task.amazonaws.com"]}) == []


def test_service_principals_not_listed_pass_and_near_misses_do_not():
    v = iam.validate_iam_documents
    trust = _doc({"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"})
    for real in ("pipes.amazonaws.com", "glue.amazonaws.com", "logs.us-east-1.amazonaws.com",
                 "sagemaker.amazonaws.com", "lambda.amazonaws.com.cn", "ses.amazonaws.com", "eks.amazonaws.com"):
        assert check(v, ROLE, {"assumeRolePolicy": trust.replace("ecs-tasks.amazonaws.com", real)}) == [], real
    for typo, meant in (("lamda.amazonaws.com", "lambda.amazonaws.com"),
                        ("ecs-task.eu-west-1.amazonaws.com", "ecs-tasks.eu-west-1.amazonaws.com"),
                        ("schedular.amazonaws.com", "scheduler.amazonaws.com")):
        (message,) = check(v, ROLE, {"assumeRolePolicy": trust.replace("ecs-tasks.amazonaws.com", typo)})
        assert f"did you mean {meant!r}" in message
    for malformed in ("ecs-tasks", "ecs-tasks.amazonaws", "ecs tasks.amazonaws.com", ".amazonaws.com"):
        assert check(v, ROLE, {"assumeRolePolicy": trust.replace("ecs-tasks.amazonaws.com", malformed)}), malformed


def test_near_miss_allows_fewer_edits_on_short_names():
    from platform_policies.support.near_miss import edit_distance, near_miss
    assert edit_distance("ecs-task", "ecs-tasks") == 1 and edit_distance("kitten", "sitting") == 3
    assert near_miss("ecs-task", ["ecs-tasks"]) == "ecs-tasks"
    assert near_miss("sns", ["sqs"]) is None  # both real: too short to call one a typo of the other
    assert near_miss("ecs-tasks", ["ecs-tasks"]) is None


def test_github_oidc_trust_pins_the_repository():
    v = iam.validate_trust_policy
    provider = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    federated = {"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity", "Principal": {"Federated": provider},
                 "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}}
    assert check(v, ROLE, {"assumeRolePolicy": _doc(federated)})
    pinned = {**federated, "Condition": {
        "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
        "StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/shop:ref:refs/heads/main"}}}
    assert check(v, ROLE, {"assumeRolePolicy": _doc(pinned)}) == []
    anyone = {**pinned, "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}}}
    assert check(v, ROLE, {"assumeRolePolicy": _doc(anyone)})


def test_key_policy_passes_the_lockout_safety_check():
    v = kms.validate_kms_values
    root = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*",
            "Resource": "*"}
    service = {"Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Resource": "*",
               "Action": ["kms:Decrypt", "kms:GenerateDataKey*"]}
    assert check(v, kms.KEY, {"policy": _doc(root, service)}) == []
    assert check(v, kms.KEY, {"policy": _doc(service)})
    assert check(v, kms.KEY, {"policy": _doc({**root, "Action": "kms:Decrypt"}, service)})
    assert check(v, kms.KEY, {"policy": _doc(service), "bypassPolicyLockoutSafetyCheck": True}) == []


def test_secret_resource_policy_and_name():
    v = secretsmanager.validate_secret_policy
    policy_type = secretsmanager.SECRET_POLICY
    reader = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/task"},
              "Action": "secretsmanager:GetSecretValue", "Resource": "*"}
    assert check(v, policy_type, {"policy": _doc(reader)}) == []
    assert check(v, policy_type, {"policy": _doc({**reader, "Principal": "*"})})
    assert check(v, policy_type, {"policy": _doc({**reader, "Principal": {"AWS": ["*"]}})})
    assert check(v, secretsmanager.SECRET, {"policy": _doc({**reader, "Principal": "*"})})
    names = cross_service.validate_physical_names
    assert check(names, secretsmanager.SECRET, {"name": "prod/cache-auth"}) == []
    assert check(names, secretsmanager.SECRET, {"name": "prod cache auth"})


def test_actions_exist_in_the_catalogue():
    v = iam.validate_iam_actions_exist
    ok = _allow(["secretsmanager:GetSecretValue", "kms:Decrypt", "logs:Create*", "ssmmessages:OpenDataChannel"],
                "arn:aws:secretsmanager:us-east-1:1:secret:x")
    assert check(v, RP, {"policy": _doc(ok)}) == []
    (message,) = check(v, RP, {"policy": _doc(_allow("secretsmanager:GetSecretValues"))})
    assert "did you mean 'secretsmanager:GetSecretValue'" in message and "catalogue of 20" in message
    (message,) = check(v, RP, {"policy": _doc(_allow("secretmanager:GetSecretValue"))})
    assert "no AWS service has the prefix 'secretmanager'" in message
    (message,) = check(v, RP, {"policy": _doc(_allow("logs:Zap*"))})
    assert "matches no action of logs" in message
    assert check(v, RP, {"policy": _doc(_allow("S3:getobject"))}) == []  # IAM ignores case
    deny = {"Effect": "Deny", "NotAction": ["kms:Decript"], "Resource": "*"}
    assert check(v, RP, {"policy": _doc(deny)})  # NotAction too
    assert check(v, RP, {"policy": _doc(_allow("ecs:Brand-new"))}, config={"actionsNotInCatalogue": [
        "ecs:brand-new"]}) == []


def test_actions_exist_in_every_kind_of_policy_document():
    v = iam.validate_iam_actions_exist
    typo = _doc({"Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"},
                 "Action": ["kms:GenerateDatakey*x"], "Resource": "*"})
    for type_, prop in (("aws:kms/key:Key", "policy"), ("aws:sns/topicPolicy:TopicPolicy", "policy"),
                        ("aws:s3/bucketPolicy:BucketPolicy", "policy"), ("aws:sqs/queuePolicy:QueuePolicy", "policy"),
                        ("aws:cloudwatch/logResourcePolicy:LogResourcePolicy", "policyDocument")):
        assert check(v, type_, {prop: typo}), type_
    trust = _doc({"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRol"})
    assert check(v, ROLE, {"assumeRolePolicy": trust})
    inline = {"assumeRolePolicy": _doc({"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                                        "Action": "sts:AssumeRole"}),
              "inlinePolicies": [{"name": "p", "policy": _doc(_allow("ecr:GetAuthorisationToken"))}]}
    (message,) = check(v, ROLE, inline)
    assert message.startswith("inlinePolicies[0].policy") and "ecr:GetAuthorizationToken" in message


def test_actions_exist_at_a_first_preview():
    from test_policies_support import U_STR
    v = iam.validate_iam_actions_exist
    assert check(v, RP, {"policy": U_STR}) == []  # the document is built from outputs: judged on the update
    with_unknown_arn = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["kms:Decript"], "Resource": "arn:aws:kms:us-east-1:1:key/unknown"}]})
    assert check(v, RP, {"policy": with_unknown_arn})  # the actions are literal even when resources are not
