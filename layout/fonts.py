"""The font layer: load TrueType/CFF/collection/variable fonts as ReportLab TrueType faces, with fallback chains."""

from __future__ import annotations

import argparse
import difflib
import hashlib
import io
import os
import re
import struct
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import overload

from fontTools.ttLib import TTCollection, TTFont, TTLibError, newTable
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError
from reportlab.pdfbase.ttfonts import TTFont as RLTTFont

from layout.errors import Diagnostic, SourcePos
from layout.model import Text

# --- conversion -----------------------------------------------------------------------------------------

# font units; cu2qu error allowed when turning cubic curves into quadratic ones. One unit of a
# 1000-unit em is 0.01 pt at 10 pt type: invisible, and it keeps the glyf table small.
CU2QU_MAX_ERR = 1.0
# post 2.0 numbers glyph names from 258 (after the standard Macintosh names) in a ushort
POST_V2_MAX_GLYPHS = 0xFFFF - 258
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

    if "glyf" not in font:
        glyph_order = font.getGlyphOrder()
        glyph_set = font.getGlyphSet()
        glyf = newTable("glyf")
        glyf.glyphOrder = glyph_order
        glyf.glyphs = {}
        for name in glyph_order:
            pen = TTGlyphPen(None)
            # PostScript outlines run counter-clockwise, TrueType ones clockwise
            glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
            glyf.glyphs[name] = pen.glyph(dropImpliedOnCurves=True)
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


# --- public types ---------------------------------------------------------------------------------------

# em; stroke width that the drawing code gives a synthetic-bold face (text render mode 2, fill + stroke)
SYNTHETIC_BOLD_STROKE_EM = 0.03
# bumped when the converted-font format changes, so stale cache entries are not reused
CONVERTER_VERSION = 1
# characters that never start a run of their own: they modify the character before them
JOINERS = frozenset(["\u200c", "\u200d", *map(chr, range(0xFE00, 0xFE10)), *map(chr, range(0xE0100, 0xE01F0))])
# Unicode categories no font is expected to draw (controls, format characters, line/paragraph separators)
INVISIBLE_CATEGORIES = frozenset(["Cc", "Cf", "Zl", "Zp"])
# what fontTools raises on a damaged or truncated font file
FONT_READ_ERRORS = (TTLibError, KeyError, AssertionError, IndexError, ValueError, EOFError, struct.error)
# how a character joins the run before it in FontChain.split
_STAYS_NEVER, _STAYS_ALWAYS, _STAYS_IF_DRAWN = 0, 1, 2
_UNSAFE_NAME_CHARS = re.compile(r"[^A-Za-z0-9-]+")


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


@dataclass(frozen=True)
class _FontData:
    """What one parsed font contributes to every Face drawn from it (shared, read-only)."""

    label: str  # the ReportLab name, "bul-<label>-<8 hex>"
    path: Path  # the TrueType file registered with ReportLab
    family: str
    glyph_count: int
    units_per_em: int
    ascent: float
    descent: float
    advances: dict[str, float]  # character -> advance in em, for every character of the cmap
    notdef_advance: float
    rl_font: RLTTFont = field(compare=False, repr=False)  # the parsed face ReportLab embeds from


class Face:
    """One registered TrueType face and its metrics; `advance(ch)` is a dict lookup (the composer's hot path)."""

    __slots__ = ("_advances", "_coverage", "_data", "_generation", "_notdef", "spec", "synthetic_bold")

    def __init__(self, data: _FontData, spec: FontSpec, generation: int) -> None:
        self._data = data
        self._advances = data.advances
        self._notdef = data.notdef_advance
        self._coverage: frozenset[int] | None = None
        self._generation = generation
        self.spec = spec
        self.synthetic_bold = spec.synthetic_bold

    @property
    def name(self) -> str:
        """The name the face is registered under with ReportLab (registered again after a reset)."""
        if self._generation != _STATE.generation:
            register_font(self._data)
            self._generation = _STATE.generation
        return self._data.label

    @property
    def family(self) -> str:
        return self._data.family

    @property
    def glyph_count(self) -> int:
        return self._data.glyph_count

    @property
    def units_per_em(self) -> int:
        return self._data.units_per_em

    @property
    def ascent(self) -> float:
        """Typographic ascent in em (OS/2 sTypoAscender, as ReportLab uses)."""
        return self._data.ascent

    @property
    def descent(self) -> float:
        """Typographic descent in em, negative."""
        return self._data.descent

    @property
    def path(self) -> Path:
        """The TrueType file actually registered (the source, or its converted copy in the cache)."""
        return self._data.path

    def has(self, ch: str) -> bool:
        """Whether the face's cmap maps the character."""
        return ch in self._advances

    def advance(self, ch: str) -> float:
        """Advance width of `ch` in em; for a character the face lacks, that of .notdef (what ReportLab draws)."""
        return self._advances.get(ch, self._notdef)

    def pdf_chunks(self, text: str, document: object) -> list[tuple[str, bytes]]:
        """`text` as (PDF font resource, encoded bytes) pieces, one per embedded subset of ≤256 glyphs.

        Asking for a subset's resource name is also what makes ReportLab embed that subset.
        """
        font = pdfmetrics.getFont(self.name)
        pieces = font.splitString(text, document)
        return [(font.getSubsetInternalName(subset, document), chunk) for subset, chunk in pieces]

    def coverage(self) -> frozenset[int]:
        """Every code point the face maps."""
        if self._coverage is None:
            self._coverage = frozenset(map(ord, self._advances))
        return self._coverage

    def __repr__(self) -> str:
        return f"Face({self._data.label!r}, {self.spec.path.name!r})"


class FontChain(Sequence[Face]):
    """Faces in fallback order, primary first: each character is drawn by the first face that has it."""

    def __init__(self, faces: Iterable[Face]) -> None:
        self._faces = tuple(faces)
        if not self._faces:
            raise FontError("a font chain needs at least one face")
        # character -> (index of the first face that has it or -1, _STAYS_*): texts repeat characters a lot
        self._classes: dict[str, tuple[int, int]] = {}

    @overload
    def __getitem__(self, index: int) -> Face: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Face]: ...
    def __getitem__(self, index: int | slice) -> Face | Sequence[Face]:
        return self._faces[index]

    def __len__(self) -> int:
        return len(self._faces)

    def __repr__(self) -> str:
        return f"FontChain({list(self._faces)!r})"

    @property
    def primary(self) -> Face:
        return self._faces[0]

    def first_index(self, ch: str) -> int:
        """Index of the first face that has `ch`, or -1 when none has."""
        return (self._classes.get(ch) or self._classify(ch))[0]

    def _classify(self, ch: str) -> tuple[int, int]:
        found = next((i for i, face in enumerate(self._faces) if face.has(ch)), -1)
        if ch in JOINERS:
            stays = _STAYS_ALWAYS
        elif ch.isspace() or _is_invisible(ch):
            stays = _STAYS_IF_DRAWN
        else:
            stays = _STAYS_NEVER
        self._classes[ch] = (found, stays)
        return found, stays

    def face_for(self, ch: str) -> Face | None:
        """The face that draws `ch` on its own, or None when no face has it."""
        found = self.first_index(ch)
        return self._faces[found] if found >= 0 else None

    def split(self, text: str) -> list[tuple[Face, str]]:
        """Maximal runs of `text`, each with the face that draws it; the runs joined give `text` back.

        Joiners and variation selectors stay with the run before them; so do spaces and other
        invisible characters when that run's face has them (or no face does). A character no
        face has stays in the current run (the primary face's at the start): `missing()` reports it.
        """
        runs: list[tuple[Face, str]] = []
        faces, classes = self._faces, self._classes
        current: Face | None = None
        start = 0
        for i, ch in enumerate(text):
            found, stays = classes.get(ch) or self._classify(ch)
            if current is not None and (
                found < 0 or stays == _STAYS_ALWAYS or (stays == _STAYS_IF_DRAWN and current.has(ch))
            ):
                continue
            face = faces[found] if found >= 0 else faces[0]
            if face is not current:
                if current is not None:
                    runs.append((current, text[start:i]))
                current, start = face, i
        if current is not None:
            runs.append((current, text[start:]))
        return runs

    def missing(self, text: str) -> list[int]:
        """Indices of the characters of `text` that no face has (controls and format characters excepted)."""
        return [
            i for i, ch in enumerate(text) if self.first_index(ch) < 0 and ch not in JOINERS and not _is_invisible(ch)
        ]


def _is_invisible(ch: str) -> bool:
    return unicodedata.category(ch) in INVISIBLE_CATEGORIES


# --- loading --------------------------------------------------------------------------------------------


@dataclass
class _State:
    """This process's font caches; `generation` counts ReportLab registry resets."""

    faces: dict[tuple[object, ...], Face] = field(default_factory=dict)  # (spec, file stat) -> Face
    fonts: dict[tuple[object, ...], _FontData] = field(default_factory=dict)  # (sha256, face, weight) -> data
    registered: set[str] = field(default_factory=set)
    generation: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)


_STATE = _State()


def bundled_fonts_dir() -> Path:
    """The repository's fonts/ folder (bundled Noto faces), found relative to this package."""
    return Path(__file__).resolve().parent.parent / "fonts"


def font_cache_dir() -> Path:
    """Where converted fonts are kept: $BULLETIN_CACHE_DIR/fonts, else $XDG_CACHE_HOME or ~/.cache, /bulletin/fonts."""
    root = os.environ.get("BULLETIN_CACHE_DIR")
    if root:
        return Path(root) / "fonts"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "bulletin" / "fonts"


def load_face(spec: FontSpec) -> Face:
    """The Face for `spec`, parsed, converted if need be, and registered with ReportLab once per process.

    Raises FontError when the file is missing or not a usable font, the collection has no such
    face, or the weight is not on the font's 'wght' axis.
    """
    path = spec.path.expanduser().resolve()
    try:
        stat = path.stat()
    except OSError as exc:
        raise FontError(f"font file {spec.path} cannot be read: {exc.strerror or exc}") from None
    key = (spec, path, stat.st_mtime_ns, stat.st_size)
    with _STATE.lock:
        face = _STATE.faces.get(key)
        if face is None:
            data = load_font_data(path, spec)
            register_font(data)
            face = Face(data, spec, _STATE.generation)
            _STATE.faces[key] = face
    return face


def load_font_data(path: Path, spec: FontSpec) -> _FontData:
    """Parse (or find in the process cache) the font `spec` selects in `path`, converting it when needed."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FontError(f"font file {spec.path} cannot be read: {exc.strerror or exc}") from None
    digest = hashlib.sha256(raw).hexdigest()
    key = (digest, spec.index, spec.face_name, spec.weight)
    data = _STATE.fonts.get(key)
    if data is None:
        registered, label = resolve_truetype(path, raw, digest, spec)
        data = parse_metrics(registered, label, digest)
        _STATE.fonts[key] = data
    return data


def resolve_truetype(path: Path, raw: bytes, digest: str, spec: FontSpec) -> tuple[Path, str]:
    """(static TrueType file, label) for the face: `path` itself, or a converted copy in the font cache."""
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
    except FONT_READ_ERRORS as exc:
        raise FontError(f"{path}: not a TrueType/OpenType font ({exc})") from None
    if not is_collection and not variable and "glyf" in font:
        return path, label  # TrueType as is
    label = _UNSAFE_NAME_CHARS.sub("", f"{label}-w{spec.weight:g}" if spec.weight is not None else label)
    options = f"{digest}|{index}|{spec.weight}|{CU2QU_MAX_ERR}|{CONVERTER_VERSION}"
    cached = font_cache_dir() / f"{label}-{hashlib.sha256(options.encode()).hexdigest()[:16]}.ttf"
    if not cached.exists():
        build_cached_truetype(raw, index, spec.weight, cached)
    return cached, label


def select_collection_face(path: Path, raw: bytes, spec: FontSpec) -> tuple[int, str]:
    """(index, PostScript name) of the collection face `spec` names by index or by name (default: face 0)."""
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
    try:
        font = TTFont(io.BytesIO(raw), fontNumber=index, lazy=False, recalcTimestamp=False)
        if "fvar" in font:
            limits = {axis.axisTag: (weight if axis.axisTag == "wght" else None) for axis in font["fvar"].axes}
            from fontTools.varLib import instancer  # only variable fonts need it (slow to import)

            font = instancer.instantiateVariableFont(font, limits, static=True)
        convert_to_truetype(font)
    except FONT_READ_ERRORS as exc:
        raise FontError(f"{target.name}: cannot convert the font to TrueType ({exc})") from None
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


def parse_metrics(path: Path, label: str, digest: str) -> _FontData:
    """Parse a static TrueType file once, with ReportLab, and take our metrics from that same parse.

    ReportLab must parse the file to embed it anyway; reading cmap and hmtx a second time with fontTools
    doubled the cost of loading a 21,000-glyph CJK face. The face registers as bul-<label>-<hash>.
    """
    name = f"bul-{_UNSAFE_NAME_CHARS.sub('', label)}-{digest[:8]}"
    try:
        rl_font = RLTTFont(name, str(path))
    except (TTFError, OSError, *FONT_READ_ERRORS) as exc:
        raise FontError(f"{path}: not a usable TrueType font ({exc})") from None
    face = rl_font.face
    family = face.familyName.decode("utf-8", "replace") if isinstance(face.familyName, bytes) else face.familyName
    return _FontData(
        label=name,
        path=path,
        family=family or path.stem,
        glyph_count=face.numGlyphs,
        units_per_em=face.unitsPerEm,
        ascent=face.ascent / 1000,  # ReportLab keeps metrics in thousandths of an em (OS/2 typo values)
        descent=face.descent / 1000,
        # ReportLab also maps U+00A0 to the space glyph when the font lacks it (so it draws), and keeps the
        # cmap's 0xFFFF end-of-table sentinel, which is no character.
        advances={chr(cp): width / 1000 for cp, width in face.charWidths.items() if cp != 0xFFFF},
        notdef_advance=face.defaultWidth / 1000,
        rl_font=rl_font,
    )


def register_font(data: _FontData) -> None:
    """Register the face with ReportLab under its namespaced name (the project's only registerFont call)."""
    with _STATE.lock:
        if data.label in _STATE.registered:
            return
        pdfmetrics.registerFont(data.rl_font)
        _STATE.registered.add(data.label)


def reset_reportlab() -> None:
    """Reset ReportLab's global registries and this module's caches (test isolation).

    The one caller of the private `reportlab.rl_config._reset()` (pinned by reportlab>=5,<6).
    Faces loaded before stay usable: they register themselves again when next drawn.
    """
    rl_config._reset()
    with _STATE.lock:
        _STATE.faces.clear()
        _STATE.fonts.clear()
        _STATE.registered.clear()
        _STATE.generation += 1


# --- diagnostics ----------------------------------------------------------------------------------------


def coverage_diagnostics(texts: Iterable[Text], chain: FontChain) -> list[Diagnostic]:
    """One diagnostic per (character, position) that no face of `chain` can draw."""
    tried = ", ".join(face.spec.path.name for face in chain)
    texts = list(texts)
    # Check each distinct character once (an issue has a few hundred); look for positions only when one is missing.
    if not chain.missing("".join({ch for text in texts for ch in text.plain})):
        return []
    seen: set[tuple[str, SourcePos]] = set()
    out: list[Diagnostic] = []
    for text in texts:
        plain = text.plain
        for i in chain.missing(plain):
            ch, pos = plain[i], text.locate(i)
            if (ch, pos) not in seen:
                seen.add((ch, pos))
                out.append(Diagnostic(pos, f"'{ch}' U+{ord(ch):04X} is in no configured font", f"fonts tried: {tried}"))
    return out


# --- bulletin fonts -------------------------------------------------------------------------------------

# how many fallback characters `bulletin fonts` lists per face before "…"
MAX_LISTED_CHARACTERS = 20


def describe_face(key: str, face: Face) -> str:
    """One line for `bulletin fonts`: theme name, file, glyphs, coverage summary, ReportLab name."""
    coverage = face.coverage()
    han = sum(1 for cp in coverage if 0x4E00 <= cp <= 0x9FFF)
    latin = sum(1 for cp in coverage if 0x20 <= cp <= 0xFF)
    flags = " (synthetic bold)" if face.synthetic_bold else ""
    return (
        f"{key}: {face.spec.path.name}{flags}, {face.glyph_count} glyphs, {len(coverage)} code points "
        f"(Han {han}, Latin {latin}), {face.family}, as {face.name}"
    )


def describe_fallback(chain: FontChain, texts: Sequence[Text]) -> list[str]:
    """Per face of the chain: how many characters it draws, and which ones when it is a fallback."""
    counts: dict[int, int] = {}
    first_seen: dict[int, dict[str, SourcePos]] = {}
    for text in texts:
        for offset, ch in enumerate(text.plain):
            face_index = chain.first_index(ch)
            if face_index < 0 or ch.isspace():
                continue
            counts[face_index] = counts.get(face_index, 0) + 1
            first_seen.setdefault(face_index, {}).setdefault(ch, text.locate(offset))
    lines = []
    for face_index, face in enumerate(chain):
        distinct = first_seen.get(face_index, {})
        line = f"  {face.spec.path.name}: {counts.get(face_index, 0)} characters ({len(distinct)} distinct)"
        if face_index > 0 and distinct:
            listed = [f"'{ch}' U+{ord(ch):04X} at {pos}" for ch, pos in list(distinct.items())[:MAX_LISTED_CHARACTERS]]
            more = ", …" if len(distinct) > MAX_LISTED_CHARACTERS else ""
            line += ": " + ", ".join(listed) + more
        lines.append(line)
    return lines


def run_fonts(args: argparse.Namespace) -> int:
    """`bulletin fonts [ISSUE.yaml]`: the faces and roles of the theme; for an issue, fallback and missing characters.

    Exit 0, or 2 when the issue or theme is invalid, a font file unusable, or a character is in
    no configured font (the roles checked are those `bulletin check` and `render` check).
    """
    from layout.errors import SourceError, sort_diagnostics
    from layout.loader import load_issue, load_publication
    from layout.theme import load_theme
    from layout.validate import TEXT_ROLES_CHECKED, glyph_problems

    try:
        issue = load_issue(Path(args.source), publication=_optional_path(args.publication)) if args.source else None
        if args.theme:
            theme_ref: str | Path = args.theme
        elif issue is not None:
            theme_ref = issue.publication.theme
        elif args.publication:
            theme_ref = load_publication(Path(args.publication)).theme
        else:
            theme_ref = "default"
        theme = load_theme(theme_ref)
        faces = {key: load_face(spec) for key, spec in theme.font_specs.items()}
    except SourceError as exc:
        print(exc.report(), file=sys.stderr)  # noqa: T201
        return 2
    except FontError as exc:
        # a theme naming an unusable font is invalid input, as for `bulletin check`
        print(f"font problem: {exc}", file=sys.stderr)  # noqa: T201
        return 2

    print(f"theme: {theme.name}")  # noqa: T201
    print("faces:")  # noqa: T201
    for key, face in faces.items():
        print(f"  {describe_face(key, face)}")  # noqa: T201
    print("roles:")  # noqa: T201
    for role, names in theme.roles.items():
        print(f"  {role}: {' → '.join(names)}")  # noqa: T201
    if issue is None:
        return 0

    texts = issue.texts()
    print(f"issue: {args.source}")  # noqa: T201
    for role in TEXT_ROLES_CHECKED:
        if role in theme.roles:
            print(f"role {role}:")  # noqa: T201
            for line in describe_fallback(theme.chain(role), texts):
                print(line)  # noqa: T201
    missing = sort_diagnostics(glyph_problems(issue, theme))
    for diagnostic in missing:
        print(diagnostic.format(), file=sys.stderr)  # noqa: T201
    print(f"missing: {len(missing)} character(s) in no configured font")  # noqa: T201
    return 2 if missing else 0


def _optional_path(value: str | None) -> Path | None:
    return Path(value) if value else None
