"""Demo ratings: the Bắc Kạn ward's one-stop centre (BK-HCC), its desks and officials.

Two desks of "Trung tâm Phục vụ hành chính công phường" (the 3-level scale
most rating devices use, and a 5-level one for land and construction), the
centre's civil servants assigned to them (read in staff-code order), and
about three hundred ratings over the last four months up to today — mostly
satisfied, some with reasons and comments, a share with a dossier code
(unique per unit, as the public page requires). The ward's leader
(``bithu``) sees them on the results pages and on the officials' KPI sheets.

Dates come from today (``timezone.localdate()``); nothing is dated after
now. Deterministic (a fixed seed) and idempotent (a desk of the centre
present → nothing is done).
"""

from __future__ import annotations

import hashlib
import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from thidua.feedback.models import SCALES, DeskOfficial, Rating, ServiceDesk
from thidua.org import demo as org_demo
from thidua.org.choices import PersonStatus
from thidua.org.models import Person, Unit

CENTRE = "BK-HCC"
SEED = 61
MONTHS = 4
RATINGS = 320
#: (desk name, scale, how many of the centre's officials work there)
DESKS = [("Quầy hộ tịch, chứng thực", "3", 4), ("Quầy đất đai, xây dựng", "5", 3)]
#: Each official's usual share of satisfied citizens (some better than others).
SATISFACTION = [0.95, 0.9, 0.82, 0.7, 0.93, 0.85, 0.75]
COMMENTS_GOOD = [
    "Cán bộ hướng dẫn tận tình, chu đáo.",
    "Giải quyết nhanh, đúng hẹn. Cảm ơn cán bộ!",
    "Thái độ niềm nở, dễ hiểu.",
]
COMMENTS_BAD = [
    "Phải đi lại hai lần vì thiếu giấy tờ mà không được báo trước.",
    "Chờ gần một tiếng mới đến lượt.",
    "Hướng dẫn khai tờ khai chưa rõ, nên có mẫu điền sẵn.",
    "Cán bộ trả lời hơi cộc.",
]


def is_loaded() -> bool:
    return ServiceDesk.objects.filter(unit__code=CENTRE).exists()


def _months(today: date) -> list[date]:
    months = [today.replace(day=1)]
    while len(months) < MONTHS:
        months.insert(0, (months[0] - timedelta(days=1)).replace(day=1))
    return months


def _moment(rng: random.Random, month: date, today: date) -> datetime:
    last_day = (today.day if month.month == today.month and month.year == today.year
                else ((month.replace(day=28) + timedelta(days=4)).replace(day=1)
                      - timedelta(days=1)).day)
    day = month.replace(day=rng.randint(1, last_day))
    while day.weekday() >= 5 and day.day > 1:  # the centre works on weekdays
        day -= timedelta(days=1)
    moment = datetime.combine(day, time(rng.choice([7, 8, 9, 10, 13, 14, 15, 16]),
                                        rng.randint(0, 59)))
    return min(timezone.make_aware(moment), timezone.now() - timedelta(minutes=1))


def load(stdout=None, today: date | None = None) -> bool:
    """Create the centre's desks, officials and ratings; False when already there."""
    if is_loaded():
        return False
    org_demo.load(stdout)
    centre = Unit.objects.filter(code=CENTRE).first()
    if centre is None:
        return False
    today = today or timezone.localdate()
    staff = list(Person.objects.filter(unit=centre, status=PersonStatus.ACTIVE,
                                       staff_category="cong_chuc")
                 .exclude(position__startswith="Giám đốc").order_by("staff_code"))
    rng = random.Random(SEED)
    with transaction.atomic():
        officials: list[tuple[ServiceDesk, DeskOfficial, float]] = []
        desks = []
        start = 0
        for name, scale, count in DESKS:
            desk = ServiceDesk.objects.create(unit=centre, name=name, scale=scale)
            desks.append(desk)
            for person in staff[start:start + count]:
                official = DeskOfficial.objects.create(desk=desk, person=person)
                officials.append((desk, official, SATISFACTION[len(officials) % len(SATISFACTION)]))
            start += count
        if not officials:
            return False
        months = _months(today)
        rows, moments = [], []
        for index in range(RATINGS):
            desk, official, share = officials[rng.randrange(len(officials))]
            if rng.random() < 0.12:
                official = None  # the desk's own code, not an official's
            levels = SCALES[desk.scale]
            satisfied = rng.random() < share
            choices = [level for level in levels if level.satisfied == satisfied]
            level = choices[0] if len(choices) == 1 or rng.random() < 0.6 else rng.choice(choices)
            reasons = []
            if not satisfied and rng.random() < 0.85:
                reasons = rng.sample(desk.reason_list()[:4], rng.choice([1, 1, 2]))
            comment = ""
            if rng.random() < (0.35 if not satisfied else 0.08):
                comment = rng.choice(COMMENTS_BAD if not satisfied else COMMENTS_GOOD)
            month = months[min(len(months) - 1, int(rng.random() * len(months)))]
            code = (f"H20.{centre.code[-3:]}-{month:%y%m}-{index + 1:04d}"
                    if rng.random() < 0.4 else None)
            key = hashlib.sha256(f"demo|{index % 97}".encode()).hexdigest()
            rows.append(Rating(desk=desk, official=official, unit=centre, level=level.code,
                               satisfied=level.satisfied, reasons=reasons, comment=comment,
                               dossier_code=code, client_key=key))
            moments.append(_moment(rng, month, today))
        created = Rating.objects.bulk_create(rows)
        for rating, moment in zip(created, moments, strict=True):  # historic data entry
            Rating.objects.filter(pk=rating.pk).update(created_at=moment)
    if stdout is not None:
        stdout.write(f"Đã tạo {len(desks)} quầy tiếp nhận, {len(officials)} cán bộ tại quầy "
                     f"và {len(rows)} lượt đánh giá của người dân.")
    return True
