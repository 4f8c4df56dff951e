"""docs/policies.md: the generated reference table is current, and its levels are preflight's.

Regenerate with `python docs/generate.py`.
"""

from __future__ import annotations

import importlib.util
import json

from google.protobuf import struct_pb2
from pulumi.runtime.proto import analyzer_pb2

from test_policies_support import ROOT

from platform_policies import all_rules
from platform_policies.policy_config import LEVEL_NAMES, effective_config
from platform_policies.reference import policies_table_markdown, stack_configs

from preflight.analyzer import LEVELS, build_policy_config

CONFIG_DIR = ROOT / "policies" / "config"


def _generator():
    spec = importlib.util.spec_from_file_location("docs_generate", ROOT / "docs" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_table_is_current():
    doc = (ROOT / "docs" / "policies.md").read_text()
    assert _generator().render(doc) == doc, "docs/policies.md is stale: run python docs/generate.py"


def test_table_has_one_row_per_policy_with_each_stack_level():
    table = policies_table_markdown(CONFIG_DIR).splitlines()
    assert table[0].split(" | ")[5:7] == ["level (dev)", "level (prod)"]
    rows = {line.split("`")[1]: line.split(" | ") for line in table[2:]}
    assert list(rows) == [r.name for r in all_rules()]
    assert rows["rds-multi-az"][5:7] == ["advisory", "mandatory"]
    assert rows["alb-multi-az"][5:7] == ["mandatory", "mandatory"]
    assert "`minAzs`: dev 2 / prod 3" in rows["msk-multi-az"][7]
    assert "`maxMonthlyUsd`: dev 600 / prod 3000 (default 9000)" in rows["monthly-budget-cap"][7]


def _analyzer_info() -> analyzer_pb2.AnalyzerInfo:
    """What GetAnalyzerInfo reports for the pack (name, default level, config schema per policy)."""
    info = analyzer_pb2.AnalyzerInfo(name="microservices-platform-guardrails")
    for rule in all_rules():
        policy = info.policies.add(name=rule.name, description=rule.description,
                                   enforcementLevel=LEVELS[LEVEL_NAMES[rule.level]])
        if rule.config:
            properties = struct_pb2.Struct()
            properties.update(json.loads(json.dumps(dict(rule.config))))
            policy.configSchema.properties.CopyFrom(properties)
    return info


def test_levels_and_options_match_preflight():
    info = _analyzer_info()
    for stack, file_config in stack_configs(CONFIG_DIR).items():
        expected = build_policy_config(info, file_config)
        got = {r.name: effective_config(r, file_config) for r in all_rules()}
        assert json.loads(json.dumps(got)) == json.loads(json.dumps(expected)), stack
    # the "all" key and a bare level string, which the committed files do not use
    expected = build_policy_config(info, {"all": "disabled", "rds-multi-az": "mandatory"})
    rules = {r.name: r for r in all_rules()}
    assert effective_config(rules["rds-multi-az"], {"all": "disabled", "rds-multi-az": "mandatory"}) == \
        expected["rds-multi-az"]
    assert effective_config(rules["efs-regional"], {"all": "disabled"})["enforcementLevel"] == \
        expected["efs-regional"]["enforcementLevel"] == "disabled"


def test_all_as_an_object_sets_every_level_like_the_string_form():
    # preflight.pack_options accepts both "all": "<level>" and "all": {"enforcementLevel": "<level>"}; both must apply.
    rules = {r.name: r for r in all_rules()}
    for every in ("disabled", {"enforcementLevel": "disabled"}):
        assert effective_config(rules["efs-regional"], {"all": every})["enforcementLevel"] == "disabled"
        assert effective_config(rules["rds-multi-az"], {"all": every, "rds-multi-az": "mandatory"})[
            "enforcementLevel"] == "mandatory"
