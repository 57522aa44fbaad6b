"""What each PDF was made from: the batch manifest, and the content hashes and settings it records."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import reportlab

try:
    import fcntl
except ImportError:  # Windows: no flock; concurrent batches on one folder are then not merged safely
    fcntl = None  # type: ignore[assignment]

from layout import __version__
from layout.caches import FileCache, stamps
from layout.fileio import write_atomically
from layout.model import Image, Issue
from layout.theme import Theme

MANIFEST_NAME = ".bulletin-manifest.json"
MANIFEST_FORMAT = 1
HASH_CHUNK = 1 << 20


# --- the manifest: what each PDF was made from ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IssueRecord:
    """One rendered PDF: the content hash of every file its render read, and what the volume needs to know."""

    source: str  # the issue file, absolute
    settings: dict[str, str | None]  # tool and ReportLab versions, --theme, the publication file used
    inputs: dict[str, str]  # absolute path -> sha256: source, publication, theme files, fonts, images
    pdf: str  # sha256 of the PDF written
    pages: int
    year: int
    number: str
    title: str
    masthead: str


@dataclass
class Manifest:
    """`<out>/.bulletin-manifest.json`: output path (relative to out/, POSIX) -> IssueRecord, and the volumes bound.

    `volumes`: absolute volume path -> {"key": volume_key(...), "pdf": sha256 of the volume written}.
    """

    path: Path
    records: dict[str, IssueRecord] = field(default_factory=dict)
    volumes: dict[str, dict[str, str]] = field(default_factory=dict)
    # What this run changed since it loaded or last saved (None: forget the record), merged into the file on save.
    _changed: dict[str, IssueRecord | None] = field(default_factory=dict, repr=False)
    _changed_volumes: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)

    def set(self, key: str, record: IssueRecord) -> None:
        self.records[key] = self._changed[key] = record

    def forget(self, key: str) -> None:
        """Drop `key`'s record: its PDF, if any, no longer matches its sources."""
        self.records.pop(key, None)
        self._changed[key] = None

    def set_volume(self, key: str, state: dict[str, str]) -> None:
        self.volumes[key] = self._changed_volumes[key] = state

    def save(self) -> None:
        """Merge this run's changes into the manifest on disk and write it, under a lock: a batch writing the same
        folder meanwhile keeps its records. Raises OSError when the folder or a file in the way prevents it."""
        with manifest_lock(self.path):
            on_disk, _ = load_manifest(self.path.parent)  # an unreadable one is replaced, as when loading
            for key, record in self._changed.items():
                if record is None:
                    on_disk.records.pop(key, None)
                else:
                    on_disk.records[key] = record
            on_disk.volumes.update(self._changed_volumes)
            data = {"format": MANIFEST_FORMAT, "tool": __version__, "volumes": on_disk.volumes,
                    "issues": {key: asdict(record) for key, record in on_disk.records.items()}}
            text = json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
            write_atomically(self.path, text.encode("utf-8"))
        self.records, self.volumes = on_disk.records, on_disk.volumes
        self._changed.clear()
        self._changed_volumes.clear()


@contextlib.contextmanager
def manifest_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on `<manifest>.lock` (flock; none where there is no fcntl) while the manifest is merged."""
    fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o666)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def load_manifest(out_dir: Path) -> tuple[Manifest, str | None]:
    """The manifest in `out_dir` (empty if there is none), and a warning if it could not be used."""
    manifest = Manifest(out_dir / MANIFEST_NAME)
    try:
        data = json.loads(manifest.path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return manifest, None
    except (OSError, ValueError) as exc:
        return manifest, f"{manifest.path}: unreadable ({exc}); every issue is rendered again"
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT or not isinstance(data.get("issues"), dict):
        return manifest, f"{manifest.path}: not a manifest of format {MANIFEST_FORMAT}; every issue is rendered again"
    for key, raw in data["issues"].items():
        with contextlib.suppress(TypeError):  # a record of another shape is simply forgotten
            manifest.records[key] = IssueRecord(**raw)
    volumes = data.get("volumes")
    if isinstance(volumes, dict):
        manifest.volumes = {k: v for k, v in volumes.items() if isinstance(v, dict)}
    return manifest, None


def hash_file(path: Path) -> str | None:
    """sha256 of a file's content, or None if it cannot be read."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(HASH_CHUNK):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def build_settings(theme: str | None, publication: Path, *, pdfa: bool = False) -> dict[str, str | None]:
    """What besides file contents decides a PDF: the tool, the PDF library, --theme, the publication file used,
    and --pdfa (the key is there only with it, so plain renders keep their manifests)."""
    settings: dict[str, str | None] = {"tool": __version__, "reportlab": reportlab.Version, "theme": theme,
                                       "publication": str(publication)}
    if pdfa:
        settings["pdfa"] = "2b"
    return settings


_HASHES: FileCache[Path, str] = FileCache("file hashes")  # path -> sha256: fonts are hashed once per worker


def issue_inputs(issue: Issue, theme: Theme) -> list[Path]:
    """Every file a render of `issue` reads: the source, its publication, theme files, fonts, images."""
    files = [issue.source, issue.publication.source or issue.source, *theme.files]
    files += [spec.path for spec in theme.font_specs.values()]
    files += [block.path for s in issue.sections for a in s.articles for block in a.blocks if isinstance(block, Image)]
    return files


def hash_inputs(paths: Iterable[Path]) -> dict[str, str]:
    out: dict[str, str] = {}
    for path in paths:
        resolved = path.resolve()
        digest = _HASHES.get(resolved)
        if digest is None:
            before = stamps([resolved])  # taken before reading: a change while hashing makes the entry stale
            digest = hash_file(resolved)
            if digest is None or before is None or stamps([resolved]) != before:
                if digest is not None:
                    out[str(resolved)] = digest
                continue
            _HASHES.put(resolved, digest, [resolved])
        out[str(resolved)] = digest
    return out
