"""Plain text (.txt): a text dump of a printed bulletin, one paragraph per line or wrapped at a fixed width.

Plain text has no geometry, so page breaks are read from what a dump leaves: runs of blank lines,
form feeds and the running footer's lines, which repeat beside them. Those lines and lone folios are
dropped, and a paragraph cut by a page break (its line ends mid-sentence) is joined to its rest.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from layout.importer.lines import Line, ReadResult
from layout.importer.recognise import HEADING_1, HEADING_2, HEADING_3, LINKS_LABEL, LIST_MARK, SECTION, URL, squeeze

FOLIO = re.compile(
    r"^(?:[-—–]\s*\d{1,4}\s*[-—–]|\d{1,4}|第\s*\d{1,4}\s*页(?:\s*共\s*\d+\s*页)?|\d{1,4}\s*/\s*\d{1,4})$")
PAGE_GAP = 3  # blank lines in a row that a dump leaves at a page break
MID_SENTENCE_END = re.compile(r"[\u4e00-\u9fff，、“‘《（(A-Za-z0-9]$")


class UnreadableInputError(Exception):
    """The file cannot be read as this format (the message says why); the command exits 2."""


def decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without a BOM), UTF-16 with a BOM, else GB18030 (a superset of GBK and GB2312)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise UnreadableInputError(f"{name}: not UTF-8, UTF-16 or GB18030 text (byte {exc.start})") from None


def read_text(path: Path) -> ReadResult:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableInputError(f"{path}: {exc.strerror or exc}") from None
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableInputError(f"{path}: a binary file, not text")
    text = decode(data, str(path))
    raw = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n" * PAGE_GAP + "\n").split("\n")
    running = running_lines(raw)
    first_seen: dict[str, str] = {}
    for line in raw:
        first_seen.setdefault(squeeze(line), line.strip().replace("**", ""))
    footer = [first_seen[key] for key in running_in_order(raw, running)]
    return ReadResult(lines=text_lines(raw, running), running=footer)


def running_in_order(raw: list[str], running: set[str]) -> list[str]:
    seen: list[str] = []
    for line in raw:
        key = squeeze(line)
        if key in running and key not in seen:
            seen.append(key)
    return seen


def running_lines(raw: list[str]) -> set[str]:
    """Lines of the running header/footer: repeated at least three times, each time beside a page gap."""
    counts = Counter(squeeze(line) for line in raw if line.strip())
    candidates = {key for key, n in counts.items() if n >= 3 and len(key) <= 80 and not structural(key)}
    near_gap: Counter[str] = Counter()
    for i, line in enumerate(raw):
        key = squeeze(line)
        if key not in candidates:
            continue
        # Look past the other candidates (a footer has two lines) for a run of PAGE_GAP - 1 blank lines.
        for step in (-1, 1):
            k, blanks = i + step, 0
            while 0 <= k < len(raw) and (not raw[k].strip() or squeeze(raw[k]) in candidates):
                blanks += not raw[k].strip()
                k += step
            if blanks >= PAGE_GAP - 1:
                near_gap[key] += 1
                break
    return {key for key in candidates if near_gap[key] >= 0.75 * counts[key]}


def structural(key: str) -> bool:
    return bool(LINKS_LABEL.match(key) or SECTION.match(key) or HEADING_1.match(key) or key in {"特此通知。", "附件"})


def text_lines(raw: list[str], running: set[str]) -> list[Line]:
    """Lines of the dump → logical lines: running lines dropped, page-cut paragraphs joined."""
    longest = max((len(line.strip()) for line in raw), default=0)
    out: list[Line] = []
    gap = 0  # blank or dropped lines since the last kept line
    page_break = False
    for number, line in enumerate(raw, 1):
        text = line.rstrip()
        key = squeeze(text)
        if not key:
            gap += 1
            page_break = page_break or gap >= PAGE_GAP
            continue
        if key in running or (FOLIO.match(text.strip()) and gap >= 1):
            page_break = True
            continue
        where = f"line {number}"
        table = text.split("\t") if "\t" in text.strip() else None
        if out and not table and not out[-1].table and joins(out[-1], text, gap, page_break, longest):
            out[-1].text += text.strip()
            out[-1].line_count += 1
        else:
            out.append(Line(text=text.strip(), where=where))
            if table is not None and len(table) >= 2:
                out[-1].table = [table]
        gap, page_break = 0, False
    return merge_tables(out)


def joins(prev: Line, text: str, gap: int, page_break: bool, longest: int) -> bool:
    """Does `text` continue the paragraph of `prev`? Across a page break when prev ends mid-sentence; inside a
    chunk when prev was wrapped at the dump's width."""
    before = prev.text
    if not MID_SENTENCE_END.search(before) or len(before) < 15 or URL.match(before.split()[-1]):
        return False
    start = text.strip()
    if SECTION.match(start) or LIST_MARK.match(start) or HEADING_1.match(start) or HEADING_2.match(start) \
            or HEADING_3.match(start) or URL.match(start):
        return False
    if page_break:
        return True
    wrapped = gap == 0 and longest >= 30 and len(before) >= 0.9 * longest
    return wrapped


def merge_tables(lines: list[Line]) -> list[Line]:
    """Consecutive tab-separated lines are one table; a contents line (title, tab, page number) is not a table."""
    out: list[Line] = []
    for line in lines:
        rows = line.table
        if rows is not None and len(rows) == 1 and len(rows[0]) == 2 and rows[0][1].strip().isdigit():
            row = rows[0]
            line.table = None
            line.page_number = row[1].strip()
            line.text = row[0].strip()
            out.append(line)
            continue
        if rows is not None and out and out[-1].table is not None:
            out[-1].table.extend(line.table or [])
            continue
        out.append(line)
    for line in out:
        if line.table is not None:
            line.text = " ".join(" ".join(r) for r in line.table)
    return out
