"""`thidua remind`: units that have not acted on a milestone get one reminder a day."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from thidua.core.models import Notification
from thidua.movements import domain, reminders
from thidua.movements.models import Commitment, Movement, UnitReport


@pytest.fixture
def responsible(make_user, tree):
    """The people answering for each cell (roles held directly on the cell)."""
    return {
        "a1": make_user("lanhdao_cb1", "leader", tree.cell_a1, email="cb1@example.vn"),
        "a2": make_user("vanphong_cb2", "secretariat", tree.cell_a2, email="cb2@example.vn"),
    }


@pytest.fixture
def registration_due(launched):
    return launched.milestones.get(kind="registration").due_on


@pytest.fixture
def report_due(launched):
    return launched.milestones.get(requires_report=True).due_on


def run(day, *args):
    out = StringIO()
    call_command("remind", "--date", day.isoformat(), *args, stdout=out)
    return out.getvalue()


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def register(users, movement, unit):
    registration = domain.start_registration(users["secretariat"], movement, unit)
    Commitment.objects.create(registration=registration, text="Hoàn thành xuất sắc nhiệm vụ")
    domain.submit_registration(users["secretariat"], registration)
    return registration


def test_units_not_registered_are_reminded_once_a_day(users, responsible, registration_due):
    day = registration_due - timedelta(days=3)
    output = run(day)
    assert recipients() == ["cb1@example.vn", "cb2@example.vn"]
    assert "Sắp đến hạn đăng ký thi đua — 167-KH/ĐU" in mail.outbox[0].subject
    assert "còn 3 ngày" in mail.outbox[0].body
    assert "2 đơn vị chưa thực hiện, 2 người phụ trách, 2 thông báo mới" in output
    assert f"Nhắc hạn ngày {day:%d/%m/%Y}" in output
    # The ward's own secretariat, and staff of a cell, are not the ones reminded.
    assert not Notification.objects.filter(user__in=[users["secretariat"], users["staff"]]).exists()

    output = run(day)
    assert len(mail.outbox) == 2 and Notification.objects.count() == 2
    assert "0 thông báo mới" in output

    run(day + timedelta(days=1))
    assert len(mail.outbox) == 4 and Notification.objects.count() == 4


def test_a_submitted_registration_counts_as_acted_a_draft_does_not(users, responsible, launched,
                                                                   tree, registration_due):
    register(users, launched, tree.cell_a1)
    domain.start_registration(users["secretariat"], launched, tree.cell_a2)  # left as draft
    run(registration_due)
    assert recipients() == ["cb2@example.vn"]
    assert "hôm nay là hạn cuối" in mail.outbox[0].body


def test_overdue_reports_are_reminded_and_sent_ones_are_not(users, responsible, tree, report_due,
                                                            launched):
    UnitReport.objects.filter(unit=tree.cell_a1).update(submitted_at=timezone.now(), text="x")
    output = run(report_due + timedelta(days=5))
    assert recipients() == ["cb2@example.vn"]
    notification = Notification.objects.get()
    assert notification.title == "Quá hạn nộp báo cáo “Gửi báo cáo tổng kết” — 167-KH/ĐU"
    assert "đã quá hạn 5 ngày" in notification.body and "chưa nộp báo cáo" in notification.body
    assert notification.url.endswith(f"?moc={launched.milestones.get(requires_report=True).pk}")
    assert "1 đơn vị chưa thực hiện" in output


def test_the_window_of_days(responsible, registration_due, report_due):
    assert "Không có mốc nào cần nhắc" in run(registration_due - timedelta(days=10))
    assert not mail.outbox
    run(registration_due - timedelta(days=10), "--days", "15")
    assert len(mail.outbox) == 2
    assert "Không có mốc nào cần nhắc" in run(report_due + timedelta(days=31))
    run(report_due + timedelta(days=31), "--overdue-days", "40")
    assert len(mail.outbox) == 4


def test_only_launched_movements_are_reminded(responsible, launched, registration_due):
    for state in ("draft", "closed"):
        Movement.objects.filter(pk=launched.pk).update(state=state)
        assert "Không có mốc nào cần nhắc" in run(registration_due)
    assert not mail.outbox


def test_units_without_anyone_to_remind_are_counted(users, launched, registration_due):
    output = run(registration_due)
    assert "2 đơn vị chưa thực hiện, 0 người phụ trách, 0 thông báo mới" in output
    assert not mail.outbox


def test_queries_do_not_grow_with_units(responsible, launched, tree, make_unit, make_user,
                                        registration_due):
    first = registration_due - timedelta(days=2)
    with CaptureQueriesContext(connection) as few:
        results = reminders.remind(first)
    assert [r.units for r in results] == [2]
    for i in range(20):
        unit = make_unit(f"Chi bộ mới {i}", tree.ward_a, code=f"PAB-N{i}")
        make_user(f"bithu_n{i}", "leader", unit, email=f"n{i}@example.vn")
    with CaptureQueriesContext(connection) as many:
        results = reminders.remind(first + timedelta(days=1))
    assert [(r.units, r.sent) for r in results] == [(22, 22)]
    assert len(many) == len(few) <= 8


def test_a_bad_date_is_refused_in_vietnamese(db):
    with pytest.raises(CommandError, match="hãy ghi dạng YYYY-MM-DD"):
        call_command("remind", "--date", "24/11/2026")
    with pytest.raises(CommandError, match="Số ngày phải từ 0 trở lên"):
        call_command("remind", "--days", "-1")
