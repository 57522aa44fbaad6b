"""Page templates and page furniture: mirrored frames for duplex printing, running header and footer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from reportlab.pdfgen.canvas import Canvas

from layout.buildstate import ComposeCache, PageRecord
from layout.fitting import PAGE_NUMBER_DASH, FooterLine, folio_text, footer_lines, footer_x
from layout.model import Issue, Text
from layout.platypus import BaseDocTemplate, Frame, NextPageTemplate, PageTemplate
from layout.styles import Style
from layout.text.compose import Alignment, Line
from layout.theme import Theme
from layout.typeset import compose_text, draw_line, drawing, spans_for


class Furniture:
    """Draws the running header (not on page 1) and footer of every page, once its content is placed.

    Drawing at the end of the page (onPageEnd) means the header knows which sections began on this
    very page in this pass: it never lags a page behind.
    """

    def __init__(
        self, issue: Issue, theme: Theme, styles: Mapping[str, Style], record: PageRecord, cache: ComposeCache
    ) -> None:
        self.issue, self.theme, self.styles, self.record, self.cache = issue, theme, styles, record, cache
        self._footer: list[FooterLine] | None = None

    def __call__(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        if not drawing(canvas):
            return  # nothing of the furniture moves the text
        page = canvas.getPageNumber()
        canvas.saveState()
        if page > 1:
            self.draw_header(canvas, page)
        self.draw_footer(canvas, page)
        canvas.restoreState()

    def _line(self, text: Text, style_name: str, width: float, align: Alignment) -> tuple[list[Line], Style]:
        """One line of furniture (composed once per render: the cache keeps it across pages and passes)."""
        style = self.styles[style_name]
        spans = tuple(spans_for(text, style))
        options = replace(style.options(width), align=align, first_indent=0.0)
        return self.cache.lines(spans, (options, style.size), lambda: compose_text(spans, options)), style

    def draw_header(self, canvas: Canvas, page: int) -> None:
        geo = self.theme.page
        left = geo.text_left(page)
        rule_y = geo.height - geo.margin_top + geo.header_offset
        baseline = rule_y + geo.header_rule_gap
        title = f"{self.issue.publication.masthead}  {self.issue.info.line}"
        section = self.record.section_for_page(page) or ""
        # Outer side carries the section name: right on odd pages, left on even pages.
        outer, inner = (Alignment.RIGHT, Alignment.LEFT) if page % 2 else (Alignment.LEFT, Alignment.RIGHT)
        for text, align in ((title, inner), (section, outer)):
            if text:
                lines, _ = self._line(Text.of(text), "header", geo.text_width, align)
                draw_line(canvas, lines[0], left, baseline)
        canvas.setStrokeColorCMYK(*self.theme.colors["rule"])
        canvas.setLineWidth(self.theme.rules["header"])
        canvas.line(left, rule_y, left + geo.text_width, rule_y)

    def draw_footer(self, canvas: Canvas, page: int) -> None:
        """The footer lines centred in the text block, clear of the folio by an em (fitted or wrapped once per
        render), and the folio on the outer side."""
        geo = self.theme.page
        left = geo.text_left(page)
        baseline = geo.margin_bottom - geo.footer_offset
        if self._footer is None:
            self._footer = footer_lines(self.issue.publication.footer, self.theme) or []
        for item in self._footer:
            draw_line(canvas, item.line, footer_x(item, self.theme, page), baseline)  # keeps its links
            baseline -= geo.footer_leading
        lines, style = self._line(Text.of(folio_text(page)), "page_number", geo.text_width, Alignment.LEFT)
        inset = geo.page_number_inset * style.size
        width = lines[0].natural
        # Odd pages: right, one character in; even pages: left, one character in (GB/T 9704 §7.5).
        x = left + geo.text_width - inset - width if page % 2 else left + inset
        draw_line(canvas, lines[0], x - lines[0].left, geo.margin_bottom - geo.footer_offset)


def make_templates(theme: Theme, furniture: Furniture) -> list[PageTemplate]:
    """Page 1 (masthead), then body pages alternating odd/even with the inner margin on the binding side."""
    geo = theme.page

    def frame(page_id: str, left: float) -> Frame:
        return Frame(left, geo.margin_bottom, geo.text_width, geo.text_height, id=page_id,
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)  # fmt: skip

    return [
        PageTemplate("first", [frame("first", geo.margin_inner)], onPageEnd=furniture),
        PageTemplate("odd", [frame("odd", geo.margin_inner)], onPageEnd=furniture),
        PageTemplate("even", [frame("even", geo.margin_outer)], onPageEnd=furniture),
    ]


def alternate_pages() -> NextPageTemplate:
    """Put first in the story: after page 1, pages cycle even, odd, even… (a template cycle, because
    ReportLab's autoNextPageTemplate applies each switch one page late)."""
    return NextPageTemplate(["even", "odd"])



def furniture_texts(issue: Issue) -> list[tuple[str, Text]]:
    """Every text the running header and footer print, with its style (for glyph coverage): the masthead and
    issue line, each section title, the footer lines as expanded, the page numbers."""
    pub = issue.publication
    out: list[tuple[str, Text]] = [
        ("header", pub.masthead_text or Text.of(pub.masthead, pub.pos)),
        ("header", Text.of(issue.info.line, issue.info.pos)),
        *(("header", section.title) for section in issue.sections),
        *(("footer", line) for line in pub.footer),
        ("page_number", Text.of(f"{PAGE_NUMBER_DASH} 0123456789 {PAGE_NUMBER_DASH}", pub.pos)),
    ]
    return out
