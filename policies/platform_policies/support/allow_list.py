"""Per-stack allow-lists for sizes (instance classes, node types, CPU architectures ...).

The lists live in policies/config/<stack>.json so a stack's sizes are reviewed in one place;
a rule's schema default is the prod seed size (components/settings.py defaults) plus the next
step up, so a stack without a config file gets prod limits.
"""

from __future__ import annotations

from typing import Any

from .props import as_str, get, is_unknown


def check_allowed(args, report_violation, path: str, allowed: list, what: str, default: Any = None) -> None:
    """Report when the value at ``path`` (``default`` when missing) is not in ``allowed``; unknown passes."""
    value = as_str(get(args.props, path), default)
    if is_unknown(value) or value is None:
        return
    if value not in allowed:
        report_violation(f"{what} {value} is not allowed in this stack; allowed: {', '.join(allowed) or 'none'}.",
                         None)


def allow_list_fix(setting: str) -> str:
    """Remediation text of an allow-list rule; ``setting`` is the stack setting that picks the size."""
    return f"Use a size from this stack's allow-list ({setting}) or widen the list in policies/config/<stack>.json."
