"""Source loader: publication and issue YAML -> the typed model, every problem positioned."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TypeVar

from yaml.nodes import MappingNode, Node, ScalarNode

from layout.errors import Diagnostic, SourceError, SourcePos
from layout.inline import parse_inline
from layout.model import (
    Align,
    Article,
    Attachments,
    Block,
    Heading,
    Image,
    Issue,
    IssueInfo,
    Links,
    ListBlock,
    PageBreak,
    Paragraph,
    Plain,
    Publication,
    Section,
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
    STR,
    TIMESTAMP,
    Walker,
    YamlSource,
    capped,
    describe,
    did_you_mean,
    load_yaml,
    short,
    suggestion,
)

THEMES_DIR = Path(__file__).parent / "themes"  # shipped themes: NAME.yaml
PUBLICATION_FILE = "bulletin.yaml"

BLOCK_KINDS = ("p", "plain", "heading", "subtitle", "list", "table", "signature", "attachments", "links", "image",
               "page_break")
BLOCK_OPTIONS: dict[str, tuple[str, ...]] = {"heading": ("level",)}
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
IMAGE_MAGIC = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}
OTHER_MAGIC = {b"GIF8": "a GIF", b"%PDF": "a PDF", b"RIFF": "a WebP/RIFF file", b"<svg": "an SVG", b"<?xm": "XML/SVG",
               b"II*\x00": "a TIFF", b"MM\x00*": "a TIFF", b"BM": "a BMP"}
MAX_FOOTER_LINES = 3
T = TypeVar("T")

# Placeholders in footer and closing: {name}, {a.b}; {{ and }} print braces.
PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


# --- scalars -> text -----------------------------------------------------------------------------------------
def build_text(w: Walker, node: Node, what: str, *, allow_empty: bool = False,
               fields: dict[str, str | None] | None = None) -> Text | None:
    """Inline text from a scalar; with `fields`, {placeholders} are substituted first."""
    got = w.text_value(node, what, allow_empty=allow_empty)
    if got is None:
        return None
    scalar, value = got
    offset = w.offset(scalar) if value == scalar.value else None
    if fields is not None:
        substituted = substitute(w, scalar, value, offset, fields)
        if substituted is None:
            return None
        if substituted != value:
            value, offset = substituted, None
    runs = parse_inline(value)
    if "".join(r.text for r in runs) != value:  # ** removed: indices no longer map to columns
        offset = None
    return Text(runs, w.pos(scalar), offset)


def build_texts(w: Walker, node: Node, what: str, example: str,
                fields: dict[str, str | None] | None = None) -> tuple[Text, ...] | None:
    """A non-empty list of texts (None with diagnostics if any item is wrong)."""
    items = w.sequence(node, what, example=example)
    if items is None:
        return None
    return all_built([build_text(w, item, f"{what} item", fields=fields) for item in items])


def all_built(items: list[T | None]) -> tuple[T, ...] | None:
    """The items if every one was built, else None (its problems are already reported)."""
    return None if any(item is None for item in items) else tuple(item for item in items if item is not None)


def substitute(w: Walker, node: ScalarNode, value: str, offset: int | None,
               fields: dict[str, str | None]) -> str | None:
    """Replace {name} and {a.b} from `fields`; {{ and }} are literal braces. None (with errors) on a bad name.

    A field whose own value was refused is None: it fails quietly, its problem is already reported.
    """
    out: list[str] = []
    ok = True
    last = 0
    for m in PLACEHOLDER.finditer(value):
        out.append(value[last : m.start()])
        last = m.end()
        token = m.group()
        if token in ("{{", "}}"):
            out.append(token[0])
        elif m.group(1) is None:
            ok = False
            w.error(w.pos_at(node, offset, m.start()), f"unpaired {token!r}",
                    "write {{ or }} for a literal brace, or {name} for a placeholder")
        elif (name := m.group(1).strip()) in fields:
            known = fields[name]
            ok = ok and known is not None
            out.append(known or "")
        else:
            ok = False
            # "{phone}" for "{contact.phone}" is the likely slip; difflib does not see it.
            guess = next((k for k in sorted(fields) if k.endswith("." + name)), None) or did_you_mean(name, fields)
            hint = (f"did you mean {{{guess}}}?" if guess
                    else f"known names: {', '.join(sorted(fields))}; write {{{{ for a literal brace")
            w.error(w.pos_at(node, offset, m.start()), f"unknown placeholder {token}", hint)
    out.append(value[last:])
    return "".join(out) if ok else None


# --- paths ---------------------------------------------------------------------------------------------------
def resolve_inside(w: Walker, node: ScalarNode, text: str, base: Path, root: Path, what: str) -> Path | None:
    """The absolute path of `text` (relative to `base`) if it is a file inside `root`, symlinks resolved."""
    if PurePosixPath(text).is_absolute() or PureWindowsPath(text).is_absolute() or text.startswith("~"):
        w.error(node, f"{what} {text!r} is an absolute path", f"write it relative to {base}{os.sep}")
        return None
    path = (base / text).resolve()
    if not path.is_relative_to(root.resolve()):
        w.error(node, f"{what} {text!r} is outside the publication folder {root}{os.sep}",
                "sources may only use files inside the folder that holds the publication file")
        return None
    if not path.exists():
        w.error(node, f"{what} {text!r} not found (looked for {path})")
        return None
    if not path.is_file():
        w.error(node, f"{what} {text!r} is not a file")
        return None
    return path


def shipped_themes() -> list[str]:
    """Names of the themes shipped in layout/themes/."""
    return sorted(p.stem for p in THEMES_DIR.glob("*.yaml"))


def check_theme_name(name: str) -> str | None:
    """Why `name` is not a shipped theme, or None if it is one."""
    names = shipped_themes()
    if name in names:
        return None
    return f"unknown theme {name!r}; shipped themes: {', '.join(names) or '(none)'}"


def build_theme(w: Walker, node: Node, pub_dir: Path, root: Path) -> str | Path | None:
    got = w.text_value(node, "theme")
    if got is None:
        return None
    scalar, ref = got
    if ref.endswith(".yaml"):
        return resolve_inside(w, scalar, ref, pub_dir, root, "theme file")
    problem = check_theme_name(ref)
    if problem is None:
        return ref
    w.error(scalar, problem, suggestion(ref, shipped_themes()) or "or give a path to a .yaml file (e.g. theme.yaml)")
    return None


# --- the publication -----------------------------------------------------------------------------------------
def build_contact(w: Walker, node: Node, prefix: str = "") -> list[tuple[str, str | None]]:
    """Flatten a free-form mapping of scalars into (dotted key, text) pairs; text None where refused."""
    if not isinstance(node, MappingNode):
        w.error(node, f"contact{prefix and '.' + prefix} must be a mapping (name: value lines), not {describe(node)}")
        return []
    pairs: list[tuple[str, str | None]] = []
    for key, (key_node, value_node) in w.keys(node, "contact").items():
        if not key or any(c in key for c in ".{} "):
            w.error(key_node, f"contact name {key!r} cannot be used in a placeholder",
                    "use letters, digits and _ (e.g. phone_full)")
            continue
        dotted = f"{prefix}.{key}" if prefix else key
        if isinstance(value_node, MappingNode):
            pairs += build_contact(w, value_node, dotted)
        else:
            got = w.text_value(value_node, f"contact.{dotted}", allow_empty=True)
            pairs.append((dotted, got[1] if got else None))
    return pairs


def build_publication(w: Walker, node: Node, source: Path, root: Path) -> Publication | None:
    """The Publication in `node` (a bulletin.yaml root or an issue's publication: block)."""
    f = w.mapping(node, "the publication", required={"publisher": "who publishes the bulletin",
                                                     "masthead": "the big title on page 1",
                                                     "footer": "1-3 running footer lines"},
                  optional=("contact", "closing", "theme"))
    if f is None:
        return None
    texts: dict[str, str | None] = {}
    for key in ("publisher", "masthead"):
        got = w.text_value(f[key][1], key) if key in f else None
        texts[key] = got[1] if got else None
    contact = sorted(build_contact(w, f["contact"][1]), key=lambda pair: pair[0]) if "contact" in f else []
    fields = {**texts, **{f"contact.{k}": v for k, v in contact}}
    footer = closing = None
    if "footer" in f:
        footer = build_texts(w, f["footer"][1], "footer", '["{publisher} 电话：{contact.phone}"]', fields=fields)
        if footer is not None and len(footer) > MAX_FOOTER_LINES:
            w.error(f["footer"][1], f"footer has {len(footer)} lines; it takes 1 to {MAX_FOOTER_LINES}")
    if "closing" in f:
        closing = build_texts(w, f["closing"][1], "closing", "[北京关键要素欢迎您来电垂询。]", fields=fields)
    theme = build_theme(w, f["theme"][1], source.parent, root) if "theme" in f else "default"
    if "theme" not in f and (problem := check_theme_name("default")):
        w.error(node, f"no theme given and the default theme is missing: {problem}")
        theme = None
    publisher, masthead = texts["publisher"], texts["masthead"]
    if publisher is None or masthead is None or footer is None or theme is None or ("closing" in f and not closing):
        return None
    return Publication(publisher=publisher, masthead=masthead, footer=footer,
                       contact=tuple((k, v) for k, v in contact if v is not None), closing=closing or (), theme=theme,
                       root=root.resolve(), source=source, pos=w.pos(node))


def load_publication(path: Path) -> Publication:
    """Read a publication file (bulletin.yaml). Raises SourceError with every problem found."""
    pub, diags = read_publication(path)
    if pub is None or diags:
        raise SourceError(capped(diags))
    return pub


def read_publication(path: Path) -> tuple[Publication | None, list[Diagnostic]]:
    source = load_yaml(path)
    if source.root is None:
        return None, source.diagnostics
    w = Walker(source)
    return build_publication(w, source.root, path, path.parent), w.diagnostics


def find_publication(issue_path: Path) -> Path | None:
    """The nearest bulletin.yaml in the issue's folder or one of its parents, or None."""
    folder = issue_path.parent.absolute()
    for candidate in (folder / PUBLICATION_FILE, *(p / PUBLICATION_FILE for p in folder.parents)):
        if candidate.is_file():
            # Shown in messages: keep it relative when the issue was named relatively.
            return candidate if issue_path.is_absolute() else Path(os.path.relpath(candidate))
    return None


# --- the issue -----------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class BlockContext:
    """What block builders need besides the node: where relative paths start and may not leave."""

    issue_dir: Path
    root: Path


def build_paragraph(w: Walker, ctx: BlockContext, node: Node, opts: dict[str, Node], kind: str) -> Block | None:
    text = build_text(w, node, kind)
    cls = {"p": Paragraph, "plain": Plain, "subtitle": Subtitle}[kind]
    return cls(text, w.pos(node)) if text is not None else None


def build_heading(w: Walker, ctx: BlockContext, node: Node, opts: dict[str, Node], kind: str) -> Block | None:
    text = build_text(w, node, "heading")
    level = 1
    if "level" in opts:
        got = w.integer(opts["level"], "heading level", "2")
        if got is not None and not 1 <= got <= 3:
            w.error(opts["level"], f"heading level {got} does not exist", "use 1 (一、), 2 (（一）) or 3 (1、)")
            got = None
        if got is None:
            return None
        level = got
    return Heading(text, level, w.pos(node)) if text is not None else None


def build_lines(w: Walker, ctx: BlockContext, node: Node, opts: dict[str, Node], kind: str) -> Block | None:
    texts = build_texts(w, node, kind, f"{kind}: [line, line]")
    cls = {"list": ListBlock, "signature": Signature, "attachments": Attachments}[kind]
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
    names = [a.value for a in Align]
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
    f = w.mapping(node, "table", required={"header": "the header row, a list of cells", "rows": "a list of rows"},
                  optional=("widths", "align", "caption"))
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
    """Whether the file is a PNG or JPEG by its first bytes (its name may lie)."""
    with path.open("rb") as f:
        head = f.read(8)
    if any(head.startswith(magic) for magic in IMAGE_MAGIC):
        return True
    seen = next((name for magic, name in OTHER_MAGIC.items() if head.startswith(magic)), "not an image we know")
    w.error(node, f"image {node.value!r} is not a PNG or JPEG file (its content is {seen})",
            "convert it to PNG or JPEG")
    return False


def build_image(w: Walker, ctx: BlockContext, node: Node, opts: dict[str, Node], kind: str) -> Block | None:
    f = w.mapping(node, "image", required={"path": "the PNG/JPEG file, relative to this issue file"},
                  optional=("width", "caption"))
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


def build_article(w: Walker, ctx: BlockContext, node: Node) -> Article | None:
    f = w.mapping(node, "article", required={"title": "the article's title", "blocks": "its text, a list of blocks"},
                  optional=("toc_title", "doc_number"))
    if f is None:
        return None
    title = build_text(w, f["title"][1], "title") if "title" in f else None
    optional = {key: build_text(w, f[key][1], key) if key in f else None for key in ("toc_title", "doc_number")}
    items = w.sequence(f["blocks"][1], "blocks", example="- 正文……") if "blocks" in f else None
    blocks = all_built([build_block(w, ctx, item) for item in items or []])
    toc_title, doc_number = optional["toc_title"], optional["doc_number"]
    if title is None or items is None or blocks is None or any(k in f and not v for k, v in optional.items()):
        return None
    return Article(title, blocks, toc_title, doc_number, w.pos(node))


def build_section(w: Walker, ctx: BlockContext, node: Node) -> Section | None:
    f = w.mapping(node, "section", required={"title": "e.g. 政策文件", "articles": "a list of articles"})
    if f is None:
        return None
    title = build_text(w, f["title"][1], "section title") if "title" in f else None
    items = w.sequence(f["articles"][1], "articles", example="- title: …") if "articles" in f else None
    articles = all_built([build_article(w, ctx, item) for item in items or []])
    if title is None or items is None or articles is None:
        return None
    return Section(title, articles, w.pos(node))


def build_issue_info(w: Walker, node: Node) -> IssueInfo | None:
    f = w.mapping(node, "issue", required={"year": "e.g. 2018", "number": 'e.g. "0602"'}, optional=("date",))
    if f is None:
        return None
    year = w.integer(f["year"][1], "year", "2018") if "year" in f else None
    number = build_number(w, f["number"][1]) if "number" in f else None
    date = build_date(w, f["date"][1]) if "date" in f else None
    if year is None or number is None or ("date" in f and date is None):
        return None
    return IssueInfo(year, number, date)


def build_number(w: Walker, node: Node) -> str | None:
    """The issue number, text as written; an unquoted 0602 is an octal number in YAML 1.1, so it is refused."""
    if isinstance(node, ScalarNode) and node.tag != STR and node.tag != NULL:
        w.error(node, f"issue number must be text, but YAML reads unquoted {node.value} as a number "
                      "(and drops leading zeros)", f'quote it: number: "{node.value}"')
        return None
    got = w.text_value(node, "issue number")
    return got[1] if got else None


def build_date(w: Walker, node: Node) -> dt.date | None:
    if isinstance(node, ScalarNode) and node.tag in (TIMESTAMP, STR) and re.fullmatch(r"\d{4}-\d\d-\d\d", node.value):
        try:
            return dt.date.fromisoformat(node.value)
        except ValueError:
            w.error(node, f"date {node.value} does not exist")
            return None
    w.error(node, f"date must be an ISO date such as 2018-06-04, not {describe(node)}")
    return None


def build_issue(w: Walker, root_node: Node, ctx: BlockContext) -> tuple[IssueInfo, tuple[Section, ...]] | None:
    f = w.mapping(root_node, "the issue file", required={"issue": "year and number", "sections": "a list of sections"},
                  optional=("publication",))
    if f is None:
        return None
    if "issue" not in f and "publisher" in f and "masthead" in f:
        w.error(root_node, "this looks like a publication file, not an issue", "check an issue file instead")
    info = build_issue_info(w, f["issue"][1]) if "issue" in f else None
    items = w.sequence(f["sections"][1], "sections", example="- title: 政策文件") if "sections" in f else None
    sections = all_built([build_section(w, ctx, item) for item in items or []])
    if info is None or items is None or sections is None:
        return None
    return info, sections


def resolve_publication(path: Path, issue: YamlSource, explicit: Path | None) -> tuple[Publication | None, Path,
                                                                                        list[Diagnostic]]:
    """The issue's publication by the lookup order; returns it (or None), its root folder and its problems."""
    inline = None
    if isinstance(issue.root, MappingNode):
        inline = next(((k, v) for k, v in issue.root.value if isinstance(k, ScalarNode) and k.value == "publication"),
                      None)
    if explicit is not None:
        pub, diags = read_publication(explicit)
        return pub, explicit.parent, diags
    found = find_publication(path)
    if found is not None:
        pub, diags = read_publication(found)
        if inline is not None:
            diags.append(Diagnostic(Walker(issue).pos(inline[0]), f"this publication: block is ignored because "
                                    f"{found} is used", "remove one of them, or pass --publication"))
        return pub, found.parent, diags
    if inline is not None:
        w = Walker(YamlSource(issue.name, issue.text, issue.root, []))
        return build_publication(w, inline[1], path, path.parent), path.parent, w.diagnostics
    folder = path.parent.absolute()
    return None, folder, [Diagnostic(SourcePos(issue.name, 1, 1),
                                     f"no publication found: looked for {PUBLICATION_FILE} in {folder} and every "
                                     "folder above it, and for a publication: block in this file",
                                     f"pass --publication PATH, add {PUBLICATION_FILE} next to the issue, or add a "
                                     "publication: block")]


def is_publication_node(root: Node) -> bool:
    """A document with the publication's own fields and no `issue:`: a bulletin.yaml, given where an issue belongs."""
    keys = {k.value for k, _ in root.value if isinstance(k, ScalarNode)} if isinstance(root, MappingNode) else set()
    return "issue" not in keys and {"publisher", "masthead"} <= keys


def load_issue(path: Path, *, publication: Path | None = None) -> Issue:
    """Read an issue and its publication into the model. Raises SourceError with every problem in both files."""
    source = load_yaml(path)
    if source.root is None:  # unreadable or not YAML: that is the whole story, the publication aside
        raise SourceError(capped(source.diagnostics))
    if is_publication_node(source.root):
        raise SourceError([Diagnostic(SourcePos(source.name, 1, 1), "this is a publication file, not an issue",
                                      "render or check an issue that uses it, e.g. issues/2018-0602.yaml")])
    pub, root, diags = resolve_publication(path, source, publication)
    w = Walker(source)
    built = build_issue(w, source.root, BlockContext(path.parent, root)) if source.root else None
    diags = [*w.diagnostics, *diags]
    if built is None or pub is None or diags:
        raise SourceError(capped(diags))
    return Issue(info=built[0], sections=built[1], publication=pub, source=path)


def check_theme_option(ref: str) -> list[Diagnostic]:
    """Problems with a --theme argument: a shipped name or an existing .yaml file."""
    if ref.endswith(".yaml"):
        return [] if Path(ref).is_file() else [Diagnostic(None, f"--theme {ref}: no such file")]
    problem = check_theme_name(ref)
    return [Diagnostic(None, f"--theme {ref}: {problem}", "or give a path to a theme .yaml file")] if problem else []
