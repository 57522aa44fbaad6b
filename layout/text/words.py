"""Word boundaries in Chinese text, for titles and headings that must break between words (GB/T 9704 7.3.1).

The segmenter is rjieba (jieba-rs, the jieba dictionary and algorithm in Rust): it loads in about 0.1 s, against
about 1 s for jieba's dictionary, and gives the same words on bulletin titles. It is imported on first use, so a
render whose titles all fit on one line never pays for it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from layout.text.clusters import DOCNUM_RE

# Spans kept whole where they fit, besides words: book titles, bracketed notes and document numbers.
_WHOLE_RE = re.compile(r"《[^《》]{1,40}》|（[^（）]{1,20}）|\([^()]{1,20}\)")


@lru_cache(maxsize=4096)
def word_starts(text: str) -> frozenset[int]:
    """Indices i (0 < i < len(text)) where a word begins: a line may break before text[i] without splitting one."""
    import rjieba

    starts: set[int] = set()
    i = 0
    for word in rjieba.cut(text):
        i += len(word)
        starts.add(i)
    starts.discard(len(text))
    return frozenset(starts)


@lru_cache(maxsize=4096)
def kept_whole(text: str) -> tuple[tuple[int, int], ...]:
    """(start, stop) spans that a title keeps on one line where they fit: 《…》, （…）, 〔2019〕12号."""
    spans = [m.span() for m in _WHOLE_RE.finditer(text)] + [m.span() for m in DOCNUM_RE.finditer(text)]
    return tuple(sorted(spans))


def inside_word(text: str, index: int) -> bool:
    """Whether breaking before text[index] splits a word (spaces in the text always separate words)."""
    if index <= 0 or index >= len(text) or text[index - 1].isspace() or text[index].isspace():
        return False
    return index not in word_starts(text)
