"""`bulletin check`: ok per good file on stdout, every problem as path:line:col: message (hint) on stderr, exit 0/2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from layout.check import check_source
from layout.cli import main

REPO = Path(__file__).resolve().parents[2]
CASES = Path("tests/cases/loader")  # relative to REPO, as an editor would type it
ERROR_CASES = sorted(p.name for p in (REPO / CASES / "errors").glob("*.yaml"))


@pytest.fixture(autouse=True)
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], list[str]]:
    """Exit code, stdout lines and stderr lines but the warnings (the sample types half-width punctuation between
    Chinese characters; tests/test_punctuation.py pins those)."""
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out.splitlines(), errors_only(err)


def errors_only(err: str) -> list[str]:
    return [line for line in err.splitlines() if ": warning: " not in line]


def expected_errors(path: Path) -> list[str]:
    """The `# error: LINE:COL: message (hint)` annotations at the end of an error case."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.removeprefix("# error: ") for line in lines if line.startswith("# error: ")]


def test_sample_issue_is_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert check(capsys, "issues/2018-0602.yaml") == (0, ["ok: issues/2018-0602.yaml"], [])


def test_every_block_kind_is_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert check(capsys, str(CASES / "ok.yaml")) == (0, [f"ok: {CASES / 'ok.yaml'}"], [])


@pytest.mark.parametrize("name", ERROR_CASES)
def test_error_cases_report_every_problem(capsys: pytest.CaptureFixture[str], name: str) -> None:
    path = CASES / "errors" / name
    expected = expected_errors(path)
    assert expected, f"{name} has no # error: annotations"
    code, out, err = check(capsys, str(path))
    assert (code, out) == (2, [])
    assert err == [f"{path}:{line}" for line in expected]


def test_good_and_bad_files_together(capsys: pytest.CaptureFixture[str]) -> None:
    bad = CASES / "errors" / "syntax.yaml"
    code, out, err = check(capsys, str(bad), "issues/2018-0602.yaml")
    assert code == 2
    assert out == ["ok: issues/2018-0602.yaml"]
    assert len(err) == 1
    assert err[0].startswith(f"{bad}:7:18: a ': ' inside text")


def test_explicit_publication(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pub = tmp_path / "pub.yaml"
    pub.write_text("publisher: 甲\nmasthead: 快讯\nfooter: ['{publisher} {contact.fax}']\n", encoding="utf-8")
    code, out, err = check(capsys, "issues/2018-0602.yaml", "--publication", str(pub))
    assert (code, out) == (2, [])
    assert err == [f"{pub}:3:23: unknown placeholder {{contact.fax}} (known names: masthead, publisher; "
                   "write {{ for a literal brace)"]


@pytest.mark.parametrize(("theme", "code"), [("default", 0), ("no-such-theme", 2), ("missing.yaml", 2)])
def test_theme_option(capsys: pytest.CaptureFixture[str], theme: str, code: int) -> None:
    got, out, err = check(capsys, "issues/2018-0602.yaml", "--theme", theme)
    assert got == code
    # A theme that cannot be used is reported once, and no issue is "ok" with it.
    assert out == ([] if code else ["ok: issues/2018-0602.yaml"])
    if code:
        assert len(err) == 1
        assert err[0].startswith(f"--theme {theme}: ")
        if theme == "no-such-theme":
            assert "shipped themes: " in err[0]
            assert "default" in err[0]


def test_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert check(capsys, "issues/nope.yaml") == (2, [], ["issues/nope.yaml: no such file"])


def test_non_utf8_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "bulletin.yaml").write_text((REPO / "issues/bulletin.yaml").read_text(encoding="utf-8"))
    issue = tmp_path / "gbk.yaml"
    issue.write_bytes("issue:\n  year: 2018\nsections:\n  - title: 政策文件\n".encode("gbk"))
    code, out, err = check(capsys, str(issue))
    assert (code, out) == (2, [])
    assert err == [f"{issue}:4:12: file is not UTF-8: it looks like GBK (byte 0xD5 here) (re-save the file as UTF-8: "
                   "in most editors 'Save with encoding' > UTF-8, or iconv -f GBK -t UTF-8)"]


def test_check_source_returns_diagnostics_in_order() -> None:
    diags = check_source(CASES / "errors" / "blocks.yaml", None)
    assert [d.pos.line for d in diags if d.pos] == sorted(d.pos.line for d in diags if d.pos)
    assert check_source(Path("issues/2018-0602.yaml"), None) == []


def test_console_entry_point() -> None:
    """`python -m layout check` (what the `bulletin` script runs) exits 0 on the sample."""
    done = subprocess.run([sys.executable, "-m", "layout", "check", "issues/2018-0602.yaml"], cwd=REPO,
                          capture_output=True, text=True, timeout=60, check=False)
    assert (done.returncode, done.stdout, errors_only(done.stderr)) == (0, "ok: issues/2018-0602.yaml\n", [])


def test_a_glob_over_the_issues_folder_checks_the_publication_as_a_publication(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert check(capsys, "issues/bulletin.yaml", "issues/2018-0602.yaml") == (
        0,
        ["ok: issues/bulletin.yaml", "ok: issues/2018-0602.yaml"],
        [],
    )


def test_a_publication_given_as_an_issue_is_named_as_such(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["render", "issues/bulletin.yaml", "-o", str(tmp_path / "x.pdf")]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "issues/bulletin.yaml:1:1: this is a publication file, not an issue "
        "(render or check an issue that uses it, e.g. issues/2018-0602.yaml)"
    ]
    assert not (tmp_path / "x.pdf").exists()


def test_a_missing_file_is_reported_once(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = check(capsys, "issues/nonexistent.yaml")
    assert (code, out) == (2, [])
    assert err == ["issues/nonexistent.yaml: no such file"]
