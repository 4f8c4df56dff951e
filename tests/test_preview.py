"""Preview mode: the program as a first `pulumi preview` of a new stack shows it to the pack.

Every id, ARN and value built from them is unknown there.  The mandatory verdicts must not change
(`pulumi up` previews first and stops on a mandatory violation; a rule silent in the preview lets
the mistake through to halfway into the update), and no input may be unknown in the preview but
absent in the full run (an output the mocks never return).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pulumi
import pulumi_aws as aws
import pytest

from conftest import ROOT, plan_for, preview_plan_for, run_mocked, shared_plan, shared_verdict
from preflight.mocks import UNKNOWN, PlatformMocks
from preflight.preview import mandatory_verdicts, mock_gaps

# the parity fixture below is module-wide: the module runs whole on one xdist worker
# (conftest.ONE_WORKER_MODULES)


def policy_config(stack: str):
    return ROOT / "policies" / "config" / f"{stack}.json"


# ---- what the preview leaves unknown --------------------------------------------------------------

def test_preview_plan_has_unknown_ids_and_arns_but_known_names():
    full, preview = plan_for("prod"), preview_plan_for("prod")
    assert preview["preview"] is True and full["preview"] is False
    assert {r["urn"] for r in preview["resources"]} == {r["urn"] for r in full["resources"]}
    by_name = {r["name"]: r for r in preview["resources"]}
    assert by_name["observability-alarm-key-alias"]["inputs"]["targetKeyId"] == UNKNOWN
    assert by_name["messaging-kafka-cluster"]["inputs"]["brokerNodeGroupInfo"]["clientSubnets"] == UNKNOWN
    assert not any(r["id"] for r in preview["resources"] if r["custom"]), "no resource has an id yet"
    # what the provider's Check fills in (auto-names) is known already
    assert by_name["data-cache-group"]["inputs"]["replicationGroupId"] == "prod-inventory-cache"
    assert preview["outputs"]["vpc_id"] == UNKNOWN and preview["outputs"]["region"] == "us-east-1"


# ---- mock gaps ------------------------------------------------------------------------------------

@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_mocks_return_every_output_the_program_reads(stack):
    assert mock_gaps(plan_for(stack), preview_plan_for(stack)) == []


class KeyIdLessMocks(PlatformMocks):
    """The mocks as they were: a KMS key without keyId."""

    def new_resource(self, args):
        rid, state = super().new_resource(args)
        if args.typ == "aws:kms/key:Key":
            state.pop("keyId", None)
        return rid, state


def _key_and_alias():
    key = aws.kms.Key("k", description="k")
    aws.kms.Alias("k-alias", name="alias/k", target_key_id=key.key_id)
    return {"key_id": key.key_id}


def _plan(preview: bool, mocks_class) -> dict:
    graph = run_mocked(_key_and_alias, preview=preview, mocks=mocks_class(preview=preview))
    return {"resources": graph.resources, "outputs": graph.outputs}


def test_a_missing_mock_output_is_found():
    gaps = mock_gaps(_plan(False, KeyIdLessMocks), _plan(True, KeyIdLessMocks))
    assert [(urn.split("::")[-1], path) for urn, path in gaps] == [("k-alias", "targetKeyId"),
                                                                    ("stack outputs", "key_id")]
    assert mock_gaps(_plan(False, PlatformMocks), _plan(True, PlatformMocks)) == []


# ---- verdict parity -------------------------------------------------------------------------------

# Configurations that break mandatory rules (several at once where they do not interfere).
MUTATIONS = [
    ("prod", ()),
    ("dev", ()),
    ("prod", ("multiAz.database=false", "multiAz.cache=false", "multiAz.broker=false",
              "multiAz.natGatewayPerAz=false", "database.instanceClass=db.r6g.16xlarge",
              "cache.nodeType=cache.r7g.4xlarge", "mq.hostType=mq.m5.4xlarge")),
    # azCount=2: the subnet ids come from the VPC and are unknown in the preview, so msk-multi-az
    # decides from the VPC's AZs (4 brokers alone would pass)
    ("prod", ("azCount=2", "kafka.brokersPerAz=2", "scaling.desiredCount=1", "scaling.minCount=1",
              "deletionProtection=false", "database.backupRetentionDays=1", "database.allocatedStorageGb=2000",
              "database.maxAllocatedStorageGb=4000")),
    ("dev", ("kafka.brokersPerAz=4", "kafka.brokerType=kafka.m7g.4xlarge", "database.instanceClass=db.r6g.large")),
]


def _verdicts(case):
    stack, sets = case
    out = {}
    for preview in (False, True):
        # plans and verdicts are shared with the other tests of the session (the committed stacks'
        # with test_awsx_equivalence and the CLI runs of test_preflight)
        plan = shared_plan(stack, sets, preview=preview)
        result = shared_verdict(plan, policy_config(stack))
        out[preview] = (mandatory_verdicts(result["violations"]),
                        [v["policy"] for v in result["violations"] if "can't run policy" in v["message"]])
    return out


@pytest.fixture(scope="module")
def parity():
    with ThreadPoolExecutor(max_workers=2) as pool:  # each run is a child process; two at a time
        return dict(zip(MUTATIONS, pool.map(_verdicts, MUTATIONS)))


@pytest.mark.parametrize("case", MUTATIONS, ids=lambda c: f"{c[0]}:{','.join(c[1]) or 'committed'}")
def test_mandatory_verdicts_are_the_same_in_a_first_preview(parity, case):
    full, preview = parity[case][False], parity[case][True]
    assert preview[0] == full[0], {"only in the full run": full[0] - preview[0],
                                   "only in the preview": preview[0] - full[0]}
    assert preview[1] == [], "no policy gave up on an unknown value"
    if case[1]:
        assert full[0], "the mutation breaks at least one mandatory rule"


def test_check_preview_on_the_command_line(tmp_path):
    import json
    import subprocess
    import sys

    out = tmp_path / "dev.json"
    preview_plan_for("dev")   # recorded once per test run: the CLI is served it from the plan cache
    proc = subprocess.run([sys.executable, "-m", "preflight", "check", "--preview", "--stack", "dev", "--json", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "preflight: stack dev: passed" in proc.stdout and "can't run policy" not in proc.stdout
    result = json.loads(out.read_text())
    assert result["outputs"]["vpc_id"] == UNKNOWN, "judged as a first preview sees the stack"
