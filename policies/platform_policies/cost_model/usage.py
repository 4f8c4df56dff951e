"""The usage profile: how much a stack is used (requests, stored GB, schedule hours ...).

Usage-driven cost lines (``kind: usage``) take their quantities from here.
"""

from __future__ import annotations

import copy
from typing import Any, Mapping, Optional

# Usage assumptions when a stack gives none: the seed's figures (10M requests a
# month, 100 GB per database, 50 GB EFS) plus explicit guesses for the rest.  The
# per-stack profiles live in preflight/usage/<stack>.json and in the budget
# policy's `usage` option of policies/config/<stack>.json.
DEFAULT_USAGE: dict[str, Any] = {
    "requestsPerMonth": 10_000_000,
    "schedule": {"hoursPerDay": 8, "daysPerMonth": 22},
    "database": {"dataGbPerInstance": 100},
    "efs": {"storedGbPerFileSystem": 50},
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
}


def merge_usage(*profiles: Optional[Mapping[str, Any]]) -> dict:
    """Deep-merge usage profiles over :data:`DEFAULT_USAGE` (later wins)."""
    out = copy.deepcopy(DEFAULT_USAGE)
    for prof in profiles:
        for k, v in (prof or {}).items():
            if isinstance(v, Mapping) and isinstance(out.get(k), dict):
                out[k] = {**out[k], **dict(v)}
            else:
                out[k] = copy.deepcopy(v)
    return out
