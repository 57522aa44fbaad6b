"""Word (.docx), read with python-docx: paragraphs and tables in document order, with what an editor's
formatting says (alignment, bold, size, first-line or hanging indent) and the pictures they hold.

Editors rarely use heading styles or Word numbering in these files: titles are centred bold text, numbers are
typed ("1．"). So nothing here depends on style names; the recogniser reads the text and these hints.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from layout.importer.lines import Align, Line, ReadResult
from layout.importer.text_reader import UnreadableInputError

CONTENTS_TAB = re.compile(r"^(.*?\S)\s*(?:\t+|[.·…‥⋯_]{3,})\s*(\d{1,4})$")
EMU_PER_MM = 36000
INDENT_CHARS = "\u3000 \u00a0"


def read_docx(path: Path, image_prefix: str = "") -> ReadResult:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UnreadableInputError(f"{path}: not a readable Word (.docx) file ({exc.__class__.__name__})") from None
    result = ReadResult(lines=[])
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    body_size = common_size(paragraphs)
    # Is a first-line indent meaningful here? Only when most long paragraphs have one.
    long = [p for p in paragraphs if len(p.text) > 60]
    indented = sum(1 for p in long if has_indent(p))
    indents_known = bool(long) and indented >= 0.6 * len(long)
    number = 0
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            number += 1
            from docx.text.paragraph import Paragraph

            paragraph = Paragraph(child, document)
            result.lines.extend(paragraph_lines(paragraph, number, body_size, indents_known, image_prefix, result))
        elif tag == "tbl":
            from docx.table import Table

            number += 1
            rows = table_rows(Table(child, document))
            if rows:
                result.lines.append(Line(text=" ".join(" ".join(r) for r in rows), where=f"table at paragraph {number}",
                                         table=rows))
    return result


def common_size(paragraphs: list[Any]) -> float:
    sizes: Counter[float] = Counter()
    for p in paragraphs:
        for run in p.runs:
            size = run.font.size or (p.style.font.size if p.style is not None else None)
            if size is not None:
                sizes[round(size.pt, 1)] += len(run.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def has_indent(paragraph: Any) -> bool:
    first = paragraph.paragraph_format.first_line_indent
    return (first is not None and first > 0) or paragraph.text[:1] in INDENT_CHARS


def alignment(paragraph: Any) -> Align:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    value = paragraph.alignment
    style = paragraph.style
    while value is None and style is not None:
        value = style.paragraph_format.alignment
        style = style.base_style
    if value == WD_ALIGN_PARAGRAPH.CENTER:
        return Align.CENTER
    if value == WD_ALIGN_PARAGRAPH.RIGHT:
        return Align.RIGHT
    return Align.LEFT


def run_bold(run: Any, paragraph: Any) -> bool:
    if run.bold is not None:
        return bool(run.bold)
    style = run.style if run.style is not None and run.style.font.bold is not None else paragraph.style
    return bool(style is not None and style.font.bold)


def paragraph_lines(paragraph: Any, number: int, body_size: float, indents_known: bool, prefix: str,
                    result: ReadResult) -> list[Line]:
    """One paragraph → its lines (a manual line break makes two), and its pictures as image lines."""
    lines: list[Line] = []
    images = paragraph_images(paragraph, prefix, result)
    runs = [r for r in paragraph.runs if r.text]
    visible = [r for r in runs if r.text.strip()]
    all_bold = bool(visible) and all(run_bold(r, paragraph) for r in visible)
    sizes = [r.font.size.pt for r in visible if r.font.size is not None]
    size = max(sizes) if sizes else body_size
    pieces: list[str] = []
    for run in runs:
        text = run.text
        if run_bold(run, paragraph) and not all_bold and text.strip():
            lead, core, trail = re.match(r"^(\s*)(.*?)(\s*)$", text, re.S).groups()  # type: ignore[union-attr]
            text = f"{lead}**{core}**{trail}"
        pieces.append(text)
    text = "".join(pieces).replace("****", "")
    fmt = paragraph.paragraph_format
    first = fmt.first_line_indent
    numbered = word_numbered(paragraph)
    hanging = (first is not None and first < 0) or numbered
    if numbered:
        result.notes.append((f"paragraph {number}", "Word numbering or bullets: the numbers Word draws are not in "
                                                    "the text; check the list items"))
    align = alignment(paragraph)
    for k, part in enumerate(p for p in re.split(r"[\n\v]", text)):
        if not part.strip():
            continue
        indent: bool | None = None
        if indents_known and align == Align.LEFT and k == 0:
            indent = has_indent(paragraph)
        line = Line(text=part.strip(INDENT_CHARS + "\t"), where=f"paragraph {number}", align=align, bold=all_bold,
                    size=round(size / body_size, 2) if body_size else 1.0, indent=indent,
                    hanging=True if hanging else None)
        contents = CONTENTS_TAB.match(line.text)
        if contents:
            line.text, line.page_number = contents.group(1).strip(), contents.group(2)
        lines.append(line)
    for name, width in images:
        lines.append(Line(text="", where=f"paragraph {number}", image=name, image_width_mm=width))
    return lines


def word_numbered(paragraph: Any) -> bool:
    """Numbered or bulleted by Word (numPr on the paragraph or its style chain), not by typed text."""
    if paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None:
        return True
    style = paragraph.style
    while style is not None:
        ppr = style.element.pPr
        if ppr is not None and ppr.numPr is not None:
            return True
        style = style.base_style
    return False


def paragraph_images(paragraph: Any, prefix: str, result: ReadResult) -> list[tuple[str, float | None]]:
    """The pictures drawn in a paragraph (DrawingML blips), saved under a PNG/JPEG name."""
    found: list[tuple[str, float | None]] = []
    ns_a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    ns_r = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    ns_wp = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
    for drawing in paragraph._p.iter(f"{{{ns_wp}}}inline", f"{{{ns_wp}}}anchor"):
        blip = next(drawing.iter(f"{{{ns_a}}}blip"), None)
        extent = next(drawing.iter(f"{{{ns_wp}}}extent"), None)
        if blip is None:
            continue
        rid = blip.get(f"{{{ns_r}}}embed")
        part = paragraph.part.related_parts.get(rid) if rid else None
        if part is None:
            result.notes.append((f"paragraph {paragraph_index(paragraph)}",
                                 "a linked (not embedded) picture was left out"))
            continue
        blob: bytes = part.blob
        suffix = ".png" if blob.startswith(b"\x89PNG") else ".jpg" if blob.startswith(b"\xff\xd8") else None
        if suffix is None:
            blob, suffix = to_png(blob), ".png"
            if not blob:
                result.notes.append((f"paragraph {paragraph_index(paragraph)}",
                                     "a picture in a format other than PNG or JPEG could not be converted: left out"))
                continue
        name = f"{prefix}image-{len(result.images) + 1}{suffix}"
        result.images[name] = blob
        width = round(int(extent.get("cx")) / EMU_PER_MM) if extent is not None and extent.get("cx") else None
        found.append((name, width))
    return found


def paragraph_index(paragraph: Any) -> int:
    body = paragraph._p.getparent()
    return list(body).index(paragraph._p) + 1 if body is not None else 0


def to_png(blob: bytes) -> bytes:
    """A picture in another format (GIF, BMP, TIFF…) converted with Pillow; b"" when Pillow cannot read it."""
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(blob)) as image:
            out = io.BytesIO()
            image.convert("RGBA" if image.mode in ("P", "RGBA", "LA") else "RGB").save(out, format="PNG")
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError):
        return b""


def table_rows(table: Any) -> list[list[str]]:
    """A Word table's cells, row by row; a merged cell is read once (python-docx repeats it)."""
    rows: list[list[str]] = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            text = " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())
            cells.append(text)
        rows.append(cells)
    return [r for r in rows if any(c for c in r)]
