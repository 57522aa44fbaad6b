"""Typesetting quality read back from a rendered PDF: prohibited line edges, flush lines, loose gaps, 孤字.

This measures what a reader sees — the glyph positions in the PDF — not what the composer meant to do,
so it checks the whole pipeline (composer, flowables, drawing). `benchmarks/composition_report.py`
prints it for the sample; the render tests assert on it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

from layout.text.cjk import NO_END, NO_START, is_han
from layout.theme import Theme

FLUSH_TOLERANCE = 0.5  # pt: a justified line ends within this of the right edge
MAX_GAP_EM = 0.15  # the loosest gap between two Han characters a reader accepts in justified text
LATIN_RUN = 6  # a line holding a Latin/digit run this long may be looser (the run cannot break)
CELL_GAP_EM = 1.0  # characters further apart than this on one baseline belong to different columns


@dataclass
class QualityReport:
    lines: int = 0
    prohibited: list[str] = field(default_factory=list)  # "page 3: line starts with '，': …"
    body_nonfinal: int = 0
    body_flush: int = 0
    not_flush: list[str] = field(default_factory=list)
    loose: list[str] = field(default_factory=list)  # loose lines without a long Latin run
    # loose lines holding a long unbreakable Latin run, or followed by a line that opens with one (a URL that
    # may not break and does not fit: the line before it has to stretch)
    loose_latin: list[str] = field(default_factory=list)
    lonely: list[str] = field(default_factory=list)  # 孤字: a paragraph's last line with one Han character

    @property
    def flush_share(self) -> float:
        return self.body_flush / self.body_nonfinal if self.body_nonfinal else 1.0

    def summary(self) -> str:
        return "\n".join([
            f"lines checked                  {self.lines}",
            f"prohibited line starts/ends    {len(self.prohibited)}",
            f"non-final body lines flush     {self.body_flush}/{self.body_nonfinal} = {self.flush_share:.1%}",
            f"孤字 (lonely last characters)  {len(self.lonely)}",
            f"gaps > {MAX_GAP_EM} em, no Latin run   {len(self.loose)}",
            f"gaps > {MAX_GAP_EM} em, Latin run      {len(self.loose_latin)}",
        ])  # fmt: skip


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
    """Visual lines inside the text block, split where a wide gap separates columns, in reading order."""
    geo = theme.page
    out: list[_Line] = []
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            rows: dict[tuple[float, float], list[dict]] = {}
            for ch in page.chars:
                # Spaces stay in: a space between two Han characters is the source's, not a loose gap.
                if geo.margin_top - 2 <= ch["top"] <= geo.height - geo.margin_bottom + 2:
                    rows.setdefault((round(ch["bottom"], 1), round(ch["size"], 1)), []).append(ch)
            for (_, size), chars in sorted(rows.items()):
                chars.sort(key=lambda c: c["x0"])
                if not chars:
                    continue
                while chars and not chars[-1]["text"].strip():
                    chars.pop()
                while chars and not chars[0]["text"].strip():
                    chars.pop(0)
                start = 0
                for i in range(1, len(chars) + 1):
                    if i == len(chars) or chars[i]["x0"] - chars[i - 1]["x1"] > CELL_GAP_EM * size:
                        part = chars[start:i]
                        out.append(_Line(number, part[0]["x0"], part[-1]["x1"], size, part, part[0]["bottom"]))
                        start = i
    return out


def assess(pdf_path: Path, theme: Theme) -> QualityReport:
    """Check every line of the PDF's text blocks; body paragraphs also for flushness, gaps and 孤字."""
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
        and _continues(line, paragraph_lines[i + 1], paragraph_lines, i, body.leading, theme)
        for i, line in enumerate(paragraph_lines)
    ]
    for i, line in enumerate(paragraph_lines):
        left = theme.page.text_left(line.page)
        right = left + theme.page.text_width
        if abs(line.x0 - left) >= FLUSH_TOLERANCE and abs(line.x0 - left - body.first_indent * body.size) >= 1:
            continue  # not running body text: centred, right-aligned or indented by a list
        where = f"page {line.page}: {line.text[:24]}…"
        if continues[i]:
            following = paragraph_lines[i + 1]
            report.body_nonfinal += 1
            half = line.size / 2  # a full-width mark at the line end is set half width
            if abs(line.x1 - right) <= FLUSH_TOLERANCE or abs(line.x1 - half - right) <= FLUSH_TOLERANCE:
                report.body_flush += 1
            else:
                report.not_flush.append(f"{where} ends {right - line.x1:.1f} pt short")
            widest = max(_han_gaps(line), default=0.0)
            if widest > MAX_GAP_EM * line.size + 0.01:
                # A long Latin run on the line, or opening the next one, cannot break: the line had to stretch.
                holds, opens_next = _has_latin_run(line.text), _has_latin_run(following.text[:LATIN_RUN])
                gap = f"{where} gap {widest / line.size:.3f} em"
                if holds or opens_next:
                    why = "holds an unbreakable run" if holds else "the next line opens with an unbreakable run"
                    report.loose_latin.append(f"{gap} ({why})")
                else:
                    report.loose.append(gap)
        elif i > 0 and continues[i - 1] and sum(is_han(c) for c in line.text) < 2:
            report.lonely.append(where)
    return report


def _continues(line: _Line, following: _Line, lines: list[_Line], i: int, leading: float, theme: Theme) -> bool:
    """`following` is the next line of `line`'s paragraph: it starts at the margin (no first-line indent) and
    stands one leading below, or opens the next page when `line` closes its page."""
    if abs(following.x0 - theme.page.text_left(following.page)) >= FLUSH_TOLERANCE:
        return False
    if following.page == line.page:
        return abs(following.bottom - line.bottom - leading) < FLUSH_TOLERANCE
    last_on_page = all(other.page != line.page for other in lines[i + 1 :])
    first_on_page = all(other.page != following.page for other in lines[: i + 1])
    return following.page == line.page + 1 and last_on_page and first_on_page


def _han_gaps(line: _Line) -> list[float]:
    chars = line.chars
    return [b["x0"] - a["x1"] for a, b in itertools.pairwise(chars) if is_han(a["text"]) and is_han(b["text"])]


def _has_latin_run(text: str) -> bool:
    run = 0
    for ch in text:
        run = run + 1 if ch.isascii() and not ch.isspace() else 0
        if run >= LATIN_RUN:
            return True
    return False


def _is_leader(text: str) -> bool:
    return set(text) <= {"·", "."}
