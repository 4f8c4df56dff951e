"""The replace-on table (preflight/diff/replace_on.json) knows every resource type the program creates.

A type missing from it would hide a replacement from a reviewer; an entry without a source is not a fact."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import plan_for, shared_plan

TABLE = json.loads((Path(__file__).resolve().parent.parent / "preflight" / "diff" / "replace_on.json").read_text())
EVERY_OPTION = ["edge.domainName=api.shop-platform.io", "edge.hostedZoneId=Z0123456789ABC",
                "delivery.repositoryOwner=shop-platform", "alertEmail=ops@shop-platform.io", "loadTest.enabled=true",
                "database.readReplicas=1"]


def test_every_created_type_has_an_entry():
    plans = [plan_for("prod"), plan_for("dev"), shared_plan("prod", EVERY_OPTION)]
    types = {r["type"] for p in plans for r in p["resources"] if r["type"].startswith("aws:")}
    assert sorted(types - set(TABLE["types"])) == []


def test_every_entry_cites_its_source_and_sorts_its_inputs():
    for token, entry in TABLE["types"].items():
        assert entry["source"].startswith("hashicorp/terraform-provider-aws internal/service/"), token
        assert entry["status"].startswith("verified"), token
        assert entry["replaceOn"] == sorted(entry["replaceOn"]), token
    assert TABLE["read"] == "2026-12-07"
