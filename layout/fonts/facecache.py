"""Parsed faces, cached: what ReportLab's TrueType parser extracts from a font, kept on disk so a render need not
walk a 21,000-glyph font's tables at every start.

ReportLab's `TTFontFile.extractInfo` reads name, head, hhea, OS/2, post, cmap, hmtx and loca in pure Python:
about 0.1 s per bundled face, every process. A face record keeps its results (scalars, the cmap, the widths,
the horizontal metrics and the glyph offsets as packed arrays) in a `marshal` file named by a hash of the font's
content, the face selection, this format and the ReportLab version. Restoring one takes a few milliseconds;
the font file itself is memory-mapped only when a PDF's subsets are written (`makeSubset` reads the glyphs it
embeds), so worker processes share its pages through the OS page cache instead of each holding a copy.

The records of the bundled faces ship prebuilt in fonts/cache/ (`python fonts/build_fonts.py --face-cache`
regenerates them; a test checks they are current); records of other fonts go to the font cache folder. Finding
a record needs the font's SHA-256: an index in the font cache remembers it per file (size, times, inode), so an
unchanged font is not read and hashed again either.
This module is the record format only; the registry builds ReportLab's objects from it (and registers them).
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import mmap
import os
import tempfile
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

import reportlab

# Bumped whenever the record layout or what it holds changes: older records are then never read.
FORMAT = 1
SUFFIX = ".face"
# The tables kept as packed arrays (they make up nearly all of a record); every other attribute the parser
# sets is a scalar, a name or a small table directory, stored as is.
_TABLES = ("charToGlyph", "charWidths", "hmetrics", "glyphPos")
# Stored apart: the file's bytes (mapped on demand), the read position, the units-per-em scaling function
# (rebuilt from unitsPerEm), and glyph → characters (only ReportLab's text shaping reads it), packed like the
# tables and unpacked on first use, as are the metrics and glyph offsets only subsetting reads.
_NOT_STORED = ("_ttf_data", "_pos", "_pdfScale", "glyphToChar", "_packed")


@dataclass(frozen=True, slots=True)
class FaceKey:
    """What a face record is found by: the font file's content and which face of it is meant."""

    digest: str  # SHA-256 of the font file
    index: int | None = None
    face_name: str | None = None
    weight: float | None = None

    def filename(self) -> str:
        selection = f"{FORMAT}|{reportlab.Version}|{self.digest}|{self.index}|{self.face_name}|{self.weight}"
        return hashlib.sha256(selection.encode()).hexdigest()[:32] + SUFFIX


@dataclass(frozen=True, slots=True)
class FaceRecord:
    """A face record, read back: the TrueType file ReportLab embeds from (the font itself or its converted copy),
    the label its registered name is made from, the parser's attributes (`attrs`, with the cmap and widths as
    dicts), its name strings (`names`, which ReportLab keeps as TTFNameBytes) and the tables only subsetting and
    shaping read, still packed (`packed`: unpack with `lazy_table`)."""

    truetype: Path
    label: str
    attrs: dict[str, Any]
    names: dict[str, str]
    packed: dict[str, Any]


def lazy_table(name: str, packed: dict[str, Any]) -> object:
    """A table a restored face makes on first use: hmetrics, glyphPos (subsetting) or glyphToChar (shaping)."""
    if name == "hmetrics":
        advances, bearings = packed["hmetrics"]
        return _Pairs(_array(advances), _array(bearings))
    if name == "glyphPos":
        return _array(packed["glyphPos"])
    glyphs, codes = packed["glyphToChar"]
    glyph_to_char: dict[int, list[int]] = {}
    for glyph, code in zip(_unpack(glyphs), _unpack(codes), strict=True):
        glyph_to_char.setdefault(glyph, []).append(code)
    return glyph_to_char


LAZY_TABLES = ("hmetrics", "glyphPos", "glyphToChar")


def map_file(path: Path) -> mmap.mmap | bytes:
    """The font file's bytes, mapped read-only (shared between processes); an empty file cannot be mapped."""
    with open(path, "rb") as handle:
        try:
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (ValueError, OSError):
            return handle.read()


# --- records ------------------------------------------------------------------------------------------------


def encode(face_attrs: dict[str, Any], truetype: str, label: str) -> bytes | None:
    """The record of a parsed face, from its attributes (`vars(face)`; `truetype`: "" when the font file is
    embedded as is, else the converted file's name in the font cache); None when the face holds something this
    format cannot store. Name strings (ReportLab's TTFNameBytes, bytes with a `ustr`) are kept as text."""
    attrs: dict[str, object] = {}
    names: dict[str, str] = {}
    for key, value in face_attrs.items():
        if key in _NOT_STORED or key in _TABLES:
            continue
        if isinstance(value, bytes) and isinstance(getattr(value, "ustr", None), str):
            names[key] = value.ustr  # type: ignore[attr-defined]
        else:
            attrs[key] = value
    cmap = face_attrs["charToGlyph"]
    widths = face_attrs["charWidths"]
    hmetrics = face_attrs["hmetrics"]
    glyph_to_char = face_attrs["glyphToChar"]
    try:
        record = {
            "format": FORMAT,
            "reportlab": reportlab.Version,
            "truetype": truetype,
            "label": label,
            "attrs": attrs,
            "names": names,
            "cmap": (_pack(cmap.keys()), _pack(cmap.values())),
            "widths": (_pack(widths.keys()), _pack(widths.values())),
            "hmetrics": (_pack(aw for aw, _ in hmetrics), _pack(lsb for _, lsb in hmetrics)),
            "glyphPos": _pack(face_attrs["glyphPos"]),
            "glyphToChar": (
                _pack(glyph for glyph, codes in glyph_to_char.items() for _ in codes),
                _pack(code for codes in glyph_to_char.values() for code in codes),
            ),
        }
        return marshal.dumps(record)
    except (ValueError, TypeError, OverflowError, KeyError):
        return None


def decode(data: bytes, font_path: Path, cache_dir: Path) -> FaceRecord | None:
    """The record's contents, or None when it is not of this format and ReportLab version, is damaged, or its
    TrueType file is gone."""
    try:
        record = marshal.loads(data)
        if record["format"] != FORMAT or record["reportlab"] != reportlab.Version:
            return None
        truetype = cache_dir / record["truetype"] if record["truetype"] else font_path
        if not truetype.is_file():
            return None
        attrs = dict(record["attrs"])
        codes, glyphs = record["cmap"]
        attrs["charToGlyph"] = dict(zip(_unpack(codes), _unpack(glyphs), strict=True))
        codes, widths = record["widths"]
        attrs["charWidths"] = dict(zip(_unpack(codes), _unpack(widths), strict=True))
        packed = {key: record[key] for key in LAZY_TABLES}
        return FaceRecord(truetype, record["label"], attrs, dict(record["names"]), packed)
    except (ValueError, TypeError, KeyError, EOFError):
        return None  # damaged or foreign: parsed again and rewritten


# Array type codes from the narrowest up: unsigned, then signed integers; doubles for anything else.
_INTEGER_CODES = ("B", "H", "I", "Q", "b", "h", "i", "q")


def _pack(values: object) -> tuple[str, bytes]:
    """Numbers as a packed array of the narrowest integer type that holds them all, else of doubles (an int
    stays an int and a float a float)."""
    items = list(values)  # type: ignore[call-overload]
    typecode = "d"
    if all(type(v) is int for v in items):
        low, high = min(items, default=0), max(items, default=0)
        for code in _INTEGER_CODES:
            bits = 8 * array(code).itemsize
            lowest, highest = (0, 2**bits - 1) if code.isupper() else (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
            if lowest <= low and high <= highest:
                typecode = code
                break
    return typecode, array(typecode, items).tobytes()


def _array(packed: tuple[str, bytes]) -> array[Any]:
    typecode, raw = packed
    values = array(typecode)
    values.frombytes(raw)
    return values


def _unpack(packed: tuple[str, bytes]) -> list[Any]:
    return _array(packed).tolist()


class _Pairs(Sequence[tuple[Any, Any]]):
    """hmetrics as ReportLab's subsetter reads it, (advance, side bearing) by glyph, over two packed arrays."""

    def __init__(self, first: array[Any], second: array[Any]) -> None:
        self._first, self._second = first, second

    def __len__(self) -> int:
        return len(self._first)

    @overload
    def __getitem__(self, index: int) -> tuple[Any, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[Any, Any]]: ...
    def __getitem__(self, index: int | slice) -> tuple[Any, Any] | Sequence[tuple[Any, Any]]:
        if isinstance(index, slice):
            return list(zip(self._first[index], self._second[index], strict=True))
        return self._first[index], self._second[index]


# --- content digests ------------------------------------------------------------------------------------------

# in the font cache: path -> file identity and SHA-256, so an unchanged font is not hashed again
DIGESTS_FILE = "digests.marshal"


def file_identity(stat: os.stat_result) -> list[int]:
    """What says a file is unchanged since it was hashed (as git's index does): size, times, inode."""
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


def content_digest(path: Path, stat: os.stat_result, cache_dir: Path, memo: dict[str, object]) -> str:
    """SHA-256 of the font file, from the digest index when the file is unchanged since it was hashed.

    `memo` is the process's copy of the index (read once); a new digest is written back to it and to disk.
    """
    if not memo:
        with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
            loaded = marshal.loads((cache_dir / DIGESTS_FILE).read_bytes())
            if isinstance(loaded, dict):
                memo.update(loaded)
        memo.setdefault("", "read")  # marks the index as read, even when empty or missing
    identity = file_identity(stat)
    entry = memo.get(str(path))
    if isinstance(entry, list) and len(entry) == 2 and entry[0] == identity and isinstance(entry[1], str):
        return entry[1]
    with open(path, "rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    memo[str(path)] = [identity, digest]
    _write_atomically(cache_dir / DIGESTS_FILE, marshal.dumps(memo))
    return digest


# --- on disk ------------------------------------------------------------------------------------------------


def load(key: FaceKey, font_path: Path, search: list[Path], cache_dir: Path) -> FaceRecord | None:
    """The record for `key` from the first folder of `search` that has a current one."""
    name = key.filename()
    for folder in search:
        try:
            data = (folder / name).read_bytes()
        except OSError:
            continue
        found = decode(data, font_path, cache_dir)
        if found is not None:
            return found
    return None


def store(key: FaceKey, record: bytes, folder: Path) -> None:
    """Write a face record for `key` into `folder` (atomically; a cache that cannot be written is only slower)."""
    _write_atomically(folder / key.filename(), record)


def _write_atomically(target: Path, data: bytes) -> None:
    """Write beside `target`, then rename (concurrent writers each rename a whole file); a cache that cannot be
    written only makes the next start slower."""
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temp, target)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temp)
