"""The bundled Noto faces in fonts/: TrueType outlines, coverage, and subset embedding by ReportLab."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from layout.fonts.registry import Face, FontChain, bundled_fonts_dir, load_face, reset_reportlab
from layout.fonts.spec import FontSpec

REPO = Path(__file__).resolve().parents[2]
BUNDLED = ("NotoSerifSC-Regular.ttf", "NotoSerifSC-Bold.ttf", "NotoSansSC-Bold.ttf")
SAMPLE = "关于印发《工业互联网发展行动计划（2018-2020年）》的通知：①—…“引号”，工信部〔2018〕188号"


@pytest.fixture(scope="session")
def bundled() -> dict[str, Face]:
    """The three bundled faces, parsed once per session (they stay usable across reset_reportlab)."""
    return {name: load_face(FontSpec(bundled_fonts_dir() / name)) for name in BUNDLED}


@pytest.fixture(autouse=True)
def clean_registry() -> Iterator[None]:
    reset_reportlab()
    yield
    reset_reportlab()


def test_bundled_dir_is_the_repository_fonts_folder() -> None:
    assert bundled_fonts_dir() == REPO / "fonts"
    assert sorted(p.name for p in bundled_fonts_dir().glob("*.ttf")) == sorted(BUNDLED)


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_face_is_static_truetype_covering_the_han_block(bundled: dict[str, Face], name: str) -> None:
    face = bundled[name]
    assert face.path == bundled_fonts_dir() / name  # used as is, never converted
    tables = set(TTFont(face.path, lazy=True).keys())
    assert tables == {"GlyphOrder", "OS/2", "cmap", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "name", "post"}
    coverage = face.coverage()
    assert all(cp in coverage for cp in range(0x4E00, 0x9FA6))
    assert all(cp in coverage for cp in range(0x3000, 0x3040))
    assert all(cp in coverage for cp in [*range(0x2460, 0x2474), *map(ord, "×÷·—…‘’“”《》〔〕【】，：；！？（）")])
    assert face.units_per_em == 1000
    assert face.advance("中") == 1.0
    assert face.advance("，") == 1.0


def test_bundled_faces_draw_every_character_of_the_sample_issues(bundled: dict[str, Face]) -> None:
    used = {ch for path in (REPO / "issues").glob("*.yaml") for ch in path.read_text(encoding="utf-8")} - {"\n"}
    for face in bundled.values():
        assert FontChain([face]).missing("".join(sorted(used))) == []


def test_pdf_embeds_only_truetype_subsets(bundled: dict[str, Face]) -> None:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1, pageCompression=0)
    for y, face in zip((700, 650, 600), bundled.values(), strict=True):
        canvas.setFont(face.name, 12)
        canvas.drawString(40, y, SAMPLE)
    canvas.save()
    data = buffer.getvalue()
    assert len(data) < 200_000  # subsets: a whole face is 7–10 MB

    page = PdfReader(io.BytesIO(data)).pages[0]
    fonts = [ref.get_object() for ref in page["/Resources"]["/Font"].values()]
    # ReportLab always lists the canvas's initial font, Helvetica (a standard font, never embedded)
    fonts = [font for font in fonts if font["/BaseFont"] != "/Helvetica"]
    assert len(fonts) == 3
    for font in fonts:
        assert font["/Subtype"] == "/TrueType"
        assert re.fullmatch(r"/[A-Z]{6}\+Noto(Serif|Sans)CJKsc-(Regular|Bold)", font["/BaseFont"])
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor
        assert "/FontFile" not in descriptor
        assert "/FontFile3" not in descriptor
        assert len(descriptor["/FontFile2"].get_object().get_data()) < 50_000
    assert page.extract_text().split() == [SAMPLE] * 3


def test_layout_fonts_is_the_only_caller_of_register_font() -> None:
    callers = [
        str(path.relative_to(REPO))
        for folder in ("layout", "fonts", "tests")  # benchmarks may time plain ReportLab as a baseline
        for path in (REPO / folder).rglob("*.py")
        if "registerFont(" in path.read_text(encoding="utf-8") and path != Path(__file__)
    ]
    assert callers == ["layout/fonts/registry.py"]
