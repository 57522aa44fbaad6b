"""parse_length: mm, cm, pt, in and bare points; anything else is a ValueError that lists the accepted forms."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layout.units import CM, INCH, MM, parse_length


@pytest.mark.parametrize(
    ("text", "points"),
    [("40mm", 40 * 72 / 25.4), ("1.5cm", 1.5 * 72 / 2.54), ("12pt", 12.0), ("0.5in", 36.0), ("12", 12.0),
     ("7.25", 7.25), (".5in", 36.0), ("3.", 3.0), (" 40 mm ", 40 * 72 / 25.4), ("25.4MM", 72.0), ("-2pt", -2.0),
     ("0", 0.0)],
)
def test_accepted_forms(text: str, points: float) -> None:
    assert parse_length(text) == pytest.approx(points)


@pytest.mark.parametrize("text", ["", "mm", "40 px", "4,0mm", "1e3", "nan", "inf", "--1", "40mm2", "1/2in", "二十mm"])
def test_refused_forms_say_what_is_accepted(text: str) -> None:
    with pytest.raises(ValueError, match=r"40mm, 1\.5cm, 12pt or 0\.5in \(a bare number is points\)") as info:
        parse_length(text)
    assert repr(text) in str(info.value)


def test_unknown_unit_is_named() -> None:
    with pytest.raises(ValueError, match="unknown unit 'px'"):
        parse_length("40px")


@given(st.decimals(min_value=0, max_value=10_000, places=3), st.sampled_from([("mm", MM), ("cm", CM), ("in", INCH),
                                                                              ("pt", 1.0), ("", 1.0)]))
def test_round_trip(number: object, unit: tuple[str, float]) -> None:
    suffix, factor = unit
    assert parse_length(f"{number}{suffix}") == pytest.approx(float(number) * factor)  # type: ignore[arg-type]
