"""Metrics for breaking: per-character advances and punctuation blanks, per-cluster widths, per-junction glue."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from typing import Protocol

from layout.text.cjk import (
    FULL_WIDTH_TOLERANCE,
    INVISIBLE,
    INVISIBLE_RE,
    CharClass,
    Ink,
    classify,
    ink_table,
    is_han,
    is_latin_spaced,
)
from layout.text.clusters import BREAK, DOCNUM_RE, GLUE, Kind, Segment

# ---- tunables (em values are in the font size of the characters at the junction) -----------------------------------

CJK_LATIN_SPACE = 0.25  # em between a Han character and a Latin letter/digit (clreq 3.2.2: a quarter em)
CJK_LATIN_SHRINK = 0.05  # em the quarter em may give up when a line is squeezed (keep shrink small)
SPACE_SHRINK = 0.2  # share of a Latin word space that a squeezed line may take away
JUSTIFY_STRETCH = 0.1  # em of stretchability per gap between clusters (xeCJK's CJKglue is ~0.08 baselineskip)
PAIR_COMPRESSION = 0.5  # em removed between two adjacent full-width marks (GB/T 15834: 1.5 em for the pair)

# A number and the Han unit after it (2018年, 30日, 100万元) read as one: breaking between them costs a little.
PENALTY_NUMBER_UNIT = 30.0
# Emergency breaks, only inside a run of clusters wider than the line; squared into the demerits.
PENALTY_URL = 200.0  # after / . @ - ? & = _ inside a URL, e-mail address or other Latin cluster
PENALTY_KINSOKU = 2000.0  # against a line-start/line-end prohibition
PENALTY_ANYWHERE = 5000.0  # between any two characters of a cluster
# Between two other characters of a URL or e-mail address: what a Chinese typesetter does to keep a justified
# line flush when no URL break gives a good line. Costs about as much as a line stretched 0.18 em per gap.
PENALTY_ADDRESS = 600.0
URL_BREAK_AFTER = frozenset("/.@-?&=_")
# A URL or e-mail address inside a Latin cluster: it offers breaks (no hyphen added) whether or not it fits.
ADDRESS_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S|www\.\S|[A-Za-z0-9._%+-]@[A-Za-z0-9-]+\.[A-Za-z]")
SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
NO_BREAK_AFTER_LATIN = frozenset("([{<\"'")  # a break inside an address never leaves these at a line end
NO_BREAK_BEFORE_LATIN = frozenset(",.:;!?)]}>\"'")  # ... nor starts a line with these

# Kinds of junction; BREAK and GLUE come from the tokeniser.
INTRA_URL = 2  # inside a split cluster, at a URL break character
INTRA_ANY = 3  # inside a split cluster, anywhere (an emergency)
KINSOKU = 4  # a GLUE junction opened for an emergency
INTRA_ADDRESS = 5  # inside a URL or e-mail address, between two characters that are not URL break characters
INTRA = (INTRA_URL, INTRA_ANY, INTRA_ADDRESS)

FUZZ = 1e-6  # pt; never compare floats for equality


class SpanLike(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def style(self) -> Hashable: ...
    @property
    def size(self) -> float: ...


@dataclass(slots=True)
class Chars:
    """Per-character data for one compose call. Blanks are what compression may still remove (pt)."""

    text: str
    styles: list[Hashable]
    sizes: list[float]
    nat: list[float]  # natural advance
    rl: list[float]  # removed on the left by the punctuation style (kaiming/banjiao)
    rr: list[float]  # removed on the right by the punctuation style
    bl: list[float]  # blank left after the style: what line-start compression or pairing may remove
    br: list[float]  # blank right after the style: what line-end compression or pairing may remove
    full: list[bool]  # a compressible mark still full width after the style (pairs compress only then)
    gap_after: list[float]  # fixed spacing inside a cluster (the quarter em in 〔2017〕250号)
    skip: list[bool]  # a white space inside a cluster that prints as that spacing, not as a glyph
    side: list[int]  # spacing_side of each character: 1 Han, 2 Latin letter or digit, 0 other


def measure_chars(
    spans: Sequence[SpanLike],
    measure: Callable[[Hashable, str], float],
    centred_marks: bool,
    halve: Callable[[str], bool],
) -> Chars:
    """Measure every character once per (style, char); work out punctuation blanks under the style."""
    text = "".join(s.text for s in spans)
    n = len(text)
    styles: list[Hashable] = []
    sizes: list[float] = []
    nat: list[float] = []
    caches: dict[Hashable, dict[str, float]] = {}
    for span in spans:
        style, count = span.style, len(span.text)
        styles.extend([style] * count)
        sizes.extend([span.size] * count)
        cache = caches.setdefault(style, {})
        for ch in set(span.text).difference(cache):
            key = " " if ch.isspace() and ch != "\u3000" else ch  # every break space measures as U+0020
            cache[ch] = 0.0 if ch == "\n" or ch in INVISIBLE else float(measure(style, key))
        nat.extend(map(cache.__getitem__, span.text))
    side: list[int] = []
    for ch in text:
        known = _SIDE_OF.get(ch)
        if known is None:
            known = _SIDE_OF[ch] = spacing_side(ch)
        side.append(known)
    chars = Chars(
        text, styles, sizes, nat, [0.0] * n, [0.0] * n, [0.0] * n, [0.0] * n, [False] * n, [0.0] * n, [False] * n, side
    )
    inks = ink_table(centred_marks)
    for found in _ink_marks(centred_marks).finditer(text):
        i, ch = found.start(), found.group()
        ink = inks[ch]
        if abs(nat[i] - sizes[i]) > FULL_WIDTH_TOLERANCE * sizes[i]:
            continue
        half = nat[i] / 2
        left, right = (0.0, half) if ink is Ink.LEFT else (half, 0.0) if ink is Ink.RIGHT else (half / 2, half / 2)
        if halve(ch):
            chars.rl[i], chars.rr[i] = left, right
        else:
            chars.bl[i], chars.br[i], chars.full[i] = left, right, True
    for m in DOCNUM_RE.finditer(text):
        _space_docnum(chars, m.start(), m.end())
    for m in INVISIBLE_RE.finditer(text):  # a joiner or variation selector inside a Latin run: never drawn
        chars.skip[m.start()] = True
    return chars


@lru_cache(maxsize=2)
def _ink_marks(centred_marks: bool) -> re.Pattern[str]:
    """A pattern matching any mark of `ink_table(centred_marks)`: measure_chars visits only those characters."""
    return re.compile("[" + re.escape("".join(ink_table(centred_marks))) + "]")


def _space_docnum(chars: Chars, start: int, stop: int) -> None:
    """Inside 〔2017〕22 号 the digits and 号 get the CJK–Latin quarter em, with or without a source space."""
    text = chars.text
    for i in range(start, stop - 1):
        if text[i].isspace():
            chars.skip[i] = True
        nxt = i + 1
        if text[i].isdigit() and text[nxt].isspace():
            continue  # the space carries the gap
        if (text[i].isdigit() or chars.skip[i]) and is_han(text[nxt]):
            em = max(chars.sizes[i], chars.sizes[nxt])
            chars.gap_after[i] = CJK_LATIN_SPACE * em


@dataclass(slots=True)
class Atoms:
    """One segment ready for breaking. Atom k spans text[begins[k]:ends[k]]; junction j sits before atom j.

    Prefix arrays have n+1 entries: P[j] is the sum over atoms (or junctions 1..j) before index j, so a line
    from break a to break b (atoms a..b-1, internal junctions a+1..b-1) sums to P[b]-P[a] (atoms) and
    P[b-1]-P[a] (junctions).
    """

    begins: list[int]
    ends: list[int]
    width_sum: list[float]
    han_sum: list[int]
    space: list[float] = field(default_factory=list)  # spacing at the junction: word space, quarter em, gap
    glyph: list[int] = field(default_factory=list)  # text index of a space printed at the junction, or -1
    from_a: list[float] = field(default_factory=list)  # pair compression taken from the left mark's right blank
    from_b: list[float] = field(default_factory=list)  # ... and from the right mark's left blank
    rem_a: list[float] = field(default_factory=list)  # blanks left over after pairing: what a squeeze may take
    rem_b: list[float] = field(default_factory=list)
    stretch: list[float] = field(default_factory=list)
    shrink: list[float] = field(default_factory=list)  # spacing shrink (quarter em, word space)
    penalty: list[float] = field(default_factory=list)  # inf: no break
    kind: list[int] = field(default_factory=list)
    end_trim: list[float] = field(default_factory=list)  # blank removed when a line ends at junction j
    start_trim: list[float] = field(default_factory=list)  # blank removed when a line starts at junction j
    # Push-in room of a line ending at j: the width of the marks at its end that may not start a line. Only such
    # a line may squeeze its punctuation, and by no more than this (clreq: compress to make the mark fit).
    pushin: list[float] = field(default_factory=list)
    glue_sum: list[float] = field(default_factory=list)
    stretch_sum: list[float] = field(default_factory=list)
    shrink_sum: list[float] = field(default_factory=list)
    punct_sum: list[float] = field(default_factory=list)  # prefix of rem_a + rem_b
    # prefix of from_a + from_b: what undoing the pair compression gives back to a line that needs stretch
    pair_sum: list[float] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.begins)


def build_atoms(chars: Chars, seg: Segment, first_width: float, rest_width: float) -> Atoms:
    """Widths and junction glue for `seg`.

    A run of clusters that cannot break and is wider than any line it could stand on (the first line's width
    for a run that opens the segment, a later line's otherwise) gets emergency break points, each kind
    only where the one before does not suffice: inside its URLs (after / . - ? & =), then against the
    prohibition rules, then inside clusters anywhere.
    """
    units = list(zip(seg.begins, seg.ends, seg.kinds, strict=True))
    kinds = list(seg.breaks)
    spaces = list(seg.spaces)
    held = list(seg.held)
    units, spaces, kinds, held = _open_addresses(chars.text, units, spaces, kinds, held)
    atoms = _measure(chars, units, spaces, kinds, held)
    for level in (INTRA_URL, KINSOKU, INTRA_ANY):
        wide = _wide_runs(atoms, first_width, rest_width)
        if not wide:
            break
        in_wide = [False] * len(units)
        for lo, hi in wide:
            in_wide[lo:hi] = [True] * (hi - lo)
        units, spaces, kinds, held = _open_up(chars, units, spaces, kinds, held, in_wide, level)
        atoms = _measure(chars, units, spaces, kinds, held)
    return atoms


def _open_up(
    chars: Chars,
    units: list[tuple[int, int, Kind]],
    spaces: list[int],
    kinds: list[int],
    held: list[bool],
    in_wide: list[bool],
    level: int,
) -> tuple[list[tuple[int, int, Kind]], list[int], list[int], list[bool]]:
    """Emergency break points of one `level` inside the wide runs flagged in `in_wide`."""
    if level == KINSOKU:
        opened = [
            KINSOKU if kind == GLUE and k > 0 and in_wide[k] and in_wide[k - 1] else kind
            for k, kind in enumerate(kinds)
        ]
        return units, spaces, opened, held
    text, skip = chars.text, chars.skip
    new_units: list[tuple[int, int, Kind]] = []
    new_spaces: list[int] = []
    new_kinds: list[int] = []
    new_held: list[bool] = []
    for k, (b, e, kind) in enumerate(units):
        pieces = [(b, e)]
        if in_wide[k] and kind in (Kind.LATIN, Kind.DOCNUM):
            pieces = _url_pieces(text, b, e, skip) if level == INTRA_URL else _char_pieces(b, e, skip)
        for p, (pb, pe) in enumerate(pieces):
            new_units.append((pb, pe, kind))
            new_held.append(held[k] and p == 0)
            new_spaces.append(spaces[k] if p == 0 else -1)
            new_kinds.append(kinds[k] if p == 0 else level)
    return new_units, new_spaces, new_kinds, new_held


def _open_addresses(
    text: str,
    units: list[tuple[int, int, Kind]],
    spaces: list[int],
    kinds: list[int],
    held: list[bool],
) -> tuple[list[tuple[int, int, Kind]], list[int], list[int], list[bool]]:
    """Break points inside every URL and e-mail address, used or not: after / . @ - ? & = _ (INTRA_URL), else
    between any two characters (INTRA_ADDRESS, dearer), never inside the scheme (http://) and never leaving an
    opening bracket at a line end or putting a closing mark or . , : at a line start."""
    if not any(kind == Kind.LATIN and ADDRESS_RE.search(text, b, e) for b, e, kind in units):
        return units, spaces, kinds, held
    new_units: list[tuple[int, int, Kind]] = []
    new_spaces: list[int] = []
    new_kinds: list[int] = []
    new_held: list[bool] = []
    for k, (b, e, kind) in enumerate(units):
        new_units.append((b, e, kind))
        new_held.append(held[k])
        new_spaces.append(spaces[k])
        new_kinds.append(kinds[k])
        if kind != Kind.LATIN or not ADDRESS_RE.search(text, b, e):
            continue
        scheme = SCHEME_RE.search(text, b, e)
        closed = scheme.end() if scheme else b  # no break before this index
        cut = b
        for i in range(b + 1, e):
            before, after = text[i - 1], text[i]
            if i < closed or before in NO_BREAK_AFTER_LATIN or after in NO_BREAK_BEFORE_LATIN:
                continue
            if after in URL_BREAK_AFTER:
                continue  # "example" / ".com": the break goes after the run of break characters
            new_units[-1] = (cut, i, kind)
            new_units.append((i, e, kind))
            new_held.append(False)
            new_spaces.append(-1)
            new_kinds.append(INTRA_URL if before in URL_BREAK_AFTER else INTRA_ADDRESS)
            cut = i
    return new_units, new_spaces, new_kinds, new_held


def _url_pieces(text: str, b: int, e: int, skip: list[bool]) -> list[tuple[int, int]]:
    """Split after each run of URL break characters (/ . - ? & =): "http://" and "../" stay whole."""
    pieces: list[tuple[int, int]] = []
    start = b
    for i in range(b, e - 1):
        if text[i] in URL_BREAK_AFTER and text[i + 1] not in URL_BREAK_AFTER and not skip[i + 1]:
            pieces.append((start, i + 1))
            start = i + 1
    pieces.append((start, e))
    return pieces


def _char_pieces(b: int, e: int, skip: list[bool]) -> list[tuple[int, int]]:
    """One piece per printed character; a skipped space stays with the character before it."""
    pieces: list[tuple[int, int]] = []
    for i in range(b, e):
        if pieces and skip[i]:
            pieces[-1] = (pieces[-1][0], i + 1)
        else:
            pieces.append((i, i + 1))
    return pieces


def _wide_runs(atoms: Atoms, first_width: float, rest_width: float) -> list[tuple[int, int]]:
    """Runs of atoms joined by GLUE junctions too wide for any line they could start: (first, stop) pairs.

    A run after the segment's first break may always begin a new line, so only a full line's width counts
    for it; bending the prohibitions for a run that would fit there (breaking after an opening quote to save
    a loose first line) is what the rules forbid.
    """
    out: list[tuple[int, int]] = []
    n = atoms.n
    start = 0
    for k in range(1, n + 1):
        if k < n and atoms.kind[k] == GLUE:
            continue
        width = atoms.width_sum[k] - atoms.width_sum[start] + atoms.glue_sum[k - 1] - atoms.glue_sum[start]
        if width > (first_width if start == 0 else max(first_width, rest_width)) + FUZZ:
            out.append((start, k))
        start = k
    return out


def _measure(
    chars: Chars,
    units: list[tuple[int, int, Kind]],
    spaces: list[int],
    kinds: list[int],
    held: list[bool],
) -> Atoms:
    text, nat, rl, rr, sizes = chars.text, chars.nat, chars.rl, chars.rr, chars.sizes
    gap, skip, side = chars.gap_after, chars.skip, chars.side
    n = len(units)
    begins = [u[0] for u in units]
    ends = [u[1] for u in units]
    width_sum = [0.0] * (n + 1)
    han_sum = [0] * (n + 1)
    total = 0.0
    hans = 0
    ideo, punct = Kind.IDEO, Kind.PUNCT
    for k, (b, e, kind) in enumerate(units):
        if kind == ideo or kind == punct:
            total += nat[b] - rl[b] - rr[b]
            if side[b] == 1:  # a Han character
                hans += 1
        else:
            for i in range(b, e):
                if not skip[i]:
                    total += nat[i] - rl[i] - rr[i]
                    if side[i] == 1:
                        hans += 1
                if i < e - 1:
                    total += gap[i]
        width_sum[k + 1] = total
        han_sum[k + 1] = hans
    atoms = Atoms(begins, ends, width_sum, han_sum)
    atoms.space = space = [0.0] * (n + 1)
    atoms.glyph = glyph = [-1] * (n + 1)
    atoms.from_a = from_a = [0.0] * (n + 1)
    atoms.from_b = from_b = [0.0] * (n + 1)
    atoms.rem_a = rem_a = [0.0] * (n + 1)
    atoms.rem_b = rem_b = [0.0] * (n + 1)
    atoms.stretch = stretch = [0.0] * (n + 1)
    atoms.shrink = shrink = [0.0] * (n + 1)
    atoms.penalty = penalty = [math.inf] * (n + 1)
    atoms.kind = [*kinds, BREAK]
    atoms.end_trim = end_trim = [0.0] * (n + 1)
    atoms.start_trim = start_trim = [0.0] * (n + 1)
    bl, br, full = chars.bl, chars.br, chars.full
    for j in range(1, n):
        la = ends[j - 1] - 1
        fb = begins[j]
        brk = kinds[j]
        end_trim[j] = br[la]
        start_trim[j] = bl[fb]  # never at junction 0: a paragraph's (or "\n"-line's) first mark keeps its blank
        if brk == INTRA_URL or brk == INTRA_ANY or brk == INTRA_ADDRESS:
            space[j] = gap[la]
            penalty[j] = _INTRA_PENALTY[brk]
            continue
        penalty[j] = 0.0 if brk == BREAK else PENALTY_KINSOKU if brk == KINSOKU else math.inf
        a_ch = text[la]
        em = max(sizes[la], sizes[fb])
        stretch[j] = JUSTIFY_STRETCH * em
        side_a, side_b = side[la], side[fb]
        if side_a != side_b and side_a and side_b:
            space[j] = CJK_LATIN_SPACE * em
            shrink[j] = CJK_LATIN_SHRINK * em
            if brk == BREAK and side_b == 1 and a_ch.isdigit():
                penalty[j] = PENALTY_NUMBER_UNIT
        elif spaces[j] >= 0:
            s = spaces[j]
            space[j] = nat[s]
            shrink[j] = nat[s] * SPACE_SHRINK
            glyph[j] = s
        elif full[la] and full[fb]:
            take = min(PAIR_COMPRESSION * em, br[la] + bl[fb])
            from_a[j] = min(br[la], take)
            from_b[j] = take - from_a[j]
        rem_a[j] = br[la] - from_a[j]
        rem_b[j] = bl[fb] - from_b[j]
    if n:
        end_trim[n] = br[ends[n - 1] - 1]
        penalty[n] = 0.0
    atoms.glue_sum = _prefix([space[j] - from_a[j] - from_b[j] for j in range(n + 1)])
    atoms.stretch_sum = _prefix(stretch)
    atoms.shrink_sum = _prefix(shrink)
    atoms.punct_sum = _prefix([rem_a[j] + rem_b[j] for j in range(n + 1)])
    atoms.pair_sum = _prefix([from_a[j] + from_b[j] for j in range(n + 1)])
    atoms.pushin = pushin = [0.0] * (n + 1)
    glue_sum = atoms.glue_sum
    run = -1  # first atom of the run of held atoms ending here
    for k in range(1, n):
        run = (run if run >= 0 else k) if held[k] else -1
        if run >= 0:
            b = k + 1
            width = width_sum[b] - width_sum[run] + glue_sum[b - 1] - glue_sum[run] - end_trim[b]
            pushin[b] = max(0.0, width)
    return atoms


_INTRA_PENALTY = {INTRA_URL: PENALTY_URL, INTRA_ANY: PENALTY_ANYWHERE, INTRA_ADDRESS: PENALTY_ADDRESS}


# spacing_side of every character met so far: a plain dict, which compiled code reads far faster than it calls
# through an lru_cache (bounded by the characters there are).
_SIDE_OF: dict[str, int] = {}


def spacing_side(ch: str) -> int:
    """1 for a Han character, 2 for a Latin letter/digit (or %…), 0 otherwise: 1 next to 2 gets the quarter em."""
    if is_han(ch):
        return 1
    if classify(ch) == CharClass.LATIN and is_latin_spaced(ch):
        return 2
    return 0


def _prefix(values: list[float]) -> list[float]:
    """P[j] = values[1] + ... + values[j]; values[0] (the segment start, never inside a line) is always 0."""
    return list(accumulate(values))
