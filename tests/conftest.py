"""Shared test fixtures: the `snapshot` fixture and the `--snapshot-update` option (logic in snapshot_support.py)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from snapshot_support import SnapshotChecker

pytest_plugins = ["pytester"]  # the harness tests run this conftest in a scratch project

SNAPSHOT_DIR = Path(__file__).parent / "snapshots"
CACHE_DIR = pytest.StashKey[Path]()
CACHE_OWNER = "BULLETIN_TEST_CACHE_SET"  # set while a session's own cache folder is in use
WRITTEN = pytest.StashKey[list[Path]]()  # references written during this session, reported at the end


def pytest_configure(config: pytest.Config) -> None:
    """The tests' own cache folder (converted fonts, remembered word boundaries), never the user's: a test run
    neither reads what the user's renders left there nor leaves its own. Subprocesses inherit it, and so does
    a session started inside this one (pytester)."""
    if os.environ.get(CACHE_OWNER):
        return
    folder = Path(tempfile.mkdtemp(prefix="bulletin-test-cache-"))
    config.stash[CACHE_DIR] = folder
    os.environ["BULLETIN_CACHE_DIR"] = str(folder)
    os.environ[CACHE_OWNER] = "1"


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(CACHE_DIR, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop(CACHE_OWNER, None)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--snapshot-update",
        action="store_true",
        default=False,
        help="rewrite the references in tests/snapshots/ whose content changed, instead of failing",
    )


@pytest.fixture
def snapshot(request: pytest.FixtureRequest) -> SnapshotChecker:
    """`snapshot.assert_match(name, text)` and `snapshot.assert_image(name, pdf, page_index)`."""
    config = request.config
    return SnapshotChecker(
        directory=SNAPSHOT_DIR,
        failure_dir=config.rootpath / "out" / "snapshot-failures",
        update=bool(config.getoption("--snapshot-update")),
        written=config.stash.setdefault(WRITTEN, []),
    )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    written = config.stash.get(WRITTEN, [])
    if written:
        terminalreporter.section("snapshot references written")
        for path in written:
            terminalreporter.write_line(str(path))
