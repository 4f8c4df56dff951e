"""Entry point: read and validate stack config, build the tiers, export the contract."""

import pulumi

from components.config.secrets import protect_secrets
from components.config.settings import SettingsError, load_settings

try:
    settings = load_settings()
except SettingsError as err:
    # RunError ends the program with this message only (no traceback) before
    # any resource is registered.
    raise pulumi.RunError(str(err)) from None

# Secret config values stay secret in every resource input and output (see secrets.py).
secrets = protect_secrets(settings.secret_values)

from components.platform import build_platform  # noqa: E402  (after validation on purpose)

for key, value in build_platform(settings).items():
    pulumi.export(key, secrets.mark(value))
