"""The font layer on tiny FontBuilder fonts: loading, conversion, caching, instancing, fallback and diagnostics."""

from __future__ import annotations

import hashlib
import io
import itertools
import multiprocessing
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fontfactory import (
    ASCII,
    HAN,
    HEAVY_EXTRA_ADVANCE,
    PUNCTUATION,
    build_cff_font,
    build_collection,
    build_truetype_font,
    build_variable_font,
    glyph_name,
    save_font,
)
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.areaPen import AreaPen
from fontTools.pens.boundsPen import BoundsPen
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.ttLib import TTFont
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.pdfbase import pdfmetrics

import layout.fonts.convert
import layout.fonts.registry
from layout.errors import SourcePos
from layout.fonts.convert import font_cache_dir
from layout.fonts.coverage import coverage_diagnostics
from layout.fonts.registry import Face, FontChain, load_face, reset_reportlab
from layout.fonts.spec import FontError, FontSpec
from layout.model import Run, Text


@pytest.fixture(autouse=True)
def isolated_fonts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private conversion cache and a clean ReportLab registry for every test."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(cache))
    reset_reportlab()
    yield cache / "fonts"
    reset_reportlab()


@pytest.fixture
def conversions(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Records (family, glyphs converted) of every cu2qu conversion to TrueType in this process."""
    seen: list[tuple[str, int]] = []
    original = layout.fonts.convert.quadratic_glyphs

    def counting(font: TTFont, names: list[str], max_err: float = layout.fonts.convert.CU2QU_MAX_ERR) -> dict:
        seen.append((font["name"].getDebugName(1), len(names)))
        return original(font, names, max_err)

    monkeypatch.setattr(layout.fonts.convert, "quadratic_glyphs", counting)
    return seen


@pytest.fixture
def ttf(tmp_path: Path) -> Path:
    return save_font(build_truetype_font(), tmp_path / "TestSans.ttf")


@pytest.fixture
def otf(tmp_path: Path) -> Path:
    return save_font(build_cff_font(), tmp_path / "TestSerif.otf")


@pytest.fixture
def ttc(tmp_path: Path) -> Path:
    faces = [build_truetype_font(family="Coll A"), build_truetype_font(chars="中 ", family="Coll B", style="Bold")]
    return build_collection(faces, tmp_path / "Coll.ttc")


@pytest.fixture
def variable(tmp_path: Path) -> Path:
    return save_font(build_variable_font(), tmp_path / "Flex.ttf")


# --- loading -------------------------------------------------------------------------------------------


def test_truetype_is_registered_as_is(ttf: Path, isolated_fonts: Path) -> None:
    face = load_face(FontSpec(ttf))
    digest = hashlib.sha256(ttf.read_bytes()).hexdigest()
    assert face.name == f"bul-TestSans-{digest[:8]}"
    assert face.path == ttf
    assert face.name in pdfmetrics.getRegisteredFontNames()
    assert (face.family, face.units_per_em, face.glyph_count) == ("Test Sans", 1000, 18)
    assert (face.ascent, face.descent) == (0.88, -0.12)
    assert (face.advance("中"), face.advance("a"), face.advance("，")) == (1.0, 0.5, 1.0)
    assert face.has("中")
    assert not face.has("语")
    assert face.advance("语") == 0.5  # .notdef, what ReportLab would draw
    # ReportLab draws a no-break space with the space glyph, so the face covers it too.
    assert face.coverage() == frozenset(map(ord, HAN + PUNCTUATION + "ABab1 \u00a0"))
    assert not list(isolated_fonts.glob("*.ttf"))  # nothing converted (the face cache keeps only its record)


def test_same_spec_loads_once(ttf: Path) -> None:
    assert load_face(FontSpec(ttf)) is load_face(FontSpec(ttf))


def test_cff_font_is_converted_to_truetype(otf: Path) -> None:
    face = load_face(FontSpec(otf))
    assert face.converts_on_demand
    assert face.converted_glyphs() == 1  # .notdef: the rest waits until a render asks for it
    face.prepare(HAN + PUNCTUATION)
    assert face.path.parent == font_cache_dir()
    source, converted = TTFont(otf), TTFont(face.path)
    assert "glyf" in converted
    assert "CFF " not in converted
    assert converted.getBestCmap() == source.getBestCmap()
    assert converted["hmtx"].metrics == {
        name: (adv, 50 if name != "space" else 0) for name, (adv, _) in source["hmtx"].metrics.items()
    }
    assert converted["maxp"].tableVersion == 0x00010000
    assert converted["post"].formatType == 2.0
    assert converted.getGlyphOrder() == source.getGlyphOrder()
    source_glyphs, converted_glyphs = source.getGlyphSet(), converted.getGlyphSet()
    for name in [glyph_name(ch) for ch in HAN + PUNCTUATION]:
        before, after = BoundsPen(source_glyphs), BoundsPen(converted_glyphs)
        source_glyphs[name].draw(before)
        converted_glyphs[name].draw(after)
        assert after.bounds == pytest.approx(before.bounds, abs=1)
        cubic, quadratic = AreaPen(source_glyphs), AreaPen(converted_glyphs)
        source_glyphs[name].draw(cubic)
        converted_glyphs[name].draw(quadratic)
        # TrueType outer contours run clockwise (negative area), PostScript ones counter-clockwise
        assert cubic.value > 0 > quadratic.value
        assert -quadratic.value == pytest.approx(cubic.value, rel=1e-3)
    assert face.advance("中") == 1.0
    assert face.family == "Test Serif"


def test_conversion_is_deterministic(otf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    face = load_face(FontSpec(otf))
    face.prepare(HAN)
    first = face.path.read_bytes()
    reset_reportlab()
    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(tmp_path / "other-cache"))
    second_face = load_face(FontSpec(otf))
    second_face.prepare(HAN[::-1])
    assert second_face.path.parent == tmp_path / "other-cache" / "fonts"
    assert second_face.path.read_bytes() == first


def test_second_load_reuses_the_cached_conversion(otf: Path, conversions: list[tuple[str, int]]) -> None:
    face = load_face(FontSpec(otf))
    face.prepare(HAN)
    path = face.path
    stamp = path.stat().st_mtime_ns
    reset_reportlab()  # forget the process cache: the next load must find the file cache
    again = load_face(FontSpec(otf))
    again.prepare(HAN)
    # .notdef at load, then 中文字国 and the ASCII every PDF embeds of a face it uses; nothing the second time
    assert conversions == [("Test Serif", 1), ("Test Serif", len(HAN + ASCII))]
    assert again.path == path
    assert path.stat().st_mtime_ns == stamp


def _load_in_child(spec: FontSpec, barrier: threading.Barrier) -> tuple[str, str]:
    barrier.wait()
    face = load_face(spec)
    return str(face.path), hashlib.sha256(face.path.read_bytes()).hexdigest()


def test_two_processes_converting_at_once_both_succeed(
    otf: Path, isolated_fonts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = layout.fonts.convert.quadratic_glyphs

    def slow(font: TTFont, names: list[str], max_err: float = layout.fonts.convert.CU2QU_MAX_ERR) -> dict:
        time.sleep(0.3)  # both processes are converting before either has written the file
        return original(font, names, max_err)

    monkeypatch.setattr(layout.fonts.convert, "quadratic_glyphs", slow)
    context = multiprocessing.get_context("fork")
    barrier = context.Manager().Barrier(2)
    with context.Pool(2) as pool:
        results = pool.starmap(_load_in_child, [(FontSpec(otf), barrier)] * 2)
    assert results[0] == results[1]
    files = os.listdir(isolated_fonts)
    assert [name for name in files if name.endswith(".ttf")] == [Path(results[0][0]).name]
    assert not [name for name in files if name.endswith(".tmp")]  # no temporary files left
    assert load_face(FontSpec(otf)).path == Path(results[0][0])


def test_collection_face_by_index_and_by_name(ttc: Path) -> None:
    first = load_face(FontSpec(ttc, index=0))
    by_name = load_face(FontSpec(ttc, face_name="CollB-Bold"))
    by_full_name = load_face(FontSpec(ttc, face_name="Coll B Bold"))
    assert (first.family, first.glyph_count) == ("Coll A", 18)
    assert (by_name.family, by_name.glyph_count) == ("Coll B", 3)
    assert by_full_name.path == by_name.path
    assert by_name.name.startswith("bul-CollB-Bold-")
    assert first.name != by_name.name
    assert "glyf" in TTFont(by_name.path)
    assert load_face(FontSpec(ttc)).family == "Coll A"  # default: the first face


def test_unknown_collection_face_lists_the_faces(ttc: Path) -> None:
    with pytest.raises(FontError) as error:
        load_face(FontSpec(ttc, face_name="CollB"))
    message = str(error.value)
    assert "no face named 'CollB'" in message
    assert "did you mean 'CollB-Bold'?" in message
    assert "0: CollA-Regular (Coll A Regular); 1: CollB-Bold (Coll B Bold)" in message
    with pytest.raises(FontError, match=r"no face 2 in this collection; the faces are 0: CollA-Regular"):
        load_face(FontSpec(ttc, index=2))


def test_variable_font_is_instanced_at_the_weight(variable: Path) -> None:
    heavy = load_face(FontSpec(variable, weight=900))
    middle = load_face(FontSpec(variable, weight=650))
    default = load_face(FontSpec(variable))
    assert heavy.advance("中") == (1000 + HEAVY_EXTRA_ADVANCE) / 1000
    assert middle.advance("中") == (1000 + HEAVY_EXTRA_ADVANCE / 2) / 1000
    assert default.advance("中") == 1.0
    assert heavy.advance("文") == 1.0  # only 中 varies
    outline = TTFont(heavy.path)
    assert "fvar" not in outline
    assert "gvar" not in outline
    glyph = outline["glyf"][glyph_name("中")]
    glyph.recalcBounds(outline["glyf"])
    assert (glyph.xMin, glyph.xMax) == (50, 950 + HEAVY_EXTRA_ADVANCE)
    assert len({heavy.name, middle.name, default.name}) == 3


@pytest.mark.parametrize(
    ("weight", "message"),
    [(1000.0, r"weight 1000 is outside the font's range 100–900"), (50.0, r"weight 50 is outside")],
)
def test_weight_outside_the_axis_is_refused(variable: Path, weight: float, message: str) -> None:
    with pytest.raises(FontError, match=message):
        load_face(FontSpec(variable, weight=weight))


def test_weight_for_a_static_font_is_refused(ttf: Path) -> None:
    with pytest.raises(FontError, match=r"TestSans.ttf: weight 700 given, but the font has no 'wght' axis"):
        load_face(FontSpec(ttf, weight=700))


def test_missing_and_unreadable_files_are_clear_errors(tmp_path: Path, ttf: Path) -> None:
    with pytest.raises(FontError, match=r"font file .*nope.ttf cannot be read: No such file or directory"):
        load_face(FontSpec(tmp_path / "nope.ttf"))
    garbage = tmp_path / "garbage.ttf"
    garbage.write_bytes(b"this is not a font" * 10)
    with pytest.raises(FontError, match=r"garbage.ttf: not a TrueType/OpenType font"):
        load_face(FontSpec(garbage))
    truncated = tmp_path / "truncated.otf"
    truncated.write_bytes(save_font(build_cff_font(), tmp_path / "whole.otf").read_bytes()[:400])
    with pytest.raises(FontError, match=r"truncated.otf: not a TrueType/OpenType font \(unexpected end"):
        load_face(FontSpec(truncated))
    with pytest.raises(FontError, match=r"face index 1 given, but the file is not a collection"):
        load_face(FontSpec(ttf, index=1))


def test_cache_folder_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(tmp_path / "b"))
    assert font_cache_dir() == tmp_path / "b" / "fonts"
    monkeypatch.delenv("BULLETIN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert font_cache_dir() == tmp_path / "x" / "bulletin" / "fonts"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert font_cache_dir() == tmp_path / "home" / ".cache" / "bulletin" / "fonts"


def test_reset_unregisters_and_old_faces_register_again(ttf: Path) -> None:
    face = load_face(FontSpec(ttf))
    label = face.name
    reset_reportlab()
    assert label not in pdfmetrics.getRegisteredFontNames()
    assert face.name == label  # drawing code asks for the name: that registers it again
    assert label in pdfmetrics.getRegisteredFontNames()
    assert load_face(FontSpec(ttf)) is not face  # the process cache was cleared


def test_synthetic_bold_is_a_flag_on_a_shared_font(ttf: Path) -> None:
    plain = load_face(FontSpec(ttf))
    bold = load_face(FontSpec(ttf, synthetic_bold=True))
    assert (plain.synthetic_bold, bold.synthetic_bold) == (False, True)
    assert bold.name == plain.name
    assert bold is not plain
    assert layout.fonts.registry.SYNTHETIC_BOLD_STROKE_EM == 0.03


# --- fallback chains ------------------------------------------------------------------------------------


@pytest.fixture
def chain(tmp_path: Path) -> FontChain:
    """Primary: 中文, AB, space, ZWJ (no 字国, no CJK punctuation); fallback: all Han and punctuation only."""
    primary = save_font(build_truetype_font(chars="中文AB \u200d", family="Primary"), tmp_path / "Primary.ttf")
    fallback = save_font(build_truetype_font(chars=HAN + PUNCTUATION, family="Fallback"), tmp_path / "Fallback.ttf")
    return FontChain([load_face(FontSpec(primary)), load_face(FontSpec(fallback))])


def test_missing_character_comes_from_the_fallback(chain: FontChain) -> None:
    primary, fallback = chain
    assert chain.split("中文字，AB") == [(primary, "中文"), (fallback, "字，"), (primary, "AB")]
    assert chain[chain.first_index("国")] is fallback
    assert chain.first_index("😀") == -1


def test_spaces_and_joiners_stay_with_the_current_run(chain: FontChain) -> None:
    primary, fallback = chain
    # the fallback has no space, so a space after its run goes back to the primary face
    assert chain.split("字国 AB") == [(fallback, "字国"), (primary, " AB")]
    assert chain.split("中 文") == [(primary, "中 文")]
    assert chain.split("字\u200d国") == [(fallback, "字\u200d国")]  # the primary has ZWJ, but it joins 字
    assert chain.split("字\u200d\ufe0f国\n中") == [(fallback, "字\u200d\ufe0f国\n"), (primary, "中")]
    assert chain.split(" 字") == [(primary, " "), (fallback, "字")]


def test_character_no_face_has_stays_in_the_run_and_is_reported(chain: FontChain) -> None:
    primary, fallback = chain
    assert chain.split("字😀国") == [(fallback, "字😀国")]
    assert chain.split("😀中") == [(primary, "😀中")]
    assert chain.missing("字😀国\n\u200d语") == [1, 5]
    assert chain.missing("中文，") == []
    assert chain.split("") == []


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet="中文字国，。《AB ab1😀\u200d\ufe0f\n", max_size=30))
def test_split_covers_the_text_with_the_first_face_that_has_each_character(chain: FontChain, text: str) -> None:
    runs = chain.split(text)
    assert "".join(part for _, part in runs) == text
    assert all(part for _, part in runs)
    assert all(a is not b for (a, _), (b, _) in itertools.pairwise(runs))
    for face, part in runs:
        for ch in part:
            drawers = [f for f in chain if f.has(ch)]
            if drawers and not (ch.isspace() or ch in "\u200d\ufe0f"):
                assert face is drawers[0]


def test_chain_needs_a_face() -> None:
    with pytest.raises(FontError, match="at least one face"):
        FontChain([])


# --- diagnostics ----------------------------------------------------------------------------------------


def test_missing_glyph_diagnostic_names_character_and_position(chain: FontChain) -> None:
    pos = SourcePos("issues/x.yaml", 12, 7)
    text = Text((Run("中文"), Run("语😀", bold=True)), pos, col_offset=1)
    first, second = coverage_diagnostics([text], chain)
    assert first.message == "'语' U+8BED is in no configured font"
    assert first.pos == SourcePos("issues/x.yaml", 12, 10)  # col 7 + quote + index 2
    assert second.message == "'😀' U+1F600 is in no configured font"
    assert second.pos == SourcePos("issues/x.yaml", 12, 11)
    assert first.format() == (
        "issues/x.yaml:12:10: '语' U+8BED is in no configured font (fonts tried: Primary.ttf, Fallback.ttf)"
    )


def test_one_diagnostic_per_character_and_position(chain: FontChain) -> None:
    folded = Text((Run("语语\n语"),), SourcePos("a.yaml", 3, 5))  # multi-line scalar: one position for all
    located = Text((Run("语语"),), SourcePos("a.yaml", 4, 5), col_offset=0)
    diagnostics = coverage_diagnostics([folded, located, folded], chain)
    assert [d.pos for d in diagnostics] == [
        SourcePos("a.yaml", 3, 5),
        SourcePos("a.yaml", 4, 5),
        SourcePos("a.yaml", 4, 6),
    ]
    assert {d.message for d in diagnostics} == {"'语' U+8BED is in no configured font"}
    assert coverage_diagnostics([Text.of("中文 AB，")], chain) == []


def test_face_repr_names_label_and_file(ttf: Path) -> None:
    face = load_face(FontSpec(ttf))
    assert isinstance(face, Face)
    assert repr(face) == f"Face({face.name!r}, 'TestSans.ttf')"


def test_a_font_too_big_for_post_2_gets_post_3() -> None:
    # post 2.0 cannot index more than 65,277 custom glyph names; a whole CJK face has 65,535 glyphs
    count = layout.fonts.convert.POST_V2_MAX_GLYPHS + 2
    fb = FontBuilder(1000, isTTF=False)
    names = [".notdef", *(f"g{i}" for i in range(1, count))]
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({0x4E00: "g1"})
    fb.setupCFF("Big-Regular", {}, {name: T2CharStringPen(500, None).getCharString() for name in names}, {})
    fb.setupHorizontalMetrics(dict.fromkeys(names, (500, 0)))
    fb.setupHorizontalHeader()
    fb.setupNameTable({"familyName": "Big", "styleName": "Regular"})
    fb.setupOS2()
    fb.setupPost()
    layout.fonts.convert.convert_to_truetype(fb.font)
    buffer = io.BytesIO()
    fb.font.save(buffer)
    converted = TTFont(io.BytesIO(buffer.getvalue()))
    assert converted["post"].formatType == 3.0
    assert converted["maxp"].numGlyphs == count
