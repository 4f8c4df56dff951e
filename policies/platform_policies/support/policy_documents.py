"""Policy documents (IAM identity and trust policies, bucket, topic and file-system policies): their parts.

A document's ``Statement`` - and a statement's ``Action``, ``Resource`` or principal list - may be one
value or a list of them (IAM JSON policy reference, "Grammar of the IAM JSON policy language", read 2026-11).
"""

from __future__ import annotations

from typing import Any


def listify(value: Any) -> list:
    """One value or a list of them as a list ([] for None)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def statements(document: Any) -> list[dict]:
    """The statements of a parsed policy document that are objects ([] when it is not a document)."""
    if not isinstance(document, dict):
        return []
    return [st for st in listify(document.get("Statement")) if isinstance(st, dict)]
