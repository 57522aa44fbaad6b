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


def test_fallback_characters_are_listed_with_positions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Tiny draws the publication's characters and 中文; the issue's other characters need the fallback
    publication = set((tmp_path / "bulletin.yaml").read_text(encoding="utf-8")) - {"\n"}
    tiny_chars = "".join(sorted(publication | set("中文")))
    save_font(build_truetype_font(chars=tiny_chars, family="Tiny"), tmp_path / "f" / "Tiny.ttf")
    (tmp_path / "t.yaml").write_text("parent: default\nfonts:\n  song: {file: f/Tiny.ttf}\n", encoding="utf-8")
    assert main(["fonts", write_issue(tmp_path), "--theme", "t.yaml"]) == 0
    out = capsys.readouterr().out
    # (one code point more than the font maps: ReportLab draws U+00A0 with the space glyph)
    assert f"  song: Tiny.ttf, {len(tiny_chars) + 1} glyphs, {len(tiny_chars) + 1} code points" in out
    body = out.split("role body:\n", 1)[1].split("role body-bold:", 1)[0].splitlines()
    tiny, fallback = body
    assert tiny.startswith("  Tiny.ttf: ")
    new = sorted(set("政策文件中文标题中文正文。") - set(tiny_chars), key="政策文件中文标题中文正文。".index)
    assert fallback.startswith(f"  NotoSansSC-Bold.ttf: {len(new)} characters ({len(new)} distinct): ")
    assert "'标' U+6807 at i.yaml:7:" in fallback
    assert fallback.count(" at i.yaml:") == len(new)


def test_unusable_font_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "f").mkdir()
    (tmp_path / "f" / "Broken.ttf").write_bytes(b"not a font at all")
    (tmp_path / "t.yaml").write_text("parent: default\nfonts:\n  song: {file: f/Broken.ttf}\n", encoding="utf-8")
    assert main(["fonts", "--theme", "t.yaml"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("t.yaml:3:16: font `song` cannot be used: ")  # where the theme names it
    assert "Broken.ttf: not a TrueType/OpenType font" in err
