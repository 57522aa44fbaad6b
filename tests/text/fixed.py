"""A font-free measure for composer tests: Han and full-width marks 1 em, Latin 1/2 em, a space 1/4 em."""

from __future__ import annotations

from collections.abc import Hashable

from layout.text.compose import ComposeOptions, Line, Span, compose

SIZE = 10.0  # pt: 1 em, so a 100 pt measure holds exactly ten Han characters
# Below U+2E80 only these are full width in a Chinese font (dashes, ellipsis, curly quotes, middle dot).
FULL_WIDTH_BELOW_CJK = frozenset("—…·“”‘’‼")


def size_of(style: Hashable) -> float:
    """Styles in these tests are (name, size) pairs."""
    return style[1]  # type: ignore[index]


def fixed_measure(style: Hashable, ch: str) -> float:
    size = size_of(style)
    if ch == " ":
        return size / 4
    if ord(ch) >= 0x2E80 or ch in FULL_WIDTH_BELOW_CJK:
        return size
    return size / 2


def set_text(text: str, width: float = 100.0, **options: object) -> list[Line]:
    """Compose `text` in one 10 pt span with the fixed measure."""
    return compose([Span(text, ("r", SIZE), SIZE)], fixed_measure, ComposeOptions(width=width, **options))  # type: ignore[arg-type]


def line_texts(text: str, width: float = 100.0, **options: object) -> list[str]:
    return [line.text for line in set_text(text, width, **options)]
