"""Build the bundled TrueType faces in fonts/ from Debian's fonts-noto-cjk (run once by a developer: the provenance).

    python fonts/build_fonts.py                 # writes fonts/NotoSerifSC-Regular.ttf, …Bold.ttf, NotoSansSC-Bold.ttf
    python fonts/build_fonts.py --check         # rebuilds in a temporary folder and compares bytes with fonts/
    python fonts/build_fonts.py --face-cache    # only rewrites fonts/cache/ (the faces' parsed-metrics records)

Each face is the Simplified Chinese member of a Noto CJK collection, subset to the characters a
bulletin prints (see COVERAGE), its CFF outlines converted to quadratic TrueType outlines (ReportLab
embeds only `glyf` fonts) by `layout.fonts.convert.convert_to_truetype`, hinting, vertical metrics and
OpenType layout dropped (the composer does not shape). The output is deterministic: the head
timestamps come from the source face, so building twice gives identical bytes.
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import io
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

from layout.fonts.convert import CU2QU_MAX_ERR, convert_to_truetype
from layout.fonts.registry import bundled_face_cache_dir, bundled_face_records, load_face
from layout.fonts.spec import FontSpec

SOURCE_DIR = Path("/usr/share/fonts/opentype/noto")
DEBIAN_PACKAGE = "fonts-noto-cjk"
DEBIAN_VERSION = "1:20220127+repack1-1"  # the version these files were built from; --check warns on another
OUT_DIR = Path(__file__).resolve().parent

# Inclusive code point ranges every face covers (as far as the source face has them).
COVERAGE: tuple[tuple[int, int], ...] = (
    (0x0020, 0x00FF),  # Basic Latin + Latin-1 (× ÷ · ° ± ¥ …)
    (0x2000, 0x206F),  # General Punctuation (— … ‘’ “” ‰ ※ …)
    (0x2100, 0x2122),  # letterlike symbols (℃ № ™)
    (0x2160, 0x216B),  # Roman numerals Ⅰ–Ⅻ
    (0x2170, 0x217B),  # small Roman numerals ⅰ–ⅻ
    (0x2190, 0x2193),  # arrows ← ↑ → ↓
    (0x2460, 0x249B),  # ①–⑳, ⑴–⒇, ⒈–⒛
    (0x3000, 0x303F),  # CJK Symbols and Punctuation (、。〈〉《》「」『』【】〔〕〇 …)
    (0x3220, 0x3229),  # ㈠–㈩
    (0x4E00, 0x9FA5),  # CJK Unified Ideographs (GB 2312 / GBK Han and the rest of the URO)
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms (，：；！？（）￥ …)
)
# Single characters seen in Chinese official documents outside the ranges above.
EXTRA_CHARACTERS = "−∶≤≥≠≈±∞√∑∏∈∩∪∠⊥∥°′″§¶■□▲△▼▽◆◇○◎●★☆✓·・﹏﹑﹔﹖"


@dataclass(frozen=True)
class Target:
    """One bundled face: the output file, its source collection and the PostScript name of the face in it."""

    output: str
    source: str
    postscript_name: str


TARGETS: tuple[Target, ...] = (
    Target("NotoSerifSC-Regular.ttf", "NotoSerifCJK-Regular.ttc", "NotoSerifCJKsc-Regular"),
    Target("NotoSerifSC-Bold.ttf", "NotoSerifCJK-Bold.ttc", "NotoSerifCJKsc-Bold"),
    Target("NotoSansSC-Bold.ttf", "NotoSansCJK-Bold.ttc", "NotoSansCJKsc-Bold"),
)
# name IDs kept: copyright, family, style, unique ID, full name, version, PostScript name, licence, licence URL
KEPT_NAME_IDS = (0, 1, 2, 3, 4, 5, 6, 13, 14)
VERSION_SUFFIX = "; bulletin subset, TrueType outlines (fonts/build_fonts.py)"


def build_unicodes() -> list[int]:
    """Every code point the bundled faces should cover, sorted."""
    wanted = {cp for first, last in COVERAGE for cp in range(first, last + 1)}
    wanted.update(ord(ch) for ch in EXTRA_CHARACTERS)
    return sorted(wanted)


def load_source_face(path: Path, postscript_name: str) -> TTFont:
    """The face named `postscript_name` (name ID 6) of the collection at `path`, fully loaded."""
    names = [font["name"].getDebugName(6) for font in TTCollection(str(path), lazy=True).fonts]
    if postscript_name not in names:
        raise SystemExit(f"{path}: no face {postscript_name!r}; it has {', '.join(map(str, names))}")
    return TTFont(str(path), fontNumber=names.index(postscript_name), recalcTimestamp=False)


def build_subset_options() -> subset.Options:
    """fontTools.subset options: no hinting, no layout tables, glyph ids renumbered, timestamps kept."""
    options = subset.Options()
    options.layout_features = []
    options.drop_tables = [*options.drop_tables, "GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx"]
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    options.name_IDs = list(KEPT_NAME_IDS)
    options.name_languages = [0x0409]  # English (United States): the names ReportLab reads
    options.recalc_timestamp = False
    options.prune_unicode_ranges = True
    return options


def build_face(target: Target, source_dir: Path, out_dir: Path, max_err: float = CU2QU_MAX_ERR) -> Path:
    """Subset, convert and write one face; return the path written."""
    font = load_source_face(source_dir / target.source, target.postscript_name)
    created, modified = font["head"].created, font["head"].modified
    subsetter = subset.Subsetter(build_subset_options())
    subsetter.populate(unicodes=build_unicodes())
    subsetter.subset(font)
    convert_to_truetype(font, max_err)
    name = font["name"]
    version = name.getDebugName(5) or ""
    name.setName(version + VERSION_SUFFIX, 5, 3, 1, 0x409)
    head = font["head"]
    # fixed timestamps (the source face's), so the output bytes depend on the inputs only
    head.created, head.modified = created, modified
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / target.output
    font.recalcTimestamp = False
    # write beside and rename, so a reader never sees a half-written face
    partial = out.with_suffix(".ttf.partial")
    font.save(str(partial), reorderTables=True)
    partial.replace(out)
    return out


def summarize_face(path: Path) -> dict[str, object]:
    """Size, glyph count, coverage counts and SHA-256 of a built face (for README.md)."""
    font = TTFont(str(path), lazy=True)
    cmap = set(font.getBestCmap())
    return {
        "file": path.name,
        "bytes": path.stat().st_size,
        "glyphs": font["maxp"].numGlyphs,
        "code_points": len(cmap),
        "han": sum(1 for cp in cmap if 0x4E00 <= cp <= 0x9FA5),
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "tables": " ".join(sorted(font.keys())),
    }


def verify_reportlab(path: Path) -> None:
    """Load the face as the renderer does and draw one line; ReportLab must embed it as a TrueType subset."""
    from reportlab.pdfgen.canvas import Canvas

    face = load_face(FontSpec(path))
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1, pageCompression=0)
    canvas.setFont(face.name, 12)
    canvas.drawString(72, 720, "快讯（2018）0602期：工业互联网“发展”《行动计划》①—… ABC")
    canvas.save()
    data = buffer.getvalue()
    if b"/FontFile2" not in data or not re.search(rb"/BaseFont /[A-Z]{6}\+", data):
        raise SystemExit(f"{path}: ReportLab did not embed it as a TrueType subset")


def installed_package_version() -> str | None:
    """The installed fonts-noto-cjk version according to dpkg, or None when dpkg is unavailable."""
    try:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", DEBIAN_PACKAGE], capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        return None
    return result.stdout.strip() or None


def build_all(targets: Iterable[Target], source_dir: Path, out_dir: Path, jobs: int) -> list[Path]:
    """Build every target, `jobs` at a time (each face takes a minute and ~1 GB of memory)."""
    targets = list(targets)
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(build_face, t, source_dir, out_dir) for t in targets]
        return [f.result() for f in futures]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-dir", type=Path, default=SOURCE_DIR, help="folder holding the Noto CJK .ttc files")
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR)
    parser.add_argument("--jobs", type=int, default=1, help="faces built in parallel")
    parser.add_argument("--check", action="store_true", help="rebuild into a temporary folder and compare bytes")
    parser.add_argument("--face-cache", action="store_true", help="only rewrite the face records in fonts/cache/")
    args = parser.parse_args(argv)

    if args.face_cache:
        write_face_cache()
        return 0

    version = installed_package_version()
    if version != DEBIAN_VERSION:
        print(f"warning: {DEBIAN_PACKAGE} is {version}, the bundled faces were built from {DEBIAN_VERSION}")
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            built = build_all(TARGETS, args.source_dir, Path(tmp), args.jobs)
            differ = [p.name for p in built if not filecmp.cmp(p, args.out_dir / p.name, shallow=False)]
        for name in differ:
            print(f"{name}: differs from the rebuilt face")
        print("identical" if not differ else f"{len(differ)} face(s) differ")
        return 1 if differ else 0
    for path in build_all(TARGETS, args.source_dir, args.out_dir, args.jobs):
        verify_reportlab(path)
        summary = summarize_face(path)
        print(" ".join(f"{key}={value}" for key, value in summary.items()))
    write_face_cache()
    return 0


def write_face_cache() -> None:
    """Rewrite fonts/cache/: the parsed-face records of the bundled faces (layout/fonts/facecache.py), so a
    render restores them instead of parsing 21,000 glyphs per face; records of older faces are removed."""
    folder = bundled_face_cache_dir()
    folder.mkdir(exist_ok=True)
    records = bundled_face_records()
    for stale in folder.glob("*.face"):
        if stale.name not in records:
            stale.unlink()
    for name, data in records.items():
        (folder / name).write_bytes(data)
        print(f"{folder.name}/{name}: {len(data):,} bytes")


if __name__ == "__main__":
    sys.exit(main())
