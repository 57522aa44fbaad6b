"""PDF-level tests on the second realistic fixture (tests/cases/realistic/): another publication with an
eight-character masthead, a long publisher line, a three-line contact footer, and e-mail addresses and URLs in
its paragraphs and contact lines. What holds for the sample must hold here too."""

from __future__ import annotations

import itertools
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from layout.loader.issue import load_issue
from layout.model import Attachments, ListBlock, Paragraph
from layout.quality import LOOSE_EM, MAX_EM, QualityReport, assess, extra_gaps, read_segments, title_breaks
from layout.render import RenderResult, render_issue
from layout.theme import Theme
from layout.validate import resolve_theme

from .pdfread import read_lines, squeeze

REALISTIC = Path(__file__).parents[1] / "cases" / "realistic" / "2019-0412.yaml"
SAMPLE = Path(__file__).parents[2] / "issues" / "2018-0602.yaml"
CONTACT = "联系人：王堃、李喆 电话：0351-4046789 邮箱：zjtx2019@sxzxqj-chuangxinjidi.gov.cn"


@pytest.fixture(scope="module")
def theme() -> Theme:
    return resolve_theme(load_issue(REALISTIC))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> RenderResult:
    return render_issue(REALISTIC, tmp_path_factory.mktemp("realistic") / "realistic.pdf")


@pytest.fixture(scope="module")
def report(rendered: RenderResult, theme: Theme) -> QualityReport:
    return assess(rendered.path, theme)


def test_no_justified_line_is_letter_spaced(report: QualityReport) -> None:
    # Before address breaks the contact line was spread about 1 em a gap and the line before an e-mail 0.65 em.
    assert report.stretch, "no justified line found"
    assert report.too_loose == []
    assert report.max_stretch <= MAX_EM
    assert report.loose_share <= 0.01, report.loose


def test_contact_line_is_flush_and_reads_back_whole(rendered: RenderResult, theme: Theme) -> None:
    segments = [s for s in read_segments(rendered.path, theme) if s.text.startswith("联系人：王堃")]
    assert len(segments) == 1
    (first,) = segments
    right = theme.page.text_left(first.page) + theme.page.text_width
    assert first.x1 == pytest.approx(right, abs=0.5)  # flush, the address broken inside rather than the line spread
    assert max(extra_gaps(first.chars, first.size)) / first.size <= LOOSE_EM
    text = squeeze("".join(line.text for line in read_lines(rendered.path) if line.page == first.page))
    assert squeeze(CONTACT) in text  # no hyphen added, nothing lost at the break


def test_kinsoku_flush_and_lone_characters(report: QualityReport) -> None:
    assert report.prohibited == []
    assert report.lonely == []
    assert report.flush_share >= 0.99, report.not_flush


def test_corpus_of_sample_and_fixture_meets_the_stretch_targets(
    report: QualityReport, tmp_path: Path
) -> None:
    sample = render_issue(SAMPLE, tmp_path / "sample.pdf")
    sample_report = assess(sample.path, resolve_theme(load_issue(SAMPLE)))
    stretch = report.stretch + sample_report.stretch
    assert max(stretch) <= MAX_EM
    assert sum(s > LOOSE_EM + 0.001 for s in stretch) <= 0.01 * len(stretch)


def test_extra_gaps_count_spacing_beyond_the_rules() -> None:
    def char(text: str, x0: float) -> dict:
        return {"text": text, "x0": x0, "x1": x0 + (12.0 if not text.isascii() else 6.0)}

    # Han 1 em apart (the letter-spaced contact line): 12 pt extra each.
    assert extra_gaps([char("联", 0), char("系", 24), char("人", 48)], 12.0) == [12.0, 12.0]
    # A quarter em between Han and a digit is spacing, not stretch; Latin to Latin is left out.
    assert extra_gaps([char("话", 0), char("0", 15), char("1", 21)], 12.0) == [0.0]


@pytest.mark.parametrize("source", [REALISTIC, SAMPLE], ids=["realistic", "sample"])
def test_titles_break_between_words_in_balanced_lines(source: Path, tmp_path: Path) -> None:
    """Article titles, subtitles and contents entries: no word split across lines (the sample's "创 / 新" and the
    fixture's "科技 / 型" were); a title's lines differ by at most about a fifth unless a 《…》 or （…） kept whole
    ends the first."""
    pdf = render_issue(source, tmp_path / "out.pdf").path
    theme = resolve_theme(load_issue(source))
    report = assess(pdf, theme)
    assert report.titles >= 3
    assert report.title_splits == []
    for title, breaks, _page in title_breaks(read_segments(pdf, theme), theme):
        parts = [title[a:b] for a, b in zip([0, *breaks], [*breaks, len(title)], strict=True)]
        if len(parts) == 2 and not parts[0].endswith(("》", "）")) and "··" not in title:
            shorter, longer = sorted(len(p) for p in parts)
            assert shorter >= 0.75 * longer, parts


@pytest.mark.parametrize("source", [REALISTIC, SAMPLE], ids=["realistic", "sample"])
def test_content_stream_reads_labels_before_their_text(source: Path, tmp_path: Path) -> None:
    """pypdf reads the content stream in drawing order: each list item's "1、" and each attachment's "附件：1．"
    come before the item's text, as in the source."""
    pdf = render_issue(source, tmp_path / "out.pdf").path
    stream = squeeze("".join(page.extract_text() for page in PdfReader(pdf).pages))
    issue = load_issue(source)
    checked = 0
    for section in issue.sections:
        for article in section.articles:
            for block in article.blocks:
                if isinstance(block, ListBlock):
                    for item in block.items:
                        assert squeeze(item.plain)[:12] in stream, item.plain
                        checked += 1
                elif isinstance(block, Attachments) and len(block.items) > 1:
                    for number, item in enumerate(block.items, start=1):
                        label = ("附件：" if number == 1 else "") + f"{number}．"
                        assert label + squeeze(item.plain)[:8] in stream, item.plain
                        checked += 1
    assert checked >= 5


def test_table_header_words_and_numbers_never_break(rendered: RenderResult, theme: Theme) -> None:
    """序号 and 联系电话 stood over two lines in narrow columns ("序/号"); numbers such as 021-64331234 too."""
    head = theme.style("table_head")
    lines = read_lines(rendered.path)
    header_row = [ln for ln in lines if ln.size == round(head.size, 1) and "序号" in squeeze(ln.text)]
    assert len(header_row) == 1
    texts = squeeze(header_row[0].text)
    assert texts == "序号咨询内容联系部门联系人联系电话电子邮箱"  # every header on the one baseline
    body = " ".join(ln.text for ln in lines if ln.size == round(theme.style("table_cell").size, 1))
    for number in ("021-64331234", "021-23117789", "021-63211618"):
        assert number in body


def test_given_column_widths_are_honoured_where_they_leave_room(tmp_path: Path) -> None:
    """widths [2, 5, 5, 3, 7] give exactly those shares when every column's header word fits its share."""
    case = Path(__file__).parents[1] / "cases" / "snapshots"
    pdf = render_issue(case / "block-table.yaml", tmp_path / "out.pdf").path
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[1]
        xs = sorted({round(e["x0"], 1) for e in page.edges if e["orientation"] == "v"})
    spans = [b - a for a, b in itertools.pairwise(xs)]
    assert len(spans) == 5
    total = sum(spans)
    assert [round(s / total * 22, 1) for s in spans] == [2.0, 5.0, 5.0, 3.0, 7.0]


@pytest.mark.parametrize("source", [REALISTIC, SAMPLE], ids=["realistic", "sample"])
def test_no_page_is_more_than_three_lines_short_mid_article(source: Path, tmp_path: Path) -> None:
    """A page whose article goes on over the page ends within three body lines of the text block's foot (the
    sample's page 2 ended about five short: its signature went over with the paragraph's last two lines)."""
    pdf = render_issue(source, tmp_path / "out.pdf").path
    report = assess(pdf, resolve_theme(load_issue(source)))
    assert len(report.page_fill) >= 3
    assert report.short_pages == []


def test_a_signature_closes_up_to_stay_with_its_text(tmp_path: Path) -> None:
    """GB/T 9704 7.3.5.1: where a signature would not fit under its text, its lines close up (to no less than
    1.25 em) rather than sending the text's last lines over the page with it."""
    pdf = render_issue(SAMPLE, tmp_path / "out.pdf").path
    lines = [ln for ln in read_lines(pdf) if ln.page == 2]
    texts = [squeeze(ln.text) for ln in lines]
    assert "积极推进民营企业创新发展。" in "".join(texts)  # the paragraph's end is on page 2 ...
    signature = [ln for ln in lines if squeeze(ln.text) in ("科技部", "全国工商联", "2018年5月18日")]
    assert len(signature) == 3  # ... and its signature under it
    gaps = [b.top - a.top for a, b in itertools.pairwise(signature)]
    assert all(12 * 1.25 - 0.01 <= gap <= 22 + 0.01 for gap in gaps), gaps


def _raw_text(pdf: Path) -> str:
    """The text as `pdftotext -raw` gives it (content-stream order); pdfium's reader, also in stream order,
    where poppler is not installed (.ci/run installs it)."""
    if shutil.which("pdftotext"):
        done = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                              text=True, check=True)
        return done.stdout
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    return "".join(page.get_textpage().get_text_range() for page in document)


@pytest.mark.parametrize("source", [REALISTIC, SAMPLE], ids=["realistic", "sample"])
def test_raw_text_gives_every_block_in_source_order(source: Path, tmp_path: Path) -> None:
    """Read in content-stream order, every paragraph, list item (label first) and attachment comes whole and in
    the order of the source: nothing drawn in a separate column lands after its text."""
    pdf = render_issue(source, tmp_path / "out.pdf").path
    stream = squeeze(_raw_text(pdf))
    issue = load_issue(source)
    position = 0
    checked = 0
    for section in issue.sections:
        for article in section.articles:
            for block in article.blocks:
                if isinstance(block, ListBlock):
                    texts = [squeeze(item.plain) for item in block.items]
                elif isinstance(block, Attachments):
                    texts = [squeeze(item.plain) for item in block.items]
                elif isinstance(block, Paragraph):
                    texts = [squeeze(block.text.plain)]
                else:
                    continue
                for text in texts:
                    head = text[:16]
                    found = stream.find(head, position)
                    assert found >= 0, f"not found in order after offset {position}: {text[:30]}"
                    position = found + len(head)
                    checked += 1
    assert checked >= 20
