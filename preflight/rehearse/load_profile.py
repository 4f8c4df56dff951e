"""The load profile and the capacity model of a rehearsal: defaults, file loading, strict checks.

A profile file (YAML or JSON, ``--profile FILE``) holds only what differs from the defaults
below; every key is checked before the plan is recorded: an unknown key, a wrong type or a
negative number is exit 2 with one message naming the key and what is allowed.
docs/rehearsal.md documents every key and where each default comes from.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any, Optional

from ..exits import InputError, show

MAX_PROFILE_BYTES = 256 * 1024

# The seven services of the platform and their default capacity model.  These are planning
# assumptions (this project's, not AWS figures): requests a service sees per user request
# (the gateway sees every request), what one vCPU serves at 100 % CPU, the mean service time
# of one request on an idle task, and memory per task.  Override them from measurements.
SERVICE_DEFAULTS: dict[str, dict[str, float]] = {
    "gateway":          {"requestShare": 1.0,  "requestsPerVcpuSecond": 1200, "serviceTimeMs": 5},
    "user":             {"requestShare": 0.4,  "requestsPerVcpuSecond": 400,  "serviceTimeMs": 20},
    "order":            {"requestShare": 0.2,  "requestsPerVcpuSecond": 300,  "serviceTimeMs": 30},
    "inventory":        {"requestShare": 0.3,  "requestsPerVcpuSecond": 400,  "serviceTimeMs": 20},
    "payment":          {"requestShare": 0.05, "requestsPerVcpuSecond": 150,  "serviceTimeMs": 80},
    "notification":     {"requestShare": 0.1,  "requestsPerVcpuSecond": 300,  "serviceTimeMs": 30},
    "stream-processor": {"requestShare": 0.6,  "requestsPerVcpuSecond": 500,  "serviceTimeMs": 10},
}
SERVICE_KEYS = {
    "requestShare": "requests the service sees per user request (gateway 1.0 = every request; >1 = fan-out)",
    "requestsPerVcpuSecond": "requests per second one vCPU serves at 100 % CPU",
    "serviceTimeMs": "mean time of one request on an idle task, milliseconds",
    "memoryBaseMiB": "memory a task uses idle, MiB",
    "memoryPerRequestPerSecondMiB": "extra memory per request/s the task serves, MiB",
}
SERVICE_COMMON = {"memoryBaseMiB": 192.0, "memoryPerRequestPerSecondMiB": 0.5}
# A service the plan has and this table does not: sees no user requests unless the profile says so.
FALLBACK_SERVICE = {"requestShare": 0.0, "requestsPerVcpuSecond": 300, "serviceTimeMs": 20}

DEFAULTS: dict[str, Any] = {
    "load": {
        "users": 10000,                 # the seed: 10,000+ concurrent users
        "baselineUsers": 100,           # before and after the surge
        "leadMinutes": 5,               # at baseline before the ramp starts
        "rampUpMinutes": 10,
        "holdMinutes": 30,
        "rampDownMinutes": 10,
        "tailMinutes": 30,              # at baseline after the ramp down (scale-in)
        "requestsPerUserPerSecond": 0.2,  # one request every 5 s per concurrent user
        "start": None,                  # ISO time of t=0 (UTC or with offset): needed to cross scheduled actions
    },
    "platform": {
        "stepSeconds": 10,
        "taskStartSeconds": 60,         # Fargate provisioning + ENI + image pull + container start
        "metricDelaySeconds": 60,       # a minute's datapoint is visible this long after the minute ends
        # The alarms AWS creates for a target-tracking policy (not documented; observed in exports of
        # them and reported in aws/containers-roadmap#1208, docs/rehearsal.md): scale-out above the
        # target for 3 of 3 one-minute datapoints, scale-in below 90 % of it for 15 of 15.
        "scaleOutDatapoints": 3,
        "scaleInDatapoints": 15,
        "scaleInThresholdRatio": 0.9,
    },
    "latency": {
        "model": "mm1",                 # per task an M/M/1 queue: mean response = S / (1 - rho)
    },
    "services": {},
    "defaults": dict(SERVICE_COMMON),
}

LOAD_DOCS = {
    "users": "peak concurrent users", "baselineUsers": "users before and after the surge",
    "leadMinutes": "minutes at baseline before the ramp", "rampUpMinutes": "minutes of the ramp up",
    "holdMinutes": "minutes at the peak", "rampDownMinutes": "minutes of the ramp down",
    "tailMinutes": "minutes at baseline after the ramp down",
    "requestsPerUserPerSecond": "requests per second one concurrent user makes",
    "start": "ISO 8601 time of the rehearsal's start, e.g. 2026-11-30T09:00:00Z (null: no scheduled actions)",
}
PLATFORM_DOCS = {
    "stepSeconds": "simulation step, 1-10 seconds (divides 60)",
    "taskStartSeconds": "seconds from a new task's launch until its container runs",
    "metricDelaySeconds": "seconds after a minute ends until its datapoint is visible to alarms",
    "scaleOutDatapoints": "target tracking: one-minute datapoints above target before scale-out",
    "scaleInDatapoints": "target tracking: one-minute datapoints below the scale-in threshold before scale-in",
    "scaleInThresholdRatio": "target tracking: scale-in threshold as a fraction of the target (0-1]",
}
LATENCY_DOCS = {"model": "queueing model: mm1 (M/M/1 per task)"}
SECTIONS = {"load": LOAD_DOCS, "platform": PLATFORM_DOCS, "latency": LATENCY_DOCS,
            "services": None, "defaults": SERVICE_KEYS}


class Profile(dict):
    """The merged profile (defaults + file); ``service(name)`` gives one service's capacity model."""

    def service(self, name: str) -> dict[str, float]:
        """Built-in defaults of ``name`` <- the file's ``defaults`` <- the file's ``services.<name>``."""
        builtin = SERVICE_DEFAULTS.get(name, FALLBACK_SERVICE)
        out = {**builtin, **self["defaults"], **self["services"].get(name, {})}
        return {k: float(v) for k, v in out.items()}

    @property
    def duration_seconds(self) -> int:
        ld = self["load"]
        minutes = (ld["leadMinutes"] + ld["rampUpMinutes"] + ld["holdMinutes"] + ld["rampDownMinutes"]
                   + ld["tailMinutes"])
        return int(round(minutes * 60))

    def users_at(self, t: float) -> float:
        """Concurrent users at ``t`` seconds: baseline, linear ramp up, hold, linear ramp down, baseline."""
        ld = self["load"]
        base, peak = float(ld["baselineUsers"]), float(ld["users"])
        a = ld["leadMinutes"] * 60
        b = a + ld["rampUpMinutes"] * 60
        c = b + ld["holdMinutes"] * 60
        d = c + ld["rampDownMinutes"] * 60
        if t < a or t >= d:
            return base
        if t < b:
            return base + (peak - base) * (t - a) / (b - a)
        if t < c:
            return peak
        return peak + (base - peak) * (t - c) / (d - c)

    @property
    def surge_start(self) -> float:
        return self["load"]["leadMinutes"] * 60.0


def default_profile() -> Profile:
    return Profile(copy.deepcopy(DEFAULTS))


def _number(value: Any, key: str, what: str, *, integer: bool = False, positive: bool = False,
            maximum: Optional[float] = None) -> float:
    allowed = f"{'an integer' if integer else 'a number'} {'> 0' if positive else '>= 0'}" + \
              (f" and <= {maximum:g}" if maximum is not None else "")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InputError(what, f"key {key}: {show(value)} is not a number", allowed)
    if integer and value != int(value):
        raise InputError(what, f"key {key}: {value!r} is not an integer", allowed)
    if value < 0 or (positive and value == 0):
        raise InputError(what, f"key {key}: {value!r} is {'negative' if value < 0 else 'zero'}", allowed)
    if maximum is not None and value > maximum:
        raise InputError(what, f"key {key}: {value!r} is above {maximum:g}", allowed)
    return value


def _mapping(value: Any, key: str, what: str, allowed: dict[str, str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(what, f"key {key}: {show(value)} is not a mapping", f"a mapping of {', '.join(allowed)}")
    for k in value:
        if k not in allowed:
            raise InputError(what, f"unknown key {key + '.' if key else ''}{show(k)[1:-1] if isinstance(k, str) else show(k)}",
                             f"one of {', '.join(allowed)}")
    return value


def _check_service(values: Any, key: str, what: str) -> dict[str, float]:
    values = _mapping(values, key, what, SERVICE_KEYS)
    out = {}
    for k, v in values.items():
        out[k] = _number(v, f"{key}.{k}", what, positive=k in ("requestsPerVcpuSecond", "serviceTimeMs"))
    return out


def validate(doc: Any, what: str) -> Profile:
    """The profile of a parsed file ``doc`` merged over the defaults; InputError (exit 2) on any problem."""
    if doc is None:
        doc = {}
    top = _mapping(doc, "", what, SECTIONS)
    prof = default_profile()
    ld = _mapping(top.get("load", {}), "load", what, LOAD_DOCS)
    for k, v in ld.items():
        if k == "start":
            prof["load"]["start"] = _start(v, what)
        else:
            prof["load"][k] = _number(v, f"load.{k}", what, positive=k == "users" or k == "requestsPerUserPerSecond",
                                      maximum=10_000_000 if k in ("users", "baselineUsers") else 24 * 60
                                      if k.endswith("Minutes") else None)
    if prof["load"]["baselineUsers"] > prof["load"]["users"]:
        raise InputError(what, f"key load.baselineUsers: {prof['load']['baselineUsers']:g} is above load.users "
                               f"{prof['load']['users']:g}", "baselineUsers <= users")
    if prof.duration_seconds < 60:
        raise InputError(what, "the load profile lasts under a minute", "a profile of at least one minute")
    pf = _mapping(top.get("platform", {}), "platform", what, PLATFORM_DOCS)
    for k, v in pf.items():
        if k == "stepSeconds":
            step = _number(v, "platform.stepSeconds", what, integer=True, positive=True, maximum=10)
            if 60 % step:
                raise InputError(what, f"key platform.stepSeconds: {step:g} does not divide 60", "1, 2, 3, 4, 5, 6 or 10")
            prof["platform"][k] = int(step)
        elif k in ("scaleOutDatapoints", "scaleInDatapoints"):
            prof["platform"][k] = int(_number(v, f"platform.{k}", what, integer=True, positive=True, maximum=60))
        elif k == "scaleInThresholdRatio":
            prof["platform"][k] = _number(v, f"platform.{k}", what, positive=True, maximum=1)
        else:
            prof["platform"][k] = _number(v, f"platform.{k}", what, maximum=3600)
    lt = _mapping(top.get("latency", {}), "latency", what, LATENCY_DOCS)
    if "model" in lt and lt["model"] != "mm1":
        raise InputError(what, f"key latency.model: {show(lt['model'])}", "mm1")
    services = top.get("services", {})
    _mapping(services, "services", what, {s: "" for s in SERVICE_DEFAULTS})
    prof["services"] = {name: _check_service(v, f"services.{name}", what) for name, v in services.items()}
    prof["defaults"] = {**SERVICE_COMMON, **_check_service(top.get("defaults", {}), "defaults", what)}
    return prof


def _start(value: Any, what: str) -> Optional[str]:
    from datetime import datetime

    if value is None:
        return None
    allowed = "an ISO 8601 time such as 2026-11-30T09:00:00Z, or null"
    if isinstance(value, datetime):   # YAML reads an unquoted timestamp as a datetime
        value = value.isoformat()
    if not isinstance(value, str):
        raise InputError(what, f"key load.start: {show(value)} is not a time", allowed)
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(what, f"key load.start: {show(value)} is not a time", allowed) from None
    return value


def load_profile(path: Optional[str]) -> Profile:
    """The profile of ``--profile FILE`` (YAML or JSON), or the default profile when ``path`` is None."""
    if path is None:
        return default_profile()
    what = f"--profile {show(path, 120)}"
    if not str(path).strip():
        raise InputError("--profile", "empty path", "a YAML or JSON profile file")
    p = Path(path)
    if p.suffix.lower() == ".json":
        from ..jsonfile import read_json

        return validate(read_json(p, what, max_bytes=MAX_PROFILE_BYTES), what)
    import yaml

    if not p.exists():
        raise InputError(what, "no such file", "an existing YAML or JSON file")
    if p.is_dir():
        raise InputError(what, "is a directory", "a YAML or JSON file")
    if p.stat().st_size > MAX_PROFILE_BYTES:
        raise InputError(what, f"is {p.stat().st_size:,} bytes", f"at most {MAX_PROFILE_BYTES:,} bytes")
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise InputError(what, "is not UTF-8 text", "a UTF-8 YAML or JSON file") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise InputError(what, f"is not valid YAML{where}", "a YAML mapping of load, platform, latency, services, "
                                                          "defaults") from None
    return validate(doc, what)
