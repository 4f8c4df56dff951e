"""Placeholders: the settings' matcher (components/config/placeholders.py) and the pack's
(policies/platform_policies/support/placeholders.py) agree on one table of examples."""

from __future__ import annotations

from preflight.exits import EXIT_INPUT

import pytest

from components.config import placeholders as settings_side
from platform_policies.support import placeholders as pack_side

OWN = "314159265358"

# (text, region, placeholder?)
EXAMPLES = [
    ("platform-alerts@example.com", "us-east-1", True),
    ("api.example.com", "us-east-1", True),
    ("https://hooks.example.org/alerts", "us-east-1", True),
    ("deep.sub.example.net", "us-east-1", True),
    ("api.shop.example", "us-east-1", True),
    ("arn:aws:acm:us-east-1:123456789012:certificate/0f3b6c2e-prod-example", "us-east-1", True),
    ("arn:aws:iam::111122223333:role/deployer", "us-east-1", True),
    (f"arn:aws:acm:eu-west-1:{OWN}:certificate/x", "us-east-1", True),
    (f"arn:aws-cn:acm:cn-north-1:{OWN}:certificate/x", "us-east-1", True),
    (f"arn:aws:acm:us-east-1:{OWN}:certificate/x", "us-east-1", False),
    (f"arn:aws-cn:acm:cn-north-1:{OWN}:certificate/x", "cn-north-1", False),
    ("ops@acme-shop.io", "us-east-1", False),
    ("api.example-shop.com", "us-east-1", False),  # not the reserved name, only similar
    ("notexample.com", "us-east-1", False),
    ("arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers", "us-east-1", False),
    ("arn:aws:s3:::my-bucket/alb/*", "us-east-1", False),
    # the documentation account's digits inside a resource id, not in the account field
    ("arn:aws:acm:us-east-1:210987654321:certificate/12345678-1234-1234-1234-123456789012", "us-east-1", False),
]


def _settings_verdict(text: str, region: str) -> bool:
    return bool(settings_side.example_domain(text) or (text.startswith("arn:")
                                                         and settings_side.arn_problem(text, region)))


def _pack_verdict(text: str, region: str) -> bool:
    return any(True for _ in pack_side.text_findings(text, region))


@pytest.mark.parametrize("text, region, expected", EXAMPLES)
def test_both_sides_judge_alike(text, region, expected):
    assert _settings_verdict(text, region) is expected
    assert _pack_verdict(text, region) is expected



def test_the_pack_finds_tokens_inside_policy_documents_and_quotes_only_them():
    doc = ('{"Statement": [{"Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Condition": '
           '{"StringEquals": {"aws:SourceAccount": "123456789012"}}}], "secret": "hunter2@example.com"}')
    findings = list(pack_side.text_findings(doc, "us-east-1"))
    assert {f.token for f in findings} == {"123456789012", "example.com"}
    assert all("hunter2" not in f.token for f in findings)


def test_the_pack_reads_an_account_only_where_a_text_names_one():
    for text in ("123456789012", " 123456789012 ", '{"aws:SourceAccount": "123456789012"}',
                 "123456789012.dkr.ecr.us-east-1.amazonaws.com/gateway:1", "arn:aws:iam::111122223333:root"):
        assert pack_side.documentation_accounts(text), text
    for text in ("certificate/12345678-1234-1234-1234-123456789012", "x-123456789012", "1234567890123",
                 "build-123456789012.log", f"arn:aws:sns:us-east-1:{OWN}:alerts-123456789012"):
        assert pack_side.documentation_accounts(text) == [], text


def test_cloudfront_may_name_us_east_1_from_another_region():
    arn = f"arn:aws:acm:us-east-1:{OWN}:certificate/x"
    assert pack_side.arn_findings(arn, "eu-west-1")
    assert not pack_side.arn_findings(arn, "eu-west-1", allowed_regions=("us-east-1",))


def test_preflight_stops_on_the_values_the_stack_files_used_to_carry(capsys):
    """What passed before (the ARN had the right format): now exit 2, naming each key."""
    from preflight import cli

    code = cli.main(["check", "--stack", "prod",
                     "--set", "edge.certificateArn=arn:aws:acm:us-east-1:123456789012:certificate/0f3b6c2e-prod-example",
                     "--set", "edge.domainName=api.example.com", "--set", "alertEmail=platform-alerts@example.com"])
    err = capsys.readouterr().err
    assert code == EXIT_INPUT
    for key in ("edge.certificateArn", "edge.domainName", "alertEmail"):
        assert f"microservices-platform:{key}:" in err, key
    assert "documentation account 123456789012" in err and "example.com is reserved" in err
