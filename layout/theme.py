"""Themes: the design as data. Theme files, merged with their `parent:` themes key by key, are checked
against `layout.theme_schema` (every problem with its file:line:col) and resolve to a typed `Theme`."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from enum import Enum
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from layout.caches import FileCache
from layout.errors import Diagnostic, SourceError, SourcePos
from layout.fonts.registry import Face, FontChain, bundled_fonts_dir, load_face
from layout.fonts.spec import FontError, FontSpec
from layout.systemfonts import SystemFontError, find_system_font
from layout.text.cjk import Strictness
from layout.text.compose import Alignment, PunctuationStyle
from layout.theme_schema import (
    MAX_PARENTS,
    MIN_LINE_EMS,
    MIN_TEXT_BLOCK,
    MIN_TEXT_BLOCK_SHOWN,
    NAME,
    REQUIRED_STYLES,
    THEME,
    Entries,
    Group,
    InvalidValueError,
    Key,
    Pair,
    ValueType,
)
from layout.themeref import (
    THEMES_DIR,
    contain,
    is_absolute,
    is_path,
    shipped_theme_file,
    shipped_theme_problem,
    shipped_themes,
)
from layout.units import MM
from layout.yamlsrc import STR, Walker, load_yaml, node_pos, suggestion

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


class Overflow(Enum):
    WRAP = "wrap"
    SHRINK = "shrink"


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
    # What a line too wide for its measure does. wrap: breaks onto more lines (running text, footers).
    # shrink: stays one line; letter_spacing is a maximum and gives way first, then the size, down to min_size.
    overflow: Overflow = Overflow.WRAP
    min_size: float = 0.0  # pt: the smallest size `overflow: shrink` may set (0: the style's own size)


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
    """The resolved design. `chain(role)` gives the font fallback chain of a role (loaded on first use)."""

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
    font_positions: dict[str, SourcePos | None] = field(default_factory=dict, compare=False)  # where each font is named
    _chains: dict[str, FontChain] = field(default_factory=dict, init=False, repr=False, compare=False)

    def chain(self, role: str) -> FontChain:
        # Kept per Theme: a theme is read again when any of its files (fonts included) changes on disk.
        chain = self._chains.get(role)
        if chain is None:
            chain = self._chains[role] = FontChain(load_face(self.font_specs[name]) for name in self.roles[role])
        return chain

    def face(self, name: str) -> Face:
        """The face the theme calls `name` (loaded on first use)."""
        return load_face(self.font_specs[name])

    def style(self, name: str) -> TextStyle:
        return self.styles[name]

    def font_files(self) -> tuple[Path, ...]:
        return tuple(spec.path for spec in self.font_specs.values())


def font_problems(theme: Theme) -> list[Diagnostic]:
    """Load every face of the theme; a file that is no usable font is reported where the theme names it."""
    problems = []
    for name in theme.font_specs:
        try:
            load_face(theme.font_specs[name])
        except FontError as exc:
            problems.append(Diagnostic(theme.font_positions.get(name), f"font `{name}` cannot be used: {exc}"))
    return problems


# --- the process's theme cache -------------------------------------------------------------------------

# (theme file, root) -> Theme; stale when a theme file or a font file it uses changes (layout.caches' rule)
_THEMES: FileCache[tuple[Path, Path], Theme] = FileCache("themes")


def theme_file(ref: str | Path) -> Path:
    """A shipped theme's file by name, or the given path."""
    if isinstance(ref, Path) or is_path(ref):
        return Path(ref).resolve()
    return shipped_theme_file(ref)


def load_theme(ref: str | Path = "default", *, root: Path | None = None) -> Theme:
    """Read a theme (a shipped name or a YAML path), merge its parents, check it and resolve it.

    `root` is the publication's folder: a user's theme, its parents and its font files must lie inside it
    (or among the shipped themes and bundled fonts). Without it, the theme file's own folder is the root.
    Raises SourceError with every problem. Themes are cached per process and read again when one of their
    files (a theme file or a font) changed on disk: a long-lived batch worker never uses a stale design.
    """
    if isinstance(ref, str) and not is_path(ref) and (problem := shipped_theme_problem(ref)):
        raise SourceError([Diagnostic(None, problem, suggestion(ref, shipped_themes()))])
    path = theme_file(ref)
    root = THEMES_DIR if path.parent == THEMES_DIR else (root or path.parent).resolve()
    cached = _THEMES.get((path, root))
    if cached is not None:
        return cached
    theme = _Reader(path, root).theme()
    return _THEMES.put((path, root), theme, (*theme.files, *theme.font_files()))


def clear_theme_cache() -> None:
    _THEMES.clear()


def display_name(path: Path) -> str:
    """How messages name a file: relative to the working folder when inside it, else in full."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# --- reading: layers, merged key by key ----------------------------------------------------------------


@dataclass
class _Item:
    """A value of the merged theme: its node, the file it comes from, how many parents up (0: the theme
    asked for), and for a mapping its entries."""

    node: Node
    file: str
    depth: int
    key: Node | None = None
    children: dict[str, _Item] | None = None

    @property
    def pos(self) -> SourcePos:
        return node_pos(self.file, self.node)

    @property
    def key_pos(self) -> SourcePos:
        return node_pos(self.file, self.key if self.key is not None else self.node)


Kind = ValueType | Group | Entries | None


def _child_kind(kind: Kind, name: str) -> Kind:
    if isinstance(kind, Group):
        key = kind.key(name)
        return key.type if key else None
    if isinstance(kind, Entries):
        return kind.value
    return None


def _tree(w: Walker, node: Node, depth: int, what: str, key: Node | None = None) -> _Item:
    item = _Item(node, w.name, depth, key)
    if isinstance(node, MappingNode):
        item.children = {name: _tree(w, value, depth, f"{what}.{name}".lstrip("."), key_node)
                         for name, (key_node, value) in w.keys(node, what or "the theme").items()}
    return item


def _merge(base: _Item, over: _Item, kind: Kind) -> _Item:
    """`over` (a child theme's value) on top of `base`: mappings the schema merges merge key by key."""
    mergeable = isinstance(kind, Entries) or (isinstance(kind, Group) and kind.merge)
    if not mergeable or base.children is None or over.children is None:
        return over
    children = dict(base.children)
    for name, child in over.children.items():
        children[name] = _merge(base.children[name], child, _child_kind(kind, name)) if name in base.children \
            else child
    return _Item(over.node, over.file, over.depth, over.key, children)


class _Reader:
    """Reads one theme and its parents, checks the merged result and builds the Theme."""

    def __init__(self, path: Path, root: Path) -> None:
        self.path = path
        self.root = root
        self.problems: list[Diagnostic] = []
        self.files: list[Path] = []
        self.values: dict[str, Any] = {}  # dotted key -> checked value
        self.items: dict[str, _Item] = {}  # dotted key -> where it is written
        self.broken: set[str] = set()  # styles whose parent chain is already reported as wrong

    def theme(self) -> Theme:
        merged = self.read_layers()
        if merged is None or self.problems:
            raise SourceError(self.problems)
        self.check_group(merged, THEME, "")
        if self.problems:
            raise SourceError(self.problems)
        theme = self.build()
        if self.problems:
            raise SourceError(self.problems)
        return theme

    def error(self, pos: SourcePos | None, message: str, hint: str | None = None) -> None:
        self.problems.append(Diagnostic(pos, message, hint))

    # --- layers ---------------------------------------------------------------------------------------

    def read_layers(self) -> _Item | None:
        """Every theme in the parent chain as an item tree, merged child over parent; None on problems."""
        trees: list[_Item] = []
        current: Path | None = self.path
        via: SourcePos | None = None  # the `parent:` that named `current`
        while current is not None:
            if current in self.files:
                chain = " → ".join(display_name(f) for f in [*self.files, current])
                self.error(via, f"theme `parent:` chain loops: {chain}", "a theme cannot inherit from itself")
                return None
            if len(self.files) >= MAX_PARENTS:
                self.error(via, f"theme `parent:` chain is deeper than {MAX_PARENTS} themes")
                return None
            if not current.is_file():
                self.error(via, f"theme file {display_name(current)} does not exist",
                           f"shipped themes: {', '.join(shipped_themes())}")
                return None
            source = load_yaml(current, display_name(current))
            if source.diagnostics or source.root is None:
                self.problems += [replace(d, hint="see docs/theme.md") if d.message == "file is empty" else d
                                  for d in source.diagnostics]
                return None
            w = Walker(source)
            if not isinstance(source.root, MappingNode):
                w.error(source.root, "a theme must be a mapping (key: value lines)", "see docs/theme.md")
                self.problems += w.diagnostics
                return None
            self.files.append(current)
            trees.append(_tree(w, source.root, len(trees), ""))
            self.problems += w.diagnostics
            parent = (trees[-1].children or {}).get("parent")
            current, via = (self.parent_file(parent, current), parent.pos) if parent is not None else (None, None)
            if parent is not None and current is None:
                return None
        merged = trees[-1]
        for tree in reversed(trees[:-1]):
            merged = _merge(merged, tree, THEME)
        return merged

    def parent_file(self, item: _Item, child: Path) -> Path | None:
        node = item.node
        if not isinstance(node, ScalarNode) or node.tag != STR or not node.value.strip():
            self.error(item.pos, "`parent:` must name a shipped theme or a theme file")
            return None
        ref = node.value
        if not is_path(ref):
            problem = shipped_theme_problem(ref)
            if problem:
                self.error(item.pos, f"parent: {problem}", suggestion(ref, shipped_themes()))
                return None
            return shipped_theme_file(ref)
        path, problem, hint = contain(ref, child.parent, (self.root, THEMES_DIR), "parent theme")
        if path is None:
            self.error(item.pos, problem or "", hint)
        return path

    # --- checking against the schema -----------------------------------------------------------------

    def check(self, item: _Item, kind: ValueType | Group | Entries, dotted: str) -> None:
        self.items[dotted] = item
        if isinstance(kind, Group):
            self.check_group(item, kind, dotted + ".")
        elif isinstance(kind, Entries):
            self.check_entries(item, kind, dotted)
        elif isinstance(kind, Pair):
            try:
                nodes = kind.items(item.node)
            except InvalidValueError as exc:
                self.error(item.pos, f"{dotted} {exc}")
                return
            for i, node in enumerate(nodes):
                self.check(_Item(node, item.file, item.depth), kind.item, f"{dotted}.{i}")
            if all(f"{dotted}.{i}" in self.values for i in range(len(nodes))):
                self.values[dotted] = tuple(self.values.pop(f"{dotted}.{i}") for i in range(len(nodes)))
        else:
            try:
                self.values[dotted] = kind.parse(item.node)
            except InvalidValueError as exc:
                self.error(item.pos, f"{dotted} {exc}")

    def check_group(self, item: _Item | None, group: Group, prefix: str) -> None:
        what = prefix.rstrip(".") or "the theme"
        if item is not None and item.children is None:
            self.error(item.pos, f"{what} must be a mapping (key: value lines)")
            return
        children = item.children or {} if item is not None else {}
        for name, child in children.items():
            key = group.key(name)
            if key is None:
                known = [k.name for k in group.keys]
                hint = "merge keys (<<) are not supported; write the keys out" if name == "<<" else \
                    suggestion(name, known) or f"known keys: {', '.join(known)}"
                self.error(child.key_pos, f"unknown key {name!r} in {what}", hint)
                continue
            self.check(child, key.type, prefix + name)
        for key in group.keys:
            if key.name not in children:
                self.missing(key, prefix, item)
        if group.one_of and item is not None and sum(name in children for name in group.one_of) != 1:
            either = " or ".join(f"`{name}:`" for name in group.one_of)
            self.error(item.pos, f"{what} needs exactly one of {either}")

    def missing(self, key: Key, prefix: str, parent: _Item | None) -> None:
        dotted = prefix + key.name
        if key.default is not None:
            if isinstance(key.type, Group):
                self.check_group(None, key.type, dotted + ".")  # its keys' defaults
            else:
                self.values[dotted] = key.default
        elif key.required:
            where = parent.key_pos if parent is not None else SourcePos(display_name(self.path), 1, 1)
            self.error(where, f"theme has no `{dotted}` ({key.doc})")

    def check_entries(self, item: _Item, kind: Entries, dotted: str) -> None:
        if item.children is None:
            self.error(item.pos, f"{dotted} must be a mapping of {kind.what} names")
            return
        for name, child in item.children.items():
            if not NAME.fullmatch(name):
                self.error(child.key_pos, f"{kind.what} name {name!r} in {dotted} must be letters, digits, _ and -")
                continue
            self.check(child, kind.value, f"{dotted}.{name}")
        self.values[dotted] = [name for name in item.children if NAME.fullmatch(name)]
        for name in kind.required:
            if name not in item.children:
                self.error(item.pos, f"theme has no {kind.what} `{name}` in {dotted}")

    # --- resolving -----------------------------------------------------------------------------------

    def where(self, *dotted: str) -> SourcePos | None:
        """The position of the key, among `dotted`, written closest to the theme asked for (the likely edit)."""
        found = [self.items[d] for d in dotted if d in self.items]
        return min(found, key=lambda item: item.depth).pos if found else None

    def build(self) -> Theme:
        v = self.values
        font_specs = {name: spec for name in v["fonts"] if (spec := self.font(name)) is not None}
        roles = {name: self.role(name, v["fonts"]) for name in v["roles"]}
        colors = {name: v[f"colors.{name}"] for name in v["colors"]}
        width, height = v["page.size"]
        page = PageGeometry(width=width, height=height, **{
            f.name: v[f"page.{f.name}"] for f in fields(PageGeometry) if f.name not in ("width", "height")})
        styles, origins = self.styles(roles, colors)
        theme = Theme(
            name=self.path.stem,
            page=page,
            colors=colors,
            rules={k.name: v[f"rules.{k.name}"] for k in _group("rules").keys},
            spacing={k.name: v[f"spacing.{k.name}"] for k in _group("spacing").keys},
            font_specs=font_specs,
            roles=roles,
            styles=styles,
            table=TableSpec(v["table.padding"], v["table.space_before"], v["table.space_after"]),
            toc=TocSpec(v["toc.leader"], v["toc.leader_gap"], v["toc.number_width"], v["toc.min_leader"],
                        v["toc.number_gap"]),
            punctuation=PunctuationStyle(v["composition.punctuation"]),
            strictness=Strictness(v["composition.strictness"]),
            min_last_line_han=v["composition.min_last_line_han"],
            files=tuple(self.files),
            font_positions={name: self.where(f"fonts.{name}.file", f"fonts.{name}.system") for name in font_specs},
        )
        if not self.problems:
            self.relations(theme, origins)
        return theme

    def font(self, name: str) -> FontSpec | None:
        v, dotted = self.values, f"fonts.{name}"
        index = v.get(f"{dotted}.index")
        if f"{dotted}.system" in v:
            item = self.items[f"{dotted}.system"]
            try:
                path, found_index = find_system_font(v[f"{dotted}.system"])
            except SystemFontError as exc:
                self.error(item.pos, f"font `{name}`: {exc}", exc.hint)
                return None
            index = found_index if index is None and path.suffix.lower() in (".ttc", ".otc") else index
        else:
            item = self.items[f"{dotted}.file"]
            found = self.font_file(v[f"{dotted}.file"], item)
            if found is None:
                return None
            path = found
        return FontSpec(path=path, index=index, face_name=v.get(f"{dotted}.face"), weight=v.get(f"{dotted}.weight"),
                        synthetic_bold=v[f"{dotted}.synthetic_bold"])

    def font_file(self, written: str, item: _Item) -> Path | None:
        """A bare file name is a bundled font; any other path is relative to the theme that names it."""
        if "/" not in written and "\\" not in written and not is_absolute(written):
            bundled_path = bundled_fonts_dir() / written
            if bundled_path.is_file():
                return bundled_path
            bundled = sorted(p.name for p in bundled_fonts_dir().glob("*.tt[fc]"))
            self.error(item.pos, f"font file {written!r} is not one of the bundled fonts",
                       f"bundled: {', '.join(bundled)}; for a file beside the theme write ./{written}")
            return None
        base = self.files[item.depth].parent
        path, problem, hint = contain(written, base, (self.root, THEMES_DIR, bundled_fonts_dir()), "font file")
        if path is None:
            self.error(item.pos, problem or "", hint)
        return path

    def role(self, name: str, fonts: list[str]) -> tuple[str, ...]:
        item = self.items[f"roles.{name}"]
        faces: tuple[str, ...] = self.values[f"roles.{name}"]
        nodes = item.node.value if isinstance(item.node, SequenceNode) else [item.node]
        for face, node in zip(faces, nodes, strict=True):
            if face not in fonts:
                self.error(node_pos(item.file, node), f"role `{name}` names unknown font `{face}`",
                           suggestion(face, fonts) or f"fonts: {', '.join(fonts)}")
        return faces

    def styles(self, roles: dict[str, tuple[str, ...]],
               colors: dict[str, CMYK]) -> tuple[dict[str, TextStyle], dict[str, dict[str, str]]]:
        """Every style with its parents' values filled in, and where each value was written (dotted keys)."""
        names: list[str] = self.values["styles"]
        parents = {name: self.values.get(f"styles.{name}.parent") for name in names}
        used = set(REQUIRED_STYLES) | {p for p in parents.values() if p}
        for name in names:
            if name not in used:
                self.error(self.items[f"styles.{name}"].key_pos,
                           f"style `{name}` is not used: the layout prints only the styles in docs/theme.md, and "
                           "no style inherits from it", suggestion(name, REQUIRED_STYLES))
        origins: dict[str, dict[str, str]] = {}
        for name in names:
            if name in used:
                self.style_origins(name, parents, origins, ())
        styles: dict[str, TextStyle] = {}
        for name, origin in origins.items():
            values = {opt: self.values[dotted] for opt, dotted in origin.items()}
            if not all(opt in values for opt in ("font", "size", "leading")):
                lacking = ", ".join(opt for opt in ("font", "size", "leading") if opt not in values)
                self.error(self.items[f"styles.{name}"].key_pos, f"style `{name}` has no `parent:` and no {lacking}")
                continue
            # named by the key that says it (styles inheriting it would repeat the same problem)
            for opt in ("font", "bold_font"):
                if opt in origin and values[opt] not in roles:
                    self.error(self.where(origin[opt]), f"{origin[opt]} names unknown font role `{values[opt]}`",
                               suggestion(values[opt], roles) or f"roles: {', '.join(roles)}")
            if values["color"] not in colors:
                self.error(self.where(origin["color"]), f"{origin['color']} names unknown colour `{values['color']}`",
                           suggestion(values["color"], colors) or f"colours: {', '.join(colors)}")
            values.setdefault("bold_font", values["font"])
            values["align"] = Alignment(values["align"])
            values["overflow"] = Overflow(values["overflow"])
            values.pop("parent", None)
            styles[name] = TextStyle(name=name, **values)
        return styles, origins

    def style_origins(self, name: str, parents: dict[str, str | None], out: dict[str, dict[str, str]],
                      chain: tuple[str, ...]) -> dict[str, str] | None:
        """option -> the dotted key its value comes from, following `parent:` (a loop is reported)."""
        if name in out:
            return out[name]
        parent = parents.get(name)
        base: dict[str, str] = {}
        if name in self.broken:
            return None
        if parent is not None:
            at = self.items[f"styles.{name}.parent"].pos
            if parent in chain or parent == name:
                loop = (*chain[chain.index(parent):], name) if parent in chain else (name,)
                self.broken.update(loop)
                self.error(at, f"style `parent:` chain loops: {' → '.join((*loop, parent))}")
                return None
            if parent not in parents:
                self.error(at, f"style `{name}` inherits from unknown style `{parent}`", suggestion(parent, parents))
                return None
            found = self.style_origins(parent, parents, out, (*chain, name))
            if found is None:
                self.broken.add(name)
                return None
            base = dict(found)
        prefix = f"styles.{name}."
        own = {dotted[len(prefix):]: dotted for dotted in self.values if dotted.startswith(prefix)}
        if parent is not None:  # defaults of a child style come from its parent, not the schema
            own = {opt: dotted for opt, dotted in own.items() if dotted in self.items}
        out[name] = {**base, **own}
        return out[name]

    # --- relations between values --------------------------------------------------------------------

    def relations(self, theme: Theme, origins: dict[str, dict[str, str]]) -> None:
        page = theme.page
        for extent, size_key, sides, text in (
            ("wide", "page.size.0", ("page.margin_inner", "page.margin_outer"), page.text_width),
            ("tall", "page.size.1", ("page.margin_top", "page.margin_bottom"), page.text_height),
        ):
            if text < MIN_TEXT_BLOCK:
                full = page.width if extent == "wide" else page.height
                margins = " and ".join(f"{s.split('.')[1]} {_mm(self.values[s])}" for s in sides)
                self.error(self.where("page.size", *sides),
                           f"the margins leave a text block {_mm(text)} {extent} (page {_mm(full)} less {margins}); "
                           f"it must be at least {MIN_TEXT_BLOCK_SHOWN}", "make the margins smaller or the page larger")
        if self.problems:
            return  # the rest measures against the text block
        header = page.header_offset + page.header_rule_gap + theme.styles["header"].size
        if header > page.margin_top:
            self.error(self.where("page.header_offset", "page.header_rule_gap", "page.margin_top"),
                       f"the running header reaches {_mm(header)} above the text block (header_offset + "
                       f"header_rule_gap + the header's size), beyond margin_top {_mm(page.margin_top)}: it would "
                       "be cut off at the top of the page")
        if page.footer_offset > page.margin_bottom:
            self.error(self.where("page.footer_offset", "page.margin_bottom"),
                       f"page.footer_offset {_mm(page.footer_offset)} is more than page.margin_bottom "
                       f"{_mm(page.margin_bottom)}: the footer would stand below the page")
        for name, style in theme.styles.items():
            origin = origins[name]
            if style.leading < style.size:
                self.error(self.where(origin["leading"], origin["size"]),
                           f"{origin['leading']} {_pt(style.leading)} is less than {origin['size']} "
                           f"{_pt(style.size)}: the leading must be at least the size")
            indents = max(style.first_indent, style.indent) + style.right_inset
            if (indents + MIN_LINE_EMS) * style.size > page.text_width:
                self.error(self.where(origin["size"], origin["first_indent"], origin["indent"], origin["right_inset"]),
                           f"style `{name}` leaves no room for text: {indents:g}em of indents and {MIN_LINE_EMS}em of "
                           f"text at {_pt(style.size)} are wider than the text block ({_pt(page.text_width)})")
            for opt in ("leading", "space_before", "space_after"):
                if getattr(style, opt) > page.text_height:
                    self.error(self.where(origin[opt]), f"{origin[opt]} {_pt(getattr(style, opt))} is taller than "
                               f"the text block ({_pt(page.text_height)})")
        for dotted in [f"spacing.{k}" for k in theme.spacing] + ["table.space_before", "table.space_after"]:
            if self.values[dotted] > page.text_height:
                self.error(self.where(dotted), f"{dotted} {_pt(self.values[dotted])} is taller than the text block "
                           f"({_pt(page.text_height)})")
        entry, toc = theme.styles["toc_article"], theme.toc
        needed = (entry.indent + toc.min_leader + toc.number_width + toc.number_gap + MIN_LINE_EMS) * entry.size
        if needed > page.text_width:
            toc_keys = ("toc.min_leader", "toc.number_width", "toc.number_gap", origins["toc_article"]["size"])
            self.error(self.where(*toc_keys),
                       f"contents entries need {_pt(needed)} (indent, min_leader, number_width, number_gap and "
                       f"{MIN_LINE_EMS}em of text at the toc_article size), more than the text block's width "
                       f"({_pt(page.text_width)})")


def _group(name: str) -> Group:
    key = THEME.key(name)
    if key is None or not isinstance(key.type, Group):
        raise KeyError(name)
    return key.type


def _mm(points: float) -> str:
    return f"{points / MM:.1f}mm".replace(".0mm", "mm")


def _pt(points: float) -> str:
    return f"{points:.1f}pt".replace(".0pt", "pt")

