"""Policy pack entry point: `pulumi preview --policy-pack policies` runs this file.

The rules live in ``platform_policies`` (``rules/<service>.py``, one module per AWS
service; docs/policies.md) so tests and the preflight cost report import them
without starting the gRPC server this file starts.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pulumi_policy import EnforcementLevel, PolicyPack  # noqa: E402

from platform_policies import all_policies  # noqa: E402

PolicyPack(
    name="microservices-platform-guardrails",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=all_policies(),
)
