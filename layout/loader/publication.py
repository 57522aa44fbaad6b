"""The publication (bulletin.yaml or an issue's publication: block) -> model.Publication; theme references."""

from __future__ import annotations

import os
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode

from layout.errors import Diagnostic, SourceError, SourcePos
from layout.loader.definitions import MAX_FOOTER_LINES, PUBLICATION
from layout.loader.scalars import build_texts, resolve_inside
from layout.model import (
    Publication,
    Run,
    Text,
)
from layout.themeref import is_path, shipped_theme_problem, shipped_themes
from layout.yamlsrc import (
    BOOL,
    Walker,
    YamlSource,
    capped,
    describe,
    load_yaml,
    suggestion,
)

PUBLICATION_FILE = "bulletin.yaml"


def build_theme(w: Walker, node: Node, pub_dir: Path, root: Path) -> str | Path | None:
    """A shipped theme's name, or a theme file inside the publication's folder (layout.themeref's rules)."""
    got = w.text_value(node, "theme")
    if got is None:
        return None
    scalar, ref = got
    if is_path(ref):
        return resolve_inside(w, scalar, ref, pub_dir, root, "theme file")
    problem = shipped_theme_problem(ref)
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
    f = w.mapping(node, PUBLICATION.name, required=PUBLICATION.required, optional=PUBLICATION.optional)
    if f is None:
        return None
    texts: dict[str, str | None] = {}
    written: dict[str, Text] = {}
    for key in ("publisher", "masthead"):
        got = w.text_value(f[key][1], key) if key in f else None
        texts[key] = got[1] if got else None
        if got:
            written[key] = Text((Run(got[1]),), w.pos(got[0]), w.offset(got[0]))
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
    if "theme" not in f and (problem := shipped_theme_problem("default")):
        w.error(node, f"no theme given and the default theme is missing: {problem}")
        theme = None
    normalize = False
    if "normalize_punctuation" in f:
        flag = f["normalize_punctuation"][1]
        # Only the literals true and false: YAML 1.1 also reads yes/on/no/off, too easy to write by accident.
        value = flag.value.lower() if isinstance(flag, ScalarNode) and flag.tag == BOOL else None
        if value not in ("true", "false"):
            w.error(flag, "normalize_punctuation takes true or false", "write normalize_punctuation: true")
        normalize = value == "true"
    publisher, masthead = texts["publisher"], texts["masthead"]
    if publisher is None or masthead is None or footer is None or theme is None or ("closing" in f and not closing):
        return None
    return Publication(publisher=publisher, masthead=masthead, footer=footer,
                       contact=tuple((k, v) for k, v in contact if v is not None), closing=closing or (), theme=theme,
                       root=root.resolve(), source=source, pos=w.pos(node), publisher_text=written["publisher"],
                       masthead_text=written["masthead"],
                       masthead_pos=w.pos(f["masthead"][1]), publisher_pos=w.pos(f["publisher"][1]),
                       normalize_punctuation=normalize)


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


def check_theme_option(ref: str) -> list[Diagnostic]:
    """Problems with a --theme argument: a shipped name or an existing theme file."""
    if is_path(ref):
        return [] if Path(ref).is_file() else [Diagnostic(None, f"--theme {ref}: no such file")]
    problem = shipped_theme_problem(ref)
    return [Diagnostic(None, f"--theme {ref}: {problem}", "or give a path to a theme .yaml file")] if problem else []
