"""Observability tier: the SNS alarm topic and its KMS key, the alarms and the dashboard (observability.py)."""
