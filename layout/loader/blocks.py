"""Blocks of an article (paragraphs, headings, lists, tables, images…) -> model blocks."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from yaml.nodes import MappingNode, Node, ScalarNode

from layout.images import ImageError, inspect_image
from layout.loader.definitions import (
    ALIGNMENTS,
    BLOCK_KINDS,
    BLOCK_OPTIONS,
    DEEPEST_HEADING_LEVEL,
    IMAGE,
    TABLE,
    TOP_HEADING_LEVEL,
)
from layout.loader.scalars import all_built, build_text, build_texts, resolve_inside
from layout.model import (
    Align,
    Attachments,
    Block,
    Heading,
    Image,
    Links,
    ListBlock,
    PageBreak,
    Paragraph,
    Plain,
    Signature,
    Subtitle,
    Table,
    Text,
)
from layout.units import parse_length
from layout.yamlsrc import (
    BOOL,
    FLOAT,
    INT,
    NULL,
    Walker,
    describe,
    short,
    suggestion,
)

# Names editors reach for that difflib cannot match to the short kind names.
KIND_ALIASES = {
    "paragraph": "p", "para": "p", "paragraf": "p", "text": "p", "body": "p", "h": "heading", "h1": "heading",
    "h2": "heading", "h3": "heading", "header": "heading", "title": "heading", "subheading": "subtitle",
    "items": "list", "ul": "list", "ol": "list", "bullets": "list", "sign": "signature", "attachment": "attachments",
    "annex": "attachments", "link": "links", "url": "links", "urls": "links", "img": "image", "picture": "image",
    "figure": "image", "break": "page_break", "pagebreak": "page_break", "newpage": "page_break",
    "page-break": "page_break",
}
ALIGN_ALIASES = {"centre": "center", "middle": "center", "l": "left", "r": "right", "c": "center"}
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class BlockContext:
    """What block builders need besides the node: where relative paths start and may not leave."""

    issue_dir: Path
    root: Path


def build_paragraph(w: Walker, ctx: BlockContext, node: Node, opts: dict[str, Node], kind: str) -> Block | None:
    text = build_text(w, node, kind)
    classes: dict[str, type[Paragraph | Plain | Subtitle]] = {"p": Paragraph, "plain": Plain, "subtitle": Subtitle}
    cls = classes[kind]
    return cls(text, w.pos(node)) if text is not None else None


def build_heading(w: Walker, ctx: BlockContext, node: Node, opts: dict[str, Node], kind: str) -> Block | None:
    text = build_text(w, node, "heading")
    level = 1
    if "level" in opts:
        got = w.integer(opts["level"], "heading level", "2")
        if got is not None and not TOP_HEADING_LEVEL <= got <= DEEPEST_HEADING_LEVEL:
            w.error(opts["level"], f"heading level {got} does not exist", "use 1 (一、), 2 (（一）) or 3 (1、)")
            got = None
        if got is None:
            return None
        level = got
    return Heading(text, level, w.pos(node)) if text is not None else None


def build_lines(w: Walker, ctx: BlockContext, node: Node, opts: dict[str, Node], kind: str) -> Block | None:
    texts = build_texts(w, node, kind, f"{kind}: [line, line]")
    classes: dict[str, type[ListBlock | Signature | Attachments]] = {
        "list": ListBlock, "signature": Signature, "attachments": Attachments}
    cls = classes[kind]
    return cls(texts, w.pos(node)) if texts is not None else None


def build_links(w: Walker, ctx: BlockContext, node: Node, opts: dict[str, Node], kind: str) -> Block | None:
    texts = build_texts(w, node, "links", "links: [http://…]")
    if texts is None:
        return None
    bad = [text for text in texts if len(text.runs) != 1 or text.runs[0].link is None]
    for text in bad:
        w.error(text.pos, f"{short(text.plain)!r} is not one web address",
                "write one http://…, https://…, www.… or e-mail address per item")
    return None if bad else Links(texts, w.pos(node))


def build_cell(w: Walker, node: Node, what: str) -> Text | None:
    if isinstance(node, ScalarNode) and node.tag == NULL:
        w.error(node, f"{what} has no value", 'write "" for an empty cell')
        return None
    if not isinstance(node, ScalarNode):
        w.error(node, f"{what} must be text or a number, not {describe(node)}")
        return None
    return build_text(w, node, what, allow_empty=True)


def build_cells(w: Walker, node: Node, what: str) -> tuple[Text, ...] | None:
    items = w.sequence(node, what, example="[cell, cell, …]")
    if items is None:
        return None
    return all_built([build_cell(w, item, f"cell {i} of {what}") for i, item in enumerate(items, 1)])


def build_width(w: Walker, node: Node) -> float | None:
    if (isinstance(node, ScalarNode) and node.tag in (INT, FLOAT) and re.fullmatch(r"[0-9]+(\.[0-9]+)?", node.value)
            and float(node.value) > 0):
        return float(node.value)
    w.error(node, f"a column width must be a positive number such as 2 or 1.5, not {describe(node)}")
    return None


def build_alignment(w: Walker, node: Node) -> Align | None:
    got = w.text_value(node, "align")
    if got is None:
        return None
    names = ALIGNMENTS.names
    if got[1] in names:
        return Align(got[1])
    w.error(node, f"unknown alignment {got[1]!r}",
            suggestion(got[1], names, ALIGN_ALIASES) or "use left, center or right")
    return None


def build_columns(w: Walker, node: Node, what: str, columns: int, build: Callable[[Walker, Node], T | None],
                  example: str) -> tuple[T, ...] | None:
    """One value per column (widths, align), each checked."""
    items = w.sequence(node, what, example=example)
    if items is None:
        return None
    values = all_built([build(w, item) for item in items])
    if values is not None and len(values) != columns:
        w.error(node, f"{what} has {len(values)} values, the table has {columns} columns", "give one per column")
        return None
    return values


def build_table(w: Walker, ctx: BlockContext, node: Node, opts: dict[str, Node], kind: str) -> Block | None:
    f = w.mapping(node, TABLE.name, required=TABLE.required, optional=TABLE.optional)
    if f is None:
        return None
    header = build_cells(w, f["header"][1], "the header") if "header" in f else None
    rows: list[tuple[Text, ...]] | None = []
    row_nodes = w.sequence(f["rows"][1], "rows", example="- [1, text, text]") if "rows" in f else None
    for i, row_node in enumerate(row_nodes or [], 1):
        row = build_cells(w, row_node, f"table row {i}")
        if row is not None and header is not None and len(row) != len(header):
            w.error(row_node, f"table row {i} has {len(row)} cells, the header has {len(header)}",
                    'give every row one cell per column; "" is an empty cell')
            row = None
        rows = None if row is None or rows is None else [*rows, row]
    if header is None or row_nodes is None or rows is None:
        return None
    n = len(header)
    widths = build_columns(w, f["widths"][1], "widths", n, build_width, "[1, 4, 3]") if "widths" in f else None
    align = build_columns(w, f["align"][1], "align", n, build_alignment, "[center, left]") if "align" in f else None
    caption = build_text(w, f["caption"][1], "caption") if "caption" in f else None
    if ("widths" in f and widths is None) or ("align" in f and align is None) or ("caption" in f and not caption):
        return None
    return Table(header, tuple(rows), widths, align, caption, w.pos(node))


def check_image_content(w: Walker, node: ScalarNode, path: Path) -> bool:
    """Whether the file is a PNG or JPEG (by its content: its name may lie) that renders: under the pixel cap,
    complete and undamaged."""
    try:
        inspect_image(path)
    except ImageError as exc:
        w.error(node, f"image {node.value!r} {exc.message}", exc.hint)
        return False
    except OSError as exc:
        w.error(node, f"image {node.value!r} cannot be read ({exc.strerror})")
        return False
    return True


def build_image(w: Walker, ctx: BlockContext, node: Node, opts: dict[str, Node], kind: str) -> Block | None:
    f = w.mapping(node, IMAGE.name, required=IMAGE.required, optional=IMAGE.optional)
    if f is None:
        return None
    path = width = None
    if "path" in f and (got := w.text_value(f["path"][1], "image path")) is not None:
        path = resolve_inside(w, got[0], got[1], ctx.issue_dir, ctx.root, "image")
        if path is not None and not check_image_content(w, got[0], path):
            path = None
    if "width" in f and (got := w.text_value(f["width"][1], "image width")) is not None:
        try:
            width = parse_length(got[1])
        except ValueError as exc:
            w.error(got[0], f"image width: {exc}")
        else:
            if width <= 0:
                w.error(got[0], f"image width {got[1]!r} must be greater than zero")
                width = None
    caption = build_text(w, f["caption"][1], "caption") if "caption" in f else None
    if path is None or ("width" in f and width is None) or ("caption" in f and caption is None):
        return None
    return Image(path, width, caption, w.pos(node))


def build_page_break(w: Walker, ctx: BlockContext, node: Node, opts: dict[str, Node], kind: str) -> Block | None:
    # Only the literal `true`: YAML 1.1 also reads yes/on as true, which is too easy to write by accident.
    if isinstance(node, ScalarNode) and node.tag == BOOL and node.value.lower() == "true":
        return PageBreak(w.pos(node))
    w.error(node, f"page_break takes only true, not {describe(node)}", "write - page_break: true")
    return None


BlockBuilder = Callable[[Walker, BlockContext, Node, dict[str, Node], str], Block | None]
BLOCK_BUILDERS: dict[str, BlockBuilder] = {
    "p": build_paragraph, "plain": build_paragraph, "subtitle": build_paragraph, "heading": build_heading,
    "list": build_lines, "signature": build_lines, "attachments": build_lines, "links": build_links,
    "table": build_table, "image": build_image, "page_break": build_page_break,
}


def kind_hint(key: str, value: Node) -> str | None:
    """Did-you-mean for an unknown block kind, or the quoting advice when the "kind" is really text."""
    guess = suggestion(key, BLOCK_KINDS, KIND_ALIASES)
    if guess is None and key.lower().startswith("para"):
        guess = "did you mean 'p'?"
    if guess is None and (not key.isascii() or " " in key):
        tail = value.value if isinstance(value, ScalarNode) else "…"
        return f'if "{short(key)}: {short(tail)}" is text, put it in quotes (YAML reads ": " as a key)'
    return guess or f"block kinds are {', '.join(BLOCK_KINDS)}"


def build_block(w: Walker, ctx: BlockContext, node: Node) -> Block | None:
    """A block: plain text is a paragraph; a mapping has exactly one kind key plus that kind's options."""
    if isinstance(node, ScalarNode):
        text = build_text(w, node, "paragraph")
        return Paragraph(text, w.pos(node)) if text is not None else None
    if not isinstance(node, MappingNode):
        w.error(node, f"a block must be text or a mapping such as '- heading: …', not {describe(node)}")
        return None
    fields = w.keys(node, "block")
    kinds = [k for k in fields if k in BLOCK_KINDS]
    if len(kinds) > 1:
        w.error(fields[kinds[1]][0], f"one block has two kinds, {kinds[0]!r} and {kinds[1]!r}",
                "give each its own list item starting with '- '")
        return None
    if not kinds:
        for key, (key_node, value_node) in fields.items():
            w.error(key_node, f"unknown block kind {key!r}", kind_hint(key, value_node))
        return None
    kind = kinds[0]
    allowed = BLOCK_OPTIONS.get(kind, ())
    opts: dict[str, Node] = {}
    for key, (key_node, value_node) in fields.items():
        if key == kind:
            continue
        if key in allowed:
            opts[key] = value_node
        elif allowed:
            w.error(key_node, f"unknown option {key!r} for a {kind} block",
                    suggestion(key, allowed) or f"{kind} takes {', '.join(allowed)}")
        else:
            w.error(key_node, f"unknown key {key!r}: a {kind} block takes no options",
                    suggestion(key, BLOCK_KINDS, KIND_ALIASES) or "give another block its own '- ' item")
    block = BLOCK_BUILDERS[kind](w, ctx, fields[kind][1], opts, kind)
    return dataclasses.replace(block, pos=w.pos(node)) if block else None  # the block starts at its '- ' item

