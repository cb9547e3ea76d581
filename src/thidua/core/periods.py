"""Periods that plans, gradings and statistics speak of.

A period is a closed date range with a kind: a month, a quarter, a year, or a
custom range (a plan's "from issue to 31/12/2026"). Labels are the Vietnamese
words that documents use: "Tháng 5/2026", "Quý II/2026", "Năm 2026".
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

ROMAN_QUARTERS = {1: "I", 2: "II", 3: "III", 4: "IV"}


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    CUSTOM = "custom"


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date
    kind: PeriodKind = PeriodKind.CUSTOM

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("Ngày kết thúc phải sau hoặc trùng ngày bắt đầu.")

    # Constructors -------------------------------------------------------
    @classmethod
    def month(cls, year: int, month: int) -> Period:
        if not 1 <= month <= 12:
            raise ValueError(f"Tháng không hợp lệ: {month}.")
        last = calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last), PeriodKind.MONTH)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if not 1 <= quarter <= 4:
            raise ValueError(f"Quý không hợp lệ: {quarter}.")
        first_month = 3 * (quarter - 1) + 1
        end = cls.month(year, first_month + 2).end
        return cls(date(year, first_month, 1), end, PeriodKind.QUARTER)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31), PeriodKind.YEAR)

    @classmethod
    def custom(cls, start: date, end: date) -> Period:
        return cls(start, end, PeriodKind.CUSTOM)

    @classmethod
    def containing(cls, day: date, kind: PeriodKind | str) -> Period:
        kind = PeriodKind(kind)
        if kind is PeriodKind.MONTH:
            return cls.month(day.year, day.month)
        if kind is PeriodKind.QUARTER:
            return cls.quarter(day.year, (day.month - 1) // 3 + 1)
        if kind is PeriodKind.YEAR:
            return cls.year(day.year)
        raise ValueError("Kỳ tùy chọn không xác định được từ một ngày.")

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse ``2026-05``, ``05/2026``, ``2026-Q2``, ``Q2/2026``, ``2026`` or
        ``01/01/2026-31/12/2026``."""
        value = text.strip().upper().replace(" ", "")
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", value):
            return cls.month(int(m[1]), int(m[2]))
        if m := re.fullmatch(r"(\d{1,2})/(\d{4})", value):
            return cls.month(int(m[2]), int(m[1]))
        if m := re.fullmatch(r"(\d{4})-?Q([1-4])", value):
            return cls.quarter(int(m[1]), int(m[2]))
        if m := re.fullmatch(r"Q([1-4])/(\d{4})", value):
            return cls.quarter(int(m[2]), int(m[1]))
        if m := re.fullmatch(r"\d{4}", value):
            return cls.year(int(value))
        if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})-(\d{1,2})/(\d{1,2})/(\d{4})", value):
            start = date(int(m[3]), int(m[2]), int(m[1]))
            end = date(int(m[6]), int(m[5]), int(m[4]))
            return cls.custom(start, end)
        raise ValueError(
            f"Không hiểu kỳ “{text}”. Ví dụ hợp lệ: 2026-05, 2026-Q2, 2026, "
            "01/01/2026-31/12/2026."
        )

    # Queries --------------------------------------------------------------
    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end

    def months(self) -> Iterator[Period]:
        """Every calendar month that the period touches, in order."""
        year, month = self.start.year, self.start.month
        while date(year, month, 1) <= self.end:
            yield Period.month(year, month)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)

    def quarters(self) -> Iterator[Period]:
        seen = []
        for month in self.months():
            quarter = Period.containing(month.start, PeriodKind.QUARTER)
            if quarter not in seen:
                seen.append(quarter)
                yield quarter

    def next(self) -> Period:
        return self._shift(1)

    def previous(self) -> Period:
        return self._shift(-1)

    def _shift(self, step: int) -> Period:
        if self.kind is PeriodKind.MONTH:
            index = self.start.year * 12 + self.start.month - 1 + step
            return Period.month(index // 12, index % 12 + 1)
        if self.kind is PeriodKind.QUARTER:
            index = self.start.year * 4 + (self.start.month - 1) // 3 + step
            return Period.quarter(index // 4, index % 4 + 1)
        if self.kind is PeriodKind.YEAR:
            return Period.year(self.start.year + step)
        length = timedelta(days=self.days)
        return Period.custom(self.start + step * length, self.end + step * length)

    # Presentation -----------------------------------------------------------
    @property
    def label(self) -> str:
        if self.kind is PeriodKind.MONTH:
            return f"Tháng {self.start.month}/{self.start.year}"
        if self.kind is PeriodKind.QUARTER:
            quarter = (self.start.month - 1) // 3 + 1
            return f"Quý {ROMAN_QUARTERS[quarter]}/{self.start.year}"
        if self.kind is PeriodKind.YEAR:
            return f"Năm {self.start.year}"
        return f"Từ {self.start:%d/%m/%Y} đến {self.end:%d/%m/%Y}"

    @property
    def key(self) -> str:
        """Compact, sortable key that :meth:`parse` reads back."""
        if self.kind is PeriodKind.MONTH:
            return f"{self.start.year}-{self.start.month:02d}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind is PeriodKind.YEAR:
            return f"{self.start.year}"
        return f"{self.start:%d/%m/%Y}-{self.end:%d/%m/%Y}"

    def __str__(self) -> str:
        return self.label


def age_on(birth: date, day: date) -> int:
    """Whole years of age on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def birth_range_for_age(min_age: int | None, max_age: int | None, today: date) -> tuple[date | None, date | None]:
    """Dates of birth (earliest, latest) of people whose age is in [min_age, max_age]."""

    def shift_years(day: date, years: int) -> date:
        try:
            return day.replace(year=day.year - years)
        except ValueError:  # 29 February
            return day.replace(year=day.year - years, day=28)

    latest = shift_years(today, min_age) if min_age is not None else None
    earliest = (
        shift_years(today, max_age + 1) + timedelta(days=1) if max_age is not None else None
    )
    return earliest, latest
