"""Build-wide state shared by the flowables of one build: composed lines (ComposeCache), where anchors
landed in a layout pass (PageRecord), and the canvas that fills in what only the pass's end knows
(NumberingCanvas)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reportlab.pdfgen.canvas import Canvas

from layout.text.compose import Line, Span


class ComposeCache:
    """Composed lines keyed by (spans, options): the multi-pass build composes every paragraph once; and the
    downsampled print copies of its images, made once per build (they live as long as the build)."""

    def __init__(self) -> None:
        self._lines: dict[tuple[object, ...], list[Line]] = {}
        self._print_copies: dict[tuple[object, ...], bytes] = {}

    def print_copy(self, key: tuple[object, ...], make: Callable[[], bytes]) -> bytes:
        found = self._print_copies.get(key)
        if found is None:
            found = self._print_copies[key] = make()
        return found

    def lines(
        self, spans: tuple[Span, ...], options_key: tuple[object, ...], make: Callable[[], list[Line]]
    ) -> list[Line]:
        key = (spans, options_key)
        found = self._lines.get(key)
        if found is None:
            found = self._lines[key] = make()
        return found


@dataclass
class PageRecord:
    """Where sections and articles were placed in one build pass (the multi-pass fixed point)."""

    pages: dict[str, int] = field(default_factory=dict)  # anchor key -> page number
    sections: list[tuple[int, str]] = field(default_factory=list)  # (page, section title) in order
    # A contents number filled in at the end of the pass was wider than its column: another pass must widen it.
    numbers_overflow: bool = False

    def section_for_page(self, page: int) -> str | None:
        """The first section starting on `page`, else the last one started before it."""
        starting = [title for p, title in self.sections if p == page]
        if starting:
            return starting[0]
        before = [title for p, title in self.sections if p < page]
        return before[-1] if before else None


class NumberingCanvas(Canvas):
    """The canvas of a pass that writes the PDF. The contents print page numbers of pages not laid out yet: each
    is drawn as a form (a PDF XObject) that a `before_save` callback fills in at the end of the pass, when every
    page is known. So one pass gives true numbers, unless a number is too wide for its column (PageRecord)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.before_save: list[Callable[[Canvas], None]] = []

    def save(self) -> None:
        for fill in self.before_save:
            fill(self)
        super().save()
