"""Compare two PDFs page by page through their snapshots, and draw expected / actual / difference images.

Pages are compared by position (page 3 of the old file with page 3 of the new one); pages past
the end of the shorter file are reported as added or removed. The text diff of a changed page is
a unified diff of that page's snapshot lines, so it names exactly the items that moved or changed.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageChops

from layout.snapshot import PdfSource, Snapshot, load_pdf_bytes, snapshot_pdf

DIFF_DPI = 100  # enough to see a 1 pt shift, small enough to open a dozen pages at once
DIFF_TOLERANCE = 0  # difference images mark every pixel that changed at all: both sides come from one renderer
FADE = 0.25  # the expected page is drawn at this strength under the red marks
MARK = (255, 0, 0)
PAGE_HEADER = "page "  # snapshot lines that start a page; hunk headers name the page they fall in


@dataclass(frozen=True, slots=True)
class PageDiff:
    """A page present in both files whose snapshot lines differ: its 1-based number and the unified diff."""

    number: int
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DiffReport:
    """What changed between two PDFs. Page numbers are 1-based."""

    old_pages: int
    new_pages: int
    metadata: tuple[str, ...]  # unified diff of the `meta` lines (empty: unchanged)
    outline: tuple[str, ...]  # unified diff of the `outline` lines
    changed: tuple[PageDiff, ...]
    added: tuple[int, ...]  # pages only the new file has
    removed: tuple[int, ...]  # pages only the old file has

    @property
    def same(self) -> bool:
        """True when nothing differs: metadata, outline and every page."""
        return not (self.metadata or self.outline or self.changed or self.added or self.removed)

    @property
    def pages(self) -> list[int]:
        """Every page number that differs in any way, in order."""
        return sorted({*(p.number for p in self.changed), *self.added, *self.removed})

    def format(self) -> str:
        """A readable report: a summary line, then metadata, outline and each page with its diff."""
        if self.same:
            return f"no changes ({self.new_pages} pages)"
        common = min(self.old_pages, self.new_pages)
        summary = [f"{len(self.changed)} of {common} pages changed"]
        summary += [f"{len(self.added)} added"] if self.added else []
        summary += [f"{len(self.removed)} removed"] if self.removed else []
        summary += ["metadata changed"] if self.metadata else []
        summary += ["outline changed"] if self.outline else []
        out = [", ".join(summary) + f" (old {self.old_pages} pages, new {self.new_pages})"]
        for title, lines in (("metadata", self.metadata), ("outline", self.outline)):
            if lines:
                out += [f"{title}:", *(f"  {line}" for line in lines)]
        for page in self.changed:
            out += [f"page {page.number} changed:", *(f"  {line}" for line in page.lines)]
        out += [f"page {n} added" for n in self.added]
        out += [f"page {n} removed" for n in self.removed]
        return "\n".join(out)


def format_unified_diff(
    old: Sequence[str], new: Sequence[str], context: int = 3, *, name_pages: bool = True
) -> list[str]:
    """A unified diff without file headers; each hunk header names its line numbers and (name_pages) its page.

    Like git's function context: `@@ -45,7 +45,7 @@ page 3 595.3x841.9`, the page being the last
    snapshot line starting with "page " at or before the first changed line.
    """
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)  # autojunk drops frequent lines: wrong here
    for group in matcher.get_grouped_opcodes(context):
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        tag, a1, _a2, b1, _b2 = next(op for op in group if op[0] != "equal")
        # an insertion is placed by the lines it adds; anything else by the first line it removes
        section = (find_section(new, b1) if tag == "insert" else find_section(old, a1)) if name_pages else None
        header = f"@@ -{format_range(i1, i2)} +{format_range(j1, j2)} @@"
        out.append(f"{header} {section}" if section else header)
        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                out += [f" {line}" for line in old[a1:a2]]
            elif a2 - a1 == b2 - b1:
                # as many lines in as out: usually the same items moved, so pair each old line with its new one
                for old_line, new_line in zip(old[a1:a2], new[b1:b2], strict=True):
                    out += [f"-{old_line}", f"+{new_line}"]
            else:
                out += [f"-{line}" for line in old[a1:a2]]
                out += [f"+{line}" for line in new[b1:b2]]
    return out


def find_section(lines: Sequence[str], index: int) -> str | None:
    """The last page header at or before `index`."""
    for line in reversed(lines[: index + 1]):
        if line.startswith(PAGE_HEADER):
            return line
    return None


def format_range(start: int, stop: int) -> str:
    """A unified-diff range: 1-based start, and the length unless it is 1 (as difflib writes it)."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


def diff_snapshots(old: Snapshot, new: Snapshot, context: int = 3) -> DiffReport:
    """Compare two snapshots: metadata, outline, then pages by position."""
    changed = []
    for old_page, new_page in zip(old.pages, new.pages, strict=False):
        lines = format_unified_diff(old_page.lines(), new_page.lines(), context, name_pages=False)
        if lines:
            changed.append(PageDiff(new_page.number, tuple(lines)))
    common = min(len(old.pages), len(new.pages))
    return DiffReport(
        old_pages=len(old.pages),
        new_pages=len(new.pages),
        metadata=tuple(format_unified_diff(meta_lines(old), meta_lines(new), context)),
        outline=tuple(format_unified_diff(outline_lines(old), outline_lines(new), context)),
        changed=tuple(changed),
        added=tuple(range(common + 1, len(new.pages) + 1)),
        removed=tuple(range(common + 1, len(old.pages) + 1)),
    )


def meta_lines(snapshot: Snapshot) -> list[str]:
    return [line for line in snapshot.head_lines() if line.startswith("meta ")]


def outline_lines(snapshot: Snapshot) -> list[str]:
    return [entry.to_line() for entry in snapshot.outline]


def diff_pdfs(old: PdfSource, new: PdfSource) -> DiffReport:
    """Compare two PDFs (paths or bytes). Raises UnreadablePdfError when either cannot be read."""
    return diff_snapshots(snapshot_pdf(old), snapshot_pdf(new))


def render_page_images(
    pdf: PdfSource, numbers: Iterable[int], dpi: int = DIFF_DPI, grayscale: bool = False
) -> dict[int, Image.Image]:
    """Rasterise the given 1-based pages with pdfium; pages the file does not have are left out."""
    document = pdfium.PdfDocument(load_pdf_bytes(pdf))
    try:
        images = {}
        for number in numbers:
            if 1 <= number <= len(document):
                page = document[number - 1]
                images[number] = page.render(scale=dpi / 72, grayscale=grayscale).to_pil()
                page.close()
        return images
    finally:
        document.close()


def build_difference_mask(expected: Image.Image, actual: Image.Image, tolerance: int = DIFF_TOLERANCE) -> Image.Image:
    """An "L" mask, 255 where the largest channel difference exceeds `tolerance`; the images are padded to one size."""
    size = (max(expected.width, actual.width), max(expected.height, actual.height))
    bands = ImageChops.difference(pad_image(expected, size), pad_image(actual, size)).split()
    largest = bands[0]
    for band in bands[1:]:
        largest = ImageChops.lighter(largest, band)
    return largest.point([255 if v > tolerance else 0 for v in range(256)])


def pad_image(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """`image` as RGB on a white canvas of `size` (pages of different sizes still compare pixel by pixel)."""
    rgb = image.convert("RGB")
    if rgb.size == size:
        return rgb
    canvas = Image.new("RGB", size, "white")
    canvas.paste(rgb, (0, 0))
    return canvas


def compose_diff_image(expected: Image.Image, actual: Image.Image, tolerance: int = DIFF_TOLERANCE) -> Image.Image:
    """The expected page faded to light gray, with every pixel that differs in `actual` painted red."""
    mask = build_difference_mask(expected, actual, tolerance)
    gray = pad_image(expected, mask.size).convert("L").convert("RGB")
    faded = Image.blend(Image.new("RGB", mask.size, "white"), gray, FADE)
    return Image.composite(Image.new("RGB", mask.size, MARK), faded, mask)


def write_diff_images(
    old: PdfSource, new: PdfSource, pages: Iterable[int], out_dir: Path, dpi: int = DIFF_DPI
) -> list[Path]:
    """Write page-NNN-expected/actual/diff.png for each 1-based page number; returns the paths written.

    A page only one file has gets only its own image (expected when removed, actual when added).
    """
    numbers = sorted(set(pages))
    expected, actual = render_page_images(old, numbers, dpi), render_page_images(new, numbers, dpi)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for number in numbers:
        images = {"expected": expected.get(number), "actual": actual.get(number)}
        if images["expected"] is not None and images["actual"] is not None:
            images["diff"] = compose_diff_image(images["expected"], images["actual"])
        for kind, image in images.items():
            if image is not None:
                path = out_dir / f"page-{number:03d}-{kind}.png"
                image.save(path)
                written.append(path)
    return written
