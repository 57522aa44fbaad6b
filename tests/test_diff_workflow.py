"""The review workflow end to end on the sample: a change fails with a diff naming page and line, updating
rewrites only the references that changed, and `bulletin diff` reports (and draws) what a re-render changed.

The sample is rendered five times in all (original, three changes, the reverted source), once per module.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
import yaml
from PIL import Image, ImageChops
from pypdf import PdfReader
from snapshot_support import SnapshotChecker, read_text, write_text

from layout.cli import main
from layout.pdfdiff import MARK
from layout.render import render_issue
from layout.snapshot import format_number, snapshot_pdf
from layout.theme import THEMES_DIR, load_theme
from layout.units import parse_length

ISSUES = Path(__file__).parents[1] / "issues"
CASES = Path(__file__).parent / "cases" / "snapshots"
SAMPLE = "2018-0602.yaml"
WORD, NEW_WORD = "现予印发", "现已印发"  # one word of the first article; both characters are full width
SHIFT = parse_length("2mm")  # how far the margin theme moves the text block
ISSUE_LINE_STYLE = "masthead_issue"  # the masthead's "(2018) 0602 期"
HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ (page \d+ [\d.]+x[\d.]+)$", re.MULTILINE)
OLD_TIME = 1_000_000_000  # 2001: the mtime given to references before an update, so a rewrite is plain to see


def build_margin_theme() -> str:
    """A theme whose binding (inner) margin is 2 mm wider and outer margin 2 mm narrower than the default's.

    The measure stays, so no line breaks anew: every page keeps its text and moves sideways.
    """
    page = load_theme("default").page
    return (
        f"parent: default\npage:\n  margin_inner: {page.margin_inner + SHIFT:.3f}pt\n"
        f"  margin_outer: {page.margin_outer - SHIFT:.3f}pt\n"
    )


def build_font_size_theme() -> tuple[str, float, float]:
    """A theme that sets the masthead's issue line one point larger: (theme YAML, old size, new size).

    A child style replaces its parent's entry whole, so the default entry is copied and only its size changed;
    the leading stays, so nothing else on page 1 moves.
    """
    default = yaml.safe_load((THEMES_DIR / "default.yaml").read_text(encoding="utf-8"))
    style = dict(default["styles"][ISSUE_LINE_STYLE])
    old = parse_length(str(style["size"]))
    style["size"] = f"{old + 1:g}pt"
    theme = {"parent": "default", "styles": {ISSUE_LINE_STYLE: style}}
    return yaml.safe_dump(theme, allow_unicode=True, sort_keys=False), old, old + 1


def copy_sample(folder: Path, theme: str | None = None) -> Path:
    """The sample issue and its publication in `folder`; with `theme`, the publication uses it as theme.yaml."""
    folder.mkdir(parents=True)
    shutil.copy(ISSUES / SAMPLE, folder / SAMPLE)
    publication = (ISSUES / "bulletin.yaml").read_text(encoding="utf-8")
    if theme is not None:
        (folder / "theme.yaml").write_text(theme, encoding="utf-8")
        assert "theme: default" in publication
        publication = publication.replace("theme: default", "theme: theme.yaml")
    (folder / "bulletin.yaml").write_text(publication, encoding="utf-8")
    return folder / SAMPLE


@dataclass(frozen=True)
class Renders:
    """PDFs of the sample: as is, changed three ways, and re-rendered after undoing the word change."""

    original: Path
    margin: Path
    font_size: Path
    word: Path
    reverted: Path

    def get(self, name: str) -> Path:
        return getattr(self, name.replace("-", "_"))


@pytest.fixture(scope="module")
def renders(tmp_path_factory: pytest.TempPathFactory) -> Renders:
    base = tmp_path_factory.mktemp("workflow")
    out = base / "out"
    original = render_issue(copy_sample(base / "original"), out / "original.pdf").path
    # themes are cached by path: each variant gets its own folder
    margin = render_issue(copy_sample(base / "margin", build_margin_theme()), out / "margin.pdf").path
    font_size_theme, _, _ = build_font_size_theme()
    font_size = render_issue(copy_sample(base / "font-size", font_size_theme), out / "font-size.pdf").path
    source = copy_sample(base / "word")
    text = source.read_text(encoding="utf-8")
    assert text.count(WORD) == 1
    source.write_text(text.replace(WORD, NEW_WORD), encoding="utf-8")
    word = render_issue(source, out / "word.pdf").path
    source.write_text(text, encoding="utf-8")  # revert the edit
    reverted = render_issue(source, out / "reverted.pdf").path
    return Renders(original, margin, font_size, word, reverted)


@pytest.fixture(scope="module")
def snapshot_text(renders: Renders) -> Callable[[str], str]:
    """The snapshot text of a render by name, taken once."""
    return cache(lambda name: snapshot_pdf(renders.get(name)).to_text())


def fail_message(checker: SnapshotChecker, name: str, text: str) -> str:
    with pytest.raises(pytest.fail.Exception) as failed:
        checker.assert_match(name, text)
    return str(failed.value)


def make_checker(folder: Path, update: bool = False) -> SnapshotChecker:
    return SnapshotChecker(directory=folder / "refs", failure_dir=folder / "failures", update=update)


def page_header(text: str, number: int) -> str:
    """The header line of page `number` in a snapshot text, e.g. "page 1 595.3x841.9"."""
    return next(line for line in text.splitlines() if line.startswith(f"page {number} "))


def page_of_line(lines: list[str], index: int) -> str:
    """The header of the page that snapshot line `index` (0-based) belongs to."""
    return next(line for line in reversed(lines[: index + 1]) if line.startswith("page "))


# --- (a) a change fails with a diff that names the page and the line; reverting passes -------------------------


def test_changing_one_word_names_its_page_and_line(snapshot_text: Callable[[str], str], tmp_path: Path) -> None:
    checker = make_checker(tmp_path)
    write_text(checker.reference("sample", ".txt"), snapshot_text("original"))
    message = fail_message(checker, "sample", snapshot_text("word"))

    old_lines = snapshot_text("original").splitlines()
    index = next(i for i, line in enumerate(old_lines) if WORD in line)
    old_line = old_lines[index]
    new_line = old_line.replace(WORD, NEW_WORD)  # same width: nothing else on the line moves
    assert f"-{old_line}\n+{new_line}\n" in message
    hunks = HUNK.findall(message)
    assert len(hunks) == 1, message
    start, length, _, _, page = hunks[0]
    assert page == page_of_line(old_lines, index)
    assert int(start) <= index + 1 < int(start) + int(length or 1), "the hunk covers the changed line's number"
    assert str(checker.failure_dir / "sample.txt") in message
    assert read_text(checker.failure_dir / "sample.txt") == snapshot_text("word")


def test_changing_a_font_size_names_the_masthead_page(snapshot_text: Callable[[str], str], tmp_path: Path) -> None:
    checker = make_checker(tmp_path)
    write_text(checker.reference("sample", ".txt"), snapshot_text("original"))
    message = fail_message(checker, "sample", snapshot_text("font-size"))

    assert [hunk[4] for hunk in HUNK.findall(message)] == [page_header(snapshot_text("original"), 1)]
    removed = [line for line in message.splitlines() if line.startswith("-  text")]
    added = [line for line in message.splitlines() if line.startswith("+  text")]
    assert len(removed) == len(added) == 1, "only the issue line changed"
    _, old_size, new_size = build_font_size_theme()
    assert f' {format_number(old_size)} "(2018) 0602' in removed[0], removed
    assert f' {format_number(new_size)} "(2018) 0602' in added[0], added


def test_changing_a_margin_names_the_first_page_and_line(snapshot_text: Callable[[str], str], tmp_path: Path) -> None:
    checker = make_checker(tmp_path)
    write_text(checker.reference("sample", ".txt"), snapshot_text("original"))
    message = fail_message(checker, "sample", snapshot_text("margin"))

    old_lines = snapshot_text("original").splitlines()
    first_text = next(i for i, line in enumerate(old_lines) if line.startswith("  text"))  # page 1's first line
    start, length, _, _, page = HUNK.findall(message)[0]
    assert page == page_header(snapshot_text("original"), 1)
    assert int(start) <= first_text + 1 < int(start) + int(length or 1)
    # that line (the publisher, centred in the text block) moved right by the shift, on the same baseline
    removed = next(line for line in message.splitlines() if line.startswith("-  text"))
    added = next(line for line in message.splitlines() if line.startswith("+  text"))
    assert removed == f"-{old_lines[first_text]}"
    (old_x, *old_rest), (new_x, *new_rest) = removed.split()[2:6], added.split()[2:6]  # x, y, font, size
    assert float(new_x) - float(old_x) == pytest.approx(SHIFT, abs=0.1)
    assert new_rest == old_rest


def test_reverting_the_change_passes(snapshot_text: Callable[[str], str], tmp_path: Path) -> None:
    checker = make_checker(tmp_path)
    write_text(checker.reference("sample", ".txt"), snapshot_text("original"))
    fail_message(checker, "sample", snapshot_text("word"))
    checker.assert_match("sample", snapshot_text("reverted"))  # no failure: the re-render matches again


# --- (b) the update mode rewrites exactly the references whose content changed ---------------------------------


def test_update_rewrites_only_the_changed_reference(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    for name in ("bulletin.yaml", "block-paragraph.yaml", "block-signature.yaml"):
        shutil.copy(CASES / name, folder / name)

    def render_text(name: str) -> str:
        return snapshot_pdf(render_issue(folder / f"{name}.yaml", tmp_path / "out" / f"{name}.pdf").path).to_text()

    first = make_checker(tmp_path, update=True)
    for name in ("block-paragraph", "block-signature"):
        first.assert_match(name, render_text(name))
    paragraph, signature = first.reference("block-paragraph", ".txt"), first.reference("block-signature", ".txt")
    assert first.written == [paragraph, signature]
    before = {path: read_text(path) for path in (paragraph, signature)}
    for path in (paragraph, signature):
        os.utime(path, (OLD_TIME, OLD_TIME))

    source = folder / "block-signature.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("科技部", "工信部"), encoding="utf-8")
    second = make_checker(tmp_path, update=True)
    new_texts = {name: render_text(name) for name in ("block-paragraph", "block-signature")}
    for name, text in new_texts.items():
        second.assert_match(name, text)

    assert second.written == [signature]
    assert paragraph.stat().st_mtime == OLD_TIME
    assert read_text(paragraph) == before[paragraph]
    assert signature.stat().st_mtime != OLD_TIME
    assert read_text(signature) == new_texts["block-signature"] != before[signature]
    # and the rewritten references now pass without updating
    for name, text in new_texts.items():
        make_checker(tmp_path).assert_match(name, text)


# --- (c) `bulletin diff` on re-renders ---------------------------------------------------------------------------


def test_diff_of_two_renders_of_the_sample_reports_no_change(
    renders: Renders, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", str(renders.original), str(renders.reverted)]) == 0
    assert capsys.readouterr().out == f"no changes ({len(PdfReader(renders.original).pages)} pages)\n"


def test_diff_after_a_theme_change_names_the_page_and_draws_it(
    renders: Renders, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    images = tmp_path / "images"
    assert main(["diff", str(renders.original), str(renders.font_size), "--images", str(images)]) == 1
    out = capsys.readouterr().out
    pages = len(PdfReader(renders.original).pages)
    assert out.startswith(f"1 of {pages} pages changed (old {pages} pages, new {pages})\n")
    assert re.findall(r"^page (\d+) changed:$", out, re.MULTILINE) == ["1"]
    names = sorted(p.name for p in images.iterdir())
    assert names == ["page-001-actual.png", "page-001-diff.png", "page-001-expected.png"]
    for name in names:
        assert f"  {images / name}" in out

    with Image.open(images / "page-001-diff.png") as diff:
        red, green, blue = diff.convert("RGB").split()
    # the pixels painted MARK (pure red): the faded page under them is gray, so nothing else is pure red
    marks = ImageChops.multiply(
        ImageChops.multiply(red.point(lambda v: 255 * (v == MARK[0])), green.point(lambda v: 255 * (v == MARK[1]))),
        blue.point(lambda v: 255 * (v == MARK[2])),
    )
    changed = marks.histogram()[255]
    width, height = marks.size
    assert changed > 0
    _, _, _, bottom = marks.getbbox()
    # the marks sit where the issue line is: under the masthead, in the top third of the page
    assert bottom < height / 3
    assert changed < width * height / 100
    with Image.open(images / "page-001-expected.png") as expected, Image.open(images / "page-001-actual.png") as actual:
        assert expected.size == actual.size == (width, height)
        assert expected.tobytes() != actual.tobytes()
