"""Text styles resolved once per build: the theme's role names, colour names and em lengths become font chains,
CMYK colours, points and composer options, so no flowable looks anything up in the theme again."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from layout.fonts.registry import FontChain
from layout.text.compose import Alignment, ComposeOptions
from layout.theme import CMYK, TextStyle, Theme

# Styles set as display lines — titles, headings, the masthead, captions, furniture, signatures, the closing —
# to which the 孤字 rule (a last line of at least two Han characters) does not apply: it is for running text.
DISPLAY_STYLES = frozenset({
    "masthead_publisher", "masthead_title", "masthead_issue", "toc_title", "article_title", "doc_number",
    "heading1", "heading2", "heading3", "subtitle", "links", "caption", "closing", "signature",
    "header", "footer", "page_number",
})  # fmt: skip


# Styles that break only between words (GB/T 9704 7.3.1) and keep 《…》, （…） and document numbers whole where
# they fit: titles, headings, contents entries, table headers. Running text keeps character-level breaking.
WORD_STYLES = frozenset({
    "article_title", "subtitle", "section", "heading1", "heading2", "heading3", "toc_section", "toc_article",
    "table_head",
})  # fmt: skip


@dataclass(frozen=True, slots=True)
class Style:
    """One text style, resolved: every length in points, every colour CMYK, the fonts as fallback chains.

    `compose` holds the composer options (indents, alignment, prohibitions, 孤字 rule) at width 0;
    `options(width)` sets the measure. `but(...)` derives a variant (a table cell's alignment, a list
    item's hanging indent) without touching the shared style.
    """

    name: str
    regular: FontChain
    bold: FontChain  # for **bold** runs
    size: float
    leading: float
    space_before: float
    space_after: float
    color: CMYK
    link_color: CMYK  # runs that carry their own link
    tracking: float  # pt added after every glyph (letter-spaced titles)
    right_inset: float  # pt kept free at the right (signatures)
    compose: ComposeOptions
    # width -> `compose` at that measure: a build asks for the same few measures thousands of times
    _at_width: dict[float, ComposeOptions] = field(init=False, default_factory=dict, compare=False, repr=False)

    @property
    def align(self) -> Alignment:
        return self.compose.align

    @property
    def first_indent(self) -> float:
        return self.compose.first_indent

    def options(self, width: float) -> ComposeOptions:
        """The composer options at a measure of `width` pt."""
        options = self._at_width.get(width)
        if options is None:
            options = self._at_width[width] = replace(self.compose, width=width)
        return options

    def but(
        self,
        *,
        align: Alignment | None = None,
        first_indent: float | None = None,
        indent: float | None = None,
        last_line_reserve: float | None = None,
        space_before: float | None = None,
    ) -> Style:
        """This style with some composer settings or its space before changed (None keeps a setting)."""
        c = self.compose
        compose = replace(
            c,
            align=c.align if align is None else align,
            first_indent=c.first_indent if first_indent is None else first_indent,
            indent=c.indent if indent is None else indent,
            last_line_reserve=c.last_line_reserve if last_line_reserve is None else last_line_reserve,
        )
        return replace(self, compose=compose, space_before=self.space_before if space_before is None else space_before)


def resolve_style(theme: Theme, style: TextStyle) -> Style:
    """A theme style in points, CMYK and font chains (the theme's own caches keep each chain loaded once)."""
    size = style.size
    color = theme.colors[style.color]
    return Style(
        name=style.name,
        regular=theme.chain(style.font),
        bold=theme.chain(style.bold_font),
        size=size,
        leading=style.leading,
        space_before=style.space_before,
        space_after=style.space_after,
        color=color,
        link_color=theme.colors.get("link", color),
        tracking=style.letter_spacing * size,
        right_inset=style.right_inset * size,
        compose=ComposeOptions(
            width=0.0,
            first_indent=style.first_indent * size,
            indent=style.indent * size,
            align=style.align,
            punctuation=theme.punctuation,
            strictness=theme.strictness,
            min_last_line_han=0 if style.name in DISPLAY_STYLES else theme.min_last_line_han,
            words=style.name in WORD_STYLES,
        ),
    )


def resolve_styles(theme: Theme) -> Mapping[str, Style]:
    """Every style of the theme, resolved."""
    return {name: resolve_style(theme, style) for name, style in theme.styles.items()}
