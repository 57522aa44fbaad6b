"""Tokenising: split text into mandatory-break segments of clusters that never split, and mark where breaks may go."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import IntEnum

from layout.text.cjk import (
    DASH_PAIR,
    ELLIPSIS_PAIR,
    NO_END,
    NO_START,
    PAIRS_MAY_START,
    WORD_JOINERS,
    ZERO_WIDTH_SPACE,
    CharClass,
    Strictness,
    classify,
)


class Kind(IntEnum):
    """What a cluster is; the composer needs it for spacing and the line-start rules."""

    IDEO = 0  # one Han (or other ideographic-width) character
    PUNCT = 1  # one CJK punctuation mark
    LATIN = 2  # a run of Latin letters, digits, half-width punctuation: a word, number, URL, e-mail address
    PAIR = 3  # —— or ……
    DOCNUM = 4  # a document number's 〔2018〕188号 part


# 〔2018〕188号, [2018]45号, (2017)22 号: the bracketed year and the serial number stay on one line.
DOCNUM_RE = re.compile(r"[〔［\[【（(]\d{4}[〕］\]】）)]\d+ ?号")

# How a junction between two clusters may break.
BREAK = 0  # a legal break opportunity
GLUE = 1  # prohibited by the line-start/line-end rules; an emergency may still break here


@dataclass(slots=True)
class Segment:
    """The clusters between two mandatory breaks. Junction j sits before cluster j (j ≥ 1)."""

    start: int  # text index where the segment begins (after the previous "\n")
    stop: int  # text index of its "\n", or the end of the text
    begins: list[int] = field(default_factory=list)  # first character index of each cluster
    ends: list[int] = field(default_factory=list)  # index after its last character
    kinds: list[Kind] = field(default_factory=list)
    spaces: list[int] = field(default_factory=list)  # per junction: index of the first white space in it, or -1
    breaks: list[int] = field(default_factory=list)  # per junction: BREAK or GLUE (index 0 unused)
    held: list[bool] = field(default_factory=list)  # per cluster: may not start a line (a closing mark, 、。…)
    joined: set[int] = field(default_factory=set)  # junctions a word joiner (U+2060, U+FEFF) stands in: no break


def parse_segments(text: str, strictness: Strictness) -> list[Segment]:
    """Cluster `text` and classify each junction under the prohibition `strictness`; one Segment per "\\n"-line."""
    docnums = {m.start(): m.end() for m in DOCNUM_RE.finditer(text)}
    classes = list(map(classify, text))
    segments: list[Segment] = []
    seg = Segment(0, len(text))
    # The loop runs once per cluster of every paragraph: names it uses are bound to locals once.
    spaces, begins, ends, kinds = seg.spaces, seg.begins, seg.ends, seg.kinds
    pending_space = -1
    pending_join = False
    n = len(text)
    i = 0
    latin, space, newline, ideo = CharClass.LATIN, CharClass.SPACE, CharClass.NEWLINE, CharClass.IDEO
    invisible = CharClass.INVISIBLE
    kind_ideo, kind_latin, kind_docnum = Kind.IDEO, Kind.LATIN, Kind.DOCNUM
    kind_pair, kind_punct = Kind.PAIR, Kind.PUNCT
    while i < n:
        c = classes[i]
        if c == ideo and i not in docnums:  # most of a Chinese text: one character, one cluster
            if pending_join:
                seg.joined.add(len(begins))
                pending_join = False
            spaces.append(pending_space if begins else -1)
            begins.append(i)
            ends.append(i + 1)
            kinds.append(kind_ideo)
            pending_space = -1
            i += 1
            continue
        if c == newline:
            seg.stop = i
            segments.append(seg)
            seg = Segment(i + 1, n)
            spaces, begins, ends, kinds = seg.spaces, seg.begins, seg.ends, seg.kinds
            pending_space = -1
            pending_join = False
            i += 1
            continue
        if c == space:
            if pending_space < 0:
                pending_space = i
            i += 1
            continue
        if c == invisible:
            # Between clusters: a joiner glues them; a zero-width space leaves the break to the rules (it already
            # parted a Latin run); a variation selector stays with the cluster before it, on the line that ends
            # there. None of them is drawn or takes room.
            pending_join = pending_join or text[i] in WORD_JOINERS
            i += 1
            continue
        if i in docnums:
            j, kind = docnums[i], kind_docnum
        elif c == latin:
            # A joiner or variation selector inside a Latin run stays in it; a zero-width space ends it (a break
            # opportunity inside a word); one at the run's end goes to the junction after it.
            j = i + 1
            while (
                j < n
                and j not in docnums
                and (classes[j] == latin or (classes[j] == invisible and text[j] != ZERO_WIDTH_SPACE))
            ):
                j += 1
            while j > i + 1 and classes[j - 1] == invisible:
                j -= 1
            kind = kind_latin
        elif text.startswith(DASH_PAIR, i) or text.startswith(ELLIPSIS_PAIR, i):
            j, kind = i + 2, kind_pair
        else:
            j, kind = i + 1, kind_punct
        if pending_join:
            seg.joined.add(len(begins))
            pending_join = False
        # junction 0 is the segment start (leading white space is dropped)
        spaces.append(pending_space if begins else -1)
        begins.append(i)
        ends.append(j)
        kinds.append(kind)
        pending_space = -1
        i = j
    segments.append(seg)
    for s in segments:
        s.breaks, s.held = _junction_breaks(text, s, strictness)
    return segments


def _junction_breaks(text: str, seg: Segment, strictness: Strictness) -> tuple[list[int], list[bool]]:
    """BREAK or GLUE for each junction of `seg` (junction 0, the segment start, is GLUE), and which clusters
    may not start a line."""
    no_start, no_end = NO_START[strictness], NO_END[strictness]
    pairs_may_start = PAIRS_MAY_START[strictness]
    out = [GLUE]
    append = out.append
    begins, ends, kinds = seg.begins, seg.ends, seg.kinds
    held = [False] * len(begins)
    pair = Kind.PAIR
    for j in range(1, len(begins)):
        if kinds[j] == pair:
            stays = held[j] = not pairs_may_start
        else:
            stays = held[j] = text[begins[j]] in no_start
        append(GLUE if stays or text[ends[j - 1] - 1] in no_end else BREAK)
    for j in seg.joined:
        if j:
            out[j] = GLUE
    return out, held
