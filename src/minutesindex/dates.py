"""Dates as analysts type them, for the command line and the library alike."""

from __future__ import annotations

import datetime as dt
import re

from minutesindex.errors import QuerySyntaxError

_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DANISH_DATE = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")
DATE_FORMS = "YYYY-MM-DD, DD-MM-YYYY, DD.MM.YYYY, YYYY-MM or YYYY"


def parse_date(value: str | dt.date | None, end: bool = False) -> dt.date | None:
    """`2022-03-10`, `10-03-2022`, `10.03.2022`, or a month (`2022-03`) or year (`2022`), which is
    its first day, or with `end` its last; a date is taken as it is. QuerySyntaxError otherwise."""
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    if not isinstance(value, str):
        raise QuerySyntaxError(f"{value!r} is not a date ({DATE_FORMS}, or a datetime.date)")
    text = value.strip()
    try:
        if year := _YEAR.match(text):
            return dt.date(int(year[1]), 12, 31) if end else dt.date(int(year[1]), 1, 1)
        if month := _MONTH.match(text):
            first = dt.date(int(month[1]), int(month[2]), 1)
            return (first + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1) if end else first
        if danish := _DANISH_DATE.match(text):
            return dt.date(int(danish[3]), int(danish[2]), int(danish[1]))
        return dt.date.fromisoformat(text)
    except ValueError:
        raise QuerySyntaxError(f"{value!r} is not a date ({DATE_FORMS})") from None
