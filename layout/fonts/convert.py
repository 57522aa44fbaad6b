"""Font conversion: any TrueType/OpenType-CFF/collection/variable face -> a static TrueType file ReportLab embeds.

Converted files are kept in a cache folder on disk (`font_cache_dir`), named by a hash of their inputs.

A static CFF face (an .otf, or a face of a CFF collection such as the system's Noto Serif CJK .ttc) is converted
glyph by glyph, as renders need them: cu2qu costs about 1.5 ms a glyph, so converting all 65,535 glyphs of a
CJK face took 96 s, while an issue prints under a thousand distinct characters. Its "outline file" keeps the
source's glyph order, cmap and metrics whole (so coverage, fallback and widths are those of the full font) and
carries quadratic outlines for the converted glyphs only; the others are empty until a render asks for them
(`convert_outlines`). See `convert_outlines` for why this grows one file per face instead of keeping one file
per glyph set.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import io
import itertools
import logging
import os
import re
import struct
import tempfile
import time
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from layout.fileio import user_cache_dir
from layout.fonts.spec import FONT_READ_ERRORS, FontError, FontSpec

if TYPE_CHECKING:  # fontTools is imported where a font is read or converted: a render from the face cache needs none
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables._g_l_y_f import Glyph

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
GLYPH_HEADER = 10  # bytes: numberOfContours and the bounding box, before a simple glyph's endPtsOfContours
ANNOUNCE_MIN_GLYPHS = 100  # glyphs converted on demand (about 1.5 ms each) that are worth a notice
# tables a TrueType face for ReportLab does not need: CFF outlines, vertical metrics and shaping
DROPPED_TABLES = ("CFF ", "CFF2", "VORG", "vhea", "vmtx", "BASE", "GDEF", "GSUB", "GPOS", "JSTF", "DSIG", "meta")


def convert_to_truetype(font: TTFont, max_err: float = CU2QU_MAX_ERR) -> None:
    """Replace a static font's CFF/CFF2 outlines by quadratic `glyf` outlines, in place.

    Writes loca/glyf, maxp 1.0, post 2.0 (glyph names kept; 3.0 past POST_V2_MAX_GLYPHS) and
    hmtx side bearings from the new bounding boxes, and drops the tables in DROPPED_TABLES. A
    font that already has `glyf` only loses the dropped tables.
    """
    # Imported here: only conversion needs it, and fontTools costs a tenth of a second at every start.
    from fontTools.ttLib import newTable

    if "glyf" not in font:
        glyph_order = font.getGlyphOrder()
        glyf = newTable("glyf")
        glyf.glyphOrder = glyph_order
        glyf.glyphs = quadratic_glyphs(font, glyph_order, max_err)
        font["loca"] = newTable("loca")
        font["glyf"] = glyf
        build_truetype_tables(font)
    drop_cff_tables(font)


def quadratic_glyphs(font: TTFont, names: list[str], max_err: float = CU2QU_MAX_ERR) -> dict[str, Glyph]:
    """The named glyphs of a CFF font as TrueType glyphs (cu2qu), saying how far it is every tenth of the way."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    glyph_set = font.getGlyphSet()
    glyphs = {}
    step = max(PROGRESS_MIN_GLYPHS, len(names) // PROGRESS_REPORTS)
    for count, name in enumerate(names, 1):
        pen = TTGlyphPen(None)
        try:
            # PostScript outlines run counter-clockwise, TrueType ones clockwise
            glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        except FONT_READ_ERRORS as exc:  # a damaged charstring: say which glyph
            raise ValueError(f"glyph {name}: {exc or type(exc).__name__}") from None
        glyphs[name] = pen.glyph(dropImpliedOnCurves=True)
        if count % step == 0:
            log.info("  %d of %d glyphs converted", count, len(names))
    return glyphs


def drop_cff_tables(font: TTFont) -> None:
    """Drop what a TrueType face for ReportLab does not carry (DROPPED_TABLES) and mark it TrueType."""
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
    """Where converted fonts are kept: the fonts folder of the user's cache folder (fileio.user_cache_dir)."""
    return user_cache_dir() / "fonts"


@dataclass(frozen=True)
class OutlineSource:
    """Where the outlines of a face converted on demand come from: face `index` of the font file `path` (whose
    SHA-256 is `digest`); its outline files in the font cache are named `<stem>-<12 hex of the glyph set>.ttf`."""

    path: Path
    digest: str
    index: int
    stem: str


def resolve_truetype(path: Path, raw: bytes, digest: str, spec: FontSpec) -> tuple[Path, str, OutlineSource | None]:
    """(static TrueType file, label, outline source) for the face: `path` itself, or a converted copy in the font
    cache. For a static CFF face the copy is an outline file (converted on demand, see `convert_outlines`) and
    the outline source says where its outlines come from; for any other face it is None."""
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
        static_cff = "CFF " in font and not variable
    except (TTLibError, *FONT_READ_ERRORS) as exc:
        raise FontError(f"{path}: not a TrueType/OpenType font ({exc})") from None
    if not is_collection and not variable and "glyf" in font:
        return path, label, None  # TrueType as is
    label = UNSAFE_NAME_CHARS.sub("", f"{label}-w{spec.weight:g}" if spec.weight is not None else label)
    options = f"{digest}|{index}|{spec.weight}|{CU2QU_MAX_ERR}|{CONVERTER_VERSION}"
    cached = font_cache_dir() / f"{label}-{hashlib.sha256(options.encode()).hexdigest()[:16]}.ttf"
    if static_cff:
        with contextlib.suppress(OSError):
            cached.unlink(missing_ok=True)  # the whole face, as converted before (31 MB for a CJK face)
        options = f"{digest}|{index}|{CU2QU_MAX_ERR}|outlines {OUTLINES_VERSION}"
        source = OutlineSource(path, digest, index, f"{label}-{hashlib.sha256(options.encode()).hexdigest()[:16]}")
        outline_file, _ = convert_outlines(source, frozenset({NOTDEF}), raw=raw)
        return outline_file, label, source
    if not cached.exists():
        build_cached_truetype(raw, index, spec.weight, cached)
    return cached, label, None


# --- CFF faces, converted glyph by glyph -------------------------------------------------------------------

# bumped when the outline files' format changes, so stale ones are not reused
OUTLINES_VERSION = 1
NOTDEF = 0  # glyph 0, drawn for a character a font lacks: always converted
# Outline files kept per face: the newest (a render's) and the one before it (which a process that loaded its
# face record just before the newest was written may still be about to read). Older ones are deleted: each
# holds every glyph of the one before it, so the cache stays at about twice one face's converted glyphs.
KEEP_OUTLINE_FILES = 2


def outline_file_name(source: OutlineSource, glyphs: frozenset[int]) -> str:
    """`<stem>-<12 hex>.ttf`: the outline file of `source` with outlines for exactly the glyph ids `glyphs`."""
    packed = array("I", sorted(glyphs)).tobytes()
    return f"{source.stem}-{hashlib.sha256(packed).hexdigest()[:12]}.ttf"


def convert_outlines(
    source: OutlineSource, glyphs: frozenset[int], *, base: Path | None = None, raw: bytes | None = None
) -> tuple[Path, frozenset[int]]:
    """(outline file, its converted glyph ids) of `source` with outlines for the glyph ids `glyphs` (ids past the
    font's last glyph are dropped); `base`, an outline file of the same face, gives the ones it already has.

    Why one growing file per face rather than one file per issue's glyph set: a cached glyph is never
    converted twice, so an issue with a few new characters costs a few glyphs (milliseconds of cu2qu) plus
    writing the face's file again (about 0.5 s for a 65,535-glyph face) — never a whole conversion — and the
    cache stays one face's worth of glyphs, not a copy per issue. Converting a generous common set ahead of
    time (GB 2312, `bulletin fonts --prepare`) makes the usual issue a pure cache hit. The PDF bytes do not
    depend on which glyphs a file holds besides those printed (`normalized_subset`), so a render is the same
    whichever outline file served it.
    """
    from fontTools.ttLib import TTFont, TTLibError, newTable
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    cache = font_cache_dir()
    started = time.perf_counter()
    try:
        if raw is None:
            raw = read_source(source)
        font = TTFont(io.BytesIO(raw), fontNumber=source.index, lazy=True, recalcBBoxes=False, recalcTimestamp=False)
        order = font.getGlyphOrder()
        glyphs = frozenset(gid for gid in glyphs | {NOTDEF} if 0 <= gid < len(order))
        target = cache / outline_file_name(source, glyphs)
        if target.exists():
            return target, glyphs  # written by another process meanwhile
        kept, maxima = kept_outlines(base, order, glyphs) if base is not None else ({}, (0, 0))
        todo = [order[gid] for gid in sorted(glyphs) if order[gid] not in kept]
        if len(todo) >= ANNOUNCE_MIN_GLYPHS:
            log.info("converting %d glyphs of %s to TrueType (%d already converted); cached as %s",
                     len(todo), source.stem.rsplit("-", 1)[0], len(kept), target)
        converted = quadratic_glyphs(font, todo)
        hmtx = font["hmtx"]
        for name, glyph in converted.items():
            glyph.recalcBounds(None)
            hmtx[name] = (hmtx[name][0], glyph.xMin if glyph.numberOfContours else 0)
        for name, (glyph, bearing) in kept.items():
            hmtx[name] = (hmtx[name][0], bearing)
        glyf = newTable("glyf")
        glyf.glyphOrder = order
        glyf.glyphs = {name: Glyph() for name in order}
        glyf.glyphs.update({name: glyph for name, (glyph, _) in kept.items()})
        glyf.glyphs.update(converted)
        font["loca"] = newTable("loca")
        font["glyf"] = glyf
        outline_tables(font, converted.values(), maxima)
        drop_cff_tables(font)
        write_font(font, target)
    except (TTLibError, *FONT_READ_ERRORS) as exc:
        raise FontError(f"{source.path}: cannot convert the font to TrueType ({exc})") from None
    if len(todo) >= ANNOUNCE_MIN_GLYPHS:
        log.info("  converted in %.1f s", time.perf_counter() - started)
    prune_outline_files(source, keep=target)
    return target, glyphs


def read_source(source: OutlineSource) -> bytes:
    """The font file's bytes, which must still be those the face was loaded from."""
    try:
        raw = source.path.read_bytes()
    except OSError as exc:
        raise FontError(f"font file {source.path} cannot be read: {exc.strerror or exc}") from None
    if hashlib.sha256(raw).hexdigest() != source.digest:
        raise FontError(f"font file {source.path} changed on disk while in use; run again")
    return raw


def kept_outlines(
    base: Path, order: list[str], glyphs: frozenset[int]
) -> tuple[dict[str, tuple[Glyph, int]], tuple[int, int]]:
    """(glyph name -> (TrueType glyph, left side bearing) for the ids of `glyphs` that `base` holds outlines for,
    still as compiled bytes: copying them costs no parse; and base's maxp point and contour maxima).
    Nothing when `base` is gone or unreadable (another process pruned it: its glyphs are converted again)."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        font = TTFont(str(base), lazy=True)
        maxp = font["maxp"]
        if maxp.numGlyphs != len(order):
            return {}, (0, 0)
        # The source's glyph names (the file has the same glyph ids): past POST_V2_MAX_GLYPHS it keeps none, and
        # fontTools would make them up from its cmap, which costs half a second for a CJK face.
        font.setGlyphOrder(order)
        glyf, hmtx = font["glyf"], font["hmtx"]
        kept = {}
        for gid in glyphs:
            name = order[gid]
            glyph = glyf.glyphs[name]
            if vars(glyph).get("data"):  # a blank glyph (a space) has none: converting it again costs nothing
                kept[name] = (glyph, hmtx[name][1])
        return kept, (maxp.maxPoints, maxp.maxContours)
    except (OSError, TTLibError, *FONT_READ_ERRORS):
        return {}, (0, 0)


def outline_tables(font: TTFont, converted: Iterable[Glyph], kept_maxima: tuple[int, int]) -> None:
    """maxp 1.0 (no hinting; the point and contour maxima of the glyphs converted now and of those kept from the
    file before, whose maxima it carries: the file's own are then exact without reading its glyphs), post without
    glyph names past POST_V2_MAX_GLYPHS, glyf data."""
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    glyphs = [g for g in converted if g.numberOfContours > 0]
    maxp.maxPoints = max([kept_maxima[0], *(len(g.coordinates) for g in glyphs)])
    maxp.maxContours = max([kept_maxima[1], *(g.numberOfContours for g in glyphs)])
    maxp.maxCompositePoints = maxp.maxCompositeContours = maxp.maxComponentElements = maxp.maxComponentDepth = 0
    maxp.maxZones = 1
    maxp.maxTwilightPoints = maxp.maxStorage = maxp.maxFunctionDefs = maxp.maxInstructionDefs = 0
    maxp.maxStackElements = maxp.maxSizeOfInstructions = 0
    post = font["post"]
    post.formatType = 2.0 if len(font.getGlyphOrder()) <= POST_V2_MAX_GLYPHS else 3.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = None
    font["head"].glyphDataFormat = 0


def write_font(font: TTFont, target: Path) -> None:
    """Save `font` to `target` atomically: written beside it, then renamed (concurrent writers of the same
    file each rename a whole, identical one)."""
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


def prune_outline_files(source: OutlineSource, keep: Path) -> None:
    """Delete all but the KEEP_OUTLINE_FILES newest outline files of the face (`keep` always stays)."""
    files = []
    for path in font_cache_dir().glob(f"{source.stem}-*.ttf"):
        try:
            files.append((path.stat().st_mtime_ns, path.name, path))
        except OSError:
            continue
    files.sort(reverse=True)
    for _, _, path in files[KEEP_OUTLINE_FILES:]:
        if path != keep:
            with contextlib.suppress(OSError):
                path.unlink()


def normalized_subset(data: bytes) -> bytes:
    """A font subset ReportLab made from an outline file, made independent of the rest of that file.

    ReportLab copies head, hhea and maxp from the file it subsets. In an outline file, head's bounding box and
    hhea are the source font's (written without recalculation), but maxp's point and contour maxima are those of
    the glyphs the file happens to hold, and head's checksum adjustment that of the whole file. Here maxp gets the
    maxima of the subset's own glyphs (read from each glyph's header: numberOfContours, then the last entry of
    endPtsOfContours) and fontTools writes the checksum of the subset itself, so the PDF is byte-identical
    whichever outline file served the render. The glyphs are copied as they are (no recompiling)."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), recalcBBoxes=False, recalcTimestamp=False)
    glyf, offsets = font.reader["glyf"], font["loca"]
    points = contours = 0
    for start, end in itertools.pairwise(offsets):
        if end - start < GLYPH_HEADER:
            continue  # a blank glyph
        count = struct.unpack_from(">h", glyf, start)[0]
        if count > 0:  # a simple glyph (an outline file has no composites)
            last_point = struct.unpack_from(">H", glyf, start + GLYPH_HEADER + 2 * (count - 1))[0]
            points, contours = max(points, last_point + 1), max(contours, count)
    maxp = font["maxp"]
    maxp.maxPoints, maxp.maxContours = points, contours
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()



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
    write_font(font, target)
