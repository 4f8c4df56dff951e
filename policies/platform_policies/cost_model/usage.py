"""The usage profile: how much a stack is used (requests, stored GB, processed GB ...).

Usage-driven cost lines (``kind: usage``) take their quantities from here, and each names the
keys it used.  A stack's profile is ``policies/usage/<stack>.json``: the one copy, read by the
budget policies under the real engine (the stack name comes from the resources' URNs; the
policy option ``usage`` may still override it) and by ``preflight cost``.  Keys a profile leaves
out take :data:`DEFAULT_USAGE`.  Scheduled hours are not usage: they come from the plan.
"""

from __future__ import annotations

import copy
import json
import os
import re
from typing import Any, Iterable, Mapping, Optional

USAGE_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "usage")

# Usage assumptions when a stack gives none: the seed's figures (10M requests a month, 100 GB per
# database, 50 GB EFS) plus explicit guesses for the rest.
DEFAULT_USAGE: dict[str, Any] = {
    "requestsPerMonth": 10_000_000,
    "database": {"dataGbPerInstance": 100},
    "efs": {"storedGbPerFileSystem": 50, "readGbPerMonth": 0, "writeGbPerMonth": 0},
    "mq": {"storedGbPerBroker": 5},
    "alb": {"lcuPerHour": 1.0},
    "nat": {"processedGbPerMonth": 100},
    "vpcEndpoints": {"processedGbPerMonth": 50},
    "cloudfront": {"dataTransferOutGbPerMonth": 100},
    "logs": {"ingestGbPerLogGroup": 2},
    "xray": {"sampledFraction": 0.05},
    "cloudwatch": {"customMetrics": 0},
    "ecr": {"storedGbPerRepository": 1},
    "s3": {"storedGbPerBucket": 5},
    "codepipeline": {"actionMinutesPerPipeline": 300},
    "codebuild": {"buildMinutesPerProject": 100},
    "privateCa": {"certificatesPerMonth": 150},
    "fis": {"actionMinutesPerMonth": 0},
    # Load test runs a month (loadTest.enabled; each as long as loadTest.runMinutes plus its start).
    "loadTest": {"runsPerMonth": 4},
}

_URN_STACK = re.compile(r"^urn:pulumi:([^:]+)::")


def merge_usage(*profiles: Optional[Mapping[str, Any]]) -> dict:
    """Deep-merge usage profiles over :data:`DEFAULT_USAGE` (later wins); ``_``-keys are comments."""
    out = copy.deepcopy(DEFAULT_USAGE)
    for prof in profiles:
        for k, v in (prof or {}).items():
            if k.startswith("_"):
                continue
            if isinstance(v, Mapping) and isinstance(out.get(k), dict):
                out[k] = {**out[k], **dict(v)}
            else:
                out[k] = copy.deepcopy(v)
    return out


def given_keys(profile: Optional[Mapping[str, Any]]) -> set[str]:
    """The ``section.key`` names a profile sets itself (the rest are defaults)."""
    out: set[str] = set()
    for k, v in (profile or {}).items():
        if k.startswith("_"):
            continue
        if isinstance(v, Mapping):
            out.update(f"{k}.{kk}" for kk in v)
        else:
            out.add(k)
    return out


def stack_of(urns: Iterable[str]) -> Optional[str]:
    """The stack name in the resources' URNs (``urn:pulumi:<stack>::<project>::...``)."""
    for urn in urns:
        m = _URN_STACK.match(str(urn or ""))
        if m:
            return m.group(1)
    return None


def load_stack_usage(stack: Optional[str], usage_dir: str = USAGE_DIR) -> Optional[dict]:
    """``policies/usage/<stack>.json`` without its comment keys, None when the stack has none."""
    if not stack or not re.fullmatch(r"[A-Za-z0-9_.-]+", stack):
        return None
    path = os.path.join(usage_dir, f"{stack}.json")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return {k: v for k, v in data.items() if not k.startswith("_")}
