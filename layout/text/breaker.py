"""Total-fit line breaking (Knuth–Plass) over prepared atoms: fewest lines first, then least demerits."""

from __future__ import annotations

import math
from bisect import bisect_right
from typing import Final

from layout.text.prepare import FUZZ, INTRA, JUSTIFY_STRETCH, Atoms

# ---- tunables -----------------------------------------------------------------------------------------------------

LINE_PENALTY = 10.0  # TeX's \linepenalty: added to every line's badness before squaring
# A line is never worse than about this (and still allowed): ten times TeX's inf_bad. Capped lines rank by the
# share of the line left empty, so they do not tie.
BADNESS_CAP = 100000.0
# Squeezing punctuation to pull a prohibited mark in is cheap next to stretching: push in before push out (clreq 3.8).
PUSH_IN_WEIGHT = 0.05
STOP_FACTOR = 1.25  # first pass: lines this much looser than TOLERANCE end the scan towards shorter lines
TOLERANCE = 1.0  # first pass: the largest stretch ratio considered (0.1 em per gap with JUSTIFY_STRETCH)
# A line that cannot be justified within the cap (only an address piece, nothing to stretch) is set ragged:
# rate its slack against this share of the measure.
RAGGED_SHARE = 0.5
# No justified line spreads its gaps by more than this (em): a looser one is set ragged (flush left) instead.
MAX_GAP_STRETCH = 0.33
MAX_STRETCH_RATIO = MAX_GAP_STRETCH / JUSTIFY_STRETCH
LONELY_TAIL_SHARE = 1 / 3  # a Han-free paragraph end wider than this share of the measure suspends the 孤字 rule
# Centred and flush-left text (titles, table cells) has no stretch to hide a bad break: there a source space
# between Han characters marks a word boundary (names in a cell, "中共中央 国务院") and is the place to break.
RAGGED_INSIDE_WORD = 300.0
ORPHAN_DEMERITS = 1e11
# A last line wide enough but with fewer than two Han characters ("——的"): avoided when a few looser lines can
# give it one more, but never at the price of a line that cannot be justified at all (BADNESS_CAP² ≈ 1e10).
FEW_HAN_DEMERITS = 1e7  # 孤字: a last line with too few Han characters, worse than any one bad line
OVERFULL_DEMERITS = 1e14  # a forced overfull line (one atom wider than the measure)


class Widths:
    """Available widths for the lines of one segment. (A plain class: see compose.Glyph for why.)"""

    __slots__ = ("em", "first", "last_reserve", "rest")

    def __init__(self, first: float, rest: float, last_reserve: float, em: float) -> None:
        self.first: Final = first  # the segment's first line
        self.rest: Final = rest  # its other lines
        self.last_reserve: Final = last_reserve  # kept free at the end of the segment's last line
        self.em: Final = em  # largest font size in the segment (bounds non-monotone width effects)


def break_atoms(atoms: Atoms, widths: Widths, justify: bool, min_han: int) -> list[int]:
    """Break points b1 < … < n (lines are atoms [0, b1), [b1, b2), …) for the fewest lines at least cost."""
    n = atoms.n
    if n == 0:
        return []
    if fits_on_one_line(atoms, widths, justify):  # most titles, headings and table cells: nothing to choose
        return [n]
    cands = [j for j in range(1, n) if atoms.penalty[j] != math.inf]
    cands.append(n)
    fewest = _fewest_lines(atoms, widths, cands, justify)
    found = _search(atoms, widths, cands, justify, min_han, TOLERANCE)
    if found is not None and found[1] <= fewest and found[2] < FEW_HAN_DEMERITS:
        return found[0]
    # The tolerant pass looks at every line that is not overfull: a superset, so never worse.
    found = _search(atoms, widths, cands, justify, min_han, math.inf)
    assert found is not None  # it forces a line wherever nothing fits
    return found[0]


def fits_on_one_line(atoms: Atoms, widths: Widths, justify: bool) -> bool:
    """Whether all the atoms fit the first line (squeezed as far as allowed)."""
    n = atoms.n
    return line_width(atoms, 0, n) - line_shrink(atoms, 0, n, justify) <= widths.first - widths.last_reserve + FUZZ


def line_width(atoms: Atoms, a: int, b: int) -> float:
    """Natural width of the line holding atoms a..b-1, with its edge punctuation trimmed."""
    return (
        atoms.width_sum[b]
        - atoms.width_sum[a]
        + atoms.glue_sum[b - 1]
        - atoms.glue_sum[a]
        - atoms.start_trim[a]
        - atoms.end_trim[b]
    )


def line_shrink(atoms: Atoms, a: int, b: int, justify: bool) -> float:
    """How much the line a..b may be squeezed: spacing always, punctuation blanks only when pushing in."""
    if not justify:
        return 0.0
    k = atoms.shrink_sum[b - 1] - atoms.shrink_sum[a]
    if atoms.pushin[b]:
        k += min(atoms.pushin[b], atoms.punct_sum[b - 1] - atoms.punct_sum[a])
    return k


def _fewest_lines(atoms: Atoms, widths: Widths, cands: list[int], justify: bool) -> int:
    """Greedy first fit (furthest break that is not overfull) gives the fewest lines: feasibility is monotone in a."""
    n = atoms.n
    width_sum, glue_sum, start_trim, end_trim = atoms.width_sum, atoms.glue_sum, atoms.start_trim, atoms.end_trim
    shrink_sum, punct_sum, pushin = atoms.shrink_sum, atoms.punct_sum, atoms.pushin
    margin = widths.em + FUZZ
    lines = 0
    a = 0
    k = 0  # index into cands of the first break after a
    while a < n:
        avail = widths.first if a == 0 else widths.rest
        furthest = -1
        base_w = width_sum[a] + glue_sum[a] + start_trim[a]
        base_s = shrink_sum[a]
        base_p = punct_sum[a]
        while k < len(cands):
            b = cands[k]
            natural = width_sum[b] + glue_sum[b - 1] - base_w
            shrink = shrink_sum[b - 1] - base_s if justify else 0.0
            squeeze = punct_sum[b - 1] - base_p if justify else 0.0
            room = avail - widths.last_reserve if b == n else avail
            if natural - end_trim[b] - shrink - min(squeeze, pushin[b]) <= room + FUZZ:
                furthest = k
            elif natural - shrink - squeeze > avail + margin:
                break
            k += 1
        if furthest < 0:
            furthest = bisect_right(cands, a)  # forced: one overfull line
        a = cands[furthest]
        k = furthest + 1
        lines += 1
    return lines


def _search(
    atoms: Atoms, widths: Widths, cands: list[int], justify: bool, min_han: int, tolerance: float
) -> tuple[list[int], int, float] | None:
    """Dynamic programming over break points; lines looser than `tolerance` are skipped unless it is infinite.

    Returns the break points, the number of lines and the demerits, or None when the end is out of reach.
    """
    n = atoms.n
    width_sum, glue_sum = atoms.width_sum, atoms.glue_sum
    stretch_sum, shrink_sum, punct_sum = atoms.stretch_sum, atoms.shrink_sum, atoms.punct_sum
    start_trim, end_trim, pushin, penalty = atoms.start_trim, atoms.end_trim, atoms.pushin, atoms.penalty
    pair_sum = atoms.pair_sum
    han_sum, kind, space_glyph = atoms.han_sum, atoms.kind, atoms.glyph
    total_han = han_sum[n]
    first_w, rest_w, reserve = widths.first, widths.rest, widths.last_reserve
    margin = widths.em + FUZZ
    loose = tolerance == math.inf
    orphan_width = min_han * widths.em - FUZZ
    # The 孤字 rule asks for Han characters on the last line; it stands down when the paragraph ends in a long
    # run without any (a URL, an address), which no Han character could keep company without a ragged line.
    last_han = next((k for k in range(n - 1, -1, -1) if han_sum[k + 1] > han_sum[k]), -1)
    tail_run = width_sum[n] - width_sum[last_han + 1]
    lonely_rule = min_han <= total_han and tail_run < LONELY_TAIL_SHARE * min(first_w, rest_w)
    # Stop scanning shorter lines once they are this much looser than allowed (widths are only nearly monotone).
    stop_ratio = tolerance * STOP_FACTOR

    best_lines = [0] * (n + 1)
    best_dem = [math.inf] * (n + 1)
    prev = [-1] * (n + 1)
    best_dem[0] = 0.0
    actives = [0]
    lo = 0
    for b in cands:
        last = b == n
        pen = penalty[b]
        if not justify and not last and pen == 0.0 and space_glyph[b] < 0:
            pen = RAGGED_INSIDE_WORD
        pen2 = pen * pen if not last else 0.0
        # Drop actives from which every line to here (and further) is overfull even fully squeezed.
        while lo < len(actives):
            a = actives[lo]
            avail = first_w if a == 0 else rest_w
            natural = width_sum[b] - width_sum[a] + glue_sum[b - 1] - glue_sum[a] - start_trim[a]
            squeeze = shrink_sum[b - 1] - shrink_sum[a] + punct_sum[b - 1] - punct_sum[a] if justify else 0.0
            if natural - squeeze <= avail + margin:
                break
            lo += 1
        got_lines = 0
        got_dem = math.inf
        got_prev = -1
        for idx in range(lo, len(actives)):
            a = actives[idx]
            avail = first_w if a == 0 else rest_w
            if last:
                avail -= reserve
            width = width_sum[b] - width_sum[a] + glue_sum[b - 1] - glue_sum[a] - start_trim[a] - end_trim[b]
            if width > avail + FUZZ:
                if not justify:
                    continue
                shrink = shrink_sum[b - 1] - shrink_sum[a]
                if pushin[b]:
                    shrink += min(pushin[b], punct_sum[b - 1] - punct_sum[a])
                if width - shrink > avail + FUZZ:
                    continue
                ratio = (width - avail) / shrink
                bad = 100.0 * ratio * ratio * ratio * (PUSH_IN_WEIGHT if pushin[b] else 1.0)
            elif last:
                bad = 0.0
            else:
                slack = avail - width
                if slack <= FUZZ:
                    bad = 0.0
                elif not justify:
                    # Centred or flush-left text is never stretched: rate its slack as raggedness.
                    ratio = slack / (RAGGED_SHARE * avail)
                    bad = min(BADNESS_CAP, 100.0 * ratio * ratio * ratio)
                elif stretch_sum[b - 1] - stretch_sum[a] <= 0.0 and kind[b] in INTRA:
                    # A piece of an address alone on its line: nothing to stretch, so it stays ragged.
                    if not loose:
                        continue
                    ratio = slack / (RAGGED_SHARE * avail)
                    bad = min(BADNESS_CAP, 100.0 * ratio * ratio * ratio)
                elif stretch_sum[b - 1] - stretch_sum[a] <= 0.0:
                    if not loose:
                        continue
                    bad = BADNESS_CAP * (1.0 + slack / avail)  # one cluster alone, nothing to stretch
                else:
                    # Stretch comes from the punctuation first (clreq): a line-end mark set full width again, then
                    # compressed pairs opened up; only the rest spreads the gaps.
                    stretch = stretch_sum[b - 1] - stretch_sum[a]
                    give = end_trim[b] + pair_sum[b - 1] - pair_sum[a]
                    ratio = (slack - give) / stretch if slack > give else 0.0
                    if ratio > tolerance:
                        if ratio > stop_ratio:
                            break
                        continue
                    bad = 100.0 * ratio * ratio * ratio
                    if bad > BADNESS_CAP:
                        bad = BADNESS_CAP * (1.0 + slack / avail)  # capped, but the looser the worse
            line_cost = LINE_PENALTY + bad
            dem = best_dem[a] + line_cost * line_cost + pen2  # not ** 2: compiled, a power is a generic call
            # 孤字: a last line narrower than `min_han` ems, or with fewer Han characters than that when the
            # paragraph has Han characters to give it (trailing marks aside).
            if last and width - pushin[n] < orphan_width:
                dem += ORPHAN_DEMERITS
            elif last and han_sum[n] - han_sum[a] < min_han:
                # Where the paragraph ends in a long run (an address), that run may stand alone on the last
                # line, but not one Han character with it, nor a piece of it narrower than the rule's share.
                if lonely_rule or han_sum[n] > han_sum[a] or width < LONELY_TAIL_SHARE * avail:
                    dem += FEW_HAN_DEMERITS
            lines = best_lines[a] + 1
            if lines < got_lines or got_prev < 0 or (lines == got_lines and dem < got_dem):
                got_lines, got_dem, got_prev = lines, dem, a
        if got_prev < 0 and loose:
            # Nothing fits (one atom wider than the measure): set it overfull after the last reachable break.
            a = actives[-1]
            got_lines, got_dem, got_prev = best_lines[a] + 1, best_dem[a] + OVERFULL_DEMERITS, a
        if got_prev >= 0:
            best_lines[b], best_dem[b], prev[b] = got_lines, got_dem, got_prev
            if not last:
                actives.append(b)
    if prev[n] < 0:
        return None
    breaks = []
    b = n
    while b > 0:
        breaks.append(b)
        b = prev[b]
    breaks.reverse()
    return breaks, best_lines[n], best_dem[n]
