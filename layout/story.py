"""Model → flowables: the masthead page, the table of contents, the articles block by block, the closing."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import cast

from layout import model
from layout.buildstate import ComposeCache, PageRecord
from layout.errors import Diagnostic, SourceError, SourcePos
from layout.fitting import masthead_style
from layout.flowables import (
    Anchor,
    LabelledText,
    Rule,
    SignatureBlock,
    TextBlock,
    TocEntry,
    fold_keeps,
    text_block,
)
from layout.images import ImageError, downsampled, inspect_image, print_target
from layout.model import Align, Issue, Run, Text
from layout.platypus import Flowable, PageBreak, Table, TableStyle
from layout.platypus import Image as RLImage
from layout.styles import Style, resolve_style
from layout.text.compose import Alignment
from layout.text.words import split_words
from layout.theme import Theme
from layout.typeset import Ink, measure, spans_for

# Numbering an editor typed at the start of a list item ("1、", "(1) ", "（一）", "-", "①"): the hanging indent
# aligns wrapped lines with the text after it.
LIST_NUMBER = re.compile(r"^(?:\d+[、.．]|[(（][\d一二三四五六七八九十]+[)）]|[-–•·]|[①-⑳])\s*")
ATTACHMENTS_LABEL = "附件："
LINKS_LABEL = "相关链接："
CONTENTS_TITLE = "目录"
IMAGE_MAX_PAGE_SHARE = 0.8  # a tall image takes at most this share of the text block's height (room for a caption)


@dataclass
class StoryContext:
    """What every block builder needs: the theme, the composition cache, and the previous pass's pages."""

    theme: Theme  # page geometry, rules, spacing, colours of rules
    styles: Mapping[str, Style]  # the theme's text styles, resolved
    cache: ComposeCache
    record: PageRecord  # this pass's record, filled as anchors are drawn
    previous: PageRecord  # the previous pass's record: page numbers for the contents

    def style(self, name: str) -> Style:
        return self.styles[name]

    def text(
        self,
        text: Text | tuple[Run, ...],
        style: str | Style,
        *,
        source: SourcePos | None = None,
        keep_with_next: bool = False,
        balance: bool = False,
    ) -> TextBlock:
        resolved = self.styles[style] if isinstance(style, str) else style
        return text_block(text, resolved, self.cache, source=source, keep_with_next=keep_with_next, balance=balance)

    def anchor(self, key: str, title: str, level: int, *, section: bool = False) -> Anchor:
        headroom = self.theme.spacing["bookmark_headroom"]
        return Anchor(self.record, key, title, level, headroom=headroom, section=section)

    def width_of(self, text: str, style: Style) -> float:
        spans = spans_for(Text.of(text), style)
        return sum(measure(cast(Ink, s.style), ch) for s in spans for ch in s.text)


def build_story(issue: Issue, ctx: StoryContext) -> list[Flowable]:
    """The whole issue as flowables, in page order; keep-with-next runs are folded into groups."""
    flow: list[Flowable] = [*build_masthead(issue, ctx), *build_contents(issue, ctx), PageBreak()]
    for s, section in enumerate(issue.sections):
        for a, article in enumerate(section.articles):
            if a == 0:
                flow.append(ctx.anchor(section_key(s), section.title.plain, 0, section=True))
                flow.append(
                    ctx.text(section_label(section), "section", keep_with_next=True, source=section.pos)
                )
            flow.extend(build_article(article, article_key(s, a), ctx))
    flow.extend(build_closing(issue, ctx))
    return fold_keeps(flow, ctx.theme.page.text_height)


def section_key(s: int) -> str:
    return f"s{s + 1}"


def article_key(s: int, a: int) -> str:
    return f"s{s + 1}a{a + 1}"


def section_label(section: model.Section) -> Text:
    """A section as printed: "[政策文件]"."""
    return Text((Run("["), *section.title.runs, Run("]")), section.title.pos)


def build_masthead(issue: Issue, ctx: StoryContext) -> list[Flowable]:
    pub = issue.publication
    theme = ctx.theme
    # Each on one line, fitted (build_pdf has refused what cannot fit: the fallback is never used).
    publisher = masthead_style(pub.publisher, "masthead_publisher", theme) or theme.style("masthead_publisher")
    title = masthead_style(pub.masthead, "masthead_title", theme) or theme.style("masthead_title")
    return [
        ctx.text(Text.of(pub.publisher), resolve_style(theme, publisher)),
        ctx.text(Text.of(pub.masthead), resolve_style(theme, title)),
        ctx.text(Text.of(issue.info.line), "masthead_issue"),
        Rule(
            theme.rules["masthead"],
            theme.colors["masthead"],
            space_before=theme.spacing["masthead_rule_before"],
            gap=theme.spacing["masthead_rules_gap"],
        ),
        Rule(theme.rules["masthead_thin"], theme.colors["masthead"], space_after=theme.spacing["masthead_rule_after"]),
    ]


def build_contents(issue: Issue, ctx: StoryContext) -> list[Flowable]:
    """目 录: one entry per section and per article, numbers from the previous pass or filled in at the end of
    this one, each a link."""
    flow: list[Flowable] = [
        ctx.anchor("contents", CONTENTS_TITLE, 0),
        ctx.text(Text.of(CONTENTS_TITLE), "toc_title"),
    ]

    # The previous pass's page numbers, which the entries print: their widest sets the number column.
    numbers = {str(page) for page in ctx.previous.pages.values()}
    widest = {
        name: max((ctx.width_of(number, ctx.style(name)) for number in numbers), default=0.0)
        for name in ("toc_section", "toc_article")
    }
    for s, section in enumerate(issue.sections):
        flow.append(contents_entry(section_label(section), "toc_section", section_key(s), ctx, widest["toc_section"]))
        for a, article in enumerate(section.articles):
            key = article_key(s, a)
            flow.append(contents_entry(article.contents_title, "toc_article", key, ctx, widest["toc_article"]))
    return flow


def contents_entry(title: Text, style_name: str, key: str, ctx: StoryContext, widest_number: float) -> TocEntry:
    """One contents line, its number taken from the previous pass (in the first, filled in at its end)."""
    style = ctx.style(style_name)
    return TocEntry(
        spans_for(title, style),
        style,
        ctx.theme.toc,
        ctx.cache,
        key=key,
        page=ctx.previous.pages.get(key),
        number_spans=lambda digits: spans_for(Text.of(digits), style),
        record=ctx.record,
        widest_number=widest_number,
    )


def build_article(article: model.Article, key: str, ctx: StoryContext) -> list[Flowable]:
    """Title (centred, heading face), document number, then the blocks; the heads keep with the text."""
    flow: list[Flowable] = [
        ctx.anchor(key, article.title.plain, 1),
        ctx.text(article.title, "article_title", keep_with_next=True, balance=True, source=article.pos),
    ]
    if article.doc_number:
        flow.append(ctx.text(article.doc_number, "doc_number", keep_with_next=True))
    for block in article.blocks:
        flow.extend(BLOCK_BUILDERS[type(block)](block, ctx))
    return flow


def build_paragraph(block: model.Paragraph, ctx: StoryContext) -> list[Flowable]:
    return [ctx.text(block.text, "body", source=block.pos)]


def build_plain(block: model.Plain, ctx: StoryContext) -> list[Flowable]:
    return [ctx.text(block.text, "plain", source=block.pos)]


def build_heading(block: model.Heading, ctx: StoryContext) -> list[Flowable]:
    return [ctx.text(block.text, f"heading{block.level}", keep_with_next=True, source=block.pos)]


def build_subtitle(block: model.Subtitle, ctx: StoryContext) -> list[Flowable]:
    return [ctx.text(block.text, "subtitle", keep_with_next=True, balance=True, source=block.pos)]


def build_list(block: model.ListBlock, ctx: StoryContext) -> list[Flowable]:
    """Items hanging from their own numbering; when every item is numbered alike ("1、" "2、" …), the texts share
    one column, so a narrow "1" does not pull its item's text out of line."""
    style = ctx.style("list_item")
    first = style.first_indent
    numbers = [LIST_NUMBER.match(item.plain) for item in block.items]
    kinds = {re.sub(r"\d+|[一二三四五六七八九十]+|[①-⑳]", "0", number.group(0)) for number in numbers if number}
    if not all(numbers) or len(kinds) > 1:
        flow: list[Flowable] = []
        for item, number in zip(block.items, numbers, strict=True):
            hang = ctx.width_of(number.group(0), style) if number else 0.0
            flow.append(ctx.text(item, style.but(first_indent=first, indent=first + hang), source=block.pos))
        return flow
    prefixes = [number.group(0) for number in numbers if number]
    column = first + max(ctx.width_of(prefix, style) for prefix in prefixes)
    flow = []
    for item, prefix in zip(block.items, prefixes, strict=True):
        label_runs, text_runs = split_runs(item.runs, len(prefix))
        hanging = style.but(first_indent=column, indent=column)
        label = spans_for(label_runs, style)
        flow.append(LabelledText([(first, label)], spans_for(text_runs, style), hanging, ctx.cache, source=block.pos))
    return flow


def split_runs(runs: tuple[Run, ...], at: int) -> tuple[tuple[Run, ...], tuple[Run, ...]]:
    """Runs cut at character `at` of their joined text: (before, after), styles and links kept."""
    before: list[Run] = []
    after: list[Run] = []
    seen = 0
    for run in runs:
        cut = min(max(at - seen, 0), len(run.text))
        if cut:
            before.append(Run(run.text[:cut], run.bold, run.link))
        if cut < len(run.text):
            after.append(Run(run.text[cut:], run.bold, run.link))
        seen += len(run.text)
    return tuple(before), tuple(after)


def build_signature(block: model.Signature, ctx: StoryContext) -> list[Flowable]:
    style = ctx.style("signature")
    return [SignatureBlock([spans_for(line, style) for line in block.lines], style, ctx.cache)]


def build_attachments(block: model.Attachments, ctx: StoryContext) -> list[Flowable]:
    """ "附件：" then the names; two or more are numbered "1．" and aligned under each other (GB/T 9704)."""
    style = ctx.style("attachments")
    first = style.first_indent
    label = ctx.width_of(ATTACHMENTS_LABEL, style)
    if len(block.items) == 1:
        runs = (Run(ATTACHMENTS_LABEL), *block.items[0].runs)
        return [ctx.text(runs, style.but(first_indent=first, indent=first + label), source=block.pos)]
    flow: list[Flowable] = []
    numbers = [f"{i}．" for i in range(1, len(block.items) + 1)]
    number_width = max(ctx.width_of(n, style) for n in numbers)
    column = first + label + number_width  # every name starts here, whatever its number's width
    for i, (number, item) in enumerate(zip(numbers, block.items, strict=True)):
        labels = [(first + label, spans_for(Text.of(number), style))]
        if i == 0:
            labels.insert(0, (first, spans_for(Text.of(ATTACHMENTS_LABEL), style)))
        hanging = style.but(first_indent=column, indent=column, space_before=None if i == 0 else 0)
        flow.append(LabelledText(labels, spans_for(item, style), hanging, ctx.cache, source=block.pos))
    return flow


def build_links(block: model.Links, ctx: StoryContext) -> list[Flowable]:
    flow: list[Flowable] = [ctx.text(Text.of(LINKS_LABEL), "links", keep_with_next=True)]
    for url in block.urls:
        flow.append(ctx.text(url, ctx.style("links").but(space_before=0, align=Alignment.LEFT), source=block.pos))
    return flow


def build_table(block: model.Table, ctx: StoryContext) -> list[Flowable]:
    """A ruled table whose cells wrap Chinese text; it splits across pages repeating the header row."""
    theme = ctx.theme
    columns = len(block.header)
    pad = theme.table.padding
    widths = column_widths(block, ctx)
    aligns = [ALIGNMENTS[a] for a in block.align] if block.align else [Alignment.LEFT] * columns

    def cell(text: Text, style_name: str, align: Alignment) -> TextBlock:
        return ctx.text(text, ctx.style(style_name).but(align=align, space_before=0))

    rows = [[cell(t, "table_head", Alignment.CENTER) for t in block.header]]
    rows += [[cell(t, "table_cell", aligns[i]) for i, t in enumerate(row)] for row in block.rows]
    table = Table(rows, colWidths=widths, repeatRows=1, splitByRow=1)
    table.setStyle(
        TableStyle([
            ("GRID", (0, 0), (-1, -1), theme.rules["table"], theme.colors["rule"]),
            # Cells hold our own text blocks; naming our face keeps ReportLab from embedding its default Helvetica.
            ("FONTNAME", (0, 0), (-1, -1), ctx.style("body").regular[0].name),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), pad),
            ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ("TOPPADDING", (0, 0), (-1, -1), pad),
            ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
        ])
    )  # fmt: skip
    table.spaceBefore, table.spaceAfter = theme.table.space_before, theme.table.space_after
    table.source = block.pos  # named in the message if a row is taller than a page
    flow: list[Flowable] = []
    if block.caption:
        flow.append(ctx.text(block.caption, "caption", keep_with_next=True))
    flow.append(table)
    return flow


# A run that never breaks inside a table cell: a number with its signs and separators (021-64331234, 9:00-17:00).
UNBREAKABLE_NUMBER = re.compile(r"[0-9][0-9.,:/%+\-]*[0-9%]|[0-9]")


def column_widths(block: model.Table, ctx: StoryContext) -> list[float]:
    """Column widths from each column's min-content width (its widest header word or number, which never break)
    and max-content width (its widest cell on one line), as CSS's automatic table layout does. Given `widths` are
    the preferred shares, honoured as far as every column keeps its min-content width; without them the columns
    get their max-content width when everything fits, else their minimum plus a share of the rest by content."""
    theme = ctx.theme
    head, body = ctx.style("table_head"), ctx.style("table_cell")
    pad = 2 * theme.table.padding
    avail = theme.page.text_width
    columns = len(block.header)
    mins, maxs = [], []
    for c in range(columns):
        header = block.header[c].plain
        units = [ctx.width_of(word, head) for word in split_words(header)]
        natural = [ctx.width_of(header, head)]
        for row in block.rows:
            text = row[c].plain
            units += [ctx.width_of(m.group(0), body) for m in UNBREAKABLE_NUMBER.finditer(text)]
            units.append(body.size)  # a Han character
            natural.append(ctx.width_of(text, body))
        mins.append(max(units) + pad)
        maxs.append(max(mins[-1], max(natural) + pad))
    if sum(mins) >= avail:
        return [avail * m / sum(mins) for m in mins]  # nothing to share: keep the proportions of the minimums
    if block.widths:
        total = sum(block.widths)
        return _honour_minimums([avail * w / total for w in block.widths], mins)
    if sum(maxs) <= avail:
        spare = avail - sum(maxs)
        return [m + spare * m / sum(maxs) for m in maxs]
    flexible = [mx - mn for mn, mx in zip(mins, maxs, strict=True)]
    return [mn + (avail - sum(mins)) * f / sum(flexible) for mn, f in zip(mins, flexible, strict=True)]


def _honour_minimums(wanted: list[float], mins: list[float]) -> list[float]:
    """`wanted` with every column raised to its minimum, the room taken from the others in proportion to what they
    have above theirs (sum(mins) is below the total, so this ends)."""
    widths = list(wanted)
    for _ in range(len(widths)):
        deficit = sum(mn - w for w, mn in zip(widths, mins, strict=True) if w < mn)
        if deficit <= 1e-6:
            break
        spare = [max(0.0, w - mn) for w, mn in zip(widths, mins, strict=True)]
        widths = [max(w, mn) - deficit * s / sum(spare) for w, mn, s in zip(widths, mins, spare, strict=True)]
    return widths


ALIGNMENTS = {Align.LEFT: Alignment.LEFT, Align.CENTER: Alignment.CENTER, Align.RIGHT: Alignment.RIGHT}


def build_image(block: model.Image, ctx: StoryContext) -> list[Flowable]:
    """A PNG/JPEG at `width` (default: natural size at its dpi), never wider than the text block, embedded at no
    more than the pixels its printed size needs (images.PRINT_DPI)."""
    try:
        info = inspect_image(block.path)
    except (ImageError, OSError) as exc:  # check refuses these first; here the file changed since the source was read
        message = exc.message if isinstance(exc, ImageError) else f"cannot be read ({exc.strerror})"
        raise SourceError([Diagnostic(block.pos, f"image {block.path.name} {message}")]) from None
    page = ctx.theme.page
    # Never wider than the text block, nor taller than it (a tall image is scaled down to fit a page).
    width = min(block.width_pt or info.natural_width_pt(), page.text_width,
                page.text_height * IMAGE_MAX_PAGE_SHARE * info.width / info.height)
    height = width * info.height / info.width
    target = print_target(block.path, width, height)
    source: str | io.BytesIO = str(block.path)
    if target is not None:  # the build's cache keeps the copy across its passes
        source = io.BytesIO(ctx.cache.print_copy((block.path, target), lambda: downsampled(block.path, target)))
    image = RLImage(source, width=width, height=height)
    image.hAlign = "CENTER"
    image.source = block.pos
    image.spaceBefore = image.spaceAfter = ctx.theme.spacing["image"]
    if not block.caption:
        return [image]
    image.keep_with_next = True
    return [image, ctx.text(block.caption, "caption")]


def build_page_break(block: model.PageBreak, ctx: StoryContext) -> list[Flowable]:
    return [PageBreak()]


def build_closing(issue: Issue, ctx: StoryContext) -> list[Flowable]:
    """The publication's closing lines after the last article, under a rule, kept together."""
    if not issue.publication.closing:
        return []
    theme = ctx.theme
    space = theme.spacing
    rule = Rule(
        theme.rules["closing"],
        theme.colors["rule"],
        space_before=space["closing_rule_before"],
        space_after=space["closing_rule_after"],
    )
    flow: list[Flowable] = [rule]
    flow[0].keep_with_next = True
    for i, line in enumerate(issue.publication.closing):
        last = i == len(issue.publication.closing) - 1
        flow.append(ctx.text(line, "closing", keep_with_next=not last))
    return flow


BLOCK_BUILDERS: dict[type, Callable[..., list[Flowable]]] = {
    model.Paragraph: build_paragraph,
    model.Plain: build_plain,
    model.Heading: build_heading,
    model.Subtitle: build_subtitle,
    model.ListBlock: build_list,
    model.Table: build_table,
    model.Signature: build_signature,
    model.Attachments: build_attachments,
    model.Links: build_links,
    model.Image: build_image,
    model.PageBreak: build_page_break,
}


# --- what the story prints, for glyph coverage -----------------------------------------------------------------


def story_texts(issue: Issue) -> list[tuple[str, Text]]:
    """Every text the builders above print, with the style it is printed in, in page order: the masthead page,
    the contents (titles and page numbers), the articles with their labels, and the closing. Generated text
    (labels, numbers) is placed at the publication, whose theme must print it."""
    pub = issue.publication
    here = pub.pos
    digits = Text.of("0123456789", here)
    out: list[tuple[str, Text]] = [
        ("masthead_publisher", pub.publisher_text or Text.of(pub.publisher, here)),
        ("masthead_title", pub.masthead_text or Text.of(pub.masthead, here)),
        ("masthead_issue", Text.of(issue.info.line, issue.info.pos)),
        ("toc_title", Text.of(CONTENTS_TITLE, here)),
        ("toc_section", digits),
        ("toc_article", digits),
    ]
    for section in issue.sections:
        label = section_label(section)
        out += [("toc_section", label), ("section", label)]
        for article in section.articles:
            out += [("toc_article", article.contents_title), ("article_title", article.title)]
            if article.doc_number:
                out.append(("doc_number", article.doc_number))
            for block in article.blocks:
                out += block_printed(block, here)
    out += [("closing", line) for line in pub.closing]
    return out


def block_printed(block: model.Block, here: SourcePos) -> list[tuple[str, Text]]:
    """The texts one block prints, with their styles (labels and numbers included)."""
    match block:
        case model.Paragraph(text=text):
            return [("body", text)]
        case model.Plain(text=text):
            return [("plain", text)]
        case model.Heading(text=text, level=level):
            return [(f"heading{level}", text)]
        case model.Subtitle(text=text):
            return [("subtitle", text)]
        case model.ListBlock(items=items):
            return [("list_item", item) for item in items]
        case model.Signature(lines=lines):
            return [("signature", line) for line in lines]
        case model.Attachments(items=items):
            return [("attachments", Text.of(ATTACHMENTS_LABEL + "0123456789．", here)),
                    *(("attachments", item) for item in items)]  # fmt: skip
        case model.Links(urls=urls):
            return [("links", Text.of(LINKS_LABEL, here)), *(("links", url) for url in urls)]
        case model.Table(header=header, rows=rows, caption=caption):
            cells = [("table_head", cell) for cell in header] + [("table_cell", c) for row in rows for c in row]
            return [*cells, ("caption", caption)] if caption else cells
        case model.Image(caption=caption):
            return [("caption", caption)] if caption else []
    return []
