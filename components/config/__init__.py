"""Stack config: typed settings (settings.py), parsed once and validated by a small declarative schema (schema.py) before any resource is built."""
