"""Dataclass methods compiled once and kept (layout/dataclass_code.py): the same classes, less start-up."""

from __future__ import annotations

import dataclasses
import json
import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest

from layout import dataclass_code

# How many method texts a fresh process compiled while importing the renderer, and how many it found kept.
PROBE = """
import json
import layout.render
from layout import dataclass_code
print(json.dumps({"compiled": len(dataclass_code._new), "kept": len(dataclass_code._codes) - len(dataclass_code._new),
                  "file": str(dataclass_code.cache_file())}))
"""


def probe(cache: Path) -> dict[str, object]:
    env = {**os.environ, "BULLETIN_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=True)
    return json.loads(done.stdout)


def test_a_second_process_compiles_no_dataclass_method(tmp_path: Path) -> None:
    first = probe(tmp_path)
    assert first["compiled"] > 100  # every dataclass of the renderer (a few hundred methods)
    assert first["kept"] == 0
    assert Path(str(first["file"])).is_file()  # written at exit
    second = probe(tmp_path)
    assert second["compiled"] == 0
    assert second["kept"] == first["compiled"]


@pytest.mark.parametrize("content", [b"", b"garbage", marshal.dumps((99, {})), marshal.dumps((1, {"x": 1})),
                                     marshal.dumps((1, {1: compile("", "<string>", "exec")}))])  # fmt: skip
def test_a_damaged_or_foreign_file_is_ignored_and_written_anew(tmp_path: Path, content: bytes) -> None:
    file = Path(str(probe(tmp_path)["file"]))
    file.write_bytes(content)
    again = probe(tmp_path)
    assert again["kept"] == 0
    assert again["compiled"] > 100
    assert probe(tmp_path)["compiled"] == 0  # the file was written anew


def test_an_unwritable_cache_folder_costs_only_the_compiling(tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("", encoding="utf-8")
    assert probe(blocker)["compiled"] > 100  # no error: the folder cannot be made under a file


def test_kept_code_makes_the_same_class() -> None:
    """A frozen dataclass made through the kept code behaves as one made by compiling its methods."""
    assert "exec" in vars(dataclasses)  # installed by `import layout`

    def make() -> type:
        @dataclasses.dataclass(frozen=True, slots=True)
        class Point:
            x: int
            y: float = 0.5
            tags: tuple[str, ...] = ()

        return Point

    first, second = make(), make()  # the second is made from the code the first compiled
    a, b = first(1, 2.0, ("a",)), second(1, 2.0, ("a",))
    assert repr(a) == repr(b)
    assert repr(a).endswith("Point(x=1, y=2.0, tags=('a',))")
    assert hash(a) == hash(b)
    assert a == first(1, 2.0, ("a",))
    assert a != first(2)
    assert second(3).y == 0.5
    with pytest.raises(dataclasses.FrozenInstanceError):
        b.x = 5  # type: ignore[misc]


def test_the_code_of_a_text_is_what_compiling_it_gives() -> None:
    source = "def __create_fn__(x):\n def f(self):\n  return x\n return f"
    kept = dataclass_code.compiled(source)
    assert kept is dataclass_code.compiled(source)
    assert kept.co_code == compile(source, "<string>", "exec", dont_inherit=True).co_code
