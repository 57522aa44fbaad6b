"""Themes: the design as data. A theme YAML (with `parent:` inheritance) resolves to a typed `Theme`."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, fields, replace
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from layout.errors import Diagnostic, SourceError, SourcePos
from layout.fonts.registry import FontChain, bundled_fonts_dir, load_face
from layout.fonts.spec import FontSpec
from layout.text.cjk import Strictness
from layout.text.compose import Alignment, PunctuationStyle
from layout.units import parse_length
from layout.yamlsrc import load_yaml

THEMES_DIR = Path(__file__).parent / "themes"
MAX_PARENTS = 8  # a deeper `parent:` chain is surely a cycle or a mistake

CMYK = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class PageGeometry:
    """Page size and margins in points; inner/outer margins mirror on even pages."""

    width: float
    height: float
    margin_top: float
    margin_bottom: float
    margin_inner: float
    margin_outer: float
    header_rule_gap: float
    header_offset: float
    footer_offset: float
    footer_leading: float
    page_number_inset: float  # em of the page-number style

    @property
    def text_width(self) -> float:
        return self.width - self.margin_inner - self.margin_outer

    @property
    def text_height(self) -> float:
        return self.height - self.margin_top - self.margin_bottom

    def text_left(self, page_number: int) -> float:
        """Left edge of the text block: the inner margin is on the left of odd (recto) pages."""
        return self.margin_inner if page_number % 2 else self.margin_outer


@dataclass(frozen=True, slots=True)
class TextStyle:
    """A resolved text style; lengths in points except where noted."""

    name: str
    font: str  # role
    bold_font: str  # role for **bold** runs
    size: float
    leading: float
    first_indent: float = 0.0  # em
    indent: float = 0.0  # em
    space_before: float = 0.0
    space_after: float = 0.0
    align: Alignment = Alignment.JUSTIFY
    letter_spacing: float = 0.0  # em added after every character (the masthead's 快 讯)
    color: str = "text"
    right_inset: float = 0.0  # em kept free at the right (signatures)


@dataclass(frozen=True, slots=True)
class TableSpec:
    padding: float
    space_before: float
    space_after: float


@dataclass(frozen=True, slots=True)
class TocSpec:
    leader: str
    leader_gap: float  # em
    number_width: float  # em
    min_leader: float  # em of leader a wrapped entry's last line keeps at least
    number_gap: float  # em between an entry's text and the page-number column


@dataclass(frozen=True)
class Theme:
    """The resolved design. `chain(role)` gives the font fallback chain of a role (faces load once per process)."""

    name: str
    page: PageGeometry
    colors: dict[str, CMYK]
    rules: dict[str, float]
    spacing: dict[str, float]
    font_specs: dict[str, FontSpec]
    roles: dict[str, tuple[str, ...]]
    styles: dict[str, TextStyle]
    table: TableSpec
    toc: TocSpec
    punctuation: PunctuationStyle = PunctuationStyle.QUANJIAO
    strictness: Strictness = Strictness.GB
    min_last_line_han: int = 2
    files: tuple[Path, ...] = field(default=())  # the theme files read, child first (for batch change detection)

    def chain(self, role: str) -> FontChain:
        return _chain(tuple(self.font_specs[name] for name in self.roles[role]))

    def style(self, name: str) -> TextStyle:
        return self.styles[name]


@cache
def _chain(specs: tuple[FontSpec, ...]) -> FontChain:
    return FontChain(load_face(spec) for spec in specs)


# --- loading -------------------------------------------------------------------------------------------


class _Marked:
    """YAML data plus the source position of every mapping key's value, by dotted path."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.marks: dict[str, SourcePos] = {}
        source = load_yaml(path)  # bounded, encoding-aware parsing, as for issue files
        if source.diagnostics or source.root is None:
            raise SourceError(source.diagnostics)
        self.data = self._walk(source.root, "")

    def _walk(self, node: yaml.Node, path: str) -> Any:
        self.marks[path] = SourcePos(str(self.path), node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            return {k.value: self._walk(v, f"{path}.{k.value}".lstrip(".")) for k, v in node.value}
        if isinstance(node, yaml.SequenceNode):
            return [self._walk(v, f"{path}.{i}".lstrip(".")) for i, v in enumerate(node.value)]
        return (
            node.value
            if node.tag == "tag:yaml.org,2002:str"
            else yaml.constructor.SafeConstructor().construct_object(node)
        )


def theme_file(ref: str | Path) -> Path:
    """A shipped theme's file by name, or the given path."""
    if isinstance(ref, Path) or ref.endswith((".yaml", ".yml")) or "/" in ref:
        return Path(ref).resolve()
    return THEMES_DIR / f"{ref}.yaml"


def shipped_themes() -> list[str]:
    return sorted(p.stem for p in THEMES_DIR.glob("*.yaml"))


_THEMES: dict[Path, tuple[tuple[tuple[int, int], ...], Theme]] = {}  # path -> (file stamps, theme)


def load_theme(ref: str | Path = "default") -> Theme:
    """Read a theme (a shipped name or a YAML path), merge its parents, and resolve it.

    Themes are cached per process, and read again when one of their files (the theme or a parent)
    changed on disk: a long-lived batch worker never renders with a stale design.
    """
    path = theme_file(ref)
    cached = _THEMES.get(path)
    if cached is not None and cached[0] == _stamps(cached[1].files):
        return cached[1]
    theme = _read_theme(path)
    _THEMES[path] = (_stamps(theme.files), theme)
    return theme


def _stamps(files: tuple[Path, ...]) -> tuple[tuple[int, int], ...]:
    stamps = []
    for file in files:
        try:
            stat = file.stat()
        except OSError:
            return ()  # a file went missing: never equal to the recorded stamps, so the theme is read again
        stamps.append((stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)


def _read_theme(path: Path) -> Theme:
    layers: list[_Marked] = []
    current: Path | None = path
    while current is not None:
        if not current.is_file():
            names = ", ".join(shipped_themes())
            raise SourceError([Diagnostic(None, f"theme file {current} does not exist", f"shipped themes: {names}")])
        if len(layers) >= MAX_PARENTS or any(layer.path == current for layer in layers):
            raise SourceError(
                [Diagnostic(layers[-1].marks.get("parent"), "theme `parent:` chain loops or is too deep")]
            )
        layer = _Marked(current)
        layers.append(layer)
        parent = layer.data.get("parent")
        if parent is None:
            current = None
        elif str(parent).endswith((".yaml", ".yml")) or "/" in str(parent):
            current = (current.parent / str(parent)).resolve()  # a parent file is relative to its child
        else:
            current = THEMES_DIR / f"{parent}.yaml"
    return _Resolver(layers).resolve(path.stem)


class _Resolver:
    """Turns merged theme layers (child first) into a Theme, collecting every problem with its position."""

    def __init__(self, layers: list[_Marked]) -> None:
        self.layers = layers
        self.problems: list[Diagnostic] = []

    def get(self, dotted: str) -> tuple[Any, SourcePos | None, Path]:
        for layer in self.layers:
            node: Any = layer.data
            for part in dotted.split("."):
                if isinstance(node, list) and part.isdigit() and int(part) < len(node):
                    node = node[int(part)]
                else:
                    node = node.get(part) if isinstance(node, dict) else None
                if node is None:
                    break
            if node is not None:
                return node, layer.marks.get(dotted), layer.path
        return None, None, self.layers[0].path

    def section(self, name: str) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for layer in reversed(self.layers):
            value = layer.data.get(name) or {}
            if isinstance(value, dict):
                merged.update(value)
        return merged

    def fail(self, dotted: str, message: str, hint: str | None = None) -> None:
        _, pos, path = self.get(dotted)
        self.problems.append(Diagnostic(pos or SourcePos(str(path), 1, 1), message, hint))

    def length(self, dotted: str, default: float | None = None) -> float:
        value, _, _ = self.get(dotted)
        if value is None:
            if default is None:
                self.fail(dotted.rsplit(".", 1)[0], f"theme needs `{dotted}`")
                return 0.0
            return default
        try:
            return parse_length(str(value)) if not isinstance(value, int | float) else float(value)
        except ValueError as exc:
            self.fail(dotted, f"`{dotted}`: {exc}")
            return 0.0

    def number(self, dotted: str, default: float = 0.0) -> float:
        value, _, _ = self.get(dotted)
        if value is None:
            return default
        if not isinstance(value, int | float) or isinstance(value, bool):
            self.fail(dotted, f"`{dotted}` must be a number, not {value!r}")
            return default
        return float(value)

    def choice(self, dotted: str, enum: type[Enum], default: Any) -> Any:
        value, _, _ = self.get(dotted)
        if value is None:
            return default
        options = [e.value for e in enum]
        if value not in options:
            self.fail(dotted, f"`{dotted}` is {value!r}", f"one of: {', '.join(options)}")
            return default
        return enum(value)

    def resolve(self, name: str) -> Theme:
        width, height = self._page_size()
        page = PageGeometry(
            width=width,
            height=height,
            **{
                f.name: self.length(f"page.{f.name}")
                for f in fields(PageGeometry)
                if f.name not in ("width", "height", "page_number_inset")
            },
            page_number_inset=self._em("page.page_number_inset"),
        )
        colors = {key: self._color(key) for key in self.section("colors")}
        rules = {key: self.length(f"rules.{key}") for key in self.section("rules")}
        spacing = {key: self.length(f"spacing.{key}") for key in self.section("spacing")}
        for key in sorted(REQUIRED_SPACING - spacing.keys()):
            self.fail("spacing", f"theme has no `spacing.{key}`")
        font_specs = {key: self._font(key) for key in self.section("fonts")}
        roles = {key: self._role(key, font_specs) for key in self.section("roles")}
        styles: dict[str, TextStyle] = {}
        for key in self.section("styles"):
            self._style(key, styles, roles, colors, chain=())
        theme = Theme(
            name=name,
            page=page,
            colors=colors,
            rules=rules,
            spacing=spacing,
            font_specs=font_specs,
            roles=roles,
            styles=styles,
            table=TableSpec(*(self.length(f"table.{k}") for k in ("padding", "space_before", "space_after"))),
            toc=TocSpec(
                leader=str(self.get("toc.leader")[0] or "·"),
                leader_gap=self.number("toc.leader_gap", 0.5),
                number_width=self.number("toc.number_width", 2.5),
                min_leader=self.number("toc.min_leader", 2.0),
                number_gap=self.number("toc.number_gap", 0.5),
            ),
            punctuation=self.choice("composition.punctuation", PunctuationStyle, PunctuationStyle.QUANJIAO),
            strictness=self.choice("composition.strictness", Strictness, Strictness.GB),
            min_last_line_han=int(self.number("composition.min_last_line_han", 2)),
            files=tuple(layer.path for layer in self.layers),
        )
        for required in REQUIRED_STYLES:
            if required not in styles:
                self.fail("styles", f"theme has no style `{required}`")
        if self.problems:
            raise SourceError(self.problems)
        return theme

    def _page_size(self) -> tuple[float, float]:
        size, _, _ = self.get("page.size")
        if isinstance(size, list) and len(size) == 2:
            return self.length("page.size.0"), self.length("page.size.1")
        self.fail("page.size", "`page.size` must be [width, height], e.g. [210mm, 297mm]")
        return 595.0, 842.0

    def _em(self, dotted: str) -> float:
        value, _, _ = self.get(dotted)
        text = str(value or "0")
        if not text.endswith("em"):
            self.fail(dotted, f"`{dotted}` must be in em, e.g. 1em")
            return 0.0
        return float(text[:-2])

    def _color(self, key: str) -> CMYK:
        value, _, _ = self.get(f"colors.{key}")
        if (
            isinstance(value, list)
            and len(value) == 4
            and all(isinstance(v, int | float) and 0 <= v <= 1 for v in value)
        ):
            return (float(value[0]), float(value[1]), float(value[2]), float(value[3]))
        self.fail(f"colors.{key}", f"colour `{key}` must be CMYK [c, m, y, k] with values 0-1")
        return (0.0, 0.0, 0.0, 1.0)

    def _font(self, key: str) -> FontSpec:
        value, _, theme_path = self.get(f"fonts.{key}")
        if not isinstance(value, dict) or "file" not in value:
            self.fail(f"fonts.{key}", f"font `{key}` needs a `file:`")
            return FontSpec(Path("missing"))
        unknown = set(value) - {"file", "index", "face", "weight", "synthetic_bold"}
        for extra in sorted(unknown):
            self.fail(
                f"fonts.{key}.{extra}", f"unknown font option `{extra}`", "file, index, face, weight, synthetic_bold"
            )
        written = str(value["file"])
        # A bare name ("NotoSerifSC-Regular.ttf") is a bundled font; "./x.ttf" or "f/x.ttf" is beside the theme.
        bundled = "/" not in written and "\\" not in written
        path = bundled_fonts_dir() / written if bundled else (theme_path.parent / written).resolve()
        if not path.is_file():
            self.fail(f"fonts.{key}.file", f"font file {path} does not exist")
        return FontSpec(
            path=path,
            index=value.get("index"),
            face_name=value.get("face"),
            weight=value.get("weight"),
            synthetic_bold=bool(value.get("synthetic_bold", False)),
        )

    def _role(self, key: str, font_specs: dict[str, FontSpec]) -> tuple[str, ...]:
        value, _, _ = self.get(f"roles.{key}")
        names = tuple(value) if isinstance(value, list) else (value,)
        for i, face in enumerate(names):
            if face not in font_specs:
                close = difflib.get_close_matches(str(face), font_specs, n=1)
                self.fail(
                    f"roles.{key}.{i}",
                    f"role `{key}` names unknown font `{face}`",
                    f"did you mean '{close[0]}'?" if close else None,
                )
        return tuple(n for n in names if n in font_specs)

    def _style(
        self,
        key: str,
        styles: dict[str, TextStyle],
        roles: dict[str, tuple[str, ...]],
        colors: dict[str, CMYK],
        chain: tuple[str, ...],
    ) -> TextStyle | None:
        if key in styles:
            return styles[key]
        raw = self.section("styles").get(key)
        if not isinstance(raw, dict) or key in chain:
            self.fail(f"styles.{key}", f"style `{key}` is missing or its `parent:` chain loops")
            return None
        base: TextStyle | None = None
        if "parent" in raw:
            base = self._style(str(raw["parent"]), styles, roles, colors, (*chain, key))
        known = {f.name for f in fields(TextStyle)} - {"name"} | {"parent"}
        for extra in sorted(set(raw) - known):
            close = difflib.get_close_matches(extra, known, n=1)
            self.fail(
                f"styles.{key}.{extra}",
                f"unknown style option `{extra}`",
                f"did you mean '{close[0]}'?" if close else None,
            )
        p = f"styles.{key}"
        values: dict[str, Any] = {}
        for opt in ("size", "leading", "space_before", "space_after"):
            if opt in raw:
                values[opt] = self.length(f"{p}.{opt}")
        for opt in ("first_indent", "indent", "letter_spacing", "right_inset"):
            if opt in raw:
                values[opt] = self.number(f"{p}.{opt}")
        for opt in ("font", "bold_font"):
            if opt in raw:
                if raw[opt] not in roles:
                    self.fail(
                        f"{p}.{opt}",
                        f"style `{key}` names unknown font role `{raw[opt]}`",
                        f"roles: {', '.join(roles)}",
                    )
                values[opt] = str(raw[opt])
        if "align" in raw:
            values["align"] = self.choice(f"{p}.align", Alignment, Alignment.JUSTIFY)
        if "color" in raw:
            if raw["color"] not in colors:
                self.fail(f"{p}.color", f"style `{key}` names unknown colour `{raw['color']}`")
            values["color"] = str(raw["color"])
        if base is None:
            missing = [opt for opt in ("font", "size", "leading") if opt not in values]
            if missing:
                self.fail(p, f"style `{key}` has no parent and misses {', '.join(missing)}")
                return None
            values.setdefault("bold_font", values["font"])
            style = TextStyle(name=key, **values)
        else:
            style = replace(base, name=key, **values)
        styles[key] = style
        return style


REQUIRED_SPACING = frozenset({
    "masthead_rule_before", "masthead_rules_gap", "masthead_rule_after", "closing_rule_before",
    "closing_rule_after", "image", "bookmark_headroom",
})  # fmt: skip

REQUIRED_STYLES = (
    "body", "plain", "heading1", "heading2", "heading3", "subtitle", "list_item", "signature", "attachments",
    "links", "caption", "table_cell", "table_head", "closing", "section", "article_title", "doc_number",
    "masthead_publisher", "masthead_title", "masthead_issue", "toc_title", "toc_section", "toc_article",
    "header", "footer", "page_number",
)  # fmt: skip
