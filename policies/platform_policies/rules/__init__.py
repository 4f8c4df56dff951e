"""The pack's rules; importing this package loads every module in it (there is no list of modules).

A rule goes into the module of the AWS service whose resources it judges (``rds.py``, ``elb.py`` ...;
each module's docstring says what it covers).  Three modules are not one service: ``cross_service.py``
(one concern judged on many services; the service modules register their per-type checks),
``deployability.py`` (stack-wide values only an example or another account could use) and
``stack_cost.py`` (the stack's estimated monthly cost: budget cap and warning, cost advice).
"""

from __future__ import annotations

from ..registry import load_package

load_package(__name__)
