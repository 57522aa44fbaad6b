"""Font conversion: any TrueType/OpenType-CFF/collection/variable face -> a static TrueType file ReportLab embeds.

Converted files are kept in a cache folder on disk (`font_cache_dir`), named by a hash of their inputs.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import logging
import os
import re
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from layout.fonts.spec import FONT_READ_ERRORS, FontError, FontSpec

if TYPE_CHECKING:  # fontTools is imported where a font is read or converted: a render from the face cache needs none
    from fontTools.ttLib import TTFont

# font units; cu2qu error allowed when turning cubic curves into quadratic ones. One unit of a
# 1000-unit em is 0.01 pt at 10 pt type: invisible, and it keeps the glyf table small.
CU2QU_MAX_ERR = 1.0
# post 2.0 numbers glyph names from 258 (after the standard Macintosh names) in a ushort
POST_V2_MAX_GLYPHS = 0xFFFF - 258
# A conversion says what it does on this logger (the CLI shows it on stderr): a font converted on first use
# (a 65,000-glyph CFF collection takes minutes) should not leave the user waiting in silence.
log = logging.getLogger("layout.fonts.convert")
PROGRESS_REPORTS = 10  # progress lines per conversion
PROGRESS_MIN_GLYPHS = 1000  # a small font converts in a blink: no progress lines for it
# tables a TrueType face for ReportLab does not need: CFF outlines, vertical metrics and shaping
DROPPED_TABLES = ("CFF ", "CFF2", "VORG", "vhea", "vmtx", "BASE", "GDEF", "GSUB", "GPOS", "JSTF", "DSIG", "meta")


def convert_to_truetype(font: TTFont, max_err: float = CU2QU_MAX_ERR) -> None:
    """Replace a static font's CFF/CFF2 outlines by quadratic `glyf` outlines, in place.

    Writes loca/glyf, maxp 1.0, post 2.0 (glyph names kept; 3.0 past POST_V2_MAX_GLYPHS) and
    hmtx side bearings from the new bounding boxes, and drops the tables in DROPPED_TABLES. A
    font that already has `glyf` only loses the dropped tables.
    """
    # Imported here: only conversion needs them, and they cost a tenth of a second at every start.
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    if "glyf" not in font:
        glyph_order = font.getGlyphOrder()
        glyph_set = font.getGlyphSet()
        glyf = newTable("glyf")
        glyf.glyphOrder = glyph_order
        glyf.glyphs = {}
        step = max(PROGRESS_MIN_GLYPHS, len(glyph_order) // PROGRESS_REPORTS)
        for count, name in enumerate(glyph_order, 1):
            pen = TTGlyphPen(None)
            # PostScript outlines run counter-clockwise, TrueType ones clockwise
            glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
            glyf.glyphs[name] = pen.glyph(dropImpliedOnCurves=True)
            if count % step == 0:
                log.info("  %d of %d glyphs converted", count, len(glyph_order))
        font["loca"] = newTable("loca")
        font["glyf"] = glyf
        build_truetype_tables(font)
    for tag in DROPPED_TABLES:
        if tag in font:
            del font[tag]
    font.sfntVersion = "\x00\x01\x00\x00"


def build_truetype_tables(font: TTFont) -> None:
    """Make maxp, post, head and hmtx describe the new `glyf` outlines."""
    glyf = font["glyf"]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    # no hinting: no instructions, storage, functions or twilight points
    maxp.maxZones = 1
    maxp.maxTwilightPoints = 0
    maxp.maxStorage = 0
    maxp.maxFunctionDefs = 0
    maxp.maxInstructionDefs = 0
    maxp.maxStackElements = 0
    maxp.maxSizeOfInstructions = 0
    maxp.maxComponentElements = max((len(g.components) for g in glyf.glyphs.values() if g.isComposite()), default=0)
    post = font["post"]
    # a font with more glyphs (a whole CJK face has 65,535) must use 3.0, which stores no names
    post.formatType = 2.0 if len(glyf.glyphOrder) <= POST_V2_MAX_GLYPHS else 3.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = None
    head = font["head"]
    head.glyphDataFormat = 0
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        glyph.recalcBounds(glyf)
        advance, _ = hmtx[name]
        hmtx[name] = (advance, getattr(glyph, "xMin", 0) if glyph.numberOfContours else 0)

# bumped when the converted-font format changes, so stale cache entries are not reused
CONVERTER_VERSION = 1
UNSAFE_NAME_CHARS = re.compile(r"[^A-Za-z0-9-]+")


def font_cache_dir() -> Path:
    """Where converted fonts are kept: $BULLETIN_CACHE_DIR/fonts, else $XDG_CACHE_HOME or ~/.cache, /bulletin/fonts."""
    root = os.environ.get("BULLETIN_CACHE_DIR")
    if root:
        return Path(root) / "fonts"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "bulletin" / "fonts"


def resolve_truetype(path: Path, raw: bytes, digest: str, spec: FontSpec) -> tuple[Path, str]:
    """(static TrueType file, label) for the face: `path` itself, or a converted copy in the font cache."""
    from fontTools.ttLib import TTFont, TTLibError

    is_collection = raw[:4] == b"ttcf"
    try:
        if is_collection:
            index, label = select_collection_face(path, raw, spec)
            font = TTFont(io.BytesIO(raw), fontNumber=index, lazy=True)
        else:
            font = TTFont(io.BytesIO(raw), lazy=True)
            index, label = 0, path.stem
            check_single_face(path, font, spec)
        variable = "fvar" in font
        if spec.weight is not None:
            check_weight(path, font, spec.weight)
    except (TTLibError, *FONT_READ_ERRORS) as exc:
        raise FontError(f"{path}: not a TrueType/OpenType font ({exc})") from None
    if not is_collection and not variable and "glyf" in font:
        return path, label  # TrueType as is
    label = UNSAFE_NAME_CHARS.sub("", f"{label}-w{spec.weight:g}" if spec.weight is not None else label)
    options = f"{digest}|{index}|{spec.weight}|{CU2QU_MAX_ERR}|{CONVERTER_VERSION}"
    cached = font_cache_dir() / f"{label}-{hashlib.sha256(options.encode()).hexdigest()[:16]}.ttf"
    if not cached.exists():
        build_cached_truetype(raw, index, spec.weight, cached)
    return cached, label


def select_collection_face(path: Path, raw: bytes, spec: FontSpec) -> tuple[int, str]:
    """(index, PostScript name) of the collection face `spec` names by index or by name (default: face 0)."""
    from fontTools.ttLib import TTCollection

    fonts = TTCollection(io.BytesIO(raw), lazy=True).fonts
    names = [(f["name"].getDebugName(6) or "", f["name"].getDebugName(4) or "") for f in fonts]
    listing = "; ".join(f"{i}: {ps}" + (f" ({full})" if full else "") for i, (ps, full) in enumerate(names))
    if spec.face_name is not None:
        matches = [i for i, pair in enumerate(names) if spec.face_name in pair]
        if not matches:
            close = difflib.get_close_matches(spec.face_name, [n for pair in names for n in pair], n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise FontError(f"{path}: no face named {spec.face_name!r}{hint}; the faces are {listing}")
        if spec.index is not None and spec.index != matches[0]:
            raise FontError(f"{path}: face {spec.face_name!r} is index {matches[0]}, not {spec.index}")
        index = matches[0]
    else:
        index = spec.index or 0
        if not 0 <= index < len(fonts):
            raise FontError(f"{path}: no face {index} in this collection; the faces are {listing}")
    return index, names[index][0] or f"{path.stem}-{index}"


def check_single_face(path: Path, font: TTFont, spec: FontSpec) -> None:
    """A plain font file has one face: index 0 and its own name are the only valid selections."""
    if spec.index not in (None, 0):
        raise FontError(f"{path}: face index {spec.index} given, but the file is not a collection")
    names = (font["name"].getDebugName(6), font["name"].getDebugName(4))
    if spec.face_name is not None and spec.face_name not in names:
        raise FontError(f"{path}: the face is {names[0]!r} ({names[1]}), not {spec.face_name!r}")


def check_weight(path: Path, font: TTFont, weight: float) -> None:
    """`weight` must lie on the font's 'wght' axis."""
    axes = {axis.axisTag: axis for axis in font["fvar"].axes} if "fvar" in font else {}
    axis = axes.get("wght")
    if axis is None:
        raise FontError(f"{path}: weight {weight:g} given, but the font has no 'wght' axis")
    if not axis.minValue <= weight <= axis.maxValue:
        raise FontError(f"{path}: weight {weight:g} is outside the font's range {axis.minValue:g}–{axis.maxValue:g}")


def build_cached_truetype(raw: bytes, index: int, weight: float | None, target: Path) -> None:
    """Instance (variable fonts) and convert face `index` of `raw` to TrueType, written atomically to `target`.

    Two processes converting the same font at once each write their own temporary file and
    rename it over `target`; the results are identical, so either rename wins.
    """
    from fontTools.ttLib import TTFont, TTLibError

    started = time.perf_counter()
    try:
        font = TTFont(io.BytesIO(raw), fontNumber=index, lazy=False, recalcTimestamp=False)
        log.info(
            "converting %s to TrueType, once (%d glyphs; a whole CJK collection takes minutes); cached as %s",
            target.stem.rsplit("-", 1)[0],
            len(font.getGlyphOrder()),
            target,
        )
        if "fvar" in font:
            limits = {axis.axisTag: (weight if axis.axisTag == "wght" else None) for axis in font["fvar"].axes}
            from fontTools.varLib import instancer  # only variable fonts need it (slow to import)

            font = instancer.instantiateVariableFont(font, limits, static=True)
        convert_to_truetype(font)
    except (TTLibError, *FONT_READ_ERRORS) as exc:
        raise FontError(f"{target.name}: cannot convert the font to TrueType ({exc})") from None
    log.info("  converted in %.1f s", time.perf_counter() - started)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=target.stem, suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                font.save(out)
            os.replace(temp, target)
        finally:
            if os.path.exists(temp):
                os.unlink(temp)
    except OSError as exc:
        raise FontError(f"cannot write the converted font {target}: {exc.strerror or exc}") from None

