"""A CFF font converted glyph by glyph, as renders need them (layout/fonts/convert.py, `_OutlineFace`): coverage and
fallback are the whole font's, a render converts only what it prints, the cache is reused and bounded, and the
PDF does not depend on what the cache held."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fontfactory import build_cff_font, build_cff_from_truetype, build_truetype_font, save_font
from fontTools.ttLib import TTFont
from pypdf import PdfReader

import layout.fonts.convert
from layout.cli import main
from layout.fonts.convert import KEEP_OUTLINE_FILES, convert_to_truetype
from layout.fonts.registry import FontChain, bundled_fonts_dir, load_face, reset_reportlab
from layout.fonts.spec import FontSpec
from layout.render import render_issue
from layout.theme import clear_theme_cache

REPO = Path(__file__).parents[2]
SONG = bundled_fonts_dir() / "NotoSerifSC-Regular.ttf"
# What the CFF test font draws besides the issues' own text: the contents title, labels, digits and ASCII.
FURNITURE = "目录附件：链接第页期年月日（）〔〕《》“”、，。；！？—…·" + "".join(map(chr, range(0x20, 0x7F)))
FIRST = "关于推动民营企业创新发展的指导意见，请认真贯彻落实。"
SECOND = FIRST + "鑫淼喆堃"  # four characters the first issue does not print


@pytest.fixture(autouse=True)
def isolated_fonts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    cache = tmp_path / "cache"
    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(cache))
    reset_reportlab()
    clear_theme_cache()
    yield cache / "fonts"
    reset_reportlab()
    clear_theme_cache()


@pytest.fixture
def conversions(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many glyphs each cu2qu conversion of this process converted."""
    seen: list[int] = []
    original = layout.fonts.convert.quadratic_glyphs

    def counting(font: TTFont, names: list[str], max_err: float = layout.fonts.convert.CU2QU_MAX_ERR) -> dict:
        seen.append(len(names))
        return original(font, names, max_err)

    monkeypatch.setattr(layout.fonts.convert, "quadratic_glyphs", counting)
    return seen


def publication(folder: Path) -> Path:
    """The sample publication, its theme printing the body (song) in the CFF font ./TestSong.otf, which has every
    character of the issues below (drawn from the bundled Noto Serif SC) and more."""
    sample = (REPO / "issues" / "bulletin.yaml").read_text(encoding="utf-8")
    chars = sample + FIRST + SECOND + FURNITURE + "政策文件通知永远"
    save_font(build_cff_from_truetype(SONG, chars), folder / "TestSong.otf")
    (folder / "cff.yaml").write_text("parent: default\nfonts:\n  song: {file: ./TestSong.otf}\n", encoding="utf-8")
    path = folder / "bulletin.yaml"
    path.write_text(sample.replace("theme: default", "theme: ./cff.yaml"), encoding="utf-8")
    return path


def issue(folder: Path, text: str, name: str) -> Path:
    source = {
        "issue": {"year": 2018, "number": "0999"},
        "sections": [{"title": "政策文件", "articles": [{"title": "关于推动创新发展的通知", "blocks": [text]}]}],
    }
    path = folder / name
    path.write_text(yaml.safe_dump(source, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def page_text(pdf: Path) -> str:
    return "".join("".join(page.extract_text().split()) for page in PdfReader(pdf).pages)


def test_coverage_and_fallback_are_those_of_the_whole_font_before_any_glyph_is_converted(tmp_path: Path) -> None:
    """Nothing but .notdef is converted at load, yet the face answers as the fully converted font does: a character
    it has is never left to the next face, one it lacks still is (or is reported missing)."""
    otf = save_font(build_cff_from_truetype(SONG, "中文字国，。ABab1 永和"), tmp_path / "Song.otf")
    full = TTFont(otf)
    convert_to_truetype(full)
    ttf = tmp_path / "SongFull.ttf"
    full.save(ttf)
    fallback = load_face(FontSpec(save_font(build_truetype_font(chars="中天地人，"), tmp_path / "Fallback.ttf")))
    on_demand, whole = load_face(FontSpec(otf)), load_face(FontSpec(ttf))
    assert on_demand.converts_on_demand
    assert not whole.converts_on_demand
    assert on_demand.converted_glyphs() == 1
    assert on_demand.coverage() == whole.coverage()
    text = "中文永和天地，。AB人ab1 龘"  # the CFF font's, the fallback's, and 龘 in neither
    assert [on_demand.advance(ch) for ch in text] == [whole.advance(ch) for ch in text]
    cff_chain, full_chain = FontChain([on_demand, fallback]), FontChain([whole, fallback])
    assert [cff_chain.first_index(ch) for ch in text] == [full_chain.first_index(ch) for ch in text]
    assert [(f is on_demand, run) for f, run in cff_chain.split(text)] == [
        (f is whole, run) for f, run in full_chain.split(text)
    ]
    assert cff_chain.missing(text) == full_chain.missing(text) == [len(text) - 1]
    assert on_demand.converted_glyphs() == 1  # asking never converts


def test_a_render_converts_what_it_prints_and_the_next_render_nothing(
    tmp_path: Path, isolated_fonts: Path, conversions: list[int]
) -> None:
    publication(tmp_path)
    source = issue(tmp_path, FIRST, "first.yaml")
    first = render_issue(source, tmp_path / "first.pdf")
    face = load_face(FontSpec(tmp_path / "TestSong.otf"))
    printed = face.converted_glyphs()
    assert conversions[0] == 1  # .notdef at load
    assert sum(conversions) == printed < face.glyph_count  # then only what the issue prints (and ASCII)
    assert FIRST in page_text(first.path)  # the text extracts exactly
    reset_reportlab()  # as a new process would: faces restored from their records
    clear_theme_cache()
    conversions.clear()
    second = render_issue(source, tmp_path / "second.pdf")
    assert conversions == []  # a cache hit: nothing converted
    assert second.path.read_bytes() == first.path.read_bytes()
    assert load_face(FontSpec(tmp_path / "TestSong.otf")).path in isolated_fonts.glob("*.ttf")


def test_new_characters_convert_only_themselves_and_the_cache_stays_bounded(
    tmp_path: Path, isolated_fonts: Path, conversions: list[int]
) -> None:
    publication(tmp_path)
    render_issue(issue(tmp_path, FIRST, "first.yaml"), tmp_path / "first.pdf")
    before = load_face(FontSpec(tmp_path / "TestSong.otf")).path
    conversions.clear()
    render_issue(issue(tmp_path, SECOND, "second.yaml"), tmp_path / "second.pdf")
    after = load_face(FontSpec(tmp_path / "TestSong.otf")).path
    # 鑫淼喆堃, and the space: a blank glyph leaves no outline in the file to copy (converting it costs nothing);
    # every other glyph is copied from the earlier file
    assert conversions == [5]
    assert after != before
    for number, text in enumerate(["永", "远"]):
        render_issue(issue(tmp_path, SECOND + text, f"more{number}.yaml"), tmp_path / f"more{number}.pdf")
    files = sorted(isolated_fonts.glob("*.ttf"))
    assert len(files) == KEEP_OUTLINE_FILES
    assert load_face(FontSpec(tmp_path / "TestSong.otf")).path in files


def test_the_pdf_is_the_same_whichever_outline_file_served_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rendered from a cold cache, or after another issue (the outline file then holds more glyphs), or after
    `bulletin fonts --prepare` (GB 2312 converted): byte-identical PDFs."""
    publication(tmp_path)
    first, second = issue(tmp_path, FIRST, "first.yaml"), issue(tmp_path, SECOND, "second.yaml")
    pdfs = []
    for number, cache in enumerate(["cold", "warm", "prepared"]):
        monkeypatch.setenv("BULLETIN_CACHE_DIR", str(tmp_path / cache))
        reset_reportlab()
        clear_theme_cache()
        if cache == "warm":
            render_issue(second, tmp_path / "other.pdf")
        if cache == "prepared":
            assert main(["fonts", "--prepare", "--publication", str(tmp_path / "bulletin.yaml")]) == 0
        pdfs.append(render_issue(first, tmp_path / f"{number}.pdf").path.read_bytes())
    assert pdfs[0] == pdfs[1] == pdfs[2]
    assert FIRST in page_text(tmp_path / "0.pdf")


def test_fonts_prepare_with_an_issue_leaves_its_render_nothing_to_convert(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], conversions: list[int]
) -> None:
    publication(tmp_path)
    source = issue(tmp_path, SECOND, "second.yaml")  # 喆堃 are not in GB 2312: the issue adds them
    assert main(["fonts", str(source), "--prepare"]) == 0
    out = capsys.readouterr().out
    assert "prepared song: " in out
    converted = load_face(FontSpec(tmp_path / "TestSong.otf")).converted_glyphs()
    assert f"song: TestSong.otf (CFF, {converted} glyphs converted so far), " in out
    conversions.clear()
    reset_reportlab()
    clear_theme_cache()
    render_issue(source, tmp_path / "second.pdf")
    assert conversions == []


def damaged_font(tmp_path: Path) -> Path:
    """The tiny CFF font with the charstring of 国 overwritten: it loads, but 国 cannot be converted."""
    font = build_cff_font(advances={"国": 900})  # a charstring of its own (the other boxes share theirs)
    raw = bytearray(save_font(font, tmp_path / "whole.otf").read_bytes())
    charstring = TTFont(io.BytesIO(bytes(raw)))["CFF "].cff.topDictIndex[0].CharStrings["uni56FD"]
    charstring.compile()
    at = raw.find(charstring.bytecode)
    assert raw.count(charstring.bytecode) == 1
    raw[at : at + len(charstring.bytecode)] = b"\xff" * len(charstring.bytecode)
    path = tmp_path / "Damaged.otf"
    path.write_bytes(bytes(raw))
    return path


@pytest.mark.parametrize("damage", ["truncated", "bad glyph"])
def test_a_damaged_cff_font_is_an_error_at_the_theme_exit_2_and_no_pdf(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    publication(tmp_path)
    if damage == "truncated":
        raw = save_font(build_cff_font(), tmp_path / "whole.otf").read_bytes()
        (tmp_path / "Damaged.otf").write_bytes(raw[:400])
    else:
        damaged_font(tmp_path)
    theme = tmp_path / "cff.yaml"
    theme.write_text("parent: default\nfonts:\n  song: {file: ./Damaged.otf}\n", encoding="utf-8")
    target = tmp_path / "out.pdf"
    assert main(["render", str(issue(tmp_path, "中文字国。", "bad.yaml")), "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert f"{theme.name}:3:" in err  # where the theme names the font
    assert "font `song` cannot be used" in err
    assert ("unexpected end" in err) if damage == "truncated" else ("glyph uni56FD" in err)
    assert not target.exists()


def test_a_glyph_not_prepared_is_still_converted_before_the_pdf_embeds_it(tmp_path: Path) -> None:
    """The last resort: text drawn in a face without `prepare` (here straight on a canvas) gets real outlines."""
    from reportlab.pdfgen.canvas import Canvas

    otf = save_font(build_cff_from_truetype(SONG, "中文字国永"), tmp_path / "Song.otf")
    face = load_face(FontSpec(otf))
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    canvas.setFont(face.name, 12)
    canvas.drawString(72, 720, "永字")
    canvas.save()
    assert face.converted_glyphs() > 2
    assert page_text_bytes(buffer.getvalue()) == "永字"
    embedded = embedded_font(buffer.getvalue())
    glyf = embedded["glyf"]
    drawn = [name for name in embedded.getGlyphOrder() if glyf[name].numberOfContours > 0]
    assert len(drawn) >= 2  # 永 and 字 carry outlines


def page_text_bytes(pdf: bytes) -> str:
    return "".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())


def embedded_font(pdf: bytes) -> TTFont:
    for font in PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values():
        descriptor = font.get_object().get("/FontDescriptor")
        if descriptor is not None:
            return TTFont(io.BytesIO(descriptor.get_object()["/FontFile2"].get_object().get_data()))
    raise AssertionError("no embedded TrueType font")


def test_a_pruned_outline_file_is_converted_again(tmp_path: Path) -> None:
    """Another process may delete the outline file a face record names before this process has mapped it."""
    otf = save_font(build_cff_from_truetype(SONG, "中文字国永"), tmp_path / "Song.otf")
    face = load_face(FontSpec(otf))
    face.prepare("中文")
    path = face.path
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    reset_reportlab()
    again = load_face(FontSpec(otf))  # restored from its record: the file is mapped when first needed
    path.unlink()
    again.prepare("中文")
    assert again.path == path
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_a_whole_face_converted_by_an_earlier_version_is_deleted(tmp_path: Path, isolated_fonts: Path) -> None:
    """Before, a CFF face was converted whole (31 MB for a CJK face) into <label>-<16 hex>.ttf; its first load as an
    outline file removes that copy, and only that one."""
    otf = save_font(build_cff_font(), tmp_path / "TestSerif.otf")
    digest = hashlib.sha256(otf.read_bytes()).hexdigest()
    options = f"{digest}|0|None|{layout.fonts.convert.CU2QU_MAX_ERR}|1"
    legacy = isolated_fonts / f"TestSerif-{hashlib.sha256(options.encode()).hexdigest()[:16]}.ttf"
    other = isolated_fonts / "Other-0123456789abcdef.ttf"
    isolated_fonts.mkdir(parents=True)
    legacy.write_bytes(b"old")
    other.write_bytes(b"someone else's")
    load_face(FontSpec(otf))
    assert not legacy.exists()
    assert other.exists()


def test_a_cff_fallback_face_converts_only_what_it_draws(tmp_path: Path) -> None:
    """Behind the bundled Noto Serif SC, a CFF face draws only what that face lacks: it converts nothing else."""
    save_font(build_cff_font(chars="中文龦"), tmp_path / "Ext.otf")
    publication(tmp_path)
    (tmp_path / "cff.yaml").write_text(
        "parent: default\nfonts:\n  ext: {file: ./Ext.otf}\nroles:\n  body: [song, ext, hei-bold]\n", encoding="utf-8"
    )
    result = render_issue(issue(tmp_path, "中文龦中文。", "ext.yaml"), tmp_path / "ext.pdf")
    face = load_face(FontSpec(tmp_path / "Ext.otf"))
    assert face.converted_glyphs() == 2  # .notdef and 龦: 中文 come from the face before it
    assert "中文龦中文。" in page_text(result.path)


def test_fonts_prepare_says_when_there_is_nothing_to_convert(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fonts", "--prepare", "--theme", "default"]) == 0
    assert "prepared: nothing to convert, no face of the theme is a CFF font" in capsys.readouterr().out
