"""How preflight turns Pulumi.yaml + Pulumi.<stack>.yaml into the config a program sees."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import ROOT
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
    with pytest.raises(UsageError, match="expected a mapping with a `config:` mapping"):
        load_stack_config(project, "qa")
