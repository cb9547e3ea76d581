"""Demo procedure dossiers: the Bắc Kạn ward's one-stop centre, January 2025 to today.

About a dozen dossiers a month (civil status, land, business, social support,
construction, attestation…) received at the ward's public administration
centre (BK-HCC) or the people's committee (BK-UBND), handled by the centre's
civil servants. Late returns fall from about one in ten in 2025 to about one
in twenty-five in 2026, so the late share against the 2025 baseline shows a
fall; the last weeks leave some dossiers open, two of them overdue.

Deterministic (a fixed seed; officials in staff-code order; dates counted from
1 January 2025 and cut at today) and idempotent: dossiers of BK-HCC present →
nothing is done. Written through the import's own upsert (``domain.write``).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from thidua.dossiers import domain
from thidua.dossiers.models import DossierStatus, ProcedureDossier, Source
from thidua.org import demo as org_demo
from thidua.org.models import Person, Unit

CENTRE = "BK-HCC"
FIRST_MONTH = date(2025, 1, 1)
PER_MONTH = 12

# (procedure, field, working days to the due date)
PROCEDURES = [
    ("Đăng ký khai sinh", "Hộ tịch", 1),
    ("Đăng ký kết hôn", "Hộ tịch", 1),
    ("Đăng ký khai tử", "Hộ tịch", 1),
    ("Cấp bản sao trích lục hộ tịch", "Hộ tịch", 1),
    ("Chứng thực bản sao từ bản chính", "Chứng thực", 1),
    ("Chứng thực hợp đồng chuyển nhượng quyền sử dụng đất", "Chứng thực", 3),
    ("Đăng ký biến động quyền sử dụng đất", "Đất đai", 10),
    ("Xác nhận hộ gia đình làm nông nghiệp", "Nông nghiệp", 5),
    ("Đăng ký thành lập hộ kinh doanh", "Thành lập và hoạt động hộ kinh doanh", 3),
    ("Trợ cấp xã hội hằng tháng đối với người cao tuổi", "Bảo trợ xã hội", 7),
    ("Cấp giấy phép xây dựng nhà ở riêng lẻ", "Xây dựng", 15),
    ("Xác nhận thông tin hộ tịch", "Hộ tịch", 3),
]


def _working_days_after(day: date, count: int) -> date:
    while count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _months(today: date):
    month = FIRST_MONTH
    while month <= today:
        yield month
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def _dossier(rng, number, month, today, officials):
    procedure, field, days = rng.choice(PROCEDURES)
    received_day = month + timedelta(days=rng.randint(0, 27))
    while received_day.weekday() >= 5:
        received_day += timedelta(days=1)
    if received_day > today:
        return None
    received = _at(received_day, rng.randint(7, 10), rng.choice((0, 15, 30, 45)))
    due_day = _working_days_after(received_day, days)
    due = _at(due_day, 17)
    late_rate = 0.10 if month.year == 2025 else 0.04
    roll = rng.random()
    if roll < late_rate:
        resolved_day = due_day + timedelta(days=rng.randint(1, 6))
    elif roll < 0.45:
        resolved_day = due_day
    else:
        resolved_day = max(received_day, due_day - timedelta(days=rng.randint(1, max(1, days))))
    official = officials[number % len(officials)]
    status = DossierStatus.RESOLVED
    resolved = _at(resolved_day, rng.randint(13, 16))
    if resolved < received:
        resolved = received + timedelta(hours=2)
    if resolved.date() >= today or rng.random() < 0.01:
        status, resolved = DossierStatus.PROCESSING, None
    elif rng.random() < 0.015:
        status = DossierStatus.RETURNED
    unit_code = CENTRE if rng.random() < 0.85 else "BK-UBND"
    code = f"000.00.18.H10-{received_day:%y%m%d}-{number:04d}"
    return (number, unit_code, code, procedure, field, received, due, resolved,
            official.staff_code, status)


def load(stdout=None, today: date | None = None) -> bool:
    """Write the demo dossiers; False when they are there already."""
    org_demo.load(stdout)
    units = Unit.objects.in_bulk([org_demo.WARD_CODE, CENTRE, "BK-UBND"], field_name="code")
    if ProcedureDossier.objects.filter(unit=units[CENTRE]).exists():
        return False
    today = today or timezone.localdate()
    rng = random.Random(61)
    officials = list(Person.objects.filter(unit=units[CENTRE]).order_by("staff_code"))
    drafts, number = [], 0
    for month in _months(today):
        for _ in range(PER_MONTH):
            number += 1
            draft = _dossier(rng, number, month, today, officials)
            if draft:
                drafts.append(draft)
    # Two dossiers received three weeks ago and still open: overdue.
    for extra in (1, 2):
        number += 1
        received_day = today - timedelta(days=21 + extra)
        drafts.append((number, CENTRE, f"000.00.18.H10-{received_day:%y%m%d}-{number:04d}",
                       "Cấp giấy phép xây dựng nhà ở riêng lẻ", "Xây dựng",
                       _at(received_day, 8), _at(received_day + timedelta(days=15), 17), None,
                       officials[extra].staff_code, DossierStatus.PROCESSING))
    checked = domain.Checked(drafts, {"": units[org_demo.WARD_CODE], CENTRE: units[CENTRE],
                                      "BK-UBND": units["BK-UBND"]},
                             {p.staff_code: p.pk for p in officials}, units[org_demo.WARD_CODE])
    created, _updated = domain.write(checked, source=Source.IMPORT)
    if stdout:
        stdout.write(f"Hồ sơ thủ tục hành chính mẫu: {created} hồ sơ.")
    return True
