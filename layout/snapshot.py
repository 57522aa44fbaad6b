"""A stable, diff-friendly description of a PDF: metadata, outline, and per page its text, rules, images, links.

The snapshot describes what a reader sees, not how the file is built: it never mentions object
numbers, stream order, compression or font subset tags ("AAAAAA+"), so an unrelated change in
how ReportLab or pypdf writes the file leaves it unchanged. Coordinates are PDF points with the
origin at the bottom left (as on a ReportLab canvas), rounded to 0.1 pt.

Text: glyphs are grouped into visual lines by baseline, ordered left to right, and cut into
items wherever the font, size or colour changes or a gap of `SPLIT_GAP_EM` or more opens up
(table cells, right-aligned page numbers), so each item has one font and its own x. Only the
space glyphs actually drawn are kept: glyphs placed by position get no spaces from pdfplumber,
and justified Chinese lines widen every gap a little, so a space is inserted only where a gap
of at least `SPACE_GAP_EM` of the font size opens up (a word gap, or a letter-spaced title).
"""

from __future__ import annotations

import io
import json
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

import pdfplumber
import pypdf
from pdfplumber.page import Page as PlumberPage
from pdfplumber.utils.exceptions import PdfminerException
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

GraphicKind = Literal["line", "rect", "curve"]
PdfSource = str | os.PathLike[str] | bytes
"""A PDF given as a path or as its bytes."""

SNAPSHOT_VERSION = 1  # bump when the text format changes, so stale references are obvious

# A gap this wide (in ems of the glyph before it) reads as a word space. Below the quarter em the composer puts
# between Chinese and Latin (0.20 em at its tightest) and above the stretch of justified Han text (0.15 em), so
# neither flips with float noise.
SPACE_GAP_EM = 0.18
# a gap this wide starts a new item: table cells (ReportLab pads 6 pt a side: 1.1 em at 10.5 pt), tab stops,
# right-aligned numbers; a justified line never opens a gap of a whole character
SPLIT_GAP_EM = 1.0
BASELINE_FUZZ = 0.05  # pt; glyphs whose baselines differ by less sit on one visual line
PDF_HEADER = b"%PDF-"  # readers accept it anywhere in the first 1024 bytes
TOP_FITS = ("/FitH", "/FitBH")  # destination fits that carry a top y (besides /XYZ)
SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")  # "AAAAAA+NotoSerifSC-Regular": the tag changes with the subset


class UnreadablePdfError(Exception):
    """The file is missing, or is not a PDF we can parse."""


def rounded(value: float, digits: int = 1) -> float:
    """`value` rounded as the snapshot stores it; never -0.0 (it would print as "-0.0")."""
    return round(float(value), digits) + 0.0


def format_number(value: float) -> str:
    """A coordinate or size as printed: one decimal."""
    return f"{rounded(value):.1f}"


def rounded_box(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
    return rounded(x0), rounded(y0), rounded(x1), rounded(y1)


def tuple_of_ints(pair: Sequence[float]) -> tuple[int, int]:
    return int(pair[0]), int(pair[1])


def format_quoted(text: str) -> str:
    """A string in double quotes with JSON escapes, so line breaks and quotes stay on one snapshot line."""
    return json.dumps(text, ensure_ascii=False)


def format_color(color: Any) -> str | None:
    """A colour as "r,g,b" (or gray / cmyk components); None for black or no colour, the common case."""
    if color is None:
        return None
    if isinstance(color, int | float):
        color = (color,)
    if not isinstance(color, tuple | list) or not all(isinstance(v, int | float) for v in color):
        return str(color)  # a pattern or separation name
    values = [rounded(v, 3) for v in color]
    black = {1: [0.0], 3: [0.0, 0.0, 0.0], 4: [0.0, 0.0, 0.0, 1.0]}
    if black.get(len(values)) == values:
        return None
    return ",".join(f"{v:g}" for v in values)


@dataclass(frozen=True, slots=True)
class TextItem:
    """One run of glyphs on one baseline in one font, size and colour."""

    x: float  # origin of the first glyph
    y: float  # baseline
    font: str  # base font name without subset tag
    size: float
    text: str
    color: str | None = None  # None for black
    angle: int = 0  # degrees counter-clockwise; 0 for normal text

    def to_line(self) -> str:
        extras = "".join([f" color={self.color}" if self.color else "", f" rot={self.angle}" if self.angle else ""])
        return (
            f"text {format_number(self.x)} {format_number(self.y)} {self.font} {format_number(self.size)}"
            f"{extras} {format_quoted(self.text)}"
        )


@dataclass(frozen=True, slots=True)
class Graphic:
    """A straight line, a rectangle or a curve (by its bounding box)."""

    kind: GraphicKind
    x0: float  # for a line: its endpoints, the left (then lower) one first; else the box
    y0: float
    x1: float
    y1: float
    stroke: bool
    fill: bool
    width: float  # stroke width; meaningless when not stroked
    stroke_color: str | None = None
    fill_color: str | None = None

    def to_line(self) -> str:
        coords = " ".join(format_number(v) for v in (self.x0, self.y0, self.x1, self.y1))
        paint = []
        if self.stroke:
            paint.append(f"stroke w{rounded(self.width, 2):g}")
            if self.stroke_color:
                paint.append(f"color={self.stroke_color}")
        if self.fill:
            paint.append("fill")
            if self.fill_color:
                paint.append(f"color={self.fill_color}")
        return f"{self.kind} {coords} {' '.join(paint)}".rstrip()


@dataclass(frozen=True, slots=True)
class ImageBox:
    """A placed image: where it lands on the page and its size in pixels."""

    x0: float
    y0: float
    x1: float
    y1: float
    pixels: tuple[int, int]

    def to_line(self) -> str:
        coords = " ".join(format_number(v) for v in (self.x0, self.y0, self.x1, self.y1))
        return f"image {coords} {self.pixels[0]}x{self.pixels[1]}"


@dataclass(frozen=True, slots=True)
class Link:
    """A link annotation: its rectangle and where it goes (a URI, or a page and optional top y)."""

    x0: float
    y0: float
    x1: float
    y1: float
    uri: str | None = None
    page: int | None = None  # 1-based target page
    top: float | None = None  # target y for /XYZ and /FitH destinations
    action: str | None = None  # any other action, e.g. "/Launch"

    def to_line(self) -> str:
        coords = " ".join(format_number(v) for v in (self.x0, self.y0, self.x1, self.y1))
        return f"link {coords} -> {format_target(self.uri, self.page, self.top, self.action)}"


@dataclass(frozen=True, slots=True)
class OutlineEntry:
    """A bookmark: nesting level (0 = top), title and target page."""

    level: int
    title: str
    page: int | None
    top: float | None = None

    def to_line(self) -> str:
        return f"outline {self.level} {format_quoted(self.title)} -> {format_target(None, self.page, self.top, None)}"


def format_target(uri: str | None, page: int | None, top: float | None, action: str | None) -> str:
    """Where a link or bookmark goes, e.g. `uri "https://…"`, `page 3`, `page 3 y=770.2`, `none`."""
    if uri is not None:
        return f"uri {format_quoted(uri)}"
    if page is not None:
        return f"page {page}" + (f" y={format_number(top)}" if top is not None else "")
    return f"action {action}" if action else "none"


@dataclass(frozen=True, slots=True)
class PageSnapshot:
    """One page: its number (1-based), size, label (when the PDF defines labels) and contents, each sorted."""

    number: int
    width: float
    height: float
    texts: tuple[TextItem, ...]
    graphics: tuple[Graphic, ...]
    images: tuple[ImageBox, ...]
    links: tuple[Link, ...]
    rotation: int = 0
    label: str | None = None

    @property
    def header(self) -> str:
        """The page's first snapshot line, e.g. `page 3 595.3x841.9`."""
        extras = f" rotate={self.rotation}" if self.rotation else ""
        extras += f" label={format_quoted(self.label)}" if self.label is not None else ""
        return f"page {self.number} {format_number(self.width)}x{format_number(self.height)}{extras}"

    def lines(self) -> list[str]:
        """The page header, then one indented line per item: texts, graphics, images, links."""
        items: list[TextItem | Graphic | ImageBox | Link] = [*self.texts, *self.graphics, *self.images, *self.links]
        return [self.header, *(f"  {item.to_line()}" for item in items)]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The whole document: sorted metadata, the outline in order, then the pages."""

    metadata: tuple[tuple[str, str], ...]
    outline: tuple[OutlineEntry, ...]
    pages: tuple[PageSnapshot, ...]

    def head_lines(self) -> list[str]:
        """Everything before the first page: format version, page count, metadata, outline."""
        return [
            f"snapshot {SNAPSHOT_VERSION}",
            f"pages {len(self.pages)}",
            *(f"meta {key} {format_quoted(value)}" for key, value in self.metadata),
            *(entry.to_line() for entry in self.outline),
        ]

    def lines(self) -> list[str]:
        return [*self.head_lines(), *(line for page in self.pages for line in page.lines())]

    def to_text(self) -> str:
        """The snapshot as text, one item per line, ending with a newline."""
        return "\n".join(self.lines()) + "\n"

    def to_json(self) -> str:
        """The snapshot as indented JSON with the same content as `to_text`."""
        data = {
            "snapshot": SNAPSHOT_VERSION,
            "metadata": dict(self.metadata),
            "outline": [asdict(entry) for entry in self.outline],
            "pages": [asdict(page) for page in self.pages],
        }
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def load_pdf_bytes(source: PdfSource) -> bytes:
    """The bytes of a PDF given as bytes or a path; UnreadablePdfError when the file cannot be read."""
    if isinstance(source, bytes):
        return source
    try:
        return Path(source).read_bytes()
    except OSError as exc:
        raise UnreadablePdfError(f"{os.fspath(source)}: {exc.strerror or exc}") from exc


def snapshot_pdf(source: PdfSource) -> Snapshot:
    """Describe a PDF (path or bytes). Raises UnreadablePdfError for a missing file or one that is not a PDF."""
    data = load_pdf_bytes(source)
    name = "<bytes>" if isinstance(source, bytes) else os.fspath(source)
    if PDF_HEADER not in data[:1024]:  # say so plainly instead of letting both parsers log their complaints
        raise UnreadablePdfError(f"{name}: not a PDF (no %PDF- header)")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        destinations = Destinations(reader)
        labels = list(reader.page_labels) if "/PageLabels" in reader.root_object else None
        with pdfplumber.open(io.BytesIO(data)) as plumber:
            pages = tuple(
                build_page(plumber_page, reader_page, destinations, labels[i] if labels else None)
                for i, (plumber_page, reader_page) in enumerate(zip(plumber.pages, reader.pages, strict=True))
            )
        return Snapshot(parse_metadata(reader), tuple(parse_outline(reader, reader.outline, 0)), pages)
    except (PyPdfError, PdfminerException, ValueError, KeyError) as exc:
        # ValueError/KeyError: pypdf and pdfminer raise them for some damaged structures
        raise UnreadablePdfError(f"{name}: not a readable PDF ({exc})") from exc


def parse_metadata(reader: pypdf.PdfReader) -> tuple[tuple[str, str], ...]:
    """The document information dictionary, keys without the slash, sorted."""
    info: Mapping[Any, Any] = reader.metadata or {}
    return tuple(sorted((str(key).lstrip("/"), str(value)) for key, value in info.items()))


def parse_outline(reader: pypdf.PdfReader, items: Sequence[Any], level: int) -> Iterator[OutlineEntry]:
    """Flatten pypdf's nested outline list (children follow their parent as a list) into entries with levels."""
    for item in items:
        if isinstance(item, list):
            yield from parse_outline(reader, item, level + 1)
            continue
        number = reader.get_destination_page_number(item)
        page = number + 1 if number is not None and number >= 0 else None
        yield OutlineEntry(level, str(item.title or ""), page, destination_top(item))


def destination_top(dest: pypdf.generic.Destination) -> float | None:
    """The target y of an /XYZ or /FitH destination (None when the viewer keeps its position)."""
    if str(dest.typ) == "/XYZ" or str(dest.typ) in TOP_FITS:
        top = getattr(dest, "top", None)
        return rounded(top) if isinstance(top, int | float) else None
    return None


def build_page(
    plumber_page: PlumberPage,
    reader_page: pypdf.PageObject,
    destinations: Destinations,
    label: str | None,
) -> PageSnapshot:
    """Snapshot one page from pdfplumber's objects (text, graphics, images) and pypdf's annotations."""
    number = plumber_page.page_number
    try:
        texts = compose_text_items(plumber_page.chars)
        graphics = [
            *(build_graphic("line", obj) for obj in plumber_page.lines),
            *(build_graphic("rect", obj) for obj in plumber_page.rects),
            *(build_graphic("curve", obj) for obj in plumber_page.curves),
        ]
        images = [
            ImageBox(*rounded_box(obj["x0"], obj["y0"], obj["x1"], obj["y1"]), tuple_of_ints(obj["srcsize"]))
            for obj in plumber_page.images
        ]
    finally:
        plumber_page.close()  # drops pdfplumber's per-page object cache: big issues stay small in memory
    return PageSnapshot(
        number=number,
        width=rounded(plumber_page.width),
        height=rounded(plumber_page.height),
        texts=tuple(sort_items(texts, lambda t: (t.angle, -t.y, t.x))),
        graphics=tuple(sort_items(graphics, lambda g: (-max(g.y0, g.y1), g.x0))),
        images=tuple(sort_items(images, lambda i: (-i.y1, i.x0))),
        links=tuple(sort_items(parse_links(reader_page, destinations), lambda k: (-k.y1, k.x0))),
        rotation=int(reader_page.rotation or 0) % 360,
        label=label,
    )


Item = TypeVar("Item", TextItem, Graphic, ImageBox, Link)


def sort_items(items: Iterable[Item], key: Callable[[Item], tuple[Any, ...]]) -> list[Item]:
    """Sort top to bottom, left to right, ties broken by the printed line so the order never depends on the file."""
    return sorted(items, key=lambda item: (key(item), item.to_line()))


@dataclass(frozen=True, slots=True)
class Glyph:
    """A character placed on the page, in the frame of its own baseline direction."""

    text: str
    font: str
    size: float
    color: str | None
    angle: int
    along: float  # position along the baseline direction
    across: float  # offset of the baseline, perpendicular to it
    advance: float  # width along the baseline
    x: float
    y: float


def parse_glyph(char: dict[str, Any]) -> Glyph:
    """A pdfplumber char as a Glyph: origin from the text matrix, direction from its rotation."""
    a, b, _c, _d, x, y = char["matrix"]
    angle = round(math.degrees(math.atan2(b, a))) % 360
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    return Glyph(
        text=char["text"],
        font=SUBSET_TAG.sub("", str(char["fontname"])),
        size=rounded(glyph_size(char, angle)),  # rounded so 10.5 and 10.500001 count as one size
        color=format_color(char.get("non_stroking_color")),
        angle=angle,
        along=x * cos + y * sin,
        across=-x * sin + y * cos,
        advance=float(char.get("adv") or 0.0),
        x=float(x),
        y=float(y),
    )


def glyph_size(char: dict[str, Any], angle: int) -> float:
    """The font size: the glyph box's extent across the baseline (pdfminer's `size` is the box height,
    which for text turned by 90° is the advance instead)."""
    if angle in (90, 270):
        return float(char["x1"] - char["x0"])
    return float(char["size"])


def compose_text_items(chars: Iterable[dict[str, Any]]) -> list[TextItem]:
    """Group glyphs into visual lines by baseline, then cut each line into items (see the module docstring)."""
    glyphs = sorted((parse_glyph(c) for c in chars), key=lambda g: (g.angle, -g.across, g.along))
    items: list[TextItem] = []
    line: list[Glyph] = []
    for glyph in glyphs:
        if line and (glyph.angle != line[0].angle or abs(glyph.across - line[0].across) > BASELINE_FUZZ):
            items.extend(compose_line(line))
            line = []
        line.append(glyph)
    if line:
        items.extend(compose_line(line))
    return items


def compose_line(line: list[Glyph]) -> list[TextItem]:
    """Cut one visual line into items at style changes and wide gaps; put spaces into moderate gaps."""
    line = sorted(line, key=lambda g: g.along)
    items: list[TextItem] = []
    run: list[Glyph] = []
    text: list[str] = []
    for glyph in line:
        if run:
            prev = run[-1]
            gap = glyph.along - (prev.along + prev.advance)
            style_changed = (glyph.font, glyph.size, glyph.color) != (prev.font, prev.size, prev.color)
            if style_changed or gap >= SPLIT_GAP_EM * prev.size:
                items.extend(build_text_item(run, text))
                run, text = [], []
            elif gap >= SPACE_GAP_EM * prev.size and not prev.text.isspace() and not glyph.text.isspace():
                text.append(" ")
        run.append(glyph)
        text.append(glyph.text)
    items.extend(build_text_item(run, text))
    return items


def build_text_item(run: list[Glyph], text: list[str]) -> list[TextItem]:
    """One item from a run of glyphs, edge spaces dropped so x is that of the first visible glyph."""
    visible = [g for g in run if g.text.strip()]
    joined = "".join(text).strip()
    if not visible or not joined:
        return []
    first = visible[0]
    x, y, size = rounded(first.x), rounded(first.y), rounded(first.size)
    return [TextItem(x, y, first.font, size, joined, first.color, first.angle)]


def build_graphic(kind: GraphicKind, obj: dict[str, Any]) -> Graphic:
    """A pdfplumber line/rect/curve as a Graphic; lines keep their real endpoints (a diagonal's direction matters)."""
    x0, y0, x1, y1 = obj["x0"], obj["y0"], obj["x1"], obj["y1"]
    if kind == "line" and obj.get("pts"):
        # pts are top-down; the topmost point has y == obj["y1"]
        (ax, atop), (bx, btop) = obj["pts"][0], obj["pts"][-1]
        a, b = (ax, obj["y1"] - (atop - obj["top"])), (bx, obj["y1"] - (btop - obj["top"]))
        (x0, y0), (x1, y1) = sorted([(rounded(a[0]), rounded(a[1])), (rounded(b[0]), rounded(b[1]))])
    return Graphic(
        kind=kind,
        x0=rounded(x0),
        y0=rounded(y0),
        x1=rounded(x1),
        y1=rounded(y1),
        stroke=bool(obj.get("stroke")),
        fill=bool(obj.get("fill")),
        width=rounded(obj.get("linewidth") or 0.0, 2),
        stroke_color=format_color(obj.get("stroking_color")),
        fill_color=format_color(obj.get("non_stroking_color")),
    )


class Destinations:
    """Resolves link destinations of one document to 1-based page numbers."""

    def __init__(self, reader: pypdf.PdfReader) -> None:
        self.reader = reader
        self.page_numbers = {
            ref.idnum: i + 1 for i, page in enumerate(reader.pages) if (ref := page.indirect_reference) is not None
        }

    @cached_property
    def named(self) -> dict[str, Any]:
        # pypdf rebuilds this dict on every access; most of our PDFs never need it
        return dict(self.reader.named_destinations)

    def resolve(self, dest: Any) -> tuple[int | None, float | None]:
        """A destination (an array, or a name in the document's name tree) as (1-based page, top y or None)."""
        if isinstance(dest, IndirectObject):
            dest = dest.get_object()
        if isinstance(dest, ArrayObject) and dest:
            target = dest[0]
            page = self.page_numbers.get(target.idnum) if isinstance(target, IndirectObject) else None
            fit, params = (str(dest[1]) if len(dest) > 1 else "/Fit"), list(dest[2:])
            # /XYZ left top zoom; /FitH top; /FitBH top; the other fits have no top
            top = params[1] if fit == "/XYZ" and len(params) > 1 else params[0] if fit in TOP_FITS and params else None
            return page, rounded(top) if isinstance(top, int | float) else None
        # old-style /Dests keys are names ("/p2"), name-tree keys strings ("p2"); pypdf keeps either spelling
        name = str(dest) if dest is not None else ""
        named = self.named.get(name) or self.named.get(name.lstrip("/"))
        if named is None:
            return None, None
        number = self.reader.get_destination_page_number(named)
        return (number + 1 if number is not None and number >= 0 else None), destination_top(named)


def parse_links(page: pypdf.PageObject, destinations: Destinations) -> list[Link]:
    """The page's /Link annotations with their targets resolved to URIs or 1-based page numbers."""
    links = []
    for ref in cast(Iterable[Any], page.get("/Annots") or []):
        annot = ref.get_object()
        if not isinstance(annot, DictionaryObject) or annot.get("/Subtype") != "/Link":
            continue
        left, bottom, right, top = (float(v) for v in cast(Iterable[Any], annot["/Rect"]))
        box = rounded_box(min(left, right), min(bottom, top), max(left, right), max(bottom, top))
        action = annot.get("/A")
        action = action.get_object() if action is not None else None
        if isinstance(action, DictionaryObject) and action.get("/S") == "/URI":
            links.append(Link(*box, uri=str(action["/URI"])))
        elif isinstance(action, DictionaryObject) and action.get("/S") != "/GoTo":
            links.append(Link(*box, action=str(action.get("/S"))))
        else:
            dest = action["/D"] if isinstance(action, DictionaryObject) else annot.get("/Dest")
            page_number, top_y = destinations.resolve(dest)
            links.append(Link(*box, page=page_number, top=top_y))
    return links
