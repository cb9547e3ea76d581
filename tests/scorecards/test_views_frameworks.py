"""The framework pages: the list with its versions, one version in words, and the superuser's
changes (a new version after a confirmation, a criterion edited, an item added) — refused
on a version a scorecard uses, refused to everyone else."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.conftest import as_user  # noqa: F401 (shared helper)
from thidua.scorecards.models import Criterion, Framework

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"scorecards:{name}", args=args)


@pytest.fixture
def root(make_user):
    return make_user("quantri", is_superuser=True, is_staff=True)




def criterion(framework, code):
    return Criterion.objects.get(framework=framework, code=code)


def test_list_shows_the_active_version_first_and_older_ones_as_history(client, bon_tot, root):
    c = as_user(client, root)
    assert c.post(url("framework_new_version", bon_tot.pk)).status_code == 302
    response = c.get(url("frameworks"))
    assert response.status_code == 200
    groups = {current.code: (current, older) for current, older in response.context["groups"]}
    current, older = groups["chi_bo_bon_tot"]
    assert (current.version, current.is_active, current.total_points) == (2, True, 100)
    assert [(f.version, f.is_active) for f in older] == [(1, False)]
    assert set(groups) == {"chi_bo_bon_tot", "dang_bo_co_so_bon_tot", "xep_loai_to_chuc_dang",
                           "nu_cuoi_cong_so"}
    html = response.content.decode()
    assert html.index(url("framework", current.pk)) < html.index(url("framework", bon_tot.pk))


def test_a_version_in_words_tree_rule_kinds(client, bon_tot, users):
    response = as_user(client, users["staff"]).get(url("framework", bon_tot.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert ("Tổng điểm ≥ 90; mỗi tiêu chí ≥ 20; tổ chức đảng xếp loại HTT (“Hoàn thành tốt nhiệm "
            "vụ”) trở lên trong năm theo “Đánh giá, xếp loại chất lượng tổ chức đảng”.") in html
    groups = response.context["groups"]
    assert [g["group"].code for g in groups] == ["1", "2", "3", "4"]
    assert [len(g["items"]) for g in groups] == [6, 2, 5, 5]
    assert all(g["floor"] == "20" and not g["mismatch"] for g in groups)
    assert [k.name for k in response.context["kinds"]] == ["Chi bộ"]
    assert "Ngày 15/01 hằng năm" in html and "Hằng quý" in html
    assert "Tạo phiên bản mới" not in html and "Sửa</a>" not in html  # read-only


def test_a_grading_shows_its_bands(client, frameworks, users):
    grading = frameworks["xep_loai_to_chuc_dang"]
    response = as_user(client, users["other"]).get(url("framework", grading.pk))
    assert response.context["bands"][0] == ("HTXS", "Hoàn thành xuất sắc nhiệm vụ", "90")
    assert response.context["bands"][-1] == ("KHT", "Không hoàn thành nhiệm vụ", "0")
    assert "Không xét công nhận" in response.context["rule_text"]


def test_superuser_makes_a_new_version_after_a_confirmation(client, bon_tot, registered, root):
    c = as_user(client, root)
    response = c.get(url("framework_new_version", bon_tot.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tạo phiên bản 2 của “Chi bộ bốn tốt”?" in html and "1 phiếu đã chấm" in html
    assert Framework.objects.filter(code="chi_bo_bon_tot").count() == 1  # nothing yet
    response = c.post(url("framework_new_version", bon_tot.pk))
    made = Framework.objects.get(code="chi_bo_bon_tot", is_active=True)
    assert made.version == 2 and response["Location"] == url("framework", made.pk)
    assert made.criteria.count() == bon_tot.criteria.count()
    registered.refresh_from_db()
    assert registered.framework_id == bon_tot.pk  # the scorecard keeps its version
    assert "Đã tạo phiên bản 2" in c.get(response["Location"]).content.decode()


def test_a_used_version_refuses_an_edit_with_the_domains_message(client, bon_tot, registered,
                                                                  root):
    item = criterion(bon_tot, "2.1")
    c = as_user(client, root)
    page = c.get(url("framework", bon_tot.pk)).content.decode()
    assert "đã được dùng để chấm điểm" in page and "Sửa</a>" not in page
    response = c.post(url("criterion_edit", bon_tot.pk, item.pk),
                      {"title": "Nội dung mới", "max_points": "15", "guidance": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert ("Bộ tiêu chí này đã được dùng để chấm điểm nên không sửa trực tiếp được" in html)
    assert "Nội dung mới" in html  # the input is kept
    item.refresh_from_db()
    assert item.title != "Nội dung mới" and item.max_points == 13
    group = criterion(bon_tot, "2")
    response = c.post(url("item_add", bon_tot.pk, group.pk),
                      {"code": "2.3", "title": "Thêm", "max_points": "1"})
    assert response.status_code == 200 and "không sửa trực tiếp được" in response.content.decode()
    assert not Criterion.objects.filter(framework=bon_tot, code="2.3").exists()


def test_superuser_edits_a_criterion_and_adds_an_item_on_an_unused_version(client, bon_tot,
                                                                          root):
    c = as_user(client, root)
    group = criterion(bon_tot, "2")
    response = c.post(url("criterion_edit", bon_tot.pk, group.pk),
                      {"title": "Chất lượng sinh hoạt tốt", "max_points": "27",
                       "min_points": "21", "guidance": "Biên bản các kỳ sinh hoạt"})
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.max_points, group.min_points, group.guidance) == (
        Decimal(27), Decimal(21), "Biên bản các kỳ sinh hoạt")
    response = c.get(url("item_add", bon_tot.pk, group.pk))
    assert response.context["form"]["code"].value() == "2.3"
    response = c.post(url("item_add", bon_tot.pk, group.pk),
                      {"code": "2.3", "title": "Sinh hoạt chuyên đề hằng quý",
                       "max_points": "2", "guidance": ""})
    assert response.status_code == 302
    item = criterion(bon_tot, "2.3")
    assert (item.parent_id, item.order, item.max_points) == (group.pk, 3, 2)
    detail = c.get(url("framework", bon_tot.pk))
    second = detail.context["groups"][1]
    assert second["floor"] == "21" and second["own_floor"] and second["mismatch"] == ""
    assert "mỗi tiêu chí ≥ 20" in detail.context["rule_text"]
    # A code already in the version is refused, the input kept.
    response = c.post(url("item_add", bon_tot.pk, group.pk),
                      {"code": "2.1", "title": "Trùng mã", "max_points": "1"})
    assert response.status_code == 200 and "Mã “2.1” đã có" in response.content.decode()
    # Points: more than the maximum as minimum, or zero, are form errors.
    response = c.post(url("criterion_edit", bon_tot.pk, group.pk),
                      {"title": "X", "max_points": "10", "min_points": "12"})
    assert "không được lớn hơn điểm tối đa" in response.content.decode()
    response = c.post(url("criterion_edit", bon_tot.pk, item.pk),
                      {"title": "X", "max_points": "0"})
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.max_points == 2


@pytest.mark.parametrize("who", ["admin", "secretariat", "leader", "other", "staff", "norole"])
def test_everyone_else_reads_but_cannot_change(client, bon_tot, users, who):
    c = as_user(client, users[who])
    assert c.get(url("frameworks")).status_code == 200
    assert c.get(url("framework", bon_tot.pk)).status_code == 200
    item, group = criterion(bon_tot, "1.1"), criterion(bon_tot, "1")
    assert c.get(url("framework_new_version", bon_tot.pk)).status_code == 403
    assert c.post(url("framework_new_version", bon_tot.pk)).status_code == 403
    assert c.post(url("criterion_edit", bon_tot.pk, item.pk),
                  {"title": "Sửa trộm", "max_points": "5"}).status_code == 403
    assert c.post(url("item_add", bon_tot.pk, group.pk),
                  {"code": "1.9", "title": "Thêm trộm", "max_points": "1"}).status_code == 403
    assert Framework.objects.filter(code="chi_bo_bon_tot").count() == 1
    assert not Criterion.objects.filter(title__in=["Sửa trộm", "Thêm trộm"]).exists()


def test_anonymous_is_sent_to_login_and_unknown_ids_answer_404(client, bon_tot, frameworks,
                                                              root):
    assert client.get(url("frameworks")).status_code == 302
    c = as_user(client, root)
    assert c.get(url("framework", 999999)).status_code == 404
    other = criterion(frameworks["dang_bo_co_so_bon_tot"], "1.1")
    assert c.get(url("criterion_edit", bon_tot.pk, other.pk)).status_code == 404
    item = criterion(bon_tot, "1.1")
    assert c.get(url("item_add", bon_tot.pk, item.pk)).status_code == 404  # not a group
