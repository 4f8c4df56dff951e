"""Chaos tier: AWS FIS experiment templates and their role (chaos.py)."""
