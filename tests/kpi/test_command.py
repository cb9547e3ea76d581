"""``thidua kpi close|reopen|year``: through kpi.domain, with the acting user's role."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.kpi.test_domain import finalise_all
from thidua.core.models import TransitionLog
from thidua.kpi import domain
from thidua.kpi.models import UnitMonth, YearResult
from thidua.kpi.policy import Grade

pytestmark = pytest.mark.django_db

PASSING = {"chinh_tri": "1"}  # 71 points: HTT, no question of the HTXS cap


def kpi(*args):
    out, err = StringIO(), StringIO()
    call_command("kpi", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def ready(staff, users, month, fill):
    """Ward A's month ready to close: two sheets finalised, the chief reported missing."""
    finalise_all([staff.staff, staff.clerk], month, users, fill, general=PASSING)
    domain.report_missing(staff.chief, month, users["leader"], "nghi_phep")


def test_close_then_reopen(staff, users, month, fill, tree):
    ready(staff, users, month, fill)
    out, _err = kpi("close", "--month", f"{month:%Y-%m}", "--unit", "PAB", "--user", "lanhdao_a")
    assert f"Đã khóa sổ tháng {month:%m/%Y}: 1 đơn vị" in out
    row = UnitMonth.objects.get(unit=tree.ward_a, month=month)
    assert row.state == "closed" and row.closed_by == users["leader"]
    assert TransitionLog.objects.filter(object_id=row.pk, transition="close",
                                        actor=users["leader"]).exists()
    out, _err = kpi("reopen", "--month", f"{month:%Y-%m}", "--unit", "PAB", "--user",
                    "lanhdao_a", "--reason", "Bổ sung nhiệm vụ")
    assert f"Đã mở lại tháng {month:%m/%Y} của Đảng bộ phường An Bình" in out
    row.refresh_from_db()
    assert row.state == "open"
    log = TransitionLog.objects.get(object_id=row.pk, transition="reopen")
    assert log.actor == users["leader"] and log.reason == "Bổ sung nhiệm vụ"


def test_close_of_an_unready_unit_fails_with_the_reasons(staff, users, month, fill, tree):
    finalise_all([staff.staff], month, users, fill, general=PASSING)
    with pytest.raises(CommandError, match="Chưa khóa sổ đơn vị nào"):
        out, err = StringIO(), StringIO()
        call_command("kpi", "close", "--month", f"{month:%Y-%m}", "--unit", "PAB",
                     "--user", "lanhdao_a", stdout=out, stderr=err)
    assert "2 cán bộ chưa có phiếu được chốt" in err.getvalue()
    assert "Vũ Minh Khoa" in err.getvalue()
    assert not UnitMonth.objects.filter(state="closed").exists()


def test_subtree_close_skips_unready_units_and_says_why(staff, users, month, fill, tree,
                                                        make_person, make_user):
    ready(staff, users, month, fill)
    make_person("Lê Thị Mai", tree.cell_a1)  # a cell with someone not graded yet
    province_leader = make_user("lanhdao_tinh", "leader", tree.province)
    args = ["close", "--month", f"{month:%Y-%m}", "--unit", "PAB", "--subtree",
            "--user", province_leader.username]
    with pytest.raises(CommandError, match="--skip-unready"):
        kpi(*args)
    assert not UnitMonth.objects.filter(state="closed").exists()
    out, _err = kpi(*args, "--skip-unready")
    assert f"Đã khóa sổ tháng {month:%m/%Y}: 1 đơn vị" in out
    assert "Chưa khóa sổ: 1 đơn vị" in out
    assert "Chi bộ Tổ dân phố 1 (PAB-CB1): 1 cán bộ chưa có phiếu" in out
    closed = UnitMonth.objects.filter(state="closed").values_list("unit__code", flat=True)
    assert list(closed) == ["PAB"]  # cell 2 has nobody: not a unit to close
    # again: the ward is already closed and is not tried a second time
    out, _err = kpi(*args, "--skip-unready")
    assert "Đã khóa sổ từ trước: 1 đơn vị." in out and ": 0 đơn vị" in out


def test_user_without_the_role_is_refused(staff, users, month, fill, tree):
    ready(staff, users, month, fill)
    for username in ("vanphong_a", "vanphong_b"):
        with pytest.raises(CommandError, match="không có quyền khóa sổ"):
            kpi("close", "--month", f"{month:%Y-%m}", "--unit", "PAB", "--user", username)
    domain.close_month(tree.ward_a, month, users["leader"])
    with pytest.raises(CommandError, match="không có quyền"):
        kpi("reopen", "--month", f"{month:%Y-%m}", "--unit", "PAB", "--user", "vanphong_a",
            "--reason", "Thử")
    assert UnitMonth.objects.get(unit=tree.ward_a, month=month).state == "closed"


def test_reopen_of_an_open_month_is_refused(tree, users, month):
    with pytest.raises(CommandError, match="chưa khóa sổ"):
        kpi("reopen", "--month", f"{month:%Y-%m}", "--unit", "PAB", "--user", "lanhdao_a",
            "--reason", "Thử")


def test_bad_arguments_are_told_in_vietnamese(tree, users):
    with pytest.raises(CommandError, match="không hợp lệ"):
        kpi("close", "--month", "05/2026", "--unit", "PAB", "--user", "lanhdao_a")
    with pytest.raises(CommandError, match="Không tìm thấy đơn vị mã “KHONGCO”"):
        kpi("close", "--month", "2026-05", "--unit", "KHONGCO", "--user", "lanhdao_a")
    with pytest.raises(CommandError, match="Không tìm thấy tài khoản “ai_do”"):
        kpi("close", "--month", "2026-05", "--unit", "PAB", "--user", "ai_do")
    with pytest.raises(CommandError):  # --user is required
        kpi("close", "--month", "2026-05", "--unit", "PAB")


def test_year_stores_the_results_of_the_subtree(staff, users, tree, fill, people):
    year = date.today().year - 1
    for number in (1, 2):
        finalise_all([staff.staff, staff.clerk], date(year, number, 1), users, fill)
    out, _err = kpi("year", "--year", str(year), "--unit", "PAB", "--user", "lanhdao_a")
    assert f"Đã lưu kết quả năm {year} của 2 cán bộ trong cây Đảng bộ phường An Bình" in out
    assert "giây" in out
    assert set(YearResult.objects.values_list("person_id", "grade")) == {
        (staff.staff.pk, Grade.HTXS), (staff.clerk.pk, Grade.HTXS)}


def test_year_needs_a_leader_or_admin_of_the_unit(staff, users, tree):
    year = date.today().year - 1
    for username in ("vanphong_a", "vanphong_b", "giamsat_a"):
        with pytest.raises(CommandError, match="không có quyền"):
            kpi("year", "--year", str(year), "--unit", "PAB", "--user", username)
    with pytest.raises(CommandError, match="không hợp lệ"):
        kpi("year", "--year", str(date.today().year + 1), "--unit", "PAB", "--user",
            "lanhdao_a")
    assert not YearResult.objects.exists()
