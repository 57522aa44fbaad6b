"""The bulletin's flowables: composed Chinese text, keep-with-next groups, anchors, rules, signatures, TOC lines.

All follow ReportLab's protocol strictly: `wrap` measures (and may cache composed lines), `split` returns
[] or [head, tail], `draw` works in local coordinates. None mutates a shared style.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from reportlab.pdfgen.canvas import Canvas

from layout.buildstate import ComposeCache, NumberingCanvas, PageRecord
from layout.errors import SourcePos
from layout.model import Run, Text
from layout.platypus import Flowable
from layout.styles import Style
from layout.text.compose import Alignment, Line, Span
from layout.text.words import splits_words
from layout.theme import CMYK, TocSpec
from layout.typeset import baseline_offset, compose_text, draw_line, draw_lines, drawing, link_rect, spans_for

FUZZ = 1e-6  # pt; never compare layout floats for equality
MIN_LINES_AT_BREAK = 2  # no orphan at a page foot, no widow at a page top (clreq / GB practice)
# A signature at a page foot may close its lines up to this (em of its size) to stay with its text (GB/T 9704).
TIGHT_LEADING_EM = 1.25
BALANCE_STEPS = 8  # bisection steps when balancing a title's lines: 1/256 of a line's width is plenty


class TextBlock(Flowable):
    """Running text set by the line composer: paragraphs, headings, list items, table cells, titles."""

    def __init__(
        self,
        spans: Sequence[Span],
        style: Style,
        cache: ComposeCache,
        *,
        source: SourcePos | None = None,
        keep_together: bool = False,
        keep_with_next: bool = False,
        balance: bool = False,
    ) -> None:
        super().__init__()
        self.spans = tuple(spans)
        self.style = style
        self.cache = cache
        self.source = source
        self.keep_together = keep_together
        self.keep_with_next = keep_with_next
        self.balance = balance
        self.spaceBefore = style.space_before
        self.spaceAfter = style.space_after
        self._lines: list[Line] | None = None
        self._width = 0.0
        self._shift = 0.0  # a balanced block is set narrower than the frame and centred in it
        self.number_column = 0.0  # pt kept free at the right of every line (contents entries)

    def compose(self, width: float) -> list[Line]:
        """The lines at this measure (cached across passes; the composer is pure)."""
        if self._lines is not None and abs(width - self._width) < FUZZ:
            return self._lines
        measure_width = width - self.style.right_inset - self.number_column
        lines = self._compose_at(measure_width)
        self._shift = 0.0
        if self.balance and len(lines) > 1:
            narrowest = self._balanced_width(measure_width, len(lines))
            lines = self._compose_at(narrowest)
            self._shift = (measure_width - narrowest) / 2
        self._lines, self._width = lines, width
        return lines

    def _compose_at(self, width: float) -> list[Line]:
        options = self.style.options(width)
        return self.cache.lines(self.spans, (options, self.style.size), lambda: compose_text(self.spans, options))

    def _balanced_width(self, width: float, count: int) -> float:
        """The narrowest measure that still sets the text in `count` lines, breaking no more words than the full
        measure does: titles break into even lines between words."""
        text = "".join(span.text for span in self.spans)
        words = self.style.compose.words

        def splits(lines: list[Line]) -> int:
            return splits_words(text, [line.start for line in lines[1:]]) if words else 0

        allowed = splits(self._compose_at(width))
        low, high = width * (count - 1) / count, width
        for _ in range(BALANCE_STEPS):
            middle = (low + high) / 2
            lines = self._compose_at(middle)
            if len(lines) <= count and splits(lines) <= allowed:
                high = middle
            else:
                low = middle
        return high

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (ReportLab's names)
        self.width = availWidth
        self.height = len(self.compose(availWidth)) * self.style.leading
        return availWidth, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        lines = self.compose(availWidth)
        fit = int((availHeight + FUZZ) / self.style.leading)
        if self.keep_together or fit >= len(lines):
            return []
        # Leave at least two lines on each side of the break, so neither page holds a lone line.
        fit = min(fit, len(lines) - MIN_LINES_AT_BREAK)
        if fit < MIN_LINES_AT_BREAK:
            return []
        head, tail = self._part(lines[:fit], availWidth), self._part(lines[fit:], availWidth)
        head.spaceAfter = 0
        tail.spaceBefore = 0
        return [head, tail]

    def _part(self, lines: list[Line], width: float) -> TextBlock:
        part = TextBlock(self.spans, self.style, self.cache, source=self.source)
        part._lines, part._width, part._shift = lines, width, self._shift
        return part

    def draw(self) -> None:
        if not drawing(self.canv):
            return
        x = self._shift
        if self.style.tracking and self.style.align is Alignment.CENTER:
            # Tracking follows every glyph, the last one too; shift half of it back so the ink is centred.
            x += self.style.tracking / 2
        draw_lines(self.canv, self.compose(self.width), x, self.height, self.style)


class LabelledText(TextBlock):
    """Text hanging from a label column: "附件：1．" or "2．" drawn at fixed positions on the first line, the text
    itself starting at the same column on every item (numbers of different widths stay aligned)."""

    def __init__(
        self,
        labels: Sequence[tuple[float, Sequence[Span]]],
        spans: Sequence[Span],
        style: Style,
        cache: ComposeCache,
        *,
        source: SourcePos | None = None,
    ) -> None:
        super().__init__(spans, style, cache, source=source)
        self.labels = [(x, tuple(spans)) for x, spans in labels]  # (x from the left edge, spans) per label

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        parts = super().split(availWidth, availHeight)
        if parts:
            head = parts[0]
            labelled = LabelledText(self.labels, self.spans, self.style, self.cache)
            labelled._lines, labelled._width, labelled.spaceAfter = head._lines, head._width, 0
            parts[0] = labelled
        return parts

    def draw(self) -> None:
        if not drawing(self.canv):
            return
        # Labels first: the content stream (and so copy-paste, pypdf, screen readers) reads "1、" before its item.
        baseline = self.height - baseline_offset(self.style)
        for x, spans in self.labels:
            options = replace(self.style.options(self.width), align=Alignment.LEFT, first_indent=x, indent=x)
            for line in compose_text(spans, options)[:1]:
                draw_line(self.canv, line, 0, baseline)
        super().draw()


def text_block(
    text: Text | Sequence[Run],
    style: Style,
    cache: ComposeCache,
    *,
    source: SourcePos | None = None,
    keep_with_next: bool = False,
    balance: bool = False,
) -> TextBlock:
    """A TextBlock for a model Text (or runs) in a style."""
    spans = spans_for(text, style)
    return TextBlock(spans, style, cache, source=source, keep_with_next=keep_with_next, balance=balance)


class Stack(Flowable):
    """Heads that must not stand at a page foot without what follows (titles, headings, anchors).

    The group moves to the next page unless the follower can split so that its first lines come along.
    On an empty page (the group is taller than a frame) it gives up keeping and lets the parts flow.
    """

    def __init__(
        self, heads: Sequence[Flowable], follower: Flowable | None, frame_height: float, *, tight: bool = False
    ) -> None:
        super().__init__()
        self.heads = list(heads)
        self.follower = follower
        self.frame_height = frame_height
        self.tight = tight  # set without the space around its parts (at a page foot, to avoid a hole)
        self.spaceBefore = self.heads[0].getSpaceBefore() if self.heads and not tight else 0
        last = follower if follower is not None else self.heads[-1]
        self.spaceAfter = last.getSpaceAfter()
        self._placed: list[tuple[Flowable, float, float, float]] = []  # (part, offset from top, width, height)

    @property
    def parts(self) -> list[Flowable]:
        return [*self.heads, *([self.follower] if self.follower is not None else [])]

    def _layout(self, width: float, parts: Sequence[Flowable]) -> float:
        """Wrap the parts and record each one's offset from the top; returns the total height."""
        y = 0.0
        self._placed = []
        for i, part in enumerate(parts):
            if i:
                y += self._gap(parts[i - 1], part)
            w, h = part.wrapOn(self.canv, width, 1e6)
            self._placed.append((part, y, w, h))
            y += h
        return y

    def _gap(self, above: Flowable, below: Flowable) -> float:
        return 0.0 if self.tight else max(above.getSpaceAfter(), below.getSpaceBefore())

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        self.height = self._layout(availWidth, self.parts)
        return availWidth, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        heads_height = self._layout(availWidth, self.heads)
        if availHeight >= self.frame_height - FUZZ:
            return self.parts  # nothing can be kept on a fresh page: let the parts flow
        if self.follower is None:
            return []
        gap = self._gap(self.heads[-1], self.follower) if self.heads else 0
        pieces = self.follower.splitOn(self.canv, availWidth, availHeight - heads_height - gap)
        if len(pieces) >= 2:
            return [Stack(self.heads, pieces[0], self.frame_height, tight=self.tight), *pieces[1:]]
        if self.tight:
            return []
        # Rather than leave a hole at the page foot, the space around the heads gives way (vertical glue
        # shrinks): without it the heads and the follower's first lines, or all of it, may still fit.
        tight = Stack(self.heads, self.follower, self.frame_height, tight=True)
        tight.canv = self.canv
        room = availHeight + self.getSpaceBefore()
        if tight._layout(availWidth, tight.parts) <= room + FUZZ:
            return [tight]
        pieces = self.follower.splitOn(self.canv, availWidth, room - tight._layout(availWidth, self.heads))
        if len(pieces) < 2:
            return []
        return [Stack(self.heads, pieces[0], self.frame_height, tight=True), *pieces[1:]]

    def draw(self) -> None:
        self._layout(self.width, self.parts)
        for part, offset, width, height in self._placed:
            x = (self.width - width) / 2 if getattr(part, "hAlign", "LEFT") == "CENTER" else 0
            part.drawOn(self.canv, x, self.height - offset - height)


class Trailer(Stack):
    """Text with a trailer that must not stand alone on a page (a signature under its notice, GB/T 9704).

    When the trailer does not fit, the text before it splits so that its last lines go along.
    """

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        if availHeight >= self.frame_height - FUZZ:
            return self.parts
        (body,) = self.heads
        _, body_height = body.wrapOn(self.canv, availWidth, availHeight)
        # First, as GB/T 9704 asks, set the signature's lines closer so that it stays with all of its text.
        tighten = getattr(self.follower, "tightened", None)
        room = availHeight - body_height - body.getSpaceAfter()
        if tighten is not None and body_height <= availHeight and room > 0:
            tight = tighten(availWidth, room)
            if tight is not None:
                return [Stack([body], tight, self.frame_height)]
        # Ask for less than the whole body (one point less), so its last lines are left for the trailer.
        pieces = body.splitOn(self.canv, availWidth, min(availHeight, body_height - 1.0))
        if len(pieces) != 2:
            return []
        return [pieces[0], Trailer([pieces[1]], self.follower, self.frame_height)]


def fold_keeps(flowables: Sequence[Flowable], frame_height: float) -> list[Flowable]:
    """Group every run of keep-with-next flowables with the flowable that follows it, and every
    keep-with-previous flowable with the one before it."""
    out: list[Flowable] = []
    heads: list[Flowable] = []
    for f in flowables:
        if getattr(f, "keep_with_next", False):
            heads.append(f)
            continue
        if getattr(f, "keep_with_previous", False) and out and not heads:
            out[-1] = Trailer([out[-1]], f, frame_height)
            continue
        out.append(Stack(heads, f, frame_height) if heads else f)
        heads = []
    if heads:
        out.append(Stack(heads, None, frame_height))
    return out


class Anchor(Flowable):
    """Zero-size mark: records its page, sets a PDF destination and an outline entry."""

    _ZEROSIZE = True

    def __init__(
        self, record: PageRecord, key: str, title: str, level: int, *, headroom: float, section: bool = False
    ) -> None:
        super().__init__()
        self.record, self.key, self.title, self.level, self.section = record, key, title, level, section
        self.headroom = headroom  # pt shown above the mark when a reader jumps to it
        self.keep_with_next = True
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return 0, 0

    def draw(self) -> None:
        page = self.canv.getPageNumber()
        self.record.pages[self.key] = page
        if self.section:
            self.record.sections.append((page, self.title))
        _, top = self.canv.absolutePosition(0, 0)
        self.canv.bookmarkPage(self.key, fit="XYZ", left=0, top=top + self.headroom, zoom=0)
        self.canv.addOutlineEntry(self.title, self.key, level=self.level, closed=False)


class Rule(Flowable):
    """A horizontal rule across the measure."""

    def __init__(
        self, weight: float, color: CMYK, *, space_before: float = 0, space_after: float = 0, gap: float = 0
    ) -> None:
        super().__init__()
        self.weight, self.color, self.gap = weight, color, gap
        self.spaceBefore, self.spaceAfter = space_before, space_after

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        self.height = self.weight + self.gap
        return availWidth, self.height

    def draw(self) -> None:
        self.canv.setStrokeColorCMYK(*self.color)
        self.canv.setLineWidth(self.weight)
        self.canv.line(0, self.height - self.weight / 2, self.width, self.height - self.weight / 2)


class SignatureBlock(Flowable):
    """Signature lines as a block at the right (GB/T 9704): each line centred on the block, never split."""

    def __init__(self, lines: Sequence[Sequence[Span]], style: Style, cache: ComposeCache) -> None:
        super().__init__()
        # each line composed flush left (its own width), then centred on the block in draw()
        self.blocks = [TextBlock(spans, style.but(align=Alignment.LEFT), cache) for spans in lines]
        self.style = style
        self.leading = style.leading
        self.spaceBefore, self.spaceAfter = style.space_before, style.space_after
        self.keep_with_previous = True

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        self._lines = [line for block in self.blocks for line in block.compose(availWidth)]
        self.height = len(self._lines) * self.leading
        return availWidth, self.height

    def tightened(self, width: float, height: float) -> SignatureBlock | None:
        """This signature set in `height` with no space above, its lines closer but never under
        TIGHT_LEADING_EM apart; None when it cannot be (GB/T 9704 7.3.5.1: adjust the line spacing so that the
        signature stays on the page of its text)."""
        self.wrap(width, height)
        leading = height / len(self._lines) if self._lines else self.leading
        if leading < TIGHT_LEADING_EM * self.style.size - FUZZ:
            return None
        tight = SignatureBlock.__new__(SignatureBlock)
        Flowable.__init__(tight)
        tight.blocks, tight.style, tight.keep_with_previous = self.blocks, self.style, True
        tight.leading = min(self.leading, leading)
        tight.spaceBefore, tight.spaceAfter = 0.0, self.spaceAfter
        return tight

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        return []

    def draw(self) -> None:
        if not drawing(self.canv):
            return
        block_width = max(line.natural for line in self._lines)
        right = self.width - self.style.right_inset
        y = self.height - baseline_offset(self.style) + (self.style.leading - self.leading) / 2
        for line in self._lines:
            x = right - block_width + (block_width - line.natural) / 2 - line.left
            draw_line(self.canv, line, x, y)
            y -= self.leading


class TocEntry(TextBlock):
    """A contents line: wrapped title with a hanging indent, dotted leader and right-aligned page number."""

    def __init__(self, spans: Sequence[Span], style: Style, toc: TocSpec, cache: ComposeCache, *,
                 key: str, page: int | None, number_spans: Callable[[str], list[Span]],
                 record: PageRecord, widest_number: float = 0.0) -> None:  # fmt: skip
        # Every line stops short of the page-number column; the last also leaves room for a short leader.
        leader = toc.min_leader * style.size
        super().__init__(spans, style.but(last_line_reserve=leader), cache, keep_together=True)
        self.toc = toc
        # The column the theme reserves, widened to the widest page number of the contents when that is wider
        # (a theme's reserve for two digits in a 100-page issue): numbers never run into the leaders.
        reserved = toc.number_width * style.size
        if widest_number <= reserved:
            self.number_width = reserved
            self.number_column = (toc.number_width + toc.number_gap) * style.size
        else:
            self.number_width = widest_number
            self.number_column = widest_number + toc.number_gap * style.size
        self.key = key
        self.page = page
        self.number_spans = number_spans
        self.record = record

    def draw(self) -> None:
        if not drawing(self.canv):
            return
        super().draw()
        lines = self.compose(self.width)
        style = self.style
        baseline = self.height - (len(lines) - 1) * style.leading - baseline_offset(style)
        # The leader stops at a fixed column (the reserved number width), so all entries' dots line up.
        self._draw_leader(
            lines[-1].end + style.size * 0.5, self.width - self.number_width, baseline
        )
        canvas = self.canv
        if self.page:
            self._draw_number(canvas, self.page, baseline)
        elif isinstance(canvas, NumberingCanvas):
            # The page this entry names may not be laid out yet: draw a form here, filled in when it is.
            form = f"toc-{self.key}"
            canvas.doForm(form)
            canvas.before_save.append(lambda c: self._fill_number(c, form, baseline))
        link_rect(canvas, f"#{self.key}", (0, 0, self.width, self.height))

    def _fill_number(self, canvas: Canvas, form: str, baseline: float) -> None:
        """Draw the form that stands for this entry's page number, from the pass's record (at its end)."""
        page = self.record.pages.get(self.key)
        canvas.beginForm(form)
        if page:
            width = self._draw_number(canvas, page, baseline)
            # Too wide for the column the leaders stop at: the build runs another pass with a wider one.
            self.record.numbers_overflow |= width > self.number_width + FUZZ
        canvas.endForm()

    def _draw_number(self, canvas: Canvas, page: int, baseline: float) -> float:
        """Draw the page number flush right on the entry's last line; returns its width."""
        options = replace(
            self.style.options(self.width), align=Alignment.RIGHT, first_indent=0.0, indent=0.0, last_line_reserve=0.0
        )
        line = compose_text(self.number_spans(str(page)), options)[0]
        draw_line(canvas, line, 0, baseline)
        return line.natural

    def _draw_leader(self, start: float, stop: float, baseline: float) -> None:
        style = self.style
        step = self.toc.leader_gap * style.size
        dot = self.toc.leader
        found = style.regular.first_index(dot)  # the first face that has it, as for any text
        face = style.regular[found] if found >= 0 else style.regular.primary
        dot_width = face.advance(dot) * style.size
        # Dots sit on a grid anchored at the right edge, so the leaders of all entries line up.
        x = stop - dot_width
        xs = []
        while x >= start:
            xs.append(x)
            x -= step
        if not xs:
            return
        text = self.canv.beginText()
        text.setFont(face.name, style.size)
        text.setFillColorCMYK(*style.color)
        for x in reversed(xs):
            text.setTextOrigin(x, baseline)
            text.textOut(dot)
        self.canv.drawText(text)
