"""Monthly statistics of a subtree: counts, shares, children, baseline, late list."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from thidua.dossiers import queries

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
LATER = datetime(2026, 11, 1, tzinfo=HCM)


def test_month_counts(tree, may_dossiers, django_assert_num_queries):
    with django_assert_num_queries(2):
        stats = queries.month_stats(tree.ward_a, date(2026, 5, 1), now=LATER)
    t = stats.total
    assert (t.received, t.early, t.on_time, t.late) == (7, 2, 1, 2)
    assert (t.open, t.overdue) == (2, 1)  # C2 overdue; A5 due in June
    assert t.on_time_share == pytest.approx(60.0) and t.late_share == pytest.approx(40.0)
    assert (t.base_resolved, t.base_late) == (4, 1)
    assert t.late_change == pytest.approx(15.0)
    rows = {(r.unit.code if r.unit else None): r.counts for r in stats.rows}
    assert rows["PAB-CB1"].late == 1 and rows["PAB-CB2"].overdue == 1
    assert rows[None].received == 5  # received at the ward itself: A1–A3, A5, A6


def test_open_at_the_end_of_an_earlier_month(tree, may_dossiers):
    april = queries.month_stats(tree.ward_a, date(2026, 4, 1), now=LATER).total
    assert (april.received, april.open, april.overdue) == (1, 1, 1)  # A4, due 28/04


def test_current_month_counts_until_now(tree, may_dossiers):
    now = datetime(2026, 5, 12, 10, tzinfo=HCM)
    t = queries.month_stats(tree.ward_a, date(2026, 5, 1), now=now).total
    # open at now: C1 (due 12/05, the day not over), C2 (due 15/05), A5 not yet received
    assert (t.open, t.overdue) == (2, 0)


def test_explicit_baseline_range(tree, may_dossiers):
    baseline = queries.Baseline(date(2025, 1, 1), date(2025, 12, 1))
    t = queries.month_stats(tree.ward_a, date(2026, 5, 1), baseline, now=LATER).total
    assert t.base_late_share == pytest.approx(25.0)


def test_late_list(tree, may_dossiers):
    late = list(queries.late_dossiers(tree.ward_a, date(2026, 5, 1), now=LATER))
    assert [d.code for d in late] == ["A4", "C1", "C2"]
    assert late[0].official.full_name == "Đặng Đức Dũng"


def test_month_boundaries_are_local_days(tree):
    """31/05 23:30 in Hà Nội is 16:30 UTC, 01/06 00:30 is still 31/05 in UTC: each counts in
    its local month."""
    from tests.dossiers.conftest import make

    make(tree.ward_a, "END", datetime(2026, 5, 31, 23, 30), datetime(2026, 6, 2),
         datetime(2026, 6, 1, 0, 30))
    make(tree.ward_a, "NEW", datetime(2026, 6, 1, 0, 30), datetime(2026, 6, 2),
         datetime(2026, 6, 1, 0, 45))
    may = queries.month_stats(tree.ward_a, date(2026, 5, 1), now=LATER).total
    june = queries.month_stats(tree.ward_a, date(2026, 6, 1), now=LATER).total
    assert (may.received, may.resolved, may.open) == (1, 0, 1)
    assert (june.received, june.early, june.open) == (1, 2, 0)
