"""Font layer benchmark: bundled-face load times (cold and warm) and the PDF bytes embedded fonts add per page.

    python benchmarks/bench_fonts.py                  # load times + PDF sizes for 1, 5 and 20 pages
    python benchmarks/bench_fonts.py --cff            # also: renders with the system's CFF Noto Serif CJK (below)
    python benchmarks/bench_fonts.py --cff --whole-face   # and the old whole-face conversion (~100 s)

Cold: a fresh Python process imports layout.fonts, then load_face() parses and registers the face
(the import is timed separately). Warm: load_face() again in the same process (process cache), and
after reset_reportlab() (file parsed again, OS page cache hot).

--cff: a theme whose body face is the system's Noto Serif CJK SC, a CFF collection face converted glyph by glyph
as renders need them (layout/fonts/convert.py): `bulletin render` CPU time and peak memory with the font cache
cold, warm, for an issue with new characters, and after `bulletin fonts --prepare`; Typst on the same font;
the cache's size on disk.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from layout.fonts.registry import bundled_fonts_dir, load_face, reset_reportlab
from layout.fonts.spec import FontSpec

REPO = Path(__file__).resolve().parent.parent
BUNDLED = ("NotoSerifSC-Regular.ttf", "NotoSerifSC-Bold.ttf", "NotoSansSC-Bold.ttf")
SAMPLE_ISSUE = REPO / "issues" / "2018-0602.yaml"
REALISTIC_ISSUE = REPO / "tests" / "cases" / "realistic" / "2019-0412.yaml"
SYSTEM_TTC = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
SYSTEM_FACE = "NotoSerifCJKsc-Regular"
# page geometry of the size test: A4, 10.5 pt type (五号), 40 characters a line, 45 lines a page
FONT_STREAM = re.compile(rb"/Length (\d+) /Length1 (\d+)")
PAGE_W, PAGE_H, FONT_SIZE, CHARS_PER_LINE, LINES_PER_PAGE = 595.0, 842.0, 10.5, 40, 45

COLD_SCRIPT = """
import sys, time
t0 = time.perf_counter()
from layout.fonts.registry import load_face
from layout.fonts.spec import FontSpec
t1 = time.perf_counter()
face = load_face(FontSpec(__import__("pathlib").Path(sys.argv[1])))
t2 = time.perf_counter()
print(f"{t1 - t0:.4f} {t2 - t1:.4f} {face.glyph_count}")
"""


def time_cold(path: Path, repeats: int) -> tuple[float, float, int]:
    """(median import seconds, median load seconds, glyph count) over `repeats` fresh processes."""
    imports, loads, glyphs = [], [], 0
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", COLD_SCRIPT, str(path)], capture_output=True, text=True, check=True
        ).stdout.split()
        imports.append(float(out[0]))
        loads.append(float(out[1]))
        glyphs = int(out[2])
    return statistics.median(imports), statistics.median(loads), glyphs


def time_warm(path: Path, repeats: int) -> tuple[float, float]:
    """(median seconds of a process-cache hit, median seconds to parse again after reset_reportlab)."""
    load_face(FontSpec(path))
    hits = []
    for _ in range(repeats):
        start = time.perf_counter()
        load_face(FontSpec(path))
        hits.append(time.perf_counter() - start)
    reparses = []
    for _ in range(repeats):
        reset_reportlab()
        start = time.perf_counter()
        load_face(FontSpec(path))
        reparses.append(time.perf_counter() - start)
    return statistics.median(hits), statistics.median(reparses)


def load_sample_text() -> str:
    """The printed text of the sample issue, run together (whitespace dropped)."""
    from layout.loader.issue import load_issue

    issue = load_issue(SAMPLE_ISSUE)
    return "".join("".join(text.plain.split()) for text in issue.texts())


def render_pages(text: str, pages: int, font_name: str) -> bytes:
    """`pages` pages of `text` (cycled) in fixed lines, compressed as a real render would be."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_W, PAGE_H), invariant=1, pageCompression=1)
    per_page = CHARS_PER_LINE * LINES_PER_PAGE
    for page in range(pages):
        canvas.setFont(font_name, FONT_SIZE)
        start = page * per_page
        chunk = (text * (1 + (start + per_page) // len(text)))[start : start + per_page]
        for line in range(LINES_PER_PAGE):
            piece = chunk[line * CHARS_PER_LINE : (line + 1) * CHARS_PER_LINE]
            canvas.drawString(60, PAGE_H - 60 - line * FONT_SIZE * 1.5, piece)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def embedded_font_bytes(pdf: bytes) -> tuple[int, int, int]:
    """(embedded TrueType programs, their stored (compressed) bytes, their uncompressed bytes).

    ReportLab writes every /FontFile2 stream with /Length (stored) and /Length1 (font program).
    pypdf confirms the PDF has as many /FontFile2 descriptors as the regex finds streams.
    """
    streams = FONT_STREAM.findall(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    descriptors = {
        font.get_object()["/FontDescriptor"].raw_get("/FontFile2").idnum
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
        if "/FontDescriptor" in font.get_object()
    }
    if len(descriptors) != len(streams):
        raise SystemExit(f"found {len(streams)} font streams but {len(descriptors)} /FontFile2 descriptors")
    return len(streams), sum(int(stored) for stored, _ in streams), sum(int(program) for _, program in streams)


def bench_load(repeats: int) -> None:
    print("load times (median of", repeats, "runs)")
    print(f"{'face':26} {'bytes':>10} {'glyphs':>7} {'import s':>9} {'cold s':>8} {'hit µs':>8} {'reparse s':>10}")
    for name in BUNDLED:
        path = bundled_fonts_dir() / name
        imported, cold, glyphs = time_cold(path, repeats)
        hit, reparse = time_warm(path, repeats)
        print(
            f"{name:26} {path.stat().st_size:>10} {glyphs:>7} {imported:>9.3f} {cold:>8.3f} "
            f"{hit * 1e6:>8.1f} {reparse:>10.3f}"
        )


def bench_pdf_size(page_counts: tuple[int, ...]) -> None:
    face = load_face(FontSpec(bundled_fonts_dir() / BUNDLED[0]))
    text = load_sample_text()
    ascii_text = "The quick brown fox jumps over the lazy dog. " * (len(text) // 45 + 1)
    print()
    print(f"PDF size: {FONT_SIZE} pt text, {CHARS_PER_LINE}×{LINES_PER_PAGE} characters a page, compressed pages;")
    print(f"sample text: {len(text)} characters of {SAMPLE_ISSUE.name}, {len(set(text))} distinct")
    print(
        f"{'pages':>5} {'distinct':>8} {'CJK PDF':>9} {'Helvetica':>9} {'difference':>10} {'per page':>9} "
        f"{'subsets':>7} {'font bytes':>10} {'unpacked':>9}"
    )
    per_page = CHARS_PER_LINE * LINES_PER_PAGE
    for pages in page_counts:
        cjk = render_pages(text, pages, face.name)
        latin = render_pages(ascii_text, pages, "Helvetica")
        programs, font_bytes, program_bytes = embedded_font_bytes(cjk)
        distinct = len(set((text * (1 + pages * per_page // len(text)))[: pages * per_page]))
        difference = len(cjk) - len(latin)
        print(
            f"{pages:>5} {distinct:>8} {len(cjk):>9} {len(latin):>9} {difference:>10} {difference / pages:>9.0f} "
            f"{programs:>7} {font_bytes:>10} {program_bytes:>9}"
        )


def bench_cff_font(runs: int, whole_face: bool) -> None:
    """A theme whose body face is the system's Noto Serif CJK SC (a CFF collection face, converted glyph by glyph
    as renders need them): whole `bulletin render` processes, CPU time, with the font cache cold, warm, after
    `bulletin fonts --prepare`, and for a second issue with characters the first did not print; Typst renders
    the sample with the same font (it reads CFF as is). With `whole_face`, also the old way: converting all
    65,535 glyphs of the face (about 100 s)."""
    if not SYSTEM_TTC.exists() or shutil.which("fc-match") is None:
        print(f"\nCFF font: {SYSTEM_TTC} or fontconfig not installed (apt-get install fonts-noto-cjk), skipped")
        return
    sys.path.insert(0, str(REPO / "benchmarks"))
    from bench_render import bulletin_command, run_process, typst_command
    from common import ensure_dependencies

    ensure_dependencies()
    with tempfile.TemporaryDirectory(prefix="bench-cff-") as tmp:
        work = Path(tmp)
        sample, realistic = cff_publication(work / "sample", SAMPLE_ISSUE), cff_publication(work / "realistic",
                                                                                          REALISTIC_ISSUE)
        counter = iter(range(1_000_000))

        def render(issue: Path, cache: str) -> tuple[float, float]:
            """(median CPU seconds, median peak MiB) of `runs` renders with the cache folder `cache` (each run of a
            cold cache gets a fresh copy of it)."""
            cpus, peaks = [], []
            for _ in range(runs):
                folder = work / "caches" / f"{cache}-{next(counter)}"
                if (work / "caches" / cache).exists():
                    shutil.copytree(work / "caches" / cache, folder)
                os.environ["BULLETIN_CACHE_DIR"] = str(folder)
                done = run_process(bulletin_command(issue, work / "out.pdf"))
                if done.returncode:
                    raise SystemExit(f"bulletin render failed: {done.stderr}")
                cpus.append(done.cpu)
                peaks.append(done.max_rss_mib)
            return statistics.median(cpus), statistics.median(peaks)

        def fill(cache: str, command: list[str]) -> float:
            """Run `command` once with the cache folder `cache` (kept); its CPU seconds."""
            os.environ["BULLETIN_CACHE_DIR"] = str(work / "caches" / cache)
            done = run_process(command)
            if done.returncode:
                raise SystemExit(f"{' '.join(command)} failed: {done.stderr}")
            return done.cpu

        launcher = bulletin_command(sample, work / "out.pdf")[:-4]
        rows = [("sample, first render, cold cache", *render(sample, "none"))]
        fill("sample", bulletin_command(sample, work / "out.pdf"))
        rows.append(("sample, warm cache", *render(sample, "sample")))
        rows.append(("realistic after the sample (new characters)", *render(realistic, "sample")))
        prepare_cpu = fill("prepared", [*launcher, "fonts", "--prepare", "--publication",
                                        str(sample.parent / "bulletin.yaml")])
        rows.append(("sample after fonts --prepare", *render(sample, "prepared")))
        rows.append(("realistic after fonts --prepare", *render(realistic, "prepared")))
        typst: list[float] = []
        fonts = work / "typst-fonts"
        fonts.mkdir()
        (fonts / SYSTEM_TTC.name).symlink_to(SYSTEM_TTC)
        (fonts / "NotoSansSC-Bold.ttf").symlink_to(bundled_fonts_dir() / "NotoSansSC-Bold.ttf")
        for _ in range(runs):
            # the sample as shipped (the peer template reads the default theme's YAML as is), its serif from `fonts`
            done = run_process([*typst_command(SAMPLE_ISSUE, work / "typst.pdf"), "--fonts", str(fonts)])
            if done.returncode:
                raise SystemExit(f"Typst failed: {done.stderr}")
            typst.append(done.cpu)
        peer = statistics.median(typst)
        print(f"\nA user's CFF font: {SYSTEM_TTC.name} face {SYSTEM_FACE} as the body face; whole processes, "
              f"CPU seconds, median of {runs}")
        print(f"{'render':46} {'CPU s':>7} {'peak MiB':>9} {'vs Typst':>9}")
        for label, cpu, peak in rows:
            print(f"{label:46} {cpu:>7.2f} {peak:>9.0f} {cpu / peer:>8.1f}x")
        print(f"{'Typst, sample, same font (reads CFF as is)':46} {peer:>7.2f}")
        print(f"bulletin fonts --prepare (GB 2312, ASCII, punctuation), cold cache: {prepare_cpu:.1f} s CPU")
        for cache in ("sample", "prepared"):
            size = sum(f.stat().st_size for f in (work / "caches" / cache).rglob("*") if f.is_file())
            print(f"font cache after {cache}: {size / 1e6:.1f} MB")
    if whole_face:
        bench_whole_face()


def cff_publication(folder: Path, issue: Path) -> Path:
    """A copy of `issue` and its publication in `folder`, the theme's song face being the system's Noto Serif CJK."""
    folder.mkdir(parents=True)
    shutil.copy(issue, folder / issue.name)
    publication = (issue.parent / "bulletin.yaml").read_text(encoding="utf-8")
    (folder / "bulletin.yaml").write_text(publication.replace("theme: default", "theme: ./cjk.yaml"), encoding="utf-8")
    (folder / "cjk.yaml").write_text('parent: default\nfonts:\n  song: {system: "Noto Serif CJK SC"}\n',
                                     encoding="utf-8")
    return folder / issue.name


def bench_whole_face() -> None:
    """The old way, for comparison: every glyph of the face converted (what a first render did before)."""
    from fontTools.ttLib import TTCollection, TTFont

    from layout.fonts.convert import convert_to_truetype

    faces = TTCollection(str(SYSTEM_TTC), lazy=True).fonts
    index = next(i for i, font in enumerate(faces) if font["name"].getDebugName(6) == SYSTEM_FACE)
    started = time.process_time()
    font = TTFont(str(SYSTEM_TTC), fontNumber=index, recalcTimestamp=False)
    convert_to_truetype(font)
    buffer = io.BytesIO()
    font.save(buffer)
    print(f"whole face converted (the old first render's conversion): {time.process_time() - started:.1f} s CPU, "
          f"{len(buffer.getvalue()) / 1e6:.1f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--pages", type=int, nargs="+", default=[1, 5, 20])
    parser.add_argument("--cff", action="store_true", help=f"also time renders with {SYSTEM_TTC.name} (a CFF font)")
    parser.add_argument("--whole-face", action="store_true", help="with --cff: also convert the whole face (~100 s)")
    args = parser.parse_args()
    bench_load(args.repeats)
    bench_pdf_size(tuple(args.pages))
    if args.cff:
        bench_cff_font(args.repeats, args.whole_face)
    return 0


if __name__ == "__main__":
    sys.exit(main())
