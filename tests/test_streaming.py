"""preflight/streaming.py: Analyze while the program runs gives the batch answer.

The records are replayed in URN order, not registration order, so resources also arrive before
their explicit provider (they wait for it), as they may not with the real SDK."""

from __future__ import annotations

import copy
import json

import pytest

import preflight.analyzer as analyzer
from conftest import plan_for
from preflight.analyzer import POLICY_DIR, PolicyConfigError, Prestarted, run_policy_pack
from preflight.streaming import Streaming

CONFIG = analyzer.ROOT / "policies" / "config" / "prod.json"


def _stream(plan: dict, file_config: dict, workers: int = 1) -> Streaming:
    packs = Prestarted(POLICY_DIR, plan["stack"], plan["project"], plan["config"], False, workers)
    return Streaming(packs, file_config)


@pytest.fixture(scope="module")
def prod_batch() -> dict:
    return run_policy_pack(plan_for("prod"), CONFIG, workers=1)


@pytest.mark.parametrize("workers", [1, 2])
def test_streamed_records_give_the_batch_answer(prod_batch, workers):
    plan = plan_for("prod")
    stream = _stream(plan, json.loads(CONFIG.read_text()), workers)
    for record in plan["resources"]:
        stream.feed(record)
    assert run_policy_pack(plan, CONFIG, stream=stream) == prod_batch
    assert all(p.poll() is not None for p in stream.packs.procs), "the pack processes are stopped"


def test_a_record_streamed_differently_from_the_final_plan_is_judged_again(prod_batch):
    plan = plan_for("prod")
    stream = _stream(plan, json.loads(CONFIG.read_text()))
    records = copy.deepcopy(plan["resources"])
    db = next(r for r in records if r["type"] == "aws:rds/instance:Instance")
    db["inputs"]["storageEncrypted"] = False    # what the stream saw; the final plan says True
    for record in records[: len(records) // 2] + records[len(records) // 2 + 1:]:   # and one never sent
        stream.feed(record)
    assert run_policy_pack(plan, CONFIG, stream=stream) == prod_batch


def test_a_stream_for_another_config_is_stopped_and_the_batch_path_answers(prod_batch, spawned):
    plan = plan_for("prod")
    stale = _stream({**plan, "config": {**plan["config"], "aws:region": "eu-west-1"}}, {})
    assert run_policy_pack(plan, CONFIG, stream=stale, workers=1) == prod_batch
    assert len(spawned) == 2 and all(p.poll() is not None for p in spawned)


def test_a_bad_policy_config_is_reported_and_the_packs_stopped(tmp_path):
    plan = plan_for("dev")
    bad = {"rds-multi-az": "sometimes"}
    config = tmp_path / "dev.json"
    config.write_text(json.dumps(bad))
    stream = _stream(plan, bad)
    for record in plan["resources"][:5]:
        stream.feed(record)
    with pytest.raises(PolicyConfigError, match="rds-multi-az.enforcementLevel: got 'sometimes'"):
        run_policy_pack(plan, config, stream=stream)
    assert all(p.poll() is not None for p in stream.packs.procs)


def test_a_stream_started_with_another_policy_config_is_not_used(prod_batch, spawned):
    plan = plan_for("prod")
    other = _stream(plan, {"rds-multi-az": {"enforcementLevel": "disabled"}})
    for record in plan["resources"]:
        other.feed(record)
    assert run_policy_pack(plan, CONFIG, stream=other, workers=1) == prod_batch
    assert len(spawned) == 2 and all(p.poll() is not None for p in spawned)
