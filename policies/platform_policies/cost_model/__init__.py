"""The one cost model of the platform (budget policy, cost advice and `preflight cost`).

Input: a list of :class:`Res` (type, name, urn, parent, inputs with engine camelCase
property names).  Two adapters build that list: :func:`from_plan` (preflight's plan
JSON) and :func:`from_policy_resources` (``StackValidationArgs.resources`` under the
real engine).  Output of :func:`estimate`: a JSON-able dict with one line per cost
component (tier, service, resource, quantity, unit, unit price, monthly USD,
kind baseline|usage), totals, the types nothing could price ("unpriced", never a
silent $0), the types known to be free, and the assumptions used.

Rules:
* monthly = hourly price x hours; hours = catalog ``hoursPerMonth`` (730), or
  ``schedule.hoursPerDay x schedule.daysPerMonth`` of the usage profile for an ECS
  service that an Application Auto Scaling scheduled action scales to 0.
* Prices come only from the dated catalog ``policies/pricing/<region>.json``
  (loaded relative to this package); a missing price is reported as unpriced.
* Usage-driven parts (requests, stored GB, processed GB ...) come from a usage
  profile (:data:`DEFAULT_USAGE`, overridden per stack) and are ``kind: usage``.
* The remote ``awsx:ec2:Vpc`` is priced from its inputs (NAT gateways, their
  Elastic IPs, interface endpoints) only when it has no children at all (mocks);
  under the real engine its children are priced and the inputs are ignored, so
  mocks and the real engine give one total and nothing is counted twice.

This package must not import the program (``components/``): the policy pack runs it
standalone.  Standard library only.

Layout: ``catalog`` (prices), ``usage`` (usage profile), ``resources`` (the resource
view and its adapters), ``context`` and ``registry`` (an estimate in progress, which
type is priced by which pricer, which types are free), ``pricers/`` (one module per
tier), ``estimate`` (lines, totals, top drivers), ``budget`` (verdict against a cap)
and ``advice`` (savings).
"""

from __future__ import annotations

from .catalog import DEFAULT_REGION, PRICING_DIR, Catalog, load_catalog
from .registry import FREE_TYPES, PRICERS
from .resources import Res, from_plan, from_policy_resources, infer_region
from .usage import DEFAULT_USAGE, merge_usage
# The functions are imported last: each rebinds the package attribute that the import
# of its same-named submodule (``estimate``, ``advice``) had set to the module.
from .budget import budget_message, budget_verdict
from .estimate import estimate, top_drivers
from .advice import advice

__all__ = ["Res", "from_plan", "from_policy_resources", "infer_region", "Catalog", "load_catalog", "estimate",
           "merge_usage", "top_drivers", "budget_verdict", "budget_message", "advice", "DEFAULT_USAGE",
           "FREE_TYPES", "PRICERS", "DEFAULT_REGION", "PRICING_DIR"]
