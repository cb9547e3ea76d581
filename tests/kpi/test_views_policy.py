"""The scoring policy screens: who sees which policy, editing, validation, regrading."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.kpi.conftest import GOOD_TASK, as_user
from thidua.kpi import domain
from thidua.kpi.models import MonthSheet, ScoringPolicy
from thidua.kpi.policy import DEFAULT_POLICY, Grade

pytestmark = pytest.mark.django_db

HTT_MARKS = {"chinh_tri": "1"}  # 1 + 70 with one task done in full: 71 points, HTT


@pytest.fixture
def ward_policy(tree):
    return ScoringPolicy.objects.create(unit=tree.ward_a, name="Quy định chấm điểm phường An Bình",
                                        rules=DEFAULT_POLICY.to_json())


@pytest.fixture
def superuser(make_user):
    return make_user("sieuquantri", is_superuser=True)


def form_data(policy=DEFAULT_POLICY, name="Quy định chấm điểm phường An Bình", criteria=None,
              extra_rows=2, **figures):
    """What the edit page posts: every figure (decimal comma) and the criteria rows."""
    rows = criteria if criteria is not None else [
        {"code": c.code, "label": c.label, "max_points": str(c.max_points)}
        for c in policy.general_criteria]
    data = {"name": name, "year_method": policy.year_method}
    for field in ("task_points", "quantity_weight", "quality_weight", "timeliness_weight",
                  "error_deduction_pct", "late_deduction_pct", "htxs_min", "htt_min", "ht_min",
                  "htxs_cap_pct", "leader_unit_share_pct", "leader_unit_full_pct",
                  "leader_unit_partial_pct"):
        data[field] = str(figures.get(field, getattr(policy, field))).replace(".", ",")
    data.update({"tieu-chi-TOTAL_FORMS": str(len(rows) + extra_rows),
                 "tieu-chi-INITIAL_FORMS": str(len(policy.general_criteria)),
                 "tieu-chi-MIN_NUM_FORMS": "0", "tieu-chi-MAX_NUM_FORMS": "20"})
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"tieu-chi-{index}-{key}"] = value
    for index in range(len(rows), len(rows) + extra_rows):
        for key in ("code", "label", "max_points"):
            data[f"tieu-chi-{index}-{key}"] = ""
    return data


def test_the_list_shows_the_policies_of_the_admins_subtree(client, users, tree, superuser,
                                                          ward_policy,
                                                          django_assert_max_num_queries):
    cell = ScoringPolicy.objects.create(unit=tree.cell_a1, name="Chi bộ Tổ dân phố 1",
                                        rules=DEFAULT_POLICY.to_json())
    other = ScoringPolicy.objects.create(unit=tree.ward_b, name="Xã Bình Minh",
                                         rules=DEFAULT_POLICY.to_json())
    url = reverse("kpi:policies")
    c = as_user(client, users["admin"])
    with django_assert_max_num_queries(6):
        page = c.get(url)
    assert [row.pk for row, _summary in page.context["rows"]] == [ward_policy.pk, cell.pk]
    html = page.content.decode()
    assert "HTXS ≥ 90, HTT ≥ 70, HT ≥ 50" in html and "30 + 70" in html
    assert "Xã Bình Minh" not in html
    # More policies, same number of queries.
    ScoringPolicy.objects.create(unit=tree.cell_a2, name="Chi bộ 2", updated_by=users["admin"],
                                 rules=DEFAULT_POLICY.to_json())
    with django_assert_max_num_queries(6):
        assert len(c.get(url).context["rows"]) == 3
    everything = as_user(client, superuser).get(url).context["rows"]
    default = ScoringPolicy.objects.get(unit__isnull=True)
    assert [row.pk for row, _s in everything][0] == default.pk
    assert {row.pk for row, _s in everything} >= {default.pk, ward_policy.pk, other.pk}


def test_only_admins_reach_the_policy_pages(client, users, ward_policy, make_user, tree):
    admin_b = make_user("quantri_b", "admin", tree.ward_b)
    default = ScoringPolicy.objects.get(unit__isnull=True)
    edit = reverse("kpi:policy_edit", args=[ward_policy.pk])
    for name in ("secretariat", "leader", "observer", "staff", "other", "norole"):
        c = as_user(client, users[name])
        assert c.get(reverse("kpi:policies")).status_code == 403, name
        assert c.get(reverse("kpi:policy_new")).status_code == 403, name
        assert c.get(edit).status_code == 404, name
        assert c.post(edit, form_data(htt_min="75")).status_code == 404, name
    # An admin of another ward: the ward's policy is as missing as an unknown id.
    c = as_user(client, admin_b)
    assert c.get(edit).status_code == 404
    assert c.post(edit, form_data(htt_min="75")).status_code == 404
    # A plain admin does not edit the default policy (only a superuser does).
    assert as_user(client, users["admin"]).get(
        reverse("kpi:policy_edit", args=[default.pk])).status_code == 404
    ward_policy.refresh_from_db()
    assert ward_policy.rules["htt_min"] == "70"


def test_every_field_is_labelled_with_the_decrees_default(client, users, ward_policy):
    page = as_user(client, users["admin"]).get(reverse("kpi:policy_edit",
                                                       args=[ward_policy.pk]))
    form = page.context["form"]
    for name, field in form.fields.items():
        if name == "name":
            continue
        assert "Nghị định 335/2025/NĐ-CP" in field.help_text or "ba phần bằng nhau" in \
            field.help_text, name
    html = page.content.decode()
    assert "Tinh thần đổi mới, sáng tạo, dám nghĩ, dám làm" in html
    assert 'value="70"' in html and "Điểm tối thiểu xếp loại Hoàn thành tốt" in html


def _graded(person, month, leader, general=HTT_MARKS):
    sheet = domain.sheet_for(person, month, leader)
    domain.save_task(sheet, leader, dict(GOOD_TASK))
    domain.assess_general(sheet, leader, dict(general))
    domain.transition(sheet, "submit", leader)
    domain.transition(sheet, "finalise", leader)
    sheet.refresh_from_db()
    return sheet


def test_saving_regrades_open_months_and_closed_months_keep_their_policy(
        client, users, staff, month, ward_policy):
    closed_sheet = _graded(staff.staff, month, users["leader"])
    _graded(staff.clerk, month, users["leader"])
    domain.report_missing(staff.chief, month, users["leader"], "nghi_phep")
    domain.close_month(staff.staff.unit, month, users["leader"])
    earlier = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
    open_sheet = _graded(staff.staff, earlier, users["leader"])
    assert closed_sheet.score == open_sheet.score == Decimal("71.00")
    assert closed_sheet.grade == open_sheet.grade == Grade.HTT

    url = reverse("kpi:policy_edit", args=[ward_policy.pk])
    response = as_user(client, users["admin"]).post(url, form_data(htt_min="75"), follow=True)
    assert response.redirect_chain[-1][0] == url
    html = response.content.decode()
    assert "Đã tính lại điểm và xếp loại của 1 phiếu đánh giá" in html
    ward_policy.refresh_from_db()
    assert ward_policy.rules["htt_min"] == "75" and ward_policy.updated_by == users["admin"]
    assert MonthSheet.objects.get(pk=open_sheet.pk).grade == Grade.HT
    assert MonthSheet.objects.get(pk=closed_sheet.pk).grade == Grade.HTT
    assert domain.month_policies([staff.staff.unit], month)[staff.staff.unit_id].htt_min == 70


def test_a_policy_that_cannot_grade_is_refused_with_the_reasons(client, users, ward_policy):
    url = reverse("kpi:policy_edit", args=[ward_policy.pk])
    c = as_user(client, users["admin"])
    html = c.post(url, form_data(task_points="60")).content.decode()
    assert "Tổng điểm tiêu chí chung và kết quả nhiệm vụ phải bằng 100 (hiện là 90)" in html
    assert 'value="60"' in html  # the input is kept
    html = c.post(url, form_data(htt_min="95")).content.decode()
    assert "Ngưỡng điểm phải tăng dần: HT &lt; HTT &lt; HTXS ≤ 100." in html
    html = c.post(url, form_data(htxs_cap_pct="120", error_deduction_pct="nhiều")).content.decode()
    assert "Giá trị không được lớn hơn 100." in html
    assert "Hãy nhập một số, ví dụ 12,5." in html
    ward_policy.refresh_from_db()
    assert ward_policy.rules == DEFAULT_POLICY.to_json()


def test_criteria_rows_are_added_removed_and_checked(client, users, ward_policy):
    url = reverse("kpi:policy_edit", args=[ward_policy.pk])
    c = as_user(client, users["admin"])
    rows = [{"code": cr.code, "label": cr.label, "max_points": str(cr.max_points)}
            for cr in DEFAULT_POLICY.general_criteria]
    # Khánh Hòa's shape: general 20 over four criteria (one removed), reform and IT 10.
    rows = [{**row, "max_points": "5"} for row in rows]
    rows[4]["DELETE"] = "on"
    rows.append({"code": "", "label": "Cải cách hành chính, chuyển đổi số", "max_points": "10"})
    data = form_data(criteria=rows, extra_rows=1, htt_min="80")
    data["tieu-chi-TOTAL_FORMS"] = str(len(rows) + 1)
    response = c.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    policy = ScoringPolicy.objects.get(pk=ward_policy.pk).policy
    assert [cr.code for cr in policy.general_criteria] == [
        "chinh_tri", "dao_duc", "ky_luat", "phuc_vu", "cai_cach_hanh_chinh_chuyen_doi_so"]
    assert policy.general_points == 30 and policy.htt_min == 80

    duplicate = [{"code": "a", "label": "Một", "max_points": "15"},
                 {"code": "a", "label": "Hai", "max_points": "15"}]
    html = c.post(url, form_data(criteria=duplicate)).content.decode()
    assert "Mã tiêu chí bị trùng: a." in html
    nameless = [{"code": "x", "label": "", "max_points": "30"}]
    html = c.post(url, form_data(criteria=nameless)).content.decode()
    assert "Hãy ghi tên tiêu chí." in html
    none = [{"code": "x", "label": "Một", "max_points": "30", "DELETE": "on"}]
    html = c.post(url, form_data(criteria=none)).content.decode()
    assert "Cần ít nhất một tiêu chí chung." in html
    assert ScoringPolicy.objects.get(pk=ward_policy.pk).policy == policy


def test_a_superuser_edits_the_default_policy(client, superuser):
    default = ScoringPolicy.objects.get(unit__isnull=True)
    url = reverse("kpi:policy_edit", args=[default.pk])
    response = as_user(client, superuser).post(url, form_data(name=default.name, htxs_cap_pct="15"))
    assert response.status_code == 302
    default.refresh_from_db()
    assert default.policy.htxs_cap_pct == 15


def test_an_admin_adds_a_policy_for_a_unit_of_his_subtree(client, users, tree, ward_policy):
    url = reverse("kpi:policy_new")
    c = as_user(client, users["admin"])
    page = c.get(url)
    assert page.context["form"]["htxs_min"].value() == Decimal(90)
    data = {**form_data(name="Chi bộ Tổ dân phố 1", htxs_cap_pct="10"), "unit_code": "pab-cb1"}
    response = c.post(url, data, follow=True)
    row = ScoringPolicy.objects.get(unit=tree.cell_a1)
    assert response.redirect_chain[-1][0] == reverse("kpi:policy_edit", args=[row.pk])
    assert row.policy.htxs_cap_pct == 10 and row.updated_by == users["admin"]
    assert "Đã lưu chính sách “Chi bộ Tổ dân phố 1”" in response.content.decode()

    html = c.post(url, data).content.decode()
    assert "đã có chính sách “Chi bộ Tổ dân phố 1”" in html
    html = c.post(url, {**data, "unit_code": "XBM-CB1"}).content.decode()
    assert "Không tìm thấy đơn vị có mã “XBM-CB1” trong phạm vi bạn quản trị" in html
    html = c.post(url, {**data, "unit_code": "PAB-CB2", "ht_min": "75"}).content.decode()
    assert "Ngưỡng điểm phải tăng dần" in html
    assert not ScoringPolicy.objects.filter(unit__in=[tree.ward_b, tree.cell_b1,
                                                      tree.cell_a2]).exists()
