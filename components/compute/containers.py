"""Container definitions of a service task: the app container and the ADOT sidecar.

Pure functions over plain values (the caller resolves Outputs first), so the JSON
the task definition gets is easy to test.
"""

from __future__ import annotations

from typing import Any, Optional

APP_CONTAINER = "app"
ADOT_CONTAINER = "adot-collector"

# AWS Distro for OpenTelemetry collector; X-Ray daemon/SDKs are in maintenance since
# 2026-02-25 (AWS X-Ray docs, "X-Ray SDK and daemon end of support", read 2026-11).
# Pinned: bump deliberately after reading the ADOT release notes.
ADOT_IMAGE = "public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0"

# Traces only: OTLP (gRPC/HTTP) and the legacy X-Ray UDP protocol on localhost (tasks use
# awsvpc, so localhost is the task), exported to X-Ray.  No metrics pipeline, so the
# task role needs X-Ray write permissions only.
ADOT_CONFIG = """\
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:4317
      http:
        endpoint: 127.0.0.1:4318
  awsxray:
    endpoint: 127.0.0.1:2000
    transport: udp
processors:
  resourcedetection:
    detectors: [env, ecs]
  batch/traces:
    timeout: 1s
    send_batch_size: 50
exporters:
  awsxray: {}
service:
  pipelines:
    traces:
      receivers: [otlp, awsxray]
      processors: [resourcedetection, batch/traces]
      exporters: [awsxray]
"""

# Memory the sidecar reserves (soft limit) out of the task's memory.
ADOT_MEMORY_RESERVATION_MIB = 64

# Port mapping name Service Connect refers to.
PORT_NAME = "http"


def log_config(log_group: str, region: str, prefix: str) -> dict[str, Any]:
    """A container's awslogs configuration."""
    return {"logDriver": "awslogs",
            "options": {"awslogs-group": log_group, "awslogs-region": region,
                        "awslogs-stream-prefix": prefix}}


def app_container(*, service: str, image: str, port: int, log_group: str, region: str,
                  environment: dict[str, str], secrets: dict[str, str],
                  mounts: list[dict[str, Any]], tracing: bool) -> dict[str, Any]:
    """The service's own container."""
    env = dict(environment)
    env.setdefault("SERVICE_NAME", service)
    if tracing:
        env.setdefault("OTEL_SERVICE_NAME", service)
        env.setdefault("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317")
        env.setdefault("AWS_XRAY_DAEMON_ADDRESS", "127.0.0.1:2000")
    container: dict[str, Any] = {
        "name": APP_CONTAINER,
        "image": image,
        "essential": True,
        "portMappings": [{"name": PORT_NAME, "containerPort": port, "protocol": "tcp", "appProtocol": "http"}],
        "environment": [{"name": k, "value": v} for k, v in sorted(env.items())],
        "secrets": [{"name": k, "valueFrom": v} for k, v in sorted(secrets.items())],
        "mountPoints": mounts,
        "logConfiguration": log_config(log_group, region, APP_CONTAINER),
        "linuxParameters": {"initProcessEnabled": True},
    }
    if tracing:
        # Start after the collector so the first spans are not dropped.
        container["dependsOn"] = [{"containerName": ADOT_CONTAINER, "condition": "START"}]
    return container


def adot_container(*, log_group: str, region: str) -> dict[str, Any]:
    """ADOT collector sidecar exporting traces to X-Ray; not essential, so a collector
    crash never stops the service."""
    return {
        "name": ADOT_CONTAINER,
        "image": ADOT_IMAGE,
        "essential": False,
        "memoryReservation": ADOT_MEMORY_RESERVATION_MIB,
        "environment": [{"name": "AOT_CONFIG_CONTENT", "value": ADOT_CONFIG}],
        "readonlyRootFilesystem": True,
        "logConfiguration": log_config(log_group, region, ADOT_CONTAINER),
    }


def container_definitions(*, service: str, image: str, port: int, log_group: str, region: str,
                          environment: Optional[dict[str, str]] = None,
                          secrets: Optional[dict[str, str]] = None,
                          mounts: Optional[list[dict[str, Any]]] = None,
                          tracing: bool = True) -> list[dict[str, Any]]:
    """All containers of the task, app first."""
    defs = [app_container(service=service, image=image, port=port, log_group=log_group, region=region,
                          environment=environment or {}, secrets=secrets or {}, mounts=mounts or [],
                          tracing=tracing)]
    if tracing:
        defs.append(adot_container(log_group=log_group, region=region))
    return defs


__all__ = ["APP_CONTAINER", "ADOT_CONTAINER", "ADOT_IMAGE", "PORT_NAME", "container_definitions", "log_config"]
