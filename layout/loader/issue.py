"""Source loader: an issue file and its publication -> the typed model (model.Issue), every problem positioned."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode

from layout.errors import Diagnostic, SourceError, SourcePos
from layout.loader.blocks import BlockContext, build_block
from layout.loader.definitions import ARTICLE, ISSUE_FILE, ISSUE_INFO, SECTION, MappingDef
from layout.loader.publication import resolve_publication
from layout.loader.scalars import all_built, build_text
from layout.model import (
    Article,
    Block,
    Issue,
    IssueInfo,
    Section,
)
from layout.yamlsrc import (
    NULL,
    STR,
    TIMESTAMP,
    Walker,
    capped,
    describe,
    load_yaml,
)


def keys_of(w: Walker, node: Node, definition: MappingDef) -> dict[str, tuple[Node, Node]] | None:
    """A mapping's keys checked against its definition (unknown, missing and duplicate keys reported)."""
    return w.mapping(node, definition.name, required=definition.required, optional=definition.optional)


def build_article(w: Walker, ctx: BlockContext, node: Node) -> Article | None:
    f = keys_of(w, node, ARTICLE)
    if f is None:
        return None
    title = build_text(w, f["title"][1], "title") if "title" in f else None
    optional = {key: build_text(w, f[key][1], key) if key in f else None for key in ("toc_title", "doc_number")}
    items = w.sequence(f["blocks"][1], "blocks", example="- 正文……") if "blocks" in f else None
    blocks: tuple[Block, ...] | None = all_built([build_block(w, ctx, item) for item in items or []])
    toc_title, doc_number = optional["toc_title"], optional["doc_number"]
    if title is None or items is None or blocks is None or any(k in f and not v for k, v in optional.items()):
        return None
    return Article(title, blocks, toc_title, doc_number, w.pos(node))


def build_section(w: Walker, ctx: BlockContext, node: Node) -> Section | None:
    f = keys_of(w, node, SECTION)
    if f is None:
        return None
    title = build_text(w, f["title"][1], "section title") if "title" in f else None
    items = w.sequence(f["articles"][1], "articles", example="- title: …") if "articles" in f else None
    articles = all_built([build_article(w, ctx, item) for item in items or []])
    if title is None or items is None or articles is None:
        return None
    return Section(title, articles, w.pos(node))


def build_issue_info(w: Walker, node: Node) -> IssueInfo | None:
    f = keys_of(w, node, ISSUE_INFO)
    if f is None:
        return None
    year = w.integer(f["year"][1], "year", "2018") if "year" in f else None
    number = build_number(w, f["number"][1]) if "number" in f else None
    date = build_date(w, f["date"][1]) if "date" in f else None
    if year is None or number is None or ("date" in f and date is None):
        return None
    return IssueInfo(year, number, date, w.pos(f["number"][1]))


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
    f = keys_of(w, root_node, ISSUE_FILE)
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
    w = Walker(source, normalize_punctuation=pub is not None and pub.normalize_punctuation)
    built = build_issue(w, source.root, BlockContext(path.parent, root)) if source.root else None
    diags = [*w.diagnostics, *diags]
    if built is None or pub is None or diags:
        raise SourceError(capped(diags))
    return Issue(info=built[0], sections=built[1], publication=pub, source=path)


