"""Render behaviour on small generated issues: table splits, atomic writes, the CLI."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
import yaml

from layout import render as render_module
from layout.cli import main
from layout.render import render_issue

from .pdfread import body_lines, read_lines, squeeze

ISSUES = Path(__file__).parents[2] / "issues"
HEADER = ["序号", "咨询内容", "接受咨询部门", "联系人", "电话或电子邮箱"]


def make_issue(folder: Path, blocks: list, name: str = "case.yaml") -> Path:
    """A one-article issue beside a copy of the sample publication."""
    shutil.copy(ISSUES / "bulletin.yaml", folder / "bulletin.yaml")
    source = {
        "issue": {"year": 2018, "number": "0999"},
        "sections": [
            {"title": "项目申报", "articles": [{"title": "关于征集天津市科技创新合作项目的通知", "blocks": blocks}]}
        ],
    }
    path = folder / name
    path.write_text(yaml.safe_dump(source, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_a_long_table_splits_and_repeats_its_header(tmp_path: Path) -> None:
    rows = [
        [i, f"项目申报指南及技术审查第{i}项", "合作交流处", "张骄", f"5883{i:04d} hzch@mail.kxjs.tj.gov.cn"]
        for i in range(1, 61)
    ]
    source = make_issue(
        tmp_path, ["具体如下：", {"table": {"header": HEADER, "rows": rows, "widths": [2, 5, 5, 3, 7]}}]
    )
    result = render_issue(source, tmp_path / "table.pdf")
    from layout.theme import load_theme

    lines = body_lines(read_lines(result.path), load_theme("default"))
    pages_with_rows = sorted({line.page for line in lines if "合作交流处" in line.text})
    assert len(pages_with_rows) >= 2, "the fixture must force a split"
    for page in pages_with_rows:
        on_page = [line for line in lines if line.page == page]
        header_at = next(i for i, line in enumerate(on_page) if squeeze(line.text).startswith("序号"))
        first_row = next(i for i, line in enumerate(on_page) if "合作交流处" in line.text)
        assert header_at < first_row, f"page {page}: header row must come before the rows"
    seen = [int(m) for line in lines for m in re.findall(r"5883(\d{4})", line.text)]
    assert seen == list(range(1, 61)), "every row printed once, in order"


def test_failed_render_keeps_the_previous_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = make_issue(tmp_path, ["正文第一段。"])
    target = tmp_path / "out" / "case.pdf"
    render_issue(source, target)
    before = hashlib.sha256(target.read_bytes()).hexdigest()

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("layout engine crashed")

    monkeypatch.setattr(render_module, "build_pdf", explode)
    with pytest.raises(RuntimeError):
        render_issue(source, target)
    assert hashlib.sha256(target.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["case.pdf"], "no temporary file is left behind"


def test_invalid_source_exits_2_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = make_issue(tmp_path, [{"paragraf": "正文"}])
    target = tmp_path / "bad.pdf"
    assert main(["render", str(source), "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert f"{source}:" in err
    assert "paragraf" in err
    assert not target.exists()


def test_invalid_source_keeps_the_previous_pdf(tmp_path: Path) -> None:
    source = make_issue(tmp_path, ["正文第一段。"])
    target = tmp_path / "case.pdf"
    assert main(["render", str(source), "-o", str(target)]) == 0
    before = target.read_bytes()
    source.write_text(source.read_text(encoding="utf-8").replace("year: 2018", "year: '2018'"), encoding="utf-8")
    assert main(["render", str(source), "-o", str(target)]) == 2
    assert target.read_bytes() == before


def test_render_without_arguments_renders_the_sample(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(ISSUES, tmp_path / "issues")
    reference = render_issue(ISSUES / "2018-0602.yaml", tmp_path / "reference" / "sample.pdf")
    monkeypatch.chdir(tmp_path)
    assert main(["render"]) == 0
    out = capsys.readouterr().out
    # It says where the PDF went and how many pages it has, and that PDF is the sample issue itself.
    assert out.startswith(f"out/2018-0602.pdf  {reference.pages} pages  ")
    assert (tmp_path / "out" / "2018-0602.pdf").read_bytes() == reference.path.read_bytes()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["2018-0602.pdf"]  # nothing else written


def make_long_issue(folder: Path, articles: int) -> Path:
    shutil.copy(ISSUES / "bulletin.yaml", folder / "bulletin.yaml")
    sections = []
    for s in range(4):
        items = []
        for a in range(articles // 4):
            n = s * (articles // 4) + a + 1
            items.append({
                "title": f"关于开展第{n}批中小企业公共服务体系重点服务活动并组织申报相关扶持计划项目的通知",
                "blocks": [f"为贯彻落实党的十九大关于加强对中小企业创新支持的决策部署，现将第{n}批事项通知如下。" * 3],
            })  # fmt: skip
        sections.append({"title": f"栏目{s + 1}", "articles": items})
    path = folder / "long.yaml"
    source = {"issue": {"year": 2020, "number": "0001"}, "sections": sections}
    path.write_text(yaml.safe_dump(source, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_a_200_article_contents_continues_over_pages_with_true_numbers(tmp_path: Path) -> None:
    from pypdf import PdfReader

    from layout.theme import load_theme

    result = render_issue(make_long_issue(tmp_path, 200), tmp_path / "long.pdf")
    theme = load_theme("default")
    lines = body_lines(read_lines(result.path), theme)
    title_size = round(theme.style("article_title").size, 1)
    entry_size = round(theme.style("toc_article").size, 1)
    title_page = {}
    for line in lines:
        found = re.match(r"关于开展第(\d+)批", squeeze(line.text))
        if found and line.size == title_size:
            title_page.setdefault(int(found.group(1)), line.page)
    numbers = {}
    pending: int | None = None
    for line in lines:
        if line.size != entry_size:
            continue
        found = re.match(r"关于开展第(\d+)批", squeeze(line.text))
        if found:
            pending = int(found.group(1))
        end = re.search(r"(\d+)$", squeeze(line.text))
        if pending is not None and end and not squeeze(line.text).endswith("通知"):
            numbers[pending] = int(end.group(1))
            pending = None
    contents_pages = sorted({line.page for line in lines if line.size == entry_size})
    assert len(contents_pages) >= 3, "200 entries take several pages"
    assert len(title_page) == 200
    assert numbers == title_page
    reader = PdfReader(result.path)
    outline_pages = [
        reader.get_destination_page_number(e) + 1 for group in reader.outline if isinstance(group, list) for e in group
    ]
    assert outline_pages == [title_page[n] for n in range(1, 201)]
    assert result.passes <= 3


def test_an_image_is_scaled_into_the_text_block(tmp_path: Path) -> None:
    from PIL import Image

    from layout.theme import load_theme

    Image.new("RGB", (4000, 1000), (200, 30, 30)).save(tmp_path / "wide.png")
    Image.new("RGB", (300, 300), (30, 30, 200)).save(tmp_path / "qr.png", dpi=(300, 300))
    source = make_issue(tmp_path, ["正文。", {"image": {"path": "wide.png"}},
                                    {"image": {"path": "qr.png", "caption": "扫码关注"}},
                                    {"image": {"path": "qr.png", "width": "40mm"}}])  # fmt: skip
    result = render_issue(source, tmp_path / "img.pdf")
    import pdfplumber

    theme = load_theme("default")
    with pdfplumber.open(result.path) as pdf:
        images = [im for page in pdf.pages for im in page.images]
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    widths = sorted(round(im["x1"] - im["x0"], 1) for im in images)
    assert widths == sorted([round(theme.page.text_width, 1), 72.0, round(40 / 25.4 * 72, 1)])
    assert "扫码关注" in text


def test_fallback_faces_share_the_baseline_and_synthetic_bold_strokes(tmp_path: Path) -> None:
    """A body face missing characters falls back per character; a face without bold is stroked to embolden."""
    import sys

    from pypdf import PdfReader

    sys.path.insert(0, str(Path(__file__).parents[1]))
    from fontfactory import build_truetype_font, save_font

    save_font(build_truetype_font(chars="中文字国，。 ", family="Tiny Song"), tmp_path / "Tiny.ttf")
    (tmp_path / "mytheme.yaml").write_text(
        "parent: default\n"
        "fonts:\n"
        "  tiny: {file: ./Tiny.ttf}\n"
        "  kai: {file: NotoSerifSC-Regular.ttf, synthetic_bold: true}\n"
        "roles:\n"
        "  body: [tiny, song]\n"
        "  body-bold: [kai]\n",
        encoding="utf-8",
    )
    source = make_issue(tmp_path, ["中文字国是**粗体**，中文。"])
    publication = tmp_path / "bulletin.yaml"
    publication.write_text(publication.read_text(encoding="utf-8").replace("theme: default", "theme: mytheme.yaml"))
    result = render_issue(source, tmp_path / "fallback.pdf")
    import pdfplumber

    with pdfplumber.open(result.path) as pdf:
        chars = {c["text"]: c for c in pdf.pages[1].chars if c["text"] in "中是粗"}
    assert "TinySong" in chars["中"]["fontname"].replace(" ", "")
    assert "NotoSerif" in chars["是"]["fontname"]
    baselines = {round(c["matrix"][5], 2) for c in chars.values()}
    assert len(baselines) == 1, "faces on one line share the baseline"
    content = PdfReader(result.path).pages[1].get_contents().get_data()
    assert b" 2 Tr" in content, "the bold run is drawn fill+stroke"
    assert b"0 Tr" in content, "and the text after it is filled again"


def test_a_rendered_pdf_has_ordinary_file_permissions(tmp_path: Path) -> None:
    import os

    source = make_issue(tmp_path, ["正文。"])
    mask = os.umask(0o022)
    try:
        result = render_issue(source, tmp_path / "perm.pdf")
    finally:
        os.umask(mask)
    assert result.path.stat().st_mode & 0o777 == 0o644


def test_an_edited_theme_is_read_again(tmp_path: Path) -> None:
    from layout.theme import load_theme

    theme_path = tmp_path / "t.yaml"
    theme_path.write_text("parent: default\npage:\n  margin_top: 20mm\n", encoding="utf-8")
    first = load_theme(theme_path)
    theme_path.write_text("parent: default\npage:\n  margin_top: 30mm\n", encoding="utf-8")
    os_stat = theme_path.stat()
    import os

    os.utime(theme_path, ns=(os_stat.st_atime_ns, os_stat.st_mtime_ns + 1_000_000))
    second = load_theme(theme_path)
    assert round(second.page.margin_top - first.page.margin_top, 1) == round(10 / 25.4 * 72, 1)
    assert load_theme(theme_path) is second  # unchanged files: the cached theme


def test_the_pdf_is_dated_by_the_issue(tmp_path: Path) -> None:
    from pypdf import PdfReader

    source = make_issue(tmp_path, ["正文。"])
    source.write_text(source.read_text(encoding="utf-8").replace("number: 0999", "number: 0999\n  date: 2018-06-04"))
    assert "date: 2018-06-04" in source.read_text(encoding="utf-8")
    meta = PdfReader(render_issue(source, tmp_path / "dated.pdf").path).metadata
    assert meta["/CreationDate"] == meta["/ModDate"] == "D:20180604000000+08'00'"


def test_a_table_row_taller_than_a_page_is_refused_with_its_position(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = make_issue(tmp_path, [{"table": {"header": ["序号", "内容"], "rows": [[1, "很长的内容" * 600]]}}])
    line = next(n for n, text in enumerate(source.read_text(encoding="utf-8").splitlines(), 1) if "table:" in text)
    for command in (["check", str(source)], ["render", str(source), "-o", str(tmp_path / "big.pdf")]):
        assert main(command) == 2  # check lays the issue out too: it finds what render would
        err = capsys.readouterr().err
        assert err.startswith(f"{source}:{line}:")
        assert "does not fit on a page" in err
        assert "0x" not in err  # no object addresses
    assert not (tmp_path / "big.pdf").exists()


def test_a_tall_image_is_scaled_to_fit_a_page(tmp_path: Path) -> None:
    from PIL import Image

    from layout.theme import load_theme

    Image.new("RGB", (200, 4000), (30, 30, 200)).save(tmp_path / "tall.png")
    result = render_issue(make_issue(tmp_path, [{"image": {"path": "tall.png"}}]), tmp_path / "tall.pdf")
    import pdfplumber

    with pdfplumber.open(result.path) as pdf:
        (image,) = [im for page in pdf.pages for im in page.images]
    assert image["bottom"] - image["top"] <= load_theme("default").page.text_height


def test_numbered_attachment_names_align_whatever_their_numbers_width(tmp_path: Path) -> None:
    import pdfplumber

    names = [f"{mark}项材料名称" for mark in "甲乙丙丁戊己庚辛壬癸子"]  # eleven: "1．" … "11．"
    result = render_issue(make_issue(tmp_path, ["正文。", {"attachments": names}]), tmp_path / "att.pdf")
    with pdfplumber.open(result.path) as pdf:
        chars = [c for page in pdf.pages[1:] for c in page.chars]
    starts = {c["text"]: round(c["x0"], 2) for c in chars if c["text"] in "甲乙丙丁戊己庚辛壬癸子"}
    assert len(starts) == len(names)
    assert len(set(starts.values())) == 1, starts  # one column, though "1" is narrower than "2" and "11"
    label = next(c for c in chars if c["text"] == "附")
    assert label["x0"] < min(starts.values())


def test_numbered_list_items_share_one_text_column(tmp_path: Path) -> None:
    import pdfplumber

    text = "请各单位提供总结材料，包括主要工作措施和成效、资金使用的绩效、主要工作经验典型、下一步工作计划等内容。"
    items = [f"{n}、{mark}{text}" for n, mark in zip((1, 2, 11), "甲乙丙", strict=True)]
    result = render_issue(make_issue(tmp_path, [{"list": items}]), tmp_path / "list.pdf")
    with pdfplumber.open(result.path) as pdf:
        # the list's own lines: body size, inside the text block (the page number is 12 pt too)
        chars = [c for c in pdf.pages[1].chars if c["size"] == 12.0 and 100 < c["top"] < 700]
    starts = {round(c["x0"], 2) for c in chars if c["text"] in "甲乙丙"}
    assert len(starts) == 1, starts  # "1、", "2、" and "11、" differ in width; the texts do not
    lines: dict[float, float] = {}
    for c in chars:
        lines[round(c["bottom"])] = min(lines.get(round(c["bottom"]), 1e9), c["x0"])
    wrapped = {round(x, 2) for x in lines.values() if x > min(lines.values()) + 1}
    assert wrapped == starts  # wrapped lines hang at the same column
