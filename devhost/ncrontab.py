"""Timer-trigger schedules as the Functions host reads them: six-field NCRONTAB (seconds first)
or a TimeSpan interval (`hh:mm:ss`, `d.hh:mm:ss`).

NCRONTAB fields: second minute hour day month day-of-week, each `*`, a number, a range `a-b`, a
list `a,b`, a step `*/n` or `a-b/n`; months and days of week may be three-letter names
(`Jan`, `Mon`), day of week 0-6 with 0 = Sunday. A date matches when both its day of month and its
day of week match (NCrontab checks the day of week after the date, unlike Vixie cron's "either").
The next occurrence is always strictly after the time asked about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
_FIELDS = (("second", 0, 59, None), ("minute", 0, 59, None), ("hour", 0, 23, None),
           ("day", 1, 31, None), ("month", 1, 12, MONTHS), ("day of week", 0, 6, DAYS))
_TIMESPAN = re.compile(r"^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$")
SEARCH_DAYS = 366 * 8  # far enough for any schedule that can fire at all (Feb 29 on a weekday)


class ScheduleError(ValueError):
    """The schedule expression cannot be parsed."""


def _number(text: str, names: list[str] | None, offset: int) -> int:
    lowered = text.strip().lower()
    if names and lowered[:3] in names and not lowered.isdigit():
        return names.index(lowered[:3]) + offset
    if not lowered.isdigit():
        raise ScheduleError(f"'{text}' is not a number")
    return int(lowered)


def parse_field(text: str, low: int, high: int, names: list[str] | None = None,
                label: str = "field") -> frozenset[int]:
    """The values one field allows."""
    values: set[int] = set()
    offset = low if names is MONTHS else 0
    for part in text.split(","):
        span, _, step_text = part.partition("/")
        step = _number(step_text, None, 0) if step_text else 1
        if step < 1:
            raise ScheduleError(f"the step in '{part}' must be at least 1")
        if span == "*":
            first, last = low, high
        elif "-" in span:
            a, b = span.split("-", 1)
            first, last = _number(a, names, offset), _number(b, names, offset)
        else:
            first = _number(span, names, offset)
            last = high if step_text else first
        if not (low <= first <= high and low <= last <= high) or first > last:
            raise ScheduleError(f"'{part}' is outside {low}-{high} for the {label}")
        values.update(range(first, last + 1, step))
    return frozenset(values)


@dataclass(frozen=True)
class Cron:
    """A parsed six-field NCRONTAB expression."""

    seconds: frozenset[int]
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]

    @classmethod
    def parse(cls, expression: str) -> Cron:
        tokens = expression.split()
        if len(tokens) != 6:
            raise ScheduleError(f"'{expression}' is an invalid crontab expression. It must "
                                "contain 6 components of a schedule in the sequence of seconds, "
                                "minutes, hours, days, months, and days of week.")
        return cls(*(parse_field(token, low, high, names, label)
                     for token, (label, low, high, names) in zip(tokens, _FIELDS, strict=True)))

    def _day_matches(self, moment: datetime) -> bool:
        return (moment.month in self.months and moment.day in self.days
                and moment.isoweekday() % 7 in self.weekdays)

    def _first_time(self, after: tuple[int, int, int] | None) -> tuple[int, int, int] | None:
        """The earliest (hour, minute, second) in the schedule, later than `after` if given."""
        for hour in sorted(self.hours):
            if after and hour < after[0]:
                continue
            for minute in sorted(self.minutes):
                if after and (hour, minute) < after[:2]:
                    continue
                for second in sorted(self.seconds):
                    if after is None or (hour, minute, second) > after:
                        return hour, minute, second
        return None

    def next_after(self, moment: datetime) -> datetime | None:
        """The first occurrence strictly after `moment` (same tzinfo), or None if there is none."""
        base = moment.replace(microsecond=0)
        for offset in range(SEARCH_DAYS):
            day = (base + timedelta(days=offset)).replace(hour=0, minute=0, second=0)
            if not self._day_matches(day):
                continue
            found = self._first_time((base.hour, base.minute, base.second) if offset == 0
                                     else None)
            if found:
                return day.replace(hour=found[0], minute=found[1], second=found[2])
        return None


@dataclass(frozen=True)
class Interval:
    """A TimeSpan schedule: every `every`, counted from the last run."""

    every: timedelta

    def next_after(self, moment: datetime) -> datetime:
        return moment + self.every


def parse_schedule(expression: str) -> Cron | Interval:
    """NCRONTAB or TimeSpan, as the `schedule` of `@app.timer_trigger` allows."""
    text = expression.strip()
    span = _TIMESPAN.match(text)
    if span:
        days, hours, minutes, seconds = (int(g or 0) for g in span.groups())
        every = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        if every <= timedelta(0):
            raise ScheduleError(f"the interval '{expression}' must be longer than zero")
        return Interval(every)
    return Cron.parse(text)
