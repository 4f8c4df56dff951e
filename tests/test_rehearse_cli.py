"""``python -m preflight rehearse``: the exit contract for bad profiles and outputs, and one full run.

Every bad input is refused before the plan is recorded (in-process, no mock run)."""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from preflight import cli

MAX_CHARS = 2200


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return code, out.getvalue(), err.getvalue()


BAD_PROFILES = [
    ("unknown top key", "loads:\n  users: 5\n", ("unknown key loads", "one of load, platform")),
    ("unknown load key", "load:\n  user: 5\n", ("unknown key load.user", "users")),
    ("negative users", "load:\n  users: -10\n", ("load.users", "negative", "> 0")),
    ("negative share", "services:\n  gateway:\n    requestShare: -0.5\n", ("services.gateway.requestShare", "negative")),
    ("zero service time", "services:\n  order:\n    serviceTimeMs: 0\n", ("services.order.serviceTimeMs", "zero")),
    ("unknown service", "services:\n  billing:\n    requestShare: 1\n", ("services.billing", "gateway")),
    ("unknown service key", "services:\n  user:\n    rps: 1\n", ("services.user.rps", "requestShare")),
    ("string number", "load:\n  users: lots\n", ("load.users", "not a number")),
    ("boolean number", "platform:\n  taskStartSeconds: true\n", ("platform.taskStartSeconds", "not a number")),
    ("step not dividing 60", "platform:\n  stepSeconds: 7\n", ("platform.stepSeconds", "does not divide 60")),
    ("ratio above 1", "platform:\n  scaleInThresholdRatio: 1.5\n", ("platform.scaleInThresholdRatio", "above 1")),
    ("baseline above peak", "load:\n  users: 10\n  baselineUsers: 20\n", ("load.baselineUsers", "users")),
    ("bad start", "load:\n  start: yesterday\n", ("load.start", "ISO 8601")),
    ("not a mapping", "- 1\n- 2\n", ("not a mapping",)),
    ("bad yaml", "load: [1,\n", ("not valid YAML",)),
    ("latency model", "latency:\n  model: mmc\n", ("latency.model", "mm1")),
]


@pytest.mark.parametrize("text,names", [c[1:] for c in BAD_PROFILES], ids=[c[0] for c in BAD_PROFILES])
def test_bad_profile_is_exit_2_naming_the_key(tmp_path, text, names):
    path = tmp_path / "profile.yaml"
    path.write_text(text)
    code, out, err = run(["rehearse", "--stack", "prod", "--profile", str(path)])
    assert code == 2, err
    assert out == "" and "Traceback" not in err and len(err) <= MAX_CHARS
    assert "--profile" in err and "allowed" in err, err
    for name in names:
        assert name in err, (name, err)
    assert len(err.strip().splitlines()) == 1, err      # one bounded message


def test_bad_json_profile(tmp_path):
    path = tmp_path / "profile.json"
    path.write_text('{"load": {"users": 5, "users": 6}}')
    code, _, err = run(["rehearse", "--profile", str(path)])
    assert code == 2 and "appears twice" in err
    path.write_text('{"load": {"users": -5}}')
    code, _, err = run(["rehearse", "--profile", str(path)])
    assert code == 2 and "load.users" in err and "negative" in err


@pytest.mark.parametrize("argv,names", [
    (["rehearse", "--profile", "/nonexistent/p.yaml"], ("--profile", "no such file")),
    (["rehearse", "--stack", "qa"], ("--stack", "Pulumi.qa.yaml")),
    (["rehearse", "--stack", "prod", "--stack", "dev"], ("--stack", "twice")),
    (["rehearse", "--charts", "/nonexistent/deeper/charts"], ("--charts", "does not exist")),
    (["rehearse", "--json", "/nonexistent/dir/r.json"], ("--json", "does not exist")),
    (["rehearse", "--frobnicate"], ("--frobnicate",)),
])
def test_bad_flags(argv, names):
    code, out, err = run(argv)
    assert code == 2, err
    assert "Traceback" not in err and out == ""
    for name in names:
        assert name in err, (name, err)


def test_charts_path_that_is_a_file(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    code, _, err = run(["rehearse", "--charts", str(f)])
    assert code == 2 and "is a file" in err


def test_full_run_text_json_and_charts(tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text("load:\n  users: 12000\n  holdMinutes: 10\n  tailMinutes: 20\n")
    code, out, err = run(["rehearse", "--stack", "prod", "--profile", str(profile), "--json", str(tmp_path / "r.json"),
                          "--charts", str(tmp_path / "charts")])
    assert code == 0, err
    assert out.startswith("== rehearsal of stack prod: 12000 users")
    for name in ("gateway", "stream-processor", "total", "advice"):
        assert name in out
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["profile"]["load"]["users"] == 12000 and doc["profile"]["load"]["holdMinutes"] == 10
    # 5 + 10 + 10 + 10 + 20 minutes
    assert doc["duration_seconds"] == 55 * 60
    assert len(list((tmp_path / "charts").glob("prod-*.png"))) == 7


def test_a_json_path_that_cannot_be_written_is_exit_2(tmp_path, monkeypatch):
    from preflight import rehearse

    def fail(*_a, **_k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(rehearse, "rehearse", lambda plan, prof: {"services": [], "stack": "prod"})
    monkeypatch.setattr(rehearse.Path, "write_text", fail)
    monkeypatch.setattr(cli, "record", lambda stack, overrides, **_kw: ({"resources": []}, False))
    code, _, err = run(["rehearse", "--json", str(tmp_path / "r.json")])
    assert code == 2 and "--json" in err and "Permission denied" in err and "Traceback" not in err
