"""Policy pack entry point: `pulumi preview --policy-pack policies` runs this file.

The rules live in ``platform_policies`` (``rules/<service>.py``, one module per AWS
service; docs/policies.md) so tests and the preflight cost report import them
without starting the gRPC server this file starts.
"""

import gc

from pulumi_policy import EnforcementLevel, PolicyPack

from platform_policies import all_policies, one_conversion

one_conversion.install()  # each request's properties converted once, not once per policy
POLICIES = all_policies()
# The rules, the SDK and the price catalog live as long as the process: freeze them so the
# collector's full passes do not walk them again and again; what each request makes is freed by
# reference counting.
gc.collect()
gc.freeze()
gc.set_threshold(10_000, 20, 20)

PolicyPack(
    name="microservices-platform-guardrails",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=POLICIES,
)
