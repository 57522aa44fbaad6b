"""A PDF we did not make: another layout (margins, sizes, no masthead or contents page, no section lines, a
running head and a "第 N 页" foot), drawn line by line on a bare ReportLab canvas. The importer must find the
articles, document numbers and blocks from the geometry alone."""

from __future__ import annotations

from pathlib import Path

import yaml
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from layout.fonts.registry import load_face
from layout.fonts.spec import FontSpec
from layout.importer import import_file

FONTS = Path(__file__).resolve().parents[2] / "fonts"
LEFT, RIGHT, TOP, BOTTOM = 90.0, A4[0] - 80.0, A4[1] - 90.0, 90.0
BODY = 10.5

ARTICLES = [
    ("关于组织申报2021年度中小企业数字化转型试点项目的通知", "某科发〔2021〕7号", [
        ("plain", "各区科技主管部门，各有关单位："),
        ("p", "为贯彻落实数字化转型工作部署，推动中小企业加快数字化改造，现组织申报本年度试点项目。" * 3),
        ("heading", "一、申报条件"),
        ("p", "申报单位应在本市注册，具有独立法人资格，近两年无不良信用记录，且具备实施项目的人员和资金条件。" * 30),
        ("heading", "二、联系方式"),
        ("table", [["序号", "事项", "联系人", "电话"], ["1", "政策咨询", "王老师", "12345678"],
                   ["2", "系统技术支持", "李老师", "87654321"]]),
        ("p", "特此通知。"),
        ("signature", ["某市科学技术局", "2021年3月5日"]),
    ]),
    ("关于公布第二批专精特新企业名单的通知", None, [
        ("plain", "各有关单位："),
        ("p", "经企业申报、专家评审和社会公示，现将第二批专精特新企业名单予以公布，请各单位做好服务工作。" * 5),
        ("p", "附件：第二批专精特新企业名单"),
        ("signature", ["某市经济和信息化局", "2021年4月1日"]),
    ]),
]


def register() -> tuple[str, str]:
    """The bundled serif faces, registered with ReportLab the project's one way (layout.fonts.registry)."""
    regular = load_face(FontSpec(FONTS / "NotoSerifSC-Regular.ttf"))
    bold = load_face(FontSpec(FONTS / "NotoSerifSC-Bold.ttf"))
    return regular.name, bold.name


class Writer:
    """Just enough of a typesetter: character wrapping, a first-line indent, page furniture."""

    def __init__(self, path: Path) -> None:
        self.regular, self.bold = register()
        self.canvas = Canvas(str(path), pagesize=A4, invariant=True)
        self.page = 1
        self.y = TOP
        self.furniture()

    def furniture(self) -> None:
        c = self.canvas
        c.setFont(self.regular, 9)
        c.drawString(LEFT, A4[1] - 50, "某市科学技术局 通知公告")
        c.drawCentredString(A4[0] / 2, 45, f"第 {self.page} 页")

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.canvas.showPage()
            self.page += 1
            self.y = TOP
            self.furniture()

    def line(self, text: str, font: str, size: float, x: float | None = None, align: str = "left") -> None:
        self.need(size * 1.8)
        self.y -= size * 1.8
        c = self.canvas
        c.setFont(font, size)
        if align == "center":
            c.drawCentredString((LEFT + RIGHT) / 2, self.y, text)
        elif align == "right":
            c.drawRightString(RIGHT - 2 * size, self.y, text)
        else:
            c.drawString(LEFT if x is None else x, self.y, text)

    def paragraph(self, text: str, font: str, indent: bool) -> None:
        x, lines, current = LEFT + (2 * BODY if indent else 0), [], ""
        for ch in text:
            width = RIGHT - (x if not lines else LEFT)
            if pdfmetrics.stringWidth(current + ch, font, BODY) > width:
                lines.append(current)
                current = ""
            current += ch
        lines.append(current)
        for k, piece in enumerate(lines):
            self.line(piece, font, BODY, x if k == 0 else LEFT)
        self.y -= 4

    def table(self, rows: list[list[str]]) -> None:
        widths = [40.0, 160.0, 90.0, 100.0]
        height = 22.0
        self.need(height * len(rows) + 10)
        c, top = self.canvas, self.y - 6
        for r, row in enumerate(rows):
            x = LEFT
            for w, cell in zip(widths, row, strict=True):
                c.rect(x, top - (r + 1) * height, w, height)
                c.setFont(self.bold if r == 0 else self.regular, BODY)
                c.drawString(x + 4, top - (r + 1) * height + 7, cell)
                x += w
        self.y = top - len(rows) * height - 10

    def save(self) -> None:
        self.canvas.save()


def build(path: Path) -> Path:
    w = Writer(path)
    for title, number, blocks in ARTICLES:
        w.y -= 12
        w.line(title, w.bold, 15, align="center")
        if number:
            w.line(number, w.regular, BODY, align="center")
        for kind, value in blocks:
            if kind == "plain":
                w.paragraph(str(value), w.regular, indent=False)
            elif kind == "p":
                w.paragraph(str(value), w.regular, indent=True)
            elif kind == "heading":
                w.line(str(value), w.bold, BODY, LEFT + 2 * BODY)
            elif kind == "table":
                w.table(value)  # type: ignore[arg-type]
            elif kind == "signature":
                for text in value:
                    w.line(str(text), w.regular, BODY, align="right")
    w.save()
    return path


def test_articles_and_blocks_from_geometry_alone(tmp_path: Path) -> None:
    pdf = build(tmp_path / "foreign.pdf")
    import pdfplumber

    with pdfplumber.open(pdf) as doc:  # the long paragraph does run over a page break
        assert "申报单位应在本市注册" in doc.pages[0].extract_text()
        assert "联系方式" in doc.pages[1].extract_text()
    result = import_file(pdf)
    doc = yaml.safe_load(result.yaml_text)
    articles = [a for s in doc["sections"] for a in s["articles"]]
    assert [a["title"] for a in articles] == [title for title, _, _ in ARTICLES]
    assert [a.get("doc_number") for a in articles] == [number for _, number, _ in ARTICLES]
    first, second = articles[0]["blocks"], articles[1]["blocks"]
    assert first == [
        {"plain": "各区科技主管部门，各有关单位："},
        ARTICLES[0][2][1][1],
        {"heading": "一、申报条件"},
        ARTICLES[0][2][3][1],  # cut by the page break, whole again
        {"heading": "二、联系方式"},
        {"table": {"header": ["序号", "事项", "联系人", "电话"],
                   "rows": [["1", "政策咨询", "王老师", "12345678"], ["2", "系统技术支持", "李老师", "87654321"]]}},
        "特此通知。",
        {"signature": ["某市科学技术局", "2021年3月5日"]},
    ]
    assert second == [{"plain": "各有关单位："}, ARTICLES[1][2][1][1], {"attachments": ["第二批专精特新企业名单"]},
                      {"signature": ["某市经济和信息化局", "2021年4月1日"]}]
    text = result.yaml_text
    assert "通知公告" not in text.split("sections:")[1]  # the running head
    assert "第 1 页" not in text
    assert "第1页" not in text
