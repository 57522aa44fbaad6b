"""Fitted masthead and footers, read back from rendered PDFs: a masthead of 2–8 characters and the publisher line
on one line, footer lines complete and an em clear of the folio, and `check` refusing what cannot fit."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pdfplumber
import pytest
import yaml

from layout.check import check_source
from layout.loader.issue import load_issue
from layout.render import render_issue
from layout.validate import resolve_theme

from .pdfread import read_lines, squeeze

REALISTIC = Path(__file__).parents[1] / "cases" / "realistic"
ISSUE = {
    "issue": {"year": 2019, "number": "0001"},
    "sections": [{"title": "通知公告", "articles": [{"title": "关于开展调查的通知", "blocks": ["正文一段。"]}]}],
}


def publication(folder: Path, **changes: object) -> Path:
    """The realistic fixture's publication with `changes`, and a one-article issue beside it."""
    data = yaml.safe_load((REALISTIC / "bulletin.yaml").read_text(encoding="utf-8"))
    data.update(changes)
    (folder / "bulletin.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    path = folder / "issue.yaml"
    path.write_text(yaml.safe_dump(ISSUE, allow_unicode=True), encoding="utf-8")
    return path


def page_one_rows(pdf: Path, size_at_least: float) -> list[tuple[float, str]]:
    """(size, text) of every line on page 1 set at `size_at_least` pt or more (the masthead's lines)."""
    return [(line.size, line.text) for line in read_lines(pdf) if line.page == 1 and line.size >= size_at_least]


@pytest.mark.parametrize("masthead", ["快讯", "政策速递", "科技政策速递", "科技创新政策快讯"])
def test_masthead_of_two_to_eight_characters_is_one_line(tmp_path: Path, masthead: str) -> None:
    source = publication(tmp_path, masthead=masthead)
    pdf = render_issue(source, tmp_path / "out.pdf").path
    title = resolve_theme(load_issue(source)).style("masthead_title")
    rows = page_one_rows(pdf, title.min_size)
    assert [squeeze(text) for _, text in rows] == [masthead]
    size = rows[0][0]
    assert title.min_size <= size <= title.size
    # Short titles keep the full size (letter spacing gives way first); eight characters need a smaller size.
    assert (size == title.size) == (len(masthead) <= 6)


def test_masthead_letter_spacing_is_a_maximum(tmp_path: Path) -> None:
    """Six characters at 64 pt fit only with less than the theme's 1 em letter spacing: the spacing gives way."""
    pdf = render_issue(publication(tmp_path, masthead="科技政策速递"), tmp_path / "out.pdf").path
    with pdfplumber.open(pdf) as doc:
        chars = [c for c in doc.pages[0].chars if c["size"] > 60]
    gaps = [b["x0"] - a["x1"] for a, b in itertools.pairwise(chars)]
    assert 0 < max(gaps) < 64 - 1  # spaced, but by less than an em
    left = min(c["x0"] for c in chars)
    right = max(c["x1"] for c in chars)
    theme = resolve_theme(load_issue(tmp_path / "issue.yaml"))
    assert right - left <= theme.page.text_width + 0.5


def test_long_publisher_line_stays_one_line(tmp_path: Path) -> None:
    publisher = "上海市浦东新区科技创新政策研究与企业咨询服务中心暨张江高科技园区企业服务联盟秘书处"
    source = publication(tmp_path, publisher=publisher)
    pdf = render_issue(source, tmp_path / "out.pdf").path
    style = resolve_theme(load_issue(source)).style("masthead_publisher")
    rows = [text for size, text in page_one_rows(pdf, style.min_size) if size <= style.size]
    assert publisher in [squeeze(text) for text in rows]


def test_footer_is_complete_and_an_em_from_the_folio(tmp_path: Path) -> None:
    source = REALISTIC / "2019-0412.yaml"
    pdf = render_issue(source, tmp_path / "out.pdf").path
    theme = resolve_theme(load_issue(source))
    issue = load_issue(source)
    folio_size = theme.style("page_number").size
    with pdfplumber.open(pdf) as doc:
        for number, page in enumerate(doc.pages, start=1):
            below = [c for c in page.chars if c["top"] > theme.page.height - theme.page.margin_bottom]
            folio = [c for c in below if abs(c["size"] - folio_size) < 0.05]
            footer = [c for c in below if abs(c["size"] - folio_size) >= 0.05]
            text = squeeze("".join(c["text"] for c in sorted(footer, key=lambda c: (round(c["top"]), c["x0"]))))
            for line in issue.publication.footer:
                assert squeeze(line.plain) in text, f"page {number}: footer line lost or clipped: {line.plain}"
            assert squeeze("".join(c["text"] for c in folio)) == f"—{number}—"
            f0, f1 = min(c["x0"] for c in folio), max(c["x1"] for c in folio)
            ftop, fbottom = min(c["top"] for c in folio), max(c["bottom"] for c in folio)
            for c in footer:
                # Within an em of the folio's band vertically, a footer glyph keeps an em away horizontally.
                if c["bottom"] > ftop - folio_size and c["top"] < fbottom + folio_size:
                    distance = max(f0 - c["x1"], c["x0"] - f1)
                    assert distance >= folio_size - 0.01, f"page {number}: {c['text']!r} {distance:.1f} pt off"
            left, right = theme.page.text_left(number), theme.page.text_left(number) + theme.page.text_width
            assert all(left - 0.01 <= c["x0"] and c["x1"] <= right + 0.01 for c in footer)


def test_check_refuses_a_masthead_that_cannot_fit(tmp_path: Path) -> None:
    source = publication(tmp_path, masthead="科技创新政策研究与咨询服务快讯周刊")
    problems = check_source(source)
    assert len(problems) == 1
    text = problems[0].format()
    assert text.startswith(f"{tmp_path / 'bulletin.yaml'}:")
    line = next(i for i, ln in enumerate((tmp_path / "bulletin.yaml").read_text().splitlines(), 1) if "masthead:" in ln)
    assert problems[0].pos.line == line
    assert "does not fit on one line" in text
    assert not (tmp_path / "out.pdf").exists()


def test_check_refuses_a_footer_line_that_cannot_fit(tmp_path: Path) -> None:
    long = "地址：" + "上海市浦东新区张江高科技园区科苑路" * 4
    source = publication(tmp_path, footer=["电话：021-58812345", long])
    problems = check_source(source)
    assert [p.message.split(" does not fit")[0] for p in problems] == [f"footer line {long!r}"]
    line = next(i for i, ln in enumerate((tmp_path / "bulletin.yaml").read_text().splitlines(), 1) if long in ln)
    assert problems[0].pos.line == line


def test_a_wrapping_footer_keeps_every_word(tmp_path: Path) -> None:
    """With `overflow: wrap` a line too wide for the room beside the folio goes on two lines, none clipped."""
    theme = tmp_path / "wrap.yaml"
    theme.write_text(
        "parent: default\nstyles:\n  footer: {parent: body, size: 9pt, leading: 12pt, first_indent: 0, "
        "align: center, overflow: wrap}\n",
        encoding="utf-8",
    )
    long = "地址：上海市浦东新区张江高科技园区科苑路 399 号 10 号楼 5 层 电话：021-58812345 传真：021-58812346"
    source = publication(tmp_path, footer=[long], theme="wrap.yaml")
    assert check_source(source) == []
    pdf = render_issue(source, tmp_path / "out.pdf").path
    footer = [ln for ln in read_lines(pdf) if ln.page == 1 and ln.size == 9.0 and ln.top > 700]
    assert len(footer) == 2
    assert squeeze(long) == squeeze("".join(ln.text for ln in footer))


def test_sample_footer_unchanged_centred(tmp_path: Path) -> None:
    """Short footer lines stay centred on the text block (they clear the folio on both sides)."""
    sample = Path(__file__).parents[2] / "issues"
    shutil.copytree(sample, tmp_path / "issues")
    source = tmp_path / "issues" / "2018-0602.yaml"
    pdf = render_issue(source, tmp_path / "out.pdf").path
    theme = resolve_theme(load_issue(source))
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[1]
        chars = [c for c in page.chars if c["top"] > theme.page.height - theme.page.margin_bottom and c["size"] == 9.0]
        top = min(c["top"] for c in chars)
        first = [c for c in chars if abs(c["top"] - top) < 1]
    centre = (min(c["x0"] for c in first) + max(c["x1"] for c in first)) / 2
    assert centre == pytest.approx(theme.page.text_left(2) + theme.page.text_width / 2, abs=1.0)
