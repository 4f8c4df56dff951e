"""Progress lines on stderr for the slow steps (mock run, policy pack), only when stderr is a terminal.

A run takes 10-20 s; a person at a terminal should see it move, while CI logs and
redirected output stay clean (the report on stdout is unchanged either way).
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import Iterator, Optional, TextIO


class Progress:
    def __init__(self, enabled: Optional[bool] = None, stream: Optional[TextIO] = None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled

    def note(self, text: str) -> None:
        if self.enabled:
            print(f"preflight: {text}", file=self.stream, flush=True)

    @contextmanager
    def step(self, text: str) -> Iterator[None]:
        if not self.enabled:
            yield
            return
        start = time.perf_counter()
        print(f"preflight: {text} ...", end="", file=self.stream, flush=True)
        try:
            yield
        except BaseException:
            print(" failed", file=self.stream, flush=True)
            raise
        print(f" {time.perf_counter() - start:.1f} s", file=self.stream, flush=True)
