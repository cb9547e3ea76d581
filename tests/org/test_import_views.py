"""The import pages and the template downloads: roles, form, report, POST/redirect/GET."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from tests.org.files import people_xlsx, person, unit, units_xlsx, upload
from thidua.org.models import Person, Unit

PAGES = ["org:import_units", "org:import_people"]
TEMPLATES = [("org:import_template", {"kind": "don-vi"}),
             ("org:import_template", {"kind": "can-bo"})]


def post(client, url_name, content, name="du-lieu.xlsx", dry_run=False):
    data = {"file": upload(content, name)}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(reverse(url_name), data)


@pytest.mark.parametrize("url_name", PAGES)
def test_anonymous_is_sent_to_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url_name", PAGES)
@pytest.mark.parametrize("role", ["observer", "norole", "leader", "staff"])
def test_users_without_a_manage_role_get_403(client, users, url_name, role):
    client.force_login(users[role])
    assert client.get(reverse(url_name)).status_code == 403
    response = post(client, url_name, people_xlsx(person()))
    assert response.status_code == 403
    assert not Person.objects.filter(staff_code="NV0001").exists()


@pytest.mark.parametrize(("url_name", "kwargs"), TEMPLATES)
@pytest.mark.parametrize("role", ["observer", "norole"])
def test_templates_are_for_managers_only(client, users, url_name, kwargs, role):
    client.force_login(users[role])
    assert client.get(reverse(url_name, kwargs=kwargs)).status_code == 403


@pytest.mark.parametrize(("url_name", "title", "kind"), [
    ("org:import_units", "Nhập đơn vị từ Excel", "don-vi"),
    ("org:import_people", "Nhập cán bộ từ Excel", "can-bo"),
])
@pytest.mark.parametrize("role", ["secretariat", "admin"])
def test_page_explains_and_offers_template_file_and_dry_run(client, users, url_name, title,
                                                           kind, role):
    client.force_login(users[role])
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"<h1 class=\"h4 mb-3\">{title}</h1>" in page
    assert reverse("org:import_template", kwargs={"kind": kind}) in page
    assert 'type="file"' in page and 'enctype="multipart/form-data"' in page
    assert "Chỉ kiểm tra, chưa ghi dữ liệu" in page
    assert "csrfmiddlewaretoken" in page
    assert "không dòng nào được ghi" in page


def test_successful_import_redirects_with_a_message(client, tree, users):
    client.force_login(users["secretariat"])
    response = post(client, "org:import_people",
                    people_xlsx(person(), person(staff_code="NV0002", full_name="Đỗ Văn Nam")),
                    name="can-bo-thang-9.xlsx")
    assert response.status_code == 302
    assert response["Location"] == reverse("org:import_people")
    assert Person.objects.filter(staff_code__in=["NV0001", "NV0002"]).count() == 2
    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Person),
                                      actor=users["secretariat"])
    assert entries.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "Đã nhập 2 cán bộ từ tệp “can-bo-thang-9.xlsx”." in page


def test_units_import_through_the_page(client, tree, users):
    client.force_login(users["secretariat"])
    response = post(client, "org:import_units", units_xlsx(unit()), name="don-vi.xlsx")
    assert response.status_code == 302
    assert Unit.objects.get_parent(Unit.objects.get(code="PAB-CB3")) == tree.ward_a
    assert "Đã nhập 1 đơn vị từ tệp “don-vi.xlsx”." in client.get(
        response["Location"]).content.decode()


def test_errors_are_listed_and_nothing_is_written(client, tree, users):
    client.force_login(users["secretariat"])
    response = post(client, "org:import_people", people_xlsx(
        person(), person(staff_code="NV0002", gender="Khác"),
        person(staff_code="NV0003", unit_code="XBM")))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<th scope=\"col\">Dòng</th><th scope=\"col\">Cột</th><th scope=\"col\">Lý do</th>" in page
    assert "Có <strong>2</strong> dòng bị từ chối trên tổng số 3 dòng dữ liệu." in page
    assert "Chưa có dữ liệu nào được ghi" in page
    assert "<td>3</td><td>Giới tính</td><td>“Khác” không có trong danh sách: “Nam”, “Nữ”.</td>" in page
    assert ("<td>4</td><td>Mã đơn vị</td><td>Không tìm thấy đơn vị “XBM” trong phạm vi "
            "của bạn.</td>") in page
    assert not Person.objects.filter(staff_code__startswith="NV").exists()


def test_other_wards_secretariat_gets_the_row_error(client, tree, users):
    client.force_login(users["other"])
    response = post(client, "org:import_people", people_xlsx(person(party_cell_code=None,
                                                                     is_party_member="Không",
                                                                     party_joined_on=None)))
    assert response.status_code == 200
    assert ("<td>2</td><td>Mã đơn vị</td><td>Không tìm thấy đơn vị “PAB” trong phạm vi của "
            "bạn.</td>") in response.content.decode()
    assert not Person.objects.filter(staff_code="NV0001").exists()


def test_file_error_is_shown(client, tree, users):
    client.force_login(users["secretariat"])
    response = post(client, "org:import_people", b"khong phai excel", name="danh-sach.xlsx")
    assert response.status_code == 200
    assert "Tệp không phải là tệp Excel (.xlsx) hợp lệ" in response.content.decode()


def test_missing_or_empty_file_is_a_form_error(client, users):
    client.force_login(users["secretariat"])
    response = client.post(reverse("org:import_people"), {})
    assert "Hãy chọn tệp Excel cần nhập." in response.content.decode()
    response = post(client, "org:import_people", b"")
    assert response.status_code == 200
    assert "Tệp tải lên rỗng (0 byte)." in response.content.decode()


def test_dry_run_reports_and_writes_nothing(client, tree, users):
    client.force_login(users["secretariat"])
    response = post(client, "org:import_people", people_xlsx(person()), dry_run=True)
    assert response.status_code == 302
    assert not Person.objects.filter(staff_code="NV0001").exists()
    page = client.get(response["Location"]).content.decode()
    assert "hợp lệ: 1 dòng đều đúng. Chưa có dữ liệu nào được ghi" in page

    response = post(client, "org:import_people", people_xlsx(person(gender="?")), dry_run=True)
    assert response.status_code == 200
    assert "Đây là lần kiểm tra thử" in response.content.decode()


def test_post_needs_the_csrf_token(tree, users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["secretariat"])
    response = post(client, "org:import_people", people_xlsx(person()))
    assert response.status_code == 403
    assert not Person.objects.filter(staff_code="NV0001").exists()


def test_long_error_lists_are_cut(client, tree, users, monkeypatch):
    from thidua.org.excel import report

    monkeypatch.setattr(report, "MAX_ERRORS_SHOWN", 2)
    client.force_login(users["secretariat"])
    response = post(client, "org:import_people", people_xlsx(
        *[person(staff_code=f"NV{n}", gender="?") for n in range(5)]))
    page = response.content.decode()
    assert "Có <strong>5</strong> dòng bị từ chối" in page
    assert "… và 3 lỗi khác không hiển thị." in page


def test_unknown_template_kind_is_404(client, users):
    client.force_login(users["secretariat"])
    response = client.get(reverse("org:import_template", kwargs={"kind": "khen-thuong"}))
    assert response.status_code == 404
