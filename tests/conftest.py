"""Shared test fixtures: the `snapshot` fixture and the `--snapshot-update` option (logic in snapshot_support.py)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

CACHE_OWNER = "BULLETIN_TEST_CACHE_SET"  # set while a session's own cache folder is in use
# The tests' own cache folder (converted fonts, remembered word boundaries, dataclass methods), never the user's:
# a test run neither reads what the user's renders left there nor leaves its own. Made here, before anything
# imports the package (which reads it at import); subprocesses inherit it, and so does a session started inside
# this one (pytester).
OWN_CACHE: Path | None = None
if not os.environ.get(CACHE_OWNER):
    OWN_CACHE = Path(tempfile.mkdtemp(prefix="bulletin-test-cache-"))
    os.environ["BULLETIN_CACHE_DIR"] = str(OWN_CACHE)
    os.environ[CACHE_OWNER] = "1"

from snapshot_support import SnapshotChecker  # noqa: E402 (imports the package: after its cache folder is set)

from layout import dataclass_code  # noqa: E402

pytest_plugins = ["pytester"]  # the harness tests run this conftest in a scratch project

SNAPSHOT_DIR = Path(__file__).parent / "snapshots"
WRITTEN = pytest.StashKey[list[Path]]()  # references written during this session, reported at the end


def pytest_unconfigure(config: pytest.Config) -> None:
    if OWN_CACHE is not None:
        dataclass_code.save()  # now, into the folder about to go, rather than at exit into a folder made anew
        shutil.rmtree(OWN_CACHE, ignore_errors=True)
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
