"""Word boundaries in Chinese text, for titles and headings that must break between words (GB/T 9704 7.3.1).

The segmenter is rjieba (jieba-rs, the jieba dictionary and algorithm in Rust): it loads in about 0.1 s, against
about 1 s for jieba's dictionary, and gives the same words on bulletin titles. It is imported on first use: the
composer asks for the words of a title only when it does not fit on one line, and a build asks
layout/wordcache.py first, which remembers the words of every text segmented before.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from functools import lru_cache

from layout.text.cjk import is_han
from layout.text.clusters import DOCNUM_RE
from layout.text.prepare import Atoms

# Squared into the demerits. A break inside a word costs more than any ragged title line (a centred line's
# raggedness is rated below BADNESS_CAP), so it is taken only when no line break between words can be had.
PENALTY_INSIDE_WORD = 2000.0
PENALTY_INSIDE_PHRASE = 1000.0  # inside 《…》, （…） or 〔2019〕12号, between two words

# Spans kept whole where they fit, besides words: book titles, bracketed notes and document numbers.
_WHOLE_RE = re.compile(r"《[^《》]{1,40}》|（[^（）]{1,20}）|\([^()]{1,20}\)")


@lru_cache(maxsize=4096)
def word_starts(text: str) -> frozenset[int]:
    """Indices i (0 < i < len(text)) where a word begins: a line may break before text[i] without splitting one."""
    return _provider(text)


def segment(text: str) -> frozenset[int]:
    """`word_starts` as the segmenter finds them (rjieba, imported here on first use)."""
    import rjieba

    starts: set[int] = set()
    i = 0
    for word in rjieba.cut(text):
        i += len(word)
        starts.add(i)
    starts.discard(len(text))
    return frozenset(starts)


# Where word starts come from: the segmenter, unless a caller puts a provider in front of it (the build hands in
# the persistent cache of layout/wordcache.py, so a known title never loads rjieba). This module reads no file.
WordStarts = Callable[[str], frozenset[int]]
_provider: WordStarts = segment


def provide_word_starts(provider: WordStarts | None) -> WordStarts:
    """Ask `provider` for word starts from now on (None: the segmenter itself); returns the previous provider."""
    global _provider
    previous, _provider = _provider, segment if provider is None else provider
    return previous


@lru_cache(maxsize=4096)
def kept_whole(text: str) -> tuple[tuple[int, int], ...]:
    """(start, stop) spans that a title keeps on one line where they fit: 《…》, （…）, 〔2019〕12号."""
    spans = [m.span() for m in _WHOLE_RE.finditer(text)] + [m.span() for m in DOCNUM_RE.finditer(text)]
    return tuple(sorted(spans))


def split_words(text: str) -> list[str]:
    """`text` cut into its words (spaces dropped)."""
    cuts = [0, *sorted(word_starts(text)), len(text)]
    return [w for w in (text[a:b].strip() for a, b in itertools.pairwise(cuts)) if w]


def inside_word(text: str, index: int) -> bool:
    """Whether breaking before text[index] splits a word (spaces in the text always separate words); a number
    and the Han unit after it (2018 / 年度) read as one word."""
    if index <= 0 or index >= len(text):
        return False
    if _number_and_unit(text, index):
        return True
    if text[index - 1].isspace() or text[index].isspace():
        return False
    return index not in word_starts(text)


def _number_and_unit(text: str, index: int) -> bool:
    """A break before text[index] would part a number from the Han unit after it (2018 年度, 12号)."""
    before = index - 1
    while before > 0 and text[before].isspace():
        before -= 1
    return text[before].isdigit() and is_han(text[index])


def inside_phrase(text: str, index: int) -> bool:
    """Whether breaking before text[index] splits 《…》, （…） or a document number."""
    return any(start < index < stop for start, stop in kept_whole(text))


def prefer_word_breaks(text: str, atoms: Atoms) -> None:
    """Make the breaks of `atoms` that would split a word, or a title, bracket or document number, dearer."""
    if atoms.n < 2:
        return
    starts = word_starts(text)
    whole = kept_whole(text)
    penalty, begins = atoms.penalty, atoms.begins
    for j in range(1, atoms.n):
        if penalty[j] == math.inf:
            continue
        i = begins[j]
        if _number_and_unit(text, i) or (not text[i - 1].isspace() and i not in starts):
            penalty[j] += PENALTY_INSIDE_WORD
        elif any(start < i < stop for start, stop in whole):
            penalty[j] += PENALTY_INSIDE_PHRASE


def splits_words(text: str, starts_of_lines: list[int]) -> int:
    """How many of the line starts (text indices) fall inside a word, or inside a phrase kept whole."""
    return sum(1 for i in starts_of_lines if inside_word(text, i) or inside_phrase(text, i))
