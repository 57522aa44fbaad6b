"""`bulletin fonts`: faces and roles of a theme, fallback and missing characters of an issue."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fontfactory import build_truetype_font, save_font

from layout.cli import main
from layout.fonts.registry import reset_reportlab

REPO = Path(__file__).resolve().parents[2]
ISSUE = """\
issue:
  year: 2018
  number: "0001"
sections:
  - title: 政策文件
    articles:
      - title: 中文标题
        blocks:
          - 中文正文{extra}。
"""


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    shutil.copy(REPO / "issues" / "bulletin.yaml", tmp_path / "bulletin.yaml")
    reset_reportlab()
    yield
    reset_reportlab()


def write_issue(tmp_path: Path, extra: str = "") -> str:
    (tmp_path / "i.yaml").write_text(ISSUE.format(extra=extra), encoding="utf-8")
    return "i.yaml"


def test_lists_the_faces_and_roles_of_the_default_theme(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fonts"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "theme: default"
    assert out[1] == "faces:"
    assert out[2].startswith("  song: NotoSerifSC-Regular.ttf, 21553 glyphs, 21560 code points (Han 20902, Latin 191)")
    assert out[2].endswith(", Noto Serif CJK SC, as " + out[2].rsplit(" as ", 1)[1])
    assert "  hei-bold: NotoSansSC-Bold.ttf, 21550 glyphs" in "\n".join(out)
    assert "  body: song → hei-bold" in out


def test_issue_with_every_character_covered_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fonts", write_issue(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "role body:\n  NotoSerifSC-Regular.ttf: " in out
    assert "\n  NotoSansSC-Bold.ttf: 0 characters (0 distinct)\n" in out
    assert out.endswith("missing: 0 character(s) in no configured font\n")


def test_character_in_no_font_is_reported_with_its_position(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fonts", write_issue(tmp_path, extra="𠀀")]) == 2
    captured = capsys.readouterr()
    (line,) = captured.err.splitlines()
    assert line.startswith("i.yaml:9:")
    assert "'𠀀' U+20000 is in no configured font" in line
    assert captured.out.endswith("missing: 1 character(s) in no configured font\n")


def test_each_role_counts_what_it_prints(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Tiny draws the publication's characters and 中文; everything else falls back to the next face. 副 is printed
    # only in the subtitle (the heading role), 正 only in the paragraph (the body role).
    publication = set((tmp_path / "bulletin.yaml").read_text(encoding="utf-8")) - {"\n"}
    tiny_chars = "".join(sorted(publication | set("中文")))
    save_font(build_truetype_font(chars=tiny_chars, family="Tiny"), tmp_path / "f" / "Tiny.ttf")
    (tmp_path / "t.yaml").write_text("parent: default\nfonts:\n  tiny: {file: f/Tiny.ttf}\nroles:\n"
                                     "  body: [tiny, hei-bold]\n  heading: [tiny, hei-bold]\n", encoding="utf-8")
    issue = ISSUE.format(extra="") + "          - subtitle: 副题\n"
    (tmp_path / "i.yaml").write_text(issue, encoding="utf-8")
    assert main(["fonts", "i.yaml", "--theme", "t.yaml"]) == 0
    out = capsys.readouterr().out
    # (one code point more than the font maps: ReportLab draws U+00A0 with the space glyph)
    assert f"  tiny: Tiny.ttf, {len(tiny_chars) + 1} glyphs, {len(tiny_chars) + 1} code points" in out
    body_tiny, body_fallback, *_ = out.split("role body:\n", 1)[1].splitlines()
    heading_tiny, heading_fallback, *_ = out.split("role heading:\n", 1)[1].splitlines()
    assert body_tiny.startswith("  Tiny.ttf: ")
    assert heading_fallback.startswith("  NotoSansSC-Bold.ttf: ")
    assert "'正' U+6B63 at i.yaml:9:" in body_fallback
    assert "'副' U+526F at i.yaml:10:23" in heading_fallback
    assert "'副'" not in body_fallback  # not a what-if over all the text: the body role never prints 副
    assert "'正'" not in heading_fallback
    assert body_tiny != heading_tiny  # each role's own count
    assert "role body-bold:" in out  # every role is listed, printing something or not


def test_unusable_font_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "f").mkdir()
    (tmp_path / "f" / "Broken.ttf").write_bytes(b"not a font at all")
    (tmp_path / "t.yaml").write_text("parent: default\nfonts:\n  song: {file: f/Broken.ttf}\n", encoding="utf-8")
    assert main(["fonts", "--theme", "t.yaml"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("t.yaml:3:16: font `song` cannot be used: ")  # where the theme names it
    assert "Broken.ttf: not a TrueType/OpenType font" in err


def test_fonts_tried_are_the_chain_of_the_role_that_prints_the_character(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a subtitle prints in the heading role only, a paragraph in the body role only
    text = ISSUE.format(extra="𠀁") + "          - subtitle: 副题𠀀\n"
    (tmp_path / "i.yaml").write_text(text, encoding="utf-8")
    assert main(["check", "i.yaml"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "i.yaml:9:17: '𠀁' U+20001 is in no configured font (fonts tried: NotoSerifSC-Regular.ttf, "
        "NotoSansSC-Bold.ttf)",
        "i.yaml:10:25: '𠀀' U+20000 is in no configured font (fonts tried: NotoSansSC-Bold.ttf, "
        "NotoSerifSC-Bold.ttf)",
    ]
