"""Inputs for the import tests and benchmarks/import_score.py, made from the reference issue
(issues/2018-0602.yaml), one per kind of archive the importer reads:

- the seed text dump (tests/cases/import/bulletin-2018-0602.txt, committed);
- a Word file styled as an editor makes one (built here with python-docx: no heading styles, centred bold
  titles, numbers typed as text such as "1．", a Word table, signatures aligned right);
- a PDF typeset by another engine: the Typst peer template of benchmarks/ (committed as
  tests/cases/import/2018-0602-typst.pdf; `python tests/import_fixtures.py typst` makes it again);
- our own rendered sample PDF (rendered when asked for).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
CASES = REPO / "tests" / "cases" / "import"
REFERENCE = REPO / "issues" / "2018-0602.yaml"
PUBLICATION = REPO / "issues" / "bulletin.yaml"
SEED_TEXT = CASES / "bulletin-2018-0602.txt"
TYPST_PDF = CASES / "2018-0602-typst.pdf"


def build_docx(reference: Path, out: Path, image: Path | None = None) -> Path:
    """The reference issue as an editor would type it in Word."""
    from docx import Document
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Mm, Pt

    data: dict[str, Any] = yaml.safe_load(reference.read_text(encoding="utf-8"))
    pub: dict[str, Any] = yaml.safe_load(PUBLICATION.read_text(encoding="utf-8"))
    doc = Document()
    doc.styles["Normal"].font.size = Pt(12)

    def para(text: str = "", *, align: Any = None, bold: bool = False, size: float | None = None,
             indent: bool = False, hanging: bool = False) -> Any:
        p = doc.add_paragraph()
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Pt(24)
        if hanging:
            p.paragraph_format.left_indent = Pt(24)
            p.paragraph_format.first_line_indent = Pt(-24)
        # **bold** in the source becomes a bold run, as an editor would press Ctrl+B
        for k, piece in enumerate(str(text).split("**")):
            if piece:
                run = p.add_run(piece)
                run.bold = bold or k % 2 == 1
                if size:
                    run.font.size = Pt(size)
        return p

    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    info = data["issue"]
    para(pub["publisher"], align=center, bold=True, size=16)
    para("快 讯", align=center, bold=True, size=48)
    para(f"({info['year']}) {info['number']} 期", align=center, size=14)
    para("目 录", align=center, bold=True, size=16)
    page = 2
    for section in data["sections"]:
        para(f"[{section['title']}]\t{page}", bold=True)
        for article in section["articles"]:
            para(f"{article['title']}\t{page}")
            page += 2
    doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    for section in data["sections"]:
        para(f"[{section['title']}]", bold=True, size=15)
        for article in section["articles"]:
            para(article["title"], align=center, bold=True, size=16)
            if "doc_number" in article:
                para(article["doc_number"], align=center)
            for block in article["blocks"]:
                if isinstance(block, str) or "p" in block:
                    para(block if isinstance(block, str) else block["p"], indent=True)
                elif "plain" in block:
                    para(block["plain"])
                elif "heading" in block:
                    para(block["heading"], bold=True, indent=block.get("level", 1) > 1)
                elif "subtitle" in block:
                    para(block["subtitle"], align=center, bold=True, size=14)
                elif "list" in block:
                    for item in block["list"]:
                        para(item, hanging=True)
                elif "signature" in block:
                    for line in block["signature"]:
                        para(line, align=right)
                elif "attachments" in block:
                    names = block["attachments"]
                    if len(names) == 1:
                        para(f"附件：{names[0]}", indent=True)
                    else:
                        para(f"附件：1．{names[0]}", indent=True)
                        for k, name in enumerate(names[1:], 2):
                            para(f"\u3000\u3000\u3000{k}．{name}")
                elif "links" in block:
                    para("相关链接：")
                    for url in block["links"]:
                        para(url)
                elif "table" in block:
                    spec = block["table"]
                    table = doc.add_table(rows=1 + len(spec["rows"]), cols=len(spec["header"]))
                    table.style = "Table Grid"
                    for r, row in enumerate([spec["header"], *spec["rows"]]):
                        for c, cell in enumerate(row):
                            table.cell(r, c).text = str(cell)
                elif "image" in block and image is not None:
                    doc.add_paragraph().add_run().add_picture(str(image), width=Mm(30))
    for line in pub.get("closing", []):
        para(line.replace("{contact.phone_full}", pub["contact"]["phone_full"]))
    doc.sections[0].footer.paragraphs[0].text = pub["publisher"]  # running footer, outside the body
    del WD_SECTION
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


def build_typst_pdf(out: Path = TYPST_PDF) -> Path:
    """The reference issue typeset by the Typst peer template (needs `pip install typst`)."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from peer_typst import typst_render

    typst_render(REFERENCE, PUBLICATION, out)
    return out


def render_sample(out: Path) -> Path:
    from layout.render import render_issue

    render_issue(REFERENCE, out)
    return out


def all_inputs(scratch: Path) -> Iterator[tuple[str, Path]]:
    """(kind, file) for every kind of input the import targets are measured on."""
    scratch.mkdir(parents=True, exist_ok=True)
    yield "text", SEED_TEXT
    yield "word", build_docx(REFERENCE, scratch / "2018-0602.docx")
    yield "typst-pdf", TYPST_PDF
    yield "own-pdf", render_sample(scratch / "2018-0602.pdf")


if __name__ == "__main__":
    if sys.argv[1:] == ["typst"]:
        print(build_typst_pdf())  # noqa: T201
