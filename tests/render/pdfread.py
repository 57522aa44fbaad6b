"""Reading rendered bulletins back: text lines by region, the contents entries, where titles stand."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pdfplumber

from layout.theme import Theme

NUMBER_AT_END = re.compile(r"(\d+)$")


@dataclass(frozen=True)
class TextLine:
    page: int  # 1-based
    top: float  # distance from the page top, pt
    x0: float
    size: float
    text: str


def read_lines(pdf_path: Path) -> list[TextLine]:
    """Every visual text line of the PDF (chars grouped by rounded baseline), top to bottom per page."""
    out: list[TextLine] = []
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            rows: dict[tuple[int, float], list[dict]] = {}
            for ch in page.chars:
                rows.setdefault((round(ch["bottom"]), round(ch["size"], 1)), []).append(ch)
            for (bottom, size), chars in sorted(rows.items()):
                chars.sort(key=lambda c: c["x0"])
                text = "".join(c["text"] for c in chars)
                out.append(TextLine(number, chars[0]["top"], chars[0]["x0"], size, text))
    return out


def body_lines(lines: list[TextLine], theme: Theme) -> list[TextLine]:
    """Lines inside the text block (running header and footer left out)."""
    top = theme.page.margin_top - 2
    bottom = theme.page.height - theme.page.margin_bottom + 2
    return [line for line in lines if top <= line.top <= bottom]


def header_lines(lines: list[TextLine], theme: Theme) -> list[TextLine]:
    return [line for line in lines if line.top < theme.page.margin_top - 2]


def footer_lines(lines: list[TextLine], theme: Theme) -> list[TextLine]:
    return [line for line in lines if line.top > theme.page.height - theme.page.margin_bottom + 2]


def squeeze(text: str) -> str:
    """Text without whitespace (justification and CJK–Latin spacing are not characters)."""
    return re.sub(r"\s+", "", text)
