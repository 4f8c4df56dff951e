"""The budget verdict of an estimate against a monthly cap, and the message the budget policies show."""

from __future__ import annotations

from typing import Any, Mapping, Optional

from .estimate import top_drivers


def budget_verdict(total_usd: float, max_usd: float, warn_at_percent: float = 80.0) -> Optional[str]:
    """None (fine), "warn" (>= warn threshold) or "over" (> cap)."""
    if max_usd is None or max_usd <= 0:
        return None
    if total_usd > max_usd:
        return "over"
    if total_usd >= max_usd * warn_at_percent / 100.0:
        return "warn"
    return None


def budget_message(est: Mapping[str, Any], max_usd: float, warn_at_percent: float = 80.0) -> str:
    """Total, share of the cap, top cost drivers, what is not priced and the catalog used."""
    t = est["totals"]
    pct = 100.0 * t["total_usd"] / max_usd if max_usd else 0.0
    drivers = "; ".join(f"{d['resource']} ({d['type']}, {d['tier']}) ${d['monthly_usd']:,.2f}"
                        for d in top_drivers(est, 5))
    msg = (f"Estimated monthly cost ${t['total_usd']:,.2f} (baseline ${t['baseline_usd']:,.2f} + usage "
           f"${t['usage_usd']:,.2f}) is {pct:.1f}% of the cap ${max_usd:,.2f} (warn at {warn_at_percent:g}%). "
           f"Top cost drivers: {drivers}.")
    if est.get("unpriced_types"):
        msg += " Not priced: " + ", ".join(f"{k} x{v}" for k, v in sorted(est["unpriced_types"].items())) + "."
    msg += f" Prices: {est['region']} catalog {est['catalog_date']}."
    return msg
