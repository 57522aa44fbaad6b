"""A font converted on first use says so on stderr (glyphs of a CJK face take seconds); a cached one is silent."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fontfactory import build_cff_font, save_font

import layout.fonts.convert
from layout.cli import show_font_conversions
from layout.fonts.registry import load_face, reset_reportlab
from layout.fonts.spec import FontSpec


@pytest.fixture(autouse=True)
def isolated_fonts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(tmp_path / "cache"))
    reset_reportlab()
    yield
    reset_reportlab()


def test_a_conversion_is_announced_with_its_size_and_cache_then_its_time(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(layout.fonts.convert, "ANNOUNCE_MIN_GLYPHS", 3)  # the test font is tiny
    otf = save_font(build_cff_font(), tmp_path / "TestSerif.otf")
    with caplog.at_level(logging.INFO, logger="layout.fonts.convert"):
        face = load_face(FontSpec(otf))  # .notdef only: below the threshold, nothing to say
        assert not caplog.records
        face.prepare("中文字国")
    messages = [r.getMessage() for r in caplog.records if r.name == "layout.fonts.convert"]
    # 中文字国 and the test font's ASCII (ABab1 and the space), which every PDF embeds of a face it uses
    assert messages[0].startswith("converting 10 glyphs of TestSerif to TrueType (1 already converted); cached as ")
    assert str(face.path) in messages[0]
    assert messages[-1].startswith("  converted in ")
    caplog.clear()
    reset_reportlab()
    with caplog.at_level(logging.INFO, logger="layout.fonts.convert"):
        load_face(FontSpec(otf)).prepare("中文字国")  # from the cache: nothing to say
    assert not [r for r in caplog.records if r.name == "layout.fonts.convert"]


def test_the_cli_prints_the_notices_on_stderr_once() -> None:
    log = logging.getLogger("layout.fonts.convert")
    before = list(log.handlers)
    try:
        show_font_conversions()
        show_font_conversions()
        added = [h for h in log.handlers if h not in before]
        assert len(added) <= 1
        assert all(isinstance(h, logging.StreamHandler) for h in log.handlers)
        assert log.isEnabledFor(logging.INFO)
    finally:
        for handler in [h for h in log.handlers if h not in before]:
            log.removeHandler(handler)


def test_bulletin_fonts_prepare_converts_ahead_of_time_and_says_so(tmp_path: Path) -> None:
    """`bulletin fonts --prepare --theme T` converts the common characters of every CFF face of the theme (GB 2312
    and ASCII; here, all that the tiny font has of them): a render after it finds them ready."""
    save_font(build_cff_font(), tmp_path / "TestSerif.otf")
    theme = tmp_path / "cff.yaml"
    theme.write_text("parent: default\nfonts:\n  extra: {file: ./TestSerif.otf}\n", encoding="utf-8")
    env = {**os.environ, "BULLETIN_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "layout", "fonts", "--theme", str(theme)]
    listed = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert listed.returncode == 0, listed.stderr
    assert "prepared" not in listed.stdout  # without --prepare, nothing is converted ahead
    done = subprocess.run([*command, "--prepare"], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    # every character of the test font is in GB 2312 or ASCII: its 17 glyphs and .notdef
    assert "prepared extra: 18 of 18 glyphs converted, in " in done.stdout, done.stdout
