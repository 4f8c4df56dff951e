"""The pack's rules; importing this package loads every module in it (there is no list of modules).

A rule goes into the module of the AWS service whose resources it judges (``rds.py``, ``elb.py`` ...;
each module's docstring says what it covers).  Some modules are not one service: ``cross_service.py``
(one concern judged on many services; the service modules register their per-type checks),
``deployability.py`` (stack-wide values only an example or another account could use),
``role_readiness.py`` (every user of an IAM role waits for the role's policies),
``stack_cost.py`` (the stack's estimated monthly cost: budget cap and warning, cost advice),
``wiring_network.py`` (security groups and network ACLs open every connection the plan wires),
``wiring_keys.py`` (keys, topic and queue policies admit the services and roles that use them),
``wiring_permissions.py`` (an ECS task's execution and task roles grant what its task definition wires),
``wiring_references.py`` (log groups, Service Connect names, target groups and autoscaling resource IDs
name what the plan creates),
``offers.py`` (the types, architectures and engine features resources choose against what their region
offers) and ``zones.py`` (the zone IDs services are placed in against those AWS offers them in).
"""

from __future__ import annotations

from ..registry import load_package

load_package(__name__)
