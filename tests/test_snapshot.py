"""`bulletin snapshot` (layout/snapshot.py) and the snapshot harness (tests/snapshot_support.py, conftest.py)."""

from __future__ import annotations

import io
import json
import os
import time
from pathlib import Path

import pypdf
import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from snapshot_support import (
    REF_IMAGE_LIMIT,
    SnapshotChecker,
    build_sample_pdf,
    register_serif,
)

from layout.cli import main
from layout.snapshot import SPACE_GAP_EM, SPLIT_GAP_EM, UnreadablePdfError, snapshot_pdf

TESTS = Path(__file__).parent

SAMPLE_SNAPSHOT = """\
snapshot 1
pages 2
meta Author "bulletin tests"
meta CreationDate "D:20000101000000+00'00'"
meta Creator "anonymous"
meta Keywords ""
meta ModDate "D:20000101000000+00'00'"
meta Producer "ReportLab PDF Library - (opensource)"
meta Subject "unspecified"
meta Title "快讯 测试"
meta Trapped "/False"
outline 0 "概述" -> page 1
outline 1 "细节" -> page 2 y=790.0
page 1 595.3x841.9
  text 56.7 770.2 Helvetica 12.0 "Hello world"
  text 56.7 750.0 NotoSerifCJKsc-Regular 10.5 "中文排版测试"
  text 121.3 750.0 Helvetica-Bold 10.5 "PDF"
  text 56.7 720.0 NotoSerifCJKsc-Regular 10.5 "序号"
  text 150.0 720.0 NotoSerifCJKsc-Regular 10.5 "名称"
  line 56.7 712.0 538.6 712.0 stroke w0.5
  rect 56.7 600.0 256.7 700.0 stroke w0.5 color=1,0,0
  rect 300.0 600.0 400.0 650.0 fill color=0.9
  link 56.7 766.0 120.7 782.0 -> uri "https://example.com/a?b=1"
  link 56.7 716.0 100.0 732.0 -> page 2 y=790.0
page 2 595.3x841.9
  text 56.7 770.2 Helvetica 12.0 "Page 2"
"""


@pytest.fixture(scope="module")
def sample() -> bytes:
    return build_sample_pdf()


def test_sample_snapshot_is_exactly_as_drawn(sample: bytes) -> None:
    assert snapshot_pdf(sample).to_text() == SAMPLE_SNAPSHOT


def test_path_and_bytes_give_the_same_snapshot(sample: bytes, tmp_path: Path) -> None:
    path = tmp_path / "sample.pdf"
    path.write_bytes(sample)
    assert snapshot_pdf(path) == snapshot_pdf(str(path)) == snapshot_pdf(sample)


def test_building_twice_gives_the_same_snapshot(sample: bytes) -> None:
    assert snapshot_pdf(build_sample_pdf()).to_text() == snapshot_pdf(sample).to_text()


def test_compression_and_object_order_do_not_matter(sample: bytes) -> None:
    compressed = build_sample_pdf(compress=True)
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(sample)))
    for page in writer.pages:
        page.compress_content_streams()
    rewritten = io.BytesIO()
    writer.write(rewritten)
    assert len({sample, compressed, rewritten.getvalue()}) == 3  # three different files …
    assert snapshot_pdf(compressed).to_text() == SAMPLE_SNAPSHOT  # … one description
    assert snapshot_pdf(rewritten.getvalue()).to_text() == SAMPLE_SNAPSHOT


def test_moving_one_text_one_point_changes_exactly_that_line(sample: bytes) -> None:
    before = snapshot_pdf(sample).to_text().splitlines()
    after = snapshot_pdf(build_sample_pdf(hello_x=57.7)).to_text().splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    # the link box is drawn around the text, so it moves with it
    assert changed == [
        ('  text 56.7 770.2 Helvetica 12.0 "Hello world"', '  text 57.7 770.2 Helvetica 12.0 "Hello world"'),
        (
            '  link 56.7 766.0 120.7 782.0 -> uri "https://example.com/a?b=1"',
            '  link 57.7 766.0 121.7 782.0 -> uri "https://example.com/a?b=1"',
        ),
    ]


def test_subset_tags_are_dropped(sample: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(sample))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    base_fonts = {str(f.get_object()["/BaseFont"]) for f in fonts.values()}
    assert "/AAAAAA+NotoSerifCJKsc-Regular" in base_fonts
    assert "AAAAAA+" not in snapshot_pdf(sample).to_text()


def draw_spaced(texts: list[tuple[float, str]], font: str = "", size: float = 10.0) -> bytes:
    """One baseline, each (x, text) its own text object."""
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(200, 100), invariant=1)
    for x, text in texts:
        c.setFont(font or register_serif(), size)
        c.drawString(x, 50, text)
    c.showPage()
    c.save()
    return out.getvalue()


def page_texts(pdf: bytes) -> list[str]:
    return [t.text for t in snapshot_pdf(pdf).pages[0].texts]


@pytest.mark.parametrize(
    ("gap_em", "expected"),
    [
        (0.0, ["中文"]),
        (SPACE_GAP_EM - 0.05, ["中文"]),  # a loosely justified line: no invented space
        (SPACE_GAP_EM + 0.05, ["中 文"]),  # letter-spaced title: the gap shows
        (SPLIT_GAP_EM - 0.05, ["中 文"]),
        (SPLIT_GAP_EM + 0.05, ["中", "文"]),  # a column or tab stop: each part keeps its own x
    ],
)
def test_gaps_between_glyphs(gap_em: float, expected: list[str]) -> None:
    assert page_texts(draw_spaced([(10, "中"), (10 + 10 + gap_em * 10, "文")])) == expected


def test_real_spaces_are_kept_and_not_doubled() -> None:
    # Helvetica's space is 2.78 pt at 10 pt: "a b" plus a wide gap before "c" must not give two spaces
    assert page_texts(draw_spaced([(10, "a b "), (10 + 5.56 + 2.78 + 5.56 + 2.78 + 3, "c")], "Helvetica")) == ["a b c"]


def test_fonts_sizes_and_colors_cut_items() -> None:
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(300, 100), invariant=1)
    c.setFont("Helvetica", 10)
    c.drawString(10, 50, "ab")
    c.setFont("Helvetica", 12)
    c.drawString(21.12, 50, "cd")
    c.setFillColorRGB(0.8, 0, 0)
    c.drawString(33.12, 50, "ef")
    c.showPage()
    c.save()
    lines = [t.to_line() for t in snapshot_pdf(out.getvalue()).pages[0].texts]
    assert lines == [
        'text 10.0 50.0 Helvetica 10.0 "ab"',
        'text 21.1 50.0 Helvetica 12.0 "cd"',
        'text 33.1 50.0 Helvetica 12.0 color=0.8,0,0 "ef"',
    ]


def test_lines_are_ordered_top_down_and_rotated_text_is_marked() -> None:
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(300, 300), invariant=1)
    c.setFont("Helvetica", 10)
    c.drawString(10, 100, "lower")
    c.drawString(10, 200, "upper")
    c.saveState()
    c.translate(250, 50)
    c.rotate(90)
    c.drawString(0, 0, "side")
    c.restoreState()
    c.showPage()
    c.save()
    lines = [t.to_line() for t in snapshot_pdf(out.getvalue()).pages[0].texts]
    assert lines == [
        'text 10.0 200.0 Helvetica 10.0 "upper"',
        'text 10.0 100.0 Helvetica 10.0 "lower"',
        'text 250.0 50.0 Helvetica 10.0 rot=90 "side"',
    ]


def test_images_diagonals_named_destinations_and_page_labels(tmp_path: Path) -> None:
    png = tmp_path / "dot.png"
    Image.new("RGB", (30, 20), "blue").save(png)
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, invariant=1)
    c.drawImage(str(png), 100, 200, width=60, height=40)
    c.setLineWidth(0.75)
    c.line(300, 100, 200, 150)  # drawn right to left: printed left endpoint first
    c.linkAbsolute("", "end", Rect=(10, 10, 50, 30))
    c.showPage()
    c.bookmarkPage("end")
    c.showPage()
    c.save()
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(out.getvalue())))
    writer.add_named_destination("far", 1)
    writer.pages[0][pypdf.generic.NameObject("/Annots")][0].get_object()[pypdf.generic.NameObject("/Dest")] = (
        pypdf.generic.TextStringObject("far")
    )
    writer.set_page_label(0, 1, "/r")
    labelled = io.BytesIO()
    writer.write(labelled)
    first = snapshot_pdf(labelled.getvalue()).pages[0]
    assert first.header == 'page 1 595.3x841.9 label="i"'
    assert [g.to_line() for g in first.graphics] == ["line 200.0 150.0 300.0 100.0 stroke w0.75"]
    assert [i.to_line() for i in first.images] == ["image 100.0 200.0 160.0 240.0 30x20"]
    assert [k.to_line() for k in first.links] == ["link 10.0 10.0 50.0 30.0 -> page 2 y=841.9"]


def test_json_holds_the_same_content(sample: bytes) -> None:
    data = json.loads(snapshot_pdf(sample).to_json())
    assert data["metadata"]["Title"] == "快讯 测试"
    assert data["outline"][1] == {"level": 1, "title": "细节", "page": 2, "top": 790.0}
    assert [p["number"] for p in data["pages"]] == [1, 2]
    assert data["pages"][0]["texts"][1] == {
        "x": 56.7,
        "y": 750.0,
        "font": "NotoSerifCJKsc-Regular",
        "size": 10.5,
        "text": "中文排版测试",
        "color": None,
        "angle": 0,
    }
    assert data["pages"][0]["links"][0]["uri"] == "https://example.com/a?b=1"


def test_cli_prints_text_and_json(sample: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "sample.pdf"
    path.write_bytes(sample)
    assert main(["snapshot", str(path)]) == 0
    assert capsys.readouterr().out == SAMPLE_SNAPSHOT
    assert main(["snapshot", str(path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(snapshot_pdf(sample).to_json())


@pytest.mark.parametrize(("content", "message"), [(None, "No such file"), (b"not a pdf", "no %PDF- header")])
def test_cli_refuses_missing_or_broken_files(
    content: bytes | None, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.pdf"
    if content is not None:
        path.write_bytes(content)
    assert main(["snapshot", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err
    assert message in err


def test_truncated_pdf_is_unreadable(sample: bytes) -> None:
    with pytest.raises(UnreadablePdfError, match="not a readable PDF"):
        snapshot_pdf(sample[: len(sample) // 3])


# --- the harness --------------------------------------------------------------------------------


def make_checker(tmp_path: Path, update: bool = False) -> SnapshotChecker:
    return SnapshotChecker(tmp_path / "snapshots", tmp_path / "failures", update=update)


def test_assert_match_without_reference_fails_and_points_at_update(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception, match=r"--snapshot-update") as failure:
        make_checker(tmp_path).assert_match("sample", SAMPLE_SNAPSHOT)
    assert "no reference snapshot" in str(failure.value)
    assert (tmp_path / "failures" / "sample.txt").read_text(encoding="utf-8") == SAMPLE_SNAPSHOT


def test_assert_match_mismatch_names_page_and_line(tmp_path: Path) -> None:
    make_checker(tmp_path, update=True).assert_match("sample", SAMPLE_SNAPSHOT)
    moved = SAMPLE_SNAPSHOT.replace('56.7 770.2 Helvetica 12.0 "Page 2"', '56.7 769.2 Helvetica 12.0 "Page 2"')
    with pytest.raises(pytest.fail.Exception) as failure:
        make_checker(tmp_path).assert_match("sample", moved)
    message = str(failure.value)
    assert "@@ -23,4 +23,4 @@ page 2 595.3x841.9" in message  # the change is on line 26, on page 2
    assert '-  text 56.7 770.2 Helvetica 12.0 "Page 2"' in message
    assert '+  text 56.7 769.2 Helvetica 12.0 "Page 2"' in message
    assert "--snapshot-update" in message
    make_checker(tmp_path).assert_match("sample", SAMPLE_SNAPSHOT)  # the reference was not touched


def test_assert_match_cuts_long_diffs(tmp_path: Path) -> None:
    make_checker(tmp_path, update=True).assert_match("long", "".join(f"line {i}\n" for i in range(200)))
    with pytest.raises(pytest.fail.Exception) as failure:
        make_checker(tmp_path).assert_match("long", "".join(f"line {i}!\n" for i in range(200)))
    message = str(failure.value)
    assert "... 341 more diff lines" in message  # 1 hunk header + 400 changed lines, 60 shown
    assert "\n-line 28\n+line 28!\n-line 29\n..." in message  # old and new lines in pairs
    assert "line 29!" not in message


def test_update_writes_only_what_changed(tmp_path: Path) -> None:
    checker = make_checker(tmp_path, update=True)
    checker.assert_match("a", "one\n")
    checker.assert_match("nested/b", "two\n")
    assert checker.written == [tmp_path / "snapshots" / "a.txt", tmp_path / "snapshots" / "nested" / "b.txt"]
    stamp = time.time_ns() - 10**9
    os.utime(tmp_path / "snapshots" / "a.txt", ns=(stamp, stamp))
    again = make_checker(tmp_path, update=True)
    again.assert_match("a", "one\n")  # unchanged: not rewritten
    again.assert_match("nested/b", "three\n")
    assert again.written == [tmp_path / "snapshots" / "nested" / "b.txt"]
    assert (tmp_path / "snapshots" / "a.txt").stat().st_mtime_ns == stamp
    assert (tmp_path / "snapshots" / "nested" / "b.txt").read_text(encoding="utf-8") == "three\n"


def test_names_cannot_leave_the_snapshot_folder(tmp_path: Path) -> None:
    for name in ("../escape", "/abs", "a/../b", ""):
        with pytest.raises(ValueError, match="snapshot name"):
            make_checker(tmp_path, update=True).assert_match(name, "x\n")


def test_assert_image_creates_small_reference_then_matches(tmp_path: Path, sample: bytes) -> None:
    checker = make_checker(tmp_path, update=True)
    checker.assert_image("page1", sample, 0)
    reference = tmp_path / "snapshots" / "page1.png"
    assert checker.written == [reference]
    assert reference.stat().st_size <= REF_IMAGE_LIMIT
    with Image.open(reference) as image:
        assert image.size == (331, 468)  # A4 at 40 dpi
    make_checker(tmp_path).assert_image("page1", build_sample_pdf(compress=True), 0)
    checker.assert_image("page1", sample, 0)  # within tolerance: not rewritten
    assert checker.written == [reference]


def test_assert_image_failure_writes_expected_actual_diff(tmp_path: Path, sample: bytes) -> None:
    make_checker(tmp_path, update=True).assert_image("page1", sample, 0)
    with pytest.raises(pytest.fail.Exception) as failure:
        make_checker(tmp_path).assert_image("page1", build_sample_pdf(hello_x=57.7), 0)
    message = str(failure.value)
    assert "pixels" in message
    for kind in ("expected", "actual", "diff"):
        path = tmp_path / "failures" / f"page1.{kind}.png"
        assert str(path) in message
        assert path.exists()
    # a generous share lets the same change pass
    make_checker(tmp_path).assert_image("page1", build_sample_pdf(hello_x=57.7), 0, max_share=0.01)


def test_assert_image_reports_size_change_and_missing_page(tmp_path: Path, sample: bytes) -> None:
    make_checker(tmp_path, update=True).assert_image("page1", sample, 0)
    with pytest.raises(pytest.fail.Exception, match=r"is 414x585 px, the reference 331x468 px"):
        make_checker(tmp_path).assert_image("page1", sample, 0, dpi=50)
    with pytest.raises(pytest.fail.Exception, match="no page index 5"):
        make_checker(tmp_path).assert_image("page1", sample, 5)


# plugins the scratch runs do not need; hypothesis would be re-imported (and assert-rewritten) on every run
QUIET = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest")


def test_conftest_option_and_fixture(pytester: pytest.Pytester) -> None:
    """The real conftest in a scratch project: fail without reference, write with the option, then pass."""
    pytester.makeini("[pytest]\n")
    pytester.makeconftest((TESTS / "conftest.py").read_text(encoding="utf-8"))
    pytester.makepyfile(
        test_it="def test_it(snapshot):\n    snapshot.assert_match('greeting', 'page 1 1x1\\n  hello\\n')\n"
    )
    reference = pytester.path / "snapshots" / "greeting.txt"

    first = pytester.runpytest(*QUIET)
    first.assert_outcomes(failed=1)
    first.stdout.fnmatch_lines(["*no reference snapshot*greeting.txt*", "*run `pytest --snapshot-update`*"])
    assert (pytester.path / "out" / "snapshot-failures" / "greeting.txt").exists()
    assert not reference.exists()

    second = pytester.runpytest(*QUIET, "--snapshot-update")
    second.assert_outcomes(passed=1)
    second.stdout.fnmatch_lines(["*snapshot references written*", str(reference)])
    assert reference.read_text(encoding="utf-8") == "page 1 1x1\n  hello\n"

    third = pytester.runpytest(*QUIET)
    third.assert_outcomes(passed=1)
    assert "snapshot references written" not in third.stdout.str()


def test_a_failure_names_the_changed_pages_even_in_one_long_hunk() -> None:
    from snapshot_support import page_summary

    old = "snapshot 1\npage 1 10x10\n  text a\npage 2 10x10\n  text b\n"
    new = "snapshot 1\npage 1 10x10\n  text a\npage 2 10x10\n  text c\npage 3 10x10\n  text d\n"
    assert page_summary(old, new) == "changed pages: 2, 3 (pages 2 -> 3)"
    # a snapshot may leave out page 1 (the fixtures do): pages are named by number, not position
    assert page_summary(old.replace("page 1 10x10\n  text a\n", ""), new.replace("page 1 10x10\n  text a\n", "")) == (
        "changed pages: 2, 3 (pages 1 -> 2)"
    )
    metadata_only = old.replace("snapshot 1", "snapshot 2")
    assert page_summary(old, metadata_only) == "changed pages: none (metadata or outline only)"
