"""The KPI records in the Django admin are read-only: every change goes through kpi.domain."""

import pytest

from tests.kpi.test_domain import finalise_all
from thidua.kpi import domain
from thidua.kpi.models import MonthSheet, ScoringPolicy, UnitMonth

pytestmark = pytest.mark.django_db


def test_admin_shows_but_cannot_change_a_closed_months_sheet(client, staff, users, month, fill,
                                                              tree, make_user):
    finalise_all([staff.staff, staff.clerk], month, users, fill, general={"chinh_tri": "1"})
    domain.report_missing(staff.chief, month, users["leader"], "nghi_phep")
    closed = domain.close_month(tree.ward_a, month, users["leader"])
    sheet = MonthSheet.objects.get(person=staff.staff)
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    address = f"/quan-tri/kpi/monthsheet/{sheet.pk}/change/"
    assert client.get(address).status_code == 200  # to look at
    response = client.post(address, {
        "person": staff.staff.pk, "unit": tree.ward_a.pk, "month": str(month),
        "task_group": "khac", "self_general": "{}", "review_general": "{}",
        "self_comment": "", "review_comment": "", "grade_note": ""})
    assert response.status_code == 403
    sheet.refresh_from_db()
    assert sheet.task_group == "cong_chuc" and sheet.review_general
    for model, pk in ((MonthSheet, sheet.pk), (UnitMonth, closed.pk)):
        name = model._meta.model_name
        assert client.post(f"/quan-tri/kpi/{name}/{pk}/delete/", {"post": "yes"}).status_code \
            == 403
        assert model.objects.filter(pk=pk).exists()
    assert client.get("/quan-tri/kpi/scoringpolicy/add/").status_code == 403
    assert ScoringPolicy.objects.count() == 1  # the default, from the data migration



def test_admin_lists_have_vietnamese_headers(client, staff, users, month, make_user, tree):
    domain.sheet_for(staff.staff, month, users["staff"])
    UnitMonth.objects.create(unit=tree.ward_a, month=month)
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    headers = {"scoringpolicy": "Cập nhật lúc", "monthsheet": "Xếp loại",
               "unitmonth": "Khóa sổ lúc"}
    for name, header in headers.items():
        response = client.get(f"/quan-tri/kpi/{name}/")
        assert response.status_code == 200
        html = response.content.decode()
        assert header in html and "Updated at" not in html, name
