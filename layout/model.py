"""The typed document model: what the loader produces and every later stage consumes.

No ReportLab here and no raw dicts: a publication, an issue, its sections, articles and
blocks are frozen dataclasses. Inline text is a tuple of `Run`s (plain, bold or linked
text), never markup. Every node keeps the `SourcePos` it came from (excluded from
equality) so later stages (glyph coverage, layout errors) can point at the source line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from layout.errors import SourcePos

NOWHERE = SourcePos("<generated>", 0, 0)


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of inline text in one style. `link` is the target URI of a clickable address."""

    text: str
    bold: bool = False
    link: str | None = None


@dataclass(frozen=True, slots=True)
class Text:
    """Inline text: runs in order. `pos` is where the scalar starts; `locate(i)` maps a character index back."""

    runs: tuple[Run, ...]
    pos: SourcePos = field(default=NOWHERE, compare=False)
    # Column of character i is pos.col + col_offset + i when the scalar sits on one source line
    # (col_offset is 1 for a quoted scalar); None when the scalar spans lines or was rewritten.
    col_offset: int | None = field(default=None, compare=False)

    @property
    def plain(self) -> str:
        """The text as printed, markup removed."""
        return "".join(r.text for r in self.runs)

    def locate(self, index: int) -> SourcePos:
        """Best-effort source position of the character at `index` of `plain`."""
        if self.col_offset is None:
            return self.pos
        return SourcePos(self.pos.file, self.pos.line, self.pos.col + self.col_offset + index)

    @staticmethod
    def of(text: str, pos: SourcePos = NOWHERE) -> Text:
        """Plain text in one run (for generated text such as "附件：")."""
        return Text((Run(text),), pos)


class Align(Enum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Body text, justified, first line indented two characters."""

    text: Text
    pos: SourcePos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class Plain:
    """Body text without first-line indent (addressees, contact lines)."""

    text: Text
    pos: SourcePos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class Heading:
    """In-article heading: level 1 "一、", level 2 "（一）", level 3 "1、"."""

    text: Text
    level: int = 1
    pos: SourcePos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class Subtitle:
    """Centred title of a document embedded in the article."""

    text: Text
    pos: SourcePos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class ListBlock:
    """Items with a hanging indent; items keep their own numbering text."""

    items: tuple[Text, ...]
    pos: SourcePos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class Table:
    """A ruled table; every row has as many cells as the header."""

    header: tuple[Text, ...]
    rows: tuple[tuple[Text, ...], ...]
    widths: tuple[float, ...] | None = None
    align: tuple[Align, ...] | None = None
    caption: Text | None = None
    pos: SourcePos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class Signature:
    """Lines right-aligned as a block, kept together."""

    lines: tuple[Text, ...]
    pos: SourcePos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class Attachments:
    """"附件：" and the names, numbered when two or more."""

    items: tuple[Text, ...]
    pos: SourcePos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class Links:
    """"相关链接：" and each address on its own line; each Text is one linked run."""

    urls: tuple[Text, ...]
    pos: SourcePos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class Image:
    """A PNG/JPEG, scaled to `width_pt` (None: natural size), never wider than the text block."""

    path: Path
    width_pt: float | None = None
    caption: Text | None = None
    pos: SourcePos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class PageBreak:
    """The next block starts a new page."""

    pos: SourcePos = field(default=NOWHERE, compare=False)


Block = Paragraph | Plain | Heading | Subtitle | ListBlock | Table | Signature | Attachments | Links | Image | PageBreak


@dataclass(frozen=True, slots=True)
class Article:
    title: Text
    blocks: tuple[Block, ...]
    toc_title: Text | None = None
    doc_number: Text | None = None
    pos: SourcePos = field(default=NOWHERE, compare=False)

    @property
    def contents_title(self) -> Text:
        """The title the table of contents shows."""
        return self.toc_title or self.title


@dataclass(frozen=True, slots=True)
class Section:
    title: Text
    articles: tuple[Article, ...]
    pos: SourcePos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class Publication:
    """Who publishes the bulletin, its masthead, footer, closing and theme.

    `footer` and `closing` have their {placeholders} already substituted. `theme` is a
    shipped theme name or an absolute path to a theme YAML (already checked to lie in `root`).
    `root` is the folder holding the publication file: source paths may not leave it.
    """

    publisher: str
    masthead: str
    footer: tuple[Text, ...]
    contact: tuple[tuple[str, str], ...] = ()
    closing: tuple[Text, ...] = ()
    theme: str | Path = "default"
    # Half-width , ; : ( ) typed between Chinese characters are set full width before layout (layout/punctuation.py)
    normalize_punctuation: bool = False
    root: Path = Path(".")
    source: Path | None = None  # the file it came from (bulletin.yaml, or the issue for an inline block)
    pos: SourcePos = field(default=NOWHERE, compare=False)
    # publisher and masthead as written, with their positions (glyph coverage points at the character)
    publisher_text: Text | None = field(default=None, compare=False)
    masthead_text: Text | None = field(default=None, compare=False)
    masthead_pos: SourcePos = field(default=NOWHERE, compare=False)
    publisher_pos: SourcePos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class IssueInfo:
    year: int
    number: str
    date: dt.date | None = None
    pos: SourcePos = field(default=NOWHERE, compare=False)

    @property
    def line(self) -> str:
        """The masthead's issue line, e.g. "(2018) 0602 期"."""
        return f"({self.year}) {self.number} 期"


@dataclass(frozen=True, slots=True)
class Issue:
    """One issue of a publication, ready for rendering."""

    info: IssueInfo
    sections: tuple[Section, ...]
    publication: Publication
    source: Path

    @property
    def stem(self) -> str:
        """The output file stem, e.g. "2018-0602"."""
        return self.source.stem

    def texts(self) -> list[Text]:
        """Every piece of text the issue prints, in reading order (for glyph coverage checks)."""
        out: list[Text] = [*self.publication.footer, *self.publication.closing]
        for section in self.sections:
            out.append(section.title)
            for article in section.articles:
                out.append(article.title)
                if article.toc_title:
                    out.append(article.toc_title)
                if article.doc_number:
                    out.append(article.doc_number)
                for block in article.blocks:
                    out.extend(block_texts(block))
        return out


def block_texts(block: Block) -> list[Text]:
    """The texts one block prints."""
    match block:
        case Paragraph(text=t) | Plain(text=t) | Heading(text=t) | Subtitle(text=t):
            return [t]
        case ListBlock(items=items) | Attachments(items=items):
            return list(items)
        case Signature(lines=lines):
            return list(lines)
        case Links(urls=urls):
            return list(urls)
        case Table(header=header, rows=rows, caption=caption):
            cells = [*header, *(c for row in rows for c in row)]
            return [*cells, caption] if caption else cells
        case Image(caption=caption):
            return [caption] if caption else []
        case _:
            return []
