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
