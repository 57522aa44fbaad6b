"""What every reader hands the recogniser: logical lines of text with the layout hints the format gave.

A reader (plain text, Word, PDF) knows its format's geometry; the recogniser knows the bulletin's
conventions. Between them is this one shape: a `Line` is one paragraph-like unit of the input (a
paragraph already rejoined across line and page breaks, a title, a table, an image), in reading order,
with where it came from so that every unsure guess can name its place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Align(Enum):
    UNKNOWN = "unknown"  # plain text has no alignment
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass
class Line:
    """One logical line. `text` may carry **bold** markup; `where` is a human position such as "line 34"."""

    text: str
    where: str
    align: Align = Align.UNKNOWN
    bold: bool = False  # every character of the line is bold
    size: float = 1.0  # font size relative to the body text (1.0 when unknown)
    indent: bool | None = None  # first-line indent present (None: the format cannot tell)
    table: list[list[str]] | None = None  # a table: rows of cells, the first row the header
    image: str | None = None  # an image file name (written next to the issue)
    image_width_mm: float | None = None
    page_number: str | None = None  # a contents entry's page number, when the reader split it off
    line_count: int = 1  # how many physical lines the reader joined into this one
    hanging: bool | None = None  # its later lines hang under its first line's text (a list item), not at the edge
    x0: float | None = None  # where its first line starts (PDF only)


@dataclass
class ReadResult:
    """A reader's output: the lines, the images it extracted (name → bytes) and its own unsure places."""

    lines: list[Line]
    images: dict[str, bytes] = field(default_factory=dict)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (where, message)
    running: list[str] = field(default_factory=list)  # the running header/footer lines the reader dropped
