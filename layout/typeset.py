"""From model text to drawn lines: spans per font (fallback), composition through the line composer, drawing.

This is the one bridge between the pure line composer (layout/text) and ReportLab's canvas: flowables
call `spans_for` to turn a `Text` in a resolved `Style` into composer spans, `compose_text` to break
them, and `draw_lines` to put the lines on the page as compact text segments plus link annotations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfgen.canvas import Canvas

from layout.fonts.registry import SYNTHETIC_BOLD_STROKE_EM, Face
from layout.model import Run, Text
from layout.styles import Style
from layout.text.compose import ComposeOptions, Glyph, Line, Span, compose
from layout.theme import CMYK

# The ideographic em box of CJK faces stands 0.88 em above and 0.12 em below the baseline; centring that box
# in the line's leading puts the baseline here (as a fraction of the size, below the half-leading).
EM_BOX_ASCENT = 0.88
SEGMENT_FUZZ = 0.01  # pt; glyphs closer than this to their expected pen position continue one text segment


@dataclass(frozen=True, slots=True)
class Ink:
    """A composer style: how one glyph is drawn. Hashable; the composer hands it back on each glyph."""

    face: Face
    size: float
    color: CMYK
    link: str | None = None  # external URI ("http…", "mailto:…") or "#key" for an internal destination
    tracking: float = 0.0  # pt added after every glyph (letter-spaced titles)


def measure(ink: Ink, char: str) -> float:
    """The composer's measuring function: natural advance of one character in pt."""
    return ink.face.advance(char) * ink.size + ink.tracking


def spans_for(text: Text | Sequence[Run], style: Style, *, link: str | None = None) -> list[Span]:
    """Split a text's runs into composer spans, one per (run, font that covers it) — per-character fallback."""
    runs = text.runs if isinstance(text, Text) else text
    size, tracking = style.size, style.tracking
    spans: list[Span] = []
    for run in runs:
        chain = style.bold if run.bold else style.regular
        target = run.link or link
        color = style.link_color if run.link else style.color
        for face, part in chain.split(run.text):
            spans.append(Span(part, Ink(face, size, color, target, tracking), size))
    return spans


def compose_text(spans: Sequence[Span], options: ComposeOptions) -> list[Line]:
    return compose(spans, measure, options)


def baseline_offset(style: Style) -> float:
    """Distance from the top of a line box to its baseline."""
    return (style.leading - style.size) / 2 + style.size * EM_BOX_ASCENT


@dataclass(slots=True)
class _Segment:
    ink: Ink
    gap: float  # pt between glyphs beyond their natural advances
    text: str
    xs: list[float]  # each glyph's own origin


def segments(glyphs: Iterable[Glyph]) -> list[_Segment]:
    """Group glyphs into runs drawable as one text show: same ink and a constant extra gap between glyphs."""
    out: list[_Segment] = []
    seg_ink: Ink | None = None  # the open segment's ink, chars, origins and gap
    chars: list[str] = []
    xs: list[float] = []
    gap = end = 0.0  # end: expected pen position of the next glyph with the same gap
    current: Ink | None = None
    same = False  # the current glyph's ink is the open segment's
    for g in glyphs:
        ink: Ink = g.style  # type: ignore[assignment]
        if ink is not current:  # glyphs of one span share their Ink object: look its metrics up once
            current, advance, size, tracking = ink, ink.face.advance, ink.size, ink.tracking
            same = ink == seg_ink
        x = g.x
        natural = advance(g.text) * size + tracking
        if same:
            if len(chars) == 1:
                # The second glyph fixes the segment's gap (end is still the first glyph's natural end).
                joins = abs(x - end) < size
                if joins:
                    gap = x - end
            else:
                joins = abs(x - end) < SEGMENT_FUZZ
            if joins:
                end = x + natural + gap
                chars.append(g.text)
                xs.append(x)
                continue
        if seg_ink is not None:
            out.append(_Segment(seg_ink, gap, "".join(chars), xs))
        seg_ink, chars, xs, gap, end, same = ink, [g.text], [x], 0.0, x + natural, True
    if seg_ink is not None:
        out.append(_Segment(seg_ink, gap, "".join(chars), xs))
    return out


def drawing(canvas: Canvas) -> bool:
    """False on the canvas of `check`'s trial layout (layout/build.py), which only needs to know where things
    land: whatever is drawn on it is thrown away."""
    return not getattr(canvas, "layout_only", False)


def draw_lines(canvas: Canvas, lines: Sequence[Line], x: float, top: float, style: Style) -> None:
    """Draw composed lines whose first line box starts at `top` (local coordinates), left edge at `x`."""
    y = top - baseline_offset(style)
    for line in lines:
        draw_line(canvas, line, x, y)
        y -= style.leading


# What ReportLab's text object (canvas.beginText()) opens and closes with: drawing a line writes the same bytes
# without building one.
TEXT_BEGIN, TEXT_END = "BT 1 0 0 1 0 0 Tm", "ET"


def draw_line(canvas: Canvas, line: Line, x: float, baseline: float) -> None:
    """Draw one line's glyphs as text segments at `baseline`, and its links as annotations.

    The text operators are written here, not through ReportLab's textOut: every piece of a segment that
    falls in one embedded subset starts from its own origin (Tm), so readers that drop the character
    spacing at a subset switch (pdfminer, hence pdfplumber) still see every glyph where it is; and the
    line costs a fraction of the calls.
    """
    if not drawing(canvas):
        return
    document = canvas._doc
    ops: list[str] = [TEXT_BEGIN]
    font: str | None = None  # the font resource and size set last
    font_size = 0.0
    color: CMYK | None = None
    spacing: float | None = None
    stroked = False
    linked = False
    y = fp_str(baseline)
    for seg in segments(line.glyphs):
        ink = seg.ink
        linked = linked or ink.link is not None
        if ink.face.synthetic_bold != stroked:
            # Faces without a bold companion are emboldened by stroking the outline (fill + stroke).
            stroked = ink.face.synthetic_bold
            ops.append(f"{fp_str(SYNTHETIC_BOLD_STROKE_EM * ink.size)} w 2 Tr" if stroked else "0 Tr")
            color = None
        if ink.color != color:
            color = ink.color
            ops.append(f"{fp_str(*color)} k {fp_str(*color)} K" if stroked else f"{fp_str(*color)} k")
        if seg.gap + ink.tracking != spacing:
            spacing = seg.gap + ink.tracking
            ops.append(f"{fp_str(spacing)} Tc")
        start = 0
        size = ink.size
        set_size = f" {fp_str(size)} Tf"
        for name, chunk in ink.face.pdf_chunks(seg.text, document):
            if name != font or size != font_size:
                font, font_size = name, size
                ops.append(name + set_size)
            # fp_str(a, b) is fp_str(a) + " " + fp_str(b): the baseline is formatted once per line
            ops.append(f"1 0 0 1 {fp_str(x + seg.xs[start])} {y} Tm ({escapePDF(chunk)}) Tj")
            start += len(chunk)
    if stroked:
        ops.append("0 Tr")
    ops.append(TEXT_END)
    canvas._code.append(" ".join(ops))
    if linked:
        draw_links(canvas, line, x, baseline)


def draw_links(canvas: Canvas, line: Line, x: float, baseline: float) -> None:
    """One clickable rectangle per stretch of glyphs that share a link target."""
    start: Glyph | None = None
    prev: Glyph | None = None
    for g in (*line.glyphs, None):
        target = cast(Ink, g.style).link if g is not None else None
        if start is not None and (g is None or target != cast(Ink, start.style).link):
            assert prev is not None
            ink = cast(Ink, start.style)
            rect = (x + start.x, baseline - 0.2 * ink.size, x + prev.x + prev.advance, baseline + 0.9 * ink.size)
            link_rect(canvas, ink.link or "", rect)
            start = None
        if g is not None and target and start is None:
            start = g
        prev = g


def link_rect(canvas: Canvas, target: str, rect: tuple[float, float, float, float]) -> None:
    """A borderless link annotation: "#key" jumps inside the document, anything else is a URI."""
    if target.startswith("#"):
        canvas.linkRect("", target[1:], rect, relative=1, thickness=0)
    else:
        canvas.linkURL(target, rect, relative=1, thickness=0)
