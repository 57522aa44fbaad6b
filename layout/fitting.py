"""Lines that must fit their measure: the masthead's title and publisher line, and the running footer.

A style with `overflow: shrink` keeps its text on one line: its letter spacing is a maximum and gives way first,
then its size, down to the style's `min_size`. The footer keeps clear of the folio (the page number) by an em
on each side, so a centred footer line never runs into it; a line still too wide wraps (`overflow: wrap`) or is
set smaller (`overflow: shrink`). What cannot fit even then is refused before rendering (`fit_problems`), with
the source position of the publication line, so a render never clips or overprints.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from layout.errors import Diagnostic
from layout.model import Issue, Text
from layout.styles import resolve_style
from layout.text.compose import Line
from layout.theme import Overflow, TextStyle, Theme
from layout.typeset import compose_text, spans_for

PAGE_NUMBER_DASH = "—"  # GB/T 9704: the page number stands between two one-em dashes, "— 2 —"
FOLIO_CLEARANCE_EM = 1.0  # footer text keeps this many ems (of the folio's size) from the folio
SHRINK_STEP = 0.98  # when rounding leaves a fitted line a hair too wide, try again this much smaller
SHRINK_TRIES = 12
# The lowest footer baseline stands at least this far above the page's bottom edge (a printer's safe zone).
FOOTER_SAFE_BOTTOM = 14.17  # pt (5 mm)
FOLIO_DIGITS = 3  # footers keep clear of a folio this many digits wide, so every page sets them alike


def set_one_line(text: Text, style: TextStyle, theme: Theme, width: float) -> list[Line]:
    """`text` composed in `style` on a measure of `width`, without first-line indent or 孤字 rule."""
    resolved = resolve_style(theme, style)
    options = replace(resolved.options(width), first_indent=0.0, indent=0.0, min_last_line_han=0)
    return compose_text(spans_for(text, resolved), options)


def fit_style(text: Text, style: TextStyle, theme: Theme, width: float) -> TextStyle | None:
    """`style` adjusted so that `text` sets on one line of `width`: letter spacing first (down to none), then the
    size (down to `min_size`). The style itself when it fits; None when even the smallest size does not."""
    if len(set_one_line(text, style, theme, width)) <= 1:
        return style
    bare = replace(style, letter_spacing=0.0)
    natural = sum(line.natural for line in set_one_line(text, bare, theme, 1e9))
    count = sum(1 for ch in text.plain if not ch.isspace())
    candidate: TextStyle | None = None
    if natural <= width and style.letter_spacing > 0 and count:
        spacing = min(style.letter_spacing, (width - natural) / (count * style.size))
        candidate = replace(style, letter_spacing=max(0.0, spacing))
    elif natural > 0:
        candidate = replace(bare, size=style.size * width / natural)
    smallest = style.min_size or style.size
    for _ in range(SHRINK_TRIES):
        if candidate is None or candidate.size < smallest - 1e-6:
            return None
        if len(set_one_line(text, candidate, theme, width)) <= 1:
            return candidate
        if candidate.letter_spacing > 0:
            candidate = replace(candidate, letter_spacing=candidate.letter_spacing * SHRINK_STEP)
        else:
            candidate = replace(candidate, size=candidate.size * SHRINK_STEP)
    return None


def folio_text(page: int) -> str:
    return f"{PAGE_NUMBER_DASH} {page} {PAGE_NUMBER_DASH}"


def folio_reserve(theme: Theme) -> float:
    """The width the folio takes from the footer's side of the text block: its inset, its width (for a
    FOLIO_DIGITS-digit page number) and an em of clearance."""
    style = theme.style("page_number")
    widest = set_one_line(Text.of(folio_text(int("8" * FOLIO_DIGITS))), style, theme, 1e9)
    folio = widest[0].natural if widest else 0.0
    return (theme.page.page_number_inset + FOLIO_CLEARANCE_EM) * style.size + folio


def footer_measure(theme: Theme) -> float:
    """The widest a footer line may be: the text block less the folio's reserve on its side."""
    return theme.page.text_width - folio_reserve(theme)


@dataclass(frozen=True)
class FooterLine:
    line: Line  # composed centred on footer_measure
    style: TextStyle
    # Narrow enough to stand centred in the text block and still clear the folio on either side; a wider line
    # is centred in the room beside the folio instead.
    centred: bool
    reserve: float  # the folio's reserve beside it (folio_reserve), which places it on every page


def footer_lines(footer: tuple[Text, ...], theme: Theme) -> list[FooterLine] | None:
    """The footer's lines as set (each source line fitted or wrapped), top to bottom; None when one of them
    cannot fit (`fit_problems` says which)."""
    style = theme.style("footer")
    reserve = folio_reserve(theme)
    width = footer_measure(theme)
    symmetric = theme.page.text_width - 2 * reserve
    out: list[FooterLine] = []
    for text in footer:
        fitted = style
        if style.overflow is Overflow.SHRINK:
            found = fit_style(text, style, theme, width)
            if found is None:
                return None
            fitted = found
        for line in set_one_line(text, fitted, theme, width):
            out.append(FooterLine(line, fitted, line.natural <= symmetric + 1e-6, reserve))
    return out


def footer_x(item: FooterLine, theme: Theme, page: int) -> float:
    """Where a footer line's measure starts on `page` (the folio is on the right of odd pages, left of even)."""
    left = theme.page.text_left(page)
    if item.centred:
        return left + item.reserve / 2
    return left if page % 2 else left + item.reserve


def footer_fits_page(lines: list[FooterLine], theme: Theme) -> bool:
    geo = theme.page
    first = geo.margin_bottom - geo.footer_offset
    return first - (len(lines) - 1) * geo.footer_leading >= FOOTER_SAFE_BOTTOM


def masthead_style(text: str, style_name: str, theme: Theme) -> TextStyle | None:
    """The masthead title's or publisher line's style, fitted to one line of the text block (shrink styles)."""
    style = theme.style(style_name)
    if style.overflow is not Overflow.SHRINK:
        return style
    return fit_style(Text.of(text), style, theme, theme.page.text_width)


def fit_problems(issue: Issue, theme: Theme) -> list[Diagnostic]:
    """Publication lines that cannot be set as the theme asks: a masthead title or publisher line too long for
    one line at its smallest size, a footer line too wide even at its smallest size, or a footer too tall."""
    pub = issue.publication
    problems: list[Diagnostic] = []
    for line, name, pos, what in (
        (pub.masthead, "masthead_title", pub.masthead_pos, "masthead"),
        (pub.publisher, "masthead_publisher", pub.publisher_pos, "publisher"),
    ):
        style = theme.style(name)
        if masthead_style(line, name, theme) is None:
            smallest = style.min_size or style.size
            problems.append(Diagnostic(pos if pos.line else pub.pos, (
                f"{what} {line!r} does not fit on one line of the masthead even at {smallest:g} pt "
                f"(the theme's styles.{name}.min_size); shorten it or lower that size"
            )))  # fmt: skip
    footer = theme.style("footer")
    width = footer_measure(theme)
    for text in pub.footer:
        if footer.overflow is Overflow.SHRINK and fit_style(text, footer, theme, width) is None:
            smallest = footer.min_size or footer.size
            problems.append(Diagnostic(text.pos if text.pos.line else pub.pos, (
                f"footer line {text.plain!r} does not fit beside the page number even at {smallest:g} pt "
                f"({width:.0f} pt wide); shorten it, split it into two footer lines, or set the theme's "
                f"styles.footer.overflow to wrap"
            )))  # fmt: skip
    if not problems:
        lines = footer_lines(pub.footer, theme)
        if lines is not None and not footer_fits_page(lines, theme):
            first = pub.footer[0]
            problems.append(Diagnostic(first.pos if first.pos.line else pub.pos, (
                f"the footer takes {len(lines)} lines, more than fit below the text block; shorten its lines "
                f"or set the theme's styles.footer.overflow to shrink"
            )))  # fmt: skip
    return problems
