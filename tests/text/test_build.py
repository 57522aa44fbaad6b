"""Compiled or pure: which line composer runs (layout/text/__init__.py), and that both compose alike."""

from __future__ import annotations

import hashlib
import importlib
import importlib.machinery
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import layout.text
from layout.text import MANIFEST, PURE_ENV, _SourceFinder, build_state, module_names

SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]


def make_package(folder: Path, *, compiled: bool = True, manifest: bool = True) -> Path:
    """A composer-like package: two sources, their "extensions" (empty files) and the build's manifest."""
    folder.mkdir()
    (folder / "__init__.py").write_text("", encoding="utf-8")
    for name in ("alpha", "beta"):
        (folder / f"{name}.py").write_text(f"NAME = {name!r}\n", encoding="utf-8")
        if compiled:
            (folder / f"{name}{SUFFIX}").write_bytes(b"not really an extension")
    if manifest:
        digests = {n: hashlib.sha256((folder / f"{n}.py").read_bytes()).hexdigest() for n in ("alpha", "beta")}
        (folder / MANIFEST).write_text(json.dumps(digests), encoding="utf-8")
    return folder


def test_module_names_are_every_source_but_the_package() -> None:
    assert module_names() == ["breaker", "cjk", "clusters", "compose", "prepare", "words"]


def test_a_build_whose_sources_match_its_manifest_runs_compiled(tmp_path: Path) -> None:
    assert build_state(make_package(tmp_path / "pkg"), {}) == "compiled"


def test_without_extensions_the_sources_run(tmp_path: Path) -> None:
    assert build_state(make_package(tmp_path / "pkg", compiled=False), {}) == "pure: not compiled"


def test_the_environment_can_ask_for_the_pure_composer(tmp_path: Path) -> None:
    assert build_state(make_package(tmp_path / "pkg"), {PURE_ENV: "1"}) == f"pure: {PURE_ENV}=1"


def test_a_source_edited_after_the_build_makes_every_module_run_pure(tmp_path: Path) -> None:
    folder = make_package(tmp_path / "pkg")
    (folder / "beta.py").write_text("NAME = 'edited'\n", encoding="utf-8")
    assert build_state(folder, {}).startswith("pure: beta.py changed since it was compiled")


@pytest.mark.parametrize("manifest", [None, "{not json", '{"alpha": "0"}', "[1, 2]"])
def test_a_missing_or_partial_manifest_means_an_incomplete_build(tmp_path: Path, manifest: str | None) -> None:
    folder = make_package(tmp_path / "pkg", manifest=False)
    if manifest is not None:
        (folder / MANIFEST).write_text(manifest, encoding="utf-8")
    assert build_state(folder, {}) == "pure: the compiled build is incomplete"


def test_the_source_finder_loads_the_py_file_before_an_extension_beside_it(tmp_path: Path) -> None:
    make_package(tmp_path / "fakecomposer")
    sys.path.insert(0, str(tmp_path))
    try:
        with pytest.raises(ImportError):  # the "extension" is found first, and is no extension
            importlib.import_module("fakecomposer.alpha")
        sys.meta_path.insert(0, _SourceFinder("fakecomposer", tmp_path / "fakecomposer"))
        try:
            beta = importlib.import_module("fakecomposer.beta")
            assert beta.NAME == "beta"
            assert beta.__file__ == str(tmp_path / "fakecomposer" / "beta.py")
        finally:
            sys.meta_path.pop(0)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n.startswith("fakecomposer")]:
            del sys.modules[name]


# One paragraph with what the composer treats specially: prohibitions, a dash, Latin, a URL, a number.
PROBE = r"""
import json, sys
from layout.text import BUILD, module_names
from layout.text.compose import ComposeOptions, Span, compose
import layout.text
text = ("关于组织申报2018年度省级工业和信息化专项资金（第二批）项目的通知——请于6月30日前登录"
        "http://www.example.gov.cn/sbxt/index.html申报，逾期不予受理！联系人：张三，电话：020-12345678。") * 3
spans = [Span(text, "body", 10.5)]
measure = lambda style, ch: 10.5 if ord(ch) > 0x2E7F else 5.6
lines = compose(spans, measure, ComposeOptions(width=300.0))
lines += compose(spans[:1], measure, ComposeOptions(width=200.0, words=True))  # a title: breaks between words
files = {n: sys.modules["layout.text." + n].__file__ for n in module_names()}
print(json.dumps({"build": BUILD, "files": files,
                  "lines": [[(g.text, round(g.x, 6)) for g in line.glyphs] for line in lines]}))
"""


def probe(environ: dict[str, str]) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=environ, check=True)
    return json.loads(done.stdout)


def test_compiled_and_pure_compose_the_same_lines() -> None:
    pure_env = {**os.environ, PURE_ENV: "1"}
    default_env = {k: v for k, v in os.environ.items() if k != PURE_ENV}
    pure, default = probe(pure_env), probe(default_env)
    assert pure["build"] == f"pure: {PURE_ENV}=1"
    assert all(str(f).endswith(".py") for f in pure["files"].values())  # type: ignore[attr-defined]
    assert default["build"] == layout.text.build_state(environ={})
    compiled = default["build"] == "compiled"
    assert all(str(f).endswith(".py") != compiled for f in default["files"].values())  # type: ignore[attr-defined]
    assert pure["lines"] == default["lines"]
    assert len(pure["lines"]) > 3  # type: ignore[arg-type]
