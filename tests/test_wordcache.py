"""The persistent cache of word boundaries (layout/wordcache.py): a render whose titles were segmented before never
loads rjieba, gives the same bytes, and a damaged, foreign or stale cache file is ignored and rebuilt."""

from __future__ import annotations

import hashlib
import marshal
import multiprocessing
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from layout import wordcache
from layout.cli import main
from layout.text import words
from layout.wordcache import WordCache, decode, encode, read_entries, remembered_words

ROOT = Path(__file__).parents[1]
SAMPLE = ROOT / "issues" / "2018-0602.yaml"
REALISTIC = ROOT / "tests" / "cases" / "realistic" / "2019-0412.yaml"
TITLE = "关于组织申报2019年度第一批科技型中小企业技术创新资金项目的通知"
OTHER = "山西省关于召开全省中小微企业创新创业基地示范县推进会的预通知"

# Renders the sample and reports whether the segmenter was loaded.
# Runs a `bulletin` command line and reports whether the segmenter was loaded.
COMMAND = """
import sys
from layout.cli import main
assert main(sys.argv[1:]) == 0
print("rjieba loaded" if "rjieba" in sys.modules else "rjieba not loaded")
"""


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private cache folder, and no entry left over from another test in this process."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(folder))
    monkeypatch.setattr(wordcache, "_PENDING", {})
    wordcache._FILES.clear()
    return folder


@pytest.fixture
def segmented(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts the segmenter itself is asked for (the words module's own memo bypassed)."""
    asked: list[str] = []
    real = words.segment

    def counting(text: str) -> frozenset[int]:
        asked.append(text)
        return real(text)

    monkeypatch.setattr(words, "segment", counting)
    return asked


def make_issue(folder: Path, blocks: list[object]) -> Path:
    """A one-article issue beside a copy of the sample publication."""
    shutil.copy(SAMPLE.parent / "bulletin.yaml", folder / "bulletin.yaml")
    source = {"issue": {"year": 2018, "number": "0999"},
              "sections": [{"title": "项目申报", "articles": [{"title": TITLE, "blocks": blocks}]}]}
    path = folder / "case.yaml"
    path.write_text(yaml.safe_dump(source, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def run_in_process(cache: Path, *command: str) -> str:
    env = {**os.environ, "BULLETIN_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", COMMAND, *command], env=env, cwd=ROOT, capture_output=True,
                          text=True, check=True)
    return done.stdout.strip().splitlines()[-1]


def test_a_second_process_renders_without_loading_the_segmenter(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    assert run_in_process(cache, "render", str(SAMPLE), "-o", str(first)) == "rjieba loaded"
    assert len(list((cache / "words").glob(wordcache.FILE_PATTERN))) == 1
    assert run_in_process(cache, "render", str(SAMPLE), "-o", str(second)) == "rjieba not loaded"
    assert first.read_bytes() == second.read_bytes()


def test_check_fills_the_cache_a_render_then_uses(tmp_path: Path) -> None:
    """An editor's `bulletin check` lays the issue out too: the render after it segments nothing."""
    cache = tmp_path / "cache"
    assert run_in_process(cache, "check", str(REALISTIC)) == "rjieba loaded"
    assert run_in_process(cache, "render", str(REALISTIC), "-o", str(tmp_path / "r.pdf")) == "rjieba not loaded"


def test_the_cache_gives_the_segmenter_s_word_starts(cache_dir: Path, segmented: list[str]) -> None:
    expected = words.segment(TITLE)
    segmented.clear()
    path = wordcache.cache_file()
    identity = wordcache.segmenter_identity()
    assert identity is not None
    with remembered_words():
        assert WordCache(path, identity).starts(TITLE) == expected
    assert segmented == [TITLE]
    assert read_entries(path, identity).keys() == {TITLE}
    wordcache._FILES.clear()
    assert WordCache(path, identity).starts(TITLE) == expected
    assert segmented == [TITLE]  # read back, not segmented again


def test_word_starts_ask_the_provider_only_inside_the_block(cache_dir: Path, segmented: list[str]) -> None:
    words.word_starts.cache_clear()
    with remembered_words():
        words.word_starts(OTHER)
    assert read_entries(wordcache.cache_file(), wordcache.segmenter_identity() or "").keys() == {OTHER}
    words.word_starts.cache_clear()
    words.word_starts(TITLE)  # outside: the segmenter alone, nothing remembered
    assert TITLE not in wordcache._PENDING


def write_cache(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def valid_file(identity: str, entries: dict[str, bytes]) -> bytes:
    return encode(entries, identity)


@pytest.mark.parametrize("damage", ["empty", "truncated", "flipped byte", "not ours", "foreign format",
                                    "other segmenter", "wrong entry"])
def test_a_bad_cache_file_is_ignored_and_rebuilt(cache_dir: Path, segmented: list[str], damage: str) -> None:
    identity = wordcache.segmenter_identity()
    assert identity is not None
    path = wordcache.cache_file()
    good = wordcache.pack(TITLE, frozenset({1, 2}))  # not what rjieba says: used only if the file is trusted
    assert good is not None
    data = valid_file(identity, {TITLE: good})
    if damage == "empty":
        data = b""
    elif damage == "truncated":
        data = data[: len(data) - 5]
    elif damage == "flipped byte":  # the last word start 2 -> 3: still well-formed, only the checksum tells
        at = data.rindex(good)
        data = data[:at] + b"\x01\x00\x03\x00" + data[at + len(good) :]
    elif damage == "not ours":
        data = b"%PDF-1.4\n" + os.urandom(200)
    elif damage == "foreign format":
        payload = marshal.dumps((wordcache.FORMAT + 1, identity, {TITLE: good}))
        data = wordcache.MAGIC + hashlib.blake2b(payload, digest_size=wordcache.DIGEST_SIZE).digest() + payload
    elif damage == "other segmenter":
        data = valid_file(identity + " (another rjieba)", {TITLE: good})
    elif damage == "wrong entry":
        data = valid_file(identity, {TITLE: wordcache.pack("x" * 2000, frozenset({len(TITLE) + 5})) or b""})
    write_cache(path, data)
    with remembered_words():
        found = WordCache(path, identity).starts(TITLE)
    assert found == words.segment(TITLE)
    assert segmented[0] == TITLE  # asked the segmenter: the file was not trusted
    assert decode(path.read_bytes(), identity) is not None  # rebuilt, valid
    assert read_entries(path, identity)[TITLE] == wordcache.pack(TITLE, found)


def test_a_changed_segmenter_makes_the_cache_stale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The identity stamps the segmenter package's files: another version (its files rewritten) is another one."""
    import importlib.machinery
    import importlib.util

    package = tmp_path / "rjieba"
    package.mkdir()
    (package / "__init__.py").write_text("x = 1\n", encoding="utf-8")
    library = package / "rjieba.abi3.so"
    library.write_bytes(b"dictionary v1")
    spec = importlib.machinery.ModuleSpec("rjieba", None, origin=str(package / "__init__.py"), is_package=True)
    spec.submodule_search_locations = [str(package)]
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: spec)
    before = wordcache.segmenter_identity()
    stat = library.stat()
    library.write_bytes(b"dictionary v2, larger")
    os.utime(library, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    after = wordcache.segmenter_identity()
    assert before is not None
    assert after not in (None, before)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert wordcache.segmenter_identity() is None  # no segmenter: nothing cached


def test_the_file_keeps_the_newest_entries(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wordcache, "MAX_ENTRIES", 3)
    identity = wordcache.segmenter_identity() or ""
    texts = [f"第{n}批科技型中小企业" for n in range(5)]
    for text in texts:
        with remembered_words():
            WordCache(wordcache.cache_file(), identity).starts(text)
    assert list(read_entries(wordcache.cache_file(), identity)) == texts[-3:]


def test_the_file_keeps_within_its_size(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Long texts count by their length: the file stays under MAX_BYTES, newest first."""
    identity = wordcache.segmenter_identity() or ""
    texts = [f"第{n}批" + "科技型中小企业技术创新资金项目" * 20 for n in range(4)]  # 302 characters each
    monkeypatch.setattr(wordcache, "MAX_BYTES", 2 * 3 * len(texts[0]) + 500)
    for text in texts:
        with remembered_words():
            WordCache(wordcache.cache_file(), identity).starts(text)
    assert list(read_entries(wordcache.cache_file(), identity)) == texts[-2:]


def test_installations_keep_their_own_files_and_the_newest_few(cache_dir: Path) -> None:
    """Two installations sharing a cache folder (checkouts, CI) do not overwrite each other's file; old files go."""
    ours = wordcache.cache_file()
    assert wordcache.cache_file("another rjieba") != ours
    folder = ours.parent
    folder.mkdir(parents=True)
    for age in range(wordcache.MAX_FILES + 2):
        old = folder / f"word-starts-{age}.bin"
        old.write_bytes(b"from another installation")
        os.utime(old, ns=(10**18 - age * 10**9, 10**18 - age * 10**9))
    (folder / "unrelated.txt").write_text("kept", encoding="utf-8")
    with remembered_words():
        words.word_starts.cache_clear()
        words.word_starts(TITLE)
    left = sorted(path.name for path in folder.glob(wordcache.FILE_PATTERN))
    assert left == sorted([ours.name, *(f"word-starts-{age}.bin" for age in range(wordcache.MAX_FILES - 1))])
    assert (folder / "unrelated.txt").exists()


def failing_build() -> None:
    with remembered_words():
        words.word_starts(TITLE)
        raise RuntimeError("the build failed")


def test_a_failed_build_writes_no_cache_file(cache_dir: Path) -> None:
    words.word_starts.cache_clear()
    with pytest.raises(RuntimeError):
        failing_build()
    assert not wordcache.cache_file().exists()
    assert TITLE in wordcache._PENDING  # kept for the next build that succeeds
    with remembered_words():
        pass
    assert TITLE in read_entries(wordcache.cache_file(), wordcache.segmenter_identity() or "")


def test_a_failed_render_writes_no_cache_file(cache_dir: Path, tmp_path: Path) -> None:
    words.word_starts.cache_clear()
    source = make_issue(tmp_path, [{"table": {"header": ["序号", "咨询内容"], "rows": [[1, "很长的内容" * 600]]}}])
    assert main(["render", str(source), "-o", str(tmp_path / "big.pdf")]) == 2
    assert not wordcache.cache_file().exists()
    assert not (tmp_path / "big.pdf").exists()


def test_an_unwritable_cache_folder_is_no_error(cache_dir: Path, tmp_path: Path) -> None:
    cache_dir.write_text("a file where the folder should be", encoding="utf-8")
    words.word_starts.cache_clear()
    from layout.render import render_issue

    result = render_issue(make_issue(tmp_path, ["正文。"]), tmp_path / "ok.pdf")
    assert result.path.is_file()


def _writer(path: str, identity: str, worker: int, rounds: int) -> None:
    for n in range(rounds):
        text = f"工人{worker}第{n}条通知"
        packed = wordcache.pack(text, frozenset({2}))
        assert packed is not None
        wordcache._PENDING.clear()
        wordcache._PENDING[text] = packed
        WordCache(Path(path), identity).save()


def test_concurrent_writers_never_leave_a_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "words" / "word-starts-test.bin"
    identity = "test segmenter"
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_writer, args=(str(path), identity, worker, 40)) for worker in range(4)]
    for writer in writers:
        writer.start()
    reads = 0
    while any(writer.is_alive() for writer in writers):
        if path.exists():
            assert decode(path.read_bytes(), identity) is not None  # whole at every moment
            reads += 1
    for writer in writers:
        writer.join()
        assert writer.exitcode == 0
    entries = decode(path.read_bytes(), identity)
    assert entries
    assert all(text.startswith("工人") for text in entries)
    assert any(text.endswith("第39条通知") for text in entries)  # the last writer's entry is there
    assert reads > 0
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_build_output_is_the_same_with_and_without_the_cache(cache_dir: Path, tmp_path: Path) -> None:
    from layout.render import render_issue

    words.word_starts.cache_clear()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(wordcache, "segmenter_identity", lambda: None)  # no cache at all
        plain = render_issue(SAMPLE, tmp_path / "plain.pdf").path.read_bytes()
    assert not wordcache.cache_file().exists()
    words.word_starts.cache_clear()
    first = render_issue(SAMPLE, tmp_path / "first.pdf").path.read_bytes()  # fills the cache
    words.word_starts.cache_clear()
    wordcache._FILES.clear()
    second = render_issue(SAMPLE, tmp_path / "second.pdf").path.read_bytes()  # from the cache
    assert wordcache.cache_file().exists()
    assert plain == first == second


def test_the_cache_file_is_written_whole_without_waiting_for_the_disk(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A checksummed cache skips fsync (a damaged file is rebuilt); a PDF waits for it."""
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    with remembered_words():
        words.word_starts.cache_clear()
        words.word_starts(TITLE)
    assert TITLE in read_entries(wordcache.cache_file(), wordcache.segmenter_identity() or "")
    assert synced == []
    from layout.fileio import write_atomically

    write_atomically(cache_dir / "a.pdf", b"%PDF-1.4")
    assert len(synced) == 1
