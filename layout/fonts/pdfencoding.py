"""Text as the bytes of embedded font subsets: ReportLab's codes, looked up without a ReportLab call per piece.

ReportLab embeds a TrueType face as subsets of at most 256 glyphs and gives every character a code (subset
number, byte) the first time `TTFont.splitString` meets it, in one document. Drawing asked it for every
piece of text again, and for each piece's font resource name: a Python loop per character and two calls
per piece. `SubsetEncoding` keeps the codes already given out as two `str.translate` tables, and lets
ReportLab see only text holding a character it has not coded yet, in the same order as before: the codes,
and so the PDF's bytes, stay the same.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any, Protocol
from weakref import WeakKeyDictionary, ref

NBSP, SPACE = 0xA0, 0x20  # ReportLab draws a no-break space with the space glyph


class TTFont(Protocol):
    """What is used of a registered ReportLab TTFont (layout/fonts/registry.py hands it over)."""

    fontName: str  # noqa: N815 (ReportLab's names)
    state: Any  # document -> its subsets and assignments

    def splitString(self, text: str, doc: object) -> list[tuple[int, bytes]]: ...  # noqa: N802

    def getSubsetInternalName(self, subset: int, doc: object) -> str: ...  # noqa: N802


class SubsetEncoding:
    """One face's codes in one PDF document."""

    __slots__ = ("_bytes", "_document", "_font", "_known", "_names", "_subsets")

    def __init__(self, font: TTFont, document: object) -> None:
        self._font = font
        # Weakly: this encoding lives in _ENCODINGS under its document, which a strong reference would keep
        # alive for ever (with all its pages) in a process that renders many issues.
        self._document = ref(document)
        self._known: set[str] = set()  # characters ReportLab has coded (or found missing: .notdef, code 0)
        self._subsets: dict[int, str] = {}  # code point -> chr(subset number)
        self._bytes: dict[int, str] = {}  # code point -> chr(byte within the subset)
        self._names: dict[str, str] = {}  # chr(subset number) -> the subset's PDF font resource ("/F1+0")

    def chunks(self, text: str) -> list[tuple[str, bytes]]:
        """`text` as (font resource, bytes) pieces, one per run of characters in the same subset."""
        if not text:
            return []
        if not self._known.issuperset(text):
            self._learn(text)
        subsets = text.translate(self._subsets)
        encoded = text.translate(self._bytes).encode("latin-1")
        first = subsets[0]
        if subsets.count(first) == len(subsets):  # the usual case: the whole text in one subset
            return [(self._name(first), encoded)]
        pieces: list[tuple[str, bytes]] = []
        start = 0
        for subset, run in groupby(subsets):
            stop = start + len(list(run))
            pieces.append((self._name(subset), encoded[start:stop]))
            start = stop
        return pieces

    def _learn(self, text: str) -> None:
        # ReportLab codes new characters in order of first appearance, and a character coded before changes
        # nothing: handing it only the new ones, in that order, gives every character the code it gave before.
        new = [ch for ch in dict.fromkeys(text) if ch not in self._known]
        document = self._document()
        self._font.splitString("".join(new), document)
        assignments = self._font.state[document].assignments
        for ch in new:
            code = ord(ch)
            n = assignments.get(SPACE if code == NBSP else code, 0)  # not in the font: .notdef
            self._subsets[code], self._bytes[code] = chr(n >> 8), chr(n & 0xFF)
        self._known.update(new)

    def _name(self, subset: str) -> str:
        name = self._names.get(subset)
        if name is None:
            # The first call also makes ReportLab embed the face: it is made at the same point as before.
            name = self._names[subset] = self._font.getSubsetInternalName(ord(subset), self._document())
        return name


# document -> font name -> its encoding; a document's entries go with it
_ENCODINGS: WeakKeyDictionary[object, dict[str, SubsetEncoding]] = WeakKeyDictionary()


def subset_encoding(font: TTFont, document: object) -> SubsetEncoding:
    """The encoding of the registered `font` in `document` (a ReportLab PDFDocument)."""
    fonts = _ENCODINGS.get(document)
    if fonts is None:
        fonts = _ENCODINGS[document] = {}
    encoding = fonts.get(font.fontName)
    if encoding is None:
        encoding = fonts[font.fontName] = SubsetEncoding(font, document)
    return encoding
