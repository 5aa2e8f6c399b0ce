"""Working days on Vietnam's calendar: weekends and public holidays are not counted.

Law 91/2025/QH15 gives a controller 2 working days to answer a data subject's
request. Holidays come from the maintained ``holidays`` package (Tết moves every
year, and substituted days off are announced each year), never a hand-kept list.
"""

import datetime
import functools

import holidays


@functools.cache
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=year)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def working_days_add(start: datetime.date, days: int) -> datetime.date:
    """The day ``days`` working days after ``start`` (a request received on a
    Friday with 2 days is due on Tuesday)."""
    day = start
    left = days
    while left:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


@functools.cache
def _running_count(year: int) -> tuple[int, ...]:
    """Working days of ``year`` from 1 January up to and including each of its
    days (index 0 is 1 January)."""
    counts = []
    total = 0
    day = datetime.date(year, 1, 1)
    while day.year == year:
        total += is_working_day(day)
        counts.append(total)
        day += datetime.timedelta(days=1)
    return tuple(counts)


def _counted_in_year(day: datetime.date) -> int:
    return _running_count(day.year)[day.timetuple().tm_yday - 1]


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative if
    ``end`` is earlier). Read from each year's running count, so a request
    overdue by months costs as little as one due tomorrow."""
    if end < start:
        return -working_days_between(end, start)
    whole_years = sum(_running_count(year)[-1] for year in range(start.year, end.year))
    return whole_years + _counted_in_year(end) - _counted_in_year(start)
