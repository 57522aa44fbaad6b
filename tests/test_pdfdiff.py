"""`bulletin diff` (layout/pdfdiff.py): page-by-page reports, exit codes and difference images."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from snapshot_support import build_sample_pdf

from layout.cli import main
from layout.pdfdiff import DIFF_DPI, compose_diff_image, diff_pdfs, format_unified_diff, write_diff_images


@pytest.fixture(scope="module")
def sample() -> bytes:
    return build_sample_pdf()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_identical_files_have_no_changes(sample: bytes) -> None:
    report = diff_pdfs(sample, build_sample_pdf(compress=True))
    assert report.same
    assert report.pages == []
    assert report.format() == "no changes (2 pages)"


def test_moved_text_is_reported_on_its_page_only(sample: bytes) -> None:
    report = diff_pdfs(sample, build_sample_pdf(hello_x=57.7))
    assert not report.same
    assert [p.number for p in report.changed] == [1]
    assert (report.added, report.removed, report.metadata, report.outline) == ((), (), (), ())
    changes = [line for line in report.changed[0].lines if line[:1] in "+-"]
    assert changes == [
        '-  text 56.7 770.2 Helvetica 12.0 "Hello world"',
        '+  text 57.7 770.2 Helvetica 12.0 "Hello world"',
        '-  link 56.7 766.0 120.7 782.0 -> uri "https://example.com/a?b=1"',
        '+  link 57.7 766.0 121.7 782.0 -> uri "https://example.com/a?b=1"',
    ]
    text = report.format()
    assert text.startswith("1 of 2 pages changed (old 2 pages, new 2)\npage 1 changed:\n  @@ -1,")
    assert "page 2 changed" not in text


def test_added_and_removed_pages(sample: bytes) -> None:
    longer = build_sample_pdf(pages=4)
    grown = diff_pdfs(sample, longer)
    assert (grown.changed, grown.added, grown.removed) == ((), (3, 4), ())
    assert grown.format().splitlines() == [
        "0 of 2 pages changed, 2 added (old 2 pages, new 4)",
        "page 3 added",
        "page 4 added",
    ]
    shrunk = diff_pdfs(longer, sample)
    assert (shrunk.added, shrunk.removed) == ((), (3, 4))
    assert "page 4 removed" in shrunk.format()


def test_metadata_and_outline_changes(sample: bytes) -> None:
    report = diff_pdfs(sample, build_sample_pdf(title="快讯 第二期", pages=1))
    assert report.metadata[0] == "@@ -5,5 +5,5 @@"  # Title is the 8th of 9 meta lines; 3 lines of context
    assert [line for line in report.metadata if line[0] in "+-"] == [
        '-meta Title "快讯 测试"',
        '+meta Title "快讯 第二期"',
    ]
    # one page fewer: the bookmark on page 2 and the link to it are gone
    assert '-outline 1 "细节" -> page 2 y=790.0' in report.outline
    assert [p.number for p in report.changed] == [1]
    assert "  -  link 56.7 716.0 100.0 732.0 -> page 2 y=790.0" in report.format()
    assert report.format().startswith("1 of 1 pages changed, 1 removed, metadata changed, outline changed")


def test_hunk_headers_name_the_page_of_the_first_change() -> None:
    old = ["snapshot 1", "page 1 10x10", "  text a", "page 2 10x10", "  text b", "  text c"]
    changed = format_unified_diff(old, [*old[:5], "  text C"], context=1)
    assert changed == ["@@ -5,2 +5,2 @@ page 2 10x10", "   text b", "-  text c", "+  text C"]
    inserted = format_unified_diff(old, [*old[:3], "  text new", *old[3:]], context=0)
    assert inserted == ["@@ -3,0 +4 @@ page 1 10x10", "+  text new"]  # after page 1's last line, on page 1
    assert format_unified_diff(old, old) == []


def test_cli_exit_codes_and_report(sample: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = write(tmp_path, "old.pdf", sample)
    same = write(tmp_path, "same.pdf", build_sample_pdf(compress=True))
    moved = write(tmp_path, "moved.pdf", build_sample_pdf(hello_x=57.7))
    assert main(["diff", str(old), str(same)]) == 0
    assert capsys.readouterr().out == "no changes (2 pages)\n"
    assert main(["diff", str(old), str(moved)]) == 1
    out = capsys.readouterr().out
    assert "page 1 changed:" in out
    assert '+  text 57.7 770.2 Helvetica 12.0 "Hello world"' in out


@pytest.mark.parametrize(
    ("content", "message"), [(None, "No such file"), (b"%PDF-1.4 but nothing else", "not a readable")]
)
def test_cli_refuses_unreadable_files(
    content: bytes | None, message: str, sample: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write(tmp_path, "good.pdf", sample)
    bad = tmp_path / "bad.pdf"
    if content is not None:
        bad.write_bytes(content)
    assert main(["diff", str(good), str(bad)]) == 2
    assert main(["diff", str(bad), str(good)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err
    assert message in err


def red_pixels(image: Image.Image, box: tuple[int, int, int, int] | None = None) -> int:
    """How many pixels inside `box` (or the whole image) are the pure red of the difference marks."""
    data = (image.crop(box) if box else image).convert("RGB").tobytes()
    return sum(1 for i in range(0, len(data), 3) if data[i : i + 3] == b"\xff\x00\x00")


def test_cli_images_show_red_where_the_text_moved(
    sample: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = write(tmp_path, "old.pdf", sample)
    new = write(tmp_path, "new.pdf", build_sample_pdf(hello_x=57.7))
    images = tmp_path / "images"
    assert main(["diff", str(old), str(new), "--images", str(images)]) == 1
    out = capsys.readouterr().out
    names = ["page-001-expected.png", "page-001-actual.png", "page-001-diff.png"]
    assert sorted(p.name for p in images.iterdir()) == sorted(names)
    for name in names:
        assert str(images / name) in out
    with Image.open(images / "page-001-diff.png") as diff:
        diff = diff.convert("RGB")
    assert diff.size == (827, 1170)  # A4 at 100 dpi

    def to_pixels(x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
        """A box in PDF points (origin bottom left) as a pixel box of the 100 dpi page."""
        scale = DIFF_DPI / 72
        return round(x0 * scale), round((841.89 - y1) * scale), round(x1 * scale), round((841.89 - y0) * scale)

    hello = to_pixels(50, 765, 130, 782)  # "Hello world" at baseline 770.2, 12 pt
    assert red_pixels(diff, hello) > 50
    assert red_pixels(diff) == red_pixels(diff, hello)  # nothing else on the page changed
    faded = diff.getpixel(to_pixels(100, 711.5, 101, 712.5)[:2])  # the unchanged rule, faded to light gray
    assert faded[0] == faded[1] == faded[2]
    assert 150 < faded[0] < 255


def test_images_of_added_pages_have_only_the_new_side(sample: bytes, tmp_path: Path) -> None:
    written = write_diff_images(sample, build_sample_pdf(pages=3), [3], tmp_path, dpi=20)
    assert [p.name for p in written] == ["page-003-actual.png"]


def test_diff_image_marks_exactly_the_changed_pixels() -> None:
    expected = Image.new("L", (4, 3), 255)
    expected.putpixel((0, 0), 0)
    actual = Image.new("RGB", (4, 4), "white")  # a taller page: compared as if the old one had a white row more
    actual.putpixel((0, 0), (0, 0, 0))
    actual.putpixel((2, 1), (0, 0, 0))
    actual.putpixel((3, 3), (200, 200, 200))
    diff = compose_diff_image(expected, actual)
    assert diff.size == (4, 4)
    red = [(x, y) for y in range(4) for x in range(4) if diff.getpixel((x, y)) == (255, 0, 0)]
    assert red == [(2, 1), (3, 3)]
    assert diff.getpixel((0, 0)) == (191, 191, 191)  # unchanged black, faded to a quarter
    assert diff.getpixel((1, 0)) == (255, 255, 255)
