"""Checks beyond the source file: glyph coverage in `bulletin check` and `bulletin render`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from layout.cli import main

ISSUES = Path(__file__).parent.parent / "issues"
SOURCE = """issue:
  year: 2018
  number: "01"
sections:
  - title: 政策
    articles:
      - title: 标题
        blocks:
          - 正文有个字𠀀在这里。
"""


@pytest.mark.parametrize("command", ["check", "render"])
def test_a_character_no_font_has_is_refused_with_its_position(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(ISSUES / "bulletin.yaml", tmp_path)
    source = tmp_path / "rare.yaml"
    source.write_text(SOURCE, encoding="utf-8")
    target = tmp_path / "rare.pdf"
    args = [command, str(source)] + (["-o", str(target)] if command == "render" else [])
    assert main(args) == 2
    err = capsys.readouterr().err
    assert f"{source}:9:18: '𠀀' U+20000 is in no configured font" in err
    assert not target.exists()


RARE = "𠀀"  # U+20000, in none of the bundled fonts


def publication_with(tmp_path: Path, replace: str, by: str) -> Path:
    text = (ISSUES / "bulletin.yaml").read_text(encoding="utf-8")
    assert replace in text
    (tmp_path / "bulletin.yaml").write_text(text.replace(replace, by, 1), encoding="utf-8")
    return tmp_path / "bulletin.yaml"


def position_of(path: Path, needle: str) -> tuple[int, int]:
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(f"{needle!r} not in {path}")


@pytest.mark.parametrize(("replace", "by", "needle"), [
    ("masthead: 快讯", f"masthead: 快{RARE}讯", RARE),  # masthead page and running header
    ("publisher: 北京", f"publisher: 北{RARE}京", RARE),  # masthead page (and the footer that quotes it)
    ("  - 北京关键要素欢迎您来电垂询。", f"  - 北京关键要素欢迎您{RARE}来电垂询。", RARE),  # closing
    ("  - 网址：{contact.website}", f"  - 网{RARE}址：{{contact.website}}", "  - 网"),  # footer, after expansion
    ('  phone: "62227852"', f'  phone: "6222{RARE}7852"', "  - \"{publisher}"),  # a field expanded in the footer
])  # fmt: skip
def test_what_the_publication_prints_is_checked_at_its_position(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], replace: str, by: str, needle: str
) -> None:
    publication = publication_with(tmp_path, replace, by)
    source = tmp_path / "plain.yaml"
    source.write_text(SOURCE.replace(RARE, ""), encoding="utf-8")
    assert main(["check", str(source)]) == 2
    line, col = position_of(publication, needle)
    if needle.startswith("  - "):
        col += 4  # a footer line expanded from fields is located at its start
    assert f"{publication}:{line}:{col}: '{RARE}' U+20000 is in no configured font" in capsys.readouterr().err


@pytest.mark.parametrize("block", [
    {"table": {"header": ["序号", f"名{RARE}称"], "rows": [["1", "甲"]]}},
    {"table": {"header": ["序号", "名称"], "rows": [["1", f"甲{RARE}"]], "caption": "表一"}},
    {"table": {"header": ["序号", "名称"], "rows": [["1", "甲"]], "caption": f"表{RARE}"}},
    {"attachments": [f"附件{RARE}一"]},
    {"subtitle": f"副{RARE}题"},
    {"signature": ["科技局", f"二〇一八年{RARE}"]},
    {"list": [f"1、第{RARE}项"]},
])  # fmt: skip
def test_every_block_kind_is_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str], block: object) -> None:
    import yaml

    shutil.copy(ISSUES / "bulletin.yaml", tmp_path)
    data = yaml.safe_load(SOURCE.replace(RARE, ""))
    data["sections"][0]["articles"][0]["blocks"].append(block)
    source = tmp_path / "blocks.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert main(["check", str(source)]) == 2
    line, col = position_of(source, RARE)
    assert f"{source}:{line}:{col}: '{RARE}' U+20000" in capsys.readouterr().err
