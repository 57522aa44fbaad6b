"""Word boundaries remembered between processes, so that a render whose titles were segmented before never loads
the segmenter: importing rjieba builds jieba's whole dictionary, about 0.15 s of every process that needs one
word boundary (titles, headings and table headers break between words).

One file in the user's cache folder maps texts to their word starts. It records what they came from: the
segmenter's files and the composer's word module, by path and (mtime, size) stamps, as layout/caches.py's rule
has it. A file recorded from anything else, of another format, or whose checksum does not match (damaged) is
ignored and rebuilt, never an error. A build reads the file on its first word lookup; once the build succeeded
and something new was segmented, the entries are merged into the file as it is then and written atomically:
concurrent writers each write a whole file and the last one wins. The file keeps the most recently written
texts, at most MAX_ENTRIES of them and MAX_BYTES.

The composer stays free of files: `layout.text.words` asks a provider for word starts, and `remembered_words`
hands it this cache for the length of a build.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import logging
import marshal
import threading
from array import array
from collections.abc import Iterator
from pathlib import Path

from layout.caches import FileCache, stamps
from layout.fileio import user_cache_dir, write_atomically
from layout.text import words

log = logging.getLogger(__name__)

MAGIC = b"bulletin word starts\n"
FORMAT = 1  # bumped whenever the payload's layout changes: files of another format are never read
DIGEST_SIZE = 16
MAX_ENTRIES = 20_000  # ~70 texts an issue
MAX_BYTES = 2 * 1024 * 1024  # the texts (counted at 3 bytes a character) and starts kept: a few ms to read
MAX_TEXT = 2_000  # longer texts are segmented every time (word starts are stored as 16-bit numbers)
# One file per segmenter (per installation): two installations sharing the cache folder (a user's checkouts, a
# CI runner) do not overwrite each other's file. The newest MAX_FILES are kept.
FILE_PATTERN = "word-starts*.bin"
MAX_FILES = 4

Entries = dict[str, bytes]  # text -> its word starts, packed as unsigned 16-bit numbers

# The file's entries as last read, while its stamps hold; and entries segmented in this process but not yet
# written (a build that fails writes nothing: its entries wait for the next build that succeeds).
_FILES: FileCache[tuple[Path, str], Entries] = FileCache("word starts")
_PENDING: Entries = {}
_PENDING_LOCK = threading.Lock()


def cache_file(identity: str | None = None) -> Path:
    """The cache file of the segmenter `identity` (default: this process's)."""
    identity = segmenter_identity() or "" if identity is None else identity
    digest = hashlib.blake2b(identity.encode(), digest_size=8).hexdigest()
    return user_cache_dir() / "words" / f"word-starts-{digest}.bin"


def segmenter_identity() -> str | None:
    """What word starts are computed from: the segmenter package's files and the composer's word module, by path
    and stamps; None when the segmenter cannot be found (nothing is then cached). rjieba is found, not imported."""
    spec = importlib.util.find_spec("rjieba")
    if spec is None:
        return None
    files: list[Path] = []
    for folder in spec.submodule_search_locations or ():
        with contextlib.suppress(OSError):
            files.extend(sorted(path for path in Path(folder).iterdir() if path.is_file()))
    if spec.origin and not spec.submodule_search_locations:
        files.append(Path(spec.origin))
    files.append(Path(words.__file__ or "words"))
    stamped = stamps(files)
    if stamped is None:
        return None
    return repr((FORMAT, [str(path) for path in files], stamped))


# --- the file ---------------------------------------------------------------------------------------------------


def encode(entries: Entries, identity: str) -> bytes:
    payload = marshal.dumps((FORMAT, identity, entries))
    return MAGIC + hashlib.blake2b(payload, digest_size=DIGEST_SIZE).digest() + payload


def decode(data: bytes, identity: str) -> Entries | None:
    """The file's entries, or None when it is damaged, of another format or from another segmenter."""
    body = data[len(MAGIC) :]
    if not data.startswith(MAGIC) or len(body) < DIGEST_SIZE:
        return None
    digest, payload = body[:DIGEST_SIZE], body[DIGEST_SIZE:]
    if hashlib.blake2b(payload, digest_size=DIGEST_SIZE).digest() != digest:
        return None
    try:
        version, recorded, entries = marshal.loads(payload)
    except (ValueError, TypeError, EOFError):
        return None
    if version != FORMAT or recorded != identity or type(entries) is not dict:
        return None
    return entries


def read_entries(path: Path, identity: str) -> Entries:
    """The entries of the file as it is now; none when it is missing, unreadable or not valid."""
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    return decode(data, identity) or {}


def pack(text: str, starts: frozenset[int]) -> bytes | None:
    if len(text) > MAX_TEXT:
        return None
    return array("H", sorted(starts)).tobytes()


def unpack(text: str, packed: object) -> frozenset[int] | None:
    """The word starts of an entry, or None when the entry cannot be the starts of `text`."""
    if type(packed) is not bytes or len(packed) % 2:
        return None
    starts = array("H")
    starts.frombytes(packed)
    if any(not 0 < index < len(text) for index in starts):
        return None
    return frozenset(starts)


def newest(entries: Entries) -> Entries:
    """The last entries (the newest: the file keeps them in the order written) within MAX_ENTRIES and MAX_BYTES."""
    kept: list[tuple[str, bytes]] = []
    size = 0
    for text, packed in reversed(entries.items()):
        size += 3 * len(text) + len(packed)
        if len(kept) == MAX_ENTRIES or size > MAX_BYTES:
            break
        kept.append((text, packed))
    return dict(reversed(kept))


def remove_old_files(keep: Path) -> None:
    """Remove the cache files beyond the MAX_FILES newest (other installations', or a segmenter's replaced since)."""
    with contextlib.suppress(OSError):
        found = []
        for path in keep.parent.glob(FILE_PATTERN):
            with contextlib.suppress(OSError):
                found.append((path.stat().st_mtime_ns, path))
        others = sorted((item for item in found if item[1] != keep), reverse=True)
        for _, path in others[MAX_FILES - 1 :]:
            path.unlink(missing_ok=True)


# --- the provider -----------------------------------------------------------------------------------------------


class WordCache:
    """Word starts for one build: from the file where known, else from the segmenter (and then remembered)."""

    def __init__(self, path: Path, identity: str) -> None:
        self.path = path
        self.identity = identity
        self._known: Entries | None = None

    def starts(self, text: str) -> frozenset[int]:
        if self._known is None:
            self._known = _FILES.get_or_build((self.path, self.identity), self._read)
        found = unpack(text, self._known.get(text))
        if found is not None:
            return found
        found = words.segment(text)
        packed = pack(text, found)
        if packed is not None:
            with _PENDING_LOCK:
                if len(_PENDING) < MAX_ENTRIES:  # bounded even where the file can never be written
                    _PENDING[text] = packed
        return found

    def _read(self) -> tuple[Entries, list[Path]]:
        return read_entries(self.path, self.identity), [self.path]

    def save(self) -> None:
        """Merge the entries segmented in this process into the file as it is now, and write it atomically."""
        with _PENDING_LOCK:
            fresh = dict(_PENDING)
        if not fresh:
            return
        entries = read_entries(self.path, self.identity)  # as another process may have just written it
        for text in fresh:
            entries.pop(text, None)  # moved to the end: the newest entries are kept
        entries.update(fresh)
        entries = newest(entries)
        try:
            write_atomically(self.path, encode(entries, self.identity), durable=False)  # checksummed
        except OSError as exc:  # a read-only or full cache folder: the next render segments again
            log.debug("word starts not cached: %s", exc)
            return
        with _PENDING_LOCK:
            for text in fresh:
                _PENDING.pop(text, None)
        remove_old_files(self.path)
        _FILES.put((self.path, self.identity), entries, [self.path])


@contextlib.contextmanager
def remembered_words() -> Iterator[None]:
    """Within the block, word starts come from the cache file; when the block succeeds, new ones are saved."""
    identity = segmenter_identity()
    if identity is None:
        yield
        return
    cache = WordCache(cache_file(identity), identity)
    previous = words.provide_word_starts(cache.starts)
    try:
        yield
    finally:
        words.provide_word_starts(previous)
    cache.save()
