"""The pure line composer for Chinese text: character classes and prohibitions (cjk), clusters and legal breaks
(clusters), widths and glue (prepare), total-fit breaking (breaker), and `compose.compose`, its entry point.

Compiled or pure. An install that could compile these modules with mypyc (setup.py) holds, beside each .py,
an extension module, which Python imports first, and _compiled.json, the digest of every source compiled.
The extensions run only while every source still has its recorded digest. Otherwise (a source edited since,
in an editable checkout; a build that failed half-way; BULLETIN_PURE_PYTHON=1 in the environment) a finder
put first on sys.meta_path loads every composer module from its .py file. Both give the same lines: CI runs
the composer's tests and the snapshots both ways.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType

MANIFEST = "_compiled.json"
PURE_ENV = "BULLETIN_PURE_PYTHON"
_HERE = Path(__file__).resolve().parent


def module_names(folder: Path = _HERE) -> list[str]:
    """The composer's modules (what setup.py compiles): every .py file of the package but __init__."""
    return sorted(p.stem for p in folder.glob("*.py") if p.name != "__init__.py")


def extension_files(folder: Path = _HERE) -> list[Path]:
    """Compiled modules present in `folder`, for this interpreter's extension suffixes."""
    return [
        folder / f"{name}{suffix}"
        for name in module_names(folder)
        for suffix in importlib.machinery.EXTENSION_SUFFIXES
        if (folder / f"{name}{suffix}").is_file()
    ]


def build_state(folder: Path = _HERE, environ: os._Environ[str] | dict[str, str] = os.environ) -> str:
    """Which composer runs: "compiled", or "pure: <why>"."""
    if environ.get(PURE_ENV) == "1":
        return f"pure: {PURE_ENV}=1"
    if not extension_files(folder):
        return "pure: not compiled"
    try:
        recorded = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "pure: the compiled build is incomplete"
    names = module_names(folder)
    if not isinstance(recorded, dict) or sorted(recorded) != names:
        return "pure: the compiled build is incomplete"
    for name in names:
        if hashlib.sha256((folder / f"{name}.py").read_bytes()).hexdigest() != recorded[name]:
            return f"pure: {name}.py changed since it was compiled (pip install -e . compiles it again)"
    return "compiled"


class _SourceFinder:
    """Finds this package's modules as .py files only, ahead of the extension modules beside them."""

    def __init__(self, package: str, folder: Path) -> None:
        self.package, self.folder = package, folder

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        package, _, name = fullname.rpartition(".")
        source = self.folder / f"{name}.py"
        if package != self.package or not source.is_file():
            return None
        return importlib.util.spec_from_file_location(fullname, source)


BUILD = build_state()
if BUILD != "compiled" and extension_files():
    sys.meta_path.insert(0, _SourceFinder(__name__, _HERE))
