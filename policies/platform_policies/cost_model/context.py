"""The state of one estimate: the resource graph, catalog and usage, and the cost lines it collects.

Pricers (``pricers/``) read the graph through it and write lines with :meth:`EstimateContext.add`.
"""

from __future__ import annotations

from typing import Optional

from .catalog import Catalog
from .resources import Res, num, tags_of


class EstimateContext:
    """One estimate in progress: the graph (by URN, by parent), catalog, usage, and what it found."""

    def __init__(self, resources: list[Res], catalog: Catalog, usage: dict):
        self.resources = resources
        self.by_urn = {r.urn: r for r in resources}
        self.children: dict[str, list[Res]] = {}
        for r in resources:
            if r.parent:
                self.children.setdefault(r.parent, []).append(r)
        self.cat = catalog
        self.usage = usage
        self.hours = catalog.hours_per_month
        self.lines: list[dict] = []
        self.unpriced: list[dict] = []
        self.assumptions: list[str] = []
        self.free: dict[str, int] = {}
        self.nat_seen = False
        self.vpce_seen = False
        self.scheduled: set[str] = set()
        self.sched_hours = self.hours
        self.sched_desc = ""

    # -- attribution
    def tier_service(self, r: Res) -> tuple[str, str]:
        tags = tags_of(r.inputs)
        tier, service = tags.get("tier"), tags.get("service")
        cur = self.by_urn.get(r.parent) if r.parent else None
        seen = 0
        while cur is not None and seen < 50 and (tier is None or service is None):
            ptags = tags_of(cur.inputs)
            tier = tier or ptags.get("tier")
            service = service or ptags.get("service")
            if tier is None and cur.type.startswith("platform:"):
                parts = cur.type.split(":")
                if len(parts) >= 3:
                    tier = parts[1]
            cur = self.by_urn.get(cur.parent) if cur.parent else None
            seen += 1
        return tier or "unassigned", service or "platform"

    def descendants(self, urn: str) -> list[Res]:
        out, stack = [], list(self.children.get(urn, []))
        while stack:
            c = stack.pop()
            out.append(c)
            stack.extend(self.children.get(c.urn, []))
        return out

    def use(self, section: str, key: str) -> float:
        """A number of the usage profile (``usage[section][key]``), 0 when not given."""
        return num((self.usage.get(section) or {}).get(key), 0) or 0

    def million_requests(self) -> float:
        """Requests a month of the usage profile, in millions."""
        return (num(self.usage.get("requestsPerMonth"), 0) or 0) / 1e6

    def count_free(self, label: str) -> None:
        self.free[label] = self.free.get(label, 0) + 1

    def assume(self, text: str) -> None:
        if text not in self.assumptions:
            self.assumptions.append(text)

    # -- lines
    def add(self, r: Res, component: str, quantity: float, unit: str, key: str, kind: str = "baseline",
            attrs: Optional[dict] = None, resource: Optional[str] = None,
            type_: Optional[str] = None) -> Optional[dict]:
        """One cost line of ``r``; ``resource``/``type_`` name the child it stands for (awsx under mocks)."""
        price = self.cat.get(key)
        if price is None:
            self.unpriced.append({"type": r.type, "resource": resource or r.name, "urn": r.urn,
                                  "reason": f"{component}: no price '{key}' in the {self.cat.region} catalog"})
            return None
        tier, service = self.tier_service(r)
        unit_price = float(price["usd"])
        line = {"tier": tier, "service": service, "resource": resource or r.name, "urn": r.urn,
                "type": type_ or r.type,
                "component": component, "quantity": quantity, "unit": unit, "unit_price": unit_price,
                "monthly_usd": quantity * unit_price, "kind": kind, "price_key": key,
                "attrs": attrs or {}}
        self.lines.append(line)
        return line

    def not_priced(self, r: Res, reason: str) -> None:
        self.unpriced.append({"type": r.type, "resource": r.name, "urn": r.urn, "reason": reason})
