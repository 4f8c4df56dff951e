"""How preflight turns Pulumi.yaml + Pulumi.<stack>.yaml into the config a program sees."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import QA_STACK_YAML, ROOT
from preflight.stackconfig import SECRET_PLACEHOLDER, UsageError, load_stack_config, stacks


@pytest.fixture
def project(tmp_path):
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    (tmp_path / "Pulumi.qa.yaml").write_text(
        "config:\n"
        "  microservices-platform:alertEmail:\n"
        "    secure: AAABAHb2xPvzJ8ciphertext==\n"
        "  microservices-platform:multiAz:\n"
        "    database: false\n"
        "  aws:profile: qa\n")
    return tmp_path


def test_project_defaults_stack_values_and_provider_keys(project):
    config, secrets = load_stack_config(project, "qa")
    assert config["microservices-platform:azCount"] == "3"          # Pulumi.yaml default, as a string
    assert config["microservices-platform:deletionProtection"] == "true"
    assert config["aws:region"] == "us-east-1"                        # project-level value
    assert config["aws:profile"] == "qa"
    assert json.loads(config["microservices-platform:multiAz"]) == {"database": False}  # objects as JSON text


def test_secure_values_become_secret_placeholders(project):
    config, secrets = load_stack_config(project, "qa")
    assert config["microservices-platform:alertEmail"] == SECRET_PLACEHOLDER
    assert secrets == ["microservices-platform:alertEmail"]


def test_set_overrides_scalars_and_paths_like_pulumi_config_set_path(project):
    config, _ = load_stack_config(project, "qa", ["azCount=2", "multiAz.cache=false", "cache.engineVersion=8.0",
                                                  "database.owners=[\"user\"]", "scaling.maxCount=30"])
    assert config["microservices-platform:azCount"] == "2"
    assert json.loads(config["microservices-platform:multiAz"]) == {"database": False, "cache": False}
    assert json.loads(config["microservices-platform:cache"]) == {"engineVersion": "8.0"}  # stays a string
    assert json.loads(config["microservices-platform:database"]) == {"owners": ["user"]}
    assert json.loads(config["microservices-platform:scaling"]) == {"maxCount": 30}


def test_bad_overrides_and_missing_stacks_are_usage_errors(project):
    with pytest.raises(UsageError, match="--set expects key=value"):
        load_stack_config(project, "qa", ["azCount"])
    with pytest.raises(UsageError, match="no stack file Pulumi.prod.yaml; committed stacks: qa"):
        load_stack_config(project, "prod")


def test_committed_stacks_are_listed_prod_first():
    assert stacks(ROOT) == ["prod", "dev"]


def test_broken_stack_yaml_is_a_usage_error(project):
    (project / "Pulumi.qa.yaml").write_text("config:\n  azCount: [unclosed\n")
    with pytest.raises(UsageError, match="cannot read Pulumi.qa.yaml"):
        load_stack_config(project, "qa")
    (project / "Pulumi.qa.yaml").write_text("config: just-a-string\n")
    with pytest.raises(UsageError, match="`config:` is 'just-a-string'; allowed: a mapping"):
        load_stack_config(project, "qa")


# ---------------------------------------------------------------- secrets (`secure:` values)
SECURE_STACK = QA_STACK_YAML.replace(
    "    domainName: api.shop-platform.io\n",
    "    domainName: api.shop-platform.io\n    hostedZoneId:\n      secure: AAABAzoneciphertext==\n") + (
    "  microservices-platform:alertEmail:\n    secure: AAABAHb2xPvzJ8ciphertext==\n")


def _secure_project(tmp_path):
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    (tmp_path / "Pulumi.qa.yaml").write_text(SECURE_STACK)
    return tmp_path


def test_secure_values_are_accepted_at_any_depth_with_a_note(tmp_path):
    from preflight.stackconfig import read_stack_config, validate

    root = _secure_project(tmp_path)
    sc = read_stack_config(root, "qa")
    assert sc.secret_keys == ["microservices-platform:alertEmail", "microservices-platform:edge"]
    assert json.loads(sc.config["microservices-platform:edge"])["hostedZoneId"] == SECRET_PLACEHOLDER
    settings = validate(root, "qa")
    assert settings.config.edge.hostedZoneId == SECRET_PLACEHOLDER
    assert [n.split(":", 1)[1].split(":")[0] for n in settings.notes] == ["alertEmail", "edge.hostedZoneId"]
    assert SECRET_PLACEHOLDER in settings.secret_values


def test_under_the_engine_secret_plaintexts_are_collected_and_numbers_may_not_be_secret():
    from components.config.settings import SettingsError, parse_settings

    config, _ = load_stack_config(ROOT, "prod", ["alertEmail=ops@shop-platform.io",
                                                 "edge.domainName=api.shop-platform.io",
                                                 "edge.hostedZoneId=Z0123456789ABC"])
    settings = parse_settings(config, "prod", ["microservices-platform:alertEmail", "microservices-platform:edge"])
    assert "ops@shop-platform.io" in settings.secret_values and "api.shop-platform.io" in settings.secret_values
    assert settings.notes == ()  # the engine decrypted them: every check ran
    with pytest.raises(SettingsError, match="azCount: an encrypted"):
        parse_settings(config, "prod", ["microservices-platform:azCount"])


def test_inputs_and_outputs_holding_a_secret_are_marked_secret():
    import pulumi
    import pulumi_aws as aws

    from components.config.secrets import protect_secrets
    from preflight.harness import run_mocked
    from preflight.mocks import SECRET_SIG, SIG_KEY

    def build():
        marker = protect_secrets({"ops@shop-platform.io"})
        topic = aws.sns.Topic("alarms")
        aws.sns.TopicSubscription("email", topic=topic.arn, protocol="email", endpoint="ops@shop-platform.io")
        aws.sns.Topic("tagged", tags={"contact": "ops@shop-platform.io", "tier": "observability"})
        return {"contact": marker.mark(pulumi.Output.from_input("mail ops@shop-platform.io")), "plain": "x"}

    graph = run_mocked(build)
    assert graph.named("email")["inputs"]["endpoint"] == {SIG_KEY: SECRET_SIG, "value": "ops@shop-platform.io"}
    tags = graph.named("tagged")["inputs"]["tags"]
    assert tags["contact"][SIG_KEY] == SECRET_SIG and tags["tier"] == "observability"
    assert graph.outputs["contact"][SIG_KEY] == SECRET_SIG and graph.outputs["plain"] == "x"


@pytest.fixture(scope="module")
def secure_plan(tmp_path_factory):
    """The whole program's plan for the project of SECURE_STACK (one mock run for the tests below;
    the module runs whole on one xdist worker, conftest.ONE_WORKER_MODULES)."""
    from preflight.program import record_plan

    root = _secure_project(tmp_path_factory.mktemp("secure"))
    for name in ("__main__.py", "components"):
        (root / name).symlink_to(ROOT / name)
    return record_plan("qa", root=root)


def test_the_whole_program_marks_every_input_holding_a_secure_value(secure_plan):
    from preflight.mocks import SECRET_SIG

    plan = secure_plan
    holding = [r for r in plan["resources"] if SECRET_PLACEHOLDER in json.dumps(r["inputs"])]
    assert {r["type"] for r in holding} >= {"aws:sns/topicSubscription:TopicSubscription", "aws:route53/record:Record"}
    for r in holding:
        for value in r["inputs"].values():
            if SECRET_PLACEHOLDER in json.dumps(value):
                assert SECRET_SIG in json.dumps(value), (r["name"], value)
    assert len(plan["notes"]) == 2 and plan["config"]["microservices-platform:alertEmail"] == "[secret]"


def test_a_secure_value_in_edge_keeps_managed_certificates_working(tmp_path):
    """The whole `edge` object becomes secret when one of its keys is `secure:`; the ACM certificate's
    domainName then reaches the mocks as a secret and its validation records must still be built."""
    from preflight.program import record_plan

    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    (tmp_path / "Pulumi.qa.yaml").write_text(
        "config:\n  microservices-platform:edge:\n    domainName: api.shop-platform.io\n"
        "    hostedZoneId:\n      secure: AAABAzoneciphertext==\n")
    for name in ("__main__.py", "components"):
        (tmp_path / name).symlink_to(ROOT / name)
    plan = record_plan("qa", root=tmp_path)
    records = [r for r in plan["resources"] if r["type"] == "aws:route53/record:Record"
               and "-cert-dns-" in r["name"]]
    assert records, "no DNS validation record for the managed certificate"
    assert all(SECRET_PLACEHOLDER in json.dumps(r["inputs"]["zoneId"]) for r in records)


def test_the_pack_does_not_judge_the_text_of_a_value_preflight_could_not_decrypt(secure_plan):
    """A secure alertEmail reaches the pack as an unknown (the engine would send the plaintext): the
    sns-values check of the e-mail endpoint is skipped like during a preview, not failed on the placeholder."""
    from preflight.analyzer import run_policy_pack

    found = run_policy_pack(secure_plan, ROOT / "policies" / "config" / "prod.json")["violations"]
    assert not [v for v in found if v["policy"] == "sns-values" or SECRET_PLACEHOLDER in v["message"]]
