"""Chinese text composition: character classes (cjk) and the line composer (compose)."""

from layout.text.compose import (
    Alignment,
    ComposeOptions,
    Glyph,
    Line,
    Measure,
    PunctuationStyle,
    Span,
    Strictness,
    compose,
)

__all__ = [
    "Alignment",
    "ComposeOptions",
    "Glyph",
    "Line",
    "Measure",
    "PunctuationStyle",
    "Span",
    "Strictness",
    "compose",
]
