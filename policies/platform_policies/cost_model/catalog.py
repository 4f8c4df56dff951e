"""The dated price catalog of a region (``policies/pricing/<region>.json``).

The catalog is found relative to this package, so the policy pack (which runs without
the Pulumi program) and ``preflight`` read the same file.
"""

from __future__ import annotations

import json
import os
from typing import Optional

PRICING_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "pricing")
DEFAULT_REGION = "us-east-1"


class Catalog:
    """The dated price catalog of one region."""

    def __init__(self, region: str = DEFAULT_REGION, pricing_dir: str = PRICING_DIR):
        self.requested_region = region
        self.warnings: list[str] = []
        path = os.path.join(pricing_dir, f"{region}.json")
        if not os.path.exists(path):
            self.warnings.append(f"no price catalog for {region}; prices are {DEFAULT_REGION} list prices")
            path = os.path.join(pricing_dir, f"{DEFAULT_REGION}.json")
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        self.region = data["region"]
        self.date = data.get("catalogDate", "")
        self.hours_per_month = float(data.get("hoursPerMonth", 730))
        self.prices: dict[str, dict] = data["prices"]
        self.facts: dict[str, dict] = data.get("facts", {})

    def get(self, key: str) -> Optional[dict]:
        """The price entry of ``key``; None when missing or when AWS does not offer it (notOffered)."""
        p = self.prices.get(key)
        return None if p is None or p.get("notOffered") else p

    def not_offered(self, key: str) -> Optional[str]:
        """Why AWS does not sell ``key`` (the entry's source), None when it is not marked notOffered."""
        p = self.prices.get(key)
        return p.get("source", "not offered") if p and p.get("notOffered") else None

    def usd(self, key: str) -> Optional[float]:
        p = self.get(key)
        return None if p is None else float(p["usd"])

    def fact(self, key: str) -> float:
        """A billing rule or structure figure of the catalog's ``facts`` (KeyError when missing: a
        pricer that needs one cannot guess it)."""
        return float(self.facts[key]["value"])


_CATALOGS: dict[str, Catalog] = {}


def load_catalog(region: str = DEFAULT_REGION) -> Catalog:
    if region not in _CATALOGS:
        _CATALOGS[region] = Catalog(region)
    return _CATALOGS[region]
