"""Chinese line composer: tokenise, break (total fit), justify; pure Python, widths come from the caller."""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Final

from layout.text.breaker import MAX_STRETCH_RATIO, Widths, break_atoms, fits_on_one_line, line_shrink, line_width
from layout.text.cjk import KAIMING_FULL, Strictness
from layout.text.clusters import parse_segments
from layout.text.prepare import FUZZ, INTRA_ANY, KINSOKU, Atoms, Chars, build_atoms, measure_chars
from layout.text.words import prefer_word_breaks


@dataclass(frozen=True, slots=True)
class Span:
    """Input: a run of text in one style."""

    text: str
    style: Hashable  # opaque to the composer (the caller's font/size/bold/link key); returned on glyphs
    size: float  # font size in pt (= 1 em for this span)


# Natural advance in pt of ONE character in a style.
Measure = Callable[[Any, str], float]  # Any: the caller's own style type


class PunctuationStyle(Enum):
    """ctex punctuation styles."""

    QUANJIAO = "quanjiao"  # full width, compressed only at line edges and in pairs
    KAIMING = "kaiming"  # 。！？ full width, the others half
    BANJIAO = "banjiao"  # all half width


class Alignment(Enum):
    JUSTIFY = "justify"
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True, slots=True)
class ComposeOptions:
    width: float  # the measure in pt
    first_indent: float = 0.0  # first line indent, pt (body paragraphs: 2 em)
    indent: float = 0.0  # indent of the other lines, pt (hanging indents for lists, TOC entries)
    align: Alignment = Alignment.JUSTIFY  # JUSTIFY: all lines flush both sides but the last (flush left)
    punctuation: PunctuationStyle = PunctuationStyle.QUANJIAO
    strictness: Strictness = Strictness.GB
    min_last_line_han: int = 2  # no 孤字: the last line holds at least this many Han characters (when possible)
    last_line_reserve: float = 0.0  # pt kept free at the end of the last line (TOC leader + page number)
    # Titles, headings and contents entries: break between words (GB/T 9704 7.3.1, 词意完整) and keep 《…》, （…）
    # and document numbers whole wherever another break will do. Body text keeps character-level breaking.
    words: bool = False


# Glyph and Line are plain classes, not dataclasses: compiled by mypyc (setup.py), a plain class's constructor is
# native code, while a dataclass keeps the __init__ the dataclasses module generates at run time, interpreted.
# The composer makes a Glyph per character and a Line per line, so that is a third of its time.


class Glyph:
    """One character placed on a line."""

    __slots__ = ("advance", "style", "text", "x")

    def __init__(self, text: str, style: Hashable, x: float, advance: float) -> None:
        self.text = text  # one character as in the source (a source space that became CJK–Latin spacing is dropped)
        self.style = style
        # Glyph origin, pt from the paragraph's left edge (indent included); compressed opening marks shift left.
        self.x = x
        self.advance = advance  # the width it occupies on the line after compression (for link rectangles)
        # The box a glyph occupies is [x, x + advance], except for a mark that lost blank on its left (an opening
        # bracket at a line start or second in a pair): its origin x lies left of its box, which starts at its ink.

    def _key(self) -> tuple[str, Hashable, float, float]:
        return (self.text, self.style, self.x, self.advance)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Glyph) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Glyph(text={self.text!r}, style={self.style!r}, x={self.x!r}, advance={self.advance!r})"


class Line:
    """One composed line (immutable: `Final` attributes)."""

    __slots__ = ("end", "forced", "glyphs", "last", "left", "natural", "ragged", "start", "stop", "width")

    def __init__(
        self,
        glyphs: tuple[Glyph, ...],
        left: float,
        width: float,
        natural: float,
        end: float,
        last: bool,
        start: int,
        stop: int,
        forced: bool = False,
        ragged: bool = False,
    ) -> None:
        self.glyphs: Final = glyphs
        self.left: Final = left  # the line's left edge (indent), pt
        self.width: Final = width  # the available width of this line (options.width - its indent)
        self.natural: Final = natural  # width of the set content before justification
        # x of the right edge of the last glyph's advance after justification (flush → left+width)
        self.end: Final = end
        self.last: Final = last  # the paragraph's last line
        self.start: Final = start  # index in the input text (concatenated span texts) of the first character
        self.stop: Final = stop  # index after the last consumed character (including trimmed break spaces)
        # The line ends at an emergency break: a run with no legal break was wider than the line, so it was cut
        # inside a word or a line-start/line-end rule had to give. (Breaks inside URLs and e-mail addresses are
        # not emergencies: they are the addresses' own break opportunities.)
        self.forced: Final = forced
        # A line that is not its paragraph's last but is set flush left: justifying it would have spread its gaps
        # beyond the cap (MAX_GAP_STRETCH), or it has no gap to spread.
        self.ragged: Final = ragged

    def _key(self) -> tuple[object, ...]:
        return (self.glyphs, self.left, self.width, self.natural, self.end, self.last, self.start, self.stop,
                self.forced, self.ragged)  # fmt: skip

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Line) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (f"Line(text={self.text!r}, left={self.left!r}, width={self.width!r}, end={self.end!r}, "
                f"last={self.last!r}, start={self.start!r}, stop={self.stop!r})")  # fmt: skip

    @property
    def text(self) -> str:
        """The line's printed characters."""
        return "".join(g.text for g in self.glyphs)


def compose(spans: Sequence[Span], measure: Measure, options: ComposeOptions) -> list[Line]:
    """Break `spans` into lines set to `options`; returns them top to bottom.

    Stages: parse_segments (clusters and legal breaks, per "\n"-line) → measure_chars/build_atoms (widths,
    punctuation blanks, glue, emergency breaks) → break_atoms (fewest lines, then least demerits) → _set_line
    (glyph positions). White space at the very start and end is dropped; text that is only white space gives no
    lines. Each "\n" ends a line without stretching it (an empty line between two gives a Line without glyphs).
    """
    text = "".join(s.text for s in spans)
    if not text.strip():
        return []
    chars = measure_chars(
        spans, measure, options.punctuation is not PunctuationStyle.QUANJIAO, _halve(options.punctuation)
    )
    segments = parse_segments(text, options.strictness)
    # Leading and trailing blank lines are white space of the whole text: dropped.
    while segments and not text[segments[0].start : segments[0].stop].strip():
        segments.pop(0)
    while segments and not text[segments[-1].start : segments[-1].stop].strip():
        segments.pop()
    justify = options.align is Alignment.JUSTIFY
    lines: list[Line] = []
    for number, seg in enumerate(segments):
        first = number == 0
        final = number == len(segments) - 1
        left_first = options.first_indent if first else options.indent
        widths = Widths(
            first=options.width - left_first,
            rest=options.width - options.indent,
            last_reserve=options.last_line_reserve if final else 0.0,
            em=max(chars.sizes[seg.start : seg.stop], default=0.0),
        )
        if not seg.begins:
            lines.append(Line((), left_first, widths.first, 0.0, left_first, final, seg.start, seg.start))
            continue
        atoms = build_atoms(chars, seg, widths.first, widths.rest)
        if options.words and not fits_on_one_line(atoms, widths, justify):  # one line: no break, no words needed
            prefer_word_breaks(text, atoms)
        breaks = break_atoms(atoms, widths, justify, options.min_last_line_han)
        a = 0
        for b in breaks:
            left = left_first if a == 0 else options.indent
            width = widths.first if a == 0 else widths.rest
            lines.append(
                _set_line(
                    chars,
                    atoms,
                    a,
                    b,
                    left,
                    width,
                    widths,
                    options,
                    last_of_segment=b == atoms.n,
                    last=final and b == atoms.n,
                )
            )
            a = b
    return _tile(lines, len(text))




def _halve(style: PunctuationStyle) -> Callable[[str], bool]:
    """Marks the style sets half width mid-line: quanjiao none, kaiming all but 。！？, banjiao all."""
    if style is PunctuationStyle.QUANJIAO:
        return lambda ch: False
    if style is PunctuationStyle.KAIMING:
        return lambda ch: ch not in KAIMING_FULL
    return lambda ch: True


def _set_line(
    chars: Chars,
    atoms: Atoms,
    a: int,
    b: int,
    left: float,
    width: float,
    widths: Widths,
    options: ComposeOptions,
    last_of_segment: bool,
    last: bool,
) -> Line:
    """Position the glyphs of atoms a..b-1: justification, spacing and punctuation compression applied."""
    justify = options.align is Alignment.JUSTIFY
    avail = width - widths.last_reserve if last_of_segment else width
    natural = line_width(atoms, a, b)
    stretch_ratio = squeeze_ratio = 0.0
    end_open = pair_open = given = 0.0  # shares of the line-end trim and pair compression given back, and pt
    ragged = False
    if natural > avail + FUZZ:
        shrink = line_shrink(atoms, a, b, justify)
        if shrink > 0:
            squeeze_ratio = min(1.0, (natural - avail) / shrink)
    elif justify and not last_of_segment and natural < avail - FUZZ:
        # The slack is taken from the punctuation first (clreq): the line-end mark set full width again, then
        # compressed pairs opened up; what is left spreads the gaps between clusters.
        slack = avail - natural
        end_give, pair_give = atoms.end_trim[b], atoms.pair_sum[b - 1] - atoms.pair_sum[a]
        end_taken = min(slack, end_give)
        pair_taken = min(slack - end_taken, pair_give)
        left_over = slack - end_taken - pair_taken
        stretch = atoms.stretch_sum[b - 1] - atoms.stretch_sum[a]
        if left_over > FUZZ:
            stretch_ratio = left_over / stretch if stretch > 0 else math.inf
        if stretch_ratio > MAX_STRETCH_RATIO + FUZZ:
            stretch_ratio = 0.0  # ragged rather than letter-spaced
            ragged = True
        else:
            end_open = end_taken / end_give if end_give > 0 else 0.0
            pair_open = pair_taken / pair_give if pair_give > 0 else 0.0
            given = end_taken + pair_taken
    # The punctuation blanks give at most the push-in room; each gives the same share of its blank.
    punct = atoms.punct_sum[b - 1] - atoms.punct_sum[a]
    punct_ratio = squeeze_ratio * min(atoms.pushin[b], punct) / punct if punct > 0 else 0.0
    set_width = natural + given
    if stretch_ratio:
        set_width += stretch_ratio * (atoms.stretch_sum[b - 1] - atoms.stretch_sum[a])
    if squeeze_ratio:
        set_width -= squeeze_ratio * (atoms.shrink_sum[b - 1] - atoms.shrink_sum[a])
        set_width -= punct_ratio * (atoms.punct_sum[b - 1] - atoms.punct_sum[a])
    offset = 0.0
    if options.align is Alignment.RIGHT:
        offset = max(0.0, avail - set_width)
    elif options.align is Alignment.CENTER:
        offset = max(0.0, (avail - set_width) / 2)

    text, styles, nat, rl, rr = chars.text, chars.styles, chars.nat, chars.rl, chars.rr
    gap, skip = chars.gap_after, chars.skip
    begins, ends = atoms.begins, atoms.ends
    spaces, stretches, shrinks, space_glyphs = atoms.space, atoms.stretch, atoms.shrink, atoms.glyph
    from_a, from_b, rem_a, rem_b = atoms.from_a, atoms.from_b, atoms.rem_a, atoms.rem_b
    glyphs: list[Glyph] = []
    append = glyphs.append
    x = left + offset
    for k in range(a, b):
        if k > a:
            space = spaces[k] + stretches[k] * stretch_ratio - shrinks[k] * squeeze_ratio
            s = space_glyphs[k]
            if s >= 0:
                append(Glyph(" ", styles[s], x, space))
            x += space
        first, stop = begins[k], ends[k]
        # What the line edges and the junctions take from the cluster's outer characters.
        edge_left = atoms.start_trim[a] if k == a else from_b[k] * (1 - pair_open) + rem_b[k] * punct_ratio
        if k == b - 1:
            edge_right = atoms.end_trim[b] * (1 - end_open)
        else:
            edge_right = from_a[k + 1] * (1 - pair_open) + rem_a[k + 1] * punct_ratio
        if stop - first == 1:
            lrem = rl[first] + edge_left
            advance = nat[first] - lrem - rr[first] - edge_right
            append(Glyph(text[first], styles[first], x - lrem, advance))
            x += advance
            continue
        for i in range(first, stop):
            if skip[i]:
                if i < stop - 1:
                    x += gap[i]
                continue
            lrem, rrem = rl[i], rr[i]
            if i == first:
                lrem += edge_left
            if i == stop - 1:
                rrem += edge_right
            advance = nat[i] - lrem - rrem
            append(Glyph(text[i], styles[i], x - lrem, advance))
            x += advance
            if i < stop - 1:
                x += gap[i]
    forced = b < atoms.n and atoms.kind[b] in (KINSOKU, INTRA_ANY)
    return Line(tuple(glyphs), left, width, natural, x, last, begins[a], ends[b - 1], forced, ragged)


def _tile(lines: list[Line], length: int) -> list[Line]:
    """Make each line's `stop` the next line's `start` (break spaces and "\n" belong to the line they end)."""
    out: list[Line] = []
    for i, line in enumerate(lines):
        stop = lines[i + 1].start if i + 1 < len(lines) else length
        out.append(
            Line(
                line.glyphs,
                line.left,
                line.width,
                line.natural,
                line.end,
                line.last,
                line.start,
                stop,
                line.forced,
                line.ragged,
            )
        )
    return out
