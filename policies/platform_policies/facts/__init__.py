"""Facts the program and the pack both need: one copy, on the pack's side.

A published pack is uploaded as its own folder, so the pack may not import the program; the program
imports these modules instead (``from platform_policies.facts.fargate import FARGATE_SIZES``).  Each
module is plain data and small functions, standard library only, cheap to import.
"""
