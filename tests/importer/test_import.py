"""`bulletin import`: every kind of archive reaches the targets of issue #14 against the reference issue, the YAML
it writes passes `bulletin check`, and the command behaves (exit codes, no overwrite, report, images)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml
from import_fixtures import PUBLICATION, REFERENCE, SEED_TEXT, TYPST_PDF, build_docx, render_sample

from layout.check import check_source
from layout.cli import main
from layout.importer import UnreadableInputError, import_file
from layout.importer.lines import Align, Line
from layout.importer.recognise import DOC_NUMBER, Known, recognise

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from import_score import score

REFERENCE_DOC = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def own_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_sample(tmp_path_factory.mktemp("own") / "2018-0602.pdf")


@pytest.fixture(scope="module")
def word_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_docx(REFERENCE, tmp_path_factory.mktemp("word") / "2018-0602.docx")


def assert_targets(imported_yaml: str) -> None:
    scores = score(yaml.safe_load(imported_yaml), REFERENCE_DOC)
    assert not scores.failures(), scores.line()


def test_seed_text_reaches_the_targets() -> None:
    assert_targets(import_file(SEED_TEXT).yaml_text)


def test_word_file_reaches_the_targets(word_file: Path) -> None:
    assert_targets(import_file(word_file).yaml_text)


def test_typst_pdf_reaches_the_targets() -> None:
    assert_targets(import_file(TYPST_PDF).yaml_text)


def test_own_pdf_reaches_the_targets(own_pdf: Path) -> None:
    assert_targets(import_file(own_pdf).yaml_text)


def test_titles_take_the_contents_spelling() -> None:
    # The seed's body title has a stray space and half-width brackets; its contents entry has neither.
    draft = import_file(SEED_TEXT).draft
    first = draft.sections[0]["articles"][0]["title"]
    assert first == "关于印发《工业互联网发展行动计划（2018-2020 年）》和《工业互联网专项工作组 2018 年工作计划》的通知"
    assert (draft.year, draft.number) == (2018, "0602")


def test_running_footer_and_closing_are_not_content() -> None:
    text = import_file(SEED_TEXT).yaml_text
    body = text.split("sections:", 1)[1]
    assert "欢迎咨询" not in body
    assert "北京关键要素欢迎您来电垂询" not in body
    # the paragraph cut by a page break (line 387 / 395 of the seed) is whole again
    assert "第一申请单位一般应按法人单位填写，大学要填写到学院" in body


@pytest.mark.parametrize("kind", ["text", "word", "pdf"])
def test_imported_yaml_passes_check(kind: str, tmp_path: Path, word_file: Path) -> None:
    source = {"text": SEED_TEXT, "word": word_file, "pdf": TYPST_PDF}[kind]
    out = tmp_path / "issue.yaml"
    out.write_text(import_file(source).yaml_text, encoding="utf-8")  # publication embedded: none beside it
    assert check_source(out) == []


def test_scorer_can_fail() -> None:
    broken = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))
    article = broken["sections"][0]["articles"][0]
    article["title"] = "别的标题"
    article["blocks"] = article["blocks"][:1]
    broken["sections"][2]["articles"][0]["blocks"] = ["正文"]
    scores = score(broken, REFERENCE_DOC)
    assert scores.titles < 1
    assert scores.recall < 0.99
    assert scores.blocks < 0.9
    assert score(REFERENCE_DOC, REFERENCE_DOC).failures() == []


# --- recognition details ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("number", ["沪经信规〔2019〕12号", "国科发资[2018]45号", "工信厅企业函〔2018〕190号",
                                    "京政发（2020）第3号"])
def test_document_numbers(number: str) -> None:
    assert DOC_NUMBER.match(number)


def lines(*texts: str) -> list[Line]:
    return [Line(text=t, where=f"line {k}") for k, t in enumerate(texts, 1)]


def article_blocks(*texts: str) -> list:
    draft = recognise(lines("[政策文件]", "关于开展测试工作的通知", "沪经信规〔2019〕12号", *texts))
    article = draft.sections[0]["articles"][0]
    assert article["doc_number"] == "沪经信规〔2019〕12号"
    return article["blocks"]


def test_without_contents_a_title_is_the_line_before_a_document_number() -> None:
    blocks = article_blocks("各有关单位：", "现将有关事项通知如下。")
    assert blocks == [{"plain": "各有关单位："}, "现将有关事项通知如下。"]


def test_headings_lists_attachments_signature_links() -> None:
    blocks = article_blocks(
        "各有关单位：", "一、申报要求", "（一）基本条件", "申请单位须在本市注册。", "1、申请条件：", "具体如下。",
        "- 甲项；", "- 乙项。", "特此通知。", "附件：1．申请书", "2．承诺书", "上海市科学技术委员会", "2019年5月30日",
        "相关链接：", "<http://www.example.gov.cn/a.htm>")
    assert blocks == [
        {"plain": "各有关单位："}, {"heading": "一、申报要求"}, {"heading": "（一）基本条件", "level": 2},
        "申请单位须在本市注册。", {"heading": "1、申请条件：", "level": 3}, "具体如下。",
        {"list": ["甲项；", "乙项。"]},
        "特此通知。", {"attachments": ["申请书", "承诺书"]}, {"signature": ["上海市科学技术委员会", "2019年5月30日"]},
        {"links": ["http://www.example.gov.cn/a.htm"]}]


def test_styled_lines_without_contents() -> None:
    # a Word file without contents: a centred bold larger line is a title; right-aligned lines a signature
    styled = [Line("[通知公告]", "p1"), Line("关于举办培训的通知", "p2", align=Align.CENTER, bold=True, size=1.3),
              Line("培训定于下周举行。", "p3", indent=True), Line("某某协会", "p4", align=Align.RIGHT),
              Line("2020年1月2日", "p5", align=Align.RIGHT)]
    draft = recognise(styled)
    article = draft.sections[0]["articles"][0]
    assert article["title"] == "关于举办培训的通知"
    assert article["blocks"] == ["培训定于下周举行。", {"signature": ["某某协会", "2020年1月2日"]}]


def test_known_footer_and_closing_are_dropped() -> None:
    draft = recognise(lines("[政策文件]", "关于开展测试工作的通知", "沪经信规〔2019〕12号", "正文第一段。",
                            "某公司 电话：123", "正文第二段。", "欢迎来电。"),
                      Known(footer=["某公司 电话：123"], closing=["欢迎来电。"]))
    assert draft.sections[0]["articles"][0]["blocks"] == ["正文第一段。", "正文第二段。"]
    assert draft.closing == ["欢迎来电。"]


# --- the command --------------------------------------------------------------------------------------------------
def test_command_writes_once_reports_and_refuses_to_overwrite(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "2018-0602.yaml"
    assert main(["import", str(SEED_TEXT), "-o", str(out)]) == 0
    report = capsys.readouterr().out
    for expected in ("sections: 3", "articles: 7, 3 with a document number", "table 1", "tables: 1; 6×5",
                     "line 618: read 4 line(s)", "check: ok"):
        assert expected in report
    first = out.read_bytes()
    out.write_text("# edited by hand\n", encoding="utf-8")
    assert main(["import", str(SEED_TEXT), "-o", str(out)]) == 1
    assert "exists (use --force" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "# edited by hand\n"
    assert main(["import", str(SEED_TEXT), "-o", str(out), "--force"]) == 0
    assert out.read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2018-0602.yaml"]  # no temporary file left


def test_command_uses_the_publication_beside_the_output(tmp_path: Path) -> None:
    (tmp_path / "bulletin.yaml").write_bytes(PUBLICATION.read_bytes())
    out = tmp_path / "issue.yaml"
    assert main(["import", str(TYPST_PDF), "-o", str(out)]) == 0
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert "publication" not in data  # the nearest bulletin.yaml is used, not repeated
    assert check_source(out) == []


@pytest.mark.parametrize(("name", "content"), [("a.pdf", b"not a pdf"), ("a.docx", b"PK\x03\x04broken"),
                                                ("a.odt", b"x"), ("a.txt", b"\x00\x01\x02binary")])
def test_unreadable_or_unsupported_input_exits_2_and_writes_nothing(tmp_path: Path, name: str, content: bytes,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    assert main(["import", str(source), "-o", str(tmp_path / "out.yaml")]) == 2
    assert name in capsys.readouterr().err
    assert not (tmp_path / "out.yaml").exists()
    with pytest.raises(UnreadableInputError):
        import_file(source)


def test_missing_input_exits_2(tmp_path: Path) -> None:
    assert main(["import", str(tmp_path / "none.txt")]) == 2


def test_gbk_text_is_read(tmp_path: Path) -> None:
    source = tmp_path / "old.txt"
    source.write_bytes(SEED_TEXT.read_text(encoding="utf-8").encode("gb18030"))
    assert_targets(import_file(source).yaml_text)


def test_images_are_extracted_next_to_the_issue(tmp_path: Path) -> None:
    qr = Path(__file__).parents[1] / "cases" / "snapshots" / "qr.png"
    reference = tmp_path / "ref.yaml"
    data = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))
    data["sections"][0]["articles"][0]["blocks"].insert(2, {"image": {"path": "qr.png", "width": "30mm"}})
    reference.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    docx_file = build_docx(reference, tmp_path / "with-image.docx", image=qr)
    out = tmp_path / "issue.yaml"
    assert main(["import", str(docx_file), "-o", str(out)]) == 0
    image = tmp_path / "issue-image-1.png"
    assert image.read_bytes() == qr.read_bytes()
    blocks = yaml.safe_load(out.read_text(encoding="utf-8"))["sections"][0]["articles"][0]["blocks"]
    assert {"image": {"path": "issue-image-1.png", "width": "30mm"}} in blocks
    # and back out of a PDF: render the import, import the PDF
    pdf = tmp_path / "issue.pdf"
    assert main(["render", str(out), "-o", str(pdf)]) == 0
    again = tmp_path / "again" / "issue.yaml"
    assert main(["import", str(pdf), "-o", str(again)]) == 0
    blocks = yaml.safe_load(again.read_text(encoding="utf-8"))["sections"][0]["articles"][0]["blocks"]
    images = [b["image"] for b in blocks if isinstance(b, dict) and "image" in b]
    assert len(images) == 1
    assert (again.parent / images[0]["path"]).read_bytes().startswith(b"\x89PNG")


# --- round trip: render → import gives back the source ------------------------------------------------------------
SNAPSHOT_CASES = Path(__file__).parents[1] / "cases" / "snapshots"
ROUND_TRIP = sorted(p.name for p in SNAPSHOT_CASES.glob("*.yaml")
                    if p.name.startswith(("block-", "inline-", "table-", "contents-", "compose-long-url")))


def outline(doc: dict) -> list:
    """Sections, articles, document numbers and every block's kind and whitespace-free text (a PDF cannot say
    whether the source had a space where the renderer sets a quarter em; page breaks print nothing)."""
    from import_score import bare, block_kind, block_strings

    return [(bare(s["title"]), [(bare(a["title"]), bare(a.get("toc_title", "")), bare(a.get("doc_number", "")),
                           [(block_kind(b), "".join(bare(x) for x in block_strings(b)))
                            for b in a["blocks"] if block_kind(b) != "page_break"])
                          for a in s["articles"]])
            for s in doc["sections"]]


@pytest.mark.parametrize("name", ["sample", *ROUND_TRIP])
def test_round_trip(name: str, tmp_path: Path, own_pdf: Path) -> None:
    from layout.commands.importer import known_from
    from layout.render import render_issue

    if name == "sample":
        source, publication, pdf = REFERENCE, PUBLICATION, own_pdf
    else:
        source, publication = SNAPSHOT_CASES / name, SNAPSHOT_CASES / "bulletin.yaml"
        pdf = render_issue(source, tmp_path / "issue.pdf").path
    result = import_file(pdf, known=known_from(publication), embed_publication=False)
    assert outline(yaml.safe_load(result.yaml_text)) == outline(yaml.safe_load(source.read_text(encoding="utf-8")))


def test_text_without_structure_keeps_every_line(tmp_path: Path) -> None:
    source = tmp_path / "note.txt"
    source.write_text("今天天气很好。\n\n我们去公园。\n", encoding="utf-8")
    result = import_file(source)
    article = yaml.safe_load(result.yaml_text)["sections"][0]["articles"][0]
    assert article == {"title": "（无标题）", "blocks": ["今天天气很好。", "我们去公园。"]}
    assert any("no title recognised" in n.message for n in result.draft.notes)
    out = tmp_path / "note.yaml"
    out.write_text(result.yaml_text, encoding="utf-8")
    assert check_source(out) == []


def test_an_empty_file_is_not_imported(tmp_path: Path) -> None:
    source = tmp_path / "empty.txt"
    source.write_bytes(b"\n\n")
    assert main(["import", str(source)]) == 2
    assert not (tmp_path / "empty.yaml").exists()


def test_a_password_protected_pdf_is_refused_with_the_reason(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    import pikepdf

    locked = tmp_path / "locked.pdf"
    with pikepdf.open(TYPST_PDF) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    assert main(["import", str(locked)]) == 2
    assert "protected by a password" in capsys.readouterr().err


def test_a_paragraph_over_the_text_limit_is_split_at_a_sentence_end(tmp_path: Path) -> None:
    source = tmp_path / "long.txt"
    sentence = "这是一个用于测试长度限制的句子，它会重复很多次。"
    head = "[政策文件]\n\n关于测试的通知\n\n沪经信规〔2019〕12号\n\n"
    source.write_text(head + sentence * 600 + "\n", encoding="utf-8")
    result = import_file(source)
    blocks = yaml.safe_load(result.yaml_text)["sections"][0]["articles"][0]["blocks"]
    assert len(blocks) == 2
    assert all(len(b) <= 10_000 and b.endswith("。") for b in blocks)
    assert "".join(blocks) == sentence * 600
    out = tmp_path / "long.yaml"
    out.write_text(result.yaml_text, encoding="utf-8")
    assert check_source(out) == []


def test_word_numbering_is_reported(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph("[通知公告]")
    doc.add_paragraph("关于测试的通知")
    doc.add_paragraph("沪经信规〔2019〕12号")
    doc.add_paragraph("第一项内容", style="List Number")
    doc.add_paragraph("第二项内容", style="List Number")
    doc.save(str(tmp_path / "numbered.docx"))
    result = import_file(tmp_path / "numbered.docx")
    assert [n.where for n in result.draft.notes if "Word numbering" in n.message] == ["paragraph 4", "paragraph 5"]
