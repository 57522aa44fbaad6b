"""PDF: characters with their positions and fonts (pdfplumber), ruled tables (pdfplumber's table finder) and
images (pypdfium2), rebuilt into logical lines.

Nothing here relies on how `bulletin render` made the file: any PDF with a text layer is read from its
geometry. Physical lines are rebuilt from characters; the running header and footer are the lines in the
page's top and bottom margins; paragraphs are rejoined where a line runs to the right edge of the text block
and the next one starts at its left edge (on the same page or the next); first-line indents, centring,
right alignment, size and weight become the hints the recogniser reads.
"""

from __future__ import annotations

import io
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from layout.importer.lines import Align, Line, ReadResult
from layout.importer.recognise import URL, squeeze
from layout.importer.text_reader import FOLIO, UnreadableInputError

URL_AT_END = re.compile(r"(?:https?://|www\.)[^\s<>（）\u3000-\u9fff]*$")
URL_GOES_ON = re.compile(r"^[A-Za-z0-9/._\-?=&%#~+]")
MARGIN_ZONE = 0.075  # the top and bottom share of a page where running heads, feet and folios live
LEADERS = re.compile(r"(?:\s*[.·…‥⋯_]){3,}\s*(\d{1,4})$")
OPENING = "“‘《（(「『【〔"
CLOSING = "，。、；：！？”’》）)」』】〕…"
CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


@dataclass
class Physical:
    """One printed line: its characters' text with **bold** runs, geometry and dominant style."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    page: int
    number: int  # line number on its page, for positions in the report
    width: float = 0.0
    left: float = 0.0  # the page's text block, left and right edges
    right: float = 0.0
    table: list[list[str]] | None = None
    image: str | None = None
    image_width_mm: float | None = None
    joined: list[Physical] = field(default_factory=list)


def is_bold(fontname: str) -> bool:
    name = fontname.split("+", 1)[-1].lower()
    return any(mark in name for mark in ("bold", "heavy", "black", "demi", "semibold", ",bd", "-bd"))


def chars_to_text(chars: list[dict[str, Any]], size: float, all_bold: bool) -> str:
    """Characters of one line in order; a space only where Latin words are set apart; bold runs marked."""
    out: list[str] = []
    bold_open = False
    prev: dict[str, Any] | None = None
    for ch in chars:
        text = ch["text"]
        if not text or text in "\r\n":
            continue
        if prev is not None and text != " " and prev["text"] != " ":
            gap = ch["x0"] - prev["x1"]
            if gap > 0.2 * size and not CJK.match(text) and not CJK.match(prev["text"]):
                out.append(" ")
            elif gap > 1.5 * size:
                out.append(" ")
        bold = is_bold(ch["fontname"]) and not all_bold
        if bold != bold_open and text.strip():
            out.append("**")
            bold_open = bold
        out.append(text)
        prev = ch
    if bold_open:
        out.append("**")
    return re.sub(r" {2,}", " ", "".join(out)).strip()


def page_lines(page: Any, page_index: int, skip: list[tuple[float, float, float, float]]) -> list[Physical]:
    """Characters outside the tables → physical lines, top to bottom (big horizontal gaps split a row)."""
    chars = [c for c in page.chars if c["text"] and not any(
        x0 - 1 <= (c["x0"] + c["x1"]) / 2 <= x1 + 1 and top - 1 <= (c["top"] + c["bottom"]) / 2 <= bottom + 1
        for x0, top, x1, bottom in skip)]
    chars.sort(key=lambda c: (round(c["bottom"], 0), c["x0"]))
    rows: list[list[dict[str, Any]]] = []
    for ch in chars:
        if rows and abs(rows[-1][-1]["bottom"] - ch["bottom"]) <= 0.35 * max(ch["size"], 1):
            rows[-1].append(ch)
        else:
            rows.append([ch])
    lines: list[Physical] = []
    for row in rows:
        row.sort(key=lambda c: c["x0"])
        pieces = [row]  # one piece per row: contents leaders and folios may leave wide gaps
        for piece in pieces:
            visible = [c for c in piece if c["text"].strip()]
            if not visible:
                continue
            size = Counter(round(c["size"], 1) for c in visible).most_common(1)[0][0]
            bold = all(is_bold(c["fontname"]) for c in visible)
            lines.append(Physical(text=chars_to_text(piece, size, bold), x0=visible[0]["x0"], x1=visible[-1]["x1"],
                                  top=min(c["top"] for c in visible), bottom=max(c["bottom"] for c in visible),
                                  size=size, bold=bold, page=page_index, number=0))
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    return lines


def cell_text(text: str | None) -> str:
    """A cell's lines joined: no space between CJK characters, one between Latin words."""
    if not text:
        return ""
    parts = [p.strip() for p in text.split("\n") if p.strip()]
    out = ""
    for part in parts:
        if out and not CJK.match(out[-1]) and not CJK.match(part[0]):
            out += " "
        out += part
    return out


def read_pdf(path: Path, image_prefix: str = "") -> ReadResult:
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(path)
    except (PDFSyntaxError, OSError, ValueError) as exc:
        raise UnreadableInputError(f"{path}: not a readable PDF ({exc.__class__.__name__})") from None
    except Exception as exc:  # pdfminer raises many kinds on broken files
        raise UnreadableInputError(f"{path}: {why_unreadable(exc)}") from None
    result = ReadResult(lines=[])
    physical: list[Physical] = []
    with pdf:
        try:
            pages = list(pdf.pages)
            images = extract_images(path, image_prefix, result)
            for index, page in enumerate(pages):
                physical.extend(read_page(page, index, images.get(index, [])))
        except UnreadableInputError:
            raise
        except Exception as exc:
            raise UnreadableInputError(f"{path}: {why_unreadable(exc)}") from None
    if not any(p.text for p in physical):
        raise UnreadableInputError(f"{path}: the PDF has no text layer (a scan?): nothing to import")
    set_text_block(physical)
    body = drop_running(physical, result, [float(p.height) for p in pages])
    result.lines = rejoin(body)
    return result


def why_unreadable(exc: Exception) -> str:
    causes = [exc, *exc.args]  # pdfplumber wraps pdfminer's exception
    if any("password" in type(c).__name__.lower() or "encrypt" in str(c).lower() for c in causes):
        return "the PDF is protected by a password: open it, save a copy without one, and import that"
    return f"not a readable PDF ({exc or type(exc).__name__})"


def read_page(page: Any, index: int, images: list[Physical]) -> list[Physical]:
    tables = page.find_tables() if (len(page.lines) + len(page.rects)) >= 4 else []
    boxes = [t.bbox for t in tables]
    lines = page_lines(page, index, boxes)
    for table in tables:
        rows = [[cell_text(c) for c in row] for row in table.extract()]
        rows = [r for r in rows if any(r)]
        if len(rows) >= 1 and max(len(r) for r in rows) >= 2:
            x0, top, x1, bottom = table.bbox
            lines.append(Physical(text="", x0=x0, x1=x1, top=top, bottom=bottom, size=0, bold=False, page=index,
                                  number=0, table=rows))
    lines.extend(images)
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    for number, line in enumerate(lines, 1):
        line.number = number
    return lines


def set_text_block(lines: list[Physical]) -> None:
    """The text block's left and right edges, per page parity (duplex pages differ): the leftmost start and the
    rightmost end that at least two lines share. Running heads and section lines count, so a page of short
    indented items alone does not mistake the indent for the edge; hanging punctuation does not count."""
    for parity in (0, 1):
        text_lines = [ln for ln in lines if ln.page % 2 == parity and ln.table is None and ln.image is None
                      and ln.text]
        if not text_lines:
            continue
        starts = Counter(round(ln.x0) for ln in text_lines if ln.text.lstrip("*")[:1] not in OPENING)
        ends = Counter(round(ln.x1) for ln in text_lines if ln.text.rstrip("*")[-1:] not in CLOSING)
        left = min((x for x, n in starts.items() if n >= 2 or starts[x - 1] + starts[x + 1] >= 1),
                   default=min(starts, default=0))
        right = max((x for x, n in ends.items() if n >= 2 or ends[x - 1] + ends[x + 1] >= 1),
                    default=max(ends, default=left + 1))
        for line in lines:
            if line.page % 2 == parity:
                line.left, line.right = left, max(right, left + 1)


def extract_images(path: Path, prefix: str, result: ReadResult) -> dict[int, list[Physical]]:
    """Every image on every page as a PNG (name → bytes in `result.images`), placed where it is drawn."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    found: dict[int, list[Physical]] = {}
    doc = pdfium.PdfDocument(str(path))
    try:
        for index in range(len(doc)):
            page = doc[index]
            height = page.get_height()
            for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
                left, bottom, right, top = obj.get_bounds()
                if right - left < 8 or top - bottom < 8:
                    continue  # rules and dots drawn as images
                try:
                    pil = obj.get_bitmap(render=False).to_pil()
                except Exception:
                    result.notes.append((f"page {index + 1}", "an image that could not be decoded was left out"))
                    continue
                buffer = io.BytesIO()
                pil.save(buffer, format="PNG", optimize=False)
                name = f"{prefix}image-{len(result.images) + 1}.png"
                result.images[name] = buffer.getvalue()
                found.setdefault(index, []).append(Physical(
                    text="", x0=left, x1=right, top=height - top, bottom=height - bottom, size=0, bold=False,
                    page=index, number=0, image=name, image_width_mm=round((right - left) / 72 * 25.4)))
    finally:
        doc.close()
    return found


def drop_running(lines: list[Physical], result: ReadResult, heights: list[float]) -> list[Physical]:
    """Drop the lines in the top and bottom margins (running heads, feet, folios); remember the footer's text."""
    kept: list[Physical] = []
    pages = len(heights)
    seen: Counter[str] = Counter()
    for line in lines:
        height = heights[line.page]
        if line.table is None and line.image is None and (
                line.top < MARGIN_ZONE * height or line.bottom > (1 - MARGIN_ZONE) * height):
            seen[re.sub(r"\d+", "#", squeeze(line.text))] += 1
    footer: list[str] = []
    for line in lines:
        height = heights[line.page]
        in_margin = line.table is None and line.image is None and (
            line.top < MARGIN_ZONE * height or line.bottom > (1 - MARGIN_ZONE) * height)
        if in_margin:
            key = re.sub(r"\d+", "#", squeeze(line.text))
            if line.bottom > (1 - MARGIN_ZONE) * height and not FOLIO.match(strip_folio(line.text)) \
                    and seen[key] >= max(2, pages // 2) and strip_folio(line.text) not in footer:
                footer.append(strip_folio(line.text))
            continue
        kept.append(line)
    result.running = [f.replace("**", "") for f in footer if f][:3]
    return kept


def strip_folio(text: str) -> str:
    return re.sub(r"\s*[—–-]\s*\d{1,4}\s*[—–-]\s*", " ", text).strip()


def align_of(line: Physical, body_size: float) -> Align:
    mid_block = (line.left + line.right) / 2
    mid_line = (line.x0 + line.x1) / 2
    em = line.size or body_size
    margin_left, margin_right = line.x0 - line.left, line.right - line.x1
    # a body line starting at the two-character paragraph indent is an indented paragraph, however short
    paragraph_start = abs(line.size - body_size) < 0.3 and not line.bold and abs(margin_left - 2 * em) < 0.3 * em
    if margin_left > 1.5 * em and abs(margin_left - margin_right) < 1.5 * em and abs(mid_line - mid_block) < em \
            and not paragraph_start:
        return Align.CENTER
    if line.x0 > mid_block and line.x1 < line.right + em:
        return Align.RIGHT
    return Align.LEFT


def rejoin(lines: list[Physical]) -> list[Line]:
    """Physical lines → logical lines: a line that runs to the text block's right edge continues in the next,
    when that one starts at the left edge in the same style (across a page break too)."""
    out: list[Line] = []
    body_size = statistics.mode([round(ln.size) for ln in lines if ln.text and ln.table is None]) if lines else 12
    prev: Physical | None = None
    for line in lines:
        where = f"page {line.page + 1}, line {line.number}"
        if line.table is not None:
            if out and out[-1].table is not None and prev is not None and prev.page != line.page \
                    and len(out[-1].table[0]) == len(line.table[0]):
                rows = line.table[1:] if line.table[0] == out[-1].table[0] else line.table
                out[-1].table.extend(rows)  # a table continued on the next page (its header repeated)
            else:
                out.append(Line(text=" ".join(" ".join(r) for r in line.table), where=where, table=line.table))
            prev = line
            continue
        if line.image is not None:
            out.append(Line(text="", where=where, image=line.image, image_width_mm=line.image_width_mm))
            prev = line
            continue
        align = align_of(line, body_size)
        em = line.size or body_size
        if prev is not None and out and continues(prev, line, out[-1], align, body_size):
            glue = " " if (out[-1].text and not CJK.match(out[-1].text[-1]) and not CJK.match(line.text[0])
                           and not URL.match(out[-1].text)) else ""
            out[-1].text += glue + line.text
            out[-1].line_count += 1
            if out[-1].hanging is None:
                out[-1].hanging = False
        else:
            indent = None if align != Align.LEFT else (line.x0 > line.left + 1.2 * em)
            out.append(Line(text=line.text, where=where, align=align, bold=line.bold,
                            size=round(line.size / body_size, 2), indent=indent, x0=line.x0))
        leader = LEADERS.search(out[-1].text)
        if leader and not URL.match(out[-1].text):
            out[-1].text = out[-1].text[:leader.start()].rstrip()
            out[-1].page_number = leader.group(1)
        prev = line
    return out


def continues(prev: Physical, line: Physical, logical: Line, align: Align, body_size: float) -> bool:
    """Is `line` the next line of the paragraph `prev` ended?"""
    if prev.table is not None or prev.image is not None or logical.page_number is not None:
        return False
    em = line.size or 12
    same_style = abs(prev.size - line.size) < 0.3 and prev.bold == line.bold
    if not same_style:
        return False
    if URL.match(logical.text) and not CJK.search(line.text) and " " not in line.text \
            and not URL.match(line.text) and line.page == prev.page and line.top - prev.bottom < 1.5 * em:
        return True  # an address broken over two lines
    if URL_AT_END.search(prev.text) and URL_GOES_ON.match(line.text) and line.page == prev.page \
            and line.x0 <= line.left + 1.0 * em and line.top - prev.bottom < 1.5 * em:
        return True  # an address broken inside a paragraph: the renderer cut it short of the edge
    prev_align = logical.align
    if align == Align.CENTER and prev.bold and line.bold and prev.size > 1.05 * body_size \
            and prev.x1 >= prev.right - em and line.page == prev.page and line.top - prev.bottom < 1.2 * em:
        logical.align = Align.CENTER  # a long title: a full first line, the rest centred under it
        return True
    if prev_align == Align.CENTER and align == Align.CENTER:
        # a title over two lines: the same larger, bold style, close together
        return line.size > 1.05 * body_size and line.bold and line.page == prev.page and \
            line.top - prev.bottom < 1.2 * em
    if prev_align in (Align.CENTER, Align.RIGHT) or align in (Align.CENTER, Align.RIGHT):
        return False
    full = prev.x1 >= prev.right - 0.8 * em
    if not full:
        return False
    if line.page == prev.page and line.top - prev.bottom > 1.5 * em:
        return False
    # the next line starts at the left edge, or hangs under the text of the first line (a list item)
    if line.x0 <= line.left + 1.0 * em:
        return True
    first = logical.x0 if logical.x0 is not None else prev.x0
    if first + 0.3 * em < line.x0 < first + 5 * em and (logical.hanging is not False):
        logical.hanging = True
        return True
    return False
