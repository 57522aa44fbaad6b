"""The loader: publication lookup, publication and issue fields, every block kind and every refusal rule."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
import yaml
from PIL import Image as PILImage

import layout.themeref
from layout.errors import Diagnostic, SourceError, sort_diagnostics
from layout.loader.issue import load_issue
from layout.loader.publication import find_publication, load_publication
from layout.model import (
    Align,
    Attachments,
    Heading,
    Image,
    Links,
    ListBlock,
    PageBreak,
    Paragraph,
    Plain,
    Run,
    Signature,
    Subtitle,
    Table,
)
from layout.units import MM

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "issues" / "2018-0602.yaml"

PUB = """\
publisher: 测试科技有限公司
masthead: 快讯
contact:
  phone: "62227852"
footer:
  - "{publisher} 电话：{contact.phone}"
"""

# Blocks start on line 9; a block's '- ' is in column 11 and its value in column 13.
HEAD = """\
issue:
  year: 2018
  number: "0602"
sections:
  - title: 政策文件
    articles:
      - title: 标题
        blocks:
"""
FIRST_BLOCK_LINE = 9


def issue_text(blocks: str = "- 正文。") -> str:
    return HEAD + textwrap.indent(textwrap.dedent(blocks), " " * 10)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def make_issue(tmp_path: Path, blocks: str = "- 正文。", *, pub: str = PUB, text: str | None = None) -> Path:
    write(tmp_path, "bulletin.yaml", pub)
    return write(tmp_path, "issue.yaml", issue_text(blocks) if text is None else text)


def diagnostics(path: Path, publication: Path | None = None) -> list[Diagnostic]:
    with pytest.raises(SourceError) as info:
        load_issue(path, publication=publication)
    return sort_diagnostics(info.value.diagnostics)


def only(path: Path, publication: Path | None = None) -> Diagnostic:
    """The single diagnostic the source produces."""
    found = diagnostics(path, publication)
    assert len(found) == 1, [d.format() for d in found]
    return found[0]


def where(diag: Diagnostic) -> tuple[int, int]:
    assert diag.pos is not None
    return diag.pos.line, diag.pos.col


def blocks_of(path: Path) -> tuple:
    return load_issue(path).sections[0].articles[0].blocks


# --- publication lookup -------------------------------------------------------------------------------------
def test_nearest_bulletin_yaml_upwards_is_used(tmp_path: Path) -> None:
    write(tmp_path, "bulletin.yaml", PUB)
    issue = write(tmp_path, "2018/06/issue.yaml", issue_text())
    assert find_publication(issue) == tmp_path / "bulletin.yaml"
    pub = load_issue(issue).publication
    assert pub.publisher == "测试科技有限公司"
    assert pub.root == tmp_path.resolve()
    assert pub.source == tmp_path / "bulletin.yaml"


def test_nearer_bulletin_yaml_wins(tmp_path: Path) -> None:
    write(tmp_path, "bulletin.yaml", PUB)
    write(tmp_path, "a/bulletin.yaml", PUB.replace("测试科技有限公司", "近处"))
    issue = write(tmp_path, "a/issue.yaml", issue_text())
    assert load_issue(issue).publication.publisher == "近处"


def test_explicit_publication_overrides_the_search(tmp_path: Path) -> None:
    issue = make_issue(tmp_path)
    other = write(tmp_path, "other/pub.yaml", PUB.replace("测试科技有限公司", "另一家"))
    pub = load_issue(issue, publication=other).publication
    assert pub.publisher == "另一家"
    assert pub.root == (tmp_path / "other").resolve()


def test_inline_publication_block_is_the_fallback(tmp_path: Path) -> None:
    inline = "publication:\n" + textwrap.indent(PUB, "  ") + issue_text()
    issue = write(tmp_path, "issue.yaml", inline)
    pub = load_issue(issue).publication
    assert pub.footer[0].plain == "测试科技有限公司 电话：62227852"
    assert pub.source == issue
    assert pub.root == tmp_path.resolve()


def test_no_publication_says_where_it_looked(tmp_path: Path) -> None:
    issue = write(tmp_path, "issue.yaml", issue_text())
    diag = only(issue)
    assert "no publication found" in diag.message
    assert str(tmp_path) in diag.message
    assert "bulletin.yaml" in diag.message
    assert "--publication" in (diag.hint or "")


def test_inline_block_shadowed_by_bulletin_yaml_is_an_error(tmp_path: Path) -> None:
    inline = "publication:\n" + textwrap.indent(PUB, "  ") + issue_text()
    issue = make_issue(tmp_path, text=inline)
    diag = only(issue)
    assert where(diag) == (1, 1)
    assert "ignored" in diag.message
    assert "bulletin.yaml" in diag.message


def test_publication_problems_are_reported_with_the_issue_problems(tmp_path: Path) -> None:
    issue = make_issue(tmp_path, "- headng: x", pub=PUB.replace("masthead", "mast"))
    found = diagnostics(issue)
    assert {Path(d.pos.file).name for d in found if d.pos} == {"bulletin.yaml", "issue.yaml"}
    assert any("unknown key 'mast'" in d.message and d.hint == "did you mean 'masthead'?" for d in found)
    assert any("missing 'masthead'" in d.message for d in found)
    assert any("unknown block kind 'headng'" in d.message for d in found)


# --- publication fields ---------------------------------------------------------------------------------------
def test_contact_is_a_sorted_flat_tuple_keeping_spellings(tmp_path: Path) -> None:
    pub = PUB.replace('  phone: "62227852"\n', "  website: www.x.cn\n  phone: 010\n  office:\n    room: 0602\n")
    path = write(tmp_path, "bulletin.yaml", pub.replace("{contact.phone}", "{contact.phone} {contact.office.room}"))
    loaded = load_publication(path)
    # YAML 1.1 would read 010 and 0602 as octal numbers; contact values keep what the editor wrote.
    assert loaded.contact == (("office.room", "0602"), ("phone", "010"), ("website", "www.x.cn"))
    assert loaded.footer[0].plain == "测试科技有限公司 电话：010 0602"


def test_contact_refuses_lists(tmp_path: Path) -> None:
    path = write(tmp_path, "bulletin.yaml", PUB.replace('  phone: "62227852"', "  phone: [1, 2]"))
    with pytest.raises(SourceError) as info:
        load_publication(path)
    (diag,) = info.value.diagnostics
    assert where(diag) == (4, 10)
    assert "must be text, not a list" in diag.message


def test_placeholders_are_substituted_and_double_braces_are_literal(tmp_path: Path) -> None:
    pub = PUB + "closing:\n  - \"{{ {masthead} }} 网址 {contact.phone}\"\n"
    loaded = load_publication(write(tmp_path, "bulletin.yaml", pub))
    assert loaded.closing[0].plain == "{ 快讯 } 网址 62227852"
    assert loaded.closing[0].col_offset is None  # rewritten: indices no longer map to columns


def test_unknown_placeholder_is_an_error_at_its_column(tmp_path: Path) -> None:
    pub = PUB.replace('"{publisher} 电话：{contact.phone}"', "电话：{contact.phon} {phone} {电话}")
    with pytest.raises(SourceError) as info:
        load_publication(write(tmp_path, "bulletin.yaml", pub))
    first, second, third = sort_diagnostics(info.value.diagnostics)
    assert where(first) == (6, 8)
    assert first.message == "unknown placeholder {contact.phon}"
    assert first.hint == "did you mean {contact.phone}?"
    assert where(second) == (6, 23)
    assert second.hint == "did you mean {contact.phone}?"
    assert where(third) == (6, 31)
    assert "known names: contact.phone, masthead, publisher" in (third.hint or "")


def test_unpaired_brace_is_an_error(tmp_path: Path) -> None:
    pub = PUB.replace('"{publisher} 电话：{contact.phone}"', '"a } b"')
    with pytest.raises(SourceError) as info:
        load_publication(write(tmp_path, "bulletin.yaml", pub))
    (diag,) = info.value.diagnostics
    assert where(diag) == (6, 8)
    assert "unpaired '}'" in diag.message
    assert "}}" in (diag.hint or "")


def test_publication_required_fields_and_footer_length(tmp_path: Path) -> None:
    pub = "publisher: x\nfooter: [a, b, c, d]\n"
    with pytest.raises(SourceError) as info:
        load_publication(write(tmp_path, "bulletin.yaml", pub))
    messages = [d.message for d in sort_diagnostics(info.value.diagnostics)]
    assert messages == ["the publication is missing 'masthead' (the big title on page 1)",
                        "footer has 4 lines; it takes 1 to 3"]


# --- theme ------------------------------------------------------------------------------------------------------
@pytest.fixture
def themes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A themes folder with two shipped themes, 'default' and 'compact'."""
    folder = tmp_path / "shipped"
    write(folder, "default.yaml", "{}\n")
    write(folder, "compact.yaml", "{}\n")
    monkeypatch.setattr(layout.themeref, "THEMES_DIR", folder)
    return folder


def test_theme_shipped_name(tmp_path: Path, themes: Path) -> None:
    path = write(tmp_path, "pub/bulletin.yaml", PUB + "theme: compact\n")
    assert load_publication(path).theme == "compact"
    assert load_publication(write(tmp_path, "pub/bulletin.yaml", PUB)).theme == "default"


def test_unknown_theme_lists_the_shipped_ones(tmp_path: Path, themes: Path) -> None:
    path = write(tmp_path, "pub/bulletin.yaml", PUB + "theme: compakt\n")
    with pytest.raises(SourceError) as info:
        load_publication(path)
    (diag,) = info.value.diagnostics
    assert where(diag) == (7, 8)
    assert diag.message == "unknown theme 'compakt'; shipped themes: compact, default"
    assert diag.hint == "did you mean 'compact'?"


@pytest.mark.parametrize("ref", ["house.yml", "themes/house"])
def test_a_theme_path_is_any_yaml_file_or_a_path_with_a_folder(tmp_path: Path, themes: Path, ref: str) -> None:
    # one rule for the loader and the theme reader (they used to disagree on .yml)
    write(tmp_path, f"pub/{ref}", "{}\n")
    path = write(tmp_path, "pub/bulletin.yaml", PUB + f"theme: {ref}\n")
    assert load_publication(path).theme == (tmp_path / "pub" / ref).resolve()


def test_theme_path_is_resolved_inside_the_publication_folder(tmp_path: Path, themes: Path) -> None:
    write(tmp_path, "pub/themes/house.yaml", "{}\n")
    path = write(tmp_path, "pub/bulletin.yaml", PUB + "theme: themes/house.yaml\n")
    assert load_publication(path).theme == (tmp_path / "pub/themes/house.yaml").resolve()


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("../outside.yaml", "is outside the publication folder"),
        ("/etc/passwd.yaml", "is an absolute path"),
        ("missing.yaml", "not found"),
    ],
)
def test_theme_path_refusals(tmp_path: Path, themes: Path, ref: str, expected: str) -> None:
    write(tmp_path, "outside.yaml", "{}\n")
    path = write(tmp_path, "pub/bulletin.yaml", PUB + f"theme: {ref}\n")
    with pytest.raises(SourceError) as info:
        load_publication(path)
    (diag,) = info.value.diagnostics
    assert where(diag) == (7, 8)
    assert expected in diag.message


# --- issue fields -----------------------------------------------------------------------------------------------
def test_issue_info(tmp_path: Path) -> None:
    text = issue_text().replace('number: "0602"', 'number: "0602"\n  date: 2018-06-04')
    info = load_issue(make_issue(tmp_path, text=text)).info
    assert (info.year, info.number, info.date) == (2018, "0602", dt.date(2018, 6, 4))
    assert info.line == "(2018) 0602 期"
    assert load_issue(make_issue(tmp_path)).info.date is None


def test_year_must_be_an_integer_not_text(tmp_path: Path) -> None:
    diag = only(make_issue(tmp_path, text=issue_text().replace("year: 2018", 'year: "2018"')))
    assert where(diag) == (2, 9)
    assert diag.message == "year must be a whole number such as 2018, not the text '2018'"
    assert diag.hint == "write it without quotes, e.g. 2018"


def test_unquoted_number_is_refused_with_quoting_advice(tmp_path: Path) -> None:
    diag = only(make_issue(tmp_path, text=issue_text().replace('"0602"', "0602")))
    assert where(diag) == (3, 11)
    assert "leading zeros" in diag.message
    assert diag.hint == 'quote it: number: "0602"'


@pytest.mark.parametrize(
    ("date", "expected"),
    [("2018-02-30", "date 2018-02-30 does not exist"), ("June 4", "must be an ISO date such as 2018-06-04"),
     ("2018-06-04 10:00:00", "must be an ISO date")],
)
def test_bad_dates(tmp_path: Path, date: str, expected: str) -> None:
    diag = only(make_issue(tmp_path, text=issue_text().replace('"0602"', f'"0602"\n  date: {date}')))
    assert where(diag) == (4, 9)
    assert expected in diag.message


def test_empty_lists_and_missing_fields(tmp_path: Path) -> None:
    text = "issue: {year: 2018, number: '1'}\nsections:\n  - title: 一\n    articles: []\n  - articles:\n" \
           "      - title: 二\n        blocks: []\n      - blocks: [x]\n"
    found = [(where(d), d.message) for d in diagnostics(make_issue(tmp_path, text=text))]
    assert found == [
        ((4, 15), "articles is empty; it needs at least one item"),
        ((5, 5), "section is missing 'title' (e.g. 政策文件)"),
        ((7, 17), "blocks is empty; it needs at least one item"),
        ((8, 9), "article is missing 'title' (the article's title)"),
    ]


def test_sections_required(tmp_path: Path) -> None:
    diag = only(make_issue(tmp_path, text="issue: {year: 2018, number: '1'}\nsections: []\n"))
    assert where(diag) == (2, 11)
    assert diag.message == "sections is empty; it needs at least one item"


def test_article_optional_titles(tmp_path: Path) -> None:
    extra = "title: 标题\n        toc_title: 短\n        doc_number: 〔2018〕1号\n"
    text = issue_text().replace("title: 标题\n", extra)
    article = load_issue(make_issue(tmp_path, text=text)).sections[0].articles[0]
    titles = (article.title.plain, article.contents_title.plain, article.doc_number.plain)
    assert titles == ("标题", "短", "〔2018〕1号")


def test_wrong_type_says_what_was_found(tmp_path: Path) -> None:
    diag = only(make_issue(tmp_path, text=issue_text().replace("title: 标题", "title: [a, b]")))
    assert where(diag) == (7, 16)
    assert diag.message == "title must be text, not a list"


def test_yaml_11_spellings_are_kept_as_text(tmp_path: Path) -> None:
    blocks = blocks_of(make_issue(tmp_path, "- no\n- 0602\n- 1e3\n- heading: on\n"))
    assert [b.text.plain for b in blocks] == ["no", "0602", "1e3", "on"]


# --- blocks -----------------------------------------------------------------------------------------------------
def png(path: Path, size: tuple[int, int] = (4, 2), fmt: str = "PNG") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    PILImage.new("RGB", size, "red").save(path, fmt)
    return path


def test_every_block_kind(tmp_path: Path) -> None:
    png(tmp_path / "img/qr.png")
    blocks = blocks_of(make_issue(tmp_path, """\
        - 段落
        - p: 显式段落
        - plain: 各有关单位：
        - heading: 一、总体要求
        - heading: （一）指导思想
          level: 2
        - subtitle: 意见
        - list: [1、甲, 2、乙]
        - signature: [工作组, 2018年5月31日]
        - attachments: [附件一]
        - links: [http://a.cn/x, www.b.cn, c@d.cn]
        - image: {path: img/qr.png, width: 40mm, caption: 扫码}
        - page_break: true
        - table:
            header: [序号, 内容]
            rows:
              - [1, 甲]
            widths: [1, 2.5]
            align: [center, left]
            caption: 咨询方式
        """))
    kinds = [type(b) for b in blocks]
    assert kinds == [Paragraph, Paragraph, Plain, Heading, Heading, Subtitle, ListBlock, Signature, Attachments,
                     Links, Image, PageBreak, Table]
    assert [b.level for b in blocks if isinstance(b, Heading)] == [1, 2]
    assert [t.plain for t in blocks[6].items] == ["1、甲", "2、乙"]
    links = blocks[9].urls
    assert [t.runs for t in links] == [(Run("http://a.cn/x", link="http://a.cn/x"),),
                                       (Run("www.b.cn", link="http://www.b.cn"),),
                                       (Run("c@d.cn", link="mailto:c@d.cn"),)]
    image = blocks[10]
    assert image.path == (tmp_path / "img/qr.png").resolve()
    assert image.path.is_absolute()
    assert image.width_pt == pytest.approx(40 * MM)
    assert image.caption.plain == "扫码"
    table = blocks[12]
    assert [c.plain for c in table.header] == ["序号", "内容"]
    assert [c.plain for c in table.rows[0]] == ["1", "甲"]
    assert table.widths == (1.0, 2.5)
    assert table.align == (Align.CENTER, Align.LEFT)
    assert table.caption.plain == "咨询方式"
    # Positions: a block starts at its '- ', its text at the value.
    assert (blocks[0].pos.line, blocks[0].pos.col) == (FIRST_BLOCK_LINE, 13)
    assert (blocks[3].pos.line, blocks[3].pos.col, blocks[3].text.pos.col) == (FIRST_BLOCK_LINE + 3, 13, 22)


def test_unknown_block_kind_suggests(tmp_path: Path) -> None:
    found = diagnostics(make_issue(tmp_path, "- paragraf: x\n- headng: y\n- 联系电话: 123\n"))
    assert [(where(d), d.format().split(": ", 1)[1]) for d in found] == [
        ((9, 13), "unknown block kind 'paragraf' (did you mean 'p'?)"),
        ((10, 13), "unknown block kind 'headng' (did you mean 'heading'?)"),
        ((11, 13), "unknown block kind '联系电话' "
                   '(if "联系电话: 123" is text, put it in quotes (YAML reads ": " as a key))'),
    ]


def test_two_kinds_in_one_block(tmp_path: Path) -> None:
    diag = only(make_issue(tmp_path, "- plain: 甲\n  heading: 乙\n"))
    assert where(diag) == (10, 13)
    assert diag.message == "one block has two kinds, 'plain' and 'heading'"


def test_unknown_option_suggests(tmp_path: Path) -> None:
    found = diagnostics(make_issue(tmp_path, "- heading: 甲\n  levle: 2\n- p: 乙\n  level: 2\n"))
    assert [(where(d), d.message, d.hint) for d in found] == [
        ((10, 13), "unknown option 'levle' for a heading block", "did you mean 'level'?"),
        ((12, 13), "unknown key 'level': a p block takes no options", "give another block its own '- ' item"),
    ]


@pytest.mark.parametrize(("value", "expected"), [("4", "heading level 4 does not exist"),
                                                 ("二", "must be a whole number such as 2")])
def test_heading_level_range(tmp_path: Path, value: str, expected: str) -> None:
    diag = only(make_issue(tmp_path, f"- heading: 甲\n  level: {value}\n"))
    assert where(diag) == (10, 20)
    assert expected in diag.message


@pytest.mark.parametrize("value", ["yes", "false", "1"])
def test_page_break_takes_only_true(tmp_path: Path, value: str) -> None:
    diag = only(make_issue(tmp_path, f"- page_break: {value}\n"))
    assert where(diag) == (9, 25)
    assert "page_break takes only true" in diag.message


TABLE = """\
- table:
    header: [序号, 内容, 部门, 联系人, 电话]
    rows:
      - [1, 甲, 处, 张, "58832886"]
      - [2, 乙, 处, 李, 58832932]
      - [3, 丙, 处, 王]
"""


def test_table_row_with_wrong_cell_count(tmp_path: Path) -> None:
    diag = only(make_issue(tmp_path, TABLE))
    assert where(diag) == (14, 19)
    assert diag.message == "table row 3 has 4 cells, the header has 5"


def test_table_cells_keep_number_spelling(tmp_path: Path) -> None:
    blocks = blocks_of(make_issue(tmp_path, TABLE.replace("[3, 丙, 处, 王]", '[03, 1.50, 1e3, yes, ""]')))
    assert [c.plain for c in blocks[0].rows[2]] == ["03", "1.50", "1e3", "yes", ""]


@pytest.mark.parametrize(
    ("option", "line_col", "expected"),
    [
        ("widths: [1, 2, 3, 4]", (14, 23), "widths has 4 values, the table has 5 columns"),
        ("widths: [1, 2, 0, 4, 5]", (14, 30), "a column width must be a positive number such as 2 or 1.5"),
        ("widths: [1, 2, '3', 4, 5]", (14, 30), "not the text '3'"),
        ("align: [left, left, centre, left, right]", (14, 35), "unknown alignment 'centre'"),
        ("align: [left]", (14, 22), "align has 1 values, the table has 5 columns"),
    ],
)
def test_table_widths_and_align(tmp_path: Path, option: str, line_col: tuple[int, int], expected: str) -> None:
    source = TABLE.replace("      - [3, 丙, 处, 王]\n", f"    {option}\n")
    diag = only(make_issue(tmp_path, source))
    assert where(diag) == line_col
    assert expected in diag.message
    if "centre" in option:
        assert diag.hint == "did you mean 'center'?"


def test_every_bad_column_value_is_reported(tmp_path: Path) -> None:
    options = "    widths: [0, x, 3, 4, 5]\n    align: [left, mid, centre, left, left]\n"
    source = TABLE.replace("      - [3, 丙, 处, 王]\n", options)
    found = diagnostics(make_issue(tmp_path, source))
    assert [(where(d), d.message) for d in found] == [
        ((14, 24), "a column width must be a positive number such as 2 or 1.5, not the number 0"),
        ((14, 27), "a column width must be a positive number such as 2 or 1.5, not the text 'x'"),
        ((15, 29), "unknown alignment 'mid'"),
        ((15, 34), "unknown alignment 'centre'"),
    ]


def test_table_cell_types(tmp_path: Path) -> None:
    found = diagnostics(make_issue(tmp_path, TABLE.replace("[3, 丙, 处, 王]", "[3, [x], ~, 王, 赵]")))
    assert [(where(d), d.message) for d in found] == [
        ((14, 23), "cell 2 of table row 3 must be text or a number, not a list"),
        ((14, 28), "cell 3 of table row 3 has no value"),
    ]


def test_links_block_refuses_text_that_is_not_an_address(tmp_path: Path) -> None:
    found = diagnostics(make_issue(tmp_path, "- links: [http://a.cn, 见附件 http://b.cn, a.cn]\n"))
    assert [(where(d), d.message) for d in found] == [
        ((9, 34), "'见附件 http://b.cn' is not one web address"),
        ((9, 51), "'a.cn' is not one web address"),
    ]


# --- images -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_image_by_content(tmp_path: Path, fmt: str) -> None:
    png(tmp_path / "pic.bin", fmt=fmt)  # the name does not matter, the bytes do
    (image,) = blocks_of(make_issue(tmp_path, "- image: {path: pic.bin}\n"))
    assert image.path == (tmp_path / "pic.bin").resolve()
    assert image.width_pt is None


def test_image_refusals(tmp_path: Path) -> None:
    png(tmp_path / "outside.png")
    pub = tmp_path / "pub"
    png(pub / "a.png")
    (pub / "fake.png").write_bytes(b"GIF89a....")
    (pub / "link.png").symlink_to(tmp_path / "outside.png")
    (pub / "folder.png").mkdir()
    blocks = """\
        - image: {path: /etc/hosts}
        - image: {path: ../outside.png}
        - image: {path: link.png}
        - image: {path: missing.png}
        - image: {path: fake.png}
        - image: {path: folder.png}
        - image: {path: a.png, width: 40 px}
        - image: {path: a.png, width: -3mm}
        - image: {width: 3mm}
        - image: a.png
        """
    found = diagnostics(make_issue(pub, blocks))
    assert [(where(d)[0] - FIRST_BLOCK_LINE, d.message) for d in found] == [
        (0, "image '/etc/hosts' is an absolute path"),
        (1, f"image '../outside.png' is outside the publication folder {pub}/"),
        (2, f"image 'link.png' is outside the publication folder {pub}/"),
        (3, f"image 'missing.png' not found (looked for {(pub / 'missing.png').resolve()})"),
        (4, "image 'fake.png' is not a PNG or JPEG file (its content is a GIF)"),
        (5, "image 'folder.png' is not a file"),
        (6, "image width: unknown unit 'px' in length '40 px': write a number with a unit, such as 40mm, 1.5cm, "
            "12pt or 0.5in (a bare number is points)"),
        (7, "image width '-3mm' must be greater than zero"),
        (8, "image is missing 'path' (the PNG/JPEG file, relative to this issue file)"),
        (9, "image must be a mapping (key: value lines), not the text 'a.png'"),
    ]


# --- refusals -----------------------------------------------------------------------------------------------------
def test_duplicate_keys(tmp_path: Path) -> None:
    text = issue_text().replace("  year: 2018\n", "  year: 2018\n  year: 2019\n")
    diag = only(make_issue(tmp_path, text=text))
    assert where(diag) == (3, 3)
    assert diag.message == "duplicate key 'year' in issue (first at line 2)"


def test_unknown_top_level_key(tmp_path: Path) -> None:
    diag = only(make_issue(tmp_path, text="isue: {}\n" + issue_text()))
    assert where(diag) == (1, 1)
    assert diag.message == "unknown key 'isue' in the issue file"
    assert diag.hint == "did you mean 'issue'?"


def test_control_characters_in_text(tmp_path: Path) -> None:
    found = diagnostics(make_issue(tmp_path, '- "a\\x07b"\n- "c\\nd"\n- p: |\n    e\n    f\n'))
    assert [(where(d), d.message) for d in found] == [
        # Escapes make the value differ from the source, so the scalar's start is the best position.
        ((9, 13), "control character U+0007 in paragraph"),
        ((10, 13), "line break inside paragraph"),
    ]
    # Newlines are fine in a | block (and its final newline is YAML's, not the text's).
    assert blocks_of(make_issue(tmp_path, "- p: |\n    e\n    f\n"))[0].text.plain == "e\nf"


def test_all_problems_in_one_run(tmp_path: Path) -> None:
    text = issue_text("- paragraf: x\n- page_break: yes\n- heading: ''\n").replace('"0602"', "0602")
    found = diagnostics(make_issue(tmp_path, text=text))
    assert [where(d) for d in found] == [(3, 11), (9, 13), (10, 25), (11, 22)]


def test_yaml_syntax_error_points_at_the_problem(tmp_path: Path) -> None:
    diag = only(make_issue(tmp_path, "- 甲\n- **粗体**开头\n"))
    assert where(diag) == (10, 14)
    assert diag.message == "invalid YAML: did not find expected alphabetic or numeric character; found '*'"
    assert diag.hint == "text that starts with * (such as **bold**) must be put in quotes"


def test_unsupported_tags_are_refused(tmp_path: Path) -> None:
    diag = only(make_issue(tmp_path, "- !!python/object:os.system x\n"))
    assert where(diag) == (9, 13)
    assert "unsupported YAML tag" in diag.message


# --- inline text positions ------------------------------------------------------------------------------------
def test_locate_points_at_the_characters_own_column(tmp_path: Path) -> None:
    path = make_issue(tmp_path, "- 正文A\n- '引用B'\n- \"双引C\"\n- '**粗**D'\n- 跨行\n  文本\n")
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks = blocks_of(path)
    for block in blocks[:3]:
        text = block.text
        for i, ch in enumerate(text.plain):
            pos = text.locate(i)
            assert lines[pos.line - 1][pos.col - 1] == ch
    assert [b.text.col_offset for b in blocks] == [0, 1, 1, None, None]


def test_sample_text_positions_point_at_their_characters() -> None:
    issue = load_issue(SAMPLE)
    sources = {Path(issue.source).name: SAMPLE, "bulletin.yaml": SAMPLE.parent / "bulletin.yaml"}
    lines = {name: p.read_text(encoding="utf-8").splitlines() for name, p in sources.items()}
    checked = 0
    for text in issue.texts():
        if text.col_offset is None:
            continue
        for i, ch in enumerate(text.plain):
            pos = text.locate(i)
            assert lines[Path(pos.file).name][pos.line - 1][pos.col - 1] == ch
            checked += 1
    assert checked > 10_000


# --- the sample -------------------------------------------------------------------------------------------------
def string_scalars(node: yaml.Node) -> list[str]:
    """Every value scalar (not keys) of a composed YAML tree, as written."""
    if isinstance(node, yaml.ScalarNode):
        return [node.value]
    if isinstance(node, yaml.SequenceNode):
        return [s for item in node.value for s in string_scalars(item)]
    return [s for _, value in node.value for s in string_scalars(value)]


def test_model_holds_every_string_of_the_sample_issue() -> None:
    issue = load_issue(SAMPLE)
    scalars = string_scalars(yaml.compose(SAMPLE.read_text(encoding="utf-8"), Loader=yaml.SafeLoader))
    texts = [t.plain for t in issue.texts()]
    tables = [b for s in issue.sections for a in s.articles for b in a.blocks if isinstance(b, Table)]
    fields = [str(issue.info.year), issue.info.number, *(a.value for t in tables for a in t.align or ()),
              *(f"{w:g}" for t in tables for w in t.widths or ()), *(str(b.level) for s in issue.sections
                                                                   for a in s.articles for b in a.blocks
                                                                   if isinstance(b, Heading) and b.level > 1)]
    pool = texts + fields
    missing = [s for s in scalars if s.replace("**", "") not in pool]
    assert missing == []
    # And the other way round: the issue's texts are all the file's own (the publication's come first).
    pub = issue.publication
    assert set(texts[len(pub.footer) + len(pub.closing) :]) <= set(scalars)


def test_sample_publication_fields_and_substitution() -> None:
    pub_path = SAMPLE.parent / "bulletin.yaml"
    raw = yaml.compose(pub_path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    fields = {k.value: v for k, v in raw.value}
    contact = {k.value: v.value for k, v in fields["contact"].value}
    pub = load_issue(SAMPLE).publication
    assert pub.publisher == fields["publisher"].value
    assert pub.masthead == fields["masthead"].value
    assert pub.contact == tuple(sorted(contact.items()))
    names = {"publisher": pub.publisher, "masthead": pub.masthead, **{f"contact.{k}": v for k, v in contact.items()}}

    def expand(template: str) -> str:
        for name, value in names.items():
            template = template.replace("{" + name + "}", value)
        return template

    assert [t.plain for t in pub.footer] == [expand(n.value) for n in fields["footer"].value]
    assert [t.plain for t in pub.closing] == [expand(n.value) for n in fields["closing"].value]
    assert pub.theme == "default"
    assert pub.root == SAMPLE.parent.resolve()


def test_sample_runs() -> None:
    issue = load_issue(SAMPLE)
    links = [r for t in issue.texts() for r in t.runs if r.link]
    targets = {r.text: r.link for r in links}
    assert targets["sjfwtxc@163.com"] == "mailto:sjfwtxc@163.com"
    assert targets["www.shanghai.gov.cn"] == "http://www.shanghai.gov.cn"
    assert targets["http://www.shanghai.gov.cn/"] == "http://www.shanghai.gov.cn/"  # inside <…>, brackets stay plain
    assert all(not r.bold for t in issue.texts() for r in t.runs)  # the sample has no **
