"""A font converted on first use says so on stderr (a whole CJK collection takes minutes); a cached one is silent."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fontfactory import build_cff_font, save_font

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
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    otf = save_font(build_cff_font(), tmp_path / "TestSerif.otf")
    with caplog.at_level(logging.INFO, logger="layout.fonts.convert"):
        face = load_face(FontSpec(otf))
    messages = [r.getMessage() for r in caplog.records if r.name == "layout.fonts.convert"]
    assert messages[0].startswith("converting TestSerif to TrueType, once (")
    assert str(face.path) in messages[0]
    assert messages[-1].startswith("  converted in ")
    caplog.clear()
    reset_reportlab()
    with caplog.at_level(logging.INFO, logger="layout.fonts.convert"):
        load_face(FontSpec(otf))  # from the cache: nothing to say
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


def test_bulletin_fonts_converts_ahead_of_time_and_says_so(tmp_path: Path) -> None:
    """`bulletin fonts --theme T` loads (so converts and caches) every face of the theme: a render after it
    finds them ready."""
    save_font(build_cff_font(), tmp_path / "TestSerif.otf")
    theme = tmp_path / "cff.yaml"
    theme.write_text("parent: default\nfonts:\n  extra: {file: ./TestSerif.otf}\n", encoding="utf-8")
    env = {**os.environ, "BULLETIN_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "layout", "fonts", "--theme", str(theme)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert "converting TestSerif to TrueType, once" in done.stderr, done.stderr + done.stdout
