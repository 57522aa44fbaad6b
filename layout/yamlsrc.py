"""YAML source files: bytes -> checked text -> position-carrying nodes, and typed helpers to walk them."""

from __future__ import annotations

import bisect
import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

try:
    from yaml._yaml import CParser
except ImportError:  # PyYAML without libyaml: the pure-Python parser is slower but bounded the same way
    CParser = None  # type: ignore[assignment,misc]

from layout.errors import Diagnostic, SourcePos, sort_diagnostics

# --- Limits: hostile or runaway input is refused in bounded time and memory. -----------------------
# The sample issue (20 pages) is 44 KiB; a 200-article issue is ~1.2 MiB. 4 MiB leaves room for the
# largest real issues and still parses in about a second (values are capped below anyway).
MAX_FILE_BYTES = 4 << 20
# Values after alias expansion. The sample has ~630 (a 1 MiB file of such text ~15,000); aliases may be used, but
# a "billion laughs" chain of aliases is stopped here while composing, before anything walks the expanded tree.
# It also bounds the worst case, a 1 MiB file of tiny values: ~0.2 s and +15 MiB with libyaml, ~1.5 s without.
MAX_NODES = 50_000
# Nesting depth of values. The format needs 11 (root > sections > section > articles > article > blocks > block >
# table > rows > row > cell). Composing is recursive, so the cap also keeps deep input off Python's recursion limit.
MAX_DEPTH = 32
# Characters in one scalar. The longest sample paragraph has 259; 10,000 is about six printed pages.
MAX_SCALAR_CHARS = 10_000
# Problems reported per file: a file full of tabs should not print 100,000 lines.
MAX_DIAGNOSTICS = 100

TAG = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL, TIMESTAMP = (TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
# What SafeLoader resolves on its own; anything else was written as an explicit tag (!!python/…, !foo).
STANDARD_TAGS = frozenset(TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map",
                                             "merge", "value"))

# Characters PyYAML refuses or that are invisible controls: C0 except tab/LF/CR, DEL, C1 (NEL included) and
# the noncharacters U+FFFE/U+FFFF. Found ones are reported and replaced so the rest of the file still parses.
RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# Control characters inside a value (written as escapes such as "\x07" or "\t"): C0 and C1.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
# Invisible format characters (Unicode's category Cf) and the line and paragraph separators U+2028/U+2029, but
# for the three the composer gives a meaning: U+200B (a break opportunity), U+2060 and U+FEFF (no break here).
# Bidi controls reorder what a reader sees without showing themselves; the others (soft hyphen, zero-width
# joiners, tags…) mean nothing in a bulletin and would print as nothing or as a box. Ranges rather than a
# unicodedata lookup per character; tests/loader holds the list against unicodedata.
REFUSED_INVISIBLE = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200c-\u200f\u2028-\u202e\u2061-\u2064"
    "\u2066-\u206f\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
FIRST_TAB = re.compile(r"^[^\t\n]*\t", re.MULTILINE)
QUOTED_CHAR = re.compile(r"'.'")  # a parser message that already names the character, e.g. "found ':'"
# Line breaks as PyYAML counts them (after the replacement above, NEL is no longer one).
LINE_BREAK = re.compile("\r\n|[\n\r\u2028\u2029]")

UTF8_HINT = "re-save the file as UTF-8: in most editors 'Save with encoding' > UTF-8, or iconv -f {enc} -t UTF-8"


@dataclass(frozen=True, slots=True)
class YamlSource:
    """One parsed file: its display name, its text, the root node (None if unparsable) and its problems."""

    name: str
    text: str
    root: Node | None
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Omitted(Diagnostic):
    """Stands in for `count` problems that are not listed (beyond MAX_DIAGNOSTICS)."""

    count: int = 0

    @classmethod
    def of(cls, count: int) -> Omitted:
        return cls(None, f"… and {count:,} more problems not shown", None, count)


def capped(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The problems in order, at most MAX_DIAGNOSTICS of them, then one Omitted counting the rest."""
    diags = list(diags)
    hidden = sum(d.count for d in diags if isinstance(d, Omitted))
    ordered = sort_diagnostics(d for d in diags if not isinstance(d, Omitted))
    hidden += max(0, len(ordered) - MAX_DIAGNOSTICS)
    return [*ordered[:MAX_DIAGNOSTICS], Omitted.of(hidden)] if hidden else ordered


class LimitExceededError(yaml.MarkedYAMLError):
    """Raised while composing when the input exceeds a limit; carries the mark where it happened."""

    def __init__(self, mark: Any, problem: str) -> None:  # a yaml.Mark (pure or libyaml)
        super().__init__(problem=problem, problem_mark=mark)


class BoundedComposer(Composer):
    """Composer that counts expanded nodes and depth while composing, and notes oversized or odd scalars."""

    peek_event: Callable[[], Any]  # from the parser it is mixed with (a yaml.Event; stubs type its marks loosely)

    def init_bounds(self) -> None:
        self.depth = 0
        self.expanded = 0
        self.anchored_sizes: dict[int, int] = {}  # id(anchored node) -> expanded size of its subtree
        self.odd_nodes: list[tuple[Node, str]] = []

    def count(self, size: int, mark: Any) -> None:
        self.expanded += size
        if self.expanded > MAX_NODES:
            raise LimitExceededError(mark, f"the document expands to more than {MAX_NODES:,} values "
                                           "(aliases counted in full): refusing it")

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            node = cast(Node, super().compose_node(parent, index))  # composing never gives None
            size = self.anchored_sizes.get(id(node))
            if size is None:  # the anchor is still being composed: the alias points into itself
                raise LimitExceededError(event.start_mark, f"alias *{event.anchor} refers to a value that contains "
                                                           "it (a recursive structure)")
            self.count(size, event.start_mark)
            return node
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise LimitExceededError(event.start_mark, f"nesting deeper than {MAX_DEPTH} levels")
        before = self.expanded
        node = cast(Node, super().compose_node(parent, index))
        self.depth -= 1
        self.count(1, node.start_mark)
        if event.anchor is not None:
            self.anchored_sizes[id(node)] = self.expanded - before
        if node.tag not in STANDARD_TAGS:
            self.odd_nodes.append((node, f"unsupported YAML tag {node.tag!r}"))
        if isinstance(node, ScalarNode) and len(node.value) > MAX_SCALAR_CHARS:
            self.odd_nodes.append((node, f"text of {len(node.value):,} characters is longer than the limit "
                                         f"of {MAX_SCALAR_CHARS:,}"))
        return node


class PureLoader(BoundedComposer, yaml.SafeLoader):
    """The bounded composer on PyYAML's pure-Python scanner and parser."""

    def __init__(self, text: str) -> None:
        yaml.SafeLoader.__init__(self, text)
        self.init_bounds()


if CParser is not None:

    class FastLoader(BoundedComposer, CParser, SafeConstructor, Resolver):
        """The bounded composer on libyaml's parser: same nodes and marks, scanning about seven times faster."""

        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            self.init_bounds()

    BoundedLoader: type[BoundedComposer] = FastLoader
else:  # PyYAML built without libyaml
    BoundedLoader = PureLoader


class LineIndex:
    """Maps character indices of a text to 1-based line and column, counted the way PyYAML counts them."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        self.starts = [0, *(m.end() for m in LINE_BREAK.finditer(text))]

    def pos(self, index: int) -> SourcePos:
        line = bisect.bisect_right(self.starts, index) - 1
        prefix = self.text[self.starts[line] : index]
        return SourcePos(self.name, line + 1, len(prefix) - prefix.count("\ufeff") + 1)  # PyYAML skips BOMs


def mark_pos(name: str, mark: yaml.Mark) -> SourcePos:
    """SourcePos of a PyYAML mark (0-based -> 1-based)."""
    return SourcePos(name, mark.line + 1, mark.column + 1)


def node_pos(name: str, node: Node) -> SourcePos:
    return mark_pos(name, node.start_mark)


def read_source(path: Path, name: str) -> tuple[str | None, list[Diagnostic]]:
    """Read the file once (at most MAX_FILE_BYTES + 1 bytes) and decode it as UTF-8, or say why not."""
    try:
        with path.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return None, [Diagnostic(None, f"{name}: no such file")]
    except IsADirectoryError:
        return None, [Diagnostic(None, f"{name}: is a folder, not a YAML file")]
    except OSError as exc:
        return None, [Diagnostic(None, f"{name}: cannot read: {exc.strerror}")]
    if len(data) > MAX_FILE_BYTES:
        return None, [Diagnostic(SourcePos(name, 1, 1), f"file is larger than the limit of {MAX_FILE_BYTES:,} bytes",
                                 "split the issue into several files")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        return None, [diagnose_encoding(name, data, exc.start)]


def guess_encoding(data: bytes) -> str | None:
    """The legacy encoding `data` most likely is in (for the message), or None."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    if b"\x00" in data:  # legacy CJK encodings never contain NUL; UTF-16 has one in every ASCII character
        return "UTF-16"
    try:
        gbk = data.decode("gb18030")
    except UnicodeDecodeError:
        gbk = None
    if gbk is not None:
        wide = [c for c in gbk if ord(c) > 0x7F]
        # Mainland text in GBK stays within GB2312; Big5 bytes read as GBK land outside it (Big5 trail bytes
        # 0x40-0x7E are not GB2312), so this tells the two apart on real text.
        if wide and sum(1 for c in wide if encodes(c, "gb2312")) >= 0.9 * len(wide):
            return "GBK"
    try:
        data.decode("big5")
        return "Big5"
    except UnicodeDecodeError:
        pass
    return "GB18030" if gbk is not None else None


def encodes(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def diagnose_encoding(name: str, data: bytes, bad: int) -> Diagnostic:
    """Point at the first byte that is not UTF-8 and name the encoding the file seems to be in."""
    prefix = data[:bad].decode("utf-8-sig")  # valid: the decoder failed only at `bad`
    pos = LineIndex(name, prefix).pos(len(prefix))
    enc = guess_encoding(data)
    if enc is None:
        return Diagnostic(pos, f"file is not UTF-8 (byte 0x{data[bad]:02X} here)", UTF8_HINT.format(enc="<encoding>"))
    return Diagnostic(pos, f"file is not UTF-8: it looks like {enc} (byte 0x{data[bad]:02X} here)",
                      UTF8_HINT.format(enc=enc))


def invisible_problem(ch: str, where: str) -> tuple[str, str]:
    """The message and hint for a refused invisible character, e.g. "U+202E (right-to-left override, a bidi
    control)"."""
    name = unicodedata.name(ch, "format character").lower()
    if ch in BIDI_CONTROLS:
        return (f"invisible character U+{ord(ch):04X} ({name}, a bidi control) in {where}",
                "delete it: it changes how the text around it is shown without being seen")  # fmt: skip
    return (f"invisible character U+{ord(ch):04X} ({name}) in {where}",
            "delete it; the only invisible characters a source may hold are U+200B, where a line may break, "
            "and U+2060 or U+FEFF, where it may not")  # fmt: skip


def scrub_text(name: str, text: str) -> tuple[str, list[Diagnostic]]:
    """Report tabs, control characters and refused invisible ones, replacing them (1:1, so positions hold) so
    parsing can go on."""
    if "\t" not in text and not RAW_CONTROL.search(text) and not REFUSED_INVISIBLE.search(text):
        return text, []
    lines = LineIndex(name, text)
    diags: list[Diagnostic] = []
    more = 0
    for m in FIRST_TAB.finditer(text):  # one report per line is enough to find them
        if len(diags) < MAX_DIAGNOSTICS:
            if m.group().strip(" \t"):
                diags.append(Diagnostic(lines.pos(m.end() - 1), "tab character", "replace it with a space"))
            else:
                diags.append(Diagnostic(lines.pos(m.end() - 1), "tab character in the indentation",
                                        "YAML indents with spaces only; replace the tab with spaces"))
        else:
            more += 1
    for m in RAW_CONTROL.finditer(text):
        if len(diags) < MAX_DIAGNOSTICS:
            diags.append(Diagnostic(lines.pos(m.start()), f"control character U+{ord(m.group()):04X} in the file",
                                    "delete it; only line breaks and printable characters belong in a source"))
        else:
            more += 1
    for m in REFUSED_INVISIBLE.finditer(text):
        if len(diags) < MAX_DIAGNOSTICS:
            diags.append(Diagnostic(lines.pos(m.start()), *invisible_problem(m.group(), "the file")))
        else:
            more += 1
    if more:
        diags.append(Omitted.of(more))
    scrubbed = REFUSED_INVISIBLE.sub("\ufffd", RAW_CONTROL.sub("\ufffd", text.replace("\t", " ")))
    return scrubbed, diags


# --- YAML errors in an editor's words ------------------------------------------------------------------------
# libyaml says what its grammar expected ("did not find expected key"); an editor needs to know which line
# is wrong and what to type. These helpers look at the lines around the parser's marks and name the usual
# slips: a line indented differently from its siblings, a list item without its '- ', a ': ' inside text,
# an unclosed quote or bracket. Anything else keeps the parser's own words.
OPENING_QUOTE = re.compile(r"""(?:^|:\s|-\s|[\[{,]\s*)(["'])""")


@dataclass(frozen=True, slots=True)
class Level:
    """A column where a line above starts a key or a list item, and whether it is a '- ' column."""

    column: int
    line: int  # 0-based
    dash: bool


def significant(line: str) -> bool:
    """A line that holds YAML content (not blank, not only a comment)."""
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def levels(line: str, number: int) -> list[Level]:
    """The columns a line opens: its indentation, and after each leading '- ' the column of what follows."""
    column = len(line) - len(line.lstrip(" "))
    found = []
    while line.startswith("- ", column) or line[column:].rstrip() == "-":
        found.append(Level(column, number, True))
        column += 2
        while line.startswith(" ", column):
            column += 1
    found.append(Level(column, number, False))
    return found


def open_levels(lines: list[str], upto: int) -> list[Level]:
    """The stack of columns still open before line `upto`: each line closes every level at or right of it."""
    stack: list[Level] = []
    for number in range(upto):
        if not significant(lines[number]):
            continue
        own = levels(lines[number], number)
        stack = [level for level in stack if level.column < own[0].column]
        stack += own
    return stack


def opens_block(line: str) -> bool:
    """Whether a line ends with a key that takes the indented lines below as its value (`key:` or `- key:`)."""
    content = line.split(" #")[0].rstrip()
    return content.endswith(":") or content.endswith(("|", ">", "|-", ">-", "|+", ">+"))


def spaces(n: int) -> str:
    return f"{n} space" if n == 1 else f"{n} spaces"


def indentation_problem(lines: list[str], number: int) -> tuple[int, str, str] | None:
    """(column, message, hint) when line `number` is indented unlike the lines it belongs with, or lacks '- '."""
    if number >= len(lines) or not significant(lines[number]):
        return None
    line = lines[number]
    indent = len(line) - len(line.lstrip(" "))
    stack = open_levels(lines, number)
    if not stack:
        return None
    top = stack[-1]
    previous = next(n for n in range(number - 1, -1, -1) if significant(lines[n]))
    same = [level for level in stack if level.column == indent]
    if same:
        level = same[-1]
        if level.dash and not line.startswith("-", indent):
            return (indent + 1, f"line {number + 1} has no '- ' but stands in the list of line {level.line + 1}",
                    f"start it with '- ' like line {level.line + 1}, or indent it under the item it belongs to")
        return None
    if indent > top.column:
        if opens_block(lines[previous]):
            return None
        sibling = top.line + 1
        return (indent + 1, f"line {number + 1} is indented more than line {sibling} above it "
                            f"({indent} spaces against {top.column})",
                f"lines of one mapping or list start in the same column; remove {spaces(indent - top.column)}")
    inner = min((level for level in stack if level.column > indent), key=lambda level: level.column)
    outer = [level for level in stack if level.column < indent]
    hint = f"indent it {spaces(inner.column)} like line {inner.line + 1}"
    if outer and outer[-1].dash and outer[-1].line == inner.line:
        # Both columns come from one '- key:' line; its dash column is no home for this line (that would be a list
        # item without '- '). More often that line itself is the stray one, indented unlike its list's items.
        hint += (f"; or, if line {inner.line + 1} is the one out of place, start its '- ' in the column of the other "
                 "items of its list")
    elif outer:
        hint += f", or {spaces(outer[-1].column)} like line {outer[-1].line + 1}"
    return (indent + 1, f"line {number + 1} is indented {spaces(indent)}, unlike the lines above it", hint)


def unclosed_quote(lines: list[str], upto: int) -> tuple[int, int, str] | None:
    """(line, column, quote) of the first value on lines <= `upto` that opens a quote its line does not close."""
    for number in range(min(upto + 1, len(lines))):
        line = lines[number]
        if not significant(line):
            continue
        m = OPENING_QUOTE.search(line)
        if m is None:
            continue
        quote, rest = m.group(1), line[m.end():]
        closed = rest.replace("\\\\", "").replace('\\"', "") if quote == '"' else rest.replace("''", "")
        if quote not in closed:
            return number, m.start(1), quote
    return None


def colon_in_text(line: str, column: int) -> str | None:
    """The fix for a line whose text after the key holds a second ': ' (at `column`): that text in quotes."""
    body = line.lstrip(" ")
    prefix = line[: len(line) - len(body)]
    while body.startswith("- "):
        prefix, body = prefix + "- ", body[2:]
    key, sep, value = body.partition(": ")
    if not sep or len(line) - len(body) + len(key) >= column:  # the mark is at the line's first ': '
        return None
    value = value.split(" #")[0].strip()
    quoted = f"'{value}'" if '"' in value else f'"{value}"'
    return f"{prefix}{key}: {quoted}".strip()


def explain_yaml_error(name: str, text: str, exc: yaml.MarkedYAMLError) -> Diagnostic | None:
    """The parser's error in an editor's words, at the line to fix; None when it is none of the usual slips."""
    lines = LINE_BREAK.split(text)
    mark, context = exc.problem_mark, exc.context_mark
    if mark is None:
        return None
    problem, where = str(exc.problem or ""), str(exc.context or "")
    if "while scanning a quoted scalar" in where and context is not None:
        quote = text[context.index] if context.index < len(text) else '"'
        return Diagnostic(mark_pos(name, context), f"the quote {quote} that starts here is never closed",
                          f"end the text with {quote} on the same line")
    if "while parsing a flow" in where and context is not None and mark.line > context.line:
        opening = text[context.index] if context.index < len(text) else "["
        closing = "]" if opening == "[" else "}"
        return Diagnostic(mark_pos(name, context), f"the {opening} that starts here is never closed",
                          f"end it with {closing} on the same line, or put text that starts with {opening} in quotes")
    found = unclosed_quote(lines, mark.line)
    if found is not None and found[0] < mark.line:
        line, column, quote = found
        return Diagnostic(SourcePos(name, line + 1, column + 1),
                          f"the quote {quote} that starts here is not closed on its line",
                          f"end the text with {quote} on the same line")
    if "mapping values are not allowed" in problem and mark.line < len(lines):
        fix = colon_in_text(lines[mark.line], mark.column)
        if fix is not None:
            return Diagnostic(mark_pos(name, mark), "a ': ' inside text makes YAML read the text before it as a key",
                              f"put the whole text in quotes: {fix}")
    candidates = [mark.line] + ([context.line] if context is not None and context.line != mark.line else [])
    for number in candidates:
        found_indent = indentation_problem(lines, number)
        if found_indent is not None:
            column, message, hint = found_indent
            return Diagnostic(SourcePos(name, number + 1, column), message, hint)
    return None


def describe_yaml_error(name: str, text: str, exc: yaml.MarkedYAMLError) -> Diagnostic:
    """One diagnostic from a PyYAML/libyaml error, at its problem mark."""
    mark = exc.problem_mark or exc.context_mark
    pos = mark_pos(name, mark) if mark else SourcePos(name, 1, 1)
    if isinstance(exc, LimitExceededError):
        return Diagnostic(pos, str(exc.problem), "this looks like hostile or runaway input")
    explained = explain_yaml_error(name, text, exc)
    if explained is not None:
        return explained
    problem = str(exc.problem or exc.context or "invalid YAML")
    vague = "cannot start any token" in problem or problem.startswith("did not find expected")
    if vague and mark and mark.index < len(text) and not QUOTED_CHAR.search(problem) and text[mark.index].strip():
        problem += f"; found {text[mark.index]!r}"  # libyaml does not say which character it stopped at
    hint = None
    if exc.context and exc.context_mark:
        hint = f"{exc.context} that starts at line {exc.context_mark.line + 1}"
    if "mapping values are not allowed" in problem:
        hint = "a ': ' inside text makes YAML read a key; put the whole text in quotes"
    elif exc.context == "while scanning an alias":
        hint = "text that starts with * (such as **bold**) must be put in quotes"
    elif "cannot start any token" in problem:
        hint = "text that starts with this character must be put in quotes"
    return Diagnostic(pos, f"invalid YAML: {problem}", hint)


def first_error(diags: list[Diagnostic], error: Diagnostic) -> list[Diagnostic]:
    """The parser's error, unless a tab reported before it may have caused it (a tab read as one space shifts
    the indentation): then the tab is the one problem to fix, and the follow-on error is left out."""
    tabs = [d.pos for d in diags if d.message.startswith("tab character") and d.pos is not None]
    if tabs and error.pos is not None and min(tabs) <= error.pos:
        return []
    return [error]


def load_yaml(path: Path, name: str | None = None, *, loader: type[BoundedComposer] | None = None) -> YamlSource:
    """Read, decode, scrub and compose one YAML file; every problem ends up in `.diagnostics`.

    `name` is how the file is named in messages (default: the path as given); `loader` picks the parser
    (default: libyaml when available). Returns a YamlSource whose root is None when it could not be parsed.
    """
    name = name if name is not None else str(path)
    raw, diags = read_source(path, name)
    if raw is None:
        return YamlSource(name, "", None, diags)
    text, diags = scrub_text(name, raw)
    composer = (loader or BoundedLoader)(text)  # type: ignore[call-arg]
    try:
        root = composer.get_single_node()
    except yaml.YAMLError as exc:
        if loader is not PureLoader and "maximum nesting depth" in str(exc):
            # Newer libyaml refuses deep nesting itself, before our composer counts it: the pure parser
            # stops at our own (lower) limit and says where.
            return load_yaml(path, name, loader=PureLoader)
        if isinstance(exc, yaml.MarkedYAMLError):
            return YamlSource(name, text, None, [*diags, *first_error(diags, describe_yaml_error(name, text, exc))])
        # ReaderError has no mark; scrub_text removes what triggers it
        return YamlSource(name, text, None, [*diags, Diagnostic(SourcePos(name, 1, 1), f"invalid YAML: {exc}")])
    finally:
        composer.dispose()  # type: ignore[attr-defined]
    diags += [Diagnostic(node_pos(name, node), message) for node, message in composer.odd_nodes]
    if root is None:
        diags.append(Diagnostic(SourcePos(name, 1, 1), "file is empty", "see docs/source-format.md"))
    return YamlSource(name, text, root, diags)


def did_you_mean(word: str, choices: Iterable[str], aliases: Mapping[str, str] | None = None) -> str | None:
    """The closest known name for a misspelt one (difflib), or a known synonym from `aliases`."""
    if aliases and word.lower() in aliases:
        return aliases[word.lower()]
    close = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def suggestion(word: str, choices: Iterable[str], aliases: Mapping[str, str] | None = None) -> str | None:
    """A hint "did you mean 'x'?" or None."""
    guess = did_you_mean(word, choices, aliases)
    return f"did you mean {guess!r}?" if guess else None


def describe(node: Node) -> str:
    """What a node is, in an editor's words ("a list", "the number 2018")."""
    if isinstance(node, SequenceNode):
        return "a list"
    if isinstance(node, MappingNode):
        return "a mapping (key: value)"
    if node.tag == NULL:
        return "an empty value"
    if node.tag in (INT, FLOAT):
        return f"the number {node.value}"
    if node.tag == BOOL:
        return f"the yes/no value {node.value}"
    if node.tag == TIMESTAMP:
        return f"the date {node.value}"
    return f"the text {short(node.value)!r}"


def short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Walker:
    """Typed access to composed nodes; every failed expectation becomes a positioned diagnostic."""

    def __init__(self, source: YamlSource, *, normalize_punctuation: bool = False) -> None:
        self.source = source
        self.diagnostics = source.diagnostics
        self.normalize_punctuation = normalize_punctuation  # the publication's option, for the texts built

    @property
    def name(self) -> str:
        return self.source.name

    def pos(self, node: Node) -> SourcePos:
        return node_pos(self.name, node)

    def error(self, at: Node | SourcePos, message: str, hint: str | None = None) -> None:
        pos = at if isinstance(at, SourcePos) else self.pos(at)
        self.diagnostics.append(Diagnostic(pos, message, hint))

    def mapping(self, node: Node, what: str, *, required: Mapping[str, str], optional: Iterable[str] = (),
                aliases: Mapping[str, str] | None = None) -> dict[str, tuple[Node, Node]] | None:
        """The key -> (key node, value node) of a mapping, after checking duplicates, unknown and missing keys.

        `required` maps each required key to a short description used in the "missing" message.
        Returns None (with a diagnostic) when `node` is not a mapping.
        """
        if not isinstance(node, MappingNode):
            self.error(node, f"{what} must be a mapping (key: value lines), not {describe(node)}")
            return None
        known = [*required, *optional]
        fields = self.keys(node, what)
        for key, (key_node, _) in fields.items():
            if key not in known:
                self.unknown_key(key_node, key, what, known, aliases)
        for key, description in required.items():
            if key not in fields:
                self.error(node, f"{what} is missing {key!r} ({description})")
        return {k: v for k, v in fields.items() if k in known}

    def keys(self, node: MappingNode, what: str) -> dict[str, tuple[Node, Node]]:
        """All scalar keys of a mapping in order; duplicate and non-text keys are reported and dropped."""
        fields: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.error(key_node, f"a key in {what} must be a plain name, not {describe(key_node)}")
                continue
            key = key_node.value
            if key in fields:
                first = self.pos(fields[key][0])
                self.error(key_node, f"duplicate key {key!r} in {what} (first at line {first.line})",
                           "keep one of them")
                continue
            fields[key] = (key_node, value_node)
        return fields

    def unknown_key(self, key_node: Node, key: str, what: str, known: Iterable[str],
                    aliases: Mapping[str, str] | None = None) -> None:
        if key == "<<":
            self.error(key_node, f"merge keys (<<) are not supported in {what}", "write the keys out")
            return
        self.error(key_node, f"unknown key {key!r} in {what}", suggestion(key, known, aliases))

    def sequence(self, node: Node, what: str, *, example: str) -> list[Node] | None:
        """The items of a non-empty list, or None with a diagnostic."""
        if not isinstance(node, SequenceNode):
            self.error(node, f"{what} must be a list, not {describe(node)}", f"write it as {example}")
            return None
        if not node.value:
            self.error(node, f"{what} is empty; it needs at least one item", f"write it as {example}")
            return None
        return list(node.value)

    def scalar(self, node: Node, what: str) -> ScalarNode | None:
        """A non-null scalar, or None with a diagnostic."""
        if not isinstance(node, ScalarNode):
            self.error(node, f"{what} must be text, not {describe(node)}")
            return None
        if node.tag == NULL:
            self.error(node, f"{what} has no value", 'write the text after the colon, or "" for nothing')
            return None
        return node

    def integer(self, node: Node, what: str, example: str) -> int | None:
        """A decimal integer written without quotes."""
        if isinstance(node, ScalarNode) and node.tag == INT and re.fullmatch(r"[+-]?[0-9]+", node.value):
            if node.value.lstrip("+-").startswith("0") and node.value.strip("+-0"):
                self.error(node, f"{what} {node.value} has a leading zero, which YAML reads as octal",
                           f"write {node.value.lstrip('0')}")
                return None
            return int(node.value)
        hint = f"write it without quotes, e.g. {example}" if isinstance(node, ScalarNode) and node.style else None
        self.error(node, f"{what} must be a whole number such as {example}, not {describe(node)}", hint)
        return None

    def offset(self, node: ScalarNode) -> int | None:
        """Column of the value's first character relative to the scalar's start, when the value is the source verbatim.

        0 for a plain scalar, 1 for a quoted one; None when it spans lines or escapes/'' changed it.
        """
        if node.start_mark.line != node.end_mark.line:
            return None
        source = self.source.text[node.start_mark.index : node.end_mark.index]
        if not node.style and source == node.value:  # plain: None from PyYAML, "" from libyaml
            return 0
        if node.style in ("'", '"') and source == node.style + node.value + node.style:
            return 1
        return None

    def pos_at(self, node: ScalarNode, offset: int | None, index: int) -> SourcePos:
        """Position of character `index` of a scalar's value (the scalar's start when unknown)."""
        pos = self.pos(node)
        return pos if offset is None else SourcePos(pos.file, pos.line, pos.col + offset + index)

    def check_folded_item(self, scalar: ScalarNode) -> None:
        """A plain text that runs on over lines starting with '- ': a list item indented too far, read as text.

        YAML folds such a line into the text above it without complaint, so the item would silently vanish.
        """
        if scalar.style or scalar.start_mark.line == scalar.end_mark.line:
            return
        lines = LINE_BREAK.split(self.source.text)
        first = lines[scalar.start_mark.line]
        for number in range(scalar.start_mark.line + 1, min(scalar.end_mark.line + 1, len(lines))):
            line = lines[number]
            body = line.lstrip(" ")
            if body.startswith("- "):
                expected = len(first) - len(first.lstrip(" "))
                self.error(SourcePos(self.name, number + 1, len(line) - len(body) + 1),
                           f"line {number + 1} is indented more than line {scalar.start_mark.line + 1}, so YAML reads "
                           f"it as more of that line's text",
                           f"start its '- ' in column {expected + 1}, like line {scalar.start_mark.line + 1}")
                return

    def text_value(self, node: Node, what: str, *, allow_empty: bool = False) -> tuple[ScalarNode, str] | None:
        """A scalar's text as written, checked for control characters.

        YAML 1.1 spellings are kept deliberately: a title `no` is the text "no" and a cell 0602 is "0602", not
        False or 386. Returns (node, text) or None with a diagnostic.
        """
        scalar = self.scalar(node, what)
        if scalar is None:
            return None
        value = scalar.value
        if scalar.style in ("|", ">"):
            value = value.rstrip("\n")  # the final line break is YAML's chomping, not the editor's text
        offset = self.offset(scalar)
        self.check_folded_item(scalar)
        for m in CONTROL.finditer(value):
            ch = m.group()
            if ch == "\n" and scalar.style in ("|", ">"):
                continue
            if ch == "\n":
                self.error(self.pos_at(scalar, offset, m.start()), f"line break inside {what}",
                           "start a new list item for a new paragraph, or use a | block to keep line breaks")
            else:
                self.error(self.pos_at(scalar, offset, m.start()), f"control character U+{ord(ch):04X} in {what}",
                           "delete it")
        for m in REFUSED_INVISIBLE.finditer(value):  # written as an escape ("\u202e"); raw ones are refused above
            self.error(self.pos_at(scalar, offset, m.start()), *invisible_problem(m.group(), what))
        if not allow_empty and not value.strip():
            self.error(scalar, f"{what} is empty")
            return None
        return scalar, value
