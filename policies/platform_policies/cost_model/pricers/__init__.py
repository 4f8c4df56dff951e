"""One module of pricers per tier; importing this package loads every module in it, and so registers
every pricer in ``cost_model.priced.PRICERS`` (the estimate imports it, so no pricer can be missed)."""

from __future__ import annotations

from ...registry import load_package

load_package(__name__)
