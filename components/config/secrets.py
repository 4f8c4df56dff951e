"""Keep secret config values secret in every resource input and stack output.

Pulumi tells a program only which top-level keys hold a secret (``PULUMI_CONFIG_SECRET_KEYS``)
and hands it the plaintext; a value read with plain ``Config.get`` and passed on to a
resource would be stored in the state in the clear.  The settings collect those plaintexts
(``Settings.secret_values``); ``protect_secrets`` registers a stack transformation that wraps
every resource input holding one in ``pulumi.Output.secret`` (the engine then encrypts it in
the state and masks it in the CLI), and ``SecretMarker.mark`` does the same for the stack
outputs.  One place instead of a ``get_secret`` at each use: a tier that starts using a secret
setting is covered without knowing it is one.
"""

from __future__ import annotations

from typing import Any, Iterable

import pulumi
from pulumi import _types


class SecretMarker:
    """Wraps values that contain any of ``secrets`` in ``Output.secret``."""

    def __init__(self, secrets: Iterable[str]):
        self.secrets = tuple(sorted(s for s in secrets if s))

    def holds_secret(self, value: Any) -> bool:
        return isinstance(value, str) and any(s in value for s in self.secrets)

    def mark(self, value: Any) -> Any:
        """``value`` with every string holding a secret, at any depth, made a secret Output."""
        if not self.secrets:
            return value
        if isinstance(value, str):
            return pulumi.Output.secret(value) if self.holds_secret(value) else value
        if isinstance(value, pulumi.Output):
            return value.apply(self._mark_resolved)
        if isinstance(value, dict):
            return {k: self.mark(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.mark(v) for v in value)
        if _types.is_input_type(type(value)):
            values = _types.input_type_to_untranslated_dict(value)
            for k in list(values):
                values[k] = self.mark(values[k])
            return value
        return value

    def _mark_resolved(self, value: Any) -> Any:
        # Inside an apply: a plain value that holds a secret comes back as a secret Output,
        # which the apply flattens into a secret result.
        if isinstance(value, str):
            return pulumi.Output.secret(value) if self.holds_secret(value) else value
        if isinstance(value, (dict, list)) and self._contains(value):
            return pulumi.Output.secret(value)
        return value

    def _contains(self, value: Any) -> bool:
        if isinstance(value, dict):
            return any(self._contains(v) for v in value.values())
        if isinstance(value, list):
            return any(self._contains(v) for v in value)
        return self.holds_secret(value)

    def transformation(self, args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult:
        return pulumi.ResourceTransformationResult(self.mark(args.props), args.opts)


def protect_secrets(secret_values: Iterable[str]) -> SecretMarker:
    """Mark every later resource input that holds one of ``secret_values`` secret (call in the stack)."""
    marker = SecretMarker(secret_values)
    if marker.secrets:
        pulumi.runtime.register_stack_transformation(marker.transformation)
    return marker


__all__ = ["SecretMarker", "protect_secrets"]
