"""Waivers (policies/waivers/<stack>.yaml): a finding accepted for a while is still reported, marked,
and no longer fails the run - in the pack (so `pulumi preview` agrees) and in preflight's reports;
a waivers file that cannot be applied fails closed in the pack and is exit 2 in preflight."""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, plan_for
from platform_policies import all_rules
from platform_policies import waivers as pack_waivers
from preflight import waived
from preflight.analyzer import run_policy_pack
from preflight.exits import InputError
from preflight.formats import sarif
from preflight.result import display_message

TODAY = dt.date(2026, 12, 7)
NAMES = [r.name for r in all_rules()]
GOOD = ("waivers:\n  - policy: rds-multi-az\n    resource: data-order-db\n"
        "    reason: the order database moves to Aurora next sprint\n    owner: data-team\n    expires: 2027-01-15\n")


def _folder(tmp_path: Path, text: str, stack: str = "prod") -> Path:
    folder = tmp_path / "waivers"
    folder.mkdir(exist_ok=True)
    (folder / f"{stack}.yaml").write_text(text)
    return folder


def test_a_waiver_is_read_with_its_fields(tmp_path):
    (w,), problems = pack_waivers.load("prod", NAMES, TODAY, _folder(tmp_path, GOOD))
    assert problems == []
    assert (w.number, w.policy, w.resource, w.owner, w.expires) == (1, "rds-multi-az", "data-order-db", "data-team",
                                                                     dt.date(2027, 1, 15))
    assert pack_waivers.load("dev", NAMES, TODAY, tmp_path / "waivers") == ([], [])  # no file: nothing waived


@pytest.mark.parametrize("edit, says", [
    (("2027-01-15", "2026-12-06"), "expired on 2026-12-06"),
    (("rds-multi-az", "rds-multi-azz"), "'rds-multi-azz' is no rule of the pack"),
    (("2027-01-15", "next year"), "is not a date"),
    (("the order database moves to Aurora next sprint", "later"), "reason"),
    (("data-team", "the data team!"), "owner"),
    (("owner: data-team", "team: data-team"), "unknown keys team; missing owner"),
    (("waivers:\n  - ", "waivers:\n  -\n    "), ""),
])
def test_each_problem_names_the_waiver(tmp_path, edit, says):
    text = GOOD.replace(*edit)
    found, problems = pack_waivers.load("prod", NAMES, TODAY, _folder(tmp_path, text))
    if not says:  # the same waiver written differently is fine
        assert problems == [] and len(found) == 1
        return
    assert found == [] and len(problems) == 1
    assert problems[0].startswith("policies/waivers/prod.yaml waiver #1: ") and says in problems[0]


@pytest.mark.parametrize("text", ["waivers: {}\n", "other: []\n", "waivers: [\n", "- a\n"])
def test_a_file_of_another_shape_is_one_problem(tmp_path, text):
    assert pack_waivers.load("prod", NAMES, TODAY, _folder(tmp_path, text))[1] != []


def test_a_waiver_matches_a_name_pattern_or_a_urn():
    w = pack_waivers.Waiver(1, "rds-multi-az", "data-*-db", "a reason given", "me", TODAY)
    urn = "urn:pulumi:prod::microservices-platform::platform:data:Data$aws:rds/instance:Instance::data-order-db"
    assert w.matches("rds-multi-az", urn) and not w.matches("rds-backup", urn)
    assert not w.matches("rds-multi-az", urn.replace("data-order-db", "data-order-cache"))
    by_urn = pack_waivers.Waiver(1, "rds-multi-az", urn, "a reason given", "me", TODAY)
    assert by_urn.matches("rds-multi-az", urn) and not by_urn.matches("rds-multi-az", urn + "2")


def test_preflight_refuses_a_file_it_cannot_apply_before_anything_runs(tmp_path, monkeypatch):
    monkeypatch.setattr(pack_waivers, "FOLDER", _folder(tmp_path, GOOD.replace("2027-01-15", "2026-01-01")))
    with pytest.raises(InputError) as err:
        waived.checked("prod")
    assert "waiver #1: expired on 2026-01-01" in err.value.text()


# ---- the real pack over gRPC, from a copy of the pack folder with its own waivers -------------------
def _pack_copy(tmp_path: Path, waivers_text: str) -> Path:
    pack = tmp_path / "policies"
    pack.mkdir()
    for item in ("PulumiPolicy.yaml", "__main__.py", "requirements.txt"):
        shutil.copy(ROOT / "policies" / item, pack / item)
    for folder in ("platform_policies", "pricing", "usage", "config"):
        shutil.copytree(ROOT / "policies" / folder, pack / folder, ignore=shutil.ignore_patterns("__pycache__"))
    _folder(pack, waivers_text)
    return pack


def _single_az_order_db() -> dict:
    plan = copy.deepcopy(plan_for("prod"))
    for r in plan["resources"]:
        if r["type"] == "aws:rds/instance:Instance" and r["name"] in ("data-order-db", "data-user-db"):
            r["inputs"]["multiAz"] = False
    return plan


@pytest.mark.heavy
def test_the_pack_reports_a_waived_finding_under_waived_findings_and_preflight_reads_it_back(tmp_path, monkeypatch):
    pack = _pack_copy(tmp_path, GOOD)
    result = run_policy_pack(_single_az_order_db(), ROOT / "policies" / "config" / "prod.json", policy_dir=pack)
    multi_az = [(v["urn"].split("::")[-1], v["level"]) for v in result["violations"] if v["policy"] == "rds-multi-az"]
    assert multi_az == [("data-user-db", "mandatory")]  # the other database is not waived
    (marked,) = [v for v in result["violations"] if v["policy"] == "waived-findings"]
    assert marked["level"] == "advisory" and marked["urn"].endswith("::data-order-db")
    assert marked["message"].startswith("waiver #1 of policies/waivers/prod.yaml (rds-multi-az waived until 2027-01-15")

    monkeypatch.setattr(pack_waivers, "FOLDER", pack / "waivers")
    levels = {p["name"]: p["level"] for p in result["policies"]}
    (back,) = [v for v in waived.unwaive(result["violations"], "prod", levels) if v.get("waived")]
    assert (back["policy"], back["level"], back["waived"]["level"], back["waived"]["owner"]) == \
        ("rds-multi-az", "advisory", "mandatory", "data-team")
    assert back["message"] == "multiAz is not true: the database has no standby in a second AZ."
    assert display_message({**back, "resource": "data-order-db"}).startswith("[waived until 2027-01-15 by data-team: ")


@pytest.mark.heavy
def test_an_expired_waiver_fails_closed_in_the_pack_and_an_unused_one_is_named(tmp_path, monkeypatch):
    expired = _pack_copy(tmp_path, GOOD.replace("2027-01-15", "2026-01-01"))
    result = run_policy_pack(_single_az_order_db(), ROOT / "policies" / "config" / "prod.json", policy_dir=expired)
    assert {(v["policy"], v["level"]) for v in result["violations"] if v["policy"].startswith(("waiv", "rds-multi"))} \
        == {("waivers-valid", "mandatory"), ("rds-multi-az", "mandatory")}  # nothing waived

    unused = tmp_path / "other"
    unused.mkdir()
    pack = _pack_copy(unused, GOOD)
    plain = run_policy_pack(plan_for("prod"), ROOT / "policies" / "config" / "prod.json", policy_dir=pack)
    (note,) = [v for v in plain["violations"] if v["policy"] == "waived-findings"]
    assert "matches no finding; remove it" in note["message"]
    monkeypatch.setattr(pack_waivers, "FOLDER", pack / "waivers")
    with pytest.raises(InputError) as err:
        waived.unwaive(plain["violations"], "prod", {})
    assert "matches no finding" in err.value.text()


def test_sarif_marks_a_waived_finding_as_a_suppression():
    v = {"stage": "policies", "policy": "rds-multi-az", "level": "advisory", "urn": "urn:x", "resource": "db",
         "type": "aws:rds/instance:Instance", "message": "no standby", "source": None, "key": None,
         "waived": {"waiver": "waiver #1 of policies/waivers/prod.yaml", "reason": "moving to Aurora",
                    "owner": "data-team", "expires": "2027-01-15", "level": "mandatory"}}
    run = {"stacks": [{"stack": "prod", "policies": [{"name": "rds-multi-az", "level": "mandatory",
                                                      "description": "Multi-AZ"}], "violations": [v]}], "exit_code": 0}
    (result,) = json.loads(sarif.render(run))["runs"][0]["results"]
    assert result["suppressions"][0]["status"] == "accepted" and "moving to Aurora" in result["suppressions"][0]["justification"]
