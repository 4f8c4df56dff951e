"""What the load test runs, as plain values (no Pulumi here, so tests read it directly).

* :func:`routes`: one request path per public service, derived from the same settings and
  path rules the ALB routes by (components/edge/routing.py), so the test plan cannot drift from
  the routing: the request path of a service is its ALB path pattern made concrete.
* :func:`master_command` / :func:`worker_command`: the Locust command lines.
* :func:`container_definitions`: the master's and a worker's container.

How the locustfile reaches the containers: the task definition carries its text in an environment
variable and the container writes it to the Locust user's home before starting Locust.  A `pulumi
up` then needs no image build (the program builds no Docker image, and the official image runs
unchanged); the file's content is part of the task definition, so a change to it registers a new
revision and ECS rolls the tasks; and its size (about 2 KB) is far below the task definition's
64 KiB limit (Amazon ECS API reference, RegisterTaskDefinition, read 2026-11).

Why the root file system stays writable: the file has to be written somewhere, and Fargate's
scratch volumes (bind mounts) are "set to 0755 and the owner as root" (Amazon ECS developer
guide, "Use bind mounts with Amazon ECS", read 2026-11; aws/containers-roadmap#938), so the
image's non-root ``locust`` user cannot write to one.  The containers run as that user with a
writable root file system, like the application containers (the pack's
ecs-read-only-root-filesystem is advisory for that reason).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..config.settings import LoadTestSettings, StackSettings
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


def request_path(pattern: str) -> str:
    """A concrete path the ALB routes by ``pattern``: ``/users/*`` -> ``/users``, the default
    route -> ``/``, other wildcards filled with ``x``."""
    path = CATCH_ALL_PATH if pattern in DEFAULT_ROUTE_PATHS else pattern
    if path.endswith("/*"):
        path = path[:-2] or "/"
    return path.replace("*", "x").replace("?", "x") or "/"


def routes(cfg: StackSettings) -> list[dict[str, str]]:
    """One route per public service, in config order: ``{"service": name, "path": path}``."""
    return [{"service": name, "path": request_path(svc.path)}
            for name, svc in cfg.services.items() if svc.enabled and svc.public]


def _locust(*args: str) -> str:
    return " ".join(["locust", "-f", f"{HOME}/locustfile.py", *args])


def master_command(lt: LoadTestSettings, target_url: str) -> str:
    """The master's shell command: headless, waits for every worker, stops after runMinutes."""
    run = _locust("--master", "--headless", f"--master-bind-port {MASTER_PORT}",
                  f"--users {lt.users}", f"--spawn-rate {lt.spawnRate:g}", f"--run-time {lt.runMinutes}m",
                  f"--expect-workers {lt.workers()}",
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


def _log_config(log_group: str, region: str, prefix: str) -> dict[str, Any]:
    return {"logDriver": "awslogs",
            "options": {"awslogs-group": log_group, "awslogs-region": region, "awslogs-stream-prefix": prefix}}


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
        "logConfiguration": _log_config(log_group, region, name),
        "linuxParameters": {"initProcessEnabled": True},
    }


def environment(cfg: StackSettings) -> dict[str, str]:
    return {"LOCUSTFILE": LOCUSTFILE.read_text(), "LOAD_TEST_ROUTES": json.dumps(routes(cfg)),
            "PYTHONDONTWRITEBYTECODE": "1"}


def master_container(cfg: StackSettings, target_url: str, log_group: str, region: str) -> dict[str, Any]:
    ports = [{"name": PORT_NAME, "containerPort": MASTER_PORT, "protocol": "tcp"}]
    return _container(MASTER_CONTAINER, cfg.loadTest.image, master_command(cfg.loadTest, target_url),
                      environment(cfg), log_group, region, ports)


def worker_container(cfg: StackSettings, log_group: str, region: str) -> dict[str, Any]:
    return _container(WORKER_CONTAINER, cfg.loadTest.image, worker_command(), environment(cfg), log_group,
                      region, [])


__all__ = ["routes", "request_path", "master_command", "worker_command", "master_container", "worker_container",
           "MASTER_PORT", "MASTER_DNS_NAME", "ARCHITECTURE"]
