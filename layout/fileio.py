"""Writing files so that nobody sees half of one: the low-level file helpers every writer shares."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def user_cache_dir() -> Path:
    """The folder of the user's caches (converted fonts, word boundaries, dataclass methods):
    $BULLETIN_CACHE_DIR, else $XDG_CACHE_HOME/bulletin or ~/.cache/bulletin."""
    root = os.environ.get("BULLETIN_CACHE_DIR")
    if root:
        return Path(root)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "bulletin"


def write_atomically(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write a temporary file beside `path`, then rename: nobody sees half a PDF, and a failure keeps the old one.

    The temporary file is `.NAME.PID.XXXXXXXX.tmp`; one a killed writer left behind is removed by the next write
    of the same file (a writer whose process still runs keeps its own). `durable` flushes the data to the disk
    before the rename, so a crash cannot leave an empty file in its place; a checksummed cache that is rebuilt
    when damaged spares that wait (a few milliseconds).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_files(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        # mkstemp creates the file private (0600); give it the permissions any new file would have.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_stale_temp_files(path: Path) -> list[Path]:
    """Remove the temporary files of `path` whose writer process is gone; returns them."""
    removed = []
    prefix = f".{path.name}."
    with os.scandir(path.parent) as entries:
        for entry in entries:
            name = entry.name
            if not (name.startswith(prefix) and name.endswith(".tmp")):
                continue
            pid, _, rest = name[len(prefix) : -len(".tmp")].partition(".")
            if not (pid.isdigit() and rest) or process_running(int(pid)):
                continue  # not of our naming, or its writer is still at work
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def process_running(pid: int) -> bool:
    """Whether process `pid` exists (it may be another user's)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
