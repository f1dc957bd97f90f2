"""Dates in front matter: what is wrong with one that cannot be read, the date the editor
most likely meant, and the review date a number of months on."""

from __future__ import annotations

import calendar
import re
from datetime import date

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _spoken(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _real_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def date_problem(key: str, value: str) -> tuple[str, str]:
    """(message, hint) for a date that cannot be read: what exactly is wrong with it, and
    the date the editor most likely meant, written the way the site needs it."""
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
        if not 1 <= month <= 12:
            swapped = _real_date(year, day, month)
            if swapped:
                return (
                    f"'{key}' is {value}, but there is no month {month}.",
                    f"The month comes before the day (YYYY-MM-DD): for {_spoken(swapped)} write {swapped.isoformat()}.",
                )
            return (
                f"'{key}' is {value}, but there is no month {month}.",
                "Write the date as YYYY-MM-DD with a month from 01 to 12, e.g. 2026-03-01 for 1 March 2026.",
            )
        if _real_date(year, month, day) is None:
            last = calendar.monthrange(year, month)[1]
            return (
                f"'{key}' is {value}, but {MONTHS[month - 1]} {year} has no day {day} (it has {last} days).",
                f"Check the day (YYYY-MM-DD), e.g. {date(year, month, last).isoformat()} for its last day.",
            )
        return (
            f"'{key}' is {value}: the month and the day need two digits each.",
            f"Write {date(year, month, day).isoformat()} (YYYY-MM-DD).",
        )
    numbers = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", value)
    if numbers:
        first, second, year = (int(part) for part in numbers.groups())
        meanings = [day for day in (_real_date(year, second, first), _real_date(year, first, second)) if day]
        meanings = sorted(set(meanings))
        if meanings:
            options = " or ".join(f"{day.isoformat()} for {_spoken(day)}" for day in meanings)
            which = f", which could be {' or '.join(_spoken(day) for day in meanings)}" if len(meanings) > 1 else ""
            return (f"'{key}' is {value}{which}: dates are written year first, as YYYY-MM-DD.", f"Write {options}.")
    year_first = re.fullmatch(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})", value)
    if year_first:
        meant = _real_date(*(int(part) for part in year_first.groups()))
        if meant:
            return (
                f"'{key}' is {value}; dates are written with hyphens.",
                f"Write {meant.isoformat()} (YYYY-MM-DD) for {_spoken(meant)}.",
            )
    meant = _date_in_words(value)
    if meant:
        return (
            f"'{key}' is {value!r}; dates are written in numbers, year first, as YYYY-MM-DD.",
            f"Write {meant.isoformat()} for {_spoken(meant)}.",
        )
    return (
        f"'{key}' is {value!r}, which is not a date in the form YYYY-MM-DD.",
        "Write dates as YYYY-MM-DD, e.g. 2026-03-01 for 1 March 2026.",
    )


# Month names an editor may type, English and Spanish, and their usual short forms.
_MONTH_WORDS = {
    **{name.lower(): number for number, name in enumerate(MONTHS, 1)},
    **{name.lower()[:3]: number for number, name in enumerate(MONTHS, 1)},
    **dict(
        zip(
            [
                "enero",
                "febrero",
                "marzo",
                "abril",
                "mayo",
                "junio",
                "julio",
                "agosto",
                "septiembre",
                "octubre",
                "noviembre",
                "diciembre",
            ],
            range(1, 13),
            strict=True,
        )
    ),
    "sept": 9,
    "setiembre": 9,
}


def _date_in_words(value: str) -> date | None:
    """The date in "6 December 2026", "December 6, 2026", "6 de diciembre de 2026", else None."""
    words = [w for w in re.split(r"[\s,.]+", value.lower()) if w and w not in ("de", "del", "the", "of")]
    if len(words) != 3:
        return None
    numbers = [w.rstrip("stndrh") for w in words]
    months = [i for i, w in enumerate(words) if w in _MONTH_WORDS]
    if len(months) != 1:
        return None
    rest = [numbers[i] for i in range(3) if i != months[0]]
    if not all(part.isdigit() for part in rest):
        return None
    day, year = (int(rest[0]), int(rest[1])) if len(rest[1]) == 4 else (int(rest[1]), int(rest[0]))
    return _real_date(year, _MONTH_WORDS[words[months[0]]], day)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")
