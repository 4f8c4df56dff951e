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

from .analyzer import Prestarted, Session, answer, convert
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
        self.closing = False   # set by finish: what is still queued is shared out between the processes
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
                if self.closing:
                    continue
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
        """The pack's answer for the plan whose engine view is ``resources``.  What the stream did
        not answer yet (or answered for a request that differs) is shared out between the pack
        processes, the second of which answers ``AnalyzeStack`` first."""
        self.closing = True
        self.inbox.put(_DONE)
        self.thread.join()
        sessions: list[Session] = []
        try:
            if self.error is not None:
                raise self.error
            assert self.session is not None
            p = self.packs
            sessions = [Session(proc, p.stack, p.project, p.stack_config, p.dry_run, self.file_config)
                        for proc in p.procs[1:]] + [self.session]
            converted = [convert(r) for r in resources]
            answers: dict[int, tuple[list, list]] = {}
            todo = []
            for i, r in enumerate(resources):
                streamed = self.answers.get(r["urn"])
                if streamed is not None and streamed[0] == _request_key(r):
                    answers[i] = (streamed[1], streamed[2])
                else:   # not streamed, or streamed differently
                    todo.append(i)
            found, stack_found = answer(sessions, resources, converted, todo)
            answers.update(found)
            violations = [v for i in range(len(resources)) for v in answers[i][0]]
            not_applicable = [n for i in range(len(resources)) for n in answers[i][1]]
            return self.session.result(violations + stack_found, not_applicable)
        finally:
            for session in sessions[:-1]:
                session.close()
            self.abort()

    def abort(self) -> None:
        """Stop the pack processes (also when the stream is not used); once is enough."""
        self.inbox.put(_DONE)
        self.thread.join()
        if self.session is not None:
            self.session.close()
            self.session = None
        self.packs.stop()
