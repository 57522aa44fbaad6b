"""The face cache: restored faces are the faces ReportLab parses, the bundled records are current, renders from
records give the same PDF, and a render restores instead of parsing (no fontTools, no glyph walk)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fontfactory import build_truetype_font, save_font
from reportlab.pdfbase.ttfonts import TTFont as RLTTFont
from reportlab.pdfbase.ttfonts import TTFontFace

import layout.fonts.registry
from layout.fonts import facecache
from layout.fonts.registry import (
    bundled_face_cache_dir,
    bundled_face_records,
    bundled_fonts_dir,
    load_face,
    reset_reportlab,
    restored_font,
)
from layout.fonts.spec import FontSpec

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "issues" / "2018-0602.yaml"
# attributes that a restored face makes on first use, or that are not data (the scaling function, read position)
DERIVED = {"_ttf_data", "_pdfScale", "_pos", "glyphToChar", "hmetrics", "glyphPos", "_packed"}


@pytest.fixture(autouse=True)
def isolated_fonts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    cache = tmp_path / "cache"
    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(cache))
    reset_reportlab()
    yield cache / "fonts"
    reset_reportlab()


def assert_same_face(restored: TTFontFace, parsed: TTFontFace) -> None:
    """Every attribute the parser sets, the same value and type; the derived ones the same when made."""
    mine, theirs = vars(restored), vars(parsed)
    assert set(theirs) - set(mine) <= DERIVED
    for key, value in theirs.items():
        if key not in DERIVED:
            assert mine[key] == value, key
            assert type(mine[key]) is type(value), key
    assert restored.glyphToChar == parsed.glyphToChar
    assert list(restored.hmetrics) == list(parsed.hmetrics)
    assert list(restored.glyphPos) == list(parsed.glyphPos)
    assert restored._pdfScale(1234) == parsed._pdfScale(1234)
    codes = [0, 32, *sorted(parsed.charToGlyph)[:40]]
    assert restored.makeSubset(codes) == parsed.makeSubset(codes)


def restore(data: bytes, font: Path, cache_dir: Path) -> TTFontFace:
    record = facecache.decode(data, font, cache_dir)
    assert record is not None
    return restored_font("x", record).face


def test_a_record_restores_the_face_reportlab_parses(tmp_path: Path) -> None:
    font = save_font(build_truetype_font(), tmp_path / "TestSans.ttf")
    parsed = RLTTFont("x", str(font)).face
    record = facecache.encode(vars(parsed), "", "TestSans")
    assert record is not None
    read = facecache.decode(record, font, tmp_path)
    assert read is not None
    assert (read.truetype, read.label) == (font, "TestSans")
    wrapped, plain = restored_font("x", read), RLTTFont("x", str(font))
    assert_same_face(wrapped.face, parsed)
    assert {k: v for k, v in vars(wrapped).items() if k not in ("face", "state", "encoding")} == {
        k: v for k, v in vars(plain).items() if k not in ("face", "state", "encoding")
    }


def test_the_bundled_records_are_current() -> None:
    """fonts/cache/ holds one record per bundled face, of this format and ReportLab version, describing the font
    file as it is now (else: python fonts/build_fonts.py --face-cache)."""
    expected = bundled_face_records()
    shipped = {path.name: path.read_bytes() for path in bundled_face_cache_dir().glob("*.face")}
    assert sorted(shipped) == sorted(expected)
    for name, data in expected.items():
        for path in bundled_fonts_dir().glob("*.ttf"):
            if facecache.FaceKey(hashlib.sha256(path.read_bytes()).hexdigest()).filename() == name:
                break
        committed = restore(shipped[name], path, bundled_face_cache_dir())
        assert_same_face(committed, restore(data, path, bundled_face_cache_dir()))
        assert_same_face(committed, RLTTFont("x", str(path)).face)


def test_bundled_faces_load_from_their_records_without_parsing(
    isolated_fonts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_parse(*args: object) -> None:
        raise AssertionError("a bundled face was parsed")

    monkeypatch.setattr(layout.fonts.registry, "parse_metrics", no_parse)
    face = load_face(FontSpec(bundled_fonts_dir() / "NotoSerifSC-Regular.ttf"))
    assert face.advance("中") == 1.0
    assert not list(isolated_fonts.glob("*.face"))  # nothing written: the shipped record served


def test_other_fonts_are_parsed_once_then_restored(
    tmp_path: Path, isolated_fonts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    font = save_font(build_truetype_font(), tmp_path / "TestSans.ttf")
    first = load_face(FontSpec(font))
    assert len(list(isolated_fonts.glob("*.face"))) == 1
    reset_reportlab()
    parses: list[Path] = []
    original = layout.fonts.registry.parse_metrics
    monkeypatch.setattr(
        layout.fonts.registry, "parse_metrics", lambda path, *rest: parses.append(path) or original(path, *rest)
    )
    again = load_face(FontSpec(font))
    assert parses == []
    assert (again.name, again.advance("中"), again.coverage()) == (first.name, first.advance("中"), first.coverage())


def test_a_changed_font_file_is_parsed_again(tmp_path: Path, isolated_fonts: Path) -> None:
    font = save_font(build_truetype_font(), tmp_path / "TestSans.ttf")
    before = load_face(FontSpec(font))
    reset_reportlab()
    save_font(build_truetype_font(chars="中 "), font)  # same path, other content
    os.utime(font, ns=(1, 1))  # even with an old time stamp, the size and inode times differ
    after = load_face(FontSpec(font))
    assert before.has("文")
    assert not after.has("文")
    assert before.name != after.name


def test_a_damaged_record_is_parsed_again_and_rewritten(tmp_path: Path, isolated_fonts: Path) -> None:
    font = save_font(build_truetype_font(), tmp_path / "TestSans.ttf")
    load_face(FontSpec(font))
    (record,) = isolated_fonts.glob("*.face")
    record.write_bytes(b"\x00garbage")
    reset_reportlab()
    assert load_face(FontSpec(font)).advance("中") == 1.0
    assert facecache.decode(record.read_bytes(), font, isolated_fonts) is not None


def test_a_record_of_another_reportlab_version_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    font = save_font(build_truetype_font(), tmp_path / "TestSans.ttf")
    record = facecache.encode(vars(RLTTFont("x", str(font)).face), "", "TestSans")
    assert record is not None
    monkeypatch.setattr(facecache.reportlab, "Version", "0.0.0")
    assert facecache.decode(record, font, tmp_path) is None


def render_in_child(code: str, cache: Path) -> str:
    env = {**os.environ, "BULLETIN_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO, check=True)
    return done.stdout


def test_a_render_from_records_is_byte_identical_to_one_from_parsed_faces(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path\n"
        "import layout.fonts.facecache as fc\n"
        "if sys.argv[-1] == 'parse': fc.load = lambda *a: None\n"
        "from layout.render import render_issue\n"
        f"render_issue(Path({str(SAMPLE)!r}), Path(sys.argv[-2]))\n"
    )
    outputs = []
    for mode in ("parse", "records"):
        out = tmp_path / f"{mode}.pdf"
        env = {**os.environ, "BULLETIN_CACHE_DIR": str(tmp_path / mode)}
        subprocess.run([sys.executable, "-c", code, str(out), mode], env=env, cwd=REPO, check=True)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_render_imports_only_what_rendering_needs(tmp_path: Path) -> None:
    """`bulletin render` restores the bundled faces (no fontTools) and never loads the PDF readers."""
    code = (
        "import sys\n"
        "from layout.cli import main\n"
        f"status = main(['render', {str(SAMPLE)!r}, '-o', {str(tmp_path / 'out.pdf')!r}])\n"
        "print('modules:', *sorted(m for m in sys.modules if m.split('.')[0] in "
        "('fontTools', 'pdfplumber', 'pypdfium2', 'pypdf', 'pdfminer')))\n"
    )
    assert render_in_child(code, tmp_path / "cache").splitlines()[-1] == "modules:"
