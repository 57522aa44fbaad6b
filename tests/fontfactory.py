"""Tiny test fonts built with fontTools' FontBuilder: TrueType, CFF OpenType, collections and a variable font.

Every glyph is a box (Han and full-width punctuation: 1 em wide, ASCII: half an em), so widths can
be counted by hand. The CFF glyphs have a curved corner, so converting them exercises cu2qu.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.basePen import AbstractPen
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont
from fontTools.ttLib.tables.TupleVariation import TupleVariation

UPEM = 1000
ASCENT = 880  # the ideographic em box of Noto CJK: 880 above the baseline, 120 below
DESCENT = -120
HAN = "中文字国"
PUNCTUATION = "，。、《》“”"
ASCII = "ABab1 "
DEFAULT_CHARS = HAN + PUNCTUATION + ASCII
# variable font: the wght axis and how far the heavy master widens 中 (advance and right edge)
WGHT_MIN, WGHT_DEFAULT, WGHT_MAX = 100.0, 400.0, 900.0
HEAVY_EXTRA_ADVANCE = 200


def default_advance(ch: str) -> int:
    """Full-width (1 em) for Han and CJK punctuation, half an em for ASCII."""
    return UPEM // 2 if ord(ch) < 0x80 else UPEM


def glyph_name(ch: str) -> str:
    """The glyph name the factory gives a character."""
    return "space" if ch == " " else f"uni{ord(ch):04X}"


def _draw_box(pen: AbstractPen, advance: int, curved: bool) -> None:
    """A box inset 50 units from the advance, 700 units high.

    Without `curved`: clockwise, as TrueType wants. With `curved`: counter-clockwise, as
    PostScript/CFF wants, with a cubic curve for the top-right corner.
    """
    left, right, bottom, top = 50, advance - 50, 0, 700
    pen.moveTo((left, bottom))
    if curved:
        pen.lineTo((right, bottom))
        pen.lineTo((right, top - 100))
        pen.curveTo((right, top - 45), (right - 45, top), (right - 100, top))
        pen.lineTo((left, top))
    else:
        pen.lineTo((left, top))
        pen.lineTo((right, top))
        pen.lineTo((right, bottom))
    pen.closePath()


def _setup_common(fb: FontBuilder, chars: str) -> list[str]:
    """Glyph order (.notdef first) and cmap; returns the glyph order."""
    order = [".notdef", *(glyph_name(ch) for ch in chars)]
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap({ord(ch): glyph_name(ch) for ch in chars})
    return order


def _finish(fb: FontBuilder, family: str, style: str, metrics: dict[str, tuple[int, int]]) -> None:
    """Metrics, names and the remaining required tables."""
    fb.setupHorizontalMetrics(metrics)
    fb.setupHorizontalHeader(ascent=ASCENT, descent=DESCENT)
    ps_name = f"{family.replace(' ', '')}-{style}"
    fb.setupNameTable({"familyName": family, "styleName": style, "fullName": f"{family} {style}", "psName": ps_name})
    fb.setupOS2(sTypoAscender=ASCENT, sTypoDescender=DESCENT, usWinAscent=ASCENT, usWinDescent=-DESCENT)
    fb.setupPost()


def build_truetype_font(
    chars: str = DEFAULT_CHARS,
    family: str = "Test Sans",
    style: str = "Regular",
    advances: dict[str, int] | None = None,
) -> TTFont:
    """A static TrueType (glyf) font with a box glyph for every character of `chars`."""
    advances = {ch: (advances or {}).get(ch, default_advance(ch)) for ch in chars}
    fb = FontBuilder(UPEM, isTTF=True)
    order = _setup_common(fb, chars)
    glyphs = {}
    metrics = {}
    for name, ch in zip(order, [None, *chars], strict=True):
        pen = TTGlyphPen(None)
        advance = advances[ch] if ch else UPEM // 2
        if ch != " ":
            _draw_box(pen, advance, curved=False)
        glyphs[name] = pen.glyph()
        metrics[name] = (advance, 50 if ch != " " else 0)
    fb.setupGlyf(glyphs)
    _finish(fb, family, style, metrics)
    return fb.font


def build_cff_font(
    chars: str = DEFAULT_CHARS,
    family: str = "Test Serif",
    style: str = "Regular",
    advances: dict[str, int] | None = None,
) -> TTFont:
    """A static CFF OpenType font (cubic outlines: each box has a curved corner)."""
    advances = {ch: (advances or {}).get(ch, default_advance(ch)) for ch in chars}
    fb = FontBuilder(UPEM, isTTF=False)
    order = _setup_common(fb, chars)
    charstrings = {}
    metrics = {}
    for name, ch in zip(order, [None, *chars], strict=True):
        advance = advances[ch] if ch else UPEM // 2
        pen = T2CharStringPen(advance, None)
        if ch != " ":
            _draw_box(pen, advance, curved=True)
        charstrings[name] = pen.getCharString()
        metrics[name] = (advance, 50 if ch != " " else 0)
    ps_name = f"{family.replace(' ', '')}-{style}"
    fb.setupCFF(ps_name, {"FullName": f"{family} {style}"}, charstrings, {})
    _finish(fb, family, style, metrics)
    return fb.font


def build_variable_font(chars: str = DEFAULT_CHARS, family: str = "Test Flex") -> TTFont:
    """A TrueType variable font with a wght axis (100–400–900): at 900, 中 is HEAVY_EXTRA_ADVANCE wider.

    The delta moves the glyph's right edge and its advance (the right phantom point), so the
    instance at weight w has 中 advance 1000 + 200·(w−400)/500 and right edge 950 + the same.
    """
    font = build_truetype_font(chars, family=family)
    fb = FontBuilder(font=font)
    fb.setupFvar(
        axes=[("wght", WGHT_MIN, WGHT_DEFAULT, WGHT_MAX, "Weight")],
        instances=[{"location": {"wght": WGHT_DEFAULT}, "stylename": "Regular"}],
    )
    glyph = font["glyf"][glyph_name("中")]
    coords = glyph.getCoordinates(font["glyf"])[0]
    # right-side points move right; the four phantom points follow the outline's: only the advance one moves
    deltas = [(HEAVY_EXTRA_ADVANCE if x > UPEM / 2 else 0, 0) for x, _ in coords]
    deltas += [(0, 0), (HEAVY_EXTRA_ADVANCE, 0), (0, 0), (0, 0)]
    fb.setupGvar({glyph_name("中"): [TupleVariation({"wght": (0.0, 1.0, 1.0)}, deltas)]})
    return fb.font


def save_font(font: TTFont, path: Path) -> Path:
    """Write `font` to `path` and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(path))
    return path


def build_collection(fonts: Iterable[TTFont], path: Path) -> Path:
    """Write the fonts as one TrueType collection (.ttc) and return its path."""
    collection = TTCollection()
    collection.fonts = list(fonts)
    path.parent.mkdir(parents=True, exist_ok=True)
    collection.save(str(path))
    return path


def build_cff_from_truetype(source: Path, chars: str, family: str = "Test Song", style: str = "Regular") -> TTFont:
    """A CFF OpenType font with the outlines and advances that the TrueType font `source` has for `chars` (its
    quadratic curves drawn as cubic ones), as a user's own .otf would be: characters `source` lacks are left out."""
    truetype = TTFont(source)
    cmap = truetype.getBestCmap()
    glyph_set = truetype.getGlyphSet()
    hmtx = truetype["hmtx"]
    chars = "".join(dict.fromkeys(ch for ch in chars if ord(ch) in cmap))
    fb = FontBuilder(truetype["head"].unitsPerEm, isTTF=False)
    order = _setup_common(fb, chars)
    charstrings = {}
    metrics = {}
    for name, ch in zip(order, [None, *chars], strict=True):
        source_name = ".notdef" if ch is None else cmap[ord(ch)]
        advance, bearing = hmtx[source_name]
        pen = T2CharStringPen(advance, glyph_set)
        glyph_set[source_name].draw(pen)
        charstrings[name] = pen.getCharString()
        metrics[name] = (advance, bearing)
    ps_name = f"{family.replace(' ', '')}-{style}"
    fb.setupCFF(ps_name, {"FullName": f"{family} {style}"}, charstrings, {})
    _finish(fb, family, style, metrics)
    return fb.font
