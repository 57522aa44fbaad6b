"""Build step that pyproject.toml cannot declare: compile the line composer (layout/text/) with mypyc.

The composer is pure, typed Python; compiled by mypyc it composes the same lines about five times faster
(benchmarks/run_all.py). Compiling is an optimisation, never a requirement: with no C compiler, with mypyc
missing, or with BULLETIN_PURE_PYTHON=1 in the environment, the install goes on and the .py files run.
The build also writes layout/text/_compiled.json, the digest of each source it compiled, so that an
editable checkout whose sources changed since uses them, not the stale extensions (layout/text/__init__.py).

Everything else about the package (metadata, dependencies, data files) is in pyproject.toml.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
TEXT = Path("layout") / "text"
MANIFEST = "_compiled.json"  # read by layout/text/__init__.py
# Every module of the composer but the package's __init__, which picks compiled or pure at import time
# (its module_names() is the same rule).
COMPILED = sorted(p.stem for p in (HERE / TEXT).glob("*.py") if p.name != "__init__.py")


def source_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def warn(message: str) -> None:
    sys.stderr.write(f"bulletin: {message}; the pure-Python line composer will be used\n")


class OptionalBuildExt(build_ext):
    """build_ext that never fails the install, and records what it compiled from."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # no compiler, missing headers...: the .py files still work
            # Without the manifest, whatever did get compiled is ignored at run time: all or nothing.
            warn(f"compiling the composer failed ({exc})")
            return
        if self.extensions:
            self._write_manifest()

    def _write_manifest(self) -> None:
        # Next to the compiled modules: the source tree in an editable install, the wheel's tree otherwise.
        target = Path(self.get_ext_fullpath("layout.text.cjk")).parent / MANIFEST
        digests = {name: source_digest(HERE / TEXT / f"{name}.py") for name in COMPILED}
        target.write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def extensions() -> list[object]:
    if os.environ.get("BULLETIN_PURE_PYTHON") == "1":
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        warn("mypyc is not installed")
        return []
    # The build environment holds setuptools and mypy only: rjieba (imported lazily by words.py) is not there,
    # and its types do not matter to the compiled code.
    sources = ["--ignore-missing-imports", *(str(TEXT / f"{name}.py") for name in COMPILED)]
    try:
        return list(mypycify(sources, opt_level="3"))
    except (Exception, SystemExit) as exc:  # mypyc refused something (it exits): a bug, never a failed install
        warn(f"mypyc could not compile the composer ({exc})")
        return []


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
