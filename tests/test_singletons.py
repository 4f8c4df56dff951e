"""One owner of each account-wide singleton across the stack files (preflight/singletons.py): the
committed stacks set it explicitly and pass, two owners in one region and possibly one account are
refused before any run (exit 2), a stack that leaves it unset gets a note."""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from preflight import cli, singletons
from preflight.exits import InputError
from preflight.stackconfig import validated_stack

KEY = "edge.manageApiGatewayAccount"
P = "microservices-platform"


# The budget's account-wide settings, owning nothing (their own cases: tests/test_budget.py).
NO_BUDGET_SINGLETON = {"scope": "stack", "activateCostAllocationTag": False}


def _stack_file(edge=None, budget=NO_BUDGET_SINGLETON, **config) -> str:
    body = {f"{P}:{k}" if ":" not in k else k: v for k, v in config.items()}
    if edge is not None:
        body[f"{P}:edge"] = edge
    if budget is not None:
        body[f"{P}:budget"] = budget
    return yaml.safe_dump({"config": body})


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    return tmp_path


def _write(root: Path, **files: str) -> None:
    for stack, text in files.items():
        (root / f"Pulumi.{stack}.yaml").write_text(text)


def _judge(root: Path, *stacks: str, sets: tuple[str, ...] = ()) -> list[str]:
    return singletons.check(root, {s: validated_stack(root, s, list(sets)) for s in stacks})


def test_the_committed_stacks_name_one_owner_explicitly():
    for stack, owns in (("prod", True), ("dev", False)):
        raw = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())["config"]
        assert raw[f"{P}:edge"]["manageApiGatewayAccount"] is owns, stack
    assert _judge(ROOT, "prod", "dev") == []          # no conflict, no note
    assert _judge(ROOT, "prod") == []                 # dev's file is read although only prod is judged


def test_two_owners_in_one_region_are_refused(root):
    _write(root, prod=_stack_file({"manageApiGatewayAccount": True}),
           qa=_stack_file({"manageApiGatewayAccount": True}))
    with pytest.raises(InputError) as exc:
        _judge(root, "qa")
    message = str(exc.value)
    assert KEY in message and "prod" in message and "qa" in message and "us-east-1" in message
    assert "allowed" in message and "aws:allowedAccountIds" in message


def test_a_stack_that_leaves_the_key_unset_is_an_owner_and_gets_a_note(root):
    _write(root, prod=_stack_file({"manageApiGatewayAccount": False}), qa=_stack_file(azCount=2))
    (note,) = _judge(root, "qa")
    assert "stack qa" in note and KEY in note and "defaults to true" in note
    _write(root, prod=_stack_file({"manageApiGatewayAccount": True}))
    with pytest.raises(InputError):   # the unset stack is the second owner
        _judge(root, "qa")


def test_set_on_the_command_line_counts_for_the_judged_stack(root):
    _write(root, prod=_stack_file({"manageApiGatewayAccount": True}), qa=_stack_file(azCount=2))
    assert _judge(root, "qa", sets=(f"{KEY}=false",)) == []
    with pytest.raises(InputError):
        _judge(root, "qa", sets=(f"{KEY}=true",))


def test_stacks_in_different_accounts_or_regions_may_each_own_it(root):
    own = {"manageApiGatewayAccount": True}
    _write(root, prod=_stack_file(own, **{"aws:allowedAccountIds": ["210987654321"]}),
           qa=_stack_file(own, **{"aws:allowedAccountIds": ["314159265358"]}))
    assert _judge(root, "prod", "qa") == []
    _write(root, qa=_stack_file(own, **{"aws:allowedAccountIds": ["314159265358", "210987654321"]}))
    with pytest.raises(InputError):       # the lists meet: possibly one account
        _judge(root, "prod", "qa")
    _write(root, qa=_stack_file(own))     # qa names no account: it may be prod's
    with pytest.raises(InputError):
        _judge(root, "prod", "qa")
    _write(root, qa=_stack_file(own, **{"aws:region": "eu-west-1"}))
    assert _judge(root, "prod", "qa") == []


def test_preflight_refuses_before_any_run():
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["--stack", "dev", "--set", f"{KEY}=true"])
    assert code == 2, err.getvalue()
    text = err.getvalue()
    assert KEY in text and "prod" in text and "dev" in text and "Traceback" not in text
    assert "program under mocks" not in text
