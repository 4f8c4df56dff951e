"""Progress lines on stderr for the slow steps (mock run, policy pack), only when stderr is a terminal.

A run takes seconds; a person at a terminal should see it move, while CI logs and
redirected output stay clean (the report on stdout is unchanged either way).  Stacks run
side by side, so every line is whole: one when a step starts, one when it ends.
"""

from __future__ import annotations

import sys
import threading
import time
from contextlib import contextmanager
from typing import Iterator, Optional, TextIO


class Progress:
    def __init__(self, enabled: Optional[bool] = None, stream: Optional[TextIO] = None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._lock = threading.Lock()

    def note(self, text: str) -> None:
        if self.enabled:
            with self._lock:
                print(f"preflight: {text}", file=self.stream, flush=True)

    @contextmanager
    def step(self, text: str) -> Iterator[None]:
        if not self.enabled:
            yield
            return
        start = time.perf_counter()
        self.note(f"{text} ...")
        try:
            yield
        except BaseException:
            self.note(f"{text}: failed")
            raise
        self.note(f"{text}: {time.perf_counter() - start:.1f} s")
