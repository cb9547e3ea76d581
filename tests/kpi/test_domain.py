"""The monthly sheet's cycle, the close of a unit's month and the year, through kpi.domain."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from tests.kpi.conftest import FULL_MARKS, GOOD_TASK
from thidua.core.workflow import TransitionError, TransitionForbidden
from thidua.kpi import domain
from thidua.kpi.models import Adjustment, MonthSheet, ScoringPolicy, UnitMonth, YearResult
from thidua.kpi.policy import Grade
from thidua.org.models import DisciplineRecord

pytestmark = pytest.mark.django_db


def test_owner_fills_and_the_score_follows(staff, users, month, fill):
    sheet = domain.sheet_for(staff.staff, month, users["staff"])
    assert sheet.state == "draft" and sheet.unit == staff.staff.unit
    fill(sheet, users["staff"])
    assert sheet.score == Decimal("100.00") and sheet.grade == Grade.HTXS
    domain.save_task(sheet, users["staff"], {**GOOD_TASK, "name": "Báo cáo", "assigned": 4,
                                             "done": 2, "meeting": 2, "on_time": 2})
    sheet.refresh_from_db()
    # tasks 100% and 50% → 75% of 70 = 52.5, +30
    assert sheet.score == Decimal("82.50") and sheet.grade == Grade.HTT


def test_impossible_figures_name_the_field(staff, users, month):
    sheet = domain.sheet_for(staff.staff, month, users["staff"])
    with pytest.raises(ValidationError) as error:
        domain.save_task(sheet, users["staff"], {**GOOD_TASK, "done": 11})
    assert "done" in error.value.message_dict
    assert "không thể lớn hơn số lượng giao" in error.value.message_dict["done"][0]
    with pytest.raises(ValidationError) as error:
        domain.save_task(sheet, users["staff"], {**GOOD_TASK, "major_errors": -1})
    assert "major_errors" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        domain.assess_general(sheet, users["staff"], {**FULL_MARKS, "dao_duc": "7"})
    assert "từ 0 đến 6" in error.value.message_dict["dao_duc"][0]
    assert not sheet.tasks.exists()


def test_someone_else_cannot_open_or_write_a_sheet(staff, users, month, make_user, tree):
    with pytest.raises(PermissionDenied):
        domain.sheet_for(staff.staff, month, users["other"])
    sheet = domain.sheet_for(staff.staff, month, users["staff"])
    with pytest.raises(PermissionDenied):
        domain.save_task(sheet, users["other"], GOOD_TASK)
    with pytest.raises(PermissionDenied):
        domain.save_task(sheet, users["secretariat"], GOOD_TASK)  # reads, does not grade


def test_submit_return_resubmit_finalise(submitted, users, staff):
    with pytest.raises(PermissionDenied):  # waiting for the leader
        domain.save_task(submitted, users["staff"], GOOD_TASK)
    with pytest.raises(TransitionError):
        domain.transition(submitted, "return", users["leader"])  # no reason
    domain.transition(submitted, "return", users["leader"], "Bổ sung minh chứng")
    assert submitted.state == "returned"
    domain.save_task(submitted, users["staff"], {**GOOD_TASK, "name": "Minh chứng"})
    domain.transition(submitted, "submit", users["staff"])
    domain.transition(submitted, "finalise", users["leader"])
    submitted.refresh_from_db()
    assert submitted.state == "finalised" and submitted.finalised_by == users["leader"]
    with pytest.raises(PermissionDenied):
        domain.save_task(submitted, users["leader"], GOOD_TASK)
    titles = list(users["staff"].notifications.values_list("title", flat=True))
    assert any("bị trả lại" in t for t in titles) and any("đã được chốt" in t for t in titles)


def test_nobody_finalises_his_own_sheet(staff, users, month, fill):
    sheet = domain.sheet_for(staff.chief, month, users["leader"])
    fill(sheet, users["leader"])
    domain.transition(sheet, "submit", users["leader"])
    with pytest.raises(TransitionError, match="chính mình"):
        domain.transition(sheet, "finalise", users["leader"])


def test_staff_cannot_finalise(submitted, users):
    with pytest.raises(TransitionForbidden):
        domain.transition(submitted, "finalise", users["staff"])


def test_leader_changes_need_a_reason_and_are_kept(submitted, users):
    task = submitted.tasks.get()
    with pytest.raises(ValidationError):
        domain.save_task(submitted, users["leader"], {"done": 8, "meeting": 8, "on_time": 8},
                         task=task)
    domain.save_task(submitted, users["leader"], {"done": 8, "meeting": 8, "on_time": 8},
                     task=task, reason="Đối chiếu sổ theo dõi")
    domain.assess_general(submitted, users["leader"], {"phuc_vu": "4"},
                          reason="Có phản ánh của người dân")
    submitted.refresh_from_db()
    labels = list(Adjustment.objects.filter(sheet=submitted).values_list("field_label", flat=True))
    assert any("số lượng hoàn thành" in label for label in labels)
    assert "Tác phong, thái độ phục vụ nhân dân" in labels
    assert submitted.self_general["phuc_vu"] == "6" and submitted.review_general["phuc_vu"] == "4"
    # tasks 80% of 70 = 56, general 28
    assert submitted.score == Decimal("84.00")


def test_discipline_in_the_year_forces_kht(submitted, users, staff, month):
    DisciplineRecord.objects.create(person=staff.staff, form="khien_trach",
                                    decision_date=month, effective_from=month)
    DisciplineRecord.objects.create(person=staff.clerk, form="canh_cao", under_review=True,
                                    effective_from=month)
    domain.recompute(submitted)
    submitted.refresh_from_db()
    assert submitted.score == Decimal("100.00")
    assert submitted.grade == Grade.KHT and "Khiển trách" in submitted.grade_note
    clerk = domain.sheet_for(staff.clerk, month, users["leader"])
    domain.save_task(clerk, users["leader"], GOOD_TASK)
    clerk.refresh_from_db()
    assert clerk.grade != Grade.KHT  # under review is not a decision


def test_a_leaders_sheet_waits_for_his_staff(staff, users, month, fill, make_user, tree):
    boss = make_user("truong_phuong", "leader", tree.province)
    chief = domain.sheet_for(staff.chief, month, users["leader"])
    fill(chief, users["leader"])
    domain.transition(chief, "submit", users["leader"])
    with pytest.raises(TransitionError, match="chưa được chốt"):
        domain.transition(chief, "finalise", boss)
    for person in (staff.staff, staff.clerk):
        sheet = domain.sheet_for(person, month, users["leader"])
        fill(sheet, users["leader"], general={"chinh_tri": "1"} if person == staff.clerk else None)
        domain.transition(sheet, "submit", users["leader"])
        domain.transition(sheet, "finalise", users["leader"])
    domain.transition(chief, "finalise", boss)
    chief.refresh_from_db()
    clerk = MonthSheet.objects.get(person=staff.clerk)
    assert clerk.grade == Grade.HTT  # 71 points
    assert chief.score == Decimal("100.00")
    with pytest.raises(TransitionError, match="lãnh đạo"):
        domain.transition(clerk, "reopen", users["leader"], "Sai số liệu")


def finalise_all(people, month, users, fill, general=None):
    sheets = []
    for person in people:
        sheet = domain.sheet_for(person, month, users["leader"])
        fill(sheet, users["leader"], general=general)
        domain.transition(sheet, "submit", users["leader"])
        if not person.is_leader:
            domain.transition(sheet, "finalise", users["leader"])
        sheets.append(sheet)
    return sheets


def test_close_lists_what_is_missing_then_locks(staff, users, month, fill, tree, make_user):
    with pytest.raises(ValidationError) as error:
        domain.close_month(tree.ward_a, month, users["leader"])
    assert "3 cán bộ chưa có phiếu" in str(error.value)
    finalise_all([staff.staff, staff.clerk], month, users, fill,
                  general={"chinh_tri": "1"})  # 71 points: HTT, no cap question
    domain.report_missing(staff.chief, month, users["leader"], "nghi_phep", "Nghỉ ốm")
    closed = domain.close_month(tree.ward_a, month, users["leader"])
    assert closed.state == "closed" and closed.policy["htxs_min"] == "90"
    logged = closed.workflow.history(closed).get()
    assert (logged.transition, logged.actor) == ("close", users["leader"])
    sheet = MonthSheet.objects.get(person=staff.staff)
    for attempt in (lambda: domain.save_task(sheet, users["leader"], GOOD_TASK, reason="x"),
                    lambda: domain.assess_general(sheet, users["staff"], FULL_MARKS)):
        with pytest.raises(PermissionDenied, match="khóa sổ"):
            attempt()
    with pytest.raises(TransitionError, match="khóa sổ"):
        domain.transition(sheet, "reopen", users["leader"], "Sai")
    with pytest.raises(TransitionError):
        domain.reopen_month(tree.ward_a, month, users["leader"], "")
    domain.reopen_month(tree.ward_a, month, users["leader"], "Bổ sung nhiệm vụ")
    domain.transition(sheet, "reopen", users["leader"], "Bổ sung nhiệm vụ")
    domain.transition(sheet, "finalise", users["leader"])
    again = domain.close_month(tree.ward_a, month, users["leader"])  # an existing row, closed again
    assert [log.transition for log in again.workflow.history(again).order_by("pk")] == [
        "close", "reopen", "close"]


def test_htxs_over_the_cap_is_flagged_never_downgraded(staff, users, month, fill, tree,
                                                       make_person):
    extra = [make_person(f"Cán bộ {i}", tree.ward_a) for i in range(3)]
    sheets = finalise_all([staff.staff, staff.clerk, *extra], month, users, fill)
    domain.report_missing(staff.chief, month, users["leader"], "nghi_phep")
    # 5 civil servants, all HTXS: a fifth of 5 → 1 may stay HTXS
    with pytest.raises(ValidationError, match="vượt tỷ lệ tối đa"):
        domain.close_month(tree.ward_a, month, users["leader"])
    assert MonthSheet.objects.filter(grade=Grade.HTXS).count() == 5
    for sheet in sheets[1:4]:
        domain.lower_for_cap(sheet, users["leader"], "Ít sáng kiến hơn")
    with pytest.raises(ValidationError, match="hạ 1 người"):
        domain.close_month(tree.ward_a, month, users["leader"])
    domain.lower_for_cap(sheets[4], users["leader"], "Ít sáng kiến hơn")
    domain.close_month(tree.ward_a, month, users["leader"])
    lowered = MonthSheet.objects.get(pk=sheets[1].pk)
    assert lowered.grade == Grade.HTT and lowered.computed_grade == Grade.HTXS
    assert lowered.score == Decimal("100.00")


def test_close_of_another_unit_is_refused(tree, users, month):
    with pytest.raises(PermissionDenied):
        domain.close_month(tree.ward_b, month, users["leader"])


def test_policy_edit_regrades_open_months_only(staff, users, month, fill, tree, make_user):
    province_admin = make_user("quantri_tinh", "admin", tree.province)
    finalise_all([staff.staff, staff.clerk], month, users, fill, general={"chinh_tri": "1"})
    domain.report_missing(staff.chief, month, users["leader"], "nghi_phep")
    domain.close_month(tree.ward_a, month, users["leader"])
    open_month = date(month.year + 1, 1, 1)  # never closed here
    row = ScoringPolicy.objects.create(unit=tree.province, name="Tỉnh thử nghiệm",
                                       rules=domain.DEFAULT_POLICY.to_json())
    rules = {**row.rules, "htt_min": "75"}
    with pytest.raises(PermissionDenied):
        domain.save_policy(row, users["leader"], rules, "Tỉnh thử nghiệm")
    with pytest.raises(ValidationError):
        domain.save_policy(row, province_admin, {**rules, "ht_min": "80"}, "Tỉnh thử nghiệm")
    domain.save_policy(row, province_admin, rules, "Tỉnh thử nghiệm")
    kept = MonthSheet.objects.get(person=staff.staff, month=month)
    assert kept.grade == Grade.HTT  # 71 in a closed month keeps the old bands
    assert domain.month_policies([tree.ward_a], month)[tree.ward_a.pk].htt_min == 70
    assert domain.month_policies([tree.ward_a], open_month)[tree.ward_a.pk].htt_min == 75
    domain.reopen_month(tree.ward_a, month, users["leader"], "Áp dụng quy định mới")
    domain.regrade(MonthSheet.objects.filter(unit=tree.ward_a))
    assert MonthSheet.objects.get(person=staff.staff, month=month).grade == Grade.HT


def test_year_from_the_months(staff, users, tree, fill):
    year = date.today().year - 1
    for number, general in ((1, None), (2, {"chinh_tri": "1"})):
        month = date(year, number, 1)
        finalise_all([staff.staff], month, users, fill, general=general)
    results = domain.period_results([(staff.staff.pk, tree.ward_a.pk)], domain.months_of(year))
    result = results[staff.staff.pk]
    assert result.score == Decimal("85.50") and result.grade == Grade.HTT
    assert len(result.months) == 2
    stored = domain.store_year(tree.ward_a.subtree(), year, users["leader"])
    assert stored == 1
    assert YearResult.objects.get(person=staff.staff, year=year).grade == Grade.HTT


@pytest.mark.django_db(transaction=True)
def test_two_leaders_finalising_at_once_one_wins(staff, users, month, fill, make_user, tree):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    second = make_user("lanhdao_2", "leader", tree.ward_a)
    sheet = domain.sheet_for(staff.staff, month, users["staff"])
    fill(sheet, users["staff"])
    domain.transition(sheet, "submit", users["staff"])
    outcomes, barrier = [], threading.Barrier(2)

    def act(user):
        mine = MonthSheet.objects.select_related("person", "unit").get(pk=sheet.pk)
        barrier.wait()
        try:
            domain.transition(mine, "finalise", user)
            outcomes.append("won")
        except TransitionError as error:
            outcomes.append(str(error.message))
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(u,)) for u in (users["leader"], second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[-1] == "won" and outcomes.count("won") == 1
    assert any("người khác" in o for o in outcomes)
    assert UnitMonth.objects.count() == 0


def test_submitting_tells_the_units_leaders(submitted, users):
    titles = list(users["leader"].notifications.values_list("title", flat=True))
    assert titles == [f"Phạm Thu Hà gửi phiếu đánh giá {submitted.month_label.lower()}"]
    assert not users["other"].notifications.exists()


def test_a_leaders_open_sheet_follows_his_staff(staff, users, month, fill):
    chief = domain.sheet_for(staff.chief, month, users["leader"])
    fill(chief, users["leader"])
    chief.refresh_from_db()
    assert chief.score == Decimal("100.00")
    clerk = domain.sheet_for(staff.clerk, month, users["leader"])
    fill(clerk, users["leader"], task={**GOOD_TASK, "done": 1, "meeting": 1, "on_time": 1},
         general={"chinh_tri": "1"})
    assert clerk.grade == Grade.KHT
    chief.refresh_from_db()
    assert chief.score == Decimal("82.50")  # half the task points follow the unit: 50%


def test_the_year_is_computed_by_the_units_leader_only(tree, users):
    with pytest.raises(PermissionDenied):
        domain.store_year(tree.ward_a.subtree(), 2026, users["other"])
    with pytest.raises(PermissionDenied):
        domain.store_year(tree.ward_a.subtree(), 2026, users["secretariat"])


def test_a_leaders_sheet_waits_for_this_months_sheets_not_older_ones(staff, users, month, fill,
                                                                    make_user, tree):
    # Staff finalised a year ago and only drafted this month: the leader still waits (an
    # exclude() over the sheets matched "this month" and "finalised" on different rows).
    boss = make_user("truong_phuong", "leader", tree.province)
    finalise_all([staff.staff, staff.clerk], date(month.year - 1, month.month, 1), users, fill)
    for person in (staff.staff, staff.clerk):
        fill(domain.sheet_for(person, month, users["leader"]), users["leader"])
    chief = finalise_all([staff.chief], month, users, fill)[0]
    with pytest.raises(TransitionError, match="Còn 2 cán bộ"):
        domain.transition(chief, "finalise", boss)


def test_people_not_graded_this_month_do_not_lower_the_leaders_unit_result(
        staff, users, month, fill, make_user, make_person, tree):
    boss = make_user("truong_phuong", "leader", tree.province)
    finalise_all([staff.staff], month, users, fill)
    # Abandoned drafts (no task: 0 points, KHT) of someone on leave and of someone who left.
    domain.sheet_for(staff.clerk, month, users["leader"])
    domain.report_missing(staff.clerk, month, users["leader"], "nghi_phep")
    gone = make_person("Trịnh Văn Nam", tree.ward_a)
    domain.sheet_for(gone, month, users["leader"])
    gone.status = "da_chuyen"
    gone.save()
    assert MonthSheet.objects.filter(grade=Grade.KHT, is_leader=False).count() == 2
    chief = finalise_all([staff.chief], month, users, fill)[0]
    domain.transition(chief, "finalise", boss)
    chief.refresh_from_db()
    assert chief.score == Decimal("100.00")  # the unit reached HT: 100% of its share
    domain.regrade(MonthSheet.objects.filter(pk=chief.pk))  # the batch path agrees
    chief.refresh_from_db()
    assert chief.score == Decimal("100.00")


def test_discipline_recorded_after_finalising_is_applied_at_close(staff, users, month, fill,
                                                                   tree):
    finalise_all([staff.staff, staff.clerk], month, users, fill, general={"chinh_tri": "1"})
    domain.report_missing(staff.chief, month, users["leader"], "nghi_phep")
    decision = DisciplineRecord.objects.create(person=staff.staff, form="khien_trach",
                                               decision_date=month, effective_from=month)
    assert MonthSheet.objects.get(person=staff.staff).grade == Grade.HTT  # finalised before
    domain.close_month(tree.ward_a, month, users["leader"])
    sheet = MonthSheet.objects.get(person=staff.staff)
    assert sheet.state == "finalised" and sheet.grade == Grade.KHT
    assert "Khiển trách" in sheet.grade_note
    kept = sheet.adjustments.get()
    assert (kept.field_label, kept.old_value, kept.new_value) == ("Xếp loại", "HTT", "KHT")
    assert "kỷ luật" in kept.reason and kept.actor == users["leader"]
    assert MonthSheet.objects.get(person=staff.clerk).grade == Grade.HTT  # untouched
    # A decision withdrawn (back under review) before the month closes again: grade restored.
    domain.reopen_month(tree.ward_a, month, users["leader"], "Xem lại kỷ luật")
    decision.under_review = True
    decision.save()
    domain.close_month(tree.ward_a, month, users["leader"])
    sheet.refresh_from_db()
    assert sheet.grade == Grade.HTT and sheet.grade_note == ""


def test_no_staff_sheet_is_finalised_under_a_finalised_leaders_sheet(staff, users, month, fill,
                                                                      make_user, tree):
    boss = make_user("truong_phuong", "leader", tree.province)
    finalise_all([staff.staff], month, users, fill)
    clerk = domain.sheet_for(staff.clerk, month, users["leader"])
    missing = domain.report_missing(staff.clerk, month, users["leader"], "nghi_phep")
    chief = finalise_all([staff.chief], month, users, fill)[0]
    domain.transition(chief, "finalise", boss)
    # The clerk comes back into the month after the leader's sheet took the unit's result.
    with pytest.raises(ValidationError, match="lãnh đạo"):
        domain.withdraw_missing(missing, users["leader"])
    missing.delete()  # as if withdrawn before: his sheet cannot be finalised either
    fill(clerk, users["leader"], task={**GOOD_TASK, "done": 1, "meeting": 1, "on_time": 1},
         general={"chinh_tri": "1"})
    domain.transition(clerk, "submit", users["leader"])
    with pytest.raises(TransitionError, match="mở lại phiếu của lãnh đạo"):
        domain.transition(clerk, "finalise", users["leader"])
    domain.transition(chief, "reopen", boss, "Cán bộ đi làm lại")
    domain.transition(clerk, "finalise", users["leader"])
    domain.transition(chief, "finalise", boss)
    chief.refresh_from_db()
    assert chief.score == Decimal("82.50")  # the clerk is KHT: the unit result is 50%


def test_no_sheet_for_a_month_not_begun(staff, users):
    from thidua.kpi.domain import current_month, shift_month

    with pytest.raises(ValidationError, match="chưa bắt đầu"):
        domain.sheet_for(staff.staff, shift_month(current_month(), 1), users["leader"])
