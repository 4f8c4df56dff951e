"""The load test (loadTest.*, components/loadtest/): what a stack with it on deploys, what it costs,
which routes it requests, and the locustfile itself run headless against a local stub."""

from __future__ import annotations

import dataclasses
import http.server
import json
import os
import re
import socket
import subprocess
import sys
import threading

import pytest

from conftest import ROOT, plan_for, settings_for
from pack_inproc import evaluate, mandatory, mutated
from platform_policies import cost_model
from platform_policies.cost_model import capacity
from platform_policies.rules import ecs as ecs_rules

from components.edge.routing import API_STAGE, default_route_service, path_rules
from components.loadtest import loadtest, plan as lt_plan
from components.stack_args import load_run

ON = ["loadTest.enabled=true"]
SERVICE = "aws:ecs/service:Service"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
_PLANS: dict[str, dict] = {}


def plan_on(stack: str) -> dict:
    """The whole program of ``stack`` with loadTest.enabled=true (recorded once per session)."""
    if stack not in _PLANS:
        from preflight.program import record_plan

        _PLANS[stack] = record_plan(stack, ON)
    return _PLANS[stack]


def one(plan: dict, type_: str, name: str) -> dict:
    (hit,) = [r for r in plan["resources"] if r["type"] == type_ and r["name"] == name]
    return hit


def container(plan: dict, role: str) -> dict:
    (c,) = json.loads(one(plan, TASK, f"loadtest-{role}-task")["inputs"]["containerDefinitions"])
    return c


# ---- settings ------------------------------------------------------------------------------------

def test_off_by_default_and_nothing_is_built():
    assert settings_for("prod").config.loadTest.enabled is False
    assert settings_for("dev").config.loadTest.enabled is False
    for stack in ("prod", "dev"):
        assert not [r for r in plan_for(stack)["resources"] if "loadtest" in r["name"]]


@pytest.mark.parametrize("users,per_worker,workers", [(10000, 2000, 5), (10001, 2000, 6), (1, 2000, 1),
                                                      (10000, 500, 20)])
def test_workers_are_users_over_users_per_worker_rounded_up(users, per_worker, workers):
    lt = settings_for("prod", **{"loadTest.users": str(users), "loadTest.usersPerWorker": str(per_worker)}).config.loadTest
    assert lt.workers() == workers


def test_the_image_is_the_locust_the_tests_run():
    """loadTest.image pins the official image by the exact version requirements.txt pins for the tests."""
    pins = dict(line.split("==") for line in (ROOT / "requirements.txt").read_text().splitlines()
                if "==" in line and not line.startswith("#"))
    image = settings_for("prod").config.loadTest.image
    assert image == f"locustio/locust:{pins['locust']}"


# ---- the recorded plan ---------------------------------------------------------------------------

def test_prod_plan_with_the_load_test():
    plan = plan_on("prod")
    cdn = plan["outputs"]["cdn_domain"]
    master_td = one(plan, TASK, "loadtest-master-task")["inputs"]
    worker_td = one(plan, TASK, "loadtest-worker-task")["inputs"]
    # Task sizes: master 0.5 vCPU / 1 GB, workers loadTest.workerCpu/workerMemory (1 vCPU / 2 GB), Graviton.
    assert (master_td["cpu"], master_td["memory"]) == ("512", "1024")
    assert (worker_td["cpu"], worker_td["memory"]) == ("1024", "2048")
    for td in (master_td, worker_td):
        assert td["runtimePlatform"]["cpuArchitecture"] == "ARM64"
        assert td["networkMode"] == "awsvpc" and td["requiresCompatibilities"] == ["FARGATE"]
        assert td["taskRoleArn"] != td["executionRoleArn"]
    master, worker = container(plan, "master"), container(plan, "worker")
    # Command lines: 10000 users over ceil(10000 / 2000) = 5 workers, aimed at the CloudFront URL.
    cmd = master["command"][0]
    for arg in ("--master", "--headless", "--users 10000", "--spawn-rate 100", "--run-time 30m",
                "--expect-workers 5", "--master-bind-port 5557", f"--host https://{cdn}", "--csv "):
        assert arg in cmd, arg
    assert "--worker --master-host locust-master --master-port 5557" in worker["command"][0]
    for c in (master, worker):
        assert c["image"] == "locustio/locust:2.47.0" and c["user"] == "locust" and c["entryPoint"] == ["sh", "-c"]
        assert c["logConfiguration"] == {"logDriver": "awslogs", "options": {
            "awslogs-group": "/ecs/microservices-prod/loadtest", "awslogs-region": "us-east-1",
            "awslogs-stream-prefix": c["name"]}}
        env = {e["name"]: e["value"] for e in c["environment"]}
        assert env["LOCUSTFILE"] == lt_plan.LOCUSTFILE.read_text()
        assert json.loads(env["LOAD_TEST_ROUTES"]) == _prod_routes()
    assert master["portMappings"] == [{"name": "locust", "containerPort": 5557, "protocol": "tcp"}]
    group = one(plan, "aws:cloudwatch/logGroup:LogGroup", "loadtest-logs")["inputs"]
    assert group["name"] == "/ecs/microservices-prod/loadtest" and group["retentionInDays"] == 30

    services = {r["inputs"]["name"]: r["inputs"] for r in plan["resources"]
                if r["type"] == SERVICE and r["name"].startswith("loadtest-")}
    assert set(services) == {"loadtest-master", "loadtest-worker"}
    for name, svc in services.items():
        assert svc["desiredCount"] == 0  # pulumi up starts nothing
        net = svc["networkConfiguration"]
        assert net["assignPublicIp"] is False and len(net["subnets"]) == 3
        assert net["subnets"] == plan["outputs"]["private_subnet_ids"]
        assert svc["launchType"] == "FARGATE" and svc["serviceConnectConfiguration"]["enabled"] is True
        assert svc["tags"]["workload"] == "load-test" and svc["tags"]["load-test-minutes-per-run"] == "35"
    assert services["loadtest-master"]["tags"]["load-test-tasks-per-run"] == "1"
    assert services["loadtest-worker"]["tags"]["load-test-tasks-per-run"] == "5"
    (published,) = services["loadtest-master"]["serviceConnectConfiguration"]["services"]
    assert published["discoveryName"] == "locust-master"
    assert published["clientAlias"] == [{"port": 5557, "dnsName": "locust-master"}]
    assert not services["loadtest-worker"]["serviceConnectConfiguration"].get("services")
    # prod has serviceConnectTls: the master's endpoint takes the cluster's CA, as the services' do.
    ca = one(plan, "aws:acmpca/certificateAuthority:CertificateAuthority", "compute-private-ca")
    assert published["tls"]["issuerCertAuthority"]["awsPcaAuthorityArn"] == ca["id"]


def test_results_bucket_has_the_bucket_baseline():
    plan = plan_on("prod")
    by_name = {r["name"]: r for r in plan["resources"] if r["name"].startswith("loadtest-results")}
    assert by_name["loadtest-results-public"]["inputs"]["blockPublicPolicy"] is True
    assert by_name["loadtest-results-versioning"]["inputs"]["versioningConfiguration"]["status"] == "Enabled"
    assert by_name["loadtest-results-owner"]["inputs"]["rule"]["objectOwnership"] == "BucketOwnerEnforced"
    policy = json.loads(by_name["loadtest-results-policy"]["inputs"]["policy"])
    sids = {s["Sid"]: s for s in policy["Statement"]}
    assert sids["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert sids["LogsExportWrite"]["Principal"] == {"Service": "logs.us-east-1.amazonaws.com"}
    assert sids["LogsExportWrite"]["Resource"].endswith("/runs/*")


def test_only_the_master_port_is_open_and_only_to_the_load_test():
    plan = plan_on("prod")
    sg = one(plan, "aws:ec2/securityGroup:SecurityGroup", "loadtest-sg")
    (ingress,) = [r["inputs"] for r in plan["resources"]
                  if r["type"] == "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
                  and r["name"].startswith("loadtest-")]
    assert (ingress["fromPort"], ingress["toPort"]) == (5557, 5557)
    assert ingress["referencedSecurityGroupId"] == ingress["securityGroupId"] == sg["id"]


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_the_pack_finds_no_mandatory_violation_with_the_load_test(stack):
    assert mandatory(evaluate(plan_on(stack), stack)) == set()


def test_the_multi_az_exemption_holds_only_for_an_idle_load_generator():
    """A tagged service that runs tasks, or an idle service without the tag, is judged as ever."""
    plan = plan_on("prod")

    def edit_master(edit):
        def apply(p):
            edit(next(r for r in p["resources"] if r["name"] == "loadtest-master-service")["inputs"])
        return mutated(plan, apply)

    running = edit_master(lambda i: i.update(desiredCount=1))
    untagged = edit_master(lambda i: i["tags"].pop("workload"))
    for p in (running, untagged):
        assert ("ecs-service-multi-az", "loadtest-master-service") in mandatory(evaluate(p, "prod"))



# ---- cost ----------------------------------------------------------------------------------------

# Catalog prices (policies/pricing/us-east-1.json: aws.amazon.com/fargate/pricing, Linux/ARM, us-east-1, 2026-06).
ARM_VCPU_HOUR, ARM_GB_HOUR = 0.03238, 0.00356


def _fargate_lines(est: dict) -> list[dict]:
    return [l for l in est["lines"] if l["resource"].startswith("loadtest-") and l["price_key"].startswith("fargate/")]


def test_catalog_prices_used_by_hand_are_the_catalog_s():
    catalog = json.loads((ROOT / "policies" / "pricing" / "us-east-1.json").read_text())
    assert catalog["prices"]["fargate/vcpu-hour/ARM64"]["usd"] == ARM_VCPU_HOUR
    assert catalog["prices"]["fargate/gb-hour/ARM64"]["usd"] == ARM_GB_HOUR


def test_prod_load_test_is_priced_per_run_by_hand():
    est = cost_model.estimate(cost_model.from_plan(plan_on("prod")), stack="prod")
    # policies/usage/prod.json: 4 runs a month; a run is billed 30 min (runMinutes) + 5 min start = 35 min.
    hours = 4 * 35 / 60                                   # 2.3333 h a month
    master = 1 * (0.5 * ARM_VCPU_HOUR + 1 * ARM_GB_HOUR) * hours   # 1 task x (0.5 vCPU, 1 GB) = $0.0461
    workers = 5 * (1 * ARM_VCPU_HOUR + 2 * ARM_GB_HOUR) * hours    # 5 tasks x (1 vCPU, 2 GB)  = $0.4608
    lines = _fargate_lines(est)
    assert len(lines) == 4 and all(l["kind"] == "usage" for l in lines)
    assert all(l["usage"] == {"loadTest.runsPerMonth": 4} for l in lines)
    total = sum(l["monthly_usd"] for l in lines)
    assert total == pytest.approx(master + workers) == pytest.approx(0.50692, abs=1e-5)
    assert total / 4 == pytest.approx(0.12673, abs=1e-5)  # one run


def test_dev_load_test_is_priced_per_run_by_hand():
    est = cost_model.estimate(cost_model.from_plan(plan_on("dev")), stack="dev")
    # policies/usage/dev.json: 2 runs; Pulumi.dev.yaml: 0.25 vCPU / 0.5 GB tasks, 500 users a worker -> 20 workers.
    hours = 2 * 35 / 60                                           # 1.1667 h
    total = (1 + 20) * (0.25 * ARM_VCPU_HOUR + 0.5 * ARM_GB_HOUR) * hours  # 21 tasks = $0.2419
    assert sum(l["monthly_usd"] for l in _fargate_lines(est)) == pytest.approx(total) == pytest.approx(0.24193,
                                                                                                      abs=1e-5)


def test_off_costs_nothing_and_asks_nothing_of_the_usage_profile():
    est = cost_model.estimate(cost_model.from_plan(plan_for("prod")), stack="prod")
    assert not [l for l in est["lines"] if l["resource"].startswith("loadtest-")]
    assert "loadTest.runsPerMonth" not in {u["key"] for u in est["usage_assumptions"]}


def test_no_runs_no_task_cost():
    usage = {"loadTest": {"runsPerMonth": 0}}
    est = cost_model.estimate(cost_model.from_plan(plan_on("prod")), usage=usage, stack="prod")
    assert [l["monthly_usd"] for l in _fargate_lines(est)] == [0, 0, 0, 0]


# ---- routes --------------------------------------------------------------------------------------

def _prod_routes() -> list[dict[str, str]]:
    return lt_plan.routes(load_run(settings_for("prod")).paths)


def _routed_to(settings, path: str) -> str:
    """The service the ALB sends ``path`` to: the first matching rule by priority, else the default route."""
    paths = {n: s.path for n, s in settings.config.services.items() if s.public}
    for rule in sorted(path_rules(paths, API_STAGE), key=lambda r: r.priority):
        if re.match(rule.regex, path):
            return rule.service
    return default_route_service(paths)


@pytest.mark.parametrize("overrides", [
    {},
    {"services.order.path": "/orders/items/*", "services.user.path": "/orders/*"},  # nested: the longer path wins
    {"services.payment.public": "false", "services.notification.public": "true",
     "services.notification.path": "/notify/v?/*"},
])
def test_every_public_service_has_a_route_the_alb_sends_to_it(overrides):
    settings = settings_for("prod", **overrides)
    routes = lt_plan.routes(load_run(settings).paths)
    public = [n for n, s in settings.config.services.items() if s.public]
    assert [r["service"] for r in routes] == public
    for r in routes:
        assert _routed_to(settings, r["path"]) == r["service"], r
        assert _routed_to(settings, f"/{API_STAGE}{r['path']}".rstrip("/") or "/") == r["service"]


# ---- the locustfile, headless against a stub on loopback -----------------------------------------

class _Stub(http.server.ThreadingHTTPServer):
    """Answers GET with 200 (503 for ``failing``) and records the paths it saw."""

    def __init__(self, failing: str = ""):
        self.seen: set[str] = set()
        self.failing = failing
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                stub.seen.add(self.path)
                status = 503 if self.path == stub.failing else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)


def _run_locust(routes: list[dict], failing: str = "") -> tuple[set[str], dict[str, dict]]:
    stub = _Stub(failing)
    thread = threading.Thread(target=stub.serve_forever, daemon=True)
    thread.start()
    try:
        env = {**os.environ, "LOAD_TEST_ROUTES": json.dumps(routes), "LOAD_TEST_WAIT_MIN": "0",
               "LOAD_TEST_WAIT_MAX": "0.05"}
        proc = subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(lt_plan.LOCUSTFILE), "--headless", "--users", "3",
             "--spawn-rate", "3", "--run-time", "3s", "--host", f"http://127.0.0.1:{stub.server_address[1]}",
             "--json", "--only-summary", "--loglevel", "WARNING"],
            capture_output=True, text=True, env=env, timeout=60, cwd=str(ROOT))
    finally:
        stub.shutdown()
        stub.server_close()
    assert proc.stdout.strip().startswith("["), proc.stderr[-2000:]
    return stub.seen, {s["name"]: s for s in json.loads(proc.stdout[proc.stdout.index("["):])}


def test_the_locustfile_requests_every_route_without_failures():
    routes = _prod_routes()
    seen, stats = _run_locust(routes)
    assert {r["path"] for r in routes} <= seen
    assert set(stats) == {r["service"] for r in routes}
    assert all(s["num_requests"] > 0 and s["num_failures"] == 0 for s in stats.values()), stats


def test_the_locustfile_records_a_failing_route():
    routes = _prod_routes()
    _, stats = _run_locust(routes, failing="/orders")
    assert stats["order"]["num_failures"] == stats["order"]["num_requests"] > 0
    assert all(s["num_failures"] == 0 for n, s in stats.items() if n != "order")


def test_the_master_and_worker_command_lines_run_a_distributed_test(tmp_path):
    """The containers' shell commands as the task definitions carry them, run here: the worker joins the
    master, the master writes the locustfile, runs, prints its CSV results and the end marker.  Changed only
    where this machine differs: the home directory, the master's address and port, the run time (the
    setting counts minutes), and the final idle sleep."""
    run = dataclasses.replace(load_run(settings_for("prod")), users=3, spawn_rate=3, workers=1)
    stub = _Stub()
    threading.Thread(target=stub.serve_forever, daemon=True).start()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    def local(cmd: str) -> str:
        out = (cmd.replace(lt_plan.HOME, str(tmp_path)).replace(f"--run-time {run.run_minutes}m", "--run-time 3s")
               .replace(f"-port {lt_plan.MASTER_PORT}", f"-port {port}")  # --master-bind-port, --master-port
               .replace(f"--master-host {lt_plan.MASTER_DNS_NAME}", "--master-host 127.0.0.1")
               .replace("exec sleep infinity", "exit 0"))
        assert out != cmd
        return out

    env = {**os.environ, **lt_plan.environment(run), "LOAD_TEST_WAIT_MIN": "0", "LOAD_TEST_WAIT_MAX": "0.05",
           "PATH": os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])}
    master_cmd = local(lt_plan.master_command(run, "http://stub")).replace(
        "--host http://stub", f"--host http://127.0.0.1:{stub.server_address[1]}")
    worker_cmd = local(lt_plan.worker_command())
    worker = subprocess.Popen(["sh", "-c", worker_cmd], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              cwd=str(tmp_path))
    try:
        master = subprocess.run(["sh", "-c", master_cmd], env=env, capture_output=True, text=True, timeout=90,
                                cwd=str(tmp_path))
        worker.wait(timeout=30)  # the master tells its workers to quit at the end
    finally:
        if worker.poll() is None:
            worker.kill()
        stub.shutdown()
        stub.server_close()
    out = master.stdout
    assert master.returncode == 0, master.stderr[-2000:]
    assert "== load test finished (locust exit 0)" in out, out[-2000:]
    stats = out[out.index("== stats.csv"):out.index("== failures.csv")]
    for route in lt_plan.routes(run.paths):
        assert f'GET,{route["service"]},' in stats
    assert {r["path"] for r in lt_plan.routes(run.paths)} <= stub.seen
