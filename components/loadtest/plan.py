"""What the load test runs, as plain values (no Pulumi here, so tests read it directly): the routes
(one request path per public service, its ALB path pattern made concrete, so the plan cannot drift
from the routing), the Locust command lines and the master's and a worker's container.

The locustfile travels in an environment variable and the container writes it to the Locust
user's home: no image build, and a change to it is a new task definition revision (about 2 KB of
the 64 KiB a task definition may hold: ECS API reference, RegisterTaskDefinition, read 2026-11).
The root file system therefore stays writable: Fargate's bind mounts are "set to 0755 and the
owner as root" (ECS developer guide, "Use bind mounts with Amazon ECS", read 2026-11;
aws/containers-roadmap#938), which the image's non-root ``locust`` user cannot write to.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from ..compute.containers import log_config
from ..edge.routing import CATCH_ALL_PATH, DEFAULT_ROUTE_PATHS

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
MASTER_PORT = 5557                 # Locust's default --master-bind-port / --master-port
MASTER_DNS_NAME = "locust-master"  # Service Connect name the workers dial
MASTER_CONTAINER = "locust-master"
WORKER_CONTAINER = "locust-worker"
PORT_NAME = "locust"
ARCHITECTURE = "ARM64"  # the official image is published for arm64 too (locustio/locust#1889)
LOCUST_USER = "locust"  # the image's non-root user (its Dockerfile: useradd locust; USER locust)
HOME = "/home/locust"
RESULTS_PREFIX = f"{HOME}/results/locust"
# The master waits this long for its workers before giving up (a run that never starts must end).
EXPECT_WORKERS_MAX_WAIT_SECONDS = 600
# After the run the master prints its CSV results to the log, then idles: the ECS service keeps
# one master task, and an exiting one would be replaced and start a second run.  `aws ecs
# update-service --desired-count 0` ends it (docs/load-test.md).
RESULT_FILES = ("stats", "failures", "exceptions")


@dataclass(frozen=True)
class LoadRun:
    """One run: the image, the users, how long, and the routes they request."""

    image: str
    """Locust image of master and workers."""
    paths: Mapping[str, str]
    """Public service -> its ALB path pattern; each is one route the users request, in order."""
    users: int = 10000
    """Concurrent simulated users."""
    spawn_rate: float = 100.0
    """Users started per second until ``users`` run."""
    run_minutes: int = 30
    """Length of the run; the master stops the test after it."""
    workers: int = 5
    """Worker tasks; the master waits for all of them."""


def request_path(pattern: str) -> str:
    """A concrete path the ALB routes by ``pattern``: ``/users/*`` -> ``/users``, the default
    route -> ``/``, other wildcards filled with ``x``."""
    path = CATCH_ALL_PATH if pattern in DEFAULT_ROUTE_PATHS else pattern
    if path.endswith("/*"):
        path = path[:-2] or "/"
    return path.replace("*", "x").replace("?", "x") or "/"


def routes(paths: Mapping[str, str]) -> list[dict[str, str]]:
    """One route per public service (service -> ALB path pattern), in order: ``{"service", "path"}``."""
    return [{"service": name, "path": request_path(path)} for name, path in paths.items()]


def _locust(*args: str) -> str:
    return " ".join(["locust", "-f", f"{HOME}/locustfile.py", *args])


def master_command(lr: LoadRun, target_url: str) -> str:
    """The master's shell command: headless, waits for every worker, stops after the run's minutes."""
    run = _locust("--master", "--headless", f"--master-bind-port {MASTER_PORT}",
                  f"--users {lr.users}", f"--spawn-rate {lr.spawn_rate:g}", f"--run-time {lr.run_minutes}m",
                  f"--expect-workers {lr.workers}",
                  f"--expect-workers-max-wait {EXPECT_WORKERS_MAX_WAIT_SECONDS}",
                  f"--host {target_url}", f"--csv {RESULTS_PREFIX}", "--only-summary")
    show = " ".join(f"echo '== {f}.csv'; cat {RESULTS_PREFIX}_{f}.csv;" for f in RESULT_FILES)
    return (f"{_write_locustfile()} && mkdir -p {HOME}/results && {run}; status=$?; {show} "
            f"echo \"== load test finished (locust exit $status); scale the services to 0\"; "
            f"exec sleep infinity")


def worker_command() -> str:
    """A worker's shell command: connects to the master through Service Connect."""
    return (f"{_write_locustfile()} && exec "
            + _locust("--worker", f"--master-host {MASTER_DNS_NAME}", f"--master-port {MASTER_PORT}"))


def _write_locustfile() -> str:
    return (f"python -c \"import os; open('{HOME}/locustfile.py', 'w').write(os.environ['LOCUSTFILE'])\"")


def _container(name: str, image: str, command: str, environment: dict[str, str], log_group: str,
               region: str, ports: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "name": name,
        "image": image,
        "essential": True,
        "user": LOCUST_USER,
        "entryPoint": ["sh", "-c"],
        "command": [command],
        "environment": [{"name": k, "value": v} for k, v in sorted(environment.items())],
        "portMappings": ports,
        "logConfiguration": log_config(log_group, region, name),
        "linuxParameters": {"initProcessEnabled": True},
    }


def environment(lr: LoadRun) -> dict[str, str]:
    return {"LOCUSTFILE": LOCUSTFILE.read_text(), "LOAD_TEST_ROUTES": json.dumps(routes(lr.paths)),
            "PYTHONDONTWRITEBYTECODE": "1"}


def master_container(lr: LoadRun, target_url: str, log_group: str, region: str) -> dict[str, Any]:
    ports = [{"name": PORT_NAME, "containerPort": MASTER_PORT, "protocol": "tcp"}]
    return _container(MASTER_CONTAINER, lr.image, master_command(lr, target_url), environment(lr), log_group,
                      region, ports)


def worker_container(lr: LoadRun, log_group: str, region: str) -> dict[str, Any]:
    return _container(WORKER_CONTAINER, lr.image, worker_command(), environment(lr), log_group, region, [])


__all__ = ["LoadRun", "routes", "request_path", "master_command", "worker_command", "master_container", "worker_container",
           "MASTER_PORT", "MASTER_DNS_NAME", "ARCHITECTURE"]
