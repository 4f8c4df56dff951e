"""The one cost model of the platform (budget policy, cost advice and `preflight cost`).

Input: a list of :class:`Res` (type, name, urn, parent, inputs with engine camelCase
property names).  Two adapters build that list: :func:`from_plan` (preflight's plan
JSON) and :func:`from_policy_resources` (``StackValidationArgs.resources`` under the
real engine).  Output of :func:`estimate`: a JSON-able dict with one line per cost
component (tier, service, resource, quantity, unit, unit price, monthly USD, peak
quantity and USD, kind baseline|usage, the usage keys a usage line used), expected and
peak totals, the billable resources nothing could price ("unpriced", never a silent $0),
the types known to be free, and every assumption (each usage key with its value).

Rules:
* monthly = price x quantity; hours = catalog ``hoursPerMonth`` (730), or for an ECS
  service its scheduled hours, read from its scheduled actions' cron expressions
  (``schedule.py``); tasks = ``desiredCount`` inside its scalable target's range
  (``capacity.py``).
* peak = every scalable target at its maximum capacity (ECS tasks), storage at its
  autoscaling ceiling (RDS ``maxAllocatedStorage``, MSK storage target); usage as expected.
* Prices come only from the dated catalog ``policies/pricing/<region>.json`` (loaded
  relative to this package): Single-AZ / single-broker / Redis OSS base prices plus the
  AWS billing rules of its ``facts`` (Multi-AZ = 2 instances, active/standby = 2 brokers,
  Valkey = 0.8 x Redis OSS).  A missing price is reported as unpriced.
* Usage-driven parts come from the stack's usage profile ``policies/usage/<stack>.json``
  (over :data:`DEFAULT_USAGE`) and are ``kind: usage``.
* The remote ``awsx:ec2:Vpc`` is priced from its inputs (NAT gateways, their Elastic IPs,
  interface endpoints) only when it has no children at all (mocks); under the real engine
  its children are priced and the inputs are ignored, so mocks and the real engine give
  one total and nothing is counted twice.

This package must not import the program (``components/``): the policy pack runs it
standalone.  Standard library only.

Layout: ``catalog`` (prices, facts), ``usage`` (usage profiles), ``resources`` (the resource
view and its adapters), ``context`` and ``priced`` (an estimate in progress, which type is
priced by which pricer, which types are free), ``schedule`` and ``capacity`` (scheduled hours,
task counts, scalable-target peaks), ``pricers/`` (one module per tier), ``estimate`` (lines,
totals, assumptions, top drivers), ``budget`` (verdict against a cap) and ``advice`` (savings).
"""

from __future__ import annotations

from .catalog import DEFAULT_REGION, PRICING_DIR, Catalog, load_catalog
from .priced import FREE_TYPES, PRICERS
from .resources import Res, from_plan, from_policy_resources, infer_region
from .usage import DEFAULT_USAGE, load_stack_usage, merge_usage, stack_of
# The functions are imported last: each rebinds the package attribute that the import
# of its same-named submodule (``estimate``, ``advice``) had set to the module.
from .budget import CAP_ON, budget_message, budget_verdict, capped_total, unpriced_message
from .estimate import estimate, top_drivers
from .advice import advice

__all__ = ["Res", "from_plan", "from_policy_resources", "infer_region", "Catalog", "load_catalog", "estimate",
           "merge_usage", "load_stack_usage", "stack_of", "top_drivers", "budget_verdict", "budget_message",
           "capped_total", "unpriced_message", "CAP_ON", "advice", "DEFAULT_USAGE",
           "FREE_TYPES", "PRICERS", "DEFAULT_REGION", "PRICING_DIR"]
