"""`bulletin new`: the next issue after a given one — number and date moved on, the same sections, no articles.

Issue numbers in these bulletins are either a running count ("12", "012") or the issue's month and day
("0602" for 2 June). A number that reads as the month and day of the previous issue's date (or, with no
date, as any valid month-day) moves on with the date, a week later; a running count goes up by one and
keeps its width.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


def month_day(year: int, number: str) -> dt.date | None:
    """The date a four-digit MMDD number stands for, or None."""
    if len(number) != 4 or not number.isdigit():
        return None
    try:
        return dt.date(year, int(number[:2]), int(number[2:]))
    except ValueError:
        return None


def next_issue(previous: dict[str, Any], date: dt.date | None = None) -> dict[str, Any]:
    """The next issue's document (a dict to dump as YAML) from the previous issue's."""
    info = previous["issue"]
    year, number = int(info["year"]), str(info["number"])
    old_date = info.get("date")
    if isinstance(old_date, str):
        old_date = dt.date.fromisoformat(old_date)
    by_date = month_day(year, number)
    dated_number = by_date is not None and (old_date is None or old_date == by_date)
    base = old_date or by_date
    new_date = date or (base + dt.timedelta(days=7) if base else None)
    if dated_number and new_date is not None:
        new_year, new_number = new_date.year, f"{new_date.month:02d}{new_date.day:02d}"
    elif number.isdigit():
        new_year, new_number = (new_date.year if new_date else year), str(int(number) + 1).zfill(len(number))
    else:
        new_year, new_number = year, number + "-next"
    from layout.yamlwrite import Quoted

    issue: dict[str, Any] = {"year": new_year, "number": Quoted(new_number)}
    if new_date is not None:
        issue["date"] = new_date
    doc: dict[str, Any] = {}
    if "publication" in previous:
        doc["publication"] = previous["publication"]
    doc["issue"] = issue
    doc["sections"] = [{"title": s["title"], "articles": []} for s in previous.get("sections") or []]
    return doc
