"""Stack config parsing and validation (components/config/settings.py)."""

from __future__ import annotations

import pytest

from components.config.settings import FARGATE_SIZES, SettingsError, parse_settings
from conftest import QA_STACK_YAML, ROOT, settings_for
from preflight.stackconfig import load_stack_config

P = "microservices-platform:"
OWN = "314159265358"  # an account id that is no documentation placeholder


def _config(stack: str, **overrides: str) -> dict[str, str]:
    cfg, _ = load_stack_config(ROOT, stack, [f"{k}={v}" for k, v in overrides.items()])
    return cfg


def _errors(stack: str = "prod", **overrides: str) -> list[str]:
    with pytest.raises(SettingsError) as exc:
        parse_settings(_config(stack, **overrides), stack)
    return exc.value.errors


def test_prod_follows_the_seed():
    s = settings_for("prod")
    c = s.config
    assert s.region == "us-east-1" and c.azCount == 3
    assert sorted(c.services) == sorted(["gateway", "user", "order", "inventory", "payment", "notification",
                                         "stream-processor"])
    small = {n for n in c.services if s.config.service_size(n) == (256, 512)}
    large = {n for n in c.services if s.config.service_size(n) == (512, 1024)}
    assert small == {"gateway", "order", "payment", "notification"}
    assert large == {"user", "inventory", "stream-processor"}
    assert (c.scaling.desiredCount, c.scaling.minCount, c.scaling.maxCount) == (3, 3, 20)
    assert c.multiAz.database and c.multiAz.cache and c.multiAz.broker and c.multiAz.natGatewayPerAz
    assert c.mq_deployment_mode == "ACTIVE_STANDBY_MULTI_AZ" and c.kafka_broker_count == 3
    assert c.database.instanceClass == "db.t3.medium" and c.kafka.brokerType == "kafka.m5.large"
    assert not c.schedule.enabled and c.deletionProtection


def test_dev_is_small_single_az_and_scheduled():
    c = settings_for("dev").config
    assert c.azCount == 2
    assert all(c.service_size(n) == (256, 512) for n in c.services)
    assert (c.scaling.desiredCount, c.scaling.minCount, c.scaling.maxCount) == (1, 1, 2)
    assert not (c.multiAz.database or c.multiAz.cache or c.multiAz.broker or c.multiAz.natGatewayPerAz)
    assert c.mq_deployment_mode == "SINGLE_INSTANCE" and c.mq.hostType == "mq.t3.micro"
    assert c.kafka_broker_count == 2
    assert c.schedule.enabled and c.schedule.hoursPerDay == 8 and c.schedule.days == "MON-FRI"
    assert c.schedule.daysPerMonth is None  # deprecated: the days follow schedule.days
    assert c.database.instanceClass == "db.t3.micro" and not c.deletionProtection


def test_tags_carry_the_required_keys():
    s = settings_for("dev")
    tags = s.tags("data", "order")
    assert {"service": "order", "tier": "data", "stack": "dev", "cost-center": "platform-engineering"}.items() <= tags.items()


@pytest.mark.parametrize("overrides, expected", [
    ({"azCount": "4"}, "microservices-platform:azCount: got 4; allowed: one of 2, 3"),
    ({"azCount": "three"}, "microservices-platform:azCount: got 'three'; allowed: one of 2, 3"),
    ({"logRetentionDays": "10"}, "microservices-platform:logRetentionDays: got 10; allowed: one of 1, 3, 5, 7, 14"),
    ({"unknownKey": "1"}, "microservices-platform:unknownKey: unknown key; allowed keys: alertEmail, availabilityZoneIds, azCount"),
    ({"scaling.maxCount": "0"}, "microservices-platform:scaling.maxCount: got 0; allowed: an integer from 1 to 1000"),
    ({"scaling.minCount": "5"}, "microservices-platform:scaling: need minCount <= desiredCount <= maxCount; got 5 <= 3 <= 20"),
    ({"multiAz.database": "yes"}, "microservices-platform:multiAz.database: got 'yes'; allowed: a boolean"),
    ({"cache.engine": "memcached"}, "microservices-platform:cache.engine: got 'memcached'; allowed: one of 'redis', 'valkey'"),
    ({"alertEmail": "nobody"}, "microservices-platform:alertEmail: got 'nobody'; allowed: an e-mail address"),
    ({"serviceSizeOverride": '{"cpu": 256, "memory": 4096}'},
     "microservices-platform:serviceSizeOverride.memory: 4096 MiB is not valid with cpu 256; allowed for cpu 256: 512, 1024, 2048"),
    ({"services": '{"gateway": {"cpu": 300, "public": true}}'},
     "microservices-platform:services.gateway.cpu: got 300; allowed: one of 256, 512, 1024, 2048, 4096, 8192, 16384"),
    ({"services": '{"Gateway_1": {"public": true}}'},
     "microservices-platform:services.Gateway_1: invalid name; allowed: lowercase letters, digits and hyphens"),
    ({"services": '{"gateway": {"public": true, "colour": "red"}}'},
     "microservices-platform:services.gateway.colour: unknown key; allowed keys: architecture, cpu, critical"),
    ({"database.owners": '["user", "billing"]'},
     "microservices-platform:database.owners: 'billing' is not a configured service; allowed: gateway, inventory"),
    ({"services": '{"gateway": {"public": true, "path": "/' + "a" * 128 + '"}}'},
     "microservices-platform:services.gateway.path: got '/aaa"),
    ({"edge.originVerifyAcceptPrevious": "true"},
     "microservices-platform:edge.originVerifyAcceptPrevious: there is no previous generation"),
    ({"services": '{"gateway": {"public": true, "minCount": 30}}'},
     "microservices-platform:services.gateway: need minCount <= desiredCount <= maxCount (unset counts come from scaling); got 30 <= 3 <= 20"),
    ({"services": '{"gateway": {"public": true}, "user": {"public": true, "path": "/v1/users/*"}}',
      "database.owners": '["user"]', "cache.owner": "user", "mq.owner": "user", "efs.mountedBy": '["user"]',
      "kafka.clients": '["user"]'},
     "microservices-platform:services.user.path: '/v1/users/*' starts with the API stage '/v1'"),
    ({"services": '{"gateway": {"public": true, "path": "/' + "a." * 50 + '/*"}}'},
     "microservices-platform:services.gateway.path: '/a.a."),
    ({"mq.hostType": "mq.t3.micro"},
     "microservices-platform:mq.hostType: mq.t3.micro supports only SINGLE_INSTANCE"),
    ({"cache.engine": "valkey"}, "microservices-platform:cache.engineVersion: '7.1' is no Valkey version (Valkey starts at 7.2)"),
    ({"cache.replicas": "0"}, "microservices-platform:cache.replicas: Multi-AZ (multiAz.cache=true) needs at least 1 replica"),
    ({"edge.certificateArn": f"arn:aws:acm:eu-west-1:{OWN}:certificate/x", "edge.domainName": "api.acme-shop.io"},
     "microservices-platform:edge.certificateArn: 'arn:aws:acm:eu-west-1:" + OWN + ":certificate/x' is in eu-west-1; "
     "it must be in us-east-1"),
    ({"edge.certificateArn": f"arn:aws-cn:acm:us-east-1:{OWN}:certificate/x", "edge.domainName": "api.acme-shop.io"},
     "microservices-platform:edge.certificateArn: 'arn:aws-cn:acm:us-east-1:" + OWN + ":certificate/x' is in "
     "partition aws-cn; a stack in us-east-1 uses aws"),
    ({"edge.certificateArn": f"arn:aws:acm:us-east-1:{OWN}:certificate/x"},
     "microservices-platform:edge.domainName: required with edge.certificateArn"),
    ({"edge.domainName": "api.acme-shop.io"}, "microservices-platform:edge.hostedZoneId: required for a managed "
                                               "certificate of edge.domainName"),
    ({"edge.hostedZoneId": "Z0123456789ABC"}, "microservices-platform:edge.hostedZoneId: set without edge.domainName"),
    ({"edge.cdnAliases": '["www.acme-shop.io"]'}, "microservices-platform:edge.cdnAliases: CloudFront aliases need a "
                                                  "certificate"),
    ({"edge.domainName": "api.acme-shop.io", "edge.hostedZoneId": "Z0123456789ABC",
      "edge.cdnAliases": '["api.acme-shop.io"]'}, "microservices-platform:edge.cdnAliases: 'api.acme-shop.io' is "
                                                  "edge.domainName"),
    # Placeholders: the values the committed stacks used to carry.
    ({"edge.certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0f3b6c2e-prod-example",
      "edge.domainName": "api.acme-shop.io"},
     "microservices-platform:edge.certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0f3b6c2e-prod-example'"
     " names the AWS documentation account 123456789012"),
    ({"edge.domainName": "api.example.com", "edge.hostedZoneId": "Z0123456789ABC"},
     "microservices-platform:edge.domainName: 'api.example.com' is a placeholder (example.com is reserved"),
    ({"alertEmail": "platform-alerts@example.com"},
     "microservices-platform:alertEmail: 'platform-alerts@example.com' is a placeholder"),
    ({"alertEmail": ""}, "microservices-platform:alertEmail: empty"),
    ({"delivery.repositoryOwner": ""}, "microservices-platform:delivery.repositoryOwner: empty"),
    ({"delivery.sourceConnectionArn": "arn:aws:codeconnections:us-east-1:111122223333:connection/abc"},
     "microservices-platform:delivery.sourceConnectionArn: 'arn:aws:codeconnections:us-east-1:111122223333:"
     "connection/abc' names the AWS documentation account 111122223333"),
    ({"aws:region": "mars-1"}, "aws:region: got 'mars-1'; allowed: an AWS region such as us-east-1"),
])
def test_bad_config_names_the_key_and_what_is_allowed(overrides, expected):
    errors = _errors("prod", **overrides)
    assert any(e.startswith(expected) for e in errors), errors


def test_every_problem_is_reported_at_once():
    errors = _errors("prod", azCount="9", logRetentionDays="2", bogus="1")
    assert len(errors) == 3


def test_dev_mq_micro_is_fine_because_single_instance():
    assert settings_for("dev").config.mq.hostType == "mq.t3.micro"
    assert _errors("dev", **{"multiAz.broker": "true"})[0].startswith(P + "mq.hostType")


def test_fargate_table_matches_aws():
    # ECS developer guide, task size table (read 2026-11): spot-check both ends.
    assert FARGATE_SIZES[256] == (512, 1024, 2048)
    assert FARGATE_SIZES[4096][0] == 8192 and FARGATE_SIZES[4096][-1] == 30720
    assert FARGATE_SIZES[16384][0] == 32768 and FARGATE_SIZES[16384][-1] == 122880
    assert 20480 in FARGATE_SIZES[8192] and 18432 not in FARGATE_SIZES[8192]




@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_aws_budget_matches_the_policy_cap(stack):
    import json

    cap = json.loads((ROOT / "policies" / "config" / f"{stack}.json").read_text())["monthly-budget-cap"]["maxMonthlyUsd"]
    assert settings_for(stack).config.monthlyBudgetUsd == cap


def test_valkey_with_a_valkey_version_is_accepted():
    c = settings_for("prod", **{"cache.engine": "valkey", "cache.engineVersion": "8.0"}).config
    assert (c.cache.engine, c.cache.engineVersion) == ("valkey", "8.0")


def test_a_service_may_set_its_own_task_counts():
    services = '{"gateway": {"public": true, "desiredCount": 6, "maxCount": 40}, "user": {"public": false}}'
    c = settings_for("prod", services=services, **{"database.owners": '["user"]', "cache.owner": "user",
                                                    "mq.owner": "user", "efs.mountedBy": '["user"]',
                                                    "kafka.clients": '["user"]'}).config
    gw = c.service_scaling("gateway")
    assert (gw.desiredCount, gw.minCount, gw.maxCount) == (6, 3, 40)
    assert c.service_scaling("user") is c.scaling


# ---------------------------------------------------------------- merging, the way `pulumi config set --path` edits
def test_one_field_of_one_service_changes_only_that_service():
    base = settings_for("prod").config
    c = settings_for("prod", **{"services.order.cpu": "1024", "services.order.memory": "2048"}).config
    assert sorted(c.services) == sorted(base.services)
    assert (c.services["order"].cpu, c.services["order"].memory) == (1024, 2048)
    assert c.services["order"].path == "/orders/*" and c.services["order"].public
    assert {n: s for n, s in c.services.items() if n != "order"} == {n: s for n, s in base.services.items() if n != "order"}


def test_changing_only_the_cpu_changes_only_that_service_and_fits_its_default_memory():
    # `pulumi config set --path services.order.cpu 1024`: 1024 CPU units need at least 2048 MiB, and the
    # 512 MiB is the seed's default, not the stack's choice - it follows the cpu, with a note.
    base = settings_for("prod")
    s = settings_for("prod", **{"services.order.cpu": "1024"})
    assert (s.config.services["order"].cpu, s.config.services["order"].memory) == (1024, 2048)
    assert {n: v for n, v in s.config.services.items() if n != "order"} == \
        {n: v for n, v in base.config.services.items() if n != "order"}
    assert any("services.order.memory: the default 512 MiB does not fit cpu 1024; using 2048" in n for n in s.notes)
    # A default memory that still fits stays; the largest cpu takes the smallest memory it allows.
    assert settings_for("prod", **{"services.user.cpu": "256"}).config.services["user"].memory == 1024
    assert settings_for("prod", **{"services.order.cpu": "16384"}).config.services["order"].memory == 32768


def test_the_override_memory_follows_its_cpu_too():
    # `--set serviceSizeOverride.cpu=1024` on prod (no override yet): the default 512 MiB does not fit, 2048
    # is the smallest that does.  dev names its override memory (512) in its stack file: that stays an error.
    s = settings_for("prod", **{"serviceSizeOverride.cpu": "1024"})
    assert (s.config.serviceSizeOverride.cpu, s.config.serviceSizeOverride.memory) == (1024, 2048)
    assert any("serviceSizeOverride.memory: the default 512 MiB does not fit cpu 1024; using 2048" in n
               for n in s.notes)
    errors = _errors("dev", **{"serviceSizeOverride.cpu": "1024"})
    assert errors == [P + "serviceSizeOverride.memory: 512 MiB is not valid with cpu 1024; allowed for cpu 1024: "
                          "2048, 3072, 4096, 5120, 6144, 7168, 8192"]


def test_an_invalid_memory_the_stack_names_is_still_an_error():
    errors = _errors("prod", **{"services.order.cpu": "1024", "services.order.memory": "512"})
    assert errors == [P + "services.order.memory: 512 MiB is not valid with cpu 1024; allowed for cpu 1024: "
                          "2048, 3072, 4096, 5120, 6144, 7168, 8192"]


def test_a_stack_file_written_by_config_set_path_merges_per_service(tmp_path):
    import shutil

    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    (tmp_path / "Pulumi.qa.yaml").write_text(QA_STACK_YAML + (
        "  microservices-platform:services:\n"
        "    order:\n      cpu: 1024\n      memory: 2048\n"
        "    billing:\n      port: 9090\n"))
    from preflight.stackconfig import validate

    c = validate(tmp_path, "qa").config
    assert len(c.services) == 8 and c.services["order"].cpu == 1024 and c.services["user"].cpu == 512
    assert c.services["billing"].port == 9090 and not c.services["billing"].public  # new name: the defaults


def test_a_default_service_is_removed_with_enabled_false():
    c = settings_for("prod", **{"services.notification.enabled": "false",
                                "kafka.clients": '["order", "inventory", "stream-processor"]'}).config
    assert "notification" not in c.services and len(c.services) == 6


def test_a_list_set_by_a_stack_replaces_the_default_list():
    assert settings_for("prod", **{"kafka.clients": '["order"]'}).config.kafka.clients == ["order"]
    assert settings_for("prod", **{"database.owners[0]": "order"}).config.database.owners == ["order"]


def test_an_object_keeps_the_fields_the_stack_does_not_set():
    c = settings_for("dev", **{"scaling.maxCount": "4"}).config
    assert (c.scaling.minCount, c.scaling.desiredCount, c.scaling.maxCount) == (1, 1, 4)  # dev's, then the --set
    assert c.scaling.cpuTargetPercent == 70.0                                           # the code default


# ---------------------------------------------------------------- values AWS would refuse
@pytest.mark.parametrize("key, value", [
    ("monthlyBudgetUsd", "nan"), ("monthlyBudgetUsd", "inf"), ("monthlyBudgetUsd", "1e309"),
    ("scaling.cpuTargetPercent", "nan"), ("owner", ""), ("delivery.branch", ""), ("database.engineVersion", ""),
    ("schedule.timezone", "Mars/Olympus"), ("vpcCidr", "10.300.0.0/16"),
    ("database.owners", '["user", "user"]'), ("edge.domainName", "a" * 64 + ".example.org"),
])
def test_values_aws_refuses_are_config_errors(key, value):
    assert any(e.startswith(P + key) for e in _errors("prod", **{key: value}))


def test_iana_time_zones_are_accepted():
    assert settings_for("dev", **{"schedule.timezone": "Europe/Berlin"}).config.schedule.timezone == "Europe/Berlin"


def test_committed_stacks_carry_no_placeholders_and_need_nothing_else():
    for stack in ("prod", "dev"):
        c = settings_for(stack).config
        assert (c.edge.certificateArn, c.edge.domainName, c.edge.hostedZoneId) == ("", "", "")
        assert c.alertEmail is None and c.delivery.repositoryOwner is None


def test_the_three_edge_modes_parse():
    from components.edge.mode import EdgeMode, edge_mode

    managed = settings_for("prod", **{"edge.domainName": "api.acme-shop.io", "edge.hostedZoneId": "Z0123456789ABC"})
    own = settings_for("prod", **{"edge.domainName": "api.acme-shop.io",
                                  "edge.certificateArn": f"arn:aws:acm:us-east-1:{OWN}:certificate/x"})
    for s, mode in ((managed, EdgeMode.MANAGED_CERTIFICATE), (own, EdgeMode.OWN_CERTIFICATE),
                    (settings_for("prod"), EdgeMode.DEFAULT_ENDPOINTS)):
        assert edge_mode(s.config.edge.certificateArn, s.config.edge.domainName) is mode
    assert EdgeMode.DEFAULT_ENDPOINTS.alb_port == 80 and EdgeMode.OWN_CERTIFICATE.alb_port == 443


def test_alert_email_and_repository_owner_are_optional():
    c = settings_for("prod", alertEmail="ops@acme-shop.io", **{"delivery.repositoryOwner": "acme"}).config
    assert c.alertEmail == "ops@acme-shop.io" and c.delivery.repositoryOwner == "acme"


# ---- engine versions: what AWS creates for a new resource and the platform can run (config/engines.py)
@pytest.mark.parametrize("key, value, expected", [
    ("database.engineVersion", "13.20", "'13.20' is PostgreSQL 13, past the end of RDS standard support "
                                        "(on 2026-02-28)"),
    ("database.engineVersion", "12", "past the end of RDS standard support (on 2025-02-28)"),
    ("database.engineVersion", "19", "'19' is PostgreSQL 19, which RDS does not offer"),
    ("cache.engineVersion", "5.0.6", "'5.0.6' is too old for the platform's replication group: its "
                                     "transitEncryptionMode needs Redis OSS 7.0.5 or later; Redis OSS 5 is also "
                                     "past ElastiCache standard support"),
    ("cache.engineVersion", "6.2", "'6.2' is too old for the platform's replication group"),
    ("cache.engineVersion", "3.2.6", "'3.2.6' is no Redis OSS version ElastiCache offers"),
    ("cache.engineVersion", "7.2", "'7.2' is no Redis OSS version ElastiCache offers"),
    ("mq.engineVersion", "5.17", "'5.17' reached end of support on Amazon MQ on 2025-06-16"),
    ("mq.engineVersion", "5.17.6", "'5.17.6' reached end of support on Amazon MQ on 2025-06-16"),
    ("mq.engineVersion", "5.18.4", "'5.18.4' names a patch: Amazon MQ takes ActiveMQ 5.18 as major.minor"),
    ("mq.engineVersion", "6.0", "'6.0' is no ActiveMQ version Amazon MQ offers"),
])
def test_engine_versions_aws_would_not_create_are_refused(key, value, expected):
    errors = _errors(**{key: value})
    assert len(errors) == 1 and errors[0].startswith(f"{P}{key}: ") and expected in errors[0], errors


@pytest.mark.parametrize("overrides", [
    {"database.engineVersion": "14"}, {"database.engineVersion": "18.1"}, {"database.engineVersion": "16.11"},
    {"cache.engineVersion": "7.0"}, {"cache.engine": "valkey", "cache.engineVersion": "8.2"},
    {"cache.engine": "valkey", "cache.engineVersion": "9.0"}, {"mq.engineVersion": "5.19"},
])
def test_engine_versions_aws_creates_are_accepted(overrides):
    assert settings_for("prod", **overrides).config is not None


def test_the_storage_ceiling_must_be_above_the_allocation_as_rds_requires():
    """`--set database.allocatedStorageGb=500` with the default ceiling 500: RDS refuses MaxAllocatedStorage
    equal to AllocatedStorage, so the settings stop it (exit 2) instead of the pack at exit 1."""
    assert _errors(**{"database.allocatedStorageGb": "500"}) == [
        f"{P}database.maxAllocatedStorageGb: 500 is not above allocatedStorageGb 500; allowed: more than "
        f"allocatedStorageGb (RDS storage autoscaling needs a ceiling above the allocation)"]
    assert settings_for("prod", **{"database.allocatedStorageGb": "499"}).config.database.maxAllocatedStorageGb == 500


@pytest.mark.parametrize("value", ["FRI-MON", "XYZ", "", "mon-fri", "MON-FRI,", "MON--FRI"])
def test_schedule_days_must_be_cron_day_names_in_forward_ranges(value):
    errors = _errors("dev", **{"schedule.days": value})
    assert len(errors) == 1 and errors[0].startswith(f"{P}schedule.days: "), errors


@pytest.mark.parametrize("days, per_month", [("MON-FRI", "21"), ("MON-FRI", "22"), ("MON-THU", "17"),
                                             ("MON-THU", "18")])
def test_a_deprecated_days_per_month_that_matches_the_days_is_only_noted(days, per_month):
    s = settings_for("dev", **{"schedule.days": days, "schedule.daysPerMonth": per_month})
    assert s.config.schedule.days == days
    assert any(n.startswith("schedule.daysPerMonth is deprecated and changes nothing") for n in s.notes), s.notes


@pytest.mark.parametrize("days, per_month", [("MON-FRI", "20"), ("MON-FRI", "23"), ("MON-THU", "22"),
                                             ("MON-FRI", "5")])
def test_a_deprecated_days_per_month_the_schedule_cannot_honour_is_refused(days, per_month):
    """daysPerMonth used to change the bill but not the crons: one that disagrees with the weekly
    schedule is an error (exit 2), naming the key and the way out."""
    errors = _errors("dev", **{"schedule.days": days, "schedule.daysPerMonth": per_month})
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{P}schedule.daysPerMonth: {per_month} cannot be honoured"), errors
    assert "remove schedule.daysPerMonth" in errors[0] and "schedule.days" in errors[0]
