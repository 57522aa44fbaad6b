"""What a theme asks of the font layer: which font to load (FontSpec), and the one error it raises (FontError)."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

# what a font parser raises on a damaged or truncated font file (fontTools' own TTLibError aside: convert.py adds
# it where fontTools reads, so that a render from the face cache never imports fontTools)
FONT_READ_ERRORS = (KeyError, AssertionError, IndexError, ValueError, EOFError, struct.error)


class FontError(Exception):
    """A font that cannot be used: missing or unreadable file, unknown face, impossible weight."""


@dataclass(frozen=True)
class FontSpec:
    """Which font to load: a file, the face in a collection (index or name), the weight of a variable font.

    `synthetic_bold` asks the drawing code to embolden the face by stroking its outlines.
    """

    path: Path
    index: int | None = None
    face_name: str | None = None
    weight: float | None = None
    synthetic_bold: bool = False

