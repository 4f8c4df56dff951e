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
        # ECS service URN -> its capacity (tasks expected / at peak, hours a month), see capacity.py
        self.capacity: dict[str, object] = {}
        # usage keys the pricers read ("section.key" -> value), in the order first read
        self.usage_read: dict[str, float] = {}

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

    def of_type(self, type_: str) -> list[Res]:
        return [r for r in self.resources if r.type == type_]

    def built_from(self, r: Res, prop: Optional[str], type_: str) -> Optional[Res]:
        """The first resource of ``type_`` that ``r``'s input ``prop`` was built from (its property
        dependency; ``prop`` None: any dependency of ``r``), None when there is none in the graph."""
        urns = r.property_dependencies.get(prop, []) if prop is not None else r.dependencies
        return next((d for d in map(self.by_urn.get, urns) if d is not None and d.type == type_), None)

    # -- usage
    def use(self, section: str, key: Optional[str] = None) -> float:
        """A number of the usage profile (``usage[section][key]``, or ``usage[section]`` without key),
        0 when not given.  Every key read is recorded: the estimate lists them all as assumptions."""
        raw = self.usage.get(section) if key is None else (self.usage.get(section) or {}).get(key)
        value = num(raw, 0) or 0.0
        self.usage_read.setdefault(self.usage_key(section, key), value)
        return value

    @staticmethod
    def usage_key(section: str, key: Optional[str] = None) -> str:
        return section if key is None else f"{section}.{key}"

    def million_requests(self) -> float:
        """Requests a month of the usage profile, in millions."""
        return self.use("requestsPerMonth") / 1e6

    def count_free(self, label: str) -> None:
        self.free[label] = self.free.get(label, 0) + 1

    def assume(self, text: str) -> None:
        if text not in self.assumptions:
            self.assumptions.append(text)

    # -- lines
    def add(self, r: Res, component: str, quantity: float, unit: str, key: str, kind: str = "baseline",
            attrs: Optional[dict] = None, resource: Optional[str] = None, type_: Optional[str] = None,
            peak: Optional[float] = None, factor: float = 1.0, rule: str = "",
            usage: Optional[dict] = None, basis: str = "") -> Optional[dict]:
        """One cost line of ``r``; ``resource``/``type_`` name the child it stands for (awsx under mocks).

        ``peak``: the quantity with every scalable target at its maximum and storage at its
        autoscaling ceiling (default: ``quantity``).  ``factor``/``rule``: an AWS pricing rule
        applied to the catalog price (Valkey = 0.8 x Redis OSS).  ``usage``: the usage keys and
        values a ``kind="usage"`` line is computed from (required there).  ``basis``: how the
        quantity was derived when not from usage (e.g. the schedule).
        """
        if kind == "usage" and not usage:
            raise ValueError(f"usage line '{component}' must name the usage keys it is computed from")
        price = self.cat.get(key)
        if price is None:
            why = self.cat.not_offered(key)
            reason = (f"{component}: not offered by AWS ({why})" if why else
                      f"{component}: no price '{key}' in the {self.cat.region} catalog")
            self.unpriced.append({"type": r.type, "resource": resource or r.name, "urn": r.urn, "reason": reason})
            return None
        tier, service = self.tier_service(r)
        unit_price = float(price["usd"]) * factor
        peak_q = quantity if peak is None else peak
        line = {"tier": tier, "service": service, "resource": resource or r.name, "urn": r.urn,
                "type": type_ or r.type,
                "component": component, "quantity": quantity, "unit": unit, "unit_price": unit_price,
                "monthly_usd": quantity * unit_price, "peak_quantity": peak_q, "peak_usd": peak_q * unit_price,
                "kind": kind, "price_key": key, "price_rule": rule, "usage": dict(usage or {}),
                "basis": basis, "attrs": attrs or {}}
        self.lines.append(line)
        return line

    def not_priced(self, r: Res, reason: str) -> None:
        self.unpriced.append({"type": r.type, "resource": r.name, "urn": r.urn, "reason": reason})
