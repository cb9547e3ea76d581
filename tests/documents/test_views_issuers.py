"""A unit's header details (thể thức văn bản): defaults, editing, who may."""

import pytest
from django.urls import reverse

from tests.conftest import as_user  # noqa: F401 (shared helper)
from tests.documents.test_render import texts
from thidua.documents.models import IssuerProfile

pytestmark = pytest.mark.django_db


def url(unit):
    return reverse("documents:issuer", args=[unit.pk])




def profile_data(**changes):
    data = {"doc_format": "party", "parent_body": "Đảng bộ tỉnh Thử nghiệm",
            "body_name": "Đảng ủy phường An Bình", "symbol": "đu", "place": "An Bình",
            "signer_on_behalf": "T/M Đảng ủy", "signer_title": "Bí thư",
            "signer_name": "  Trần   Văn Bình "}
    data.update(changes)
    return data


def test_anonymous_users_are_sent_to_the_login_page(client, tree):
    for method in (client.get, client.post):
        response = method(url(tree.ward_a))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_other_wards_user_gets_404(client, users, tree):
    c = as_user(client, users["other"])
    for unit in (tree.ward_a, tree.cell_a1, tree.province):
        assert c.get(url(unit)).status_code == 404
        assert c.post(url(unit), profile_data()).status_code == 404
    assert c.get(reverse("documents:issuer", args=[999999])).status_code == 404
    assert not IssuerProfile.objects.exists()


def test_only_admin_and_secretariat_edit(client, users, tree):
    for name in ("leader", "observer"):
        c = as_user(client, users[name])
        assert c.get(url(tree.ward_a)).status_code == 403, name
        assert c.post(url(tree.ward_a), profile_data()).status_code == 403, name
    for name in ("staff", "norole"):  # no reading role on the ward: outside their scope
        assert as_user(client, users[name]).get(url(tree.ward_a)).status_code == 404, name
    assert not IssuerProfile.objects.exists()
    for name in ("admin", "secretariat"):
        assert as_user(client, users[name]).get(url(tree.cell_a2)).status_code == 200, name


def test_the_form_opens_with_the_defaults_from_the_unit(client, users, tree):
    response = as_user(client, users["secretariat"]).get(url(tree.cell_a1))
    form = response.context["form"]
    assert form.initial["doc_format"] == "party"
    assert form.initial["body_name"] == "CHI BỘ TỔ DÂN PHỐ 1"
    assert form.initial["parent_body"] == "ĐẢNG BỘ PHƯỜNG AN BÌNH"
    assert form.initial["symbol"] == "CB"
    page = response.content.decode()
    assert "chưa lưu thể thức riêng" in page and "Số 5-KH/CB" in page
    assert not IssuerProfile.objects.exists()  # opening the page saves nothing


def test_saving_the_profile_is_used_by_the_plan(client, users, tree, launched):
    c = as_user(client, users["admin"])
    response = c.post(url(tree.ward_a), profile_data())
    assert response.status_code == 302 and response["Location"] == url(tree.ward_a)
    profile = IssuerProfile.objects.get(unit=tree.ward_a)
    assert (profile.symbol, profile.signer_name) == ("ĐU", "Trần Văn Bình")
    text = texts(c.get(reverse("documents:plan_docx", args=[launched.pk])).content)
    assert "Trần Văn Bình" in text and "T/M ĐẢNG ỦY" in text
    # Edited again: the same row changes.
    c.post(url(tree.ward_a), profile_data(doc_format="state", symbol="UBND",
                                          signer_name="Lê Thị Hoa"))
    profile = IssuerProfile.objects.get(unit=tree.ward_a)
    assert (profile.doc_format, profile.symbol, profile.signer_name) == ("state", "UBND",
                                                                         "Lê Thị Hoa")
    assert "Số: 05/KH-UBND" in c.get(url(tree.ward_a)).content.decode()


def test_a_wrong_symbol_is_refused_and_the_input_kept(client, users, tree):
    response = as_user(client, users["secretariat"]).post(
        url(tree.ward_a), profile_data(symbol="KH/ĐU", body_name=""))
    assert response.status_code == 200
    form = response.context["form"]
    assert "không có dấu cách hay dấu “/”" in form.errors["symbol"][0]
    assert "Hãy nhập tên cơ quan ban hành." in form.errors["body_name"][0]
    assert form.data["signer_title"] == "Bí thư"
    assert not IssuerProfile.objects.exists()


def test_the_default_place_is_the_place_a_name_gives_not_its_last_two_words(tree, make_unit):
    """"Chi bộ Tổ dân phố 1" once dated its documents "phố 1, ngày …"."""
    from thidua.documents.issuers import place_in, profile_for

    assert profile_for(tree.ward_a).place == "An Bình"  # Đảng bộ phường An Bình
    assert profile_for(tree.province).place == "Thử nghiệm"  # Tỉnh ủy Thử nghiệm
    assert profile_for(tree.cell_a1).place == "An Bình"  # from the ward above it
    assert profile_for(tree.cell_b1).place == "Bình Minh"  # Đảng bộ xã Bình Minh
    IssuerProfile.objects.create(unit=tree.ward_a, doc_format="party", body_name="Đảng ủy",
                                 symbol="ĐU", place="Bắc Kạn")
    assert profile_for(tree.cell_a1).place == "Bắc Kạn"  # the ward's saved place first
    assert place_in("UBND tỉnh Thái Nguyên") == "Thái Nguyên"
    assert place_in("Ủy ban nhân dân phường Đức Xuân, tỉnh Thái Nguyên") == "Đức Xuân"
    assert place_in("Chi bộ Tổ dân phố 1") == ""


def test_a_chi_bo_signs_on_behalf_of_the_chi_bo(tree):
    from thidua.documents.issuers import profile_for

    profile = profile_for(tree.cell_a1)
    assert (profile.signer_on_behalf, profile.signer_title) == ("T/M CHI BỘ", "BÍ THƯ")
    assert profile.parent_body == "ĐẢNG BỘ PHƯỜNG AN BÌNH"
