"""Snapshot test harness: compare text snapshots and page images with references in tests/snapshots/.

`SnapshotChecker.assert_match` compares a text (usually `snapshot_pdf(...).to_text()`) with
`<name>.txt`; `assert_image` rasterises one PDF page with pdfium and compares it with `<name>.png`.
A missing or different reference fails with a readable message; with `update=True`
(`pytest --snapshot-update`) the reference is (re)written instead, but only when its content
changed, and the path is recorded in `written` for the end-of-session report.

Reference images are small on purpose: grayscale at a low dpi, quantised to `GRAY_LEVELS`
shades and stored as 4-bit PNGs (a dense A4 page of 10.5 pt Chinese text at 40 dpi is about
41 KiB), and never larger than `REF_IMAGE_LIMIT`.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from layout.fonts.registry import bundled_fonts_dir, load_face
from layout.fonts.spec import FontSpec
from layout.pdfdiff import build_difference_mask, compose_diff_image, format_unified_diff, render_page_images
from layout.snapshot import PdfSource

DIFF_LINES_SHOWN = 60  # longer diffs are cut; the full actual text is written beside the failure images
IMAGE_DPI = 40  # about 330x470 px for A4: enough to see a moved block, small enough to keep in git
GRAY_LEVELS = 16  # shades kept in reference images (4-bit PNG)
GRAY_STEP = 255 // (GRAY_LEVELS - 1)  # 17: one shade
IMAGE_TOLERANCE = GRAY_STEP  # a pixel may flip by one shade (antialiasing rounding) without counting
# share of pixels allowed to differ by more than the tolerance: 0.0002 is about 30 px of A4 at 40 dpi,
# while moving one 12 pt word by 1 pt changes about 90
IMAGE_MAX_SHARE = 0.0002
REF_IMAGE_LIMIT = 60 * 1024  # bytes; a bigger reference means the dpi is too high for a snapshot
NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*")  # no "..", no absolute paths
UPDATE_HINT = "if the change is intended, run `pytest --snapshot-update` and review the diff of the references"


@dataclass
class SnapshotChecker:
    """The `snapshot` fixture: references live in `directory`, failure artefacts go to `failure_dir`."""

    directory: Path
    failure_dir: Path
    update: bool = False
    written: list[Path] = field(default_factory=list)  # references (re)written in update mode

    def reference(self, name: str, suffix: str) -> Path:
        if not NAME.fullmatch(name):
            raise ValueError(f"snapshot name {name!r} must be letters, digits, '_', '-', '.' and '/' (no '..')")
        return self.directory / f"{name}{suffix}"

    def assert_match(self, name: str, text: str) -> None:
        """`text` must equal tests/snapshots/<name>.txt; on mismatch fail with a diff naming page and line."""
        path = self.reference(name, ".txt")
        expected = read_text(path) if path.exists() else None
        if expected == text:
            return
        if self.update:
            write_text(path, text)
            self.written.append(path)
            return
        actual_path = self.failure_dir / f"{name}.txt"
        write_text(actual_path, text)
        if expected is None:
            pytest.fail(
                f"no reference snapshot {path}; the output is in {actual_path}.\n"
                f"Check it, then run `pytest --snapshot-update` to create the reference.",
                pytrace=False,
            )
        pages = page_summary(expected, text)
        diff = format_unified_diff(expected.splitlines(), text.splitlines())
        shown = diff[:DIFF_LINES_SHOWN]
        if len(diff) > DIFF_LINES_SHOWN:
            shown.append(f"... {len(diff) - DIFF_LINES_SHOWN} more diff lines")
        pytest.fail(
            "\n".join(
                [
                    f"snapshot {name!r} differs from {path} (- reference, + actual; @@ gives line numbers and page):",
                    pages,
                    *shown,
                    f"actual output: {actual_path}",
                    UPDATE_HINT,
                ]
            ),
            pytrace=False,
        )

    def assert_image(
        self,
        name: str,
        pdf_path: PdfSource,
        page_index: int,
        tolerance: int = IMAGE_TOLERANCE,
        dpi: int = IMAGE_DPI,
        max_share: float = IMAGE_MAX_SHARE,
    ) -> None:
        """Page `page_index` (0-based) of the PDF must look like tests/snapshots/<name>.png.

        A pixel differs when its gray value moved by more than `tolerance`; the page fails when more than
        `max_share` of its pixels differ, or its size changed. On failure expected/actual/diff PNGs are
        written to the failure folder and named in the message.
        """
        path = self.reference(name, ".png")
        actual = render_gray_page(pdf_path, page_index, dpi)
        expected = load_reference_image(path) if path.exists() else None
        problem = compare_images(expected, actual, tolerance, max_share)
        if problem is None:
            return
        if self.update:
            data = encode_gray_png(actual)
            if len(data) > REF_IMAGE_LIMIT:
                pytest.fail(
                    f"reference image {path} would be {len(data) // 1024} KiB (limit {REF_IMAGE_LIMIT // 1024} KiB);"
                    f" use a lower dpi than {dpi}",
                    pytrace=False,
                )
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            self.written.append(path)
            return
        written = self.write_failure_images(name, expected, actual)
        pytest.fail(
            f"image {name!r} (page index {page_index}) {problem} (reference {path});\n"
            + "".join(f"  {p}\n" for p in written)
            + UPDATE_HINT,
            pytrace=False,
        )

    def write_failure_images(self, name: str, expected: Image.Image | None, actual: Image.Image) -> list[Path]:
        """<name>.expected/.actual/.diff.png in the failure folder; the diff paints differing pixels red."""
        images = {"actual": actual}
        if expected is not None:
            images = {"expected": expected, "actual": actual, "diff": compose_diff_image(expected, actual)}
        paths = []
        for kind, image in images.items():
            out = self.failure_dir / f"{name}.{kind}.png"
            out.parent.mkdir(parents=True, exist_ok=True)
            image.save(out)
            paths.append(out)
        return paths


def read_text(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as f:  # newline="": a CRLF checkout must not pass silently
        return f.read()


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(text)


def render_gray_page(pdf: PdfSource, page_index: int, dpi: int) -> Image.Image:
    """One page as an "L" image quantised to GRAY_LEVELS shades (as the references are stored)."""
    pages = render_page_images(pdf, [page_index + 1], dpi, grayscale=True)
    if page_index + 1 not in pages:
        pytest.fail(f"the PDF has no page index {page_index}", pytrace=False)
    return pages[page_index + 1].convert("L").point(lambda v: round(v / GRAY_STEP) * GRAY_STEP)


def load_reference_image(path: Path) -> Image.Image:
    with Image.open(path) as image:
        return image.convert("L")


def encode_gray_png(image: Image.Image) -> bytes:
    """A quantised gray image as a 4-bit palette PNG (about a third smaller than 8-bit gray)."""
    indexed = Image.frombytes("P", image.size, image.point(lambda v: v // GRAY_STEP).tobytes())
    indexed.putpalette([level * GRAY_STEP for level in range(GRAY_LEVELS) for _ in range(3)])
    out = io.BytesIO()
    indexed.save(out, "PNG", optimize=True, bits=4)
    return out.getvalue()


def compare_images(expected: Image.Image | None, actual: Image.Image, tolerance: int, max_share: float) -> str | None:
    """None when `actual` matches `expected` within the tolerances, else what is wrong."""
    if expected is None:
        return "has no reference"
    if expected.size != actual.size:
        return f"is {actual.width}x{actual.height} px, the reference {expected.width}x{expected.height} px"
    differing = build_difference_mask(expected, actual, tolerance).histogram()[255]
    share = differing / (actual.width * actual.height)
    if share > max_share:
        return f"differs in {differing} pixels ({share:.3%} > {max_share:.3%}) by more than {tolerance}"
    return None


# --- Sample PDFs for the harness's and the tools' own tests --------------------------------------


def register_serif() -> str:
    """The bundled CJK serif, registered with ReportLab through layout.fonts (its only registrar); its name."""
    return load_face(FontSpec(bundled_fonts_dir() / "NotoSerifSC-Regular.ttf")).name


def build_sample_pdf(
    *, hello_x: float = 56.7, pages: int = 2, title: str = "快讯 测试", compress: bool = False
) -> bytes:
    """A small deterministic A4 PDF with what the renderer produces: Latin and CJK text (a justified line
    drawn as two segments with different charSpace), a table row, a rule, boxes, a URI link, an internal
    link, a two-level outline and metadata. `hello_x` moves the first line; `pages` adds plain pages."""
    serif = register_serif()
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, invariant=1, pageCompression=int(compress))
    c.setTitle(title)
    c.setAuthor("bulletin tests")
    c.bookmarkPage("overview")
    c.addOutlineEntry("概述", "overview", level=0)
    c.setFont("Helvetica", 12)
    c.drawString(hello_x, 770.2, "Hello world")
    c.linkURL("https://example.com/a?b=1", (hello_x, 766, hello_x + 64, 782), relative=0)
    # a justified line: two text objects, the first widened by charSpace, meeting without a gap
    first = c.beginText(56.7, 750)
    first.setFont(serif, 10.5)
    first.setCharSpace(0.4)
    first.textOut("中文排版")
    c.drawText(first)
    second = c.beginText(56.7 + 4 * (10.5 + 0.4), 750)
    second.setFont(serif, 10.5)
    second.textOut("测试")
    c.drawText(second)
    c.setFont("Helvetica-Bold", 10.5)
    c.drawString(56.7 + 6 * 10.5 + 1.6, 750, "PDF")
    # a table row: two cells on one baseline, far apart
    c.setFont(serif, 10.5)
    c.drawString(56.7, 720, "序号")
    c.drawString(150, 720, "名称")
    c.setLineWidth(0.5)
    c.line(56.7, 712, 538.6, 712)
    c.setStrokeColorRGB(1, 0, 0)
    c.rect(56.7, 600, 200, 100)
    c.setFillGray(0.9)
    c.rect(300, 600, 100, 50, stroke=0, fill=1)
    if pages >= 2:
        c.linkAbsolute("", "details", Rect=(56.7, 716, 100, 732))
    c.showPage()
    for number in range(2, pages + 1):
        c.setFont("Helvetica", 12)
        c.drawString(56.7, 770.2, f"Page {number}")
        if number == 2:
            c.bookmarkHorizontalAbsolute("details", 790)
            c.addOutlineEntry("细节", "details", level=1)
        c.showPage()
    c.save()
    return out.getvalue()


def page_summary(expected: str, actual: str) -> str:
    """"changed pages: 3, 5 (pages 20 -> 21)": which pages of two snapshot texts differ, page by page."""
    old, new = split_pages(expected), split_pages(actual)
    changed = [str(n) for n in sorted(old.keys() | new.keys()) if old.get(n) != new.get(n)]
    count = f" (pages {len(old)} -> {len(new)})" if len(old) != len(new) else ""
    return f"changed pages: {', '.join(changed) or 'none (metadata or outline only)'}{count}"


def split_pages(text: str) -> dict[int, list[str]]:
    """A snapshot text's lines by page number (the lines after each `page N WxH` header)."""
    pages: dict[int, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("page ") and line.split(" ")[1].isdigit():
            current = pages.setdefault(int(line.split(" ")[1]), [])
        elif current is not None:
            current.append(line)
    return pages

