"""The timing rule (Nghị định 61/2018/NĐ-CP, sửa đổi 107/2021/NĐ-CP): by calendar day."""

from datetime import datetime
from zoneinfo import ZoneInfo

from thidua.dossiers.models import DossierStatus, Timing
from thidua.dossiers.rules import classify, is_overdue

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DUE = datetime(2026, 5, 7, 17, 0, tzinfo=HCM)


def at(day, hour=10):
    return datetime(2026, 5, day, hour, 0, tzinfo=HCM)


def test_early_on_time_late_by_local_day():
    resolved = DossierStatus.RESOLVED
    assert classify(DUE, at(6, 23), resolved) == Timing.EARLY
    assert classify(DUE, at(7, 8), resolved) == Timing.ON_TIME
    assert classify(DUE, at(7, 23), resolved) == Timing.ON_TIME  # same day, after the hour
    assert classify(DUE, at(8, 0), resolved) == Timing.LATE
    # 23:30 UTC on 6 May is 06:30 on 7 May in Hà Nội: on time, not early.
    assert classify(DUE, datetime(2026, 5, 6, 23, 30, tzinfo=ZoneInfo("UTC")),
                    resolved) == Timing.ON_TIME


def test_unresolved_and_refused_are_not_classified():
    assert classify(DUE, None, DossierStatus.PROCESSING) == ""
    assert classify(DUE, at(6), DossierStatus.RETURNED) == ""
    assert classify(DUE, at(6), DossierStatus.WITHDRAWN) == ""


def test_overdue_once_the_due_day_ended():
    assert not is_overdue(DUE, at(7, 23))
    assert is_overdue(DUE, at(8, 0))
