"""References resolve: log groups, Service Connect names, target groups and autoscaling resource IDs that a
resource names are resources the plan creates, in the right Region, created before they are used.

Every one of these inputs is free text or an ARN to the API that takes it, so a typo deploys and fails later:
tasks that cannot start (no log group), a client whose short name resolves to nothing, CreateService refusing
a target group without a load balancer, a scalable target for a service that does not exist.  The readers
and their sources are in support/references.py; the container name and port of ``loadBalancers`` and the
``portName`` of Service Connect against the task definition are judged by ecs-service-constraints.

* ``log-group-references`` (stack): the awslogs-group of each container and Service Connect proxy is a log
  group of the plan (built from it, or by name) in the awslogs-region given;
* ``service-connect-references`` (stack): the namespace a service joins is in its Region; discovery names and
  name:port aliases are unique in a namespace; a peer a container dials by a published Service Connect name
  is published in the namespace its service joins, on that port, and the service is a Service Connect client;
* ``load-balancer-references`` (stack): a service's target groups are ``ip`` targets for awsvpc tasks and are
  forwarded to by a listener or listener rule the service depends on;
* ``autoscaling-references`` (stack): an ECS scalable target's ``service/<cluster>/<service>`` names a service
  of the plan in that cluster and depends on it; a scaling policy or scheduled action registers the key of the
  target it depends on, and depends on the target of its key;
* ``reference-undecided`` (stack, advisory): references to what the plan does not create (another stack's
  log group, namespace, target group, ECS service or MSK cluster) and peer names no service of the plan
  publishes.
"""

from __future__ import annotations

from typing import Callable

from pulumi_policy import Severity, StackValidationArgs

from ..rule import ADVISORY, DEPLOYABILITY, MANDATORY, WHOLE_STACK, rule
from ..support.report import report_findings
from ..support.references import (REFUSED, UNDECIDED, autoscaling_findings, load_balancer_findings,
                                  log_group_findings, service_connect_findings)

_READERS = (log_group_findings, service_connect_findings, load_balancer_findings, autoscaling_findings)


@rule(name="log-group-references", area=DEPLOYABILITY, resource_types=(WHOLE_STACK,), stack=True,
      description="The awslogs-group of every container and Service Connect proxy is a log group the plan "
                  "creates (built from it or named like it), in the awslogs-region the driver is given.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Build the log configuration from the log group's name output (components/compute/"
                  "containers.py) and the stack's region, or set awslogs-create-group.")
def validate_log_group_references(args: StackValidationArgs, report_violation: Callable[..., None]) -> None:
    report_findings(report_violation, dict.fromkeys(log_group_findings(args.resources)), REFUSED)


@rule(name="service-connect-references", area=DEPLOYABILITY, resource_types=(WHOLE_STACK,), stack=True,
      description="Service Connect resolves: a service joins a namespace in its own Region, discovery names "
                  "and name:port aliases are unique in the namespace, and a peer a container dials by a "
                  "published name is published in its service's namespace on that port.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Give the client service a serviceConnectConfiguration in the namespace of the server, and "
                  "dial the alias and port the server publishes (components/compute/microservice.py).")
def validate_service_connect_references(args: StackValidationArgs, report_violation: Callable[..., None]) -> None:
    report_findings(report_violation, dict.fromkeys(service_connect_findings(args.resources)), REFUSED)


@rule(name="load-balancer-references", area=DEPLOYABILITY, resource_types=(WHOLE_STACK,), stack=True,
      description="An ECS service's target groups take ip targets when its tasks use awsvpc, and a listener or "
                  "listener rule the service depends on forwards to each of them.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Create the target group with targetType ip, forward to it from a listener rule, and make the "
                  "service depend on that rule (components/edge/alb.py, components/compute/compute.py).")
def validate_load_balancer_references(args: StackValidationArgs, report_violation: Callable[..., None]) -> None:
    report_findings(report_violation, dict.fromkeys(load_balancer_findings(args.resources)), REFUSED)


@rule(name="autoscaling-references", area=DEPLOYABILITY, resource_types=(WHOLE_STACK,), stack=True,
      description="An ECS scalable target names (service/<cluster>/<service>) a service of the plan running in "
                  "that cluster and depends on it; scaling policies and scheduled actions register the key of "
                  "the target they depend on.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Build the resource ID from the cluster and service names the plan creates and pass the "
                  "service (target) in depends_on (components/compute/autoscaling.py).")
def validate_autoscaling_references(args: StackValidationArgs, report_violation: Callable[..., None]) -> None:
    report_findings(report_violation, dict.fromkeys(autoscaling_findings(args.resources)), REFUSED)


@rule(name="reference-undecided", area=DEPLOYABILITY, resource_types=(WHOLE_STACK,), stack=True,
      description="Says which references the plan cannot judge: a log group, namespace, target group, ECS "
                  "service or MSK cluster the plan does not create, and peer names no Service Connect service "
                  "of the plan publishes.",
      level=ADVISORY, severity=Severity.LOW,
      remediation="Check that the resource exists in the account and Region, or create it in the stack so the "
                  "gate can judge the reference.")
def validate_reference_undecided(args: StackValidationArgs, report_violation: Callable[..., None]) -> None:
    resources = list(args.resources)
    report_findings(report_violation, dict.fromkeys([f for reader in _READERS for f in reader(resources)]),
                    UNDECIDED)
