"""Source positions and diagnostics: every refusal names file:line:col and says what would be right."""

from __future__ import annotations

import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True, order=True)
class SourcePos:
    """A 1-based position in a source file."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in a source file: where, what is wrong, and (optionally) what would be right."""

    pos: SourcePos | None
    message: str
    hint: str | None = None

    def format(self) -> str:
        where = f"{self.pos}: " if self.pos else ""
        text = f"{where}{self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


@dataclass
class SourceError(Exception):
    """Raised with every problem found in one go; the CLI prints them all and exits 2."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.report())

    def report(self) -> str:
        return "\n".join(d.format() for d in sort_diagnostics(self.diagnostics))


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Deduplicate on (pos, message) and order by position, so reports are stable."""
    unique = {(d.pos, d.message): d for d in diagnostics}
    return sorted(unique.values(), key=lambda d: (d.pos is None, d.pos or SourcePos("", 0, 0), d.message))


def describe_exception(exc: BaseException) -> str:
    """"ValueError: message (at layout/x.py:12)": the exception, its message and where it was raised."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"
