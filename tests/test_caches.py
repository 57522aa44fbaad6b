"""The process caches' one rule (layout.caches): an entry is stale as soon as a file it was built from changed."""

from __future__ import annotations

import os
from pathlib import Path

from layout import caches, manifest, theme
from layout.caches import FileCache
from layout.fonts import registry
from layout.fonts.registry import bundled_fonts_dir, load_face
from layout.fonts.spec import FontSpec


def touch(path: Path, text: str) -> None:
    """Rewrite `path` with a different size and a later mtime (the stamps the rule compares)."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 10**9, before + 10**9))


def test_an_entry_lives_while_its_files_are_unchanged(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    touch(source, "one")
    cache: FileCache[str, int] = FileCache("test")
    cache.put("a", 1, [source])
    assert cache.get("a") == 1
    assert cache.get("a") == 1


def test_a_changed_file_makes_its_entry_stale(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    touch(source, "one")
    cache: FileCache[str, int] = FileCache("test")
    cache.put("a", 1, [source])
    touch(source, "two!")
    assert cache.get("a") is None
    assert len(cache) == 0  # dropped, not kept beside the new one


def test_a_missing_file_makes_its_entry_stale_and_cannot_be_stored(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    touch(source, "one")
    cache: FileCache[str, int] = FileCache("test")
    cache.put("a", 1, [source])
    source.unlink()
    assert cache.get("a") is None
    cache.put("a", 2, [source])
    assert cache.get("a") is None


def test_an_entry_built_from_no_file_never_goes_stale() -> None:
    cache: FileCache[str, int] = FileCache("test")
    cache.put("sha256:…", 7)
    assert cache.get("sha256:…") == 7


def test_get_or_build_builds_once_per_change(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    touch(source, "one")
    cache: FileCache[str, str] = FileCache("test")
    builds: list[str] = []

    def build() -> tuple[str, list[Path]]:
        builds.append(source.read_text(encoding="utf-8"))
        return builds[-1], [source]

    assert cache.get_or_build("a", build) == "one"
    assert cache.get_or_build("a", build) == "one"
    touch(source, "two!")
    assert cache.get_or_build("a", build) == "two!"
    assert builds == ["one", "two!"]


def test_clear_all_empties_every_registered_cache(tmp_path: Path) -> None:
    cache: FileCache[str, int] = FileCache("test")
    cache.put("a", 1)
    assert cache in caches.registry()
    everything = caches.registry()  # the process's caches, all here
    for process_cache in (registry._FACES, registry._FONT_DATA, manifest._HASHES, theme._THEMES):
        assert process_cache in everything
    caches.clear_all()
    assert cache.get("a") is None


def test_a_font_file_changed_under_a_long_lived_process_is_read_again(tmp_path: Path) -> None:
    """The stale-face bug the rule exists for: a worker must not keep drawing with the old file's metrics."""
    original = bundled_fonts_dir() / "NotoSansSC-Bold.ttf"
    copy = tmp_path / "face.ttf"
    copy.write_bytes(original.read_bytes())
    spec = FontSpec(copy)
    first = load_face(spec)
    assert load_face(spec) is first
    serif = bundled_fonts_dir() / "NotoSerifSC-Regular.ttf"
    copy.write_bytes(serif.read_bytes())
    os.utime(copy, ns=(copy.stat().st_mtime_ns + 10**9,) * 2)
    second = load_face(spec)
    assert second is not first
    assert second.family != first.family
