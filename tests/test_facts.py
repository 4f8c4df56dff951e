"""The facts the program and the pack share live once, in platform_policies.facts.

A fact copied into a second module drifts; this test finds a copy by a value only that table holds."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FACTS = ROOT / "policies" / "platform_policies" / "facts"

# One value each table holds and nothing else should: finding it outside facts/ means a copy.
MARKERS = {
    "ELB log-delivery accounts": '"127311923021"',
    "Fargate sizes": "tuple(range(32768, 122880 + 1, 8192))",
    "log retention values": "2557, 2922, 3288, 3653",
    "load-test tags": '"load-test-tasks-per-run"',
    "shared API Gateway role tag": '"api-gateway-account-role"',
    "documentation accounts": '"111122223333", "444455556666"',
    "partition lookup": 'return "aws-us-gov"',
    "zone IDs tag": '"availability-zone-ids"',
    "zone IDs per region": '"use1-az1", "use1-az2", "use1-az3"',
    "Amazon MQ client ports": "61617, 5671, 61614, 8883, 61619",
}


def _sources() -> list[Path]:
    skip = {"venv", "tests", "__pycache__", ".git", "build"}
    return [p for p in ROOT.rglob("*.py")
            if not skip & set(p.relative_to(ROOT).parts) and FACTS not in p.parents]


@pytest.mark.parametrize("fact", sorted(MARKERS))
def test_a_shared_fact_is_defined_once(fact):
    marker = MARKERS[fact]
    assert any(marker in p.read_text() for p in FACTS.glob("*.py")), f"{fact}: marker not in facts/"
    copies = [str(p.relative_to(ROOT)) for p in _sources() if marker in p.read_text()]
    assert copies == [], f"{fact} copied outside platform_policies/facts: {copies}"
