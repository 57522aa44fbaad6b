"""Lengths: points are the one internal unit; parse_length reads "40mm", "1.5cm", "12pt", "0.5in" or bare points."""

from __future__ import annotations

import re

PT = 1.0
INCH = 72.0  # PostScript points per inch
MM = INCH / 25.4
CM = 10 * MM

UNITS: dict[str, float] = {"pt": PT, "mm": MM, "cm": CM, "in": INCH}

LENGTH = re.compile(r"\s*([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))\s*([A-Za-z]*)\s*")

ACCEPTED = "a number with a unit, such as 40mm, 1.5cm, 12pt or 0.5in (a bare number is points)"


def parse_length(text: str) -> float:
    """The length `text` in points. Raises ValueError saying which forms are accepted."""
    m = LENGTH.fullmatch(text)
    if m is None:
        raise ValueError(f"invalid length {text!r}: write {ACCEPTED}")
    number, unit = m.groups()
    if unit and unit.lower() not in UNITS:
        raise ValueError(f"unknown unit {unit!r} in length {text!r}: write {ACCEPTED}")
    return float(number) * UNITS[unit.lower()] if unit else float(number)

