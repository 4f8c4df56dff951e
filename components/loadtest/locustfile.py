"""Locust test plan of the platform's load test: every public service's route, round robin.

This file runs inside the official Locust image (master and workers), not in the Pulumi program:
it imports only Locust and the standard library.  The routes come from the environment, where the
program puts the list it derives from the same settings the ALB's path rules are built from
(components/loadtest/routes.py), so the plan follows the routing without an edit here:

* ``LOAD_TEST_ROUTES``: JSON list of ``{"service": name, "path": request path}``;
* ``LOAD_TEST_WAIT_MIN`` / ``LOAD_TEST_WAIT_MAX``: seconds a user waits between requests
  (default 1 and 5).

Each user walks the routes in turn from a random starting point, so every route gets an equal
share of the load and a run of N requests from one user covers every route once N >= the route
count.  A response counts as a failure when Locust's default says so (status 400 or above, or no
response).  Requests are named after their service, so the results list one row per service.
"""

from __future__ import annotations

import json
import os
import random

from locust import FastHttpUser, between, task

ROUTES_ENV = "LOAD_TEST_ROUTES"


def load_routes(text: str | None) -> list[dict[str, str]]:
    """The routes of ``LOAD_TEST_ROUTES``; a clear error instead of a run that requests nothing."""
    routes = json.loads(text or "[]")
    if not isinstance(routes, list) or not routes or not all(
            isinstance(r, dict) and isinstance(r.get("service"), str) and str(r.get("path", "")).startswith("/")
            for r in routes):
        raise SystemExit(f"{ROUTES_ENV} must be a JSON list of {{'service': ..., 'path': '/...'}}; got {text!r}")
    return routes


ROUTES = load_routes(os.environ.get(ROUTES_ENV))
WAIT_MIN = float(os.environ.get("LOAD_TEST_WAIT_MIN", "1"))
WAIT_MAX = float(os.environ.get("LOAD_TEST_WAIT_MAX", "5"))


class PlatformUser(FastHttpUser):
    """One simulated client of the public entry (``--host``: the CloudFront URL)."""

    wait_time = between(WAIT_MIN, WAIT_MAX)

    def on_start(self) -> None:
        self._next = random.randrange(len(ROUTES))

    @task
    def next_route(self) -> None:
        route = ROUTES[self._next]
        self._next = (self._next + 1) % len(ROUTES)
        self.client.get(route["path"], name=route["service"])
