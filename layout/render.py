"""`bulletin render`: source → model → theme → flowables → pages → PDF, written atomically."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from layout.build import Progress, build_pdf
from layout.fileio import write_atomically
from layout.loader.issue import load_issue
from layout.model import Issue
from layout.theme import Theme
from layout.validate import validate_issue

DEFAULT_OUTPUT_DIR = Path("out")


@dataclass(frozen=True, slots=True)
class RenderResult:
    path: Path
    pages: int
    passes: int
    seconds: float
    bytes: int


def render_issue(
    source: Path, output: Path | None = None, *, publication: Path | None = None, theme: str | Path | None = None,
    pdfa: bool = False, progress: Progress | None = None,
) -> RenderResult:
    """Render one issue to `output` (default out/<stem>.pdf); with `pdfa`, as PDF/A-2b (layout/pdfa.py).

    Raises SourceError for invalid input, and then writes nothing.
    """
    started = time.perf_counter()
    issue = load_issue(Path(source), publication=publication)  # source → model
    resolved = validate_issue(issue, theme)  # → theme, every character covered by a font
    return render_loaded(issue, resolved, output, started=started, pdfa=pdfa, progress=progress)


def render_loaded(
    issue: Issue, theme: Theme, output: Path | None = None, *, started: float | None = None, pdfa: bool = False,
    progress: Progress | None = None,
) -> RenderResult:
    """Render an issue already loaded and validated (batch workers hash its inputs first) and write it."""
    started = time.perf_counter() if started is None else started
    result = build_pdf(issue, theme, progress=progress)  # → flowables → pages → PDF
    pdf = archival(result.pdf) if pdfa else result.pdf
    path = output or DEFAULT_OUTPUT_DIR / f"{issue.stem}.pdf"
    write_atomically(path, pdf)
    return RenderResult(path, result.pages, result.passes, time.perf_counter() - started, len(pdf))


def archival(pdf: bytes) -> bytes:
    """The PDF as PDF/A-2b (pikepdf is imported only when asked for)."""
    from layout.pdfa import make_pdfa

    return make_pdfa(pdf)
