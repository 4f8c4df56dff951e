"""Entry point: read and validate stack config, build the tiers, export the contract."""

import pulumi

from components.config.settings import SettingsError, load_settings

try:
    settings = load_settings()
except SettingsError as err:
    # RunError ends the program with this message only (no traceback) before
    # any resource is registered.
    raise pulumi.RunError(str(err)) from None

from components.platform import build_platform  # noqa: E402  (after validation on purpose)

for key, value in build_platform(settings).items():
    pulumi.export(key, value)
