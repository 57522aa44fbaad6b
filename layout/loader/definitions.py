"""What an issue and a publication may contain, as data: keys, block kinds, value types, enums and ranges,
each described in Chinese and English.

The loader reads its keys, kinds, options, choices and limits from here, and `bulletin schema` turns the
same definitions into JSON Schema for editors, so the two cannot drift apart. The loader's builders still
do the checking (with positioned messages no schema can give); the schema tests check that what the schema
refuses, `check` refuses too.
"""

from __future__ import annotations

from dataclasses import dataclass

from layout.model import Align


# --- value types ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Text:
    """Text, printed as written (YAML 1.1 numbers, dates and yes/no keep their spelling)."""

    empty: bool = False  # "" allowed (table cells)
    quoted: bool = False  # must be quoted: YAML would read the unquoted form as a number (issue numbers)
    pattern: str | None = None  # a regular expression the text must match (JSON Schema dialect)


@dataclass(frozen=True, slots=True)
class WholeNumber:
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True, slots=True)
class PositiveNumber:
    """A number greater than zero (column widths)."""


@dataclass(frozen=True, slots=True)
class Date:
    """An ISO date, YYYY-MM-DD."""


@dataclass(frozen=True, slots=True)
class Length:
    """A length with a unit (40mm, 1.5cm, 12pt, 0.5in) or a bare number of points."""


@dataclass(frozen=True, slots=True)
class Choice:
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OnlyTrue:
    """The literal `true` (YAML 1.1's yes/on are refused: too easy to write by accident)."""


@dataclass(frozen=True, slots=True)
class Boolean:
    """The literal `true` or `false` (YAML 1.1's yes/no/on/off are refused: too easy to write by accident)."""


@dataclass(frozen=True, slots=True)
class ThemeRef:
    """A shipped theme's name or a path to a theme .yaml file."""


@dataclass(frozen=True, slots=True)
class FreeMapping:
    """Names of the editor's choosing with text values, nested mappings allowed (contact)."""


@dataclass(frozen=True, slots=True)
class ListOf:
    item: Value
    min_items: int = 1
    max_items: int | None = None


@dataclass(frozen=True, slots=True)
class Ref:
    """Another definition by name (a MappingDef, or "block")."""

    name: str


Value = (
    Text | WholeNumber | PositiveNumber | Date | Length | Choice | OnlyTrue | Boolean | ThemeRef | FreeMapping | ListOf
    | Ref
)


# --- mappings ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Field:
    key: str
    value: Value
    zh: str
    en: str
    required: bool = False
    missing: str | None = None  # the hint of the loader's "X is missing 'key' (…)" message; default `en`


@dataclass(frozen=True, slots=True)
class MappingDef:
    name: str  # as messages name it: "article", "the issue file"
    zh: str
    en: str
    fields: tuple[Field, ...]

    @property
    def required(self) -> dict[str, str]:
        """Required key -> what to say when it is missing (the loader's Walker.mapping argument)."""
        return {f.key: f.missing or f.en for f in self.fields if f.required}

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields if not f.required)

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)


@dataclass(frozen=True, slots=True)
class BlockKind:
    name: str
    value: Value
    zh: str
    en: str
    options: tuple[Field, ...] = ()


TEXT = Text()
TEXTS = ListOf(TEXT)
MAX_FOOTER_LINES = 3
TOP_HEADING_LEVEL, DEEPEST_HEADING_LEVEL = 1, 3
HEADING_LEVELS = WholeNumber(TOP_HEADING_LEVEL, DEEPEST_HEADING_LEVEL)
ALIGNMENTS = Choice(tuple(a.value for a in Align))
# One web address per item: http(s)://…, www.… or an e-mail address (the loader checks with the inline parser).
WEB_ADDRESS = Text(pattern=r"^(https?://|www\.|[^\s@]+@[^\s@]+\.)\S*$")

PUBLICATION = MappingDef("the publication", "刊物：出版者、报头、页脚、结尾和版式", "the publication: publisher, "
                         "masthead, footer, closing lines and theme (bulletin.yaml)", (
    Field("publisher", TEXT, "出版者，如 北京关键要素科技有限公司", "who publishes the bulletin", required=True),
    Field("masthead", TEXT, "报头：第一页上的大标题，如 快讯", "the big title on page 1", required=True),
    Field("contact", FreeMapping(), "联系方式：名称和值，页脚和结尾中写 {contact.名称}",
          "contact details, names and values used as {contact.NAME} in footer and closing"),
    Field("footer", ListOf(TEXT, 1, MAX_FOOTER_LINES), "页脚，1 至 3 行；可用 {publisher}、{contact.phone} 等",
          "running footer, 1 to 3 lines; {publisher}, {contact.phone} … are replaced", required=True,
          missing="1-3 running footer lines"),
    Field("closing", TEXTS, "结尾：印在最后一篇文章之后的几行", "lines printed after the last article"),
    Field("theme", ThemeRef(), "版式：随附版式的名称（如 default）或版式 .yaml 文件的路径",
          "a shipped theme's name (such as default) or the path of a theme .yaml file"),
    Field("normalize_punctuation", Boolean(), "为 true 时，把夹在汉字之间的半角 , ; : ( ) 排成全角标点",
          "true: half-width , ; : ( ) typed between Chinese characters are set full width before layout"),
))

ISSUE_INFO = MappingDef("issue", "本期：年份、期号和日期", "this issue: year, number and date", (
    Field("year", WholeNumber(), "年份，不加引号，如 2018", "the year, a whole number without quotes", required=True,
          missing="e.g. 2018"),
    Field("number", Text(quoted=True), '期号，要加引号以保留前导零，如 "0602"',
          'the issue number, quoted to keep leading zeros, such as "0602"', required=True, missing='e.g. "0602"'),
    Field("date", Date(), "出版日期，如 2018-06-04；也是 PDF 的创建日期",
          "publication date, such as 2018-06-04; also the PDF's creation date"),
))

TABLE = MappingDef("table", "表格", "a table", (
    Field("header", ListOf(Text(empty=True)), "表头：一行单元格", "the header row, a list of cells", required=True),
    Field("rows", ListOf(ListOf(Text(empty=True))), "各行，每行的单元格数与表头相同",
          "the rows, each with as many cells as the header", required=True, missing="a list of rows"),
    Field("widths", ListOf(PositiveNumber()), "各列的相对宽度，每列一个正数",
          "relative column widths, one positive number per column"),
    Field("align", ListOf(ALIGNMENTS), "各列的对齐：left、center 或 right", "column alignment: left, center or right"),
    Field("caption", TEXT, "表题", "the table's caption"),
))

IMAGE = MappingDef("image", "图片", "an image", (
    Field("path", TEXT, "PNG 或 JPEG 文件，相对于本期文件", "the PNG/JPEG file, relative to this issue file",
          required=True),
    Field("width", Length(), "宽度，如 40mm、1.5cm、12pt；不写则按原大小", "width, such as 40mm, 1.5cm or 12pt; "
          "without it the natural size"),
    Field("caption", TEXT, "图题", "the image's caption"),
))

BLOCK_KINDS_DEF: tuple[BlockKind, ...] = (
    BlockKind("p", TEXT, "段落（首行缩进两字）", "a paragraph (first line indented two characters)"),
    BlockKind("plain", TEXT, "不缩进的一行，如 各有关单位：", "a line without indent, such as a salutation"),
    BlockKind("heading", TEXT, "小标题；level 为 1（一、）、2（（一））或 3（1、）",
              "a heading; level 1 (一、), 2 (（一）) or 3 (1、)",
              (Field("level", HEADING_LEVELS, "小标题级别：1、2 或 3", "heading level: 1, 2 or 3"),)),
    BlockKind("subtitle", TEXT, "副标题", "a sub-title"),
    BlockKind("list", TEXTS, "列表，各项保留自己的编号", "a list; items keep their own numbering"),
    BlockKind("table", Ref("table"), "表格", "a table"),
    BlockKind("signature", TEXTS, "落款：署名和日期，右对齐", "a signature: names and date, set to the right"),
    BlockKind("attachments", TEXTS, "附件名称", "attachment names"),
    BlockKind("links", ListOf(WEB_ADDRESS), "链接，每项一个网址或电子邮件地址",
              "links, one web or e-mail address per item"),
    BlockKind("image", Ref("image"), "图片", "an image"),
    BlockKind("page_break", OnlyTrue(), "分页（只写 true）", "a page break (only true)"),
)
BLOCK_KINDS = tuple(kind.name for kind in BLOCK_KINDS_DEF)
BLOCK_OPTIONS: dict[str, tuple[str, ...]] = {k.name: tuple(o.key for o in k.options) for k in BLOCK_KINDS_DEF
                                             if k.options}
PARAGRAPH_AS_TEXT = "一段正文：不写种类的文字就是段落 / a paragraph: text without a kind is a paragraph"

ARTICLE = MappingDef("article", "文章", "an article", (
    Field("title", TEXT, "标题", "the article's title", required=True),
    Field("toc_title", TEXT, "目录中用的短标题", "a shorter title for the contents"),
    Field("doc_number", TEXT, "发文字号，如 工信部信管函〔2018〕188号", "the document number"),
    Field("blocks", ListOf(Ref("block")), "正文：段落、小标题、表格等", "the text: paragraphs, headings, tables…",
          required=True, missing="its text, a list of blocks"),
))

SECTION = MappingDef("section", "栏目", "a section", (
    Field("title", TEXT, "栏目名，如 政策文件", "the section's title", required=True, missing="e.g. 政策文件"),
    Field("articles", ListOf(Ref("article")), "本栏目的文章", "the section's articles", required=True,
          missing="a list of articles"),
))

ISSUE_FILE = MappingDef("the issue file", "一期快讯", "one issue of the bulletin", (
    Field("issue", Ref("issue"), "本期：年份、期号、日期", "year, number and date", required=True,
          missing="year and number"),
    Field("sections", ListOf(Ref("section")), "栏目", "the sections", required=True, missing="a list of sections"),
    Field("publication", Ref("the publication"), "刊物（没有 bulletin.yaml 时）",
          "the publication, when there is no bulletin.yaml"),
))

MAPPINGS: dict[str, MappingDef] = {m.name: m for m in (PUBLICATION, ISSUE_INFO, TABLE, IMAGE, ARTICLE, SECTION,
                                                        ISSUE_FILE)}
