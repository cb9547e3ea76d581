from datetime import date, timedelta

import pytest

from thidua.core.periods import Period, PeriodKind, age_on, birth_range_for_age


def test_month_quarter_year_bounds():
    assert Period.month(2026, 2) == Period(date(2026, 2, 1), date(2026, 2, 28), PeriodKind.MONTH)
    assert Period.month(2028, 2).end == date(2028, 2, 29)
    assert Period.quarter(2026, 4).start == date(2026, 10, 1)
    assert Period.quarter(2026, 4).end == date(2026, 12, 31)
    assert Period.year(2026).days == 365


@pytest.mark.parametrize("text,label", [
    ("2026-05", "Tháng 5/2026"),
    ("05/2026", "Tháng 5/2026"),
    ("2026-Q2", "Quý II/2026"),
    ("q4/2025", "Quý IV/2025"),
    ("2026", "Năm 2026"),
    ("19/06/2026-31/12/2026", "Từ 19/06/2026 đến 31/12/2026"),
])
def test_parse_and_label(text, label):
    period = Period.parse(text)
    assert period.label == label
    assert Period.parse(period.key) == period


@pytest.mark.parametrize("bad", ["2026-13", "Q5/2026", "abc", "31/12/2026-01/01/2026"])
def test_parse_refuses_nonsense_with_vietnamese_message(bad):
    with pytest.raises(ValueError) as err:
        Period.parse(bad)
    assert any(word in str(err.value) for word in ("Tháng", "Quý", "Không hiểu", "Ngày"))


def test_navigation_and_membership():
    may = Period.month(2026, 5)
    assert may.next() == Period.month(2026, 6)
    assert Period.month(2026, 1).previous() == Period.month(2025, 12)
    assert Period.quarter(2026, 1).previous() == Period.quarter(2025, 4)
    assert Period.year(2026).next() == Period.year(2027)
    assert date(2026, 5, 31) in may and date(2026, 6, 1) not in may
    plan = Period.custom(date(2026, 6, 19), date(2026, 12, 31))
    assert [m.key for m in plan.months()][:2] == ["2026-06", "2026-07"]
    assert len(list(plan.months())) == 7
    assert [q.label for q in plan.quarters()] == ["Quý II/2026", "Quý III/2026", "Quý IV/2026"]
    assert plan.overlaps(Period.month(2026, 6)) and not plan.overlaps(Period.month(2026, 5))
    assert Period.containing(date(2026, 8, 15), "quarter") == Period.quarter(2026, 3)


def test_age_helpers():
    today = date(2026, 11, 22)
    assert age_on(date(1996, 11, 22), today) == 30
    assert age_on(date(1996, 11, 23), today) == 29
    earliest, latest = birth_range_for_age(30, 39, today)
    one_day = timedelta(days=1)
    assert age_on(earliest, today) == 39 and age_on(earliest - one_day, today) == 40
    assert age_on(latest, today) == 30 and age_on(latest + one_day, today) == 29
    assert birth_range_for_age(None, 29, today)[1] is None
