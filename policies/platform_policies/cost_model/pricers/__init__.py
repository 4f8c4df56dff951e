"""One module of pricers per tier.  Importing this package registers every pricer in
``cost_model.registry.PRICERS``; the estimate imports it, so no pricer can be missed."""

from __future__ import annotations

from . import compute, data, delivery, dns, edge, messaging, network, observability, security

__all__ = ["compute", "data", "delivery", "dns", "edge", "messaging", "network", "observability", "security"]
