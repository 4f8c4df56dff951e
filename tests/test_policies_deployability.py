"""Deployability rules (rules/deployability.py) and the private plain-HTTP listener (rules/elb.py):
a violating and a compliant case each, and the committed plans judged by them."""

from __future__ import annotations

import copy

import pytest

from conftest import plan_for
from test_policies_support import U_STR, check, check_stack, urn

from components.edge.alb import PRIVATE_ORIGIN_TAG as PROGRAM_TAG
from platform_policies.rules import cross_service, deployability, elb

OWN = "314159265358"
PROVIDER = "pulumi:providers:aws"
LB, LISTENER = "aws:lb/loadBalancer:LoadBalancer", "aws:lb/listener:Listener"
SG, INGRESS = "aws:ec2/securityGroup:SecurityGroup", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
VPC_LINK, VPC_ORIGIN = "aws:apigatewayv2/vpcLink:VpcLink", "aws:cloudfront/vpcOrigin:VpcOrigin"
DIST = "aws:cloudfront/distribution:Distribution"
TOPIC, ALARM = "aws:sns/topic:Topic", "aws:cloudwatch/metricAlarm:MetricAlarm"
SUB = "aws:sns/topicSubscription:TopicSubscription"
REPO, PIPELINE = "aws:ecr/repository:Repository", "aws:codepipeline/pipeline:Pipeline"


def _messages(validator, resources, config=None) -> list[str]:
    return [m for m, _ in check_stack(validator, resources, config)]


# ---- no-placeholder-values ---------------------------------------------------------------------------------

def test_placeholders_in_inputs_are_found():
    resources = [
        {"type": LISTENER, "name": "https", "props": {
            "certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0f3b6c2e-prod-example"}},
        {"type": DIST, "name": "cdn", "props": {"aliases": ["api.example.com"]}},
        {"type": "aws:sns/topicSubscription:TopicSubscription", "name": "mail",
         "props": {"protocol": "email", "endpoint": "platform-alerts@example.com"}},
        {"type": "aws:lb/listenerRule:ListenerRule", "name": "rule", "props": {
            "listenerArn": f"arn:aws:elasticloadbalancing:eu-west-1:{OWN}:listener/app/x/1/2"}},
        {"type": PROVIDER, "name": "edge-us-east-1",
         "props": {"region": "us-east-1", "assumeRole": {"roleArn": "arn:aws:iam::111122223333:role/x"}}},
    ]
    found = check_stack(deployability.validate_no_placeholders, resources, {"region": "us-east-1"})
    text = "\n".join(m for m, _ in found)
    assert "certificateArn: 123456789012 is the AWS documentation's example account" in text
    assert "aliases[0]: api.example.com is reserved for documentation" in text
    assert "endpoint: example.com is reserved" in text
    assert "listenerArn: arn:aws:elasticloadbalancing:eu-west-1:" in text and "this resource is in us-east-1" in text
    assert "assumeRole.roleArn: 111122223333" in text
    assert {u for _, u in found} == {urn(LISTENER, "https"), urn(DIST, "cdn"), urn(SUB, "mail"),
                                    urn("aws:lb/listenerRule:ListenerRule", "rule"), urn(PROVIDER, "edge-us-east-1")}


def test_real_values_and_cloudfront_us_east_1_pass():
    resources = [
        {"type": LISTENER, "name": "https", "props": {
            "certificateArn": f"arn:aws:acm:eu-west-1:{OWN}:certificate/abc", "region": "eu-west-1"}},
        # CloudFront takes its certificate and web ACL from us-east-1 whatever the stack's region.
        {"type": DIST, "name": "cdn", "props": {
            "aliases": ["www.acme-shop.io"], "webAclId": f"arn:aws:wafv2:us-east-1:{OWN}:global/webacl/x/1",
            "viewerCertificate": {"acmCertificateArn": f"arn:aws:acm:us-east-1:{OWN}:certificate/def"}}},
        {"type": "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", "name": "log",
         "props": {"resourceArn": f"arn:aws:wafv2:us-east-1:{OWN}:global/webacl/x/1"}},
        {"type": "aws:sns/topicSubscription:TopicSubscription", "name": "mail",
         "props": {"protocol": "email", "endpoint": "ops@acme-shop.io", "topic": U_STR}},
    ]
    assert _messages(deployability.validate_no_placeholders, resources, {"region": "eu-west-1"}) == []


def test_region_is_inferred_from_the_stack_when_not_configured():
    resources = [{"type": "aws:iam/rolePolicy:RolePolicy", "name": f"p{i}",
                  "props": {"policy": f'{{"Resource": "arn:aws:logs:eu-west-1:{OWN}:log-group:g{i}"}}'}}
                 for i in range(3)]
    resources.append({"type": "aws:iam/rolePolicy:RolePolicy", "name": "odd",
                      "props": {"policy": f'{{"Resource": "arn:aws:logs:us-west-2:{OWN}:log-group:g"}}'}})
    found = check_stack(deployability.validate_no_placeholders, resources)
    assert [u for _, u in found] == [urn("aws:iam/rolePolicy:RolePolicy", "odd")]


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_committed_plans_have_no_placeholders_and_the_old_values_would_be_found(stack):
    plan = plan_for(stack)
    resources = [{"type": r["type"], "name": r["name"], "props": r["inputs"], "urn": r["urn"]}
                 for r in plan["resources"]]
    assert _messages(deployability.validate_no_placeholders, copy.deepcopy(resources)) == []
    # What the stack files carried before: an example certificate and domain.
    seeded = copy.deepcopy(resources)
    listener = next(r for r in seeded if r["name"] == "edge-http")
    listener["props"]["certificateArn"] = "arn:aws:acm:us-east-1:123456789012:certificate/5a1d9e47-dev-example"
    cdn = next(r for r in seeded if r["type"] == DIST)
    cdn["props"]["origins"][0]["domainName"] = "api.dev.example.com"
    found = _messages(deployability.validate_no_placeholders, seeded)
    assert any("123456789012" in m for m in found) and any("api.dev.example.com" in m for m in found)


# ---- alarm-topic-subscribed, images-have-a-pipeline -------------------------------------------------------------

def _alarm_topic(with_subscription: bool) -> list[dict]:
    topic = {"type": TOPIC, "name": "alarms", "props": {"name": "alarms"}}
    alarm = {"type": ALARM, "name": "cpu", "props": {"alarmActions": [U_STR]},
             "deps": {"alarmActions": [urn(TOPIC, "alarms")]}}
    out = [topic, alarm]
    if with_subscription:
        out.append({"type": SUB, "name": "mail", "props": {"protocol": "email", "endpoint": "ops@acme-shop.io"},
                    "deps": {"topic": [urn(TOPIC, "alarms")]}})
    return out


def test_an_alarm_topic_nobody_subscribes_to_is_reported():
    found = check_stack(deployability.validate_alarm_topic_subscribed, _alarm_topic(False))
    assert [u for _, u in found] == [urn(TOPIC, "alarms")] and "alertEmail" in found[0][0]
    assert check_stack(deployability.validate_alarm_topic_subscribed, _alarm_topic(True)) == []
    # A topic no alarm notifies is none of this rule's business.
    assert check_stack(deployability.validate_alarm_topic_subscribed, _alarm_topic(False)[:1]) == []


def test_repositories_without_a_pipeline_are_reported():
    repos = [{"type": REPO, "name": f"r{i}", "props": {}} for i in range(2)]
    found = _messages(deployability.validate_images_have_a_pipeline, repos)
    assert len(found) == 1 and "2 ECR repositories" in found[0] and "delivery.repositoryOwner" in found[0]
    assert _messages(deployability.validate_images_have_a_pipeline,
                     [*repos, {"type": PIPELINE, "name": "p", "props": {}}]) == []
    assert _messages(deployability.validate_images_have_a_pipeline, []) == []


# ---- the private plain-HTTP listener ---------------------------------------------------------------------

TAGS = {PROGRAM_TAG[0]: PROGRAM_TAG[1]}


def _private_alb(internal=True, extra_rule: dict | None = None, listener_tags=TAGS) -> list[dict]:
    lb, alb_sg, link_sg = urn(LB, "alb"), urn(SG, "alb-sg"), urn(SG, "link-sg")
    origin = urn(VPC_ORIGIN, "origin")
    resources = [
        {"type": SG, "name": "alb-sg", "props": {"description": "ALB"}},
        {"type": SG, "name": "link-sg", "props": {"description": "link"}},
        {"type": LB, "name": "alb", "props": {"internal": internal, "securityGroups": [U_STR]},
         "deps": {"securityGroups": [alb_sg]}},
        {"type": LISTENER, "name": "http", "props": {"protocol": "HTTP", "port": 80, "tags": listener_tags,
                                                      "defaultActions": [{"type": "fixed-response"}]},
         "deps": {"loadBalancerArn": [lb]}},
        {"type": VPC_LINK, "name": "link", "props": {}, "deps": {"securityGroupIds": [link_sg]}},
        {"type": VPC_ORIGIN, "name": "origin", "props": {}, "deps": {"vpcOriginEndpointConfig": [lb]}},
        {"type": INGRESS, "name": "from-link", "props": {"fromPort": 80, "referencedSecurityGroupId": U_STR},
         "deps": {"securityGroupId": [alb_sg], "referencedSecurityGroupId": [link_sg]}},
        {"type": INGRESS, "name": "from-cloudfront", "props": {"fromPort": 80, "referencedSecurityGroupId": U_STR},
         "deps": {"securityGroupId": [alb_sg], "referencedSecurityGroupId": [origin]}},
    ]
    if extra_rule:
        resources.append(extra_rule)
    return resources


def test_private_http_listener_with_only_the_two_senders_passes():
    assert check_stack(elb.validate_private_http_listener, _private_alb()) == []


@pytest.mark.parametrize("case, expected", [
    (dict(internal=False), "internet-facing"),
    (dict(extra_rule={"type": INGRESS, "name": "world", "props": {"cidrIpv4": "0.0.0.0/0"},
                      "deps": {"securityGroupId": [urn(SG, "alb-sg")]}}), "admits cidrIpv4 0.0.0.0/0"),
    (dict(extra_rule={"type": INGRESS, "name": "other", "props": {"referencedSecurityGroupId": "sg-1"},
                      "deps": {"securityGroupId": [urn(SG, "alb-sg")]}}), "neither an API Gateway VPC link"),
])
def test_private_http_listener_claims_are_checked(case, expected):
    found = check_stack(elb.validate_private_http_listener, _private_alb(**case))
    assert found and all(u == urn(LISTENER, "http") for _, u in found)
    assert any(expected in m for m, _ in found)


def test_the_claim_needs_the_load_balancer_in_the_stack():
    resources = [{"type": LISTENER, "name": "http", "props": {"protocol": "HTTP", "tags": TAGS}}]
    assert "not a resource of this stack" in _messages(elb.validate_private_http_listener, resources)[0]


def test_encryption_in_transit_leaves_only_tagged_listeners_to_the_stack_rule():
    forward = {"protocol": "HTTP", "port": 80, "defaultActions": [{"type": "forward"}]}
    assert check(cross_service.validate_encryption_in_transit, LISTENER, forward)
    assert check(cross_service.validate_encryption_in_transit, LISTENER, {**forward, "tags": TAGS}) == []
    assert check(cross_service.validate_encryption_in_transit, LISTENER,
                 {**forward, "tags": {PROGRAM_TAG[0]: "something-else"}})


def test_program_and_pack_use_the_same_claim():
    assert PROGRAM_TAG == elb.PRIVATE_ORIGIN_TAG


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_committed_plans_keep_the_http_listener_private(stack):
    plan = plan_for(stack)
    resources = [{"type": r["type"], "name": r["name"], "props": r["inputs"], "urn": r["urn"],
                  "deps": {**r.get("propertyDependencies", {}),
                           "__dependsOn": [d for d in r.get("dependencies", [])]}}
                 for r in plan["resources"]]
    listeners = [r for r in resources if r["type"] == LISTENER]
    assert [r["props"]["protocol"] for r in listeners] == ["HTTP"]  # no domain: the private HTTP listener
    assert check_stack(elb.validate_private_http_listener, resources) == []
    # Open it to the world and the rule objects.
    alb_sg = next(r["urn"] for r in resources if r["name"] == "edge-alb-sg")
    resources.append({"type": INGRESS, "name": "world", "props": {"cidrIpv4": "0.0.0.0/0"},
                      "deps": {"securityGroupId": [alb_sg]}})
    assert check_stack(elb.validate_private_http_listener, resources)
