"""The theme format as data: every key with its type, unit, allowed range, default and meaning.

One description serves three readers: `layout.theme` validates theme files against it (with positions),
`json_schema()` exports it for editors (`bulletin schema theme`), and `markdown()` writes docs/theme.md
(`python docs/make_theme_doc.py`; a test keeps the committed page equal to it).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import Node, ScalarNode, SequenceNode

from layout.text.cjk import Strictness
from layout.text.compose import Alignment, PunctuationStyle
from layout.units import parse_length
from layout.yamlsrc import BOOL, FLOAT, INT, STR, describe

# The text block (page less margins) must be at least this big, in points: 40 mm each way.
MIN_TEXT_BLOCK = 40 * 72 / 25.4
MIN_TEXT_BLOCK_SHOWN = "40mm"
# A style's line must hold at least this many ems of text beside its indents.
MIN_LINE_EMS = 2
# A deeper `parent:` chain of themes is surely a mistake.
MAX_PARENTS = 8

EM_PATTERN = re.compile(r"\s*([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))\s*em\s*")
LENGTH_JSON_PATTERN = r"^\s*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)\s*(pt|mm|cm|in)?\s*$"
EM_JSON_PATTERN = r"^\s*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)\s*em\s*$"
NAME_JSON_PATTERN = r"^[A-Za-z_][A-Za-z0-9_-]*$"
NAME = re.compile(NAME_JSON_PATTERN)


class InvalidValueError(Exception):
    """A value that does not fit its type or range; the message follows the key's dotted name."""


def _number_of(node: Node) -> float | None:
    """The number a plain YAML int/float scalar holds (booleans are not numbers), else None."""
    if not isinstance(node, ScalarNode) or node.tag not in (INT, FLOAT):
        return None
    text = node.value.replace("_", "").lower()
    if text in (".nan", ".inf", "+.inf", "-.inf"):
        return float(text.replace(".", "")) if "inf" in text else math.nan
    try:
        return float(int(text, 0)) if node.tag == INT else float(text)
    except ValueError:
        return None


def _finite(value: float, written: str) -> float:
    if not math.isfinite(value):
        raise InvalidValueError(f"must be a finite number (got {written})")
    return value


def _shown(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class Bounds:
    """An allowed range; `low`/`high` inclusive, `above` exclusive (the value must be greater)."""

    low: float | None = None
    high: float | None = None
    above: float | None = None
    shown: dict[str, str] = field(default_factory=dict)  # how each bound is written in messages and docs

    def check(self, value: float, written: str) -> None:
        if self.above is not None and not value > self.above:
            raise InvalidValueError(f"must be greater than {self.text('above')} (got {written})")
        if self.low is not None and value < self.low:
            raise InvalidValueError(f"must be at least {self.text('low')} (got {written})")
        if self.high is not None and value > self.high:
            raise InvalidValueError(f"must be at most {self.text('high')} (got {written})")

    def text(self, which: str) -> str:
        return self.shown.get(which) or _shown(getattr(self, which))

    def doc(self) -> str:
        low = f"> {self.text('above')}" if self.above is not None else (
            f"≥ {self.text('low')}" if self.low is not None else "")
        if self.high is None:
            return low
        return f"{low}, ≤ {self.text('high')}" if low else f"≤ {self.text('high')}"

    def json(self) -> dict[str, float]:
        out: dict[str, float] = {}
        if self.above is not None:
            out["exclusiveMinimum"] = self.above
        if self.low is not None:
            out["minimum"] = self.low
        if self.high is not None:
            out["maximum"] = self.high
        return out


# --- value types -----------------------------------------------------------------------------------------


class ValueType:
    """How one value is written, checked and documented."""

    label = "value"

    def parse(self, node: Node) -> Any:
        """The value of `node`; raises InvalidValueError with a message that follows the key's name."""
        raise NotImplementedError

    def json(self) -> dict[str, Any]:
        raise NotImplementedError

    def allowed(self) -> str:
        return ""


def _bounds(low: str | None = None, high: str | None = None, above: str | None = None, *,
            unit: str = "") -> Bounds:
    """Bounds written as lengths ("4pt", "50mm") or numbers ("0.1"); `unit` "pt" parses them as lengths."""
    def value(text: str | None) -> float | None:
        if text is None:
            return None
        return parse_length(text) if unit == "pt" else float(text)

    shown = {k: v for k, v in (("low", low), ("high", high), ("above", above)) if v is not None}
    return Bounds(value(low), value(high), value(above), shown)


@dataclass(frozen=True)
class Length(ValueType):
    """A length: "25mm", "1.5cm", "12pt", "0.5in", or a bare number of points."""

    bounds: Bounds = field(default_factory=Bounds)
    label = "length"

    def parse(self, node: Node) -> float:
        number = _number_of(node)
        if number is not None:
            value = _finite(number, node.value)
        elif isinstance(node, ScalarNode) and node.tag == STR:
            try:
                value = parse_length(node.value)
            except ValueError as exc:
                raise InvalidValueError(f"is not a length: {exc}") from None
        else:
            raise InvalidValueError(f"must be a length such as 12pt or 25mm, not {describe(node)}")
        self.bounds.check(value, node.value)
        return value

    def json(self) -> dict[str, Any]:
        return {"oneOf": [{"type": "number", **self.bounds.json()},
                          {"type": "string", "pattern": LENGTH_JSON_PATTERN}]}

    def allowed(self) -> str:
        return self.bounds.doc()


@dataclass(frozen=True)
class Em(ValueType):
    """A length relative to the style's font size: 2 or "2em"."""

    bounds: Bounds = field(default_factory=Bounds)
    label = "em"

    def parse(self, node: Node) -> float:
        number = _number_of(node)
        if number is None and isinstance(node, ScalarNode) and node.tag == STR:
            m = EM_PATTERN.fullmatch(node.value)
            if m is None:
                raise InvalidValueError(f"must be in em, such as 2 or 2em, not {describe(node)}")
            number = float(m.group(1))
        if number is None:
            raise InvalidValueError(f"must be in em, such as 2 or 2em, not {describe(node)}")
        value = _finite(number, node.value)
        self.bounds.check(value, node.value)
        return value

    def json(self) -> dict[str, Any]:
        return {"oneOf": [{"type": "number", **self.bounds.json()}, {"type": "string", "pattern": EM_JSON_PATTERN}]}

    def allowed(self) -> str:
        return self.bounds.doc()


@dataclass(frozen=True)
class Number(ValueType):
    bounds: Bounds = field(default_factory=Bounds)
    integer: bool = False
    label = "number"

    def parse(self, node: Node) -> float:
        number = _number_of(node)
        if number is None or (self.integer and node.tag != INT):
            kind = "a whole number" if self.integer else "a number"
            raise InvalidValueError(f"must be {kind}, not {describe(node)}")
        value = _finite(number, node.value)
        self.bounds.check(value, node.value)
        return int(value) if self.integer else value

    def json(self) -> dict[str, Any]:
        return {"type": "integer" if self.integer else "number", **self.bounds.json()}

    def allowed(self) -> str:
        return self.bounds.doc()


@dataclass(frozen=True)
class Choice(ValueType):
    options: tuple[str, ...] = ()
    label = "choice"

    def parse(self, node: Node) -> str:
        if not isinstance(node, ScalarNode) or node.value not in self.options:
            raise InvalidValueError(f"must be one of {', '.join(self.options)}, not {describe(node)}")
        return node.value

    def json(self) -> dict[str, Any]:
        return {"enum": list(self.options)}

    def allowed(self) -> str:
        return " \\| ".join(self.options)


@dataclass(frozen=True)
class Flag(ValueType):
    label = "true/false"

    def parse(self, node: Node) -> bool:
        if not isinstance(node, ScalarNode) or node.tag != BOOL:
            raise InvalidValueError(f"must be true or false, not {describe(node)}")
        return node.value.lower() in ("true", "yes", "on", "y")

    def json(self) -> dict[str, Any]:
        return {"type": "boolean"}


@dataclass(frozen=True)
class Text(ValueType):
    """A piece of text; `single_char` asks for exactly one visible character."""

    single_char: bool = False
    label = "text"

    def parse(self, node: Node) -> str:
        if not isinstance(node, ScalarNode) or node.tag != STR:
            raise InvalidValueError(f"must be text, not {describe(node)}")
        if not node.value.strip():
            raise InvalidValueError("is empty")
        value = node.value
        if self.single_char and (len(value) != 1 or unicodedata.category(value)[0] in "CZ"):
            raise InvalidValueError(f"must be one visible character, not {describe(node)}")
        return value

    def json(self) -> dict[str, Any]:
        return {"type": "string", "minLength": 1, **({"maxLength": 1} if self.single_char else {})}

    def allowed(self) -> str:
        return "one character" if self.single_char else ""


@dataclass(frozen=True)
class Ref(ValueType):
    """The name of something else in the theme (a role, a colour, a style, a font)."""

    what: str = "name"
    label = "name"

    def parse(self, node: Node) -> str:
        if not isinstance(node, ScalarNode) or node.tag != STR or not NAME.fullmatch(node.value):
            raise InvalidValueError(f"must name a {self.what}, not {describe(node)}")
        return node.value

    def json(self) -> dict[str, Any]:
        return {"type": "string", "pattern": NAME_JSON_PATTERN}

    def allowed(self) -> str:
        return f"a {self.what} of this theme"


@dataclass(frozen=True)
class Faces(ValueType):
    """One font name or a list of them, in fallback order."""

    label = "font names"

    def parse(self, node: Node) -> tuple[str, ...]:
        items = node.value if isinstance(node, SequenceNode) else [node]
        if not items:
            raise InvalidValueError("must name at least one font")
        names = []
        for item in items:
            if not isinstance(item, ScalarNode) or item.tag != STR or not NAME.fullmatch(item.value):
                raise InvalidValueError(f"must be a font name or a list of them, not {describe(item)}")
            names.append(item.value)
        return tuple(names)

    def json(self) -> dict[str, Any]:
        name = {"type": "string", "pattern": NAME_JSON_PATTERN}
        return {"oneOf": [name, {"type": "array", "items": name, "minItems": 1}]}

    def allowed(self) -> str:
        return "fonts of this theme"


@dataclass(frozen=True)
class Cmyk(ValueType):
    label = "CMYK"

    def parse(self, node: Node) -> tuple[float, float, float, float]:
        if not isinstance(node, SequenceNode) or len(node.value) != 4:
            raise InvalidValueError(f"must be CMYK [c, m, y, k] with values 0-1, not {describe(node)}")
        values = []
        for part in node.value:
            number = _number_of(part)
            if number is None or not 0 <= number <= 1:  # NaN fails this too
                raise InvalidValueError(f"must be CMYK [c, m, y, k] with values 0-1 (got {describe(part)})")
            values.append(number)
        return values[0], values[1], values[2], values[3]

    def json(self) -> dict[str, Any]:
        return {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 1}, "minItems": 4,
                "maxItems": 4}

    def allowed(self) -> str:
        return "[c, m, y, k], each 0–1"


@dataclass(frozen=True)
class Pair(ValueType):
    """Two values of one type, written [a, b]."""

    item: ValueType = field(default_factory=Length)
    label = "[width, height]"

    def items(self, node: Node) -> list[Node]:
        """The two item nodes (the validator parses each, so a problem points at its item)."""
        if not isinstance(node, SequenceNode) or len(node.value) != 2:
            raise InvalidValueError(f"must be [width, height], e.g. [210mm, 297mm], not {describe(node)}")
        return list(node.value)

    def parse(self, node: Node) -> tuple[Any, Any]:
        first, second = self.items(node)
        return self.item.parse(first), self.item.parse(second)

    def json(self) -> dict[str, Any]:
        return {"type": "array", "items": self.item.json(), "minItems": 2, "maxItems": 2}

    def allowed(self) -> str:
        return f"each {self.item.allowed()}"


# --- structure -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """One key of a mapping. `default` None with `required` means a theme without `parent:` must give it."""

    name: str
    type: ValueType | Group | Entries
    doc: str
    default: Any = None
    required: bool = True


@dataclass(frozen=True)
class Group:
    """A mapping with fixed keys. `merge`: a child theme overrides single keys (else it replaces the whole)."""

    keys: tuple[Key, ...]
    doc: str = ""
    merge: bool = True
    one_of: tuple[str, ...] = ()  # exactly one of these keys must be given
    label = "mapping"

    def key(self, name: str) -> Key | None:
        return next((k for k in self.keys if k.name == name), None)


@dataclass(frozen=True)
class Entries:
    """A mapping of names the theme chooses (colours, fonts, styles) to values of one type."""

    value: ValueType | Group
    what: str  # "colour", "font", …
    required: tuple[str, ...] = ()  # names every theme must define (after inheritance)
    label = "mapping"


def _len(low: str | None = None, high: str | None = None, above: str | None = None) -> Length:
    return Length(_bounds(low, high, above, unit="pt"))


def _em(low: str | None = None, high: str | None = None, above: str | None = None) -> Em:
    return Em(_bounds(low, high, above))


def _num(low: str | None = None, high: str | None = None, *, integer: bool = False) -> Number:
    return Number(_bounds(low, high), integer)


PAGE = Group((
    Key("size", Pair(_len("50mm", "1200mm")), "page width and height, e.g. [210mm, 297mm] for A4"),
    Key("margin_top", _len("0"), "from the top edge to the text block"),
    Key("margin_bottom", _len("0"), "from the bottom edge to the text block"),
    Key("margin_inner", _len("0"), "binding side: left on odd pages, right on even pages (duplex printing)"),
    Key("margin_outer", _len("0"), "the other side"),
    Key("header_rule_gap", _len("0", "50mm"), "the running header's baseline stands this far above its rule"),
    Key("header_offset", _len("0", "100mm"), "the header rule stands this far above the text block"),
    Key("footer_offset", _len("0", "100mm"), "the first footer line's baseline stands this far below the text block"),
    Key("footer_leading", _len(None, "100pt", "0"), "distance between footer lines"),
    Key("page_number_inset", _em("0", "10"), "the page number stands this far in from the text block's edge "
        "(odd pages right, even pages left; GB/T 9704)", default=0.0),
), "Page size and margins. The text block (the page less its margins) must be at least "
   f"{MIN_TEXT_BLOCK_SHOWN} each way; the running header must stay inside the top margin and the first "
   "footer line inside the bottom margin.")

FONT = Group((
    Key("file", Text(), "a font file: a bare file name is a bundled font (the repository's fonts/ folder); any other "
        "path is relative to the theme file and must stay inside the publication's folder", required=False),
    Key("system", Text(), "an installed font by its fontconfig name, e.g. \"Noto Serif CJK SC\" or "
        "\"Noto Serif CJK SC:style=Bold\" (needs fontconfig's fc-match)", required=False),
    Key("index", _num("0", "10000", integer=True), "the face in a collection (.ttc/.otc), by number",
        required=False),
    Key("face", Text(), "the face in a collection, by its PostScript or full name", required=False),
    Key("weight", _num("1", "1000"), "the instance of a variable font on its wght axis", required=False),
    Key("synthetic_bold", Flag(), "embolden the face by stroking its outlines", default=False),
), "One font face. Give exactly one of `file` and `system`.", merge=False, one_of=("file", "system"))

STYLE = Group((
    Key("parent", Ref("style"), "the style this one inherits from; its keys override the parent's", required=False),
    Key("font", Ref("role"), "the font role of the text", required=False),
    Key("bold_font", Ref("role"), "the font role of **bold** runs (default: `font`)", required=False),
    Key("size", _len("4pt", "300pt"), "font size", required=False),
    Key("leading", _len("4pt", "1000pt"), "baseline to baseline; at least the size", required=False),
    Key("first_indent", _em("0", "10"), "indent of a paragraph's first line", default=0.0),
    Key("indent", _em("0", "20"), "indent of every line (hanging indent of contents entries)", default=0.0),
    Key("right_inset", _em("0", "20"), "room kept free at the right (signatures)", default=0.0),
    Key("space_before", _len("0", "300pt"), "space above", default=0.0),
    Key("space_after", _len("0", "300pt"), "space below", default=0.0),
    Key("align", Choice(tuple(a.value for a in Alignment)), "line alignment", default="justify"),
    Key("letter_spacing", _em("0", "2"), "added after every character (the masthead's 快 讯); with `overflow: shrink` "
        "a maximum", default=0.0),
    Key("color", Ref("colour"), "text colour", default="text"),
    Key("overflow", Choice(("wrap", "shrink")), "a line too wide for the measure: `wrap` breaks it onto more lines; "
        "`shrink` keeps one line, letter spacing giving way first, then the size down to `min_size`", default="wrap"),
    Key("min_size", _len("0", "300pt"), "the smallest size `overflow: shrink` may set (0: the style's size)",
        default=0.0),
), "A text style. A style without `parent:` needs `font`, `size` and `leading`; the leading must be at least "
   f"the size, and each line must leave room for {MIN_LINE_EMS} characters beside the indents.")

REQUIRED_STYLES = (
    "body", "plain", "heading1", "heading2", "heading3", "subtitle", "list_item", "signature", "attachments",
    "links", "caption", "table_cell", "table_head", "closing", "section", "article_title", "doc_number",
    "masthead_publisher", "masthead_title", "masthead_issue", "toc_title", "toc_section", "toc_article",
    "header", "footer", "page_number",
)  # fmt: skip

RULES = Group(tuple(Key(name, _len(None, "20pt", "0"), doc) for name, doc in (
    ("masthead", "the red rule under the masthead"),
    ("masthead_thin", "the thin rule under it"),
    ("header", "the running header's rule"),
    ("table", "table grid lines"),
    ("closing", "the rule above the publication's closing lines"),
)), "Rule (line) weights.")

SPACING = Group(tuple(Key(name, _len("0", "300pt"), doc) for name, doc in (
    ("masthead_rule_before", "above the red masthead rule"),
    ("masthead_rules_gap", "between the thick and the thin masthead rule"),
    ("masthead_rule_after", "below the thin masthead rule"),
    ("closing_rule_before", "above the rule before the publication's closing lines"),
    ("closing_rule_after", "below that rule"),
    ("image", "above and below an image"),
    ("bookmark_headroom", "a bookmark or contents link shows this much above its title"),
)), "Space around the pieces that are not text styles.")

TABLE = Group((
    Key("padding", _len("0", "50pt"), "inside each cell"),
    Key("space_before", _len("0", "300pt"), "above a table"),
    Key("space_after", _len("0", "300pt"), "below a table"),
), "Tables (their text uses the styles table_cell and table_head).")

TOC = Group((
    Key("leader", Text(single_char=True), "the leader's dot", default="·"),
    Key("leader_gap", _em("0.1", "5"), "distance from dot to dot", default=0.5),
    Key("number_width", _em(None, "10", "0"), "room reserved for the page number", default=2.5),
    Key("min_leader", _em("0", "20"), "leader a wrapped entry's last line keeps at least", default=2.0),
    Key("number_gap", _em("0", "10"), "between an entry's text and the page-number column", default=0.5),
), "The table of contents (its entries use the styles toc_section and toc_article; em of their size).")

COMPOSITION = Group((
    Key("punctuation", Choice(tuple(p.value for p in PunctuationStyle)),
        "punctuation width style (ctex names)", default="quanjiao"),
    Key("strictness", Choice(tuple(s.value for s in Strictness)),
        "clreq line-breaking prohibition level", default="gb"),
    Key("min_last_line_han", _num("0", "5", integer=True),
        "no 孤字: a paragraph's last line holds at least this many Han characters (0: off)", default=2),
), "Line composition.")

THEME = Group((
    Key("parent", Text(), "a shipped theme's name (`default`) or a theme file relative to this one; this theme "
        "overrides single keys of it (styles key by key)", required=False),
    Key("page", PAGE, "page size and margins"),
    Key("colors", Entries(Cmyk(), "colour", ("text", "masthead", "rule")), "named colours, CMYK for print"),
    Key("rules", RULES, "rule weights"),
    Key("fonts", Entries(FONT, "font"), "font faces by name"),
    Key("roles", Entries(Faces(), "role"), "font roles: faces in fallback order (each character is drawn by the "
        "first face that has it)"),
    Key("composition", COMPOSITION, "line composition", default={}),
    Key("styles", Entries(STYLE, "style", REQUIRED_STYLES), "text styles"),
    Key("spacing", SPACING, "space around rules and images"),
    Key("table", TABLE, "tables"),
    Key("toc", TOC, "the table of contents", default={}),
), "A theme file.")


def walk(group: Group = THEME, prefix: str = "") -> Iterator[tuple[str, Key]]:
    """Every key of the format by dotted name, sections before their keys (`<name>` for a name the theme picks)."""
    for key in group.keys:
        dotted = f"{prefix}{key.name}"
        yield dotted, key
        if isinstance(key.type, Group):
            yield from walk(key.type, dotted + ".")
        elif isinstance(key.type, Entries) and isinstance(key.type.value, Group):
            yield from walk(key.type.value, f"{dotted}.<{key.type.what}>.")


# --- JSON Schema -----------------------------------------------------------------------------------------


def _json(kind: ValueType | Group | Entries, doc: str = "") -> dict[str, Any]:
    if isinstance(kind, Group):
        out: dict[str, Any] = {
            "type": "object",
            "properties": {k.name: _json(k.type, k.doc) for k in kind.keys},
            "additionalProperties": False,
        }
        if kind.one_of:
            out["oneOf"] = [{"required": [name]} for name in kind.one_of]
    elif isinstance(kind, Entries):
        out = {"type": "object", "propertyNames": {"pattern": NAME_JSON_PATTERN},
               "additionalProperties": _json(kind.value)}
    else:
        out = kind.json()
        allowed = kind.allowed()
        if allowed and isinstance(kind, Length | Em):
            doc = f"{doc} ({kind.label}: {allowed})" if doc else f"{kind.label}: {allowed}"
    if doc:
        out["description"] = doc
    return out


def _required(group: Group) -> dict[str, Any]:
    """What a theme without a parent must give, as JSON Schema: required keys, nested."""
    out: dict[str, Any] = {"required": [k.name for k in group.keys if k.required and k.default is None]}
    nested: dict[str, Any] = {}
    for key in group.keys:
        if isinstance(key.type, Group):
            nested[key.name] = _required(key.type)
        elif isinstance(key.type, Entries) and key.type.required:
            nested[key.name] = {"required": list(key.type.required)}
    if nested:
        out["properties"] = nested
    return out


def json_schema() -> dict[str, Any]:
    """The theme format as a JSON Schema (draft 2020-12), for editors and `bulletin schema theme`.

    It checks the shape, the types and the ranges of bare numbers; lengths written with units, the relations
    between values and the names a theme refers to are checked by `bulletin check`, which says where.
    """
    schema = _json(THEME)
    # A theme with a parent inherits what it leaves out; one without must give everything.
    schema["if"] = {"not": {"required": ["parent"]}}
    schema["then"] = _required(THEME)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "bulletin theme", **schema}


# --- documentation ---------------------------------------------------------------------------------------


def _type_label(kind: ValueType | Group | Entries) -> str:
    if isinstance(kind, Entries):
        return f"{kind.what} name → " + (kind.value.label if isinstance(kind.value, ValueType) else "mapping")
    return kind.label


def _default_text(key: Key) -> str:
    if key.default is None:
        return "required" if key.required else "—"
    if isinstance(key.default, dict):
        return "—"
    if isinstance(key.default, bool):
        return "false" if not key.default else "true"
    if isinstance(key.default, float):
        return _shown(key.default)
    return f"`{key.default}`"


def _table(group: Group, prefix: str) -> list[str]:
    lines = ["| key | type | allowed | default | meaning |", "|---|---|---|---|---|"]
    for key in group.keys:
        kind = key.type
        allowed = kind.allowed() if isinstance(kind, ValueType) else ""
        if isinstance(kind, Entries) and kind.required:
            allowed = "must include " + ", ".join(f"`{n}`" for n in kind.required)
        lines.append(f"| `{prefix}{key.name}` | {_type_label(kind)} | {allowed} | {_default_text(key)} | {key.doc} |")
    return lines


INTRO = """\
# Theme reference

<!-- Generated from layout/theme_schema.py by `python docs/make_theme_doc.py`; do not edit by hand. -->

A theme is the design as data: page, margins, fonts, sizes, colours and spacing. A publication picks one
with `theme: NAME` (a shipped theme: {shipped}) or `theme: FILE.yaml` (a file inside the publication's folder);
`--theme` does the same on the command line. The shipped `default` theme, `layout/themes/default.yaml`, is
the example to copy.

**Inheritance.** `parent: default` (or `parent: base.yaml`, relative to the theme) makes a theme start from
another one. The child overrides single keys: `styles: {{body: {{size: 11pt}}}}` changes the body size and keeps
every other key of the body style. A font entry and a list (`page.size`, a colour, a role) are replaced as a
whole. A parent chain may be at most {max_parents} themes deep and must not loop.

**Units.** A *length* is `25mm`, `1.5cm`, `12pt`, `0.5in` or a bare number of points. An *em* value is a
number (or `2em`) times the font size of the style it applies to. Colours are CMYK, each part 0–1. `.nan`,
`.inf`, yes/no values and quoted numbers where a number belongs are refused.

**Paths.** A font `file:` that is a bare name is one of the bundled fonts (the repository's `fonts/`); any
other path is relative to the theme file. Theme files, parents and fonts must lie inside the publication's
folder, the shipped themes or the bundled fonts: absolute paths and `../` that leave them are refused. An
installed font is named, never reached by path: `system: "Noto Serif CJK SC"` asks fontconfig (`fc-match`)
for it, and the theme is refused when fontconfig is missing or has no font of that family.

**Checking.** `bulletin check` and `bulletin render` refuse a theme that breaks any rule below with
`file:line:col: message` and exit 2, writing nothing. A font file that is not a usable font is refused where
the theme names it. `layout.theme_schema.json_schema()` gives the format as a JSON Schema for editors; it
cannot express units and relations, which only `check` enforces.
"""


def markdown() -> str:
    """docs/theme.md: every key of the format, generated from the schema."""
    from layout.themeref import shipped_themes

    out = [INTRO.format(shipped=", ".join(f"`{n}`" for n in shipped_themes()), max_parents=MAX_PARENTS)]
    out += ["## Top level", "", *_table(THEME, ""), ""]
    for key in THEME.keys:
        kind = key.type
        group = kind.value if isinstance(kind, Entries) and isinstance(kind.value, Group) else kind
        if isinstance(group, Group):
            prefix = f"{key.name}.<{kind.what}>." if isinstance(kind, Entries) else f"{key.name}."
            out += [f"## `{key.name}`", "", group.doc, "", *_table(group, prefix), ""]
        elif isinstance(kind, Entries) and isinstance(kind.value, ValueType):
            needed = f" It must define {', '.join(f'`{n}`' for n in kind.required)}." if kind.required else ""
            out += [f"## `{key.name}`", "", f"{key.doc[0].upper()}{key.doc[1:]}: each `{kind.what}` name "
                    f"(letters, digits, `_`, `-`) maps to {_type_label(kind.value)} ({kind.value.allowed()})."
                    f"{needed}", ""]
    out += ["## Styles a theme must define", "", ", ".join(f"`{n}`" for n in REQUIRED_STYLES) + ".", "",
            "Another style is allowed only as a `parent:` of these.", ""]
    return "\n".join(out)
