"""preflight diff: each change classified as the engine's step generator would, data loss stopped
unless a reviewed, unexpired acceptance names it, and bad input refused with exit 2."""

from __future__ import annotations

import copy
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, plan_for
from preflight.diff import changes as diffing
from preflight.diff import command, render, verdict
from preflight.exits import InputError
from preflight.mocks import SECRET_SIG, SIG_KEY

PROJECT = "microservices-platform"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def urn(type_: str, name: str, stack: str = "prod", parent_types: str = "") -> str:
    chain = f"{parent_types}${type_}" if parent_types else type_
    return f"urn:pulumi:{stack}::{PROJECT}::{chain}::{name}"


def res(type_: str, name: str, inputs: dict | None = None, *, parent_types: str = "", custom: bool = True,
        **fields) -> dict:
    r = {"urn": urn(type_, name, parent_types=parent_types), "type": type_, "name": name, "custom": custom,
         "inputs": inputs or {}, "protect": False, "provider": "", "dependencies": [], "propertyDependencies": {},
         "aliases": [], "replaceOnChanges": [], "deleteBeforeReplace": None, "retainOnDelete": False}
    r.update(fields)
    return r


def plan(*resources: dict, region: str = "us-east-1") -> dict:
    return {"stack": "prod", "project": PROJECT, "region": region, "resources": list(resources)}


DB = "aws:rds/instance:Instance"
SG = "aws:ec2/securityGroup:SecurityGroup"
TARGET = "aws:rds/proxyTarget:ProxyTarget"
LOGS = "aws:cloudwatch/logGroup:LogGroup"


def one(base: dict, head: dict, name: str) -> dict:
    (found,) = [c for c in diffing.compare(base, head) if c["name"] == name]
    return found


def test_same_update_and_the_paths_that_changed():
    base = plan(res(DB, "db", {"instanceClass": "db.t4g.small", "tags": {"a": "1"}}))
    head = copy.deepcopy(base)
    assert one(base, head, "db")["action"] == "same"
    head["resources"][0]["inputs"].update(instanceClass="db.m7g.large", tags={"a": "2", "b": "3"})
    c = one(base, head, "db")
    assert c["action"] == "update" and c["paths"] == ["instanceClass", "tags.a", "tags.b"] and c["causes"] == []


def test_an_input_the_provider_replaces_on_replaces_and_is_data_loss():
    base = plan(res(DB, "db", {"engine": "postgres", "storageEncrypted": False}))
    head = plan(res(DB, "db", {"engine": "postgres", "storageEncrypted": True}))
    c = one(base, head, "db")
    assert c["action"] == "replace"
    assert [k["input"] for k in c["causes"]] == ["storageEncrypted"]
    (v,) = verdict.judge([c], [])[0]
    assert (v["policy"], v["level"]) == ("diff-data-loss", "mandatory")
    assert "storageEncrypted changed" in v["message"] and "the database" in v["message"]


def test_a_nested_replace_on_input_inside_a_list_replaces():
    cert = "aws:acm/certificate:Certificate"
    base = plan(res(cert, "c", {"validationOptions": [{"domainName": "a.example.org"}]}))
    head = plan(res(cert, "c", {"validationOptions": [{"domainName": "b.example.org"}]}))
    c = one(base, head, "c")
    assert c["paths"] == ["validationOptions[0].domainName"] and c["action"] == "replace"


def test_a_block_added_replaces_but_editing_inside_it_updates():
    base = plan(res(DB, "db", {}))
    head = plan(res(DB, "db", {"restoreToPointInTime": {"useLatestRestorableTime": True}}))
    assert [k["kind"] for k in one(base, head, "db")["causes"]] == ["block-presence"]
    base2 = copy.deepcopy(head)
    head2 = plan(res(DB, "db", {"restoreToPointInTime": {"useLatestRestorableTime": False}}))
    assert one(base2, head2, "db")["action"] == "update"


def test_the_replace_on_changes_option_replaces():
    base = plan(res(LOGS, "lg", {"retentionInDays": 30}))
    head = plan(res(LOGS, "lg", {"retentionInDays": 90}, replaceOnChanges=["retentionInDays"]))
    assert [k["kind"] for k in one(base, head, "lg")["causes"]] == ["replace-on-changes"]


def test_an_unknown_replace_on_input_replaces():
    base = plan(res(DB, "db", {"kmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/1"}))
    head = plan(res(DB, "db", {"kmsKeyId": UNKNOWN}))
    assert one(base, head, "db")["action"] == "replace"


def test_a_renamed_urn_without_alias_replaces_and_with_alias_updates():
    old = res(DB, "db", {"engine": "postgres"}, parent_types="platform:data:Data")
    moved = res(DB, "db", {"engine": "postgres"}, parent_types="platform:data:Database")
    c = one(plan(old), plan(moved), "db")
    assert c["action"] == "replace" and c["was"] == old["urn"] and c["causes"][0]["kind"] == "urn-changed"
    aliased = {**moved, "aliases": [old["urn"]]}
    found = diffing.compare(plan(old), plan(aliased))
    assert [(f["action"], f.get("was")) for f in found] == [("same", old["urn"])]


def test_a_replaced_resource_cascades_into_a_replace_on_input_that_reads_it():
    db = res(DB, "db", {"engine": "postgres"})
    target = res(TARGET, "t", {"dbInstanceIdentifier": "db-1", "dbProxyName": "p"},
                 propertyDependencies={"dbInstanceIdentifier": [db["urn"]]}, dependencies=[db["urn"]])
    head_db = {**db, "inputs": {"engine": "mysql"}}
    c = one(plan(db, target), plan(head_db, target), "t")
    assert c["action"] == "replace" and c["causes"][0]["kind"] == "cascade" and c["causes"][0]["resource"] == db["urn"]
    # an input that is not replace-on does not cascade
    logs = res(LOGS, "lg", {"kmsKeyId": "k"}, propertyDependencies={"tags": [db["urn"]]})
    assert one(plan(db, logs), plan(head_db, logs), "lg")["action"] == "same"


def test_a_region_change_of_the_default_provider_replaces_every_aws_resource():
    base = plan(res(LOGS, "lg", {"retentionInDays": 30}), res("platform:data:Data", "data", custom=False))
    head = copy.deepcopy(base)
    head["region"] = "eu-west-1"
    found = {c["name"]: c for c in diffing.compare(base, head)}
    assert found["lg"]["action"] == "replace" and "region changed" in found["lg"]["causes"][0]["text"]
    assert found["data"]["action"] == "same"  # a component has no provider


def test_an_explicit_provider_replaced_on_region_replaces_what_it_manages():
    prov = res("pulumi:providers:aws", "east", {"region": "us-east-1"})
    lg = res(LOGS, "lg", {"retentionInDays": 30}, provider=prov["urn"] + "::id-1")
    head_prov = {**prov, "inputs": {"region": "us-west-2"}}
    found = {c["name"]: c for c in diffing.compare(plan(prov, lg), plan(head_prov, lg))}
    assert found["east"]["action"] == "replace" and found["lg"]["action"] == "replace"


def test_create_and_delete_and_retained_deletes_keep_data():
    lg = res(LOGS, "lg")
    found = diffing.compare(plan(lg), plan(res(SG, "sg")))
    assert sorted((c["action"], c["name"]) for c in found) == [("create", "sg"), ("delete", "lg")]
    assert [v["policy"] for v in verdict.judge(found, [])[0]] == ["diff-data-loss"]
    kept = diffing.compare(plan({**lg, "retainOnDelete": True}), plan())
    assert kept[0]["action"] == "delete" and verdict.judge(kept, [])[0] == []


def test_a_component_whose_inputs_change_updates_and_never_replaces():
    comp = "platform:data:Data"
    found = one(plan(res(comp, "data", {"engine": "a"}, custom=False)), plan(res(comp, "data", {"engine": "b"},
                                                                           custom=False)), "data")
    assert found["action"] == "update" and found["causes"] == []


def test_protected_replace_and_delete_are_blocked_unless_unprotected_in_the_same_change():
    old = res(DB, "db", {"engine": "postgres"}, protect=True)
    new = {**old, "inputs": {"engine": "mysql"}}
    blocked = one(plan(old), plan(new), "db")
    assert blocked["blocked"]
    assert {v["policy"] for v in verdict.judge([blocked], [])[0]} == {"diff-protected", "diff-data-loss"}
    unprotected = one(plan(old), plan({**new, "protect": False}), "db")
    assert unprotected["action"] == "replace" and not unprotected["blocked"]  # step_generator: new && old
    (gone,) = diffing.compare(plan(old), plan())
    assert gone["action"] == "delete" and gone["blocked"]  # DeleteStep: old.Protect


def test_a_conditional_replace_of_a_data_resource_is_advisory():
    group = "aws:elasticache/replicationGroup:ReplicationGroup"
    c = one(plan(res(group, "cache", {"engineVersion": "7.1"})), plan(res(group, "cache", {"engineVersion": "6.2"})),
            "cache")
    assert c["action"] == "update" and c["maybe"][0]["kind"] == "may-replace"
    assert [(v["policy"], v["level"]) for v in verdict.judge([c], [])[0]] == [("diff-may-replace", "advisory")]


def test_moving_an_awsx_vpc_to_other_zones_names_the_children_the_mocks_hide():
    vpc = lambda azs: res("awsx:ec2:Vpc", "vpc", {"availabilityZoneNames": azs, "tags": {}}, custom=False,  # noqa: E731
                          remote=True)
    c = one(plan(vpc(["us-east-1a", "us-east-1b"])), plan(vpc(["us-east-1a", "us-east-1c"])), "vpc")
    assert c["action"] == "update" and [m["kind"] for m in c["maybe"]] == ["hidden-children"]
    assert [v["policy"] for v in verdict.judge([c], [])[0]] == ["diff-may-replace"]
    tagged = one(plan(vpc(["us-east-1a"])), plan({**vpc(["us-east-1a"]), "inputs": {"availabilityZoneNames": ["us-east-1a"],
                                                                               "tags": {"a": "b"}}}), "vpc")
    assert tagged["maybe"] == []


def test_a_secret_value_change_names_the_path_never_the_value():
    secret = "aws:secretsmanager/secretVersion:SecretVersion"
    wrap = lambda v: {SIG_KEY: SECRET_SIG, "value": v}  # noqa: E731
    c = one(plan(res(secret, "s", {"secretString": wrap("old-pw")})),
            plan(res(secret, "s", {"secretString": wrap("new-pw")})), "s")
    assert c["paths"] == ["secretString"]
    assert "new-pw" not in json.dumps(c) and "new-pw" not in render.text([_doc([c])])


def _doc(found: list[dict]) -> dict:
    for c in found:
        c.setdefault("monthly_usd", {"base": 0.0, "head": 0.0, "delta": 0.0})
    return {"stack": "prod", "verdict": "passed", "counts": diffing.counts(found), "changes": found,
            "violations": [], "cost": {"base_usd": 0, "head_usd": 0, "delta_usd": 0}, "base": "b", "head": "h"}


# ---- acceptances --------------------------------------------------------------------------------
TODAY = dt.date(2026, 12, 7)


def _accepted(tmp_path: Path, text: str) -> Path:
    f = tmp_path / "accepted-changes.yaml"
    f.write_text(text)
    return f


def test_an_accepted_data_loss_is_advisory_and_names_the_reason(tmp_path):
    db = urn(DB, "db")
    entries = verdict.load_accepted(_accepted(tmp_path, f"accepted:\n  - urn: {db}\n    reason: restored from the "
                                                       "nightly snapshot after the engine change\n"
                                                       "    expires: 2026-12-31\n"), TODAY)
    c = one(plan(res(DB, "db", {"engine": "postgres"})), plan(res(DB, "db", {"engine": "mysql"})), "db")
    (v,), used = verdict.judge([c], entries)
    assert v["level"] == "advisory" and "nightly snapshot" in v["message"] and used == {db}
    assert verdict.unmatched(entries, set(), {"prod"}) and not verdict.unmatched(entries, used, {"prod"})
    assert not verdict.unmatched(entries, set(), {"dev"})  # another stack's entries wait for that stack


@pytest.mark.parametrize("text, says", [
    ("accepted:\n  - urn: {urn}\n    reason: the snapshot is restored by hand\n    expires: 2026-12-06\n", "expired on 2026-12-06"),
    ("accepted:\n  - urn: {urn}\n    reason: short\n    expires: 2026-12-31\n", "reason"),
    ("accepted:\n  - urn: not-a-urn\n    reason: the snapshot is restored by hand\n    expires: 2026-12-31\n", "not a resource URN"),
    ("accepted:\n  - urn: {urn}\n    reason: the snapshot is restored by hand\n    expires: soon\n", "not a date"),
    ("accepted:\n  - urn: {urn}\n    why: x\n", "unknown keys why"),
    ("accepted: {{}}\n", "one key 'accepted'"),
    ("accepted: [\n", "not YAML"),
])
def test_a_bad_acceptance_file_is_refused_naming_the_entry(tmp_path, text, says):
    with pytest.raises(InputError) as err:
        verdict.load_accepted(_accepted(tmp_path, text.format(urn=urn(DB, "db"))), TODAY)
    assert says in err.value.text()


# ---- the command -------------------------------------------------------------------------------
def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "preflight", "diff", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600)


def _saved(tmp_path: Path, name: str, doc: dict) -> str:
    f = tmp_path / name
    f.write_text(json.dumps(doc))
    return str(f)


@pytest.mark.heavy
def test_saved_plans_a_data_loss_exits_1_and_the_json_keeps_its_interface(tmp_path):
    base = plan_for("dev")
    head = copy.deepcopy(base)
    db = next(r for r in head["resources"] if r["type"] == DB)
    db["inputs"]["dbName"] = "renamed"
    out = tmp_path / "diff.json"
    proc = _run("--base-plan", _saved(tmp_path, "base.json", base), "--plan", _saved(tmp_path, "head.json", head),
                "--json", str(out), "--accepted", str(tmp_path / "none.yaml"))
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(out.read_text())
    replaced = {c["name"]: c for c in doc["changes"] if c["action"] == "replace"}
    assert {"urn", "type", "name", "action", "causes", "paths"} <= set(replaced[db["name"]])
    assert replaced[db["name"]]["paths"] == ["dbName"]
    assert any(c["causes"][0]["kind"] == "cascade" for c in replaced.values())  # the proxy target
    (v,) = [v for v in doc["violations"] if v["level"] == "mandatory"]
    assert {"stage", "policy", "level", "urn", "resource", "type", "message", "source", "key"} <= set(v)
    assert "+- aws:rds/instance:Instance " + db["name"] in proc.stdout
    assert proc.stdout.index("to replace") < proc.stdout.index("+-")  # counts first, as pulumi preview


@pytest.mark.heavy
def test_the_git_base_and_a_region_change_replace_everything(tmp_path):
    proc = _run("--stack", "dev", "--base", "HEAD", "--set", "aws:region=us-west-2", "--format", "json",
                "--accepted", str(tmp_path / "none.yaml"))
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["counts"]["replace"] > 300 and doc["base"] == "git HEAD"
    assert {v["resource"] for v in doc["violations"] if v["policy"] == "diff-data-loss"} >= {"data-inventory-db"}


def test_bad_inputs_exit_2_naming_them(tmp_path):
    base = plan(res(LOGS, "lg"))
    other_stack = {**copy.deepcopy(base), "stack": "dev"}
    for r in other_stack["resources"]:
        r["urn"] = r["urn"].replace("urn:pulumi:prod::", "urn:pulumi:dev::")
    older = copy.deepcopy(base)
    older["resources"][0]["type"] = "aws:s3/bucketV2:BucketV2"   # a type of another provider version
    older["resources"][0]["urn"] = urn("aws:s3/bucketV2:BucketV2", "lg")
    cases = [
        (["--base", "no-such-ref-anywhere", "--stack", "dev"], "--base"),
        (["--base", "", "--stack", "dev"], "--base: empty value"),
        (["--base-plan", _saved(tmp_path, "old.json", older), "--plan", _saved(tmp_path, "b.json", base)],
         "aws:s3/bucketV2:BucketV2, which the replace-on table"),
        (["--accepted", str(tmp_path), "--stack", "dev"], "is not a file"),
        (["--base", "HEAD", "--base-plan", _saved(tmp_path, "b.json", base)], "one base"),
        (["--base-plan", _saved(tmp_path, "b.json", base), "--plan", _saved(tmp_path, "o.json", other_stack)],
         "--base-plan"),
        (["--base-plan", str(tmp_path / "missing.json"), "--stack", "dev"], "--base-plan"),
        (["--output", "pdf=x.pdf", "--stack", "dev"], "--output"),
    ]
    for args, names in cases:
        proc = _run(*args)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        assert names in proc.stderr and "Traceback" not in proc.stderr, (args, proc.stderr)


def test_a_ref_without_this_project_is_refused(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    repo.mkdir()
    git = lambda *a: subprocess.run(["git", "-C", str(repo), *a], check=True, capture_output=True)  # noqa: E731
    git("init", "-q")
    (repo / "README.md").write_text("another project\n")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "x")
    (repo / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text())  # the working tree has it, the ref not
    monkeypatch.setattr(command, "ROOT", repo)
    with pytest.raises(InputError) as err:
        command.base_tree("HEAD", tmp_path / "out")
    assert "holds no" in err.value.text()


def test_a_hand_written_plan_without_options_is_read_with_the_programs_defaults(tmp_path):
    minimal = lambda engine: {"stack": "prod", "project": PROJECT, "resources": [  # noqa: E731
        {"urn": urn(DB, "db"), "type": DB, "inputs": {"engine": engine}}]}
    proc = _run("--base-plan", _saved(tmp_path, "b.json", minimal("postgres")),
                "--plan", _saved(tmp_path, "h.json", minimal("mysql")), "--format", "json",
                "--accepted", str(tmp_path / "none.yaml"))
    assert proc.returncode == 1, proc.stderr
    (c,) = json.loads(proc.stdout)["changes"]
    assert (c["name"], c["action"], c["causes"][0]["input"]) == ("db", "replace", "engine")


def test_an_unmatched_acceptance_is_exit_2(tmp_path):
    base = plan(res(LOGS, "lg"))
    accepted = _accepted(tmp_path, f"accepted:\n  - urn: {urn(DB, 'db')}\n    reason: the snapshot is restored "
                                   f"by hand\n    expires: 2099-01-01\n")
    proc = _run("--base-plan", _saved(tmp_path, "b.json", base), "--plan", _saved(tmp_path, "h.json", base),
                "--accepted", str(accepted))
    assert proc.returncode == 2 and "matches no data-losing change" in proc.stderr


def test_reports_render_counts_first_and_sarif_marks_data_loss_as_error():
    c = one(plan(res(DB, "db", {"engine": "postgres"})), plan(res(DB, "db", {"engine": "mysql"})), "db")
    doc = _doc([c])
    doc["violations"] = verdict.judge([c], [])[0]
    doc["verdict"] = "blocked"
    md = render.markdown([doc])
    assert md.index("| prod | ❌ blocked | 0 | 0 | 1 | 0 |") < md.index("diff-data-loss")
    many = _doc([{**c, "name": f"db-{n}", "urn": f"{c['urn']}-{n}"} for n in range(500)])
    long = render.markdown([many, {**many, "stack": "dev"}])
    assert len(long) < render.MARKDOWN_BUDGET + 500 and "more: see `diff-prod.json`" in long
    sarif = json.loads(render.as_sarif([doc]))
    assert [(r["ruleId"], r["level"]) for r in sarif["runs"][0]["results"]] == [("diff-data-loss", "error")]


@pytest.mark.heavy
def test_a_check_json_result_is_a_base_plan_and_the_same_program_changes_nothing(tmp_path):
    saved = tmp_path / "dev.json"
    check = subprocess.run([sys.executable, "-m", "preflight", "check", "--stack", "dev", "--json", str(saved)],
                           cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert check.returncode == 0, check.stderr
    proc = _run("--stack", "dev", "--base-plan", str(saved), "--format", "json", "--accepted", str(tmp_path / "n.yaml"))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["changes"] == [] and doc["counts"]["same"] == len(json.loads(saved.read_text())["resources"])


# ---- on the real recorded prod plan ------------------------------------------------------------
def _prod() -> dict:
    return copy.deepcopy(plan_for("prod"))


def _named(plan: dict, name: str) -> dict:
    (r,) = [r for r in plan["resources"] if r["name"] == name]
    return r


def _renamed(plan: dict, old: str, new: str, alias: bool) -> dict:
    """``old`` under a new name, every reference to its URN following (as the program would)."""
    urn_old = _named(plan, old)["urn"]
    urn_new = urn_old[: -len(old)] + new
    head = json.loads(json.dumps(plan).replace(json.dumps(urn_old), json.dumps(urn_new)))
    r = _named(head, old)
    r["name"] = new
    r["aliases"] = [urn_old] if alias else []
    return head


def _alarm(plan: dict) -> dict:
    return next(r for r in plan["resources"] if r["type"] == "aws:cloudwatch/metricAlarm:MetricAlarm"
                and "threshold" in r["inputs"])


@pytest.mark.heavy
def test_real_plan_every_action_and_cause():
    base = _prod()
    assert diffing.counts(diffing.compare(base, base))["same"] == len(base["resources"])  # unchanged stack

    renamed = {c["name"]: c for c in diffing.compare(base, _renamed(base, "data-order-db", "data-orders-db", False))}
    moved = renamed["data-orders-db"]
    assert moved["action"] == "replace" and moved["causes"][0]["kind"] == "urn-changed"
    assert "data-order-db" not in renamed  # the old URN is the replaced resource, not also a delete
    aliased = diffing.compare(base, _renamed(base, "data-order-db", "data-orders-db", True))
    assert {c["action"] for c in aliased} == {"same"}

    head = _prod()
    db = _named(head, "data-order-db")
    db["inputs"]["dbName"] = "orders2"
    db["deleteBeforeReplace"] = True
    found = {c["name"]: c for c in diffing.compare(base, head)}
    c = found["data-order-db"]
    assert c["action"] == "replace" and c["causes"][0] == {"kind": "replace-on-input", "input": "dbName",
                                                           "text": "dbName changed (the provider replaces on it)"}
    assert c["deleteBeforeReplace"] and "delete before replace" in render.text([_doc([c])])
    assert c["blocked"] == bool(db["protect"])  # protected in state and program: the engine refuses
    cascaded = [x for x in found.values() if x["causes"] and x["causes"][0]["kind"] == "cascade"]
    assert [x["type"] for x in cascaded] == ["aws:rds/proxyTarget:ProxyTarget"]

    head = _prod()
    _alarm(head)["inputs"]["threshold"] = _alarm(head)["inputs"]["threshold"] + 1
    (update,) = [c for c in diffing.compare(base, head) if c["action"] != "same"]
    assert (update["action"], update["paths"], update["causes"]) == ("update", ["threshold"], [])

    head = _prod()
    logs = next(r for r in head["resources"] if r["type"] == LOGS)
    logs["replaceOnChanges"] = ["retentionInDays"]
    logs["inputs"]["retentionInDays"] = 7
    changed = {c["name"]: c for c in diffing.compare(base, head) if c["action"] != "same"}
    replaced = changed.pop(logs["name"])
    assert replaced["causes"][0]["kind"] == "replace-on-changes" and verdict.loses_data(replaced)
    # what reads the log group's outputs into a replace-on input (a task definition's log configuration) follows
    assert changed and all(c["causes"][0]["kind"] == "cascade" and c["causes"][0]["resource"] == logs["urn"]
                           for c in changed.values())


@pytest.mark.heavy
@pytest.mark.parametrize("change, code, policies", [
    ("rename the order database", 1, {"diff-data-loss"}),
    ("change the order database's dbName", 1, {"diff-data-loss"}),
    ("raise an alarm threshold", 0, set()),
])
def test_real_plan_verdicts_and_exit_codes(tmp_path, change, code, policies):
    base = _prod()
    if change.startswith("rename"):
        head = _renamed(base, "data-order-db", "data-orders-db", False)
    elif change.startswith("change"):
        head = _prod()
        _named(head, "data-order-db")["inputs"]["dbName"] = "orders2"
    else:
        head = _prod()
        _alarm(head)["inputs"]["threshold"] += 1
    proc = _run("--base-plan", _saved(tmp_path, "b.json", base), "--plan", _saved(tmp_path, "h.json", head),
                "--format", "json", "--accepted", str(tmp_path / "none.yaml"))
    assert proc.returncode == code, proc.stderr
    doc = json.loads(proc.stdout)
    assert {v["policy"] for v in doc["violations"] if v["level"] == "mandatory"} - {"diff-protected"} == policies
