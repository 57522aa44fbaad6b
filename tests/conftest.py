"""Shared test fixtures: the `snapshot` fixture and the `--snapshot-update` option (logic in snapshot_support.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from snapshot_support import SnapshotChecker

pytest_plugins = ["pytester"]  # the harness tests run this conftest in a scratch project

SNAPSHOT_DIR = Path(__file__).parent / "snapshots"
WRITTEN = pytest.StashKey[list[Path]]()  # references written during this session, reported at the end


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
