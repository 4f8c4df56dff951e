"""Stack config: typed settings (settings.py) on pydantic (schema.py), read and validated once before any resource
is built; messages.py words every problem, cross_checks.py holds the rules across keys."""
