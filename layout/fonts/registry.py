"""The font registry: parsed faces, fallback chains, and the process's font caches.

The only module that touches ReportLab's global font registry (pdfmetrics); tests and batch workers reset it
through `reset_reportlab`.
"""

from __future__ import annotations

import hashlib
import mmap
import threading
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path
from typing import cast, overload
from weakref import WeakKeyDictionary

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTEncoding, TTFError, TTFNameBytes, TTFontFace
from reportlab.pdfbase.ttfonts import TTFont as RLTTFont

from layout.caches import FileCache
from layout.fonts import facecache
from layout.fonts.convert import (
    NOTDEF,
    UNSAFE_NAME_CHARS,
    OutlineSource,
    convert_outlines,
    font_cache_dir,
    normalized_subset,
    resolve_truetype,
)
from layout.fonts.pdfencoding import subset_encoding
from layout.fonts.spec import FONT_READ_ERRORS, FontError, FontSpec

# em; stroke width that the drawing code gives a synthetic-bold face (text render mode 2, fill + stroke)
SYNTHETIC_BOLD_STROKE_EM = 0.03
# characters that never start a run of their own: they modify the character before them
JOINERS = frozenset(["\u200c", "\u200d", *map(chr, range(0xFE00, 0xFE10)), *map(chr, range(0xE0100, 0xE01F0))])
# Unicode categories no font is expected to draw (controls, format characters, line/paragraph separators)
INVISIBLE_CATEGORIES = frozenset(["Cc", "Cf", "Zl", "Zp"])
# the cmap's end-of-table sentinel, which ReportLab keeps in its tables but which is no character
NOT_A_CHARACTER = "\uffff"
# What ReportLab embeds of a face whether printed or not: its first subset holds printable ASCII at its own codes
# (rl_config.ttfAsciiReadable), so a PDF carries those glyphs as soon as it uses the face.
ALWAYS_EMBEDDED = range(0x20, 0x7F)
# how a character joins the run before it in FontChain.split
_STAYS_NEVER, _STAYS_ALWAYS, _STAYS_IF_DRAWN = 0, 1, 2


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
    # code point -> advance in thousandths of an em (ReportLab's own table). ReportLab also maps U+00A0 to the
    # space glyph when the font lacks it (so it draws), and keeps the cmap's 0xFFFF end-of-table sentinel.
    widths: dict[int, float]
    notdef_advance: float
    rl_font: RLTTFont = field(compare=False, repr=False)  # the parsed face ReportLab embeds from
    # character -> advance in em, filled as characters are asked for: a render asks for a few hundred of the
    # 21,000, and building the table whole cost more than the rest of restoring a face from its record
    advances: dict[str, float] = field(default_factory=dict, compare=False, repr=False)


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
        return Path(self._data.rl_font.face.filename)

    @property
    def converts_on_demand(self) -> bool:
        """Whether the face is a CFF face whose glyphs are converted to TrueType as renders need them."""
        return isinstance(self._data.rl_font.face, _OutlineFace)

    def converted_glyphs(self) -> int:
        """How many glyphs of the face are converted to TrueType: all of them, but for a face converted on demand."""
        face = self._data.rl_font.face
        return len(face.converted()) if isinstance(face, _OutlineFace) else self.glyph_count

    def prepare(self, chars: Iterable[str]) -> None:
        """Convert the glyphs of `chars` now (a face converted on demand; any other face has all its glyphs).

        A render calls this with everything it prints before it lays out, so that a conversion (and its
        progress) happens up front and a problem is reported at the theme's font, not in the middle of
        writing the PDF (which converts any glyph still missing as a last resort).
        """
        face = self._data.rl_font.face
        if isinstance(face, _OutlineFace):
            face.outline([*ALWAYS_EMBEDDED, *(ord(ch) for ch in chars if len(ch) == 1)])

    def has(self, ch: str) -> bool:
        """Whether the face's cmap maps the character."""
        return len(ch) == 1 and ch != NOT_A_CHARACTER and ord(ch) in self._data.widths

    def advance(self, ch: str) -> float:
        """Advance width of `ch` in em; for a character the face lacks, that of .notdef (what ReportLab draws)."""
        try:
            return self._advances[ch]
        except KeyError:
            width = self._data.widths.get(ord(ch)) if self.has(ch) else None
            advance = self._advances[ch] = self._notdef if width is None else width / 1000
            return advance

    def pdf_chunks(self, text: str, document: object) -> list[tuple[str, bytes]]:
        """`text` as (PDF font resource, encoded bytes) pieces, one per embedded subset of ≤256 glyphs.

        Asking for a subset's resource name is also what makes ReportLab embed that subset.
        """
        return subset_encoding(pdfmetrics.getFont(self.name), document).chunks(text)

    def coverage(self) -> frozenset[int]:
        """Every code point the face maps."""
        if self._coverage is None:
            self._coverage = frozenset(self._data.widths) - {ord(NOT_A_CHARACTER)}
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
        # characters the primary face draws, or that no face has (they stay in the run they are in): a text of
        # only these is one run in the primary face, the usual case, found without a loop in Python
        self._primary_run: set[str] = set()

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
        if found <= 0:
            self._primary_run.add(ch)
        return found, stays

    def split(self, text: str) -> list[tuple[Face, str]]:
        """Maximal runs of `text`, each with the face that draws it; the runs joined give `text` back.

        Joiners and variation selectors stay with the run before them; so do spaces and other
        invisible characters when that run's face has them (or no face does). A character no
        face has stays in the current run (the primary face's at the start): `missing()` reports it.
        """
        if self._primary_run.issuperset(text):
            return [(self._faces[0], text)] if text else []
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
    """What this process registered with ReportLab; `generation` counts ReportLab registry resets."""

    registered: set[str] = field(default_factory=set)
    # the font cache's on-disk digest index (layout/fonts/facecache.py), read once; its entries check themselves
    # against each font file's size, times and inode, so it is never stale
    digests: dict[str, object] = field(default_factory=dict)
    generation: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)


_STATE = _State()
# (spec, resolved path) -> Face; stale when the font file changes (layout.caches' rule)
_FACES: FileCache[tuple[FontSpec, Path], Face] = FileCache("font faces")
# (sha256 of the file, face index, face name, weight) -> parsed font: content-addressed, never stale
_FONT_DATA: FileCache[tuple[str, int | None, str | None, float | None], _FontData] = FileCache("parsed fonts")


def bundled_fonts_dir() -> Path:
    """The repository's fonts/ folder (bundled Noto faces), found relative to this package."""
    return Path(__file__).resolve().parents[2] / "fonts"


def load_face(spec: FontSpec) -> Face:
    """The Face for `spec`, parsed, converted if need be, and registered with ReportLab once per process.

    Raises FontError when the file is missing or not a usable font, the collection has no such
    face, or the weight is not on the font's 'wght' axis.
    """
    path = spec.path.expanduser().resolve()
    key = (spec, path)
    face = _FACES.get(key)
    if face is not None:
        return face
    with _STATE.lock:
        face = _FACES.get(key)
        if face is None:
            try:
                path.stat()
            except OSError as exc:
                raise FontError(f"font file {spec.path} cannot be read: {exc.strerror or exc}") from None
            data = load_font_data(path, spec)
            register_font(data)
            face = _FACES.put(key, Face(data, spec, _STATE.generation), [path])
    return face


def load_font_data(path: Path, spec: FontSpec) -> _FontData:
    """Parse (or find in the process cache) the font `spec` selects in `path`, converting it when needed."""
    cache_dir = font_cache_dir()
    try:
        digest = facecache.content_digest(path, path.stat(), cache_dir, _STATE.digests)
    except OSError as exc:
        raise FontError(f"font file {spec.path} cannot be read: {exc.strerror or exc}") from None
    key = (digest, spec.index, spec.face_name, spec.weight)
    data = _FONT_DATA.get(key)
    if data is None:
        # A face parsed before (by any process) is restored from its record; only a new one is parsed.
        face_key = facecache.FaceKey(digest, spec.index, spec.face_name, spec.weight)
        record = facecache.load(face_key, path, [bundled_face_cache_dir(), cache_dir], cache_dir)
        if record is not None:
            outlines = _outline_source(record, path, digest)
            binding = None if outlines is None else (outlines, face_key)
            rl_font = restored_font(font_name(record.label, digest), record, binding)
            data = font_data(rl_font, record.truetype)
        else:
            try:
                raw = path.read_bytes()
            except OSError as exc:
                raise FontError(f"font file {spec.path} cannot be read: {exc.strerror or exc}") from None
            registered, label, outlines = resolve_truetype(path, raw, digest, spec)
            if outlines is not None:  # a CFF face, converted on demand: its record says which glyphs are done
                record = outline_record(face_key, registered, label, outlines, frozenset({NOTDEF}))
                data = font_data(restored_font(font_name(label, digest), record, (outlines, face_key)), registered)
            else:
                data = parse_metrics(registered, label, digest)
                encoded = facecache.encode(vars(data.rl_font.face), "" if registered == path else registered.name,
                                           label)
                if encoded is not None:
                    facecache.store(face_key, encoded, cache_dir)
        data = _FONT_DATA.put(key, data)
    return data


def bundled_face_cache_dir() -> Path:
    """The prebuilt face records of the bundled fonts (fonts/cache/, written by fonts/build_fonts.py)."""
    return bundled_fonts_dir() / "cache"


def bundled_face_records() -> dict[str, bytes]:
    """File name -> content of the face records fonts/cache/ should hold: each bundled font parsed afresh."""
    records: dict[str, bytes] = {}
    for path in sorted(bundled_fonts_dir().glob("*.ttf")):
        raw = path.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        registered, label, _ = resolve_truetype(path, raw, digest, FontSpec(path))
        data = parse_metrics(registered, label, digest)
        record = facecache.encode(vars(data.rl_font.face), "", label)
        if record is None:
            raise FontError(f"{path}: the face cannot be stored as a face record")
        records[facecache.FaceKey(digest).filename()] = record
    return records



def parse_metrics(path: Path, label: str, digest: str) -> _FontData:
    """Parse a static TrueType file once, with ReportLab, and take our metrics from that same parse.

    ReportLab must parse the file to embed it anyway; reading cmap and hmtx a second time with fontTools
    doubled the cost of loading a 21,000-glyph CJK face. The face registers as bul-<label>-<hash>.
    """
    try:
        rl_font = RLTTFont(font_name(label, digest), str(path))
    except (TTFError, OSError, *FONT_READ_ERRORS) as exc:
        raise FontError(f"{path}: not a usable TrueType font ({exc})") from None
    return font_data(rl_font, path)


def font_name(label: str, digest: str) -> str:
    """The name a face registers under with ReportLab: bul-<label>-<8 hex of the font file's SHA-256>."""
    return f"bul-{UNSAFE_NAME_CHARS.sub('', label)}-{digest[:8]}"


def font_data(rl_font: RLTTFont, path: Path) -> _FontData:
    """Our metrics, taken from ReportLab's parse of the face (fresh, or restored from its face record)."""
    face = rl_font.face
    name = rl_font.fontName
    family = face.familyName.decode("utf-8", "replace") if isinstance(face.familyName, bytes) else face.familyName
    return _FontData(
        label=name,
        path=path,
        family=family or path.stem,
        glyph_count=face.numGlyphs,
        units_per_em=face.unitsPerEm,
        ascent=face.ascent / 1000,  # ReportLab keeps metrics in thousandths of an em (OS/2 typo values)
        descent=face.descent / 1000,
        widths=face.charWidths,
        notdef_advance=face.defaultWidth / 1000,
        rl_font=rl_font,
    )


class _RestoredFace(TTFontFace):
    """A TTFontFace restored from a face record (layout/fonts/facecache.py): the parser's attributes, with the
    file's bytes (mapped), the metrics and glyph offsets subsetting reads and the glyph → characters table
    shaping reads made on first use."""

    def __getattr__(self, name: str) -> object:  # only called for attributes not set
        if name == "_ttf_data":
            value: object = facecache.map_file(Path(self.__dict__["filename"]))
        elif name in facecache.LAZY_TABLES:
            value = facecache.lazy_table(name, self.__dict__["_packed"])
        else:
            raise AttributeError(name)
        setattr(self, name, value)
        return value

    def get_table(self, tag: str) -> bytes | _TableInPlace:
        if tag == "glyf":
            # ReportLab's subsetter takes the whole glyph table (9 MB for a CJK face) for every subset of 256
            # glyphs and slices one glyph at a time out of it: read the slices from the mapped file instead.
            offset, _ = super().get_table_pos(tag)
            return _TableInPlace(cast("bytes | mmap.mmap", self._ttf_data), offset)
        table: bytes = super().get_table(tag)
        return table


class _TableInPlace:
    """A font table as ReportLab's subsetter reads 'glyf', `table[start:stop]`, without copying it whole."""

    __slots__ = ("_data", "_offset")

    def __init__(self, data: bytes | mmap.mmap, offset: int) -> None:
        self._data, self._offset = data, offset

    def __getitem__(self, part: slice) -> bytes:
        return self._data[self._offset + part.start : self._offset + part.stop]


def restored_font(
    name: str, record: facecache.FaceRecord, outlines: tuple[OutlineSource, facecache.FaceKey] | None = None
) -> RLTTFont:
    """A ReportLab TTFont over a face restored from its record: what `TTFont(name, path)` builds, without parsing
    the file (tests/fonts/test_facecache.py compares the two attribute by attribute). With `outlines` (where its
    glyphs come from, and the key its record is stored under), the face of a CFF font converted on demand."""
    if outlines is not None:
        face: _RestoredFace = _OutlineFace.__new__(_OutlineFace)
        font: RLTTFont = _OutlineFont.__new__(_OutlineFont)
    else:
        face = _RestoredFace.__new__(_RestoredFace)
        font = RLTTFont.__new__(RLTTFont)
    _fill_face(face, record)
    if isinstance(face, _OutlineFace) and outlines is not None:
        face.bind(*outlines, record.label)
    font.fontName = name
    font.face = face
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = not any(fnmatch(name, glob) for glob in rl_config.unShapedFontGlob)
    return font


def _fill_face(face: TTFontFace, record: facecache.FaceRecord) -> None:
    """Set a restored face's attributes from its record (anything made from an earlier record is dropped)."""
    state = face.__dict__
    kept = {key: state[key] for key in _OutlineFace.BINDING if key in state}
    state.clear()
    state.update(record.attrs)
    for key, text in record.names.items():
        state[key] = TTFNameBytes(text.encode("utf8"))
    state["filename"] = str(record.truetype)
    state["_pos"] = 0
    state["_pdfScale"] = _units_scale(record.attrs["unitsPerEm"])
    state["_packed"] = record.packed
    state.update(kept)


# --- CFF faces converted on demand ----------------------------------------------------------------------------

# the face record attribute of an outline file: (face index in the font file, converted glyph ids packed as "I")
OUTLINES_ATTR = "bulletinOutlines"


class _OutlineFace(_RestoredFace):
    """The face of a CFF font converted glyph by glyph (layout/fonts/convert.py): its outline file has the whole
    font's cmap and metrics but outlines only for the glyphs converted so far. `outline` converts more (and
    switches to the new file); the subsets it embeds are normalized so that the PDF does not depend on which
    outline file served the render."""

    BINDING = ("_source", "_key", "_label")  # set by `bind`; kept when the face switches files

    def bind(self, source: OutlineSource, key: facecache.FaceKey, label: str) -> None:
        self.__dict__.update(_source=source, _key=key, _label=label)

    def converted(self) -> frozenset[int]:
        """Glyph ids of the face that the current outline file has outlines for."""
        _, packed = self.__dict__[OUTLINES_ATTR]
        glyphs = array("I")
        glyphs.frombytes(packed)
        return frozenset(glyphs)

    def outline(self, codes: Iterable[int]) -> None:
        """Convert the glyphs of the code points `codes` that are not converted yet, and switch to the outline
        file that has them (its record, rewritten, points the next process at it)."""
        cmap: dict[int, int] = self.__dict__["charToGlyph"]
        wanted = {cmap[code] for code in codes if code in cmap}
        with _STATE.lock:
            have = self.converted()
            try:
                self._ttf_data  # mapped now: a mapped file outlives its pruning by another process
            except OSError:
                have = frozenset()  # pruned before this process mapped it: convert its glyphs again
            if wanted <= have:
                return
            source: OutlineSource = self.__dict__["_source"]
            path, glyphs = convert_outlines(source, have | wanted, base=Path(self.__dict__["filename"]))
            _fill_face(self, outline_record(self.__dict__["_key"], path, self.__dict__["_label"], source, glyphs))

    def makeSubset(self, subset: list[int]) -> bytes:  # noqa: N802 (ReportLab's name)
        return normalized_subset(super().makeSubset(subset))


class _OutlineFont(RLTTFont):
    """A ReportLab TTFont over an `_OutlineFace`: before writing the subsets a PDF uses, it makes sure every glyph
    in them is converted (a render converts what it prints up front, `Face.prepare`; this is the last resort
    that never lets an unconverted, empty glyph into a PDF)."""

    def addObjects(self, doc: object) -> None:  # noqa: N802 (ReportLab's name)
        state = self.state.get(doc)
        face = self.face
        if state is not None and isinstance(face, _OutlineFace):
            face.outline(code for subset in state.subsets for code in subset)
        super().addObjects(doc)


def outline_record(
    key: facecache.FaceKey, truetype: Path, label: str, source: OutlineSource, glyphs: frozenset[int]
) -> facecache.FaceRecord:
    """Parse an outline file once with ReportLab, store its face record (with which glyphs are converted) under
    `key`, and return the record."""
    try:
        parsed = TTFontFace(str(truetype))
    except (TTFError, OSError, *FONT_READ_ERRORS) as exc:
        raise FontError(f"{truetype}: not a usable TrueType font ({exc})") from None
    attrs = {**vars(parsed), OUTLINES_ATTR: (source.index, array("I", sorted(glyphs)).tobytes())}
    encoded = facecache.encode(attrs, truetype.name, label)
    record = None if encoded is None else facecache.decode(encoded, source.path, truetype.parent)
    if encoded is None or record is None:
        raise FontError(f"{truetype}: the face cannot be stored as a face record")
    facecache.store(key, encoded, font_cache_dir())
    return record


def _outline_source(record: facecache.FaceRecord, path: Path, digest: str) -> OutlineSource | None:
    """The outline source of a face record made from an outline file, else None."""
    entry = record.attrs.get(OUTLINES_ATTR)
    if entry is None:
        return None
    stem = record.truetype.stem.rsplit("-", 1)[0]  # <label>-<16 hex>-<12 hex of the glyph set>
    return OutlineSource(path, digest, entry[0], stem)


def _units_scale(units_per_em: int) -> Callable[[float], float]:
    """ReportLab's font units → thousandths of an em, as its parser builds it."""
    if units_per_em == 1000:
        return lambda x: x
    factor = 1000 / units_per_em
    return lambda x: x * factor


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
        _FACES.clear()
        _FONT_DATA.clear()
        _STATE.registered.clear()
        _STATE.generation += 1

