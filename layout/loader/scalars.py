"""Scalars -> inline text (with {placeholders}), and relative paths confined to the publication folder."""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TypeVar

from yaml.nodes import Node, ScalarNode

from layout.inline import parse_inline
from layout.model import (
    Text,
)
from layout.punctuation import normalize
from layout.yamlsrc import (
    Walker,
    did_you_mean,
)

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
    if w.normalize_punctuation:
        normalized = normalize(value)
        if normalized != value:
            value, offset = normalized, None
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

