"""Judge resources while the program still runs: ``Analyze`` during the mock run.

The engine calls ``Analyze`` for each resource as the program registers it, and
``AnalyzeStack`` once the program is done.  preflight does the same: the mock run's child
process writes each record as it is made (preflight/program.py, ``--stream-fd``), and a thread
here builds the engine's view of it (preflight/engine.py ``EngineView``) and sends it to a pack
process started at the same time.  The pack's work then overlaps the program's on the second
core, and only ``AnalyzeStack`` is left when the program ends.

The answer is the batch answer: ``finish`` rebuilds the engine view from the whole recorded
plan and analyses again any resource whose request differs from the one streamed (or that was
never streamed), then puts the results in the plan's order (tests/test_streaming.py compares
both paths).
"""

from __future__ import annotations

import json
import queue
import threading
from pathlib import Path
from typing import Any, Optional

from .analyzer import Prestarted, Session, convert
from .engine import EngineView

_DONE = object()


def _request_key(entry: dict[str, Any]) -> str:
    """What an Analyze request is made of, canonical: equal keys, equal requests."""
    return json.dumps({k: entry.get(k) for k in ("type", "urn", "name", "properties", "options", "provider")},
                      sort_keys=True, default=str)


class Streaming:
    """Analyze each record as it arrives, on the first of ``packs`` (started for this stack)."""

    def __init__(self, packs: Prestarted, file_config: dict[str, Any]):
        self.packs = packs
        self.file_config = file_config
        self.view = EngineView({"stack": packs.stack, "project": packs.project, "config": packs.config})
        self.answers: dict[str, tuple[str, list[dict[str, Any]], list[dict[str, str]]]] = {}
        self.session: Optional[Session] = None
        self.error: Optional[BaseException] = None
        self.inbox: "queue.Queue[Any]" = queue.Queue()
        self.thread = threading.Thread(target=self._work, name=f"analyze-{packs.stack}", daemon=True)
        self.thread.start()

    # ------------------------------------------------------------------ the program's side
    def feed(self, record: dict[str, Any]) -> None:
        self.inbox.put(record)

    # ------------------------------------------------------------------ the pack's side
    def _work(self) -> None:
        try:
            p = self.packs
            self.session = Session(p.procs[0], p.stack, p.project, p.stack_config, p.dry_run, self.file_config)
            while True:
                record = self.inbox.get()
                if record is _DONE:
                    return
                self.view.add(record)
                for entry in self.view.ready():
                    found, skipped = self.session.analyze(entry, convert(entry))
                    self.answers[entry["urn"]] = (_request_key(entry), found, skipped)
        except BaseException as err:  # noqa: BLE001 - reported by finish()
            self.error = err
            while self.inbox.get() is not _DONE:   # keep taking records: the feeder never blocks
                pass

    def matches(self, plan: dict[str, Any], policy_dir: Path, dry_run: bool) -> bool:
        return self.packs.matches(plan, policy_dir, dry_run)

    def finish(self, resources: list[dict[str, Any]]) -> dict[str, Any]:
        """The pack's answer for the plan whose engine view is ``resources``."""
        from concurrent.futures import ThreadPoolExecutor

        self.inbox.put(_DONE)
        self.thread.join()
        try:
            if self.error is not None:
                raise self.error
            assert self.session is not None
            converted = [convert(r) for r in resources]
            p = self.packs
            with ThreadPoolExecutor(max_workers=1) as pool:
                # AnalyzeStack on a second process, if there is one, while the first re-checks.
                second = (Session(p.procs[1], p.stack, p.project, p.stack_config, p.dry_run, self.file_config)
                          if len(p.procs) > 1 else None)
                stack_future = pool.submit(second.analyze_stack, resources, converted) if second else None
                violations: list[dict[str, Any]] = []
                not_applicable: list[dict[str, str]] = []
                for r, c in zip(resources, converted):
                    key = _request_key(r)
                    answer = self.answers.get(r["urn"])
                    if answer is None or answer[0] != key:   # not streamed, or streamed differently
                        found, skipped = self.session.analyze(r, c)
                    else:
                        found, skipped = answer[1], answer[2]
                    violations += found
                    not_applicable += skipped
                stack_found = (stack_future.result() if stack_future is not None
                               else self.session.analyze_stack(resources, converted))
                if second is not None:
                    second.close()
            return self.session.result(violations + stack_found, not_applicable)
        finally:
            self.abort()

    def abort(self) -> None:
        """Stop the pack processes (also when the stream is not used); once is enough."""
        self.inbox.put(_DONE)
        self.thread.join()
        if self.session is not None:
            self.session.close()
            self.session = None
        self.packs.stop()
