"""Typesetting quality read back from a rendered PDF: prohibited line edges, flush lines, stretched gaps, 孤字,
titles broken inside words.

This measures what a reader sees — the glyph positions in the PDF — not what the composer meant to do,
so it checks the whole pipeline (composer, flowables, drawing) and works on any engine's PDF (the Typst
peer's too). `benchmarks/composition_report.py` prints it; the render tests assert on it.

Stretch: on every justified line (a body line that is not its paragraph's last), the extra space between
two characters is the gap between one's advance and the next one's origin, less the spacing the rules put
there (a quarter em between Han and Latin). Gaps inside Latin runs and at source spaces are not
inter-character space and are left out; a full-width mark's compressed blank shows as a negative gap.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

from layout.text.cjk import NO_END, NO_START, is_han
from layout.text.words import inside_word
from layout.theme import Theme

FLUSH_TOLERANCE = 0.5  # pt: a justified line ends within this of the right edge
FUZZ = 0.01  # pt
INK_LEFT_MARKS = frozenset("、，。．：；！？）》」』】〕〗〉”’")  # full-width marks with their blank on the right
LOOSE_EM = 0.15  # extra space between characters that few lines may exceed (the 1 % target)
MAX_EM = 0.33  # extra space between characters that no justified line may exceed
CJK_LATIN_EM = 0.25  # the quarter em clreq puts between Han and Latin: spacing, not stretch
CELL_GAP_EM = 1.0  # characters further apart than this on one baseline belong to different columns
TITLE_STYLES = ("article_title", "subtitle")  # broken only between words
MAX_SHORT_LINES = 3.0  # a page whose article goes on ends at most this many body lines above the text block's foot


@dataclass
class QualityReport:
    lines: int = 0
    prohibited: list[str] = field(default_factory=list)  # "page 3: line starts with '，': …"
    body_nonfinal: int = 0
    body_flush: int = 0
    not_flush: list[str] = field(default_factory=list)
    stretch: list[float] = field(default_factory=list)  # per justified line: its largest extra gap, em
    loose: list[str] = field(default_factory=list)  # justified lines with a gap over LOOSE_EM
    too_loose: list[str] = field(default_factory=list)  # ... over MAX_EM
    lonely: list[str] = field(default_factory=list)  # 孤字: a paragraph's last line with one Han character
    latin_tails: list[str] = field(default_factory=list)  # a paragraph's last line holding only (part of) an address
    # Pages whose article goes on over the page: how many body lines short of the text block's foot each ends
    page_fill: list[tuple[int, float]] = field(default_factory=list)
    titles: int = 0  # title and contents-entry line breaks checked
    title_splits: list[str] = field(default_factory=list)  # breaks that split a word

    @property
    def flush_share(self) -> float:
        return self.body_flush / self.body_nonfinal if self.body_nonfinal else 1.0

    @property
    def short_pages(self) -> list[str]:
        return [f"page {page}: {short:.1f} lines short" for page, short in self.page_fill if short > MAX_SHORT_LINES]

    @property
    def max_stretch(self) -> float:
        return max(self.stretch, default=0.0)

    @property
    def loose_share(self) -> float:
        return len(self.loose) / len(self.stretch) if self.stretch else 0.0

    @property
    def too_loose_share(self) -> float:
        return len(self.too_loose) / len(self.stretch) if self.stretch else 0.0

    def figures(self) -> dict[str, str]:
        """The report's figures by name, formatted (the composition report prints engines side by side)."""
        return {
            "lines checked": str(self.lines),
            "kinsoku violations": str(len(self.prohibited)),
            "flush (non-final body lines)": f"{self.body_flush}/{self.body_nonfinal} = {self.flush_share:.1%}",
            "max extra space (em)": f"{self.max_stretch:.3f}",
            f"justified lines > {LOOSE_EM} em": f"{len(self.loose)}/{len(self.stretch)} = {self.loose_share:.1%}",
            f"justified lines > {MAX_EM} em": f"{len(self.too_loose)}/{len(self.stretch)} = {self.too_loose_share:.1%}",
            f"pages > {MAX_SHORT_LINES} lines short": f"{len(self.short_pages)}/{len(self.page_fill)}"
            + (f" (most {max(short for _, short in self.page_fill):.1f})" if self.page_fill else ""),
            "孤字": str(len(self.lonely)),
            "last lines of Latin only": str(len(self.latin_tails)),
            "title breaks inside words": f"{len(self.title_splits)}/{self.titles}",
        }

    def summary(self) -> str:
        return "\n".join(f"{name:<32} {value}" for name, value in self.figures().items())

    def meets_targets(self) -> bool:
        """The issue's bar: no kinsoku violation, no 孤字, ≥ 99 % flush, nothing over 0.33 em, ≤ 1 % over 0.15 em,
        no title split inside a word."""
        return (
            not self.prohibited
            and not self.lonely
            and self.flush_share >= 0.99
            and not self.too_loose
            and self.loose_share <= 0.01
            and not self.title_splits
        )


@dataclass
class _Line:
    page: int
    x0: float
    x1: float
    size: float
    chars: list[dict]
    bottom: float  # distance of the baseline region's bottom from the page top

    @property
    def text(self) -> str:
        return "".join(c["text"] for c in self.chars)


def read_segments(pdf_path: Path, theme: Theme) -> list[_Line]:
    """Visual lines inside the text block, in reading order.

    A row that starts at the text block's left edge (or a first-line indent) and reaches its right edge is one
    line of running text however wide its gaps; other rows are split where a gap wider than an em separates
    columns (table cells, attachment labels).
    """
    geo = theme.page
    indent = theme.style("body").first_indent * theme.style("body").size
    out: list[_Line] = []
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            left = geo.text_left(number)
            right = left + geo.text_width
            rows: dict[tuple[float, float], list[dict]] = {}
            for ch in page.chars:
                # Spaces stay in: a space between two Han characters is the source's, not a loose gap.
                if geo.margin_top - 2 <= ch["top"] <= geo.height - geo.margin_bottom + 2:
                    rows.setdefault((round(ch["bottom"], 1), round(ch["size"], 1)), []).append(ch)
            for (_, size), chars in sorted(rows.items()):
                chars.sort(key=lambda c: c["x0"])
                while chars and not chars[-1]["text"].strip():
                    chars.pop()
                while chars and not chars[0]["text"].strip():
                    chars.pop(0)
                if not chars:
                    continue
                x0, x1 = chars[0]["x0"], chars[-1]["x1"]
                at_left = any(abs(x0 + shift - edge) < 1 for shift in (0, size / 2) for edge in (left, left + indent))
                if at_left and x1 > right - size:
                    out.append(_Line(number, x0, x1, size, chars, chars[0]["bottom"]))
                    continue
                start = 0
                for i in range(1, len(chars) + 1):
                    if i == len(chars) or chars[i]["x0"] - chars[i - 1]["x1"] > CELL_GAP_EM * size:
                        part = chars[start:i]
                        out.append(_Line(number, part[0]["x0"], part[-1]["x1"], size, part, part[0]["bottom"]))
                        start = i
    return out


def assess(pdf_path: Path, theme: Theme) -> QualityReport:
    """Check every line of the PDF's text blocks; body paragraphs also for flushness, stretch and 孤字; titles and
    contents entries for breaks inside words."""
    report = QualityReport()
    body = theme.style("body")
    lines = read_segments(pdf_path, theme)
    for line in lines:
        report.lines += 1
        text = line.text
        where = f"page {line.page}: {text[:24]}…"
        if text[0] in NO_START[theme.strictness] and not _is_leader(text):
            report.prohibited.append(f"{where} starts with {text[0]!r}")
        if text[-1] in NO_END[theme.strictness]:
            report.prohibited.append(f"{where} ends with {text[-1]!r}")
    paragraph_lines = [ln for ln in lines if abs(ln.size - body.size) < 0.05]
    continues = [
        i + 1 < len(paragraph_lines)
        and _continues(line, paragraph_lines[i + 1], lines, body.leading, theme)
        for i, line in enumerate(paragraph_lines)
    ]
    for i, line in enumerate(paragraph_lines):
        left = theme.page.text_left(line.page)
        right = left + theme.page.text_width
        if not _at(line, left) and not _at(line, left + body.first_indent * body.size):
            continue  # not running body text: centred, right-aligned or indented by a list
        where = f"page {line.page}: {line.text[:24]}…"
        if continues[i]:
            report.body_nonfinal += 1
            # A full-width mark at the line end may give up its blank half, or part of it (the composer gives it
            # back before spreading gaps): its box then reaches past the edge by up to half an em.
            reach = line.size / 2 if line.text[-1] in INK_LEFT_MARKS else 0.0
            if -FLUSH_TOLERANCE <= line.x1 - right <= reach + FLUSH_TOLERANCE:
                report.body_flush += 1
            else:
                report.not_flush.append(f"{where} ends {right - line.x1:.1f} pt short")
                continue  # a ragged line is not stretched: its gaps are the natural ones
            extra = max(extra_gaps(line.chars, line.size), default=0.0) / line.size
            report.stretch.append(extra)
            if extra > LOOSE_EM + 0.001:
                report.loose.append(f"{where} {extra:.3f} em")
            if extra > MAX_EM + 0.001:
                report.too_loose.append(f"{where} {extra:.3f} em")
        elif i > 0 and continues[i - 1] and sum(is_han(c) for c in line.text) < 2:
            # 孤字: one Han character (with its marks) or anything narrower than two ems. A last line of Latin
            # only — the end of an address — is counted apart: the composer lets an address close a paragraph.
            if any(is_han(c) for c in line.text) or line.x1 - line.x0 < 2 * line.size:
                report.lonely.append(where)
            else:
                report.latin_tails.append(where)
    report.page_fill = page_fill(lines, theme)
    for title, breaks, page in title_breaks(lines, theme):
        report.titles += len(breaks)
        for at in breaks:
            if inside_word(title, at):
                report.title_splits.append(f"page {page}: {title[:at]} / {title[at:]}")
    return report


def page_fill(lines: list[_Line], theme: Theme) -> list[tuple[int, float]]:
    """(page, body lines short) for every page but the last whose next page does not open with an article or
    section title: the article goes on, so white space at the page's foot is a hole, not an article's end. The
    shortfall runs from the last line's box (its leading) to the foot of the text block."""
    body = theme.style("body")
    openers = {round(theme.style(name).size, 1) for name in ("article_title", "section")}
    foot = theme.page.height - theme.page.margin_bottom
    pages = sorted({line.page for line in lines})
    out: list[tuple[int, float]] = []
    for page, following in itertools.pairwise(pages):
        on_page = [ln for ln in lines if ln.page == page]
        first_next = min((ln for ln in lines if ln.page == following), key=lambda ln: ln.bottom)
        if page == 1 or round(first_next.size, 1) in openers:
            continue
        last = max(on_page, key=lambda ln: ln.bottom)
        baseline = _baseline(last, theme.page.height)
        box_bottom = baseline + (body.leading - last.size) / 2 + 0.12 * last.size
        out.append((page, max(0.0, (foot - box_bottom) / body.leading)))
    return out


def _baseline(line: _Line, page_height: float) -> float:
    """The line's baseline, from the page top (a glyph's text matrix puts it in PDF space, from the bottom)."""
    return page_height - float(line.chars[0]["matrix"][5])


def extra_gaps(chars: list[dict], size: float) -> list[float]:
    """Extra space (pt) at each junction of a line that touches a CJK character, beyond the spacing rules."""
    out = []
    for a, b in itertools.pairwise(chars):
        ta, tb = a["text"], b["text"]
        if not ta.strip() or not tb.strip() or (_latin(ta) and _latin(tb)):
            continue
        expected = CJK_LATIN_EM * size if (is_han(ta) and _spaced(tb)) or (_spaced(ta) and is_han(tb)) else 0.0
        out.append(b["x0"] - a["x1"] - expected)
    return out


def _latin(ch: str) -> bool:
    return ch.isascii()


def _spaced(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "%#$&@")


def title_breaks(lines: list[_Line], theme: Theme) -> list[tuple[str, list[int], int]]:
    """Titles that run over several lines and wrapped contents entries: (text, offsets of the breaks, page)."""
    out: list[tuple[str, list[int], int]] = []
    for name in TITLE_STYLES:
        style = theme.style(name)
        group: list[_Line] = []
        sized: list[_Line | None] = [ln for ln in lines if abs(ln.size - style.size) < 0.05]
        for line in [*sized, None]:
            if group and (
                line is None or line.page != group[-1].page or abs(line.bottom - group[-1].bottom - style.leading) > 1
            ):
                if len(group) > 1:
                    out.append(_joined(group))
                group = []
            if line is not None:
                group.append(line)
    entry = theme.style("toc_article")
    # The contents run up to the last page with a leader (closing lines and links share the entries' size).
    contents_end = max((ln.page for ln in lines if "····" in ln.text or "...." in ln.text), default=0)
    entries = [ln for ln in lines if abs(ln.size - entry.size) < 0.05 and ln.page <= contents_end]
    left_of = theme.page.text_left
    group = []
    for line in entries:
        continuation = abs(line.x0 - left_of(line.page) - entry.indent * entry.size) < 1
        if continuation and group:
            group.append(line)
            continue
        if len(group) > 1:
            out.append(_joined(group))
        group = [line]
    if len(group) > 1:
        out.append(_joined(group))
    return out


def _joined(group: list[_Line]) -> tuple[str, list[int], int]:
    texts = [_entry_text(line.text) for line in group]
    breaks = list(itertools.accumulate(len(t) for t in texts[:-1]))
    return "".join(texts), breaks, group[0].page


def _entry_text(text: str) -> str:
    """A line's words without spaces, leader dots and the page number of a contents entry."""
    text = "".join(text.split())
    stripped = text.rstrip("0123456789")
    if stripped != text and stripped.endswith(("·", ".")):
        text = stripped
    return text.rstrip("·.")


def _continues(line: _Line, following: _Line, everything: list[_Line], leading: float, theme: Theme) -> bool:
    """`following` is the next line of `line`'s paragraph: it starts at the margin (no first-line indent) and
    stands one leading below, or opens the next page when `line` closes its page."""
    if not _at(following, theme.page.text_left(following.page)):
        return False
    if following.page == line.page:
        return abs(following.bottom - line.bottom - leading) < FLUSH_TOLERANCE
    # Across a page break: `line` is the lowest text on its page and `following` the highest on the next, of any
    # size (a links block or a caption in between ends the paragraph).
    last_on_page = all(other.bottom <= line.bottom + FUZZ for other in everything if other.page == line.page)
    first_on_page = all(other.bottom >= following.bottom - FUZZ for other in everything if other.page == following.page)
    return following.page == line.page + 1 and last_on_page and first_on_page


def _at(line: _Line, x: float) -> bool:
    """Whether `line` starts at `x`: its first glyph there, or an opening bracket's ink there (its blank trimmed)."""
    return abs(line.x0 - x) < FLUSH_TOLERANCE or abs(line.x0 + line.size / 2 - x) < FLUSH_TOLERANCE


def _is_leader(text: str) -> bool:
    return set(text) <= {"·", "."}
