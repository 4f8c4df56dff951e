"""The exit contract of ``python -m preflight``, in one place.

    0  passed: no mandatory violation (``cost``: within the cap)
    1  a mandatory violation (``cost``: over the cap)
    2  bad input or usage: flags, stack config, plan file, policy config, output path
    3  internal error: the program crashed under the mocks, the policy pack failed, a bug

CI reads these codes, so a crash must never look like a violation (1) and a bad
input never like a crash (3).  Exit 2 prints one bounded message that names the
input and what is allowed; exit 3 prints a short message, and the traceback only
with ``--debug``.  ``guard`` is the only place that turns exceptions into codes.
"""

from __future__ import annotations

import sys
import traceback
from typing import Callable, Iterable, Optional, TextIO

EXIT_OK, EXIT_VIOLATION, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

MAX_MESSAGE_CHARS = 2000   # a bad input never floods the log (a YAML bomb once printed 5 MB)
MAX_MESSAGE_LINES = 20
MAX_VALUE_CHARS = 80


class InputError(Exception):
    """Bad input or usage (exit 2): ``subject`` names the input, ``allowed`` what would be accepted."""

    def __init__(self, subject: str, problem: str, allowed: str = ""):
        self.subject, self.problem, self.allowed = subject, problem, allowed
        super().__init__(self.text())

    def text(self) -> str:
        tail = f"; allowed: {self.allowed}" if self.allowed else ""
        return f"{self.subject}: {self.problem}{tail}"


class InputErrors(InputError):
    """Several problems with one input, one line each (at most MAX_MESSAGE_LINES are printed)."""

    def __init__(self, subject: str, problems: list[str]):
        self.problems = problems
        super().__init__(subject, f"{len(problems)} problem(s)")

    def text(self) -> str:
        return f"{self.subject}:" + "".join(f"\n  - {p}" for p in problems_list(self.problems))


class InternalError(Exception):
    """Something preflight depends on failed (exit 3); ``detail`` is shown with --debug only."""

    def __init__(self, message: str, detail: str = ""):
        self.detail = detail
        super().__init__(message)


def show(value: object, limit: int = MAX_VALUE_CHARS) -> str:
    """A value as it appears in a message: its repr, cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def cut(text: str, limit: int = 160) -> str:
    """Plain text cut to ``limit`` characters."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def bounded(text: str, max_lines: int = MAX_MESSAGE_LINES, max_chars: int = MAX_MESSAGE_CHARS) -> str:
    """``text`` cut to ``max_lines`` lines and ``max_chars`` characters, saying how much was left out."""
    lines = text.splitlines() or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines] + [f"  ... and {len(lines) - max_lines} more line(s)"]
    lines = [line if len(line) <= 300 else line[:297] + "..." for line in lines]
    out = "\n".join(lines)
    if len(out) > max_chars:
        out = out[: max_chars - 40].rstrip() + "\n  ... (message cut)"
    return out


def problems_list(problems: Iterable[str], limit: int = MAX_MESSAGE_LINES,
                  budget: int = MAX_MESSAGE_CHARS - 300) -> list[str]:
    """As many problems as fit in ``limit`` lines and ``budget`` characters, the rest counted."""
    items = list(problems)
    kept: list[str] = []
    used = 0
    for item in items:
        line = cut(item, 300)
        if len(kept) == limit or used + len(line) > budget:
            break
        kept.append(line)
        used += len(line) + 5
    if len(kept) < len(items):
        kept.append(f"... and {len(items) - len(kept)} more")
    return kept


def _input_error_types() -> tuple[type[BaseException], ...]:
    """Exceptions of other modules that mean 'bad input' (they predate this module)."""
    from .analyzer import PolicyConfigError
    from .program import ProgramConfigError
    from .stackconfig import UsageError

    types: tuple[type[BaseException], ...] = (InputError, PolicyConfigError, ProgramConfigError, UsageError)
    try:
        from components.config.schema import SettingsError
    except ImportError:  # run from outside the repository root
        return types
    return types + (SettingsError,)


def guard(run: Callable[[], int], *, debug: bool = False, err: Optional[TextIO] = None) -> int:
    """Run ``run()`` and map what escapes it onto the exit contract."""
    err = err or sys.stderr
    try:
        return run()
    except _input_error_types() as exc:
        text = exc.text() if isinstance(exc, InputError) else str(exc)
        print(bounded(f"preflight: {text}"), file=err)
        return EXIT_INPUT
    except InternalError as exc:
        print(bounded(f"preflight: internal error: {exc}"), file=err)
        if debug and exc.detail:
            print(exc.detail, file=err)
        if debug:
            traceback.print_exc(file=err)
        else:
            print("preflight: run again with --debug for the details", file=err)
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        print("preflight: interrupted", file=err)
        return EXIT_INTERNAL
    except Exception as exc:  # noqa: BLE001 - the contract: any other failure is an internal error
        print(bounded(f"preflight: internal error: {type(exc).__name__}: {exc}"), file=err)
        if debug:
            traceback.print_exc(file=err)
        else:
            print("preflight: run again with --debug for the traceback", file=err)
        return EXIT_INTERNAL
