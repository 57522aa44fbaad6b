"""Installed fonts by name: a theme's `system: "Noto Serif CJK SC"` is resolved with fontconfig's fc-match.

This is the only way a theme reaches a font outside the publication's folder and the bundled fonts: by a
family name that fontconfig knows, never by a path.
"""

from __future__ import annotations

import shutil
from pathlib import Path

FC_TIMEOUT_S = 20  # fc-match answers from its cache in milliseconds; a first run may build the cache
INSTALL_HINT = ("install fontconfig (e.g. apt-get install fontconfig), or copy the font file into the "
                "publication's folder and name it with file:")


class SystemFontError(Exception):
    """A `system:` font that cannot be found; `hint` says what would help."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


def find_system_font(name: str) -> tuple[Path, int]:
    """(font file, face index) of the installed font fontconfig matches to `name`, a family name with
    optional fontconfig properties ("Noto Serif CJK SC:style=Bold").

    fontconfig always offers its closest font; anything whose family is not the one asked for is refused,
    so a theme never prints in a font it did not name.
    """
    family = name.split(":", 1)[0].strip()
    if not family or name.startswith("-"):
        raise SystemFontError(f"{name!r} is not a font name", 'write a family name, e.g. "Noto Serif CJK SC"')
    import subprocess  # only a theme that names an installed font runs fc-match; a render spares the import

    program = shutil.which("fc-match")
    if program is None:
        raise SystemFontError(f"system font {name!r} needs fontconfig's fc-match, which is not installed",
                              INSTALL_HINT)
    try:
        done = subprocess.run([program, "--format=%{family}\\n%{file}\\n%{index}\\n", name], capture_output=True,
                              text=True, timeout=FC_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SystemFontError(f"fc-match failed while looking for {name!r}: {exc}", INSTALL_HINT) from None
    lines = done.stdout.splitlines()
    if done.returncode != 0 or len(lines) < 3 or not lines[1]:
        raise SystemFontError(f"fc-match found no font for {name!r}", "list installed fonts with fc-list : family")
    families = [f.strip() for f in lines[0].split(",")]
    if family.casefold() not in {f.casefold() for f in families}:
        raise SystemFontError(f"no installed font of the family {family!r} (fontconfig's closest is {families[0]!r})",
                              "list installed fonts with fc-list : family")
    try:
        index = int(lines[2] or 0)
    except ValueError:
        index = 0
    return Path(lines[1]), index
