"""fonts/build_fonts.py on a tiny CFF collection: face selection, subsetting, conversion, deterministic bytes."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from fontfactory import build_cff_font, build_collection
from fontTools.ttLib import TTFont

from layout.fonts.registry import reset_reportlab

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def build_fonts() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_fonts", REPO / "fonts" / "build_fonts.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_fonts"] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def source_dir(tmp_path: Path) -> Path:
    """A CFF collection like Noto CJK's: two faces, the wanted one second, with characters outside the coverage."""
    faces = [
        build_cff_font(chars="中文", family="Test Serif JP"),
        build_cff_font(chars="中文字，。AB ☐\u0e01", family="Test Serif SC"),
    ]
    for face in faces:
        face["head"].created = face["head"].modified = 3_000_000_000
    build_collection(faces, tmp_path / "src" / "TestSerif.ttc")
    return tmp_path / "src"


def test_build_face_subsets_and_converts_the_named_face(
    build_fonts: ModuleType, source_dir: Path, tmp_path: Path
) -> None:
    target = build_fonts.Target("TestSerifSC-Regular.ttf", "TestSerif.ttc", "TestSerifSC-Regular")
    out = build_fonts.build_face(target, source_dir, tmp_path)
    font = TTFont(out)
    assert font["name"].getDebugName(1) == "Test Serif SC"
    assert font["name"].getDebugName(5).endswith(build_fonts.VERSION_SUFFIX)
    # ☐ and Thai ก are outside COVERAGE: dropped
    assert set(font.getBestCmap()) == set(map(ord, "中文字，。AB "))
    assert "glyf" in font
    assert "CFF " not in font
    assert (font["head"].created, font["head"].modified) == (3_000_000_000, 3_000_000_000)
    assert font["post"].formatType == 2.0
    reset_reportlab()
    build_fonts.verify_reportlab(out)
    reset_reportlab()


def test_build_is_deterministic(build_fonts: ModuleType, source_dir: Path, tmp_path: Path) -> None:
    target = build_fonts.Target("Out.ttf", "TestSerif.ttc", "TestSerifSC-Regular")
    first = build_fonts.build_face(target, source_dir, tmp_path / "a").read_bytes()
    second = build_fonts.build_face(target, source_dir, tmp_path / "b").read_bytes()
    assert first == second


def test_unknown_face_lists_the_collection(build_fonts: ModuleType, source_dir: Path, tmp_path: Path) -> None:
    target = build_fonts.Target("Out.ttf", "TestSerif.ttc", "TestSerifKR-Regular")
    with pytest.raises(
        SystemExit, match="no face 'TestSerifKR-Regular'; it has TestSerifJP-Regular, TestSerifSC-Regular"
    ):
        build_fonts.build_face(target, source_dir, tmp_path)


def test_coverage_holds_the_required_ranges(build_fonts: ModuleType) -> None:
    wanted = set(build_fonts.build_unicodes())
    required = [
        *range(0x4E00, 0x9FA6),
        *range(0x3000, 0x3040),
        *range(0xFF00, 0xFFF0),
        *range(0x2000, 0x2070),
        *range(0x20, 0x100),
        *range(0x2460, 0x2474),
        *map(ord, "×÷·—…‘’“”《》〔〕【】"),
    ]
    assert wanted.issuperset(required)
