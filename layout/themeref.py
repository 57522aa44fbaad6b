"""Theme references: the one place that says what `theme:`, `--theme` and a theme's `parent:` may name.

A reference is either the name of a shipped theme (`default`, a file in layout/themes/) or a path to a
theme file (it ends in .yaml or .yml, or has a folder in it). Paths in sources are contained: a theme file,
a parent theme or a font file must lie inside the publication's folder, the shipped themes or the bundled
fonts (see `contain`). This module reads nothing but folder listings, so the loader can use it cheaply.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath, PureWindowsPath

THEMES_DIR = Path(__file__).resolve().parent / "themes"  # shipped themes: NAME.yaml
THEME_SUFFIXES = (".yaml", ".yml")


def shipped_themes() -> list[str]:
    """Names of the themes shipped in layout/themes/."""
    return sorted(p.stem for p in THEMES_DIR.glob("*.yaml"))


def is_path(ref: str) -> bool:
    """Whether a reference names a file (`house.yaml`, `themes/house`) rather than a shipped theme (`default`)."""
    return ref.endswith(THEME_SUFFIXES) or "/" in ref or "\\" in ref


def shipped_theme_problem(name: str) -> str | None:
    """Why `name` is not a shipped theme, or None if it is one."""
    names = shipped_themes()
    if name in names:
        return None
    return f"unknown theme {name!r}; shipped themes: {', '.join(names) or '(none)'}"


def shipped_theme_file(name: str) -> Path:
    return THEMES_DIR / f"{name}.yaml"


def is_absolute(text: str) -> bool:
    """An absolute path in POSIX or Windows spelling, or one starting at a home folder (~)."""
    return PurePosixPath(text).is_absolute() or PureWindowsPath(text).is_absolute() or text.startswith("~")


def contain(text: str, base: Path, roots: tuple[Path, ...], what: str) -> tuple[Path | None, str | None, str | None]:
    """Resolve `text` relative to `base` and keep it inside one of `roots` (symlinks resolved).

    Returns (path, None, None) for an existing file inside a root, else (None, message, hint). Absolute
    paths are refused however they are spelt: a source names files relative to itself.
    """
    if is_absolute(text):
        return None, f"{what} {text!r} is an absolute path", f"write it relative to {base}{os.sep}"
    path = (base / text).resolve()
    if not any(path.is_relative_to(root.resolve()) for root in roots):
        where = ", ".join(f"{root}{os.sep}" for root in roots)
        return None, f"{what} {text!r} is outside the folders a theme may use", f"allowed: {where}"
    if not path.exists():
        return None, f"{what} {text!r} not found (looked for {path})", None
    if not path.is_file():
        return None, f"{what} {text!r} is not a file", None
    return path, None, None
