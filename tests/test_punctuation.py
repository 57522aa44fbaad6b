"""Half-width , ; : ( ) between Chinese characters: `check` warns with the position and the full-width mark to use
(exit code unchanged), and `normalize_punctuation: true` in the publication converts them before layout."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from layout.check import check_source, punctuation_warnings
from layout.cli import main
from layout.punctuation import find_halfwidth, normalize
from layout.render import render_issue

REALISTIC = Path(__file__).parent / "cases" / "realistic"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("通过竞争方式,依托行业", "通过竞争方式，依托行业"),
        ("(三) 大力支持民营企业", "（三）大力支持民营企业"),
        ("按照《方案》(国科发基〔2017〕250号)要求,通过", "按照《方案》（国科发基〔2017〕250号）要求，通过"),
        ("热线021-64331234(工作日9:00-17:00)。", "热线021-64331234（工作日9:00-17:00）。"),
        # Not between Chinese characters: left alone.
        ("时间9:00-17:00,共 3 天", "时间9:00-17:00,共 3 天"),
        ("see (a) b, c; d: e", "see (a) b, c; d: e"),
        ("网址:http://x.cn/a,b", "网址:http://x.cn/a,b"),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected
    assert normalize(expected) == expected  # idempotent


def test_find_gives_index_and_replacement() -> None:
    found = find_halfwidth("方式,依托(三)")
    assert [(f.index, f.char, f.replacement) for f in found] == [(2, ",", "，"), (5, "(", "（"), (7, ")", "）")]


def copy_fixture(folder: Path, **changes: object) -> Path:
    shutil.copy(REALISTIC / "2019-0412.yaml", folder / "issue.yaml")
    data = yaml.safe_load((REALISTIC / "bulletin.yaml").read_text(encoding="utf-8"))
    data.update(changes)
    (folder / "bulletin.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder / "issue.yaml"


def test_check_warns_with_position_and_exits_0(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = copy_fixture(tmp_path)
    assert main(["check", str(source)]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [f"ok: {source}"]
    warnings = err.splitlines()
    line = next(i for i, ln in enumerate(source.read_text(encoding="utf-8").splitlines(), 1) if "经验,部署" in ln)
    column = source.read_text(encoding="utf-8").splitlines()[line - 1].index("经验,部署") + 3
    assert f"{source}:{line}:{column}: warning: half-width comma ',' in Chinese text: use '，'" in "\n".join(warnings)
    assert all(": warning: half-width " in w for w in warnings)
    assert len(warnings) >= 15


def test_normalize_option_converts_before_layout(tmp_path: Path) -> None:
    source = copy_fixture(tmp_path, normalize_punctuation=True)
    assert check_source(source) == []
    assert punctuation_warnings(source) == []  # nothing left to warn about: the publication converts
    pdf = render_issue(source, tmp_path / "out.pdf").path
    text = "".join("".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    assert "建设经验，部署下一阶段" in text
    assert "技术支持热线021-64331234（工作日9:00-17:00）" in text
    assert "经验,部署" not in text


def test_without_the_option_the_text_prints_as_typed(tmp_path: Path) -> None:
    pdf = render_issue(copy_fixture(tmp_path), tmp_path / "out.pdf").path
    text = "".join("".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    assert "建设经验,部署下一阶段" in text


def test_normalize_option_takes_only_true_or_false(tmp_path: Path) -> None:
    source = copy_fixture(tmp_path, normalize_punctuation="yes")
    problems = check_source(source)
    assert [p.message for p in problems] == ["normalize_punctuation takes true or false"]
    assert problems[0].pos is not None
    assert problems[0].pos.file.endswith("bulletin.yaml")
