"""``python -m preflight diff``: what a change would create, update, replace and delete in a stack.

``replace_on.json`` (the inputs each type is replaced on, from the provider sources) and
``replace_on.py`` read it; ``changes.py`` compares two plans as the engine's step generator would;
``accepted.py`` reads the reviewed acceptances of data-losing changes; ``command.py`` is the CLI and
``render.py`` the reports.  docs/preflight.md ("Diff") describes it.
"""
