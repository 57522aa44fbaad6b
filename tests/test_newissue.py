"""`bulletin new`: the next issue — number and date moved on, the same sections, no articles."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from layout.cli import main
from layout.newissue import next_issue

ISSUES = Path(__file__).resolve().parent.parent / "issues"


def test_next_after_the_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "next.yaml"
    assert main(["new", "--from", str(ISSUES / "2018-0602.yaml"), "-o", str(out)]) == 0
    assert "(2018) 0609 期" in capsys.readouterr().out
    text = out.read_text(encoding="utf-8")
    assert 'number: "0609"' in text  # quoted: YAML 1.1 would not keep it text otherwise
    data = yaml.safe_load(text)
    assert data["issue"] == {"year": 2018, "number": "0609", "date": dt.date(2018, 6, 9)}
    assert [s["title"] for s in data["sections"]] == ["政策文件", "项目申报", "中小服务平台"]
    assert all(s["articles"] == [] for s in data["sections"])
    # never overwrites without --force
    assert main(["new", "--from", str(ISSUES / "2018-0602.yaml"), "-o", str(out)]) == 1
    assert main(["new", "--from", str(ISSUES / "2018-0602.yaml"), "-o", str(out), "--force"]) == 0


@pytest.mark.parametrize(("issue", "date", "expected"), [
    ({"year": 2018, "number": "1229", "date": "2018-12-29"}, None, {"year": 2019, "number": "0105",
                                                                    "date": dt.date(2019, 1, 5)}),
    ({"year": 2020, "number": "12"}, None, {"year": 2020, "number": "13"}),
    ({"year": 2020, "number": "009", "date": "2020-03-02"}, None, {"year": 2020, "number": "010",
                                                                   "date": dt.date(2020, 3, 9)}),
    ({"year": 2020, "number": "0602"}, dt.date(2020, 6, 12), {"year": 2020, "number": "0612",
                                                               "date": dt.date(2020, 6, 12)}),
])
def test_numbering(issue: dict, date: dt.date | None, expected: dict) -> None:
    doc = next_issue({"issue": issue, "sections": [{"title": "甲", "articles": [{"title": "x", "blocks": ["y"]}]}]},
                     date)
    assert doc["issue"] == expected
    assert doc["sections"] == [{"title": "甲", "articles": []}]


def test_latest_issue_of_the_folder_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    issues = tmp_path / "issues"
    issues.mkdir()
    shutil.copy(ISSUES / "bulletin.yaml", issues)
    shutil.copy(ISSUES / "2018-0602.yaml", issues)
    monkeypatch.chdir(tmp_path)
    assert main(["new"]) == 0
    assert (issues / "2018-0609.yaml").is_file()
    assert main(["new", "--date", "not-a-date"]) == 2


def test_an_invalid_previous_issue_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("issue: {year: 2018}\n", encoding="utf-8")
    assert main(["new", "--from", str(bad)]) == 2
