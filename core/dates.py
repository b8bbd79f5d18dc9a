"""Dates that are only known (or planned) to a year, a quarter or a month.

A network founded "im März 2025" or a meeting planned for "4. Quartal 2025" is
stored as the first day of that period plus its precision. These helpers turn
such a pair into German text and into the last day of the period.
"""

import calendar
import datetime

from django.db import models
from django.utils import formats


class DatePrecision(models.TextChoices):
    DAY = "day", "Tag"
    MONTH = "month", "Monat"
    QUARTER = "quarter", "Quartal"
    YEAR = "year", "Jahr"


def period_start(value: datetime.date, precision: str) -> datetime.date:
    """Normalise a date to the first day of its period."""
    if precision == DatePrecision.YEAR:
        return value.replace(month=1, day=1)
    if precision == DatePrecision.QUARTER:
        return value.replace(month=3 * ((value.month - 1) // 3) + 1, day=1)
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    return value


def period_end(value: datetime.date, precision: str) -> datetime.date:
    """The last day of the period that `value` stands for."""
    if precision == DatePrecision.YEAR:
        return value.replace(month=12, day=31)
    if precision == DatePrecision.QUARTER:
        last_month = 3 * ((value.month - 1) // 3) + 3
        return value.replace(month=last_month, day=calendar.monthrange(value.year, last_month)[1])
    if precision == DatePrecision.MONTH:
        return value.replace(day=calendar.monthrange(value.year, value.month)[1])
    return value


def format_period(value: datetime.date | None, precision: str) -> str:
    """German text for a date of the given precision: "3. Quartal 2025", "März 2025"."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.QUARTER:
        return f"{(value.month - 1) // 3 + 1}. Quartal {value.year}"
    if precision == DatePrecision.MONTH:
        return formats.date_format(value, "F Y")
    return formats.date_format(value, "j. F Y")


def iso_period(value: datetime.date | None, precision: str) -> str | None:
    """The date in ISO 8601 as precise as it is known: "2025", "2025-05" (a month or a quarter's
    first month) or "2025-05-26"."""
    if value is None:
        return None
    return value.isoformat()[
        : {DatePrecision.YEAR: 4, DatePrecision.MONTH: 7, DatePrecision.QUARTER: 7}.get(precision, 10)
    ]
