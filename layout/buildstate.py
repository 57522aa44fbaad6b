"""Build-wide state shared by the flowables of one build: composed lines (ComposeCache) and where anchors
landed in a layout pass (PageRecord, the input of the next pass)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

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

    def section_for_page(self, page: int) -> str | None:
        """The first section starting on `page`, else the last one started before it."""
        starting = [title for p, title in self.sections if p == page]
        if starting:
            return starting[0]
        before = [title for p, title in self.sections if p < page]
        return before[-1] if before else None
